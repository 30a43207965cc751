//! Requests about items (reference vault §1.3, §1.8): save, create with collections, share,
//! partial update, the bulk actions and purge. Unknown keys are ignored; what the server checks
//! and how is `kinwarden_core::vault`'s.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::items::{
    CipherCardModel, CipherFieldModel, CipherIdentityModel, CipherLoginModel,
    CipherPasswordHistoryModel, CipherSecureNoteModel, CipherSshKeyModel,
};
use super::lenient;

/// An item as a client saves it (`CipherRequestModel`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CipherRequest {
    /// `CipherType`; read on create only (an update keeps the stored type).
    #[serde(rename = "type", deserialize_with = "lenient::option_i32")]
    pub cipher_type: Option<i32>,
    /// Null or blank for a personal item.
    pub organization_id: Option<String>,
    /// The caller's folder for the item (per user).
    pub folder_id: Option<String>,
    /// The caller's favourite mark (per user).
    pub favorite: bool,
    /// `CipherRepromptType`: None 0, Password 1.
    #[serde(deserialize_with = "lenient::option_i32")]
    pub reprompt: Option<i32>,
    /// The item's own key, wrapped by the user's or organization's key; stored as it comes.
    pub key: Option<String>,
    /// Required.
    pub name: Option<String>,
    pub notes: Option<String>,
    pub fields: Option<Vec<CipherFieldModel>>,
    pub password_history: Option<Vec<CipherPasswordHistoryModel>>,
    /// Deprecated: attachment id → new file name (the attachment's key is then cleared).
    pub attachments: Option<BTreeMap<String, Option<String>>>,
    /// Attachment id → new file name and key, for attachments the item already has.
    pub attachments2: Option<BTreeMap<String, CipherAttachmentModel>>,
    pub login: Option<CipherLoginModel>,
    pub card: Option<CipherCardModel>,
    pub identity: Option<CipherIdentityModel>,
    pub secure_note: Option<CipherSecureNoteModel>,
    pub ssh_key: Option<CipherSshKeyModel>,
    /// Types 6–8 are not served yet (SPEC §11); their parts are read so such a request parses.
    pub bank_account: Option<serde_json::Value>,
    pub drivers_license: Option<serde_json::Value>,
    pub passport: Option<serde_json::Value>,
    /// A whole encrypted document standing for the fields above (newer clients).
    pub data: Option<String>,
    /// The `revisionDate` of the client's copy: an update of a newer item is refused.
    pub last_known_revision_date: Option<String>,
    /// The caller's archive date (per user).
    pub archived_date: Option<String>,
    /// The user the client encrypted for; must be the caller when present.
    pub encrypted_for: Option<String>,
    /// The id of the user key the client encrypted with.
    pub encrypted_by_key_id: Option<String>,
}

/// New metadata of an attachment the item already has (key rotation, renames).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CipherAttachmentModel {
    pub file_name: Option<String>,
    pub key: Option<String>,
}

/// An item with its id (bulk share, key rotation).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CipherWithIdRequest {
    /// Required.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(flatten)]
    pub cipher: CipherRequest,
}

/// `POST /ciphers/create` and `/ciphers/admin`: an item and the collections it goes in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CipherCreateRequest {
    /// Required.
    pub cipher: Option<CipherRequest>,
    /// Required (non-empty) when the item belongs to an organization.
    pub collection_ids: Option<Vec<String>>,
}

/// `PUT /ciphers/{id}/share`: a personal item re-encrypted for an organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CipherShareRequest {
    /// Required, with its `organizationId`.
    pub cipher: Option<CipherRequest>,
    /// Required, at least one.
    pub collection_ids: Option<Vec<String>>,
}

/// `PUT /ciphers/share`: several personal items into one organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CipherBulkShareRequest {
    /// Required, at least one, each with an id and the same `organizationId`.
    pub ciphers: Option<Vec<CipherWithIdRequest>>,
    /// Required, at least one.
    pub collection_ids: Option<Vec<String>>,
}

/// The collections an item is in (`PUT /ciphers/{id}/collections…`); none given is none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CipherCollectionsRequest {
    pub collection_ids: Vec<String>,
}

/// `PUT /ciphers/{id}/partial`: the caller's folder and favourite, nothing else.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CipherPartialRequest {
    /// At most 36 characters; blank clears the folder.
    pub folder_id: Option<String>,
    pub favorite: bool,
}

/// Bulk soft or permanent delete (`PUT /ciphers/delete`, `DELETE /ciphers`, the admin forms).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CipherBulkDeleteRequest {
    pub ids: Vec<String>,
    #[serde(default)]
    pub organization_id: Option<String>,
}

/// Bulk restore (`PUT /ciphers/restore`, `/ciphers/restore-admin`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CipherBulkRestoreRequest {
    pub ids: Vec<String>,
    #[serde(default)]
    pub organization_id: Option<String>,
}

/// `PUT /ciphers/move`: the caller's folder for several items; blank removes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CipherBulkMoveRequest {
    pub ids: Vec<String>,
    #[serde(default)]
    pub folder_id: Option<String>,
}

/// `POST /ciphers/bulk-collections`: adds the collections to (or takes them from) each item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CipherBulkCollectionsRequest {
    pub organization_id: Option<String>,
    pub cipher_ids: Vec<String>,
    pub collection_ids: Vec<String>,
    pub remove_collections: bool,
}

/// `PUT /ciphers/archive` and `/ciphers/unarchive`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CipherBulkArchiveRequest {
    pub ids: Vec<String>,
}

/// `POST /ciphers/purge`: the master password hash (or an e-mailed code) proves the caller.
pub type PurgeRequest = crate::accounts::SecretVerificationRequest;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_as_the_cli_sends_it() {
        let request: CipherRequest = serde_json::from_str(
            r#"{"type":1,"organizationId":null,"folderId":null,"favorite":false,"reprompt":0,
                "encryptedFor":"6d0f3f5e-0000-4000-8000-000000000001","encryptedByKeyId":null,
                "key":"2.k|k|k","name":"2.n|n|n","notes":null,
                "login":{"uris":[{"uri":"2.a|b|c","match":null,"uriChecksum":"2.d|e|f"}],
                         "username":"2.u|u|u","password":"2.p|p|p","passwordRevisionDate":null,
                         "totp":null,"autofillOnPageLoad":null,"fido2Credentials":null},
                "fields":null,"passwordHistory":null,"attachments":null,"attachments2":null,
                "lastKnownRevisionDate":null,"archivedDate":null,"someNewKey":[1,2]}"#,
        )
        .expect("reads");
        assert_eq!(request.cipher_type, Some(1));
        assert_eq!(request.reprompt, Some(0));
        assert_eq!(request.name.as_deref(), Some("2.n|n|n"));
        assert!(request.login.is_some() && request.card.is_none());
    }

    #[test]
    fn wrappers_read_their_parts() {
        let with_id: CipherWithIdRequest =
            serde_json::from_str(r#"{"id":"x","type":"2","name":"n","secureNote":{"type":0}}"#)
                .expect("reads");
        assert_eq!(with_id.id.as_deref(), Some("x"));
        assert_eq!(with_id.cipher.cipher_type, Some(2));
        let create: CipherCreateRequest =
            serde_json::from_str(r#"{"cipher":{"name":"n"},"collectionIds":["c"]}"#)
                .expect("reads");
        assert_eq!(create.collection_ids, Some(vec!["c".to_string()]));
        let attachments: CipherRequest = serde_json::from_str(
            r#"{"attachments":{"a":null},"attachments2":{"b":{"fileName":"f"}}}"#,
        )
        .expect("reads");
        assert_eq!(
            attachments.attachments,
            Some(BTreeMap::from([("a".to_string(), None)]))
        );
        assert!(serde_json::from_str::<CipherBulkDeleteRequest>("{}").is_err());
    }
}
