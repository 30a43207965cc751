//! Kinwarden's configuration (SPEC §4): read once from `bwdata/env/global.override.env` and the
//! process environment, validated into one typed [`Config`] that the program passes around.

mod database;
mod error;
pub mod keys;
mod parse;
mod region;
mod secret;
mod source;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use url::Url;
use uuid::Uuid;

pub use database::DatabaseConfig;
pub use error::ConfigError;
pub use region::Region;
pub use secret::Secret;
pub use source::{Origin, RawSettings};

/// Whether this server is a cloud or a self-hosted server (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    SelfHosted,
    Cloud,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SelfHosted => "self-hosted",
            Self::Cloud => "cloud",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsMode {
    /// A local CA and a leaf certificate made under `ssl/` on first run.
    Auto,
    /// Given PEM files.
    Files { cert: PathBuf, key: PathBuf },
    /// Plain HTTP, for use behind a proxy that terminates TLS.
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// The installation this self-hosted server is, as the cloud knows it.
#[derive(Debug, Clone)]
pub struct InstallationSettings {
    pub id: Option<Uuid>,
    pub key: Option<Secret>,
    pub identity_uri: Url,
    pub api_uri: Url,
}

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub ssl: bool,
    pub start_tls: bool,
    pub username: Option<String>,
    pub password: Option<Secret>,
}

#[derive(Debug, Clone)]
pub struct MailSettings {
    pub reply_to: Option<String>,
    /// `None`: messages are written to `bwdata/mail/`.
    pub smtp: Option<SmtpSettings>,
}

/// A limit of `count` attempts per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub count: u32,
    pub window: Duration,
}

/// The whole configuration, validated.
#[derive(Debug, Clone)]
pub struct Config {
    pub bwdata: PathBuf,
    pub mode: Mode,
    /// Set explicitly; otherwise the vault URL is derived from the address actually bound.
    pub vault_uri: Option<Url>,
    pub cloud_region: Region,
    pub enable_cloud_communication: bool,
    pub installation: InstallationSettings,
    pub push_relay_base_uri: Url,
    pub database: DatabaseConfig,
    pub mail: MailSettings,
    pub enable_email_verification: bool,
    pub disable_user_registration: bool,
    pub admins: Vec<String>,
    pub licensing_public_key_path: PathBuf,
    /// More certificates or public keys (PEM) trusted for licenses, resolved against bwdata/.
    pub license_certificates: Vec<PathBuf>,
    pub listen: SocketAddr,
    pub tls: TlsMode,
    pub cloud_ca_file: Option<PathBuf>,
    pub metrics: bool,
    /// Every account has premium features (attachments, TOTP codes).
    pub premium_for_all: bool,
    /// Self-hosted: fetch a fresh license daily while fewer than 30 days are left (SPEC §12).
    pub license_auto_refresh: bool,
    /// Days an item stays in the trash before the trash-purge job deletes it.
    pub trash_days: u32,
    /// The largest attached file, in bytes.
    pub attachment_max_bytes: i64,
    pub password_iterations: u32,
    pub login_rate_limit: Option<RateLimit>,
    /// Requests that mail an address named in the request, per address and per client IP.
    pub mail_rate_limit_per_address: Option<RateLimit>,
    pub mail_rate_limit_per_ip: Option<RateLimit>,
    /// Cloud: invitations and offers per organization per 24 hours (see
    /// `kinwarden_core::mail_allowance`); `None` when off.
    pub organization_mail_per_day: Option<u32>,
    /// Proxies whose `X-Forwarded-For` is believed; a request from any other address is its
    /// own client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub sync_debounce: Option<Duration>,
    /// Bound on one call to the cloud.
    pub cloud_timeout: Duration,
    /// Tries of a call that failed transiently (at least 1).
    pub cloud_attempts: u32,
    /// Minutes after midnight UTC.
    pub sync_time_minutes: u32,
    pub log_format: LogFormat,
    pub log_level: String,
    /// Things worth an admin's attention that do not stop start-up.
    pub warnings: Vec<String>,
}

/// The env file's place inside a data directory.
pub fn env_file_path(bwdata: &Path) -> PathBuf {
    bwdata.join("env").join("global.override.env")
}

/// A relative path in the configuration is relative to the data directory (SPEC §3).
pub fn resolve_path(bwdata: &Path, value: &str) -> PathBuf {
    let path = Path::new(value);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        bwdata.join(path)
    }
}

impl Config {
    /// Reads the env file of `bwdata` with the given process environment on top.
    pub fn load<I>(bwdata: &Path, environment: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        let mut raw = RawSettings::from_env_file(&env_file_path(bwdata))?;
        raw.overlay_environment(environment);
        Self::from_raw(bwdata, &raw)
    }

    /// Validates raw settings. The first malformed known key stops it.
    pub fn from_raw(bwdata: &Path, raw: &RawSettings) -> Result<Self, ConfigError> {
        let bool_key = |key: &'static str, default: bool| -> Result<bool, ConfigError> {
            raw.get(key).map_or(Ok(default), |value| {
                parse::boolean(value).map_err(|problem| ConfigError::invalid(key, problem))
            })
        };
        let uri_key = |key: &'static str| -> Result<Option<Url>, ConfigError> {
            raw.get(key)
                .map(|value| {
                    parse::uri(value).map_err(|problem| ConfigError::invalid(key, problem))
                })
                .transpose()
        };
        let path_key = |key: &'static str, default: &str| -> PathBuf {
            resolve_path(bwdata, raw.get(key).unwrap_or(default))
        };

        let mode = if bool_key(keys::SELF_HOSTED, true)? {
            Mode::SelfHosted
        } else {
            Mode::Cloud
        };
        let cloud_region = raw
            .get(keys::CLOUD_REGION)
            .map(|value| {
                Region::parse(value)
                    .map_err(|problem| ConfigError::invalid(keys::CLOUD_REGION, problem))
            })
            .transpose()?
            .unwrap_or(Region::Us);

        let installation = InstallationSettings {
            id: raw
                .get(keys::INSTALLATION_ID)
                .map(|value| {
                    Uuid::parse_str(value).map_err(|_| {
                        ConfigError::invalid(
                            keys::INSTALLATION_ID,
                            format!("expected a UUID such as the cloud issued, got {value:?}"),
                        )
                    })
                })
                .transpose()?,
            key: raw.get(keys::INSTALLATION_KEY).map(Secret::new),
            identity_uri: uri_key(keys::INSTALLATION_IDENTITY_URI)?
                .unwrap_or_else(|| cloud_region.default_uri("identity")),
            api_uri: uri_key(keys::INSTALLATION_API_URI)?
                .unwrap_or_else(|| cloud_region.default_uri("api")),
        };
        let push_relay_base_uri =
            uri_key(keys::PUSH_RELAY_BASE_URI)?.unwrap_or_else(|| cloud_region.default_uri("push"));

        let database = match raw
            .get(keys::DATABASE_PROVIDER)
            .unwrap_or("sqlite")
            .to_ascii_lowercase()
            .as_str()
        {
            "sqlite" => DatabaseConfig::Sqlite {
                path: database::sqlite_path(
                    raw.get(keys::SQLITE_CONNECTION_STRING)
                        .unwrap_or("db/vault.db"),
                    bwdata,
                )
                .map_err(|problem| ConfigError::invalid(keys::SQLITE_CONNECTION_STRING, problem))?,
            },
            "postgres" | "postgresql" => {
                let value = raw.get(keys::POSTGRES_CONNECTION_STRING).ok_or_else(|| {
                    ConfigError::invalid(
                        keys::POSTGRES_CONNECTION_STRING,
                        "must be set when globalSettings__databaseProvider=postgres",
                    )
                })?;
                DatabaseConfig::Postgres {
                    url: Secret::new(database::postgres_url(value).map_err(|problem| {
                        ConfigError::invalid(keys::POSTGRES_CONNECTION_STRING, problem)
                    })?),
                }
            }
            other => {
                return Err(ConfigError::invalid(
                    keys::DATABASE_PROVIDER,
                    format!("expected sqlite or postgres, got {other:?}"),
                ));
            }
        };

        let smtp = match raw.get(keys::SMTP_HOST) {
            None => None,
            Some(host) => Some(SmtpSettings {
                host: host.to_string(),
                port: raw
                    .get(keys::SMTP_PORT)
                    .map(|value| {
                        value.parse::<u16>().map_err(|_| {
                            ConfigError::invalid(
                                keys::SMTP_PORT,
                                format!("expected a port number, got {value:?}"),
                            )
                        })
                    })
                    .transpose()?
                    .unwrap_or(25),
                ssl: bool_key(keys::SMTP_SSL, false)?,
                start_tls: bool_key(keys::SMTP_STARTTLS, false)?,
                username: raw.get(keys::SMTP_USERNAME).map(str::to_string),
                password: raw.get(keys::SMTP_PASSWORD).map(Secret::new),
            }),
        };

        let listen_text = raw.get(keys::LISTEN).unwrap_or("127.0.0.1:8443");
        let listen: SocketAddr = listen_text.parse().map_err(|_| {
            ConfigError::invalid(
                keys::LISTEN,
                format!("expected ADDRESS:PORT such as 127.0.0.1:8443, got {listen_text:?}"),
            )
        })?;

        let tls = match raw
            .get(keys::TLS)
            .unwrap_or("auto")
            .to_ascii_lowercase()
            .as_str()
        {
            "auto" => TlsMode::Auto,
            "off" => TlsMode::Off,
            "files" => TlsMode::Files {
                cert: path_key(keys::TLS_CERT, "ssl/certificate.crt"),
                key: path_key(keys::TLS_KEY, "ssl/private.key"),
            },
            other => {
                return Err(ConfigError::invalid(
                    keys::TLS,
                    format!("expected auto, files or off, got {other:?}"),
                ));
            }
        };

        let password_iterations = match raw.get(keys::PASSWORD_ITERATIONS) {
            None => 600_000,
            Some(value) => value
                .parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| {
                    ConfigError::invalid(
                        keys::PASSWORD_ITERATIONS,
                        format!("expected a positive whole number, got {value:?}"),
                    )
                })?,
        };

        let trash_days = match raw.get(keys::TRASH_DAYS) {
            None => 30,
            Some(value) => value
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|days| *days >= 1)
                .ok_or_else(|| {
                    ConfigError::invalid(
                        keys::TRASH_DAYS,
                        format!("expected a positive whole number of days, got {value:?}"),
                    )
                })?,
        };

        // MiB, as admins think of files; at most 100 GiB, so the bytes never overflow.
        let attachment_max_bytes = match raw.get(keys::ATTACHMENT_MAX_SIZE) {
            None => 500 * 1024 * 1024,
            Some(value) => value
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|mib| (1..=100 * 1024).contains(mib))
                .map(|mib| mib * 1024 * 1024)
                .ok_or_else(|| {
                    ConfigError::invalid(
                        keys::ATTACHMENT_MAX_SIZE,
                        format!("expected a whole number of MiB from 1 to 102400, got {value:?}"),
                    )
                })?,
        };

        let login_rate_limit =
            parse::rate_limit(raw.get(keys::LOGIN_RATE_LIMIT).unwrap_or("10/min"))
                .map_err(|problem| ConfigError::invalid(keys::LOGIN_RATE_LIMIT, problem))?
                .map(|(count, window)| RateLimit { count, window });
        let mail_rate_limit = |key: &'static str, default: &'static str| {
            parse::rate_limit(raw.get(key).unwrap_or(default))
                .map_err(|problem| ConfigError::invalid(key, problem))
                .map(|limit| limit.map(|(count, window)| RateLimit { count, window }))
        };
        let mail_rate_limit_per_address =
            mail_rate_limit(keys::MAIL_RATE_LIMIT_PER_ADDRESS, "5/hour")?;
        let mail_rate_limit_per_ip = mail_rate_limit(keys::MAIL_RATE_LIMIT_PER_IP, "30/hour")?;
        let organization_mail_per_day = match raw
            .get(keys::ORGANIZATION_MAIL_PER_DAY)
            .unwrap_or("100")
            .trim()
        {
            off if off.eq_ignore_ascii_case("off") => None,
            value => Some(
                value
                    .parse::<u32>()
                    .ok()
                    .filter(|count| *count >= 1)
                    .ok_or_else(|| {
                        ConfigError::invalid(
                            keys::ORGANIZATION_MAIL_PER_DAY,
                            format!("expected a positive whole number or off, got {value:?}"),
                        )
                    })?,
            ),
        };
        let trusted_proxies = raw
            .get(keys::TRUSTED_PROXIES)
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(|text| {
                text.parse().map_err(|_| {
                    ConfigError::invalid(
                        keys::TRUSTED_PROXIES,
                        format!("{text:?} is not an IP address"),
                    )
                })
            })
            .collect::<Result<Vec<std::net::IpAddr>, _>>()?;
        let sync_debounce = parse::optional_duration(raw.get(keys::SYNC_DEBOUNCE).unwrap_or("30s"))
            .map_err(|problem| ConfigError::invalid(keys::SYNC_DEBOUNCE, problem))?;
        let cloud_timeout = parse::optional_duration(raw.get(keys::CLOUD_TIMEOUT).unwrap_or("30s"))
            .map_err(|problem| ConfigError::invalid(keys::CLOUD_TIMEOUT, problem))?
            .ok_or_else(|| {
                ConfigError::invalid(
                    keys::CLOUD_TIMEOUT,
                    "a call to the cloud needs a bound".to_string(),
                )
            })?;
        let cloud_attempts = raw
            .get(keys::CLOUD_ATTEMPTS)
            .unwrap_or("3")
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|attempts| (1..=10).contains(attempts))
            .ok_or_else(|| {
                ConfigError::invalid(
                    keys::CLOUD_ATTEMPTS,
                    "expected a whole number from 1 to 10".to_string(),
                )
            })?;
        let sync_time_minutes = parse::time_of_day(raw.get(keys::SYNC_TIME).unwrap_or("03:00"))
            .map_err(|problem| ConfigError::invalid(keys::SYNC_TIME, problem))?;
        let log_format = match raw
            .get(keys::LOG_FORMAT)
            .unwrap_or("text")
            .to_ascii_lowercase()
            .as_str()
        {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => {
                return Err(ConfigError::invalid(
                    keys::LOG_FORMAT,
                    format!("expected text or json, got {other:?}"),
                ));
            }
        };

        let admins = raw
            .get(keys::ADMINS)
            .map(|value| {
                value
                    .split(',')
                    .map(|email| email.trim().to_ascii_lowercase())
                    .filter(|email| !email.is_empty())
                    .collect()
            })
            .unwrap_or_default();

        let mut config = Config {
            bwdata: bwdata.to_path_buf(),
            mode,
            vault_uri: uri_key(keys::VAULT_URI)?,
            cloud_region,
            enable_cloud_communication: bool_key(keys::ENABLE_CLOUD_COMMUNICATION, false)?,
            installation,
            push_relay_base_uri,
            database,
            mail: MailSettings {
                reply_to: raw.get(keys::MAIL_REPLY_TO).map(str::to_string),
                smtp,
            },
            enable_email_verification: bool_key(keys::ENABLE_EMAIL_VERIFICATION, true)?,
            disable_user_registration: bool_key(keys::DISABLE_USER_REGISTRATION, false)?,
            admins,
            licensing_public_key_path: path_key(
                keys::LICENSING_PUBLIC_KEY_PATH,
                "core/licensing.pub.pem",
            ),
            license_certificates: raw
                .get(keys::LICENSE_CERTIFICATES)
                .map(|value| {
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|path| !path.is_empty())
                        .map(|path| resolve_path(bwdata, path))
                        .collect()
                })
                .unwrap_or_default(),
            listen,
            tls,
            cloud_ca_file: raw
                .get(keys::CLOUD_CA_FILE)
                .map(|value| resolve_path(bwdata, value)),
            metrics: bool_key(keys::METRICS, false)?,
            premium_for_all: bool_key(keys::PREMIUM_FOR_ALL, false)?,
            license_auto_refresh: bool_key(keys::LICENSE_AUTO_REFRESH, false)?,
            trash_days,
            attachment_max_bytes,
            password_iterations,
            login_rate_limit,
            mail_rate_limit_per_address,
            mail_rate_limit_per_ip,
            organization_mail_per_day,
            trusted_proxies,
            sync_debounce,
            cloud_timeout,
            cloud_attempts,
            sync_time_minutes,
            log_format,
            log_level: raw.get(keys::LOG_LEVEL).unwrap_or("info").to_string(),
            warnings: Vec::new(),
        };
        config.warnings = config.collect_warnings(raw);
        Ok(config)
    }

    /// Problems that do not stop start-up: unknown keys, a region that contradicts the URIs,
    /// a weak iteration count.
    fn collect_warnings(&self, raw: &RawSettings) -> Vec<String> {
        let mut warnings: Vec<String> = raw
            .unknown_keys()
            .into_iter()
            .map(|(name, origin)| {
                let place = match origin {
                    Origin::EnvFile => "in the env file",
                    Origin::Environment => "in the environment",
                    Origin::Override => "set by the program",
                };
                format!("unknown key {name} ({place}) is ignored")
            })
            .collect();
        warnings.extend(self.region_contradictions());
        if self.password_iterations < 100_000 {
            warnings.push(format!(
                "{} is {}: below 100000 is meant only for tests and benchmarks",
                keys::PASSWORD_ITERATIONS,
                self.password_iterations
            ));
        }
        warnings
    }

    /// Each configured cloud URI whose host belongs to the other region (SPEC §4). Hosts of no
    /// known region (a private or test cloud) contradict nothing.
    pub fn region_contradictions(&self) -> Vec<String> {
        [
            (keys::INSTALLATION_IDENTITY_URI, &self.installation.identity_uri),
            (keys::INSTALLATION_API_URI, &self.installation.api_uri),
            (keys::PUSH_RELAY_BASE_URI, &self.push_relay_base_uri),
        ]
        .into_iter()
        .filter_map(|(key, uri)| {
            let host_region = Region::of_host(uri)?;
            (host_region != self.cloud_region).then(|| {
                format!(
                    "{}={} but {key}={uri} is a {host_region} host; set both to the region of your cloud organization",
                    keys::CLOUD_REGION,
                    self.cloud_region,
                )
            })
        })
        .collect()
    }
}

#[cfg(test)]
mod tests;
