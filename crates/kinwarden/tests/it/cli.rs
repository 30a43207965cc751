//! The command line, through the real binary: first run, restart applying configuration,
//! configuration errors, and backup/restore.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use kinwarden_testkit::https_client;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_kinwarden");

/// A data directory for the binary, with a free loopback port configured.
struct Bw {
    dir: tempfile::TempDir,
    port: u16,
}

impl Bw {
    fn new() -> anyhow::Result<Self> {
        let bw = Self::empty()?;
        bw.write_env("")?;
        Ok(bw)
    }

    fn empty() -> anyhow::Result<Self> {
        Ok(Self {
            dir: tempfile::tempdir()?,
            port: free_port()?,
        })
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("bwdata")
    }

    fn env_file(&self) -> PathBuf {
        self.root().join("env/global.override.env")
    }

    /// Writes the env file: a listen address of our own plus `extra` lines.
    fn write_env(&self, extra: &str) -> anyhow::Result<()> {
        std::fs::create_dir_all(self.root().join("env"))?;
        std::fs::write(
            self.env_file(),
            format!("kinwarden__listen=127.0.0.1:{}\n{extra}", self.port),
        )?;
        Ok(())
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command.arg("--bwdata").arg(self.root()).args(args);
        command.env_remove("KINWARDEN_BWDATA");
        command
    }

    fn run(&self, args: &[&str]) -> anyhow::Result<Output> {
        Ok(self.command(args).stdin(Stdio::null()).output()?)
    }

    fn client(&self) -> anyhow::Result<reqwest::Client> {
        https_client(&self.root().join("ssl/ca.crt"))
    }

    fn url(&self, path: &str) -> String {
        format!("https://127.0.0.1:{}{path}", self.port)
    }

    async fn get_json(&self, path: &str) -> anyhow::Result<Value> {
        Ok(self
            .client()?
            .get(self.url(path))
            .send()
            .await?
            .json()
            .await?)
    }
}

impl Drop for Bw {
    fn drop(&mut self) {
        // A failed test must not leave a server running behind it.
        let _ = self.run(&["stop"]);
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_ok(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        text(&output.stdout),
        text(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_creates_bwdata_prints_the_url_and_answers_over_https() -> anyhow::Result<()> {
    let bw = Bw::empty()?;
    let mut child = bw
        .command(&["serve"])
        .env("kinwarden__listen", format!("127.0.0.1:{}", bw.port))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().expect("piped");
    let mut printed = String::new();
    let mut lines = BufReader::new(stdout).lines();
    while let Some(line) = lines.next().transpose()? {
        printed.push_str(&line);
        printed.push('\n');
        if line.contains("listening on") {
            break;
        }
    }
    let expected_url = format!("https://127.0.0.1:{}/", bw.port);
    assert!(printed.contains(&expected_url), "printed: {printed}");
    assert!(
        printed.contains("Created"),
        "first run says it made bwdata: {printed}"
    );

    for sub in ["env", "db", "core", "ssl", "logs", "mail"] {
        assert!(bw.root().join(sub).is_dir(), "{sub}");
    }
    let env = std::fs::read_to_string(bw.env_file())?;
    assert!(env.contains("#globalSettings__enableCloudCommunication=false"));
    assert!(env.contains("#globalSettings__baseServiceUri__cloudRegion=US"));
    assert!(bw.root().join("db/vault.db").exists());
    assert!(bw.root().join("ssl/certificate.crt").exists());

    let alive = bw.client()?.get(bw.url("/alive")).send().await?;
    assert_eq!(alive.status(), 200);
    // The leaf + CA chain in certificate.crt works as a trust anchor too.
    let via_chain = https_client(&bw.root().join("ssl/certificate.crt"))?;
    assert_eq!(via_chain.get(bw.url("/alive")).send().await?.status(), 200);

    let status = bw.run(&["status"])?;
    assert_ok(&status, "status");
    assert!(text(&status.stdout).contains("running"));

    assert_ok(&bw.run(&["stop"])?, "stop");
    let exit = child.wait()?;
    assert!(exit.success(), "serve ended cleanly on SIGTERM: {exit}");
    assert!(
        !bw.root().join("kinwarden.pid").exists(),
        "pid file removed"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_applies_a_changed_region() -> anyhow::Result<()> {
    let bw = Bw::new()?;
    assert_ok(&bw.run(&["start"])?, "start");
    let before = std::fs::read_to_string(bw.root().join("kinwarden.pid"))?;
    let config = bw.get_json("/api/config").await?;
    assert_eq!(config["environment"]["cloudRegion"], "US");
    assert_eq!(
        config["cloud"]["identityUri"],
        "https://identity.bitwarden.com/"
    );

    let again = bw.run(&["start"])?;
    assert_eq!(again.status.code(), Some(1), "a second start is refused");
    assert!(text(&again.stderr).contains("already runs"));

    bw.write_env("globalSettings__baseServiceUri__cloudRegion=EU\n")?;
    assert_ok(&bw.run(&["restart"])?, "restart");
    let after = std::fs::read_to_string(bw.root().join("kinwarden.pid"))?;
    assert_ne!(before, after, "a new process serves");
    let config = bw.get_json("/api/config").await?;
    assert_eq!(config["environment"]["cloudRegion"], "EU");
    assert_eq!(
        config["cloud"]["identityUri"],
        "https://identity.bitwarden.eu/"
    );
    assert_eq!(config["cloud"]["apiUri"], "https://api.bitwarden.eu/");
    assert_eq!(
        config["cloud"]["pushRelayBaseUri"],
        "https://push.bitwarden.eu/"
    );

    assert_ok(&bw.run(&["stop"])?, "stop");
    let status = bw.run(&["status"])?;
    assert_eq!(status.status.code(), Some(3), "status of a stopped server");
    assert_ok(&bw.run(&["stop"])?, "stopping a stopped server is fine");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_key_stops_start_up_with_exit_2() -> anyhow::Result<()> {
    let bw = Bw::new()?;
    bw.write_env("globalSettings__enableCloudCommunication=maybe\n")?;
    for command in ["serve", "start"] {
        let output = bw.run(&[command])?;
        assert_eq!(output.status.code(), Some(2), "{command}");
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains("globalSettings__enableCloudCommunication"),
            "{command}: {stderr}"
        );
        assert!(
            stderr.contains("maybe"),
            "{command} says what is wrong: {stderr}"
        );
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_with_a_broken_config_keeps_the_running_server() -> anyhow::Result<()> {
    let bw = Bw::new()?;
    assert_ok(&bw.run(&["start"])?, "start");
    bw.write_env("kinwarden__tls=sometimes\n")?;
    let output = bw.run(&["restart"])?;
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("kinwarden__tls"));
    assert_eq!(
        bw.client()?.get(bw.url("/alive")).send().await?.status(),
        200
    );
    assert_ok(&bw.run(&["stop"])?, "stop");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_key_is_ignored_with_a_warning() -> anyhow::Result<()> {
    let bw = Bw::new()?;
    bw.write_env("globalSettings__somethingNew=1\n")?;
    let status = bw.run(&["status"])?;
    let stdout = text(&status.stdout);
    assert!(
        stdout.contains("unknown key globalSettings__somethingNew"),
        "{stdout}"
    );
    assert_ok(&bw.run(&["start"])?, "start despite the unknown key");
    let log = std::fs::read_to_string(bw.root().join("logs/kinwarden.log"))?;
    assert!(
        log.contains("globalSettings__somethingNew"),
        "logged: {log}"
    );
    assert_ok(&bw.run(&["stop"])?, "stop");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_of_a_running_server_restores_into_an_empty_directory() -> anyhow::Result<()> {
    let source = Bw::new()?;
    assert_ok(&source.run(&["start"])?, "start");
    let db_path = source.root().join("db/vault.db");
    let db = kinwarden_config::DatabaseConfig::Sqlite { path: db_path };
    let store = kinwarden_store::Store::open(&db).await?;
    store.meta_set_all(&[("backup-probe", "kept")], 1).await?;
    let server_id = store.meta_get(kinwarden_store::SERVER_ID).await?;
    assert!(server_id.is_some());
    store.close().await;
    // An attachment's file, bytes of every value, as the vault keeps it beside the database.
    let attachment = format!(
        "attachments/{}/{}",
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4()
    );
    let attachment_bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let attachment_path = source.root().join(&attachment);
    std::fs::create_dir_all(attachment_path.parent().expect("a folder"))?;
    std::fs::write(&attachment_path, &attachment_bytes)?;

    let archive = source.dir.path().join("backup.tar.gz");
    let archive_arg = archive.to_str().expect("utf-8");
    assert_ok(&source.run(&["backup", "--out", archive_arg])?, "backup");
    assert!(archive.metadata()?.len() > 0);
    // The server went on serving during the backup.
    assert_eq!(
        source
            .client()?
            .get(source.url("/alive"))
            .send()
            .await?
            .status(),
        200
    );
    assert_ok(&source.run(&["stop"])?, "stop");

    let target = Bw::empty()?;
    assert_ok(&target.run(&["restore", archive_arg])?, "restore");
    let refused = target.run(&["restore", archive_arg])?;
    assert_eq!(
        refused.status.code(),
        Some(2),
        "a non-empty directory needs --force"
    );

    // Same configuration (and port), same keys, same data, same attachment files.
    let restored_env = std::fs::read_to_string(target.env_file())?;
    assert_eq!(restored_env, std::fs::read_to_string(source.env_file())?);
    assert!(
        std::fs::read(target.root().join(&attachment))? == attachment_bytes,
        "the attachment is restored byte for byte"
    );
    assert_ok(&target.run(&["start"])?, "start the restored server");
    let trusting_source_ca = source.client()?;
    let alive = trusting_source_ca.get(source.url("/alive")).send().await?;
    assert_eq!(
        alive.status(),
        200,
        "the restored server has the source's certificate"
    );
    assert_ok(&target.run(&["stop"])?, "stop");

    let restored = kinwarden_store::Store::open(&kinwarden_config::DatabaseConfig::Sqlite {
        path: target.root().join("db/vault.db"),
    })
    .await?;
    assert_eq!(
        restored.meta_get("backup-probe").await?.as_deref(),
        Some("kept")
    );
    assert_eq!(
        restored.meta_get(kinwarden_store::SERVER_ID).await?,
        server_id
    );
    restored.close().await;
    Ok(())
}

#[test]
fn bad_arguments_exit_2() -> anyhow::Result<()> {
    let output = Command::new(BIN).arg("no-such-command").output()?;
    assert_eq!(output.status.code(), Some(2));
    Ok(())
}
