//! Random secrets and their safe handling: generation from the system RNG, digests for storing
//! secrets that are shown only once, and constant-time comparison.

use aws_lc_rs::digest;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

#[derive(Debug, thiserror::Error)]
#[error("the system random number generator failed")]
pub struct RandomError;

/// How many wrong guesses a mailed one-time code takes: the fifth voids it, so a six-digit code is
/// guessed with odds of 5 in a million before the owner must ask for a new one.
pub const CODE_ATTEMPTS: i32 = 5;

pub fn random_bytes<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut out = [0u8; N];
    SystemRandom::new()
        .fill(&mut out)
        .map_err(|_| RandomError)?;
    Ok(out)
}

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `len` characters from A–Z, a–z, 0–9, without modulo bias (the shape of Bitwarden's
/// installation keys, 20 characters, and API keys, 30).
pub fn random_alphanumeric(len: usize) -> Result<String, RandomError> {
    let rng = SystemRandom::new();
    let mut out = String::with_capacity(len);
    let mut byte = [0u8; 1];
    // 62 * 4 = 248: bytes at or above are drawn again so each character is equally likely.
    while out.len() < len {
        rng.fill(&mut byte).map_err(|_| RandomError)?;
        if byte[0] < 248 {
            out.push(char::from(ALPHANUMERIC[usize::from(byte[0] % 62)]));
        }
    }
    Ok(out)
}

/// `len` random decimal digits (a one-time code), each equally likely.
pub fn random_digits(len: usize) -> Result<String, RandomError> {
    let rng = SystemRandom::new();
    let mut out = String::with_capacity(len);
    let mut byte = [0u8; 1];
    // 250 = 25 × 10: bytes at or above are drawn again so each digit is equally likely.
    while out.len() < len {
        rng.fill(&mut byte).map_err(|_| RandomError)?;
        if byte[0] < 250 {
            out.push(char::from(b'0' + byte[0] % 10));
        }
    }
    Ok(out)
}

/// A URL-safe token of 32 random bytes.
pub fn random_token() -> Result<String, RandomError> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes::<32>()?))
}

/// SHA-256 as lowercase hex: how secrets shown only once are stored.
pub fn sha256_hex(text: &str) -> String {
    digest::digest(&digest::SHA256, text.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares two secrets without leaking, through timing, where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    aws_lc_rs::constant_time::verify_slices_are_equal(a.as_bytes(), b.as_bytes()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphanumeric_has_the_length_and_alphabet() {
        let key = random_alphanumeric(30).expect("rng");
        assert_eq!(key.len(), 30);
        assert!(key.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(key, random_alphanumeric(30).expect("rng"));
    }

    #[test]
    fn digests_and_comparison() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(constant_time_eq("same", "same"));
        assert!(!constant_time_eq("same", "Same"));
        assert!(!constant_time_eq("short", "longer"));
    }

    #[test]
    fn digits() {
        let code = random_digits(6).expect("rng");
        assert_eq!(code.len(), 6);
        assert!(code.chars().all(|c| c.is_ascii_digit()));
    }

    #[test]
    fn tokens_are_url_safe() {
        let token = random_token().expect("rng");
        assert_eq!(token.len(), 43);
        assert!(
            token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }
}
