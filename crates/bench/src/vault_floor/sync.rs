//! The sync's floor: the store's reads and the answer written by hand.

use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

use kinwarden_core::members::MemberStatus;

use crate::raw::RawDb;

/// The statements of `Store::personal_ciphers` and `Store::folders_of`, as the server runs them.
pub(super) const CIPHERS: &str = "SELECT c.id, c.user_id, c.organization_id, c.type, c.data, c.reprompt, \
    c.key, c.created_at, c.revision_date, c.deleted_at, m.folder_id, m.favorite, m.archived_at \
    FROM ciphers c LEFT JOIN cipher_marks m ON m.cipher_id = c.id AND m.user_id = $1 \
    WHERE c.user_id = $1 ORDER BY c.created_at, c.id";
pub(super) const ATTACHMENTS: &str = "SELECT a.id, a.cipher_id, a.file_name, a.key, a.size, a.validated, \
    a.created_at FROM attachments a JOIN ciphers c ON c.id = a.cipher_id WHERE c.user_id = $1 \
    ORDER BY a.created_at, a.id";
pub(super) const FOLDERS: &str = "SELECT id, user_id, name, created_at, revision_date FROM folders \
    WHERE user_id = $1 ORDER BY created_at, id";
/// The collections the user reaches as a confirmed member of an enabled organization, directly
/// or through a group, with the access of each path and the organization's item-deletion
/// setting: what `Store::collection_paths`, `Store::collection_settings` and
/// `Store::collections_by_ids` read, in one statement. A collection reached by several paths
/// comes once per path, its own assignment first.
pub(super) const COLLECTIONS: &str = "SELECT k.id, k.organization_id, k.name, k.external_id, \
    k.type, k.default_user_collection_email, p.direct, p.read_only, p.hide_passwords, p.manage, \
    o.limit_item_deletion FROM (\
    SELECT cu.collection_id, ou.organization_id, TRUE AS direct, cu.read_only, cu.hide_passwords, \
    cu.manage FROM collection_users cu JOIN organization_users ou ON ou.id = cu.member_id \
    WHERE ou.user_id = $1 AND ou.status = $2 \
    UNION ALL \
    SELECT cg.collection_id, ou.organization_id, FALSE AS direct, cg.read_only, \
    cg.hide_passwords, cg.manage FROM collection_groups cg \
    JOIN group_users gu ON gu.group_id = cg.group_id \
    JOIN organization_users ou ON ou.id = gu.member_id \
    WHERE ou.user_id = $1 AND ou.status = $2) p \
    JOIN collections k ON k.id = p.collection_id \
    JOIN organizations o ON o.id = p.organization_id \
    WHERE o.enabled ORDER BY k.created_at, k.id, p.direct DESC";

pub(super) type CipherRow = (
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
pub(super) type AttachmentRow = (String, String, String, Option<String>, i64, bool, i64);
pub(super) type FolderRow = (String, String, String, i64, i64);
/// A collection reached by one path: id, organization, name, external id, type, the default
/// user collection's e-mail, whether the path is the member's own assignment, its read-only,
/// hide-passwords and manage flags, and the organization's `limit_item_deletion`.
pub(super) type CollectionRow = (
    String,
    String,
    String,
    Option<String>,
    i32,
    Option<String>,
    bool,
    bool,
    bool,
    bool,
    bool,
);

/// The statements of `Store::ciphers_in_collections` on the database's backend, the reached
/// collections' ids bound as a JSON array: the organizations' items held by them with the
/// user's marks, their attachments, and the links between those collections and items.
struct SharedStatements {
    ciphers: String,
    attachments: String,
    links: String,
}

impl SharedStatements {
    fn of(db: &RawDb) -> Self {
        let in_json = |column: &str, n: u8| match db {
            RawDb::Sqlite(_) => format!("{column} IN (SELECT value FROM json_each(${n}))"),
            RawDb::Postgres(_) => {
                format!("{column} IN (SELECT jsonb_array_elements_text(${n}::jsonb))")
            }
        };
        let held = |n: u8| {
            format!(
                "SELECT cc.cipher_id FROM collection_ciphers cc WHERE {}",
                in_json("cc.collection_id", n)
            )
        };
        Self {
            ciphers: format!(
                "SELECT c.id, c.user_id, c.organization_id, c.type, c.data, c.reprompt, c.key, \
                 c.created_at, c.revision_date, c.deleted_at, m.folder_id, m.favorite, \
                 m.archived_at FROM ciphers c \
                 LEFT JOIN cipher_marks m ON m.cipher_id = c.id AND m.user_id = $1 \
                 WHERE c.organization_id IS NOT NULL AND c.id IN ({}) ORDER BY c.created_at, c.id",
                held(2)
            ),
            attachments: format!(
                "SELECT a.id, a.cipher_id, a.file_name, a.key, a.size, a.validated, a.created_at \
                 FROM attachments a WHERE a.cipher_id IN ({}) ORDER BY a.created_at, a.id",
                held(1)
            ),
            links: format!(
                "SELECT collection_id, cipher_id FROM collection_ciphers WHERE {}",
                in_json("collection_id", 1)
            ),
        }
    }
}

/// The rows a sync reads.
#[derive(Default)]
pub(super) struct VaultRows {
    pub personal: Vec<CipherRow>,
    pub folders: Vec<FolderRow>,
    /// One per collection reached, with the user's effective access to it.
    pub collections: Vec<CollectionRow>,
    /// The organizations' items held by those collections.
    pub shared: Vec<CipherRow>,
    /// The attachments of the personal items and of the organizations' items.
    pub attachments: Vec<AttachmentRow>,
    /// (collection, item) of every item held by a collection reached.
    pub links: Vec<(String, String)>,
}

/// One run of the sync floor: how long the reads and the writing took, and what was written.
pub struct SyncFloor {
    pub read: Duration,
    pub write: Duration,
    pub answer: Vec<u8>,
}

pub async fn sync_floor(db: &RawDb, user: &str) -> anyhow::Result<SyncFloor> {
    let statements = SharedStatements::of(db);
    let confirmed = MemberStatus::Confirmed.code();
    let started = Instant::now();
    let rows = on_pool!(db, pool => {
        let personal: Vec<CipherRow> = sqlx::query_as(CIPHERS).bind(user).fetch_all(pool).await?;
        let mut attachments: Vec<AttachmentRow> =
            sqlx::query_as(ATTACHMENTS).bind(user).fetch_all(pool).await?;
        let folders: Vec<FolderRow> = sqlx::query_as(FOLDERS).bind(user).fetch_all(pool).await?;
        let paths: Vec<CollectionRow> = sqlx::query_as(COLLECTIONS)
            .bind(user)
            .bind(confirmed)
            .fetch_all(pool)
            .await?;
        let collections = effective(paths);
        let (mut shared, mut links) = (Vec::new(), Vec::new());
        if !collections.is_empty() {
            let ids = serde_json::to_string(
                &collections.iter().map(|c| c.0.as_str()).collect::<Vec<&str>>(),
            )?;
            shared = sqlx::query_as(&statements.ciphers)
                .bind(user)
                .bind(&ids)
                .fetch_all(pool)
                .await?;
            let more: Vec<AttachmentRow> = sqlx::query_as(&statements.attachments)
                .bind(&ids)
                .fetch_all(pool)
                .await?;
            attachments.extend(more);
            links = sqlx::query_as(&statements.links).bind(&ids).fetch_all(pool).await?;
        }
        VaultRows { personal, folders, collections, shared, attachments, links }
    });
    let read = started.elapsed();
    let started = Instant::now();
    let answer = write_answer(&rows)?;
    Ok(SyncFloor {
        read,
        write: started.elapsed(),
        answer,
    })
}

/// One row per collection from its paths (ordered by collection, the member's own assignment
/// first): that assignment when there is one, else its groups' combined, the most permissive
/// flag winning each (`core::vault::collections::effective`).
pub(super) fn effective(paths: Vec<CollectionRow>) -> Vec<CollectionRow> {
    let mut out: Vec<CollectionRow> = Vec::with_capacity(paths.len());
    for path in paths {
        match out.last_mut() {
            Some(last) if last.0 == path.0 => {
                if !last.6 {
                    last.7 &= path.7;
                    last.8 &= path.8;
                    last.9 |= path.9;
                }
            }
            _ => out.push(path),
        }
    }
    out
}

/// The item fields of the answer in the order the server writes them, each with its name in the
/// stored document. Those a document lacks are written as `null`, as the server does.
pub(super) const CONTENT_KEYS: [(&str, &str); 12] = [
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

/// What the user may do with an item (`edit`, `viewPassword`, and `delete` = `restore`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Rights {
    pub edit: bool,
    pub view_password: bool,
    pub delete: bool,
}

impl Rights {
    /// A personal item's owner.
    pub const OWNER: Self = Self {
        edit: true,
        view_password: true,
        delete: true,
    };

    /// Through the collections holding an organization's item (`core::vault::collections::
    /// item_access`): the most privileged path wins each right; none when no path reaches it.
    pub fn through<'a>(paths: impl IntoIterator<Item = &'a CollectionRow>) -> Option<Self> {
        let (mut any, mut edit, mut view_password, mut manage, mut limited) =
            (false, false, false, false, false);
        for path in paths {
            any = true;
            edit |= !path.7;
            view_password |= !path.8;
            manage |= path.9;
            limited = path.10;
        }
        any.then_some(Self {
            edit,
            view_password,
            delete: if limited { manage } else { manage || edit },
        })
    }
}

/// The answer as the server shapes it, less the profile (a handful of small reads, not the
/// vault's rows).
pub(super) fn write_answer(rows: &VaultRows) -> anyhow::Result<Vec<u8>> {
    let mut by_cipher: HashMap<&str, Vec<&AttachmentRow>> = HashMap::new();
    for attachment in &rows.attachments {
        by_cipher
            .entry(attachment.1.as_str())
            .or_default()
            .push(attachment);
    }
    let reached: HashMap<&str, &CollectionRow> = rows
        .collections
        .iter()
        .map(|collection| (collection.0.as_str(), collection))
        .collect();
    let mut held_by: HashMap<&str, Vec<&str>> = HashMap::with_capacity(rows.shared.len());
    for (collection, cipher) in &rows.links {
        held_by
            .entry(cipher.as_str())
            .or_default()
            .push(collection.as_str());
    }
    // Each document goes out twice, plus about 600 bytes of fixed names and values per item.
    let ciphers = rows.personal.iter().chain(&rows.shared);
    let size = ciphers.map(|c| 2 * c.4.len() + 600).sum::<usize>()
        + 200 * rows.folders.len()
        + 400 * rows.collections.len();
    let mut out = Vec::with_capacity(size + 1024);
    out.extend_from_slice(b"{\"profile\":{},\"folders\":[");
    for (i, folder) in rows.folders.iter().enumerate() {
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
    out.extend_from_slice(b"],\"collections\":[");
    for (i, collection) in rows.collections.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_collection(&mut out, collection)?;
    }
    out.extend_from_slice(b"],\"policies\":[],\"ciphers\":[");
    let mut first = true;
    for cipher in &rows.personal {
        if !first {
            out.push(b',');
        }
        first = false;
        let attachments = by_cipher.get(cipher.0.as_str());
        write_cipher(&mut out, cipher, attachments, Rights::OWNER, &[])?;
    }
    for cipher in &rows.shared {
        let visible: &[&str] = held_by.get(cipher.0.as_str()).map_or(&[], Vec::as_slice);
        let Some(rights) =
            Rights::through(visible.iter().filter_map(|id| reached.get(id).copied()))
        else {
            continue;
        };
        if !first {
            out.push(b',');
        }
        first = false;
        let attachments = by_cipher.get(cipher.0.as_str());
        write_cipher(&mut out, cipher, attachments, rights, visible)?;
    }
    out.extend_from_slice(
        b"],\"domains\":null,\"sends\":[],\"userDecryption\":{},\"object\":\"sync\"}",
    );
    Ok(out)
}

/// A collection with the user's access to it (`collectionDetails`).
pub(super) fn write_collection(out: &mut Vec<u8>, row: &CollectionRow) -> anyhow::Result<()> {
    out.extend_from_slice(b"{\"id\":");
    string(out, &row.0)?;
    out.extend_from_slice(b",\"organizationId\":");
    string(out, &row.1)?;
    out.extend_from_slice(b",\"name\":");
    string(out, &row.2)?;
    out.extend_from_slice(b",\"externalId\":");
    optional_string(out, row.3.as_deref())?;
    write!(out, ",\"type\":{},\"defaultUserCollectionEmail\":", row.4)?;
    optional_string(out, row.5.as_deref())?;
    write!(
        out,
        ",\"readOnly\":{},\"hidePasswords\":{},\"manage\":{},\"object\":\"collectionDetails\"}}",
        row.7, row.8, row.9
    )?;
    Ok(())
}

pub(super) fn write_cipher(
    out: &mut Vec<u8>,
    row: &CipherRow,
    attachments: Option<&Vec<&AttachmentRow>>,
    rights: Rights,
    collection_ids: &[&str],
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
    // Every organization uses TOTP; a personal item's answer says false.
    write!(
        out,
        ",\"organizationUseTotp\":{},\"revisionDate\":",
        organization_id.is_some()
    )?;
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
        ",\"favorite\":{},\"edit\":{},\"viewPassword\":{},\"archivedDate\":",
        favorite.unwrap_or(false),
        rights.edit,
        rights.view_password
    )?;
    optional_date(out, archived_at)?;
    write!(
        out,
        ",\"permissions\":{{\"delete\":{0},\"restore\":{0}}},\"collectionIds\":[",
        rights.delete
    )?;
    for (i, collection) in collection_ids.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, collection)?;
    }
    out.extend_from_slice(b"]}");
    Ok(())
}

/// Appends the members of the stored document (a JSON object) to `out`, each after a comma,
/// with the first letter of every key lower-cased: the item's fields as the answer names them.
/// Answers which of `CONTENT_KEYS` the document holds at its top, one bit each. A document that
/// is not an object adds nothing (the server answers its fields as null).
pub(super) fn document_fields(document: &[u8], out: &mut Vec<u8>) -> u16 {
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

pub(super) fn string(out: &mut Vec<u8>, value: &str) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    Ok(())
}

pub(super) fn optional_string(out: &mut Vec<u8>, value: Option<&str>) -> anyhow::Result<()> {
    match value {
        Some(value) => string(out, value),
        None => {
            out.extend_from_slice(b"null");
            Ok(())
        }
    }
}

/// A time as the wire writes it: `"2027-01-15T08:00:00.123Z"`.
pub(super) fn date(out: &mut Vec<u8>, millis: i64) -> anyhow::Result<()> {
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

pub(super) fn optional_date(out: &mut Vec<u8>, millis: Option<i64>) -> anyhow::Result<()> {
    match millis {
        Some(millis) => date(out, millis),
        None => {
            out.extend_from_slice(b"null");
            Ok(())
        }
    }
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

    fn path(id: &str, direct: bool, flags: (bool, bool, bool), limited: bool) -> CollectionRow {
        (
            id.into(),
            "o".into(),
            "2.n|n|n".into(),
            None,
            0,
            None,
            direct,
            flags.0,
            flags.1,
            flags.2,
            limited,
        )
    }

    #[test]
    fn own_assignment_wins_and_groups_combine() {
        let paths = vec![
            path("a", true, (true, true, false), false),
            path("a", false, (false, false, true), false),
            path("b", false, (true, false, false), false),
            path("b", false, (false, true, true), false),
            path("c", false, (true, true, false), false),
        ];
        let reached = effective(paths);
        let flags: Vec<(&str, bool, bool, bool)> = reached
            .iter()
            .map(|c| (c.0.as_str(), c.7, c.8, c.9))
            .collect();
        assert_eq!(
            flags,
            [
                ("a", true, true, false),
                ("b", false, false, true),
                ("c", true, true, false)
            ]
        );
    }

    #[test]
    fn rights_through_collections() {
        let read_only = path("r", true, (true, true, false), false);
        let edit = path("e", true, (false, false, false), false);
        assert_eq!(Rights::through([]), None);
        assert_eq!(
            Rights::through([&read_only]),
            Some(Rights {
                edit: false,
                view_password: false,
                delete: false
            })
        );
        assert_eq!(Rights::through([&read_only, &edit]), Some(Rights::OWNER));
        let limited = path("e", true, (false, false, false), true);
        assert_eq!(
            Rights::through([&limited]),
            Some(Rights {
                edit: true,
                view_password: true,
                delete: false
            })
        );
    }

    #[test]
    fn a_collection_as_the_server_writes_it() {
        let mut out = Vec::new();
        write_collection(&mut out, &path("c", true, (false, true, false), false)).expect("writes");
        assert_eq!(
            String::from_utf8_lossy(&out),
            r#"{"id":"c","organizationId":"o","name":"2.n|n|n","externalId":null,"type":0,"defaultUserCollectionEmail":null,"readOnly":false,"hidePasswords":true,"manage":false,"object":"collectionDetails"}"#
        );
    }
}
