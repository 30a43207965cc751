//! The vault's storage (SPEC §11): folders, items ("ciphers") with what each is to a user, and
//! their attachments' records. Each write moves the account revision date of every user it
//! concerns in the same transaction (reference vault §0.4), which is what tells a client's
//! `bw sync` that there is something to fetch.

mod attachments;
mod ciphers;
mod collections;
mod folders;
mod import;
mod org_ciphers;
mod sync_pages;
mod trash;

pub use ciphers::{AttachmentRecord, CipherMarks, CipherRecord, UserCipher};
pub use collections::{AccessLists, CollectionPath, CollectionRecord};
pub(crate) use collections::{insert_collection, upsert_collection_user};
pub use folders::FolderRecord;
pub use org_ciphers::OrgCipher;

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

/// Moves the account revision date of every confirmed member of the organization `$org` to
/// `now_ms` (a later date kept, as [`bump_users`]), inside the caller's transaction: what the
/// organization shares changed for them.
macro_rules! bump_organization {
    ($executor:expr, $org:expr, $now_ms:expr) => {
        sqlx::query(
            "UPDATE users SET revision_date = CASE WHEN revision_date > $2 \
             THEN revision_date ELSE $2 END WHERE id IN (SELECT user_id FROM organization_users \
             WHERE organization_id = $1 AND status = $3)",
        )
        .bind($org.to_string())
        .bind($now_ms)
        .bind(kinwarden_core::members::MemberStatus::Confirmed.code())
        .execute($executor)
        .await?;
    };
}
pub(crate) use bump_organization;

/// Moves the account revision date of the user holding membership `$member` (none for an
/// invitation) to `now_ms`, inside the caller's transaction: what they reach changed.
macro_rules! bump_member {
    ($executor:expr, $member:expr, $now_ms:expr) => {
        sqlx::query(
            "UPDATE users SET revision_date = CASE WHEN revision_date > $2 \
             THEN revision_date ELSE $2 END WHERE id IN (SELECT user_id FROM organization_users \
             WHERE id = $1)",
        )
        .bind($member.to_string())
        .bind($now_ms)
        .execute($executor)
        .await?;
    };
}
pub(crate) use bump_member;

/// Whose an item is, for the writes that name it: a user's personal item or an organization's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemOwner {
    User(kinwarden_core::ids::UserId),
    Organization(kinwarden_core::ids::OrganizationId),
}

impl ItemOwner {
    /// The `ciphers` column that names this owner.
    pub(crate) fn column(self) -> &'static str {
        match self {
            Self::User(_) => "user_id",
            Self::Organization(_) => "organization_id",
        }
    }

    pub(crate) fn id(self) -> String {
        match self {
            Self::User(id) => id.to_string(),
            Self::Organization(id) => id.to_string(),
        }
    }
}

/// Moves the revision date of whoever an item of `$owner` concerns (its user, or the
/// organization's confirmed members) inside the caller's transaction.
macro_rules! bump_owner {
    ($executor:expr, $owner:expr, $now_ms:expr) => {
        match $owner {
            $crate::vault::ItemOwner::User(user) => {
                $crate::vault::bump_users!($executor, &[user], $now_ms);
            }
            $crate::vault::ItemOwner::Organization(org) => {
                $crate::vault::bump_organization!($executor, org, $now_ms);
            }
        }
    };
}
pub(crate) use bump_owner;

/// A list of ids as the JSON array the bulk statements take (the sync's own helper).
pub(crate) use crate::sync_bulk::ids_json;

/// The JSON array of ids bound as `${n}` as a table `page (value, key)`, `key` being each id's
/// place in the array: for reads that go id by id in the caller's order. Written first and
/// joined with `CROSS JOIN`, SQLite keeps it as the outer loop and looks each row up by its
/// key; left to choose, without statistics, it took the owner's index and read every one of
/// the owner's rows for each page. PostgreSQL plans a `CROSS JOIN` like any inner join.
pub(crate) fn json_page(backend: crate::Backend, n: u8) -> String {
    match backend {
        crate::Backend::Sqlite => format!("json_each(${n}) AS page"),
        crate::Backend::Postgres => {
            format!("jsonb_array_elements_text(${n}::jsonb) WITH ORDINALITY AS page (value, key)")
        }
    }
}

/// `expr` of every row a statement selects, as one JSON array in `order`: a list of thousands
/// of ids then comes as one row. SQLite's driver hands each row from the connection's thread
/// to the caller on its own, a wake-up apiece, which cost a full sync more than the ids did.
pub(crate) fn json_array_of(backend: crate::Backend, expr: &str, order: &str) -> String {
    match backend {
        crate::Backend::Sqlite => format!("json_group_array({expr} ORDER BY {order})"),
        crate::Backend::Postgres => {
            format!("COALESCE(json_agg({expr} ORDER BY {order}), '[]'::json)::text")
        }
    }
}

/// `[a, b]` as a JSON array, for [`json_array_of`].
pub(crate) fn json_pair(backend: crate::Backend, a: &str, b: &str) -> String {
    match backend {
        crate::Backend::Sqlite => format!("json_array({a}, {b})"),
        crate::Backend::Postgres => format!("json_build_array({a}, {b})"),
    }
}

/// Reads what [`json_array_of`] made.
pub(crate) fn from_json_array<T: serde::de::DeserializeOwned>(
    json: &str,
) -> Result<Vec<T>, crate::StoreError> {
    serde_json::from_str(json)
        .map_err(|err| crate::StoreError::Database(sqlx::Error::Decode(Box::new(err))))
}

/// `id IN (…the JSON array bound as ${n}…)`, for the backend.
pub(crate) fn in_json(backend: crate::Backend, column: &str, n: u8) -> String {
    match backend {
        crate::Backend::Sqlite => format!("{column} IN (SELECT value FROM json_each(${n}))"),
        crate::Backend::Postgres => {
            format!("{column} IN (SELECT jsonb_array_elements_text(${n}::jsonb))")
        }
    }
}
