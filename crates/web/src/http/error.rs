//! The web layer's error type and its one mapping to status codes and Bitwarden bodies
//! (reference §0.3). Internal causes are logged, never sent.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use kinwarden_proto::error::{ErrorResponse, IdentityError, IdentityErrorModel};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 with a plain message.
    #[error("{0}")]
    BadRequest(String),
    /// 400 "The model state is invalid." with messages per field.
    #[error("invalid request: {0:?}")]
    Validation(BTreeMap<String, Vec<String>>),
    /// 404 "Resource not found." (the reference discards any custom text).
    #[error("resource not found")]
    NotFound,
    /// 401 "Unauthorized." for a known caller refused an action.
    #[error("unauthorized")]
    Unauthorized,
    /// 401 with an empty body and a bearer challenge: no or invalid token.
    #[error("not authenticated")]
    Unauthenticated,
    /// 403 with an empty body: authenticated, but a policy does not admit the caller.
    #[error("forbidden")]
    Forbidden,
    /// 429 with the message and `Retry-After` in whole seconds.
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after: std::time::Duration,
    },
    /// 500; the cause goes to the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A 400 whose message sits under one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(BTreeMap::from([(field.to_string(), vec![message.into()])]))
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }
}

/// The one mapping of the use-cases' errors to the API's.
impl From<kinwarden_app::AppError> for ApiError {
    fn from(err: kinwarden_app::AppError) -> Self {
        use kinwarden_app::AppError;
        match err {
            AppError::BadRequest(message) => Self::BadRequest(message),
            AppError::Validation(errors) => Self::Validation(errors),
            AppError::NotFound => Self::NotFound,
            AppError::Unauthorized => Self::Unauthorized,
            AppError::Unauthenticated => Self::Unauthenticated,
            AppError::Forbidden => Self::Forbidden,
            AppError::TooManyRequests {
                message,
                retry_after,
            } => Self::TooManyRequests {
                message,
                retry_after,
            },
            AppError::Internal(cause) => Self::Internal(cause),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            Self::BadRequest(message) => (StatusCode::BAD_REQUEST, ErrorResponse::message(message)),
            Self::Validation(errors) => {
                (StatusCode::BAD_REQUEST, ErrorResponse::validation(errors))
            }
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                ErrorResponse::message("Resource not found."),
            ),
            Self::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                ErrorResponse::message("Unauthorized."),
            ),
            Self::Unauthenticated => {
                return (
                    StatusCode::UNAUTHORIZED,
                    [(header::WWW_AUTHENTICATE, "Bearer")],
                )
                    .into_response();
            }
            Self::Forbidden => return StatusCode::FORBIDDEN.into_response(),
            Self::TooManyRequests {
                message,
                retry_after,
            } => {
                // At least a second: `Retry-After: 0` would invite an immediate retry.
                let seconds = retry_after.as_secs().max(1).to_string();
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(header::RETRY_AFTER, seconds)],
                    Json(ErrorResponse::message(message)),
                )
                    .into_response();
            }
            Self::Internal(cause) => {
                tracing::error!(%cause, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorResponse::message("An unhandled server error has occurred."),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}

/// An OAuth-style error of the token endpoint (always 400 unless said otherwise).
#[derive(Debug)]
pub struct IdentityErrorResponse {
    pub status: StatusCode,
    pub body: IdentityError,
}

impl IdentityErrorResponse {
    pub fn new(error: &str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            body: IdentityError {
                error: error.to_string(),
                error_description: None,
                error_model: None,
            },
        }
    }

    pub fn with_description(mut self, description: &str) -> Self {
        self.body.error_description = Some(description.to_string());
        self
    }

    /// The message a client shows the user.
    pub fn with_message(mut self, message: &str) -> Self {
        self.body.error_model = Some(IdentityErrorModel {
            message: message.to_string(),
            object: "error".to_string(),
        });
        self
    }
}

impl IntoResponse for IdentityErrorResponse {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(response: Response) -> (StatusCode, String) {
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, String::from_utf8(bytes.to_vec()).expect("utf-8"))
    }

    #[tokio::test]
    async fn envelopes() {
        let (status, text) = body(ApiError::NotFound.into_response()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let json: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(json["message"], "Resource not found.");
        assert_eq!(json["object"], "error");
        assert!(json["validationErrors"].is_null());

        let (status, text) =
            body(ApiError::field("MasterPasswordHash", "Invalid password.").into_response()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let json: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(json["message"], "The model state is invalid.");
        assert_eq!(
            json["validationErrors"]["MasterPasswordHash"][0],
            "Invalid password."
        );

        let response = ApiError::TooManyRequests {
            message: "Slow down.".into(),
            retry_after: std::time::Duration::from_millis(1500),
        }
        .into_response();
        assert_eq!(
            response
                .headers()
                .get(header::RETRY_AFTER)
                .map(|v| v.as_bytes()),
            Some(&b"1"[..])
        );
        let (status, text) = body(response).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        let json: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(json["message"], "Slow down.");

        let (status, text) = body(ApiError::Forbidden.into_response()).await;
        assert_eq!((status, text.as_str()), (StatusCode::FORBIDDEN, ""));
    }

    #[tokio::test]
    async fn internal_errors_hide_their_cause() {
        let (status, text) =
            body(ApiError::internal("disk full at /secret/path").into_response()).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!text.contains("/secret/path"));
        assert!(text.contains("An unhandled server error has occurred."));
    }

    #[tokio::test]
    async fn identity_errors() {
        let response = IdentityErrorResponse::new("invalid_grant")
            .with_description("invalid_username_or_password")
            .with_message("Username or password is incorrect. Try again.")
            .into_response();
        let (status, text) = body(response).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let json: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(json["error"], "invalid_grant");
        assert_eq!(
            json["ErrorModel"]["Message"],
            "Username or password is incorrect. Try again."
        );
    }
}
