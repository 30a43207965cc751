//! The import's floor: the same rows inserted in one transaction, the fastest way the database allows.

use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

use crate::raw::RawDb;

use super::sync::*;

/// What an import writes, taken from what the server stored for an imported user: the folders'
/// names, each item's columns and the place of its folder.
pub struct ImportRows {
    pub folders: Vec<String>,
    pub items: Vec<ImportItem>,
}

pub struct ImportItem {
    pub cipher_type: i32,
    pub data: String,
    pub reprompt: Option<i32>,
    pub key: Option<String>,
    pub folder: Option<usize>,
}

impl ImportRows {
    /// The folders and items of `user` as stored.
    pub async fn stored(db: &RawDb, user: &str) -> anyhow::Result<Self> {
        let (folders, items) = on_pool!(db, pool => {
            let folders: Vec<FolderRow> = sqlx::query_as(FOLDERS).bind(user).fetch_all(pool).await?;
            let items: Vec<CipherRow> = sqlx::query_as(CIPHERS).bind(user).fetch_all(pool).await?;
            (folders, items)
        });
        let place: HashMap<&str, usize> = folders
            .iter()
            .enumerate()
            .map(|(i, folder)| (folder.0.as_str(), i))
            .collect();
        let items = items
            .iter()
            .map(|row| ImportItem {
                cipher_type: row.3,
                data: row.4.clone(),
                reprompt: row.5,
                key: row.6.clone(),
                folder: row.10.as_deref().and_then(|id| place.get(id).copied()),
            })
            .collect();
        Ok(Self {
            folders: folders.into_iter().map(|folder| folder.2).collect(),
            items,
        })
    }
}

/// How the import floor writes its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertWay {
    /// SQLite: one prepared statement per table, executed once per row.
    PerRow,
    /// SQLite: `INSERT … VALUES (…), (…), …` of up to `MULTI_ROW` rows per statement.
    MultiRow,
    /// SQLite: one `INSERT … SELECT FROM json_each(…)` per table, each row a JSON array.
    JsonEach,
    /// PostgreSQL: one `INSERT … SELECT FROM unnest(…)` per table, the rows as typed arrays.
    Unnest,
}

/// Rows per multi-row statement: 7,000 parameters for the items, below SQLite's 32,766.
const MULTI_ROW: usize = 1000;

impl InsertWay {
    pub fn all(db: &RawDb) -> &'static [InsertWay] {
        match db {
            RawDb::Sqlite(_) => &[InsertWay::PerRow, InsertWay::MultiRow, InsertWay::JsonEach],
            RawDb::Postgres(_) => &[InsertWay::Unnest],
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            InsertWay::PerRow => "one prepared statement per row",
            InsertWay::MultiRow => "multi-row INSERTs of 1000",
            InsertWay::JsonEach => "one json_each INSERT per table",
            InsertWay::Unnest => "one unnest INSERT per table",
        }
    }
}

/// A user for the floor's rows to belong to, written raw.
pub async fn insert_user(db: &RawDb) -> anyhow::Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    let sql = "INSERT INTO users (id, email, password_hash, password_salt, password_iterations, \
               kdf, kdf_iterations, user_key, security_stamp, api_key, revision_date, created_at, \
               updated_at) VALUES ($1, $2, 'x', 'x', 600000, 0, 600000, 'x', 'x', 'x', 0, 0, 0)";
    let email = format!("floor-{id}@example.test");
    on_pool!(db, pool => {
        sqlx::query(sql).bind(&id).bind(&email).execute(pool).await?;
    });
    Ok(id)
}

/// Writes `rows` as a new import of `user` in one transaction, `way`: folders, items, the user's
/// marks on them (an item's folder), and the user's revision date, as the server's import writes
/// them. Ids are made before the clock starts.
pub async fn import_floor(
    db: &RawDb,
    rows: &ImportRows,
    user: &str,
    way: InsertWay,
) -> anyhow::Result<Duration> {
    let folder_ids: Vec<String> = rows
        .folders
        .iter()
        .map(|_| uuid::Uuid::now_v7().to_string())
        .collect();
    let item_ids: Vec<String> = rows
        .items
        .iter()
        .map(|_| uuid::Uuid::now_v7().to_string())
        .collect();
    let marks: Vec<(&str, &str)> = rows
        .items
        .iter()
        .zip(&item_ids)
        .filter_map(|(item, id)| {
            item.folder
                .and_then(|place| folder_ids.get(place))
                .map(|folder| (id.as_str(), folder.as_str()))
        })
        .collect();
    let now = 1_800_000_000_000_i64;
    let bump = "UPDATE users SET revision_date = CASE WHEN revision_date > $2 \
                THEN revision_date ELSE $2 END WHERE id = $1";
    let started = Instant::now();
    match (db, way) {
        (RawDb::Sqlite(pool), InsertWay::PerRow) => {
            let mut tx = pool.begin().await?;
            for (id, name) in folder_ids.iter().zip(&rows.folders) {
                sqlx::query(
                    "INSERT INTO folders (id, user_id, name, created_at, revision_date) \
                     VALUES ($1, $2, $3, $4, $4)",
                )
                .bind(id)
                .bind(user)
                .bind(name)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            for (id, item) in item_ids.iter().zip(&rows.items) {
                sqlx::query(
                    "INSERT INTO ciphers (id, user_id, organization_id, type, data, reprompt, \
                     key, created_at, revision_date, deleted_at) \
                     VALUES ($1, $2, NULL, $3, $4, $5, $6, $7, $7, NULL)",
                )
                .bind(id)
                .bind(user)
                .bind(item.cipher_type)
                .bind(&item.data)
                .bind(item.reprompt)
                .bind(&item.key)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            for (cipher, folder) in &marks {
                sqlx::query(
                    "INSERT INTO cipher_marks (user_id, cipher_id, folder_id, favorite, \
                     archived_at) VALUES ($1, $2, $3, FALSE, NULL)",
                )
                .bind(user)
                .bind(cipher)
                .bind(folder)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(bump)
                .bind(user)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        (RawDb::Sqlite(pool), InsertWay::MultiRow) => {
            let mut tx = pool.begin().await?;
            let folders: Vec<(&String, &String)> = folder_ids.iter().zip(&rows.folders).collect();
            for chunk in folders.chunks(MULTI_ROW) {
                let sql = multi_row(
                    "INSERT INTO folders (id, user_id, name, created_at, revision_date) VALUES ",
                    "(?, ?, ?, ?, ?)",
                    chunk.len(),
                );
                let mut query = sqlx::query(&sql);
                for (id, name) in chunk {
                    query = query.bind(*id).bind(user).bind(*name).bind(now).bind(now);
                }
                query.execute(&mut *tx).await?;
            }
            let items: Vec<(&String, &ImportItem)> = item_ids.iter().zip(&rows.items).collect();
            for chunk in items.chunks(MULTI_ROW) {
                let sql = multi_row(
                    "INSERT INTO ciphers (id, user_id, organization_id, type, data, reprompt, \
                     key, created_at, revision_date, deleted_at) VALUES ",
                    "(?, ?, NULL, ?, ?, ?, ?, ?, ?, NULL)",
                    chunk.len(),
                );
                let mut query = sqlx::query(&sql);
                for (id, item) in chunk {
                    query = query
                        .bind(*id)
                        .bind(user)
                        .bind(item.cipher_type)
                        .bind(&item.data)
                        .bind(item.reprompt)
                        .bind(&item.key)
                        .bind(now)
                        .bind(now);
                }
                query.execute(&mut *tx).await?;
            }
            for chunk in marks.chunks(MULTI_ROW) {
                let sql = multi_row(
                    "INSERT INTO cipher_marks (user_id, cipher_id, folder_id, favorite, \
                     archived_at) VALUES ",
                    "(?, ?, ?, FALSE, NULL)",
                    chunk.len(),
                );
                let mut query = sqlx::query(&sql);
                for (cipher, folder) in chunk {
                    query = query.bind(user).bind(*cipher).bind(*folder);
                }
                query.execute(&mut *tx).await?;
            }
            sqlx::query(bump)
                .bind(user)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        (RawDb::Sqlite(pool), InsertWay::JsonEach) => {
            // The arrays are written inside the clock: making them is part of this way's cost.
            let mut folders = Vec::new();
            json_rows(
                &mut folders,
                folder_ids.iter().zip(&rows.folders),
                |out, (id, name)| {
                    string(out, id)?;
                    out.push(b',');
                    string(out, name)
                },
            )?;
            let mut items = Vec::new();
            json_rows(
                &mut items,
                item_ids.iter().zip(&rows.items),
                |out, (id, item)| {
                    string(out, id)?;
                    write!(out, ",{},", item.cipher_type)?;
                    string(out, &item.data)?;
                    match item.reprompt {
                        Some(reprompt) => write!(out, ",{reprompt},")?,
                        None => out.extend_from_slice(b",null,"),
                    }
                    optional_string(out, item.key.as_deref())
                },
            )?;
            let mut marked = Vec::new();
            json_rows(&mut marked, marks.iter(), |out, (cipher, folder)| {
                string(out, cipher)?;
                out.push(b',');
                string(out, folder)
            })?;
            let text = |json: Vec<u8>| String::from_utf8(json);
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO folders (id, user_id, name, created_at, revision_date) \
                 SELECT value ->> 0, $2, value ->> 1, $3, $3 FROM json_each($1)",
            )
            .bind(text(folders)?)
            .bind(user)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO ciphers (id, user_id, organization_id, type, data, reprompt, key, \
                 created_at, revision_date, deleted_at) \
                 SELECT value ->> 0, $2, NULL, value ->> 1, value ->> 2, value ->> 3, \
                 value ->> 4, $3, $3, NULL FROM json_each($1)",
            )
            .bind(text(items)?)
            .bind(user)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO cipher_marks (user_id, cipher_id, folder_id, favorite, archived_at) \
                 SELECT $2, value ->> 0, value ->> 1, FALSE, NULL FROM json_each($1)",
            )
            .bind(text(marked)?)
            .bind(user)
            .execute(&mut *tx)
            .await?;
            sqlx::query(bump)
                .bind(user)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        (RawDb::Postgres(pool), InsertWay::Unnest) => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO folders (id, user_id, name, created_at, revision_date) \
                 SELECT u.id, $3, u.name, $4, $4 FROM unnest($1::text[], $2::text[]) AS u(id, name)",
            )
            .bind(&folder_ids)
            .bind(&rows.folders)
            .bind(user)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO ciphers (id, user_id, organization_id, type, data, reprompt, key, \
                 created_at, revision_date, deleted_at) \
                 SELECT u.id, $6, NULL, u.type, u.data, u.reprompt, u.key, $7, $7, NULL \
                 FROM unnest($1::text[], $2::int4[], $3::text[], $4::int4[], $5::text[]) \
                 AS u(id, type, data, reprompt, key)",
            )
            .bind(&item_ids)
            .bind(rows.items.iter().map(|i| i.cipher_type).collect::<Vec<_>>())
            .bind(
                rows.items
                    .iter()
                    .map(|i| i.data.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(rows.items.iter().map(|i| i.reprompt).collect::<Vec<_>>())
            .bind(
                rows.items
                    .iter()
                    .map(|i| i.key.as_deref())
                    .collect::<Vec<_>>(),
            )
            .bind(user)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO cipher_marks (user_id, cipher_id, folder_id, favorite, archived_at) \
                 SELECT $3, u.cipher, u.folder, FALSE, NULL \
                 FROM unnest($1::text[], $2::text[]) AS u(cipher, folder)",
            )
            .bind(marks.iter().map(|m| m.0).collect::<Vec<_>>())
            .bind(marks.iter().map(|m| m.1).collect::<Vec<_>>())
            .bind(user)
            .execute(&mut *tx)
            .await?;
            sqlx::query(bump)
                .bind(user)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        (_, way) => anyhow::bail!("{way:?} is not a way to write to this database"),
    }
    Ok(started.elapsed())
}

/// Writes `rows` as one JSON array of arrays, each row's members by `row`.
fn json_rows<T>(
    out: &mut Vec<u8>,
    rows: impl Iterator<Item = T>,
    row: impl Fn(&mut Vec<u8>, T) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    out.push(b'[');
    for (i, item) in rows.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'[');
        row(out, item)?;
        out.push(b']');
    }
    out.push(b']');
    Ok(())
}

/// `head` followed by `rows` copies of `row`, comma-separated.
fn multi_row(head: &str, row: &str, rows: usize) -> String {
    let mut sql = String::with_capacity(head.len() + rows * (row.len() + 1));
    sql.push_str(head);
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(row);
    }
    sql
}
