//! Kinwarden's e-mails (SPEC §7, §9 "mail"): what a message says, in English or Swedish, and how
//! it looks as plain text and as HTML. Delivery lives elsewhere: a use-case renders a [`Mail`]
//! here, the store queues it in the same transaction as the change that causes it, and the
//! program's worker delivers it.
//!
//! Every text of every message is in `catalogue.rs`, one table per language, so a new message (the
//! sponsorship offer, the revert notice) is a few fields there plus a small type in
//! [`messages`]. All text goes through one renderer that escapes it for HTML, and every link is
//! absolute, built from the vault URL with its tokens as query parameters.

mod catalogue;
mod draft;
mod lang;
mod links;
mod mail;
pub mod messages;
mod render;

pub use draft::{Draft, DraftMail};
pub use lang::Lang;
pub use links::link;
pub use mail::{Mail, MailKind, recipient_domain};
pub use messages::{OrganizationInvite, SponsorshipOffer, VerifyEmail};
