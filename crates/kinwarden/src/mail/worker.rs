//! The delivery worker: takes due messages from the outbox, hands each to the [`Mailer`], and
//! records the outcome. It wakes when this process queues mail and every few seconds otherwise
//! (for mail queued by another process, and for retries coming due). A failed attempt is retried
//! with exponential backoff up to a cap, for about a day (`max_attempts`); a message the server
//! refuses for good, or that failed that often, is given up and the reason kept with it, so an
//! undeliverable address does not stay queued for ever. Logs name the message id, the recipient's domain and the outcome, never a body,
//! a token or a whole address.

use std::sync::Arc;
use std::time::Duration;

use kinwarden_core::clock::Clock;
use kinwarden_mail::recipient_domain;
use kinwarden_store::{OutboxMail, Store, StoreError};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{DeliveryError, DraftWriter, Mailer};

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Longest sleep between two looks at the outbox.
    pub poll: Duration,
    /// Messages taken per claim.
    pub batch: u32,
    /// Longest one delivery may take before it counts as failed.
    pub send_timeout: Duration,
    /// How long a claimed message is left to this worker before another may retry it: longer
    /// than a whole batch can take (`batch` × `send_timeout`), and also how late a message cut
    /// off by a crash goes out.
    pub lease: Duration,
    /// Wait after the first failure; doubled after each further one, up to `max_retry`.
    pub first_retry: Duration,
    pub max_retry: Duration,
    /// Attempts after which a failing message is given up.
    pub max_attempts: i32,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            poll: Duration::from_secs(5),
            batch: 5,
            send_timeout: Duration::from_secs(2 * 60),
            lease: Duration::from_secs(15 * 60),
            first_retry: Duration::from_secs(30),
            max_retry: Duration::from_secs(60 * 60),
            // With the waits above, about 24 hours of trying: an SMTP server down for a night
            // loses nothing.
            max_attempts: 30,
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
        drafts: DraftWriter,
        settings: WorkerSettings,
    ) -> Self {
        tracing::info!(to = %mailer.describe(), "mail delivery started");
        let (stop, stopped) = watch::channel(false);
        let worker = Worker {
            store,
            clock,
            mailer,
            drafts,
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
    drafts: DraftWriter,
    settings: WorkerSettings,
}

impl<M: Mailer> Worker<M> {
    async fn run(self, mut stopped: watch::Receiver<bool>) {
        loop {
            if *stopped.borrow() {
                return;
            }
            let pause = match self.work(&stopped).await {
                Ok(None) => continue,
                Ok(Some(pause)) => pause,
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

    /// Delivers what is due. Answers how long to sleep, or `None` to look again at once (more
    /// may be due, or have been queued meanwhile).
    async fn work(&self, stopped: &watch::Receiver<bool>) -> Result<Option<Duration>, StoreError> {
        let poll = self.settings.poll;
        // Asked with a read first, so an idle server's polls never take the write lock.
        let Some(due) = self.store.next_mail_due().await? else {
            return Ok(Some(poll));
        };
        let wait = due.saturating_sub(self.clock.now_millis());
        if wait > 0 {
            return Ok(Some(Duration::from_millis(wait.unsigned_abs()).min(poll)));
        }
        let claimed = self.deliver_due(stopped).await?;
        // Due, yet nothing claimed: another worker took it since, and its lease will show.
        Ok(if claimed > 0 { None } else { Some(poll) })
    }

    /// One claim's worth of messages, each delivered and its outcome recorded. Answers how many
    /// were claimed.
    async fn deliver_due(&self, stopped: &watch::Receiver<bool>) -> Result<usize, StoreError> {
        let now = self.clock.now_millis();
        let lease = millis(self.settings.lease);
        let claimed = self
            .store
            .claim_due_mail(now, now.saturating_add(lease), self.settings.batch)
            .await?;
        for (done, mail) in claimed.iter().enumerate() {
            if *stopped.borrow() {
                // Stopping: what was not attempted is given back, due at once at the next start.
                for untouched in &claimed[done..] {
                    self.store
                        .release_mail(&untouched.id, self.clock.now_millis())
                        .await?;
                }
                break;
            }
            self.deliver(mail).await?;
        }
        Ok(claimed.len())
    }

    async fn deliver(&self, mail: &OutboxMail) -> Result<(), StoreError> {
        let domain = recipient_domain(&mail.recipient);
        let send = async {
            let written = self.drafts.write(mail).await?;
            self.mailer.deliver(&written).await
        };
        let outcome = tokio::time::timeout(self.settings.send_timeout, send)
            .await
            .unwrap_or(Err(DeliveryError::Timeout(self.settings.send_timeout)));
        match outcome {
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
            Err(err) if err.is_permanent() || mail.attempts >= self.settings.max_attempts => {
                let error = redact(&err.to_string(), &mail.recipient);
                self.store
                    .give_up_mail(&mail.id, &error, self.clock.now_millis())
                    .await?;
                tracing::warn!(
                    message_id = %mail.message_id,
                    to_domain = domain,
                    attempt = mail.attempts,
                    error = %error,
                    "mail given up"
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
    fn a_whole_batch_fits_in_the_lease() {
        let settings = WorkerSettings::default();
        assert!(settings.send_timeout * settings.batch < settings.lease);
    }

    #[test]
    fn attempts_last_about_a_day() {
        let settings = WorkerSettings::default();
        let total: Duration = (1..settings.max_attempts)
            .map(|n| settings.backoff(n))
            .sum();
        assert!(
            (20 * 3600..30 * 3600).contains(&total.as_secs()),
            "{total:?}"
        );
    }

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
