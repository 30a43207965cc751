//! Keys kept in `bwdata/core/` (SPEC §3): made on first start, loaded afterwards.

use std::path::Path;

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
