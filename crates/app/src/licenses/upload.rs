//! A self-hosted organization's license file, uploaded (reference §5.1 L4 and L3, §5.5; SPEC §9
//! "license (self-hosted)"): create the organization from a license file, or replace its
//! license. Upload works whatever the current license's state.

use kinwarden_core::ids::OrganizationId;
use kinwarden_core::license::{self, OrganizationLicense};

use crate::licenses::self_hosted as self_hosted_license;
use crate::organizations::access::OrgAccess;
use crate::records::{OrganizationRecord, UserRecord};
use crate::{App, AppError};

const IN_USE: &str = "License is already in use by another organization vault.";

/// The parts of the upload form, as the HTTP layer read them.
#[derive(Debug, Default)]
pub struct LicenseUpload {
    /// The license file.
    pub license: Option<Vec<u8>>,
    /// The organization key wrapped for the uploader (EncString type 4); creation only.
    pub key: Option<String>,
    pub public_key: Option<String>,
    pub encrypted_private_key: Option<String>,
    /// The first collection's name, encrypted with the organization key; creation only.
    pub collection_name: Option<String>,
}

fn license_bytes(upload: &mut LicenseUpload) -> Result<Vec<u8>, AppError> {
    upload
        .license
        .take()
        .ok_or_else(|| AppError::field("License", "The License field is required."))
}

/// L4 `POST /api/organizations/licenses/self-hosted` and the page *New organization* → *Upload
/// license*: `user` becomes the confirmed owner of a new organization whose terms come from the
/// license. The file is written first, so an organization never exists without its license;
/// should the database refuse, the file is taken back.
pub async fn create_organization(
    app: &App,
    user: &UserRecord,
    mut upload: LicenseUpload,
) -> Result<OrganizationRecord, AppError> {
    let bytes = license_bytes(&mut upload)?;
    let key = upload
        .key
        .filter(|key| key.starts_with("4."))
        .ok_or_else(|| {
            AppError::field(
                "Key",
                "The organization key wrapped for you (EncString type 4) is required.",
            )
        })?;
    let verified = self_hosted_license::check(app, &bytes)?;
    let license = verified.license();
    let terms = self_hosted_license::terms(license);
    if let Some(license_key) = &terms.license_key
        && app.store.license_key_in_use(license_key, None).await?
    {
        return Err(AppError::BadRequest(IN_USE.into()));
    }
    let now = app.clock.now_millis();
    let org = OrganizationRecord {
        id: OrganizationId::new(),
        name: terms.name.clone(),
        billing_email: terms.billing_email.clone(),
        plan_type: terms.plan_type,
        seats: terms.seats,
        max_collections: terms.max_collections,
        enabled: terms.enabled,
        expiration_date: terms.expiration_date,
        public_key: upload.public_key,
        private_key: upload.encrypted_private_key,
        license_key: terms.license_key.clone(),
        license_terms: Some(terms.terms.clone()),
        revision_date: now,
        created_at: now,
        updated_at: now,
    };
    let owner = crate::organizations::create::founding_owner(org.id, user.id, key, now);
    app.license_files
        .write(org.id, &license.to_file_json())
        .map_err(AppError::internal)?;
    let founding = crate::vault::collections::founding_collection(
        org.id,
        upload.collection_name.as_deref(),
        now,
    );
    if let Err(err) = app
        .store
        .create_organization(&org, &owner, None, founding.as_ref())
        .await
    {
        // The row was refused, so the file goes too. Should removing it fail as well, a file no
        // organization reads stays behind; the refusal is what the caller must hear.
        let _ = app.license_files.remove(org.id);
        return Err(err.into());
    }
    tracing::info!(organization = %org.id, cloud_organization = %license.id, "organization created from its license");
    Ok(org)
}

/// L3 `POST /api/organizations/licenses/self-hosted/{org_id}` and the page's *Manual upload*:
/// replaces the license (even while the current one is invalid or expired), after checking the
/// organization fits it.
pub async fn replace(
    app: &App,
    access: &OrgAccess,
    mut upload: LicenseUpload,
) -> Result<OrganizationRecord, AppError> {
    let bytes = license_bytes(&mut upload)?;
    let verified = self_hosted_license::check(app, &bytes)?;
    apply(app, access.org.id, verified.license()).await
}

/// Checks that the organization fits the license, writes the file and copies the terms
/// (reference §5.5 steps 1, 5–7). Shared with *Sync license*.
pub(crate) async fn apply(
    app: &App,
    org_id: OrganizationId,
    license: &OrganizationLicense,
) -> Result<OrganizationRecord, AppError> {
    let terms = self_hosted_license::terms(license);
    if let Some(license_key) = &terms.license_key
        && app
            .store
            .license_key_in_use(license_key, Some(org_id))
            .await?
    {
        return Err(AppError::BadRequest(IN_USE.into()));
    }
    // The reference's fit checks, for what this server tracks (no policies, SSO or SCIM yet).
    let groups = app.store.groups_of_organization(org_id).await?.len();
    let groups = i64::try_from(groups).unwrap_or(i64::MAX);
    let usage = license::OrganizationUsage {
        occupied_seats: app.store.occupied_seats(org_id).await?,
        collections: app.store.collection_count(org_id).await?,
        uses_groups: groups > 0,
        groups,
        ..license::OrganizationUsage::default()
    };
    license::fits(license, &usage).map_err(AppError::BadRequest)?;
    app.license_files
        .write(org_id, &license.to_file_json())
        .map_err(AppError::internal)?;
    app.store
        .apply_license_terms(org_id, &terms, app.clock.now_millis())
        .await?;
    app.store
        .organization(org_id)
        .await?
        .ok_or(AppError::NotFound)
}
