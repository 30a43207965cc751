//! The authorization matrix: every route the server serves × every kind of caller, on a cloud
//! and on a self-hosted server, with the class of answer each must get (reference §0.3–§0.4).
//! The route list is the served OpenAPI document, built from the same calls as the router: a
//! route without a row here fails the test, and so does a row without a route.

mod rows;
mod rules;
mod world;

use std::collections::BTreeSet;

use kinwarden_testkit::backends;

use rows::ROWS;
use rules::{CALLERS, expect, meets};
use world::worlds;

#[tokio::test]
async fn every_route_admits_exactly_its_callers_in_both_modes() -> anyhow::Result<()> {
    for backend in backends() {
        let (cloud, self_hosted) = worlds(backend).await?;
        let rows: BTreeSet<String> = ROWS
            .iter()
            .map(|row| format!("{} {}", row.method, row.path))
            .collect();
        assert_eq!(rows.len(), ROWS.len(), "a route has two rows");
        for world in [&cloud, &self_hosted] {
            let served = world.served_routes().await?;
            let missing: Vec<_> = served.difference(&rows).collect();
            let stale: Vec<_> = rows.difference(&served).collect();
            assert!(
                missing.is_empty() && stale.is_empty(),
                "routes without a row: {missing:?}; rows without a route: {stale:?}"
            );
        }

        let mut failures = Vec::new();
        let ordered = ROWS
            .iter()
            .filter(|row| !row.destructive)
            .chain(ROWS.iter().filter(|row| row.destructive));
        for row in ordered {
            for world in [&cloud, &self_hosted] {
                for caller in CALLERS {
                    let wanted = expect(row, caller, world.cloud);
                    let (status, message) = world.call(row, caller).await?;
                    if status >= 500 || !meets(wanted, status, message.as_deref()) {
                        failures.push(format!(
                            "{} {} {} as {caller:?}: {status} {message:?}, wanted {wanted:?}",
                            if world.cloud { "cloud" } else { "self-hosted" },
                            row.method,
                            row.path,
                        ));
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} answers out of place:\n{}",
            failures.len(),
            failures.join("\n")
        );
        cloud.server.stop().await?;
        self_hosted.server.stop().await?;
    }
    Ok(())
}
