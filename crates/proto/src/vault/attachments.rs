//! Attachments (reference vault §1.5, §3): the v2 reservation, its answer, an attachment as
//! answered, and the answer to a delete.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::lenient;
use super::responses::{CipherMiniResponse, CipherResponse};

/// `POST /ciphers/{id}/attachment/v2` (`AttachmentRequestModel`). `key` and `fileName` are
/// encrypted and not checked, as in the reference.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct AttachmentRequest {
    pub key: Option<String>,
    pub file_name: Option<String>,
    /// Bytes of the encrypted file, as a number (or text).
    #[serde(deserialize_with = "lenient::i64")]
    pub file_size: i64,
    pub admin_request: bool,
    pub last_known_revision_date: Option<String>,
}

/// `fileUploadType`: where the client sends the file.
pub const FILE_UPLOAD_DIRECT: i32 = 0;

/// The answer to a reservation (`attachment-fileUpload`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentUploadDataResponse {
    pub attachment_id: Option<String>,
    pub url: String,
    /// Direct 0 (to this server), Azure 1.
    pub file_upload_type: i32,
    /// The item already listing the new attachment; null for an admin's request.
    pub cipher_response: Option<CipherResponse>,
    /// The item for an admin's request; null otherwise.
    pub cipher_mini_response: Option<CipherMiniResponse>,
    pub object: String,
}

impl AttachmentUploadDataResponse {
    /// A direct upload of `attachment_id` to `url`, answered with the item.
    pub fn direct(
        attachment_id: String,
        url: String,
        cipher: Option<CipherResponse>,
        cipher_mini: Option<CipherMiniResponse>,
    ) -> Self {
        Self {
            attachment_id: Some(attachment_id),
            url,
            file_upload_type: FILE_UPLOAD_DIRECT,
            cipher_response: cipher,
            cipher_mini_response: cipher_mini,
            object: "attachment-fileUpload".to_string(),
        }
    }
}

/// An attachment (`attachment`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentResponse {
    /// 32 characters, not a GUID.
    pub id: String,
    /// Where the file is fetched; it authorizes itself (clients send no token with it).
    pub url: Option<String>,
    pub file_name: Option<String>,
    pub key: Option<String>,
    /// Bytes, as a decimal string (`"1337"`).
    pub size: String,
    /// The size for people (`"1.31 KB"`).
    pub size_name: String,
    pub object: String,
}

/// The answer to an attachment's delete (`deleteAttachment`): the item after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeleteAttachmentResponse {
    pub cipher: CipherMiniResponse,
    pub object: String,
}

impl DeleteAttachmentResponse {
    pub fn new(cipher: CipherMiniResponse) -> Self {
        Self {
            cipher,
            object: "deleteAttachment".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reservation_as_the_cli_sends_it() {
        let request: AttachmentRequest = serde_json::from_str(
            r#"{"key":"2.k|k|k","fileName":"2.f|f|f","fileSize":1337,"adminRequest":false,
                "lastKnownRevisionDate":"2026-08-20T10:00:00.123Z"}"#,
        )
        .expect("reads");
        assert_eq!(request.file_size, 1337);
        let quoted: AttachmentRequest =
            serde_json::from_str(r#"{"fileSize":"12"}"#).expect("reads");
        assert_eq!(quoted.file_size, 12);
    }

    #[test]
    fn a_direct_upload_names_itself() {
        let answer = AttachmentUploadDataResponse::direct("a".repeat(32), "u".into(), None, None);
        let json = serde_json::to_value(&answer).expect("writes");
        assert_eq!(json["object"], "attachment-fileUpload");
        assert_eq!(json["fileUploadType"], 0);
        assert!(json["cipherResponse"].is_null() && json["cipherMiniResponse"].is_null());
    }
}
