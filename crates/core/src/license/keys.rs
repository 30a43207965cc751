//! The cloud's license key pair: the private half signs (cloud only), the public half, served
//! as PEM, lets a self-hosted server check. RSA PKCS#1 v1.5 with SHA-256, as the reference.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeyPair;
use aws_lc_rs::signature::{self, UnparsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the license key is not a PEM {0}")]
    NotPem(&'static str),
    #[error("the license key is unusable: {0}")]
    Unusable(String),
    #[error("cannot sign the license")]
    Sign,
}

/// The private key that signs licenses. Its `Debug` never shows the key.
pub struct LicenseSigningKey {
    pair: KeyPair,
}

impl std::fmt::Debug for LicenseSigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LicenseSigningKey(***)")
    }
}

impl LicenseSigningKey {
    /// From a PKCS#8 `PRIVATE KEY` PEM (what [`crate::tokens::generate_key_pem`] makes).
    pub fn from_pem(private_pem: &str) -> Result<Self, KeyError> {
        let block = pem::parse(private_pem).map_err(|_| KeyError::NotPem("PRIVATE KEY"))?;
        if block.tag() != "PRIVATE KEY" {
            return Err(KeyError::NotPem("PRIVATE KEY"));
        }
        let pair = KeyPair::from_pkcs8(block.contents())
            .map_err(|err| KeyError::Unusable(err.to_string()))?;
        Ok(Self { pair })
    }

    /// Base64 of the RSA PKCS#1 v1.5 SHA-256 signature of `data`.
    pub fn sign(&self, data: &[u8]) -> Result<String, KeyError> {
        Ok(STANDARD.encode(self.sign_raw(data)?))
    }

    /// The RSA PKCS#1 v1.5 SHA-256 signature of `data` (RS256 for a JWT).
    pub fn sign_raw(&self, data: &[u8]) -> Result<Vec<u8>, KeyError> {
        let mut out = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                data,
                &mut out,
            )
            .map_err(|_| KeyError::Sign)?;
        Ok(out)
    }
}

/// The public key a self-hosted server trusts.
#[derive(Debug, Clone)]
pub struct LicensePublicKey {
    /// SubjectPublicKeyInfo DER.
    der: Vec<u8>,
}

impl LicensePublicKey {
    /// From a `PUBLIC KEY` (SubjectPublicKeyInfo) PEM.
    pub fn from_pem(public_pem: &str) -> Result<Self, KeyError> {
        let block = pem::parse(public_pem).map_err(|_| KeyError::NotPem("PUBLIC KEY"))?;
        if block.tag() != "PUBLIC KEY" {
            return Err(KeyError::NotPem("PUBLIC KEY"));
        }
        Self::from_spki_der(block.contents())
    }

    /// From SubjectPublicKeyInfo DER (a certificate's key).
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        // Parse once now, so a broken key file is reported as such, not as a bad signature.
        aws_lc_rs::rsa::PublicKey::from_der(der)
            .map_err(|err| KeyError::Unusable(err.to_string()))?;
        Ok(Self { der: der.to_vec() })
    }

    /// Upper-case hex SHA-256 of the SubjectPublicKeyInfo: how a bare key is named.
    pub fn fingerprint(&self) -> String {
        let sum = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &self.der);
        super::trust::hex_upper(sum.as_ref())
    }

    /// Whether `signature_b64` is this key's signature of `data`.
    pub fn verifies(&self, data: &[u8], signature_b64: &str) -> bool {
        let Ok(sig) = STANDARD.decode(signature_b64.trim()) else {
            return false;
        };
        self.verifies_raw(data, &sig)
    }

    /// Whether `signature` is this key's RSA PKCS#1 v1.5 SHA-256 signature of `data`.
    pub fn verifies_raw(&self, data: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &self.der)
            .verify(data, signature)
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::generate_key_pem;

    #[test]
    fn signs_and_verifies() {
        let (private, public) = generate_key_pem().expect("keys");
        let signer = LicenseSigningKey::from_pem(&private).expect("private");
        let key = LicensePublicKey::from_pem(&public).expect("public");
        let sig = signer.sign(b"data").expect("sign");
        assert!(key.verifies(b"data", &sig));
        assert!(!key.verifies(b"datA", &sig));
        assert!(!key.verifies(b"data", "not base64!"));
        assert!(LicensePublicKey::from_pem(&private).is_err());
        assert!(LicenseSigningKey::from_pem(&public).is_err());
        assert_eq!(format!("{signer:?}"), "LicenseSigningKey(***)");
    }
}
