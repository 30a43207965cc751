//! Organization API keys (reference §1.3): their types with wire numbers, their shape, and what
//! a sealed key is bound to.

/// `OrganizationApiKeyType` (reference §1.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyType {
    /// The public API's client secret.
    Default,
    /// The billing sync token a self-hosted server uses towards the cloud.
    BillingSync,
    Scim,
}

impl ApiKeyType {
    pub fn code(self) -> i32 {
        match self {
            Self::Default => 0,
            Self::BillingSync => 1,
            Self::Scim => 2,
        }
    }

    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            0 => Some(Self::Default),
            1 => Some(Self::BillingSync),
            2 => Some(Self::Scim),
            _ => None,
        }
    }
}

/// Keys are 30 characters from A–Z, a–z, 0–9.
pub const API_KEY_LEN: usize = 30;

/// The associated data a key is sealed with: its organization and type, so a ciphertext moved
/// to another organization's row (or another type) does not open.
pub fn seal_context(organization_id: crate::ids::OrganizationId, key_type: ApiKeyType) -> String {
    format!("organization-api-key/{organization_id}/{}", key_type.code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_numbers() {
        for key_type in [
            ApiKeyType::Default,
            ApiKeyType::BillingSync,
            ApiKeyType::Scim,
        ] {
            assert_eq!(ApiKeyType::from_code(key_type.code()), Some(key_type));
        }
        assert_eq!(ApiKeyType::BillingSync.code(), 1);
        assert_eq!(ApiKeyType::from_code(255), None);
        let org = crate::ids::OrganizationId::new();
        assert_ne!(
            seal_context(org, ApiKeyType::BillingSync),
            seal_context(org, ApiKeyType::Default)
        );
    }
}
