//! Configuration errors: each names the key (or file) and what is wrong, never a secret value.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{key}: {problem}")]
    Invalid { key: &'static str, problem: String },
    #[error("{}: {problem}", path.display())]
    EnvFile { path: PathBuf, problem: String },
}

impl ConfigError {
    pub(crate) fn invalid(key: &'static str, problem: impl Into<String>) -> Self {
        Self::Invalid {
            key,
            problem: problem.into(),
        }
    }

    /// The key at fault, when the error is about one key.
    pub fn key(&self) -> Option<&'static str> {
        match self {
            Self::Invalid { key, .. } => Some(key),
            Self::EnvFile { .. } => None,
        }
    }
}
