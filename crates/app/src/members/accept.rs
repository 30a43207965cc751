//! The invitee, logged in with the invited address, accepts with the token from the mail.

use kinwarden_core::ids::{OrganizationId, OrganizationUserId};
use kinwarden_core::members::MemberStatus;
use kinwarden_core::tokens::{EmailClaims, audience};
use kinwarden_proto::members::AcceptRequest;
use kinwarden_store::StoreError;

use crate::records::UserRecord;
use crate::{App, AppError};

const ALREADY_ACCEPTED: &str = "Already accepted.";
const ALREADY_MEMBER: &str = "You are already part of this organization.";

pub async fn accept(
    app: &App,
    user: &UserRecord,
    org_id: OrganizationId,
    member_id: OrganizationUserId,
    request: &AcceptRequest,
) -> Result<(), AppError> {
    let invalid = || AppError::BadRequest("Invalid token.".into());
    let claims: EmailClaims = app
        .tokens
        .verify(&request.token, audience::INVITE, app.now_seconds())
        .map_err(|_| invalid())?;
    if claims.subject.as_deref().and_then(|id| id.parse().ok()) != Some(member_id) {
        return Err(invalid());
    }
    let row = super::member_of(app, org_id, member_id).await?;
    if row.member.status != MemberStatus::Invited {
        return Err(AppError::BadRequest(ALREADY_ACCEPTED.into()));
    }
    if row.member.email.as_deref() != Some(claims.email.as_str()) || claims.email != user.email {
        return Err(AppError::BadRequest(
            "User email does not match invite.".into(),
        ));
    }
    if app
        .store
        .membership(row.member.organization_id, user.id)
        .await?
        .is_some()
    {
        return Err(AppError::BadRequest(ALREADY_MEMBER.into()));
    }
    match app
        .store
        .accept_member(member_id, user.id, app.clock.now_millis())
        .await
    {
        Ok(true) => Ok(()),
        Ok(false) => Err(AppError::BadRequest(ALREADY_ACCEPTED.into())),
        // Accepted a second invitation to the same organization at the same moment.
        Err(StoreError::Conflict) => Err(AppError::BadRequest(ALREADY_MEMBER.into())),
        Err(err) => Err(err.into()),
    }
}
