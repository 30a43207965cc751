//! Route handlers, one file per resource.

pub mod accounts;
pub mod api_keys;
pub mod billing_sync_status;
pub mod ciphers;
pub mod cloud_license_sync;
pub mod cloud_offers;
pub mod cloud_sponsorship_sync;
pub mod cloud_sponsorships;
pub mod config;
pub mod connections;
pub mod folders;
pub mod health;
pub mod identity;
pub mod installations;
pub mod invitations;
pub mod licenses;
pub mod members;
pub mod organizations;
pub mod plans;
pub mod redemption;
pub mod self_hosted_license_sync;
pub mod self_hosted_licenses;
pub mod sponsorships;
pub mod subscription;
pub mod sync;
pub mod users;
