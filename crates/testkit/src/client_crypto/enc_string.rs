//! The EncString text format (reference §5.2): `"<type>.<part>|<part>|…"`.

use std::fmt;
use std::str::FromStr;

use super::{CryptoError, b64, unb64};

/// An encrypted value as Bitwarden serialises it.
///
/// Only the two types Kinwarden's clients produce are modelled: legacy type 0 (no MAC) and the
/// RSA types other than 4 are rejected when parsing, so a test notices if a server hands them out.
#[derive(Clone, PartialEq, Eq)]
pub enum EncString {
    /// Type 2: `2.<b64 iv>|<b64 ciphertext>|<b64 mac>`, AES-256-CBC + HMAC-SHA256.
    AesCbc256HmacSha256 {
        iv: [u8; 16],
        data: Vec<u8>,
        mac: [u8; 32],
    },
    /// Type 4: `4.<b64 ciphertext>`, RSA-OAEP with SHA-1 and MGF1-SHA-1.
    Rsa2048OaepSha1 { data: Vec<u8> },
}

impl EncString {
    /// The type number before the dot.
    pub fn enc_type(&self) -> u8 {
        match self {
            EncString::AesCbc256HmacSha256 { .. } => 2,
            EncString::Rsa2048OaepSha1 { .. } => 4,
        }
    }
}

fn fixed<const N: usize>(part: &str, what: &str) -> Result<[u8; N], CryptoError> {
    unb64(part)?
        .try_into()
        .map_err(|_| CryptoError::Malformed(format!("{what} is not {N} bytes")))
}

impl FromStr for EncString {
    type Err = CryptoError;

    fn from_str(text: &str) -> Result<Self, CryptoError> {
        let (enc_type, rest) = text
            .split_once('.')
            .ok_or_else(|| CryptoError::Malformed("no \"<type>.\" prefix".into()))?;
        let parts: Vec<&str> = rest.split('|').collect();
        match (enc_type, parts.as_slice()) {
            ("2", [iv, data, mac]) => Ok(EncString::AesCbc256HmacSha256 {
                iv: fixed(iv, "iv")?,
                data: unb64(data)?,
                mac: fixed(mac, "mac")?,
            }),
            ("4", [data]) => Ok(EncString::Rsa2048OaepSha1 { data: unb64(data)? }),
            ("2" | "4", _) => Err(CryptoError::Malformed(format!(
                "type {enc_type} with {} parts",
                parts.len()
            ))),
            _ => Err(CryptoError::Malformed(format!(
                "unsupported type {enc_type:?}"
            ))),
        }
    }
}

impl fmt::Display for EncString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncString::AesCbc256HmacSha256 { iv, data, mac } => {
                write!(f, "2.{}|{}|{}", b64(iv), b64(data), b64(mac))
            }
            EncString::Rsa2048OaepSha1 { data } => write!(f, "4.{}", b64(data)),
        }
    }
}

// Debug shows the wire text: it is ciphertext, and tests want to see what was sent.
impl fmt::Debug for EncString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EncString({self})")
    }
}

impl serde::Serialize for EncString {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for EncString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
