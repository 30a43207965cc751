//! Installations (cloud only, reference §3.5): a self-hosted server registers with the cloud and
//! receives an id and a key, then trades them for installation tokens.

pub mod register;
pub mod state;
pub mod token;
