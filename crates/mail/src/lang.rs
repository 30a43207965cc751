//! The languages Kinwarden writes in (SPEC §7) and how one is picked for a reader.

/// A language of the message catalogue. English is the fallback for anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Sv,
}

impl Lang {
    /// The BCP 47 tag, as written in an HTML `lang` attribute or an account setting.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Sv => "sv",
        }
    }

    /// One language tag (`sv`, `sv-SE`, `en_GB`, any case); `None` for a language we lack.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Self::En),
            "sv" => Some(Self::Sv),
            _ => None,
        }
    }

    /// The reader's preferred language from an `Accept-Language` value such as
    /// `sv-SE,sv;q=0.9,en;q=0.8`: the supported language with the highest weight, the earlier
    /// one on a tie, English when none is supported. A malformed weight counts as 1, as most
    /// browsers never send one that is.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(Self, f32)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Self::from_tag) else {
                continue;
            };
            let weight = parts
                .filter_map(|param| param.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if weight > 0.0 && best.is_none_or(|(_, top)| weight > top) {
                best = Some((lang, weight));
            }
        }
        best.map_or(Self::En, |(lang, _)| lang)
    }

    /// An account's saved setting if it names a language we have, else the request's
    /// `Accept-Language`, else English.
    pub fn pick(account_setting: Option<&str>, accept_language: Option<&str>) -> Self {
        account_setting
            .and_then(Self::from_tag)
            .or_else(|| accept_language.map(Self::from_accept_language))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_of_any_region_and_case() {
        assert_eq!(Lang::from_tag("sv"), Some(Lang::Sv));
        assert_eq!(Lang::from_tag("SV-se"), Some(Lang::Sv));
        assert_eq!(Lang::from_tag("en_GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("de"), None);
        assert_eq!(Lang::from_tag(""), None);
    }

    #[test]
    fn accept_language_weights() {
        let cases = [
            ("sv-SE,sv;q=0.9,en;q=0.8", Lang::Sv),
            ("en-US,en;q=0.9,sv;q=0.8", Lang::En),
            ("de-DE,de;q=0.9,sv;q=0.5", Lang::Sv),
            ("en;q=0.2, sv;q=0.7", Lang::Sv),
            ("sv;q=0, en;q=0.1", Lang::En),
            ("fr, de", Lang::En),
            ("", Lang::En),
            ("*", Lang::En),
            ("sv;q=abc", Lang::Sv),
        ];
        for (header, expected) in cases {
            assert_eq!(Lang::from_accept_language(header), expected, "{header:?}");
        }
    }

    #[test]
    fn account_setting_wins_over_the_browser() {
        assert_eq!(Lang::pick(Some("sv"), Some("en-US")), Lang::Sv);
        assert_eq!(Lang::pick(Some("xx"), Some("sv")), Lang::Sv);
        assert_eq!(Lang::pick(None, None), Lang::En);
        assert_eq!(Lang::En.tag(), "en");
        assert_eq!(Lang::Sv.tag(), "sv");
    }
}
