//! What ends or limits a session: a refresh token used once even when raced, a mailed code
//! that stops working after five wrong guesses, log out everywhere and a rotated API key.

use kinwarden_testkit::{ClientAccount, Kdf, TestServer, backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{login, register};

/// A refresh token presented by several requests at the same moment is honoured once: only one
/// of them gets new tokens (on PostgreSQL the read and the delete could interleave).
#[tokio::test]
async fn a_refresh_token_raced_is_honoured_once() -> anyhow::Result<()> {
    const RACERS: usize = 8;
    for backend in backends() {
        let name = backend.name();
        let server = TestServer::self_hosted().backend(backend).start().await?;
        let account = ClientAccount::new(
            "racer@example.com",
            "correct horse battery staple",
            Kdf::DEFAULT_ITERATIONS,
        )?;
        register(&server, &account).await?;
        for round in 0..3 {
            let session = login(&server, &account).await?;
            let refresh = session.tokens["refresh_token"]
                .as_str()
                .expect("refresh")
                .to_string();
            let mut racers = tokio::task::JoinSet::new();
            for _ in 0..RACERS {
                let client = server.client.clone();
                let url = server.at("/identity/connect/token");
                let refresh = refresh.clone();
                racers.spawn(async move {
                    client
                        .post(url)
                        .form(&[
                            ("grant_type", "refresh_token"),
                            ("client_id", "web"),
                            ("refresh_token", refresh.as_str()),
                        ])
                        .send()
                        .await
                        .map(|response| response.status())
                });
            }
            let mut granted = 0;
            while let Some(status) = racers.join_next().await {
                let status = status??;
                assert!(
                    status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
                    "{name}: {status}"
                );
                granted += usize::from(status == StatusCode::OK);
            }
            assert_eq!(granted, 1, "{name}, round {round}: one racer wins");
        }
        server.stop().await?;
    }
    Ok(())
}

/// Five wrong guesses void a mailed code: the right code afterwards is refused too.
#[tokio::test]
async fn a_one_time_code_is_void_after_five_wrong_guesses() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let sink = kinwarden_testkit::SmtpSink::start().await?;
        let server = TestServer::self_hosted()
            .backend(backend)
            .smtp(&sink)
            .start()
            .await?;
        let account = ClientAccount::new(
            "guess@example.com",
            "a fine password",
            Kdf::DEFAULT_ITERATIONS,
        )?;
        register(&server, &account).await?;
        let session = login(&server, &account).await?;
        let code = crate::support::mailed_code(&server, &session, &sink).await?;
        // Five codes that are not it (the real one with its last digit changed, and others).
        let last = code
            .chars()
            .last()
            .and_then(|c| c.to_digit(10))
            .unwrap_or(0);
        for guess in 1..=5u32 {
            let wrong = format!("{}{}", &code[..5], (last + guess) % 10);
            let answer = session
                .post(&server, "/api/accounts/api-key", &json!({"otp": wrong}))
                .await?;
            assert_eq!(answer.status(), 400, "{name}: guess {guess}");
        }
        let late = session
            .post(&server, "/api/accounts/api-key", &json!({"otp": code}))
            .await?;
        assert_eq!(
            late.status(),
            400,
            "{name}: the code is void after five guesses"
        );
        let body: Value = late.json().await?;
        assert_eq!(body["validationErrors"]["Otp"][0], "Invalid OTP code.");
        server.stop().await?;
    }
    Ok(())
}

/// Log out everywhere ends every access token, refresh token and page session of the account;
/// a rotated API key replaces the old one for new tokens.
#[tokio::test]
async fn log_out_everywhere_and_a_rotated_api_key() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let server = TestServer::self_hosted().backend(backend).start().await?;
        let account = ClientAccount::new(
            "everywhere@example.com",
            "correct horse battery staple",
            Kdf::DEFAULT_ITERATIONS,
        )?;
        register(&server, &account).await?;
        let phone = login(&server, &account).await?;
        let laptop = login(&server, &account).await?;
        let secret = json!({"masterPasswordHash": account.master_password_hash});

        // The API key, rotated: the old one gets no token, the new one does.
        let old: Value = phone
            .post(&server, "/api/accounts/api-key", &secret)
            .await?
            .json()
            .await?;
        let rotated = phone
            .post(&server, "/api/accounts/rotate-api-key", &secret)
            .await?;
        assert_eq!(rotated.status(), 200, "{name}");
        let new: Value = rotated.json().await?;
        assert_eq!(new["object"], "apiKey");
        assert_ne!(new["apiKey"], old["apiKey"], "{name}");
        let client_id = format!("user.{}", phone.user_id(&server).await?);
        let grant = |secret: &Value| {
            [
                ("grant_type", "client_credentials".to_string()),
                ("scope", "api".to_string()),
                ("client_id", client_id.clone()),
                (
                    "client_secret",
                    secret.as_str().unwrap_or_default().to_string(),
                ),
                ("deviceIdentifier", "cli-1".to_string()),
                ("deviceName", "linux".to_string()),
                ("deviceType", "8".to_string()),
            ]
        };
        for (key, expected) in [(&old["apiKey"], 400), (&new["apiKey"], 200)] {
            let answer = server
                .client
                .post(server.at("/identity/connect/token"))
                .form(&grant(key))
                .send()
                .await?;
            assert_eq!(answer.status(), expected, "{name}");
        }

        // A wrong password changes nothing.
        let wrong = phone
            .post(
                &server,
                "/api/accounts/security-stamp",
                &json!({"masterPasswordHash": "wrong"}),
            )
            .await?;
        assert_eq!(wrong.status(), 400, "{name}");
        let body: Value = wrong.json().await?;
        assert_eq!(body["validationErrors"][""][0], "Incorrect password.");
        assert_eq!(
            laptop.get(&server, "/api/accounts/profile").await?.status(),
            200
        );

        // Log out everywhere: both devices' tokens and refresh tokens end.
        let out = phone
            .post(&server, "/api/accounts/security-stamp", &secret)
            .await?;
        assert_eq!(out.status(), 200, "{name}");
        for session in [&phone, &laptop] {
            let profile = session.get(&server, "/api/accounts/profile").await?;
            assert_eq!(profile.status(), 401, "{name}: an old access token");
            let refresh = session.tokens["refresh_token"].as_str().unwrap_or_default();
            let again = server
                .client
                .post(server.at("/identity/connect/token"))
                .form(&[
                    ("grant_type", "refresh_token"),
                    ("client_id", "web"),
                    ("refresh_token", refresh),
                ])
                .send()
                .await?;
            assert_eq!(again.status(), 400, "{name}: an old refresh token");
        }
        // The master password still signs in.
        let back = login(&server, &account).await?;
        assert_eq!(
            back.get(&server, "/api/accounts/profile").await?.status(),
            200
        );
        server.stop().await?;
    }
    Ok(())
}

/// Only failed attempts count: signing in often is never refused; another client's wrong
/// guesses lock the account for one window only; behind a listed proxy each client is counted
/// by the address the proxy names (a header from anyone else is ignored: `http::client_ip`).
#[tokio::test]
async fn only_failures_count_and_clients_are_told_apart_behind_a_proxy() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let server = TestServer::self_hosted()
            .backend(backend)
            .setting("kinwarden__loginRateLimit", "3/sec")
            .setting("kinwarden__trustedProxies", "127.0.0.1")
            .start()
            .await?;
        let account = ClientAccount::new(
            "often@example.com",
            "correct horse battery staple",
            Kdf::DEFAULT_ITERATIONS,
        )?;
        register(&server, &account).await?;
        let attempt = |password: String, forwarded: &'static str| {
            let client = server.client.clone();
            let url = server.at("/identity/connect/token");
            async move {
                client
                    .post(url)
                    .header("x-forwarded-for", forwarded)
                    .form(&[
                        ("grant_type", "password"),
                        ("username", "often@example.com"),
                        ("password", password.as_str()),
                        ("scope", "api offline_access"),
                        ("client_id", "web"),
                        ("deviceIdentifier", "d1"),
                        ("deviceName", "firefox"),
                        ("deviceType", "10"),
                    ])
                    .send()
                    .await
                    .map(|response| response.status().as_u16())
            }
        };
        let right = account.master_password_hash.clone();
        // Six sign-ins within one second: none refused.
        for _ in 0..6 {
            assert_eq!(attempt(right.clone(), "198.51.100.1").await?, 200, "{name}");
        }
        // Three wrong guesses from another client lock the account for the window...
        for _ in 0..3 {
            assert_eq!(
                attempt("wrong".into(), "198.51.100.2").await?,
                400,
                "{name}"
            );
        }
        assert_eq!(attempt(right.clone(), "198.51.100.1").await?, 429, "{name}");
        // ...and no longer.
        tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
        assert_eq!(attempt(right.clone(), "198.51.100.1").await?, 200, "{name}");
        server.stop().await?;
    }
    Ok(())
}
