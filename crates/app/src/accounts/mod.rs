//! Accounts: sign-up, sessions, the profile, and proving the master password again.

pub mod authenticate;
pub mod profile;
pub mod secret_check;
