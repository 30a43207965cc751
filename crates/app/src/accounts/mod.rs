//! Accounts: sign-up, logging in and the tokens it buys, the profile and sync, the account's
//! settings, and proving the master password again.

pub mod api_key;
pub mod authenticate;
pub mod login;
pub mod one_time_code;
pub mod prelogin;
pub mod profile;
pub mod public_key;
pub mod register;
pub mod secret_check;
pub mod security_stamp;
pub mod settings;
pub mod sync;
pub mod tokens;
