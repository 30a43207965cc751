//! Organization API keys as the handlers and the sync endpoints use them: made with the
//! system RNG, sealed with the data key before they reach the store, opened to be shown to an
//! owner again or compared with what a self-hosted server presents (reference §4.12, §4.13).

use kinwarden_core::api_keys::{API_KEY_LEN, ApiKeyType, seal_context};
use kinwarden_core::data_key::{DataKey, DataKeyError};
use kinwarden_core::secrets::{RandomError, constant_time_eq, random_alphanumeric};
use kinwarden_store::{OrganizationApiKeyRecord, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ApiKeyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Random(#[from] RandomError),
    #[error("organization API key: {0}")]
    Sealing(#[from] DataKeyError),
}

/// A key in clear, for the owner's eyes, with its revision date.
pub struct OpenedApiKey {
    pub api_key: String,
    pub revision_date: i64,
}

fn sealed_new_key(
    data_key: &DataKey,
    organization_id: &str,
    key_type: ApiKeyType,
    now_ms: i64,
) -> Result<OrganizationApiKeyRecord, ApiKeyError> {
    let key = random_alphanumeric(API_KEY_LEN)?;
    Ok(OrganizationApiKeyRecord {
        id: uuid::Uuid::new_v4().to_string(),
        organization_id: organization_id.to_string(),
        key_type: key_type.code(),
        api_key_encrypted: data_key.seal(&key, &seal_context(organization_id, key_type))?,
        revision_date: now_ms,
    })
}

fn opened(
    data_key: &DataKey,
    record: &OrganizationApiKeyRecord,
    key_type: ApiKeyType,
) -> Result<OpenedApiKey, ApiKeyError> {
    let context = seal_context(&record.organization_id, key_type);
    Ok(OpenedApiKey {
        api_key: data_key.open(&record.api_key_encrypted, &context)?,
        revision_date: record.revision_date,
    })
}

/// The organization's key of that type, made now if there is none.
pub async fn get_or_create(
    store: &Store,
    data_key: &DataKey,
    organization_id: &str,
    key_type: ApiKeyType,
    now_ms: i64,
) -> Result<OpenedApiKey, ApiKeyError> {
    let existing = store
        .organization_api_keys(organization_id, Some(key_type.code()))
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
pub async fn rotate(
    store: &Store,
    data_key: &DataKey,
    organization_id: &str,
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
    organization_id: &str,
    key: &str,
) -> Result<bool, ApiKeyError> {
    if key.trim().is_empty() {
        return Ok(false);
    }
    let stored = store
        .organization_api_keys(organization_id, Some(ApiKeyType::BillingSync.code()))
        .await?;
    let Some(record) = stored.into_iter().next() else {
        return Ok(false);
    };
    let expected = opened(data_key, &record, ApiKeyType::BillingSync)?;
    Ok(constant_time_eq(&expected.api_key, key))
}
