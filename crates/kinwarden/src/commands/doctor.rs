//! `kinwarden doctor` (SPEC §2): a pre-flight of everything the seed's setup needs, one line per
//! check; a failed check says what to change. Exit 1 when any check fails.

use std::sync::Arc;

use chrono::Duration;
use kinwarden_app::jobs::doctor::{BillingSyncCheck, OrganizationCheck, organization_checks};
use kinwarden_app::jobs::{license_commands, message};
use kinwarden_cloud::{CloudError, CloudLink, LinkSettings};
use kinwarden_config::{Config, Mode, keys};
use kinwarden_core::clock::{Clock, SystemClock};

use crate::bwdata::Bwdata;
use crate::commands::{CliError, load_config};
use crate::compose::app_with_cloud;

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
    license_trust(&config, &mut report);
    cloud_checks(bwdata, &config, &mut report).await;
    Ok(if report.failed { 1 } else { 0 })
}

/// The certificates and keys licenses are checked with, and the configured ones that are not
/// usable.
fn license_trust(config: &Config, report: &mut Report) {
    let (trusted, problems) = license_commands::trusted_certificates(config);
    for name in trusted {
        report.line("license trust", Outcome::Ok(name));
    }
    for problem in problems {
        report.line(
            "license trust",
            Outcome::Fail(format!(
                "{problem}; fix the file or remove it from the setting"
            )),
        );
    }
}

async fn cloud_checks(bwdata: &Bwdata, config: &Config, report: &mut Report) {
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
        Ok(link) => Arc::new(link),
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
    organizations(bwdata, config.clone(), clock, link, report).await;
}

/// For each organization: its license (valid here, and how long it has left) and its billing
/// sync token (accepted by the cloud for that organization), asked through the probing link.
async fn organizations(
    bwdata: &Bwdata,
    config: Config,
    clock: Arc<dyn Clock>,
    link: Arc<CloudLink>,
    report: &mut Report,
) {
    let app = match app_with_cloud(bwdata, config, clock, Some(link)).await {
        Ok(app) => app,
        Err(err) => {
            report.line("database", Outcome::Fail(err.message));
            return;
        }
    };
    let checked = organization_checks(&app, &mut |check| organization_lines(check, report)).await;
    app.close().await;
    match checked {
        Ok(0) => report.line(
            "organizations",
            Outcome::Skipped("none yet: upload the license file in the Admin Console".into()),
        ),
        Ok(_) => {}
        Err(err) => report.line("database", Outcome::Fail(message(&err))),
    }
}

fn organization_lines(check: OrganizationCheck, report: &mut Report) {
    let name = format!("license of {}", check.name);
    match check.license {
        Ok(Some(days)) if days < 30 => report.line(
            &name,
            Outcome::Fail(format!(
                "expires in {days} days: select Sync license in the Admin Console, or upload a new license"
            )),
        ),
        Ok(Some(days)) => report.line(&name, Outcome::Ok(format!("valid, {days} days left"))),
        Ok(None) => report.line(&name, Outcome::Ok("valid, does not expire".into())),
        Err(problem) => report.line(&name, Outcome::Fail(problem)),
    }
    let name = format!("billing sync of {}", check.name);
    match check.billing_sync {
        BillingSyncCheck::NotSetUp => report.line(
            &name,
            Outcome::Skipped(
                "no billing sync connection with a valid license: Billing → Subscription → Manage billing sync".into(),
            ),
        ),
        BillingSyncCheck::Accepted => report.line(
            &name,
            Outcome::Ok("the cloud accepts the billing sync token".into()),
        ),
        BillingSyncCheck::Refused(err) => report.line(
            &name,
            Outcome::Fail(format!(
                "{err}; paste the current token from the cloud in Manage billing sync"
            )),
        ),
    }
}
