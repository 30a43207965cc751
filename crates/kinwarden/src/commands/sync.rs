//! `kinwarden sync [--org ID]` (SPEC §2): the sponsorship sync now, with the code of *Manually
//! Sync* and the daily job, and a progress bar over batches; whether or not a server runs.

use indicatif::{ProgressBar, ProgressStyle};
use kinwarden_app::jobs::message;
use kinwarden_app::jobs::sponsorship_sync::sync_all;
use kinwarden_config::Mode;

use crate::bwdata::Bwdata;
use crate::commands::CliError;
use crate::compose::app_for_command;

pub async fn run(bwdata: &Bwdata, org: Option<&str>) -> Result<i32, CliError> {
    let app = app_for_command(bwdata).await?;
    if app.config.mode != Mode::SelfHosted {
        return Err(CliError::failed(
            "`kinwarden sync` sends a self-hosted server's sponsorships to its cloud; this is a cloud",
        ));
    }
    let org = org
        .map(|id| {
            id.parse()
                .map_err(|_| CliError::failed(format!("`{id}` is not an organization id")))
        })
        .transpose()?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} batches")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let synced = sync_all(&app, org, "cli", &mut |name, done, total| {
        bar.set_message(name.to_string());
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .await
    .map_err(|err| CliError::failed(message(&err)))?;
    bar.finish_and_clear();
    app.close().await;
    if synced.is_empty() {
        println!("No organization has an enabled billing sync connection: nothing to sync.");
        return Ok(0);
    }
    let mut failed = false;
    for sync in &synced {
        let (name, outcome) = (&sync.name, &sync.outcome);
        if outcome.succeeded {
            let counts = outcome.counts.clone().unwrap_or_default();
            let note = outcome
                .message
                .clone()
                .map(|m| format!(" ({m})"))
                .unwrap_or_default();
            println!("{name}: synced {counts}{note}");
        } else {
            failed = true;
            println!(
                "{name}: FAILED [{}] {}",
                outcome.code.clone().unwrap_or_default(),
                outcome.message.clone().unwrap_or_default()
            );
        }
    }
    Ok(if failed { 1 } else { 0 })
}
