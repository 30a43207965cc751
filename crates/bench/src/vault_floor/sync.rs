//! The sync's floor: the store's reads and the answer written by hand.

use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

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

/// The answer as the server shapes it, less the profile (a handful of small reads, not the
/// vault's rows).
pub(super) fn write_answer(
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

pub(super) fn write_cipher(
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
}
