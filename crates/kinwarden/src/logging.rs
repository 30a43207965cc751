//! Logs (text or JSON) through `tracing`. The filter comes from `RUST_LOG` when set, else from
//! `kinwarden__logLevel`. Secrets never reach a log: config values that are secrets are typed as
//! such, and requests are logged by path only.

use std::io::IsTerminal;

use kinwarden_config::{Config, LogFormat};
use tracing_subscriber::EnvFilter;

pub fn init(config: &Config) {
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter(config))
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    // A second init (a test that runs two servers) keeps the first subscriber.
    let _ = match config.log_format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// Logs of a server started inside a test, written through the test harness's output capture
/// (shown for a failing test, or with `--nocapture`). The first call in a test process sets
/// the filter for all of it.
pub fn init_for_tests(config: &Config) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter(config))
        .with_ansi(false)
        .with_test_writer()
        .try_init();
}

fn filter(config: &Config) -> EnvFilter {
    EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&config.log_level))
        .unwrap_or_else(|_| EnvFilter::new("info"))
}
