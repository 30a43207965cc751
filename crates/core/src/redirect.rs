//! Where a page may send the browser after a form (`next=` after login, sign-up and the language
//! switch): only a path on this site. Browsers drop tabs and line breaks anywhere in a URL and
//! read a backslash as a slash, so `/\t/evil.example` or `/\evil.example` would leave the site as
//! `//evil.example` does; any control character or backslash is refused outright.

/// `next` when it is a path on this site, else `None`.
pub fn same_site_path(next: &str) -> Option<&str> {
    let mut chars = next.chars();
    let starts_as_path = chars.next() == Some('/') && chars.next() != Some('/');
    let clean = !next.chars().any(|c| c.is_control() || c == '\\');
    (starts_as_path && clean).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn only_paths_of_this_site_pass() {
        for (next, kept) in [
            ("/organizations", true),
            ("/", true),
            ("/accept-organization?organizationId=o&token=t", true),
            ("/a//b", true),
            ("", false),
            ("organizations", false),
            ("//evil.example", false),
            ("///evil.example", false),
            ("/\\evil.example", false),
            ("\\\\evil.example", false),
            ("/\t/evil.example", false),
            ("/\n/evil.example", false),
            ("/\r/evil.example", false),
            ("\t//evil.example", false),
            ("/%09/evil.example/\u{7f}", false),
            ("https://evil.example", false),
            ("javascript:alert(1)", false),
            (" /organizations", false),
        ] {
            assert_eq!(same_site_path(next).is_some(), kept, "{next:?}");
        }
    }

    proptest! {
        /// Whatever passes, once a browser has dropped what it drops, still names a path here.
        #[test]
        fn nothing_that_passes_leaves_the_site(next in "\\PC*|[/\\\\\t\n\r a-z:.]{0,12}") {
            if let Some(path) = same_site_path(&next) {
                let seen: String = path.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
                let seen = seen.replace('\\', "/");
                prop_assert!(seen.starts_with('/') && !seen.starts_with("//"), "{next:?}");
            }
        }
    }
}
