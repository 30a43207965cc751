//! The vault's rules (reference vault §1–§3, §7, §8; SPEC §11) as pure functions: which item
//! types are served, how a saved item is validated, when an edit is stale, when the trash is
//! emptied, what an attachment may cost, what an import may hold, and who may do what to a
//! personal item. The web and app layers map the wire types of `proto` onto the plain inputs
//! here, so these rules know nothing of JSON or storage.

pub mod attachments;
pub mod bulk;
pub mod collections;
pub mod folders;
pub mod import;
pub mod item;
pub mod permissions;
pub mod stale;
pub mod trash;
pub mod types;
pub mod validate;
