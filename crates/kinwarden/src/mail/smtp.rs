//! Delivery through the configured SMTP server (SPEC §4 `globalSettings__mail__smtp__*`). As in
//! Bitwarden, `ssl` is TLS from the first byte (usually port 465) and `startTls` requires
//! STARTTLS; with neither, the connection is upgraded when the server offers STARTTLS and stays
//! plain otherwise.

use std::time::Duration;

use kinwarden_config::SmtpSettings;
use kinwarden_store::OutboxMail;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::format::{self, Bodies};
use super::{DeliveryError, Mailer};

/// Longest wait for any one SMTP reply; a hung server fails the attempt, which is retried.
const REPLY_TIMEOUT: Duration = Duration::from_secs(30);

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    endpoint: String,
}

impl SmtpMailer {
    pub fn new(settings: &SmtpSettings, from: Mailbox) -> Result<Self, DeliveryError> {
        let host = settings.host.as_str();
        let tls = |host: &str| {
            TlsParameters::new(host.to_string()).map_err(|err| DeliveryError::Smtp(err.to_string()))
        };
        let security = if settings.ssl {
            Tls::Wrapper(tls(host)?)
        } else if settings.start_tls {
            Tls::Required(tls(host)?)
        } else {
            Tls::Opportunistic(tls(host)?)
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(settings.port)
            .tls(security)
            .timeout(Some(REPLY_TIMEOUT));
        if let Some(username) = &settings.username {
            let password = settings
                .password
                .as_ref()
                .map(|secret| secret.expose().to_string())
                .unwrap_or_default();
            builder = builder.credentials(Credentials::new(username.clone(), password));
        }
        Ok(Self {
            transport: builder.build(),
            from,
            endpoint: format!("{host}:{}", settings.port),
        })
    }
}

impl Mailer for SmtpMailer {
    async fn deliver(&self, mail: &OutboxMail) -> Result<(), DeliveryError> {
        let message = format::message(mail, &self.from, Bodies::SevenBitSafe)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            // lettre's text is the kind of failure, the reply code and the server's words or the
            // socket error: no credentials, no content.
            .map_err(|err| {
                let text = format!("{}: {err}", self.endpoint);
                if err.is_permanent() {
                    DeliveryError::SmtpRefused(text)
                } else {
                    DeliveryError::Smtp(text)
                }
            })
    }

    fn describe(&self) -> String {
        format!("SMTP server {}", self.endpoint)
    }
}
