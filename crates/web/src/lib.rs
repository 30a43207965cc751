//! Kinwarden's HTTP surface: one axum router for `/identity`, `/api`, `/admin` and the pages,
//! and the mapping of every error to the Bitwarden envelopes.

mod admin;
mod auth;
mod cloud_errors;
mod console;
mod deployment;
mod error;
mod forms;
mod json;
pub mod licensing;
mod limiter;
mod mails;
pub mod metrics;
pub mod openapi;
mod org_access;
pub mod org_api_keys;
mod profile;
mod router;
mod routes;
mod secret_check;
mod self_hosted_license;
mod sponsorship_offers;
pub mod sponsorship_rows;
pub mod sponsorship_sync;
mod sponsorship_sync_wire;
mod state;
pub mod sync_soon;
pub mod sync_status;
mod wire_time;

pub use console::PAGE_ROUTES;
pub use error::{ApiError, IdentityErrorResponse};
pub use json::{ApiJson, decode as decode_json};
pub use limiter::LoginLimiter;
pub use router::{app, openapi_router, router};
pub use state::{AppState, PublicUrls};
