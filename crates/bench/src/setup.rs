//! A cloud and a self-hosted Kinwarden in this process on loopback TLS, set up through their APIs
//! as an administrator would (SPEC §5 steps 1–5): an Enterprise organization on the cloud, an
//! installation, the self-hosted organization from its license, and a saved billing sync
//! connection.

use kinwarden_testkit::{ClientAccount, Kdf, OrganizationKeys, TestBackend, TestServer};
use serde_json::{Value, json};

/// Enterprise (annually): a tier that may sponsor Families plans.
pub const ENTERPRISE: i32 = 20;

pub async fn register(server: &TestServer, account: &ClientAccount) -> anyhow::Result<()> {
    let token: String = server
        .client
        .post(server.at("/identity/accounts/register/send-verification-email"))
        .json(&json!({"email": account.email, "name": null, "receiveMarketingEmails": false}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let mut finish = account.register_finish()?;
    finish.email_verification_token = Some(token);
    server
        .client
        .post(server.at("/identity/accounts/register/finish"))
        .json(&finish)
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

/// The bearer token of a password login.
pub async fn login(server: &TestServer, account: &ClientAccount) -> anyhow::Result<String> {
    let tokens: Value = server
        .client
        .post(server.at("/identity/connect/token"))
        .form(&account.password_grant("bench-device"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(tokens["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string())
}

pub async fn post(
    server: &TestServer,
    bearer: &str,
    path: &str,
    body: &Value,
) -> anyhow::Result<Value> {
    let response = server
        .client
        .post(server.at(path))
        .bearer_auth(bearer)
        .json(body)
        .send()
        .await?;
    let status = response.status();
    let text = response.text().await?;
    anyhow::ensure!(status.is_success(), "{path}: {status} {text}");
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A cloud owner, logged in.
pub struct CloudOwner {
    pub account: ClientAccount,
    pub bearer: String,
}

impl CloudOwner {
    pub async fn new(cloud: &TestServer, email: &str) -> anyhow::Result<Self> {
        let account = ClientAccount::new(email, "owner password!", Kdf::DEFAULT_ITERATIONS)?;
        register(cloud, &account).await?;
        let bearer = login(cloud, &account).await?;
        Ok(Self { account, bearer })
    }

    /// A new Enterprise organization and its billing sync token.
    pub async fn organization(&self, cloud: &TestServer) -> anyhow::Result<(String, String)> {
        let keys = OrganizationKeys::generate()?;
        let mut body = keys.create_request(&self.account, "Acme Corp", "billing@acme.test")?;
        body["planType"] = json!(ENTERPRISE);
        body["additionalSeats"] = json!(10);
        let created = post(cloud, &self.bearer, "/api/organizations", &body).await?;
        let id = created["id"].as_str().unwrap_or_default().to_string();
        let key = post(
            cloud,
            &self.bearer,
            &format!("/api/organizations/{id}/api-key"),
            &json!({"type": 1, "masterPasswordHash": self.account.master_password_hash}),
        )
        .await?;
        Ok((id, key["apiKey"].as_str().unwrap_or_default().to_string()))
    }
}

/// A new installation's id and key.
pub async fn installation(cloud: &TestServer) -> anyhow::Result<(String, String)> {
    let created: Value = cloud
        .client
        .post(cloud.at("/api/installations"))
        .json(&json!({"email": "ops@selfhost.test"}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let field = |name: &str| created[name].as_str().unwrap_or_default().to_string();
    Ok((field("id"), field("key")))
}

/// An installation token for the sync route, as a self-hosted server gets it.
pub async fn installation_token(cloud: &TestServer, id: &str, key: &str) -> anyhow::Result<String> {
    let tokens: Value = cloud
        .client
        .post(cloud.at("/identity/connect/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", "api.installation"),
            ("client_id", &format!("installation.{id}")),
            ("client_secret", key),
        ])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(tokens["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string())
}

/// An SMTP server that accepts connections and never answers: the cloud's delivery worker waits
/// on its first message for its send timeout, so offer e-mails stay queued and their delivery
/// does not run beside the figures (delivery is not part of a sync).
pub struct SilentSmtp {
    pub port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl SilentSmtp {
    pub async fn start() -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        Ok(Self { port, task })
    }

    /// A cloud whose mail goes here.
    pub fn cloud(&self, backend: &TestBackend) -> kinwarden_testkit::TestServerBuilder {
        TestServer::cloud()
            .backend(backend.clone())
            .setting("globalSettings__mail__smtp__host", "127.0.0.1")
            .setting("globalSettings__mail__smtp__port", &self.port.to_string())
            .setting("globalSettings__mail__smtp__ssl", "false")
            .setting("globalSettings__mail__smtp__startTls", "false")
    }
}

impl Drop for SilentSmtp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub struct Pair {
    _smtp: SilentSmtp,
    pub cloud: TestServer,
    pub self_hosted: TestServer,
    pub cloud_org_id: String,
    pub org_id: String,
}

impl Pair {
    pub async fn start(backend: &TestBackend) -> anyhow::Result<Self> {
        let smtp = SilentSmtp::start().await?;
        let cloud = smtp.cloud(backend).start().await?;
        let owner = CloudOwner::new(&cloud, "owner@cloud.test").await?;
        let (cloud_org_id, sync_key) = owner.organization(&cloud).await?;
        let (installation_id, installation_key) = installation(&cloud).await?;
        let base = cloud.url.as_str().trim_end_matches('/').to_string();
        let ca = cloud.bwdata.join("ssl/ca.crt");
        let self_hosted = TestServer::self_hosted()
            .backend(backend.clone())
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
            .setting("kinwarden__cloudCaFile", &ca.to_string_lossy())
            .start()
            .await?;
        let pem = cloud.get("/api/licenses/public-key").await?.text().await?;
        std::fs::write(self_hosted.bwdata.join("core/licensing.pub.pem"), pem)?;

        let license = cloud
            .client
            .get(cloud.at(&format!(
                "/api/organizations/{cloud_org_id}/license?installationId={installation_id}"
            )))
            .bearer_auth(&owner.bearer)
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?;
        let admin = ClientAccount::new(
            "admin@selfhost.test",
            "self hosted pw!",
            Kdf::DEFAULT_ITERATIONS,
        )?;
        register(&self_hosted, &admin).await?;
        let bearer = login(&self_hosted, &admin).await?;
        let org_keys = OrganizationKeys::generate()?;
        let keys = org_keys.asymmetric_keys()?;
        let form = reqwest::multipart::Form::new()
            .part(
                "license",
                reqwest::multipart::Part::bytes(license.into_bytes())
                    .file_name("bitwarden_organization_license.json"),
            )
            .text("key", org_keys.wrap_for(&admin.public_key()?)?.to_string())
            .text("collectionName", "2.AAAA|BBBB|CCCC")
            .text("keys[publicKey]", keys.public_key.clone())
            .text(
                "keys[encryptedPrivateKey]",
                keys.encrypted_private_key.to_string(),
            );
        let created: Value = self_hosted
            .client
            .post(self_hosted.at("/api/organizations/licenses/self-hosted"))
            .bearer_auth(&bearer)
            .multipart(form)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let org_id = created["id"].as_str().unwrap_or_default().to_string();
        post(
            &self_hosted,
            &bearer,
            "/api/organizations/connections",
            &json!({"type": 1, "organizationId": org_id, "enabled": true,
                    "config": {"billingSyncKey": sync_key}}),
        )
        .await?;
        Ok(Self {
            _smtp: smtp,
            cloud,
            self_hosted,
            cloud_org_id,
            org_id,
        })
    }

    pub async fn stop(self) -> anyhow::Result<()> {
        self.self_hosted.stop().await?;
        self.cloud.stop().await
    }
}
