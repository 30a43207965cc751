//! Error bodies: the `/api` envelope and the OAuth-style `/identity` token errors.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The error envelope of every `/api` route (`object` = `"error"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorResponse {
    pub message: String,
    pub validation_errors: Option<BTreeMap<String, Vec<String>>>,
    // Filled only in a development build of the reference; always null here, but present so
    // clients that read them find them.
    pub exception_message: Option<String>,
    pub exception_stack_trace: Option<String>,
    pub inner_exception_message: Option<String>,
    pub object: String,
}

impl ErrorResponse {
    pub fn message(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            validation_errors: None,
            exception_message: None,
            exception_stack_trace: None,
            inner_exception_message: None,
            object: "error".to_string(),
        }
    }

    /// A 400 with messages per field, under the reference's fixed headline.
    pub fn validation(errors: BTreeMap<String, Vec<String>>) -> Self {
        Self {
            validation_errors: Some(errors),
            ..Self::message("The model state is invalid.")
        }
    }
}

/// The inner model some identity errors carry for clients to show (PascalCase on the wire).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IdentityErrorModel {
    #[serde(rename = "Message")]
    pub message: String,
    #[serde(rename = "Object")]
    pub object: String,
}

/// OAuth 2.0 error body of `/identity/connect/token`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IdentityError {
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    #[serde(rename = "ErrorModel", skip_serializing_if = "Option::is_none")]
    pub error_model: Option<IdentityErrorModel>,
}
