//! The official Bitwarden CLI (`bw`, ARCHITECTURE "Tests, in layers" 5) against a cloud
//! Kinwarden: an owner and a member set up through the API with genuine client crypto, then
//! `bw login` with the password and with the user API key, `bw list organizations` and
//! `bw list org-members`.

use std::time::Duration;

use anyhow::Context;
use kinwarden_testkit::{BwCli, ClientAccount, Kdf, OrganizationKeys, SmtpSink, TestServer};
use serde_json::{Value, json};

use crate::organizations::link_param;
use crate::support::{Session, login, register};

const OWNER_PASSWORD: &str = "owner's correct horse battery";
const MEMBER_PASSWORD: &str = "member's correct horse battery";
const ORG_NAME: &str = "Kinwarden & Co";
/// Enterprise (annually), reference §1.6.
const ENTERPRISE_ANNUALLY: i32 = 20;
/// Member types and statuses, reference §1.7.
const OWNER: i64 = 0;
const USER: i64 = 2;
const CONFIRMED: i64 = 2;

#[tokio::test]
async fn bw_logs_in_and_lists_the_organization_and_its_members() -> anyhow::Result<()> {
    // Once per machine; the first time it takes npm a while.
    let cli = BwCli::install().await?;
    let sink = SmtpSink::start().await?;
    // Request logs (method, path, status) show in a failing test's output: what `bw` asked.
    let server = TestServer::cloud()
        .smtp(&sink)
        .setting("kinwarden__logLevel", "info")
        .start()
        .await?;
    let url = server.url.as_str().trim_end_matches('/');
    let ca = server.bwdata.join("ssl/ca.crt");

    let owner = ClientAccount::new("owner@example.com", OWNER_PASSWORD, Kdf::DEFAULT_ITERATIONS)?;
    let member = ClientAccount::new(
        "member@example.com",
        MEMBER_PASSWORD,
        Kdf::DEFAULT_ITERATIONS,
    )?;
    register(&server, &owner).await?;
    register(&server, &member).await?;
    let owner_session = login(&server, &owner).await?;
    let member_session = login(&server, &member).await?;
    let owner_user_id = owner_session.user_id(&server).await?;
    let member_user_id = member_session.user_id(&server).await?;

    let (org_id, org_keys) = create_organization(&server, &owner, &owner_session).await?;
    let member_id =
        invite_and_accept(&server, &sink, &org_id, &owner_session, &member_session).await?;

    // Accepted but not confirmed: no org key yet, so the organization is not in the profile,
    // and `bw login` (which unlocks every listed organization's key) works.
    let sync: Value = member_session
        .get(&server, "/api/sync")
        .await?
        .json()
        .await?;
    assert_eq!(sync["profile"]["organizations"], json!([]), "{sync}");
    let mut bw = cli.session(url, &ca).await?;
    bw.login_password("member@example.com", MEMBER_PASSWORD)
        .await?;
    let organizations = bw.list_organizations().await?;
    assert_eq!(organizations, json!([]), "{organizations}");

    confirm(
        &server,
        &org_id,
        &member_id,
        &org_keys,
        &owner_session,
        &member_user_id,
    )
    .await?;
    // The member's copy of the org key opens with the member's own private key.
    let sync: Value = member_session
        .get(&server, "/api/sync")
        .await?
        .json()
        .await?;
    let wrapped = sync["profile"]["organizations"][0]["key"]
        .as_str()
        .with_context(|| format!("the member's org key in {sync}"))?;
    assert_eq!(
        member.open_org_key(wrapped)?.as_bytes(),
        org_keys.org_key.as_bytes()
    );
    let owner_profile: Value = owner_session
        .get(&server, "/api/accounts/profile")
        .await?
        .json()
        .await?;
    let owner_member_id = owner_profile["organizations"][0]["organizationUserId"]
        .as_str()
        .with_context(|| format!("the owner's membership in {owner_profile}"))?
        .to_string();

    // The owner logs in with the master password and sees the organization and both members.
    let mut bw = cli.session(url, &ca).await?;
    bw.login_password("owner@example.com", OWNER_PASSWORD)
        .await?;
    let status = bw.status().await?;
    assert_eq!(status["status"], "unlocked", "{status}");
    assert_eq!(status["userId"], owner_user_id.as_str(), "{status}");

    let organizations = bw.list_organizations().await?;
    let listed = organizations
        .as_array()
        .with_context(|| format!("bw list organizations printed {organizations}"))?;
    assert_eq!(listed.len(), 1, "{organizations}");
    assert_eq!(listed[0]["id"], org_id.as_str(), "{organizations}");
    assert_eq!(listed[0]["name"], ORG_NAME, "{organizations}");
    assert_eq!(listed[0]["status"], CONFIRMED, "{organizations}");
    assert_eq!(listed[0]["type"], OWNER, "{organizations}");

    let members = bw.list_org_members(&org_id).await?;
    let mut rows: Vec<(String, String, i64, i64)> = members
        .as_array()
        .with_context(|| format!("bw list org-members printed {members}"))?
        .iter()
        .map(|row| {
            (
                row["email"].as_str().unwrap_or_default().to_string(),
                row["id"].as_str().unwrap_or_default().to_string(),
                row["status"].as_i64().unwrap_or(-1),
                row["type"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    rows.sort();
    let expected = vec![
        ("member@example.com".to_string(), member_id, CONFIRMED, USER),
        (
            "owner@example.com".to_string(),
            owner_member_id,
            CONFIRMED,
            OWNER,
        ),
    ];
    assert_eq!(rows, expected, "{members}");

    // The member logs in with the user API key: the vault stays locked until unlocked.
    let api_key: Value = member_session
        .post(
            &server,
            "/api/accounts/api-key",
            &json!({"masterPasswordHash": member.master_password_hash}),
        )
        .await?
        .json()
        .await?;
    let secret = api_key["apiKey"]
        .as_str()
        .with_context(|| format!("apiKey in {api_key}"))?;
    let mut bw = cli.session(url, &ca).await?;
    bw.login_apikey(&format!("user.{member_user_id}"), secret)
        .await?;
    let status = bw.status().await?;
    assert_eq!(status["status"], "locked", "{status}");
    assert_eq!(status["userId"], member_user_id.as_str(), "{status}");
    assert_eq!(status["userEmail"], "member@example.com", "{status}");
    bw.unlock(MEMBER_PASSWORD).await?;
    let organizations = bw.list_organizations().await?;
    assert_eq!(organizations[0]["id"], org_id.as_str(), "{organizations}");
    assert_eq!(organizations[0]["name"], ORG_NAME, "{organizations}");
    assert_eq!(organizations[0]["status"], CONFIRMED, "{organizations}");
    assert_eq!(organizations[0]["type"], USER, "{organizations}");

    server.stop().await?;
    Ok(())
}

/// An Enterprise organization with ten seats, made with the owner's client keys.
async fn create_organization(
    server: &TestServer,
    owner: &ClientAccount,
    session: &Session,
) -> anyhow::Result<(String, OrganizationKeys)> {
    let keys = OrganizationKeys::generate()?;
    let mut body = keys.create_request(owner, ORG_NAME, "billing@example.com")?;
    body["planType"] = json!(ENTERPRISE_ANNUALLY);
    body["additionalSeats"] = json!(10);
    let response = session.post(server, "/api/organizations", &body).await?;
    anyhow::ensure!(
        response.status() == 200,
        "create organization: {} {}",
        response.status(),
        response.text().await?
    );
    let org: Value = response.json().await?;
    let org_id = org["id"].as_str().context("organization id")?.to_string();
    Ok((org_id, keys))
}

/// Invites the member as a User and accepts with the token from the invitation mail's link.
/// Answers the member id (`organizationUserId`).
async fn invite_and_accept(
    server: &TestServer,
    sink: &SmtpSink,
    org_id: &str,
    owner_session: &Session,
    member_session: &Session,
) -> anyhow::Result<String> {
    let invite = owner_session
        .post(
            server,
            &format!("/api/organizations/{org_id}/users/invite"),
            &json!({"emails": ["member@example.com"], "type": USER, "accessSecretsManager": false,
                    "collections": [], "groups": [], "permissions": null}),
        )
        .await?;
    anyhow::ensure!(
        invite.status() == 200,
        "invite: {} {}",
        invite.status(),
        invite.text().await?
    );
    let mail = sink.next_message(Duration::from_secs(15)).await?;
    let body = mail.text_body().context("the invitation has a text part")?;
    let param = |name: &str| {
        link_param(&body, name).with_context(|| format!("{name} in the invitation link: {body}"))
    };
    assert_eq!(param("organizationId")?, org_id);
    let member_id = param("organizationUserId")?;
    let accept = member_session
        .post(
            server,
            &format!("/api/organizations/{org_id}/users/{member_id}/accept"),
            &json!({"token": param("token")?}),
        )
        .await?;
    anyhow::ensure!(
        accept.status() == 200,
        "accept: {} {}",
        accept.status(),
        accept.text().await?
    );
    Ok(member_id)
}

/// The owner confirms the member with the org key wrapped for the member's public key, as the
/// server hands that key out.
async fn confirm(
    server: &TestServer,
    org_id: &str,
    member_id: &str,
    keys: &OrganizationKeys,
    owner_session: &Session,
    member_user_id: &str,
) -> anyhow::Result<()> {
    let public: Value = owner_session
        .get(server, &format!("/api/users/{member_user_id}/public-key"))
        .await?
        .json()
        .await?;
    let public_key = public["publicKey"]
        .as_str()
        .with_context(|| format!("publicKey in {public}"))?;
    let confirm = owner_session
        .post(
            server,
            &format!("/api/organizations/{org_id}/users/{member_id}/confirm"),
            &keys.confirm_request(public_key)?,
        )
        .await?;
    anyhow::ensure!(
        confirm.status() == 200,
        "confirm: {} {}",
        confirm.status(),
        confirm.text().await?
    );
    Ok(())
}
