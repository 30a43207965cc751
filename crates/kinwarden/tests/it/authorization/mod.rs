//! The authorization matrix: every route the server serves × every kind of caller, on a cloud
//! and on a self-hosted server, with the class of answer each must get (reference §0.3–§0.4).
//! The route list is the served OpenAPI document, built from the same calls as the router, and
//! the pages' `PAGE_ROUTES`, from which the pages' router is made: a route without a row here
//! fails the test, and so does a row without a route.

mod browsers;
mod calls;
mod page_rows;
mod rows;
mod rules;
mod world;

use std::collections::BTreeSet;

use kinwarden_testkit::backends;

use page_rows::PAGE_ROWS;
use rows::ROWS;
use rules::{Answer, CALLERS, Caller, Expect, Row, expect, meets};
use world::worlds;

#[tokio::test]
async fn every_route_admits_exactly_its_callers_in_both_modes() -> anyhow::Result<()> {
    let all: Vec<&Row> = ROWS.iter().chain(PAGE_ROWS).collect();
    for backend in backends() {
        let (cloud, self_hosted) = worlds(backend).await?;
        let rows: BTreeSet<String> = all
            .iter()
            .map(|row| format!("{} {}", row.method, row.path))
            .collect();
        assert_eq!(rows.len(), all.len(), "a route has two rows");
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
        let mut report =
            |world: &world::World, row: &Row, caller: Caller, wanted: Expect, answer: Answer| {
                failures.push(format!(
                    "{} {} {} as {caller:?}: {answer:?}, wanted {wanted:?}",
                    if world.cloud { "cloud" } else { "self-hosted" },
                    row.method,
                    row.path,
                ));
            };
        // A page's form without its CSRF field is refused before anything happens, even for
        // the owner, whom every page admits.
        for row in PAGE_ROWS.iter().filter(|row| row.method == "POST") {
            for world in [&cloud, &self_hosted] {
                if row.in_mode(world.cloud) {
                    let answer = world.send(row, Caller::Owner, false).await?;
                    if !meets(Expect::CsrfRefused, &answer) {
                        report(world, row, Caller::Owner, Expect::CsrfRefused, answer);
                    }
                }
            }
        }
        // Destructive rows after the others, and the rows that end memberships last.
        let mut ordered = all.clone();
        ordered.sort_by_key(|row| (row.destructive, row.last));
        for row in ordered {
            for world in [&cloud, &self_hosted] {
                for caller in CALLERS {
                    let wanted = expect(row, caller, world.cloud);
                    let answer = world.call(row, caller).await?;
                    if answer.status >= 500 || !meets(wanted, &answer) {
                        report(world, row, caller, wanted, answer);
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
