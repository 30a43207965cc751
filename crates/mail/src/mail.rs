//! One rendered e-mail, ready to be queued.

use crate::Lang;

/// A message as the outbox stores it: who it is for, and its subject and bodies in one language.
/// Only the catalogue's message types make these, so every body is escaped and every link
/// absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub kind: MailKind,
    /// The organization the message goes out for (an invitation, an offer): what a cloud counts
    /// against the organization's daily allowance of mail.
    pub organization: Option<uuid::Uuid>,
    /// The recipient's address.
    pub to: String,
    pub subject: String,
    pub text: String,
    /// A whole HTML document, every inserted value escaped.
    pub html: String,
    pub lang: Lang,
    /// The vault URL's host: the right-hand side of the Message-ID this mail gets when queued.
    pub origin_host: String,
}

/// What a message is, as the outbox records it: the delivery worker takes due messages of every
/// kind in turn, so a flood of one kind (sign-up verifications, say) cannot hold back another
/// (invitations, the Portal's login links).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailKind {
    VerifyEmail,
    VerificationCode,
    LicenseExpired,
    LicenseExpiring,
    AdminLogin,
    OrganizationInvite,
    SponsorshipOffer,
    SponsorshipReverting,
}

impl MailKind {
    /// The name the outbox stores.
    pub fn name(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify-email",
            Self::VerificationCode => "verification-code",
            Self::LicenseExpired => "license-expired",
            Self::LicenseExpiring => "license-expiring",
            Self::AdminLogin => "admin-login",
            Self::OrganizationInvite => "organization-invite",
            Self::SponsorshipOffer => "sponsorship-offer",
            Self::SponsorshipReverting => "sponsorship-reverting",
        }
    }
}

impl Mail {
    /// The same message, counted as sent for `organization`.
    pub fn sent_for(mut self, organization: uuid::Uuid) -> Self {
        self.organization = Some(organization);
        self
    }

    /// The Message-ID (RFC 5322 §3.6.4) of this mail queued as the outbox row `row_id`: globally
    /// unique as the row's key is, and naming this server. The outbox makes it once, when the
    /// mail is queued, and sends it unchanged on every attempt, so a receiver can tell a retry
    /// from a new message.
    pub fn message_id(&self, row_id: &uuid::Uuid) -> String {
        message_id(row_id, &self.origin_host)
    }

    /// The part after the last `@` of the recipient, for logs that must not name the person.
    pub fn recipient_domain(&self) -> &str {
        recipient_domain(&self.to)
    }
}

/// The Message-ID of outbox row `row_id`, whose right-hand side is `host` (`localhost` when
/// there is none).
pub(crate) fn message_id(row_id: &uuid::Uuid, host: &str) -> String {
    let host = if host.is_empty() { "localhost" } else { host };
    format!("<{}@{host}>", row_id.simple())
}

/// The domain of an address (`example.com` for `ann@example.com`), or `?` for a malformed one.
pub fn recipient_domain(address: &str) -> &str {
    address
        .rsplit_once('@')
        .map(|(_, domain)| domain)
        .filter(|domain| !domain.is_empty())
        .unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(to: &str, host: &str) -> Mail {
        Mail {
            kind: MailKind::VerifyEmail,
            organization: None,
            to: to.into(),
            subject: "s".into(),
            text: "t".into(),
            html: "<p>t</p>".into(),
            lang: Lang::En,
            origin_host: host.into(),
        }
    }

    #[test]
    fn message_ids_are_unique_and_name_the_host() {
        let m = mail("ann@example.com", "vault.example.com");
        let a = m.message_id(&uuid::Uuid::new_v4());
        let b = m.message_id(&uuid::Uuid::new_v4());
        assert_ne!(a, b);
        assert!(
            a.starts_with('<') && a.ends_with("@vault.example.com>"),
            "{a}"
        );
        let id = uuid::Uuid::new_v4();
        assert_eq!(
            mail("x@y", "").message_id(&id),
            format!("<{}@localhost>", id.simple())
        );
    }

    #[test]
    fn domain_only_for_logs() {
        assert_eq!(
            mail("ann@example.com", "h").recipient_domain(),
            "example.com"
        );
        assert_eq!(recipient_domain("no-at-sign"), "?");
        assert_eq!(recipient_domain("trailing@"), "?");
    }
}
