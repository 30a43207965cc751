//! The raw floors of the vault figures, straight through the database driver on the server's own
//! database (its schema, its connection settings):
//!
//! - a sync's floor reads the rows `Store::personal_ciphers` reads (the same two statements,
//!   items with the user's marks, then attachments) and the user's folders, and writes the
//!   answer's JSON by hand into one buffer: each item's stored document copied in twice, as the
//!   `data` string and, with the first letter of each key lower-cased in one pass over its
//!   bytes, as the item's fields. No parse tree, no HTTP, no TLS.
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
