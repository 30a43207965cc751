//! Issuing an organization's license on the cloud (reference §5.2, SPEC §9 "license"): the one
//! use-case behind the owner's download and `kinwarden license issue`.

use chrono::{DateTime, Utc};
use kinwarden_core::ids::InstallationId;
use kinwarden_core::ids::OrganizationId;
use kinwarden_core::license::{
    self, KeyError, LicenseSigningKey, OrganizationFacts, OrganizationLicense,
};
use kinwarden_store::{Store, StoreError};

/// The cloud's license key pair: the private half signs, the public half is served as PEM, and
/// as a self-signed certificate, which a self-hosted server lists among the ones it trusts.
pub struct CloudLicenseKeys {
    pub signing: LicenseSigningKey,
    pub public_pem: String,
    pub certificate_pem: String,
    /// The certificate's `x5t` (base64url SHA-1), named in every token's header.
    pub x5t: String,
}

#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("organization {0} does not exist")]
    OrganizationNotFound(String),
    /// The reference's text (§5.2 preconditions).
    #[error("Invalid installation id")]
    InvalidInstallation,
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Key(#[from] KeyError),
    #[error("{0}")]
    Random(#[from] kinwarden_core::secrets::RandomError),
    #[error("the organization's stored data is not usable: {0}")]
    Data(String),
}

/// A license of `version` for the organization and installation, issued `now`, with every
/// proof: `Hash`, `Signature`, the `Token` and Kinwarden's whole-document signature.
pub async fn issue(
    store: &Store,
    keys: &CloudLicenseKeys,
    organization_id: OrganizationId,
    installation_id: InstallationId,
    version: i32,
    now: DateTime<Utc>,
) -> Result<OrganizationLicense, IssueError> {
    let org = store
        .organization(organization_id)
        .await?
        .ok_or_else(|| IssueError::OrganizationNotFound(organization_id.to_string()))?;
    let installation = store.installation(installation_id).await?;
    if !installation.is_some_and(|i| i.enabled) {
        return Err(IssueError::InvalidInstallation);
    }
    let license_key = match org.license_key.clone() {
        Some(key) => key,
        None => store
            .ensure_license_key(org.id, &license::new_license_key()?, now.timestamp_millis())
            .await?
            .ok_or_else(|| IssueError::OrganizationNotFound(organization_id.to_string()))?,
    };
    let facts = OrganizationFacts {
        id: org.id.0,
        name: org.name,
        billing_email: org.billing_email,
        plan_type: org.plan_type,
        seats: org.seats,
        max_collections: org.max_collections,
        enabled: org.enabled,
        expiration_date: org
            .expiration_date
            .and_then(DateTime::<Utc>::from_timestamp_millis),
        license_key,
    };
    let unsigned = license::build(&facts, installation_id.0, now, version);
    Ok(license::sign(unsigned, &keys.signing, Some(&keys.x5t))?)
}

/// How a failed issue reaches the caller: the reference's text for an unknown installation, 404
/// for an organization that is gone, anything else for the log.
impl From<IssueError> for crate::AppError {
    fn from(err: IssueError) -> Self {
        match err {
            IssueError::InvalidInstallation => Self::BadRequest("Invalid installation id".into()),
            IssueError::OrganizationNotFound(_) => Self::NotFound,
            other => Self::internal(other),
        }
    }
}
