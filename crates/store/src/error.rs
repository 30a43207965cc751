//! Storage errors. Their texts never carry connection strings or stored secrets.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot prepare the database file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Unsupported(&'static str),
    /// A unique constraint refused the write (the e-mail is taken, the member exists, …).
    #[error("already exists")]
    Conflict,
}

/// Turns a unique-constraint violation into [`StoreError::Conflict`], anything else as is.
pub(crate) fn conflict_or(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict,
        _ => StoreError::Database(err),
    }
}
