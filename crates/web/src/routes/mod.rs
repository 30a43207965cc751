//! Route handlers, one file per resource.

pub mod accounts;
pub mod config;
pub mod health;
pub mod identity;
pub mod installations;
pub mod invitations;
pub mod licenses;
pub mod members;
pub mod organizations;
pub mod sync;
pub mod users;
