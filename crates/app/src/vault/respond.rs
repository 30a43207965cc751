//! Items as the reference answers them (reference vault §1.5), from what the store holds.

use kinwarden_proto::vault::attachments::AttachmentResponse;
use kinwarden_proto::vault::responses::{
    CIPHER_MINI_OBJECT, CipherDetailsResponse, CipherForUser, CipherMiniResponse,
    CipherPermissionsResponse, CipherResponse,
};
use kinwarden_proto::vault::stored;

use super::reach::Reached;
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
        // Every organization here uses TOTP (the profile's `useTotp`); a personal item's
        // answer says false.
        organization_use_totp: cipher.organization_id.is_some(),
        revision_date: wire_time::from_millis(cipher.revision_date),
        creation_date: wire_time::from_millis(cipher.created_at),
        deleted_date: cipher.deleted_at.map(wire_time::from_millis),
        reprompt: cipher.reprompt.unwrap_or(0),
        key: cipher.key.clone(),
    }
}

/// An item as the user reaching it sees it: their folder, favourite and archive date, and
/// their rights on it (all of them on a personal item).
pub(super) fn cipher(app: &App, reached: &Reached) -> CipherResponse {
    let item = &reached.item;
    let access = reached.access;
    mini(app, item).into_cipher(CipherForUser {
        folder_id: item.marks.folder_id.map(|id| id.to_string()),
        favorite: item.marks.favorite,
        edit: access.edit,
        view_password: access.view_password,
        archived_date: item.marks.archived_at.map(wire_time::from_millis),
        permissions: CipherPermissionsResponse {
            delete: access.delete,
            restore: access.restore,
        },
    })
}

/// An item with the collections the user sees it through.
pub fn cipher_details(app: &App, reached: &Reached) -> CipherDetailsResponse {
    cipher(app, reached).into_details(ids(&reached.collection_ids))
}

/// An item without what it is to a user, with every collection holding it (admin views,
/// export).
pub(super) fn mini_details(
    app: &App,
    item: &UserCipher,
    collection_ids: &[kinwarden_core::ids::CollectionId],
) -> kinwarden_proto::vault::responses::CipherMiniDetailsResponse {
    mini(app, item).into_mini_details(ids(collection_ids))
}

fn ids<T: ToString>(ids: &[T]) -> Vec<String> {
    ids.iter().map(ToString::to_string).collect()
}
