//! The keys a self-hosted server trusts for licenses (docs/LICENSING.md "Trust"): Bitwarden's
//! production certificate, always; the PEM at `globalSettings__licensing__publicKeyPath` when the
//! file exists; every PEM listed in `kinwarden__licenseCertificates`. Read at each use, so adding
//! a certificate needs no restart.

use std::path::{Path, PathBuf};

use kinwarden_config::{Config, keys};
use kinwarden_core::license::{TrustSource, TrustStore};

/// A configured file that could not be used, and why (for the operator: it names the path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustProblem {
    pub path: PathBuf,
    pub key: &'static str,
    pub problem: String,
}

impl std::fmt::Display for TrustProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.path.display(),
            self.key,
            self.problem
        )
    }
}

/// The trusted keys, and the configured files that could not be used.
pub fn trust_store(config: &Config) -> (TrustStore, Vec<TrustProblem>) {
    let mut store = TrustStore::built_in();
    let mut problems = Vec::new();
    let shown = |path: &Path| {
        path.strip_prefix(&config.bwdata)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    // The default public-key path is optional: a missing file is not a problem.
    let public_key = &config.licensing_public_key_path;
    if public_key.exists() {
        add(
            &mut store,
            &mut problems,
            public_key,
            keys::LICENSING_PUBLIC_KEY_PATH,
            shown(public_key),
        );
    }
    for path in &config.license_certificates {
        add(
            &mut store,
            &mut problems,
            path,
            keys::LICENSE_CERTIFICATES,
            shown(path),
        );
    }
    (store, problems)
}

fn add(
    store: &mut TrustStore,
    problems: &mut Vec<TrustProblem>,
    path: &Path,
    key: &'static str,
    shown: String,
) {
    let result = std::fs::read_to_string(path)
        .map_err(|err| err.to_string())
        .and_then(|text| {
            store
                .add_pem(&text, TrustSource::File(shown))
                .map_err(|err| err.to_string())
        });
    if let Err(problem) = result {
        problems.push(TrustProblem {
            path: path.to_path_buf(),
            key,
            problem,
        });
    }
}

/// The trusted keys for a use on the server: the problems go to the operator's log only.
pub fn server_trust_store(config: &Config) -> (TrustStore, bool) {
    let (store, problems) = trust_store(config);
    for problem in &problems {
        tracing::warn!(path = %problem.path.display(), key = problem.key, problem = %problem.problem, "a configured license certificate is not usable");
    }
    (store, !problems.is_empty())
}
