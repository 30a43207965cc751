//! The data directory (SPEC §3): its layout, its creation on first run, and atomic file writes.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use kinwarden_config::keys;

/// Paths inside one data directory.
#[derive(Debug, Clone)]
pub struct Bwdata {
    root: PathBuf,
}

impl Bwdata {
    /// `root` is made absolute so that a server started in the background, or a path printed to
    /// the admin, means the same thing from any working directory.
    pub fn new(root: &Path) -> io::Result<Self> {
        let root = if root.is_absolute() {
            root.to_path_buf()
        } else {
            std::env::current_dir()?.join(root)
        };
        Ok(Self { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn env_file(&self) -> PathBuf {
        kinwarden_config::env_file_path(&self.root)
    }

    pub fn core_dir(&self) -> PathBuf {
        self.root.join("core")
    }

    pub fn ssl_dir(&self) -> PathBuf {
        self.root.join("ssl")
    }

    pub fn logs_dir(&self) -> PathBuf {
        self.root.join("logs")
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.root.join("mail")
    }

    pub fn db_dir(&self) -> PathBuf {
        self.root.join("db")
    }

    /// Holds the pid of the server running on this directory, whether `serve` or `start` began it.
    pub fn pid_file(&self) -> PathBuf {
        self.root.join("kinwarden.pid")
    }

    /// What a running server tells `status` and `start`: its pid, URL and mode.
    pub fn run_file(&self) -> PathBuf {
        self.root.join("kinwarden.run.json")
    }

    pub fn log_file(&self) -> PathBuf {
        self.logs_dir().join("kinwarden.log")
    }

    /// Creates the layout and, when there is none, the commented env file listing every key.
    /// Answers whether the env file was made now (a first run).
    pub fn init(&self) -> io::Result<bool> {
        for dir in [
            self.root.join("env"),
            self.db_dir(),
            self.core_dir(),
            self.core_dir().join("licenses").join("organization"),
            self.ssl_dir(),
            self.logs_dir(),
            self.mail_dir(),
        ] {
            fs::create_dir_all(&dir)?;
        }
        let env_file = self.env_file();
        if env_file.exists() {
            return Ok(false);
        }
        write_atomic(&env_file, keys::default_env_file().as_bytes())?;
        Ok(true)
    }
}

pub use kinwarden_store::files::{write_atomic, write_atomic_volatile};

/// Like [`write_atomic`], readable by the owner only: for keys.
pub fn write_private_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    write_atomic(path, contents)?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_makes_the_layout_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bwdata = Bwdata::new(&dir.path().join("bwdata")).expect("path");
        assert!(bwdata.init().expect("first"));
        for sub in ["env", "db", "core", "ssl", "logs", "mail"] {
            assert!(bwdata.root().join(sub).is_dir(), "{sub}");
        }
        fs::write(bwdata.env_file(), "kinwarden__listen=127.0.0.1:1\n").expect("edit");
        assert!(!bwdata.init().expect("second"));
        assert_eq!(
            fs::read_to_string(bwdata.env_file()).expect("read"),
            "kinwarden__listen=127.0.0.1:1\n",
            "an existing env file is never overwritten"
        );
    }

    #[test]
    fn atomic_write_replaces() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a/b.txt");
        write_atomic(&path, b"one").expect("write");
        write_private_atomic(&path, b"two").expect("write");
        assert_eq!(fs::read(&path).expect("read"), b"two");
        assert_eq!(
            fs::read_dir(path.parent().expect("dir"))
                .expect("list")
                .count(),
            1
        );
    }
}
