//! E-mail addresses as accounts are keyed by them: trimmed and lower-cased, as Bitwarden clients
//! also do before using the address as the KDF salt.

/// The normalised form, or `None` when the text is not plausibly an address (a control
/// character such as NUL, which mail headers and logs would carry on, never is).
pub fn normalize(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let plausible = !local.is_empty()
        && !domain.is_empty()
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.len() <= 256
        && !domain.contains('@');
    plausible.then_some(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises() {
        assert_eq!(
            normalize("  Alice@Example.COM "),
            Some("alice@example.com".into())
        );
        assert_eq!(normalize("no-at-sign"), None);
        assert_eq!(normalize("a@b@c"), None);
        assert_eq!(normalize("a b@c.d"), None);
        assert_eq!(normalize("@example.com"), None);
        assert_eq!(normalize("a@"), None);
        assert_eq!(normalize("a\0@example.com"), None);
        assert_eq!(normalize("a@example.com\u{1}"), None);
        assert_eq!(normalize("a@exam\u{7f}ple.com"), None);
    }
}
