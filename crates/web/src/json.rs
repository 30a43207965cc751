//! `ApiJson<T>`: a JSON body read the way Bitwarden reads it (reference §0.2): property names in
//! any case (PascalCase clients too), errors as the `/api` envelope instead of axum's plain text.

use std::collections::BTreeMap;

use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use axum::{Json, body::Bytes};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;

/// The most a JSON body may weigh. A sync batch of 1,000 sponsorships is well below it.
const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|rejection| ApiError::field("", rejection.body_text()))?;
        decode(&bytes).map(ApiJson)
    }
}

/// Parses a body into `T`; exposed for bodies that arrive by other means (multipart parts).
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::field("", "Body is empty."));
    }
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::field("", "Body is too large."));
    }
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|err| ApiError::field("", format!("The body is not valid JSON: {err}")))?;
    serde_json::from_value(camel_case_keys(value)).map_err(|err| {
        ApiError::Validation(BTreeMap::from([(String::new(), vec![err.to_string()])]))
    })
}

/// Lower-cases the first letter of every object key, so `MasterPasswordHash` and
/// `masterPasswordHash` both reach a camelCase field.
fn camel_case_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| (lower_first(key), camel_case_keys(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(camel_case_keys).collect()),
        other => other,
    }
}

/// The key with its first letter lower-cased; a key that already starts in lower case (every key
/// of a Kinwarden or Bitwarden client, 7,000 of them in a sync batch) is kept as it is.
fn lower_first(key: String) -> String {
    let mut chars = key.chars();
    match chars.next() {
        Some(first) if first.is_uppercase() => first.to_lowercase().chain(chars).collect(),
        _ => key,
    }
}

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Body {
        master_password_hash: String,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Inner {
        public_key: String,
    }

    #[test]
    fn any_case_is_accepted() {
        let body: Body =
            decode(br#"{"MasterPasswordHash":"h","Inner":{"PublicKey":"k"}}"#).expect("pascal");
        assert_eq!(body.master_password_hash, "h");
        assert_eq!(body.inner.expect("inner").public_key, "k");
        let body: Body = decode(br#"{"masterPasswordHash":"h"}"#).expect("camel");
        assert_eq!(body.master_password_hash, "h");
    }

    #[test]
    fn empty_and_broken_bodies_are_model_state_errors() {
        let ApiError::Validation(errors) = decode::<Body>(b"  ").expect_err("empty") else {
            panic!("expected a validation error");
        };
        assert_eq!(errors[""], vec!["Body is empty."]);
        assert!(matches!(decode::<Body>(b"{"), Err(ApiError::Validation(_))));
        assert!(matches!(
            decode::<Body>(b"{}"),
            Err(ApiError::Validation(_))
        ));
    }
}
