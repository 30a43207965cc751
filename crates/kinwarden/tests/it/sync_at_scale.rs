//! The sponsorship sync with many rows and broken exchanges (issue acceptance: 10,000 rows in 10
//! batches; a second sync changes nothing; a sync cut off after the cloud answered a batch heals
//! on the next one, with nothing lost and nothing duplicated).

use std::collections::BTreeMap;

use anyhow::Context;
use kinwarden_core::ids::{OrganizationUserId, SponsorshipId};
use kinwarden_core::sponsorships::PlanSponsorshipType;
use kinwarden_store::{SponsorshipRecord, Store};
use kinwarden_testkit::{Fault, TestBackend, backends};

use crate::connections::connected_org;
use crate::self_hosted_license::{Pair, PairOptions, pair_setup};
use crate::support::{is_sponsorship_offer, kinwarden};

pub(crate) const SYNC_PATH: &str = "organization/sponsorship/sync";

/// A pair whose self-hosted organization has a billing sync connection, and `count` offers of
/// members written straight to its store (offering through HTTP would test nothing more).
pub(crate) async fn connected_pair_with_offers(
    backend: TestBackend,
    count: usize,
) -> anyhow::Result<(Pair, String)> {
    let options = PairOptions {
        via_proxy: true,
        ..PairOptions::default()
    };
    connected_pair_with(backend, 10, options, count).await
}

/// [`connected_pair_with_offers`] with the organization's seats and the pair's options.
pub(crate) async fn connected_pair_with(
    backend: TestBackend,
    seats: i32,
    options: PairOptions<'_>,
    count: usize,
) -> anyhow::Result<(Pair, String)> {
    let pair = pair_setup(backend, seats, options).await?;
    let (_, org_id) = connected_org(&pair).await?;
    let store = pair.self_hosted.store().context("store")?;
    for i in 0..count {
        store
            .save_sponsorship(&SponsorshipRecord {
                id: SponsorshipId::new(),
                sponsoring_organization_id: Some(org_id.parse()?),
                sponsoring_organization_user_id: OrganizationUserId::new(),
                sponsored_organization_id: None,
                friendly_name: Some(format!("family {i}")),
                offered_to_email: Some(format!("family{i}@example.com")),
                plan_sponsorship_type: Some(PlanSponsorshipType::FamiliesForEnterprise),
                to_delete: false,
                last_sync_date: None,
                valid_until: None,
                is_admin_initiated: false,
                notes: None,
            })
            .await?;
    }
    Ok((pair, org_id))
}

/// The cloud's rows of the organization by the offering member: (address, to delete, period end).
pub(crate) async fn cloud_rows(
    store: &Store,
    org_id: &str,
) -> anyhow::Result<BTreeMap<String, (Option<String>, bool, Option<i64>)>> {
    Ok(store
        .sponsorships_of_organization(org_id.parse()?)
        .await?
        .into_iter()
        .map(|row| {
            (
                row.sponsoring_organization_user_id.to_string(),
                (row.offered_to_email, row.to_delete, row.valid_until),
            )
        })
        .collect())
}

async fn offer_mails(store: &Store) -> anyhow::Result<usize> {
    Ok(store
        .list_mail()
        .await?
        .iter()
        .filter(|mail| is_sponsorship_offer(mail))
        .count())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_offers_sync_in_ten_batches_and_again_change_nothing() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let (pair, org_id) = connected_pair_with_offers(backend, 10_000).await?;
        let proxy = pair.proxy.as_ref().context("proxy")?;
        let before = proxy.forwarded(SYNC_PATH);

        let (code, out) = kinwarden(&pair.self_hosted, &["sync"]).await?;
        assert_eq!(code, 0, "{name}: {out}");
        assert_eq!(
            proxy.forwarded(SYNC_PATH) - before,
            10,
            "{name}: ten batches"
        );
        let cloud_store = pair.cloud.store().context("cloud store")?;
        let first = cloud_rows(cloud_store, &pair.cloud_org_id).await?;
        assert_eq!(first.len(), 10_000, "{name}");
        assert_eq!(
            offer_mails(cloud_store).await?,
            10_000,
            "{name}: one offer each"
        );
        let local = pair
            .self_hosted
            .store()
            .context("store")?
            .sponsorships_of_organization(org_id.parse().expect("an id"))
            .await?;
        assert_eq!(local.len(), 10_000);
        assert!(
            local.iter().all(|row| row.last_sync_date.is_some()),
            "{name}: all synced"
        );

        let (code, out) = kinwarden(&pair.self_hosted, &["sync"]).await?;
        assert_eq!(code, 0, "{name}: {out}");
        assert_eq!(
            cloud_rows(cloud_store, &pair.cloud_org_id).await?,
            first,
            "{name}"
        );
        assert_eq!(
            offer_mails(cloud_store).await?,
            10_000,
            "{name}: no offer twice"
        );
        let again = pair
            .self_hosted
            .store()
            .context("store")?
            .sponsorships_of_organization(org_id.parse().expect("an id"))
            .await?;
        assert_eq!(again.len(), 10_000, "{name}");
        pair.stop().await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_cut_off_after_the_cloud_answered_heals_on_the_next() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let (pair, org_id) = connected_pair_with_offers(backend, 5_000).await?;
        let proxy = pair.proxy.as_ref().context("proxy")?;
        let store = pair.self_hosted.store().context("store")?;
        let cloud_store = pair.cloud.store().context("cloud store")?;
        // Batches 1 and 2 arrive; the cloud answers batch 3, but the answer is cut off. Batch 4
        // travels beside batch 3 (two in flight) and may reach the cloud before the sync stops.
        proxy.inject(SYNC_PATH, 2, Fault::CutBody);
        let (code, out) = kinwarden(&pair.self_hosted, &["sync"]).await?;
        assert_eq!(code, 1, "{name}: {out}");
        let on_cloud = cloud_rows(cloud_store, &pair.cloud_org_id).await?.len();
        assert!(
            on_cloud == 3_000 || on_cloud == 4_000,
            "{name}: {on_cloud} rows on the cloud"
        );
        let synced = store
            .sponsorships_of_organization(org_id.parse().expect("an id"))
            .await?
            .iter()
            .filter(|row| row.last_sync_date.is_some())
            .count();
        assert_eq!(synced, 2_000, "{name}: batch 3 was never applied here");
        let status = store
            .recent_outcomes(org_id.parse().expect("an id"), "sponsorship-sync", 1)
            .await?
            .into_iter()
            .next()
            .context("an outcome")?;
        assert!(!status.succeeded, "{name}: the failure is recorded");

        proxy.heal();
        let (code, out) = kinwarden(&pair.self_hosted, &["sync"]).await?;
        assert_eq!(code, 0, "{name}: {out}");
        let rows = cloud_rows(cloud_store, &pair.cloud_org_id).await?;
        assert_eq!(rows.len(), 5_000, "{name}: nothing lost, nothing twice");
        let local = store
            .sponsorships_of_organization(org_id.parse().expect("an id"))
            .await?;
        assert!(
            local.iter().all(|row| row.last_sync_date.is_some()),
            "{name}"
        );
        for row in &local {
            assert_eq!(
                rows.get(&row.sponsoring_organization_user_id.to_string())
                    .map(|r| r.0.clone()),
                Some(row.offered_to_email.clone()),
                "{name}: each offer once, to its address"
            );
        }
        assert_eq!(
            offer_mails(cloud_store).await?,
            5_000,
            "{name}: each offer mailed once"
        );
        pair.stop().await?;
    }
    Ok(())
}
