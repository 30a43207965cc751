//! The `bw` harness against a real Kinwarden over HTTPS with its self-signed local CA. No
//! accounts exist yet, so this checks what the CLI can show: installation, configuration,
//! status, and that its requests reach the server through TLS (and fail without the CA).

use kinwarden_testkit::{BW_CLI_VERSION, BwCli, TestServer};

#[tokio::test]
async fn bw_is_installed_configured_and_reaches_the_server_over_tls() -> anyhow::Result<()> {
    let cli = BwCli::install().await?;
    assert_eq!(cli.version().await?, BW_CLI_VERSION);

    let server = TestServer::self_hosted().start().await?;
    let url = server.url.as_str().trim_end_matches('/');
    let mut bw = cli.session(url, &server.bwdata.join("ssl/ca.crt")).await?;

    let status = bw.status().await?;
    assert_eq!(status["serverUrl"], url, "{status}");
    assert_eq!(status["status"], "unauthenticated", "{status}");

    // No such account: the login fails at the server, not at TLS or the connection.
    let error = bw
        .login_password("nobody@example.com", "not a real password")
        .await
        .expect_err("login without an account")
        .to_string();
    for transport_failure in ["certificate", "ECONNREFUSED", "FetchError"] {
        assert!(!error.contains(transport_failure), "{error}");
    }
    assert!(bw.session_key().is_none());

    // The same request without the CA is refused by Node's TLS.
    let untrusting = cli.session_without_ca()?;
    untrusting.config_server(url).await?;
    let output = untrusting
        .run_with_env(
            &["login", "nobody@example.com", "--passwordenv", "PW"],
            &[("PW", "not a real password")],
        )
        .await?;
    assert!(!output.status.success());
    let printed = String::from_utf8_lossy(&output.stderr) + String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("certificate"), "{printed}");

    server.stop().await?;
    Ok(())
}
