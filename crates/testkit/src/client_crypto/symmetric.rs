//! 64-byte symmetric keys (user, org and stretched master keys) and EncString type 2
//! (reference §5.1 step 5 and §5.2).

use std::fmt;

use aws_lc_rs::cipher::{
    AES_256, DecryptionContext, EncryptionContext, PaddedBlockDecryptingKey,
    PaddedBlockEncryptingKey, UnboundCipherKey,
};
use aws_lc_rs::{hmac, rand};

use super::{CryptoError, EncString};

/// A Bitwarden symmetric key: bytes 0–31 are the AES-256 key, bytes 32–63 the HMAC-SHA256 key.
#[derive(Clone, PartialEq, Eq)]
pub struct SymmetricKey([u8; 64]);

impl SymmetricKey {
    /// A fresh random key, as made for a user key or an org key.
    pub fn generate() -> Result<Self, CryptoError> {
        let mut bytes = [0u8; 64];
        rand::fill(&mut bytes).map_err(|_| CryptoError::Failed("random key"))?;
        Ok(SymmetricKey(bytes))
    }

    pub fn from_bytes(bytes: [u8; 64]) -> Self {
        SymmetricKey(bytes)
    }

    /// A key from decrypted bytes, which must be exactly 64 long.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        let bytes: [u8; 64] = bytes
            .try_into()
            .map_err(|_| CryptoError::KeyRejected(format!("{} bytes, not 64", bytes.len())))?;
        Ok(SymmetricKey(bytes))
    }

    pub fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }

    pub fn enc_key(&self) -> &[u8] {
        &self.0[..32]
    }

    pub fn mac_key(&self) -> &[u8] {
        &self.0[32..]
    }

    /// EncString type 2 of `plaintext` under this key, with a random IV.
    pub fn encrypt(&self, plaintext: &[u8]) -> Result<EncString, CryptoError> {
        let mut iv = [0u8; 16];
        rand::fill(&mut iv).map_err(|_| CryptoError::Failed("random IV"))?;
        self.encrypt_with_iv(plaintext, iv)
    }

    /// Encryption with a chosen IV, for known-answer tests only.
    pub(super) fn encrypt_with_iv(
        &self,
        plaintext: &[u8],
        iv: [u8; 16],
    ) -> Result<EncString, CryptoError> {
        let key = UnboundCipherKey::new(&AES_256, self.enc_key())
            .and_then(PaddedBlockEncryptingKey::cbc_pkcs7)
            .map_err(|_| CryptoError::Failed("AES key"))?;
        let mut data = plaintext.to_vec();
        key.less_safe_encrypt(&mut data, EncryptionContext::Iv128(iv.into()))
            .map_err(|_| CryptoError::Failed("AES-CBC encrypt"))?;
        let mac = self.mac(&iv, &data);
        Ok(EncString::AesCbc256HmacSha256 { iv, data, mac })
    }

    /// Decrypts an EncString type 2, checking the MAC before touching the ciphertext.
    pub fn decrypt(&self, enc: &EncString) -> Result<Vec<u8>, CryptoError> {
        let EncString::AesCbc256HmacSha256 { iv, data, mac } = enc else {
            return Err(CryptoError::WrongType {
                expected: 2,
                found: enc.enc_type(),
            });
        };
        let mac_key = hmac::Key::new(hmac::HMAC_SHA256, self.mac_key());
        // `hmac::verify` compares in constant time.
        hmac::verify(&mac_key, &[iv.as_slice(), data].concat(), mac)
            .map_err(|_| CryptoError::MacMismatch)?;
        let key = UnboundCipherKey::new(&AES_256, self.enc_key())
            .and_then(PaddedBlockDecryptingKey::cbc_pkcs7)
            .map_err(|_| CryptoError::Failed("AES key"))?;
        let mut buffer = data.clone();
        let plaintext = key
            .decrypt(&mut buffer, DecryptionContext::Iv128((*iv).into()))
            .map_err(|_| CryptoError::Failed("AES-CBC decrypt (bad padding)"))?;
        Ok(plaintext.to_vec())
    }

    /// A text field, UTF-8 encoded before encryption (§5.2).
    pub fn encrypt_str(&self, text: &str) -> Result<EncString, CryptoError> {
        self.encrypt(text.as_bytes())
    }

    pub fn decrypt_str(&self, enc: &EncString) -> Result<String, CryptoError> {
        String::from_utf8(self.decrypt(enc)?)
            .map_err(|_| CryptoError::Malformed("plaintext is not UTF-8".into()))
    }

    fn mac(&self, iv: &[u8; 16], data: &[u8]) -> [u8; 32] {
        let key = hmac::Key::new(hmac::HMAC_SHA256, self.mac_key());
        let mut context = hmac::Context::with_key(&key);
        context.update(iv);
        context.update(data);
        let mut mac = [0u8; 32];
        mac.copy_from_slice(context.sign().as_ref());
        mac
    }
}

// Never print key bytes, even in a failing test's output.
impl fmt::Debug for SymmetricKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SymmetricKey(..)")
    }
}
