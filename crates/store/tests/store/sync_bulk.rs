//! The sync's bulk statements: a cloud batch (rows, deletions, offers, stamp) in one
//! transaction, a self-hosted answered batch, the batch members' rows, and the organization's
//! sync stamp standing for the rows' dates.

use kinwarden_core::members::{MemberStatus, MemberType};
use kinwarden_core::sponsorships::PlanSponsorshipType;
use kinwarden_mail::{Draft, DraftMail};
use kinwarden_store::{
    CloudSyncWrite, MemberRecord, OrganizationRecord, SponsorshipRecord, Store, StoreError,
    SyncedState,
};
use kinwarden_testkit::backends;

use super::fresh;

fn row(id: &str, org: &str, member: &str, last_sync: Option<i64>) -> SponsorshipRecord {
    SponsorshipRecord {
        id: crate::id(id),
        sponsoring_organization_id: Some(crate::id(org)),
        sponsoring_organization_user_id: crate::id(member),
        sponsored_organization_id: None,
        friendly_name: Some(format!("Family {id}")),
        offered_to_email: Some(format!("{id}@example.net")),
        plan_sponsorship_type: Some(PlanSponsorshipType::FamiliesForEnterprise),
        to_delete: false,
        last_sync_date: last_sync,
        valid_until: None,
        is_admin_initiated: false,
        notes: None,
    }
}

fn offer(to: &str) -> DraftMail {
    DraftMail::sponsorship_offer(None, "new", "Org org-a", to, 0, "vault.example.com")
}

pub(crate) async fn organization(store: &Store, id: &str) -> anyhow::Result<()> {
    let org = OrganizationRecord {
        id: crate::id(id),
        name: format!("Org {id}"),
        billing_email: "billing@example.net".into(),
        plan_type: 20,
        seats: Some(10),
        max_collections: None,
        enabled: true,
        expiration_date: None,
        public_key: None,
        private_key: None,
        license_key: None,
        license_terms: None,
        revision_date: 1,
        created_at: 1,
        updated_at: 1,
    };
    let owner = MemberRecord {
        id: crate::id(&format!("owner-{id}")),
        organization_id: crate::id(id),
        user_id: None,
        email: Some("owner@example.net".into()),
        key: None,
        status: MemberStatus::Invited,
        member_type: MemberType::Owner,
        permissions: None,
        access_secrets_manager: false,
        created_at: 1,
        updated_at: 1,
    };
    store.create_organization(&org, &owner, None, None).await?;
    Ok(())
}

#[tokio::test]
async fn a_cloud_batch_writes_rows_deletions_offers_and_the_stamp() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        organization(&store, "org-a").await?;
        organization(&store, "org-b").await?;
        let known = row("known", "org-a", "m-known", Some(100));
        let untouched = row("untouched", "org-a", "m-untouched", Some(100));
        let gone = row("gone", "org-a", "m-gone", Some(100));
        let foreign = row("foreign", "org-b", "m-foreign", Some(100));
        for r in [&known, &untouched, &gone, &foreign] {
            store.save_sponsorship(r).await?;
        }
        let mut marked = known.clone();
        marked.to_delete = true;
        marked.last_sync_date = Some(500);
        // A known row takes only the sync's columns, whatever else the batch carries.
        marked.friendly_name = Some("renamed".into());
        let new = row("new", "org-a", "m-new", Some(500));
        let offers = [offer("new@example.net"), offer("other@example.net")];
        store
            .apply_cloud_sync(CloudSyncWrite {
                organization_id: crate::id("org-a"),
                upserts: &[marked, new.clone()],
                deletes: &[crate::id("gone"), crate::id("foreign")],
                offers: &offers,
                held: kinwarden_store::OfferHold::NONE,
                now_ms: 500,
            })
            .await?;

        let stored = store
            .sponsorship(crate::id("known"))
            .await?
            .expect("known row");
        assert!(stored.to_delete, "{name}");
        assert_eq!(stored.last_sync_date, Some(500), "{name}");
        assert_eq!(
            stored.friendly_name.as_deref(),
            Some("Family known"),
            "{name}"
        );
        assert_eq!(
            store.sponsorship(crate::id("new")).await?,
            Some(new),
            "{name}"
        );
        assert_eq!(store.sponsorship(crate::id("gone")).await?, None, "{name}");
        // Another organization's row is never deleted by this one's batch.
        assert_eq!(
            store.sponsorship(crate::id("foreign")).await?,
            Some(foreign),
            "{name}"
        );
        // The untouched row was not written, yet reads as synced by the stamp.
        let read = store
            .sponsorship(crate::id("untouched"))
            .await?
            .expect("untouched row");
        assert_eq!(read.last_sync_date, Some(500), "{name}");
        assert_eq!(
            store.latest_sponsorship_sync(crate::id("org-a")).await?,
            Some(500)
        );
        assert_eq!(
            store.latest_sponsorship_sync(crate::id("org-b")).await?,
            Some(100)
        );

        let queued = store.claim_due_mail(500, 1_000, 10).await?;
        let mut recipients: Vec<_> = queued.iter().map(|m| m.recipient.clone()).collect();
        recipients.sort();
        assert_eq!(
            recipients,
            ["new@example.net", "other@example.net"],
            "{name}"
        );
        assert_ne!(queued[0].message_id, queued[1].message_id);
        // Queued as drafts: the delivery writes them.
        for queued in &queued {
            let draft = Draft::from_json(queued.draft.as_deref().unwrap_or_default());
            assert!(
                matches!(draft, Ok(Draft::SponsorshipOffer { ref email, .. }) if *email == queued.recipient),
                "{name}: {draft:?}"
            );
            assert!(queued.body_html.is_empty(), "{name}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_conflicting_cloud_batch_writes_nothing() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        organization(&store, "org-a").await?;
        store
            .save_sponsorship(&row("first", "org-a", "m1", Some(100)))
            .await?;
        // A second own row for the same member (two syncs racing) is refused.
        let written = store
            .apply_cloud_sync(CloudSyncWrite {
                organization_id: crate::id("org-a"),
                upserts: &[
                    row("fresh", "org-a", "m2", Some(500)),
                    row("second", "org-a", "m1", Some(500)),
                ],
                deletes: &[],
                offers: &[offer("fresh@example.net")],
                held: kinwarden_store::OfferHold::NONE,
                now_ms: 500,
            })
            .await;
        assert!(matches!(written, Err(StoreError::Conflict)), "{name}");
        assert_eq!(store.sponsorship(crate::id("fresh")).await?, None, "{name}");
        assert!(store.claim_due_mail(500, 1_000, 10).await?.is_empty());
        assert_eq!(
            store.latest_sponsorship_sync(crate::id("org-a")).await?,
            Some(100)
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_batch_reads_only_its_members_rows() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        organization(&store, "org-a").await?;
        organization(&store, "org-b").await?;
        store
            .save_sponsorship(&row("own", "org-a", "m1", None))
            .await?;
        let mut admin = row("admin", "org-a", "m1", None);
        admin.is_admin_initiated = true;
        store.save_sponsorship(&admin).await?;
        store
            .save_sponsorship(&row("other", "org-a", "m2", None))
            .await?;
        store
            .save_sponsorship(&row("foreign", "org-b", "m3", None))
            .await?;

        let mut found: Vec<String> = store
            .sponsorships_of_members(
                crate::id("org-a"),
                &[crate::id("m1"), crate::id("m3"), crate::id("nobody")],
            )
            .await?
            .into_iter()
            .map(|r| crate::name_of(r.id))
            .collect();
        found.sort();
        assert_eq!(found, ["admin", "own"], "{name}");
        assert!(
            store
                .sponsorships_of_members(crate::id("org-a"), &[])
                .await?
                .is_empty()
        );
    }
    Ok(())
}

#[tokio::test]
async fn an_answered_batch_and_the_stamp_on_the_self_hosted_side() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        organization(&store, "org-a").await?;
        for r in [
            row("first", "org-a", "m1", None),
            row("again", "org-a", "m2", Some(100)),
            row("removed", "org-a", "m3", Some(100)),
            row("waiting", "org-a", "m4", None),
        ] {
            store.save_sponsorship(&r).await?;
        }
        store
            .apply_sync_batch(
                &[crate::id("removed")],
                &[SyncedState {
                    id: crate::id("first"),
                    last_sync_date: Some(200),
                    valid_until: Some(900),
                    to_delete: true,
                }],
                None,
            )
            .await?;
        let first = store.sponsorship(crate::id("first")).await?.expect("first");
        assert_eq!(
            (first.last_sync_date, first.valid_until, first.to_delete),
            (Some(200), Some(900), true),
            "{name}"
        );
        assert_eq!(
            store.sponsorship(crate::id("removed")).await?,
            None,
            "{name}"
        );
        assert_eq!(
            store
                .sponsorship(crate::id("again"))
                .await?
                .and_then(|r| r.last_sync_date),
            Some(100)
        );

        store
            .stamp_sponsorship_sync(crate::id("org-a"), 200)
            .await?;
        // An older stamp does not move the organization's back.
        store
            .stamp_sponsorship_sync(crate::id("org-a"), 150)
            .await?;
        assert_eq!(
            store
                .sponsorship(crate::id("again"))
                .await?
                .and_then(|r| r.last_sync_date),
            Some(200),
            "{name}"
        );
        // A row that never synced still awaits its first sync.
        assert_eq!(
            store
                .sponsorship(crate::id("waiting"))
                .await?
                .and_then(|r| r.last_sync_date),
            None,
            "{name}"
        );
        let of_org = store
            .sponsorships_of_organization(crate::id("org-a"))
            .await?;
        assert_eq!(of_org.len(), 3, "{name}");
        assert_eq!(
            store
                .sponsorship_of_member(crate::id("org-a"), crate::id("m2"))
                .await?
                .and_then(|r| r.last_sync_date),
            Some(200)
        );
        assert_eq!(
            store.latest_sponsorship_sync(crate::id("org-a")).await?,
            Some(200)
        );
        store.apply_sync_batch(&[], &[], None).await?;
    }
    Ok(())
}
