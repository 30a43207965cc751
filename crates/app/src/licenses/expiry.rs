//! Where a self-hosted organization's license stands (SPEC §12 "Grace and expiry", reference
//! §7): the paid end and the grace end (`Expires`) the subscription page shows, and the warning
//! it shows while within the grace or in the last days before `Expires`.

use chrono::{DateTime, Utc};
use kinwarden_config::Mode;
use kinwarden_core::license_expiry::{self, Warning};

use crate::App;
use crate::organizations::terms;
use crate::records::OrganizationRecord;

/// The license's dates as the subscription page shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// `Expires`: the last moment the license holds, grace included (milliseconds).
    pub expires: i64,
    /// The paid end (`ExpirationWithoutGracePeriod`, else derived as the reference does).
    pub paid_end: i64,
    /// What to warn the owner of now, if anything.
    pub warning: Option<Warning>,
}

/// The standing of the organization's license now; none for an organization whose license
/// never expires (or on a cloud, whose organizations have no license).
pub fn standing(app: &App, org: &OrganizationRecord) -> Option<Standing> {
    if app.config.mode != Mode::SelfHosted {
        return None;
    }
    let expires = DateTime::<Utc>::from_timestamp_millis(org.expiration_date?)?;
    let terms = terms::of(org);
    let paid_end = license_expiry::paid_end(
        expires,
        terms.trial,
        terms
            .expiration_without_grace_period
            .and_then(DateTime::<Utc>::from_timestamp_millis),
    );
    Some(Standing {
        expires: expires.timestamp_millis(),
        paid_end: paid_end.timestamp_millis(),
        warning: license_expiry::warning(expires, paid_end, app.clock.now()),
    })
}
