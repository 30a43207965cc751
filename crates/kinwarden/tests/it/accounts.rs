//! Accounts and identity through the real server: registration with client-side keys,
//! prelogin, the token grants, rate limits, and the account routes.

use kinwarden_testkit::{ClientAccount, Kdf, TestServer, backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{login, register};

#[tokio::test]
async fn register_login_and_read_the_account() -> anyhow::Result<()> {
    for backend in backends() {
        let server = TestServer::self_hosted().backend(backend).start().await?;
        let account = ClientAccount::new(
            "Alice@Example.com",
            "correct horse battery staple",
            Kdf::DEFAULT_ITERATIONS,
        )?;
        register(&server, &account).await?;
        let session = login(&server, &account).await?;

        // The token answer carries what a client needs to unlock.
        let tokens = &session.tokens;
        assert_eq!(tokens["token_type"], "Bearer");
        assert_eq!(tokens["Kdf"], 0);
        assert_eq!(tokens["KdfIterations"], 600_000);
        assert_eq!(tokens["UserDecryptionOptions"]["HasMasterPassword"], true);
        assert_eq!(
            tokens["UserDecryptionOptions"]["MasterPasswordUnlock"]["Salt"],
            "alice@example.com"
        );
        let unlocked = ClientAccount::unlock(
            "alice@example.com",
            "correct horse battery staple",
            Kdf::pbkdf2(600_000)?,
            tokens["Key"].as_str().expect("Key"),
            tokens["PrivateKey"].as_str().expect("PrivateKey"),
        )?;
        assert_eq!(unlocked.user_key.as_bytes(), account.user_key.as_bytes());
        assert!(
            tokens["AccountKeys"]["publicKeyEncryptionKeyPair"]["wrappedPrivateKey"].is_string()
        );

        let sync: Value = session.get(&server, "/api/sync").await?.json().await?;
        assert_eq!(sync["object"], "sync");
        assert_eq!(sync["profile"]["email"], "alice@example.com");
        assert_eq!(sync["profile"]["organizations"], json!([]));
        assert_eq!(sync["ciphers"], json!([]));

        let revision = session.get(&server, "/api/accounts/revision-date").await?;
        assert_eq!(revision.status(), 200);
        let millis: i64 = revision.json().await?;
        assert!(millis > 1_700_000_000_000);

        let key_id = session
            .post(
                &server,
                "/api/accounts/key-management/user-key-id",
                &json!({"userKeyId": "key-1"}),
            )
            .await?;
        assert_eq!(key_id.status(), 200);

        let user_id = sync["profile"]["id"].as_str().expect("id");
        let public: Value = session
            .get(&server, &format!("/api/users/{user_id}/public-key"))
            .await?
            .json()
            .await?;
        assert_eq!(public["publicKey"], account.public_key()?);

        // Refresh tokens work once.
        let refresh = session.tokens["refresh_token"]
            .as_str()
            .expect("refresh")
            .to_string();
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", "web"),
            ("refresh_token", refresh.as_str()),
        ];
        let first = server
            .client
            .post(server.at("/identity/connect/token"))
            .form(&form)
            .send()
            .await?;
        assert_eq!(first.status(), 200);
        let again = server
            .client
            .post(server.at("/identity/connect/token"))
            .form(&form)
            .send()
            .await?;
        assert_eq!(again.status(), 400);
        server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn wrong_passwords_get_the_bitwarden_message_and_then_a_rate_limit() -> anyhow::Result<()> {
    let server = TestServer::self_hosted()
        .setting("kinwarden__loginRateLimit", "10/min")
        .start()
        .await?;
    let account = ClientAccount::new(
        "bob@example.com",
        "the right password",
        Kdf::DEFAULT_ITERATIONS,
    )?;
    register(&server, &account).await?;
    let mut statuses = Vec::new();
    for _ in 0..20 {
        let response = server
            .client
            .post(server.at("/identity/connect/token"))
            .form(&[
                ("grant_type", "password"),
                ("username", "bob@example.com"),
                ("password", "d3Jvbmc="),
                ("scope", "api offline_access"),
                ("client_id", "cli"),
            ])
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await?;
        if status == StatusCode::BAD_REQUEST {
            assert_eq!(body["error"], "invalid_grant");
            assert_eq!(
                body["ErrorModel"]["Message"],
                "Username or password is incorrect. Try again."
            );
        }
        statuses.push(status);
    }
    assert_eq!(statuses[0], StatusCode::BAD_REQUEST);
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "20 quick wrong attempts are limited: {statuses:?}"
    );
    // The right password is refused too while the account is over its limit.
    let right = server
        .client
        .post(server.at("/identity/connect/token"))
        .form(&account.password_grant("device-1"))
        .send()
        .await?;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn prelogin_does_not_reveal_whether_an_account_exists() -> anyhow::Result<()> {
    let server = TestServer::self_hosted().start().await?;
    let account = ClientAccount::new(
        "carol@example.com",
        "a fine password",
        Kdf::DEFAULT_ITERATIONS,
    )?;
    register(&server, &account).await?;
    for path in [
        "/identity/accounts/prelogin",
        "/identity/accounts/prelogin/password",
    ] {
        let known: Value = server
            .client
            .post(server.at(path))
            .json(&json!({"email": "carol@example.com"}))
            .send()
            .await?
            .json()
            .await?;
        let unknown: Value = server
            .client
            .post(server.at(path))
            .json(&json!({"email": "nobody@example.com"}))
            .send()
            .await?
            .json()
            .await?;
        let strip_salt = |mut value: Value| {
            value.as_object_mut().expect("object").remove("salt");
            value
        };
        assert_eq!(
            strip_salt(known.clone()),
            strip_salt(unknown.clone()),
            "{path}"
        );
        assert_eq!(known["kdfSettings"]["iterations"], 600_000);
        assert_eq!(unknown["salt"], "nobody@example.com");
    }
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn registration_rules() -> anyhow::Result<()> {
    let server = TestServer::self_hosted().start().await?;
    let account = ClientAccount::new(
        "dave@example.com",
        "a fine password",
        Kdf::DEFAULT_ITERATIONS,
    )?;
    let token: String = server
        .client
        .post(server.at("/identity/accounts/register/send-verification-email"))
        .json(&json!({"email": "dave@example.com", "name": null, "receiveMarketingEmails": false}))
        .send()
        .await?
        .json()
        .await?;

    let mut weak = account.register_finish()?;
    weak.email_verification_token = Some(token.clone());
    weak.kdf_iterations = 5000;
    let response = server
        .client
        .post(server.at("/identity/accounts/register/finish"))
        .json(&weak)
        .send()
        .await?;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await?;
    assert!(
        body["validationErrors"]["KdfIterations"].is_array(),
        "{body}"
    );

    let mut other = account.register_finish()?;
    other.email = "eve@example.com".into();
    other.email_verification_token = Some(token.clone());
    let response = server
        .client
        .post(server.at("/identity/accounts/register/finish"))
        .json(&other)
        .send()
        .await?;
    assert_eq!(
        response.status(),
        400,
        "a token proves only its own address"
    );

    let mut missing = account.register_finish()?;
    missing.email_verification_token = None;
    let response = server
        .client
        .post(server.at("/identity/accounts/register/finish"))
        .json(&missing)
        .send()
        .await?;
    assert_eq!(response.status(), 400);

    register(&server, &account).await?;
    let mut twice = account.register_finish()?;
    twice.email_verification_token = Some(token);
    let response = server
        .client
        .post(server.at("/identity/accounts/register/finish"))
        .json(&twice)
        .send()
        .await?;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await?;
    assert!(
        body["validationErrors"]["Email"][0]
            .as_str()
            .unwrap_or("")
            .contains("already taken")
    );
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn user_api_key_login_and_wrong_password_for_the_key() -> anyhow::Result<()> {
    let server = TestServer::self_hosted().start().await?;
    let account = ClientAccount::new(
        "frank@example.com",
        "a fine password",
        Kdf::DEFAULT_ITERATIONS,
    )?;
    register(&server, &account).await?;
    let session = login(&server, &account).await?;
    let wrong = session
        .post(
            &server,
            "/api/accounts/api-key",
            &json!({"masterPasswordHash": "bm90IGl0"}),
        )
        .await?;
    assert_eq!(wrong.status(), 400);
    let body: Value = wrong.json().await?;
    assert_eq!(
        body["validationErrors"]["MasterPasswordHash"][0],
        "Invalid password."
    );

    let key: Value = session
        .post(
            &server,
            "/api/accounts/api-key",
            &json!({"masterPasswordHash": account.master_password_hash}),
        )
        .await?
        .json()
        .await?;
    assert_eq!(key["object"], "apiKey");
    let secret = key["apiKey"].as_str().expect("key");
    assert_eq!(secret.len(), 30);
    let user_id = session.user_id(&server).await?;
    let client_id = format!("user.{user_id}");
    let grant = |secret: &str| {
        [
            ("grant_type", "client_credentials".to_string()),
            ("scope", "api".to_string()),
            ("client_id", client_id.clone()),
            ("client_secret", secret.to_string()),
            ("deviceIdentifier", "cli-1".to_string()),
            ("deviceName", "linux".to_string()),
            ("deviceType", "8".to_string()),
        ]
    };
    let ok = server
        .client
        .post(server.at("/identity/connect/token"))
        .form(&grant(secret))
        .send()
        .await?;
    assert_eq!(ok.status(), 200);
    let tokens: Value = ok.json().await?;
    assert!(tokens["Key"].is_string());
    let bad = server
        .client
        .post(server.at("/identity/connect/token"))
        .form(&grant("nope"))
        .send()
        .await?;
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await?;
    assert_eq!(body["error"], "invalid_client");
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn garbage_and_missing_tokens_are_401() -> anyhow::Result<()> {
    let server = TestServer::self_hosted().start().await?;
    let none = server.get("/api/sync").await?;
    assert_eq!(none.status(), 401);
    let garbage = server
        .client
        .get(server.at("/api/sync"))
        .bearer_auth("not.a.token")
        .send()
        .await?;
    assert_eq!(garbage.status(), 401);
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn sign_up_by_the_mailed_verification_link() -> anyhow::Result<()> {
    let sink = kinwarden_testkit::SmtpSink::start().await?;
    let server = TestServer::self_hosted()
        .setting("globalSettings__enableEmailVerification", "true")
        .smtp(&sink)
        .start()
        .await?;
    let response = server
        .client
        .post(server.at("/identity/accounts/register/send-verification-email"))
        .header("Accept-Language", "sv-SE,sv;q=0.9")
        .json(&json!({"email": "Greta@Example.com", "name": "Greta", "receiveMarketingEmails": false}))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let mail = sink
        .next_message(std::time::Duration::from_secs(20))
        .await?;
    assert_eq!(mail.to().as_deref(), Some("greta@example.com"));
    let body = mail.text_body().unwrap_or_default();
    let link_start = body.find("https://").expect("a link");
    let link: String = body[link_start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let url = url::Url::parse(&link)?;
    assert!(url.path().ends_with("/finish-signup"), "{link}");
    let token = url
        .query_pairs()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .expect("token");
    assert_eq!(
        url.query_pairs()
            .find(|(k, _)| k == "email")
            .map(|(_, v)| v.into_owned())
            .as_deref(),
        Some("greta@example.com")
    );

    let account = ClientAccount::new(
        "greta@example.com",
        "a fine password",
        Kdf::DEFAULT_ITERATIONS,
    )?;
    let mut finish = account.register_finish()?;
    finish.email_verification_token = Some(token);
    let done = server
        .client
        .post(server.at("/identity/accounts/register/finish"))
        .json(&finish)
        .send()
        .await?;
    assert_eq!(done.status(), 200);
    login(&server, &account).await?;

    // Asking again for an existing account answers the same and sends nothing.
    let again = server
        .client
        .post(server.at("/identity/accounts/register/send-verification-email"))
        .json(&json!({"email": "greta@example.com"}))
        .send()
        .await?;
    assert_eq!(again.status(), StatusCode::NO_CONTENT);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(sink.messages().len(), 1);
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn a_mailed_one_time_code_stands_in_for_the_password_once() -> anyhow::Result<()> {
    let sink = kinwarden_testkit::SmtpSink::start().await?;
    let server = TestServer::self_hosted().smtp(&sink).start().await?;
    let account = ClientAccount::new(
        "otp@example.com",
        "a fine password",
        Kdf::DEFAULT_ITERATIONS,
    )?;
    register(&server, &account).await?;
    let session = login(&server, &account).await?;
    let requested = session
        .post(&server, "/api/accounts/request-otp", &json!({}))
        .await?;
    assert_eq!(requested.status(), 200);
    let mail = sink
        .next_message(std::time::Duration::from_secs(20))
        .await?;
    assert_eq!(mail.to().as_deref(), Some("otp@example.com"));
    let body = mail.text_body().unwrap_or_default();
    let code: String = body
        .split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .expect("a six-digit code")
        .to_string();

    let wrong = session
        .post(&server, "/api/accounts/api-key", &json!({"otp": "000000x"}))
        .await?;
    assert_eq!(wrong.status(), 400);
    let key = session
        .post(&server, "/api/accounts/api-key", &json!({"otp": code}))
        .await?;
    assert_eq!(key.status(), 200, "the code works");
    let again = session
        .post(&server, "/api/accounts/api-key", &json!({"otp": code}))
        .await?;
    assert_eq!(again.status(), 400, "and only once");
    let body: Value = again.json().await?;
    assert_eq!(body["validationErrors"]["Otp"][0], "Invalid OTP code.");
    server.stop().await?;
    Ok(())
}
