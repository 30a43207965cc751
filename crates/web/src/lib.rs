//! Kinwarden's HTTP surface: one axum router for `/identity`, `/api`, `/admin` and the pages,
//! and the mapping of every error to the Bitwarden envelopes. Handlers parse, call a use-case of
//! `kinwarden-app`, and map its result.
//!
//! - `http`: what every handler shares (state, errors, extractors, mode and CSRF checks);
//! - `api`: the JSON API under `/identity` and `/api`;
//! - `pages`: the web pages of owners and members;
//! - `portal`: the System Administrator Portal under `/admin`;
//! - `router` and `openapi` put them together. `pages` and `portal` never call into `api`.

mod api;
mod http;
pub mod openapi;
mod pages;
mod portal;
mod router;

pub use http::error::{ApiError, IdentityErrorResponse};
pub use http::json::{ApiJson, decode as decode_json};
pub use http::limiter::LoginLimiter;
pub use http::metrics;
pub use http::state::AppState;
pub use pages::PAGE_ROUTES;
pub use router::{Purpose, app, openapi_router, router};
