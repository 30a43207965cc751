//! The table of every configuration key Kinwarden knows (SPEC §4).
//!
//! One table serves three jobs: it says which keys are known (so unknown ones can be warned
//! about), which ones hold secrets (so their values never reach a log or an error text), and it
//! is the source of the commented `global.override.env` written on first run.

/// One known configuration key.
#[derive(Debug, Clone, Copy)]
pub struct KeyDoc {
    /// The key as documented, e.g. `globalSettings__enableCloudCommunication`.
    pub name: &'static str,
    /// The default, as it would be written in the env file; empty when there is none.
    pub default: &'static str,
    /// One line saying what the key does.
    pub help: &'static str,
    /// Whether the value is a secret that must never be echoed.
    pub secret: bool,
}

const fn key(name: &'static str, default: &'static str, help: &'static str) -> KeyDoc {
    KeyDoc {
        name,
        default,
        help,
        secret: false,
    }
}

const fn secret(name: &'static str, help: &'static str) -> KeyDoc {
    KeyDoc {
        name,
        default: "",
        help,
        secret: true,
    }
}

pub const SELF_HOSTED: &str = "globalSettings__selfHosted";
pub const VAULT_URI: &str = "globalSettings__baseServiceUri__vault";
pub const CLOUD_REGION: &str = "globalSettings__baseServiceUri__cloudRegion";
pub const ENABLE_CLOUD_COMMUNICATION: &str = "globalSettings__enableCloudCommunication";
pub const INSTALLATION_ID: &str = "globalSettings__installation__id";
pub const INSTALLATION_KEY: &str = "globalSettings__installation__key";
pub const INSTALLATION_IDENTITY_URI: &str = "globalSettings__installation__identityUri";
pub const INSTALLATION_API_URI: &str = "globalSettings__installation__apiUri";
pub const PUSH_RELAY_BASE_URI: &str = "globalSettings__pushRelayBaseUri";
pub const DATABASE_PROVIDER: &str = "globalSettings__databaseProvider";
pub const SQLITE_CONNECTION_STRING: &str = "globalSettings__sqlite__connectionString";
pub const POSTGRES_CONNECTION_STRING: &str = "globalSettings__postgreSql__connectionString";
pub const MAIL_REPLY_TO: &str = "globalSettings__mail__replyToEmail";
pub const SMTP_HOST: &str = "globalSettings__mail__smtp__host";
pub const SMTP_PORT: &str = "globalSettings__mail__smtp__port";
pub const SMTP_SSL: &str = "globalSettings__mail__smtp__ssl";
pub const SMTP_STARTTLS: &str = "globalSettings__mail__smtp__startTls";
pub const SMTP_USERNAME: &str = "globalSettings__mail__smtp__username";
pub const SMTP_PASSWORD: &str = "globalSettings__mail__smtp__password";
pub const ENABLE_EMAIL_VERIFICATION: &str = "globalSettings__enableEmailVerification";
pub const DISABLE_USER_REGISTRATION: &str = "globalSettings__disableUserRegistration";
pub const ADMINS: &str = "adminSettings__admins";
pub const LICENSING_PUBLIC_KEY_PATH: &str = "globalSettings__licensing__publicKeyPath";
pub const LICENSE_CERTIFICATES: &str = "kinwarden__licenseCertificates";
pub const LISTEN: &str = "kinwarden__listen";
pub const TLS: &str = "kinwarden__tls";
pub const TLS_CERT: &str = "kinwarden__tlsCert";
pub const TLS_KEY: &str = "kinwarden__tlsKey";
pub const CLOUD_CA_FILE: &str = "kinwarden__cloudCaFile";
pub const CLOUD_TIMEOUT: &str = "kinwarden__cloudTimeout";
pub const CLOUD_ATTEMPTS: &str = "kinwarden__cloudAttempts";
pub const METRICS: &str = "kinwarden__metrics";
pub const PASSWORD_ITERATIONS: &str = "kinwarden__passwordIterations";
pub const LOGIN_RATE_LIMIT: &str = "kinwarden__loginRateLimit";
pub const PREMIUM_FOR_ALL: &str = "kinwarden__premiumForAll";
pub const LICENSE_AUTO_REFRESH: &str = "kinwarden__licenseAutoRefresh";
pub const TRASH_DAYS: &str = "kinwarden__trashDays";
pub const ATTACHMENT_MAX_SIZE: &str = "kinwarden__attachmentMaxSize";
pub const TRUSTED_PROXIES: &str = "kinwarden__trustedProxies";
pub const MAIL_RATE_LIMIT_PER_ADDRESS: &str = "kinwarden__mailRateLimitPerAddress";
pub const MAIL_RATE_LIMIT_PER_IP: &str = "kinwarden__mailRateLimitPerIp";
pub const ORGANIZATION_MAIL_PER_DAY: &str = "kinwarden__organizationMailPerDay";
pub const SYNC_DEBOUNCE: &str = "kinwarden__syncDebounce";
pub const SYNC_TIME: &str = "kinwarden__syncTime";
pub const LOG_FORMAT: &str = "kinwarden__logFormat";
pub const LOG_LEVEL: &str = "kinwarden__logLevel";

/// Every known key, in the order the env file lists them.
pub const KNOWN_KEYS: &[KeyDoc] = &[
    key(
        SELF_HOSTED,
        "true",
        "true = self-hosted server, false = cloud",
    ),
    key(
        VAULT_URI,
        "",
        "public URL of this server (e-mail links, /api/config); default https://<listen address>",
    ),
    key(
        CLOUD_REGION,
        "US",
        "US or EU: a cloud's own region; a self-hosted server's cloud region",
    ),
    key(
        ENABLE_CLOUD_COMMUNICATION,
        "false",
        "master switch for every call from this self-hosted server to its cloud",
    ),
    key(
        INSTALLATION_ID,
        "",
        "installation id issued by the cloud (host page or POST /api/installations)",
    ),
    secret(INSTALLATION_KEY, "installation key issued with the id"),
    key(
        INSTALLATION_IDENTITY_URI,
        "",
        "cloud identity; default derived from the region (US https://identity.bitwarden.com, EU https://identity.bitwarden.eu)",
    ),
    key(
        INSTALLATION_API_URI,
        "",
        "cloud api; default derived from the region (US https://api.bitwarden.com, EU https://api.bitwarden.eu)",
    ),
    key(
        PUSH_RELAY_BASE_URI,
        "",
        "push relay; default derived from the region (US https://push.bitwarden.com, EU https://push.bitwarden.eu)",
    ),
    key(DATABASE_PROVIDER, "sqlite", "sqlite or postgres"),
    key(
        SQLITE_CONNECTION_STRING,
        "db/vault.db",
        "SQLite file (a path, or Data Source=...); relative to bwdata",
    ),
    secret(
        POSTGRES_CONNECTION_STRING,
        "postgres://user:pass@host/db or Host=...;Username=...;Password=...;Database=...",
    ),
    key(MAIL_REPLY_TO, "", "From/Reply-To address of e-mails"),
    key(
        SMTP_HOST,
        "",
        "SMTP server; without it, e-mails are written to bwdata/mail/",
    ),
    key(SMTP_PORT, "25", "SMTP port"),
    key(SMTP_SSL, "false", "true = implicit TLS (usually port 465)"),
    key(SMTP_STARTTLS, "false", "true = require STARTTLS"),
    key(SMTP_USERNAME, "", "SMTP user name"),
    secret(SMTP_PASSWORD, "SMTP password"),
    key(
        ENABLE_EMAIL_VERIFICATION,
        "true",
        "sign-up sends an e-mail with a verification link",
    ),
    key(
        DISABLE_USER_REGISTRATION,
        "false",
        "true closes open sign-up (invites and sponsorship offers still work)",
    ),
    key(
        ADMINS,
        "",
        "comma-separated e-mails allowed into the System Administrator Portal (/admin)",
    ),
    key(
        LICENSING_PUBLIC_KEY_PATH,
        "core/licensing.pub.pem",
        "self-hosted: a public key (PEM) trusted for licenses, besides Bitwarden's built-in certificate; a missing file is no error",
    ),
    key(
        LICENSE_CERTIFICATES,
        "",
        "self-hosted: more certificates or public keys (PEM) trusted for licenses, comma-separated paths relative to bwdata/ (e.g. a Kinwarden cloud's core/licensing.cer.pem)",
    ),
    key(LISTEN, "127.0.0.1:8443", "address and port to listen on"),
    key(
        TLS,
        "auto",
        "auto (self-signed certificate under ssl/), files (kinwarden__tlsCert, kinwarden__tlsKey), off (plain HTTP behind a proxy)",
    ),
    key(
        TLS_CERT,
        "ssl/certificate.crt",
        "with kinwarden__tls=files: certificate chain (PEM)",
    ),
    key(
        TLS_KEY,
        "ssl/private.key",
        "with kinwarden__tls=files: private key (PEM)",
    ),
    key(
        CLOUD_CA_FILE,
        "",
        "extra CA certificates (PEM) trusted for calls to the cloud",
    ),
    key(METRICS, "false", "serve Prometheus metrics at /metrics"),
    key(
        PASSWORD_ITERATIONS,
        "600000",
        "server-side PBKDF2-SHA256 iterations over master password hashes (below 100000 only for tests)",
    ),
    key(
        PREMIUM_FOR_ALL,
        "false",
        "every account has premium features (attachments, TOTP codes); otherwise an organization whose plan or license gives its users premium does",
    ),
    key(
        LICENSE_AUTO_REFRESH,
        "false",
        "self-hosted: while fewer than 30 days are left on an organization's license, the daily license-refresh job fetches a fresh one through its billing sync connection (as Sync license does)",
    ),
    key(
        ATTACHMENT_MAX_SIZE,
        "500",
        "the largest attached file, in MiB of its encrypted form",
    ),
    key(
        TRASH_DAYS,
        "30",
        "days an item stays in the trash before the daily trash-purge job deletes it",
    ),
    key(
        LOGIN_RATE_LIMIT,
        "10/min",
        "password and API-key grants per IP and per account (N/sec, N/min, N/hour, or off)",
    ),
    key(
        MAIL_RATE_LIMIT_PER_ADDRESS,
        "5/hour",
        "requests that send mail to an address given in the request (sign-up verification, the Portal's login link, installations), per address (N/sec, N/min, N/hour, or off)",
    ),
    key(
        MAIL_RATE_LIMIT_PER_IP,
        "30/hour",
        "the same requests per client IP (N/sec, N/min, N/hour, or off)",
    ),
    key(
        ORGANIZATION_MAIL_PER_DAY,
        "100",
        "cloud: invitations and sponsorship offers one organization may send in 24 hours (at least twice its seats), or off",
    ),
    key(
        TRUSTED_PROXIES,
        "",
        "addresses of reverse proxies whose X-Forwarded-For names the client (comma-separated); none by default",
    ),
    key(
        CLOUD_TIMEOUT,
        "30s",
        "bound on one call to the cloud, connecting included (e.g. 30s, 2m)",
    ),
    key(
        CLOUD_ATTEMPTS,
        "3",
        "tries of a cloud call that failed in a passing way (unreachable, timeout, 502–504); 1 = no retry",
    ),
    key(
        SYNC_DEBOUNCE,
        "30s",
        "delay after the last sponsorship change before the automatic sync (e.g. 30s, 2m, off)",
    ),
    key(
        SYNC_TIME,
        "03:00",
        "UTC time of the daily billing sync (HH:MM)",
    ),
    key(LOG_FORMAT, "text", "text or json"),
    key(
        LOG_LEVEL,
        "info",
        "log filter (error, warn, info, debug, or a tracing filter such as kinwarden=debug)",
    ),
];

/// Finds a known key by name, ignoring case.
pub fn find(name: &str) -> Option<&'static KeyDoc> {
    KNOWN_KEYS
        .iter()
        .find(|doc| doc.name.eq_ignore_ascii_case(name))
}

/// Whether a key belongs to one of the namespaces Kinwarden reads.
pub fn is_ours(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["globalsettings__", "adminsettings__", "kinwarden__"]
        .iter()
        .any(|prefix| lower.starts_with(prefix))
}

/// The commented env file written on first run: every key with its default, commented out.
pub fn default_env_file() -> String {
    let mut out = String::from(
        "# Kinwarden configuration (SPEC §4).\n\
         # KEY=VALUE lines; keys are case-insensitive and the process environment wins over this file.\n\
         # Uncomment a line to change it, then apply with `kinwarden restart`.\n\
         # An empty value, REPLACE or SECRET means unset.\n",
    );
    for doc in KNOWN_KEYS {
        out.push_str("\n# ");
        out.push_str(doc.help);
        out.push_str("\n#");
        out.push_str(doc.name);
        out.push('=');
        out.push_str(doc.default);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_ignores_case() {
        let doc = find("GLOBALSETTINGS__ENABLECLOUDCOMMUNICATION").expect("known");
        assert_eq!(doc.name, ENABLE_CLOUD_COMMUNICATION);
        assert!(find("globalSettings__nothingLikeThis").is_none());
    }

    #[test]
    fn namespaces() {
        assert!(is_ours("GlobalSettings__x"));
        assert!(is_ours("adminSettings__admins"));
        assert!(is_ours("KINWARDEN__listen"));
        assert!(!is_ours("PATH"));
        assert!(!is_ours("globalSettings"));
    }

    #[test]
    fn default_file_lists_every_key_commented() {
        let text = default_env_file();
        for doc in KNOWN_KEYS {
            let line = format!("#{}={}\n", doc.name, doc.default);
            assert!(text.contains(&line), "missing {line}");
        }
        assert!(
            text.lines()
                .all(|line| line.is_empty() || line.starts_with('#')),
            "every line of the default file is a comment"
        );
    }

    #[test]
    fn names_are_unique() {
        for (i, a) in KNOWN_KEYS.iter().enumerate() {
            for b in &KNOWN_KEYS[i + 1..] {
                assert!(!a.name.eq_ignore_ascii_case(b.name), "{} twice", a.name);
            }
        }
    }
}
