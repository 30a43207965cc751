//! The item's stored document (reference vault §1.2 "Data blob"): what a client saved, as one JSON
//! text with PascalCase names and no `null` values, answered back verbatim as `data` and read
//! again for the structured fields. Clients that encrypt the whole document send it as `data`
//! themselves; it is kept as it comes and its structured fields answer null.

use serde_json::{Map, Value};

use super::responses::CipherContent;

/// The document of `content`: camelCase names become PascalCase, `null`s are left out, and the
/// login's deprecated top-level `uri` is dropped (answers derive it from `uris`).
pub fn to_document(content: &CipherContent) -> String {
    let mut value = serde_json::to_value(content).unwrap_or(Value::Null);
    if let Some(login) = value.get_mut("login").and_then(Value::as_object_mut) {
        login.remove("uri");
    }
    rename_keys(&strip_nulls(value), upper_first).to_string()
}

/// The structured fields of a stored document: all null when it is not a document of this
/// shape (an encrypted blob, marked by a top-level `format_version`, or anything unreadable).
pub fn from_document(document: &str) -> CipherContent {
    let Ok(value) = serde_json::from_str::<Value>(document) else {
        return CipherContent::default();
    };
    if value.get("format_version").is_some() {
        return CipherContent::default();
    }
    let mut content: CipherContent =
        serde_json::from_value(rename_keys(&value, lower_first)).unwrap_or_default();
    if let Some(login) = content.login.as_mut() {
        // The answer's `uri` is the first of `uris`.
        login.uri = login
            .uris
            .as_ref()
            .and_then(|uris| uris.first())
            .and_then(|first| first.uri.clone());
    }
    content
}

/// Whether a stored document is one the client encrypted whole.
pub fn is_blob(document: &str) -> bool {
    serde_json::from_str::<Value>(document).is_ok_and(|value| value.get("format_version").is_some())
}

fn strip_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

fn rename_keys(value: &Value, rename: fn(&str) -> String) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (rename(k), rename_keys(v, rename)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| rename_keys(v, rename)).collect()),
        other => other.clone(),
    }
}

fn upper_first(key: &str) -> String {
    let mut chars = key.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn lower_first(key: &str) -> String {
    let mut chars = key.chars();
    chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::items::{CipherFieldModel, CipherLoginModel, CipherLoginUriModel};

    fn login() -> CipherContent {
        CipherContent {
            name: Some("2.n|n|n".into()),
            login: Some(CipherLoginModel {
                uri: Some("2.old|o|o".into()),
                uris: Some(vec![CipherLoginUriModel {
                    uri: Some("2.u|u|u".into()),
                    uri_checksum: None,
                    match_type: Some(3),
                }]),
                username: Some("2.a|a|a".into()),
                ..CipherLoginModel::default()
            }),
            fields: Some(vec![CipherFieldModel {
                field_type: 1,
                name: Some("2.f|f|f".into()),
                value: None,
                linked_id: None,
            }]),
            ..CipherContent::default()
        }
    }

    #[test]
    fn the_document_is_pascal_case_without_nulls() {
        let document: Value = serde_json::from_str(&to_document(&login())).expect("json");
        assert_eq!(
            document,
            serde_json::json!({
                "Name": "2.n|n|n",
                "Login": {"Uris": [{"Uri": "2.u|u|u", "Match": 3}], "Username": "2.a|a|a"},
                "Fields": [{"Type": 1, "Name": "2.f|f|f"}]
            })
        );
    }

    #[test]
    fn a_document_reads_back_with_the_first_uri() {
        let read = from_document(&to_document(&login()));
        let login = read.login.clone().expect("login");
        assert_eq!(login.uri.as_deref(), Some("2.u|u|u"));
        assert_eq!(read.name.as_deref(), Some("2.n|n|n"));
        assert_eq!(read.fields.as_ref().map(Vec::len), Some(1));
        assert_eq!(read.card, None);
    }

    #[test]
    fn a_blob_or_garbage_has_no_fields() {
        let blob = r#"{"format_version":2,"payload":"2.x|y|z"}"#;
        assert!(is_blob(blob));
        assert_eq!(from_document(blob), CipherContent::default());
        assert_eq!(from_document("not json"), CipherContent::default());
        assert!(!is_blob("{}"));
    }
}
