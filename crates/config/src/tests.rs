//! Tests of the whole configuration: defaults, derivations, and errors that name the key.

use super::*;

fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let mut raw = RawSettings::default();
    for (name, value) in pairs {
        raw.set(name, value, Origin::EnvFile);
    }
    Config::from_raw(Path::new("/srv/bwdata"), &raw)
}

#[test]
fn defaults_are_a_self_hosted_us_server_on_sqlite() {
    let config = config(&[]).expect("defaults are valid");
    assert_eq!(config.mode, Mode::SelfHosted);
    assert_eq!(config.cloud_region, Region::Us);
    assert!(!config.enable_cloud_communication);
    assert_eq!(
        config.installation.identity_uri.as_str(),
        "https://identity.bitwarden.com/"
    );
    assert_eq!(
        config.installation.api_uri.as_str(),
        "https://api.bitwarden.com/"
    );
    assert_eq!(
        config.push_relay_base_uri.as_str(),
        "https://push.bitwarden.com/"
    );
    assert!(matches!(
        &config.database,
        DatabaseConfig::Sqlite { path } if path == Path::new("/srv/bwdata/db/vault.db")
    ));
    assert_eq!(config.listen.to_string(), "127.0.0.1:8443");
    assert_eq!(config.tls, TlsMode::Auto);
    assert_eq!(config.password_iterations, 600_000);
    assert_eq!(
        config.login_rate_limit,
        Some(RateLimit {
            count: 10,
            window: Duration::from_secs(60)
        })
    );
    assert_eq!(
        config.mail_rate_limit_per_address,
        Some(RateLimit {
            count: 5,
            window: Duration::from_secs(3600)
        })
    );
    assert_eq!(config.organization_mail_per_day, Some(100));
    assert_eq!(config.sync_debounce, Some(Duration::from_secs(30)));
    assert_eq!(config.sync_time_minutes, 180);
    assert_eq!(
        config.licensing_public_key_path,
        Path::new("/srv/bwdata/core/licensing.pub.pem")
    );
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
}

#[test]
fn eu_region_derives_eu_uris() {
    let config = config(&[("globalSettings__baseServiceUri__cloudRegion", "EU")]).expect("valid");
    assert_eq!(config.cloud_region, Region::Eu);
    assert_eq!(
        config.installation.identity_uri.as_str(),
        "https://identity.bitwarden.eu/"
    );
    assert_eq!(
        config.installation.api_uri.as_str(),
        "https://api.bitwarden.eu/"
    );
    assert_eq!(
        config.push_relay_base_uri.as_str(),
        "https://push.bitwarden.eu/"
    );
    assert!(config.warnings.is_empty());
}

#[test]
fn explicit_uris_win_over_the_region() {
    let config = config(&[
        (
            "globalSettings__installation__identityUri",
            "https://127.0.0.1:9443/identity",
        ),
        (
            "globalSettings__installation__apiUri",
            "https://127.0.0.1:9443/api/",
        ),
    ])
    .expect("valid");
    assert_eq!(
        config.installation.identity_uri.as_str(),
        "https://127.0.0.1:9443/identity"
    );
    assert!(config.region_contradictions().is_empty());
}

#[test]
fn region_contradiction_is_a_warning_naming_both_values() {
    let config = config(&[
        ("globalSettings__baseServiceUri__cloudRegion", "EU"),
        (
            "globalSettings__installation__identityUri",
            "https://identity.bitwarden.com",
        ),
    ])
    .expect("still starts");
    let found = config.region_contradictions();
    assert_eq!(found.len(), 1);
    assert!(found[0].contains("globalSettings__baseServiceUri__cloudRegion=EU"));
    assert!(found[0].contains("identity.bitwarden.com"));
    assert!(config.warnings.iter().any(|w| w == &found[0]));
}

#[test]
fn malformed_known_key_names_the_key() {
    let err = config(&[("globalSettings__enableCloudCommunication", "maybe")]).expect_err("bad");
    assert_eq!(err.key(), Some(keys::ENABLE_CLOUD_COMMUNICATION));
    let text = err.to_string();
    assert!(
        text.starts_with("globalSettings__enableCloudCommunication:"),
        "{text}"
    );
    assert!(text.contains("true or false"), "{text}");
}

#[test]
fn every_kind_of_malformed_value_is_refused() {
    let cases: &[(&str, &str)] = &[
        (keys::SELF_HOSTED, "yes"),
        (keys::CLOUD_REGION, "APAC"),
        (keys::INSTALLATION_ID, "not-a-uuid"),
        (keys::INSTALLATION_IDENTITY_URI, "identity.bitwarden.eu"),
        (keys::DATABASE_PROVIDER, "mssql"),
        (keys::SMTP_PORT, "smtp"),
        (keys::LISTEN, "localhost"),
        (keys::TLS, "maybe"),
        (keys::PASSWORD_ITERATIONS, "-5"),
        (keys::LOGIN_RATE_LIMIT, "lots"),
        (keys::TRUSTED_PROXIES, "10.0.0.1, proxy.local"),
        (keys::SYNC_DEBOUNCE, "soon"),
        (keys::SYNC_TIME, "25:00"),
        (keys::LOG_FORMAT, "xml"),
    ];
    for (key, value) in cases {
        let mut pairs = vec![(*key, *value)];
        if *key == keys::SMTP_PORT {
            pairs.push((keys::SMTP_HOST, "mail.example.com"));
        }
        let err = config(&pairs).expect_err(key);
        assert_eq!(err.key(), Some(*key), "{key}={value}: {err}");
    }
}

#[test]
fn postgres_needs_a_connection_string_and_hides_it() {
    let err = config(&[("globalSettings__databaseProvider", "postgres")]).expect_err("missing");
    assert_eq!(err.key(), Some(keys::POSTGRES_CONNECTION_STRING));
    let config = config(&[
        ("globalSettings__databaseProvider", "postgres"),
        (
            "globalSettings__postgreSql__connectionString",
            "postgres://u:hunter2@db/vault",
        ),
    ])
    .expect("valid");
    assert!(!format!("{config:?}").contains("hunter2"));
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let config = config(&[
        ("globalSettings__installation__key", "k3y-value"),
        ("globalSettings__mail__smtp__host", "smtp.example.com"),
        ("globalSettings__mail__smtp__password", "smtp-pass"),
    ])
    .expect("valid");
    let text = format!("{config:?}");
    assert!(!text.contains("k3y-value"));
    assert!(!text.contains("smtp-pass"));
}

#[test]
fn unknown_keys_warn_and_are_ignored() {
    let config = config(&[("globalSettings__somethingNew", "1")]).expect("still valid");
    assert_eq!(config.warnings.len(), 1);
    assert!(config.warnings[0].contains("globalSettings__somethingNew"));
}

#[test]
fn admins_are_a_trimmed_lowercase_list() {
    let config = config(&[(
        "adminSettings__admins",
        " Ops@Example.com, ,root@example.com",
    )])
    .expect("valid");
    assert_eq!(config.admins, vec!["ops@example.com", "root@example.com"]);
}

#[test]
fn low_iterations_warn() {
    let config = config(&[("kinwarden__passwordIterations", "1000")]).expect("valid");
    assert!(
        config
            .warnings
            .iter()
            .any(|w| w.contains("kinwarden__passwordIterations"))
    );
}

#[test]
fn tls_files_resolve_relative_to_bwdata() {
    let config = config(&[
        ("kinwarden__tls", "files"),
        ("kinwarden__tlsCert", "/etc/ssl/x.pem"),
    ])
    .expect("valid");
    assert_eq!(
        config.tls,
        TlsMode::Files {
            cert: PathBuf::from("/etc/ssl/x.pem"),
            key: PathBuf::from("/srv/bwdata/ssl/private.key"),
        }
    );
}

/// Robustness: any value for any key, and any bytes as the env file, give a configuration or an
/// error naming the problem, never a panic.
mod robustness {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_values_for_known_keys(
            values in prop::collection::vec((any::<prop::sample::Index>(), ".{0,40}"), 0..8)
        ) {
            let pairs: Vec<(&str, &str)> = values
                .iter()
                .map(|(index, value)| (index.get(keys::KNOWN_KEYS).name, value.as_str()))
                .collect();
            let _ = config(&pairs);
        }

        #[test]
        fn any_env_file(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let dir = tempfile::tempdir().expect("temp dir");
            let file = env_file_path(dir.path());
            std::fs::create_dir_all(dir.path().join("env")).expect("env dir");
            std::fs::write(file, &bytes).expect("env file");
            let _ = Config::load(dir.path(), Vec::<(String, String)>::new());
        }

        #[test]
        fn any_lines_of_known_keys(
            lines in prop::collection::vec((any::<prop::sample::Index>(), "[ -~]{0,30}"), 0..6)
        ) {
            let text: String = lines
                .iter()
                .map(|(index, value)| format!("{}={value}\n", index.get(keys::KNOWN_KEYS).name))
                .collect();
            let dir = tempfile::tempdir().expect("temp dir");
            let file = env_file_path(dir.path());
            std::fs::create_dir_all(dir.path().join("env")).expect("env dir");
            std::fs::write(file, text).expect("env file");
            let _ = Config::load(dir.path(), Vec::<(String, String)>::new());
        }
    }
}

#[test]
fn license_certificates_are_paths_under_bwdata() {
    let config = config(&[(
        "kinwarden__licenseCertificates",
        " certs/a.pem, /etc/b.pem ,,",
    )])
    .expect("valid");
    assert_eq!(
        config.license_certificates,
        vec![
            Path::new("/srv/bwdata/certs/a.pem").to_path_buf(),
            Path::new("/etc/b.pem").to_path_buf()
        ]
    );
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
}
