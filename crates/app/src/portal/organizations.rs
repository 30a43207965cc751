//! What the Portal shows of organizations: the searchable list with each one's owners, and one
//! organization with, on a self-hosted server, its billing sync connection, its members' offers
//! and the recorded exchanges with the cloud, and on a cloud its ledger (SPEC §6, §9).

use std::cmp::Reverse;
use std::collections::HashMap;

use kinwarden_config::Mode;
use kinwarden_core::connections::ConnectionType;
use kinwarden_core::ids::OrganizationId;
use kinwarden_core::members::MemberType;

use crate::records::{
    OrganizationRecord, OutcomeRecord, SponsorshipRecord, SubscriptionPeriodRecord,
};
use crate::sponsorships::sync_status::SyncStatus;
use crate::{App, AppError};

/// The recorded exchanges the page lists, newest first, at most this many of each kind.
const OUTCOME_KINDS: [&str; 2] = ["sponsorship-sync", "license-sync"];
const OUTCOMES_PER_KIND: i64 = 10;

/// An organization with the addresses of its owners.
pub struct ListedOrganization {
    pub org: OrganizationRecord,
    pub owners: Vec<String>,
}

/// Every organization whose name, id or owners' addresses contain `search` (any case); all of
/// them when it is blank.
pub async fn list(app: &App, search: &str) -> Result<Vec<ListedOrganization>, AppError> {
    let needle = search.trim().to_lowercase();
    // Every organization's owners in one query, not one query per row.
    let mut owners: HashMap<OrganizationId, Vec<String>> = HashMap::new();
    for (org_id, email) in app.store.owner_emails().await? {
        owners.entry(org_id).or_default().push(email);
    }
    let mut listed = Vec::new();
    for org in app.store.all_organizations().await? {
        let owners = owners.remove(&org.id).unwrap_or_default();
        let matches = needle.is_empty()
            || org.name.to_lowercase().contains(&needle)
            || org.id.to_string().contains(&needle)
            || owners.join(", ").to_lowercase().contains(&needle);
        if matches {
            listed.push(ListedOrganization { org, owners });
        }
    }
    Ok(listed)
}

/// A self-hosted organization's billing sync connection as the Portal shows it.
pub struct BillingSync {
    pub enabled: bool,
    /// None when the stored config cannot be read.
    pub config: Option<crate::connections::BillingSyncSettings>,
}

/// One offer of the organization's members, with why the cloud skipped it at the last sync.
pub struct Offer {
    pub sponsorship: SponsorshipRecord,
    pub skipped: Option<String>,
}

/// Everything the Portal's page of one organization shows.
pub struct OrganizationDetails {
    pub org: OrganizationRecord,
    pub owners: Vec<String>,
    pub billing_sync: Option<BillingSync>,
    /// Sponsorship and license syncs, newest first.
    pub outcomes: Vec<OutcomeRecord>,
    pub sync: SyncStatus,
    /// A cloud organization's ledger, oldest entry first; none on a self-hosted server.
    pub ledger: Option<Vec<SubscriptionPeriodRecord>>,
    /// The members' offers on a self-hosted server; empty on a cloud.
    pub offers: Vec<Offer>,
}

pub async fn organization(app: &App, id: &str) -> Result<OrganizationDetails, AppError> {
    let id = crate::id_in_path(id)?;
    let org = app
        .store
        .organization(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let self_hosted = app.config.mode == Mode::SelfHosted;
    let billing_sync = app
        .store
        .connections_of(org.id, ConnectionType::BillingSync)
        .await?
        .into_iter()
        .next()
        .map(|record| BillingSync {
            enabled: record.enabled,
            config: crate::connections::BillingSyncSettings::of(&record, &app.data_key),
        });
    let mut outcomes = Vec::new();
    for kind in OUTCOME_KINDS {
        outcomes.extend(
            app.store
                .recent_outcomes(org.id, kind, OUTCOMES_PER_KIND)
                .await?,
        );
    }
    // A stable sort: at the same moment, a sponsorship sync lists before a license sync.
    outcomes.sort_by_key(|outcome| Reverse(outcome.started_at));
    let sync = SyncStatus::load(app, org.id).await?;
    let ledger = if self_hosted {
        None
    } else {
        Some(app.store.subscription_periods(org.id).await?)
    };
    let offers = if self_hosted {
        offers_of(app, org.id).await?
    } else {
        Vec::new()
    };
    let owners = owners_of(app, org.id).await?;
    Ok(OrganizationDetails {
        org,
        owners,
        billing_sync,
        outcomes,
        sync,
        ledger,
        offers,
    })
}

async fn offers_of(app: &App, org_id: OrganizationId) -> Result<Vec<Offer>, AppError> {
    let skips = app.store.sync_skips_of_organization(org_id).await?;
    Ok(app
        .store
        .sponsorships_of_organization(org_id)
        .await?
        .into_iter()
        .map(|sponsorship| Offer {
            skipped: skips
                .get(&sponsorship.sponsoring_organization_user_id)
                .cloned(),
            sponsorship,
        })
        .collect())
}

/// The owners of one organization, for its own page.
async fn owners_of(app: &App, org_id: OrganizationId) -> Result<Vec<String>, AppError> {
    Ok(app
        .store
        .members(org_id)
        .await?
        .into_iter()
        .filter(|m| m.member.member_type == MemberType::Owner)
        .filter_map(|m| m.user_email.or(m.member.email))
        .collect())
}
