//! `kinwarden start`, `stop` and `restart`: a server in the background on a data directory.

use std::fs::OpenOptions;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::bwdata::Bwdata;
use crate::commands::{CliError, load_config};
use crate::process;

/// How long a starting server may take to listen (PostgreSQL migrations included).
const START_PATIENCE: Duration = Duration::from_secs(60);
/// How long a stopping server may take to finish requests in flight before it is killed.
const STOP_PATIENCE: Duration = Duration::from_secs(30);

pub fn start(bwdata: &Bwdata) -> Result<(), CliError> {
    bwdata.init()?;
    // A bad configuration is reported here, at once, rather than in a log file.
    load_config(bwdata)?;
    if let Some(pid) = process::running_pid(bwdata) {
        return Err(CliError::failed(format!(
            "a Kinwarden server already runs on {} (pid {pid}); use `kinwarden restart` to apply new configuration",
            bwdata.root().display()
        )));
    }
    spawn_and_wait(bwdata)
}

pub fn stop(bwdata: &Bwdata) -> Result<(), CliError> {
    let Some(pid) = process::running_pid(bwdata) else {
        // A server killed without cleaning up leaves its files behind.
        let _ = std::fs::remove_file(bwdata.pid_file());
        let _ = std::fs::remove_file(bwdata.run_file());
        println!("Kinwarden is not running on {}", bwdata.root().display());
        return Ok(());
    };
    let killed = process::stop(pid, STOP_PATIENCE)?;
    let _ = std::fs::remove_file(bwdata.pid_file());
    let _ = std::fs::remove_file(bwdata.run_file());
    if killed {
        println!("Stopped Kinwarden (pid {pid}) by force after {STOP_PATIENCE:?}");
    } else {
        println!("Stopped Kinwarden (pid {pid})");
    }
    Ok(())
}

/// Stops the server, re-reads the configuration and starts it again (the seed's
/// `./bitwarden.sh restart`). A configuration that would not start is refused before anything
/// stops, so a typo does not take a working server down.
pub fn restart(bwdata: &Bwdata) -> Result<(), CliError> {
    bwdata.init()?;
    load_config(bwdata)?;
    stop(bwdata)?;
    spawn_and_wait(bwdata)
}

fn spawn_and_wait(bwdata: &Bwdata) -> Result<(), CliError> {
    let _ = std::fs::remove_file(bwdata.run_file());
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(bwdata.log_file())?;
    let exe = std::env::current_exe()?;
    let mut child = Command::new(exe)
        .arg("serve")
        .arg("--bwdata")
        .arg(bwdata.root())
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        // Its own process group: a Ctrl-C meant for the shell that ran `start` does not reach it.
        .process_group(0)
        .spawn()?;
    let child_pid = child.id();
    let deadline = Instant::now() + START_PATIENCE;
    loop {
        if let Some(info) = process::read_run_file(bwdata)
            && info.pid == child_pid
        {
            println!(
                "Kinwarden {} ({}) started in the background (pid {}) on {}",
                info.version, info.mode, info.pid, info.url
            );
            println!("Log: {}", bwdata.log_file().display());
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            let tail = log_tail(bwdata, 15);
            let code = status.code().unwrap_or(1);
            let message = format!("the server exited ({status}) while starting:\n{tail}");
            return Err(if code == 2 {
                CliError::usage(message)
            } else {
                CliError::failed(message)
            });
        }
        if Instant::now() >= deadline {
            return Err(CliError::failed(format!(
                "the server did not start listening within {START_PATIENCE:?}; see {}",
                bwdata.log_file().display()
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn log_tail(bwdata: &Bwdata, lines: usize) -> String {
    let text = std::fs::read_to_string(bwdata.log_file()).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
