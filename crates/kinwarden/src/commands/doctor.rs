//! `kinwarden doctor` (SPEC §2): a pre-flight of everything the seed's setup needs, one line per
//! check; a failed check says what to change. Exit 1 when any check fails.

use std::sync::Arc;

use chrono::Duration;
use kinwarden_cloud::{CloudError, CloudLink, LinkSettings};
use kinwarden_config::{Config, Mode, keys};
use kinwarden_core::clock::{Clock, SystemClock};
use kinwarden_core::license::{self, LicensePublicKey, OrganizationLicense};
use kinwarden_proto::installations::LicenseSyncRequest;
use kinwarden_store::Store;
use kinwarden_store::files::LicenseFiles;

use crate::bwdata::Bwdata;
use crate::commands::{CliError, load_config};

/// Clocks further apart than this make tokens and licenses misbehave.
const MAX_SKEW: Duration = Duration::minutes(2);

/// The outcome of one check.
enum Outcome {
    Ok(String),
    Fail(String),
    Skipped(String),
}

struct Report {
    failed: bool,
}

impl Report {
    fn line(&mut self, name: &str, outcome: Outcome) {
        match outcome {
            Outcome::Ok(detail) => println!("ok    {name:<28} {detail}"),
            Outcome::Skipped(detail) => println!("skip  {name:<28} {detail}"),
            Outcome::Fail(detail) => {
                self.failed = true;
                println!("FAIL  {name:<28} {detail}");
            }
        }
    }
}

pub async fn run(bwdata: &Bwdata) -> Result<i32, CliError> {
    let mut report = Report { failed: false };
    let config = match load_config(bwdata) {
        Ok(config) => {
            report.line(
                "configuration",
                Outcome::Ok(format!("{} parses", bwdata.env_file().display())),
            );
            config
        }
        Err(err) => {
            report.line("configuration", Outcome::Fail(err.message));
            return Ok(1);
        }
    };
    if config.mode == Mode::Cloud {
        report.line(
            "mode",
            Outcome::Ok(
                "cloud: no cloud to check against (the checks below are for self-hosted servers)"
                    .into(),
            ),
        );
        return Ok(0);
    }
    cloud_checks(&config, &mut report).await;
    Ok(if report.failed { 1 } else { 0 })
}

async fn cloud_checks(config: &Config, report: &mut Report) {
    if config.enable_cloud_communication {
        report.line(
            "cloud communication",
            Outcome::Ok(format!("{}=true", keys::ENABLE_CLOUD_COMMUNICATION)),
        );
    } else {
        report.line(
            "cloud communication",
            Outcome::Fail(CloudError::Disabled.to_string()),
        );
    }

    let contradictions = config.region_contradictions();
    if contradictions.is_empty() {
        report.line(
            "region and cloud URIs",
            Outcome::Ok(format!(
                "region {}, identity {}, api {}, push {}",
                config.cloud_region,
                config.installation.identity_uri,
                config.installation.api_uri,
                config.push_relay_base_uri
            )),
        );
    } else {
        report.line(
            "region and cloud URIs",
            Outcome::Fail(contradictions.join("; ")),
        );
    }

    for (name, key, set) in [
        (
            "installation id",
            keys::INSTALLATION_ID,
            config.installation.id.is_some(),
        ),
        (
            "installation key",
            keys::INSTALLATION_KEY,
            config.installation.key.is_some(),
        ),
    ] {
        if set {
            report.line(name, Outcome::Ok(format!("{key} is set")));
        } else {
            report.line(
                name,
                Outcome::Fail(CloudError::NotConfigured { key }.to_string()),
            );
        }
    }

    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    // Doctor itself must work while the flag is off, so it talks through a link that is on.
    let mut probing = config.clone();
    probing.enable_cloud_communication = true;
    let settings = LinkSettings {
        attempts: 1,
        ..LinkSettings::default()
    };
    let link = match CloudLink::new(&probing, clock.clone(), settings) {
        Ok(link) => link,
        Err(err) => {
            report.line("cloud client", Outcome::Fail(err.to_string()));
            return;
        }
    };

    let mut reachable = true;
    let mut cloud_date = None;
    for (name, uri) in [
        ("reach identity", link.identity_uri().clone()),
        ("reach api", link.api_uri().clone()),
    ] {
        match link.probe(&uri).await {
            Ok(probe) => {
                cloud_date = cloud_date.or(probe.date);
                report.line(
                    name,
                    Outcome::Ok(format!("{uri} answered HTTP {} over TLS", probe.status)),
                );
            }
            Err(err) => {
                reachable = false;
                report.line(name, Outcome::Fail(err.to_string()));
            }
        }
    }

    match cloud_date {
        Some(date) => {
            let skew = clock.now().signed_duration_since(date);
            let seconds = skew.num_seconds();
            if skew.abs() > MAX_SKEW {
                report.line(
                    "clock",
                    Outcome::Fail(format!(
                        "this server's clock is {seconds} s off the cloud's; set the system clock (NTP) right"
                    )),
                );
            } else {
                report.line(
                    "clock",
                    Outcome::Ok(format!("{seconds} s from the cloud's clock")),
                );
            }
        }
        None if !reachable => report.line(
            "clock",
            Outcome::Skipped("needs the cloud reachable".into()),
        ),
        None => report.line(
            "clock",
            Outcome::Skipped("the cloud sent no Date header".into()),
        ),
    }

    if !reachable || config.installation.id.is_none() || config.installation.key.is_none() {
        report.line(
            "installation token",
            Outcome::Skipped("needs the cloud reachable and the installation set".into()),
        );
        return;
    }
    match link
        .token(kinwarden_proto::installations::scope::INSTALLATION)
        .await
    {
        Ok(_) => report.line(
            "installation token",
            Outcome::Ok("the cloud identity accepts this installation".into()),
        ),
        Err(err) => {
            report.line("installation token", Outcome::Fail(err.to_string()));
            return;
        }
    }
    organization_checks(config, &link, report).await;
}

/// For each organization: its license (valid here, and how long it has left) and its billing
/// sync token (accepted by the cloud for that organization).
async fn organization_checks(config: &Config, link: &CloudLink, report: &mut Report) {
    let store = match Store::open(&config.database).await {
        Ok(store) => store,
        Err(err) => {
            report.line(
                "database",
                Outcome::Fail(format!("cannot open the database: {err}")),
            );
            return;
        }
    };
    let orgs = match store.all_organizations().await {
        Ok(orgs) => orgs,
        Err(err) => {
            report.line("database", Outcome::Fail(err.to_string()));
            return;
        }
    };
    if orgs.is_empty() {
        report.line(
            "organizations",
            Outcome::Skipped("none yet: upload the license file in the Admin Console".into()),
        );
    }
    let files = LicenseFiles::new(config.bwdata.join("core/licenses/organization"));
    let key = std::fs::read_to_string(&config.licensing_public_key_path)
        .ok()
        .and_then(|pem| LicensePublicKey::from_pem(&pem).ok());
    for org in &orgs {
        let name = format!("license of {}", org.name);
        let license = check_license(config, &files, key.as_ref(), &org.id);
        match &license {
            Ok(license) => {
                let left = license
                    .expires
                    .map(|expires| expires.signed_duration_since(SystemClock.now()).num_days());
                match left {
                    Some(days) if days < 30 => report.line(
                        &name,
                        Outcome::Fail(format!(
                            "expires in {days} days: select Sync license in the Admin Console, or upload a new license"
                        )),
                    ),
                    Some(days) => report.line(&name, Outcome::Ok(format!("valid, {days} days left"))),
                    None => report.line(&name, Outcome::Ok("valid, does not expire".into())),
                }
            }
            Err(problem) => report.line(&name, Outcome::Fail(problem.clone())),
        }
        billing_sync_check(&store, link, org, license.ok(), report).await;
    }
    store.close().await;
}

async fn billing_sync_check(
    store: &Store,
    link: &CloudLink,
    org: &kinwarden_store::OrganizationRecord,
    license: Option<OrganizationLicense>,
    report: &mut Report,
) {
    let name = format!("billing sync of {}", org.name);
    let stored_config = store
        .connections_of(&org.id, 1)
        .await
        .ok()
        .and_then(|connections| connections.into_iter().next())
        .and_then(|connection| connection.config)
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok());
    let (Some(stored_config), Some(license)) = (stored_config, license) else {
        report.line(
            &name,
            Outcome::Skipped(
                "no billing sync connection with a valid license: Billing → Subscription → Manage billing sync".into(),
            ),
        );
        return;
    };
    let request = LicenseSyncRequest {
        license_key: license.license_key.clone().unwrap_or_default(),
        billing_sync_key: stored_config["BillingSyncKey"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    };
    match link.fetch_license(&license.id.to_string(), &request).await {
        Ok(_) => report.line(
            &name,
            Outcome::Ok("the cloud accepts the billing sync token".into()),
        ),
        Err(err) => report.line(
            &name,
            Outcome::Fail(format!(
                "{err}; paste the current token from the cloud in Manage billing sync"
            )),
        ),
    }
}

fn check_license(
    config: &Config,
    files: &LicenseFiles,
    key: Option<&LicensePublicKey>,
    org_id: &str,
) -> Result<OrganizationLicense, String> {
    let key = key.ok_or_else(|| {
        format!(
            "the cloud's license public key is missing or unusable at {} ({})",
            config.licensing_public_key_path.display(),
            keys::LICENSING_PUBLIC_KEY_PATH
        )
    })?;
    let bytes = files
        .read(org_id)
        .map_err(|err| err.to_string())?
        .ok_or_else(|| "no license file: upload it again in Billing → Subscription".to_string())?;
    let license = OrganizationLicense::from_json(&bytes).map_err(|err| err.to_string())?;
    let installation = config
        .installation
        .id
        .ok_or_else(|| format!("{} is not set", keys::INSTALLATION_ID))?;
    license::verify(&license, key, installation, SystemClock.now())
        .map(|verified| verified.into_inner())
        .map_err(|reason| format!("Invalid license. {reason}"))
}
