//! An organization's groups (SPEC §11; Bitwarden's `GroupsController`): a named set of members
//! with access to collections. Names are plain text, as in the reference.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A group's access to one collection (`SelectionReadOnlyRequestModel` and its response twin).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupCollectionAccess {
    /// The collection.
    pub id: String,
    #[serde(default)]
    pub read_only: bool,
    #[serde(default)]
    pub hide_passwords: bool,
    #[serde(default)]
    pub manage: bool,
}

/// `POST /organizations/{orgId}/groups`, `PUT …/groups/{id}` (`GroupRequestModel`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct GroupRequest {
    /// Required; plain text of at most 100 characters.
    pub name: Option<String>,
    pub external_id: Option<String>,
    /// The group's whole collection access; absent or null leaves it as it is on an update.
    pub collections: Option<Vec<GroupCollectionAccess>>,
    /// The group's members (organization user ids); absent or null leaves them as they are on an
    /// update, `[]` takes every member out.
    pub users: Option<Vec<String>>,
}

/// `DELETE /organizations/{orgId}/groups` (`GroupBulkRequestModel`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupBulkDeleteRequest {
    pub ids: Vec<String>,
}

/// `PUT /organizations/{orgId}/users/{id}/groups` (`OrganizationUserUpdateGroupsRequestModel`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemberGroupsRequest {
    pub group_ids: Vec<String>,
}

/// A group (`group`) or a group with its collection access (`groupDetails`); Kinwarden answers
/// the collections with both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupResponse {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub external_id: Option<String>,
    pub collections: Vec<GroupCollectionAccess>,
    /// `group` or `groupDetails`.
    pub object: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_as_answered_and_asked_for() {
        let group = GroupResponse {
            id: "g".into(),
            organization_id: "o".into(),
            name: "Team".into(),
            external_id: None,
            collections: vec![GroupCollectionAccess {
                id: "c".into(),
                read_only: true,
                hide_passwords: false,
                manage: false,
            }],
            object: "groupDetails".into(),
        };
        assert_eq!(
            serde_json::to_value(&group).expect("writes"),
            serde_json::json!({"id": "g", "organizationId": "o", "name": "Team",
                "externalId": null, "object": "groupDetails",
                "collections": [{"id": "c", "readOnly": true, "hidePasswords": false,
                    "manage": false}]})
        );
        let request: GroupRequest =
            serde_json::from_str(r#"{"name":"Team","collections":null,"users":[],"unknown":1}"#)
                .expect("reads");
        assert_eq!(request.name.as_deref(), Some("Team"));
        assert_eq!(request.collections, None);
        assert_eq!(request.users, Some(Vec::new()));
        let access: GroupCollectionAccess =
            serde_json::from_str(r#"{"id":"c"}"#).expect("flags default to false");
        assert!(!access.read_only && !access.hide_passwords && !access.manage);
    }
}
