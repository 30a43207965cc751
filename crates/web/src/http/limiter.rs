//! Limits on failed password and API-key grants, per client address and per account (SPEC §4
//! `kinwarden__loginRateLimit`): only failures count, so someone who knows the password is
//! never refused for having signed in often, and another client's wrong guesses lock an account
//! for the rest of one window at most. In memory: a limit protects this process's CPU and its
//! accounts; a restart forgives, which is acceptable for a limit counted in minutes.
//!
//! Written here rather than with a rate-limiting crate: a login must ask "is this key over its
//! limit?" without spending an attempt, and count only the attempts that failed.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use kinwarden_config::RateLimit;

pub struct LoginLimiter {
    limit: Option<RateLimit>,
    by_ip: Counts<IpAddr>,
    by_account: Counts<String>,
}

/// Events (failures, mails asked for) per key in fixed windows: (when the key's window began,
/// events in it). Shared with [`crate::http::mail_limiter`].
pub(crate) struct Counts<K> {
    windows: Mutex<HashMap<K, (Instant, u32)>>,
}

/// How many failures between sweeps of the keys whose window has passed: without them, every
/// address or e-mail ever tried would stay in memory until a restart.
const SWEEP_EVERY: usize = 1024;

impl<K: Hash + Eq + Clone> Counts<K> {
    pub(crate) fn new() -> Self {
        Self {
            windows: Mutex::new(HashMap::new()),
        }
    }

    fn over(&self, key: &K, limit: RateLimit, now: Instant) -> bool {
        self.wait(key, limit, now).is_some()
    }

    /// When the key has used up its window: how long until the window ends.
    pub(crate) fn wait(&self, key: &K, limit: RateLimit, now: Instant) -> Option<Duration> {
        let windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (began, events) = windows.get(key)?;
        let passed = now.duration_since(*began);
        (passed < limit.window && *events >= limit.count).then(|| limit.window - passed)
    }

    pub(crate) fn record(&self, key: K, window: Duration, now: Instant) {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = windows.entry(key).or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        if windows.len().is_multiple_of(SWEEP_EVERY) {
            windows.retain(|_, (began, _)| now.duration_since(*began) < window);
            windows.shrink_to_fit();
        }
    }

    #[cfg(test)]
    fn remembered(&self) -> usize {
        self.windows.lock().map_or(0, |windows| windows.len())
    }
}

impl LoginLimiter {
    pub fn new(limit: Option<RateLimit>) -> Self {
        Self {
            limit: limit.filter(|limit| limit.count > 0),
            by_ip: Counts::new(),
            by_account: Counts::new(),
        }
    }

    /// Whether an attempt may go ahead: neither the address nor the account has failed too
    /// often in its current window. Asking counts nothing.
    pub fn permits(&self, ip: IpAddr, account: &str) -> bool {
        let Some(limit) = self.limit else {
            return true;
        };
        let now = Instant::now();
        !self.by_ip.over(&ip, limit, now)
            && !self
                .by_account
                .over(&account.to_ascii_lowercase(), limit, now)
    }

    /// Counts a failed attempt against the address and the account.
    pub fn failed(&self, ip: IpAddr, account: &str) {
        let Some(limit) = self.limit else {
            return;
        };
        let now = Instant::now();
        self.by_ip.record(ip, limit.window, now);
        self.by_account
            .record(account.to_ascii_lowercase(), limit.window, now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(count: u32, window: Duration) -> Option<RateLimit> {
        Some(RateLimit { count, window })
    }

    #[test]
    fn failures_lock_and_successes_never_count() {
        let limiter = LoginLimiter::new(limit(3, Duration::from_secs(60)));
        let ip: IpAddr = "127.0.0.1".parse().expect("ip");
        // Asking alone (a success) never locks.
        assert!((0..20).all(|_| limiter.permits(ip, "a@example.com")));
        for _ in 0..3 {
            limiter.failed(ip, "a@example.com");
        }
        assert!(!limiter.permits(ip, "a@example.com"));
    }

    #[test]
    fn accounts_and_addresses_count_apart() {
        let limiter = LoginLimiter::new(limit(2, Duration::from_secs(60)));
        let one: IpAddr = "10.0.0.1".parse().expect("ip");
        let two: IpAddr = "10.0.0.2".parse().expect("ip");
        limiter.failed(one, "a@x");
        limiter.failed(one, "b@x");
        assert!(
            !limiter.permits(one, "c@x"),
            "the address is over its limit"
        );
        assert!(limiter.permits(two, "b@x"));
        limiter.failed(two, "a@x");
        assert!(
            !limiter.permits(two, "A@X"),
            "the account is over its limit, whatever the case"
        );
    }

    #[test]
    fn a_lock_lasts_one_window() {
        let limiter = LoginLimiter::new(limit(1, Duration::from_millis(50)));
        let ip: IpAddr = "10.0.0.3".parse().expect("ip");
        limiter.failed(ip, "a@x");
        assert!(!limiter.permits(ip, "a@x"));
        std::thread::sleep(Duration::from_millis(80));
        assert!(limiter.permits(ip, "a@x"), "the window has passed");
    }

    #[test]
    fn idle_addresses_and_accounts_are_forgotten() {
        let limiter = LoginLimiter::new(limit(1, Duration::from_millis(50)));
        for i in 0..SWEEP_EVERY - 1 {
            let ip = IpAddr::from([10, 1, (i / 256) as u8, (i % 256) as u8]);
            limiter.failed(ip, &format!("user{i}@example.com"));
        }
        assert_eq!(limiter.by_ip.remembered(), SWEEP_EVERY - 1);
        std::thread::sleep(Duration::from_millis(80));
        // The failure that fills the table sweeps it: only that one is remembered.
        limiter.failed("10.9.9.9".parse().expect("ip"), "new@example.com");
        assert!(
            limiter.by_ip.remembered() <= 1,
            "{}",
            limiter.by_ip.remembered()
        );
        assert!(limiter.by_account.remembered() <= 1);
    }

    #[test]
    fn off_never_limits() {
        let limiter = LoginLimiter::new(None);
        let ip: IpAddr = "127.0.0.1".parse().expect("ip");
        for _ in 0..100 {
            limiter.failed(ip, "a@x");
        }
        assert!(limiter.permits(ip, "a@x"));
    }
}
