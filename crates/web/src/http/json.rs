//! `ApiJson<T>`: a JSON body read the way Bitwarden reads it (reference §0.2): property names in
//! any case (PascalCase clients too), errors as the `/api` envelope instead of axum's plain text.

use std::collections::BTreeMap;

use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use axum::{Json, body::Bytes};
use serde::de::{DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::http::error::ApiError;

/// The most a JSON body may weigh: the reference's request limit, which a vault import of
/// 7,000 items reaches. Each route's own body limit (axum's 2 MB by default, 30 MB for an
/// import) is what bounds a request; this bounds a body that arrives by other means (a
/// multipart part).
pub const MAX_BODY_BYTES: usize = 30_000_000;

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
    let not_json =
        |err: serde_json::Error| ApiError::field("", format!("The body is not valid JSON: {err}"));
    let invalid = |err: serde_json::Error| {
        ApiError::Validation(BTreeMap::from([(String::new(), vec![err.to_string()])]))
    };
    // Every client of ours and Bitwarden's writes camelCase: such a body is read straight into
    // `T`. Only a body with a key in another case goes through a `Value` to rename its keys
    // (a sync batch has 7,000 keys; building and rebuilding its tree cost more than reading it).
    let KeysInCamelCase(camel) = serde_json::from_slice(bytes).map_err(not_json)?;
    if camel {
        return serde_json::from_slice(bytes).map_err(invalid);
    }
    let value: Value = serde_json::from_slice(bytes).map_err(not_json)?;
    serde_json::from_value(camel_case_keys(value)).map_err(invalid)
}

/// Whether every object key of a JSON document starts in lower case (or not with a letter),
/// found by reading the document without keeping any of it.
struct KeysInCamelCase(bool);

impl<'de> Deserialize<'de> for KeysInCamelCase {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KeysInCamelCaseVisitor)
    }
}

struct KeysInCamelCaseVisitor;

impl<'de> Visitor<'de> for KeysInCamelCaseVisitor {
    type Value = KeysInCamelCase;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(KeysInCamelCase(true))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(KeysInCamelCase(true))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(KeysInCamelCase(true))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(KeysInCamelCase(true))
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(KeysInCamelCase(true))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(KeysInCamelCase(true))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
        let mut camel = true;
        while let Some(KeysInCamelCase(item)) = items.next_element()? {
            camel &= item;
        }
        Ok(KeysInCamelCase(camel))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
        let mut camel = true;
        while let Some(KeyInCamelCase(key)) = entries.next_key()? {
            let KeysInCamelCase(value) = entries.next_value()?;
            camel &= key && value;
        }
        Ok(KeysInCamelCase(camel))
    }
}

/// Whether one object key starts in lower case (or not with a letter).
struct KeyInCamelCase(bool);

impl<'de> Deserialize<'de> for KeyInCamelCase {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = KeyInCamelCase;

            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("an object key")
            }

            fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
                Ok(KeyInCamelCase(
                    !key.chars().next().is_some_and(char::is_uppercase),
                ))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
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
    fn only_keys_decide_the_case() {
        let probe = |text: &str| {
            serde_json::from_str::<KeysInCamelCase>(text)
                .expect("json")
                .0
        };
        assert!(probe(
            r#"{"a":"Upper","b":[{"c":null,"_d":1.5}],"e":true,"1":-2}"#
        ));
        assert!(probe(r#"["Upper", {"camel": "Value"}]"#));
        assert!(!probe(r#"{"a":[{"b":{"Deep":1}}]}"#));
        assert!(!probe(r#"{"\u0041scaped":1}"#));
        assert!(!probe(r#"{"Émile":1}"#));
    }

    #[test]
    fn a_body_of_mixed_case_reaches_every_field() {
        let body: Body =
            decode(br#"{"masterPasswordHash":"h","Inner":{"publicKey":"k"}}"#).expect("mixed");
        assert_eq!(body.inner.expect("inner").public_key, "k");
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

/// Robustness: any body sent to the sync route decodes to a request or a 400 in the
/// envelope, and any decoded item is taken or refused, never a panic.
#[cfg(test)]
mod sync_body_robustness {
    use kinwarden_proto::sponsorship_sync::{SyncItem, SyncRequest};
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use crate::http::error::ApiError;
    use kinwarden_app::sponsorships::cloud_sync_wire::synced_item;

    fn any_text() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            ".{0,30}".prop_map(Value::from),
            Just(json!("2027-01-15T08:00:00.123Z")),
            Just(json!("9999-99-99T99:99:99")),
            Just(json!("0b5c7e9a-1f2e-4c3d-8a9b-0c1d2e3f4a5b")),
            any::<i64>().prop_map(Value::from),
            any::<bool>().prop_map(Value::from),
        ]
    }

    fn any_item() -> impl Strategy<Value = Value> {
        (
            any_text(),
            any_text(),
            any_text(),
            any_text(),
            any_text(),
            any_text(),
            any_text(),
        )
            .prop_map(|(member, name, email, plan, last, valid, delete)| {
                json!({
                    "sponsoringOrganizationUserId": member,
                    "FriendlyName": name,
                    "offeredToEmail": email,
                    "planSponsorshipType": plan,
                    "lastSyncDate": last,
                    "validUntil": valid,
                    "toDelete": delete,
                })
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let _ = crate::http::json::decode::<SyncRequest>(&bytes);
        }

        #[test]
        fn any_shaped_body(
            key in any_text(),
            cloud_id in any_text(),
            items in prop::collection::vec(any_item(), 0..4),
        ) {
            let body = json!({
                "billingSyncKey": key,
                "SponsoringOrganizationCloudId": cloud_id,
                "sponsorshipsBatch": items,
            });
            let bytes = serde_json::to_vec(&body).expect("json");
            match crate::http::json::decode::<SyncRequest>(&bytes) {
                Ok(request) => {
                    for item in request.sponsorships_batch.unwrap_or_default() {
                        check(&item)?;
                    }
                }
                Err(err) => prop_assert!(matches!(err, ApiError::Validation(_))),
            }
        }
    }

    fn check(item: &SyncItem) -> Result<(), TestCaseError> {
        if let Err(err) = synced_item(item).map_err(ApiError::from) {
            prop_assert!(matches!(
                err,
                ApiError::Validation(_) | ApiError::BadRequest(_)
            ));
        }
        Ok(())
    }
}
