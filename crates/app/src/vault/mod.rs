//! The vault's use-cases (SPEC §11): a user's folders and personal items. Each action checks the
//! request with `kinwarden_core::vault`, writes in one transaction through the store (which moves
//! the user's revision date with it, so clients' `bw sync` fetches the change), and answers the
//! reference's response shapes.

pub mod attachments;
pub mod ciphers;
pub(crate) mod files;
pub mod folders;
pub mod import;
mod request;
mod respond;

pub use respond::cipher_details;
