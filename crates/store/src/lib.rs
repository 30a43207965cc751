//! Kinwarden's storage: one [`Store`] over SQLite (the default) or PostgreSQL.
//!
//! Queries are written once in portable SQL (`$1` placeholders, TEXT ids, integer-millisecond
//! timestamps, `ON CONFLICT`) and run on whichever pool is open: the [`on_pool!`] macro expands a
//! query body once per backend, so each runs with its native driver and types. Each use-case that
//! writes more than one row does so in one transaction.

mod admin;
mod admin_billing;
mod api_keys;
mod billing;
mod cloud_offers;
mod cloud_sponsorships;
mod column;
mod connections;
mod error;
pub mod files;
pub mod groups;
mod installations;
mod jobs;
mod license_expiry;
mod licensing;
mod member_access;
mod meta;
mod open;
mod organizations;
mod outbox;
mod sponsorship_lifecycle;
mod sponsorships;
mod sync_bulk;
mod sync_skips;
#[cfg(test)]
mod test_db;
mod user_codes;
mod users;
mod vault;

pub use admin_billing::OrganizationTerms;
pub use api_keys::OrganizationApiKeyRecord;
pub use billing::SubscriptionPeriodRecord;
pub use cloud_sponsorships::{CloudSyncWrite, OfferHold};
pub use connections::{ConnectionRecord, OutcomeRecord};
pub use error::StoreError;
pub use installations::InstallationRecord;
pub use jobs::JobRunRecord;
pub use member_access::MemberAccessChange;
pub use meta::SERVER_ID;
pub use open::Backend;
pub use open::sqlite_options;
pub use organizations::{
    LicenseTerms, MemberDetails, MemberRecord, MemberSponsorship, Membership, OrganizationRecord,
    OrganizationRecordPrefixed,
};
pub use outbox::{OutboxMail, QueuedMail};
pub use sponsorship_lifecycle::{RedeemedSponsorship, SponsorshipEnd};
pub use sponsorships::SponsorshipRecord;
pub use sync_bulk::SyncedState;
pub use sync_skips::BatchSkips;
pub use users::{NewUser, UserRecord};
pub use vault::{
    AccessLists, AttachmentRecord, CipherMarks, CipherRecord, CollectionPath, CollectionRecord,
    FolderRecord, ItemOwner, OrgCipher, UserCipher,
};

use std::sync::Arc;

use sqlx::{PgPool, SqlitePool};
use tokio::sync::Notify;

/// The open pool of one backend.
#[derive(Debug, Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same body against whichever backend the store has open, binding `$pool` to the
/// concrete pool so each arm type-checks against its own driver.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite($pool) => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// The database of one Kinwarden server.
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    /// Rung after a commit that queued mail, so this process's delivery worker wakes at once.
    mail_signal: Arc<Notify>,
    /// Queues this process's sync batches for SQLite's one writer in arrival order (see
    /// `sync_bulk::Store::sync_writer`).
    sync_writer: Arc<tokio::sync::Mutex<()>>,
}

impl Store {
    fn with_pool(pool: Pool) -> Self {
        Self {
            pool,
            mail_signal: Arc::new(Notify::new()),
            sync_writer: Arc::new(tokio::sync::Mutex::new(())),
        }
    }
}
