//! Writes a message queued as a draft ([`kinwarden_mail::Draft`]) when it is delivered: the
//! offer's token is signed then, dated when the offer was queued, and the recipient's language
//! is the one their account has then (an account made since the offer makes the link lead to
//! log-in instead of sign-up).

use std::sync::Arc;

use kinwarden_core::email;
use kinwarden_core::tokens::{SponsorshipOfferClaims, TokenKeys, audience};
use kinwarden_mail::{Draft, Lang, SponsorshipOffer};
use kinwarden_store::{OutboxMail, Store};
use url::Url;

use super::DeliveryError;

/// What the worker needs to write a draft.
#[derive(Clone)]
pub struct DraftWriter {
    store: Store,
    tokens: Arc<TokenKeys>,
    vault: Url,
}

impl DraftWriter {
    pub fn new(store: Store, tokens: Arc<TokenKeys>, vault: Url) -> Self {
        Self {
            store,
            tokens,
            vault,
        }
    }

    /// The message as it goes out: a rendered one as stored, a draft written now. A draft that
    /// cannot be written fails the attempt like a refused delivery (and is retried).
    pub async fn write(&self, mail: &OutboxMail) -> Result<OutboxMail, DeliveryError> {
        let Some(stored) = mail.draft.as_deref() else {
            return Ok(mail.clone());
        };
        let draft = Draft::from_json(stored).map_err(DeliveryError::Compose)?;
        let rendered = match &draft {
            Draft::SponsorshipOffer {
                sponsorship_id,
                organization_name,
                email: address,
                sponsorship_type,
            } => {
                let culture = self.culture_of(address).await?;
                let claims = SponsorshipOfferClaims {
                    iss: self.tokens.issuer().to_string(),
                    aud: audience::SPONSORSHIP_OFFER.to_string(),
                    nbf: mail.created_at.div_euclid(1000),
                    sid: sponsorship_id.clone(),
                    email: address.clone(),
                    sponsorship_type: *sponsorship_type,
                };
                // Only this cloud checks the link's token: the cheap signature (SPEC §10).
                let token = self
                    .tokens
                    .sign_local(&claims)
                    .map_err(|err| DeliveryError::Compose(format!("offer token: {err}")))?;
                SponsorshipOffer {
                    organization_name,
                    email: address,
                    token: &token,
                    existing_account: culture.is_some(),
                }
                .render(&self.vault, Lang::pick(culture.as_deref(), None))
            }
        };
        Ok(OutboxMail {
            subject: rendered.subject,
            body_text: rendered.text,
            body_html: rendered.html,
            ..mail.clone()
        })
    }

    /// The language setting of the account with this address, if there is one.
    async fn culture_of(&self, address: &str) -> Result<Option<String>, DeliveryError> {
        let Some(key) = email::normalize(address) else {
            return Ok(None);
        };
        let mut found = self
            .store
            .cultures_by_email(std::slice::from_ref(&key))
            .await
            .map_err(|err| DeliveryError::Compose(format!("recipient's account: {err}")))?;
        Ok(found.remove(&key))
    }
}
