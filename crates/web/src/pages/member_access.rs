//! Members page → a member's *Collections and groups*: the row's cells and the edit form, which
//! sets both through `members::access::set` (the use-case `PUT …/users/{id}` uses too).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use kinwarden_app::AppError;
use kinwarden_app::members::access::{self as member_access, AccessChange, Choices};
use kinwarden_app::members::list;
use kinwarden_proto::vault::collections::SelectionReadOnly;

use super::levels::{self, Level, LevelOption};
use super::session::{self, PageUser};
use crate::http::state::AppState;

/// A member's groups and collections as the row shows them and the edit form offers them.
pub(super) struct AccessCells {
    /// The names of the member's groups.
    pub(super) groups: Vec<String>,
    /// The member's own collections: label and level.
    pub(super) collections: Vec<(String, &'static str)>,
    /// The edit form's groups: id, name, whether the member is in it.
    pub(super) group_choices: Vec<(String, String, bool)>,
    /// The edit form's collections: id, label, the level list.
    pub(super) collection_choices: Vec<(String, String, Vec<LevelOption>)>,
}

pub(super) fn access_cells(
    t: &'static super::i18n::Texts,
    choices: &Choices,
    listed: &list::ListedMember,
) -> AccessCells {
    let reach = &listed.access;
    let groups = choices
        .groups
        .iter()
        .filter(|group| reach.groups.contains(&group.id))
        .map(|group| group.name.clone())
        .collect();
    let label = |c: &kinwarden_app::records::CollectionRecord| {
        levels::collection_label(t, &c.id.to_string(), c.external_id.as_deref())
    };
    let level_of = |id| {
        reach
            .collections
            .iter()
            .find(|(collection, _)| *collection == id)
            .map(|(_, access)| *access)
    };
    let collections = choices
        .collections
        .iter()
        .filter_map(|c| level_of(c.id).map(|access| (label(c), Level::of(access).label(t))))
        .collect();
    let group_choices = choices
        .groups
        .iter()
        .map(|group| {
            let member_of = reach.groups.contains(&group.id);
            (group.id.to_string(), group.name.clone(), member_of)
        })
        .collect();
    let collection_choices = choices
        .collections
        .iter()
        .map(|c| {
            let options = levels::options(t, level_of(c.id), true);
            (c.id.to_string(), label(c), options)
        })
        .collect();
    AccessCells {
        groups,
        collections,
        group_choices,
        collection_choices,
    }
}

/// The edit form's answer, owned (`AccessChange` borrows it); a list the form did not show is
/// `None`, and left as it is.
struct FormChange {
    collections: Option<Vec<SelectionReadOnly>>,
    groups: Option<Vec<String>>,
}

/// The edit form's fields (repeated names, so read as pairs): `groupsShown` when the form
/// offered groups, with one `group` per ticked group; `collectionsShown` when it offered
/// collections, with `collection.{id}` = a level or `none` for each. `None`: a level that is
/// not one of the lists'.
fn access_change(pairs: &[(String, String)]) -> Option<FormChange> {
    let shown = |name: &str| pairs.iter().any(|(key, _)| key == name);
    let groups = shown("groupsShown").then(|| {
        pairs
            .iter()
            .filter(|(key, _)| key == "group")
            .map(|(_, id)| id.clone())
            .collect()
    });
    let mut collections = Vec::new();
    for (key, value) in pairs {
        let Some(id) = key.strip_prefix("collection.") else {
            continue;
        };
        if let Some(access) = levels::parse_choice(value)? {
            collections.push(SelectionReadOnly {
                id: id.to_string(),
                read_only: access.read_only,
                hide_passwords: access.hide_passwords,
                manage: access.manage,
            });
        }
    }
    Some(FormChange {
        collections: shown("collectionsShown").then_some(collections),
        groups,
    })
}

pub async fn access(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Path((org_id, member_id)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let csrf = pairs
        .iter()
        .find(|(key, _)| key == "csrf")
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    let change = access_change(&pairs);
    let t = super::i18n::texts(session::page_lang(&headers, Some(&user)));
    super::members::act(
        state,
        headers,
        user,
        org_id,
        &csrf,
        "access",
        move |state, access| async move {
            // A level that is not one of the lists' is bad input: nothing changes.
            let form = change.ok_or_else(|| AppError::BadRequest(t.choose_from_list.into()))?;
            let change = AccessChange {
                collections: form.collections.as_deref(),
                groups: form.groups.as_deref(),
            };
            member_access::set(
                &state,
                &access,
                kinwarden_app::id_in_path(&member_id)?,
                change,
            )
            .await
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect()
    }

    #[test]
    fn the_form_says_which_lists_it_shows() {
        let nothing = access_change(&pairs(&[("csrf", "x")])).map(|f| (f.collections, f.groups));
        assert_eq!(nothing, Some((None, None)));
        let form = access_change(&pairs(&[
            ("groupsShown", "1"),
            ("collectionsShown", "1"),
            ("collection.a", "none"),
            ("collection.b", "view"),
        ]))
        .map(|f| (f.collections, f.groups));
        let view = SelectionReadOnly {
            id: "b".into(),
            read_only: true,
            ..SelectionReadOnly::default()
        };
        assert_eq!(form, Some((Some(vec![view]), Some(Vec::new()))));
        assert!(access_change(&pairs(&[("collection.a", "owner")])).is_none());
    }
}
