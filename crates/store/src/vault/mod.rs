//! The vault's storage (SPEC §11): folders, items ("ciphers") with what each is to a user, and
//! their attachments' records. Each write moves the account revision date of every user it
//! concerns in the same transaction (reference vault §0.4), which is what tells a client's
//! `bw sync` that there is something to fetch.

mod attachments;
mod ciphers;
mod folders;
mod import;
mod trash;

pub use ciphers::{AttachmentRecord, CipherMarks, CipherRecord, UserCipher};
pub use folders::FolderRecord;

/// Moves the account revision date of `users` to `now_ms`, inside the caller's transaction. A
/// later date already stored (a clock step back) is kept: clients compare dates, and one that
/// goes backwards would hide a change.
macro_rules! bump_users {
    ($executor:expr, $users:expr, $now_ms:expr) => {
        for user in $users {
            sqlx::query(
                "UPDATE users SET revision_date = CASE WHEN revision_date > $2 \
                 THEN revision_date ELSE $2 END WHERE id = $1",
            )
            .bind(user.to_string())
            .bind($now_ms)
            .execute($executor)
            .await?;
        }
    };
}
pub(crate) use bump_users;

/// A list of ids as the JSON array the bulk statements take (the sync's own helper).
pub(crate) use crate::sync_bulk::ids_json;

/// `id IN (…the JSON array bound as ${n}…)`, for the backend.
pub(crate) fn in_json(backend: crate::Backend, column: &str, n: u8) -> String {
    match backend {
        crate::Backend::Sqlite => format!("{column} IN (SELECT value FROM json_each(${n}))"),
        crate::Backend::Postgres => {
            format!("{column} IN (SELECT jsonb_array_elements_text(${n}::jsonb))")
        }
    }
}
