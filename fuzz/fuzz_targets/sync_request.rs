//! Any bytes as the body of `POST /api/organization/sponsorship/sync`: a request or a 400.
#![no_main]

use kinwarden_proto::sponsorship_sync::SyncRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = kinwarden_web::decode_json::<SyncRequest>(data);
});
