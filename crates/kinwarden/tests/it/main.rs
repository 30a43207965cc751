//! Integration tests of the Kinwarden program: one test binary, a module per area.

mod accounts;
mod cli;
mod http;
mod licenses;
mod mail;
mod organizations;
mod support;
