//! An item request as the rules read it and as it is stored: the borrowed view that
//! `kinwarden_core::vault::validate` checks, and the content that becomes the stored document.

use kinwarden_core::vault::item::{
    AttachmentMetadata, CardParts, CustomField, Fido2Credential, IdentityParts, ItemFields,
    LoginParts, LoginUri, PasswordEntry, SshKeyParts,
};
use kinwarden_core::vault::types::CipherType;
use kinwarden_proto::vault::ciphers::CipherRequest;
use kinwarden_proto::vault::items::CipherLoginUriModel;
use kinwarden_proto::vault::responses::CipherContent;

/// What validation reads of `request`.
pub(super) fn fields(request: &CipherRequest) -> ItemFields<'_> {
    ItemFields {
        organization_id: text(&request.organization_id),
        name: text(&request.name),
        notes: text(&request.notes),
        data: text(&request.data),
        encrypted_by_key_id: text(&request.encrypted_by_key_id),
        fields: request
            .fields
            .iter()
            .flatten()
            .map(|field| CustomField {
                name: text(&field.name),
                value: text(&field.value),
            })
            .collect(),
        password_history: request
            .password_history
            .iter()
            .flatten()
            .map(|entry| PasswordEntry {
                password: text(&entry.password),
                last_used_date: text(&entry.last_used_date),
            })
            .collect(),
        attachments2: request
            .attachments2
            .iter()
            .flatten()
            .map(|(id, attachment)| AttachmentMetadata {
                id,
                file_name: text(&attachment.file_name),
                key: text(&attachment.key),
            })
            .collect(),
        login: request.login.as_ref().map(|login| LoginParts {
            // The deprecated single `uri` counts as a first URI, as it is stored.
            uris: login
                .uri
                .iter()
                .map(|uri| LoginUri {
                    uri: Some(uri.as_str()),
                    uri_checksum: None,
                })
                .chain(login.uris.iter().flatten().map(|uri| LoginUri {
                    uri: text(&uri.uri),
                    uri_checksum: text(&uri.uri_checksum),
                }))
                .collect(),
            username: text(&login.username),
            password: text(&login.password),
            totp: text(&login.totp),
            fido2_credentials: login
                .fido2_credentials
                .iter()
                .flatten()
                .map(|credential| Fido2Credential {
                    credential_id: text(&credential.credential_id),
                    key_type: text(&credential.key_type),
                    key_algorithm: text(&credential.key_algorithm),
                    key_curve: text(&credential.key_curve),
                    key_value: text(&credential.key_value),
                    rp_id: text(&credential.rp_id),
                    rp_name: text(&credential.rp_name),
                    user_handle: text(&credential.user_handle),
                    user_name: text(&credential.user_name),
                    user_display_name: text(&credential.user_display_name),
                    counter: text(&credential.counter),
                    discoverable: text(&credential.discoverable),
                    creation_date: text(&credential.creation_date),
                })
                .collect(),
        }),
        card: request.card.as_ref().map(|card| CardParts {
            cardholder_name: text(&card.cardholder_name),
            brand: text(&card.brand),
            number: text(&card.number),
            exp_month: text(&card.exp_month),
            exp_year: text(&card.exp_year),
            code: text(&card.code),
        }),
        identity: request.identity.as_ref().map(|identity| IdentityParts {
            title: text(&identity.title),
            first_name: text(&identity.first_name),
            middle_name: text(&identity.middle_name),
            last_name: text(&identity.last_name),
            address1: text(&identity.address1),
            address2: text(&identity.address2),
            address3: text(&identity.address3),
            city: text(&identity.city),
            state: text(&identity.state),
            postal_code: text(&identity.postal_code),
            country: text(&identity.country),
            company: text(&identity.company),
            email: text(&identity.email),
            phone: text(&identity.phone),
            ssn: text(&identity.ssn),
            username: text(&identity.username),
            passport_number: text(&identity.passport_number),
            license_number: text(&identity.license_number),
        }),
        ssh_key: request.ssh_key.as_ref().map(|key| SshKeyParts {
            private_key: text(&key.private_key),
            public_key: text(&key.public_key),
            key_fingerprint: text(&key.key_fingerprint),
        }),
    }
}

fn text(value: &Option<String>) -> Option<&str> {
    value.as_deref()
}

/// The client's whole encrypted document, when it sent one. A `data` that is not such a blob
/// (marked by its `format_version`) is not trusted over the structured fields: clients differ in
/// what they put there, and the fields are what every client reads back.
pub(super) fn whole_blob(request: &CipherRequest) -> Option<&str> {
    request
        .data
        .as_deref()
        .filter(|data| kinwarden_proto::vault::stored::is_blob(data))
}

/// The stored document of a request for an item of `cipher_type`: the client's whole encrypted
/// blob when it sent one ([`whole_blob`]), else the content with only the type's own part (the others a client
/// may send along are not the item's).
pub(super) fn document(request: &CipherRequest, cipher_type: CipherType) -> String {
    if let Some(blob) = whole_blob(request) {
        return blob.to_string();
    }
    let mut login = request
        .login
        .clone()
        .filter(|_| cipher_type == CipherType::Login);
    if let Some(login) = login.as_mut() {
        // An old client's single `uri` joins the list, first.
        if let Some(uri) = login.uri.take() {
            let mut uris = vec![CipherLoginUriModel {
                uri: Some(uri),
                ..CipherLoginUriModel::default()
            }];
            uris.extend(login.uris.take().unwrap_or_default());
            login.uris = Some(uris);
        }
    }
    let content = CipherContent {
        name: request.name.clone(),
        notes: request.notes.clone(),
        login,
        card: request
            .card
            .clone()
            .filter(|_| cipher_type == CipherType::Card),
        identity: request
            .identity
            .clone()
            .filter(|_| cipher_type == CipherType::Identity),
        secure_note: request
            .secure_note
            .clone()
            .filter(|_| cipher_type == CipherType::SecureNote),
        ssh_key: request
            .ssh_key
            .clone()
            .filter(|_| cipher_type == CipherType::SshKey),
        bank_account: None,
        drivers_license: None,
        passport: None,
        fields: request.fields.clone(),
        password_history: request.password_history.clone(),
    };
    kinwarden_proto::vault::stored::to_document(&content)
}
