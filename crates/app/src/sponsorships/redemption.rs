//! Redeeming a sponsorship on the cloud (reference §4.1 C4 and C5, §4.5–4.6; SPEC §5 step 8):
//! the recipient checks the token from the offer e-mail, then redeems it onto a Families
//! organization they own, which is then sponsored for a year, as its ledger shows.

use kinwarden_core::ids::{OrganizationId, SubscriptionPeriodId};
use kinwarden_core::members::{MemberStatus, MemberType};
use kinwarden_core::redemption::{self, Offer};
use kinwarden_core::sponsorships::PlanSponsorshipType;
use kinwarden_core::subscription::EntryKind;
use kinwarden_core::tokens::{SponsorshipOfferClaims, audience};

use crate::records::{SponsorshipRecord, SubscriptionPeriodRecord, UserRecord};
use crate::{App, AppError};

fn offer(row: &SponsorshipRecord) -> Offer {
    Offer {
        id: row.id.to_string(),
        plan_sponsorship_type: row.plan_sponsorship_type.map(PlanSponsorshipType::code),
        offered_to_email: row.offered_to_email.clone(),
        last_sync_date: row.last_sync_date,
    }
}

/// The sponsorship a token names, if the token is good for `email` (reference §4.5): C4, the
/// redemption page, and a sign-up that proves its address with the offer.
pub async fn offer_for(
    app: &App,
    token: &str,
    email: &str,
) -> Result<Option<SponsorshipRecord>, AppError> {
    let Ok(claims) = app.tokens.verify::<SponsorshipOfferClaims>(
        token,
        audience::SPONSORSHIP_OFFER,
        app.now_seconds(),
    ) else {
        return Ok(None);
    };
    let Ok(sponsorship_id) = claims.sid.parse() else {
        return Ok(None);
    };
    let row = app.store.sponsorship(sponsorship_id).await?;
    let valid = redemption::token_is_valid(
        row.as_ref().map(offer).as_ref(),
        &claims.sid,
        claims.sponsorship_type,
        &claims.email,
        email,
    );
    Ok(row.filter(|_| valid))
}

/// C5: redeems the offer the token names onto `sponsored_organization_id`, a Families
/// organization the user owns; the sponsored period is written with it in one transaction.
pub async fn redeem(
    app: &App,
    user: &UserRecord,
    token: &str,
    sponsored_organization_id: &str,
) -> Result<(), AppError> {
    let row = offer_for(app, token, &user.email)
        .await?
        .ok_or_else(|| AppError::BadRequest("Failed to parse sponsorship token.".into()))?;
    let target_id: OrganizationId = sponsored_organization_id.parse().map_err(|_| {
        AppError::field(
            "SponsoredOrganizationId",
            "The SponsoredOrganizationId field is not a valid id.",
        )
    })?;
    let owns = app
        .store
        .membership(target_id, user.id)
        .await?
        .is_some_and(|m| m.status == MemberStatus::Confirmed && m.member_type == MemberType::Owner);
    if !owns {
        return Err(AppError::BadRequest(
            "Can only redeem sponsorship for an organization you own.".into(),
        ));
    }
    let target = app
        .store
        .organization(target_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let already = app
        .store
        .sponsorship_of_sponsored(target_id)
        .await?
        .is_some();
    let now = app.clock.now();
    if let Err(err) = redemption::check(Some(&offer(&row)), already, target.plan_type, now) {
        if err == redemption::RedeemError::Expired {
            app.store.delete_sponsorship(row.id).await?;
        }
        return Err(AppError::BadRequest(err.to_string()));
    }
    let until = redemption::sponsored_until(now).timestamp_millis();
    let period = SubscriptionPeriodRecord {
        id: SubscriptionPeriodId::new(),
        organization_id: target_id,
        kind: EntryKind::Sponsored.name().to_string(),
        start_date: now.timestamp_millis(),
        end_date: Some(until),
        plan_type: target.plan_type,
        seats: target.seats,
        recorded_by: Some(format!("sponsorship:{}", row.id)),
        created_at: now.timestamp_millis(),
    };
    if !app
        .store
        .redeem_sponsorship(row.id, target_id, until, &period, now.timestamp_millis())
        .await?
    {
        return Err(AppError::BadRequest(
            "No unredeemed sponsorship offer exists for you.".into(),
        ));
    }
    tracing::info!(sponsorship = %row.id, organization = %target_id, "sponsorship redeemed");
    Ok(())
}
