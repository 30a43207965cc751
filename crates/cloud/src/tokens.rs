//! Installation tokens held for reuse, one per scope. A token is renewed five minutes before it
//! expires (not after, as the reference's client does), so a long sync never starts with a token
//! about to lapse.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

const RENEW_BEFORE: Duration = Duration::minutes(5);

#[derive(Debug, Clone)]
struct Cached {
    token: String,
    expires_at: DateTime<Utc>,
}

#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    by_scope: HashMap<String, Cached>,
}

impl TokenCache {
    /// A token for `scope` that is good for at least five more minutes.
    pub fn usable(&self, scope: &str, now: DateTime<Utc>) -> Option<String> {
        self.by_scope
            .get(scope)
            .filter(|cached| now + RENEW_BEFORE < cached.expires_at)
            .map(|cached| cached.token.clone())
    }

    pub fn store(&mut self, scope: &str, token: String, expires_at: DateTime<Utc>) {
        self.by_scope
            .insert(scope.to_string(), Cached { token, expires_at });
    }

    /// Forgets a token the cloud refused.
    pub fn forget(&mut self, scope: &str) {
        self.by_scope.remove(scope);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renews_five_minutes_early() {
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).expect("time");
        let mut cache = TokenCache::default();
        cache.store("api.installation", "t".into(), now + Duration::hours(1));
        assert_eq!(cache.usable("api.installation", now).as_deref(), Some("t"));
        assert_eq!(cache.usable("api.licensing", now), None, "per scope");
        assert_eq!(
            cache.usable("api.installation", now + Duration::minutes(56)),
            None
        );
        cache.forget("api.installation");
        assert_eq!(cache.usable("api.installation", now), None);
    }
}
