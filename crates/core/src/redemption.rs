//! Redeeming a sponsorship on a Families organization (reference §4.5 ValidateRedemptionToken,
//! §4.6 SetUpSponsorship) as pure rules, with the reference's texts.

use chrono::{DateTime, Duration, Months, Utc};

use crate::plans::{ProductTier, tier_of};

/// What the rules need of the offer the token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub id: String,
    pub plan_sponsorship_type: Option<i32>,
    pub offered_to_email: Option<String>,
    pub last_sync_date: Option<i64>,
}

/// Whether a token (its sponsorship id, type and e-mail) is good for `caller_email` now
/// (reference §4.4 IsValid).
pub fn token_is_valid(
    offer: Option<&Offer>,
    token_id: &str,
    token_type: i32,
    token_email: &str,
    caller_email: &str,
) -> bool {
    let Some(offer) = offer else { return false };
    let Some(offered_to) = offer
        .offered_to_email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
    else {
        return false;
    };
    offer.id == token_id
        && offer.plan_sponsorship_type == Some(token_type)
        && token_email.eq_ignore_ascii_case(caller_email)
        && token_email.eq_ignore_ascii_case(offered_to)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedeemError {
    #[error("No unredeemed sponsorship offer exists for you.")]
    NoOffer,
    #[error(
        "Cannot redeem a sponsorship offer for an organization that is already sponsored. Revoke existing sponsorship first."
    )]
    AlreadySponsored,
    #[error("Cannot set up sponsorship without a known sponsorship type.")]
    UnknownType,
    /// The offer is too old; the caller deletes it.
    #[error("This sponsorship offer is more than 6 months old and has expired.")]
    Expired,
    #[error("Can only redeem sponsorship offer on families organizations.")]
    NotFamilies,
}

/// An offer is good for half a year after its last sync (reference: 182.5 days).
const OFFER_LIFETIME_HOURS: i64 = 182 * 24 + 12;

/// The checks of SetUpSponsorship, in order (reference §4.6 steps 1–5).
pub fn check(
    offer: Option<&Offer>,
    target_already_sponsored: bool,
    target_plan_type: i32,
    now: DateTime<Utc>,
) -> Result<(), RedeemError> {
    let offer = offer.ok_or(RedeemError::NoOffer)?;
    if target_already_sponsored {
        return Err(RedeemError::AlreadySponsored);
    }
    if offer.plan_sponsorship_type.is_none() {
        return Err(RedeemError::UnknownType);
    }
    if let Some(last_sync) = offer
        .last_sync_date
        .and_then(DateTime::<Utc>::from_timestamp_millis)
        && now - last_sync > Duration::hours(OFFER_LIFETIME_HOURS)
    {
        return Err(RedeemError::Expired);
    }
    if tier_of(target_plan_type) != Some(ProductTier::Families) {
        return Err(RedeemError::NotFamilies);
    }
    Ok(())
}

/// The sponsored period: a year from redemption (SPEC §5 step 8).
pub fn sponsored_until(now: DateTime<Utc>) -> DateTime<Utc> {
    now.checked_add_months(Months::new(12))
        .unwrap_or(now + Duration::days(365))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(last_sync: Option<i64>) -> Offer {
        Offer {
            id: "s1".into(),
            plan_sponsorship_type: Some(0),
            offered_to_email: Some("Fam@Example.com".into()),
            last_sync_date: last_sync,
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000, 0).expect("time")
    }

    #[test]
    fn a_token_is_good_only_for_its_offer_type_and_address() {
        let o = offer(None);
        assert!(token_is_valid(
            Some(&o),
            "s1",
            0,
            "fam@example.com",
            "FAM@example.com"
        ));
        assert!(!token_is_valid(
            None,
            "s1",
            0,
            "fam@example.com",
            "fam@example.com"
        ));
        assert!(!token_is_valid(
            Some(&o),
            "s2",
            0,
            "fam@example.com",
            "fam@example.com"
        ));
        assert!(!token_is_valid(
            Some(&o),
            "s1",
            1,
            "fam@example.com",
            "fam@example.com"
        ));
        assert!(!token_is_valid(
            Some(&o),
            "s1",
            0,
            "fam@example.com",
            "other@example.com"
        ));
        let redeemed = Offer {
            offered_to_email: None,
            ..o
        };
        assert!(!token_is_valid(
            Some(&redeemed),
            "s1",
            0,
            "fam@example.com",
            "fam@example.com"
        ));
    }

    #[test]
    fn redemption_checks_in_order() {
        let recent = Some(now().timestamp_millis() - 1000);
        assert_eq!(check(None, false, 22, now()), Err(RedeemError::NoOffer));
        assert_eq!(
            check(Some(&offer(recent)), true, 22, now()),
            Err(RedeemError::AlreadySponsored)
        );
        let untyped = Offer {
            plan_sponsorship_type: None,
            ..offer(recent)
        };
        assert_eq!(
            check(Some(&untyped), false, 22, now()),
            Err(RedeemError::UnknownType)
        );
        let old = Some((now() - Duration::days(183)).timestamp_millis());
        assert_eq!(
            check(Some(&offer(old)), false, 22, now()),
            Err(RedeemError::Expired)
        );
        assert_eq!(
            check(Some(&offer(recent)), false, 20, now()),
            Err(RedeemError::NotFamilies)
        );
        assert_eq!(check(Some(&offer(recent)), false, 22, now()), Ok(()));
        assert_eq!(check(Some(&offer(None)), false, 1, now()), Ok(()));
    }

    #[test]
    fn sponsored_for_a_year() {
        assert_eq!(sponsored_until(now()) - now(), Duration::days(365));
    }
}
