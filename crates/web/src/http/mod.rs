//! What every HTTP handler shares, whichever surface it serves (the JSON API, the pages, the
//! Portal): the state, the error envelopes, the JSON and form readers, the callers and role
//! extractors, the mode checks, the login and mail limiters and the request metrics. Nothing here names a
//! handler.

pub mod auth;
pub mod client_ip;
pub mod deployment;
pub mod error;
pub mod forms;
pub mod json;
pub mod license_form;
pub mod limiter;
pub mod mail_limiter;
pub mod mails;
pub mod metrics;
pub mod org_access;
pub mod state;
