//! Accounts and their refresh tokens.

use kinwarden_core::ids::UserId;

use crate::column::typed;
use crate::error::conflict_or;
use crate::{Store, StoreError, on_pool};

/// An account as stored. Its `Debug` hides the password digest and salt, the API key and the
/// security stamp.
#[derive(Clone, sqlx::FromRow)]
pub struct UserRecord {
    #[sqlx(try_from = "String")]
    pub id: UserId,
    pub email: String,
    pub name: Option<String>,
    pub email_verified: bool,
    pub password_hash: String,
    pub password_salt: String,
    pub password_iterations: i32,
    pub master_password_hint: Option<String>,
    pub kdf: i32,
    pub kdf_iterations: i32,
    pub kdf_memory: Option<i32>,
    pub kdf_parallelism: Option<i32>,
    pub user_key: String,
    pub public_key: Option<String>,
    pub private_key: Option<String>,
    pub user_key_id: Option<String>,
    pub security_stamp: String,
    pub api_key: String,
    pub culture: String,
    pub revision_date: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("name", &self.name)
            .field("email_verified", &self.email_verified)
            .field("password_hash", &"***")
            .field("password_salt", &"***")
            .field("password_iterations", &self.password_iterations)
            .field("kdf", &self.kdf)
            .field("kdf_iterations", &self.kdf_iterations)
            .field("security_stamp", &"***")
            .field("api_key", &"***")
            .field("culture", &self.culture)
            .field("revision_date", &self.revision_date)
            .finish_non_exhaustive()
    }
}

/// What registration stores; the rest is set by the store.
pub type NewUser = UserRecord;

const USER_COLUMNS: &str = "id, email, name, email_verified, password_hash, password_salt, \
    password_iterations, master_password_hint, kdf, kdf_iterations, kdf_memory, kdf_parallelism, \
    user_key, public_key, private_key, user_key_id, security_stamp, api_key, culture, \
    revision_date, created_at, updated_at";

impl Store {
    /// Creates an account; [`StoreError::Conflict`] when the e-mail is taken.
    pub async fn create_user(&self, user: &NewUser) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO users ({USER_COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)"
        );
        on_pool!(self, pool => {
            sqlx::query(&sql)
                .bind(user.id.to_string())
                .bind(&user.email)
                .bind(&user.name)
                .bind(user.email_verified)
                .bind(&user.password_hash)
                .bind(&user.password_salt)
                .bind(user.password_iterations)
                .bind(&user.master_password_hint)
                .bind(user.kdf)
                .bind(user.kdf_iterations)
                .bind(user.kdf_memory)
                .bind(user.kdf_parallelism)
                .bind(&user.user_key)
                .bind(&user.public_key)
                .bind(&user.private_key)
                .bind(&user.user_key_id)
                .bind(&user.security_stamp)
                .bind(&user.api_key)
                .bind(&user.culture)
                .bind(user.revision_date)
                .bind(user.created_at)
                .bind(user.updated_at)
                .execute(pool)
                .await
                .map_err(conflict_or)?;
        });
        Ok(())
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
        let user = on_pool!(self, pool => {
            sqlx::query_as::<_, UserRecord>(&sql).bind(email).fetch_optional(pool).await?
        });
        Ok(user)
    }

    pub async fn user_by_id(&self, id: UserId) -> Result<Option<UserRecord>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let user = on_pool!(self, pool => {
            sqlx::query_as::<_, UserRecord>(&sql).bind(id.to_string()).fetch_optional(pool).await?
        });
        Ok(user)
    }

    /// Records the id of the account's user key, as clients report it.
    pub async fn set_user_key_id(
        &self,
        id: UserId,
        key_id: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            sqlx::query("UPDATE users SET user_key_id = $2, revision_date = $3, updated_at = $3 WHERE id = $1")
                .bind(id.to_string())
                .bind(key_id)
                .bind(now_ms)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(changed == 1)
    }

    /// The account's language setting (a BCP 47 tag such as `sv-SE`), chosen on the pages.
    pub async fn set_user_culture(
        &self,
        id: UserId,
        culture: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            sqlx::query("UPDATE users SET culture = $2, revision_date = $3, updated_at = $3 WHERE id = $1")
                .bind(id.to_string())
                .bind(culture)
                .bind(now_ms)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(changed == 1)
    }

    /// A new security stamp, and every refresh token of the account gone, in one transaction:
    /// access tokens and page sessions carry the old stamp and are refused from now on, and no
    /// refresh token is left to get new ones ("log out everywhere").
    pub async fn change_security_stamp(
        &self,
        id: UserId,
        stamp: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let changed = sqlx::query(
                "UPDATE users SET security_stamp = $2, revision_date = $3, updated_at = $3 WHERE id = $1",
            )
            .bind(id.to_string())
            .bind(stamp)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            sqlx::query("DELETE FROM refresh_tokens WHERE user_id = $1")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            changed
        });
        Ok(changed == 1)
    }

    /// A new user API key (the `client_secret` of `user.<id>`); the old one stops working.
    pub async fn set_user_api_key(
        &self,
        id: UserId,
        api_key: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            sqlx::query("UPDATE users SET api_key = $2, revision_date = $3, updated_at = $3 WHERE id = $1")
                .bind(id.to_string())
                .bind(api_key)
                .bind(now_ms)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(changed == 1)
    }

    pub async fn insert_refresh_token(
        &self,
        token_hash: &str,
        user_id: UserId,
        client_id: &str,
        device: Option<&str>,
        now_ms: i64,
        expires_ms: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO refresh_tokens (token_hash, user_id, client_id, device, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(token_hash)
            .bind(user_id.to_string())
            .bind(client_id)
            .bind(device)
            .bind(now_ms)
            .bind(expires_ms)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Uses up a refresh token: it is deleted as it is read, in one statement, so each works
    /// once even when two requests present it at the same moment (only the one whose DELETE
    /// removed the row gets it back). Answers the user id, client id and device it was issued
    /// to, if it existed and had not expired.
    pub async fn take_refresh_token(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<(UserId, String, Option<String>)>, StoreError> {
        let row = on_pool!(self, pool => {
            sqlx::query_as::<_, (String, String, Option<String>, i64)>(
                "DELETE FROM refresh_tokens WHERE token_hash = $1 \
                 RETURNING user_id, client_id, device, expires_at",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
        });
        row.filter(|(_, _, _, expires)| *expires > now_ms)
            .map(|(user, client, device, _)| Ok((typed(user)?, client, device)))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secrets() {
        let user = UserRecord {
            id: UserId::new(),
            email: "alice@example.com".into(),
            name: None,
            email_verified: true,
            password_hash: "digest-digest".into(),
            password_salt: "salty-salt".into(),
            password_iterations: 600_000,
            master_password_hint: None,
            kdf: 0,
            kdf_iterations: 600_000,
            kdf_memory: None,
            kdf_parallelism: None,
            user_key: "2.a|b|c".into(),
            public_key: None,
            private_key: None,
            user_key_id: None,
            security_stamp: "stamp-stamp".into(),
            api_key: "api-key-api-key".into(),
            culture: "en-US".into(),
            revision_date: 0,
            created_at: 0,
            updated_at: 0,
        };
        let printed = format!("{user:?}");
        for secret in [
            "digest-digest",
            "salty-salt",
            "stamp-stamp",
            "api-key-api-key",
        ] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert!(printed.contains("alice@example.com"), "{printed}");
    }
}
