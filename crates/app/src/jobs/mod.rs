//! The scheduled jobs' bodies and the commands' work (SPEC §2, §9 "jobs"): the scheduler in the
//! server, `kinwarden jobs run NAME`, `kinwarden sync`, `license issue|verify` and `doctor` call
//! these and only print or log what they return. The program keeps the schedule, the job names
//! and the texts; a use-case here returns what happened as data.

pub mod doctor;
pub mod expired_sponsorships;
pub mod license_commands;
pub mod license_expiry;
pub mod license_refresh;
pub mod license_validation;
pub mod runs;
pub mod sponsorship_sync;
pub mod sponsorship_validation;
pub mod trash_purge;

use crate::AppError;

/// What a job run came to: its work done, or nothing to do on this server and why.
#[derive(Debug)]
pub enum Outcome<T> {
    Done(T),
    Idle(Idle),
}

/// Why a job has nothing to do here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idle {
    /// The job is a self-hosted server's, and this is a cloud.
    OnCloud,
    /// The job is a cloud's, and this is a self-hosted server.
    OnSelfHosted,
    /// `globalSettings__enableCloudCommunication` is off, so nothing may be sent or ended.
    CloudCommunicationOff,
    /// `kinwarden__licenseAutoRefresh` is off, so licenses are fetched only when an owner asks.
    AutoRefreshOff,
}

/// An error's text as a job records it (`jobs list`, the log): an internal cause in full, since
/// the reader is this server's operator, not a remote caller.
pub fn message(err: &AppError) -> String {
    match err {
        AppError::Internal(cause) => cause.clone(),
        other => other.to_string(),
    }
}
