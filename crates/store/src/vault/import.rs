//! A personal import (`POST /ciphers/import`): new folders, items and the user's marks on them,
//! written in one transaction with one statement per table (the rows travel as one JSON array,
//! as a sync batch's do), so 5,000 items cost three statements, not 10,000 round trips.

use kinwarden_core::ids::{CollectionId, OrganizationId, OrganizationUserId, UserId};
use kinwarden_core::vault::collections::Access;
use serde_json::{Value, json};

use super::ciphers::write_marks;
use super::{
    CipherMarks, CipherRecord, CollectionRecord, FolderRecord, bump_organization, bump_users,
    insert_collection, upsert_collection_user,
};
use crate::{Backend, Store, StoreError, on_pool};

struct ImportSql {
    folders: &'static str,
    ciphers: &'static str,
    marks: &'static str,
}

const SQLITE: ImportSql = ImportSql {
    folders: "INSERT INTO folders (id, user_id, name, created_at, revision_date) \
        SELECT value ->> 'id', $2, value ->> 'name', $3, $3 FROM json_each($1)",
    ciphers: "INSERT INTO ciphers (id, user_id, organization_id, type, data, reprompt, key, \
        created_at, revision_date, deleted_at) \
        SELECT value ->> 'id', $2, NULL, value ->> 'type', value ->> 'data', value ->> 'reprompt', \
        value ->> 'key', $3, $3, NULL FROM json_each($1)",
    marks: "INSERT INTO cipher_marks (user_id, cipher_id, folder_id, favorite, archived_at) \
        SELECT $2, value ->> 'cipher_id', value ->> 'folder_id', value ->> 'favorite', \
        value ->> 'archived_at' FROM json_each($1)",
};

const POSTGRES: ImportSql = ImportSql {
    folders: "INSERT INTO folders (id, user_id, name, created_at, revision_date) \
        SELECT f.id, $2, f.name, $3, $3 FROM jsonb_to_recordset($1::jsonb) AS f(id text, name text)",
    ciphers: "INSERT INTO ciphers (id, user_id, organization_id, type, data, reprompt, key, \
        created_at, revision_date, deleted_at) \
        SELECT c.id, $2, NULL, c.type, c.data, c.reprompt, c.key, $3, $3, NULL \
        FROM jsonb_to_recordset($1::jsonb) AS c(id text, type integer, data text, reprompt integer, \
        key text)",
    marks: "INSERT INTO cipher_marks (user_id, cipher_id, folder_id, favorite, archived_at) \
        SELECT $2, m.cipher_id, m.folder_id, m.favorite, m.archived_at \
        FROM jsonb_to_recordset($1::jsonb) AS m(cipher_id text, folder_id text, favorite boolean, \
        archived_at bigint)",
};

impl Store {
    /// Writes an import of `user` at `now_ms`: `folders` are new folders (reused ones are not
    /// passed), each item with the user's marks (only those with marks get a row). All or
    /// nothing; the user's revision date moves with it.
    pub async fn import_personal(
        &self,
        user: UserId,
        folders: &[FolderRecord],
        items: &[(CipherRecord, CipherMarks)],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let sql = match self.backend() {
            Backend::Sqlite => &SQLITE,
            Backend::Postgres => &POSTGRES,
        };
        let folders = Value::Array(
            folders
                .iter()
                .map(|folder| json!({"id": folder.id.to_string(), "name": folder.name}))
                .collect(),
        )
        .to_string();
        let ciphers = Value::Array(
            items
                .iter()
                .map(|(cipher, _)| {
                    json!({"id": cipher.id.to_string(), "type": cipher.cipher_type,
                        "data": cipher.data, "reprompt": cipher.reprompt, "key": cipher.key})
                })
                .collect(),
        )
        .to_string();
        let marks = Value::Array(
            items
                .iter()
                .filter(|(_, marks)| *marks != CipherMarks::default())
                .map(|(cipher, marks)| {
                    json!({"cipher_id": cipher.id.to_string(),
                        "folder_id": marks.folder_id.map(|id| id.to_string()),
                        "favorite": marks.favorite, "archived_at": marks.archived_at})
                })
                .collect(),
        )
        .to_string();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for (statement, rows) in [
                (sql.folders, &folders),
                (sql.ciphers, &ciphers),
                (sql.marks, &marks),
            ] {
                sqlx::query(statement)
                    .bind(rows)
                    .bind(user.to_string())
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await?;
            }
            bump_users!(&mut *tx, &[user], now_ms);
            tx.commit().await?;
        });
        Ok(())
    }
}

impl Store {
    /// Writes an organization import by `user` (member `member`) at `now_ms`: new folders of the
    /// user, new collections managed by the importer, the organization's items in their
    /// collections with the user's marks. All or nothing; every confirmed member's revision
    /// date moves.
    #[allow(clippy::too_many_arguments)]
    pub async fn import_organization(
        &self,
        user: UserId,
        org: OrganizationId,
        member: OrganizationUserId,
        folders: &[FolderRecord],
        collections: &[CollectionRecord],
        items: &[(CipherRecord, CipherMarks, Vec<CollectionId>)],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            bump_organization!(&mut *tx, org, now_ms);
            bump_users!(&mut *tx, &[user], now_ms);
            for folder in folders {
                sqlx::query(
                    "INSERT INTO folders (id, user_id, name, created_at, revision_date) \
                     VALUES ($1, $2, $3, $4, $4)",
                )
                .bind(folder.id.to_string())
                .bind(user.to_string())
                .bind(&folder.name)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
            }
            for collection in collections {
                insert_collection!(&mut *tx, collection);
                upsert_collection_user!(&mut *tx, collection.id, member, Access::MANAGE);
            }
            for (cipher, marks, held_by) in items {
                sqlx::query(
                    "INSERT INTO ciphers (id, user_id, organization_id, type, data, reprompt, key, \
                     created_at, revision_date, deleted_at) \
                     VALUES ($1, NULL, $2, $3, $4, $5, $6, $7, $7, NULL)",
                )
                .bind(cipher.id.to_string())
                .bind(org.to_string())
                .bind(cipher.cipher_type)
                .bind(&cipher.data)
                .bind(cipher.reprompt)
                .bind(&cipher.key)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
                for collection in held_by {
                    sqlx::query(
                        "INSERT INTO collection_ciphers (collection_id, cipher_id) \
                         SELECT id, $2 FROM collections WHERE id = $1 AND organization_id = $3 \
                         ON CONFLICT (collection_id, cipher_id) DO NOTHING",
                    )
                    .bind(collection.to_string())
                    .bind(cipher.id.to_string())
                    .bind(org.to_string())
                    .execute(&mut *tx)
                    .await?;
                }
                if *marks != CipherMarks::default() {
                    write_marks!(&mut *tx, user, cipher.id, marks);
                }
            }
            tx.commit().await?;
        });
        Ok(())
    }
}
