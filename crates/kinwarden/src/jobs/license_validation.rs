//! `license-validation` (reference §5.6): twice a day a self-hosted server checks each enabled
//! organization's license and disables one that no longer holds, telling its billing contact.

use kinwarden_config::Mode;
use kinwarden_core::license::{self, LicensePublicKey, OrganizationLicense};
use kinwarden_mail::Lang;
use kinwarden_mail::messages::LicenseExpired;
use kinwarden_store::OrganizationRecord;
use kinwarden_store::files::LicenseFiles;

use super::JobContext;

pub async fn run(ctx: &JobContext) -> Result<String, String> {
    if ctx.config.mode != Mode::SelfHosted {
        return Ok("nothing to do on a cloud".into());
    }
    let orgs = ctx
        .store
        .all_organizations()
        .await
        .map_err(|err| err.to_string())?;
    let files = LicenseFiles::new(ctx.config.bwdata.join("core/licenses/organization"));
    let key = std::fs::read_to_string(&ctx.config.licensing_public_key_path)
        .ok()
        .and_then(|pem| LicensePublicKey::from_pem(&pem).ok());
    let enabled: Vec<&OrganizationRecord> = orgs.iter().filter(|org| org.enabled).collect();
    let mut disabled = Vec::new();
    let mut errors = Vec::new();
    for org in &enabled {
        let same_key = enabled
            .iter()
            .filter(|other| other.license_key.is_some() && other.license_key == org.license_key)
            .count();
        let bytes = files.read(&org.id).map_err(|err| err.to_string())?;
        let Err((reason, expires)) = assess(ctx, org, bytes.as_deref(), same_key, key.as_ref())
        else {
            continue;
        };
        let now = ctx.clock.now_millis();
        let mail = LicenseExpired {
            billing_email: &org.billing_email,
            organization_name: &org.name,
            reason: &reason,
        }
        .render(&ctx.vault, Lang::default());
        match ctx
            .store
            .disable_organization(&org.id, expires.unwrap_or(now), &mail, now)
            .await
        {
            Ok(()) => disabled.push(format!("{} ({reason})", org.name)),
            Err(err) => errors.push(format!("{}: {err}", org.name)),
        }
    }
    if !errors.is_empty() {
        return Err(format!("could not disable: {}", errors.join("; ")));
    }
    Ok(if disabled.is_empty() {
        format!(
            "{} organization(s) checked, all licenses valid",
            enabled.len()
        )
    } else {
        format!(
            "{} organization(s) checked; disabled: {}",
            enabled.len(),
            disabled.join(", ")
        )
    })
}

/// Why an organization's license no longer holds (the reference's reasons), with the license's
/// expiry to record, or `Ok` when it holds.
fn assess(
    ctx: &JobContext,
    org: &OrganizationRecord,
    file: Option<&[u8]>,
    same_key: usize,
    key: Option<&LicensePublicKey>,
) -> Result<(), (String, Option<i64>)> {
    let file = file.ok_or_else(|| ("No license file.".to_string(), None))?;
    if same_key > 1 {
        return Err(("Multiple organizations.".to_string(), None));
    }
    let license =
        OrganizationLicense::from_json(file).map_err(|_| ("Invalid data.".to_string(), None))?;
    let expires = license.expires.map(|date| date.timestamp_millis());
    let (Some(key), Some(installation)) = (key, ctx.config.installation.id) else {
        return Err(("Invalid signature.".to_string(), expires));
    };
    if let Err(reason) = license::verify(&license, key, installation, ctx.clock.now()) {
        let reason = match reason {
            license::LicenseError::BadSignature => "Invalid signature.".to_string(),
            other => format!("Invalid data. {other}"),
        };
        return Err((reason, expires));
    }
    let matches = license.license_key == org.license_key
        && license.plan_type == org.plan_type
        && license.seats == org.seats
        && license.enabled;
    if matches {
        Ok(())
    } else {
        Err(("Invalid data.".to_string(), expires))
    }
}
