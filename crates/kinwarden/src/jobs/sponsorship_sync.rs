//! `sponsorship-sync`: the daily self-hosted → cloud sync of every organization with automatic
//! sync (reference §2.5), through the server's one cloud link; this maps the outcomes to the
//! job's text.

use kinwarden_app::App;
use kinwarden_app::jobs::sponsorship_sync::{self, OrganizationSync};
use kinwarden_app::jobs::{Idle, Outcome, message};

use super::idle;

pub async fn run(app: &App) -> Result<String, String> {
    match sponsorship_sync::run(app).await {
        Ok(Outcome::Done(synced)) => text(&synced),
        Ok(Outcome::Idle(Idle::CloudCommunicationOff)) => Ok(
            "cloud communication is off (globalSettings__enableCloudCommunication); nothing sent"
                .into(),
        ),
        Ok(Outcome::Idle(why)) => Ok(idle(why)),
        Err(err) => Err(message(&err)),
    }
}

fn text(synced: &[OrganizationSync]) -> Result<String, String> {
    let failed: Vec<String> = synced
        .iter()
        .filter(|sync| !sync.outcome.succeeded)
        .map(|sync| {
            format!(
                "{}: {}",
                sync.name,
                sync.outcome.message.clone().unwrap_or_default()
            )
        })
        .collect();
    if failed.is_empty() {
        Ok(format!("{} organization(s) synced", synced.len()))
    } else {
        Err(format!(
            "{} of {} failed: {}",
            failed.len(),
            synced.len(),
            failed.join("; ")
        ))
    }
}
