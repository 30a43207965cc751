//! Absolute links into the vault (SPEC §9 "mail"): the configured vault URL, a path, and the
//! tokens as query parameters.

use url::Url;
use url::form_urlencoded::Serializer;

/// `vault` + `path` + `?name=value&…`, whether or not the vault URL ends with `/` or has a path
/// of its own (a server behind a proxy under `/bw`). Values are percent-encoded, so a token or an
/// address with `+`, `&` or `=` reaches the page exactly as issued.
pub fn link(vault: &Url, path: &str, params: &[(&str, &str)]) -> String {
    let mut base = vault.clone();
    // The vault URL is a base, never a page: its own query and fragment do not belong in links.
    base.set_query(None);
    base.set_fragment(None);
    let base = base.as_str().trim_end_matches('/').to_string();
    let mut out = format!("{base}/{}", path.trim_start_matches('/'));
    if !params.is_empty() {
        let mut query = Serializer::new(String::new());
        for (name, value) in params {
            query.append_pair(name, value);
        }
        out.push('?');
        out.push_str(&query.finish());
    }
    out
}

/// The host of the vault URL, which names this server in Message-IDs and default sender
/// addresses; `localhost` when the URL has none.
pub(crate) fn host_of(vault: &Url) -> String {
    vault.host_str().unwrap_or("localhost").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("url")
    }

    #[test]
    fn joins_with_and_without_slashes() {
        let params = [("token", "t"), ("email", "a@b.se")];
        assert_eq!(
            link(
                &url("https://vault.example.com/"),
                "/finish-signup",
                &params
            ),
            "https://vault.example.com/finish-signup?token=t&email=a%40b.se"
        );
        assert_eq!(
            link(
                &url("https://h.example.com:8443/bw"),
                "finish-signup",
                &params
            ),
            "https://h.example.com:8443/bw/finish-signup?token=t&email=a%40b.se"
        );
        assert_eq!(
            link(&url("https://h.example.com/?x=1#y"), "p", &[]),
            "https://h.example.com/p"
        );
    }

    #[test]
    fn values_are_percent_encoded() {
        let out = link(
            &url("https://v.example"),
            "a",
            &[("token", "a+b/c=&d"), ("email", "o'brien+x@ex.se")],
        );
        assert_eq!(
            out,
            "https://v.example/a?token=a%2Bb%2Fc%3D%26d&email=o%27brien%2Bx%40ex.se"
        );
        let parsed = url(&out);
        let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
        assert_eq!(pairs[0], ("token".into(), "a+b/c=&d".into()));
        assert_eq!(pairs[1], ("email".into(), "o'brien+x@ex.se".into()));
    }

    #[test]
    fn host_for_ids() {
        assert_eq!(
            host_of(&url("https://vault.example.com/x")),
            "vault.example.com"
        );
        assert_eq!(host_of(&url("https://127.0.0.1:8443")), "127.0.0.1");
    }
}
