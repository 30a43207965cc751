//! Raw configuration values: the env file, then the process environment on top (SPEC §4).

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::ConfigError;
use crate::keys;

/// Where a raw value came from; shown in warnings so an admin knows which file or variable to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    EnvFile,
    Environment,
    /// Set by the program itself (tests, the test kit).
    Override,
}

#[derive(Debug, Clone)]
struct RawValue {
    written_as: String,
    value: String,
    origin: Origin,
}

/// All raw values, looked up case-insensitively.
#[derive(Debug, Clone, Default)]
pub struct RawSettings {
    values: BTreeMap<String, RawValue>,
}

impl RawSettings {
    /// Reads the env file when it exists. A missing file is not an error: defaults apply.
    pub fn from_env_file(path: &Path) -> Result<Self, ConfigError> {
        let mut settings = Self::default();
        if !path.exists() {
            return Ok(settings);
        }
        let entries = dotenvy::from_path_iter(path).map_err(|err| ConfigError::EnvFile {
            path: path.to_path_buf(),
            problem: describe_dotenv_error(&err),
        })?;
        for entry in entries {
            let (name, value) = entry.map_err(|err| ConfigError::EnvFile {
                path: path.to_path_buf(),
                problem: describe_dotenv_error(&err),
            })?;
            settings.set(&name, &value, Origin::EnvFile);
        }
        Ok(settings)
    }

    /// Lays the process environment (or any list of variables) over the file: the environment wins.
    /// Only variables in Kinwarden's namespaces are taken.
    pub fn overlay_environment<I>(&mut self, vars: I)
    where
        I: IntoIterator<Item = (String, String)>,
    {
        for (name, value) in vars {
            if keys::is_ours(&name) {
                self.set(&name, &value, Origin::Environment);
            }
        }
    }

    /// Sets one value, replacing any earlier one whatever its case.
    pub fn set(&mut self, name: &str, value: &str, origin: Origin) {
        self.values.insert(
            name.to_ascii_lowercase(),
            RawValue {
                written_as: name.to_string(),
                value: value.to_string(),
                origin,
            },
        );
    }

    /// The value of a key, or `None` when unset. Empty values and Bitwarden's `REPLACE` and
    /// `SECRET` placeholders count as unset.
    pub fn get(&self, name: &str) -> Option<&str> {
        let raw = self.values.get(&name.to_ascii_lowercase())?;
        let value = raw.value.trim();
        if value.is_empty() || value == "REPLACE" || value == "SECRET" {
            None
        } else {
            Some(value)
        }
    }

    /// Keys in our namespaces that no part of Kinwarden reads, with where they came from.
    pub fn unknown_keys(&self) -> Vec<(String, Origin)> {
        self.values
            .values()
            .filter(|raw| keys::is_ours(&raw.written_as) && keys::find(&raw.written_as).is_none())
            .map(|raw| (raw.written_as.clone(), raw.origin.clone()))
            .collect()
    }
}

/// dotenvy's errors may quote the offending line, which could hold a secret: name only the line.
fn describe_dotenv_error(err: &dotenvy::Error) -> String {
    match err {
        dotenvy::Error::LineParse(_, index) => {
            format!("cannot parse the line at character {index}")
        }
        dotenvy::Error::Io(io) => io.to_string(),
        _ => "cannot be read".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        f.write_all(text.as_bytes()).expect("write");
        f
    }

    #[test]
    fn reads_file_and_ignores_comments() {
        let f =
            file("# comment\nglobalSettings__selfHosted=false\n\nkinwarden__listen=0.0.0.0:1\n");
        let raw = RawSettings::from_env_file(f.path()).expect("parse");
        assert_eq!(raw.get("GLOBALSETTINGS__SELFHOSTED"), Some("false"));
        assert_eq!(raw.get("kinwarden__LISTEN"), Some("0.0.0.0:1"));
    }

    #[test]
    fn environment_wins_over_file_whatever_the_case() {
        let f = file("globalSettings__baseServiceUri__cloudRegion=US\n");
        let mut raw = RawSettings::from_env_file(f.path()).expect("parse");
        raw.overlay_environment([
            (
                "GLOBALSETTINGS__BASESERVICEURI__CLOUDREGION".to_string(),
                "EU".to_string(),
            ),
            ("HOME".to_string(), "/root".to_string()),
        ]);
        assert_eq!(raw.get(keys::CLOUD_REGION), Some("EU"));
        assert_eq!(raw.get("HOME"), None, "foreign variables are not taken");
    }

    #[test]
    fn placeholders_mean_unset() {
        let f = file(
            "globalSettings__installation__key=SECRET\nglobalSettings__pushRelayBaseUri=REPLACE\nglobalSettings__installation__id=\n",
        );
        let raw = RawSettings::from_env_file(f.path()).expect("parse");
        assert_eq!(raw.get(keys::INSTALLATION_KEY), None);
        assert_eq!(raw.get(keys::PUSH_RELAY_BASE_URI), None);
        assert_eq!(raw.get(keys::INSTALLATION_ID), None);
    }

    #[test]
    fn unknown_keys_are_listed() {
        let f = file("globalSettings__fooBar=1\nglobalSettings__selfHosted=true\nOTHER=1\n");
        let raw = RawSettings::from_env_file(f.path()).expect("parse");
        let unknown = raw.unknown_keys();
        assert_eq!(
            unknown,
            vec![("globalSettings__fooBar".to_string(), Origin::EnvFile)]
        );
    }

    #[test]
    fn missing_file_is_empty() {
        let raw = RawSettings::from_env_file(Path::new("/nonexistent/kinwarden.env")).expect("ok");
        assert!(raw.get(keys::SELF_HOSTED).is_none());
    }

    #[test]
    fn parse_error_does_not_echo_the_line() {
        let f = file("globalSettings__installation__key='hunter2\n");
        let err = RawSettings::from_env_file(f.path()).expect_err("unterminated quote");
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }
}
