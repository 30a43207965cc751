//! The pid and run files of a server on a data directory, and signals to it (SPEC §2): `serve`
//! and `start` write the same files, so `stop`, `restart` and `status` act on whichever runs.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use serde::{Deserialize, Serialize};

use crate::bwdata::{Bwdata, write_atomic_volatile};

/// What a running server writes once it listens.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunInfo {
    pub pid: u32,
    pub url: String,
    pub mode: String,
    pub version: String,
    pub started_at: String,
}

/// The pid in the pid file, if that process is still a running Kinwarden.
pub fn running_pid(bwdata: &Bwdata) -> Option<u32> {
    let text = fs::read_to_string(bwdata.pid_file()).ok()?;
    let pid: u32 = text.trim().parse().ok()?;
    is_alive(pid).then_some(pid)
}

/// Whether `pid` is a live (not zombie) Kinwarden process. A stale pid file may name a pid the
/// system has since given to another program: that one is not ours.
pub fn is_alive(pid: u32) -> bool {
    let Ok(raw) = i32::try_from(pid) else {
        return false;
    };
    if kill(Pid::from_raw(raw), None).is_err() {
        return false;
    }
    let proc_dir = Path::new("/proc").join(pid.to_string());
    // The state follows the parenthesised command name; a zombie has exited already.
    if let Ok(stat) = fs::read_to_string(proc_dir.join("stat"))
        && let Some((_, after)) = stat.rsplit_once(')')
        && after.trim_start().starts_with('Z')
    {
        return false;
    }
    match fs::read(proc_dir.join("cmdline")) {
        Ok(cmdline) => String::from_utf8_lossy(&cmdline).contains("kinwarden"),
        Err(_) => true,
    }
}

pub fn write_pid_file(bwdata: &Bwdata) -> std::io::Result<()> {
    write_atomic_volatile(
        &bwdata.pid_file(),
        format!("{}\n", std::process::id()).as_bytes(),
    )
}

pub fn write_run_file(bwdata: &Bwdata, info: &RunInfo) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(info).map_err(std::io::Error::other)?;
    write_atomic_volatile(&bwdata.run_file(), &json)
}

pub fn read_run_file(bwdata: &Bwdata) -> Option<RunInfo> {
    let text = fs::read(bwdata.run_file()).ok()?;
    serde_json::from_slice(&text).ok()
}

/// Removes the pid and run files if they still name this process.
pub fn remove_own_files(bwdata: &Bwdata) {
    let own = std::process::id().to_string();
    if fs::read_to_string(bwdata.pid_file()).is_ok_and(|text| text.trim() == own) {
        let _ = fs::remove_file(bwdata.pid_file());
        let _ = fs::remove_file(bwdata.run_file());
    }
}

/// Asks the server to stop (SIGTERM), waits up to `patience`, then kills it (SIGKILL).
/// Answers whether it had to be killed.
pub fn stop(pid: u32, patience: Duration) -> std::io::Result<bool> {
    let raw = i32::try_from(pid).map_err(std::io::Error::other)?;
    kill(Pid::from_raw(raw), Signal::SIGTERM).map_err(std::io::Error::other)?;
    if wait_for_exit(pid, patience) {
        return Ok(false);
    }
    kill(Pid::from_raw(raw), Signal::SIGKILL).map_err(std::io::Error::other)?;
    if wait_for_exit(pid, Duration::from_secs(5)) {
        Ok(true)
    } else {
        Err(std::io::Error::other(format!("process {pid} did not exit")))
    }
}

fn wait_for_exit(pid: u32, patience: Duration) -> bool {
    let deadline = Instant::now() + patience;
    while Instant::now() < deadline {
        if !is_alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    !is_alive(pid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_pid_file_means_not_running() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bwdata = Bwdata::new(dir.path()).expect("path");
        fs::write(bwdata.pid_file(), "999999999\n").expect("write");
        assert_eq!(running_pid(&bwdata), None);
        fs::write(bwdata.pid_file(), "garbage").expect("write");
        assert_eq!(running_pid(&bwdata), None);
    }

    #[test]
    fn own_files_are_removed_only_when_they_are_ours() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bwdata = Bwdata::new(dir.path()).expect("path");
        fs::write(bwdata.pid_file(), "1\n").expect("write");
        remove_own_files(&bwdata);
        assert!(bwdata.pid_file().exists(), "another process's file stays");
        write_pid_file(&bwdata).expect("write");
        remove_own_files(&bwdata);
        assert!(!bwdata.pid_file().exists());
    }
}
