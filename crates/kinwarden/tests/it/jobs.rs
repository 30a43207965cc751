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
