//! One server under test with its organization, a credential for every kind of caller, and
//! each caller's browser on the pages.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use kinwarden_core::clock::ManualClock;
use kinwarden_testkit::{ClientAccount, Kdf, SmtpSink, TestBackend, TestServer};
use serde_json::{Value, json};

use super::browsers::{self, Browser};
use super::rules::*;
use crate::connections::{billing_sync_token, connection};
use crate::license_sync::installation_token;
use crate::organizations::{link_param, owner_with_org};
use crate::portal::{confirm_login, portal_csrf, request_login_link};
use crate::self_hosted_license::{Pair, self_hosted_owner, upload};
use crate::support::{Session, confirmed_account, login, register};

/// How a caller presents itself.
#[derive(Clone)]
pub(super) enum Credential {
    None,
    Bearer(String),
    Portal { cookies: String, csrf: String },
}

/// One server under test, its organization, and a credential per caller.
pub(super) struct World {
    pub(super) server: TestServer,
    pub(super) cloud: bool,
    pub(super) org_id: String,
    pub(super) member_id: String,
    pub(super) user_id: String,
    pub(super) installation_id: String,
    pub(super) connection_id: String,
    /// The owner's folder, personal item, and a file reserved on it (not uploaded).
    pub(super) folder_id: String,
    pub(super) cipher_id: String,
    pub(super) attachment_id: String,
    /// A group of the organization, made by its owner.
    pub(super) group_id: String,
    /// A collection of the organization, managed by its owner.
    pub(super) collection_id: String,
    /// An item of the organization in that collection (the admin item routes' target).
    pub(super) org_cipher_id: String,
    pub(super) credentials: BTreeMap<Caller, Credential>,
    /// What each caller's browser brings to the pages.
    pub(super) browsers: BTreeMap<Caller, Browser>,
    /// Follows no redirects: the Portal's answer to a stranger is one.
    pub(super) client: reqwest::Client,
}

pub(super) fn no_redirects(server: &TestServer) -> anyhow::Result<reqwest::Client> {
    let pem = std::fs::read(server.bwdata.join("ssl/ca.crt"))?;
    Ok(reqwest::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem)?)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()?)
}

/// A user whose token and page session expired: logged in two hours ago on the server's clock.
pub(super) async fn expired_token(
    server: &TestServer,
    clock: &ManualClock,
) -> anyhow::Result<(String, Browser)> {
    let now = Utc::now();
    clock.set(now - chrono::Duration::hours(2));
    let account = ClientAccount::new(
        "late@elsewhere.test",
        "late password!",
        Kdf::DEFAULT_ITERATIONS,
    )?;
    register(server, &account).await?;
    let session = login(server, &account).await?;
    let browser = browsers::signed_in(server, &no_redirects(server)?, &account).await?;
    clock.set(now);
    Ok((session.access_token, browser))
}

/// A folder, a secure note in it and a file reserved on the note, made by the session's user
/// (an owner of an enterprise organization, so with premium): what the vault rows target.
async fn vault_of(
    server: &TestServer,
    session: &Session,
) -> anyhow::Result<(String, String, String)> {
    let folder: serde_json::Value = session
        .post(server, "/api/folders", &serde_json::json!({"name": NAME}))
        .await?
        .json()
        .await?;
    let folder_id = folder["id"].as_str().unwrap_or_default().to_string();
    let item: serde_json::Value = session
        .post(
            server,
            "/api/ciphers",
            &serde_json::json!({"type": 2, "name": NAME, "folderId": folder_id,
                "secureNote": {"type": 0}}),
        )
        .await?
        .json()
        .await?;
    let cipher_id = item["id"].as_str().unwrap_or_default().to_string();
    let reserved: serde_json::Value = session
        .post(
            server,
            &format!("/api/ciphers/{cipher_id}/attachment/v2"),
            &serde_json::json!({"key": NAME, "fileName": NAME, "fileSize": 10}),
        )
        .await?
        .json()
        .await?;
    let attachment_id = reserved["attachmentId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    anyhow::ensure!(
        !folder_id.is_empty() && !cipher_id.is_empty() && !attachment_id.is_empty(),
        "vault: {folder} {item} {reserved}"
    );
    Ok((folder_id, cipher_id, attachment_id))
}

/// An encrypted name for the world's folder and items.
const NAME: &str = "2.aXZpdml2aXZpdml2aQ==|Y3RjdGN0|bWFjbWFjbWFj";

/// A group of the organization, made by its owner: what the group rows target.
async fn group_of(server: &TestServer, owner: &Session, org_id: &str) -> anyhow::Result<String> {
    let group: Value = owner
        .post(
            server,
            &format!("/api/organizations/{org_id}/groups"),
            &json!({"name": "Matrix"}),
        )
        .await?
        .json()
        .await?;
    let id = group["id"].as_str().unwrap_or_default().to_string();
    anyhow::ensure!(!id.is_empty(), "group: {group}");
    Ok(id)
}

/// A collection of the organization that its owner manages: what the collection rows target.
async fn collection_of(
    server: &TestServer,
    owner: &Session,
    org_id: &str,
) -> anyhow::Result<String> {
    let profile: Value = owner
        .get(server, "/api/accounts/profile")
        .await?
        .json()
        .await?;
    let membership = profile["organizations"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|org| org["id"] == org_id)
        .and_then(|org| org["organizationUserId"].as_str())
        .unwrap_or_default()
        .to_string();
    let collection: Value = owner
        .post(
            server,
            &format!("/api/organizations/{org_id}/collections"),
            &json!({"name": "2.AAAA|BBBB|CCCC",
                "users": [{"id": membership, "readOnly": false, "hidePasswords": false,
                    "manage": true}]}),
        )
        .await?
        .json()
        .await?;
    let id = collection["id"].as_str().unwrap_or_default().to_string();
    anyhow::ensure!(!id.is_empty(), "collection: {collection}");
    // Owners and admins may work on every item: the admin item routes then admit both.
    let settings = owner
        .put(
            server,
            &format!("/api/organizations/{org_id}/collection-management"),
            &json!({"allowAdminAccessToAllCollectionItems": true}),
        )
        .await?;
    anyhow::ensure!(settings.status() == 200, "settings: {}", settings.status());
    Ok(id)
}

/// An item of the organization in `collection`: what the admin item rows target.
async fn org_item_of(
    server: &TestServer,
    owner: &Session,
    org_id: &str,
    collection: &str,
) -> anyhow::Result<String> {
    let item: Value = owner
        .post(
            server,
            "/api/ciphers/create",
            &json!({"cipher": {"type": 2, "name": NAME, "organizationId": org_id,
                "secureNote": {"type": 0}}, "collectionIds": [collection]}),
        )
        .await?
        .json()
        .await?;
    let id = item["id"].as_str().unwrap_or_default().to_string();
    anyhow::ensure!(!id.is_empty(), "organization item: {item}");
    Ok(id)
}

pub(super) async fn other_user(server: &TestServer) -> anyhow::Result<(ClientAccount, Session)> {
    let account = ClientAccount::new(
        "outsider@elsewhere.test",
        "outsider pw!",
        Kdf::DEFAULT_ITERATIONS,
    )?;
    register(server, &account).await?;
    let session = login(server, &account).await?;
    Ok((account, session))
}

/// The members of every role that [`members`] makes.
pub(super) struct Members {
    pub(super) credentials: BTreeMap<Caller, Credential>,
    pub(super) accounts: Vec<(Caller, ClientAccount)>,
    /// The invited member to act on.
    pub(super) invited: String,
}

/// Members of every role in `org_id`, plus an invited member to act on. The Custom member gets
/// `manageUsers` after joining as a User.
pub(super) async fn members(
    server: &TestServer,
    sink: &SmtpSink,
    owner: &Session,
    org: &kinwarden_testkit::OrganizationKeys,
    org_id: &str,
) -> anyhow::Result<Members> {
    let mut credentials = BTreeMap::new();
    let mut accounts = Vec::new();
    for (caller, email, member_type) in [
        (Caller::User, "user@member.test", 2),
        (Caller::CustomManageUsers, "custom@member.test", 2),
        (Caller::Admin, "admin@member.test", 1),
    ] {
        let (account, session) =
            confirmed_account(server, sink, owner, org, org_id, email, member_type).await?;
        credentials.insert(caller, Credential::Bearer(session.access_token));
        accounts.push((caller, account));
    }
    let list: Value = owner
        .get(server, &format!("/api/organizations/{org_id}/users"))
        .await?
        .json()
        .await?;
    let id_of = |email: &str| {
        list["data"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|member| member["email"] == email)
            .and_then(|member| member["id"].as_str())
            .map(str::to_string)
    };
    let custom = id_of("custom@member.test").expect("custom member");
    let made_custom = owner
        .put(
            server,
            &format!("/api/organizations/{org_id}/users/{custom}"),
            &json!({"type": 4, "permissions": {"manageUsers": true}}),
        )
        .await?;
    anyhow::ensure!(
        made_custom.status() == 200,
        "custom: {}",
        made_custom.status()
    );
    let invited = owner
        .post(
            server,
            &format!("/api/organizations/{org_id}/users/invite"),
            &json!({"emails": ["invited@member.test"], "type": 2}),
        )
        .await?;
    anyhow::ensure!(invited.status() == 200, "invite: {}", invited.status());
    let mail = sink.next_message(Duration::from_secs(20)).await?;
    let invited = link_param(&mail.text_body().unwrap_or_default(), "organizationUserId")
        .expect("invited member id");
    Ok(Members {
        credentials,
        accounts,
        invited,
    })
}

/// Each caller's browser on the pages: the users signed in through the login form, the Garbage
/// caller with a forged session cookie, the Expired one with its expired session; the
/// installations and the Portal have none, and a bearer token or Portal cookie is no one there.
pub(super) async fn browsers_of(
    server: &TestServer,
    users: &[(Caller, ClientAccount)],
    expired: Browser,
) -> anyhow::Result<BTreeMap<Caller, Browser>> {
    let client = no_redirects(server)?;
    let fresh = browsers::fresh(server, &client).await?;
    let mut browsers = BTreeMap::new();
    for caller in [
        Caller::Anonymous,
        Caller::ThisInstallation,
        Caller::OtherInstallation,
        Caller::Portal,
    ] {
        browsers.insert(caller, fresh.clone());
    }
    browsers.insert(
        Caller::Garbage,
        fresh.with_session(server, &client, "not.a.token").await?,
    );
    browsers.insert(Caller::Expired, expired);
    for (caller, account) in users {
        browsers.insert(
            *caller,
            browsers::signed_in(server, &client, account).await?,
        );
    }
    Ok(browsers)
}

/// A Portal session by the e-mailed link, with `portal.rs`'s helpers.
pub(super) async fn portal_session(
    server: &TestServer,
    sink: &SmtpSink,
) -> anyhow::Result<Credential> {
    let client = no_redirects(server)?;
    let (csrf_cookie, csrf) = request_login_link(server, &client, "ops@example.com").await?;
    let mail = sink.next_message(Duration::from_secs(20)).await?;
    let token = link_param(&mail.text_body().unwrap_or_default(), "token").expect("token");
    let cookies = confirm_login(server, &client, &csrf_cookie, &csrf, &token).await?;
    // The token from before the login is no good in the session: a page of it has the new one.
    let csrf = portal_csrf(server, &client, &cookies).await?;
    Ok(Credential::Portal { cookies, csrf })
}

/// A cloud with an Enterprise organization, its members, installations, and a self-hosted
/// server licensed by it with its own organization, members and billing sync connection.
pub(super) async fn worlds(backend: TestBackend) -> anyhow::Result<(World, World)> {
    let cloud_sink = SmtpSink::start().await?;
    let cloud_clock = Arc::new(ManualClock::new(Utc::now()));
    let cloud = TestServer::cloud()
        .backend(backend.clone())
        .smtp(&cloud_sink)
        .clock(cloud_clock.clone())
        .setting("adminSettings__admins", "ops@example.com")
        .start()
        .await?;
    let (expired, cloud_expired_browser) = expired_token(&cloud, &cloud_clock).await?;
    let (cloud_owner, cloud_session, cloud_org, cloud_org_id) =
        owner_with_org(&cloud, "owner@cloud.test", 20, 10).await?;
    let Members {
        credentials: mut cloud_credentials,
        accounts: mut cloud_accounts,
        invited: cloud_member,
    } = members(
        &cloud,
        &cloud_sink,
        &cloud_session,
        &cloud_org,
        &cloud_org_id,
    )
    .await?;
    let (outsider_account, outsider) = other_user(&cloud).await?;
    // The outsider has an organization of their own.
    let mut other_org = kinwarden_testkit::OrganizationKeys::generate()?.create_request(
        &outsider_account,
        "Elsewhere",
        "billing@elsewhere.test",
    )?;
    other_org["planType"] = json!(20);
    other_org["additionalSeats"] = json!(5);
    let made = outsider
        .post(&cloud, "/api/organizations", &other_org)
        .await?;
    anyhow::ensure!(
        made.status() == 200,
        "other organization: {}",
        made.text().await?
    );
    let (this_installation, this_token) =
        installation_token(&cloud, "api.installation api.licensing").await?;
    let (_, other_token) = installation_token(&cloud, "api.installation api.licensing").await?;
    let installation_key: Value = cloud
        .client
        .post(cloud.at("/api/installations"))
        .json(&json!({"email": "ops@selfhost.test"}))
        .send()
        .await?
        .json()
        .await?;

    let sh_sink = SmtpSink::start().await?;
    let sh_clock = Arc::new(ManualClock::new(Utc::now()));
    let base = cloud.url.as_str().trim_end_matches('/').to_string();
    let ca = cloud
        .bwdata
        .join("ssl/ca.crt")
        .to_string_lossy()
        .into_owned();
    let self_hosted = TestServer::self_hosted()
        .backend(backend)
        .smtp(&sh_sink)
        .clock(sh_clock.clone())
        .setting("adminSettings__admins", "ops@example.com")
        .setting("globalSettings__enableCloudCommunication", "true")
        .setting(
            "globalSettings__installation__id",
            installation_key["id"].as_str().unwrap_or_default(),
        )
        .setting(
            "globalSettings__installation__key",
            installation_key["key"].as_str().unwrap_or_default(),
        )
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
    let pem = cloud.get("/api/licenses/public-key").await?.text().await?;
    std::fs::write(self_hosted.bwdata.join("core/licensing.pub.pem"), pem)?;
    let (sh_expired, sh_expired_browser) = expired_token(&self_hosted, &sh_clock).await?;
    let pair = Pair {
        cloud,
        self_hosted,
        cloud_owner,
        cloud_session,
        cloud_org_id: cloud_org_id.clone(),
        installation_id: installation_key["id"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        proxy: None,
    };
    let (sh_owner_account, sh_owner, sh_org) = self_hosted_owner(&pair.self_hosted).await?;
    cloud_accounts.push((Caller::OtherOrgUser, outsider_account));
    let license = pair.download_license(&pair.installation_id).await?;
    let created: Value = upload(
        &pair.self_hosted,
        &sh_owner,
        "/api/organizations/licenses/self-hosted",
        &license,
        &sh_owner_account,
        &sh_org,
    )
    .await?
    .json()
    .await?;
    let sh_org_id = created["id"].as_str().unwrap_or_default().to_string();
    let token = billing_sync_token(&pair).await?;
    let saved: Value = sh_owner
        .post(
            &pair.self_hosted,
            "/api/organizations/connections",
            &connection(&sh_org_id, &token),
        )
        .await?
        .json()
        .await?;
    let connection_id = saved["id"].as_str().unwrap_or_default().to_string();
    anyhow::ensure!(!connection_id.is_empty(), "connection: {saved}");
    let Pair {
        cloud,
        self_hosted,
        cloud_owner,
        cloud_session,
        ..
    } = pair;
    cloud_accounts.push((Caller::Owner, cloud_owner));
    let Members {
        credentials: mut sh_credentials,
        accounts: mut sh_accounts,
        invited: sh_member,
    } = members(&self_hosted, &sh_sink, &sh_owner, &sh_org, &sh_org_id).await?;
    let (sh_outsider_account, sh_outsider) = other_user(&self_hosted).await?;
    sh_accounts.push((Caller::Owner, sh_owner_account));
    sh_accounts.push((Caller::OtherOrgUser, sh_outsider_account));

    let common = |credentials: &mut BTreeMap<Caller, Credential>, expired: String| {
        credentials.insert(Caller::Anonymous, Credential::None);
        credentials.insert(
            Caller::Garbage,
            Credential::Bearer("not.a.token".to_string()),
        );
        credentials.insert(Caller::Expired, Credential::Bearer(expired));
        credentials.insert(
            Caller::ThisInstallation,
            Credential::Bearer(this_token.clone()),
        );
        credentials.insert(
            Caller::OtherInstallation,
            Credential::Bearer(other_token.clone()),
        );
    };
    common(&mut cloud_credentials, expired);
    cloud_credentials.insert(
        Caller::OtherOrgUser,
        Credential::Bearer(outsider.access_token),
    );
    cloud_credentials.insert(
        Caller::Owner,
        Credential::Bearer(cloud_session.access_token.clone()),
    );
    cloud_credentials.insert(Caller::Portal, portal_session(&cloud, &cloud_sink).await?);
    common(&mut sh_credentials, sh_expired);
    sh_credentials.insert(
        Caller::OtherOrgUser,
        Credential::Bearer(sh_outsider.access_token),
    );
    sh_credentials.insert(
        Caller::Owner,
        Credential::Bearer(sh_owner.access_token.clone()),
    );
    sh_credentials.insert(
        Caller::Portal,
        portal_session(&self_hosted, &sh_sink).await?,
    );
    let cloud_browsers = browsers_of(&cloud, &cloud_accounts, cloud_expired_browser).await?;
    let sh_browsers = browsers_of(&self_hosted, &sh_accounts, sh_expired_browser).await?;
    let cloud_user = cloud_session.user_id(&cloud).await?;
    let sh_user = sh_owner.user_id(&self_hosted).await?;
    let (cloud_folder, cloud_cipher, cloud_attachment) = vault_of(&cloud, &cloud_session).await?;
    let (sh_folder, sh_cipher, sh_attachment) = vault_of(&self_hosted, &sh_owner).await?;
    let cloud_group = group_of(&cloud, &cloud_session, &cloud_org_id).await?;
    let sh_group = group_of(&self_hosted, &sh_owner, &sh_org_id).await?;
    let cloud_collection = collection_of(&cloud, &cloud_session, &cloud_org_id).await?;
    let sh_collection = collection_of(&self_hosted, &sh_owner, &sh_org_id).await?;
    let cloud_org_cipher =
        org_item_of(&cloud, &cloud_session, &cloud_org_id, &cloud_collection).await?;
    let sh_org_cipher = org_item_of(&self_hosted, &sh_owner, &sh_org_id, &sh_collection).await?;
    Ok((
        World {
            client: no_redirects(&cloud)?,
            server: cloud,
            cloud: true,
            org_id: cloud_org_id,
            member_id: cloud_member,
            user_id: cloud_user,
            installation_id: this_installation.to_string(),
            connection_id: uuid::Uuid::new_v4().to_string(),
            folder_id: cloud_folder,
            cipher_id: cloud_cipher,
            attachment_id: cloud_attachment,
            group_id: cloud_group,
            collection_id: cloud_collection,
            org_cipher_id: cloud_org_cipher,
            credentials: cloud_credentials,
            browsers: cloud_browsers,
        },
        World {
            client: no_redirects(&self_hosted)?,
            server: self_hosted,
            cloud: false,
            org_id: sh_org_id,
            member_id: sh_member,
            user_id: sh_user,
            installation_id: this_installation.to_string(),
            connection_id,
            folder_id: sh_folder,
            cipher_id: sh_cipher,
            attachment_id: sh_attachment,
            group_id: sh_group,
            collection_id: sh_collection,
            org_cipher_id: sh_org_cipher,
            credentials: sh_credentials,
            browsers: sh_browsers,
        },
    ))
}
