//! The seed walked through the pages in a real browser (issue "pages", acceptance 1–4): headless
//! Chromium from Debian's `chromium` package, driven by `playwright-core` from npm
//! (`tests/browser/walk.mjs`). This module starts a cloud and a self-hosted Kinwarden, sets up
//! the accounts the story starts with (the cloud's Enterprise organization, the self-hosted
//! organization from its license, a confirmed member), and hands the rest to the script: token,
//! *Manage billing sync*, the offer, the Portal's *Manually Sync*, registration and redemption,
//! the active sponsorship, Swedish labels, CSRF refusals and JavaScript errors.
//!
//! `playwright-core` is installed once per machine into a cache directory outside the clone
//! (`$KINWARDEN_PLAYWRIGHT_CACHE`, else `~/.cache/kinwarden-playwright/<version>`); it never
//! downloads a browser. Screenshots go to `$KINWARDEN_SCREENSHOTS`, else
//! `target/browser-screenshots` (ignored by git). Without node, npm or chromium the test says so
//! and passes, except when `CI` is set: then it fails.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use kinwarden_testkit::{ClientAccount, Kdf, TestServer};
use serde_json::{Value, json};
use tokio::process::Command;

use crate::self_hosted_license::{Pair, pair_with, self_hosted_owner};
use crate::support::{login, register};

const CHROMIUM: &str = "/usr/bin/chromium";
const ADMIN: &str = "ops@example.com";
const MEMBER: (&str, &str) = ("member@selfhost.test", "member password!");
const RECIPIENT: (&str, &str) = ("family@home.test", "family password!");
const WALK_TIMEOUT: Duration = Duration::from_secs(300);

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/browser")
}

/// The pinned `playwright-core` version, from `tests/browser/package.json`.
fn playwright_version() -> anyhow::Result<String> {
    let text = std::fs::read_to_string(browser_dir().join("package.json"))?;
    let manifest: Value = serde_json::from_str(&text)?;
    manifest["dependencies"]["playwright-core"]
        .as_str()
        .map(str::to_string)
        .context("tests/browser/package.json pins no playwright-core")
}

fn cache_dir(version: &str) -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("KINWARDEN_PLAYWRIGHT_CACHE") {
        return Ok(PathBuf::from(dir));
    }
    let home = std::env::var_os("HOME").context("HOME is not set")?;
    Ok(PathBuf::from(home)
        .join(".cache/kinwarden-playwright")
        .join(version))
}

/// `npm install playwright-core@<version>` into a private directory renamed into place, so a
/// concurrent or interrupted install is never seen half done.
async fn install_playwright() -> anyhow::Result<PathBuf> {
    let version = playwright_version()?;
    let dir = cache_dir(&version)?;
    let marker = dir.join("node_modules/playwright-core/package.json");
    if marker.is_file() {
        return Ok(dir);
    }
    let parent = dir.parent().context("cache dir without parent")?;
    std::fs::create_dir_all(parent)?;
    let staging = parent.join(format!(
        ".partial-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let output = Command::new("npm")
        .arg("install")
        .arg("--prefix")
        .arg(&staging)
        .args(["--no-audit", "--no-fund", "--loglevel=error"])
        .arg(format!("playwright-core@{version}"))
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .context("running npm")?;
    if !output.status.success() {
        let _ = std::fs::remove_dir_all(&staging);
        bail!(
            "npm install playwright-core@{version} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    if std::fs::rename(&staging, &dir).is_err() && !marker.is_file() {
        bail!("could not move {} to {}", staging.display(), dir.display());
    }
    let _ = std::fs::remove_dir_all(&staging);
    Ok(dir)
}

/// Whether the browser test can run here; on CI a missing tool is a failure.
fn tools_present() -> anyhow::Result<bool> {
    let has = |program: &str| {
        std::process::Command::new(program)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    let missing: Vec<&str> = [
        ("node", has("node")),
        ("npm", has("npm")),
        (CHROMIUM, Path::new(CHROMIUM).is_file()),
    ]
    .into_iter()
    .filter(|(_, present)| !present)
    .map(|(name, _)| name)
    .collect();
    if missing.is_empty() {
        return Ok(true);
    }
    if std::env::var_os("CI").is_some() {
        bail!(
            "the browser test needs {} (Debian: apt-get install chromium nodejs npm)",
            missing.join(", ")
        );
    }
    eprintln!(
        "browser test skipped: {} missing (set CI to make this a failure)",
        missing.join(", ")
    );
    Ok(false)
}

/// The accounts the story starts with on the self-hosted server: its owner and a member, not
/// yet in any organization (the walk creates it from the license and invites the member).
async fn self_hosted_accounts(pair: &Pair) -> anyhow::Result<(ClientAccount, ClientAccount)> {
    let (owner, _, _) = self_hosted_owner(&pair.self_hosted).await?;
    let member = ClientAccount::new(MEMBER.0, MEMBER.1, Kdf::DEFAULT_ITERATIONS)?;
    register(&pair.self_hosted, &member).await?;
    Ok((owner, member))
}

fn screenshots_dir() -> PathBuf {
    std::env::var_os("KINWARDEN_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-screenshots")
        })
}

fn base(server: &TestServer) -> String {
    server.url.as_str().trim_end_matches('/').to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_walks_through_the_pages_in_a_browser() -> anyhow::Result<()> {
    if !tools_present()? {
        return Ok(());
    }
    let playwright = install_playwright().await?;
    // One backend per run: PostgreSQL when the run has it (CI's second pass), else SQLite.
    let backend = kinwarden_testkit::backends()
        .into_iter()
        .last()
        .context("no backend")?;
    let pair = pair_with(
        backend,
        10,
        &[
            ("adminSettings__admins", ADMIN),
            ("kinwarden__syncDebounce", "off"),
        ],
    )
    .await?;
    let (owner, member) = self_hosted_accounts(&pair).await?;
    let config = json!({
        "playwright": playwright,
        "chromium": CHROMIUM,
        "cloud": base(&pair.cloud),
        "selfHosted": base(&pair.self_hosted),
        "cloudMail": pair.cloud.mail_dir(),
        "selfMail": pair.self_hosted.mail_dir(),
        "certificates": [pair.cloud.bwdata.join("ssl/certificate.crt"), pair.self_hosted.bwdata.join("ssl/certificate.crt")],
        "shots": screenshots_dir(),
        "cloudOwner": {"email": pair.cloud_owner.email, "password": "owner password!"},
        "selfOwner": {"email": "admin@selfhost.test", "password": "self hosted pw!"},
        "member": {"email": MEMBER.0, "password": MEMBER.1},
        "recipient": {"email": RECIPIENT.0, "password": RECIPIENT.1},
        "admin": ADMIN,
        "cloudOrgId": pair.cloud_org_id,
        "installationId": pair.installation_id,
    });
    let walk = Command::new("node")
        .arg(browser_dir().join("walk.mjs"))
        .env("KINWARDEN_WALK", config.to_string())
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(WALK_TIMEOUT, walk)
        .await
        .context("the browser walk took too long")??;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "browser walk failed\n{stdout}\n{stderr}\nscreenshots: {}",
        screenshots_dir().display()
    );

    // What the pages showed is what the servers hold: the organization made in the owner's
    // browser has a key the owner opens, the member got the same key wrapped in that browser,
    // and the sponsorship is valid until a date.
    let session = login(&pair.self_hosted, &owner).await?;
    let sync: Value = session
        .get(&pair.self_hosted, "/api/sync")
        .await?
        .json()
        .await?;
    let owned = &sync["profile"]["organizations"][0];
    let org_key = owner.open_org_key(owned["key"].as_str().context("no org key")?)?;
    let session = login(&pair.self_hosted, &member).await?;
    let sync: Value = session
        .get(&pair.self_hosted, "/api/sync")
        .await?
        .json()
        .await?;
    let sponsoring = &sync["profile"]["organizations"][0];
    assert!(
        sponsoring["familySponsorshipValidUntil"].is_string(),
        "{sync}"
    );
    let member_key = member.open_org_key(sponsoring["key"].as_str().context("no org key")?)?;
    assert_eq!(member_key.as_bytes(), org_key.as_bytes());
    // The recipient's account and Families organization were made in the browser: a client
    // unlocks the account with the password and opens the organization key with it.
    let fresh = ClientAccount::new(RECIPIENT.0, RECIPIENT.1, Kdf::DEFAULT_ITERATIONS)?;
    let session = login(&pair.cloud, &fresh).await?;
    let recipient = ClientAccount::unlock(
        RECIPIENT.0,
        RECIPIENT.1,
        Kdf::pbkdf2(Kdf::DEFAULT_ITERATIONS)?,
        session.tokens["Key"].as_str().context("no Key")?,
        session.tokens["PrivateKey"]
            .as_str()
            .context("no PrivateKey")?,
    )?;
    let sync: Value = session.get(&pair.cloud, "/api/sync").await?.json().await?;
    let families = &sync["profile"]["organizations"][0];
    assert_eq!(families["name"], "Our Family", "{sync}");
    assert_eq!(families["productTierType"], 1, "{sync}");
    recipient.open_org_key(families["key"].as_str().context("no org key")?)?;
    pair.stop().await
}
