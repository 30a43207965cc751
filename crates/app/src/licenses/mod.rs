//! Licenses: issued and signed on a cloud (`issue`, the owner's `download`, the answer to a
//! self-hosted server's fetch in `cloud_sync`), checked and applied on a self-hosted server
//! (`self_hosted`, `upload`, and *Sync license* in `self_hosted_sync`).

pub mod cloud_sync;
pub mod download;
pub mod expiry;
pub mod issue;
pub mod self_hosted;
pub mod self_hosted_sync;
pub mod trust;
pub mod upload;
