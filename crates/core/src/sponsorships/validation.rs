//! The cloud's daily validation of redeemed sponsorships (reference §4.7 ValidateSponsorship,
//! SPEC §5 steps 8–9). The reference decides validity at billing time and its "cancel" is a
//! no-op; Kinwarden, with no card processor, runs the same decision daily and acts on it:
//! a valid sponsorship is renewed for another year when its period ends; an invalid one is
//! announced to the Families organization (the revert e-mail, dated its last sponsored day) and
//! ended when that day has passed.

use chrono::{DateTime, Utc};

use crate::plans::{ProductTier, tier_of};

use super::Sponsorship;
use super::cloud_sync::DISABLED_GRACE_MS;

/// A sponsorship that has not been synced for this long is out of date (reference: 182.5 days).
pub const OUT_OF_SYNC_MS: i64 = (182 * 24 + 12) * 60 * 60 * 1000;

/// What the decision needs of the sponsoring organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SponsoringOrgState {
    pub plan_type: i32,
    pub enabled: bool,
    /// Milliseconds since the epoch.
    pub expiration_date: Option<i64>,
    pub use_admin_sponsored_families: bool,
}

/// Why a sponsorship no longer holds, in the reference's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("the Families organization has no sponsorship")]
    NoSponsorship,
    #[error("the sponsoring organization is gone")]
    NoSponsoringOrganization,
    #[error("the sponsoring member is unknown")]
    NoSponsoringMember,
    #[error("the sponsorship has no plan type")]
    NoPlanType,
    #[error("the sponsoring organization is not found")]
    SponsoringOrganizationNotFound,
    #[error("the sponsoring organization has been disabled for more than 93 days")]
    SponsorDisabled,
    #[error("the sponsoring organization may not sponsor on an administrator's behalf")]
    AdminSponsoringNotAllowed,
    #[error("the sponsoring organization is not on an Enterprise plan")]
    SponsorNotEnterprise,
    #[error("the sponsorship was revoked or removed")]
    ToDelete,
    #[error("the sponsoring server has not synced for more than 182.5 days")]
    OutOfSync,
}

impl Invalid {
    /// A stable code for outcomes and logs.
    pub fn code(self) -> &'static str {
        match self {
            Self::NoSponsorship => "no_sponsorship",
            Self::NoSponsoringOrganization => "no_sponsoring_organization",
            Self::NoSponsoringMember => "no_sponsoring_member",
            Self::NoPlanType => "no_plan_type",
            Self::SponsoringOrganizationNotFound => "sponsoring_organization_not_found",
            Self::SponsorDisabled => "sponsor_disabled",
            Self::AdminSponsoringNotAllowed => "admin_sponsoring_not_allowed",
            Self::SponsorNotEnterprise => "sponsor_not_enterprise",
            Self::ToDelete => "to_delete",
            Self::OutOfSync => "out_of_sync",
        }
    }
}

/// ValidateSponsorship's decision list; the first match wins. `sponsor` is the sponsoring
/// organization, if it was found; `now` is milliseconds since the epoch.
pub fn validate(
    sponsorship: Option<&Sponsorship>,
    sponsor: Option<&SponsoringOrgState>,
    now: i64,
) -> Result<(), Invalid> {
    let sponsorship = sponsorship.ok_or(Invalid::NoSponsorship)?;
    if sponsorship.sponsoring_organization_id.is_none() {
        return Err(Invalid::NoSponsoringOrganization);
    }
    if sponsorship.sponsoring_organization_user_id.0.is_nil() {
        return Err(Invalid::NoSponsoringMember);
    }
    if sponsorship.plan_sponsorship_type.is_none() {
        return Err(Invalid::NoPlanType);
    }
    let sponsor = sponsor.ok_or(Invalid::SponsoringOrganizationNotFound)?;
    let disabled_beyond_grace = !sponsor.enabled
        && sponsor
            .expiration_date
            .is_none_or(|expiration| expiration < now - DISABLED_GRACE_MS);
    if disabled_beyond_grace {
        return Err(Invalid::SponsorDisabled);
    }
    if sponsorship.is_admin_initiated && !sponsor.use_admin_sponsored_families {
        return Err(Invalid::AdminSponsoringNotAllowed);
    }
    if tier_of(sponsor.plan_type) != Some(ProductTier::Enterprise) {
        return Err(Invalid::SponsorNotEnterprise);
    }
    if sponsorship.to_delete {
        return Err(Invalid::ToDelete);
    }
    if sponsorship
        .last_sync_date
        .is_some_and(|last_sync| last_sync < now - OUT_OF_SYNC_MS)
    {
        return Err(Invalid::OutOfSync);
    }
    Ok(())
}

/// What the daily job does with one redeemed sponsorship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Nothing to do today.
    Keep,
    /// Valid and its period has ended: sponsored for another period, until this time.
    Renew { until: i64 },
    /// No longer valid, still inside its period: send the revert e-mail, dated `ends_at`.
    Announce { ends_at: i64 },
    /// No longer valid and its period is over: end it (with the revert e-mail if it was never
    /// announced).
    End { announce: bool },
}

/// The step for a sponsorship of this validity whose period ends at `valid_until`, given
/// whether its end was already announced. A renewal counts a year from the end of the last
/// period (so the date does not drift with the job's hour), or from now when the job missed a
/// whole period.
pub fn next_step(
    validity: Result<(), Invalid>,
    valid_until: Option<i64>,
    announced: bool,
    now: i64,
) -> Step {
    let period_over = valid_until.is_none_or(|until| until <= now);
    match validity {
        Ok(()) if period_over => {
            let from = valid_until.unwrap_or(now);
            let mut until = next_year(from);
            if until <= now {
                until = next_year(now);
            }
            Step::Renew { until }
        }
        Ok(()) => Step::Keep,
        Err(_) if period_over => Step::End {
            announce: !announced,
        },
        Err(_) if announced => Step::Keep,
        Err(_) => Step::Announce {
            ends_at: valid_until.unwrap_or(now),
        },
    }
}

fn next_year(from_ms: i64) -> i64 {
    DateTime::<Utc>::from_timestamp_millis(from_ms)
        .map(|from| crate::redemption::sponsored_until(from).timestamp_millis())
        .unwrap_or(from_ms + 365 * 24 * 60 * 60 * 1000)
}

#[cfg(test)]
mod tests;
