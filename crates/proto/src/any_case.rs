//! Reading another server's JSON answer the way Bitwarden's own client reads it (SPEC §12, the
//! cloud's answers): property names are matched against the target type's names without regard
//! to case (camelCase as the cloud writes today, PascalCase as a .NET server with default
//! options writes, or any mix), and a number may arrive as a string.
//!
//! The match uses the names each struct declares, so it holds at every depth and for every
//! naming convention a type chose (`rename_all = "camelCase"`, `"snake_case"`, …). Keys of plain
//! maps and of a `serde_json::Value` are kept as they came.

use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{DeserializeOwned, Deserializer, IntoDeserializer, Visitor};
use serde_json::{Map, Number, Value};

/// Reads `bytes` as JSON into `T`, with names in any case.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    from_value(serde_json::from_slice(bytes)?)
}

/// Reads `value` into `T`, with names in any case.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    T::deserialize(AnyCase(value))
}

/// A JSON value whose objects meet a struct's names in any case.
struct AnyCase(Value);

impl IntoDeserializer<'_, serde_json::Error> for AnyCase {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

/// Hands `map` to `visitor`, each key renamed to the field of `fields` it equals without regard
/// to case (a key that names no field is kept, for the struct to ignore or refuse).
fn visit_map<'de, V: Visitor<'de>>(
    map: Map<String, Value>,
    fields: &'static [&'static str],
    visitor: V,
) -> Result<V::Value, serde_json::Error> {
    let entries = map.into_iter().map(|(key, value)| {
        let key = fields
            .iter()
            .find(|field| field.eq_ignore_ascii_case(&key))
            .map_or(key, |field| (*field).to_string());
        (key, AnyCase(value))
    });
    let mut access = MapDeserializer::new(entries);
    let value = visitor.visit_map(&mut access)?;
    access.end()?;
    Ok(value)
}

fn visit_seq<'de, V: Visitor<'de>>(
    items: Vec<Value>,
    visitor: V,
) -> Result<V::Value, serde_json::Error> {
    let mut access = SeqDeserializer::new(items.into_iter().map(AnyCase));
    let value = visitor.visit_seq(&mut access)?;
    access.end()?;
    Ok(value)
}

/// A string that holds a JSON number, as that number (the reference's reader accepts
/// `"86400"` where it expects 86400); anything else as it is.
fn number_from_string(value: Value) -> Value {
    match value {
        Value::String(text) => match serde_json::from_str::<Number>(&text) {
            Ok(number) => Value::Number(number),
            Err(_) => Value::String(text),
        },
        other => other,
    }
}

macro_rules! numbers_from_strings {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            number_from_string(self.0).$method(visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for AnyCase {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Array(items) => visit_seq(items, visitor),
            // Not a struct: no names to match, the keys stay as they came.
            Value::Object(map) => visit_map(map, &[], visitor),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Object(map) => visit_map(map, fields, visitor),
            other => AnyCase(other).deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(AnyCase(other)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    /// Enums in the cloud's answers are numbers (reference §0); an enum read by name keeps
    /// serde_json's own rules.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    numbers_from_strings! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64
    }

    serde::forward_to_deserialize_any! {
        bool char str string bytes byte_buf unit unit_struct seq tuple tuple_struct map
        identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use serde::Deserialize;
    use serde_json::json;

    use super::*;
    use crate::sponsorship_sync::SyncResponse;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Outer {
        sponsorships_batch: Vec<Inner>,
        total: Option<i64>,
        #[serde(default)]
        extra: BTreeMap<String, Value>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Inner {
        offered_to_email: Option<String>,
        #[serde(default)]
        to_delete: bool,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Token {
        access_token: String,
        expires_in: i64,
    }

    fn outer(email: &str, to_delete: bool, total: Option<i64>) -> Outer {
        Outer {
            sponsorships_batch: vec![Inner {
                offered_to_email: Some(email.to_string()),
                to_delete,
            }],
            total,
            extra: BTreeMap::new(),
        }
    }

    #[test]
    fn names_in_any_case_at_every_depth() {
        let cases = [
            (
                json!({"sponsorshipsBatch": [{"offeredToEmail": "a@x.test", "toDelete": true}], "total": 1}),
                outer("a@x.test", true, Some(1)),
            ),
            (
                json!({"SponsorshipsBatch": [{"OfferedToEmail": "a@x.test", "ToDelete": true}], "Total": 1}),
                outer("a@x.test", true, Some(1)),
            ),
            (
                json!({"SPONSORSHIPSBATCH": [{"offeredtoemail": "a@x.test", "toDELETE": false}], "TOTAL": null}),
                outer("a@x.test", false, None),
            ),
            // A number as a string, as the reference's reader allows.
            (
                json!({"sponsorshipsBatch": [{"OfferedToEmail": "a@x.test"}], "Total": "7"}),
                outer("a@x.test", false, Some(7)),
            ),
        ];
        for (value, expected) in cases {
            let read: Outer = from_value(value.clone()).expect("reads");
            assert_eq!(read, expected, "{value}");
        }
    }

    #[test]
    fn snake_case_names_too() {
        let read: Token =
            from_slice(br#"{"Access_Token":"t","EXPIRES_IN":"86400","Scope":"api.licensing"}"#)
                .expect("reads");
        assert_eq!(
            read,
            Token {
                access_token: "t".into(),
                expires_in: 86_400
            }
        );
    }

    #[test]
    fn map_keys_and_values_are_kept() {
        let read: Outer =
            from_value(json!({"SponsorshipsBatch": [], "Extra": {"KeepMe": {"Inner": 1}}}))
                .expect("reads");
        assert_eq!(read.extra["KeepMe"], json!({"Inner": 1}));
        let value: Value = from_value(json!({"Mixed": [{"Case": 1}]})).expect("reads");
        assert_eq!(value, json!({"Mixed": [{"Case": 1}]}));
    }

    #[test]
    fn what_is_wrong_stays_wrong() {
        let cases = [
            json!({"total": 1}),
            json!({"sponsorshipsBatch": "no"}),
            json!({"sponsorshipsBatch": [], "total": "seven"}),
            json!({"sponsorshipsBatch": [{"toDelete": "yes"}]}),
            json!([1]),
        ];
        for value in cases {
            assert!(from_value::<Outer>(value.clone()).is_err(), "{value}");
        }
    }

    /// Re-cases every object key of `value`: `flips[i]` says whether the i-th letter met is
    /// upper-cased or lower-cased.
    fn recase(value: &Value, flips: &[bool], at: &mut usize) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(key, value)| {
                        let key: String = key
                            .chars()
                            .map(|c| {
                                let upper = flips.get(*at % flips.len().max(1)).copied();
                                *at += 1;
                                if upper.unwrap_or(false) {
                                    c.to_ascii_uppercase()
                                } else {
                                    c.to_ascii_lowercase()
                                }
                            })
                            .collect();
                        (key, recase(value, flips, at))
                    })
                    .collect(),
            ),
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| recase(v, flips, at)).collect())
            }
            other => other.clone(),
        }
    }

    fn sync_answer(items: usize) -> Value {
        let item = |n: usize| {
            json!({
                "sponsoringOrganizationUserId": format!("00000000-0000-0000-0000-{n:012}"),
                "friendlyName": format!("Family {n}"),
                "offeredToEmail": format!("f{n}@example.com"),
                "planSponsorshipType": 0,
                "lastSyncDate": "2026-08-20T12:34:56.1234567Z",
                "validUntil": null,
                "toDelete": n.is_multiple_of(2),
                "cloudSponsorshipRemoved": n.is_multiple_of(3),
                "isAdminInitiated": false
            })
        };
        json!({
            "sponsorshipsBatch": (0..items).map(item).collect::<Vec<_>>(),
            "skipped": [{"sponsoringOrganizationUserId": "x", "reason": "wrong_plan_tier"}]
        })
    }

    proptest! {
        /// Any re-casing of a valid sponsorship sync answer reads the same as the camelCase one.
        #[test]
        fn any_recasing_reads_the_same(
            items in 0usize..4,
            flips in proptest::collection::vec(any::<bool>(), 1..64),
        ) {
            let answer = sync_answer(items);
            let camel: SyncResponse = serde_json::from_value(answer.clone()).expect("camel");
            let recased = recase(&answer, &flips, &mut 0);
            let read: SyncResponse = from_value(recased).expect("recased");
            prop_assert_eq!(read, camel);
        }
    }
}
