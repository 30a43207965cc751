//! Licensing on the cloud: organizations' license keys and the organization↔installation links
//! made by license downloads (reference §1.4, §5.1 L5).

use kinwarden_core::ids::{InstallationId, OrganizationId};

use crate::{Store, StoreError, on_pool};

impl Store {
    /// The organization's license key, storing `candidate` first if it has none yet (rows made
    /// before licensing existed). Two concurrent callers agree: only the first write sticks.
    pub async fn ensure_license_key(
        &self,
        organization_id: OrganizationId,
        candidate: &str,
        now_ms: i64,
    ) -> Result<Option<String>, StoreError> {
        let key = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE organizations SET license_key = $2, updated_at = $3 \
                 WHERE id = $1 AND license_key IS NULL",
            )
            .bind(organization_id.to_string())
            .bind(candidate)
            .bind(now_ms)
            .execute(pool)
            .await?;
            sqlx::query_scalar::<_, Option<String>>("SELECT license_key FROM organizations WHERE id = $1")
                .bind(organization_id.to_string())
                .fetch_optional(pool)
                .await?
                .flatten()
        });
        Ok(key)
    }

    /// Records that a license of the organization was made for the installation: a new link,
    /// or a touched revision date when the link is already the organization's; a link of
    /// another organization stays as it is.
    pub async fn link_organization_installation(
        &self,
        link_id: &str,
        organization_id: OrganizationId,
        installation_id: InstallationId,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO organization_installations \
                 (id, organization_id, installation_id, created_at, revision_date) \
                 VALUES ($1, $2, $3, $4, $4) \
                 ON CONFLICT (installation_id) DO UPDATE SET revision_date = excluded.revision_date \
                 WHERE organization_installations.organization_id = excluded.organization_id",
            )
            .bind(link_id)
            .bind(organization_id.to_string())
            .bind(installation_id.to_string())
            .bind(now_ms)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The organization an installation is linked to, if any.
    pub async fn installation_organization(
        &self,
        installation_id: InstallationId,
    ) -> Result<Option<(String, i64)>, StoreError> {
        let row = on_pool!(self, pool => {
            sqlx::query_as::<_, (String, i64)>(
                "SELECT organization_id, revision_date FROM organization_installations WHERE installation_id = $1",
            )
            .bind(installation_id.to_string())
            .fetch_optional(pool)
            .await?
        });
        Ok(row)
    }
}
