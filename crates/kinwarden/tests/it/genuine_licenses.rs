//! Genuine-format license files (issue 19, acceptance 1 and 2): files made from the facts with a
//! test key, in every shape a Bitwarden cloud sends them (tokened camelCase and PascalCase, a
//! Signature-only Version 12, a token naming its plan), uploaded to a self-hosted server that
//! lists the test certificate in `kinwarden__licenseCertificates`. Each creates its organization
//! with the license's terms; an edited field, another installation, an expired license and an
//! untrusted signer are each refused with their own message; a server with only Bitwarden's
//! certificate names the certificate it would need.

use kinwarden_testkit::{
    LicenseFacts, LicenseShape, TestLicenseKey, TestServer, backends, license_file,
};
use serde_json::Value;
use uuid::Uuid;

use crate::self_hosted_license::{self_hosted_owner, upload};

const BIN: &str = env!("CARGO_BIN_EXE_kinwarden");
const CREATE: &str = "/api/organizations/licenses/self-hosted";
/// Where the test certificate lives, relative to bwdata/.
const CERTIFICATE: &str = "test-license.cer.pem";

async fn message(response: reqwest::Response) -> anyhow::Result<(u16, String)> {
    let status = response.status().as_u16();
    let body: Value = response.json().await?;
    Ok((
        status,
        body["message"].as_str().unwrap_or_default().to_string(),
    ))
}

/// `kinwarden license verify FILE` against the server's data directory.
fn verify_command(server: &TestServer, file: &std::path::Path) -> anyhow::Result<String> {
    let output = std::process::Command::new(BIN)
        .arg("--bwdata")
        .arg(&server.bwdata)
        .args(["license", "verify"])
        .arg(file)
        .envs(server.settings.iter().cloned())
        .env_remove("KINWARDEN_BWDATA")
        .output()?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn genuine_shapes_are_accepted_and_bad_ones_refused_each_with_its_reason()
-> anyhow::Result<()> {
    let key = TestLicenseKey::generate("Kinwarden Test License")?;
    let stranger = TestLicenseKey::generate("Someone Else's License")?;
    for backend in backends() {
        let installation = Uuid::new_v4();
        let server = TestServer::self_hosted()
            .backend(backend.clone())
            .setting(
                "globalSettings__installation__id",
                &installation.to_string(),
            )
            .setting("kinwarden__licenseCertificates", CERTIFICATE)
            .start()
            .await?;
        std::fs::write(server.bwdata.join(CERTIFICATE), &key.certificate_pem)?;
        let (owner, session, org) = self_hosted_owner(&server).await?;

        // Acceptance 1: every shape creates its organization with the license's terms.
        let shapes = [
            (LicenseShape::TokenCamel, 11, "token"),
            (LicenseShape::TokenPascal, 12, "token"),
            (LicenseShape::SignatureOnlyV12, 13, "signature"),
            (LicenseShape::TokenPlanTypeName, 14, "token"),
        ];
        for (shape, seats, proof) in shapes {
            let facts = LicenseFacts::enterprise(installation, seats);
            let file = license_file(&facts, &key, shape)?;
            let path = server.bwdata.join(format!("{shape:?}.json"));
            std::fs::write(&path, &file)?;
            let printed = verify_command(&server, &path)?;
            assert!(
                printed.contains(&format!(
                    "verified by its {proof}, signed by certificate {}",
                    key.thumbprint
                )),
                "{shape:?}: {printed}"
            );
            let created = upload(&server, &session, CREATE, &file, &owner, &org).await?;
            assert_eq!(
                created.status(),
                200,
                "{shape:?}: {:?}",
                created.text().await
            );
            let created: Value = created.json().await?;
            assert_eq!(created["planType"], 20, "{shape:?}");
            assert_eq!(created["seats"], seats, "{shape:?}");
            assert_eq!(created["name"], facts.name.as_str(), "{shape:?}");
            assert_eq!(created["billingEmail"], facts.billing_email.as_str());
        }

        // Acceptance 2: each bad file is refused with its own message.
        let facts = LicenseFacts::enterprise(installation, 20);
        let mut edited: Value =
            serde_json::from_str(&license_file(&facts, &key, LicenseShape::TokenCamel)?)?;
        edited["seats"] = 99.into();
        let (status, text) =
            message(upload(&server, &session, CREATE, &edited.to_string(), &owner, &org).await?)
                .await?;
        assert_eq!(status, 400);
        assert!(text.contains("Seats is 99 but its token says 20"), "{text}");

        let mut edited_legacy: Value =
            serde_json::from_str(&license_file(&facts, &key, LicenseShape::SignatureOnlyV12)?)?;
        edited_legacy["Seats"] = 99.into();
        let (_, text) = message(
            upload(
                &server,
                &session,
                CREATE,
                &edited_legacy.to_string(),
                &owner,
                &org,
            )
            .await?,
        )
        .await?;
        assert!(text.contains("do not match its Hash"), "{text}");

        let elsewhere = Uuid::new_v4();
        let foreign = license_file(
            &LicenseFacts::enterprise(elsewhere, 20),
            &key,
            LicenseShape::TokenCamel,
        )?;
        let (_, text) =
            message(upload(&server, &session, CREATE, &foreign, &owner, &org).await?).await?;
        assert!(
            text.starts_with(
                "Invalid license. The installation ID does not match the current installation."
            ) && text.contains(&elsewhere.to_string()),
            "{text}"
        );

        let mut old = LicenseFacts::enterprise(installation, 20);
        old.issued -= chrono::Duration::days(30);
        old.expires = old.issued + chrono::Duration::days(29);
        let expired = license_file(&old, &key, LicenseShape::TokenCamel)?;
        let (_, text) =
            message(upload(&server, &session, CREATE, &expired, &owner, &org).await?).await?;
        assert!(
            text.starts_with("Invalid license. The license has expired."),
            "{text}"
        );

        let untrusted = license_file(&facts, &stranger, LicenseShape::TokenCamel)?;
        let (_, text) =
            message(upload(&server, &session, CREATE, &untrusted, &owner, &org).await?).await?;
        assert!(
            text.contains(&format!("It needs certificate {}", stranger.thumbprint))
                && text.contains(&key.thumbprint),
            "{text}"
        );
        server.stop().await?;

        // A server with only Bitwarden's built-in certificate names the one it would need.
        let plain = TestServer::self_hosted()
            .backend(backend)
            .setting(
                "globalSettings__installation__id",
                &installation.to_string(),
            )
            .start()
            .await?;
        let (owner, session, org) = self_hosted_owner(&plain).await?;
        let file = license_file(&facts, &key, LicenseShape::TokenPascal)?;
        let (status, text) =
            message(upload(&plain, &session, CREATE, &file, &owner, &org).await?).await?;
        assert_eq!(status, 400);
        assert!(
            text.contains(&format!("It needs certificate {}", key.thumbprint))
                && text.contains("B34876439FCDA2846505B2EFBBA6C4A951313EBE")
                && text.contains("kinwarden__licenseCertificates"),
            "{text}"
        );
        plain.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn doctor_lists_the_trusted_certificates() -> anyhow::Result<()> {
    let key = TestLicenseKey::generate("Kinwarden Test License")?;
    let server = TestServer::self_hosted()
        .setting(
            "kinwarden__licenseCertificates",
            &format!("{CERTIFICATE},missing.pem"),
        )
        .start()
        .await?;
    std::fs::write(server.bwdata.join(CERTIFICATE), &key.certificate_pem)?;
    let output = std::process::Command::new(BIN)
        .arg("--bwdata")
        .arg(&server.bwdata)
        .arg("doctor")
        .envs(server.settings.iter().cloned())
        .env_remove("KINWARDEN_BWDATA")
        .output()?;
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.contains("B34876439FCDA2846505B2EFBBA6C4A951313EBE")
            && printed.contains("(built in)"),
        "{printed}"
    );
    assert!(
        printed.contains(&key.thumbprint) && printed.contains(&format!("(from {CERTIFICATE})")),
        "{printed}"
    );
    assert!(
        printed.contains("FAIL  license trust") && printed.contains("missing.pem"),
        "{printed}"
    );
    server.stop().await?;
    Ok(())
}
