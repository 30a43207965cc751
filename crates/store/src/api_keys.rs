//! Organization API keys (reference §1.3): one per (organization, type). The store holds only
//! the sealed key; sealing and opening belong to the caller, which holds the data key.

use kinwarden_core::api_keys::ApiKeyType;
use kinwarden_core::ids::{OrganizationApiKeyId, OrganizationId};

use crate::{Store, StoreError, on_pool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrganizationApiKeyRecord {
    #[sqlx(try_from = "String")]
    pub id: OrganizationApiKeyId,
    #[sqlx(try_from = "String")]
    pub organization_id: OrganizationId,
    #[sqlx(rename = "type", try_from = "i32")]
    pub key_type: ApiKeyType,
    /// AES-256-GCM ciphertext, never the key.
    pub api_key_encrypted: String,
    pub revision_date: i64,
}

impl Store {
    /// The keys of an organization, of one type or of all types.
    pub async fn organization_api_keys(
        &self,
        organization_id: OrganizationId,
        key_type: Option<ApiKeyType>,
    ) -> Result<Vec<OrganizationApiKeyRecord>, StoreError> {
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, OrganizationApiKeyRecord>(
                "SELECT id, organization_id, type, api_key_encrypted, revision_date \
                 FROM organization_api_keys WHERE organization_id = $1 AND ($2 IS NULL OR type = $2) \
                 ORDER BY type",
            )
            .bind(organization_id.to_string())
            .bind(key_type.map(ApiKeyType::code))
            .fetch_all(pool)
            .await?
        });
        Ok(rows)
    }

    /// Adds the key unless one of its type exists; either way answers the stored one, so two
    /// requests racing to create a key agree on one.
    pub async fn get_or_create_organization_api_key(
        &self,
        key: &OrganizationApiKeyRecord,
    ) -> Result<OrganizationApiKeyRecord, StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO organization_api_keys (id, organization_id, type, api_key_encrypted, revision_date) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organization_id, type) DO NOTHING",
            )
            .bind(key.id.to_string())
            .bind(key.organization_id.to_string())
            .bind(key.key_type.code())
            .bind(&key.api_key_encrypted)
            .bind(key.revision_date)
            .execute(pool)
            .await?;
        });
        self.organization_api_keys(key.organization_id, Some(key.key_type))
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::Conflict)
    }

    /// Replaces the key of that type (keeping the row id) or adds it: the old key stops
    /// working with this statement.
    pub async fn rotate_organization_api_key(
        &self,
        key: &OrganizationApiKeyRecord,
    ) -> Result<OrganizationApiKeyRecord, StoreError> {
        let row = on_pool!(self, pool => {
            sqlx::query_as::<_, OrganizationApiKeyRecord>(
                "INSERT INTO organization_api_keys (id, organization_id, type, api_key_encrypted, revision_date) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organization_id, type) DO UPDATE \
                 SET api_key_encrypted = excluded.api_key_encrypted, revision_date = excluded.revision_date \
                 RETURNING id, organization_id, type, api_key_encrypted, revision_date",
            )
            .bind(key.id.to_string())
            .bind(key.organization_id.to_string())
            .bind(key.key_type.code())
            .bind(&key.api_key_encrypted)
            .bind(key.revision_date)
            .fetch_one(pool)
            .await?
        });
        Ok(row)
    }
}
