//! Store tests: each runs on SQLite, and on PostgreSQL when `KINWARDEN_TEST_POSTGRES` is set.

use kinwarden_config::DatabaseConfig;
use kinwarden_store::{Backend, Store, StoreError};
use kinwarden_testkit::{ScratchPostgres, TestBackend, backends};

/// A fresh database for one test, kept alive as long as this value.
struct Fresh {
    config: DatabaseConfig,
    _dir: tempfile::TempDir,
    _pg: Option<ScratchPostgres>,
}

async fn fresh(backend: &TestBackend) -> anyhow::Result<Fresh> {
    let dir = tempfile::tempdir()?;
    Ok(match backend {
        TestBackend::Sqlite => Fresh {
            config: DatabaseConfig::Sqlite {
                path: dir.path().join("db/vault.db"),
            },
            _dir: dir,
            _pg: None,
        },
        TestBackend::Postgres(url) => {
            let pg = ScratchPostgres::create(url).await?;
            Fresh {
                config: pg.config(),
                _dir: dir,
                _pg: Some(pg),
            }
        }
    })
}

#[tokio::test]
async fn migrations_run_once_and_data_survives_reopening() -> anyhow::Result<()> {
    for backend in backends() {
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        assert_eq!(store.backend().as_str(), backend.name());
        let version = store.schema_version().await?;
        assert!(version >= 1, "{}: schema version {version}", backend.name());
        store.meta_set_all(&[("greeting", "hej")], 1).await?;
        store.close().await;

        let again = Store::open(&db.config).await?;
        assert_eq!(again.schema_version().await?, version);
        assert_eq!(again.meta_get("greeting").await?.as_deref(), Some("hej"));
        again.close().await;
    }
    Ok(())
}

#[tokio::test]
async fn meta_values_round_trip_and_overwrite() -> anyhow::Result<()> {
    for backend in backends() {
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        assert_eq!(store.meta_get("missing").await?, None);
        store.meta_set_all(&[("a", "1"), ("b", "2")], 10).await?;
        store.meta_set_all(&[("a", "3")], 20).await?;
        assert_eq!(store.meta_get("a").await?.as_deref(), Some("3"));
        assert_eq!(store.meta_get("b").await?.as_deref(), Some("2"));
        store.close().await;
    }
    Ok(())
}

#[tokio::test]
async fn a_failing_write_leaves_nothing_behind() -> anyhow::Result<()> {
    for backend in backends() {
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        store.meta_set_all(&[("kept", "old")], 1).await?;
        // The empty key breaks the table's CHECK after the first row was written.
        let result = store
            .meta_set_all(&[("kept", "new"), ("other", "x"), ("", "bad")], 2)
            .await;
        assert!(
            matches!(result, Err(StoreError::Database(_))),
            "{}",
            backend.name()
        );
        assert_eq!(store.meta_get("kept").await?.as_deref(), Some("old"));
        assert_eq!(store.meta_get("other").await?, None);
        store.close().await;
    }
    Ok(())
}

#[tokio::test]
async fn first_value_wins_even_when_raced() -> anyhow::Result<()> {
    for backend in backends() {
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        let racers: Vec<_> = (0..8)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .meta_get_or_insert("server_id", &format!("candidate-{i}"), i)
                        .await
                })
            })
            .collect();
        let mut answers = Vec::new();
        for racer in racers {
            answers.push(racer.await??);
        }
        answers.dedup();
        assert_eq!(answers.len(), 1, "{}: {answers:?}", backend.name());
        assert_eq!(store.meta_get("server_id").await?, answers.pop());
        store.close().await;
    }
    Ok(())
}

#[tokio::test]
async fn sqlite_snapshot_is_a_consistent_copy() -> anyhow::Result<()> {
    let db = fresh(&TestBackend::Sqlite).await?;
    let store = Store::open(&db.config).await?;
    store.meta_set_all(&[("kept", "yes")], 1).await?;
    let dir = tempfile::tempdir()?;
    let copy = dir.path().join("copy.db");
    store.sqlite_snapshot(&copy).await?;
    store
        .meta_set_all(&[("later", "not in the copy")], 2)
        .await?;

    let restored = Store::open(&DatabaseConfig::Sqlite { path: copy }).await?;
    assert_eq!(restored.backend(), Backend::Sqlite);
    assert_eq!(restored.meta_get("kept").await?.as_deref(), Some("yes"));
    assert_eq!(restored.meta_get("later").await?, None);
    restored.close().await;
    store.close().await;
    Ok(())
}

#[tokio::test]
async fn postgres_has_no_snapshot_file() -> anyhow::Result<()> {
    for backend in backends() {
        let TestBackend::Postgres(_) = backend else {
            continue;
        };
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        let dir = tempfile::tempdir()?;
        let result = store.sqlite_snapshot(&dir.path().join("x.db")).await;
        assert!(matches!(result, Err(StoreError::Unsupported(_))));
        store.close().await;
    }
    Ok(())
}

// The outbox's own tests live beside this file; one test binary for the whole store.
#[path = "store/outbox.rs"]
mod outbox;
#[path = "store/sponsorships.rs"]
mod sponsorships;

#[path = "store/sponsorship_lifecycle.rs"]
mod sponsorship_lifecycle;
#[path = "store/sync_bulk.rs"]
mod sync_bulk;
#[path = "store/vault.rs"]
mod vault;

/// The fixed id a test's short name stands for, of any id type: the name's bytes, so the same
/// name is the same id and ids sort as their names do (names of at most 16 bytes).
fn id<T: std::str::FromStr>(name: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    let mut bytes = [0u8; 16];
    bytes[..name.len()].copy_from_slice(name.as_bytes());
    uuid::Uuid::from_bytes(bytes)
        .to_string()
        .parse()
        .expect("an id")
}

/// The short name an [`id`] was made from.
fn name_of(id: impl std::fmt::Display) -> String {
    let uuid = uuid::Uuid::parse_str(&id.to_string()).expect("an id");
    let bytes: Vec<u8> = uuid
        .as_bytes()
        .iter()
        .copied()
        .take_while(|b| *b != 0)
        .collect();
    String::from_utf8(bytes).expect("a name")
}
