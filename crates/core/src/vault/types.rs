//! The vault's numbered enums (reference vault §1.1) with their wire numbers. Clients send and
//! expect numbers; storage keeps the same numbers, and `core::codes` reads them back.

/// The kind of an item. The reference also numbers BankAccount 6, DriversLicense 7 and
/// Passport 8 behind a feature flag; Kinwarden does not serve them yet (SPEC §11), so they read
/// as unknown, like any other number, and the caller refuses the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CipherType {
    Login,
    SecureNote,
    Card,
    Identity,
    SshKey,
}

impl CipherType {
    pub fn code(self) -> i32 {
        match self {
            Self::Login => 1,
            Self::SecureNote => 2,
            Self::Card => 3,
            Self::Identity => 4,
            Self::SshKey => 5,
        }
    }

    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            1 => Some(Self::Login),
            2 => Some(Self::SecureNote),
            3 => Some(Self::Card),
            4 => Some(Self::Identity),
            5 => Some(Self::SshKey),
            _ => None,
        }
    }
}

/// Kinwarden's answer (400) to an item type it does not serve. The reference has no text of its
/// own here: it fails with a server error, which SPEC §11 replaces by a refusal.
pub const UNSUPPORTED_TYPE_MESSAGE: &str = "This item type is not supported.";

/// Whether a client asks for the master password again before showing the item. The reference
/// stores whatever number arrives (it is not range-checked), so reading an unknown one back is
/// the caller's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RepromptType {
    None,
    Password,
}

impl RepromptType {
    pub fn code(self) -> i32 {
        match self {
            Self::None => 0,
            Self::Password => 1,
        }
    }

    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            0 => Some(Self::None),
            1 => Some(Self::Password),
            _ => None,
        }
    }
}

/// The kind of a custom field. Listed for reading and writing; the reference does not check the
/// number a client sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    Text,
    Hidden,
    Boolean,
    Linked,
}

impl FieldType {
    pub fn code(self) -> i32 {
        match self {
            Self::Text => 0,
            Self::Hidden => 1,
            Self::Boolean => 2,
            Self::Linked => 3,
        }
    }

    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            0 => Some(Self::Text),
            1 => Some(Self::Hidden),
            2 => Some(Self::Boolean),
            3 => Some(Self::Linked),
            _ => None,
        }
    }
}

/// How a login's URI is matched against a page (absent means the client's default). Not checked
/// by the reference either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UriMatchType {
    Domain,
    Host,
    StartsWith,
    Exact,
    RegularExpression,
    Never,
}

impl UriMatchType {
    pub fn code(self) -> i32 {
        match self {
            Self::Domain => 0,
            Self::Host => 1,
            Self::StartsWith => 2,
            Self::Exact => 3,
            Self::RegularExpression => 4,
            Self::Never => 5,
        }
    }

    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            0 => Some(Self::Domain),
            1 => Some(Self::Host),
            2 => Some(Self::StartsWith),
            3 => Some(Self::Exact),
            4 => Some(Self::RegularExpression),
            5 => Some(Self::Never),
            _ => None,
        }
    }
}

/// The kind of a secure note; only one exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecureNoteType {
    Generic,
}

impl SecureNoteType {
    pub fn code(self) -> i32 {
        match self {
            Self::Generic => 0,
        }
    }

    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            0 => Some(Self::Generic),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn item_types_as_numbered_by_the_reference() {
        let cases = [
            (1, Some(CipherType::Login)),
            (2, Some(CipherType::SecureNote)),
            (3, Some(CipherType::Card)),
            (4, Some(CipherType::Identity)),
            (5, Some(CipherType::SshKey)),
            // Retired (Folder), not served yet (BankAccount, DriversLicense, Passport), unknown.
            (0, None),
            (6, None),
            (7, None),
            (8, None),
            (9, None),
            (-1, None),
        ];
        for (code, expected) in cases {
            assert_eq!(CipherType::from_code(code), expected, "{code}");
        }
    }

    #[test]
    fn the_other_enums_as_numbered_by_the_reference() {
        assert_eq!(RepromptType::from_code(1), Some(RepromptType::Password));
        assert_eq!(RepromptType::from_code(2), None);
        assert_eq!(FieldType::from_code(3), Some(FieldType::Linked));
        assert_eq!(FieldType::from_code(4), None);
        assert_eq!(
            UriMatchType::from_code(4),
            Some(UriMatchType::RegularExpression)
        );
        assert_eq!(UriMatchType::from_code(5), Some(UriMatchType::Never));
        assert_eq!(UriMatchType::from_code(6), None);
        assert_eq!(SecureNoteType::from_code(0), Some(SecureNoteType::Generic));
        assert_eq!(SecureNoteType::from_code(1), None);
    }

    proptest! {
        #[test]
        fn every_number_read_writes_back_the_same(code in any::<i32>()) {
            if let Some(t) = CipherType::from_code(code) { prop_assert_eq!(t.code(), code); }
            if let Some(t) = RepromptType::from_code(code) { prop_assert_eq!(t.code(), code); }
            if let Some(t) = FieldType::from_code(code) { prop_assert_eq!(t.code(), code); }
            if let Some(t) = UriMatchType::from_code(code) { prop_assert_eq!(t.code(), code); }
            if let Some(t) = SecureNoteType::from_code(code) { prop_assert_eq!(t.code(), code); }
        }
    }
}
