//! Sponsorship rows: upsert in place, one own sponsorship per member, revoke, sync date.

use kinwarden_core::sponsorships::PlanSponsorshipType;
use kinwarden_store::{SponsorshipRecord, Store, StoreError};
use kinwarden_testkit::backends;

use super::fresh;

fn row(id: &str, member: &str, admin: bool) -> SponsorshipRecord {
    SponsorshipRecord {
        id: crate::id(id),
        sponsoring_organization_id: Some(crate::id("org")),
        sponsoring_organization_user_id: crate::id(member),
        sponsored_organization_id: None,
        friendly_name: Some(format!("{id}@example.net")),
        offered_to_email: Some(format!("{id}@example.net")),
        plan_sponsorship_type: Some(PlanSponsorshipType::FamiliesForEnterprise),
        to_delete: false,
        last_sync_date: None,
        valid_until: None,
        is_admin_initiated: admin,
        notes: None,
    }
}

#[tokio::test]
async fn one_own_sponsorship_per_member_replaced_in_place() -> anyhow::Result<()> {
    for backend in backends() {
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        crate::sync_bulk::organization(&store, "org").await?;
        let first = row("a", "member-1", false);
        store.save_sponsorship(&first).await?;
        let mut replaced = first.clone();
        replaced.offered_to_email = Some("other@example.net".into());
        store.save_sponsorship(&replaced).await?;
        assert_eq!(
            store
                .sponsorship_of_member(crate::id("org"), crate::id("member-1"))
                .await?,
            Some(replaced.clone()),
            "{}",
            backend.name()
        );
        // Another own row for the same member is refused; admin-initiated rows are not own.
        let second = store.save_sponsorship(&row("b", "member-1", false)).await;
        assert!(
            matches!(second, Err(StoreError::Conflict)),
            "{}",
            backend.name()
        );
        store.save_sponsorship(&row("c", "member-1", true)).await?;
        store.save_sponsorship(&row("d", "member-1", true)).await?;
        assert_eq!(
            store
                .sponsorship_of_member(crate::id("org"), crate::id("member-1"))
                .await?,
            Some(replaced)
        );
    }
    Ok(())
}

#[tokio::test]
async fn revoke_marks_or_deletes_and_sync_date_is_recorded() -> anyhow::Result<()> {
    for backend in backends() {
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        crate::sync_bulk::organization(&store, "org").await?;
        store.save_sponsorship(&row("a", "member-1", false)).await?;
        assert!(
            store
                .set_sponsorship_synced(crate::id("a"), 5_000, Some(9_000))
                .await?
        );
        assert!(store.mark_sponsorship_to_delete(crate::id("a")).await?);
        let marked = store
            .sponsorship_of_member(crate::id("org"), crate::id("member-1"))
            .await?;
        let marked = marked.ok_or_else(|| anyhow::anyhow!("row gone"))?;
        assert!(marked.to_delete);
        assert_eq!(marked.last_sync_date, Some(5_000));
        assert_eq!(marked.valid_until, Some(9_000));
        assert!(store.delete_sponsorship(crate::id("a")).await?);
        assert_eq!(
            store
                .sponsorship_of_member(crate::id("org"), crate::id("member-1"))
                .await?,
            None
        );
        assert!(
            !store.delete_sponsorship(crate::id("a")).await?,
            "{}",
            backend.name()
        );
    }
    Ok(())
}

/// A member id names a member of one organization: another organization's row for the same id
/// is its own, and neither lookup sees the other's.
#[tokio::test]
async fn one_own_sponsorship_per_member_of_each_organization() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        crate::sync_bulk::organization(&store, "org").await?;
        crate::sync_bulk::organization(&store, "other").await?;
        let mine = row("a", "member-1", false);
        let theirs = SponsorshipRecord {
            sponsoring_organization_id: Some(crate::id("other")),
            ..row("b", "member-1", false)
        };
        store.save_sponsorship(&mine).await?;
        store.save_sponsorship(&theirs).await?;
        for (org, expected) in [("org", &mine), ("other", &theirs)] {
            assert_eq!(
                store
                    .sponsorship_of_member(crate::id(org), crate::id("member-1"))
                    .await?
                    .as_ref(),
                Some(expected),
                "{name}: {org}"
            );
        }
    }
    Ok(())
}
