//! A self-hosted organization's license (reference §5.1 L4 and L3; SPEC §9 "license
//! (self-hosted)"): create the organization from a license file, or replace its license.

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use kinwarden_core::ids::OrganizationId;
use kinwarden_proto::organizations::OrganizationResponse;
use kinwarden_store::OrganizationRecord;

use crate::auth::CurrentUser;
use crate::deployment::self_hosted_only;
use crate::error::ApiError;
use crate::org_access::OrgOwner;
use crate::routes::organizations::{founding_owner, response};
use crate::state::AppState;
use kinwarden_app::licenses::self_hosted::{self as self_hosted_license, MAX_LICENSE_BYTES};

pub const ONLY_SELF_HOSTED: &str = "Only allowed when self hosted.";
const IN_USE: &str = "License is already in use by another organization vault.";

/// The parts of the upload form.
#[derive(Default)]
struct Upload {
    license: Option<Vec<u8>>,
    key: Option<String>,
    public_key: Option<String>,
    encrypted_private_key: Option<String>,
}

/// Reads the upload; a body that is no multipart form is a 400 in the envelope, not axum's
/// plain-text rejection.
async fn read_form(multipart: Result<Multipart, MultipartRejection>) -> Result<Upload, ApiError> {
    let mut multipart = multipart.map_err(|rejection| {
        ApiError::BadRequest(format!("Invalid form: {}", rejection.body_text()))
    })?;
    let bad = |err: axum::extract::multipart::MultipartError| {
        ApiError::BadRequest(format!("Invalid form: {err}"))
    };
    let mut upload = Upload::default();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_ascii_lowercase();
        match name.as_str() {
            "license" => {
                let bytes = field.bytes().await.map_err(bad)?;
                if bytes.len() > MAX_LICENSE_BYTES {
                    return Err(ApiError::BadRequest("Invalid license".into()));
                }
                upload.license = Some(bytes.to_vec());
            }
            "key" => upload.key = Some(field.text().await.map_err(bad)?),
            "keys[publickey]" | "keys.publickey" => {
                upload.public_key = Some(field.text().await.map_err(bad)?)
            }
            "keys[encryptedprivatekey]" | "keys.encryptedprivatekey" => {
                upload.encrypted_private_key = Some(field.text().await.map_err(bad)?);
            }
            // collectionName and anything else: Kinwarden keeps no collections.
            _ => {}
        }
    }
    Ok(upload)
}

/// `POST /api/organizations/licenses/self-hosted`: the caller becomes the confirmed owner of a
/// new organization whose terms come from the license.
#[utoipa::path(
    post,
    path = "/organizations/licenses/self-hosted",
    tag = "licenses",
    request_body(content = String, content_type = "multipart/form-data", description = "Parts `license` (the file), `key`, `collectionName`, `keys[publicKey]`, `keys[encryptedPrivateKey]`"),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = OrganizationResponse), crate::openapi::UserErrors)
)]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser { user }: CurrentUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<OrganizationResponse>, ApiError> {
    self_hosted_only(&state)?;
    let upload = read_form(multipart).await?;
    let bytes = upload
        .license
        .ok_or_else(|| ApiError::field("License", "The License field is required."))?;
    let key = upload
        .key
        .filter(|key| key.starts_with("4."))
        .ok_or_else(|| {
            ApiError::field(
                "Key",
                "The organization key wrapped for you (EncString type 4) is required.",
            )
        })?;
    let verified = self_hosted_license::check(&state, &bytes)?;
    let license = verified.license();
    let terms = self_hosted_license::terms(license);
    if let Some(license_key) = &terms.license_key
        && state.store.license_key_in_use(license_key, None).await?
    {
        return Err(ApiError::BadRequest(IN_USE.into()));
    }
    let now = state.clock.now_millis();
    let org = OrganizationRecord {
        id: OrganizationId::new().to_string(),
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
        revision_date: now,
        created_at: now,
        updated_at: now,
    };
    let owner = founding_owner(&org.id, &user.id, key, now);
    // The file first: an organization never exists without its license. Should the database
    // refuse, the file is taken back.
    state
        .license_files
        .write(&org.id, &license.to_file_json())
        .map_err(ApiError::internal)?;
    if let Err(err) = state.store.create_organization(&org, &owner, None).await {
        let _ = state.license_files.remove(&org.id);
        return Err(err.into());
    }
    tracing::info!(organization = %org.id, cloud_organization = %license.id, "organization created from its license");
    Ok(Json(response(&state, &org)))
}

/// `POST /api/organizations/licenses/self-hosted/{org_id}`: replaces the license (works even
/// while the current one is invalid or expired), after checking the organization fits it.
#[utoipa::path(
    post,
    path = "/organizations/licenses/self-hosted/{org_id}",
    tag = "licenses",
    params(("org_id" = String, Path, description = "The organization")),
    request_body(content = String, content_type = "multipart/form-data", description = "Part `license`: the new license file"),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = OrganizationResponse), crate::openapi::OrganizationErrors)
)]
pub async fn replace(
    State(state): State<AppState>,
    OrgOwner(access): OrgOwner,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<OrganizationResponse>, ApiError> {
    self_hosted_only(&state)?;
    let upload = read_form(multipart).await?;
    let bytes = upload
        .license
        .ok_or_else(|| ApiError::field("License", "The License field is required."))?;
    let verified = self_hosted_license::check(&state, &bytes)?;
    let org = apply(&state, &access.org.id, verified.license()).await?;
    Ok(Json(response(&state, &org)))
}

/// Checks that the organization fits the license, writes the file and copies the terms
/// (reference §5.5 steps 1, 5–7). Shared with *Sync license*.
pub async fn apply(
    state: &AppState,
    org_id: &str,
    license: &kinwarden_core::license::OrganizationLicense,
) -> Result<OrganizationRecord, ApiError> {
    let terms = self_hosted_license::terms(license);
    if let Some(license_key) = &terms.license_key
        && state
            .store
            .license_key_in_use(license_key, Some(org_id))
            .await?
    {
        return Err(ApiError::BadRequest(IN_USE.into()));
    }
    let occupied = state.store.occupied_seats(org_id).await?;
    if let Some(seats) = terms.seats
        && occupied > i64::from(seats)
    {
        return Err(ApiError::BadRequest(format!(
            "Your organization currently has {occupied} seats filled. Your new license only has ({seats}) seats. Remove some users."
        )));
    }
    state
        .license_files
        .write(org_id, &license.to_file_json())
        .map_err(ApiError::internal)?;
    state
        .store
        .apply_license_terms(org_id, &terms, state.clock.now_millis())
        .await?;
    state
        .store
        .organization(org_id)
        .await?
        .ok_or(ApiError::NotFound)
}
