//! The mail outbox: queueing, claiming with a lease, recording outcomes.

use kinwarden_core::ids::OrganizationId;
use kinwarden_mail::{Lang, Mail, OrganizationInvite, VerifyEmail};
use kinwarden_testkit::backends;

use super::fresh;
use kinwarden_store::Store;

fn mail(to: &str) -> Mail {
    let vault = url::Url::parse("https://vault.example.com/").expect("url");
    VerifyEmail {
        email: to,
        token: "secret-token",
    }
    .render(&vault, Lang::Sv)
}

#[tokio::test]
async fn queued_mail_keeps_its_message_and_message_id() -> anyhow::Result<()> {
    for backend in backends() {
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        let message = mail("bo@example.se");
        let queued = store.enqueue_mail(&message, 1_000).await?;
        let rows = store.list_mail().await?;
        assert_eq!(rows.len(), 1, "{}", backend.name());
        let row = &rows[0];
        assert_eq!(row.id, queued.id);
        assert_eq!(row.message_id, queued.message_id);
        assert_eq!(row.recipient, "bo@example.se");
        assert_eq!(row.subject, message.subject);
        assert_eq!(row.body_text, message.text);
        assert_eq!(row.body_html, message.html);
        assert_eq!(
            (row.created_at, row.next_attempt_at, row.attempts),
            (1_000, 1_000, 0)
        );
        assert_eq!((row.sent_at, row.last_error.as_deref()), (None, None));
        assert_eq!(store.next_mail_due().await?, Some(1_000));
        store.close().await;
    }
    Ok(())
}

#[tokio::test]
async fn claims_take_due_mail_in_order_and_lease_it() -> anyhow::Result<()> {
    for backend in backends() {
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        let first = store.enqueue_mail(&mail("a@example.com"), 10).await?;
        let second = store.enqueue_mail(&mail("b@example.com"), 20).await?;
        let later = store.enqueue_mail(&mail("c@example.com"), 500).await?;

        // Not due yet: nothing.
        assert!(store.claim_due_mail(5, 1_000, 10).await?.is_empty());
        // A bounded batch, oldest first; the one not yet due stays.
        let batch = store.claim_due_mail(100, 1_000, 1).await?;
        assert_eq!(batch.len(), 1, "{}", backend.name());
        assert_eq!(batch[0].id, first.id);
        assert_eq!(batch[0].attempts, 1);
        let batch = store.claim_due_mail(100, 1_000, 10).await?;
        assert_eq!(
            batch.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            [second.id.as_str()]
        );
        // Leased messages are not taken again before the lease ends...
        let batch = store.claim_due_mail(600, 1_000, 10).await?;
        assert_eq!(
            batch.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            [later.id.as_str()]
        );
        assert!(store.claim_due_mail(999, 1_000, 10).await?.is_empty());
        // ...and are again once it has, as after a worker that died mid-send.
        let batch = store.claim_due_mail(1_000, 2_000, 10).await?;
        assert_eq!(batch.len(), 3, "{}", backend.name());
        assert!(batch.iter().all(|m| m.attempts == 2));
        assert_eq!(batch[0].message_id, first.message_id);
        store.close().await;
    }
    Ok(())
}

#[tokio::test]
async fn sent_mail_is_done_and_failed_mail_waits_for_its_retry() -> anyhow::Result<()> {
    for backend in backends() {
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        let sent = store.enqueue_mail(&mail("a@example.com"), 10).await?;
        let failed = store.enqueue_mail(&mail("b@example.com"), 10).await?;
        assert_eq!(store.claim_due_mail(10, 100, 10).await?.len(), 2);

        store.mark_mail_sent(&sent.id, 50).await?;
        store
            .mark_mail_failed(&failed.id, "connection refused", 300)
            .await?;
        // Marking a sent message failed (a late, duplicate outcome) changes nothing.
        store.mark_mail_failed(&sent.id, "late", 1).await?;

        let rows = store.list_mail().await?;
        let row = |id: &str| rows.iter().find(|m| m.id == id).cloned().expect("row");
        assert_eq!(row(&sent.id).sent_at, Some(50));
        assert_eq!(row(&sent.id).last_error, None);
        // Delivered, its bodies (and the tokens in their links) are gone; a waiting one keeps them.
        assert_eq!(
            (
                row(&sent.id).body_text.as_str(),
                row(&sent.id).body_html.as_str()
            ),
            ("", "")
        );
        assert!(!row(&failed.id).body_text.is_empty());
        assert_eq!(row(&failed.id).sent_at, None);
        assert_eq!(
            row(&failed.id).last_error.as_deref(),
            Some("connection refused")
        );
        assert_eq!(row(&failed.id).next_attempt_at, 300);
        assert_eq!(store.next_mail_due().await?, Some(300));

        assert!(store.claim_due_mail(299, 1_000, 10).await?.is_empty());
        let retry = store.claim_due_mail(300, 1_000, 10).await?;
        assert_eq!(retry.len(), 1);
        assert_eq!(retry[0].message_id, failed.message_id);
        assert_eq!(retry[0].attempts, 2);
        store.mark_mail_sent(&failed.id, 400).await?;
        assert_eq!(store.next_mail_due().await?, None);
        assert!(store.claim_due_mail(10_000, 20_000, 10).await?.is_empty());
        store.close().await;
    }
    Ok(())
}

#[tokio::test]
async fn released_mail_is_due_again_without_the_attempt() -> anyhow::Result<()> {
    for backend in backends() {
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        let queued = store.enqueue_mail(&mail("a@example.com"), 10).await?;
        assert_eq!(store.claim_due_mail(10, 1_000, 10).await?.len(), 1);
        store.release_mail(&queued.id, 20).await?;
        let again = store.claim_due_mail(20, 1_000, 10).await?;
        assert_eq!(again.len(), 1, "{}", backend.name());
        assert_eq!(again[0].attempts, 1, "the released claim is not counted");
        assert_eq!(again[0].message_id, queued.message_id);
        store.close().await;
    }
    Ok(())
}

#[tokio::test]
async fn concurrent_claims_never_take_the_same_mail() -> anyhow::Result<()> {
    for backend in backends() {
        let db = fresh(&backend).await?;
        // Two stores on one database, like two server processes.
        let one = Store::open(&db.config).await?;
        let two = Store::open(&db.config).await?;
        for i in 0..40 {
            one.enqueue_mail(&mail(&format!("u{i}@example.com")), i)
                .await?;
        }
        let claimers: Vec<_> = (0..6)
            .map(|i| {
                let store = if i % 2 == 0 { one.clone() } else { two.clone() };
                tokio::spawn(async move {
                    let mut taken = Vec::new();
                    loop {
                        let batch = store.claim_due_mail(1_000, 1_000_000, 3).await?;
                        if batch.is_empty() {
                            return Ok::<_, kinwarden_store::StoreError>(taken);
                        }
                        taken.extend(batch.into_iter().map(|m| m.id));
                    }
                })
            })
            .collect();
        let mut all = Vec::new();
        for claimer in claimers {
            all.extend(claimer.await??);
        }
        all.sort();
        let total = all.len();
        all.dedup();
        assert_eq!(total, 40, "{}: every mail claimed once", backend.name());
        assert_eq!(all.len(), 40, "{}: no mail claimed twice", backend.name());
        one.close().await;
        two.close().await;
    }
    Ok(())
}

fn invitation(organization: uuid::Uuid, to: &str) -> Mail {
    let vault = url::Url::parse("https://vault.example.com/").expect("url");
    OrganizationInvite {
        organization_id: organization,
        organization_user_id: uuid::Uuid::new_v4(),
        organization_name: "Åkerö",
        email: to,
        token: "invite-token",
    }
    .render(&vault, Lang::En)
}

/// Thousands of sign-up verifications queued first do not hold back an invitation queued after
/// them: each claim takes the oldest due of every kind in turn.
#[tokio::test]
async fn a_flood_of_one_kind_does_not_hold_back_another() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        for i in 0..50 {
            store
                .enqueue_mail(&mail(&format!("flood{i}@example.com")), i)
                .await?;
        }
        let invited = store
            .enqueue_mail(&invitation(uuid::Uuid::new_v4(), "ann@example.com"), 100)
            .await?;
        let batch = store.claim_due_mail(1_000, 10_000, 5).await?;
        assert_eq!(batch.len(), 5, "{name}");
        assert!(
            batch.iter().any(|mail| mail.id == invited.id),
            "{name}: the invitation waits behind the flood"
        );
        // The flood itself still goes oldest first.
        let flood: Vec<&str> = batch
            .iter()
            .filter(|mail| mail.kind == "verify-email")
            .map(|mail| mail.recipient.as_str())
            .collect();
        assert_eq!(
            flood,
            [
                "flood0@example.com",
                "flood1@example.com",
                "flood2@example.com",
                "flood3@example.com"
            ],
            "{name}"
        );
        store.close().await;
    }
    Ok(())
}

/// A message given up keeps its reason and is never due again; the others are not affected.
#[tokio::test]
async fn given_up_mail_is_never_due_again() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        let refused = store.enqueue_mail(&mail("nobody@example.com"), 10).await?;
        let fine = store.enqueue_mail(&mail("bo@example.com"), 10).await?;
        assert_eq!(store.claim_due_mail(10, 20, 10).await?.len(), 2, "{name}");
        store
            .give_up_mail(&refused.id, "permanent error (550)", 15)
            .await?;
        store.mark_mail_failed(&fine.id, "timeout", 30).await?;
        let rows = store.list_mail().await?;
        let row = rows
            .iter()
            .find(|row| row.id == refused.id)
            .expect("given-up row");
        assert_eq!(row.given_up_at, Some(15), "{name}");
        assert_eq!(row.last_error.as_deref(), Some("permanent error (550)"));
        assert_eq!(row.sent_at, None);
        assert_eq!(store.next_mail_due().await?, Some(30), "{name}");
        let retried = store.claim_due_mail(1_000_000, 2_000_000, 10).await?;
        assert_eq!(
            retried.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            [fine.id.as_str()],
            "{name}"
        );
        store.close().await;
    }
    Ok(())
}

/// What an organization had sent for it in a window: its invitations, not another
/// organization's, not mail sent for nobody, not what was queued before the window.
#[tokio::test]
async fn organization_mail_is_counted_per_organization_and_window() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let db = fresh(&backend).await?;
        let store = Store::open(&db.config).await?;
        let ours = uuid::Uuid::new_v4();
        let theirs = uuid::Uuid::new_v4();
        store
            .enqueue_mail(&invitation(ours, "a@example.com"), 100)
            .await?;
        store
            .enqueue_mail(&invitation(ours, "b@example.com"), 200)
            .await?;
        store
            .enqueue_mail(&invitation(ours, "c@example.com"), 300)
            .await?;
        store
            .enqueue_mail(&invitation(theirs, "d@example.com"), 250)
            .await?;
        store.enqueue_mail(&mail("e@example.com"), 250).await?;
        let counted = |since| store.organization_mail_since(OrganizationId(ours), since);
        assert_eq!(counted(0).await?, (3, Some(100)), "{name}");
        assert_eq!(counted(150).await?, (2, Some(200)), "{name}");
        assert_eq!(counted(301).await?, (0, None), "{name}");
        store.close().await;
    }
    Ok(())
}

#[tokio::test]
async fn waking_the_worker_is_never_lost() -> anyhow::Result<()> {
    let db = fresh(&kinwarden_testkit::TestBackend::Sqlite).await?;
    let store = Store::open(&db.config).await?;
    // Queued before anyone waits: the wake-up is kept for the next wait.
    store.enqueue_mail(&mail("a@example.com"), 1).await?;
    tokio::time::timeout(std::time::Duration::from_secs(5), store.mail_worker_woken()).await?;
    store.close().await;
    Ok(())
}
