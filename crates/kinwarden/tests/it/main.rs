//! Integration tests of the Kinwarden program: one test binary, a module per area.

mod accounts;
mod billing;
mod browser;
mod bw_cli;
mod cli;
mod cloud_link;
mod cloud_offers;
mod cloud_sponsorship_sync;
mod connections;
mod crash;
mod doctor;
mod http;
mod jobs;
mod license_sync;
mod licenses;
mod mail;
mod network_faults;
mod organizations;
mod pages;
mod portal;
mod self_hosted_license;
mod sponsorship_sync;
mod sponsorships;
mod story;
mod support;
mod sync_at_scale;
