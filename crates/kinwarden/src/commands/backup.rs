//! `kinwarden backup` and `kinwarden restore` (SPEC §2, §11): one archive holding the
//! configuration, keys, certificates, licenses, the mail outbox, the vault's attachment files and
//! a consistent copy of the database, made safely while the server runs.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use kinwarden_config::DatabaseConfig;
use kinwarden_store::Store;
use serde::{Deserialize, Serialize};

use crate::bwdata::Bwdata;
use crate::commands::{CliError, load_config};
use crate::process;

const MANIFEST: &str = "kinwarden-backup.json";
/// Directories of bwdata copied as they are. `db/` is written from a snapshot; `logs/` is left out.
const COPIED_DIRS: &[&str] = &["env", "core", "ssl", "mail"];
/// The vault's attachment files, `attachments/{item id}/{attachment id}`: copied after the
/// database snapshot, so the file of every upload the snapshot records as arrived (validated) is
/// already in place; one deleted meanwhile is missing only beside a record that was being deleted.
const ATTACHMENTS_DIR: &str = "attachments";
const SQLITE_IN_ARCHIVE: &str = "db/vault.db";
const PG_DUMP_IN_ARCHIVE: &str = "db/postgres.sql";

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    kinwarden_version: String,
    created_at: String,
    database: String,
    /// The SQLite snapshot's place in the archive, or the PostgreSQL dump's.
    database_file: Option<String>,
    schema_version: i64,
}

pub async fn backup(bwdata: &Bwdata, out: Option<PathBuf>) -> Result<(), CliError> {
    let config = load_config(bwdata)?;
    let out = out.unwrap_or_else(|| {
        PathBuf::from(format!(
            "kinwarden-backup-{}.tar.gz",
            chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
        ))
    });
    let staging = tempfile::tempdir()?;
    let store = Store::open(&config.database)
        .await
        .map_err(|err| CliError::failed(format!("cannot open the database: {err}")))?;
    let schema_version = store
        .schema_version()
        .await
        .map_err(|err| CliError::failed(err.to_string()))?;

    let database_file = match &config.database {
        DatabaseConfig::Sqlite { .. } => {
            let snapshot = staging.path().join("vault.db");
            store
                .sqlite_snapshot(&snapshot)
                .await
                .map_err(|err| CliError::failed(format!("cannot snapshot the database: {err}")))?;
            Some((snapshot, SQLITE_IN_ARCHIVE))
        }
        DatabaseConfig::Postgres { url } => {
            let dump = staging.path().join("postgres.sql");
            if pg_dump(url.expose(), &dump)? {
                Some((dump, PG_DUMP_IN_ARCHIVE))
            } else {
                println!(
                    "note: pg_dump is not on the PATH, so the archive holds no copy of the PostgreSQL database; back it up with your database tools"
                );
                None
            }
        }
    };
    store.close().await;

    let manifest = Manifest {
        kinwarden_version: env!("CARGO_PKG_VERSION").to_string(),
        created_at: chrono::Utc::now().to_rfc3339(),
        database: config.database.provider_name().to_string(),
        database_file: database_file.as_ref().map(|(_, name)| (*name).to_string()),
        schema_version,
    };
    let manifest_path = staging.path().join(MANIFEST);
    std::fs::write(
        &manifest_path,
        serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::other)?,
    )?;

    // Written beside the target, then renamed: a failed backup never leaves a partial archive.
    let out_dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let partial = tempfile::NamedTempFile::new_in(out_dir)?;
    let mut archive = tar::Builder::new(GzEncoder::new(partial.reopen()?, Compression::default()));
    archive.append_path_with_name(&manifest_path, MANIFEST)?;
    for dir in COPIED_DIRS {
        let path = bwdata.root().join(dir);
        if path.is_dir() {
            archive.append_dir_all(dir, &path)?;
        }
    }
    append_attachments(&mut archive, &bwdata.root().join(ATTACHMENTS_DIR))?;
    if let Some((path, name)) = &database_file {
        archive.append_path_with_name(path, name)?;
    }
    let encoder = archive.into_inner()?;
    encoder.finish()?.sync_all()?;
    partial.persist(&out).map_err(|err| err.error)?;
    println!("Backup written to {}", out.display());
    Ok(())
}

/// Adds each `{item}/{attachment}` file under `dir`. Unlike the other directories these change
/// while the server runs: a file or folder removed between listing and reading (its item deleted)
/// is skipped instead of failing the backup, and a write's temporary file (a dot file, renamed
/// into place once whole) is left out. A file once opened is read whole even if removed meanwhile.
fn append_attachments<W: Write>(archive: &mut tar::Builder<W>, dir: &Path) -> io::Result<()> {
    for item in entries(dir)? {
        let Some(item_name) = item.file_name() else {
            continue;
        };
        for path in entries(&item)? {
            let Some(file_name) = path.file_name() else {
                continue;
            };
            if file_name.to_string_lossy().starts_with('.') {
                continue;
            }
            let mut file = match File::open(&path) {
                Ok(file) => file,
                Err(err) if err.kind() == io::ErrorKind::NotFound => continue,
                Err(err) => return Err(err),
            };
            if !file.metadata()?.is_file() {
                continue;
            }
            let name = Path::new(ATTACHMENTS_DIR).join(item_name).join(file_name);
            archive.append_file(name, &mut file)?;
        }
    }
    Ok(())
}

/// The entries of `dir` in name order; none when it is not (or no longer) a directory.
fn entries(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let listing = match std::fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(err)
            if matches!(
                err.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(Vec::new());
        }
        Err(err) => return Err(err),
    };
    let mut paths = listing
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<io::Result<Vec<_>>>()?;
    paths.sort();
    Ok(paths)
}

/// Runs `pg_dump` when it is installed. Answers false when it is not.
fn pg_dump(url: &str, dest: &Path) -> Result<bool, CliError> {
    let (url, password) = without_password(url);
    let mut command = Command::new("pg_dump");
    command
        .args(["--clean", "--if-exists", "--no-owner", "--file"])
        .arg(dest)
        .arg(url);
    let result = with_password(&mut command, password).output();
    match result {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(CliError::failed(format!("cannot run pg_dump: {err}"))),
        Ok(output) if output.status.success() => Ok(true),
        Ok(output) => Err(CliError::failed(format!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ))),
    }
}

pub async fn restore(bwdata: &Bwdata, archive: &Path, force: bool) -> Result<(), CliError> {
    if let Some(pid) = process::running_pid(bwdata) {
        return Err(CliError::failed(format!(
            "a Kinwarden server runs on {} (pid {pid}); stop it before restoring",
            bwdata.root().display()
        )));
    }
    if !force && has_content(bwdata.root())? {
        return Err(CliError::usage(format!(
            "{} is not empty; restore into an empty directory, or pass --force to overwrite",
            bwdata.root().display()
        )));
    }
    let file = File::open(archive)
        .map_err(|err| CliError::failed(format!("cannot open {}: {err}", archive.display())))?;
    std::fs::create_dir_all(bwdata.root())?;
    // `unpack` refuses entries that would land outside the target directory.
    tar::Archive::new(GzDecoder::new(file))
        .unpack(bwdata.root())
        .map_err(|err| CliError::failed(format!("cannot unpack {}: {err}", archive.display())))?;
    let manifest_path = bwdata.root().join(MANIFEST);
    let manifest: Manifest =
        serde_json::from_slice(&std::fs::read(&manifest_path).map_err(|_| {
            CliError::failed(format!(
                "{} is not a Kinwarden backup (no {MANIFEST})",
                archive.display()
            ))
        })?)
        .map_err(|err| CliError::failed(format!("the backup's manifest is unreadable: {err}")))?;
    std::fs::remove_file(&manifest_path)?;
    bwdata.init()?;

    let config = load_config(bwdata)?;
    match (&config.database, manifest.database_file.as_deref()) {
        (DatabaseConfig::Sqlite { path }, Some(SQLITE_IN_ARCHIVE)) => {
            let unpacked = bwdata.root().join(SQLITE_IN_ARCHIVE);
            if unpacked != *path {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::rename(&unpacked, path)?;
            }
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
        (DatabaseConfig::Postgres { url }, Some(PG_DUMP_IN_ARCHIVE)) => {
            let dump = bwdata.root().join(PG_DUMP_IN_ARCHIVE);
            psql_load(url.expose(), &dump)?;
            std::fs::remove_file(&dump)?;
        }
        (_, None) => println!("note: the archive holds no database copy; only files were restored"),
        (db, Some(name)) => {
            return Err(CliError::failed(format!(
                "the archive holds a {} database ({name}) but this configuration uses {}",
                manifest.database,
                db.provider_name()
            )));
        }
    }
    println!(
        "Restored {} (made {} by Kinwarden {}) into {}",
        archive.display(),
        manifest.created_at,
        manifest.kinwarden_version,
        bwdata.root().display()
    );
    Ok(())
}

fn psql_load(url: &str, dump: &Path) -> Result<(), CliError> {
    let (url, password) = without_password(url);
    let mut command = Command::new("psql");
    command
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-d", &url, "-f"])
        .arg(dump);
    let output = with_password(&mut command, password)
        .output()
        .map_err(|err| {
            CliError::failed(format!(
                "cannot run psql ({err}); load {} into the database yourself",
                dump.display()
            ))
        })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(CliError::failed(format!(
            "psql failed loading {}: {}",
            dump.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        )))
    }
}

/// The connection URL without its password, and the password: a command line is readable by
/// every user of the machine (`ps`), the environment of a process only by its owner.
fn without_password(url: &str) -> (String, Option<String>) {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let password = parsed.password().map(|p| {
                percent_encoding::percent_decode_str(p)
                    .decode_utf8_lossy()
                    .into_owned()
            });
            // A URL that takes a password also lets it be removed.
            let _ = parsed.set_password(None);
            (parsed.to_string(), password)
        }
        _ => (url.to_string(), None),
    }
}

fn with_password(command: &mut Command, password: Option<String>) -> &mut Command {
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    command
}

fn has_content(dir: &Path) -> std::io::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_some()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod password_tests {
    use super::without_password;

    #[test]
    fn the_password_leaves_the_command_line() {
        let (url, password) = without_password(
            "postgres://kin:s%40cret%2Fpw@db.example:5432/kinwarden?sslmode=require",
        );
        assert_eq!(
            url,
            "postgres://kin@db.example:5432/kinwarden?sslmode=require"
        );
        assert_eq!(password.as_deref(), Some("s@cret/pw"));
        let (url, password) = without_password("postgres://kin@db.example/kinwarden");
        assert_eq!(url, "postgres://kin@db.example/kinwarden");
        assert_eq!(password, None);
    }
}
