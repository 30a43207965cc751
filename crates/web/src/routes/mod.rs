//! Route handlers, one file per resource.

pub mod config;
pub mod health;
