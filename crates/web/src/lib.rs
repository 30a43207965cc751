//! Kinwarden's HTTP surface: one axum router for `/identity`, `/api`, `/admin` and the pages,
//! and the mapping of every error to the Bitwarden envelopes.

mod error;
mod json;
mod router;
mod routes;
mod state;

pub use error::{ApiError, IdentityErrorResponse};
pub use json::ApiJson;
pub use router::{app, router};
pub use state::{AppState, PublicUrls};
