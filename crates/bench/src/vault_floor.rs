//! The raw floors of the vault figures, straight through the database driver on the server's own
//! database (its schema, its connection settings):
//!
//! - a sync's floor reads the rows `Store::personal_ciphers` reads (the same two statements,
//!   items with the user's marks, then attachments) and the user's folders, and writes the
//!   answer's JSON by hand into one buffer: each item's stored document copied in twice, as the
//!   `data` string and, with the first letter of each key lower-cased in one pass over its
//!   bytes, as the item's fields. No parse tree, no HTTP, no TLS.
//! - an import's floor writes the same folders, items and marks for a new user in one
//!   transaction: on SQLite with one reused prepared statement per row, with multi-row
//!   `INSERT`s, and with one `json_each` statement per table (rows as JSON arrays), the fastest
//!   counting; on PostgreSQL one `unnest` statement per table.

use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

use crate::raw::RawDb;

/// Runs `$body` with `$pool` bound to the database's pool, whichever backend it is.
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            RawDb::Sqlite($pool) => $body,
            RawDb::Postgres($pool) => $body,
        }
    };
}

/// The statements of `Store::personal_ciphers` and `Store::folders_of`, as the server runs them.
const CIPHERS: &str = "SELECT c.id, c.user_id, c.organization_id, c.type, c.data, c.reprompt, \
    c.key, c.created_at, c.revision_date, c.deleted_at, m.folder_id, m.favorite, m.archived_at \
    FROM ciphers c LEFT JOIN cipher_marks m ON m.cipher_id = c.id AND m.user_id = $1 \
    WHERE c.user_id = $1 ORDER BY c.created_at, c.id";
const ATTACHMENTS: &str = "SELECT a.id, a.cipher_id, a.file_name, a.key, a.size, a.validated, \
    a.created_at FROM attachments a JOIN ciphers c ON c.id = a.cipher_id WHERE c.user_id = $1 \
    ORDER BY a.created_at, a.id";
const FOLDERS: &str = "SELECT id, user_id, name, created_at, revision_date FROM folders \
    WHERE user_id = $1 ORDER BY created_at, id";

type CipherRow = (
    String,
    Option<String>,
    Option<String>,
    i32,
    String,
    Option<i32>,
    Option<String>,
    i64,
    i64,
    Option<i64>,
    Option<String>,
    Option<bool>,
    Option<i64>,
);
type AttachmentRow = (String, String, String, Option<String>, i64, bool, i64);
type FolderRow = (String, String, String, i64, i64);

/// One run of the sync floor: how long the reads and the writing took, and what was written.
pub struct SyncFloor {
    pub read: Duration,
    pub write: Duration,
    pub answer: Vec<u8>,
}

pub async fn sync_floor(db: &RawDb, user: &str) -> anyhow::Result<SyncFloor> {
    let started = Instant::now();
    let (ciphers, attachments, folders) = on_pool!(db, pool => {
        let ciphers: Vec<CipherRow> = sqlx::query_as(CIPHERS).bind(user).fetch_all(pool).await?;
        let attachments: Vec<AttachmentRow> =
            sqlx::query_as(ATTACHMENTS).bind(user).fetch_all(pool).await?;
        let folders: Vec<FolderRow> = sqlx::query_as(FOLDERS).bind(user).fetch_all(pool).await?;
        (ciphers, attachments, folders)
    });
    let read = started.elapsed();
    let started = Instant::now();
    let answer = write_answer(&ciphers, &attachments, &folders)?;
    Ok(SyncFloor {
        read,
        write: started.elapsed(),
        answer,
    })
}

/// The item fields of the answer in the order the server writes them, each with its name in the
/// stored document. Those a document lacks are written as `null`, as the server does.
const CONTENT_KEYS: [(&str, &str); 12] = [
    ("Name", "name"),
    ("Notes", "notes"),
    ("Login", "login"),
    ("Card", "card"),
    ("Identity", "identity"),
    ("SecureNote", "secureNote"),
    ("SshKey", "sshKey"),
    ("BankAccount", "bankAccount"),
    ("DriversLicense", "driversLicense"),
    ("Passport", "passport"),
    ("Fields", "fields"),
    ("PasswordHistory", "passwordHistory"),
];

/// The answer as the server shapes it, less the profile (a handful of small reads, not the
/// vault's rows).
fn write_answer(
    ciphers: &[CipherRow],
    attachments: &[AttachmentRow],
    folders: &[FolderRow],
) -> anyhow::Result<Vec<u8>> {
    let mut by_cipher: HashMap<&str, Vec<&AttachmentRow>> = HashMap::new();
    for attachment in attachments {
        by_cipher
            .entry(attachment.1.as_str())
            .or_default()
            .push(attachment);
    }
    // Each document goes out twice, plus about 600 bytes of fixed names and values per item.
    let size = ciphers.iter().map(|c| 2 * c.4.len() + 600).sum::<usize>() + 200 * folders.len();
    let mut out = Vec::with_capacity(size + 1024);
    out.extend_from_slice(b"{\"profile\":{},\"folders\":[");
    for (i, folder) in folders.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"id\":");
        string(&mut out, &folder.0)?;
        out.extend_from_slice(b",\"name\":");
        string(&mut out, &folder.2)?;
        out.extend_from_slice(b",\"revisionDate\":");
        date(&mut out, folder.4)?;
        out.extend_from_slice(b",\"object\":\"folder\"}");
    }
    out.extend_from_slice(b"],\"collections\":[],\"policies\":[],\"ciphers\":[");
    for (i, cipher) in ciphers.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_cipher(&mut out, cipher, by_cipher.get(cipher.0.as_str()))?;
    }
    out.extend_from_slice(
        b"],\"domains\":null,\"sends\":[],\"userDecryption\":{},\"object\":\"sync\"}",
    );
    Ok(out)
}

fn write_cipher(
    out: &mut Vec<u8>,
    row: &CipherRow,
    attachments: Option<&Vec<&AttachmentRow>>,
) -> anyhow::Result<()> {
    let (id, _, organization_id, cipher_type, data, reprompt, key, created, revised, deleted) = (
        &row.0, &row.1, &row.2, row.3, &row.4, row.5, &row.6, row.7, row.8, row.9,
    );
    let (folder_id, favorite, archived_at) = (&row.10, row.11, row.12);
    out.extend_from_slice(b"{\"object\":\"cipherDetails\",\"id\":");
    string(out, id)?;
    out.extend_from_slice(b",\"organizationId\":");
    optional_string(out, organization_id.as_deref())?;
    write!(out, ",\"type\":{cipher_type},\"data\":")?;
    string(out, data)?;
    let present = document_fields(data.as_bytes(), out);
    for (bit, (_, name)) in CONTENT_KEYS.iter().enumerate() {
        if present & (1 << bit) == 0 {
            write!(out, ",\"{name}\":null")?;
        }
    }
    out.extend_from_slice(b",\"attachments\":");
    match attachments {
        None => out.extend_from_slice(b"null"),
        Some(attachments) => {
            out.push(b'[');
            for (i, attachment) in attachments.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(b"{\"id\":");
                string(out, &attachment.0)?;
                out.extend_from_slice(b",\"fileName\":");
                string(out, &attachment.2)?;
                out.extend_from_slice(b",\"key\":");
                optional_string(out, attachment.3.as_deref())?;
                write!(
                    out,
                    ",\"size\":\"{}\",\"object\":\"attachment\"}}",
                    attachment.4
                )?;
            }
            out.push(b']');
        }
    }
    out.extend_from_slice(b",\"organizationUseTotp\":false,\"revisionDate\":");
    date(out, revised)?;
    out.extend_from_slice(b",\"creationDate\":");
    date(out, created)?;
    out.extend_from_slice(b",\"deletedDate\":");
    optional_date(out, deleted)?;
    write!(out, ",\"reprompt\":{},\"key\":", reprompt.unwrap_or(0))?;
    optional_string(out, key.as_deref())?;
    out.extend_from_slice(b",\"folderId\":");
    optional_string(out, folder_id.as_deref())?;
    write!(
        out,
        ",\"favorite\":{},\"edit\":true,\"viewPassword\":true,\"archivedDate\":",
        favorite.unwrap_or(false)
    )?;
    optional_date(out, archived_at)?;
    out.extend_from_slice(
        b",\"permissions\":{\"delete\":true,\"restore\":true},\"collectionIds\":[]}",
    );
    Ok(())
}

/// Appends the members of the stored document (a JSON object) to `out`, each after a comma,
/// with the first letter of every key lower-cased: the item's fields as the answer names them.
/// Answers which of `CONTENT_KEYS` the document holds at its top, one bit each. A document that
/// is not an object adds nothing (the server answers its fields as null).
fn document_fields(document: &[u8], out: &mut Vec<u8>) -> u16 {
    let trimmed = document.trim_ascii();
    let (Some(b'{'), Some(b'}')) = (trimmed.first(), trimmed.last()) else {
        return 0;
    };
    let members = &trimmed[1..trimmed.len() - 1];
    if members.trim_ascii().is_empty() {
        return 0;
    }
    out.push(b',');
    let base = out.len();
    out.extend_from_slice(members);
    let mut present = 0u16;
    // Containers opened inside the document's object: true for an object, false for an array.
    let mut open: Vec<bool> = Vec::new();
    let (mut expect_key, mut in_string, mut escaped) = (true, false, false);
    let mut key_start: Option<usize> = None;
    for (i, &byte) in members.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
                if let Some(start) = key_start.take() {
                    let key = &members[start..i];
                    if let Some(bit) = CONTENT_KEYS.iter().position(|(k, _)| k.as_bytes() == key) {
                        present |= 1 << bit;
                    }
                }
            }
            continue;
        }
        match byte {
            b'"' => {
                in_string = true;
                if expect_key {
                    expect_key = false;
                    if let Some(first) = out.get_mut(base + i + 1) {
                        first.make_ascii_lowercase();
                    }
                    if open.is_empty() {
                        key_start = Some(i + 1);
                    }
                }
            }
            b'{' => {
                open.push(true);
                expect_key = true;
            }
            b'[' => open.push(false),
            b'}' | b']' => {
                open.pop();
            }
            b',' => expect_key = open.last().copied().unwrap_or(true),
            _ => {}
        }
    }
    present
}

fn string(out: &mut Vec<u8>, value: &str) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    Ok(())
}

fn optional_string(out: &mut Vec<u8>, value: Option<&str>) -> anyhow::Result<()> {
    match value {
        Some(value) => string(out, value),
        None => {
            out.extend_from_slice(b"null");
            Ok(())
        }
    }
}

/// A time as the wire writes it: `"2027-01-15T08:00:00.123Z"`.
fn date(out: &mut Vec<u8>, millis: i64) -> anyhow::Result<()> {
    let (days, in_day) = (millis.div_euclid(86_400_000), millis.rem_euclid(86_400_000));
    // Days since 1970-01-01 to a civil date (H. Hinnant's `civil_from_days`).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let of_era = z.rem_euclid(146_097);
    let year_of_era = (of_era - of_era / 1460 + of_era / 36_524 - of_era / 146_096) / 365;
    let day_of_year = of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    write!(
        out,
        "\"{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z\"",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    )?;
    Ok(())
}

fn optional_date(out: &mut Vec<u8>, millis: Option<i64>) -> anyhow::Result<()> {
    match millis {
        Some(millis) => date(out, millis),
        None => {
            out.extend_from_slice(b"null");
            Ok(())
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_fields_are_lower_cased_and_counted() {
        let document = br#"{"Name":"2.a|b|c","Login":{"Uris":[{"Uri":"2.u|u|u","Match":null}],"Username":"2.\"x"},"Notes":"N"}"#;
        let mut out = Vec::new();
        let present = document_fields(document, &mut out);
        assert_eq!(
            String::from_utf8_lossy(&out),
            r#","name":"2.a|b|c","login":{"uris":[{"uri":"2.u|u|u","match":null}],"username":"2.\"x"},"notes":"N""#
        );
        assert_eq!(present, 0b111);
        let mut out = Vec::new();
        assert_eq!(document_fields(b"not json", &mut out), 0);
        assert!(out.is_empty());
    }

    #[test]
    fn dates_as_the_wire_writes_them() {
        let mut out = Vec::new();
        date(&mut out, 1_800_000_000_123).expect("writes");
        date(&mut out, 0).expect("writes");
        date(&mut out, 951_782_400_000).expect("writes");
        assert_eq!(
            String::from_utf8_lossy(&out),
            r#""2027-01-15T08:00:00.123Z""1970-01-01T00:00:00.000Z""2000-02-29T00:00:00.000Z""#
        );
    }
}
