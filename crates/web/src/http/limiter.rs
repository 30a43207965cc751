//! Rate limits on password and API-key grants, per client IP and per account (SPEC §4
//! `kinwarden__loginRateLimit`). In memory: a limit protects this process's CPU and its
//! accounts; a restart forgives, which is acceptable for a limit counted in minutes.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use governor::{DefaultKeyedRateLimiter, Quota};
use kinwarden_config::RateLimit;

pub struct LoginLimiter {
    by_ip: Option<DefaultKeyedRateLimiter<IpAddr>>,
    by_account: Option<DefaultKeyedRateLimiter<String>>,
    /// Attempts counted so far: every [`SWEEP_EVERY`]th forgets the idle keys.
    checks: AtomicU64,
}

/// How often the limiter forgets addresses and accounts it has not seen for a whole window:
/// without it, every address or e-mail ever tried would stay in memory until a restart.
const SWEEP_EVERY: u64 = 1024;

impl LoginLimiter {
    pub fn new(limit: Option<RateLimit>) -> Self {
        let quota = limit.and_then(|limit| {
            let count = NonZeroU32::new(limit.count)?;
            let period = limit.window / limit.count;
            Quota::with_period(period).map(|quota| quota.allow_burst(count))
        });
        Self {
            by_ip: quota.map(DefaultKeyedRateLimiter::keyed),
            by_account: quota.map(DefaultKeyedRateLimiter::keyed),
            checks: AtomicU64::new(0),
        }
    }

    /// Counts one attempt; `false` when either the address or the account is over its limit.
    pub fn allow(&self, ip: IpAddr, account: &str) -> bool {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.forget_idle();
        }
        let ip_ok = self
            .by_ip
            .as_ref()
            .is_none_or(|limiter| limiter.check_key(&ip).is_ok());
        let account_ok = self
            .by_account
            .as_ref()
            .is_none_or(|limiter| limiter.check_key(&account.to_ascii_lowercase()).is_ok());
        ip_ok && account_ok
    }

    /// Drops the keys whose limit has fully recovered: they count as never seen.
    fn forget_idle(&self) {
        if let Some(limiter) = &self.by_ip {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        if let Some(limiter) = &self.by_account {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    /// How many addresses and accounts are remembered.
    #[cfg(test)]
    fn remembered(&self) -> usize {
        self.by_ip.as_ref().map_or(0, |l| l.len()) + self.by_account.as_ref().map_or(0, |l| l.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn limit(count: u32) -> Option<RateLimit> {
        Some(RateLimit {
            count,
            window: Duration::from_secs(60),
        })
    }

    #[test]
    fn allows_the_burst_then_refuses() {
        let limiter = LoginLimiter::new(limit(3));
        let ip: IpAddr = "127.0.0.1".parse().expect("ip");
        assert!((0..3).all(|_| limiter.allow(ip, "a@example.com")));
        assert!(!limiter.allow(ip, "a@example.com"));
    }

    #[test]
    fn accounts_and_addresses_count_apart() {
        let limiter = LoginLimiter::new(limit(2));
        let one: IpAddr = "10.0.0.1".parse().expect("ip");
        let two: IpAddr = "10.0.0.2".parse().expect("ip");
        assert!(limiter.allow(one, "a@x"));
        assert!(limiter.allow(one, "b@x"));
        assert!(!limiter.allow(one, "c@x"), "the address is over its limit");
        assert!(limiter.allow(two, "a@x"));
        assert!(
            !limiter.allow(two, "A@X"),
            "the account is over its limit, whatever the case"
        );
    }

    #[test]
    fn idle_addresses_and_accounts_are_forgotten() {
        let limiter = LoginLimiter::new(Some(RateLimit {
            count: 1,
            window: Duration::from_millis(50),
        }));
        for i in 0..SWEEP_EVERY - 1 {
            let ip = IpAddr::from([10, 1, (i / 256) as u8, (i % 256) as u8]);
            limiter.allow(ip, &format!("user{i}@example.com"));
        }
        let seen = limiter.remembered();
        assert!(seen >= 2 * (SWEEP_EVERY as usize - 1) - 2, "{seen}");
        std::thread::sleep(Duration::from_millis(120));
        // The next attempt sweeps: only it is remembered.
        assert!(limiter.allow("10.9.9.9".parse().expect("ip"), "new@example.com"));
        assert!(limiter.remembered() <= 2, "{}", limiter.remembered());
    }

    #[test]
    fn off_never_limits() {
        let limiter = LoginLimiter::new(None);
        let ip: IpAddr = "127.0.0.1".parse().expect("ip");
        assert!((0..1000).all(|_| limiter.allow(ip, "a@x")));
    }
}
