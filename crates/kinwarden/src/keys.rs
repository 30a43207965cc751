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

/// The cloud's license key pair (RSA-2048, PEM), made on first use. Only a cloud calls this: a
/// self-hosted server must never hold a license signing key.
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
    LicensePublicKey::from_pem(&public_pem)?;
    Ok(CloudLicenseKeys {
        signing,
        public_pem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
