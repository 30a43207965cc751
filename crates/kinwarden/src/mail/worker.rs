//! The delivery worker: takes due messages from the outbox, hands each to the [`Mailer`], and
//! records the outcome. It wakes when this process queues mail and every few seconds otherwise
//! (for mail queued by another process, and for retries coming due). A failed attempt is retried
//! with exponential backoff up to a cap, indefinitely: at least once means never dropping a
//! message. Logs name the message id, the recipient's domain and the outcome, never a body,
//! a token or a whole address.

use std::sync::Arc;
use std::time::Duration;

use kinwarden_core::clock::Clock;
use kinwarden_mail::recipient_domain;
use kinwarden_store::{OutboxMail, Store, StoreError};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::Mailer;

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Longest sleep between two looks at the outbox.
    pub poll: Duration,
    /// Messages taken per claim.
    pub batch: u32,
    /// How long a claimed message is left to this worker before another may retry it: longer
    /// than a whole batch can take at the SMTP reply timeout.
    pub lease: Duration,
    /// Wait after the first failure; doubled after each further one, up to `max_retry`.
    pub first_retry: Duration,
    pub max_retry: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            poll: Duration::from_secs(5),
            batch: 10,
            lease: Duration::from_secs(15 * 60),
            first_retry: Duration::from_secs(30),
            max_retry: Duration::from_secs(60 * 60),
        }
    }
}

impl WorkerSettings {
    /// The wait before the next attempt after `attempts` failed ones.
    pub fn backoff(&self, attempts: i32) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(30);
        self.first_retry
            .saturating_mul(1u32 << doublings)
            .min(self.max_retry)
    }
}

/// A running worker; [`MailWorker::stop`] ends it.
pub struct MailWorker {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl MailWorker {
    pub fn spawn<M: Mailer>(
        store: Store,
        clock: Arc<dyn Clock>,
        mailer: M,
        settings: WorkerSettings,
    ) -> Self {
        tracing::info!(to = %mailer.describe(), "mail delivery started");
        let (stop, stopped) = watch::channel(false);
        let worker = Worker {
            store,
            clock,
            mailer,
            settings,
        };
        let task = tokio::spawn(worker.run(stopped));
        Self { stop, task }
    }

    /// Lets the message being sent finish, up to `grace`, then ends the worker. A message cut
    /// off stays queued and is sent again once its lease has run out.
    pub async fn stop(self, grace: Duration) {
        let _ = self.stop.send(true);
        let mut task = self.task;
        if tokio::time::timeout(grace, &mut task).await.is_err() {
            task.abort();
            tracing::warn!("mail delivery stopped mid-send; the message will be retried");
        }
    }
}

struct Worker<M> {
    store: Store,
    clock: Arc<dyn Clock>,
    mailer: M,
    settings: WorkerSettings,
}

impl<M: Mailer> Worker<M> {
    async fn run(self, mut stopped: watch::Receiver<bool>) {
        loop {
            if *stopped.borrow() {
                return;
            }
            let pause = match self.deliver_due(&stopped).await {
                Ok(Batch::Full) => continue,
                Ok(Batch::Drained) => self.pause().await,
                Err(err) => {
                    tracing::warn!(error = %err, "mail outbox unavailable; will try again");
                    self.settings.poll
                }
            };
            tokio::select! {
                _ = stopped.changed() => return,
                _ = self.store.mail_worker_woken() => {}
                _ = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// One claim's worth of messages, each delivered and its outcome recorded.
    async fn deliver_due(&self, stopped: &watch::Receiver<bool>) -> Result<Batch, StoreError> {
        let now = self.clock.now_millis();
        let lease = millis(self.settings.lease);
        let claimed = self
            .store
            .claim_due_mail(now, now.saturating_add(lease), self.settings.batch)
            .await?;
        let full = claimed.len() >= self.settings.batch as usize;
        for mail in &claimed {
            // Stopping mid-batch leaves the rest leased; they go out after the lease.
            if *stopped.borrow() {
                return Ok(Batch::Drained);
            }
            self.deliver(mail).await?;
        }
        Ok(if full { Batch::Full } else { Batch::Drained })
    }

    async fn deliver(&self, mail: &OutboxMail) -> Result<(), StoreError> {
        let domain = recipient_domain(&mail.recipient);
        match self.mailer.deliver(mail).await {
            Ok(()) => {
                self.store
                    .mark_mail_sent(&mail.id, self.clock.now_millis())
                    .await?;
                tracing::info!(
                    message_id = %mail.message_id,
                    to_domain = domain,
                    attempt = mail.attempts,
                    "mail delivered"
                );
            }
            Err(err) => {
                let wait = self.settings.backoff(mail.attempts);
                let retry_at = self.clock.now_millis().saturating_add(millis(wait));
                let error = redact(&err.to_string(), &mail.recipient);
                self.store
                    .mark_mail_failed(&mail.id, &error, retry_at)
                    .await?;
                tracing::warn!(
                    message_id = %mail.message_id,
                    to_domain = domain,
                    attempt = mail.attempts,
                    retry_in_s = wait.as_secs(),
                    error = %error,
                    "mail not delivered; will retry"
                );
            }
        }
        Ok(())
    }

    /// How long to sleep once nothing is due: until the next retry comes due, at most `poll`.
    async fn pause(&self) -> Duration {
        let poll = self.settings.poll;
        match self.store.next_mail_due().await {
            Ok(Some(due)) => {
                let ms = due.saturating_sub(self.clock.now_millis()).max(0);
                Duration::from_millis(u64::try_from(ms).unwrap_or(0)).min(poll)
            }
            Ok(None) | Err(_) => poll,
        }
    }
}

enum Batch {
    /// The claim was full: look again at once.
    Full,
    Drained,
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// The error as stored and logged: at most 500 characters, and the recipient's address (which an
/// SMTP reply may quote) reduced to its domain.
fn redact(error: &str, recipient: &str) -> String {
    let text = if recipient.is_empty() {
        error.to_string()
    } else {
        error.replace(recipient, &format!("…@{}", recipient_domain(recipient)))
    };
    text.chars().take(500).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let settings = WorkerSettings::default();
        let waits: Vec<u64> = [1, 2, 3, 4, 7, 8, 100, 0, -3]
            .into_iter()
            .map(|n| settings.backoff(n).as_secs())
            .collect();
        assert_eq!(waits, [30, 60, 120, 240, 1920, 3600, 3600, 30, 30]);
    }

    #[test]
    fn errors_lose_the_address_and_their_tail() {
        let text = redact(
            "permanent error (550): <ann@example.com> unknown",
            "ann@example.com",
        );
        assert_eq!(text, "permanent error (550): <…@example.com> unknown");
        assert_eq!(redact(&"x".repeat(2000), "a@b").chars().count(), 500);
    }
}
