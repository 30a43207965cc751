//! An item as a client saves it, reduced to what validation reads: the texts that must be
//! encrypted strings and the few plain ones with a length limit (reference vault §1.3). The
//! web layer fills it from the wire request; borrowing keeps that mapping free of copies.
//! Numbers the reference does not check (field type, linked id, URI match, reprompt) and the
//! texts it stores unchecked (`key`, `folderId`, `attachments`) are left out on purpose.

/// The checked parts of `CipherRequestModel`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemFields<'a> {
    /// At most 36 characters (a plain length, not an encrypted string).
    pub organization_id: Option<&'a str>,
    /// Required.
    pub name: Option<&'a str>,
    pub notes: Option<&'a str>,
    /// The whole-document form newer clients may send; a plain length limit only.
    pub data: Option<&'a str>,
    /// When present, a key id: 32 lowercase hexadecimal characters.
    pub encrypted_by_key_id: Option<&'a str>,
    pub fields: Vec<CustomField<'a>>,
    pub password_history: Vec<PasswordEntry<'a>>,
    /// New names and keys for attachments the item already has (`attachments2`).
    pub attachments2: Vec<AttachmentMetadata<'a>>,
    pub login: Option<LoginParts<'a>>,
    pub card: Option<CardParts<'a>>,
    pub identity: Option<IdentityParts<'a>>,
    pub ssh_key: Option<SshKeyParts<'a>>,
}

/// A custom field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CustomField<'a> {
    pub name: Option<&'a str>,
    pub value: Option<&'a str>,
}

/// A password the item had before; both parts are required.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PasswordEntry<'a> {
    pub password: Option<&'a str>,
    /// Only its presence is checked here; the wire layer reads the date.
    pub last_used_date: Option<&'a str>,
}

/// One entry of `attachments2`, keyed by the attachment's id as the client sent it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttachmentMetadata<'a> {
    pub id: &'a str,
    pub file_name: Option<&'a str>,
    pub key: Option<&'a str>,
}

/// A login.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginParts<'a> {
    /// Every URI, the deprecated single `uri` already appended as the reference's model does
    /// when it reads one. The reference checks the first of them a second time under
    /// `Login.Uri`, because that property reads back the first URI.
    pub uris: Vec<LoginUri<'a>>,
    pub username: Option<&'a str>,
    pub password: Option<&'a str>,
    pub totp: Option<&'a str>,
    pub fido2_credentials: Vec<Fido2Credential<'a>>,
}

/// One URI of a login.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoginUri<'a> {
    pub uri: Option<&'a str>,
    pub uri_checksum: Option<&'a str>,
}

/// A passkey of a login.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fido2Credential<'a> {
    pub credential_id: Option<&'a str>,
    pub key_type: Option<&'a str>,
    pub key_algorithm: Option<&'a str>,
    pub key_curve: Option<&'a str>,
    pub key_value: Option<&'a str>,
    pub rp_id: Option<&'a str>,
    pub rp_name: Option<&'a str>,
    pub user_handle: Option<&'a str>,
    pub user_name: Option<&'a str>,
    pub user_display_name: Option<&'a str>,
    pub counter: Option<&'a str>,
    pub discoverable: Option<&'a str>,
    /// Required; only its presence is checked here.
    pub creation_date: Option<&'a str>,
}

/// A payment card.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CardParts<'a> {
    pub cardholder_name: Option<&'a str>,
    pub brand: Option<&'a str>,
    pub number: Option<&'a str>,
    pub exp_month: Option<&'a str>,
    pub exp_year: Option<&'a str>,
    pub code: Option<&'a str>,
}

/// An identity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdentityParts<'a> {
    pub title: Option<&'a str>,
    pub first_name: Option<&'a str>,
    pub middle_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub address1: Option<&'a str>,
    pub address2: Option<&'a str>,
    pub address3: Option<&'a str>,
    pub city: Option<&'a str>,
    pub state: Option<&'a str>,
    pub postal_code: Option<&'a str>,
    pub country: Option<&'a str>,
    pub company: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub ssn: Option<&'a str>,
    pub username: Option<&'a str>,
    pub passport_number: Option<&'a str>,
    pub license_number: Option<&'a str>,
}

/// An SSH key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SshKeyParts<'a> {
    pub private_key: Option<&'a str>,
    pub public_key: Option<&'a str>,
    pub key_fingerprint: Option<&'a str>,
}
