//! Logs (text or JSON) through `tracing`. The filter comes from `RUST_LOG` when set, else from
//! `kinwarden__logLevel`. Secrets never reach a log: config values that are secrets are typed as
//! such, and requests are logged by path only.

use std::io::IsTerminal;

use kinwarden_config::{Config, LogFormat};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

pub fn init(config: &Config) {
    let builder = tracing_subscriber::fmt()
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    // A second init (a test that runs two servers) keeps the first subscriber.
    let _ = match config.log_format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .finish()
            .with(filter(config))
            .try_init(),
        LogFormat::Text => builder.finish().with(filter(config)).try_init(),
    };
}

/// Logs of a server started inside a test, written through the test harness's output capture
/// (shown for a failing test, or with `--nocapture`). The first call in a test process sets
/// the filter for all of it.
pub fn init_for_tests(config: &Config) {
    let _ = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_test_writer()
        .finish()
        .with(filter(config))
        .try_init();
}

/// Directives as `RUST_LOG` writes them, by target: `info`, `kinwarden=debug,sqlx=warn`. Span and
/// field filters are not understood: their matcher (regular expressions) was over a tenth of a
/// megabyte of code in every server's memory, for a feature no one asked of these logs.
fn filter(config: &Config) -> Targets {
    std::env::var("RUST_LOG")
        .ok()
        .and_then(|directives| directives.parse().ok())
        .or_else(|| config.log_level.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO))
}
