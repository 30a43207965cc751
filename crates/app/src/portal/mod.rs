//! The System Administrator Portal's use-cases (SPEC §9): the login by mailed single-use link,
//! the organizations it lists and shows (with, on a self-hosted server, the billing sync
//! connection, the offers and the recorded exchanges with the cloud), and *Manually Sync*.
//! A cloud organization's ledger changes are `billing::ledger`.

pub mod login;
pub mod organizations;
pub mod sync;
