//! `kinwarden-bench`: the figures of SPEC §10, each beside its floor measured in the same run
//! (or, where the contract compares with Vaultwarden, beside Vaultwarden's reference figure),
//! printed as one Markdown table. Run it through `bash bench/run` (release build).
//!
//! Flags: `--quick` (10,000 sponsorships only, shorter load windows), `--rows N` (sync figures
//! for N sponsorships only), `--items N` (a vault of N items instead of 5,000), `--only LIST` (a
//! comma-separated subset of `sync,concurrent,start,rates,vault`). PostgreSQL figures are added
//! when `KINWARDEN_TEST_POSTGRES` names a server.

mod concurrent;
mod load;
mod raw;
mod serve;
mod setup;
mod sync;
mod table;
mod vault;
mod vault_floor;

use std::path::PathBuf;
use std::time::Duration;

use kinwarden_testkit::{TestBackend, backends};

use crate::table::{Line, Table, ms, secs};
use crate::vault::{COLLECTIONS, FOLDERS, SYNCS};

struct Options {
    quick: bool,
    rows: Option<usize>,
    items: usize,
    only: Option<Vec<String>>,
    kinwarden: PathBuf,
}

impl Options {
    fn parse() -> anyhow::Result<Self> {
        let mut quick = false;
        let mut rows = None;
        let mut items = vault::ITEMS;
        let mut only = None;
        let mut kinwarden = std::env::current_exe()?.with_file_name("kinwarden");
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--quick" => quick = true,
                "--rows" => {
                    rows = Some(
                        args.next()
                            .and_then(|n| n.parse().ok())
                            .ok_or_else(|| anyhow::anyhow!("--rows needs a number"))?,
                    );
                }
                "--items" => {
                    items = args
                        .next()
                        .and_then(|n| n.parse().ok())
                        .filter(|n| *n > 0)
                        .ok_or_else(|| anyhow::anyhow!("--items needs a number above 0"))?;
                }
                "--only" => {
                    let list = args
                        .next()
                        .ok_or_else(|| anyhow::anyhow!("--only needs a list"))?;
                    only = Some(list.split(',').map(str::to_string).collect());
                }
                "--kinwarden" => {
                    kinwarden = args
                        .next()
                        .ok_or_else(|| anyhow::anyhow!("--kinwarden needs a path"))?
                        .into();
                }
                other => anyhow::bail!(
                    "unknown argument {other:?}; use --quick, --rows N, --items N, --only sync,concurrent,start,rates,vault, --kinwarden PATH"
                ),
            }
        }
        Ok(Self {
            quick,
            rows,
            items,
            only,
            kinwarden,
        })
    }

    fn wants(&self, section: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| only.iter().any(|s| s == section))
    }
}

#[tokio::main]
async fn main() {
    if let Err(err) = run().await {
        eprintln!("kinwarden-bench: {err:#}");
        std::process::exit(1);
    }
}

async fn run() -> anyhow::Result<()> {
    let options = Options::parse()?;
    let mut table = Table::default();
    let sizes: Vec<usize> = match (options.rows, options.quick) {
        (Some(rows), _) => vec![rows],
        (None, true) => vec![10_000],
        (None, false) => vec![10_000, 100_000],
    };
    if options.wants("sync") {
        for backend in backends() {
            for &n in &sizes {
                eprintln!("sync: {n} sponsorships on {}", backend.name());
                let figures = sync::run(&backend, n).await?;
                table.push(Line::ratio(
                    format!("full sync, {n} sponsorships, {}", backend.name()),
                    secs(figures.first),
                    format!(
                        "{} (insert {} + update {})",
                        secs(figures.floor()),
                        secs(figures.floor_insert),
                        secs(figures.floor_update)
                    ),
                    figures.first.as_secs_f64() / figures.floor().as_secs_f64(),
                    "≤ 2× floor",
                    2.0,
                    floor_reference(&backend, n),
                ));
                table.push(Line::ratio(
                    format!(
                        "  the same, floor with the {n} offer e-mails it queues, {}",
                        backend.name()
                    ),
                    secs(figures.first),
                    format!(
                        "{} (insert with e-mails {} + update {})",
                        secs(figures.floor_with_mails()),
                        secs(figures.floor_insert_with_mails),
                        secs(figures.floor_update)
                    ),
                    figures.first.as_secs_f64() / figures.floor_with_mails().as_secs_f64(),
                    "(≤ 2×, not in SPEC)",
                    2.0,
                    String::new(),
                ));
                table.push(Line::ratio(
                    format!("second sync, nothing changed, {n}, {}", backend.name()),
                    secs(figures.second),
                    format!("first sync {}", secs(figures.first)),
                    figures.second.as_secs_f64() / figures.first.as_secs_f64(),
                    "≤ 0.25× first",
                    0.25,
                    String::new(),
                ));
            }
        }
    }
    if options.wants("concurrent") {
        let batches = if options.quick { 2 } else { 4 };
        for backend in backends() {
            eprintln!(
                "concurrent: {} installations × {batches} batches on {}",
                concurrent::INSTALLATIONS,
                backend.name()
            );
            let figures = concurrent::run(&backend, batches).await?;
            let (sync, floor) = (&figures.sync, &figures.floor);
            table.push(Line::at_least(
                format!("32 installations, new offers, rows/s, {}", backend.name()),
                format!("{:.0}", sync.rows_per_second),
                format!("{:.0} raw upserts/s", floor.rows_per_second),
                sync.rows_per_second / floor.rows_per_second,
                "≥ 0.5× floor",
                0.5,
                String::new(),
            ));
            table.push(Line::ratio(
                format!(
                    "32 installations, new offers, batch p99, {}",
                    backend.name()
                ),
                format!("{} (p50 {})", ms(sync.p99), ms(sync.p50)),
                format!("{} (p50 {})", ms(floor.p99), ms(floor.p50)),
                sync.p99.as_secs_f64() / floor.p99.as_secs_f64(),
                "≤ 2× floor",
                2.0,
                String::new(),
            ));
            let again = &figures.again;
            table.push(Line::at_least(
                format!(
                    "  again, nothing new (daily sync), rows/s, {}",
                    backend.name()
                ),
                format!("{:.0}", again.rows_per_second),
                format!("{:.0} raw upserts/s", floor.rows_per_second),
                again.rows_per_second / floor.rows_per_second,
                "≥ 0.5× floor",
                0.5,
                String::new(),
            ));
            table.push(Line::ratio(
                format!(
                    "  again, nothing new (daily sync), batch p99, {}",
                    backend.name()
                ),
                format!("{} (p50 {})", ms(again.p99), ms(again.p50)),
                format!("{} (p50 {})", ms(floor.p99), ms(floor.p50)),
                again.p99.as_secs_f64() / floor.p99.as_secs_f64(),
                "≤ 2× floor",
                2.0,
                String::new(),
            ));
        }
    }
    if options.wants("start") {
        eprintln!("start and memory: {}", options.kinwarden.display());
        let figures = serve::start_and_memory(&options.kinwarden, 5).await?;
        for (what, rss) in [
            ("idle RSS after start", figures.rss_idle),
            ("idle RSS after 10,000 requests", figures.rss_after),
        ] {
            table.push(Line::absolute(
                what.into(),
                format!(
                    "{:.1} MiB ({:.1} code and files, {:.1} own)",
                    rss.total, rss.file, rss.anon
                ),
                rss.total < 20.0,
                "< 20 MiB",
                "Vaultwarden 28.8 MiB".into(),
            ));
        }
        table.push(Line::absolute(
            "start to first /alive, existing bwdata".into(),
            ms(figures.existing),
            figures.existing < Duration::from_millis(40),
            "< 40 ms",
            "Vaultwarden 36.5 ms".into(),
        ));
        table.push(Line::absolute(
            "start to first /alive, empty bwdata".into(),
            ms(figures.empty),
            true,
            "(no target)",
            String::new(),
        ));
    }
    if options.wants("rates") {
        let seconds = if options.quick { 3 } else { 5 };
        eprintln!("request rates: {seconds} s windows");
        let figures = serve::rates(&options.kinwarden, seconds).await?;
        let peer = |figure: String, value: f64, vaultwarden: f64, factor: f64| {
            Line::at_least(
                figure,
                format!("{value:.1}/s"),
                format!("Vaultwarden {vaultwarden}/s (reference)"),
                value / vaultwarden,
                format!("≥ {factor}× Vaultwarden"),
                factor,
                String::new(),
            )
        };
        table.push(peer(
            "password logins/s, 600,000 iterations, 1 connection".into(),
            figures.logins_1,
            7.8,
            1.5,
        ));
        table.push(peer(
            "password logins/s, 600,000 iterations, 4 connections".into(),
            figures.logins_4,
            14.1,
            1.5,
        ));
        table.push(peer(
            "/alive requests/s, 32 connections".into(),
            figures.alive_32,
            14_600.0,
            1.0,
        ));
        table.push(peer(
            "prelogin requests/s, 32 connections".into(),
            figures.prelogin_32,
            7_000.0,
            1.0,
        ));
    }
    if options.wants("vault") {
        for backend in backends() {
            eprintln!(
                "vault: {} items in {FOLDERS} folders, half in {COLLECTIONS} collections, on {}",
                options.items,
                backend.name()
            );
            let figures =
                vault::run(&options.kinwarden, &backend, options.quick, options.items).await?;
            vault_lines(&mut table, &backend, &figures);
        }
    }
    println!("{table}");
    Ok(())
}

fn vault_lines(table: &mut Table, backend: &TestBackend, figures: &vault::VaultFigures) {
    let (name, items, shared) = (backend.name(), figures.items, figures.shared);
    // SPEC §10's reference figures are for its vault of 5,000 items.
    let reference = |text: &str| {
        if items == vault::ITEMS {
            text.to_string()
        } else {
            String::new()
        }
    };
    let sync = &figures.sync;
    let mb = |bytes: usize| bytes as f64 / 1e6;
    table.push(Line::ratio(
        format!(
            "GET /api/sync, {items} items ({shared} in {COLLECTIONS} collections of an \
             organization) in {FOLDERS} folders, warm, median of {SYNCS}, {name}"
        ),
        format!(
            "{} (p95 {}, {:.1} MB)",
            ms(sync.server.median),
            ms(sync.server.p95),
            mb(sync.bytes)
        ),
        format!(
            "{} (read {} + write {}, {:.1} MB; p95 {})",
            ms(sync.floor.median),
            ms(sync.floor_read),
            ms(sync.floor_write),
            mb(sync.floor_bytes),
            ms(sync.floor.p95)
        ),
        sync.server.median.as_secs_f64() / sync.floor.median.as_secs_f64(),
        "≤ 2× floor",
        2.0,
        reference("Vaultwarden 235 ms, 6.9 MB (5,000 personal items)"),
    ));
    let rss = sync.rss_after;
    table.push(Line::absolute(
        format!("RSS after {SYNCS} syncs of {items} items, {name}"),
        format!(
            "{:.1} MiB ({:.1} code and files, {:.1} own; {:.1} before the syncs)",
            rss.total, rss.file, rss.anon, sync.rss_before.total
        ),
        rss.total < 40.0,
        "< 40 MiB",
        reference("Vaultwarden 719 MiB"),
    ));
    let floor = match figures.import_floor.best() {
        Some((way, took)) => {
            let others: Vec<String> = figures
                .import_floor
                .ways
                .iter()
                .skip(1)
                .map(|(way, took)| format!("; {} {}", way.describe(), ms(*took)))
                .collect();
            format!(
                "{} (one transaction, {}{})",
                ms(took),
                way.describe(),
                others.concat()
            )
        }
        None => String::new(),
    };
    let figure = format!("POST /api/ciphers/import, {items} items with {FOLDERS} folders, {name}");
    match (&figures.import, figures.import_floor.best()) {
        (Ok(import), Some((_, floor_took))) => table.push(Line::ratio(
            figure,
            format!(
                "{} ({:.1} MB body, median of {})",
                ms(import.server),
                mb(import.body_bytes),
                import.runs
            ),
            floor,
            import.server.as_secs_f64() / floor_took.as_secs_f64(),
            "≤ 2× floor",
            2.0,
            String::new(),
        )),
        (Ok(_), None) => table.push(Line::skipped(
            figure,
            "no floor was measured".into(),
            floor,
            "≤ 2× floor",
        )),
        (Err(why), _) => table.push(Line::skipped(figure, why.clone(), floor, "≤ 2× floor")),
    }
}

/// SPEC §10's orientation figures for the raw floor on a 2-core machine.
fn floor_reference(backend: &TestBackend, n: usize) -> String {
    match (backend, n) {
        (TestBackend::Sqlite, 100_000) => "raw insert 2.2–2.9 s in 100 transactions".into(),
        (TestBackend::Postgres(_), 100_000) => "raw insert 1.4 s, upsert 2.5 s".into(),
        _ => String::new(),
    }
}
