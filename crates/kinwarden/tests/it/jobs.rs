//! Scheduled jobs: `kinwarden jobs run license-validation` disables a self-hosted organization
//! whose license no longer holds and mails its billing contact; `jobs list` shows the run; the
//! scheduler runs a slot once.

use serde_json::Value;

use crate::self_hosted_license::{pair, self_hosted_owner, upload};
use crate::support::kinwarden;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn license_validation_disables_an_organization_without_its_license() -> anyhow::Result<()> {
    let pair = pair(kinwarden_testkit::TestBackend::Sqlite, 5).await?;
    let server = &pair.self_hosted;
    let (owner, session, org) = self_hosted_owner(server).await?;
    let license = pair.download_license(&pair.installation_id).await?;
    let created: Value = upload(
        server,
        &session,
        "/api/organizations/licenses/self-hosted",
        &license,
        &owner,
        &org,
    )
    .await?
    .json()
    .await?;
    let org_id = created["id"].as_str().expect("id").to_string();

    let (code, out) = kinwarden(server, &["jobs", "run", "license-validation"]).await?;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("all licenses valid"), "{out}");

    std::fs::remove_file(
        server
            .bwdata
            .join(format!("core/licenses/organization/{org_id}.json")),
    )?;
    let (code, out) = kinwarden(server, &["jobs", "run", "license-validation"]).await?;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("No license file."), "{out}");
    let read: Value = session
        .get(server, &format!("/api/organizations/{org_id}"))
        .await?
        .json()
        .await?;
    assert_eq!(read["enabled"], false);

    // The billing contact is told (no SMTP here, so the outbox directory).
    let mut found = false;
    for _ in 0..100 {
        let mails: Vec<String> = std::fs::read_dir(server.mail_dir())?
            .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
            .collect();
        if mails
            .iter()
            .any(|mail| mail.contains("License Expired") && mail.contains("To: billing@acme.test"))
        {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(found, "the License Expired mail is written");

    let (code, out) = kinwarden(server, &["jobs", "list"]).await?;
    assert_eq!(code, 0);
    assert!(
        out.contains("license-validation") && out.contains("ok"),
        "{out}"
    );
    let (code, _) = kinwarden(server, &["jobs", "run", "no-such-job"]).await?;
    assert_eq!(code, 2);

    // The server's own scheduler ran the latest slot at start, once.
    let store = server.store().expect("running");
    let last = store.last_scheduled_slot("license-validation").await?;
    assert!(last.is_some(), "the scheduler made up the latest slot");
    pair.stop().await?;
    Ok(())
}

/// Issue acceptance: the daily sponsorship sync runs once per day per organization even with two
/// self-hosted processes on one PostgreSQL database, both checking at the same moment on a test
/// clock. (PostgreSQL only: it is where several processes share a database.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_sync_runs_once_with_two_processes_on_one_database() -> anyhow::Result<()> {
    use std::sync::Arc;

    use anyhow::Context;
    use chrono::{Duration, Utc};
    use kinwarden_core::clock::ManualClock;
    use kinwarden_core::schedule::Schedule;
    use kinwarden_testkit::{TestBackend, TestServer};

    use crate::connections::connected_org;
    use crate::self_hosted_license::{PairOptions, pair_setup};

    for backend in kinwarden_testkit::backends() {
        if !matches!(backend, TestBackend::Postgres(_)) {
            continue;
        }
        // The clock starts a little ahead (the cloud issues the license on real time, and it
        // must not look issued in the future) and moves to each of the next three daily slots.
        let now = Utc::now() + Duration::hours(1);
        let first_slot = Schedule::daily_at(&[3 * 60]).next_slot(now);
        let clock = Arc::new(ManualClock::new(now));
        let pair = pair_setup(
            backend,
            10,
            PairOptions {
                extra: &[("kinwarden__syncTime", "03:00")],
                self_hosted_clock: Some(clock.clone()),
                ..PairOptions::default()
            },
        )
        .await?;
        let first = &pair.self_hosted;
        let (_, org_id) = connected_org(&pair).await?;
        // A second process: the same configuration and database, the same clock.
        let mut second = TestServer::self_hosted().clock(clock.clone());
        for (key, value) in &first.settings {
            second = second.setting(key, value);
        }
        let second = second.start().await?;
        std::fs::copy(
            first.bwdata.join("core/licensing.pub.pem"),
            second.bwdata.join("core/licensing.pub.pem"),
        )?;
        let licenses = "core/licenses/organization";
        std::fs::create_dir_all(second.bwdata.join(licenses))?;
        for entry in std::fs::read_dir(first.bwdata.join(licenses))? {
            let entry = entry?;
            std::fs::copy(
                entry.path(),
                second.bwdata.join(licenses).join(entry.file_name()),
            )?;
        }
        let store = first.store().context("store")?;
        let runs = || async {
            anyhow::Ok(
                store
                    .recent_outcomes(org_id.parse().expect("an id"), "sponsorship-sync", 100)
                    .await?
                    .iter()
                    .filter(|outcome| outcome.started_by == "job")
                    .count(),
            )
        };
        // Yesterday's slot was made up at start by whichever process came first (before the
        // connection existed, so nothing was recorded for the organization).
        let at_start = runs().await?;

        for day in 0..3 {
            clock.set(first_slot + Duration::days(day) + Duration::minutes(1));
            let (a, b) = tokio::join!(
                first.run_if_due("sponsorship-sync"),
                second.run_if_due("sponsorship-sync")
            );
            a?;
            b?;
            let (a, b) = tokio::join!(
                first.run_if_due("sponsorship-sync"),
                second.run_if_due("sponsorship-sync")
            );
            a?;
            b?;
            let last = store.last_job_run("sponsorship-sync").await?;
            assert_eq!(
                runs().await? - at_start,
                usize::try_from(day + 1)?,
                "one run on day {day}: {last:?}"
            );
        }
        second.stop().await?;
        pair.stop().await?;
    }
    Ok(())
}
