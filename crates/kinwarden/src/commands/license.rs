//! `kinwarden license …` (SPEC §2): on a cloud, `public-key` and `certificate` print the PEM a
//! self-hosted server trusts and `issue` makes a license (the reference's admin *Generate license*); on a
//! self-hosted server, `verify FILE` says whether this server would accept a license file.

use std::path::Path;

use kinwarden_app::jobs::license_commands::{self, Verdict, VerifyError};
use kinwarden_app::jobs::message;
use kinwarden_config::{Config, Mode, keys as config_keys};
use kinwarden_core::clock::{Clock, SystemClock};
use kinwarden_core::license;
use uuid::Uuid;

use crate::bwdata::{Bwdata, write_atomic};
use crate::commands::{CliError, load_config};
use crate::compose::app_for_config;
use crate::keys;

fn cloud_only(config: &Config, command: &str) -> Result<(), CliError> {
    if config.mode == Mode::Cloud {
        return Ok(());
    }
    Err(CliError::failed(format!(
        "`license {command}` runs on a cloud server, and this data directory is self-hosted \
         ({}=true); a self-hosted server trusts a cloud's certificate listed in {}",
        config_keys::SELF_HOSTED,
        config_keys::LICENSE_CERTIFICATES
    )))
}

/// `license public-key`: the PEM of the cloud's license key, made now if this cloud never ran.
pub fn public_key(bwdata: &Bwdata) -> Result<i32, CliError> {
    let config = load_config(bwdata)?;
    cloud_only(&config, "public-key")?;
    let keys = keys::cloud_license_keys(bwdata).map_err(|err| CliError::failed(err.to_string()))?;
    print!("{}", keys.public_pem);
    Ok(0)
}

/// `license certificate`: the PEM certificate of the cloud's license key, made now if missing.
pub fn certificate(bwdata: &Bwdata) -> Result<i32, CliError> {
    let config = load_config(bwdata)?;
    cloud_only(&config, "certificate")?;
    let keys = keys::cloud_license_keys(bwdata).map_err(|err| CliError::failed(err.to_string()))?;
    print!("{}", keys.certificate_pem);
    Ok(0)
}

/// `license verify FILE`: exit 0 and "accepted", or exit 1 and the reason.
pub fn verify(bwdata: &Bwdata, file: &Path) -> Result<i32, CliError> {
    let config = load_config(bwdata)?;
    if config.mode == Mode::Cloud {
        return Err(CliError::failed(
            "`license verify` checks a license as a self-hosted server would; this data \
             directory is a cloud (globalSettings__selfHosted=false)",
        ));
    }
    let verification =
        license_commands::verify(&config, SystemClock.now(), file).map_err(|err| {
            let text = err.to_string();
            match err {
                VerifyError::NoInstallation => CliError::usage(text),
                VerifyError::FileUnreadable { .. } => CliError::failed(text),
            }
        })?;
    for problem in &verification.problems {
        eprintln!("warning: a configured license certificate is not usable: {problem}");
    }
    match verification.verdict {
        Verdict::Accepted {
            license: l,
            proof,
            signer,
        } => {
            println!(
                "accepted: organization {} ({}), version {}, expires {}",
                l.name.as_deref().unwrap_or(""),
                l.id,
                l.version,
                l.expires
                    .map_or_else(|| "never".to_string(), |d| d.to_rfc3339())
            );
            println!("verified by its {proof}, signed by {signer}");
            Ok(0)
        }
        Verdict::Refused(reason) => {
            println!("refused: {reason}");
            Ok(1)
        }
    }
}

/// What `license issue` needs.
pub struct IssueArgs<'a> {
    pub organization: &'a str,
    pub installation: &'a str,
    pub version: i32,
    pub out: Option<&'a Path>,
}

/// `license issue`: a signed license file (PascalCase, indented), against the configured
/// database whether or not a server runs.
pub async fn issue(bwdata: &Bwdata, args: IssueArgs<'_>) -> Result<i32, CliError> {
    let config = load_config(bwdata)?;
    cloud_only(&config, "issue")?;
    let organization: Uuid = args
        .organization
        .parse()
        .map_err(|_| CliError::usage(format!("--org {}: not an id", args.organization)))?;
    let installation: Uuid = args
        .installation
        .parse()
        .map_err(|_| CliError::usage(format!("--installation {}: not an id", args.installation)))?;
    if args.version < license::MIN_SUPPORTED_VERSION {
        return Err(CliError::usage(format!(
            "--version {}: license versions start at {}",
            args.version,
            license::MIN_SUPPORTED_VERSION
        )));
    }
    let app = app_for_config(bwdata, config).await?;
    let result = license_commands::issue(&app, organization, installation, args.version).await;
    app.close().await;
    let license = result.map_err(|err| CliError::failed(message(&err)))?;
    let text = license.to_file_json();
    match args.out {
        Some(path) => {
            write_atomic(path, text.as_bytes()).map_err(|err| {
                CliError::failed(format!("cannot write {}: {err}", path.display()))
            })?;
            eprintln!("license written to {}", path.display());
        }
        None => println!("{text}"),
    }
    Ok(0)
}
