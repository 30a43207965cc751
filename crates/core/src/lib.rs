//! Kinwarden's domain: the rules of each use-case as plain functions and types, talking to the
//! world only through traits such as [`clock::Clock`].

pub mod api_keys;
pub mod clock;
pub mod codes;
pub mod connections;
pub mod data_key;
pub mod email;
pub mod enc_string;
pub mod ids;
pub mod kdf;
pub mod license;
pub mod license_expiry;
pub mod mail_allowance;
pub mod members;
pub mod password;
pub mod plans;
pub mod redemption;
pub mod redirect;
pub mod schedule;
pub mod secrets;
pub mod self_hosted_sync;
pub mod sponsorships;
pub mod subscription;
pub mod terms;
pub mod tokens;
pub mod vault;
pub mod wire_date;
