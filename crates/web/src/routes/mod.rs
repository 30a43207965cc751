//! Route handlers, one file per resource.

pub mod accounts;
pub mod config;
pub mod health;
pub mod identity;
pub mod installations;
pub mod sync;
pub mod users;
