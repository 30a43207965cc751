//! One `bw` user with its own configuration directory.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use anyhow::{Context, bail};
use serde_json::Value;
use tokio::process::Command;

use super::{BwCli, COMMAND_TIMEOUT};

// `bw` ignores NO_PROXY and would send loopback requests to these.
const PROXY_VARIABLES: [&str; 6] = [
    "http_proxy",
    "https_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
];

impl BwCli {
    /// A fresh `bw` user for `server_url` (a Kinwarden's vault URL), trusting `ca_file` (its
    /// `ssl/ca.crt`), with `bw config server <server_url>` already run.
    pub async fn session(&self, server_url: &str, ca_file: &Path) -> anyhow::Result<BwSession> {
        let session = BwSession {
            cli: self.clone(),
            appdata: tempfile::tempdir().context("temporary bw config directory")?,
            ca_file: Some(ca_file.to_path_buf()),
            session_key: None,
        };
        session.config_server(server_url).await?;
        Ok(session)
    }

    /// A session that trusts no extra CA (to show that trust matters) and has no server set.
    pub fn session_without_ca(&self) -> anyhow::Result<BwSession> {
        Ok(BwSession {
            cli: self.clone(),
            appdata: tempfile::tempdir().context("temporary bw config directory")?,
            ca_file: None,
            session_key: None,
        })
    }

    /// `bw --version`.
    pub async fn version(&self) -> anyhow::Result<String> {
        let session = self.session_without_ca()?;
        Ok(session.run_ok(&["--version"]).await?.trim().to_string())
    }
}

/// A `bw` user: config directory, trusted CA, and session key once logged in or unlocked.
#[derive(Debug)]
pub struct BwSession {
    cli: BwCli,
    appdata: tempfile::TempDir,
    ca_file: Option<PathBuf>,
    session_key: Option<String>,
}

impl BwSession {
    /// `BITWARDENCLI_APPDATA_DIR` (its `data.json` holds the CLI's whole state).
    pub fn appdata_dir(&self) -> &Path {
        self.appdata.path()
    }

    /// The key `login`/`unlock` printed, sent as `BW_SESSION` with every later command.
    pub fn session_key(&self) -> Option<&str> {
        self.session_key.as_deref()
    }

    /// Runs `bw <args> --nointeraction` and returns its output whatever its exit status.
    pub async fn run(&self, args: &[&str]) -> anyhow::Result<Output> {
        self.run_with_env(args, &[]).await
    }

    /// As [`Self::run`], with extra environment variables (for secrets kept out of argv).
    pub async fn run_with_env(
        &self,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> anyhow::Result<Output> {
        let mut command = Command::new("node");
        command
            .arg(&self.cli.script)
            .args(args)
            .arg("--nointeraction")
            .env("BITWARDENCLI_APPDATA_DIR", self.appdata.path())
            .env("BW_NOINTERACTION", "true")
            .env_remove("BW_SESSION")
            .env_remove("BW_CLIENTID")
            .env_remove("BW_CLIENTSECRET")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        for variable in PROXY_VARIABLES {
            command.env_remove(variable);
        }
        match &self.ca_file {
            Some(ca_file) => command.env("NODE_EXTRA_CA_CERTS", ca_file),
            None => command.env_remove("NODE_EXTRA_CA_CERTS"),
        };
        if let Some(key) = &self.session_key {
            command.env("BW_SESSION", key);
        }
        command.envs(env.iter().copied());
        let shown = format!("bw {}", args.first().copied().unwrap_or_default());
        tokio::time::timeout(COMMAND_TIMEOUT, command.output())
            .await
            .with_context(|| format!("`{shown}` took over {COMMAND_TIMEOUT:?}"))?
            .with_context(|| format!("running `{shown}`: is `node` on the PATH?"))
    }

    /// Runs `bw` and returns stdout; a non-zero exit is an error carrying both outputs.
    pub async fn run_ok(&self, args: &[&str]) -> anyhow::Result<String> {
        self.run_ok_with_env(args, &[]).await
    }

    async fn run_ok_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> anyhow::Result<String> {
        let output = self.run_with_env(args, env).await?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        if !output.status.success() {
            bail!(
                "`bw {}` failed ({}): {} {}",
                args.first().copied().unwrap_or_default(),
                output.status,
                stdout.trim(),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(stdout)
    }

    /// Runs `bw` and parses what it printed as JSON.
    pub async fn run_json(&self, args: &[&str]) -> anyhow::Result<Value> {
        let stdout = self.run_ok(args).await?;
        serde_json::from_str(&stdout)
            .with_context(|| format!("`bw {}` printed no JSON: {stdout}", args.join(" ")))
    }

    /// `bw config server <url>`.
    pub async fn config_server(&self, url: &str) -> anyhow::Result<()> {
        self.run_ok(&["config", "server", url]).await.map(drop)
    }

    /// `bw status`: `{serverUrl, lastSync, userEmail, userId, status}`.
    pub async fn status(&self) -> anyhow::Result<Value> {
        self.run_json(&["status"]).await
    }

    /// `bw login <email> --passwordenv … --raw`; keeps the session key.
    pub async fn login_password(&mut self, email: &str, password: &str) -> anyhow::Result<()> {
        let env = [("KINWARDEN_BW_PASSWORD", password)];
        let args = [
            "login",
            email,
            "--passwordenv",
            "KINWARDEN_BW_PASSWORD",
            "--raw",
        ];
        let key = self.run_ok_with_env(&args, &env).await?;
        self.keep_session_key(key)
    }

    /// `bw login --apikey` with `BW_CLIENTID`/`BW_CLIENTSECRET`. The vault stays locked: call
    /// [`Self::unlock`] before commands that decrypt.
    pub async fn login_apikey(
        &mut self,
        client_id: &str,
        client_secret: &str,
    ) -> anyhow::Result<()> {
        let env = [
            ("BW_CLIENTID", client_id),
            ("BW_CLIENTSECRET", client_secret),
        ];
        self.run_ok_with_env(&["login", "--apikey"], &env)
            .await
            .map(drop)
    }

    /// `bw unlock --passwordenv … --raw`; keeps the session key.
    pub async fn unlock(&mut self, password: &str) -> anyhow::Result<()> {
        let env = [("KINWARDEN_BW_PASSWORD", password)];
        let args = ["unlock", "--passwordenv", "KINWARDEN_BW_PASSWORD", "--raw"];
        let key = self.run_ok_with_env(&args, &env).await?;
        self.keep_session_key(key)
    }

    /// `bw sync`.
    pub async fn sync(&self) -> anyhow::Result<()> {
        self.run_ok(&["sync"]).await.map(drop)
    }

    /// `bw list organizations`: a JSON array.
    pub async fn list_organizations(&self) -> anyhow::Result<Value> {
        self.run_json(&["list", "organizations"]).await
    }

    /// `bw list org-members --organizationid <org_id>`: a JSON array.
    pub async fn list_org_members(&self, org_id: &str) -> anyhow::Result<Value> {
        self.run_json(&["list", "org-members", "--organizationid", org_id])
            .await
    }

    /// `bw create <object> <encoded json>`: the created object as `bw` prints it.
    pub async fn create(&self, object: &str, json: &Value) -> anyhow::Result<Value> {
        let encoded = encode(json);
        self.run_json(&["create", object, &encoded]).await
    }

    /// `bw edit <object> <id> <encoded json>`: the object as `bw` prints it after the edit.
    pub async fn edit(&self, object: &str, id: &str, json: &Value) -> anyhow::Result<Value> {
        let encoded = encode(json);
        self.run_json(&["edit", object, id, &encoded]).await
    }

    /// `bw logout`; forgets the session key.
    pub async fn logout(&mut self) -> anyhow::Result<()> {
        self.run_ok(&["logout"]).await?;
        self.session_key = None;
        Ok(())
    }

    fn keep_session_key(&mut self, printed: String) -> anyhow::Result<()> {
        let key = printed.trim();
        if key.is_empty() {
            bail!("bw printed no session key");
        }
        self.session_key = Some(key.to_string());
        Ok(())
    }
}

/// A JSON value as `bw create`/`bw edit` take it: base64 of its text (what `bw encode` makes).
pub fn encode(json: &Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(json.to_string())
}
