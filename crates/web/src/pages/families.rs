//! *Free Bitwarden Families* for a member of a sponsoring organization (reference ui-and-ops §3):
//! the offer form (e-mail, friendly name), and each offer's status — *Awaiting Sync* until the
//! cloud has it (self-hosted), sent, active until a date, removed awaiting sync — with *Remove*.
//! On a self-hosted server an offer waits for the sync; on a cloud it is mailed at once.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use kinwarden_app::AppError;
use kinwarden_app::records::UserRecord;
use kinwarden_app::sponsorships::{cloud_offers, cloud_revoke, offer, self_hosted_offers};
use kinwarden_config::Mode;
use kinwarden_core::sponsorships::PlanSponsorshipType;
use kinwarden_proto::sponsorships::SponsorshipCreateRequest;
use kinwarden_proto::sync::ProfileOrganization;
use serde::Deserialize;

use super::i18n::Texts;
use super::session::{self, Chrome, PageUser, render};
use super::{day, message_of};
use crate::http::state::AppState;

#[derive(Template)]
#[template(path = "pages/families.html")]
struct FamiliesPage {
    c: Chrome,
    /// Organizations whose offer this member may still make: (id, name).
    available: Vec<(String, String)>,
    offers: Vec<OfferRow>,
    can_offer: bool,
    email: String,
    friendly_name: String,
}

struct OfferRow {
    organization_id: String,
    organization: String,
    recipient: String,
    status: String,
    good: bool,
    removable: bool,
    /// Why the cloud skipped the offer at the last sync (SPEC §6), in the reader's language.
    skipped: Option<String>,
}

/// A skip reason's code (the cloud's `skipped[].reason`) as a sentence; an unknown code as is.
fn skip_reason(t: &Texts, code: &str) -> String {
    let sentence = match code {
        "wrong_plan_tier" => t.skip_wrong_plan_tier,
        "sponsor_disabled" => t.skip_sponsor_disabled,
        "deleted_before_sync" => t.skip_deleted_before_sync,
        other => return format!("{} {other}", t.skipped_by_cloud),
    };
    format!("{} {sentence}", t.skipped_by_cloud)
}

/// The status of a member's offer from the profile fields, as the reference's row derives it,
/// with *Awaiting Sync* (SPEC §7) for a self-hosted offer the cloud has not seen yet.
fn status(t: &Texts, org: &ProfileOrganization, self_hosted: bool) -> (String, bool) {
    let to_delete = org.family_sponsorship_to_delete.unwrap_or(false);
    let valid_until = org.family_sponsorship_valid_until.as_deref();
    match (to_delete, valid_until) {
        (true, Some(until)) => (format!("{} {}", t.expires, day(Some(until))), false),
        (true, None) => (t.removed_awaiting_sync.to_string(), false),
        (false, Some(until)) => (format!("{} {}", t.active_until, day(Some(until))), true),
        (false, None) if self_hosted && org.family_sponsorship_last_sync_date.is_none() => {
            (t.awaiting_sync.to_string(), true)
        }
        (false, None) => (t.sent.to_string(), true),
    }
}

async fn families_page(
    state: &AppState,
    headers: &HeaderMap,
    user: &UserRecord,
    notice: Option<String>,
    error: Option<String>,
    typed: (&str, &str),
) -> Response {
    let mut c = Chrome::new(state, headers, Some(user), "/sponsored-families");
    c.notice = notice;
    c.error = error;
    let profile = match kinwarden_app::accounts::profile::build(state, user).await {
        Ok(profile) => profile,
        Err(err) => return super::error_page(c, &err.into()),
    };
    let self_hosted = state.config.mode == Mode::SelfHosted;
    let offers = profile
        .organizations
        .iter()
        .filter_map(|org| {
            let recipient = org.family_sponsorship_friendly_name.clone()?;
            let (status, good) = status(c.t, org, self_hosted);
            Some(OfferRow {
                organization_id: org.id.clone(),
                organization: org.name.clone(),
                recipient,
                status,
                good,
                removable: !org.family_sponsorship_to_delete.unwrap_or(false),
                skipped: org
                    .family_sponsorship_sync_skipped_reason
                    .as_deref()
                    .map(|code| skip_reason(c.t, code)),
            })
        })
        .collect();
    let available: Vec<(String, String)> = profile
        .organizations
        .iter()
        .filter(|org| org.family_sponsorship_available)
        .map(|org| (org.id.clone(), org.name.clone()))
        .collect();
    let cookie = c.take_cookie();
    render(
        &FamiliesPage {
            can_offer: !available.is_empty(),
            available,
            offers,
            email: typed.0.to_string(),
            friendly_name: typed.1.to_string(),
            c,
        },
        cookie,
    )
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
) -> Response {
    families_page(&state, &headers, &user, None, None, ("", "")).await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferForm {
    #[serde(default)]
    csrf: String,
    organization_id: String,
    sponsored_email: String,
    #[serde(default)]
    friendly_name: String,
}

/// *Redeem*: on a self-hosted server the offer is kept until the next sync with the cloud; on a
/// cloud it is mailed at once.
pub async fn offer(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Form(form): Form<OfferForm>,
) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return refused.into_response();
    }
    let t = super::i18n::texts(session::page_lang(&headers, Some(&user)));
    let email = form.sponsored_email.replace(' ', "");
    let typed = (email.as_str(), form.friendly_name.as_str());
    if email.eq_ignore_ascii_case(&user.email) {
        return families_page(
            &state,
            &headers,
            &user,
            None,
            Some(t.cannot_sponsor_self.to_string()),
            typed,
        )
        .await;
    }
    let friendly_name = if form.friendly_name.trim().is_empty() {
        email.clone()
    } else {
        form.friendly_name.trim().to_string()
    };
    let body = SponsorshipCreateRequest {
        plan_sponsorship_type: PlanSponsorshipType::FamiliesForEnterprise.code(),
        sponsored_email: Some(email.clone()),
        friendly_name: Some(friendly_name),
        is_admin_initiated: None,
        notes: None,
    };
    let made = make_offer(&state, &user, &form.organization_id, body).await;
    match made.map_err(crate::ApiError::from) {
        Ok(_) => {
            families_page(
                &state,
                &headers,
                &user,
                Some(t.sponsorship_created.to_string()),
                None,
                ("", ""),
            )
            .await
        }
        Err(err) => {
            families_page(
                &state,
                &headers,
                &user,
                None,
                Some(message_of(&err, t)),
                typed,
            )
            .await
        }
    }
}

/// The offer through the request model's checks, then kept for the next sync (self-hosted) or
/// mailed at once (cloud).
async fn make_offer(
    state: &AppState,
    user: &UserRecord,
    org_id: &str,
    body: SponsorshipCreateRequest,
) -> Result<(), AppError> {
    let org_id = kinwarden_app::id_in_path(org_id)?;
    let request = offer::request_of(body)?;
    match state.config.mode {
        Mode::SelfHosted => self_hosted_offers::create(state, user, org_id, &request).await,
        Mode::Cloud => cloud_offers::create(state, user, org_id, &request).await,
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevokeForm {
    #[serde(default)]
    csrf: String,
    organization_id: String,
}

/// *Remove*: an offer the cloud never saw goes at once; a synced one is marked to delete.
pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Form(form): Form<RevokeForm>,
) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return refused.into_response();
    }
    let t = super::i18n::texts(session::page_lang(&headers, Some(&user)));
    // An offer the cloud may know is marked for the sync on a self-hosted server; a cloud
    // applies its own revoke rule.
    let removed = match kinwarden_app::id_in_path(&form.organization_id) {
        Err(err) => Err(err),
        Ok(org_id) => match state.config.mode {
            Mode::SelfHosted => self_hosted_offers::revoke_own(&state, &user, org_id).await,
            Mode::Cloud => cloud_revoke::revoke_own(&state, &user, org_id).await,
        },
    };
    match removed.map_err(crate::ApiError::from) {
        Ok(_) => {
            families_page(
                &state,
                &headers,
                &user,
                Some(t.reclaimed_free_plan.to_string()),
                None,
                ("", ""),
            )
            .await
        }
        Err(err) => {
            families_page(
                &state,
                &headers,
                &user,
                None,
                Some(message_of(&err, t)),
                ("", ""),
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::i18n::{EN, SV};

    #[test]
    fn skip_reasons_read_as_sentences_in_both_languages() {
        assert_eq!(
            skip_reason(&EN, "sponsor_disabled"),
            "The cloud did not take this offer at the last sync: the organization has been disabled on the cloud for more than 93 days"
        );
        assert!(skip_reason(&SV, "wrong_plan_tier").starts_with("Molnet tog inte emot"));
        assert!(skip_reason(&EN, "something_new").ends_with("something_new"));
    }
}
