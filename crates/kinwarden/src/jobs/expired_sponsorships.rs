//! `expired-sponsorships` (reference §4.10): the use-case deletes sponsorships whose period ended
//! more than 90 days ago; this maps what it did to the job's text.

use kinwarden_app::App;
use kinwarden_app::jobs::{Outcome, expired_sponsorships, message};

use super::idle;

pub async fn run(app: &App) -> Result<String, String> {
    match expired_sponsorships::run(app).await {
        Ok(Outcome::Done(deleted)) => Ok(format!(
            "{deleted} sponsorship(s) ended more than 90 days ago deleted"
        )),
        Ok(Outcome::Idle(why)) => Ok(idle(why)),
        Err(err) => Err(message(&err)),
    }
}
