//! What every handler can reach: the use-cases' [`App`] (configuration, clock, keys, URLs) and the
//! HTTP layer's own limits.

use std::ops::Deref;
use std::sync::Arc;

use kinwarden_app::App;

use crate::http::limiter::LoginLimiter;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub login_limiter: Arc<LoginLimiter>,
}

impl AppState {
    pub fn new(app: App, login_limiter: Arc<LoginLimiter>) -> Self {
        Self { app, login_limiter }
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
