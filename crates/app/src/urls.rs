//! This server's public URLs, which links in mails and answers are made from.

use url::Url;

/// This server's public URLs: the vault base and the path bases under it (SPEC §1).
#[derive(Debug, Clone)]
pub struct PublicUrls {
    pub vault: Url,
}

impl PublicUrls {
    pub fn new(vault: Url) -> Self {
        Self { vault }
    }

    /// The vault URL with `path` appended, whether or not the base ends with `/`.
    pub fn join(&self, path: &str) -> String {
        let base = self.vault.as_str().trim_end_matches('/');
        format!("{base}/{}", path.trim_start_matches('/'))
    }

    pub fn vault(&self) -> String {
        self.vault.as_str().trim_end_matches('/').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_handles_slashes() {
        let with = PublicUrls::new(Url::parse("https://vault.example.com/").expect("url"));
        let without = PublicUrls::new(Url::parse("https://h.example.com/bw").expect("url"));
        assert_eq!(with.join("/api"), "https://vault.example.com/api");
        assert_eq!(
            without.join("identity"),
            "https://h.example.com/bw/identity"
        );
        assert_eq!(with.vault(), "https://vault.example.com");
    }
}
