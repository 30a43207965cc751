//! A cloud's daily allowance of invitations and offers per organization
//! (`kinwarden__organizationMailPerDay`, the rule in `kinwarden_core::mail_allowance`). A
//! self-hosted server sends no offers and invites only its own members, so it counts nothing.

use std::time::Duration;

use kinwarden_config::Mode;
use kinwarden_core::ids::OrganizationId;
use kinwarden_core::mail_allowance::{WINDOW_MS, daily_allowance, may_send, spent_message};

use crate::{App, AppError};

/// How many of `wanted` messages `organization` (with `seats`) may send now; all of them when
/// nothing is counted.
pub async fn left(
    app: &App,
    organization: OrganizationId,
    seats: Option<i32>,
    wanted: u64,
) -> Result<Allowance, AppError> {
    let Some(configured) = app
        .config
        .organization_mail_per_day
        .filter(|_| app.config.mode == Mode::Cloud)
    else {
        return Ok(Allowance::unlimited(wanted));
    };
    let now = app.clock.now_millis();
    let (sent, oldest) = app
        .store
        .organization_mail_since(organization, now.saturating_sub(WINDOW_MS))
        .await?;
    let allowance = daily_allowance(configured, seats);
    // The allowance frees a message when the oldest counted one leaves the window; with none
    // counted, what goes out now fills it until a window from now.
    let frees_at = oldest.unwrap_or(now).saturating_add(WINDOW_MS);
    Ok(Allowance {
        allowance,
        may_send: may_send(allowance, sent, wanted),
        wanted,
        retry_after: Duration::from_millis(frees_at.saturating_sub(now).unsigned_abs()),
    })
}

/// What [`left`] found.
#[derive(Debug, Clone, Copy)]
pub struct Allowance {
    allowance: u64,
    /// How many of the wanted messages may go out now.
    pub may_send: u64,
    wanted: u64,
    /// When the allowance next frees a message.
    pub retry_after: Duration,
}

impl Allowance {
    /// How many messages the organization may send per 24 hours.
    pub fn per_window(&self) -> u64 {
        self.allowance
    }

    fn unlimited(wanted: u64) -> Self {
        Self {
            allowance: u64::MAX,
            may_send: wanted,
            wanted,
            retry_after: Duration::ZERO,
        }
    }

    /// Refuses a request whose messages do not all fit: an invitation or offer asked for by a
    /// person, who is told when to try again.
    pub fn require_all(self) -> Result<(), AppError> {
        if self.may_send >= self.wanted {
            Ok(())
        } else {
            Err(AppError::TooManyRequests {
                message: spent_message(self.allowance),
                retry_after: self.retry_after,
            })
        }
    }
}

/// [`left`] for requests whose messages must all go out now.
pub async fn require(
    app: &App,
    organization: OrganizationId,
    seats: Option<i32>,
    wanted: u64,
) -> Result<(), AppError> {
    left(app, organization, seats, wanted).await?.require_all()
}
