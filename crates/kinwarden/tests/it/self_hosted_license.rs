//! A self-hosted organization from the cloud's license (SPEC §5 step 3, reference §5.1 L3–L4),
//! with a cloud and a self-hosted Kinwarden on loopback.

use kinwarden_testkit::{ClientAccount, Kdf, OrganizationKeys, TestServer, backends};
use serde_json::{Value, json};

use crate::organizations::owner_with_org;
use crate::support::{Session, login, register};

const BIN: &str = env!("CARGO_BIN_EXE_kinwarden");

/// A cloud with an Enterprise organization, an installation, and a self-hosted server that is
/// that installation and trusts the cloud's license key.
pub(crate) struct Pair {
    pub cloud: TestServer,
    pub self_hosted: TestServer,
    pub cloud_owner: ClientAccount,
    pub cloud_session: Session,
    pub cloud_org_id: String,
    pub installation_id: String,
    /// Between the self-hosted server and the cloud, when asked for.
    pub proxy: Option<kinwarden_testkit::FaultProxy>,
}

/// How a [`Pair`] is started beyond the defaults.
#[derive(Default)]
pub(crate) struct PairOptions<'a> {
    /// More settings on the self-hosted server.
    pub extra: &'a [(&'a str, &'a str)],
    /// More settings on the cloud.
    pub cloud_extra: &'a [(&'a str, &'a str)],
    /// Where the self-hosted server's mail goes (else its outbox directory).
    pub smtp: Option<&'a kinwarden_testkit::SmtpSink>,
    /// Where the cloud's mail goes (else its outbox directory).
    pub cloud_smtp: Option<&'a kinwarden_testkit::SmtpSink>,
    /// The cloud's clock (else the system's).
    pub cloud_clock: Option<std::sync::Arc<dyn kinwarden_core::clock::Clock>>,
    /// The self-hosted server's clock (else the system's).
    pub self_hosted_clock: Option<std::sync::Arc<dyn kinwarden_core::clock::Clock>>,
    /// Whether the self-hosted server reaches the cloud through a [`FaultProxy`].
    pub via_proxy: bool,
}

pub(crate) async fn pair(
    backend: kinwarden_testkit::TestBackend,
    seats: i32,
) -> anyhow::Result<Pair> {
    pair_setup(backend, seats, PairOptions::default()).await
}

/// [`pair`], with more settings on the self-hosted server.
pub(crate) async fn pair_with(
    backend: kinwarden_testkit::TestBackend,
    seats: i32,
    extra: &[(&str, &str)],
) -> anyhow::Result<Pair> {
    pair_setup(
        backend,
        seats,
        PairOptions {
            extra,
            ..PairOptions::default()
        },
    )
    .await
}

/// [`pair`], with the self-hosted server's mail going to `smtp` (invitations).
pub(crate) async fn pair_with_mail(
    backend: kinwarden_testkit::TestBackend,
    seats: i32,
    smtp: Option<&kinwarden_testkit::SmtpSink>,
) -> anyhow::Result<Pair> {
    pair_setup(
        backend,
        seats,
        PairOptions {
            smtp,
            ..PairOptions::default()
        },
    )
    .await
}

pub(crate) async fn pair_setup(
    backend: kinwarden_testkit::TestBackend,
    seats: i32,
    options: PairOptions<'_>,
) -> anyhow::Result<Pair> {
    let mut cloud = TestServer::cloud().backend(backend.clone());
    if let Some(sink) = options.cloud_smtp {
        cloud = cloud.smtp(sink);
    }
    if let Some(clock) = options.cloud_clock {
        cloud = cloud.clock(clock);
    }
    for (key, value) in options.cloud_extra {
        cloud = cloud.setting(key, value);
    }
    let cloud = cloud.start().await?;
    let (cloud_owner, cloud_session, _org, cloud_org_id) =
        owner_with_org(&cloud, "owner@cloud.test", 20, seats).await?;
    let created: Value = cloud
        .client
        .post(cloud.at("/api/installations"))
        .json(&json!({"email": "ops@selfhost.test"}))
        .send()
        .await?
        .json()
        .await?;
    let installation_id = created["id"].as_str().unwrap_or_default().to_string();
    let installation_key = created["key"].as_str().unwrap_or_default().to_string();
    let cloud_ca = cloud.bwdata.join("ssl/ca.crt");
    let proxy = if options.via_proxy {
        Some(kinwarden_testkit::FaultProxy::start(&cloud.url, &cloud_ca).await?)
    } else {
        None
    };
    let (base, ca) = match &proxy {
        Some(proxy) => (proxy.url.as_str(), proxy.ca_file()),
        None => (cloud.url.as_str(), cloud_ca.as_path()),
    };
    let base = base.trim_end_matches('/').to_string();
    let ca = ca.to_string_lossy().into_owned();
    let mut builder = TestServer::self_hosted().backend(backend);
    for (key, value) in options.extra {
        builder = builder.setting(key, value);
    }
    if let Some(clock) = options.self_hosted_clock {
        builder = builder.clock(clock);
    }
    if let Some(sink) = options.smtp {
        builder = builder.smtp(sink);
    }
    let self_hosted = builder
        .setting("globalSettings__enableCloudCommunication", "true")
        .setting("globalSettings__installation__id", &installation_id)
        .setting("globalSettings__installation__key", &installation_key)
        .setting(
            "globalSettings__installation__identityUri",
            &format!("{base}/identity"),
        )
        .setting(
            "globalSettings__installation__apiUri",
            &format!("{base}/api"),
        )
        .setting("kinwarden__cloudCaFile", &ca)
        .start()
        .await?;
    // SPEC §5 step 3: the admin puts the cloud's public key where the server looks for it.
    let pem = cloud.get("/api/licenses/public-key").await?.text().await?;
    std::fs::write(self_hosted.bwdata.join("core/licensing.pub.pem"), pem)?;
    Ok(Pair {
        cloud,
        self_hosted,
        cloud_owner,
        cloud_session,
        cloud_org_id,
        installation_id,
        proxy,
    })
}

impl Pair {
    /// The license file as the cloud owner downloads it.
    pub async fn download_license(&self, installation_id: &str) -> anyhow::Result<String> {
        let path = format!(
            "/api/organizations/{}/license?installationId={installation_id}",
            self.cloud_org_id
        );
        Ok(self
            .cloud_session
            .get(&self.cloud, &path)
            .await?
            .text()
            .await?)
    }

    pub async fn stop(self) -> anyhow::Result<()> {
        self.self_hosted.stop().await?;
        self.cloud.stop().await
    }
}

/// A self-hosted owner, and the body of an upload of `license` with a fresh organization key.
pub(crate) async fn self_hosted_owner(
    server: &TestServer,
) -> anyhow::Result<(ClientAccount, Session, OrganizationKeys)> {
    let owner = ClientAccount::new(
        "admin@selfhost.test",
        "self hosted pw!",
        Kdf::DEFAULT_ITERATIONS,
    )?;
    register(server, &owner).await?;
    let session = login(server, &owner).await?;
    Ok((owner, session, OrganizationKeys::generate()?))
}

pub(crate) async fn upload(
    server: &TestServer,
    session: &Session,
    path: &str,
    license: &str,
    owner: &ClientAccount,
    org: &OrganizationKeys,
) -> anyhow::Result<reqwest::Response> {
    let keys = org.asymmetric_keys()?;
    let form = reqwest::multipart::Form::new()
        .part(
            "license",
            reqwest::multipart::Part::bytes(license.as_bytes().to_vec())
                .file_name("bitwarden_organization_license.json"),
        )
        .text("key", org.wrap_for(&owner.public_key()?)?.to_string())
        .text(
            "collectionName",
            org.org_key.encrypt_str("Default collection")?.to_string(),
        )
        .text("keys[publicKey]", keys.public_key.clone())
        .text(
            "keys[encryptedPrivateKey]",
            keys.encrypted_private_key.to_string(),
        );
    Ok(server
        .client
        .post(server.at(path))
        .bearer_auth(&session.access_token)
        .multipart(form)
        .send()
        .await?)
}

async fn message(response: reqwest::Response) -> anyhow::Result<String> {
    let body: Value = response.json().await?;
    Ok(body["message"].as_str().unwrap_or_default().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cloud_license_creates_the_organization_and_bad_ones_are_refused() -> anyhow::Result<()>
{
    for backend in backends() {
        let pair = pair(backend, 10).await?;
        let server = &pair.self_hosted;
        let (owner, session, org) = self_hosted_owner(server).await?;
        let license = pair.download_license(&pair.installation_id).await?;
        const CREATE: &str = "/api/organizations/licenses/self-hosted";

        // Without the cloud's key the upload says which certificate it needs and what to do,
        // but not where the server's files are.
        let key_file = server.bwdata.join("core/licensing.pub.pem");
        let key = std::fs::read(&key_file)?;
        std::fs::remove_file(&key_file)?;
        let no_key = upload(server, &session, CREATE, &license, &owner, &org).await?;
        assert_eq!(no_key.status(), 400);
        let text = message(no_key).await?;
        assert!(
            text.contains("It needs certificate")
                && text.contains("kinwarden__licenseCertificates"),
            "{text}"
        );
        assert!(
            !text.contains(&server.bwdata.display().to_string()) && !text.contains("No such file"),
            "{text}"
        );
        std::fs::write(&key_file, key)?;

        // A license for another installation.
        let other: Value = pair
            .cloud
            .client
            .post(pair.cloud.at("/api/installations"))
            .json(&json!({"email": "other@selfhost.test"}))
            .send()
            .await?
            .json()
            .await?;
        let foreign = pair
            .download_license(other["id"].as_str().unwrap_or_default())
            .await?;
        let refused = upload(server, &session, CREATE, &foreign, &owner, &org).await?;
        assert_eq!(refused.status(), 400);
        let text = message(refused).await?;
        assert!(
            text.starts_with(
                "Invalid license. The installation ID does not match the current installation."
            ) && text.contains(&pair.installation_id),
            "{text}"
        );

        // A tampered one: one more seat.
        let mut tampered: Value = serde_json::from_str(&license)?;
        tampered["seats"] = json!(11);
        let refused = upload(
            server,
            &session,
            CREATE,
            &tampered.to_string(),
            &owner,
            &org,
        )
        .await?;
        assert_eq!(refused.status(), 400);
        let text = message(refused).await?;
        assert!(
            text.starts_with("Invalid license. The license verification failed.")
                && text.contains("Seats is 11 but its token says 10"),
            "{text}"
        );

        // A newer format than this server reads, signed by the cloud.
        let newer_path = pair.cloud.bwdata.join("newer.json");
        let output = std::process::Command::new(BIN)
            .arg("--bwdata")
            .arg(&pair.cloud.bwdata)
            .args([
                "license",
                "issue",
                "--org",
                &pair.cloud_org_id,
                "--installation",
                &pair.installation_id,
            ])
            .args(["--version", "17", "--out"])
            .arg(&newer_path)
            .envs(pair.cloud.settings.iter().cloned())
            .env_remove("KINWARDEN_BWDATA")
            .output()?;
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        // Only a file without a token is held to its version.
        let mut newer: Value = serde_json::from_str(&std::fs::read_to_string(&newer_path)?)?;
        newer["Token"] = Value::Null;
        let newer = newer.to_string();
        let refused = upload(server, &session, CREATE, &newer, &owner, &org).await?;
        assert_eq!(refused.status(), 400);
        let text = message(refused).await?;
        assert!(
            text.contains("Version 17 is not supported") && text.contains("update Kinwarden"),
            "{text}"
        );

        // The real one creates the organization with the cloud's plan and seats.
        let created = upload(server, &session, CREATE, &license, &owner, &org).await?;
        assert_eq!(created.status(), 200);
        let created: Value = created.json().await?;
        assert_eq!(created["planType"], 20);
        assert_eq!(created["seats"], 10);
        assert_eq!(created["object"], "organization");
        let org_id = created["id"].as_str().expect("id").to_string();
        assert_ne!(
            org_id, pair.cloud_org_id,
            "the self-hosted organization has its own id"
        );
        let stored = std::fs::read_to_string(
            server
                .bwdata
                .join(format!("core/licenses/organization/{org_id}.json")),
        )?;
        assert!(stored.contains("\"LicenseKey\""), "stored PascalCase");

        let sync: Value = session.get(server, "/api/sync").await?.json().await?;
        let orgs = sync["profile"]["organizations"].as_array().expect("orgs");
        assert_eq!(orgs.len(), 1);
        assert_eq!(orgs[0]["type"], 0);
        assert_eq!(orgs[0]["familySponsorshipAvailable"], true);

        // The same license cannot make a second organization; it can replace this one's.
        let again = upload(server, &session, CREATE, &license, &owner, &org).await?;
        assert_eq!(
            message(again).await?,
            "License is already in use by another organization vault."
        );
        let replaced = upload(
            server,
            &session,
            &format!("/api/organizations/licenses/self-hosted/{org_id}"),
            &license,
            &owner,
            &org,
        )
        .await?;
        assert_eq!(replaced.status(), 200);

        // On a cloud, organizations come from the plan form instead.
        let on_cloud = upload(
            &pair.cloud,
            &pair.cloud_session,
            CREATE,
            &license,
            &pair.cloud_owner,
            &org,
        )
        .await?;
        assert_eq!(message(on_cloud).await?, "Only allowed when self hosted.");
        pair.stop().await?;
    }
    Ok(())
}
