//! `sponsorship-validation` (SPEC §5 steps 8–9, reference §4.7): the cloud's daily check of each
//! redeemed sponsorship (renew, announce the end, end); this maps the tally to the job's text.

use kinwarden_app::App;
use kinwarden_app::jobs::sponsorship_validation;
use kinwarden_app::jobs::{Outcome, message};

use super::idle;

pub async fn run(app: &App) -> Result<String, String> {
    let tally = match sponsorship_validation::run(app).await {
        Ok(Outcome::Done(tally)) => tally,
        Ok(Outcome::Idle(why)) => return Ok(idle(why)),
        Err(err) => return Err(message(&err)),
    };
    let summary = format!(
        "{} sponsorship(s) checked: {} renewed, {} told of their end, {} ended",
        tally.checked, tally.renewed, tally.announced, tally.ended
    );
    if tally.errors.is_empty() {
        Ok(summary)
    } else {
        Err(format!("{summary}; failed: {}", tally.errors.join("; ")))
    }
}
