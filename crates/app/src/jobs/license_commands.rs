//! `kinwarden license issue` and `kinwarden license verify` (SPEC §2): on a cloud, a signed
//! license for an organization and installation (the reference's admin *Generate license*); on a
//! self-hosted server, whether this server would accept a license file.

use std::path::Path;

use chrono::{DateTime, Utc};
use kinwarden_config::{Config, keys};
use kinwarden_core::ids::{InstallationId, OrganizationId};
use kinwarden_core::license::{self, OrganizationLicense, Proof, TrustSource};
use uuid::Uuid;

use crate::licenses::issue::{self as issuing, IssueError};
use crate::licenses::trust::{TrustProblem, trust_store};
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
    Accepted {
        /// The license in force (the token's claims, or the file).
        license: Box<OrganizationLicense>,
        /// Which proof verified it.
        proof: Proof,
        /// The key that signed it, by its certificate's thumbprint.
        signer: String,
    },
    /// Refused, and why (the text the self-hosted upload would give).
    Refused(String),
}

/// What `license verify` reports: the verdict, and the configured trust files that could not be
/// used (named, since the reader is the operator).
#[derive(Debug)]
pub struct Verification {
    pub verdict: Verdict,
    pub problems: Vec<TrustProblem>,
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
    #[error("cannot read {}: {source}", path.display())]
    FileUnreadable {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// Checks the license file at `file` as this self-hosted server would at `now`, with the keys it
/// trusts. It needs the configuration only, not the database, so a file can be checked before
/// the server ever ran.
pub fn verify(
    config: &Config,
    now: DateTime<Utc>,
    file: &Path,
) -> Result<Verification, VerifyError> {
    let installation_id = config.installation.id.ok_or(VerifyError::NoInstallation)?;
    let (trust, problems) = trust_store(config);
    let bytes = std::fs::read(file).map_err(|source| VerifyError::FileUnreadable {
        path: file.to_path_buf(),
        source,
    })?;
    let verdict = match OrganizationLicense::from_json(&bytes) {
        Err(err) => Verdict::Refused(err.to_string()),
        Ok(license) => match license::verify(&license, &trust, installation_id, now) {
            Ok(verified) => Verdict::Accepted {
                proof: verified.proof(),
                signer: verified.signer().to_string(),
                license: Box::new(verified.into_inner()),
            },
            Err(reason) => Verdict::Refused(format!("Invalid license. {reason}")),
        },
    };
    Ok(Verification { verdict, problems })
}

/// The keys this server trusts, for `doctor`: each named, with the configured files that could
/// not be used.
pub fn trusted_certificates(config: &Config) -> (Vec<String>, Vec<TrustProblem>) {
    let (trust, problems) = trust_store(config);
    let names = trust
        .keys()
        .iter()
        .map(|key| match &key.source {
            TrustSource::BuiltIn => format!("{} (built in)", key.name()),
            TrustSource::File(path) => format!("{} (from {path})", key.name()),
        })
        .collect();
    (names, problems)
}
