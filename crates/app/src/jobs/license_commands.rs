//! `kinwarden license issue` and `kinwarden license verify` (SPEC §2): on a cloud, a signed
//! license for an organization and installation (the reference's admin *Generate license*); on a
//! self-hosted server, whether this server would accept a license file.

use std::path::Path;

use chrono::{DateTime, Utc};
use kinwarden_config::{Config, keys};
use kinwarden_core::ids::{InstallationId, OrganizationId};
use kinwarden_core::license::{self, LicensePublicKey, OrganizationLicense};
use uuid::Uuid;

use crate::licenses::issue::{self as issuing, IssueError};
use crate::{App, AppError};

/// A signed license of `version` for the organization and installation, issued now with the
/// cloud's key: the use-case of the owner's download, from the command line.
pub async fn issue(
    app: &App,
    organization: Uuid,
    installation: Uuid,
    version: i32,
) -> Result<OrganizationLicense, AppError> {
    let keys = app.licensing.as_deref().ok_or_else(|| {
        AppError::BadRequest(
            "this server holds no license signing key: only a cloud issues licenses".into(),
        )
    })?;
    issuing::issue(
        &app.store,
        keys,
        OrganizationId(organization),
        InstallationId(installation),
        version,
        app.clock.now(),
    )
    .await
    .map_err(|err| match err {
        IssueError::InvalidInstallation => AppError::BadRequest(format!(
            "Invalid installation id: {installation} is not a registered, enabled installation"
        )),
        IssueError::OrganizationNotFound(_) => AppError::BadRequest(err.to_string()),
        other => AppError::internal(other),
    })
}

/// What this server says of a license file.
#[derive(Debug)]
pub enum Verdict {
    Accepted(Box<OrganizationLicense>),
    /// Refused, and why (the text the self-hosted upload would give).
    Refused(String),
}

/// Why a license file could not be checked at all.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The installation id is not configured (a configuration error, not a refusal).
    #[error(
        "{} is not set: a license is checked against this installation's id",
        keys::INSTALLATION_ID
    )]
    NoInstallation,
    #[error(
        "cannot read the cloud's license public key {} ({}): {source}; get it with \
         `kinwarden license public-key` on the cloud or GET /api/licenses/public-key",
        path.display(),
        keys::LICENSING_PUBLIC_KEY_PATH
    )]
    KeyUnreadable {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    KeyUnusable {
        path: std::path::PathBuf,
        source: license::KeyError,
    },
    #[error("cannot read {}: {source}", path.display())]
    FileUnreadable {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// Checks the license file at `file` as this self-hosted server would at `now`, with the cloud
/// key it trusts. It needs the configuration only, not the database, so a file can be checked
/// before the server ever ran.
pub fn verify(config: &Config, now: DateTime<Utc>, file: &Path) -> Result<Verdict, VerifyError> {
    let installation_id = config.installation.id.ok_or(VerifyError::NoInstallation)?;
    let path = &config.licensing_public_key_path;
    let pem = std::fs::read_to_string(path).map_err(|source| VerifyError::KeyUnreadable {
        path: path.clone(),
        source,
    })?;
    let key = LicensePublicKey::from_pem(&pem).map_err(|source| VerifyError::KeyUnusable {
        path: path.clone(),
        source,
    })?;
    let bytes = std::fs::read(file).map_err(|source| VerifyError::FileUnreadable {
        path: file.to_path_buf(),
        source,
    })?;
    let license = match OrganizationLicense::from_json(&bytes) {
        Ok(license) => license,
        Err(err) => return Ok(Verdict::Refused(err.to_string())),
    };
    Ok(
        match license::verify(&license, &key, installation_id, now) {
            Ok(verified) => Verdict::Accepted(Box::new(verified.into_inner())),
            Err(reason) => Verdict::Refused(format!("Invalid license. {reason}")),
        },
    )
}
