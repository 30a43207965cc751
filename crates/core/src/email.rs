//! E-mail addresses as accounts are keyed by them: trimmed and lower-cased, as Bitwarden clients
//! also do before using the address as the KDF salt.

/// The longest address mail systems carry (RFC 5321's path limit, less the brackets).
const MAX_ADDRESS_LEN: usize = 254;
/// The longest local part (RFC 5321).
const MAX_LOCAL_LEN: usize = 64;
/// The longest domain label (RFC 1035).
const MAX_LABEL_LEN: usize = 63;
/// Characters that an unquoted local part never holds (RFC 5322's specials) and that would
/// change how a mail header or a log line reads.
const LOCAL_SPECIALS: &[char] = &['<', '>', '(', ')', '[', ']', ',', ';', ':', '"', '\\', '@'];

/// The normalised form, or `None` when the text is not plausibly an address: one `@`, a local
/// part of printable characters without specials or stray dots, and a domain of labels made of
/// letters, digits and inner hyphens (an internationalised domain's letters count). A control
/// character such as NUL, which mail headers and logs would carry on, never passes.
pub fn normalize(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let plausible = email.len() <= MAX_ADDRESS_LEN && local_part_ok(local) && domain_ok(domain);
    plausible.then_some(email)
}

fn local_part_ok(local: &str) -> bool {
    !local.is_empty()
        && local.len() <= MAX_LOCAL_LEN
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && !local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || LOCAL_SPECIALS.contains(&c))
}

fn domain_ok(domain: &str) -> bool {
    !domain.is_empty()
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= MAX_LABEL_LEN
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
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

    #[test]
    fn refuses_what_would_change_a_header_or_a_log() {
        for (raw, accepted) in [
            ("first.last+tag@example.com", true),
            ("o'brien@example.ie", true),
            ("åsa@exempel.se", true),
            ("ops@mail-1.example.co.uk", true),
            ("admin@localhost", true),
            ("a<b@example.com", false),
            ("a>b@example.com", false),
            ("\"a\"@example.com", false),
            ("a,b@example.com", false),
            ("a;b@example.com", false),
            ("a:b@example.com", false),
            ("a\\b@example.com", false),
            ("a(b)@example.com", false),
            ("[a]@example.com", false),
            (".a@example.com", false),
            ("a.@example.com", false),
            ("a..b@example.com", false),
            ("a@example..com", false),
            ("a@.example.com", false),
            ("a@example.com.", false),
            ("a@-example.com", false),
            ("a@example-.com", false),
            ("a@exa_mple.com", false),
            ("a@[127.0.0.1]", false),
            ("a@example.com>", false),
            ("a@example.com\r\nbcc:x@example.com", false),
        ] {
            assert_eq!(normalize(raw).is_some(), accepted, "{raw:?}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(normalize(&long_local), None);
        let long_label = format!("a@{}.com", "b".repeat(64));
        assert_eq!(normalize(&long_label), None);
        let long = format!("a@{}.com", vec!["b".repeat(60); 5].join("."));
        assert_eq!(normalize(&long), None);
    }
}
