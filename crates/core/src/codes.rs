//! Enums that the wire and the database carry as numbers: reading a number back is fallible,
//! and fails naming the enum and the number.

use std::fmt;

use crate::api_keys::ApiKeyType;
use crate::connections::ConnectionType;
use crate::members::{MemberStatus, MemberType};
use crate::sponsorships::PlanSponsorshipType;
use crate::vault::types::{CipherType, FieldType, RepromptType, SecureNoteType, UriMatchType};

/// A number that no value of the enum has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownCode {
    pub kind: &'static str,
    pub code: i32,
}

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} has no value numbered {}", self.kind, self.code)
    }
}

impl std::error::Error for UnknownCode {}

macro_rules! numbered {
    ($($kind:ident),* $(,)?) => {$(
        impl TryFrom<i32> for $kind {
            type Error = UnknownCode;
            fn try_from(code: i32) -> Result<Self, UnknownCode> {
                Self::from_code(code).ok_or(UnknownCode { kind: stringify!($kind), code })
            }
        }
    )*};
}

numbered!(
    MemberType,
    MemberStatus,
    ConnectionType,
    PlanSponsorshipType,
    ApiKeyType,
    CipherType,
    RepromptType,
    FieldType,
    UriMatchType,
    SecureNoteType,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_back_or_name_the_enum() {
        assert_eq!(MemberType::try_from(4), Ok(MemberType::Custom));
        assert_eq!(MemberStatus::try_from(-1), Ok(MemberStatus::Revoked));
        let err = MemberType::try_from(3).expect_err("no role 3");
        assert_eq!(err.to_string(), "MemberType has no value numbered 3");
        assert!(ConnectionType::try_from(0).is_err());
        assert_eq!(CipherType::try_from(5), Ok(CipherType::SshKey));
        let err = CipherType::try_from(6).expect_err("not served");
        assert_eq!(err.to_string(), "CipherType has no value numbered 6");
    }
}
