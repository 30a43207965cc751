//! Database settings: which backend, and where (SPEC §4).

use std::path::{Path, PathBuf};

use crate::secret::Secret;

#[derive(Debug, Clone)]
pub enum DatabaseConfig {
    /// A SQLite file, already resolved against the data directory.
    Sqlite { path: PathBuf },
    /// A PostgreSQL URL (`postgres://…`), converted from the key=value form when needed.
    Postgres { url: Secret },
}

impl DatabaseConfig {
    pub fn provider_name(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "sqlite",
            Self::Postgres { .. } => "postgres",
        }
    }
}

/// `db/vault.db`, `/abs/path.db` or `Data Source=db/vault.db;Cache=Shared`.
pub fn sqlite_path(value: &str, bwdata: &Path) -> Result<PathBuf, String> {
    let path = if value.contains('=') {
        value
            .split(';')
            .filter_map(|part| part.split_once('='))
            .find(|(name, _)| {
                let name = name.trim().to_ascii_lowercase();
                name == "data source" || name == "datasource" || name == "filename"
            })
            .map(|(_, path)| path.trim().to_string())
            .ok_or_else(|| "expected a file path or Data Source=<path>".to_string())?
    } else {
        value.to_string()
    };
    if path.is_empty() {
        return Err("the SQLite path is empty".to_string());
    }
    Ok(crate::resolve_path(bwdata, &path))
}

/// Accepts a `postgres://` URL, or the `Host=…;Port=…;Username=…;Password=…;Database=…` form
/// that Bitwarden's own configuration uses, and gives a URL. Never quotes the value back, since it
/// may carry a password.
pub fn postgres_url(value: &str) -> Result<String, String> {
    if value.starts_with("postgres://") || value.starts_with("postgresql://") {
        return url::Url::parse(value)
            .map(|_| value.to_string())
            .map_err(|err| format!("not a valid postgres:// URL ({err})"));
    }
    if !value.contains('=') {
        return Err(
            "expected postgres://user:pass@host:port/db or Host=...;Username=...;Database=..."
                .to_string(),
        );
    }
    let mut url = url::Url::parse("postgres://localhost").map_err(|err| err.to_string())?;
    let mut port: Option<u16> = None;
    let mut database = String::new();
    let mut params: Vec<(String, String)> = Vec::new();
    for part in value.split(';').filter(|part| !part.trim().is_empty()) {
        let (name, val) = part
            .split_once('=')
            .ok_or_else(|| "each part must be Name=Value".to_string())?;
        let val = val.trim();
        match name.trim().to_ascii_lowercase().replace(' ', "").as_str() {
            "host" | "server" => url
                .set_host(Some(val))
                .map_err(|_| "Host is not a valid host name".to_string())?,
            "port" => {
                port = Some(
                    val.parse()
                        .map_err(|_| "Port is not a number".to_string())?,
                )
            }
            "username" | "userid" | "user" => url
                .set_username(val)
                .map_err(|_| "Username cannot be used".to_string())?,
            "password" => url
                .set_password(Some(val))
                .map_err(|_| "Password cannot be used".to_string())?,
            "database" => database = val.to_string(),
            "sslmode" => params.push(("sslmode".to_string(), val.to_ascii_lowercase())),
            // Pooling and timeout options of the .NET driver have no meaning here.
            _ => {}
        }
    }
    url.set_port(port)
        .map_err(|_| "Port cannot be used".to_string())?;
    url.set_path(&database);
    for (name, val) in params {
        url.query_pairs_mut().append_pair(&name, &val);
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths() {
        let bw = Path::new("/srv/bwdata");
        assert_eq!(
            sqlite_path("db/vault.db", bw),
            Ok(PathBuf::from("/srv/bwdata/db/vault.db"))
        );
        assert_eq!(
            sqlite_path("Data Source=/tmp/x.db;Cache=Shared", bw),
            Ok(PathBuf::from("/tmp/x.db"))
        );
        assert!(sqlite_path("Cache=Shared", bw).is_err());
    }

    #[test]
    fn postgres_forms() {
        assert_eq!(
            postgres_url("postgres://root@127.0.0.1:5432/test"),
            Ok("postgres://root@127.0.0.1:5432/test".to_string())
        );
        let url = postgres_url("Host=db;Port=5433;Username=bw;Password=p@ss;Database=vault")
            .expect("converts");
        assert_eq!(url, "postgres://bw:p%40ss@db:5433/vault");
        let err = postgres_url("hunter2").expect_err("not a connection string");
        assert!(!err.contains("hunter2"));
    }
}
