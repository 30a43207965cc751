//! `kinwarden status`: is a server running on this data directory, where, and is its
//! configuration sound. Exit 0 when running, 3 when not (as init scripts expect).

use kinwarden_config::Config;

use crate::bwdata::Bwdata;
use crate::commands::{CliError, process_environment};
use crate::process;

pub const NOT_RUNNING: i32 = 3;

pub fn run(bwdata: &Bwdata) -> Result<i32, CliError> {
    println!("Kinwarden {}", env!("CARGO_PKG_VERSION"));
    println!("data:     {}", bwdata.root().display());
    let running = process::running_pid(bwdata);
    match (running, process::read_run_file(bwdata)) {
        (Some(pid), Some(info)) if info.pid == pid => {
            println!("state:    running (pid {pid}, since {})", info.started_at);
            println!("mode:     {}", info.mode);
            println!("url:      {}", info.url);
        }
        (Some(pid), _) => println!("state:    starting (pid {pid})"),
        (None, _) => println!("state:    stopped"),
    }
    match Config::load(bwdata.root(), process_environment()) {
        Ok(config) => {
            println!(
                "database: {}",
                match &config.database {
                    kinwarden_config::DatabaseConfig::Sqlite { path } =>
                        format!("sqlite ({})", path.display()),
                    kinwarden_config::DatabaseConfig::Postgres { .. } => "postgres".to_string(),
                }
            );
            if config.warnings.is_empty() {
                println!("config:   ok");
            } else {
                println!("config:   {} warning(s)", config.warnings.len());
                for warning in &config.warnings {
                    println!("  - {warning}");
                }
            }
        }
        Err(err) => println!("config:   ERROR {err} (the server will not start until it is fixed)"),
    }
    Ok(if running.is_some() { 0 } else { NOT_RUNNING })
}
