//! Which deployment a reference route belongs to (ARCHITECTURE: one binary, two modes). A route
//! of the reference that exists only in the other mode answers the reference's 400, as its
//! `[SelfHosted(SelfHostedOnly = true)]` / `NotSelfHostedOnly` filters do.

use kinwarden_config::Mode;

use crate::http::error::ApiError;
use crate::http::state::AppState;

/// The reference's refusal of a cloud-only route on a self-hosted server.
pub const ONLY_CLOUD: &str = "Only allowed when not self hosted.";

/// The reference's refusal of a self-hosted-only route on a cloud.
pub const ONLY_SELF_HOSTED: &str = "Only allowed when self hosted.";

/// Whether this server serves the routes of `mode`: the one mode test behind the API's 400 here
/// and the pages' plain 404 (`pages::{OnCloud, OnSelfHosted}`).
pub fn serves(state: &AppState, mode: Mode) -> bool {
    state.config.mode == mode
}

/// For a route that only a cloud serves.
pub fn cloud_only(state: &AppState) -> Result<(), ApiError> {
    only(state, Mode::Cloud, ONLY_CLOUD)
}

/// For a route that only a self-hosted server serves.
pub fn self_hosted_only(state: &AppState) -> Result<(), ApiError> {
    only(state, Mode::SelfHosted, ONLY_SELF_HOSTED)
}

fn only(state: &AppState, mode: Mode, refusal: &str) -> Result<(), ApiError> {
    if serves(state, mode) {
        Ok(())
    } else {
        Err(ApiError::BadRequest(refusal.into()))
    }
}
