//! Organization members: invite, accept, confirm, list (reference §1.7 numbers).

use serde::{Deserialize, Serialize};

use crate::vault::collections::SelectionReadOnly;

/// Custom-role permissions on the wire (camelCase; unknown flags ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct PermissionsModel {
    pub access_event_logs: bool,
    pub access_import_export: bool,
    pub access_reports: bool,
    pub create_new_collections: bool,
    pub edit_any_collection: bool,
    pub delete_any_collection: bool,
    pub manage_groups: bool,
    pub manage_policies: bool,
    pub manage_sso: bool,
    pub manage_users: bool,
    pub manage_reset_password: bool,
    pub manage_scim: bool,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InviteRequest {
    pub emails: Vec<String>,
    #[serde(rename = "type")]
    pub member_type: i32,
    #[serde(default)]
    pub permissions: Option<PermissionsModel>,
    #[serde(default)]
    pub access_secrets_manager: bool,
    /// The collections each new member is assigned to (null: none).
    #[serde(default)]
    pub collections: Option<Vec<SelectionReadOnly>>,
    /// The ids of the groups each new member joins (null: none).
    #[serde(default)]
    pub groups: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcceptRequest {
    pub token: String,
    #[serde(default)]
    pub reset_password_key: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfirmRequest {
    pub key: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateMemberRequest {
    #[serde(rename = "type")]
    pub member_type: i32,
    #[serde(default)]
    pub permissions: Option<PermissionsModel>,
    #[serde(default)]
    pub access_secrets_manager: bool,
    /// Replaces the member's own collection assignments; null or absent leaves them.
    #[serde(default)]
    pub collections: Option<Vec<SelectionReadOnly>>,
    /// Replaces the groups the member is in (ids); null or absent leaves them.
    #[serde(default)]
    pub groups: Option<Vec<String>>,
}

/// A member as the members list shows it (`organizationUserUserDetails`) and as one member is
/// read (`organizationUserDetails`), with their own collection assignments and their groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemberResponse {
    pub id: String,
    pub user_id: Option<String>,
    #[serde(rename = "type")]
    pub member_type: i32,
    pub status: i32,
    pub email: Option<String>,
    pub name: Option<String>,
    pub permissions: PermissionsModel,
    pub access_secrets_manager: bool,
    pub external_id: Option<String>,
    pub reset_password_enrolled: bool,
    pub uses_key_connector: bool,
    pub two_factor_enabled: bool,
    pub sso_bound: bool,
    pub has_master_password: bool,
    pub avatar_color: Option<String>,
    /// The collections the member is assigned to directly (not through a group).
    pub collections: Vec<SelectionReadOnly>,
    /// The ids of the groups the member is in.
    pub groups: Vec<String>,
    pub object: String,
}

/// The reference's list wrapper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse<T> {
    pub data: Vec<T>,
    pub continuation_token: Option<String>,
    pub object: String,
}

impl<T> ListResponse<T> {
    pub fn new(data: Vec<T>) -> Self {
        Self {
            data,
            continuation_token: None,
            object: "list".to_string(),
        }
    }
}
