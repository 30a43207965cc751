//! Organization role checks as extractors (reference §0.4): a handler names the role it needs —
//! [`OrgMember`], [`OrgManageUsers`], [`OrgAdmin`], [`OrgOwner`] — and receives the organization and the caller's
//! membership. The organization is the `{org_id}` path segment.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use kinwarden_app::records::UserRecord;
use kinwarden_core::ids::OrganizationId;
use kinwarden_core::members::MemberType;

pub use kinwarden_app::organizations::access::OrgAccess;

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::state::AppState;

/// The `{org_id}` segment of the matched route.
pub async fn org_id_in_path(
    parts: &mut Parts,
    state: &AppState,
) -> Result<OrganizationId, ApiError> {
    let params = RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(|_| ApiError::NotFound)?;
    params
        .iter()
        .find(|(name, _)| *name == "org_id")
        .and_then(|(_, value)| value.parse().ok())
        .ok_or(ApiError::NotFound)
}

async fn load(parts: &mut Parts, state: &AppState) -> Result<OrgAccess, ApiError> {
    let CurrentUser { user } = CurrentUser::from_request_parts(parts, state).await?;
    let org_id = org_id_in_path(parts, state).await?;
    Ok(kinwarden_app::organizations::access::access_of(state, &user, org_id).await?)
}

/// The user's confirmed membership of the organization named by a page's path
/// (`kinwarden_app::organizations::access`).
pub async fn access_of(
    state: &AppState,
    user: &UserRecord,
    org_id: &str,
) -> Result<OrgAccess, ApiError> {
    let org_id = kinwarden_app::id_in_path(org_id)?;
    Ok(kinwarden_app::organizations::access::access_of(state, user, org_id).await?)
}

/// Any confirmed member.
pub struct OrgMember(pub OrgAccess);

impl FromRequestParts<AppState> for OrgMember {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        load(parts, state).await.map(Self)
    }
}

/// Owners, admins, and custom members allowed to manage users; others get 403.
pub struct OrgManageUsers(pub OrgAccess);

impl FromRequestParts<AppState> for OrgManageUsers {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let access = load(parts, state).await?;
        if access.may_manage_users() {
            Ok(Self(access))
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// Owners and admins; anyone else gets 404, as the reference's billing routes answer.
pub struct OrgAdmin(pub OrgAccess);

impl FromRequestParts<AppState> for OrgAdmin {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let access = load(parts, state).await?;
        match access.role() {
            MemberType::Owner | MemberType::Admin => Ok(Self(access)),
            _ => Err(ApiError::NotFound),
        }
    }
}

/// Owners only; anyone else gets 404 (reference §4.12 A1: `OrganizationOwner`, failure 404).
pub struct OrgOwner(pub OrgAccess);

impl FromRequestParts<AppState> for OrgOwner {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let access = load(parts, state).await?;
        if access.role() == MemberType::Owner {
            Ok(Self(access))
        } else {
            Err(ApiError::NotFound)
        }
    }
}
