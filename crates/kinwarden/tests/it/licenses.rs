//! License files from the cloud (SPEC §9 "license"): an owner downloads a license for an
//! installation; it verifies with the published key; any changed field, or another
//! installation, is refused; admins and users get 404; an unknown installation 400.

use chrono::Utc;
use kinwarden_core::license::{
    self, LicenseError, OrganizationLicense, Proof, TrustSource, TrustStore, Unusable,
};
use kinwarden_testkit::{SmtpSink, TestServer, backends};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::organizations::owner_with_org;
use crate::support::confirmed_member;

async fn new_installation(server: &TestServer) -> anyhow::Result<Uuid> {
    let created: Value = server
        .client
        .post(server.at("/api/installations"))
        .json(&json!({"email": "admin@selfhost.test"}))
        .send()
        .await?
        .json()
        .await?;
    Ok(created["id"].as_str().expect("id").parse()?)
}

/// Another value of the same JSON type (or, for a null, the first the document accepts).
fn changed_values(value: &Value) -> Vec<Value> {
    match value {
        Value::Bool(b) => vec![Value::Bool(!b)],
        Value::Number(n) => vec![Value::from(n.as_i64().unwrap_or(0) + 1)],
        Value::String(s) => {
            let mut bytes = s.clone().into_bytes();
            // Change one byte, keeping dates and ids parseable where possible.
            if let Some(last) = bytes.iter().rposition(u8::is_ascii_digit) {
                bytes[last] = if bytes[last] == b'0' { b'1' } else { b'0' };
            } else if let Some(first) = bytes.first_mut() {
                *first = if *first == b'A' { b'B' } else { b'A' };
            }
            vec![Value::from(String::from_utf8_lossy(&bytes).into_owned())]
        }
        _ => vec![json!(1), json!("x"), json!("2030-01-01T00:00:00Z")],
    }
}

#[tokio::test]
async fn owners_download_licenses_that_verify_and_resist_change() -> anyhow::Result<()> {
    for backend in backends() {
        let sink = SmtpSink::start().await?;
        let server = TestServer::cloud()
            .backend(backend)
            .smtp(&sink)
            .start()
            .await?;
        let (_owner, owner_session, org, org_id) =
            owner_with_org(&server, "owner@license.test", 20, 10).await?;
        let installation = new_installation(&server).await?;
        let private_key = server.bwdata.join("core/licensing.key.pem");
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(&private_key)?.permissions(),
        );
        assert_eq!(mode & 0o777, 0o600, "the signing key is the owner's only");

        let pem = server.get("/api/licenses/public-key").await?;
        assert_eq!(pem.status(), 200);
        assert!(
            pem.headers()["content-type"]
                .to_str()?
                .starts_with("text/plain")
        );
        let mut key = TrustStore::built_in();
        key.add_pem(&pem.text().await?, TrustSource::File("cloud.pem".into()))?;
        let certificate = server.get("/api/licenses/certificate").await?;
        assert_eq!(certificate.status(), 200);
        let mut by_certificate = TrustStore::built_in();
        by_certificate.add_pem(
            &certificate.text().await?,
            TrustSource::File("cloud.cer.pem".into()),
        )?;

        let path = format!("/api/organizations/{org_id}/license?installationId={installation}");
        let response = owner_session.get(&server, &path).await?;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await?;
        assert_eq!(body["id"], org_id.as_str());
        assert_eq!(body["installationId"], installation.to_string());
        assert_eq!(body["planType"], 20);
        assert_eq!(body["seats"], 10);
        assert_eq!(body["version"], 15);
        assert_eq!(body["licenseType"], 1);
        assert_eq!(body["selfHost"], true);
        assert!(body["licenseKey"].as_str().is_some_and(|k| k.len() == 20));
        for field in ["issued", "refresh", "expires", "hash", "signature", "token"] {
            assert!(body[field].is_string(), "{field}");
        }

        let license = OrganizationLicense::from_value(body.clone())?;
        let now = Utc::now();
        let verified = license::verify(&license, &key, installation, now)?;
        assert_eq!(verified.proof(), Proof::Token);
        let by_cert = license::verify(&license, &by_certificate, installation, now)?;
        assert!(
            by_cert.signer_thumbprint().is_some(),
            "{}",
            by_cert.signer()
        );
        // Without the token, the legacy Signature by the cloud's key proves it too.
        let mut legacy = license.clone();
        legacy.token = None;
        legacy.kinwarden_signature = None;
        assert_eq!(
            license::verify(&legacy, &key, installation, now).map(|v| v.proof()),
            Ok(Proof::Signature)
        );
        let elsewhere = Uuid::new_v4();
        assert_eq!(
            license::verify(&license, &key, elsewhere, now).err(),
            Some(LicenseError::Unusable(vec![Unusable::WrongInstallation {
                license: installation,
                server: elsewhere
            }]))
        );

        let Value::Object(fields) = &body else {
            panic!("an object");
        };
        for (name, value) in fields {
            let mut tried = false;
            for replacement in changed_values(value) {
                let mut edited = fields.clone();
                edited.insert(name.clone(), replacement.clone());
                let Ok(tampered) = OrganizationLicense::from_value(Value::Object(edited)) else {
                    continue;
                };
                tried = true;
                assert!(
                    license::verify(&tampered, &key, installation, now).is_err(),
                    "{name} = {replacement}"
                );
                break;
            }
            assert!(tried, "{name} could not be changed");
        }

        // A second download keeps the key and the installation link.
        let again: Value = owner_session.get(&server, &path).await?.json().await?;
        assert_eq!(again["licenseKey"], body["licenseKey"]);
        let store = server.store().expect("in-process store");
        let link = store
            .installation_organization(kinwarden_core::ids::InstallationId(installation))
            .await?;
        assert_eq!(link.map(|(org, _)| org), Some(org_id.clone()));

        // Unknown installation or none at all: 400 with the reference's text.
        for query in [format!("installationId={}", Uuid::new_v4()), String::new()] {
            let response = owner_session
                .get(
                    &server,
                    &format!("/api/organizations/{org_id}/license?{query}"),
                )
                .await?;
            assert_eq!(response.status(), 400);
            let error: Value = response.json().await?;
            assert_eq!(error["message"], "Invalid installation id");
        }

        // Admins and users are not owners: 404.
        for (email, role) in [("admin@license.test", 1), ("user@license.test", 2)] {
            let member =
                confirmed_member(&server, &sink, &owner_session, &org, &org_id, email, role)
                    .await?;
            let response = member.get(&server, &path).await?;
            assert_eq!(response.status(), 404, "{email}");
        }
        server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn self_hosted_servers_publish_no_license_key() -> anyhow::Result<()> {
    let server = TestServer::self_hosted().start().await?;
    let response = server.get("/api/licenses/public-key").await?;
    assert_eq!(response.status(), 404);
    assert!(!server.bwdata.join("core/licensing.key.pem").exists());
    server.stop().await?;
    Ok(())
}

const BIN: &str = env!("CARGO_BIN_EXE_kinwarden");

/// Runs `kinwarden --bwdata DIR license ARGS` with the given settings in the environment.
fn license_command(
    bwdata: &std::path::Path,
    settings: &[(&str, &str)],
    args: &[&str],
) -> anyhow::Result<std::process::Output> {
    let mut command = std::process::Command::new(BIN);
    command
        .arg("--bwdata")
        .arg(bwdata)
        .arg("license")
        .args(args)
        .env_remove("KINWARDEN_BWDATA")
        .stdin(std::process::Stdio::null());
    for (key, value) in settings {
        command.env(key, value);
    }
    Ok(command.output()?)
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn the_license_commands_issue_publish_and_verify() -> anyhow::Result<()> {
    let server = TestServer::cloud().start().await?;
    let (_owner, _session, _org, org_id) =
        owner_with_org(&server, "cli@license.test", 20, 3).await?;
    let installation = new_installation(&server).await?;
    let installation_text = installation.to_string();
    let cloud: &[(&str, &str)] = &[("globalSettings__selfHosted", "false")];

    let printed = license_command(&server.bwdata, cloud, &["public-key"])?;
    assert!(printed.status.success());
    let served = server.get("/api/licenses/public-key").await?.text().await?;
    assert_eq!(stdout(&printed), served);
    let printed = license_command(&server.bwdata, cloud, &["certificate"])?;
    assert!(printed.status.success());
    let certificate = server
        .get("/api/licenses/certificate")
        .await?
        .text()
        .await?;
    assert_eq!(stdout(&printed), certificate);

    let dir = tempfile::tempdir()?;
    let file = dir.path().join("license.json");
    let newer = dir.path().join("newer.json");
    for (path, version) in [(&file, "15"), (&newer, "17")] {
        let issued = license_command(
            &server.bwdata,
            cloud,
            &[
                "issue",
                "--org",
                &org_id,
                "--installation",
                &installation_text,
                "--version",
                version,
                "--out",
                path.to_str().expect("utf-8 path"),
            ],
        )?;
        assert!(issued.status.success(), "{issued:?}");
    }
    let written = std::fs::read_to_string(&file)?;
    assert!(written.contains("\"LicenseKey\"") && written.contains("\"KinwardenSignature\""));
    assert!(written.contains("\"Token\": \"ey"), "issued with a token");
    // A newer version counts only without a token (the token is the license otherwise).
    let mut untokened: Value = serde_json::from_str(&std::fs::read_to_string(&newer)?)?;
    untokened["Token"] = Value::Null;
    std::fs::write(&newer, untokened.to_string())?;

    // A self-hosted data directory that trusts the cloud's key.
    let self_hosted = dir.path().join("selfhosted");
    std::fs::create_dir_all(self_hosted.join("core"))?;
    std::fs::write(self_hosted.join("core/licensing.pub.pem"), &served)?;
    let here: &[(&str, &str)] = &[("globalSettings__installation__id", &installation_text)];
    let file_arg = file.to_str().expect("utf-8 path");
    let accepted = license_command(&self_hosted, here, &["verify", file_arg])?;
    assert!(accepted.status.success(), "{accepted:?}");
    assert!(stdout(&accepted).starts_with("accepted"));
    assert!(
        stdout(&accepted).contains("verified by its token, signed by public key"),
        "{accepted:?}"
    );

    // The cloud's certificate listed instead of the bare key: named by its thumbprint.
    std::fs::remove_file(self_hosted.join("core/licensing.pub.pem"))?;
    let without = license_command(&self_hosted, here, &["verify", file_arg])?;
    assert_eq!(without.status.code(), Some(1));
    assert!(
        stdout(&without).contains("It needs certificate")
            && stdout(&without).contains("kinwarden__licenseCertificates"),
        "{without:?}"
    );
    std::fs::write(self_hosted.join("core/licensing.cer.pem"), &certificate)?;
    let listed: &[(&str, &str)] = &[
        ("globalSettings__installation__id", &installation_text),
        ("kinwarden__licenseCertificates", "core/licensing.cer.pem"),
    ];
    let accepted = license_command(&self_hosted, listed, &["verify", file_arg])?;
    assert!(accepted.status.success(), "{accepted:?}");
    assert!(
        stdout(&accepted).contains("verified by its token, signed by certificate "),
        "{accepted:?}"
    );
    std::fs::write(self_hosted.join("core/licensing.pub.pem"), &served)?;

    let elsewhere = Uuid::new_v4().to_string();
    let other: &[(&str, &str)] = &[("globalSettings__installation__id", &elsewhere)];
    let refused = license_command(&self_hosted, other, &["verify", file_arg])?;
    assert_eq!(refused.status.code(), Some(1));
    assert!(stdout(&refused).contains("The installation ID does not match"));

    let too_new = license_command(
        &self_hosted,
        here,
        &["verify", newer.to_str().expect("utf-8 path")],
    )?;
    assert_eq!(too_new.status.code(), Some(1));
    assert!(stdout(&too_new).contains("update Kinwarden"), "{too_new:?}");

    std::fs::write(&file, written.replacen("\"Seats\": 3", "\"Seats\": 30", 1))?;
    let tampered = license_command(&self_hosted, here, &["verify", file_arg])?;
    assert_eq!(tampered.status.code(), Some(1));
    assert!(stdout(&tampered).contains("The license verification failed."));

    let wrong_mode = license_command(&self_hosted, here, &["public-key"])?;
    assert_eq!(wrong_mode.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong_mode.stderr).contains("self-hosted"));
    server.stop().await?;
    Ok(())
}
