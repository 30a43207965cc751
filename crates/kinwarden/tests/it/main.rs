//! Integration tests of the Kinwarden program: one test binary, a module per area.

mod cli;
mod http;
mod mail;
