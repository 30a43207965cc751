//! The vault's use-cases (SPEC §11): a user's folders and items, and the organizations'
//! collections and items shared through them. Each action checks the request with
//! `kinwarden_core::vault`, writes in one transaction through the store (which moves the revision
//! date of every user concerned with it, so clients' `bw sync` fetches the change), and answers
//! the reference's response shapes.

pub mod admin;
pub mod attachments;
pub mod ciphers;
pub mod collections;
pub(crate) mod files;
pub mod folders;
pub mod import;
pub mod import_organization;
pub mod item_pages;
pub mod reach;
mod request;
mod respond;
pub mod shared;

pub use respond::cipher_details;
