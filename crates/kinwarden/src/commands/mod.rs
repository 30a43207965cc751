//! One file per command of SPEC §2. Each returns a [`CliError`] with its exit code on failure.

pub mod backup;
pub mod doctor;
pub mod installation;
pub mod jobs;
pub mod license;
pub mod lifecycle;
pub mod serve;
pub mod status;
pub mod sync;

use std::fmt;

use kinwarden_config::{Config, ConfigError};

use crate::bwdata::Bwdata;

/// A failure to report in one line, with the exit code the process ends with.
#[derive(Debug)]
pub struct CliError {
    pub exit_code: i32,
    pub message: String,
}

impl CliError {
    /// Exit 1: the command could not do its job.
    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            exit_code: 1,
            message: message.into(),
        }
    }

    /// Exit 2: bad arguments or configuration.
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            exit_code: 2,
            message: message.into(),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<ConfigError> for CliError {
    fn from(err: ConfigError) -> Self {
        Self::usage(format!("configuration error: {err}"))
    }
}

impl From<std::io::Error> for CliError {
    fn from(err: std::io::Error) -> Self {
        Self::failed(err.to_string())
    }
}

/// The process environment's variables that can be read as text; others cannot be ours.
pub fn process_environment() -> Vec<(String, String)> {
    std::env::vars_os()
        .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)))
        .collect()
}

/// Reads and validates the configuration of a data directory with the process environment on top.
pub fn load_config(bwdata: &Bwdata) -> Result<Config, CliError> {
    Ok(Config::load(bwdata.root(), process_environment())?)
}
