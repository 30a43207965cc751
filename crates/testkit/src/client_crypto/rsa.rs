//! RSA-2048 key pairs and EncString type 4 (reference §5.1 steps 6–7).

use std::fmt;

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rsa::{
    KeySize, OAEP_SHA1_MGF1SHA1, OaepPrivateDecryptingKey, OaepPublicEncryptingKey,
    PrivateDecryptingKey, PublicEncryptingKey,
};

use super::{CryptoError, EncString, b64, unb64};

/// A user's or an organization's RSA key pair.
pub struct RsaKeyPair {
    private: PrivateDecryptingKey,
}

impl RsaKeyPair {
    /// A fresh RSA-2048 pair with exponent 65537, as WebCrypto makes it.
    pub fn generate() -> Result<Self, CryptoError> {
        let private = PrivateDecryptingKey::generate(KeySize::Rsa2048)
            .map_err(|_| CryptoError::Failed("RSA key generation"))?;
        Ok(RsaKeyPair { private })
    }

    /// The pair from its PKCS#8 DER private key (what an `encryptedPrivateKey` decrypts to).
    pub fn from_pkcs8(der: &[u8]) -> Result<Self, CryptoError> {
        let private = PrivateDecryptingKey::from_pkcs8(der)
            .map_err(|rejected| CryptoError::KeyRejected(rejected.to_string()))?;
        Ok(RsaKeyPair { private })
    }

    /// The public key as SPKI DER.
    pub fn public_key_der(&self) -> Result<Vec<u8>, CryptoError> {
        let der: PublicKeyX509Der<'static> = self
            .private
            .public_key()
            .as_der()
            .map_err(|_| CryptoError::Failed("SPKI export"))?;
        Ok(der.as_ref().to_vec())
    }

    /// The public key as the wire's `publicKey`: base64 SPKI DER.
    pub fn public_key_b64(&self) -> Result<String, CryptoError> {
        Ok(b64(&self.public_key_der()?))
    }

    /// The private key as PKCS#8 DER, the plaintext of an `encryptedPrivateKey`.
    pub fn private_key_pkcs8(&self) -> Result<Vec<u8>, CryptoError> {
        let der: Pkcs8V1Der<'static> = self
            .private
            .as_der()
            .map_err(|_| CryptoError::Failed("PKCS#8 export"))?;
        Ok(der.as_ref().to_vec())
    }

    /// Decrypts an EncString type 4 made for this pair's public key.
    pub fn decrypt(&self, enc: &EncString) -> Result<Vec<u8>, CryptoError> {
        let EncString::Rsa2048OaepSha1 { data } = enc else {
            return Err(CryptoError::WrongType {
                expected: 4,
                found: enc.enc_type(),
            });
        };
        let key = OaepPrivateDecryptingKey::new(self.private.clone())
            .map_err(|_| CryptoError::Failed("RSA-OAEP key"))?;
        let mut plaintext = vec![0u8; key.min_output_size()];
        let len = key
            .decrypt(&OAEP_SHA1_MGF1SHA1, data, &mut plaintext, None)
            .map_err(|_| CryptoError::Failed("RSA-OAEP decrypt"))?
            .len();
        plaintext.truncate(len);
        Ok(plaintext)
    }
}

/// EncString type 4 of `plaintext` (in practice a 64-byte org key) under a base64 SPKI public
/// key, as `GET /users/{id}/public-key` returns it.
pub fn encrypt_for_public_key(
    public_key_b64: &str,
    plaintext: &[u8],
) -> Result<EncString, CryptoError> {
    let public = PublicEncryptingKey::from_der(&unb64(public_key_b64)?)
        .map_err(|rejected| CryptoError::KeyRejected(rejected.to_string()))?;
    let key =
        OaepPublicEncryptingKey::new(public).map_err(|_| CryptoError::Failed("RSA-OAEP key"))?;
    let mut data = vec![0u8; key.ciphertext_size()];
    let len = key
        .encrypt(&OAEP_SHA1_MGF1SHA1, plaintext, &mut data, None)
        .map_err(|_| CryptoError::Failed("RSA-OAEP encrypt"))?
        .len();
    data.truncate(len);
    Ok(EncString::Rsa2048OaepSha1 { data })
}

// Never print private key material.
impl fmt::Debug for RsaKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RsaKeyPair(..)")
    }
}
