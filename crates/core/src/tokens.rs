//! Signed tokens (RS256 JWTs): access tokens of the identity endpoint, and the purpose tokens
//! Kinwarden mails (e-mail verification, invitations). The audience says what a token is for,
//! so a token made for one purpose is refused for every other. Expiry is checked against the
//! program's clock, not the system time (SPEC §9 "time").

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rsa::{KeyPair, KeySize};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("cannot make a signing key")]
    Generate,
    #[error("the signing key is unusable: {0}")]
    Key(String),
    #[error("cannot sign a token: {0}")]
    Sign(String),
    /// Malformed, wrong signature, wrong audience or expired; deliberately not more precise.
    #[error("the token is invalid or expired")]
    Invalid,
}

/// The audiences Kinwarden issues.
pub mod audience {
    pub const ACCESS: &str = "kinwarden:access";
    pub const REGISTER: &str = "kinwarden:register";
    pub const INVITE: &str = "kinwarden:invite";
    /// A System Administrator Portal login link (single use; `subject` is the link id).
    pub const ADMIN_LOGIN: &str = "kinwarden:admin-login";
    /// A System Administrator Portal session cookie.
    pub const ADMIN_SESSION: &str = "kinwarden:admin-session";
    /// The link of a Families sponsorship offer (reference §4.4).
    pub const SPONSORSHIP_OFFER: &str = "kinwarden:sponsorship-offer";
    /// A vault attachment's download link, which clients fetch without their bearer token.
    pub const ATTACHMENT_DOWNLOAD: &str = "kinwarden:attachment-download";
}

/// The audiences whose tokens are signed with the local secret ([`TokenKeys::sign_local`]);
/// [`TokenKeys::verify`] takes an HS256 token for no other.
pub const LOCALLY_SIGNED: [&str; 2] = [audience::SPONSORSHIP_OFFER, audience::ATTACHMENT_DOWNLOAD];

/// A fresh RSA-2048 key pair as PEM (PKCS#8 private, SPKI public).
pub fn generate_key_pem() -> Result<(String, String), TokenError> {
    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| TokenError::Generate)?;
    let private: Pkcs8V1Der<'static> = pair.as_der().map_err(|_| TokenError::Generate)?;
    let public: PublicKeyX509Der<'static> = aws_lc_rs::signature::KeyPair::public_key(&pair)
        .as_der()
        .map_err(|_| TokenError::Generate)?;
    Ok((
        pem::encode(&pem::Pem::new("PRIVATE KEY", private.as_ref().to_vec())),
        pem::encode(&pem::Pem::new("PUBLIC KEY", public.as_ref().to_vec())),
    ))
}

/// The key pair that signs and checks this server's tokens, and a secret derived from its private
/// half for tokens that only this server ever checks (see [`TokenKeys::sign_local`]).
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    local_encoding: EncodingKey,
    local_decoding: DecodingKey,
    issuer: String,
}

/// Labels the secret of [`TokenKeys::sign_local`], so it is used for nothing else.
const LOCAL_SECRET_LABEL: &[u8] = b"kinwarden local purpose tokens v1\0";

impl TokenKeys {
    pub fn from_pem(private_pem: &str, public_pem: &str, issuer: &str) -> Result<Self, TokenError> {
        let mut context = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
        context.update(LOCAL_SECRET_LABEL);
        context.update(private_pem.trim().as_bytes());
        let secret = context.finish();
        Ok(Self {
            local_encoding: EncodingKey::from_secret(secret.as_ref()),
            local_decoding: DecodingKey::from_secret(secret.as_ref()),
            encoding: EncodingKey::from_rsa_pem(private_pem.as_bytes())
                .map_err(|err| TokenError::Key(err.to_string()))?,
            decoding: DecodingKey::from_rsa_pem(public_pem.as_bytes())
                .map_err(|err| TokenError::Key(err.to_string()))?,
            issuer: issuer.to_string(),
        })
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Signs claims; `typ` is `at+jwt` for access tokens, as Bitwarden's identity issues them.
    pub fn sign<C: Serialize>(&self, claims: &C, typ: &str) -> Result<String, TokenError> {
        let mut header = Header::new(Algorithm::RS256);
        header.typ = Some(typ.to_string());
        jsonwebtoken::encode(&header, claims, &self.encoding)
            .map_err(|err| TokenError::Sign(err.to_string()))
    }

    /// A purpose token for `email` (a verification, invitation or login link, the Portal's
    /// session), valid from `now` for `lifetime`; `subject` binds it to more than the address.
    pub fn sign_email(
        &self,
        audience: &str,
        email: &str,
        subject: Option<String>,
        now: chrono::DateTime<chrono::Utc>,
        lifetime: chrono::Duration,
    ) -> Result<String, TokenError> {
        let claims = EmailClaims {
            iss: self.issuer().to_string(),
            aud: audience.to_string(),
            nbf: now.timestamp(),
            exp: (now + lifetime).timestamp(),
            email: email.to_string(),
            subject,
        };
        self.sign(&claims, "JWT")
    }

    /// Signs claims that only this server checks (HS256 with the derived secret), for the
    /// audiences in [`LOCALLY_SIGNED`] only: a sponsorship
    /// offer link is made once per new offer during a sync, and an RSA signature for each of
    /// 100,000 offers would cost the sync minutes of CPU (SPEC §10). [`TokenKeys::verify`] takes
    /// both kinds.
    pub fn sign_local<C: Serialize>(&self, claims: &C) -> Result<String, TokenError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.local_encoding)
            .map_err(|err| TokenError::Sign(err.to_string()))
    }

    /// Checks signature, audience and time window (`nbf`, `exp`, in seconds, against `now`).
    /// Takes tokens of [`TokenKeys::sign`] (RS256) and of [`TokenKeys::sign_local`] (HS256).
    pub fn verify<C: DeserializeOwned + TimeBounded>(
        &self,
        token: &str,
        aud: &str,
        now_seconds: i64,
    ) -> Result<C, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        let (algorithm, key) = match header.alg {
            Algorithm::RS256 => (Algorithm::RS256, &self.decoding),
            // Only the purposes signed locally take the local secret: an access or e-mail token
            // is RS256, so a leaked or guessed local secret opens nothing else.
            Algorithm::HS256 if LOCALLY_SIGNED.contains(&aud) => {
                (Algorithm::HS256, &self.local_decoding)
            }
            _ => return Err(TokenError::Invalid),
        };
        let mut validation = Validation::new(algorithm);
        validation.set_audience(&[aud]);
        validation.set_issuer(&[self.issuer.as_str()]);
        // Time is checked below with the program's clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.required_spec_claims.clear();
        let data =
            jsonwebtoken::decode::<C>(token, key, &validation).map_err(|_| TokenError::Invalid)?;
        let (nbf, exp) = data.claims.window();
        // A minute of leeway for clocks a little apart.
        if now_seconds + 60 < nbf || now_seconds >= exp {
            return Err(TokenError::Invalid);
        }
        Ok(data.claims)
    }
}

/// Claims with a validity window, in seconds since the epoch.
pub trait TimeBounded {
    fn window(&self) -> (i64, i64);
}

/// The claims of an access token (user, organization or installation client).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    pub nbf: i64,
    pub exp: i64,
    /// The user, for user tokens; absent for organization and installation clients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    pub client_id: String,
    /// The organization or installation id of a client-credentials token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_sub: Option<String>,
    pub scope: Vec<String>,
    #[serde(default)]
    pub amr: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// The account's security stamp when issued: a changed stamp revokes older tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sstamp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    #[serde(default)]
    pub premium: bool,
}

impl AccessClaims {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scope.iter().any(|s| s == scope)
    }
}

impl TimeBounded for AccessClaims {
    fn window(&self) -> (i64, i64) {
        (self.nbf, self.exp)
    }
}

/// A purpose token for an e-mail address (verification link, invitation).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EmailClaims {
    pub iss: String,
    pub aud: String,
    pub nbf: i64,
    pub exp: i64,
    pub email: String,
    /// What the token is bound to beyond the address (an organization user id, for invites).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

impl TimeBounded for EmailClaims {
    fn window(&self) -> (i64, i64) {
        (self.nbf, self.exp)
    }
}

/// The claims of a sponsorship offer link (reference §4.4). Only Kinwarden issues and reads it,
/// so a signed token replaces the reference's Data Protection blob. It has no expiry of its own,
/// as in the reference: it stops working when the row is deleted or redeemed (the address no
/// longer matches), which the redeeming code checks against the row.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SponsorshipOfferClaims {
    pub iss: String,
    pub aud: String,
    pub nbf: i64,
    /// The sponsorship id.
    pub sid: String,
    pub email: String,
    /// `PlanSponsorshipType` of the row at issue time.
    pub sponsorship_type: i32,
}

impl TimeBounded for SponsorshipOfferClaims {
    fn window(&self) -> (i64, i64) {
        (self.nbf, i64::MAX)
    }
}

/// The claims of an attachment's download link: which file of which item, for a few minutes.
/// Signed locally, as every item of a synced vault carries one.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AttachmentDownloadClaims {
    pub iss: String,
    pub aud: String,
    pub nbf: i64,
    pub exp: i64,
    /// The item's id.
    pub cid: String,
    /// The attachment's id.
    pub aid: String,
}

impl TimeBounded for AttachmentDownloadClaims {
    fn window(&self) -> (i64, i64) {
        (self.nbf, self.exp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn keys() -> &'static TokenKeys {
        static KEYS: OnceLock<TokenKeys> = OnceLock::new();
        KEYS.get_or_init(|| {
            let (private, public) = generate_key_pem().expect("keygen");
            TokenKeys::from_pem(&private, &public, "https://vault.test").expect("keys")
        })
    }

    fn email_claims(aud: &str, nbf: i64, exp: i64) -> EmailClaims {
        EmailClaims {
            iss: "https://vault.test".into(),
            aud: aud.into(),
            nbf,
            exp,
            email: "a@example.com".into(),
            subject: None,
        }
    }

    #[test]
    fn round_trip_within_the_window() {
        let token = keys()
            .sign(&email_claims(audience::REGISTER, 100, 200), "JWT")
            .expect("sign");
        let claims: EmailClaims = keys()
            .verify(&token, audience::REGISTER, 150)
            .expect("valid");
        assert_eq!(claims.email, "a@example.com");
    }

    #[test]
    fn expired_early_and_other_audiences_are_refused() {
        let token = keys()
            .sign(&email_claims(audience::REGISTER, 100, 200), "JWT")
            .expect("sign");
        assert!(
            keys()
                .verify::<EmailClaims>(&token, audience::REGISTER, 200)
                .is_err()
        );
        assert!(
            keys()
                .verify::<EmailClaims>(&token, audience::REGISTER, 30)
                .is_err()
        );
        assert!(
            keys()
                .verify::<EmailClaims>(&token, audience::INVITE, 150)
                .is_err()
        );
    }

    #[test]
    fn tampering_and_foreign_keys_are_refused() {
        let token = keys()
            .sign(&email_claims(audience::REGISTER, 100, 200), "JWT")
            .expect("sign");
        let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
        parts[1] = parts[1].chars().rev().collect();
        assert!(
            keys()
                .verify::<EmailClaims>(&parts.join("."), audience::REGISTER, 150)
                .is_err()
        );

        let (private, public) = generate_key_pem().expect("keygen");
        let other = TokenKeys::from_pem(&private, &public, "https://vault.test").expect("keys");
        assert!(
            other
                .verify::<EmailClaims>(&token, audience::REGISTER, 150)
                .is_err()
        );
        assert!(
            keys()
                .verify::<EmailClaims>("garbage", audience::REGISTER, 150)
                .is_err()
        );
    }

    #[test]
    fn sponsorship_offer_has_no_expiry_and_its_own_audience() {
        let claims = SponsorshipOfferClaims {
            iss: "https://vault.test".into(),
            aud: audience::SPONSORSHIP_OFFER.into(),
            nbf: 100,
            sid: "00000000-0000-0000-0000-000000000001".into(),
            email: "a@example.com".into(),
            sponsorship_type: 0,
        };
        let token = keys().sign(&claims, "JWT").expect("sign");
        let read = keys()
            .verify::<SponsorshipOfferClaims>(
                &token,
                audience::SPONSORSHIP_OFFER,
                100 + 10 * 365 * 86_400,
            )
            .expect("still valid years later");
        assert_eq!(read, claims);
        assert!(
            keys()
                .verify::<SponsorshipOfferClaims>(&token, audience::INVITE, 150)
                .is_err()
        );
    }

    #[test]
    fn local_tokens_are_checked_with_the_derived_secret_only() {
        // HS256 is taken for the locally signed purposes only: a register, invite or access
        // token signed with the local secret is refused.
        for aud in [audience::REGISTER, audience::INVITE, audience::ACCESS] {
            let forged = keys()
                .sign_local(&email_claims(aud, 100, 200))
                .expect("sign");
            assert!(
                keys().verify::<EmailClaims>(&forged, aud, 150).is_err(),
                "{aud}"
            );
        }
        let claims = email_claims(audience::SPONSORSHIP_OFFER, 100, 200);
        let token = keys().sign_local(&claims).expect("sign");
        assert!(
            token.starts_with("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9."),
            "{token}"
        );
        assert_eq!(
            keys()
                .verify::<EmailClaims>(&token, audience::SPONSORSHIP_OFFER, 150)
                .expect("valid"),
            claims
        );
        assert!(
            keys()
                .verify::<EmailClaims>(&token, audience::INVITE, 150)
                .is_err()
        );
        let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
        parts[1] = parts[1].chars().rev().collect();
        assert!(
            keys()
                .verify::<EmailClaims>(&parts.join("."), audience::SPONSORSHIP_OFFER, 150)
                .is_err()
        );
        // Another server's key pair derives another secret.
        let (private, public) = generate_key_pem().expect("keygen");
        let other = TokenKeys::from_pem(&private, &public, "https://vault.test").expect("keys");
        assert!(
            other
                .verify::<EmailClaims>(&token, audience::SPONSORSHIP_OFFER, 150)
                .is_err()
        );
        // An unsigned token is refused.
        let unsigned = format!("eyJhbGciOiJub25lIn0.{}.", parts[1]);
        assert!(
            keys()
                .verify::<EmailClaims>(&unsigned, audience::SPONSORSHIP_OFFER, 150)
                .is_err()
        );
    }
}
