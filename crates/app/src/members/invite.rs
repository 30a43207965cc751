//! Invitations (SPEC §9 "members"): each invited address gets a member row and an invitation
//! mail, stored together in one transaction, then the request's collections and groups; an
//! invitation can be sent again.

use chrono::Duration;
use kinwarden_core::email;
use kinwarden_core::ids::OrganizationUserId;
use kinwarden_core::members::{self, MemberStatus, MemberType};
use kinwarden_core::tokens::audience;
use kinwarden_mail::messages::OrganizationInvite;
use kinwarden_mail::{Lang, Mail};
use kinwarden_proto::members::InviteRequest;
use kinwarden_store::StoreError;

use super::access::{self, AccessChange};
use crate::organizations::access::OrgAccess;
use crate::records::{MemberRecord, OrganizationRecord};
use crate::{App, AppError};

/// How long an invitation link works (Bitwarden: 5 days).
const INVITE_DAYS: i64 = 5;
/// At most this many addresses in one request, as the reference allows.
const MAX_EMAILS: usize = 20;

/// Invites every address of the request (repeats once) with one role; the mails are written in
/// `lang`.
pub async fn invite(
    app: &App,
    access: &OrgAccess,
    request: &InviteRequest,
    lang: Lang,
) -> Result<(), AppError> {
    let role = MemberType::from_code(request.member_type)
        .ok_or_else(|| AppError::field("Type", "Invalid member type."))?;
    let granted = request.permissions.clone().unwrap_or_default();
    members::check_role_change(&access.actor(), None, role, &granted)
        .map_err(|refusal| AppError::BadRequest(refusal.message().into()))?;
    if request.emails.is_empty() || request.emails.len() > MAX_EMAILS {
        return Err(AppError::field(
            "Emails",
            "You can only invite up to 20 users at a time.",
        ));
    }
    let mut emails = Vec::new();
    for raw in &request.emails {
        let email = email::normalize(raw).ok_or_else(|| {
            AppError::field("Emails", format!("{raw} is not a valid email address."))
        })?;
        if !emails.contains(&email) {
            emails.push(email);
        }
    }
    // Every collection and group found in the organization before anything is written.
    let change = AccessChange {
        collections: request.collections.as_deref(),
        groups: request.groups.as_deref(),
    };
    let checked = access::check(app, access, None, change).await?;
    let seats_taken = app.store.occupied_seats(access.org.id).await?;
    let wanted = i64::try_from(emails.len()).unwrap_or(i64::MAX);
    if let Some(seats) = access.org.seats
        && seats_taken.saturating_add(wanted) > i64::from(seats)
    {
        return Err(AppError::BadRequest(format!(
            "Your organization has {seats} seats and they are all taken; add seats to invite more members."
        )));
    }
    crate::mail_allowance::require(
        app,
        access.org.id,
        access.org.seats,
        u64::try_from(emails.len()).unwrap_or(u64::MAX),
    )
    .await?;
    let permissions = match role {
        MemberType::Custom => Some(
            serde_json::to_string(&request.permissions.clone().unwrap_or_default())
                .map_err(AppError::internal)?,
        ),
        _ => None,
    };
    let now = app.clock.now_millis();
    let mut invited = Vec::with_capacity(emails.len());
    for email in emails {
        let member = MemberRecord {
            id: OrganizationUserId::new(),
            organization_id: access.org.id,
            user_id: None,
            email: Some(email),
            key: None,
            status: MemberStatus::Invited,
            member_type: role,
            permissions: permissions.clone(),
            access_secrets_manager: request.access_secrets_manager,
            created_at: now,
            updated_at: now,
        };
        let mail = invitation_mail(app, &access.org, &member, lang)?;
        invited.push((member, mail));
    }
    // Rows, mails and access in one transaction: nobody is invited without a mail or without
    // the access the invitation gives, or mailed in vain.
    match app
        .store
        .invite_members(access.org.id, &invited, &checked, now)
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict) => Err(AppError::BadRequest(
            "This user has already been invited.".into(),
        )),
        Err(err) => Err(err.into()),
    }
}

/// Sends an invited member's invitation again, with a new link.
pub async fn reinvite(
    app: &App,
    access: &OrgAccess,
    member_id: OrganizationUserId,
    lang: Lang,
) -> Result<(), AppError> {
    let row = super::member_of(app, access.org.id, member_id).await?;
    if row.member.status != MemberStatus::Invited {
        return Err(AppError::BadRequest("User invalid.".into()));
    }
    crate::mail_allowance::require(app, access.org.id, access.org.seats, 1).await?;
    let mail = invitation_mail(app, &access.org, &row.member, lang)?;
    app.store
        .reinvite_member(&mail, app.clock.now_millis())
        .await?;
    Ok(())
}

/// The invitation mail, with a signed link bound to the address and the member row.
fn invitation_mail(
    app: &App,
    org: &OrganizationRecord,
    member: &MemberRecord,
    lang: Lang,
) -> Result<Mail, AppError> {
    let email = member.email.clone().ok_or(AppError::NotFound)?;
    let token = app
        .tokens
        .sign_email(
            audience::INVITE,
            &email,
            Some(member.id.to_string()),
            app.clock.now(),
            Duration::days(INVITE_DAYS),
        )
        .map_err(AppError::internal)?;
    let organization_id = org.id.0;
    let organization_user_id = member.id.0;
    Ok(OrganizationInvite {
        organization_id,
        organization_user_id,
        organization_name: &org.name,
        email: &email,
        token: &token,
    }
    .render(&app.urls.vault, lang))
}
