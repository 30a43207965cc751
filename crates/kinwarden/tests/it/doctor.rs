//! `kinwarden doctor` on a self-hosted data directory pointed at a cloud on loopback: green on a
//! correct pair, and a failing line that says what to change for each broken setting.

use std::process::Command;

use kinwarden_testkit::TestServer;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_kinwarden");

struct SelfHosted {
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
}

impl SelfHosted {
    fn pointing_at(cloud: &TestServer, id: &str, key: &str, extra: &str) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let root = dir.path().join("bwdata");
        std::fs::create_dir_all(root.join("env"))?;
        let base = cloud.url.as_str().trim_end_matches('/');
        std::fs::write(
            root.join("env/global.override.env"),
            format!(
                "globalSettings__enableCloudCommunication=true\n\
                 globalSettings__installation__id={id}\n\
                 globalSettings__installation__key={key}\n\
                 globalSettings__installation__identityUri={base}/identity\n\
                 globalSettings__installation__apiUri={base}/api\n\
                 kinwarden__cloudCaFile={}\n{extra}",
                cloud.bwdata.join("ssl/ca.crt").display()
            ),
        )?;
        Ok(Self { _dir: dir, root })
    }

    /// Runs doctor without blocking the runtime that serves the cloud.
    async fn doctor(&self) -> anyhow::Result<(i32, String)> {
        let root = self.root.clone();
        let output = tokio::task::spawn_blocking(move || {
            Command::new(BIN)
                .arg("--bwdata")
                .arg(root)
                .arg("doctor")
                .output()
        })
        .await??;
        Ok((
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        ))
    }
}

fn failing_lines(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|line| line.starts_with("FAIL"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_passes_a_correct_pair_and_names_each_fix() -> anyhow::Result<()> {
    let cloud = TestServer::cloud().start().await?;
    let created: Value = cloud
        .client
        .post(cloud.at("/api/installations"))
        .json(&json!({"email": "ops@selfhost.test"}))
        .send()
        .await?
        .json()
        .await?;
    let id = created["id"].as_str().expect("id");
    let key = created["key"].as_str().expect("key");

    let (code, out) = SelfHosted::pointing_at(&cloud, id, key, "")?
        .doctor()
        .await?;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("installation token"), "{out}");
    assert!(failing_lines(&out).is_empty(), "{out}");

    // Region EU with a US push relay: named, with both values.
    let (code, out) = SelfHosted::pointing_at(
        &cloud,
        id,
        key,
        "globalSettings__baseServiceUri__cloudRegion=EU\nglobalSettings__pushRelayBaseUri=https://push.bitwarden.com\n",
    )?
    .doctor()
    .await?;
    assert_ne!(code, 0);
    let fails = failing_lines(&out);
    assert_eq!(fails.len(), 1, "{out}");
    assert!(
        fails[0].contains("cloudRegion=EU") && fails[0].contains("push.bitwarden.com"),
        "{out}"
    );

    // A wrong installation key.
    let (code, out) = SelfHosted::pointing_at(&cloud, id, "WrongKeyWrongKey1234", "")?
        .doctor()
        .await?;
    assert_ne!(code, 0);
    let fails = failing_lines(&out);
    assert!(
        fails
            .iter()
            .any(|line| line.contains("globalSettings__installation__key")),
        "{out}"
    );
    assert!(
        !out.contains("WrongKeyWrongKey1234"),
        "the key is never printed"
    );

    // Cloud communication off.
    let (code, out) = SelfHosted::pointing_at(
        &cloud,
        id,
        key,
        "globalSettings__enableCloudCommunication=false\n",
    )?
    .doctor()
    .await?;
    assert_ne!(code, 0);
    assert!(
        failing_lines(&out)
            .iter()
            .any(|line| line.contains("globalSettings__enableCloudCommunication=true")),
        "{out}"
    );

    // An unreachable cloud: the host is named.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let unreachable = format!(
        "globalSettings__installation__identityUri=https://127.0.0.1:{closed}/identity\n\
         globalSettings__installation__apiUri=https://127.0.0.1:{closed}/api\n"
    );
    let (code, out) = SelfHosted::pointing_at(&cloud, id, key, &unreachable)?
        .doctor()
        .await?;
    assert_ne!(code, 0);
    assert!(
        failing_lines(&out)
            .iter()
            .any(|line| line.contains(&format!("127.0.0.1:{closed}")) && line.contains("refused")),
        "{out}"
    );
    cloud.stop().await?;
    Ok(())
}
