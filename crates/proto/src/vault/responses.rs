//! Items as the server answers them (reference vault §1.5). One shape grows by route:
//! `cipherMini` (the item), `cipher` (+ what it is to the caller), `cipherDetails` (+ the
//! caller's collections), `cipherMiniDetails` (mini + all its collections). Every key is
//! written, `null` included (`deletedDate: null` matters to clients), except `partialData`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::attachments::AttachmentResponse;
use super::items::{
    CipherCardModel, CipherFieldModel, CipherIdentityModel, CipherLoginModel,
    CipherPasswordHistoryModel, CipherSecureNoteModel, CipherSshKeyModel,
};

/// What an item holds, read from its stored document. All null when the document is one whole
/// encrypted blob; of the type parts, only the item's own is set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CipherContent {
    pub name: Option<String>,
    pub notes: Option<String>,
    pub login: Option<CipherLoginModel>,
    pub card: Option<CipherCardModel>,
    pub identity: Option<CipherIdentityModel>,
    pub secure_note: Option<CipherSecureNoteModel>,
    pub ssh_key: Option<CipherSshKeyModel>,
    /// Types 6–8 are not served yet (SPEC §11): always null.
    pub bank_account: Option<serde_json::Value>,
    pub drivers_license: Option<serde_json::Value>,
    pub passport: Option<serde_json::Value>,
    pub fields: Option<Vec<CipherFieldModel>>,
    pub password_history: Option<Vec<CipherPasswordHistoryModel>>,
}

/// The item without what it is to a user (`cipherMini`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CipherMiniResponse {
    pub object: String,
    pub id: String,
    pub organization_id: Option<String>,
    #[serde(rename = "type")]
    pub cipher_type: i32,
    /// The stored document, as stored.
    pub data: String,
    /// Reserved by the reference; never set, and then left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial_data: Option<String>,
    #[serde(flatten)]
    pub content: CipherContent,
    /// Null (not `[]`) when the item has none.
    pub attachments: Option<Vec<AttachmentResponse>>,
    pub organization_use_totp: bool,
    pub revision_date: String,
    pub creation_date: String,
    pub deleted_date: Option<String>,
    /// 0 when none is stored.
    pub reprompt: i32,
    pub key: Option<String>,
}

/// `permissions` of an item (no `object` key).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CipherPermissionsResponse {
    pub delete: bool,
    pub restore: bool,
}

/// What an item is to the user it is answered to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CipherForUser {
    pub folder_id: Option<String>,
    pub favorite: bool,
    pub edit: bool,
    pub view_password: bool,
    pub archived_date: Option<String>,
    pub permissions: CipherPermissionsResponse,
}

/// The item as one user sees it (`cipher`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CipherResponse {
    #[serde(flatten)]
    pub mini: CipherMiniResponse,
    #[serde(flatten)]
    pub user: CipherForUser,
}

/// The item with the collections the user sees it through (`cipherDetails`); `[]` when none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CipherDetailsResponse {
    #[serde(flatten)]
    pub cipher: CipherResponse,
    pub collection_ids: Vec<String>,
}

/// The item with every collection of its organization that holds it (`cipherMiniDetails`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CipherMiniDetailsResponse {
    #[serde(flatten)]
    pub mini: CipherMiniResponse,
    pub collection_ids: Vec<String>,
}

/// After a change of collections: the item, or `unavailable` when the caller lost sight of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OptionalCipherDetailsResponse {
    pub unavailable: bool,
    pub cipher: Option<CipherDetailsResponse>,
    pub object: String,
}

/// The `object` names of the item shapes.
pub const CIPHER_MINI_OBJECT: &str = "cipherMini";
pub const CIPHER_OBJECT: &str = "cipher";
pub const CIPHER_DETAILS_OBJECT: &str = "cipherDetails";
pub const CIPHER_MINI_DETAILS_OBJECT: &str = "cipherMiniDetails";

impl CipherMiniResponse {
    /// The item as `user` sees it.
    pub fn into_cipher(mut self, user: CipherForUser) -> CipherResponse {
        self.object = CIPHER_OBJECT.to_string();
        CipherResponse { mini: self, user }
    }

    /// The item with all its collections (the admin views).
    pub fn into_mini_details(mut self, collection_ids: Vec<String>) -> CipherMiniDetailsResponse {
        self.object = CIPHER_MINI_DETAILS_OBJECT.to_string();
        CipherMiniDetailsResponse {
            mini: self,
            collection_ids,
        }
    }
}

impl CipherResponse {
    /// The item with the collections the user sees it through.
    pub fn into_details(mut self, collection_ids: Vec<String>) -> CipherDetailsResponse {
        self.mini.object = CIPHER_DETAILS_OBJECT.to_string();
        CipherDetailsResponse {
            cipher: self,
            collection_ids,
        }
    }
}

impl OptionalCipherDetailsResponse {
    pub fn new(cipher: Option<CipherDetailsResponse>) -> Self {
        Self {
            unavailable: cipher.is_none(),
            cipher,
            object: "optionalCipherDetails".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mini() -> CipherMiniResponse {
        CipherMiniResponse {
            object: CIPHER_MINI_OBJECT.to_string(),
            id: "3f2c0000-0000-4000-8000-000000000001".to_string(),
            organization_id: None,
            cipher_type: 2,
            data: r#"{"Name":"2.n|n|n","Type":0}"#.to_string(),
            partial_data: None,
            content: CipherContent {
                name: Some("2.n|n|n".to_string()),
                secure_note: Some(CipherSecureNoteModel::default()),
                ..CipherContent::default()
            },
            attachments: None,
            organization_use_totp: false,
            revision_date: "2026-08-20T10:00:00.123Z".to_string(),
            creation_date: "2026-08-20T09:00:00.000Z".to_string(),
            deleted_date: None,
            reprompt: 0,
            key: None,
        }
    }

    #[test]
    fn details_carry_every_key_of_the_reference_and_read_back() {
        let user = CipherForUser {
            edit: true,
            view_password: true,
            permissions: CipherPermissionsResponse {
                delete: true,
                restore: true,
            },
            ..CipherForUser::default()
        };
        let details = mini().into_cipher(user).into_details(Vec::new());
        let json = serde_json::to_value(&details).expect("writes");
        assert_eq!(json["object"], "cipherDetails");
        assert_eq!(
            json["permissions"],
            serde_json::json!({"delete": true, "restore": true})
        );
        assert_eq!(json["collectionIds"], serde_json::json!([]));
        for key in [
            "id",
            "organizationId",
            "type",
            "data",
            "name",
            "notes",
            "login",
            "card",
            "identity",
            "secureNote",
            "sshKey",
            "bankAccount",
            "driversLicense",
            "passport",
            "fields",
            "passwordHistory",
            "attachments",
            "organizationUseTotp",
            "revisionDate",
            "creationDate",
            "deletedDate",
            "reprompt",
            "key",
            "folderId",
            "favorite",
            "edit",
            "viewPassword",
            "archivedDate",
        ] {
            assert!(json.get(key).is_some(), "{key} is written");
        }
        assert!(json["deletedDate"].is_null() && json["attachments"].is_null());
        assert!(json.get("partialData").is_none());
        let back: CipherDetailsResponse = serde_json::from_value(json).expect("reads back");
        assert_eq!(back, details);
    }

    #[test]
    fn each_shape_names_itself() {
        let as_json = |value: serde_json::Value| value["object"].as_str().map(str::to_string);
        let cipher = mini().into_cipher(CipherForUser::default());
        assert_eq!(
            as_json(serde_json::to_value(&cipher).expect("writes")).as_deref(),
            Some("cipher")
        );
        let admin = mini().into_mini_details(vec!["c".to_string()]);
        assert_eq!(
            as_json(serde_json::to_value(&admin).expect("writes")).as_deref(),
            Some("cipherMiniDetails")
        );
        let gone = OptionalCipherDetailsResponse::new(None);
        assert!(gone.unavailable);
    }
}
