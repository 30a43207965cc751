//! The outbox's promise to other use-cases: mail queued inside a transaction is stored exactly
//! when the rest of that transaction is. Runs on every test backend.

use kinwarden_mail::{Lang, VerifyEmail};
use kinwarden_testkit::backends;

use super::queue_in;
use crate::test_db::fresh;
use crate::{Store, StoreError, on_pool};

/// A use-case in miniature: a server fact and a mail in one transaction, then, when `fail` is
/// set, a statement that breaks `server_meta`'s CHECK (an empty key) before the commit.
async fn fact_with_mail(store: &Store, key: &str, fail: bool) -> Result<(), StoreError> {
    let vault = url::Url::parse("https://vault.example.com").expect("url");
    let mail = VerifyEmail {
        email: "ann@example.com",
        token: "t",
    }
    .render(&vault, Lang::En);
    on_pool!(store, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query("INSERT INTO server_meta (key, value, updated_at) VALUES ($1, 'v', 1)")
            .bind(key)
            .execute(&mut *tx)
            .await?;
        queue_in(&mut *tx, &mail, 1).await?;
        if fail {
            sqlx::query("INSERT INTO server_meta (key, value, updated_at) VALUES ('', 'x', 1)")
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    });
    store.wake_mail_worker();
    Ok(())
}

#[tokio::test]
async fn mail_queued_in_a_failed_transaction_is_not_stored() -> anyhow::Result<()> {
    for backend in backends() {
        let db = fresh(&backend).await?;
        let result = fact_with_mail(&db.store, "invited", true).await;
        assert!(
            matches!(result, Err(StoreError::Database(_))),
            "{}: {result:?}",
            backend.name()
        );
        assert_eq!(
            db.store.meta_get("invited").await?,
            None,
            "{}",
            backend.name()
        );
        assert!(db.store.list_mail().await?.is_empty(), "{}", backend.name());
        db.store.close().await;
    }
    Ok(())
}

#[tokio::test]
async fn mail_queued_in_a_committed_transaction_is_stored_with_it() -> anyhow::Result<()> {
    for backend in backends() {
        let db = fresh(&backend).await?;
        fact_with_mail(&db.store, "invited", false).await?;
        assert_eq!(db.store.meta_get("invited").await?.as_deref(), Some("v"));
        let mail = db.store.list_mail().await?;
        assert_eq!(mail.len(), 1, "{}", backend.name());
        assert_eq!(mail[0].recipient, "ann@example.com");
        assert_eq!(mail[0].attempts, 0);
        assert_eq!(mail[0].next_attempt_at, 1);
        assert!(mail[0].message_id.ends_with("@vault.example.com>"));
        db.store.close().await;
    }
    Ok(())
}
