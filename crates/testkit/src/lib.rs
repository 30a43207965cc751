//! The test kit (SPEC §8): Kinwarden servers started in the test's own process on free loopback
//! ports, each with its own data directory, TLS from its own local CA, and a throw-away database
//! (SQLite always; PostgreSQL too when `KINWARDEN_TEST_POSTGRES` names a server), and an SMTP
//! sink to point them at.
//!
//! Clients to drive them: [`client_crypto`] does what a Bitwarden client computes (master key,
//! server hash, EncStrings, key pairs, org keys) to register, log in, create organizations and
//! confirm members; [`bw_cli`] installs and runs the official `bw` CLI against a test server.

pub mod bw_cli;
pub mod client_crypto;
mod database;
pub mod fault_proxy;
pub mod licenses;
pub mod pascal_case;
mod server;
mod smtp;

pub use bw_cli::{BW_CLI_VERSION, BwCli, BwSession};
pub use client_crypto::{ClientAccount, EncString, Kdf, OrganizationKeys, SymmetricKey};
pub use database::{ScratchPostgres, TestBackend, backends};
pub use fault_proxy::{Fault, FaultProxy};
pub use licenses::{LicenseFacts, LicenseShape, TestLicenseKey, license_file};
pub use server::{StoppedServer, TestServer, TestServerBuilder, https_client};
pub use smtp::{ReceivedMail, SmtpSink};
