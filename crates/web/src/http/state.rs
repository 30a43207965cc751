//! What every handler can reach: the use-cases' [`App`] (configuration, clock, keys, URLs) and the
//! HTTP layer's own limits.

use std::ops::Deref;
use std::sync::Arc;

use kinwarden_app::App;

use crate::http::limiter::LoginLimiter;
use crate::http::mail_limiter::MailLimiter;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub login_limiter: Arc<LoginLimiter>,
    pub mail_limiter: Arc<MailLimiter>,
}

impl AppState {
    /// The state of one server; the mail limits come from the configuration.
    pub fn new(app: App, login_limiter: Arc<LoginLimiter>) -> Self {
        let mail_limiter = Arc::new(MailLimiter::new(
            app.config.mail_rate_limit_per_address,
            app.config.mail_rate_limit_per_ip,
        ));
        Self {
            app,
            login_limiter,
            mail_limiter,
        }
    }
}

/// Handlers read the shared context (`state.config`, `state.clock`, …) and pass `&state` where a
/// use-case takes `&App`.
impl Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}
