//! Any bytes as an uploaded license file: parsed or refused, and never accepted unsigned.
#![no_main]

use std::sync::LazyLock;

use kinwarden_core::license::{LicensePublicKey, OrganizationLicense, verify};
use libfuzzer_sys::fuzz_target;

static KEY: LazyLock<LicensePublicKey> = LazyLock::new(|| {
    let (_, public) = kinwarden_core::tokens::generate_key_pem().expect("key pair");
    LicensePublicKey::from_pem(&public).expect("public key")
});

fuzz_target!(|data: &[u8]| {
    if let Ok(license) = OrganizationLicense::from_json(data) {
        let installation = license.installation_id;
        // A key no one signed with: nothing may verify.
        assert!(verify(&license, &KEY, installation, chrono::Utc::now()).is_err());
    }
});
