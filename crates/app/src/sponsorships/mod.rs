//! Families for Enterprise sponsorships on both sides: the self-hosted server's offers and its
//! sync to the cloud, and the cloud's side of the sync, offers and redemption.

pub mod cloud_sync_wire;
pub mod offers;
pub mod rows;
pub mod self_hosted_sync;
pub mod sync_soon;
pub mod sync_status;
