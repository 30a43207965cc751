//! The HTTP surface of the foundation, through the real server over TLS.

use kinwarden_testkit::{TestServer, backends};
use serde_json::Value;

#[tokio::test]
async fn alive_answers_the_time_over_https() -> anyhow::Result<()> {
    for backend in backends() {
        let server = TestServer::self_hosted().backend(backend).start().await?;
        assert_eq!(server.url.scheme(), "https");
        let response = server.get("/alive").await?;
        assert_eq!(response.status(), 200);
        let time: String = response.json().await?;
        let parsed = chrono::DateTime::parse_from_rfc3339(&time)?;
        let age = chrono::Utc::now().signed_duration_since(parsed);
        assert!(age.num_seconds().abs() < 60, "{time}");
        server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn config_reports_version_urls_region_and_cloud() -> anyhow::Result<()> {
    let server = TestServer::self_hosted()
        .setting("globalSettings__baseServiceUri__cloudRegion", "EU")
        .setting("globalSettings__disableUserRegistration", "true")
        .start()
        .await?;
    let config: Value = server.get("/api/config").await?.json().await?;
    let vault = server.url.as_str().trim_end_matches('/');
    assert_eq!(config["object"], "config");
    assert_eq!(config["version"], kinwarden_proto_version());
    assert_eq!(config["environment"]["cloudRegion"], "EU");
    assert_eq!(config["environment"]["vault"], vault);
    assert_eq!(config["environment"]["api"], format!("{vault}/api"));
    assert_eq!(
        config["environment"]["identity"],
        format!("{vault}/identity")
    );
    assert!(config["featureStates"].is_object());
    assert_eq!(config["settings"]["disableUserRegistration"], true);
    assert_eq!(
        config["cloud"]["identityUri"],
        "https://identity.bitwarden.eu/"
    );
    assert_eq!(config["cloud"]["apiUri"], "https://api.bitwarden.eu/");
    assert_eq!(
        config["cloud"]["pushRelayBaseUri"],
        "https://push.bitwarden.eu/"
    );
    server.stop().await?;
    Ok(())
}

fn kinwarden_proto_version() -> &'static str {
    "2026.8.0"
}

#[tokio::test]
async fn a_configured_vault_url_is_reported() -> anyhow::Result<()> {
    let server = TestServer::cloud()
        .setting(
            "globalSettings__baseServiceUri__vault",
            "https://vault.example.test/",
        )
        .start()
        .await?;
    let config: Value = server.get("/api/config").await?.json().await?;
    assert_eq!(config["environment"]["vault"], "https://vault.example.test");
    assert_eq!(
        config["environment"]["api"],
        "https://vault.example.test/api"
    );
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn unknown_routes_answer_the_error_envelopes() -> anyhow::Result<()> {
    let server = TestServer::self_hosted().start().await?;
    for path in ["/api/no-such-route", "/identity/no-such-route"] {
        let response = server.get(path).await?;
        assert_eq!(response.status(), 404, "{path}");
        let body: Value = response.json().await?;
        assert_eq!(body["message"], "Resource not found.", "{path}");
        assert_eq!(body["object"], "error", "{path}");
        assert!(body["validationErrors"].is_null());
    }
    let page = server.get("/no-such-page").await?;
    assert_eq!(page.status(), 404);
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn trailing_slashes_and_security_headers() -> anyhow::Result<()> {
    let server = TestServer::self_hosted().start().await?;
    let response = server.get("/api/config/").await?;
    assert_eq!(response.status(), 200);
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["strict-transport-security"], "max-age=31536000");
    assert!(headers.contains_key("content-security-policy"));
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn plain_http_when_tls_is_off() -> anyhow::Result<()> {
    let server = TestServer::self_hosted()
        .setting("kinwarden__tls", "off")
        .start()
        .await?;
    assert_eq!(server.url.scheme(), "http");
    let response = reqwest::get(server.at("/alive")).await?;
    assert_eq!(response.status(), 200);
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn the_server_records_its_id_once() -> anyhow::Result<()> {
    let server = TestServer::self_hosted().start().await?;
    let store = server.store().expect("running");
    let id = store
        .meta_get(kinwarden_store::SERVER_ID)
        .await?
        .expect("set at start");
    assert!(uuid::Uuid::parse_str(&id).is_ok());
    server.stop().await?;
    Ok(())
}
