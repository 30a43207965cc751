//! Items as the reference answers them (reference vault §1.5), from what the store holds.

use kinwarden_core::vault::attachments::size_name;
use kinwarden_proto::vault::attachments::AttachmentResponse;
use kinwarden_proto::vault::responses::{
    CIPHER_MINI_OBJECT, CipherDetailsResponse, CipherForUser, CipherMiniResponse,
    CipherPermissionsResponse, CipherResponse,
};
use kinwarden_proto::vault::stored;

use crate::records::UserCipher;
use crate::wire_time;
use crate::{App, PublicUrls};

/// The item without what it is to a user.
pub(super) fn mini(urls: &PublicUrls, item: &UserCipher) -> CipherMiniResponse {
    let cipher = &item.cipher;
    let attachments: Vec<AttachmentResponse> = item
        .attachments
        .iter()
        .map(|attachment| AttachmentResponse {
            id: attachment.id.to_string(),
            url: Some(urls.join(&format!("attachments/{}/{}", cipher.id, attachment.id))),
            file_name: Some(attachment.file_name.clone()),
            key: attachment.key.clone(),
            size: attachment.size.to_string(),
            size_name: size_name(attachment.size),
            object: "attachment".to_string(),
        })
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
pub(super) fn personal(urls: &PublicUrls, item: &UserCipher) -> CipherResponse {
    mini(urls, item).into_cipher(CipherForUser {
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
    personal(&app.urls, item).into_details(Vec::new())
}
