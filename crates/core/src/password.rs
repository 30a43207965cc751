//! The server-side hash of the master password hash a client sends (SPEC §4
//! `kinwarden__passwordIterations`): PBKDF2-HMAC-SHA256 with a per-account random salt, so a
//! database dump does not hold what a client would send. aws-lc-rs uses the CPU's SHA extensions.

use std::num::NonZeroU32;

use aws_lc_rs::pbkdf2;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use crate::secrets::{RandomError, random_bytes};

const OUTPUT_LEN: usize = 32;

/// What is stored for an account's password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPassword {
    /// Base64 of the derived bytes.
    pub hash: String,
    /// Base64 of the random salt.
    pub salt: String,
    pub iterations: u32,
}

/// Hashes a received master password hash with a fresh salt.
pub fn hash(received: &str, iterations: u32) -> Result<StoredPassword, RandomError> {
    let salt = random_bytes::<16>()?;
    let iterations = iterations.max(1);
    Ok(StoredPassword {
        hash: B64.encode(derive(received, &salt, iterations)),
        salt: B64.encode(salt),
        iterations,
    })
}

/// Checks a received master password hash against what is stored, in constant time.
pub fn verify(received: &str, stored: &StoredPassword) -> bool {
    let (Ok(salt), Ok(expected)) = (B64.decode(&stored.salt), B64.decode(&stored.hash)) else {
        return false;
    };
    let Some(iterations) = NonZeroU32::new(stored.iterations) else {
        return false;
    };
    pbkdf2::verify(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iterations,
        &salt,
        received.as_bytes(),
        &expected,
    )
    .is_ok()
}

/// The same work as a real check, for an account that does not exist: a failed login costs the
/// same whether or not the e-mail is known.
pub fn burn(received: &str, iterations: u32) {
    let _ = derive(received, b"kinwarden-no-such-account", iterations.max(1));
}

fn derive(received: &str, salt: &[u8], iterations: u32) -> [u8; OUTPUT_LEN] {
    let mut out = [0u8; OUTPUT_LEN];
    let iterations = NonZeroU32::new(iterations).unwrap_or(NonZeroU32::MIN);
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iterations,
        salt,
        received.as_bytes(),
        &mut out,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_only_the_same_input() {
        let stored = hash("client-hash", 1000).expect("rng");
        assert_eq!(stored.iterations, 1000);
        assert!(verify("client-hash", &stored));
        assert!(!verify("client-hasH", &stored));
        assert!(!verify("", &stored));
    }

    #[test]
    fn salts_differ() {
        let a = hash("same", 10).expect("rng");
        let b = hash("same", 10).expect("rng");
        assert_ne!(a.salt, b.salt);
        assert_ne!(a.hash, b.hash);
    }

    #[test]
    fn corrupt_records_never_verify() {
        let mut stored = hash("x", 10).expect("rng");
        stored.salt = "%%%".into();
        assert!(!verify("x", &stored));
        let mut stored = hash("x", 10).expect("rng");
        stored.iterations = 0;
        assert!(!verify("x", &stored));
    }

    #[test]
    fn known_answer() {
        // PBKDF2-HMAC-SHA256("password", "salt", 1 iteration), first 32 bytes (RFC 7914 §11 family).
        let out = derive("password", b"salt", 1);
        let hex: String = out.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"
        );
    }
}
