//! Items ("ciphers") and what each is to a user (folder, favourite, archive date). The personal
//! writes here are scoped to the owner in their SQL, so a caller that got an id wrong changes
//! nothing of anybody else's.

use std::collections::HashMap;

use kinwarden_core::ids::{AttachmentId, CipherId, FolderId, OrganizationId, UserId};

use super::{bump_users, ids_json, in_json};
use crate::column::NullableText;
use crate::{Store, StoreError, on_pool};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CipherRecord {
    #[sqlx(try_from = "String")]
    pub id: CipherId,
    /// Set for a personal item only.
    #[sqlx(try_from = "NullableText")]
    pub user_id: Option<UserId>,
    /// Set for an organization's item only.
    #[sqlx(try_from = "NullableText")]
    pub organization_id: Option<OrganizationId>,
    /// `CipherType`'s code.
    #[sqlx(rename = "type")]
    pub cipher_type: i32,
    /// The item's document (PascalCase JSON, or the client's whole encrypted blob).
    pub data: String,
    pub reprompt: Option<i32>,
    pub key: Option<String>,
    pub created_at: i64,
    pub revision_date: i64,
    /// In the trash since.
    pub deleted_at: Option<i64>,
}

/// What an item is to one user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CipherMarks {
    pub folder_id: Option<FolderId>,
    pub favorite: bool,
    pub archived_at: Option<i64>,
}

impl CipherMarks {
    pub(super) fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttachmentRecord {
    #[sqlx(try_from = "String")]
    pub id: AttachmentId,
    #[sqlx(try_from = "String")]
    pub cipher_id: CipherId,
    /// Encrypted.
    pub file_name: String,
    /// The file's key, encrypted.
    pub key: Option<String>,
    pub size: i64,
    /// Whether the upload has arrived whole.
    pub validated: bool,
    pub created_at: i64,
}

/// An item as one user sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCipher {
    pub cipher: CipherRecord,
    pub marks: CipherMarks,
    pub attachments: Vec<AttachmentRecord>,
}

#[derive(sqlx::FromRow)]
pub(super) struct CipherRow {
    #[sqlx(flatten)]
    cipher: CipherRecord,
    #[sqlx(try_from = "NullableText")]
    folder_id: Option<FolderId>,
    favorite: Option<bool>,
    archived_at: Option<i64>,
}

pub(super) const COLUMNS: &str = "c.id, c.user_id, c.organization_id, c.type, c.data, c.reprompt, c.key, \
    c.created_at, c.revision_date, c.deleted_at, m.folder_id, m.favorite, m.archived_at";
pub(super) const ATTACHMENT_COLUMNS: &str = "a.id, a.cipher_id, a.file_name, a.key, a.size, a.validated, \
    a.created_at";

/// Writes a user's marks on an item inside the caller's transaction; no marks, no row.
macro_rules! write_marks {
    ($executor:expr, $user:expr, $cipher:expr, $marks:expr) => {
        if $marks.is_empty() {
            sqlx::query("DELETE FROM cipher_marks WHERE user_id = $1 AND cipher_id = $2")
                .bind($user.to_string())
                .bind($cipher.to_string())
                .execute($executor)
                .await?;
        } else {
            sqlx::query(
                "INSERT INTO cipher_marks (user_id, cipher_id, folder_id, favorite, archived_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, cipher_id) DO UPDATE SET \
                 folder_id = excluded.folder_id, favorite = excluded.favorite, \
                 archived_at = excluded.archived_at",
            )
            .bind($user.to_string())
            .bind($cipher.to_string())
            .bind($marks.folder_id.map(|id| id.to_string()))
            .bind($marks.favorite)
            .bind($marks.archived_at)
            .execute($executor)
            .await?;
        }
    };
}

pub(super) use write_marks;

impl Store {
    /// The user's personal items, the trash included, oldest first, with their attachments.
    pub async fn personal_ciphers(&self, user: UserId) -> Result<Vec<UserCipher>, StoreError> {
        // The sync's two reads (`sync_pages`), for every id at once.
        let ids = self.personal_cipher_ids(user).await?;
        self.personal_ciphers_among(user, &ids).await
    }

    /// The user's personal item `id`; another user's is none.
    pub async fn personal_cipher(
        &self,
        user: UserId,
        id: CipherId,
    ) -> Result<Option<UserCipher>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM ciphers c \
             LEFT JOIN cipher_marks m ON m.cipher_id = c.id AND m.user_id = $1 \
             WHERE c.id = $2 AND c.user_id = $1"
        );
        let attachments_sql = format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments a WHERE a.cipher_id = $1 \
             ORDER BY a.created_at, a.id"
        );
        let (row, attachments) = on_pool!(self, pool => {
            let row = sqlx::query_as::<_, CipherRow>(&sql)
                .bind(user.to_string())
                .bind(id.to_string())
                .fetch_optional(pool)
                .await?;
            let attachments = match row {
                Some(_) => sqlx::query_as::<_, AttachmentRecord>(&attachments_sql)
                    .bind(id.to_string())
                    .fetch_all(pool)
                    .await?,
                None => Vec::new(),
            };
            (row, attachments)
        });
        Ok(row.map(|row| with_attachments(vec![row], attachments).remove(0)))
    }

    /// Creates a personal item of `user` with the user's marks, or replaces its content when it
    /// exists and is the user's (an item of that id that is not the user's is left alone:
    /// `false`). The user's revision date moves with it.
    pub async fn save_personal_cipher(
        &self,
        user: UserId,
        cipher: &CipherRecord,
        marks: &CipherMarks,
    ) -> Result<bool, StoreError> {
        let saved = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let saved = sqlx::query(
                "INSERT INTO ciphers (id, user_id, organization_id, type, data, reprompt, key, \
                 created_at, revision_date, deleted_at) \
                 VALUES ($1, $2, NULL, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (id) DO UPDATE SET data = excluded.data, \
                 reprompt = excluded.reprompt, key = excluded.key, \
                 revision_date = excluded.revision_date \
                 WHERE ciphers.user_id = excluded.user_id",
            )
            .bind(cipher.id.to_string())
            .bind(user.to_string())
            .bind(cipher.cipher_type)
            .bind(&cipher.data)
            .bind(cipher.reprompt)
            .bind(&cipher.key)
            .bind(cipher.created_at)
            .bind(cipher.revision_date)
            .bind(cipher.deleted_at)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if saved {
                write_marks!(&mut *tx, user, cipher.id, marks);
                bump_users!(&mut *tx, &[user], cipher.revision_date);
                tx.commit().await?;
            }
            saved
        });
        Ok(saved)
    }

    /// Sets what a personal item is to its owner (folder, favourite), leaving its content and
    /// revision date as they are. `false` when it is not the user's.
    pub async fn set_personal_marks(
        &self,
        user: UserId,
        id: CipherId,
        marks: &CipherMarks,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // A write first: on SQLite it takes the write lock before anything is read, so no
            // other writer can commit in between (a read first could not be turned into a write
            // then, and the transaction would fail at once).
            bump_users!(&mut *tx, &[user], now_ms);
            let owned: Option<String> =
                sqlx::query_scalar("SELECT id FROM ciphers WHERE id = $1 AND user_id = $2")
                    .bind(id.to_string())
                    .bind(user.to_string())
                    .fetch_optional(&mut *tx)
                    .await?;
            if owned.is_some() {
                write_marks!(&mut *tx, user, id, marks);
                tx.commit().await?;
            }
            owned.is_some()
        });
        Ok(done)
    }

    /// Moves the user's personal items among `ids` into `folder` (none: out of any folder).
    /// Answers how many moved.
    pub async fn move_personal_ciphers(
        &self,
        user: UserId,
        ids: &[CipherId],
        folder: Option<FolderId>,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        let sql = format!(
            "INSERT INTO cipher_marks (user_id, cipher_id, folder_id, favorite, archived_at) \
             SELECT $1, c.id, $3, FALSE, NULL FROM ciphers c WHERE c.user_id = $1 AND {} \
             ON CONFLICT (user_id, cipher_id) DO UPDATE SET folder_id = excluded.folder_id",
            in_json(self.backend(), "c.id", 2)
        );
        let ids = ids_json(ids);
        let moved = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let moved = sqlx::query(&sql)
                .bind(user.to_string())
                .bind(&ids)
                .bind(folder.map(|id| id.to_string()))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            bump_users!(&mut *tx, &[user], now_ms);
            tx.commit().await?;
            moved
        });
        Ok(moved)
    }

    /// Archives the user's personal items among `ids` (`archive`), or takes them out of the
    /// archive; the items' and the user's revision dates move. Answers how many changed.
    pub async fn archive_personal_ciphers(
        &self,
        user: UserId,
        ids: &[CipherId],
        archive: bool,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        let chosen = in_json(self.backend(), "c.id", 2);
        let marks_sql = format!(
            "INSERT INTO cipher_marks (user_id, cipher_id, folder_id, favorite, archived_at) \
             SELECT $1, c.id, NULL, FALSE, $3 FROM ciphers c WHERE c.user_id = $1 AND {chosen} \
             ON CONFLICT (user_id, cipher_id) DO UPDATE SET archived_at = excluded.archived_at"
        );
        let touch_sql = format!(
            "UPDATE ciphers SET revision_date = $3 WHERE user_id = $1 AND {}",
            in_json(self.backend(), "id", 2)
        );
        let ids = ids_json(ids);
        let changed = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(&marks_sql)
                .bind(user.to_string())
                .bind(&ids)
                .bind(archive.then_some(now_ms))
                .execute(&mut *tx)
                .await?;
            let changed = sqlx::query(&touch_sql)
                .bind(user.to_string())
                .bind(&ids)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            bump_users!(&mut *tx, &[user], now_ms);
            tx.commit().await?;
            changed
        });
        Ok(changed)
    }

    /// Moves the user's personal items among `ids` to the trash (`trash`) or back out of it.
    /// Items already where they are asked to go are left as they are. Answers how many moved.
    pub async fn trash_personal_ciphers(
        &self,
        user: UserId,
        ids: &[CipherId],
        trash: bool,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        let sql = format!(
            "UPDATE ciphers SET deleted_at = $3, revision_date = $4 \
             WHERE user_id = $1 AND {} AND (deleted_at IS NULL) = $5",
            in_json(self.backend(), "id", 2)
        );
        let ids = ids_json(ids);
        let moved = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let moved = sqlx::query(&sql)
                .bind(user.to_string())
                .bind(&ids)
                .bind(trash.then_some(now_ms))
                .bind(now_ms)
                .bind(trash)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            bump_users!(&mut *tx, &[user], now_ms);
            tx.commit().await?;
            moved
        });
        Ok(moved)
    }

    /// Deletes the user's personal items among `ids` for good, with their attachments'
    /// records; answers those records, whose files the caller then removes.
    pub async fn delete_personal_ciphers(
        &self,
        user: UserId,
        ids: &[CipherId],
        now_ms: i64,
    ) -> Result<Vec<AttachmentRecord>, StoreError> {
        let chosen = in_json(self.backend(), "c.id", 2);
        let attachments_sql = format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments a JOIN ciphers c ON c.id = a.cipher_id \
             WHERE c.user_id = $1 AND {chosen}"
        );
        let delete_sql = format!(
            "DELETE FROM ciphers WHERE user_id = $1 AND {}",
            in_json(self.backend(), "id", 2)
        );
        let ids = ids_json(ids);
        let attachments = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // The write first, for SQLite's lock (see `set_personal_marks`).
            bump_users!(&mut *tx, &[user], now_ms);
            let attachments = sqlx::query_as::<_, AttachmentRecord>(&attachments_sql)
                .bind(user.to_string())
                .bind(&ids)
                .fetch_all(&mut *tx)
                .await?;
            sqlx::query(&delete_sql)
                .bind(user.to_string())
                .bind(&ids)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            attachments
        });
        Ok(attachments)
    }

    /// Deletes every personal item and folder of the user (a vault purge); answers the
    /// attachments' records, whose files the caller then removes.
    pub async fn purge_personal_vault(
        &self,
        user: UserId,
        now_ms: i64,
    ) -> Result<Vec<AttachmentRecord>, StoreError> {
        let attachments_sql = format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments a JOIN ciphers c ON c.id = a.cipher_id \
             WHERE c.user_id = $1"
        );
        let attachments = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // The write first, for SQLite's lock (see `set_personal_marks`).
            bump_users!(&mut *tx, &[user], now_ms);
            let attachments = sqlx::query_as::<_, AttachmentRecord>(&attachments_sql)
                .bind(user.to_string())
                .fetch_all(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM ciphers WHERE user_id = $1")
                .bind(user.to_string())
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM folders WHERE user_id = $1")
                .bind(user.to_string())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            attachments
        });
        Ok(attachments)
    }
}

pub(super) fn with_attachments(
    rows: Vec<CipherRow>,
    attachments: Vec<AttachmentRecord>,
) -> Vec<UserCipher> {
    let mut by_cipher: HashMap<CipherId, Vec<AttachmentRecord>> = HashMap::new();
    for attachment in attachments {
        by_cipher
            .entry(attachment.cipher_id)
            .or_default()
            .push(attachment);
    }
    rows.into_iter()
        .map(|row| UserCipher {
            attachments: by_cipher.remove(&row.cipher.id).unwrap_or_default(),
            marks: CipherMarks {
                folder_id: row.folder_id,
                favorite: row.favorite.unwrap_or(false),
                archived_at: row.archived_at,
            },
            cipher: row.cipher,
        })
        .collect()
}
