//! `license-refresh` (SPEC §12, `kinwarden__licenseAutoRefresh=true`): the use-case fetches a
//! fresh license for each organization with fewer than 30 days left, as *Sync license* does;
//! this maps what it did to the job's text. A refusal is recorded on the organization and fails
//! the run, so `jobs list` shows it too.

use kinwarden_app::App;
use kinwarden_app::jobs::license_refresh::{self, LicenseRefresh};
use kinwarden_app::jobs::{Outcome, message};

use super::idle;

pub async fn run(app: &App) -> Result<String, String> {
    match license_refresh::run(app).await {
        Ok(Outcome::Done(done)) => text(&done),
        Ok(Outcome::Idle(why)) => Ok(idle(why)),
        Err(err) => Err(message(&err)),
    }
}

fn text(done: &LicenseRefresh) -> Result<String, String> {
    let refreshed = if done.refreshed.is_empty() {
        "no license due for a refresh".to_string()
    } else {
        format!("refreshed: {}", done.refreshed.join(", "))
    };
    if done.failed.is_empty() {
        return Ok(refreshed);
    }
    let failed: Vec<String> = done
        .failed
        .iter()
        .map(|(org, reason)| format!("{org}: {reason}"))
        .collect();
    Err(format!("{refreshed}; failed: {}", failed.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_names_what_was_refreshed_and_fails_on_a_refusal() {
        let mut done = LicenseRefresh::default();
        assert_eq!(text(&done), Ok("no license due for a refresh".to_string()));
        done.refreshed.push("Acme".into());
        assert_eq!(text(&done), Ok("refreshed: Acme".to_string()));
        done.failed.push(("Beta".into(), "token rotated".into()));
        assert_eq!(
            text(&done),
            Err("refreshed: Acme; failed: Beta: token rotated".to_string())
        );
    }
}
