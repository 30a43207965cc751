//! Installing `@bitwarden/cli` once per machine, safely under concurrent tests.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::process::Command;
use tokio::sync::OnceCell;

use super::{BW_CLI_VERSION, BwCli};

/// npm may have to download ~220 packages the first time.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(600);

// One install per test process; other processes are handled by the atomic rename.
static INSTALLED: OnceCell<BwCli> = OnceCell::const_new();

impl BwCli {
    /// The pinned CLI, installed into the cache directory unless already there, and checked
    /// to answer `--version` with [`BW_CLI_VERSION`].
    pub async fn install() -> anyhow::Result<BwCli> {
        INSTALLED.get_or_try_init(install_once).await.cloned()
    }

    /// Where the CLI is (or will be) installed.
    pub fn cache_dir() -> anyhow::Result<PathBuf> {
        if let Some(dir) = std::env::var_os("KINWARDEN_BW_CLI_CACHE") {
            return Ok(PathBuf::from(dir));
        }
        let base = match std::env::var_os("XDG_CACHE_HOME") {
            Some(dir) => PathBuf::from(dir),
            None => PathBuf::from(
                std::env::var_os("HOME")
                    .context("neither KINWARDEN_BW_CLI_CACHE, XDG_CACHE_HOME nor HOME is set")?,
            )
            .join(".cache"),
        };
        Ok(base.join("kinwarden-bw-cli").join(BW_CLI_VERSION))
    }
}

async fn install_once() -> anyhow::Result<BwCli> {
    let dir = BwCli::cache_dir()?;
    if !dir.exists() {
        npm_install_into(&dir)
            .await
            .with_context(|| format!("installing the Bitwarden CLI into {}", dir.display()))?;
    }
    let cli = BwCli {
        script: script_in(&dir),
        dir,
    };
    if !cli.script.is_file() {
        bail!(
            "{} exists but holds no {}; delete the directory to reinstall the Bitwarden CLI",
            cli.dir.display(),
            cli.script.display()
        );
    }
    let version = cli.version().await?;
    if version != BW_CLI_VERSION {
        bail!(
            "{} answers --version with {version:?}, expected {BW_CLI_VERSION}",
            cli.script.display()
        );
    }
    Ok(cli)
}

fn script_in(dir: &Path) -> PathBuf {
    dir.join("node_modules/@bitwarden/cli/build/bw.js")
}

/// `npm install` into a private sibling directory, then rename it to `dir`. A rename onto an
/// existing directory fails, which tells us another process finished first.
async fn npm_install_into(dir: &Path) -> anyhow::Result<()> {
    let parent = dir
        .parent()
        .context("the Bitwarden CLI cache directory has no parent")?;
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let staging = parent.join(format!(
        ".{}.partial-{}-{}",
        BW_CLI_VERSION,
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let result = npm_install(&staging).await;
    let result = result.and_then(|()| match std::fs::rename(&staging, dir) {
        Ok(()) => Ok(()),
        Err(_) if script_in(dir).is_file() => Ok(()),
        Err(err) => {
            Err(err).with_context(|| format!("moving {} to {}", staging.display(), dir.display()))
        }
    });
    // Gone after a successful rename; otherwise a failed or losing attempt.
    let _ = std::fs::remove_dir_all(&staging);
    result
}

async fn npm_install(prefix: &Path) -> anyhow::Result<()> {
    let package = format!("@bitwarden/cli@{BW_CLI_VERSION}");
    let mut command = Command::new("npm");
    command
        .arg("install")
        .arg("--prefix")
        .arg(prefix)
        .args(["--no-audit", "--no-fund", "--loglevel=error", &package])
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let output = tokio::time::timeout(INSTALL_TIMEOUT, command.output())
        .await
        .with_context(|| format!("`npm install {package}` took over {INSTALL_TIMEOUT:?}"))?
        .with_context(|| {
            format!(
                "running `npm install {package}`: is Node.js with npm installed and on the PATH?"
            )
        })?;
    if !output.status.success() {
        bail!(
            "`npm install {package}` failed ({}); it needs the npm registry the first time.\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}
