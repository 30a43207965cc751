//! `license-validation` (reference §5.6): twice a day a self-hosted server checks each enabled
//! organization's license and disables one that no longer holds, telling its billing contact
//! in the same transaction.

use kinwarden_config::Mode;
use kinwarden_core::license::{self, LicenseError, OrganizationLicense, TrustStore};
use kinwarden_mail::Lang;
use kinwarden_mail::messages::LicenseExpired;

use super::{Idle, Outcome};
use crate::licenses::trust::server_trust_store;
use crate::records::OrganizationRecord;
use crate::{App, AppError};

/// What a run found.
#[derive(Debug, Default)]
pub struct LicenseValidation {
    /// Enabled organizations checked.
    pub checked: usize,
    /// Organizations disabled now, each with the reason (the reference's text).
    pub disabled: Vec<Disabled>,
    /// Organizations that should have been disabled but could not be, with the error.
    pub failed: Vec<NotDisabled>,
}

#[derive(Debug)]
pub struct Disabled {
    pub organization: String,
    pub reason: String,
}

#[derive(Debug)]
pub struct NotDisabled {
    pub organization: String,
    pub error: String,
}

pub async fn run(app: &App) -> Result<Outcome<LicenseValidation>, AppError> {
    if app.config.mode != Mode::SelfHosted {
        return Ok(Outcome::Idle(Idle::OnCloud));
    }
    let orgs = app.store.all_organizations().await?;
    let (trust, _) = server_trust_store(&app.config);
    let enabled: Vec<&OrganizationRecord> = orgs.iter().filter(|org| org.enabled).collect();
    let mut found = LicenseValidation {
        checked: enabled.len(),
        ..LicenseValidation::default()
    };
    for org in &enabled {
        let same_key = enabled
            .iter()
            .filter(|other| other.license_key.is_some() && other.license_key == org.license_key)
            .count();
        let bytes = app.license_files.read(org.id).map_err(AppError::internal)?;
        let Err((reason, expires)) = assess(app, org, bytes.as_deref(), same_key, &trust) else {
            continue;
        };
        let now = app.clock.now_millis();
        let mail = LicenseExpired {
            billing_email: &org.billing_email,
            organization_name: &org.name,
            reason: &reason,
        }
        .render(&app.urls.vault, Lang::default());
        match app
            .store
            .disable_organization(org.id, expires.unwrap_or(now), &mail, now)
            .await
        {
            Ok(()) => found.disabled.push(Disabled {
                organization: org.name.clone(),
                reason,
            }),
            Err(err) => found.failed.push(NotDisabled {
                organization: org.name.clone(),
                error: err.to_string(),
            }),
        }
    }
    Ok(Outcome::Done(found))
}

/// Why an organization's license no longer holds (the reference's reasons), with the license's
/// expiry to record, or `Ok` when it holds.
fn assess(
    app: &App,
    org: &OrganizationRecord,
    file: Option<&[u8]>,
    same_key: usize,
    trust: &TrustStore,
) -> Result<(), (String, Option<i64>)> {
    let file = file.ok_or_else(|| ("No license file.".to_string(), None))?;
    if same_key > 1 {
        return Err(("Multiple organizations.".to_string(), None));
    }
    let license =
        OrganizationLicense::from_json(file).map_err(|_| ("Invalid data.".to_string(), None))?;
    let expires = license.expires.map(|date| date.timestamp_millis());
    let Some(installation) = app.config.installation.id else {
        return Err(("Invalid signature.".to_string(), expires));
    };
    let verified = match license::verify(&license, trust, installation, app.clock.now()) {
        Ok(verified) => verified,
        // As in the reference, a token past its year does not disable the organization: the
        // license's own dates decide, and the owner syncs or uploads a fresh one.
        Err(LicenseError::TokenExpired { .. }) => return Ok(()),
        Err(
            reason @ (LicenseError::Untrusted { .. }
            | LicenseError::TokenTampered { .. }
            | LicenseError::KinwardenSignature
            | LicenseError::FieldsChanged),
        ) => return Err((format!("Invalid signature. {reason}"), expires)),
        Err(other) => return Err((format!("Invalid data. {other}"), expires)),
    };
    let license = verified.license();
    // The terms stored from the license must still be the file's (reference §6.5 `VerifyData`);
    // an organization applied before terms were stored has none to compare.
    let same_terms = org.license_terms.as_ref().is_none_or(|terms| {
        terms.same_features(&kinwarden_core::terms::Terms::of_license(license))
            && license.max_collections.map(i32::from) == org.max_collections
    });
    let matches = license.license_key == org.license_key
        && license.plan_type == org.plan_type
        && license.seats == org.seats
        && license.enabled
        && same_terms;
    if matches {
        Ok(())
    } else {
        Err(("Invalid data.".to_string(), expires))
    }
}
