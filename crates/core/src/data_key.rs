//! Encryption at rest for secrets the server must show again (the billing sync token): AES-256-GCM
//! under a data key kept in `bwdata/core/data.key`, outside the database, so a dump of the
//! database alone does not reveal them. Each sealed value is bound to what it belongs to
//! (associated data), so a ciphertext copied onto another row does not open there.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use crate::secrets::{RandomError, random_bytes};

/// The format tag of sealed values, so a later format (or a rotated key) can be told apart.
const VERSION: &str = "1.";
const KEY_LEN: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum DataKeyError {
    #[error("the data key is not 32 bytes of base64")]
    BadKey,
    #[error(transparent)]
    Random(#[from] RandomError),
    #[error("encryption failed")]
    Seal,
    /// Wrong key, wrong owner, or a changed ciphertext: all look the same on purpose.
    #[error("the sealed value cannot be opened with this data key")]
    Open,
}

/// The key that seals secrets at rest.
pub struct DataKey {
    key: LessSafeKey,
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(***)")
    }
}

impl DataKey {
    /// A new random key and its file form (base64 of 32 bytes).
    pub fn generate() -> Result<(Self, String), DataKeyError> {
        let bytes = random_bytes::<KEY_LEN>()?;
        let text = STANDARD.encode(bytes);
        Ok((Self::from_bytes(&bytes)?, text))
    }

    /// The key from its file form.
    pub fn from_base64(text: &str) -> Result<Self, DataKeyError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| DataKeyError::BadKey)?;
        if bytes.len() != KEY_LEN {
            return Err(DataKeyError::BadKey);
        }
        Self::from_bytes(&bytes)
    }

    fn from_bytes(bytes: &[u8]) -> Result<Self, DataKeyError> {
        let unbound = UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| DataKeyError::BadKey)?;
        Ok(Self {
            key: LessSafeKey::new(unbound),
        })
    }

    /// Encrypts `plaintext` for the owner named by `context`: `1.` and base64url of a random
    /// 96-bit nonce, the ciphertext and the tag.
    pub fn seal(&self, plaintext: &str, context: &str) -> Result<String, DataKeyError> {
        let nonce_bytes = random_bytes::<NONCE_LEN>()?;
        let mut buffer = plaintext.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce_bytes),
                Aad::from(context.as_bytes()),
                &mut buffer,
            )
            .map_err(|_| DataKeyError::Seal)?;
        let mut sealed = nonce_bytes.to_vec();
        sealed.extend_from_slice(&buffer);
        Ok(format!("{VERSION}{}", URL_SAFE_NO_PAD.encode(sealed)))
    }

    /// Decrypts what [`DataKey::seal`] made for the same `context`.
    pub fn open(&self, sealed: &str, context: &str) -> Result<String, DataKeyError> {
        let encoded = sealed.strip_prefix(VERSION).ok_or(DataKeyError::Open)?;
        let mut bytes = URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| DataKeyError::Open)?;
        if bytes.len() < NONCE_LEN {
            return Err(DataKeyError::Open);
        }
        let mut ciphertext = bytes.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&bytes).map_err(|_| DataKeyError::Open)?;
        let plaintext = self
            .key
            .open_in_place(nonce, Aad::from(context.as_bytes()), &mut ciphertext)
            .map_err(|_| DataKeyError::Open)?;
        String::from_utf8(plaintext.to_vec()).map_err(|_| DataKeyError::Open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_the_file_form() {
        let (key, text) = DataKey::generate().expect("key");
        let sealed = key.seal("s3cretToken", "org-1/1").expect("seal");
        assert!(sealed.starts_with("1."));
        assert!(!sealed.contains("s3cretToken"));
        assert_eq!(key.open(&sealed, "org-1/1").expect("open"), "s3cretToken");
        let again = DataKey::from_base64(&text).expect("reload");
        assert_eq!(again.open(&sealed, "org-1/1").expect("open"), "s3cretToken");
        assert_ne!(
            sealed,
            key.seal("s3cretToken", "org-1/1").expect("seal"),
            "a fresh nonce each time"
        );
    }

    #[test]
    fn a_changed_ciphertext_does_not_open() {
        let (key, _) = DataKey::generate().expect("key");
        let sealed = key.seal("s3cretToken", "org-1/1").expect("seal");
        let mut bytes = URL_SAFE_NO_PAD.decode(&sealed[2..]).expect("b64");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let tampered = format!("1.{}", URL_SAFE_NO_PAD.encode(&bytes));
        assert!(matches!(
            key.open(&tampered, "org-1/1"),
            Err(DataKeyError::Open)
        ));
        assert!(key.open("1.AAAA", "org-1/1").is_err());
        assert!(key.open("garbage", "org-1/1").is_err());
    }

    #[test]
    fn another_key_or_owner_does_not_open() {
        let (key, _) = DataKey::generate().expect("key");
        let (other, _) = DataKey::generate().expect("key");
        let sealed = key.seal("s3cretToken", "org-1/1").expect("seal");
        assert!(other.open(&sealed, "org-1/1").is_err());
        assert!(key.open(&sealed, "org-2/1").is_err(), "bound to its owner");
    }

    #[test]
    fn bad_key_files_are_refused() {
        assert!(DataKey::from_base64("not base64!").is_err());
        assert!(DataKey::from_base64(&STANDARD.encode([0u8; 16])).is_err());
        assert!(format!("{:?}", DataKey::generate().expect("key").0).contains("***"));
    }
}
