//! The shape of an encrypted string ("EncString", reference vault §1.4): the server never
//! decrypts, it only checks that a field the client must encrypt looks encrypted, and how long the
//! encrypted text is. `type.piece|piece|…`, each piece non-empty base64.

/// The reference's text when a field is not an encrypted string.
pub fn not_encrypted_message(field: &str) -> String {
    format!("{field} is not a valid encrypted string.")
}

/// The reference's text when an encrypted field is longer than `max` characters.
pub fn too_long_message(field: &str, max: usize) -> String {
    format!("The field {field} exceeds the maximum encrypted value length of {max} characters.")
}

/// Why a field's value is refused, with the reference's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncStringError {
    NotEncrypted(String),
    TooLong(String),
}

impl EncStringError {
    pub fn message(&self) -> &str {
        match self {
            Self::NotEncrypted(text) | Self::TooLong(text) => text,
        }
    }
}

/// A field that, when present, must be an encrypted string of at most `max` characters.
pub fn check(field: &str, value: Option<&str>, max: usize) -> Result<(), EncStringError> {
    let Some(value) = value else {
        return Ok(());
    };
    if !is_valid(value) {
        return Err(EncStringError::NotEncrypted(not_encrypted_message(field)));
    }
    if value.chars().count() > max {
        return Err(EncStringError::TooLong(too_long_message(field, max)));
    }
    Ok(())
}

/// The names of the encryption types, by number (the header may carry either).
const TYPE_NAMES: [&str; 8] = [
    "AesCbc256_B64",
    "AesCbc128_HmacSha256_B64",
    "AesCbc256_HmacSha256_B64",
    "Rsa2048_OaepSha256_B64",
    "Rsa2048_OaepSha1_B64",
    "Rsa2048_OaepSha256_HmacSha256_B64",
    "Rsa2048_OaepSha1_HmacSha256_B64",
    "XChaCha20Poly1305_B64",
];

/// How many `|`-separated pieces each encryption type carries.
const PIECES: [usize; 8] = [2, 3, 3, 1, 1, 2, 2, 1];

/// Whether `text` has the shape of an encrypted string.
pub fn is_valid(text: &str) -> bool {
    let (kind, body) = match text.split_once('.') {
        Some((header, body)) => {
            let kind = header
                .parse::<u8>()
                .ok()
                .map(usize::from)
                .or_else(|| TYPE_NAMES.iter().position(|name| *name == header));
            match kind {
                Some(kind) if kind < PIECES.len() => (kind, body),
                _ => return false,
            }
        }
        // No header: three pieces are type 1, anything else type 0.
        None if text.matches('|').count() == 2 => (1, text),
        None => (0, text),
    };
    let pieces: Vec<&str> = body.split('|').collect();
    pieces.len() == PIECES[kind] && pieces.iter().all(|piece| is_base64(piece))
}

/// Non-empty standard base64 with optional padding (trailing bits are not checked, as the
/// reference's permissive decoder does not).
fn is_base64(piece: &str) -> bool {
    let data = piece.trim_end_matches('=');
    let padding = piece.len() - data.len();
    !data.is_empty()
        && piece.len().is_multiple_of(4)
        && padding <= 2
        && data
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shapes_as_the_reference_checks_them() {
        for (text, valid) in [
            ("2.AAAA|BBBB|CCCC", true),
            ("2.AAAA|BBBB", false),
            ("2.AAAA|BBBB|CCCC|DDDD", false),
            ("AesCbc256_HmacSha256_B64.AAAA|BBBB|CCCC", true),
            ("0.AAAA|BBBB", true),
            ("4.AAAA", true),
            ("7.QUJD", true),
            ("8.AAAA", false),
            ("254.AAAA", false),
            ("Unknown_B64.AAAA", false),
            ("AAAA|BBBB|CCCC", true),
            ("AAAA|BBBB", true),
            ("AAAA", false),
            ("2.AA==|BBB=|CCCC", true),
            ("2.====|BBBB|CCCC", false),
            ("2.A===|BBBB|CCCC", false),
            ("2.AAA|BBBB|CCCC", false),
            ("2.AA=A|BBBB|CCCC", false),
            ("2.AA\0A|BBBB|CCCC", false),
            ("2.|BBBB|CCCC", false),
            ("Test", false),
            ("", false),
            (".", false),
            ("|", false),
            ("||", false),
        ] {
            assert_eq!(is_valid(text), valid, "{text:?}");
        }
    }

    #[test]
    fn every_type_by_name_and_number_with_its_piece_count() {
        for (kind, name) in TYPE_NAMES.iter().enumerate() {
            let body = vec!["QUJD"; PIECES[kind]].join("|");
            assert!(is_valid(&format!("{kind}.{body}")), "{kind}");
            assert!(is_valid(&format!("{name}.{body}")), "{name}");
            assert!(!is_valid(&format!("{kind}.{body}|QUJD")), "{kind} extra");
        }
    }

    proptest! {
        #[test]
        fn any_text_is_judged_without_panicking(text in any::<String>()) {
            let _ = is_valid(&text);
            let _ = check("Name", Some(&text), 1000);
        }

        #[test]
        fn well_formed_strings_of_every_type_pass(
            kind in 0usize..8,
            pieces in proptest::collection::vec("[A-Za-z0-9+/]{2,40}", 3),
        ) {
            // Padded up to a multiple of 4 with at most two `=`, as an encoder would.
            let fixed: Vec<String> = pieces
                .into_iter()
                .map(|p| match p.len() % 4 {
                    1 => format!("{p}A=="),
                    2 => format!("{p}=="),
                    3 => format!("{p}="),
                    _ => p,
                })
                .collect();
            let body = fixed[..PIECES[kind]].join("|");
            prop_assert!(is_valid(&format!("{kind}.{body}")), "{}.{}", kind, body);
        }
    }

    #[test]
    fn a_field_is_checked_for_shape_then_length() {
        assert_eq!(check("Notes", None, 10), Ok(()));
        assert_eq!(
            check("Notes", Some("plain"), 512).map_err(|e| e.message().to_string()),
            Err("Notes is not a valid encrypted string.".to_string())
        );
        assert_eq!(
            check("Notes", Some("2.AAAA|BBBB|CCCC"), 10).map_err(|e| e.message().to_string()),
            Err(
                "The field Notes exceeds the maximum encrypted value length of 10 characters."
                    .to_string()
            )
        );
    }
}
