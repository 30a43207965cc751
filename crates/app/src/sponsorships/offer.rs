//! CreateSponsorship (reference §2.1, §2.2) as both sides share it: the request model's checks
//! with its messages, and the rule's decision for a member's offer, loaded from the store. The
//! self-hosted offer (S1, `self_hosted_offers`) keeps the row for the sync; the cloud's (C2,
//! `cloud_offers`) mails it at once.

use kinwarden_core::ids::OrganizationId;
use kinwarden_core::members;
use kinwarden_core::sponsorships::{
    self, CANNOT_AUTOSCALE_SELF_HOSTED, CreateError, Offer, OfferRequest, Sponsor, SponsoringOrg,
};
use kinwarden_proto::sponsorships::SponsorshipCreateRequest;

use crate::records::{OrganizationRecord, SponsorshipRecord, UserRecord};
use crate::sponsorships::rows::to_domain;
use crate::{App, AppError};

/// The answer when no offer of the organization has the friendly name asked for (S4, C8).
pub const NOT_FOUND_BY_NAME: &str = "The specified sponsored organization could not be found under the given sponsoring organization.";

/// The longest encrypted notes an offer keeps (the reference's column and check).
const MAX_NOTES: usize = 512;

/// The request model's checks (reference §2.1), with its messages.
pub fn request_of(body: SponsorshipCreateRequest) -> Result<OfferRequest, AppError> {
    const EMAIL: &str = "SponsoredEmail";
    let email = body
        .sponsored_email
        .filter(|email| !email.trim().is_empty())
        .ok_or_else(|| AppError::field(EMAIL, "The SponsoredEmail field is required."))?;
    if email.chars().count() > 256 {
        return Err(AppError::field(
            EMAIL,
            "The field SponsoredEmail must be a string or array type with a maximum length of '256'.",
        ));
    }
    if kinwarden_core::email::normalize(&email).is_none() {
        return Err(AppError::field(
            EMAIL,
            "The SponsoredEmail field is not a supported e-mail address format.",
        ));
    }
    if body
        .friendly_name
        .as_ref()
        .is_some_and(|name| name.chars().count() > 256)
    {
        return Err(AppError::field(
            "FriendlyName",
            "The field FriendlyName must be a string or array type with a maximum length of '256'.",
        ));
    }
    // Notes, for an offer made on behalf of the organization, are encrypted by the client.
    kinwarden_core::enc_string::check("Notes", body.notes.as_deref(), MAX_NOTES)
        .map_err(|err| AppError::field("Notes", err.message()))?;
    Ok(OfferRequest {
        plan_sponsorship_type: body.plan_sponsorship_type,
        sponsored_email: email,
        friendly_name: body.friendly_name,
        is_admin_initiated: body.is_admin_initiated.unwrap_or(false),
        notes: body.notes,
    })
}

/// CreateSponsorship for `user` in `org_id`: loads what the rules need and decides.
pub(crate) async fn decide(
    app: &App,
    user: &UserRecord,
    org_id: OrganizationId,
    request: &OfferRequest,
) -> Result<(OrganizationRecord, Offer), AppError> {
    let org = app
        .store
        .organization(org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Any status: the rules say why an unconfirmed member may not offer.
    let membership = app
        .store
        .membership(org.id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let org_rows = app.store.sponsorships_of_organization(org.id).await?;
    let org_sponsorships = org_rows.iter().map(to_domain).collect::<Vec<_>>();
    let members_own = app
        .store
        .sponsorship_of_member(org.id, membership.id)
        .await?
        .as_ref()
        .map(to_domain);
    let sponsoring_org = SponsoringOrg {
        id: org.id,
        plan_type: org.plan_type,
        // Kinwarden has no admin-sponsored families yet, so admin offers stop at that rule,
        // before seats are counted.
        use_admin_sponsored_families: false,
        seats: org.seats,
        occupied_seats: 0,
        can_scale: Err(CANNOT_AUTOSCALE_SELF_HOSTED.to_string()),
    };
    let sponsor = Sponsor {
        member_id: membership.id,
        status: Some(membership.status),
        user_email: Some(user.email.clone()),
        caller_role: membership.member_type,
        caller_permissions: members::parse_permissions(membership.permissions.as_deref()),
    };
    let offer = sponsorships::create(
        &sponsoring_org,
        &sponsor,
        request,
        &org_sponsorships,
        members_own.as_ref(),
    )
    .map_err(create_error)?;
    Ok((org, offer))
}

/// A refused offer: the reference answers 401 to a caller without the permission, and its text
/// for every other refusal.
pub(crate) fn create_error(err: CreateError) -> AppError {
    match err {
        CreateError::NotPermitted => AppError::Unauthorized,
        other => AppError::BadRequest(other.to_string()),
    }
}

/// The organization's sponsorship with this friendly name, ignoring case (S4, C3, C8).
pub(crate) async fn find_by_friendly_name(
    app: &App,
    org_id: OrganizationId,
    friendly_name: &str,
) -> Result<Option<SponsorshipRecord>, AppError> {
    let wanted = friendly_name.to_lowercase();
    Ok(app
        .store
        .sponsorships_of_organization(org_id)
        .await?
        .into_iter()
        .find(|row| {
            row.friendly_name
                .as_deref()
                .is_some_and(|name| name.to_lowercase() == wanted)
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(email: Option<&str>, name: Option<&str>) -> SponsorshipCreateRequest {
        SponsorshipCreateRequest {
            plan_sponsorship_type: 0,
            sponsored_email: email.map(str::to_string),
            friendly_name: name.map(str::to_string),
            is_admin_initiated: None,
            notes: None,
        }
    }

    fn field_message(err: AppError) -> Option<(String, String)> {
        match err {
            AppError::Validation(errors) => errors
                .into_iter()
                .next()
                .and_then(|(field, messages)| messages.into_iter().next().map(|m| (field, m))),
            _ => None,
        }
    }

    #[test]
    fn the_request_models_checks_in_order() {
        let ok = request_of(body(Some("a@example.com"), Some("A"))).ok();
        assert_eq!(
            ok.map(|r| (r.sponsored_email, r.is_admin_initiated)),
            Some(("a@example.com".to_string(), false))
        );
        let missing = request_of(body(Some("  "), None))
            .err()
            .and_then(field_message);
        assert_eq!(
            missing,
            Some((
                "SponsoredEmail".into(),
                "The SponsoredEmail field is required.".into()
            ))
        );
        let bad = request_of(body(Some("not an address"), None))
            .err()
            .and_then(field_message);
        assert_eq!(bad.map(|(field, _)| field), Some("SponsoredEmail".into()));
        let long_name = "n".repeat(257);
        let long = request_of(body(Some("a@example.com"), Some(&long_name)))
            .err()
            .and_then(field_message);
        assert_eq!(long.map(|(field, _)| field), Some("FriendlyName".into()));
    }
}
