//! The official Bitwarden CLI (`bw`, npm `@bitwarden/cli`) as a black-box client in tests
//! (ARCHITECTURE "Tests, in layers" 5).
//!
//! [`BwCli::install`] puts the pinned version into a cache directory outside the repository,
//! once per machine: `$KINWARDEN_BW_CLI_CACHE`, else `$XDG_CACHE_HOME/kinwarden-bw-cli/<version>`,
//! else `~/.cache/kinwarden-bw-cli/<version>`. It installs into a private directory and renames
//! it into place, so concurrent tests (even in different processes) never see a half-installed
//! CLI; a loser of the race throws its copy away. It needs `node` and `npm` on the `PATH` and
//! access to the npm registry the first time, and says so when they are missing.
//!
//! [`BwCli::session`] gives a [`BwSession`]: its own `BITWARDENCLI_APPDATA_DIR`, the server's CA
//! trusted through `NODE_EXTRA_CA_CERTS`, and `bw config server <url>` already run.
//! What `bw` needs to talk to a Kinwarden with a self-signed local CA, found by trying:
//!
//! * `bw config server <url>` on a fresh config dir (it only saves the URL, contacts nothing);
//! * `NODE_EXTRA_CA_CERTS=<bwdata>/ssl/ca.crt`; without it every request fails with
//!   "self-signed certificate in certificate chain";
//! * no `http_proxy`/`https_proxy` in its environment: it sends every request through such a
//!   proxy and ignores `NO_PROXY`, loopback included;
//! * never interactive: `--nointeraction`, `BW_NOINTERACTION=true` and stdin from `/dev/null`,
//!   passwords through `--passwordenv` (not argv), API keys through `BW_CLIENTID`/`BW_CLIENTSECRET`;
//! * the session key printed by `login --raw`/`unlock --raw`, passed back as `BW_SESSION`.
//!
//! Every command is async (the server under test usually runs on the same tokio runtime) and
//! killed after [`COMMAND_TIMEOUT`].
//!
//! `@bitwarden/cli` 2026.9.0 declares `node >= 22` but runs on Node 20, which npm only warns
//! about.

mod install;
mod session;

use std::path::PathBuf;
use std::time::Duration;

pub use session::{BwSession, encode};

/// The pinned CLI version.
pub const BW_CLI_VERSION: &str = "2026.9.0";

/// How long one `bw` command may take before it is killed.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// An installed `bw` of version [`BW_CLI_VERSION`].
#[derive(Debug, Clone)]
pub struct BwCli {
    /// The installation directory (holds `node_modules/@bitwarden/cli`).
    pub dir: PathBuf,
    /// `build/bw.js`, run with `node` directly (no `.bin` symlink, no shell).
    script: PathBuf,
}
