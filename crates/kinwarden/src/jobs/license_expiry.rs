//! `license-expiry` (SPEC §12): the use-case e-mails owners 30, 7 and 1 days before their
//! license's `Expires`, once each; this maps what it did to the job's text.

use kinwarden_app::App;
use kinwarden_app::jobs::license_expiry::{self, ExpiryNotices};
use kinwarden_app::jobs::{Outcome, message};

use super::idle;

pub async fn run(app: &App) -> Result<String, String> {
    match license_expiry::run(app).await {
        Ok(Outcome::Done(found)) => Ok(text(&found)),
        Ok(Outcome::Idle(why)) => Ok(idle(why)),
        Err(err) => Err(message(&err)),
    }
}

fn text(found: &ExpiryNotices) -> String {
    if found.sent.is_empty() {
        return format!(
            "{} organization(s) checked, no expiry notice due",
            found.checked
        );
    }
    let sent: Vec<String> = found
        .sent
        .iter()
        .map(|notice| {
            format!(
                "{} ({}-day notice to {} owner(s))",
                notice.organization, notice.days_before, notice.recipients
            )
        })
        .collect();
    format!(
        "{} organization(s) checked; sent: {}",
        found.checked,
        sent.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use kinwarden_app::jobs::license_expiry::NoticeSent;

    use super::*;

    #[test]
    fn the_text_names_each_notice_sent() {
        let mut found = ExpiryNotices {
            checked: 2,
            ..ExpiryNotices::default()
        };
        assert_eq!(
            text(&found),
            "2 organization(s) checked, no expiry notice due"
        );
        found.sent.push(NoticeSent {
            organization: "Acme".into(),
            days_before: 7,
            recipients: 2,
        });
        assert_eq!(
            text(&found),
            "2 organization(s) checked; sent: Acme (7-day notice to 2 owner(s))"
        );
    }
}
