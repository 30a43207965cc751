//! `expired-sponsorships` (reference §4.10): deletes sponsorships whose period ended more than
//! 90 days ago. It runs on a cloud, and on a self-hosted server only while cloud communication
//! is on (otherwise nothing there ever ends a period).

use kinwarden_config::Mode;

use super::{Idle, Outcome};
use crate::{App, AppError};

/// The grace after a sponsorship's period before its row goes.
const GRACE_MS: i64 = 90 * 24 * 60 * 60 * 1000;

/// Deletes the expired rows; how many went.
pub async fn run(app: &App) -> Result<Outcome<u64>, AppError> {
    if app.config.mode == Mode::SelfHosted && !app.config.enable_cloud_communication {
        return Ok(Outcome::Idle(Idle::CloudCommunicationOff));
    }
    let deleted = app
        .store
        .delete_expired_sponsorships(app.clock.now_millis() - GRACE_MS)
        .await?;
    Ok(Outcome::Done(deleted))
}
