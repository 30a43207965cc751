//! A message queued as the facts it is written from, and written when it is delivered.
//!
//! A first sync queues one offer e-mail per new sponsorship in the batch's transaction (SPEC §9
//! "mail"). Rendered, each is about 2.5 KB of text and HTML, ten times the sponsorship row that
//! causes it, which made the outbox the largest cost of a sync (SPEC §10). A draft is the few
//! facts the offer is written from; the delivery worker signs its token, looks up the
//! recipient's language and renders it. The link then also reflects an account made after the
//! offer was queued.

use serde::{Deserialize, Serialize};

/// What a drafted message says, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Draft {
    /// "Accept your Sponsored Families Plan" (reference §4.3) for one sponsorship.
    #[serde(rename_all = "camelCase")]
    SponsorshipOffer {
        sponsorship_id: String,
        /// The sponsoring organization's name as it was when the offer was made.
        organization_name: String,
        /// The offered address (also the recipient).
        email: String,
        sponsorship_type: i32,
    },
}

/// A draft ready to be queued: its recipient and the host its Message-ID names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftMail {
    pub to: String,
    /// The organization the message goes out for, as in [`crate::Mail::organization`].
    pub organization: Option<uuid::Uuid>,
    pub draft: Draft,
    /// The vault URL's host, as in [`crate::Mail::origin_host`].
    pub origin_host: String,
}

impl Draft {
    /// The draft as the outbox stores it.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stored draft; an error names what is wrong with it, never its content.
    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text)
            .map_err(|err| format!("unreadable draft ({:?} error)", err.classify()))
    }
}

impl DraftMail {
    /// What the drafted message is.
    pub fn kind(&self) -> crate::MailKind {
        match self.draft {
            Draft::SponsorshipOffer { .. } => crate::MailKind::SponsorshipOffer,
        }
    }

    /// An offer e-mail for one sponsorship, to its offered address, sent for the sponsoring
    /// organization.
    pub fn sponsorship_offer(
        sponsoring_organization: Option<uuid::Uuid>,
        sponsorship_id: &str,
        organization_name: &str,
        email: &str,
        sponsorship_type: i32,
        origin_host: &str,
    ) -> Self {
        Self {
            to: email.to_string(),
            organization: sponsoring_organization,
            draft: Draft::SponsorshipOffer {
                sponsorship_id: sponsorship_id.to_string(),
                organization_name: organization_name.to_string(),
                email: email.to_string(),
                sponsorship_type,
            },
            origin_host: origin_host.to_string(),
        }
    }

    /// The Message-ID of this draft queued as the outbox row `row_id` (see
    /// [`crate::Mail::message_id`]).
    pub fn message_id(&self, row_id: &uuid::Uuid) -> String {
        crate::mail::message_id(row_id, &self.origin_host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offer_draft_is_small_and_reads_back() {
        let mail = DraftMail::sponsorship_offer(
            Some(uuid::Uuid::from_u128(7)),
            "0b7a9e5e-1c1f-4c1e-9a53-54b2f6f1f0aa",
            "Acme & Co",
            "friend@family.test",
            0,
            "vault.example",
        );
        let stored = mail.draft.to_json();
        assert!(stored.len() < 200, "{} bytes: {stored}", stored.len());
        assert!(stored.contains(r#""kind":"sponsorshipOffer""#), "{stored}");
        assert_eq!(Draft::from_json(&stored), Ok(mail.draft.clone()));
        assert_eq!(mail.to, "friend@family.test");
        assert!(
            mail.message_id(&uuid::Uuid::new_v4())
                .ends_with("@vault.example>")
        );
    }

    #[test]
    fn a_broken_draft_is_named_without_its_content() {
        let err = Draft::from_json(r#"{"kind":"unknown","secret":"x"}"#).expect_err("unknown");
        assert!(!err.contains("secret"), "{err}");
        assert!(Draft::from_json("{").is_err());
    }
}
