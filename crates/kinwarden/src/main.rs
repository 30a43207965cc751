//! `kinwarden`: parse the command line, run the command, exit with its code (SPEC §2).

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use kinwarden::bwdata::Bwdata;
use kinwarden::commands::{self, CliError};

#[derive(Parser)]
#[command(
    name = "kinwarden",
    version,
    about = "Kinwarden: Families sponsorships with automatic billing sync, cloud or self-hosted"
)]
struct Cli {
    /// Data directory (configuration, database, keys, certificates, logs).
    #[arg(
        long,
        global = true,
        env = "KINWARDEN_BWDATA",
        default_value = "bwdata"
    )]
    bwdata: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server in the foreground.
    Serve,
    /// Run the server in the background.
    Start,
    /// Stop the server running on the data directory.
    Stop,
    /// Stop, re-read the configuration, and start again in the background.
    Restart,
    /// Show whether a server runs, where, and any configuration problems.
    Status,
    /// Check the configuration and the connection to the cloud, one line per check.
    Doctor,
    /// Send the sponsorships to the cloud now (the code of Manually Sync).
    Sync {
        /// Only this organization.
        #[arg(long)]
        org: Option<String>,
    },
    /// Scheduled jobs: list them, or run one now.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Write a consistent archive of the data directory, safe while the server runs.
    Backup {
        /// Archive to write (default: kinwarden-backup-<time>.tar.gz here).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Put an archive made by `backup` back into the data directory.
    Restore {
        file: PathBuf,
        /// Overwrite a data directory that is not empty.
        #[arg(long)]
        force: bool,
    },
    /// A self-hosted server registered with this cloud: disable it (its tokens stop working at
    /// once) or enable it again.
    Installation {
        #[command(subcommand)]
        command: InstallationCommand,
    },
    /// Organization licenses: issue and publish the key (cloud), check a file (self-hosted).
    License {
        #[command(subcommand)]
        command: LicenseCommand,
    },
}

#[derive(Subcommand)]
enum LicenseCommand {
    /// Print the PEM public key licenses are signed with (cloud).
    PublicKey,
    /// Print the PEM certificate a self-hosted server lists in kinwarden__licenseCertificates (cloud).
    Certificate,
    /// Would this self-hosted server accept the license file? Exit 0 if so, 1 with the reason.
    Verify { file: PathBuf },
    /// Issue a signed license of an organization for an installation (cloud).
    Issue {
        /// The organization's id.
        #[arg(long = "org")]
        org: String,
        /// The installation's id.
        #[arg(long)]
        installation: String,
        /// License format version (default: the current one).
        #[arg(long, default_value_t = kinwarden_core::license::CURRENT_VERSION)]
        version: i32,
        /// File to write (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum InstallationCommand {
    /// Refuse the installation from now on, tokens it holds included.
    Disable { id: String },
    /// Accept the installation again.
    Enable { id: String },
}

#[derive(Subcommand)]
enum JobsCommand {
    /// Every job with its last run, outcome and next run.
    List,
    /// Run a job now, with the scheduler's code; exit 1 when it fails.
    Run { name: String },
}

fn main() {
    let cli = Cli::parse();
    let code = match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("kinwarden: {err}");
            err.exit_code
        }
    };
    std::process::exit(code);
}

fn run(cli: Cli) -> Result<i32, CliError> {
    let bwdata = Bwdata::new(&cli.bwdata)?;
    let runtime = tokio::runtime::Runtime::new()?;
    match cli.command {
        Command::Serve => runtime.block_on(commands::serve::run(&bwdata))?,
        Command::Start => commands::lifecycle::start(&bwdata)?,
        Command::Stop => commands::lifecycle::stop(&bwdata)?,
        Command::Restart => commands::lifecycle::restart(&bwdata)?,
        Command::Status => return commands::status::run(&bwdata),
        Command::Doctor => return runtime.block_on(commands::doctor::run(&bwdata)),
        Command::Sync { org } => {
            return runtime.block_on(commands::sync::run(&bwdata, org.as_deref()));
        }
        Command::Jobs(JobsCommand::List) => return runtime.block_on(commands::jobs::list(&bwdata)),
        Command::Jobs(JobsCommand::Run { name }) => {
            return runtime.block_on(commands::jobs::run(&bwdata, &name));
        }
        Command::Backup { out } => runtime.block_on(commands::backup::backup(&bwdata, out))?,
        Command::Restore { file, force } => {
            runtime.block_on(commands::backup::restore(&bwdata, &file, force))?
        }
        Command::Installation { command } => {
            let (id, enabled) = match command {
                InstallationCommand::Disable { id } => (id, false),
                InstallationCommand::Enable { id } => (id, true),
            };
            runtime.block_on(commands::installation::set_enabled(&bwdata, &id, enabled))?
        }
        Command::License { command } => return license(&bwdata, &runtime, command),
    }
    Ok(0)
}

fn license(
    bwdata: &Bwdata,
    runtime: &tokio::runtime::Runtime,
    command: LicenseCommand,
) -> Result<i32, CliError> {
    match command {
        LicenseCommand::PublicKey => commands::license::public_key(bwdata),
        LicenseCommand::Certificate => commands::license::certificate(bwdata),
        LicenseCommand::Verify { file } => commands::license::verify(bwdata, &file),
        LicenseCommand::Issue {
            org,
            installation,
            version,
            out,
        } => runtime.block_on(commands::license::issue(
            bwdata,
            commands::license::IssueArgs {
                organization: &org,
                installation: &installation,
                version,
                out: out.as_deref(),
            },
        )),
    }
}
