//! The cloud's daily care of redeemed sponsorships: a renewal adds one period even when two
//! processes renew at once, the end is announced once, ending writes the ledger and disables the
//! organization together; long-expired rows go; skip reasons are replaced batch by batch.

use kinwarden_core::ids::{OrganizationUserId, SubscriptionPeriodId};
use kinwarden_core::members::{MemberStatus, MemberType};
use kinwarden_core::sponsorships::PlanSponsorshipType;
use kinwarden_mail::{Lang, Mail, MailKind};
use kinwarden_store::{
    BatchSkips, MemberRecord, OrganizationRecord, SponsorshipEnd, SponsorshipRecord, Store,
    SubscriptionPeriodRecord,
};
use kinwarden_testkit::backends;

use super::fresh;

const DAY: i64 = 24 * 60 * 60 * 1000;
const NOW: i64 = 1_800_000_000_000;

async fn families_org(store: &Store, id: &str) -> anyhow::Result<()> {
    let org = OrganizationRecord {
        id: crate::id(id),
        name: "The Family".into(),
        billing_email: "family@example.net".into(),
        plan_type: 22,
        seats: Some(6),
        max_collections: None,
        enabled: true,
        expiration_date: None,
        public_key: None,
        private_key: None,
        license_key: None,
        license_terms: None,
        revision_date: NOW,
        created_at: NOW,
        updated_at: NOW,
    };
    let owner = MemberRecord {
        id: crate::id(&format!("{id}-owner")),
        organization_id: crate::id(id),
        user_id: None,
        email: Some("family@example.net".into()),
        key: None,
        status: MemberStatus::Invited,
        member_type: MemberType::Owner,
        permissions: None,
        access_secrets_manager: false,
        created_at: NOW,
        updated_at: NOW,
    };
    store.create_organization(&org, &owner, None, None).await?;
    Ok(())
}

fn redeemed(id: &str, families: &str, valid_until: i64) -> SponsorshipRecord {
    SponsorshipRecord {
        id: crate::id(id),
        sponsoring_organization_id: None,
        sponsoring_organization_user_id: crate::id(&format!("{id}-member")),
        sponsored_organization_id: Some(crate::id(families)),
        friendly_name: Some("family".into()),
        offered_to_email: None,
        plan_sponsorship_type: Some(PlanSponsorshipType::FamiliesForEnterprise),
        to_delete: false,
        last_sync_date: Some(NOW - DAY),
        valid_until: Some(valid_until),
        is_admin_initiated: false,
        notes: None,
    }
}

fn entry(families: &str, kind: &str) -> SubscriptionPeriodRecord {
    SubscriptionPeriodRecord {
        id: SubscriptionPeriodId::new(),
        organization_id: crate::id(families),
        kind: kind.into(),
        start_date: NOW,
        end_date: None,
        plan_type: 22,
        seats: Some(6),
        recorded_by: None,
        created_at: NOW,
    }
}

fn mail() -> Mail {
    Mail {
        kind: MailKind::SponsorshipReverting,
        organization: None,
        to: "family@example.net".into(),
        subject: "Your Families Sponsorship was Removed".into(),
        text: "text".into(),
        html: "<p>html</p>".into(),
        lang: Lang::En,
        origin_host: "cloud.example.net".into(),
    }
}

#[tokio::test]
async fn renew_announce_and_end_each_happen_once() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        families_org(&store, "fam").await?;
        store.save_sponsorship(&redeemed("s", "fam", NOW)).await?;

        // Two renewals of the same period: the second finds the period already moved on.
        let until = NOW + 365 * DAY;
        assert!(
            store
                .renew_sponsorship(
                    crate::id("s"),
                    Some(NOW),
                    &entry("fam", "sponsored"),
                    until,
                    NOW
                )
                .await?
        );
        assert!(
            !store
                .renew_sponsorship(
                    crate::id("s"),
                    Some(NOW),
                    &entry("fam", "sponsored"),
                    until,
                    NOW
                )
                .await?,
            "{name}"
        );
        assert_eq!(
            store.subscription_periods(crate::id("fam")).await?.len(),
            1,
            "{name}"
        );
        assert_eq!(
            store
                .organization(crate::id("fam"))
                .await?
                .and_then(|o| o.expiration_date),
            Some(until)
        );

        assert!(
            store
                .announce_sponsorship_end(crate::id("s"), &mail(), NOW)
                .await?
        );
        assert!(
            !store
                .announce_sponsorship_end(crate::id("s"), &mail(), NOW)
                .await?,
            "{name}"
        );
        assert_eq!(
            store.list_mail().await?.len(),
            1,
            "{name}: one revert e-mail"
        );
        let listed = store.redeemed_sponsorships().await?;
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].revert_mailed_at, Some(NOW));

        // Written later than the renewal, as the job would: the ledger lists in that order.
        let ended = SubscriptionPeriodRecord {
            created_at: NOW + 1,
            ..entry("fam", "sponsorshipEnded")
        };
        let end = SponsorshipEnd {
            sponsorship_id: crate::id("s"),
            organization_id: crate::id("fam"),
            entry: &ended,
            disable: true,
            mail: None,
            now_ms: NOW,
        };
        assert!(store.end_sponsorship(end.clone()).await?);
        assert!(!store.end_sponsorship(end).await?, "{name}: ended once");
        assert!(store.redeemed_sponsorships().await?.is_empty());
        let org = store
            .organization(crate::id("fam"))
            .await?
            .ok_or_else(|| anyhow::anyhow!("org"))?;
        assert!(!org.enabled, "{name}");
        let kinds: Vec<String> = store
            .subscription_periods(crate::id("fam"))
            .await?
            .into_iter()
            .map(|p| p.kind)
            .collect();
        assert_eq!(kinds, ["sponsored", "sponsorshipEnded"], "{name}");
    }
    Ok(())
}

#[tokio::test]
async fn rows_expired_beyond_the_grace_are_deleted() -> anyhow::Result<()> {
    for backend in backends() {
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        families_org(&store, "old").await?;
        families_org(&store, "new").await?;
        store
            .save_sponsorship(&redeemed("old", "old", NOW - 91 * DAY))
            .await?;
        store
            .save_sponsorship(&redeemed("new", "new", NOW - 89 * DAY))
            .await?;
        assert_eq!(
            store.delete_expired_sponsorships(NOW - 90 * DAY).await?,
            1,
            "{}",
            backend.name()
        );
        assert!(store.sponsorship(crate::id("old")).await?.is_none());
        assert!(store.sponsorship(crate::id("new")).await?.is_some());
    }
    Ok(())
}

/// Writes one answered batch of `batch` in which only `member` was skipped, for `reason`.
async fn skip_in_batch(
    store: &Store,
    batch: &[OrganizationUserId],
    member: &str,
    reason: &str,
) -> anyhow::Result<()> {
    let skipped = [(crate::id(member), reason.to_string())];
    let skips = BatchSkips {
        organization_id: crate::id("org"),
        batch_member_ids: batch,
        skipped: &skipped,
        now_ms: NOW,
    };
    store.apply_sync_batch(&[], &[], Some(&skips)).await?;
    Ok(())
}

#[tokio::test]
async fn skip_reasons_are_replaced_batch_by_batch() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        families_org(&store, "org").await?;
        let batch: Vec<OrganizationUserId> = vec![crate::id("m1"), crate::id("m2")];
        skip_in_batch(&store, &batch, "m1", "sponsor_disabled").await?;
        let skips = store.sync_skips_of_organization(crate::id("org")).await?;
        assert_eq!(
            skips.get(&crate::id("m1")).map(String::as_str),
            Some("sponsor_disabled"),
            "{name}"
        );
        // The next batch with m1 in it, not skipped this time, clears its reason.
        skip_in_batch(&store, &batch, "m2", "wrong_plan_tier").await?;
        let skips = store.sync_skips_of_organization(crate::id("org")).await?;
        assert_eq!(skips.len(), 1, "{name}");
        assert_eq!(
            skips.get(&crate::id("m2")).map(String::as_str),
            Some("wrong_plan_tier")
        );
    }
    Ok(())
}
