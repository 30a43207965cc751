//! Organization members: invite, accept, confirm, list (reference §1.7 numbers).

use serde::{Deserialize, Serialize};

/// Custom-role permissions on the wire (camelCase; unknown flags ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
