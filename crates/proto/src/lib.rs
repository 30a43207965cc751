//! Wire types of the Bitwarden-compatible API. Field names and enum numbers here are the
//! contract with official clients and with other Kinwarden servers; nothing else defines them.

pub mod accounts;
pub mod any_case;
pub mod billing;
pub mod config;
pub mod connections;
pub mod error;
pub mod groups;
pub mod identity;
pub mod installations;
pub mod members;
pub mod organizations;
pub mod plans;
mod redact;
pub mod sponsorship_sync;
pub mod sponsorships;
pub mod sync;
pub mod vault;

/// The Bitwarden server version Kinwarden answers as in `/api/config`. Clients gate features on
/// it, so it names the Bitwarden release whose wire format Kinwarden follows.
pub const COMPATIBLE_SERVER_VERSION: &str = "2026.8.0";
