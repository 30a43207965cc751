//! Keys kept in `bwdata/core/` (SPEC §3): made on first start, loaded afterwards.

use std::path::Path;

use kinwarden_app::CloudLicenseKeys;
use kinwarden_core::data_key::{DataKey, DataKeyError};
use kinwarden_core::license::{self, LicensePublicKey, LicenseSigningKey};
use kinwarden_core::tokens::{self, TokenKeys};

use crate::bwdata::{Bwdata, write_atomic, write_private_atomic};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Token(#[from] tokens::TokenError),
    #[error("{path}: {source}")]
    Data { path: String, source: DataKeyError },
    #[error("{0}")]
    License(#[from] license::KeyError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The RS256 key pair that signs this server's access tokens and mailed links.
pub fn identity_keys(bwdata: &Bwdata, issuer: &str) -> Result<TokenKeys, KeyError> {
    let private_path = bwdata.core_dir().join("identity.key.pem");
    let public_path = bwdata.core_dir().join("identity.pub.pem");
    if !private_path.exists() || !public_path.exists() {
        let (private, public) = tokens::generate_key_pem()?;
        write_private_atomic(&private_path, private.as_bytes()).map_err(io(&private_path))?;
        write_atomic(&public_path, public.as_bytes()).map_err(io(&public_path))?;
    }
    let private = std::fs::read_to_string(&private_path).map_err(io(&private_path))?;
    let public = std::fs::read_to_string(&public_path).map_err(io(&public_path))?;
    Ok(TokenKeys::from_pem(&private, &public, issuer)?)
}

/// The AES-256-GCM key that seals secrets kept in the database (the billing sync token). It
/// lives beside the database, not in it, so a database dump alone reveals no token; losing it
/// loses those tokens (owners rotate them), so `backup` keeps `bwdata/core/` with the database.
pub fn data_key(bwdata: &Bwdata) -> Result<DataKey, KeyError> {
    let path = bwdata.core_dir().join("data.key");
    let data = |source| KeyError::Data {
        path: path.display().to_string(),
        source,
    };
    if !path.exists() {
        let (key, text) = DataKey::generate().map_err(data)?;
        write_private_atomic(&path, text.as_bytes()).map_err(io(&path))?;
        return Ok(key);
    }
    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
    DataKey::from_base64(&text).map_err(data)
}

/// Where a cloud keeps the private half of its license key pair.
pub fn license_private_key_path(bwdata: &Bwdata) -> std::path::PathBuf {
    bwdata.core_dir().join("licensing.key.pem")
}

/// Where a cloud keeps the public half (a self-hosted server's default trusted key has the same
/// name in its own `core/`).
pub fn license_public_key_path(bwdata: &Bwdata) -> std::path::PathBuf {
    bwdata.core_dir().join("licensing.pub.pem")
}

/// Where a cloud keeps the self-signed certificate of its license key: what a self-hosted server
/// lists in `kinwarden__licenseCertificates`.
pub fn license_certificate_path(bwdata: &Bwdata) -> std::path::PathBuf {
    bwdata.core_dir().join("licensing.cer.pem")
}

/// The subject of the cloud's license certificate.
const LICENSE_CERTIFICATE_NAME: &str = "Kinwarden License";

/// The cloud's license key pair (RSA-2048, PEM) and its certificate, made on first use (the
/// certificate also when a cloud from before certificates has only the key pair). Only a cloud
/// calls this: a self-hosted server must never hold a license signing key.
pub fn cloud_license_keys(bwdata: &Bwdata) -> Result<CloudLicenseKeys, KeyError> {
    let private_path = license_private_key_path(bwdata);
    let public_path = license_public_key_path(bwdata);
    if !private_path.exists() {
        let (private, public) = tokens::generate_key_pem()?;
        write_private_atomic(&private_path, private.as_bytes()).map_err(io(&private_path))?;
        write_atomic(&public_path, public.as_bytes()).map_err(io(&public_path))?;
    }
    let private = std::fs::read_to_string(&private_path).map_err(io(&private_path))?;
    let public_pem = std::fs::read_to_string(&public_path).map_err(io(&public_path))?;
    let signing = LicenseSigningKey::from_pem(&private)?;
    // Check that the public file is a usable key before it is handed out.
    let public = LicensePublicKey::from_pem(&public_pem)?;
    let certificate_path = license_certificate_path(bwdata);
    let current = std::fs::read_to_string(&certificate_path)
        .ok()
        .filter(|pem| certifies(pem, &public));
    let certificate_pem = match current {
        Some(pem) => pem,
        None => {
            let pem = self_signed_certificate(&private)?;
            write_atomic(&certificate_path, pem.as_bytes()).map_err(io(&certificate_path))?;
            pem
        }
    };
    Ok(CloudLicenseKeys {
        signing,
        public_pem,
        x5t: license::certificate_x5t(&certificate_pem)?,
        certificate_pem,
    })
}

/// Whether `pem` is a certificate of `public` (a replaced key pair makes the old one stale).
fn certifies(pem: &str, public: &LicensePublicKey) -> bool {
    license::keys_from_pem(pem, &license::TrustSource::BuiltIn).is_ok_and(|keys| {
        keys.iter()
            .any(|key| key.thumbprint.is_some() && key.key.fingerprint() == public.fingerprint())
    })
}

/// A self-signed certificate of the license key (RSA PKCS#1 v1.5 SHA-256), valid from 1975 to
/// 4096 (rcgen's defaults): the key's own lifetime is what matters, and it has none.
fn self_signed_certificate(private_pem: &str) -> Result<String, KeyError> {
    let certificate = || -> Result<String, rcgen::Error> {
        let key =
            rcgen::KeyPair::from_pkcs8_pem_and_sign_algo(private_pem, &rcgen::PKCS_RSA_SHA256)?;
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new())?;
        let mut name = rcgen::DistinguishedName::new();
        name.push(rcgen::DnType::CommonName, LICENSE_CERTIFICATE_NAME);
        params.distinguished_name = name;
        Ok(params.self_signed(&key)?.pem())
    };
    certificate().map_err(|err| KeyError::License(license::KeyError::Unusable(err.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cloud_license_certificate_is_made_beside_the_key_and_names_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bwdata = Bwdata::new(&dir.path().join("bwdata")).expect("path");
        bwdata.init().expect("init");
        let keys = cloud_license_keys(&bwdata).expect("made");
        let trusted = license::keys_from_pem(&keys.certificate_pem, &license::TrustSource::BuiltIn)
            .expect("a certificate");
        let print = trusted[0].thumbprint.clone().expect("thumbprint");
        assert_eq!(license::thumbprint_of_x5t(&keys.x5t), Some(print));
        let again = cloud_license_keys(&bwdata).expect("loaded");
        assert_eq!(
            again.certificate_pem, keys.certificate_pem,
            "kept once made"
        );
        let sig = keys.signing.sign(b"data").expect("sign");
        assert!(trusted[0].key.verifies(b"data", &sig));
    }

    #[test]
    fn the_data_key_is_made_once_and_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let bwdata = Bwdata::new(&dir.path().join("bwdata")).expect("path");
        bwdata.init().expect("init");
        let first = data_key(&bwdata).expect("made");
        let path = bwdata.core_dir().join("data.key");
        let mode = std::fs::metadata(&path).expect("file").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let sealed = first.seal("token", "ctx").expect("seal");
        let again = data_key(&bwdata).expect("loaded");
        assert_eq!(again.open(&sealed, "ctx").expect("open"), "token");
        std::fs::write(&path, "short").expect("write");
        assert!(
            data_key(&bwdata).is_err(),
            "a broken key file stops start-up"
        );
    }
}
