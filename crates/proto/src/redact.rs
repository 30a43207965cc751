//! `Debug` for bodies that carry secrets (password hashes, tokens, keys): every field as usual
//! but the secret ones, which print as `***`, so a body in a log line or a panic message gives
//! nothing away.

use std::fmt;

/// A secret field as `Debug` shows it: whether it is there, never what it is.
pub(crate) struct Hidden<'a, T: ?Sized>(pub &'a T);

impl fmt::Debug for Hidden<'_, String> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Debug for Hidden<'_, Option<String>> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(_) => f.write_str("Some(***)"),
            None => f.write_str("None"),
        }
    }
}

/// `impl Debug` for `$ty`, showing `$field`s and hiding `$secret`s.
macro_rules! debug_hiding {
    ($ty:ident { $($field:ident),* $(,)? } hiding { $($secret:ident),* $(,)? }) => {
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($ty))
                    $(.field(stringify!($field), &self.$field))*
                    $(.field(stringify!($secret), &$crate::redact::Hidden(&self.$secret)))*
                    .finish()
            }
        }
    };
}
pub(crate) use debug_hiding;

#[cfg(test)]
mod tests {
    use crate::accounts::SecretVerificationRequest;
    use crate::identity::TokenRequest;

    #[test]
    fn secrets_never_print() {
        let request = SecretVerificationRequest {
            master_password_hash: Some("hunter2-hash".into()),
            otp: Some("123456".into()),
        };
        let printed = format!("{request:?}");
        assert!(
            !printed.contains("hunter2") && !printed.contains("123456"),
            "{printed}"
        );
        assert!(printed.contains("Some(***)"), "{printed}");
        let grant = TokenRequest {
            password: Some("hunter2".into()),
            username: Some("alice@example.com".into()),
            ..TokenRequest::default()
        };
        let printed = format!("{grant:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("alice@example.com"), "{printed}");
    }
}
