//! Which keys this server believes a license from (docs/LICENSING.md "Trust"): Bitwarden's
//! production licensing certificate, always, and whatever the operator adds (certificates or
//! bare public keys, PEM). A certificate is named by its SHA-1 thumbprint, as .NET names it.

use std::fmt;

use aws_lc_rs::digest;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::keys::{KeyError, LicensePublicKey};

/// Bitwarden's production licensing certificate (`licensing.cer`), which signs every genuine
/// bitwarden.com license.
pub const BITWARDEN_CERTIFICATE_PEM: &str = include_str!("certs/bitwarden-licensing.pem");
/// Its SHA-1 thumbprint.
pub const BITWARDEN_THUMBPRINT: &str = "B34876439FCDA2846505B2EFBBA6C4A951313EBE";

/// Where a trusted key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustSource {
    /// Built into Kinwarden.
    BuiltIn,
    /// A file the operator configured (the path as configured, for the operator's own output).
    File(String),
}

/// One key licenses may be signed with.
#[derive(Debug, Clone)]
pub struct TrustedKey {
    pub key: LicensePublicKey,
    /// Upper-case hex SHA-1 of the certificate's DER; `None` for a bare public key.
    pub thumbprint: Option<String>,
    /// The certificate's subject, e.g. `CN=bitwarden License`.
    pub subject: Option<String>,
    /// The certificate's validity; a bare key has none.
    pub valid: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub source: TrustSource,
}

impl TrustedKey {
    /// Whether the certificate is inside its validity period (a bare key always is).
    pub fn valid_at(&self, now: DateTime<Utc>) -> bool {
        self.valid
            .is_none_or(|(from, until)| from <= now && now <= until)
    }

    /// How refusals and `doctor` name this key.
    pub fn name(&self) -> String {
        match (&self.thumbprint, &self.subject) {
            (Some(print), Some(subject)) => format!("certificate {print} ({subject})"),
            (Some(print), None) => format!("certificate {print}"),
            _ => format!("public key {}", self.key.fingerprint()),
        }
    }
}

impl fmt::Display for TrustedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// Upper-case hex SHA-1 of DER bytes: a certificate's thumbprint.
pub fn thumbprint(der: &[u8]) -> String {
    hex_upper(digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, der).as_ref())
}

/// The JWT `x5t` header of a certificate: base64url of its SHA-1.
pub fn x5t(der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, der))
}

/// The `x5t` of the first certificate in a PEM text.
pub fn certificate_x5t(pem_text: &str) -> Result<String, KeyError> {
    pem::parse_many(pem_text)
        .ok()
        .and_then(|blocks| blocks.into_iter().find(|b| b.tag() == "CERTIFICATE"))
        .map(|block| x5t(block.contents()))
        .ok_or(KeyError::NotPem("CERTIFICATE"))
}

/// The thumbprint an `x5t` header names, upper-case hex; `None` when it is not one.
pub fn thumbprint_of_x5t(x5t: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(x5t.trim_end_matches('=')).ok()?;
    (bytes.len() == SHA1_LEN).then(|| hex_upper(&bytes))
}

const SHA1_LEN: usize = 20;

pub(crate) fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// Every key in a PEM text: each `CERTIFICATE` and each `PUBLIC KEY` block.
pub fn keys_from_pem(text: &str, source: &TrustSource) -> Result<Vec<TrustedKey>, KeyError> {
    let blocks = pem::parse_many(text).map_err(|_| KeyError::NotPem("CERTIFICATE"))?;
    if blocks.is_empty() {
        return Err(KeyError::NotPem("CERTIFICATE"));
    }
    blocks
        .iter()
        .map(|block| match block.tag() {
            "CERTIFICATE" => certificate(block.contents(), source),
            "PUBLIC KEY" => Ok(TrustedKey {
                key: LicensePublicKey::from_spki_der(block.contents())?,
                thumbprint: None,
                subject: None,
                valid: None,
                source: source.clone(),
            }),
            _ => Err(KeyError::NotPem("CERTIFICATE")),
        })
        .collect()
}

fn certificate(der: &[u8], source: &TrustSource) -> Result<TrustedKey, KeyError> {
    let (_, cert) =
        X509Certificate::from_der(der).map_err(|err| KeyError::Unusable(err.to_string()))?;
    let validity = cert.validity();
    let from = DateTime::<Utc>::from_timestamp(validity.not_before.timestamp(), 0);
    let until = DateTime::<Utc>::from_timestamp(validity.not_after.timestamp(), 0);
    Ok(TrustedKey {
        key: LicensePublicKey::from_spki_der(cert.public_key().raw)?,
        thumbprint: Some(thumbprint(der)),
        subject: Some(cert.subject().to_string()),
        valid: from.zip(until),
        source: source.clone(),
    })
}

/// The keys a server trusts, in the order they are tried.
#[derive(Debug, Clone)]
pub struct TrustStore {
    keys: Vec<TrustedKey>,
}

impl TrustStore {
    /// Bitwarden's production certificate only.
    pub fn built_in() -> Self {
        // The certificate is part of the program and is tested; should it ever fail to parse,
        // the store is empty and every license is refused naming it, rather than a panic.
        let keys =
            keys_from_pem(BITWARDEN_CERTIFICATE_PEM, &TrustSource::BuiltIn).unwrap_or_default();
        Self { keys }
    }

    /// Adds the keys of one more PEM text.
    pub fn add_pem(&mut self, text: &str, source: TrustSource) -> Result<(), KeyError> {
        self.keys.extend(keys_from_pem(text, &source)?);
        Ok(())
    }

    pub fn add(&mut self, key: TrustedKey) {
        self.keys.push(key);
    }

    pub fn keys(&self) -> &[TrustedKey] {
        &self.keys
    }

    /// The trusted keys as a refusal lists them.
    pub fn names(&self) -> String {
        self.keys
            .iter()
            .map(TrustedKey::name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_certificate_is_bitwardens() {
        let store = TrustStore::built_in();
        let [key] = store.keys() else {
            panic!("one built-in key, got {:?}", store.keys());
        };
        assert_eq!(key.thumbprint.as_deref(), Some(BITWARDEN_THUMBPRINT));
        assert_eq!(key.subject.as_deref(), Some("CN=bitwarden License"));
        assert!(key.valid_at(Utc::now()));
        assert_eq!(key.source, TrustSource::BuiltIn);
        assert!(key.name().contains(BITWARDEN_THUMBPRINT));
    }

    /// Bitwarden's development certificate is known (its thumbprint checked) but never trusted
    /// by default: it signs licenses from Bitwarden's own test systems.
    #[test]
    fn the_development_certificate_is_not_built_in() {
        let dev = keys_from_pem(
            include_str!("certs/bitwarden-licensing-dev.pem"),
            &TrustSource::BuiltIn,
        )
        .expect("dev certificate");
        assert_eq!(
            dev[0].thumbprint.as_deref(),
            Some("207E64A231E8AA32AAF68A61037C075EBEBD553F")
        );
        assert!(
            TrustStore::built_in()
                .keys()
                .iter()
                .all(|key| key.thumbprint != dev[0].thumbprint)
        );
    }

    #[test]
    fn x5t_names_the_thumbprint() {
        let der = pem::parse(BITWARDEN_CERTIFICATE_PEM).expect("pem");
        let header = x5t(der.contents());
        assert_eq!(
            thumbprint_of_x5t(&header).as_deref(),
            Some(BITWARDEN_THUMBPRINT)
        );
        assert_eq!(thumbprint_of_x5t("nope"), None);
    }

    #[test]
    fn reads_public_keys_and_refuses_other_pem() {
        let (private, public) = crate::tokens::generate_key_pem().expect("keys");
        let keys = keys_from_pem(&public, &TrustSource::File("k.pem".into())).expect("key");
        assert_eq!(keys.len(), 1);
        assert!(keys[0].thumbprint.is_none() && keys[0].name().starts_with("public key "));
        assert!(keys_from_pem(&private, &TrustSource::BuiltIn).is_err());
        assert!(keys_from_pem("not pem", &TrustSource::BuiltIn).is_err());
    }
}
