//! The license token: an RS256 JWT whose claims are the license (docs/LICENSING.md "Proofs").
//! Checked as the reference does (issuer `bitwarden`, audience `organization:{Id}`, `nbf` ≤ now ≤
//! `exp` with no clock skew, any trusted key), with the time given, not read from the system.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::keys::{KeyError, LicenseSigningKey};
use super::trust::{TrustStore, TrustedKey, thumbprint_of_x5t};
use super::verify::LicenseError;

/// The issuer every license token names.
pub const ISSUER: &str = "bitwarden";
const ALGORITHM: &str = "RS256";

/// The audience of an organization's license token.
pub fn audience(organization: Uuid) -> String {
    format!("organization:{}", organization.hyphenated())
}

/// Signs `claims` (the license's claims plus the registered ones) as an RS256 JWT. `x5t` names
/// the signing certificate, so that a server which does not trust it can say which one it needs.
pub fn sign_token(
    claims: &Map<String, Value>,
    key: &LicenseSigningKey,
    x5t: Option<&str>,
) -> Result<String, KeyError> {
    let mut header = Map::new();
    header.insert("alg".into(), ALGORITHM.into());
    header.insert("typ".into(), "JWT".into());
    if let Some(x5t) = x5t {
        header.insert("x5t".into(), x5t.into());
    }
    let encode = |value: &Map<String, Value>| {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap_or_default())
    };
    let signing_input = format!("{}.{}", encode(&header), encode(claims));
    let signature = key.sign_raw(signing_input.as_bytes())?;
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    ))
}

/// A token whose signature, lifetime, audience and issuer hold.
#[derive(Debug)]
pub struct VerifiedToken<'a> {
    pub claims: Map<String, Value>,
    pub signer: &'a TrustedKey,
}

fn malformed(what: &str) -> LicenseError {
    LicenseError::InvalidToken(format!("the token is not a well-formed JWT ({what})"))
}

fn decode_json(part: &str, what: &str) -> Result<Map<String, Value>, LicenseError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| malformed(what))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(malformed(what)),
    }
}

fn numeric_date(claims: &Map<String, Value>, name: &str) -> Option<DateTime<Utc>> {
    let value = claims.get(name)?;
    let seconds = value
        .as_i64()
        .or_else(|| value.as_f64().map(|f| f as i64))?;
    DateTime::<Utc>::from_timestamp(seconds, 0)
}

/// Checks `token` for the organization `id` at `now`, in the reference's order: the signature,
/// the lifetime, the audience, the issuer.
pub fn verify_token<'a>(
    token: &str,
    trust: &'a TrustStore,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<VerifiedToken<'a>, LicenseError> {
    let mut parts = token.trim().split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("not three parts"));
    };
    let header_map = decode_json(header, "header")?;
    let alg = header_map.get("alg").and_then(Value::as_str).unwrap_or("");
    if alg != ALGORITHM {
        return Err(LicenseError::InvalidToken(format!(
            "the token is signed with {alg:?}; license tokens use RS256"
        )));
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature.trim_end_matches('='))
        .map_err(|_| malformed("signature"))?;
    let signing_input = format!("{header}.{payload}");
    let signer = trust
        .keys()
        .iter()
        .filter(|key| key.valid_at(now))
        .find(|key| key.key.verifies_raw(signing_input.as_bytes(), &signature));
    let named = header_map
        .get("x5t")
        .and_then(Value::as_str)
        .and_then(thumbprint_of_x5t);
    let Some(signer) = signer else {
        let trusted_named = named.as_deref().is_some_and(|print| {
            trust
                .keys()
                .iter()
                .any(|key| key.thumbprint.as_deref() == Some(print))
        });
        return Err(if trusted_named {
            LicenseError::TokenTampered {
                signer: named.unwrap_or_default(),
            }
        } else {
            LicenseError::Untrusted {
                needed: named,
                trusted: trust.names(),
            }
        });
    };
    let claims = decode_json(payload, "payload")?;
    let expires = numeric_date(&claims, "exp")
        .ok_or_else(|| LicenseError::InvalidToken("the token has no expiry (exp)".into()))?;
    if let Some(not_before) = numeric_date(&claims, "nbf")
        && now < not_before
    {
        return Err(LicenseError::TokenNotYetValid { not_before });
    }
    if now > expires {
        return Err(LicenseError::TokenExpired { expired: expires });
    }
    let wanted = audience(id);
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !audiences
        .iter()
        .any(|aud| aud.eq_ignore_ascii_case(&wanted))
    {
        return Err(LicenseError::InvalidToken(format!(
            "the token is for {}, but the file's Id says {wanted}: the token belongs to another license",
            audiences.join(", ")
        )));
    }
    let issuer = claims.get("iss").and_then(Value::as_str).unwrap_or("");
    if issuer != ISSUER {
        return Err(LicenseError::InvalidToken(format!(
            "the token's issuer is {issuer:?}, not {ISSUER:?}"
        )));
    }
    Ok(VerifiedToken { claims, signer })
}
