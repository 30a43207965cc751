//! The use-cases' one error type. The HTTP layer maps each variant once to a status and the
//! Bitwarden envelope; jobs and commands print its text. Internal causes are for the log only.

use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request is refused with this message (the reference's text where it has one).
    #[error("{0}")]
    BadRequest(String),
    /// The request is refused with messages per field.
    #[error("invalid request: {0:?}")]
    Validation(BTreeMap<String, Vec<String>>),
    /// What was asked for does not exist, or the caller may not learn that it does.
    #[error("resource not found")]
    NotFound,
    /// A known caller is refused the action.
    #[error("unauthorized")]
    Unauthorized,
    /// No caller could be established (a missing, invalid or outdated token).
    #[error("not authenticated")]
    Unauthenticated,
    /// The caller is known, but a policy does not admit it.
    #[error("forbidden")]
    Forbidden,
    /// The caller has asked for this too often; it may try again after `retry_after`.
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after: std::time::Duration,
    },
    /// Something failed that the caller cannot fix; the cause goes to the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// A refusal whose message sits under one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(BTreeMap::from([(field.to_string(), vec![message.into()])]))
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }
}

impl From<kinwarden_store::StoreError> for AppError {
    fn from(err: kinwarden_store::StoreError) -> Self {
        Self::internal(err)
    }
}

/// An id as a URL carries it. One that does not parse names nothing, so it is answered as an
/// unknown id is: [`AppError::NotFound`].
pub fn id_in_path<Id: std::str::FromStr>(raw: &str) -> Result<Id, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}
