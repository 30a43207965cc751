//! The sync under network faults between a self-hosted server and its cloud (SPEC §6, §10): for
//! each fault a recorded error that names the cause, retries only for passing faults (and a
//! bounded number of them), the offer still Awaiting Sync; then a clean sync heals.

use anyhow::Context;
use kinwarden_testkit::{Fault, FaultProxy, backends};
use serde_json::Value;

use crate::connections::{connected_org, offer};
use crate::self_hosted_license::{PairOptions, pair_setup};
use crate::support::{Session, kinwarden};

const SYNC_PATH: &str = "organization/sponsorship/sync";
const ATTEMPTS: usize = 3;

/// One fault, how many tries the sync should make under it, and what its message must say.
struct Case<'a> {
    name: &'static str,
    fault: Option<Fault>,
    tries: usize,
    says: Vec<&'a str>,
}

async fn awaiting_sync(
    server: &kinwarden_testkit::TestServer,
    session: &Session,
) -> anyhow::Result<bool> {
    let sync: Value = session.get(server, "/api/sync").await?.json().await?;
    Ok(sync["profile"]["organizations"][0]["familySponsorshipLastSyncDate"].is_null())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_is_named_retried_only_when_passing_and_healed() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let pair = pair_setup(
            backend,
            10,
            PairOptions {
                extra: &[
                    ("kinwarden__cloudTimeout", "1s"),
                    ("kinwarden__cloudAttempts", "3"),
                ],
                via_proxy: true,
                ..PairOptions::default()
            },
        )
        .await?;
        let server = &pair.self_hosted;
        let proxy: &FaultProxy = pair.proxy.as_ref().context("proxy")?;
        let (session, org_id) = connected_org(&pair).await?;
        let offered = offer(server, &session, &org_id, "family@example.com").await?;
        assert_eq!(offered.status(), 200, "{name}");
        let host = format!("127.0.0.1:{}", proxy.url.port().unwrap_or(443));

        let cases = [
            Case {
                name: "500",
                fault: Some(Fault::Status(500)),
                tries: 1,
                says: vec!["500"],
            },
            Case {
                name: "502",
                fault: Some(Fault::Status(502)),
                tries: ATTEMPTS,
                says: vec!["502", "gateway"],
            },
            Case {
                name: "503",
                fault: Some(Fault::Status(503)),
                tries: ATTEMPTS,
                says: vec!["503"],
            },
            Case {
                name: "malformed JSON",
                fault: Some(Fault::Malformed),
                tries: 1,
                says: vec!["answer"],
            },
            Case {
                name: "cut mid-body",
                fault: Some(Fault::CutBody),
                tries: 1,
                says: vec!["broke while its answer was arriving"],
            },
            Case {
                name: "slower than the timeout",
                fault: Some(Fault::Delay(std::time::Duration::from_secs(3))),
                tries: ATTEMPTS,
                says: vec!["no answer in time", &host],
            },
        ];
        for case in &cases {
            proxy.heal();
            if let Some(fault) = &case.fault {
                proxy.inject(SYNC_PATH, 0, fault.clone());
            }
            let before = proxy.received(SYNC_PATH);
            let (code, out) = kinwarden(server, &["sync"]).await?;
            assert_eq!(code, 1, "{name} {}: {out}", case.name);
            for word in &case.says {
                assert!(
                    out.to_lowercase().contains(&word.to_lowercase()),
                    "{name} {}: {word:?} in {out}",
                    case.name
                );
            }
            assert_eq!(
                proxy.received(SYNC_PATH) - before,
                case.tries,
                "{name} {}: tries",
                case.name
            );
            assert!(
                awaiting_sync(server, &session).await?,
                "{name} {}: still Awaiting Sync",
                case.name
            );
        }
        proxy.heal();

        // Refused: nothing listens.
        proxy.pause();
        let (code, out) = kinwarden(server, &["sync"]).await?;
        assert_eq!(code, 1, "{name}: {out}");
        assert!(
            out.contains("refused") && out.contains(&host),
            "{name}: {out}"
        );
        assert!(awaiting_sync(server, &session).await?);

        // A certificate the server does not trust: no retry, and the message says TLS.
        proxy.resume_untrusted().await?;
        let before = proxy.received(SYNC_PATH);
        let (code, out) = kinwarden(server, &["sync"]).await?;
        assert_eq!(code, 1, "{name}: {out}");
        assert!(
            out.contains("TLS") || out.contains("certificate"),
            "{name}: {out}"
        );
        assert_eq!(
            proxy.received(SYNC_PATH),
            before,
            "{name}: the request never got through"
        );
        assert!(awaiting_sync(server, &session).await?);

        // Every failure was recorded, with its code.
        let store = server.store().context("store")?;
        let outcomes = store
            .recent_outcomes(org_id.parse().expect("an id"), "sponsorship-sync", 20)
            .await?;
        assert!(outcomes.len() >= cases.len() + 2, "{name}");
        assert!(
            outcomes.iter().all(|o| !o.succeeded && o.code.is_some()),
            "{name}"
        );

        // The next clean sync heals: synced, and the cloud holds the offer once.
        proxy.resume().await?;
        let (code, out) = kinwarden(server, &["sync"]).await?;
        assert_eq!(code, 0, "{name}: {out}");
        assert!(!awaiting_sync(server, &session).await?, "{name}: synced");
        let cloud_rows = pair
            .cloud
            .store()
            .context("cloud store")?
            .sponsorships_of_organization(pair.cloud_org_id.parse().expect("an id"))
            .await?;
        assert_eq!(cloud_rows.len(), 1, "{name}: once on the cloud");
        let offers = pair
            .cloud
            .store()
            .context("cloud store")?
            .list_mail()
            .await?
            .iter()
            .filter(|mail| mail.recipient == "family@example.com")
            .count();
        assert_eq!(offers, 1, "{name}: one offer e-mail");
        pair.stop().await?;
    }
    Ok(())
}
