//! `license-expiry` (SPEC §12 "Grace and expiry"): once a day a self-hosted server e-mails the
//! owners of each organization whose license's `Expires` is 30, 7 or 1 days away. Each notice is
//! recorded in the transaction that queues its mails, so a re-run, or a second process on the
//! same database, sends it no second time; a new license with a later `Expires` starts afresh.

use chrono::{DateTime, Utc};
use kinwarden_config::Mode;
use kinwarden_core::license_expiry::{self, days_left};
use kinwarden_core::members::{MemberStatus, MemberType};
use kinwarden_mail::Lang;
use kinwarden_mail::messages::LicenseExpiring;

use super::{Idle, Outcome};
use crate::records::OrganizationRecord;
use crate::{App, AppError};

/// What a run did.
#[derive(Debug, Default)]
pub struct ExpiryNotices {
    /// Enabled organizations with an expiring license looked at.
    pub checked: usize,
    /// Notices sent now.
    pub sent: Vec<NoticeSent>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeSent {
    pub organization: String,
    /// Which notice: 30, 7 or 1 days before `Expires`.
    pub days_before: i64,
    /// How many owners it went to.
    pub recipients: usize,
}

pub async fn run(app: &App) -> Result<Outcome<ExpiryNotices>, AppError> {
    if app.config.mode != Mode::SelfHosted {
        return Ok(Outcome::Idle(Idle::OnCloud));
    }
    let now = app.clock.now();
    let mut found = ExpiryNotices::default();
    for org in app.store.all_organizations().await? {
        let Some(expires) = org
            .expiration_date
            .and_then(DateTime::<Utc>::from_timestamp_millis)
        else {
            continue;
        };
        if !org.enabled {
            continue;
        }
        found.checked += 1;
        let expires_ms = expires.timestamp_millis();
        let sent = app.store.expiry_notices_sent(org.id, expires_ms).await?;
        let Some(days_before) = license_expiry::notice_due(expires, now, &sent) else {
            continue;
        };
        let mails = mails(app, &org, expires, now).await?;
        if mails.is_empty() {
            // No confirmed owner to tell yet: the notice stays due for the next run.
            continue;
        }
        let recipients = mails.len();
        if app
            .store
            .send_expiry_notice(
                org.id,
                expires_ms,
                days_before,
                &mails,
                now.timestamp_millis(),
            )
            .await?
        {
            found.sent.push(NoticeSent {
                organization: org.name.clone(),
                days_before,
                recipients,
            });
        }
    }
    Ok(Outcome::Done(found))
}

/// One mail per confirmed owner, each in the owner's language.
async fn mails(
    app: &App,
    org: &OrganizationRecord,
    expires: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<kinwarden_mail::Mail>, AppError> {
    let owners: Vec<String> = app
        .store
        .members(org.id)
        .await?
        .into_iter()
        .filter(|member| {
            member.member.member_type == MemberType::Owner
                && member.member.status == MemberStatus::Confirmed
        })
        .filter_map(|member| member.user_email)
        .map(|email| email.trim().to_lowercase())
        .collect();
    let cultures = app.store.cultures_by_email(&owners).await?;
    let date = expires.format("%Y-%m-%d").to_string();
    let days = days_left(expires, now);
    Ok(owners
        .iter()
        .map(|email| {
            let lang = Lang::pick(cultures.get(email).map(String::as_str), None);
            LicenseExpiring {
                email,
                organization_id: org.id.0,
                organization_name: &org.name,
                days_left: days,
                date: &date,
            }
            .render(&app.urls.vault, lang)
        })
        .collect())
}
