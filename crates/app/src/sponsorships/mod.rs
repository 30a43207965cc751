//! Families for Enterprise sponsorships on both sides. A self-hosted server keeps its members'
//! offers (`self_hosted_offers`) and sends them to the cloud (`self_hosted_sync`, soon after a
//! change through `sync_soon`); the cloud mails offers (`cloud_offers`), answers the sync
//! (`cloud_sync`), redeems (`redemption`) and revokes (`cloud_revoke`). `offer` holds the
//! CreateSponsorship rules both sides share.

pub mod admin_initiated;
pub mod cloud_offers;
pub mod cloud_revoke;
pub mod cloud_sync;
pub mod cloud_sync_wire;
pub mod offer;
pub mod offers;
pub mod redemption;
pub mod rows;
pub mod self_hosted_offers;
pub mod self_hosted_sync;
pub mod sync_soon;
pub mod sync_status;
