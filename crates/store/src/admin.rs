//! The System Administrator Portal's single-use login links.

use crate::{Store, StoreError, on_pool};

impl Store {
    /// Marks a login link used; `false` when it had been used already.
    pub async fn use_admin_login_link(
        &self,
        link_id: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let inserted = on_pool!(self, pool => {
            sqlx::query("INSERT INTO admin_login_links_used (link_id, used_at) VALUES ($1, $2) ON CONFLICT (link_id) DO NOTHING")
                .bind(link_id)
                .bind(now_ms)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(inserted == 1)
    }
}
