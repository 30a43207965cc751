//! Collections (reference vault §4): an organization's shelves for shared items, each with the
//! members and groups assigned to it; the organization's export (§5.3) and import (§7.3).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ciphers::CipherRequest;
use super::folders::FolderWithIdRequest;
use super::import::RelationshipRequest;
use super::responses::CipherMiniDetailsResponse;

/// A member's or a group's assignment (`SelectionReadOnlyRequestModel`, and the answer's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct SelectionReadOnly {
    /// The membership (organization user) id, or the group id.
    pub id: String,
    pub read_only: bool,
    pub hide_passwords: bool,
    pub manage: bool,
}

/// `POST /organizations/{id}/collections` and `PUT …/collections/{id}`. On an update a missing
/// name keeps the name, and missing `groups`/`users` keep those assignments.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CollectionRequest {
    /// An encrypted string of at most 1000 characters; required on create.
    pub name: Option<String>,
    /// At most 300 characters.
    pub external_id: Option<String>,
    pub groups: Option<Vec<SelectionReadOnly>>,
    pub users: Option<Vec<SelectionReadOnly>>,
}

/// `POST /organizations/{id}/collections/bulk-access`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct BulkCollectionAccessRequest {
    pub collection_ids: Vec<String>,
    pub groups: Vec<SelectionReadOnly>,
    pub users: Vec<SelectionReadOnly>,
}

/// `DELETE /organizations/{id}/collections` (bulk).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CollectionBulkDeleteRequest {
    pub ids: Vec<String>,
}

/// `PUT /organizations/{id}/collection-management`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CollectionManagementRequest {
    pub limit_collection_creation: bool,
    pub limit_collection_deletion: bool,
    pub limit_item_deletion: bool,
    pub allow_admin_access_to_all_collection_items: bool,
}

/// A collection (`collection`, `collectionDetails`, `collectionAccessDetails`): the caller's
/// own flags and the access lists appear only in the kinds that carry them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CollectionResponse {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub external_id: Option<String>,
    #[serde(rename = "type")]
    pub collection_type: i32,
    pub default_user_collection_email: Option<String>,
    #[serde(flatten)]
    pub details: Option<CollectionFlags>,
    #[serde(flatten)]
    pub access: Option<CollectionAccess>,
    pub object: String,
}

/// The caller's access to a collection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CollectionFlags {
    pub read_only: bool,
    pub hide_passwords: bool,
    pub manage: bool,
}

/// Who is assigned to a collection (`collectionAccessDetails`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CollectionAccess {
    pub groups: Vec<SelectionReadOnly>,
    pub users: Vec<SelectionReadOnly>,
    /// The caller is assigned, directly or through a group.
    pub assigned: bool,
    /// Nobody manages it.
    pub unmanaged: bool,
}

pub const COLLECTION_OBJECT: &str = "collection";
pub const COLLECTION_DETAILS_OBJECT: &str = "collectionDetails";
pub const COLLECTION_ACCESS_DETAILS_OBJECT: &str = "collectionAccessDetails";

/// `GET /organizations/{id}/export`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationExportResponse {
    pub collections: Vec<CollectionResponse>,
    pub ciphers: Vec<CipherMiniDetailsResponse>,
    pub object: String,
}

/// A collection of an organization import: an `id` naming one of the organization's
/// collections reuses it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CollectionWithIdRequest {
    pub id: Option<String>,
    pub name: Option<String>,
    pub external_id: Option<String>,
    pub groups: Option<Vec<SelectionReadOnly>>,
    pub users: Option<Vec<SelectionReadOnly>>,
}

/// `POST /ciphers/import-organization?organizationId=`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct ImportOrganizationCiphersRequest {
    pub collections: Vec<CollectionWithIdRequest>,
    pub ciphers: Vec<CipherRequest>,
    pub collection_relationships: Vec<RelationshipRequest>,
    pub folders: Vec<FolderWithIdRequest>,
    pub folder_relationships: Vec<RelationshipRequest>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bare() -> CollectionResponse {
        CollectionResponse {
            id: "c".into(),
            organization_id: "o".into(),
            name: "2.n|n|n".into(),
            external_id: None,
            collection_type: 0,
            default_user_collection_email: None,
            details: None,
            access: None,
            object: COLLECTION_OBJECT.into(),
        }
    }

    #[test]
    fn each_kind_carries_its_own_fields() {
        let plain = serde_json::to_value(bare()).unwrap();
        assert!(plain.get("readOnly").is_none() && plain.get("users").is_none());
        let details = serde_json::to_value(CollectionResponse {
            details: Some(CollectionFlags {
                read_only: true,
                ..CollectionFlags::default()
            }),
            object: COLLECTION_DETAILS_OBJECT.into(),
            ..bare()
        })
        .unwrap();
        assert_eq!(details["readOnly"], true);
        assert_eq!(details["object"], "collectionDetails");
        let access = serde_json::to_value(CollectionResponse {
            details: Some(CollectionFlags::default()),
            access: Some(CollectionAccess::default()),
            object: COLLECTION_ACCESS_DETAILS_OBJECT.into(),
            ..bare()
        })
        .unwrap();
        // The official CLI maps over both lists: they are arrays, never null.
        assert_eq!(access["users"], serde_json::json!([]));
        assert_eq!(access["groups"], serde_json::json!([]));
        assert_eq!(access["unmanaged"], false);
    }

    #[test]
    fn an_update_without_lists_keeps_them() {
        let request: CollectionRequest =
            serde_json::from_str(r#"{"name":"2.a|b|c","externalId":null}"#).unwrap();
        assert_eq!(request.users, None);
        assert_eq!(request.groups, None);
    }
}
