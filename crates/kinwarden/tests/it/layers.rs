//! The layers' dependency rules (docs/ARCHITECTURE.md "Layers"), read from the sources so CI
//! keeps the shape: the HTTP crate reaches storage only through the use-cases, jobs and commands
//! call the use-cases rather than the HTTP crate, pages never call a JSON API handler, and the
//! use-cases know no HTTP.

use std::path::{Path, PathBuf};

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("crates/")
        .to_path_buf()
}

/// The crate names in a manifest's `[dependencies]` table (not dev- or build-dependencies).
fn dependencies(krate: &str) -> Vec<String> {
    let manifest =
        std::fs::read_to_string(crates_dir().join(krate).join("Cargo.toml")).expect("manifest");
    let mut in_dependencies = false;
    let mut names = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]";
            continue;
        }
        if in_dependencies && let Some((name, _)) = line.split_once('=') {
            let name = name.trim().trim_end_matches(".workspace").to_string();
            if !name.is_empty() && !name.starts_with('#') {
                names.push(name);
            }
        }
    }
    names
}

/// Every Rust file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("source dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let text = std::fs::read_to_string(&path).expect("source");
                found.push((path, text));
            }
        }
    }
    found
}

/// The files under `dir` whose code (comments aside) contains any of `needles`.
fn naming(dir: &str, needles: &[&str]) -> Vec<String> {
    sources(&crates_dir().join(dir))
        .into_iter()
        .filter(|(_, text)| {
            text.lines()
                .map(|line| line.split("//").next().unwrap_or_default())
                .any(|code| needles.iter().any(|needle| code.contains(needle)))
        })
        .map(|(path, _)| path.display().to_string())
        .collect()
}

#[test]
fn the_http_crate_reaches_storage_only_through_use_cases() {
    let deps = dependencies("web");
    assert!(
        deps.iter().any(|name| name == "kinwarden-app"),
        "web calls the use-cases: {deps:?}"
    );
    assert!(
        !deps.iter().any(|name| name == "kinwarden-store"),
        "web must not depend on the store: {deps:?}"
    );
    assert_eq!(
        naming("web/src", &["kinwarden_store"]),
        Vec::<String>::new()
    );
}

#[test]
fn jobs_and_commands_call_use_cases_not_the_http_crate() {
    for dir in ["kinwarden/src/jobs", "kinwarden/src/commands"] {
        assert_eq!(
            naming(dir, &["kinwarden_web"]),
            Vec::<String>::new(),
            "{dir}"
        );
    }
}

#[test]
fn pages_and_the_portal_call_no_api_handler() {
    for dir in ["web/src/pages", "web/src/portal"] {
        assert_eq!(naming(dir, &["crate::api"]), Vec::<String>::new(), "{dir}");
    }
}

#[test]
fn the_shared_http_plumbing_names_no_handler() {
    assert_eq!(
        naming(
            "web/src/http",
            &[
                "crate::api",
                "crate::pages",
                "crate::portal",
                "crate::router"
            ]
        ),
        Vec::<String>::new()
    );
}

#[test]
fn use_cases_and_rules_know_no_http() {
    for krate in ["app", "core", "store", "proto"] {
        let deps = dependencies(krate);
        for http in [
            "kinwarden-web",
            "axum",
            "axum-server",
            "tower",
            "tower-http",
        ] {
            assert!(
                !deps.iter().any(|name| name == http),
                "{krate} depends on {http}"
            );
        }
    }
    for krate in ["core", "proto"] {
        let deps = dependencies(krate);
        for below in [
            "kinwarden-store",
            "kinwarden-app",
            "kinwarden-cloud",
            "sqlx",
        ] {
            assert!(
                !deps.iter().any(|name| name == below),
                "{krate} depends on {below}"
            );
        }
    }
}
