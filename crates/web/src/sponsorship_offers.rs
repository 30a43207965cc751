//! The offer e-mail of a sponsorship new to the cloud (reference §4.3, §4.4): a signed token
//! naming the row and the address, in a link to `/accept-families-for-enterprise`, in the
//! recipient's language when they have an account.

use kinwarden_core::email;
use kinwarden_core::sponsorships::Sponsorship;
use kinwarden_core::sponsorships::cloud_sync::CloudSyncOutcome;
use kinwarden_core::tokens::{SponsorshipOfferClaims, audience};
use kinwarden_mail::{Lang, Mail, SponsorshipOffer};

use crate::error::ApiError;
use crate::state::AppState;

/// One rendered offer per row in `outcome.offers`.
pub async fn offer_mails(
    state: &AppState,
    sponsor_name: &str,
    outcome: &CloudSyncOutcome,
) -> Result<Vec<Mail>, ApiError> {
    let offers: std::collections::HashSet<_> = outcome.offers.iter().collect();
    let offered: Vec<_> = outcome
        .upserts
        .iter()
        .filter(|row| offers.contains(&row.id))
        .collect();
    if offered.is_empty() {
        return Ok(Vec::new());
    }
    let addresses: Vec<String> = offered
        .iter()
        .filter_map(|row| row.offered_to_email.as_deref().and_then(email::normalize))
        .collect();
    let accounts = state.store.cultures_by_email(&addresses).await?;
    let now = state.now_seconds();
    let mut mails = Vec::with_capacity(offered.len());
    for row in offered {
        let culture = row
            .offered_to_email
            .as_deref()
            .and_then(email::normalize)
            .and_then(|key| accounts.get(&key));
        if let Some(mail) = render(state, sponsor_name, row, culture.map(String::as_str), now)? {
            mails.push(mail);
        }
    }
    Ok(mails)
}

/// The offer e-mail of one sponsorship (a cloud offer made or sent again, reference §4.1 C2, C3);
/// none when it has no address to go to.
pub async fn offer_mail(
    state: &AppState,
    sponsor_name: &str,
    row: &Sponsorship,
) -> Result<Option<Mail>, ApiError> {
    let Some(address) = row.offered_to_email.as_deref().and_then(email::normalize) else {
        return Ok(None);
    };
    let accounts = state
        .store
        .cultures_by_email(std::slice::from_ref(&address))
        .await?;
    let culture = accounts.get(&address).map(String::as_str);
    render(state, sponsor_name, row, culture, state.now_seconds())
}

/// The mail with its signed token; `culture` is the recipient's account language, if they have
/// an account (which also decides whether the link leads to sign-up).
fn render(
    state: &AppState,
    sponsor_name: &str,
    row: &Sponsorship,
    culture: Option<&str>,
    now: i64,
) -> Result<Option<Mail>, ApiError> {
    let Some(address) = row.offered_to_email.as_deref().map(str::trim) else {
        return Ok(None);
    };
    let claims = SponsorshipOfferClaims {
        iss: state.tokens.issuer().to_string(),
        aud: audience::SPONSORSHIP_OFFER.to_string(),
        nbf: now,
        sid: row.id.to_string(),
        email: address.to_string(),
        sponsorship_type: row.plan_sponsorship_type.unwrap_or_default(),
    };
    // Only this cloud checks the link's token: the cheap signature (SPEC §10).
    let token = state
        .tokens
        .sign_local(&claims)
        .map_err(ApiError::internal)?;
    let lang = Lang::pick(culture, None);
    Ok(Some(
        SponsorshipOffer {
            organization_name: sponsor_name,
            email: address,
            token: &token,
            existing_account: culture.is_some(),
        }
        .render(&state.urls.vault, lang),
    ))
}
