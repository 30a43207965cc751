//! The client-side key derivation settings an account may use (SPEC §9 register): the server
//! checks them as Bitwarden does and refuses anything else.

use serde::{Deserialize, Serialize};

pub const PBKDF2: i32 = 0;
pub const ARGON2ID: i32 = 1;
pub const DEFAULT_PBKDF2_ITERATIONS: i32 = 600_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfSettings {
    pub kdf: i32,
    pub iterations: i32,
    pub memory: Option<i32>,
    pub parallelism: Option<i32>,
}

impl KdfSettings {
    /// What an unknown e-mail is answered with at prelogin, so existence is not revealed.
    pub fn default_pbkdf2() -> Self {
        Self {
            kdf: PBKDF2,
            iterations: DEFAULT_PBKDF2_ITERATIONS,
            memory: None,
            parallelism: None,
        }
    }

    /// Checks the ranges Bitwarden enforces; the error names the field and the range.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        match self.kdf {
            PBKDF2 => {
                if !(600_000..=2_000_000).contains(&self.iterations) {
                    return Err((
                        "KdfIterations",
                        "KDF iterations must be between 600000 and 2000000.".into(),
                    ));
                }
                Ok(())
            }
            ARGON2ID => {
                if !(2..=10).contains(&self.iterations) {
                    return Err((
                        "KdfIterations",
                        "Argon2 iterations must be between 2 and 10.".into(),
                    ));
                }
                match self.memory {
                    Some(m) if (15..=1024).contains(&m) => {}
                    _ => {
                        return Err((
                            "KdfMemory",
                            "Argon2 memory must be between 15mb and 1024mb.".into(),
                        ));
                    }
                }
                match self.parallelism {
                    Some(p) if (1..=16).contains(&p) => {}
                    _ => {
                        return Err((
                            "KdfParallelism",
                            "Argon2 parallelism must be between 1 and 16.".into(),
                        ));
                    }
                }
                Ok(())
            }
            _ => Err(("Kdf", "Invalid KDF type.".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kdf(
        kdf: i32,
        iterations: i32,
        memory: Option<i32>,
        parallelism: Option<i32>,
    ) -> KdfSettings {
        KdfSettings {
            kdf,
            iterations,
            memory,
            parallelism,
        }
    }

    #[test]
    fn pbkdf2_ranges() {
        assert!(kdf(PBKDF2, 600_000, None, None).validate().is_ok());
        assert!(kdf(PBKDF2, 2_000_000, None, None).validate().is_ok());
        assert_eq!(
            kdf(PBKDF2, 599_999, None, None).validate().unwrap_err().0,
            "KdfIterations"
        );
        assert!(kdf(PBKDF2, 2_000_001, None, None).validate().is_err());
    }

    #[test]
    fn argon2_ranges() {
        assert!(kdf(ARGON2ID, 3, Some(64), Some(4)).validate().is_ok());
        assert!(kdf(ARGON2ID, 2, Some(15), Some(1)).validate().is_ok());
        assert!(kdf(ARGON2ID, 10, Some(1024), Some(16)).validate().is_ok());
        assert_eq!(
            kdf(ARGON2ID, 1, Some(64), Some(4))
                .validate()
                .unwrap_err()
                .0,
            "KdfIterations"
        );
        assert_eq!(
            kdf(ARGON2ID, 3, Some(14), Some(4))
                .validate()
                .unwrap_err()
                .0,
            "KdfMemory"
        );
        assert_eq!(
            kdf(ARGON2ID, 3, None, Some(4)).validate().unwrap_err().0,
            "KdfMemory"
        );
        assert_eq!(
            kdf(ARGON2ID, 3, Some(64), Some(17))
                .validate()
                .unwrap_err()
                .0,
            "KdfParallelism"
        );
    }

    #[test]
    fn unknown_type() {
        assert_eq!(kdf(7, 600_000, None, None).validate().unwrap_err().0, "Kdf");
    }
}
