//! `mail_outbox` (SPEC §9 "mail"): e-mail queued in the same transaction as the change that
//! causes it, and what the delivery worker needs to send each message at least once.
//!
//! A use-case that sends mail queues it inside its own transaction with [`queue_in`]:
//!
//! ```text
//! on_pool!(self, pool => {
//!     let mut tx = pool.begin().await?;
//!     sqlx::query("INSERT INTO organization_users …").bind(…).execute(&mut *tx).await?;
//!     outbox::queue_in(&mut *tx, &invitation, now_ms).await?;
//!     tx.commit().await?;
//! });
//! self.wake_mail_worker();
//! ```
//!
//! so the member and the invitation are stored together or not at all.
//!
//! Delivery claims due rows with a lease: the claim counts an attempt and moves
//! `next_attempt_at` past the lease in one statement, so a second worker (another process on
//! the same PostgreSQL) skips them, and a worker that dies mid-send leaves them to be retried
//! when the lease runs out. PostgreSQL claims with `FOR UPDATE SKIP LOCKED`; SQLite has one
//! writer at a time, so its claim is atomic as it is.

use std::future::Future;

use kinwarden_mail::{DraftMail, Mail, MailKind};

use kinwarden_core::ids::OrganizationId;

use crate::{Pool, Store, StoreError, on_pool};

/// What queueing a message made: its row id and the Message-ID every attempt will carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMail {
    pub id: String,
    pub message_id: String,
}

/// One row of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxMail {
    pub id: String,
    pub message_id: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub created_at: i64,
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
    /// A message queued as a draft ([`kinwarden_mail::Draft`] as JSON): subject and bodies are
    /// empty until the worker renders it.
    pub draft: Option<String>,
    /// What the message is ([`kinwarden_mail::MailKind::name`]).
    pub kind: String,
    /// When the worker stopped trying; `last_error` says why.
    pub given_up_at: Option<i64>,
}

const COLUMNS: &str = "id, message_id, recipient, subject, body_text, body_html, created_at, \
                       attempts, next_attempt_at, sent_at, last_error, draft, kind, given_up_at";

const INSERT: &str = "INSERT INTO mail_outbox \
     (id, message_id, recipient, subject, body_text, body_html, draft, created_at, attempts, \
      next_attempt_at, kind, organization_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $8, $9, $10)";

/// The key of a new outbox row: time-ordered (UUID v7), so the rows a sync batch queues are
/// appended to the key's index instead of scattered through it (SPEC §10). The Message-ID is
/// made from it, so it is unique as the key is and needs no index of its own.
pub(crate) fn new_row_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

/// One outbox row as it is written: a rendered message, or a draft with empty bodies.
pub(crate) struct NewRow<'a> {
    id: uuid::Uuid,
    recipient: &'a str,
    message_id: String,
    subject: &'a str,
    text: &'a str,
    html: &'a str,
    draft: Option<String>,
    kind: MailKind,
    organization: Option<uuid::Uuid>,
}

impl<'a> NewRow<'a> {
    /// A row for `recipient` under a new key, with the Message-ID `message_id` makes of it.
    fn new(
        (kind, organization): (MailKind, Option<uuid::Uuid>),
        recipient: &'a str,
        message_id: impl FnOnce(&uuid::Uuid) -> String,
        [subject, text, html]: [&'a str; 3],
        draft: Option<String>,
    ) -> Self {
        let id = new_row_id();
        Self {
            id,
            recipient,
            message_id: message_id(&id),
            subject,
            text,
            html,
            draft,
            kind,
            organization,
        }
    }
}

impl<'a> From<&'a Mail> for NewRow<'a> {
    fn from(mail: &'a Mail) -> Self {
        Self::new(
            (mail.kind, mail.organization),
            &mail.to,
            |id| mail.message_id(id),
            [&mail.subject, &mail.text, &mail.html],
            None,
        )
    }
}

impl<'a> From<&'a DraftMail> for NewRow<'a> {
    fn from(mail: &'a DraftMail) -> Self {
        Self::new(
            (mail.kind(), mail.organization),
            &mail.to,
            |id| mail.message_id(id),
            ["", "", ""],
            Some(mail.draft.to_json()),
        )
    }
}

/// A connection that can queue mail: the native connection of each backend, which is what
/// `&mut *tx` gives inside an [`on_pool!`] body. Implemented for both, so one call type-checks
/// in both arms of the macro.
pub(crate) trait QueuesMail: Send {
    fn queue_mail(
        &mut self,
        row: NewRow<'_>,
        now_ms: i64,
    ) -> impl Future<Output = Result<QueuedMail, sqlx::Error>> + Send;
}

macro_rules! queues_mail_on {
    ($connection:ty) => {
        impl QueuesMail for $connection {
            async fn queue_mail(
                &mut self,
                row: NewRow<'_>,
                now_ms: i64,
            ) -> Result<QueuedMail, sqlx::Error> {
                let queued = QueuedMail {
                    id: row.id.to_string(),
                    message_id: row.message_id,
                };
                sqlx::query(INSERT)
                    .bind(&queued.id)
                    .bind(&queued.message_id)
                    .bind(row.recipient)
                    .bind(row.subject)
                    .bind(row.text)
                    .bind(row.html)
                    .bind(row.draft)
                    .bind(now_ms)
                    .bind(row.kind.name())
                    .bind(row.organization.map(|id| id.to_string()))
                    .execute(&mut *self)
                    .await?;
                Ok(queued)
            }
        }
    };
}
queues_mail_on!(sqlx::SqliteConnection);
queues_mail_on!(sqlx::PgConnection);

/// Queues `mail` (a rendered [`Mail`] or a [`DraftMail`]) on a connection that is inside the
/// caller's transaction, so the message is stored exactly when the rest of the use-case is.
/// After the commit, the caller calls [`Store::wake_mail_worker`] so it goes out at once rather
/// than at the next poll.
pub(crate) async fn queue_in<'a, C, M>(
    connection: &mut C,
    mail: &'a M,
    now_ms: i64,
) -> Result<QueuedMail, sqlx::Error>
where
    C: QueuesMail + ?Sized,
    NewRow<'a>: From<&'a M>,
{
    connection.queue_mail(NewRow::from(mail), now_ms).await
}

impl Store {
    /// Queues one message on its own, for a mail that no other change goes with.
    pub async fn enqueue_mail(&self, mail: &Mail, now_ms: i64) -> Result<QueuedMail, StoreError> {
        self.enqueue(mail, now_ms).await
    }

    /// Queues one draft on its own (an offer sent again).
    pub async fn enqueue_draft(
        &self,
        mail: &DraftMail,
        now_ms: i64,
    ) -> Result<QueuedMail, StoreError> {
        self.enqueue(mail, now_ms).await
    }

    async fn enqueue<'a, M>(&self, mail: &'a M, now_ms: i64) -> Result<QueuedMail, StoreError>
    where
        NewRow<'a>: From<&'a M>,
    {
        let queued = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let queued = queue_in(&mut *tx, mail, now_ms).await?;
            tx.commit().await?;
            queued
        });
        self.wake_mail_worker();
        Ok(queued)
    }

    /// Takes up to `limit` unsent messages that are due at `now_ms`: the oldest due of each
    /// kind first, kinds in turn, so a flood of one kind (thousands of sign-up verifications)
    /// waits behind itself and not in front of an invitation or a login link. Each taken message
    /// has one more attempt counted and is not due again until `lease_until_ms`, by which time
    /// the worker has marked it sent or failed, or has died and it is retried.
    pub async fn claim_due_mail(
        &self,
        now_ms: i64,
        lease_until_ms: i64,
        limit: u32,
    ) -> Result<Vec<OutboxMail>, StoreError> {
        // PostgreSQL cannot lock rows in a query that ranks them, so the ranked ids are locked
        // by a query of their own; the outer re-check of `next_attempt_at` keeps a row that
        // another worker claimed meanwhile from being claimed twice.
        let lock = match &self.pool {
            Pool::Sqlite(_) => "",
            Pool::Postgres(_) => " FOR UPDATE SKIP LOCKED",
        };
        let statement = format!(
            "UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = $1 \
             WHERE next_attempt_at <= $2 AND id IN (SELECT id FROM mail_outbox WHERE id IN ( \
                 SELECT id FROM (SELECT id, next_attempt_at, created_at, ROW_NUMBER() OVER ( \
                     PARTITION BY kind ORDER BY next_attempt_at, created_at, id) AS turn \
                   FROM mail_outbox \
                   WHERE sent_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= $2) AS due \
                 ORDER BY turn, next_attempt_at, created_at LIMIT $3){lock}) \
             RETURNING {COLUMNS}"
        );
        let mut claimed: Vec<OutboxMail> = on_pool!(self, pool => {
            sqlx::query_as(&statement)
                .bind(lease_until_ms)
                .bind(now_ms)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?
        });
        // RETURNING promises no order.
        claimed.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(claimed)
    }

    /// Records a message delivered. Its bodies are blanked: they carry the links' tokens
    /// (invitations, sign-up, the Portal's login), which must not outlive the delivery in a
    /// database copy; recipient, subject and dates stay as the record of what was sent.
    pub async fn mark_mail_sent(&self, id: &str, now_ms: i64) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE mail_outbox SET sent_at = $2, last_error = NULL, body_text = '', body_html = '' \
                 WHERE id = $1",
            )
                .bind(id)
                .bind(now_ms)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Gives back a claimed message that was never attempted (the worker was stopping): due
    /// again at `now_ms`, and the claim's attempt not counted.
    pub async fn release_mail(&self, id: &str, now_ms: i64) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE mail_outbox SET next_attempt_at = $2, attempts = attempts - 1 \
                 WHERE id = $1 AND sent_at IS NULL AND attempts > 0",
            )
            .bind(id)
            .bind(now_ms)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Records a failed attempt and when to try again. `error` is stored as given: the caller
    /// passes a description without credentials or message content.
    pub async fn mark_mail_failed(
        &self,
        id: &str,
        error: &str,
        retry_at_ms: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE mail_outbox SET next_attempt_at = $2, last_error = $3 \
                 WHERE id = $1 AND sent_at IS NULL",
            )
            .bind(id)
            .bind(retry_at_ms)
            .bind(error)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Records that the worker stops trying a message: the server refused it for good, or it
    /// failed too often. `error` is stored as in [`Store::mark_mail_failed`].
    pub async fn give_up_mail(&self, id: &str, error: &str, now_ms: i64) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE mail_outbox SET given_up_at = $2, last_error = $3 \
                 WHERE id = $1 AND sent_at IS NULL",
            )
            .bind(id)
            .bind(now_ms)
            .bind(error)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// How many messages went out for `organization` (queued, whatever became of them) since
    /// `since_ms`, and when the oldest of them was queued: what a cloud holds against the
    /// organization's daily allowance, and when that allowance frees a message.
    pub async fn organization_mail_since(
        &self,
        organization: OrganizationId,
        since_ms: i64,
    ) -> Result<(u64, Option<i64>), StoreError> {
        let (count, oldest): (i64, Option<i64>) = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT COUNT(*), MIN(created_at) FROM mail_outbox \
                 WHERE organization_id = $1 AND created_at >= $2",
            )
            .bind(organization.to_string())
            .bind(since_ms)
            .fetch_one(pool)
            .await?
        });
        Ok((u64::try_from(count).unwrap_or(0), oldest))
    }

    /// Every message, sent or not, oldest first: for tests and diagnostics.
    pub async fn list_mail(&self) -> Result<Vec<OutboxMail>, StoreError> {
        let statement = format!("SELECT {COLUMNS} FROM mail_outbox ORDER BY created_at, id");
        let rows = on_pool!(self, pool => {
            sqlx::query_as(&statement).fetch_all(pool).await?
        });
        Ok(rows)
    }

    /// The earliest time an unsent message becomes due, if any: how long the worker may sleep.
    pub async fn next_mail_due(&self) -> Result<Option<i64>, StoreError> {
        let due: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM mail_outbox \
                 WHERE sent_at IS NULL AND given_up_at IS NULL")
                .fetch_one(pool)
                .await?
        });
        Ok(due)
    }

    /// Tells the delivery worker of this process to look at the outbox now. Called after every
    /// commit that queued mail; a worker in another process finds it at its next poll.
    pub fn wake_mail_worker(&self) {
        self.mail_signal.notify_one();
    }

    /// Resolves at the next [`Store::wake_mail_worker`], or at once if one came since the last
    /// wait (the wake-up is kept, so none is lost between two waits).
    pub async fn mail_worker_woken(&self) {
        self.mail_signal.notified().await;
    }
}

#[cfg(test)]
mod tests;
