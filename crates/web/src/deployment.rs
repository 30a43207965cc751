//! Which deployment a reference route belongs to (ARCHITECTURE: one binary, two modes). A route
//! of the reference that exists only in the other mode answers the reference's 400, as its
//! `[SelfHosted(SelfHostedOnly = true)]` / `NotSelfHostedOnly` filters do.

use kinwarden_config::Mode;

use crate::error::ApiError;
use crate::routes::installations::ONLY_CLOUD;
use crate::routes::self_hosted_licenses::ONLY_SELF_HOSTED;
use crate::state::AppState;

/// For a route that only a cloud serves.
pub fn cloud_only(state: &AppState) -> Result<(), ApiError> {
    match state.config.mode {
        Mode::Cloud => Ok(()),
        Mode::SelfHosted => Err(ApiError::BadRequest(ONLY_CLOUD.into())),
    }
}

/// For a route that only a self-hosted server serves.
pub fn self_hosted_only(state: &AppState) -> Result<(), ApiError> {
    match state.config.mode {
        Mode::SelfHosted => Ok(()),
        Mode::Cloud => Err(ApiError::BadRequest(ONLY_SELF_HOSTED.into())),
    }
}
