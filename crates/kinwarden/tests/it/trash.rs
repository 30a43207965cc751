//! The trash is emptied by the daily `trash-purge` job (SPEC §11), on both backends and in both
//! modes, on a test clock: an item in the trash for longer than `kinwarden__trashDays` days goes
//! with its attachment's file, a newer one and a live one stay with theirs, and `jobs list` shows
//! the run.

use std::sync::Arc;
use std::time::Duration as Wait;

use anyhow::Context;
use chrono::{Duration, Utc};
use kinwarden_core::clock::{Clock, ManualClock};
use kinwarden_core::ids::{AttachmentId, CipherId, UserId};
use kinwarden_store::files::AttachmentFiles;
use kinwarden_store::{AttachmentRecord, JobRunRecord, Store};
use kinwarden_testkit::{ClientAccount, Kdf, TestServer, backends};
use serde_json::{Value, json};

use crate::support::{Session, kinwarden, login, register};

const ENC: &str = "2.aXZpdml2aXZpdml2aQ==|Y3RjdGN0|bWFjbWFjbWFj";
const JOB: &str = "trash-purge";

async fn create_item(server: &TestServer, session: &Session) -> anyhow::Result<CipherId> {
    let note = json!({"type": 2, "name": ENC, "notes": null, "secureNote": {"type": 0}});
    let created: Value = session
        .post(server, "/api/ciphers", &note)
        .await?
        .json()
        .await?;
    Ok(created["id"].as_str().context("an item id")?.parse()?)
}

async fn trash(server: &TestServer, session: &Session, id: CipherId) -> anyhow::Result<()> {
    let path = format!("/api/ciphers/{id}/delete");
    let response = session.put(server, &path, &json!({})).await?;
    anyhow::ensure!(
        response.status().is_success(),
        "trash: {}",
        response.status()
    );
    Ok(())
}

/// The items `GET /api/sync` lists, with their deletion dates.
async fn synced(server: &TestServer, session: &Session) -> anyhow::Result<Vec<(CipherId, Value)>> {
    let sync: Value = session.get(server, "/api/sync").await?.json().await?;
    sync["ciphers"]
        .as_array()
        .context("ciphers")?
        .iter()
        .map(|item| {
            let id = item["id"].as_str().context("id")?.parse()?;
            Ok((id, item["deletedDate"].clone()))
        })
        .collect()
}

/// An attachment of `cipher` as an upload leaves it: its record, and its file on disk.
async fn attach(
    server: &TestServer,
    user: UserId,
    cipher: CipherId,
    now_ms: i64,
) -> anyhow::Result<AttachmentId> {
    let store = server.store().context("running")?;
    let record = AttachmentRecord {
        id: AttachmentId::new(),
        cipher_id: cipher,
        file_name: ENC.into(),
        key: Some(ENC.into()),
        size: 9,
        validated: true,
        created_at: now_ms,
    };
    anyhow::ensure!(
        store
            .add_attachment(kinwarden_store::ItemOwner::User(user), &record)
            .await?
    );
    files(server).write(cipher, record.id, b"encrypted")?;
    Ok(record.id)
}

fn files(server: &TestServer) -> AttachmentFiles {
    AttachmentFiles::new(server.bwdata.join("attachments"))
}

/// Runs the job as the scheduler does at a check, and answers the recorded run of the current
/// slot once it has finished (the server's own scheduler may be the one that took the slot).
async fn purge_now(server: &TestServer, clock: &ManualClock) -> anyhow::Result<JobRunRecord> {
    server.run_if_due(JOB).await?;
    let store: &Store = server.store().context("running")?;
    for _ in 0..100 {
        if let Some(run) = store.last_job_run(JOB).await?
            && run.started_at == clock.now_millis()
            && run.finished_at.is_some()
        {
            return Ok(run);
        }
        tokio::time::sleep(Wait::from_millis(100)).await;
    }
    anyhow::bail!("the run of this slot did not finish")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_job_deletes_items_trashed_longer_ago_than_the_setting() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let clock = Arc::new(ManualClock::new(Utc::now()));
        let server = TestServer::self_hosted()
            .backend(backend)
            .clock(clock.clone())
            .start()
            .await?;
        let account = ClientAccount::new(
            "ann@example.com",
            "a long password",
            Kdf::DEFAULT_ITERATIONS,
        )?;
        register(&server, &account).await?;
        let session = login(&server, &account).await?;
        let user: UserId = session.user_id(&server).await?.parse()?;
        let old = create_item(&server, &session).await?;
        let newer = create_item(&server, &session).await?;
        let live = create_item(&server, &session).await?;

        // Trashed 31 days before the run, and 29 days before it; each with a file.
        trash(&server, &session, old).await?;
        let old_file = attach(&server, user, old, clock.now_millis()).await?;
        clock.advance(Duration::days(2));
        let session = login(&server, &account).await?;
        trash(&server, &session, newer).await?;
        let newer_file = attach(&server, user, newer, clock.now_millis()).await?;
        clock.advance(Duration::days(29));
        assert!(files(&server).read(old, old_file)?.is_some(), "{name}");

        let run = purge_now(&server, &clock).await?;
        assert_eq!(run.succeeded, Some(true), "{name}: {run:?}");
        assert_eq!(
            run.message.as_deref(),
            Some("1 item(s) deleted from the trash, with 1 attachment(s)"),
            "{name}"
        );

        let session = login(&server, &account).await?;
        let items = synced(&server, &session).await?;
        let ids: Vec<CipherId> = items.iter().map(|(id, _)| *id).collect();
        assert!(!ids.contains(&old), "{name}: the old item is gone");
        assert!(
            ids.contains(&newer) && ids.contains(&live),
            "{name}: {ids:?}"
        );
        for (id, deleted) in &items {
            assert_eq!(deleted.is_null(), *id == live, "{name}: {id} {deleted}");
        }
        assert_eq!(files(&server).read(old, old_file)?, None, "{name}");
        assert!(
            !server
                .bwdata
                .join("attachments")
                .join(old.to_string())
                .exists(),
            "{name}: the item's folder goes with its last file"
        );
        assert_eq!(
            files(&server).read(newer, newer_file)?,
            Some(b"encrypted".to_vec()),
            "{name}: the newer item keeps its file"
        );

        // The command line lists the run, and runs the job on its own (on the real clock,
        // where nothing is due).
        let (code, out) = kinwarden(&server, &["jobs", "list"]).await?;
        assert_eq!(code, 0, "{name}: {out}");
        let listed = out
            .lines()
            .position(|line| line.starts_with(JOB))
            .context("trash-purge is listed")?;
        assert!(
            out.lines()
                .nth(listed)
                .is_some_and(|line| line.contains("ok")),
            "{out}"
        );
        assert!(
            out.lines()
                .nth(listed + 1)
                .is_some_and(|line| line.contains("1 item(s) deleted from the trash")),
            "{name}: {out}"
        );
        let (code, out) = kinwarden(&server, &["jobs", "run", JOB]).await?;
        assert_eq!(code, 0, "{name}: {out}");
        assert!(
            out.contains("trash-purge: 0 item(s) deleted from the trash"),
            "{name}: {out}"
        );
        assert_eq!(synced(&server, &session).await?.len(), 2, "{name}");
        server.stop().await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_days_are_a_setting() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let clock = Arc::new(ManualClock::new(Utc::now()));
        let server = TestServer::cloud()
            .backend(backend)
            .clock(clock.clone())
            .setting("kinwarden__trashDays", "1")
            .start()
            .await?;
        let account =
            ClientAccount::new("bo@example.com", "a long password", Kdf::DEFAULT_ITERATIONS)?;
        register(&server, &account).await?;
        let session = login(&server, &account).await?;
        let day_old = create_item(&server, &session).await?;
        let fresh = create_item(&server, &session).await?;
        trash(&server, &session, day_old).await?;
        clock.advance(Duration::hours(20));
        let session = login(&server, &account).await?;
        trash(&server, &session, fresh).await?;
        clock.advance(Duration::hours(5));

        let run = purge_now(&server, &clock).await?;
        assert_eq!(
            run.message.as_deref(),
            Some("1 item(s) deleted from the trash, with 0 attachment(s)"),
            "{name}"
        );
        let session = login(&server, &account).await?;
        let ids: Vec<CipherId> = synced(&server, &session)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(
            ids,
            vec![fresh],
            "{name}: 25 hours is more than a day, 5 is not"
        );
        server.stop().await?;
    }
    Ok(())
}
