//! The raw floors of the vault figures, straight through the database driver on the server's own
//! database (its schema, its connection settings):
//!
//! - a sync's floor reads the rows the server's sync reads: the statements of
//!   `Store::personal_ciphers` (items with the user's marks, then attachments) and of
//!   `Store::folders_of`; the collections the user reaches with their access and their
//!   organization's item-deletion setting in one statement (where the server runs
//!   `collection_paths`, `collection_settings` and `collections_by_ids`); and the statements of
//!   `Store::ciphers_in_collections` (the organizations' items held by those collections with
//!   the user's marks, their attachments, the collection↔item links). It writes the answer's
//!   JSON by hand into one buffer: each item's stored document copied in twice, as the `data`
//!   string and, with the first letter of each key lower-cased in one pass over its bytes, as
//!   the item's fields; an organization's item with the rights its collections give and the
//!   ids of those collections. No parse tree, no HTTP, no TLS.
//! - an import's floor writes the same folders, items and marks for a new user in one
//!   transaction: on SQLite with one reused prepared statement per row, with multi-row
//!   `INSERT`s, and with one `json_each` statement per table (rows as JSON arrays), the fastest
//!   counting; on PostgreSQL one `unnest` statement per table.

/// Runs `$body` with `$pool` bound to the database's pool, whichever backend it is.
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            RawDb::Sqlite($pool) => $body,
            RawDb::Postgres($pool) => $body,
        }
    };
}

mod import;
mod sync;

pub use import::*;
pub use sync::*;
