//! Typed ids: a user id can never be passed where an organization id is meant.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new id, time-ordered (UUID v7) like the reference's sequential GUIDs: rows
            /// made together are appended to their table's key instead of scattered through
            /// it, which is what a sync batch of 1,000 new rows costs (SPEC §10).
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            /// Lowercase and hyphenated, as the wire and the database hold it.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        /// How storage reads an id back from its text column.
        impl TryFrom<String> for $name {
            type Error = uuid::Error;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }
    };
}

typed_id!(
    /// An account.
    UserId
);
typed_id!(
    /// A vault item (a cipher).
    CipherId
);
typed_id!(
    /// A user's folder.
    FolderId
);
typed_id!(
    /// A file attached to a vault item. The wire gives it as a short random string, not a UUID,
    /// in the reference; Kinwarden's are UUIDs, which clients treat as opaque.
    AttachmentId
);
typed_id!(
    /// An organization.
    OrganizationId
);
typed_id!(
    /// A membership of a user (or an invited e-mail) in an organization.
    OrganizationUserId
);
typed_id!(
    /// A self-hosted server registered with the cloud.
    InstallationId
);
typed_id!(
    /// A Families for Enterprise offer or sponsorship (reference §1.1).
    SponsorshipId
);

typed_id!(
    /// A connection of an organization to something outside (reference §1.6).
    ConnectionId
);
typed_id!(
    /// An organization API key (reference §1.3).
    OrganizationApiKeyId
);
typed_id!(
    /// One entry of an organization's billing ledger.
    SubscriptionPeriodId
);
typed_id!(
    /// The recorded outcome of one sync or license fetch.
    OutcomeId
);
typed_id!(
    /// A collection of an organization's items (reference vault §4).
    CollectionId
);
typed_id!(
    /// A group of an organization's members (reference vault §4.2).
    GroupId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_print_lowercase_and_parse_any_case() {
        let id: UserId = "6F9619FF-8B86-D011-B42D-00C04FC964FF"
            .parse()
            .expect("uuid");
        assert_eq!(id.to_string(), "6f9619ff-8b86-d011-b42d-00c04fc964ff");
        assert!("nope".parse::<OrganizationId>().is_err());
    }
}
