//! The Kinwarden program: the data directory, TLS, the server runtime, and the commands that
//! manage it. `main.rs` only parses the command line and calls into here.

pub mod bwdata;
pub mod commands;
pub mod compose;
pub mod jobs;
pub mod keys;
pub mod logging;
pub mod mail;
pub mod process;
pub mod server;
pub mod tls;
