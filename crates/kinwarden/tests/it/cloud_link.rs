//! The self-hosted → cloud client against a real cloud on loopback: tokens, and an error that
//! names the fix for each way the link can fail.

use std::sync::Arc;
use std::time::Duration;

use kinwarden_cloud::{CloudError, CloudLink, LinkSettings, NetworkCause};
use kinwarden_config::{Config, Origin, RawSettings};
use kinwarden_core::clock::SystemClock;
use kinwarden_testkit::TestServer;
use serde_json::{Value, json};

/// A self-hosted configuration pointing at `cloud`, with `overrides` on top.
fn self_hosted_config(
    cloud: &TestServer,
    id: &str,
    key: &str,
    overrides: &[(&str, &str)],
) -> anyhow::Result<Config> {
    let mut raw = RawSettings::default();
    let base = cloud.url.as_str().trim_end_matches('/');
    let ca = cloud.bwdata.join("ssl/ca.crt");
    let ca = ca.to_string_lossy().into_owned();
    let identity = format!("{base}/identity");
    let api = format!("{base}/api/");
    let defaults: [(&str, &str); 6] = [
        ("globalSettings__enableCloudCommunication", "true"),
        ("globalSettings__installation__id", id),
        ("globalSettings__installation__key", key),
        ("globalSettings__installation__identityUri", &identity),
        ("globalSettings__installation__apiUri", &api),
        ("kinwarden__cloudCaFile", &ca),
    ];
    for (name, value) in defaults.iter().chain(overrides) {
        raw.set(name, value, Origin::Override);
    }
    Ok(Config::from_raw(
        &cloud.bwdata.join("unused-self-hosted"),
        &raw,
    )?)
}

fn quick() -> LinkSettings {
    LinkSettings {
        timeout: Duration::from_millis(800),
        attempts: 2,
        backoff: Duration::from_millis(20),
    }
}

async fn installation(cloud: &TestServer) -> anyhow::Result<(String, String)> {
    let created: Value = cloud
        .client
        .post(cloud.at("/api/installations"))
        .json(&json!({"email": "ops@selfhost.test"}))
        .send()
        .await?
        .json()
        .await?;
    Ok((
        created["id"].as_str().unwrap_or_default().to_string(),
        created["key"].as_str().unwrap_or_default().to_string(),
    ))
}

#[tokio::test]
async fn gets_and_reuses_an_installation_token() -> anyhow::Result<()> {
    let cloud = TestServer::cloud().start().await?;
    let (id, key) = installation(&cloud).await?;
    let link = CloudLink::new(
        &self_hosted_config(&cloud, &id, &key, &[])?,
        Arc::new(SystemClock),
        quick(),
    )?;
    let first = link.token("api.installation").await?;
    let again = link.token("api.installation").await?;
    assert_eq!(first, again, "a token is reused while it is good");
    let licensing = link.token("api.licensing").await?;
    assert_ne!(first, licensing, "one token per scope");
    cloud.stop().await?;
    Ok(())
}

#[tokio::test]
async fn each_failure_names_its_fix() -> anyhow::Result<()> {
    let cloud = TestServer::cloud().start().await?;
    let (id, key) = installation(&cloud).await?;

    let off = CloudLink::new(
        &self_hosted_config(
            &cloud,
            &id,
            &key,
            &[("globalSettings__enableCloudCommunication", "false")],
        )?,
        Arc::new(SystemClock),
        quick(),
    )?;
    let err = off.token("api.installation").await.expect_err("disabled");
    assert!(matches!(err, CloudError::Disabled));
    assert!(
        err.to_string()
            .contains("globalSettings__enableCloudCommunication=true")
    );

    let wrong = CloudLink::new(
        &self_hosted_config(&cloud, &id, "not-the-key", &[])?,
        Arc::new(SystemClock),
        quick(),
    )?;
    let err = wrong.token("api.installation").await.expect_err("refused");
    assert!(
        matches!(err, CloudError::InstallationRefused { .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("globalSettings__installation__key"),
        "{err}"
    );
    assert!(
        !err.to_string().contains("not-the-key"),
        "the key is never echoed"
    );

    let no_ca = CloudLink::new(
        &self_hosted_config(&cloud, &id, &key, &[("kinwarden__cloudCaFile", "")])?,
        Arc::new(SystemClock),
        quick(),
    )?;
    let err = no_ca
        .token("api.installation")
        .await
        .expect_err("untrusted");
    assert!(
        matches!(
            &err,
            CloudError::Unreachable {
                cause: NetworkCause::Tls(_),
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("kinwarden__cloudCaFile"), "{err}");

    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let dead = CloudLink::new(
        &self_hosted_config(
            &cloud,
            &id,
            &key,
            &[(
                "globalSettings__installation__identityUri",
                &format!("https://127.0.0.1:{closed}/identity"),
            )],
        )?,
        Arc::new(SystemClock),
        quick(),
    )?;
    let err = dead
        .token("api.installation")
        .await
        .expect_err("unreachable");
    assert!(
        matches!(
            &err,
            CloudError::Unreachable {
                cause: NetworkCause::Refused,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{closed}")),
        "{err}"
    );

    // A server that accepts and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let silent_port = silent.local_addr()?.port();
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let slow = CloudLink::new(
        &self_hosted_config(
            &cloud,
            &id,
            &key,
            &[(
                "globalSettings__installation__identityUri",
                &format!("https://127.0.0.1:{silent_port}/identity"),
            )],
        )?,
        Arc::new(SystemClock),
        quick(),
    )?;
    let err = slow.token("api.installation").await.expect_err("timeout");
    assert!(
        matches!(
            &err,
            CloudError::Unreachable {
                cause: NetworkCause::Timeout,
                ..
            }
        ),
        "{err}"
    );
    holder.abort();
    cloud.stop().await?;
    Ok(())
}
