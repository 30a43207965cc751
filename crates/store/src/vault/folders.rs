//! A user's folders. Every change moves the user's account revision date in the same
//! transaction, so `bw sync` fetches it.

use kinwarden_core::ids::{FolderId, UserId};

use super::{bump_users, ids_json, in_json};
use crate::{Store, StoreError, on_pool};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FolderRecord {
    #[sqlx(try_from = "String")]
    pub id: FolderId,
    #[sqlx(try_from = "String")]
    pub user_id: UserId,
    /// Encrypted.
    pub name: String,
    pub created_at: i64,
    pub revision_date: i64,
}

const COLUMNS: &str = "id, user_id, name, created_at, revision_date";

impl Store {
    /// The user's folders, oldest first.
    pub async fn folders_of(&self, user: UserId) -> Result<Vec<FolderRecord>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM folders WHERE user_id = $1 ORDER BY created_at, id");
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, FolderRecord>(&sql)
                .bind(user.to_string())
                .fetch_all(pool)
                .await?
        });
        Ok(rows)
    }

    /// The user's folder `id`; another user's is none.
    pub async fn folder_of(
        &self,
        user: UserId,
        id: FolderId,
    ) -> Result<Option<FolderRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM folders WHERE id = $1 AND user_id = $2");
        let row = on_pool!(self, pool => {
            sqlx::query_as::<_, FolderRecord>(&sql)
                .bind(id.to_string())
                .bind(user.to_string())
                .fetch_optional(pool)
                .await?
        });
        Ok(row)
    }

    /// Creates the folder, or renames it when it exists and is the same user's (another user's
    /// folder of that id is left alone: `false`).
    pub async fn save_folder(&self, folder: &FolderRecord) -> Result<bool, StoreError> {
        let sql = format!(
            "INSERT INTO folders ({COLUMNS}) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
             revision_date = excluded.revision_date WHERE folders.user_id = excluded.user_id"
        );
        let saved = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let saved = sqlx::query(&sql)
                .bind(folder.id.to_string())
                .bind(folder.user_id.to_string())
                .bind(&folder.name)
                .bind(folder.created_at)
                .bind(folder.revision_date)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if saved {
                bump_users!(&mut *tx, &[folder.user_id], folder.revision_date);
                tx.commit().await?;
            }
            saved
        });
        Ok(saved)
    }

    /// Deletes the user's folders among `ids`; their items fall back to no folder. Answers how
    /// many were deleted.
    pub async fn delete_folders(
        &self,
        user: UserId,
        ids: &[FolderId],
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        let ids = ids_json(ids);
        let sql = format!(
            "DELETE FROM folders WHERE user_id = $1 AND {}",
            in_json(self.backend(), "id", 2)
        );
        let deleted = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let deleted = sqlx::query(&sql)
                .bind(user.to_string())
                .bind(&ids)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if deleted > 0 {
                bump_users!(&mut *tx, &[user], now_ms);
                tx.commit().await?;
            }
            deleted
        });
        Ok(deleted)
    }
}
