//! `expired-sponsorships` (reference §4.10): deletes sponsorships whose period ended more than
//! 90 days ago. It runs on a cloud, and on a self-hosted server only while cloud communication
//! is on (otherwise nothing there ever ends a period).

use kinwarden_config::Mode;

use super::JobContext;

/// The grace after a sponsorship's period before its row goes.
const GRACE_MS: i64 = 90 * 24 * 60 * 60 * 1000;

pub async fn run(ctx: &JobContext) -> Result<String, String> {
    if ctx.config.mode == Mode::SelfHosted && !ctx.config.enable_cloud_communication {
        return Ok("cloud communication is off: nothing to do".into());
    }
    let deleted = ctx
        .store
        .delete_expired_sponsorships(ctx.clock.now_millis() - GRACE_MS)
        .await
        .map_err(|err| err.to_string())?;
    Ok(format!(
        "{deleted} sponsorship(s) ended more than 90 days ago deleted"
    ))
}
