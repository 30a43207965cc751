//! Any bytes as `bwdata/env/global.override.env`: a configuration or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = kinwarden_config::env_file_path(dir.path());
    std::fs::create_dir_all(dir.path().join("env")).expect("env dir");
    std::fs::write(file, data).expect("env file");
    let _ = kinwarden_config::Config::load(dir.path(), Vec::<(String, String)>::new());
});
