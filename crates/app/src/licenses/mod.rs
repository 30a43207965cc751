//! Licenses: issued and signed on a cloud, checked and applied on a self-hosted server.

pub mod issue;
pub mod self_hosted;
