//! Organization API keys (reference §4.12, §4.13): an owner's `POST …/api-key` (A1), `POST
//! …/rotate-api-key` (A2) and `GET …/api-key-information` (A3), and the check the sync endpoints
//! make. Keys are made with the system RNG, sealed with the data key before they reach the
//! store, and opened to be shown to an owner again or compared with what a self-hosted server
//! presents. The billing sync token (type 1) is what a self-hosted server presents to sync
//! sponsorships and licenses.
//!
//! Deviation from the reference: the secret is verified before anything is made, so a wrong
//! password creates no key.

use kinwarden_core::api_keys::{API_KEY_LEN, ApiKeyType, seal_context};
use kinwarden_core::data_key::{DataKey, DataKeyError};
use kinwarden_core::ids::{OrganizationApiKeyId, OrganizationId};
use kinwarden_core::plans::{ProductTier, tier_of};
use kinwarden_core::secrets::{RandomError, constant_time_eq, random_alphanumeric};
use kinwarden_proto::accounts::SecretVerificationRequest;
use kinwarden_proto::billing::OrganizationApiKeyRequest;
use kinwarden_store::{OrganizationApiKeyRecord, Store, StoreError};

use crate::accounts::secret_check::verify_secret;
use crate::organizations::access::OrgAccess;
use crate::records::UserRecord;
use crate::{App, AppError};

#[derive(Debug, thiserror::Error)]
pub enum ApiKeyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Random(#[from] RandomError),
    #[error("organization API key: {0}")]
    Sealing(#[from] DataKeyError),
}

impl From<ApiKeyError> for AppError {
    fn from(err: ApiKeyError) -> Self {
        Self::internal(err)
    }
}

/// A key in clear, for the owner's eyes, with its revision date.
pub struct OpenedApiKey {
    pub api_key: String,
    pub revision_date: i64,
}

fn sealed_new_key(
    data_key: &DataKey,
    organization_id: OrganizationId,
    key_type: ApiKeyType,
    now_ms: i64,
) -> Result<OrganizationApiKeyRecord, ApiKeyError> {
    let key = random_alphanumeric(API_KEY_LEN)?;
    Ok(OrganizationApiKeyRecord {
        id: OrganizationApiKeyId::new(),
        organization_id,
        key_type,
        api_key_encrypted: data_key.seal(&key, &seal_context(organization_id, key_type))?,
        revision_date: now_ms,
    })
}

fn opened(
    data_key: &DataKey,
    record: &OrganizationApiKeyRecord,
    key_type: ApiKeyType,
) -> Result<OpenedApiKey, ApiKeyError> {
    let context = seal_context(record.organization_id, key_type);
    Ok(OpenedApiKey {
        api_key: data_key.open(&record.api_key_encrypted, &context)?,
        revision_date: record.revision_date,
    })
}

/// The organization's key of that type, made now if there is none.
async fn get_or_create_sealed(
    store: &Store,
    data_key: &DataKey,
    organization_id: OrganizationId,
    key_type: ApiKeyType,
    now_ms: i64,
) -> Result<OpenedApiKey, ApiKeyError> {
    let existing = store
        .organization_api_keys(organization_id, Some(key_type))
        .await?;
    let record = match existing.into_iter().next() {
        Some(record) => record,
        None => {
            let new = sealed_new_key(data_key, organization_id, key_type, now_ms)?;
            store.get_or_create_organization_api_key(&new).await?
        }
    };
    opened(data_key, &record, key_type)
}

/// A new key of that type in place of the old one, which stops working at once.
async fn rotate_sealed(
    store: &Store,
    data_key: &DataKey,
    organization_id: OrganizationId,
    key_type: ApiKeyType,
    now_ms: i64,
) -> Result<OpenedApiKey, ApiKeyError> {
    let new = sealed_new_key(data_key, organization_id, key_type, now_ms)?;
    let record = store.rotate_organization_api_key(&new).await?;
    opened(data_key, &record, key_type)
}

/// Whether `key` is the organization's billing sync token (reference §4.13). Unlike the
/// reference, an organization without a token is a plain `false` (not a crash), and the
/// comparison is constant-time.
pub async fn validate_billing_sync_key(
    store: &Store,
    data_key: &DataKey,
    organization_id: OrganizationId,
    key: &str,
) -> Result<bool, ApiKeyError> {
    if key.trim().is_empty() {
        return Ok(false);
    }
    let stored = store
        .organization_api_keys(organization_id, Some(ApiKeyType::BillingSync))
        .await?;
    let Some(record) = stored.into_iter().next() else {
        return Ok(false);
    };
    let expected = opened(data_key, &record, ApiKeyType::BillingSync)?;
    Ok(constant_time_eq(&expected.api_key, key))
}

/// The key types an owner may hold here. SCIM is not offered, so its keys are not found.
fn owner_key_type(code: i32) -> Result<ApiKeyType, AppError> {
    match ApiKeyType::from_code(code) {
        Some(ApiKeyType::Scim) => Err(AppError::NotFound),
        Some(key_type) => Ok(key_type),
        None => Err(AppError::field("Type", "Invalid API key type.")),
    }
}

fn secret(request: &OrganizationApiKeyRequest) -> SecretVerificationRequest {
    SecretVerificationRequest {
        master_password_hash: request.master_password_hash.clone(),
        otp: request.otp.clone(),
    }
}

/// A1: the owner's key of the requested type, made on first use, after their secret is proved.
pub async fn get_or_create(
    app: &App,
    owner: &UserRecord,
    access: &OrgAccess,
    request: &OrganizationApiKeyRequest,
) -> Result<OpenedApiKey, AppError> {
    let key_type = owner_key_type(request.key_type)?;
    // Billing sync is for organizations that can self-host a business plan.
    if key_type == ApiKeyType::BillingSync
        && !matches!(
            tier_of(access.org.plan_type),
            Some(ProductTier::Enterprise | ProductTier::Teams)
        )
    {
        return Err(AppError::NotFound);
    }
    verify_secret(app, owner, &secret(request)).await?;
    Ok(get_or_create_sealed(
        &app.store,
        &app.data_key,
        access.org.id,
        key_type,
        app.clock.now_millis(),
    )
    .await?)
}

/// A2: a new key of the requested type, after the owner's secret is proved; the old one stops
/// working at once.
pub async fn rotate(
    app: &App,
    owner: &UserRecord,
    access: &OrgAccess,
    request: &OrganizationApiKeyRequest,
) -> Result<OpenedApiKey, AppError> {
    let key_type = owner_key_type(request.key_type)?;
    verify_secret(app, owner, &secret(request)).await?;
    let key = rotate_sealed(
        &app.store,
        &app.data_key,
        access.org.id,
        key_type,
        app.clock.now_millis(),
    )
    .await?;
    tracing::info!(organization = %access.org.id, key_type = key_type.code(), "organization API key rotated");
    Ok(key)
}

/// A3: the organization's keys (of one type when `key_type` is given) with their type and
/// revision date; the caller shows neither key.
pub async fn information(
    app: &App,
    organization_id: OrganizationId,
    key_type: Option<i32>,
) -> Result<Vec<OrganizationApiKeyRecord>, AppError> {
    let key_type = key_type.map(owner_key_type).transpose()?;
    Ok(app
        .store
        .organization_api_keys(organization_id, key_type)
        .await?)
}

/// Whether the organization holds a billing sync token (the cloud's billing page offers *View
/// token* then, *Generate token* otherwise).
pub async fn has_billing_sync_token(
    app: &App,
    organization_id: OrganizationId,
) -> Result<bool, AppError> {
    Ok(!app
        .store
        .organization_api_keys(organization_id, Some(ApiKeyType::BillingSync))
        .await?
        .is_empty())
}
