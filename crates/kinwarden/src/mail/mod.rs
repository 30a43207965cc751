//! Delivering queued mail (SPEC §9 "mail"): a [`Mailer`] sends one outbox message, by SMTP when
//! `globalSettings__mail__smtp__host` is set and otherwise as an `.eml` file in `bwdata/mail/`;
//! the [`worker`] takes due messages from the outbox and records each outcome.

mod drafts;
mod eml;
mod format;
mod smtp;
pub mod worker;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use kinwarden_config::{Config, keys};
use kinwarden_core::clock::Clock;
use kinwarden_store::{OutboxMail, Store};
use lettre::message::Mailbox;
use url::Url;

pub use drafts::DraftWriter;
pub use eml::EmlDirMailer;
pub use smtp::SmtpMailer;
pub use worker::{MailWorker, WorkerSettings};

/// Sends one queued message. Called again with the same message after a failure, so an
/// implementation sends the stored Message-ID and content unchanged.
pub trait Mailer: Send + Sync + 'static {
    fn deliver(&self, mail: &OutboxMail) -> impl Future<Output = Result<(), DeliveryError>> + Send;

    /// Where mail goes, for the start-up log line: never a credential.
    fn describe(&self) -> String;
}

impl DeliveryError {
    /// Whether no later attempt can succeed: the address is no address, or the server said no
    /// with a permanent reply.
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::BadRecipient(_) | Self::SmtpRefused(_))
    }
}

/// Why one attempt failed. The text names the cause (refused connection, the server's reply
/// code, a disk error) and never carries credentials or message content.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("the recipient {0:?} is not an e-mail address")]
    BadRecipient(String),
    #[error("cannot compose the message: {0}")]
    Compose(String),
    #[error("SMTP: {0}")]
    Smtp(String),
    /// The SMTP server refused the message for good (a 5xx reply): trying again cannot help.
    #[error("SMTP, refused for good: {0}")]
    SmtpRefused(String),
    #[error("no answer within {0:?}")]
    Timeout(std::time::Duration),
    #[error("cannot write {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A mail configuration that cannot work, found at start-up; names the key.
#[derive(Debug, thiserror::Error)]
pub enum MailSetupError {
    #[error("{key}: {problem}")]
    Invalid { key: &'static str, problem: String },
}

/// The sender of every message: `globalSettings__mail__replyToEmail`, or `no-reply@` the vault
/// URL's host. A bare address gets the display name "Kinwarden".
pub fn sender(config: &Config, vault: &Url) -> Result<Mailbox, MailSetupError> {
    let invalid = |problem: String| MailSetupError::Invalid {
        key: keys::MAIL_REPLY_TO,
        problem,
    };
    let text = match &config.mail.reply_to {
        Some(address) => address.clone(),
        None => format!("no-reply@{}", vault.host_str().unwrap_or("localhost")),
    };
    let mut mailbox: Mailbox = text
        .parse()
        .map_err(|err| invalid(format!("{text:?} is not an e-mail address ({err})")))?;
    if mailbox.name.is_none() {
        mailbox.name = Some("Kinwarden".to_string());
    }
    Ok(mailbox)
}

/// Starts the worker with the mailer the configuration asks for.
pub fn start_worker(
    config: &Config,
    mail_dir: PathBuf,
    vault: &Url,
    store: Store,
    clock: Arc<dyn Clock>,
    drafts: DraftWriter,
    settings: WorkerSettings,
) -> Result<MailWorker, MailSetupError> {
    let from = sender(config, vault)?;
    Ok(match &config.mail.smtp {
        Some(smtp) => {
            let mailer = SmtpMailer::new(smtp, from).map_err(|err| MailSetupError::Invalid {
                key: keys::SMTP_HOST,
                problem: err.to_string(),
            })?;
            MailWorker::spawn(store, clock, mailer, drafts, settings)
        }
        None => MailWorker::spawn(
            store,
            clock,
            EmlDirMailer::new(mail_dir, from),
            drafts,
            settings,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Config {
        let dir = std::path::Path::new("/nonexistent-bwdata");
        let env = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()));
        Config::load(dir, env).expect("config")
    }

    #[test]
    fn sender_defaults_to_no_reply_at_the_vault_host() {
        let vault = Url::parse("https://vault.example.com:8443/").expect("url");
        let from = sender(&config(&[]), &vault).expect("sender");
        assert_eq!(from.to_string(), "Kinwarden <no-reply@vault.example.com>");
        let from = sender(
            &config(&[]),
            &Url::parse("https://127.0.0.1:1").expect("url"),
        )
        .expect("an IP host still makes an address");
        assert_eq!(from.email.to_string(), "no-reply@127.0.0.1");
    }

    #[test]
    fn configured_sender_is_used_or_named_when_broken() {
        let vault = Url::parse("https://v.example").expect("url");
        let from = sender(
            &config(&[(keys::MAIL_REPLY_TO, "Acme IT <it@acme.example>")]),
            &vault,
        )
        .expect("sender");
        assert_eq!(from.to_string(), "Acme IT <it@acme.example>");
        let err = sender(&config(&[(keys::MAIL_REPLY_TO, "not an address")]), &vault)
            .expect_err("invalid");
        assert!(err.to_string().starts_with(keys::MAIL_REPLY_TO), "{err}");
    }
}
