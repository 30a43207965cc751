//! Folder rules (reference vault §2): a folder is a user's own label, its name encrypted like an
//! item's, and a bulk delete on a cloud is bounded so one request cannot hold the database.

use super::validate::{ValidationErrors, check_name_at};

/// How many folders one bulk delete may name on a cloud.
pub const BULK_DELETE_LIMIT: usize = 500;
/// The reference's refusal of a bulk delete above the limit (cloud only).
pub const TOO_MANY_MESSAGE: &str = "You can only delete up to 500 folders at a time.";
/// The reference's refusal of a bulk delete naming no folder.
pub const NO_IDS_MESSAGE: &str = "No folder ids provided.";

/// The messages for a folder's create or rename (`FolderRequestModel`): the name is required, an
/// encrypted string of at most 1000 characters. Empty when it passes.
pub fn validate_folder(name: Option<&str>) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    check_name_at(name, "", &mut errors);
    errors
}

/// Adds the messages for a folder found at `prefix` of a larger request (`Folders[2]` of an
/// import) to `errors`.
pub fn validate_folder_at(name: Option<&str>, prefix: &str, errors: &mut ValidationErrors) {
    check_name_at(name, prefix, errors);
}

/// Whether a bulk delete of `count` ids (duplicates included, as sent) may run: the cloud's
/// limit first, then at least one id. Ids the caller does not own are the caller's to skip.
pub fn check_bulk_delete(count: usize, on_cloud: bool) -> Result<(), &'static str> {
    if on_cloud && count > BULK_DELETE_LIMIT {
        return Err(TOO_MANY_MESSAGE);
    }
    if count == 0 {
        return Err(NO_IDS_MESSAGE);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_name_is_a_required_encrypted_string() {
        let long = format!("2.AAAA|BBBB|{}", "C".repeat(992));
        let cases: [(Option<&str>, &[&str]); 5] = [
            (Some("2.AAAA|BBBB|CCCC"), &[]),
            (None, &["The Name field is required."]),
            (Some("Work"), &["Name is not a valid encrypted string."]),
            (
                Some(""),
                &[
                    "The Name field is required.",
                    "Name is not a valid encrypted string.",
                ],
            ),
            (
                Some(long.as_str()),
                &["The field Name exceeds the maximum encrypted value length of 1000 characters."],
            ),
        ];
        for (name, expected) in cases {
            let errors = validate_folder(name);
            let got: Vec<&str> = errors
                .get("Name")
                .map(|m| m.iter().map(String::as_str).collect())
                .unwrap_or_default();
            assert_eq!(got, expected, "{name:?}");
            assert!(errors.keys().all(|k| k == "Name"));
        }
    }

    #[test]
    fn a_folder_inside_an_import_is_keyed_by_its_place() {
        let mut errors = ValidationErrors::new();
        validate_folder_at(Some("plain"), "Folders[4]", &mut errors);
        assert_eq!(
            errors,
            ValidationErrors::from([(
                "Folders[4].Name".to_string(),
                vec!["Name is not a valid encrypted string.".to_string()]
            )])
        );
    }

    #[test]
    fn bulk_delete_limits() {
        let cases = [
            (1, true, Ok(())),
            (500, true, Ok(())),
            (
                501,
                true,
                Err("You can only delete up to 500 folders at a time."),
            ),
            (501, false, Ok(())),
            (0, true, Err("No folder ids provided.")),
            (0, false, Err("No folder ids provided.")),
        ];
        for (count, on_cloud, expected) in cases {
            assert_eq!(
                check_bulk_delete(count, on_cloud),
                expected,
                "{count} {on_cloud}"
            );
        }
    }
}
