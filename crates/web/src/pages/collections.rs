//! Admin Console → Collections (SPEC §11 "Pages"): each shared collection by its external id or
//! id (names are encrypted under the organization key, which the pages never hold), its counts,
//! and who has which access; a member's or group's access changed, given or taken away, and a
//! collection deleted after a confirmation. Creating and renaming need the organization key:
//! the page says to use a client. Every change goes through the use-cases the API's
//! collection routes call (`members::collection_access`, `vault::collections::delete`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use kinwarden_app::AppError;
use kinwarden_app::members::collection_access::{self, Assigned, Principal};
use kinwarden_app::records::UserRecord;
use kinwarden_core::ids::CollectionId;
use serde::Deserialize;

use super::i18n::Texts;
use super::levels::{self, LevelOption};
use super::message_of;
use super::session::{self, Chrome, PageUser, render};
use crate::ApiError;
use crate::http::org_access::access_of;
use crate::http::state::AppState;

#[derive(Template)]
#[template(path = "pages/collections.html")]
struct CollectionsPage {
    c: Chrome,
    org_id: String,
    org_name: String,
    collections: Vec<CollectionRow>,
}

struct CollectionRow {
    id: String,
    label: String,
    external_id: Option<String>,
    items: usize,
    member_count: usize,
    group_count: usize,
    entries: Vec<Entry>,
    /// Members and groups without access yet: the form value and the name.
    addable: Vec<(String, String)>,
    /// The "give access" list's levels.
    levels: Vec<LevelOption>,
    may_change: bool,
    may_delete: bool,
}

/// A member or a group on a collection.
struct Entry {
    /// The form value naming it: `member:{id}` or `group:{id}`.
    principal: String,
    kind: &'static str,
    name: String,
    level: &'static str,
    options: Vec<LevelOption>,
}

fn entry<Id: ToString>(
    t: &Texts,
    prefix: &str,
    kind: &'static str,
    assigned: &Assigned<Id>,
) -> Entry {
    Entry {
        principal: format!("{prefix}:{}", assigned.id.to_string()),
        kind,
        name: assigned.name.clone(),
        level: levels::Level::of(assigned.access).label(t),
        options: levels::options(t, Some(assigned.access), false),
    }
}

async fn collections_page(
    state: &AppState,
    headers: &HeaderMap,
    user: &UserRecord,
    org_id: &str,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let mut c = Chrome::new(
        state,
        headers,
        Some(user),
        &format!("/organizations/{org_id}/collections"),
    );
    c.notice = notice;
    c.error = error;
    let overview = match access_of(state, user, &org_id.to_ascii_lowercase()).await {
        Ok(access) => collection_access::overview(state, user, &access)
            .await
            .map(|overview| (access, overview))
            .map_err(ApiError::from),
        Err(err) => Err(err),
    };
    let (access, overview) = match overview {
        Ok(found) => found,
        Err(err) => return super::error_page(c, &err),
    };
    let t = c.t;
    let collections = overview
        .collections
        .iter()
        .map(|view| {
            let id = view.collection.id.to_string();
            let mut entries: Vec<Entry> = view
                .members
                .iter()
                .map(|assigned| entry(t, "member", t.member, assigned))
                .collect();
            entries.extend(
                view.groups
                    .iter()
                    .map(|assigned| entry(t, "group", t.group, assigned)),
            );
            let addable = overview
                .members
                .iter()
                .filter(|(member, _)| !view.members.iter().any(|a| a.id == *member))
                .map(|(member, email)| (format!("member:{member}"), email.clone()))
                .chain(
                    overview
                        .groups
                        .iter()
                        .filter(|group| !view.groups.iter().any(|a| a.id == group.id))
                        .map(|group| {
                            (
                                format!("group:{}", group.id),
                                format!("{} ({})", group.name, t.group),
                            )
                        }),
                )
                .collect();
            CollectionRow {
                label: levels::collection_label(t, &id, view.collection.external_id.as_deref()),
                external_id: view.collection.external_id.clone(),
                items: view.items,
                member_count: view.members.len(),
                group_count: view.groups.len(),
                entries,
                addable,
                levels: levels::options(t, None, false),
                may_change: view.may_change,
                may_delete: view.may_delete,
                id,
            }
        })
        .collect();
    let cookie = c.take_cookie();
    render(
        &CollectionsPage {
            c,
            org_id: access.org.id.to_string(),
            org_name: access.org.name.clone(),
            collections,
        },
        cookie,
    )
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Path(org_id): Path<String>,
) -> Response {
    collections_page(&state, &headers, &user, &org_id, None, None).await
}

/// Runs a collection action after the CSRF check and shows the page again with its outcome.
async fn act<F, Fut>(
    state: AppState,
    headers: HeaderMap,
    user: UserRecord,
    org_id: String,
    csrf: &str,
    done: fn(&'static Texts) -> &'static str,
    action: F,
) -> Response
where
    F: FnOnce(AppState, UserRecord) -> Fut,
    Fut: std::future::Future<Output = Result<(), AppError>>,
{
    if let Err(refused) = session::check_csrf(&headers, csrf) {
        return refused.into_response();
    }
    let t = super::i18n::texts(session::page_lang(&headers, Some(&user)));
    let (notice, error) = match action(state.clone(), user.clone()).await {
        Ok(()) => (Some(done(t).to_string()), None),
        // Whether the collection is gone or not the caller's to change, the page says both.
        Err(AppError::NotFound) => (None, Some(t.collection_refused.to_string())),
        Err(err) => (None, Some(message_of(&err.into(), t))),
    };
    collections_page(&state, &headers, &user, &org_id, notice, error).await
}

/// The organization (as its member) and the collection of a form's path.
async fn target(
    state: &AppState,
    user: &UserRecord,
    org_id: &str,
    collection_id: &str,
) -> Result<
    (
        kinwarden_app::organizations::access::OrgAccess,
        CollectionId,
    ),
    AppError,
> {
    let org = kinwarden_app::id_in_path(org_id)?;
    let access = kinwarden_app::organizations::access::access_of(state, user, org).await?;
    Ok((access, kinwarden_app::id_in_path(collection_id)?))
}

#[derive(Deserialize)]
pub struct AccessForm {
    #[serde(default)]
    csrf: String,
    /// `member:{id}` or `group:{id}`.
    #[serde(default)]
    principal: String,
    /// A level's value, or `none` to take the access away.
    #[serde(default)]
    level: String,
}

fn principal_of(text: &str) -> Option<Principal> {
    let (kind, id) = text.split_once(':')?;
    match kind {
        "member" => id.parse().ok().map(Principal::Member),
        "group" => id.parse().ok().map(Principal::Group),
        _ => None,
    }
}

pub async fn access(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Path((org_id, collection_id)): Path<(String, String)>,
    Form(form): Form<AccessForm>,
) -> Response {
    let t = super::i18n::texts(session::page_lang(&headers, Some(&user)));
    let chosen = principal_of(&form.principal).zip(levels::parse_choice(&form.level));
    let removed = matches!(chosen, Some((_, None)));
    let done: fn(&'static Texts) -> &'static str = if removed {
        |t| t.access_removed
    } else {
        |t| t.access_saved
    };
    let path_org = org_id.clone();
    act(
        state,
        headers,
        user,
        org_id,
        &form.csrf,
        done,
        move |state, user| async move {
            // Anything but the page's own choices is bad input, and changes nothing.
            let (principal, level) =
                chosen.ok_or_else(|| AppError::BadRequest(t.choose_from_list.into()))?;
            let (access, id) = target(&state, &user, &path_org, &collection_id).await?;
            collection_access::set_access(&state, &user, &access, id, principal, level).await
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
    /// The confirmation box, ticked: `yes`.
    #[serde(default)]
    confirm: String,
}

pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Path((org_id, collection_id)): Path<(String, String)>,
    Form(form): Form<DeleteForm>,
) -> Response {
    let t = super::i18n::texts(session::page_lang(&headers, Some(&user)));
    let confirmed = form.confirm == "yes";
    let path_org = org_id.clone();
    act(
        state,
        headers,
        user,
        org_id,
        &form.csrf,
        |t| t.collection_deleted,
        move |state, user| async move {
            if !confirmed {
                return Err(AppError::BadRequest(t.confirm_delete_needed.into()));
            }
            let (access, id) = target(&state, &user, &path_org, &collection_id).await?;
            kinwarden_app::vault::collections::delete(
                &state,
                &user,
                access.org.id,
                &[id.to_string()],
            )
            .await
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_principal_is_a_member_or_a_group_by_id() {
        let id = "0a1b2c3d-0000-4000-8000-000000000000";
        assert!(matches!(
            principal_of(&format!("member:{id}")),
            Some(Principal::Member(_))
        ));
        assert!(matches!(
            principal_of(&format!("group:{id}")),
            Some(Principal::Group(_))
        ));
        assert!(principal_of(&format!("owner:{id}")).is_none());
        assert!(principal_of("member:not-an-id").is_none());
        assert!(principal_of("").is_none());
    }
}
