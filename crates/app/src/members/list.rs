//! The organization's members as the API lists them (`organizationUserUserDetails`) and reads
//! one (`organizationUserDetails`), each with their own collections and their groups (answered
//! whatever `includeGroups`/`includeCollections` ask: the reference's clients read the lists
//! when they are there), and as the Admin Console's members page shows them, with the key an
//! accepted member is confirmed with.

use kinwarden_core::ids::OrganizationUserId;
use kinwarden_core::members::{self, MemberStatus};
use kinwarden_proto::members::MemberResponse;

use super::access::{self, MemberAccess};
use crate::organizations::access::OrgAccess;
use crate::records::MemberDetails;
use crate::{App, AppError};

const LISTED_OBJECT: &str = "organizationUserUserDetails";
const ONE_OBJECT: &str = "organizationUserDetails";

/// Every member of the organization, invited, accepted and confirmed.
pub async fn list(app: &App, access: &OrgAccess) -> Result<Vec<MemberResponse>, AppError> {
    let rows = app.store.members(access.org.id).await?;
    let mut all = access::of_all(app, access).await?;
    Ok(rows
        .iter()
        .map(|row| response(row, &all.remove(&row.member.id).unwrap_or_default()))
        .collect())
}

/// One member of the organization.
pub async fn get(
    app: &App,
    access: &OrgAccess,
    member_id: OrganizationUserId,
) -> Result<MemberResponse, AppError> {
    let row = super::member_of(app, access.org.id, member_id).await?;
    let reach = access::of_member(app, access, member_id).await?;
    Ok(MemberResponse {
        object: ONE_OBJECT.to_string(),
        ..response(&row, &reach)
    })
}

/// A member on the members page: as listed, with their access typed, and the account's public
/// key while the member waits to be confirmed (the browser wraps the organization key with it).
pub struct ListedMember {
    pub member: MemberResponse,
    pub access: MemberAccess,
    pub confirm_key: Option<String>,
}

/// The members page's list.
pub async fn with_confirm_keys(
    app: &App,
    access: &OrgAccess,
) -> Result<Vec<ListedMember>, AppError> {
    let mut listed = Vec::new();
    let mut all = access::of_all(app, access).await?;
    // From the stored rows, typed, rather than back from the wire form.
    for row in app.store.members(access.org.id).await? {
        let confirm_key = match (row.member.status, row.member.user_id) {
            // A key that cannot be read only hides the Confirm button; the list still shows.
            (MemberStatus::Accepted, Some(user_id)) => app
                .store
                .user_by_id(user_id)
                .await
                .ok()
                .flatten()
                .and_then(|member_user| member_user.public_key),
            _ => None,
        };
        let reach = all.remove(&row.member.id).unwrap_or_default();
        listed.push(ListedMember {
            member: response(&row, &reach),
            access: reach,
            confirm_key,
        });
    }
    Ok(listed)
}

pub fn response(row: &MemberDetails, reach: &MemberAccess) -> MemberResponse {
    let member = &row.member;
    let permissions = members::parse_permissions(member.permissions.as_deref());
    MemberResponse {
        id: member.id.to_string(),
        user_id: member.user_id.map(|id| id.to_string()),
        member_type: member.member_type.code(),
        status: member.status.code(),
        email: row.user_email.clone().or_else(|| member.email.clone()),
        name: row.user_name.clone(),
        permissions,
        access_secrets_manager: member.access_secrets_manager,
        external_id: None,
        reset_password_enrolled: false,
        uses_key_connector: false,
        two_factor_enabled: false,
        sso_bound: false,
        has_master_password: member.user_id.is_some(),
        avatar_color: None,
        collections: reach.collection_selections(),
        groups: reach.groups.iter().map(ToString::to_string).collect(),
        object: LISTED_OBJECT.to_string(),
    }
}
