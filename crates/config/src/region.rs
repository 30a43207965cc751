//! Cloud regions and the cloud URIs each one implies (SPEC §4).

use std::fmt;

use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Us,
    Eu,
}

impl Region {
    pub fn parse(value: &str) -> Result<Self, String> {
        match value.to_ascii_uppercase().as_str() {
            "US" => Ok(Self::Us),
            "EU" => Ok(Self::Eu),
            _ => Err(format!("expected US or EU, got {value:?}")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Us => "US",
            Self::Eu => "EU",
        }
    }

    fn domain(self) -> &'static str {
        match self {
            Self::Us => "bitwarden.com",
            Self::Eu => "bitwarden.eu",
        }
    }

    /// The cloud's default URI for a service (`identity`, `api`, `push`).
    pub fn default_uri(self, service: &str) -> Url {
        let text = format!("https://{service}.{}", self.domain());
        Url::parse(&text).unwrap_or_else(|_| unreachable_url())
    }

    /// The region a Bitwarden cloud host belongs to, if it is one of theirs. Other hosts (a
    /// private cloud, a test cloud on loopback) belong to no region and contradict nothing.
    pub fn of_host(url: &Url) -> Option<Self> {
        let host = url.host_str()?.to_ascii_lowercase();
        [Self::Us, Self::Eu].into_iter().find(|region| {
            host == region.domain() || host.ends_with(&format!(".{}", region.domain()))
        })
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// The default URIs are built from constant parts and always parse; this keeps the code free of
// a panic path all the same.
fn unreachable_url() -> Url {
    Url::parse("https://invalid.invalid").unwrap_or_else(|_| std::process::abort())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_per_region() {
        assert_eq!(
            Region::Eu.default_uri("identity").as_str(),
            "https://identity.bitwarden.eu/"
        );
        assert_eq!(
            Region::Us.default_uri("api").as_str(),
            "https://api.bitwarden.com/"
        );
    }

    #[test]
    fn host_regions() {
        let eu = Url::parse("https://api.bitwarden.eu").expect("url");
        let us = Url::parse("https://identity.bitwarden.com/").expect("url");
        let other = Url::parse("https://127.0.0.1:9000/identity").expect("url");
        let lookalike = Url::parse("https://notbitwarden.com").expect("url");
        assert_eq!(Region::of_host(&eu), Some(Region::Eu));
        assert_eq!(Region::of_host(&us), Some(Region::Us));
        assert_eq!(Region::of_host(&other), None);
        assert_eq!(Region::of_host(&lookalike), None);
    }

    #[test]
    fn parse_is_case_insensitive() {
        assert_eq!(Region::parse("eu"), Ok(Region::Eu));
        assert!(Region::parse("APAC").is_err());
    }
}
