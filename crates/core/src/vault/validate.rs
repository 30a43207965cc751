//! Validation of an item as a client saves it (reference vault §0.2, §1.3, §1.4): the checks the
//! reference's request model declares, answered the way the reference answers them, as a map
//! from the property's path (`Name`, `Login.Password`, `Fields[0].Name`, `Ciphers[3].Notes`) to
//! its messages, which the web layer sends as `validationErrors` under "The model state is
//! invalid.". Every check of a property runs and reports, the required check first, so one bad
//! value can carry two messages, as in the reference.

use std::collections::BTreeMap;

use crate::enc_string;

use super::item::{CardParts, Fido2Credential, IdentityParts, ItemFields, LoginParts, SshKeyParts};

/// Property path → messages, as the reference's `validationErrors`.
pub type ValidationErrors = BTreeMap<String, Vec<String>>;

/// The reference's text when a required value is missing or blank.
pub fn required_message(property: &str) -> String {
    format!("The {property} field is required.")
}

/// The reference's text when a plain (not encrypted) text is too long.
pub fn max_length_message(property: &str, max: usize) -> String {
    format!("The field {property} must be a string with a maximum length of {max}.")
}

/// The reference's text when a key id is not 32 lowercase hexadecimal characters.
pub fn key_id_message(property: &str) -> String {
    format!("{property} is not a valid key id.")
}

/// An organization's new item must go in at least one collection (`POST /ciphers/create`).
pub const COLLECTION_REQUIRED_MESSAGE: &str = "You must select at least one collection.";

/// The longest encrypted name, of an item or a folder.
pub const MAX_NAME_LENGTH: usize = 1000;
/// The longest encrypted notes.
pub const MAX_NOTES_LENGTH: usize = 10_000;
/// The longest whole-document `data`.
pub const MAX_DATA_LENGTH: usize = 500_000;

/// What the reference declares on one text property.
#[derive(Debug, Clone, Copy)]
struct Rule {
    required: bool,
    kind: Kind,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Presence only (a date the wire layer reads).
    Presence,
    /// An encrypted string of at most this many characters.
    Encrypted(usize),
    /// An encrypted string whose limit is declared as a plain length (so its text says so).
    EncryptedPlainLength(usize),
    /// A length limit worded for encrypted values, without the shape check.
    EncryptedLengthOnly(usize),
    /// A plain text of at most this many characters.
    Length(usize),
    /// A key id.
    KeyId,
}

const fn enc(max: usize) -> Rule {
    Rule {
        required: false,
        kind: Kind::Encrypted(max),
    }
}

const fn required(rule: Rule) -> Rule {
    Rule {
        required: true,
        kind: rule.kind,
    }
}

const fn with(kind: Kind) -> Rule {
    Rule {
        required: false,
        kind,
    }
}

/// Lengths count UTF-16 units, as the reference's strings do (the same as characters for any
/// valid encrypted string, which is ASCII).
fn length(text: &str) -> usize {
    text.encode_utf16().count()
}

fn is_key_id(text: &str) -> bool {
    text.len() == 32
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The messages for one property's value under `rule`, in the reference's order.
fn messages(property: &str, value: Option<&str>, rule: Rule) -> Vec<String> {
    let mut out = Vec::new();
    if rule.required && value.is_none_or(|v| v.trim().is_empty()) {
        out.push(required_message(property));
    }
    let Some(value) = value else {
        return out;
    };
    match rule.kind {
        Kind::Presence => {}
        Kind::Encrypted(max) | Kind::EncryptedPlainLength(max) => {
            if !enc_string::is_valid(value) {
                out.push(enc_string::not_encrypted_message(property));
            }
            if length(value) > max {
                out.push(match rule.kind {
                    Kind::EncryptedPlainLength(_) => max_length_message(property, max),
                    _ => enc_string::too_long_message(property, max),
                });
            }
        }
        Kind::EncryptedLengthOnly(max) => {
            if length(value) > max {
                out.push(enc_string::too_long_message(property, max));
            }
        }
        Kind::Length(max) => {
            if length(value) > max {
                out.push(max_length_message(property, max));
            }
        }
        Kind::KeyId => {
            if !is_key_id(value) {
                out.push(key_id_message(property));
            }
        }
    }
    out
}

/// Where the messages of one object go: the map and the path of the object in the request.
struct Scope<'e> {
    errors: &'e mut ValidationErrors,
    prefix: String,
}

impl Scope<'_> {
    fn check(&mut self, property: &str, value: Option<&str>, rule: Rule) {
        let found = messages(property, value, rule);
        if !found.is_empty() {
            let key = join(&self.prefix, property);
            self.errors.entry(key).or_default().extend(found);
        }
    }

    /// The scope of a part of this object (`Login`, `Fields[2]`).
    fn part(&mut self, path: &str) -> Scope<'_> {
        Scope {
            prefix: join(&self.prefix, path),
            errors: self.errors,
        }
    }
}

fn join(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        path.to_string()
    } else {
        format!("{prefix}.{path}")
    }
}

/// The messages for an item saved on its own (`POST /ciphers`, `PUT /ciphers/{id}`); empty when
/// the item passes.
pub fn validate_item(item: &ItemFields<'_>) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    validate_item_at(item, "", &mut errors);
    errors
}

/// Adds the messages for an item found at `prefix` of a larger request (`Cipher` of a create,
/// `Ciphers[3]` of an import) to `errors`.
pub fn validate_item_at(item: &ItemFields<'_>, prefix: &str, errors: &mut ValidationErrors) {
    let mut scope = Scope {
        errors,
        prefix: prefix.to_string(),
    };
    scope.check(
        "OrganizationId",
        item.organization_id,
        with(Kind::Length(36)),
    );
    scope.check("Name", item.name, required(enc(MAX_NAME_LENGTH)));
    scope.check("Notes", item.notes, enc(MAX_NOTES_LENGTH));
    scope.check("Data", item.data, with(Kind::Length(MAX_DATA_LENGTH)));
    scope.check(
        "EncryptedByKeyId",
        item.encrypted_by_key_id,
        with(Kind::KeyId),
    );
    for (i, field) in item.fields.iter().enumerate() {
        let mut at = scope.part(&format!("Fields[{i}]"));
        at.check("Name", field.name, enc(1000));
        at.check("Value", field.value, enc(5000));
    }
    for (i, entry) in item.password_history.iter().enumerate() {
        let mut at = scope.part(&format!("PasswordHistory[{i}]"));
        at.check("Password", entry.password, required(enc(5000)));
        at.check(
            "LastUsedDate",
            entry.last_used_date,
            required(with(Kind::Presence)),
        );
    }
    for attachment in &item.attachments2 {
        let mut at = scope.part(&format!("Attachments2[{}]", attachment.id));
        at.check(
            "FileName",
            attachment.file_name,
            with(Kind::EncryptedLengthOnly(1000)),
        );
        at.check("Key", attachment.key, with(Kind::EncryptedLengthOnly(1000)));
    }
    if let Some(login) = &item.login {
        check_login(&mut scope.part("Login"), login);
    }
    if let Some(card) = &item.card {
        check_card(&mut scope.part("Card"), card);
    }
    if let Some(identity) = &item.identity {
        check_identity(&mut scope.part("Identity"), identity);
    }
    if let Some(ssh_key) = &item.ssh_key {
        check_ssh_key(&mut scope.part("SSHKey"), ssh_key);
    }
}

fn check_login(scope: &mut Scope<'_>, login: &LoginParts<'_>) {
    let first_uri = login.uris.first().and_then(|u| u.uri);
    scope.check("Uri", first_uri, enc(10_000));
    for (i, uri) in login.uris.iter().enumerate() {
        let mut at = scope.part(&format!("Uris[{i}]"));
        at.check("Uri", uri.uri, enc(10_000));
        at.check("UriChecksum", uri.uri_checksum, enc(10_000));
    }
    scope.check("Username", login.username, enc(1000));
    scope.check("Password", login.password, enc(5000));
    scope.check("Totp", login.totp, enc(1000));
    for (i, credential) in login.fido2_credentials.iter().enumerate() {
        check_fido2(
            &mut scope.part(&format!("Fido2Credentials[{i}]")),
            credential,
        );
    }
}

fn check_fido2(scope: &mut Scope<'_>, c: &Fido2Credential<'_>) {
    for (property, value) in [
        ("CredentialId", c.credential_id),
        ("KeyType", c.key_type),
        ("KeyAlgorithm", c.key_algorithm),
        ("KeyCurve", c.key_curve),
        ("KeyValue", c.key_value),
        ("RpId", c.rp_id),
        ("RpName", c.rp_name),
        ("UserHandle", c.user_handle),
        ("UserName", c.user_name),
        ("UserDisplayName", c.user_display_name),
        ("Counter", c.counter),
        ("Discoverable", c.discoverable),
    ] {
        scope.check(property, value, enc(1000));
    }
    scope.check(
        "CreationDate",
        c.creation_date,
        required(with(Kind::Presence)),
    );
}

fn check_card(scope: &mut Scope<'_>, c: &CardParts<'_>) {
    for (property, value) in [
        ("CardholderName", c.cardholder_name),
        ("Brand", c.brand),
        ("Number", c.number),
        ("ExpMonth", c.exp_month),
        ("Code", c.code),
    ] {
        scope.check(property, value, enc(1000));
    }
    scope.check(
        "ExpYear",
        c.exp_year,
        with(Kind::EncryptedPlainLength(1000)),
    );
}

fn check_identity(scope: &mut Scope<'_>, i: &IdentityParts<'_>) {
    for (property, value) in [
        ("Title", i.title),
        ("FirstName", i.first_name),
        ("MiddleName", i.middle_name),
        ("LastName", i.last_name),
        ("Address2", i.address2),
        ("Address3", i.address3),
        ("City", i.city),
        ("State", i.state),
        ("PostalCode", i.postal_code),
        ("Country", i.country),
        ("Company", i.company),
        ("Email", i.email),
        ("Phone", i.phone),
        ("SSN", i.ssn),
        ("Username", i.username),
        ("PassportNumber", i.passport_number),
        ("LicenseNumber", i.license_number),
    ] {
        scope.check(property, value, enc(1000));
    }
    scope.check(
        "Address1",
        i.address1,
        with(Kind::EncryptedPlainLength(1000)),
    );
}

fn check_ssh_key(scope: &mut Scope<'_>, k: &SshKeyParts<'_>) {
    scope.check("PrivateKey", k.private_key, enc(5000));
    scope.check("PublicKey", k.public_key, enc(5000));
    scope.check("KeyFingerprint", k.key_fingerprint, enc(1000));
}

/// Adds the messages for a required encrypted name (an item's or a folder's) of the object at
/// `prefix` to `errors`.
pub(super) fn check_name_at(name: Option<&str>, prefix: &str, errors: &mut ValidationErrors) {
    let mut scope = Scope {
        errors,
        prefix: prefix.to_string(),
    };
    scope.check("Name", name, required(enc(MAX_NAME_LENGTH)));
}

/// The messages for `POST /ciphers/create` (`CipherCreateRequestModel`): the item under
/// `Cipher`, then, only when the item passed (the reference checks the whole request only once
/// its parts are valid), at least one collection for an organization's item.
pub fn validate_create(item: Option<&ItemFields<'_>>, collection_count: usize) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    let Some(item) = item else {
        errors.insert("Cipher".to_string(), vec![required_message("Cipher")]);
        return errors;
    };
    validate_item_at(item, "Cipher", &mut errors);
    let organization_item = item.organization_id.is_some_and(|id| !id.trim().is_empty());
    if errors.is_empty() && organization_item && collection_count == 0 {
        errors.insert(
            "CollectionIds".to_string(),
            vec![COLLECTION_REQUIRED_MESSAGE.to_string()],
        );
    }
    errors
}

#[cfg(test)]
mod tests;
