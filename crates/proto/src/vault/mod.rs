//! The vault's wire types (reference vault §1–§3, §7): items ("ciphers") and their parts,
//! folders, attachments and imports; `/api/sync` carries them (`crate::sync`).
//!
//! Encrypted strings are `Option<String>`: the server stores them as they come and checks only
//! their shape. Dates are the strings the client wrote (checked where the rules read them).
//! Lists are answered in `crate::members::ListResponse`.

pub mod attachments;
pub mod ciphers;
pub mod collections;
pub mod folders;
pub mod import;
pub mod items;
mod lenient;
pub mod responses;
pub mod stored;
