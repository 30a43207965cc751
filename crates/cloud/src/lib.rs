//! The one client type for every self-hosted → cloud call (SPEC §1, §6): it gets and caches
//! installation tokens from the cloud identity, refreshes them before they expire, bounds every
//! call with a timeout, retries only transient failures with backoff, refuses to run while cloud
//! communication is off, and turns every failure into a [`CloudError`] that names the fix.

mod answers;
mod calls;
mod error;
mod link;
mod tokens;

pub use answers::{AnsweredSponsorship, SponsorshipSyncAnswer};
pub use error::{CloudError, NetworkCause};
pub use link::{CloudLink, LinkSettings, Probe};
