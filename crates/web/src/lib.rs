//! Kinwarden's HTTP surface: one axum router for `/identity`, `/api`, `/admin` and the pages,
//! and the mapping of every error to the Bitwarden envelopes. Handlers parse, call a use-case of
//! `kinwarden-app`, and map its result.

mod admin;
mod auth;
mod console;
mod deployment;
mod error;
mod forms;
mod json;
mod license_form;
mod limiter;
mod mails;
pub mod metrics;
pub mod openapi;
mod org_access;
mod router;
mod routes;
mod state;

pub use console::PAGE_ROUTES;
pub use error::{ApiError, IdentityErrorResponse};
pub use json::{ApiJson, decode as decode_json};
pub use limiter::LoginLimiter;
pub use router::{app, openapi_router, router};
pub use state::AppState;
