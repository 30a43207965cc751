//! Logs (text or JSON) through `tracing`. The filter comes from `RUST_LOG` when set, else from
//! `kinwarden__logLevel`. Secrets never reach a log: config values that are secrets are typed as
//! such, and requests are logged by path only.

use std::io::IsTerminal;

use kinwarden_config::{Config, LogFormat};
use tracing_subscriber::EnvFilter;

pub fn init(config: &Config) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&config.log_level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    // A second init (a test that runs two servers) keeps the first subscriber.
    let _ = match config.log_format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
