//! Items as the reference answers them (reference vault §1.5), from what the store holds.

use kinwarden_proto::vault::attachments::AttachmentResponse;
use kinwarden_proto::vault::responses::{
    CIPHER_MINI_OBJECT, CipherDetailsResponse, CipherForUser, CipherMiniResponse,
    CipherPermissionsResponse, CipherResponse,
};
use kinwarden_proto::vault::stored;

use crate::App;
use crate::records::UserCipher;
use crate::wire_time;

/// The item without what it is to a user. Its attachments carry download links of their own, as
/// clients fall back to them.
pub(super) fn mini(app: &App, item: &UserCipher) -> CipherMiniResponse {
    let cipher = &item.cipher;
    let attachments: Vec<AttachmentResponse> = item
        .attachments
        .iter()
        .map(|attachment| super::attachments::response(app, attachment))
        .collect();
    CipherMiniResponse {
        object: CIPHER_MINI_OBJECT.to_string(),
        id: cipher.id.to_string(),
        organization_id: cipher.organization_id.map(|id| id.to_string()),
        cipher_type: cipher.cipher_type,
        data: cipher.data.clone(),
        partial_data: None,
        content: stored::from_document(&cipher.data),
        attachments: (!attachments.is_empty()).then_some(attachments),
        organization_use_totp: false,
        revision_date: wire_time::from_millis(cipher.revision_date),
        creation_date: wire_time::from_millis(cipher.created_at),
        deleted_date: cipher.deleted_at.map(wire_time::from_millis),
        reprompt: cipher.reprompt.unwrap_or(0),
        key: cipher.key.clone(),
    }
}

/// A personal item as its owner sees it: every right is the owner's.
pub(super) fn personal(app: &App, item: &UserCipher) -> CipherResponse {
    mini(app, item).into_cipher(CipherForUser {
        folder_id: item.marks.folder_id.map(|id| id.to_string()),
        favorite: item.marks.favorite,
        edit: true,
        view_password: true,
        archived_date: item.marks.archived_at.map(wire_time::from_millis),
        permissions: CipherPermissionsResponse {
            delete: true,
            restore: true,
        },
    })
}

/// A personal item with the collections its owner sees it through (none).
pub fn cipher_details(app: &App, item: &UserCipher) -> CipherDetailsResponse {
    personal(app, item).into_details(Vec::new())
}
