//! `kinwarden serve`: run in the foreground until SIGTERM or Ctrl-C.

use std::io::Write;

use crate::bwdata::Bwdata;
use crate::commands::{CliError, load_config};
use crate::process::{self, RunInfo};
use crate::server::{self, RunOptions};

pub async fn run(bwdata: &Bwdata) -> Result<(), CliError> {
    let first_run = bwdata.init()?;
    let config = load_config(bwdata)?;
    crate::logging::init(&config);
    for warning in &config.warnings {
        tracing::warn!("{warning}");
    }
    if let Some(pid) = process::running_pid(bwdata)
        && pid != std::process::id()
    {
        return Err(CliError::failed(format!(
            "a Kinwarden server already runs on {} (pid {pid}); use `kinwarden stop` or `kinwarden restart`",
            bwdata.root().display()
        )));
    }
    process::write_pid_file(bwdata)?;
    let result = serve_until_signal(bwdata, config, first_run).await;
    process::remove_own_files(bwdata);
    result
}

async fn serve_until_signal(
    bwdata: &Bwdata,
    config: kinwarden_config::Config,
    first_run: bool,
) -> Result<(), CliError> {
    let mode = config.mode;
    let server = server::start(config, RunOptions::default())
        .await
        .map_err(|err| CliError::failed(err.to_string()))?;
    process::write_run_file(
        bwdata,
        &RunInfo {
            pid: std::process::id(),
            url: server.url.to_string(),
            mode: mode.as_str().to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            started_at: chrono::Utc::now().to_rfc3339(),
        },
    )?;
    if first_run {
        println!(
            "Created {} with a commented configuration at {}",
            bwdata.root().display(),
            bwdata.env_file().display()
        );
    }
    println!(
        "Kinwarden {} ({}) listening on {}",
        env!("CARGO_PKG_VERSION"),
        mode.as_str(),
        server.url
    );
    let _ = std::io::stdout().flush();
    tracing::info!(url = %server.url, mode = mode.as_str(), "listening");

    wait_for_signal().await;
    tracing::info!("stopping");
    server
        .shutdown()
        .await
        .map_err(|err| CliError::failed(format!("shutdown: {err}")))
}

async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut term) = signal(SignalKind::terminate()) else {
        let _ = tokio::signal::ctrl_c().await;
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
