//! Organization connections (reference §1.6 `OrganizationConnection`): their types with the wire
//! numbers, in one place.

/// What an organization connection connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionType {
    /// A self-hosted organization's link to the cloud organization that pays (SPEC §5 step 5).
    BillingSync,
    /// SCIM provisioning; known so a stored row of it reads back, not served.
    Scim,
}

impl ConnectionType {
    pub const fn code(self) -> i32 {
        match self {
            Self::BillingSync => 1,
            Self::Scim => 2,
        }
    }

    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            1 => Some(Self::BillingSync),
            2 => Some(Self::Scim),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for kind in [ConnectionType::BillingSync, ConnectionType::Scim] {
            assert_eq!(ConnectionType::from_code(kind.code()), Some(kind));
        }
        assert_eq!(ConnectionType::BillingSync.code(), 1);
        assert_eq!(ConnectionType::from_code(0), None);
    }
}
