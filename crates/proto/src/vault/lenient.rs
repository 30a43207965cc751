//! Readers for values the reference takes in more than one form: its JSON reader also accepts a
//! number written as a string (`"5"`), and drops `null` entries from some lists. A client that
//! does either is answered as the reference answers it, not refused.

use serde::de::Error;
use serde::{Deserialize, Deserializer};

/// A number as JSON writes it, or as text.
#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Number(i64),
    Text(String),
}

impl NumberOrText {
    fn into_i64<E: Error>(self) -> Result<i64, E> {
        match self {
            Self::Number(number) => Ok(number),
            Self::Text(text) => text
                .trim()
                .parse()
                .map_err(|_| E::custom(format!("`{text}` is not a whole number"))),
        }
    }
}

fn narrow<E: Error>(number: i64) -> Result<i32, E> {
    i32::try_from(number).map_err(|_| E::custom(format!("{number} is out of range")))
}

/// An optional 32-bit number, given as a number or as text.
pub fn option_i32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i32>, D::Error> {
    Option::<NumberOrText>::deserialize(deserializer)?
        .map(|value| value.into_i64().and_then(narrow))
        .transpose()
}

/// A 32-bit number, given as a number or as text.
pub fn i32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i32, D::Error> {
    NumberOrText::deserialize(deserializer)?
        .into_i64()
        .and_then(narrow)
}

/// A 64-bit number, given as a number or as text.
pub fn i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    NumberOrText::deserialize(deserializer)?.into_i64()
}

/// An optional list whose `null` entries are dropped (the reference skips them in a login's
/// URIs rather than failing on them).
pub fn option_vec_without_nulls<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<Option<T>>>::deserialize(deserializer)?
        .map(|items| items.into_iter().flatten().collect()))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Sample {
        #[serde(default, deserialize_with = "super::option_i32")]
        kind: Option<i32>,
        #[serde(default, deserialize_with = "super::i64")]
        size: i64,
        #[serde(default, deserialize_with = "super::option_vec_without_nulls")]
        list: Option<Vec<u8>>,
    }

    fn read(text: &str) -> Result<Sample, serde_json::Error> {
        serde_json::from_str(text)
    }

    #[test]
    fn numbers_are_read_as_numbers_or_text() {
        let sample = read(r#"{"kind":"3","size":" 42 ","list":[1,null,2]}"#).expect("reads");
        assert_eq!(sample.kind, Some(3));
        assert_eq!(sample.size, 42);
        assert_eq!(sample.list, Some(vec![1, 2]));
        let sample = read(r#"{"kind":null,"size":7}"#).expect("reads");
        assert_eq!((sample.kind, sample.size, sample.list), (None, 7, None));
        assert!(read(r#"{"kind":"three"}"#).is_err());
        assert!(read(r#"{"kind":4294967296}"#).is_err());
        assert!(read(r#"{"kind":1.5}"#).is_err());
    }
}
