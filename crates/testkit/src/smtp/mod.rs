//! An SMTP sink (SPEC §8): a small SMTP server on loopback that accepts every message and lets a
//! test wait for and read them. Plain SMTP only (no TLS, no AUTH), which is what a Kinwarden
//! configured with `globalSettings__mail__smtp__host=127.0.0.1` and neither `ssl` nor `startTls`
//! speaks. It can also play a server that is down, to test retries.

mod message;
mod session;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use message::ReceivedMail;

/// What the sessions share with the test.
struct Shared {
    messages: Mutex<Vec<ReceivedMail>>,
    /// The number of messages received, for waiting on.
    count: watch::Sender<usize>,
    available: AtomicBool,
    refused: AtomicUsize,
    /// Recipients answered with a permanent refusal (550), as a server answers an unknown user.
    unknown_recipients: Mutex<Vec<String>>,
}

impl Shared {
    fn knows_recipient(&self, address: &str) -> bool {
        !self
            .unknown_recipients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .any(|unknown| unknown.eq_ignore_ascii_case(address))
    }

    fn receive(&self, mail: ReceivedMail) {
        let count = {
            let mut messages = self
                .messages
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            messages.push(mail);
            messages.len()
        };
        self.count.send_replace(count);
    }
}

pub struct SmtpSink {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
    /// How many messages `next_message` has handed out.
    taken: std::sync::atomic::AtomicUsize,
}

impl SmtpSink {
    /// Listens on a free loopback port, accepting mail.
    pub async fn start() -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the SMTP sink")?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            messages: Mutex::new(Vec::new()),
            count: watch::channel(0).0,
            available: AtomicBool::new(true),
            refused: AtomicUsize::new(0),
            unknown_recipients: Mutex::new(Vec::new()),
        });
        let accepting = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session::serve(stream, accepting.clone()));
            }
        });
        Ok(Self {
            addr,
            shared,
            task,
            taken: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    pub fn host(&self) -> String {
        self.addr.ip().to_string()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// From now on, refuses mail to `address` for good (`550 5.1.1`), as for an unknown user.
    pub fn refuse_recipient(&self, address: &str) {
        self.shared
            .unknown_recipients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(address.to_string());
    }

    /// `false` makes the sink answer every new connection with `421` and hang up, as a server
    /// that is down does; `true` accepts mail again.
    pub fn set_available(&self, available: bool) {
        self.shared.available.store(available, Ordering::SeqCst);
    }

    /// Connections turned away while unavailable.
    pub fn refused(&self) -> usize {
        self.shared.refused.load(Ordering::SeqCst)
    }

    /// Every message received so far, in order of arrival.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.shared
            .messages
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Waits until at least `count` messages have arrived, then answers all of them.
    pub async fn wait_for(
        &self,
        count: usize,
        timeout: Duration,
    ) -> anyhow::Result<Vec<ReceivedMail>> {
        let mut arrived = self.shared.count.subscribe();
        tokio::time::timeout(timeout, arrived.wait_for(|n| *n >= count))
            .await
            .with_context(|| {
                format!(
                    "waited {timeout:?} for {count} message(s), the SMTP sink has {}",
                    self.messages().len()
                )
            })?
            .context("the SMTP sink stopped")?;
        Ok(self.messages())
    }

    /// The next message this sink has not handed out yet, in order of arrival, waiting for it if
    /// it has not arrived: a message that came before the call is not missed.
    pub async fn next_message(&self, timeout: Duration) -> anyhow::Result<ReceivedMail> {
        use std::sync::atomic::Ordering;
        let index = self.taken.fetch_add(1, Ordering::SeqCst);
        let all = self.wait_for(index + 1, timeout).await?;
        all.get(index).cloned().context("no message")
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}
