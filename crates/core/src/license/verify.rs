//! Whether a license may be used on this installation now: one pure function, the same for
//! `kinwarden license verify`, a self-hosted server's upload and sync, and its validation job.
//!
//! First the proof: the token when there is one (and then the token is the license, and the
//! file must agree with it), otherwise the legacy `Hash` and `Signature`; Kinwarden's own
//! whole-document signature, when present, must verify too. Then the reference's usability
//! checks. Every refusal says which check failed, on which value, and what to do.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::claims::{contradiction, license_from_claims};
use super::data::{Variant, document_data, legacy_data};
use super::document::{LICENSE_TYPE_ORGANIZATION, OrganizationLicense};
use super::token::verify_token;
use super::trust::{BITWARDEN_THUMBPRINT, TrustStore, TrustedKey};
use super::{MAX_SUPPORTED_VERSION, MIN_SUPPORTED_VERSION, hash_of};

/// What to do about a signer this server does not trust.
const ADD_CERTIFICATE: &str = "put that issuer's certificate (PEM; a Kinwarden cloud serves \
     its own at GET /api/licenses/certificate) under bwdata/, add its path to \
     kinwarden__licenseCertificates, and upload the license again";

/// Why a license is refused. Each text starts with the reference's line where there is one; the
/// callers put "Invalid license. " in front.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LicenseError {
    /// No trusted key made the proof. `needed` is the thumbprint the token names, if it does.
    #[error(
        "The license verification failed. {}It is signed by none of the certificates this server trusts ({trusted}). \
         A bitwarden.com license is signed by Bitwarden's certificate {BITWARDEN_THUMBPRINT}, which is always trusted; \
         for a license from another issuer, {ADD_CERTIFICATE}.",
        needed.as_ref().map(|print| format!("It needs certificate {print}. ")).unwrap_or_default()
    )]
    Untrusted {
        needed: Option<String>,
        trusted: String,
    },
    /// The token names a trusted certificate whose signature does not match: it was changed.
    #[error(
        "The license verification failed. Its token does not match the signature of certificate {signer}: \
         the token was changed after it was issued. Download the license again."
    )]
    TokenTampered { signer: String },
    /// The legacy fields do not match their `Hash`.
    #[error(
        "The license verification failed. Its fields do not match its Hash: a field was changed after the \
         license was issued. Download the license again instead of editing it."
    )]
    FieldsChanged,
    /// A field of the file says something else than the token.
    #[error(
        "The license verification failed. Its field {field} is {file_value} but its token says {token_value}: \
         the file was changed after it was issued. Download the license again instead of editing it."
    )]
    ContradictsToken {
        field: String,
        file_value: String,
        token_value: String,
    },
    /// Kinwarden's own signature is present and does not verify.
    #[error(
        "The license verification failed. Its KinwardenSignature does not match its fields: the file was \
         changed after it was issued. Download the license again."
    )]
    KinwardenSignature,
    #[error("The license's token is invalid: {0}.")]
    InvalidToken(String),
    #[error("The license's token is invalid: its claim {claim} ({value:?}) cannot be read.")]
    BadClaim { claim: String, value: String },
    #[error(
        "The license's token expired on {expired} (a token lives one year). Download a new license from the cloud."
    )]
    TokenExpired { expired: DateTime<Utc> },
    #[error(
        "The license's token is not valid before {not_before}; check this server's clock, or wait and upload it again."
    )]
    TokenNotYetValid { not_before: DateTime<Utc> },
    #[error("{}", unsupported_version(*.0))]
    UnsupportedVersion(i32),
    /// The reference's usability lines, every one that failed, in its order.
    #[error("{}", lines(.0))]
    Unusable(Vec<Unusable>),
}

/// One failed usability check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    Disabled,
    NotYetIssued { issued: DateTime<Utc> },
    Expired { expires: DateTime<Utc> },
    WrongInstallation { license: Uuid, server: Uuid },
    SelfHostNotAllowed,
    NotOrganizationLicense,
}

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Disabled => f.write_str(
                "Your cloud-hosted organization is currently disabled. Enable it on the cloud, then download the license again.",
            ),
            Self::NotYetIssued { issued } => write!(
                f,
                "The license hasn't been issued yet. It is issued {issued}; check this server's clock."
            ),
            Self::Expired { expires } => write!(
                f,
                "The license has expired. It expired on {expires}; download a current license from the cloud."
            ),
            Self::WrongInstallation { license, server } => write!(
                f,
                "The installation ID does not match the current installation. The license is for installation \
                 {license}, this server is installation {server}: download the license for this installation, \
                 or set globalSettings__installation__id (and its key) to the installation it was issued for."
            ),
            Self::SelfHostNotAllowed => f.write_str(
                "The license does not allow for on-premise hosting of organizations. Its plan must include self-hosting.",
            ),
            Self::NotOrganizationLicense => f.write_str(
                "Premium licenses cannot be applied to an organization vault. Upload this license from your personal account Settings page.",
            ),
        }
    }
}

fn lines(reasons: &[Unusable]) -> String {
    reasons
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The reference's text, plus what to do when the file is newer than this Kinwarden.
fn unsupported_version(version: i32) -> String {
    if version > MAX_SUPPORTED_VERSION {
        format!(
            "Version {version} is not supported. This Kinwarden reads license versions up to \
             {MAX_SUPPORTED_VERSION}: update Kinwarden, then upload the license again."
        )
    } else {
        format!("Version {version} is not supported.")
    }
}

/// Which proof made a license.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// The token (JWT); the claims are the license.
    Token,
    /// The legacy `Hash` and `Signature` (no token).
    Signature,
}

impl std::fmt::Display for Proof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Token => "token",
            Self::Signature => "signature",
        })
    }
}

/// A license that passed [`verify`]; only that function makes one.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedLicense {
    /// The license in force: the token's claims, or the file when it has no token.
    license: OrganizationLicense,
    proof: Proof,
    /// How the signing key is named (its certificate's thumbprint and subject).
    signer: String,
    signer_thumbprint: Option<String>,
}

impl VerifiedLicense {
    pub fn license(&self) -> &OrganizationLicense {
        &self.license
    }

    pub fn into_inner(self) -> OrganizationLicense {
        self.license
    }

    pub fn proof(&self) -> Proof {
        self.proof
    }

    pub fn signer(&self) -> &str {
        &self.signer
    }

    pub fn signer_thumbprint(&self) -> Option<&str> {
        self.signer_thumbprint.as_deref()
    }
}

/// Checks the proof, then whether the license may be used by `installation` at `now`.
pub fn verify(
    license: &OrganizationLicense,
    trust: &TrustStore,
    installation: Uuid,
    now: DateTime<Utc>,
) -> Result<VerifiedLicense, LicenseError> {
    let token = license
        .token
        .as_deref()
        .filter(|token| !token.trim().is_empty());
    let (effective, proof, signer) = match token {
        Some(token) => {
            let verified = verify_token(token, trust, license.id, now)?;
            let effective = license_from_claims(license, &verified.claims)?;
            if let Some((field, file_value, token_value)) = contradiction(license, &effective) {
                return Err(LicenseError::ContradictsToken {
                    field,
                    file_value,
                    token_value,
                });
            }
            (effective, Proof::Token, verified.signer)
        }
        None => {
            let signer = legacy_signer(license, trust)?;
            (license.clone(), Proof::Signature, signer)
        }
    };
    if let Some(sig) = license.kinwarden_signature.as_deref() {
        let data = document_data(license);
        if !trust.keys().iter().any(|key| key.key.verifies(&data, sig)) {
            return Err(LicenseError::KinwardenSignature);
        }
    }
    let reasons = usability(&effective, proof, installation, now);
    if !reasons.is_empty() {
        return Err(LicenseError::Unusable(reasons));
    }
    Ok(VerifiedLicense {
        license: effective,
        proof,
        signer: signer.name(),
        signer_thumbprint: signer.thumbprint.clone(),
    })
}

/// The key whose `Signature` the legacy data carries.
fn legacy_signer<'a>(
    license: &OrganizationLicense,
    trust: &'a TrustStore,
) -> Result<&'a TrustedKey, LicenseError> {
    if !(MIN_SUPPORTED_VERSION..=MAX_SUPPORTED_VERSION).contains(&license.version) {
        return Err(LicenseError::UnsupportedVersion(license.version));
    }
    // The reference never checks the Hash on its own; checking it tells an edited file from one
    // signed by a key this server does not know.
    if license.hash.as_deref() != Some(hash_of(&legacy_data(license, Variant::Hash)).as_str()) {
        return Err(LicenseError::FieldsChanged);
    }
    let data = legacy_data(license, Variant::Signature);
    let signature = license.signature.as_deref().unwrap_or_default();
    trust
        .keys()
        .iter()
        .find(|key| key.key.verifies(data.as_bytes(), signature))
        .ok_or_else(|| LicenseError::Untrusted {
            needed: None,
            trusted: trust.names(),
        })
}

/// The reference's usability checks (token: enabled, installation, self-host, type; no token:
/// enabled, dates, installation, self-host, type). Kinwarden also holds a tokened license to its
/// dates, as the reference's periodic check does.
fn usability(
    license: &OrganizationLicense,
    proof: Proof,
    installation: Uuid,
    now: DateTime<Utc>,
) -> Vec<Unusable> {
    let mut reasons = Vec::new();
    if !license.enabled {
        reasons.push(Unusable::Disabled);
    }
    let dates = |reasons: &mut Vec<Unusable>| {
        if license.issued > now {
            reasons.push(Unusable::NotYetIssued {
                issued: license.issued,
            });
        }
        if let Some(expires) = license.expires.filter(|expires| *expires < now) {
            reasons.push(Unusable::Expired { expires });
        }
    };
    if proof == Proof::Signature {
        dates(&mut reasons);
    }
    if license.installation_id != installation {
        reasons.push(Unusable::WrongInstallation {
            license: license.installation_id,
            server: installation,
        });
    }
    if !license.self_host {
        reasons.push(Unusable::SelfHostNotAllowed);
    }
    // Without a token a missing type is allowed; a token's missing claim reads as User.
    if license
        .license_type
        .is_some_and(|t| t != LICENSE_TYPE_ORGANIZATION)
    {
        reasons.push(Unusable::NotOrganizationLicense);
    }
    if proof == Proof::Token {
        dates(&mut reasons);
    }
    reasons
}
