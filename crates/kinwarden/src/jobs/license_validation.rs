//! `license-validation` (reference §5.6): the use-case checks each enabled organization's license
//! and disables one that no longer holds; this maps what it found to the job's text.

use kinwarden_app::App;
use kinwarden_app::jobs::license_validation::{self, LicenseValidation};
use kinwarden_app::jobs::{Outcome, message};

use super::idle;

pub async fn run(app: &App) -> Result<String, String> {
    match license_validation::run(app).await {
        Ok(Outcome::Done(found)) => text(&found),
        Ok(Outcome::Idle(why)) => Ok(idle(why)),
        Err(err) => Err(message(&err)),
    }
}

fn text(found: &LicenseValidation) -> Result<String, String> {
    if !found.failed.is_empty() {
        let failed: Vec<String> = found
            .failed
            .iter()
            .map(|org| format!("{}: {}", org.organization, org.error))
            .collect();
        return Err(format!("could not disable: {}", failed.join("; ")));
    }
    Ok(if found.disabled.is_empty() {
        format!(
            "{} organization(s) checked, all licenses valid",
            found.checked
        )
    } else {
        let disabled: Vec<String> = found
            .disabled
            .iter()
            .map(|org| format!("{} ({})", org.organization, org.reason))
            .collect();
        format!(
            "{} organization(s) checked; disabled: {}",
            found.checked,
            disabled.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use kinwarden_app::jobs::license_validation::{Disabled, NotDisabled};

    use super::*;

    #[test]
    fn the_text_names_each_disabled_organization_and_fails_on_one_not_disabled() {
        let mut found = LicenseValidation {
            checked: 2,
            ..LicenseValidation::default()
        };
        assert_eq!(
            text(&found),
            Ok("2 organization(s) checked, all licenses valid".to_string())
        );
        found.disabled.push(Disabled {
            organization: "Acme".into(),
            reason: "No license file.".into(),
        });
        assert_eq!(
            text(&found),
            Ok("2 organization(s) checked; disabled: Acme (No license file.)".to_string())
        );
        found.failed.push(NotDisabled {
            organization: "Beta".into(),
            error: "database is locked".into(),
        });
        assert_eq!(
            text(&found),
            Err("could not disable: Beta: database is locked".to_string())
        );
    }
}
