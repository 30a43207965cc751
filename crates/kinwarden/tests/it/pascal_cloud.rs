//! A self-hosted server against a cloud that answers as a .NET server with default JSON options
//! can (SPEC §12, the cloud's answers; issue 19 acceptance 4): every property name of every
//! answer in PascalCase (the installation token, the sponsorship sync, the license sync, the
//! errors) and every sync date without an offset. The billing sync and *Sync license* work the
//! same, end to end; a date the server cannot read fails the sync, naming the field.
//!
//! The test cloud is a Kinwarden cloud behind a [`FaultProxy`] that rewrites its answers
//! ([`kinwarden_testkit::pascal_case`]). The license document of a license sync answer is
//! re-cased but keeps its dates as the cloud signed them.

use anyhow::Context;
use chrono::{DateTime, Utc};
use kinwarden_testkit::{Fault, FaultProxy, backends};
use serde_json::{Value, json};

use crate::connections::{connected_org, offer};
use crate::self_hosted_license::{PairOptions, pair_setup};
use crate::support::{Session, kinwarden};

const SYNC_PATH: &str = "organization/sponsorship/sync";

async fn member_org(
    server: &kinwarden_testkit::TestServer,
    session: &Session,
) -> anyhow::Result<Value> {
    let sync: Value = session.get(server, "/api/sync").await?.json().await?;
    Ok(sync["profile"]["organizations"][0].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn billing_sync_and_sync_license_against_a_pascal_case_cloud() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let pair = pair_setup(
            backend,
            10,
            PairOptions {
                via_proxy: true,
                ..PairOptions::default()
            },
        )
        .await?;
        let server = &pair.self_hosted;
        let proxy: &FaultProxy = pair.proxy.as_ref().context("proxy")?;
        proxy.answer_in_pascal_case();

        // Save checks the billing sync token with the cloud: a PascalCase token answer and a
        // PascalCase (empty) sync answer.
        let (session, org_id) = connected_org(&pair).await?;
        assert!(proxy.rewritten("connect/token") >= 1, "{name}");
        assert!(proxy.rewritten(SYNC_PATH) >= 1, "{name}");
        let offered = offer(server, &session, &org_id, "family@example.com").await?;
        assert_eq!(offered.status(), 200, "{name}: {}", offered.text().await?);

        // An answer whose date cannot be read fails the sync, naming the field; the offer stays
        // Awaiting Sync instead of taking "no date" from it.
        proxy.inject(
            SYNC_PATH,
            0,
            Fault::Answer(
                200,
                json!({"SponsorshipsBatch": [{"SponsoringOrganizationUserId": "x",
                    "LastSyncDate": "20/08/2026 12:34", "ToDelete": false}]})
                .to_string(),
            ),
        );
        let (code, out) = kinwarden(server, &["sync"]).await?;
        assert_ne!(code, 0, "{name}: {out}");
        assert!(
            out.contains("lastSyncDate") && out.contains("20/08/2026 12:34"),
            "{name}: {out}"
        );
        assert!(
            member_org(server, &session).await?["familySponsorshipLastSyncDate"].is_null(),
            "{name}: still Awaiting Sync"
        );
        proxy.heal();

        // The offer reaches the cloud; the answer's offset-less date is the cloud's UTC instant.
        let before = Utc::now();
        let (code, out) = kinwarden(server, &["sync"]).await?;
        let after = Utc::now();
        assert_eq!(code, 0, "{name}: {out}");
        let org = member_org(server, &session).await?;
        let synced: DateTime<Utc> = org["familySponsorshipLastSyncDate"]
            .as_str()
            .with_context(|| format!("{name}: no sync date in {org}"))?
            .parse()?;
        // Millisecond precision on both ends.
        let slack = chrono::Duration::milliseconds(1);
        assert!(
            before - slack <= synced && synced <= after + slack,
            "{name}: {synced} outside {before}..{after}"
        );
        let cloud_status: Value = pair
            .cloud_session
            .get(
                &pair.cloud,
                &format!(
                    "/api/organization/sponsorship/{}/sync-status",
                    pair.cloud_org_id
                ),
            )
            .await?
            .json()
            .await?;
        assert!(
            cloud_status["lastSyncDate"].is_string(),
            "{name}: {cloud_status}"
        );

        // Revoked, the offer is marked to delete; the cloud answers (in PascalCase) that it
        // removed it, and the self-hosted row goes.
        let revoked = session
            .delete(
                server,
                &format!("/api/organization/sponsorship/self-hosted/{org_id}"),
            )
            .await?;
        assert_eq!(revoked.status(), 200, "{name}");
        let (code, out) = kinwarden(server, &["sync"]).await?;
        assert_eq!(code, 0, "{name}: {out}");
        let org = member_org(server, &session).await?;
        assert!(
            org["familySponsorshipFriendlyName"].is_null(),
            "{name}: the row is gone: {org}"
        );
        assert!(proxy.rewritten(SYNC_PATH) >= 3, "{name}");

        // *Sync license*: a seat change on the cloud arrives through a PascalCase license answer.
        let adjusted = pair
            .cloud_session
            .post(
                &pair.cloud,
                &format!("/api/organizations/{}/subscription", pair.cloud_org_id),
                &json!({"seatAdjustment": 5}),
            )
            .await?;
        assert_eq!(adjusted.status(), 200, "{name}");
        let sync_path = format!("/api/organizations/licenses/self-hosted/{org_id}/sync");
        let synced = session.post(server, &sync_path, &json!({})).await?;
        assert_eq!(synced.status(), 200, "{name}: {}", synced.text().await?);
        let outcome: Value = synced.json().await?;
        assert_eq!(outcome["succeeded"], true, "{name}: {outcome}");
        assert_eq!(outcome["counts"]["seats"], 15, "{name}: {outcome}");
        assert_eq!(proxy.rewritten("licenses/organization/"), 1, "{name}");

        // A cloud refusal in PascalCase still says why.
        proxy.inject(
            "licenses/organization/",
            0,
            Fault::Answer(
                400,
                json!({"Message": "Invalid license key.", "ValidationErrors": null,
                    "Object": "error"})
                .to_string(),
            ),
        );
        let refused = session.post(server, &sync_path, &json!({})).await?;
        assert_eq!(refused.status(), 400, "{name}");
        let text = refused.text().await?;
        assert!(text.contains("Invalid license key."), "{name}: {text}");
        pair.stop().await?;
    }
    Ok(())
}
