//! How much mail one organization may have a cloud send for it (invitations and sponsorship
//! offers) in 24 hours. A self-service organization could otherwise invite or offer to any
//! address, again and again, and use the cloud as a relay. The allowance grows with the
//! organization: a large enterprise legitimately invites each member and syncs an offer for
//! each, so it may always send twice its seats.

/// The 24 hours the allowance counts, in milliseconds.
pub const WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

/// How many messages per window an organization with `seats` may send, when the configured
/// allowance is `configured`.
pub fn daily_allowance(configured: u32, seats: Option<i32>) -> u64 {
    let by_seats = u64::try_from(seats.unwrap_or(0))
        .unwrap_or(0)
        .saturating_mul(2);
    u64::from(configured).max(by_seats)
}

/// How many of `wanted` new messages may go out now, when `sent` went out in the window.
pub fn may_send(allowance: u64, sent: u64, wanted: u64) -> u64 {
    allowance.saturating_sub(sent).min(wanted)
}

/// When the `position`-th (from 0) message held beyond the allowance goes out: the first
/// `allowance` of them when the window first frees room (`first_free_ms`), the next ones a window
/// later, and so on, so a large batch is spread over days instead of all going out at once.
pub fn held_until(first_free_ms: i64, allowance: u64, position: u64) -> i64 {
    let windows = position / allowance.max(1);
    let delay = i64::try_from(windows)
        .unwrap_or(i64::MAX)
        .saturating_mul(WINDOW_MS);
    first_free_ms.saturating_add(delay)
}

/// The refusal when an organization's allowance is spent.
pub fn spent_message(allowance: u64) -> String {
    format!(
        "This organization has sent its {allowance} invitations and offers for the last 24 hours; \
         try again tomorrow."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn allowance_is_the_setting_or_twice_the_seats() {
        let cases = [
            (100, None, 100),
            (100, Some(10), 100),
            (100, Some(50), 100),
            (100, Some(51), 102),
            (100, Some(100_000), 200_000),
            (5, Some(-3), 5),
        ];
        for (configured, seats, expected) in cases {
            assert_eq!(daily_allowance(configured, seats), expected, "{seats:?}");
        }
    }

    #[test]
    fn what_may_go_out() {
        assert_eq!(may_send(100, 0, 3), 3);
        assert_eq!(may_send(100, 98, 3), 2);
        assert_eq!(may_send(100, 100, 3), 0);
        assert_eq!(may_send(100, 250, 3), 0);
    }

    #[test]
    fn held_messages_go_out_a_window_at_a_time() {
        let dues: Vec<i64> = (0..7)
            .map(|position| held_until(1_000, 3, position))
            .collect();
        let day = WINDOW_MS;
        assert_eq!(
            dues,
            [
                1_000,
                1_000,
                1_000,
                1_000 + day,
                1_000 + day,
                1_000 + day,
                1_000 + 2 * day
            ]
        );
        assert_eq!(
            held_until(5, 0, 2),
            5 + 2 * day,
            "no allowance counts as one"
        );
        assert_eq!(held_until(i64::MAX - 1, 1, 3), i64::MAX);
    }

    proptest! {
        #[test]
        fn never_more_than_wanted_or_left(allowance in 0u64..1000, sent in 0u64..2000, wanted in 0u64..2000) {
            let n = may_send(allowance, sent, wanted);
            prop_assert!(n <= wanted);
            prop_assert!(sent + n <= allowance.max(sent));
        }
    }
}
