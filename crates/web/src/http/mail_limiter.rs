//! Limits on requests that send mail to an address the request names (the sign-up verification
//! link, the Portal's login link, a new installation's key): per address, so nobody's inbox can
//! be flooded through this server, and per client IP, so one client cannot spread a flood over
//! many addresses (`kinwarden__mailRateLimitPerAddress`, `kinwarden__mailRateLimitPerIp`).
//! Every admitted request counts, whether or not a mail went out, so the answer does not tell
//! which addresses have accounts. In memory, like the login limits.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use kinwarden_config::RateLimit;

use crate::http::limiter::Counts;

pub struct MailLimiter {
    per_address: Option<RateLimit>,
    per_ip: Option<RateLimit>,
    by_address: Counts<String>,
    by_ip: Counts<IpAddr>,
}

/// A request refused by the limits, with how long to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailLimited {
    pub retry_after: Duration,
}

impl MailLimited {
    /// The wait in whole seconds, at least one: `Retry-After: 0` would invite an immediate retry.
    pub fn retry_after_seconds(self) -> u64 {
        self.retry_after.as_secs().max(1)
    }

    /// The refusal as the API answers it: 429 with `Retry-After`.
    pub fn into_error(self) -> crate::ApiError {
        crate::ApiError::TooManyRequests {
            message: format!(
                "Too many e-mails were asked for; try again in {} seconds.",
                self.retry_after_seconds()
            ),
            retry_after: self.retry_after,
        }
    }
}

impl MailLimiter {
    pub fn new(per_address: Option<RateLimit>, per_ip: Option<RateLimit>) -> Self {
        let usable = |limit: Option<RateLimit>| limit.filter(|limit| limit.count > 0);
        Self {
            per_address: usable(per_address),
            per_ip: usable(per_ip),
            by_address: Counts::new(),
            by_ip: Counts::new(),
        }
    }

    /// Admits and counts a request from `ip` that mails `address`, or refuses it, counting
    /// nothing, when the address or the client has used up its window.
    pub fn admit(&self, ip: IpAddr, address: &str) -> Result<(), MailLimited> {
        let now = Instant::now();
        // Counted as accounts are keyed: the same address however it is written.
        let address = kinwarden_core::email::normalize(address)
            .unwrap_or_else(|| address.trim().to_lowercase());
        let waits = [
            self.per_address
                .and_then(|limit| self.by_address.wait(&address, limit, now)),
            self.per_ip
                .and_then(|limit| self.by_ip.wait(&ip, limit, now)),
        ];
        if let Some(retry_after) = waits.into_iter().flatten().max() {
            return Err(MailLimited { retry_after });
        }
        if let Some(limit) = self.per_address {
            self.by_address.record(address, limit.window, now);
        }
        if let Some(limit) = self.per_ip {
            self.by_ip.record(ip, limit.window, now);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(count: u32, seconds: u64) -> Option<RateLimit> {
        Some(RateLimit {
            count,
            window: Duration::from_secs(seconds),
        })
    }

    #[test]
    fn an_address_is_limited_whatever_its_case_and_whoever_asks() {
        let limiter = MailLimiter::new(limit(2, 3600), limit(100, 3600));
        let one: IpAddr = "10.0.0.1".parse().expect("ip");
        let two: IpAddr = "10.0.0.2".parse().expect("ip");
        assert!(limiter.admit(one, "ann@example.com").is_ok());
        assert!(limiter.admit(two, " Ann@Example.com").is_ok());
        let refused = limiter.admit(one, "ANN@example.com").expect_err("third");
        assert!(
            refused.retry_after > Duration::from_secs(3590),
            "{refused:?}"
        );
        assert!(limiter.admit(one, "bob@example.com").is_ok());
    }

    #[test]
    fn a_client_is_limited_across_addresses_and_refusals_do_not_count() {
        let limiter = MailLimiter::new(limit(100, 60), limit(3, 60));
        let ip: IpAddr = "10.0.0.3".parse().expect("ip");
        for i in 0..3 {
            assert!(limiter.admit(ip, &format!("u{i}@example.com")).is_ok());
        }
        assert!(limiter.admit(ip, "u9@example.com").is_err());
        // The refused address was not counted against itself.
        let other: IpAddr = "10.0.0.4".parse().expect("ip");
        assert!(limiter.admit(other, "u9@example.com").is_ok());
    }

    #[test]
    fn off_never_limits() {
        let limiter = MailLimiter::new(None, None);
        let ip: IpAddr = "127.0.0.1".parse().expect("ip");
        assert!((0..100).all(|_| limiter.admit(ip, "a@x").is_ok()));
    }
}
