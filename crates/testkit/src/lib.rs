//! The test kit (SPEC §8): Kinwarden servers started in the test's own process on free loopback
//! ports, each with its own data directory, TLS from its own local CA, and a throw-away database
//! (SQLite always; PostgreSQL too when `KINWARDEN_TEST_POSTGRES` names a server), and an SMTP
//! sink to point them at.

mod database;
mod server;
mod smtp;

pub use database::{ScratchPostgres, TestBackend, backends};
pub use server::{TestServer, TestServerBuilder, https_client};
pub use smtp::{ReceivedMail, SmtpSink};
