//! Organizations, members and installations through the real server: an invited member gets
//! the mail over SMTP, accepts with its token, is confirmed, and sees the organization.

use std::time::Duration;

use kinwarden_testkit::{ClientAccount, Kdf, OrganizationKeys, SmtpSink, TestServer, backends};
use serde_json::{Value, json};

use crate::support::{Session, login, register};

/// The value of a query parameter in the first link of a mail body.
pub(crate) fn link_param(body: &str, name: &str) -> Option<String> {
    let start = body.find("https://")?;
    let link: String = body[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<')
        .collect();
    let url = url::Url::parse(&link).ok()?;
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

pub(crate) async fn owner_with_org(
    server: &TestServer,
    email: &str,
    plan_type: i32,
    seats: i32,
) -> anyhow::Result<(ClientAccount, Session, OrganizationKeys, String)> {
    let owner = ClientAccount::new(email, "owner password!", Kdf::DEFAULT_ITERATIONS)?;
    register(server, &owner).await?;
    let session = login(server, &owner).await?;
    let org = OrganizationKeys::generate()?;
    let mut body = org.create_request(&owner, "Acme Corp", "billing@acme.test")?;
    body["planType"] = json!(plan_type);
    body["additionalSeats"] = json!(seats);
    let response = session.post(server, "/api/organizations", &body).await?;
    anyhow::ensure!(
        response.status() == 200,
        "create: {} {}",
        response.status(),
        response.text().await?
    );
    let created: Value = response.json().await?;
    let id = created["id"].as_str().unwrap_or_default().to_string();
    Ok((owner, session, org, id))
}

#[tokio::test]
async fn invite_accept_confirm_and_see_the_organization() -> anyhow::Result<()> {
    for backend in backends() {
        let sink = SmtpSink::start().await?;
        let server = TestServer::cloud()
            .backend(backend)
            .smtp(&sink)
            .start()
            .await?;
        let (_owner, owner_session, org, org_id) =
            owner_with_org(&server, "owner@acme.test", 20, 10).await?;

        let created: Value = owner_session
            .get(&server, &format!("/api/organizations/{org_id}"))
            .await?
            .json()
            .await?;
        assert_eq!(created["object"], "organization");
        assert_eq!(created["planType"], 20);
        assert_eq!(created["seats"], 10);
        assert_eq!(created["enabled"], true);

        let invite = owner_session
            .post(
                &server,
                &format!("/api/organizations/{org_id}/users/invite"),
                &json!({"emails": ["Member@Example.com"], "type": 2, "collections": [], "permissions": null}),
            )
            .await?;
        assert_eq!(invite.status(), 200, "{}", invite.text().await?);
        let mail = sink.next_message(Duration::from_secs(20)).await?;
        assert_eq!(mail.to().as_deref(), Some("member@example.com"));
        assert!(mail.subject().unwrap_or_default().contains("Acme Corp"));
        let body = mail.text_body().unwrap_or_default();
        let token = link_param(&body, "token").expect("token in the link");
        let member_id = link_param(&body, "organizationUserId").expect("member id in the link");
        assert_eq!(
            link_param(&body, "organizationId").as_deref(),
            Some(org_id.as_str())
        );

        let list: Value = owner_session
            .get(&server, &format!("/api/organizations/{org_id}/users"))
            .await?
            .json()
            .await?;
        assert_eq!(list["object"], "list");
        let invited = list["data"]
            .as_array()
            .expect("data")
            .iter()
            .find(|m| m["id"] == member_id.as_str())
            .expect("listed");
        assert_eq!(invited["status"], 0);
        assert_eq!(invited["email"], "member@example.com");

        // The member registers with the invited address and accepts with the mailed token.
        let member = ClientAccount::new(
            "member@example.com",
            "member password!",
            Kdf::DEFAULT_ITERATIONS,
        )?;
        register(&server, &member).await?;
        let member_session = login(&server, &member).await?;
        let accept_path = format!("/api/organizations/{org_id}/users/{member_id}/accept");
        let wrong = member_session
            .post(&server, &accept_path, &json!({"token": "forged"}))
            .await?;
        assert_eq!(wrong.status(), 400);
        let accepted = member_session
            .post(&server, &accept_path, &json!({"token": token}))
            .await?;
        assert_eq!(accepted.status(), 200, "{}", accepted.text().await?);

        // Not yet confirmed: the member cannot see the organization's members.
        let early = member_session
            .get(&server, &format!("/api/organizations/{org_id}/users"))
            .await?;
        assert_eq!(early.status(), 404);

        let member_user_id = member_session.user_id(&server).await?;
        let public: Value = owner_session
            .get(&server, &format!("/api/users/{member_user_id}/public-key"))
            .await?
            .json()
            .await?;
        let confirm = org.confirm_request(public["publicKey"].as_str().expect("public key"))?;
        let confirmed = owner_session
            .post(
                &server,
                &format!("/api/organizations/{org_id}/users/{member_id}/confirm"),
                &confirm,
            )
            .await?;
        assert_eq!(confirmed.status(), 200, "{}", confirmed.text().await?);

        let list: Value = owner_session
            .get(&server, &format!("/api/organizations/{org_id}/users"))
            .await?
            .json()
            .await?;
        let listed = list["data"]
            .as_array()
            .expect("data")
            .iter()
            .find(|m| m["id"] == member_id.as_str())
            .expect("listed");
        assert_eq!(listed["status"], 2);
        assert_eq!(listed["userId"], member_user_id.as_str());

        let sync: Value = member_session
            .get(&server, "/api/sync")
            .await?
            .json()
            .await?;
        let orgs = sync["profile"]["organizations"]
            .as_array()
            .expect("organizations");
        assert_eq!(orgs.len(), 1);
        assert_eq!(orgs[0]["id"], org_id.as_str());
        assert_eq!(orgs[0]["status"], 2);
        assert_eq!(orgs[0]["type"], 2);
        assert_eq!(orgs[0]["productTierType"], 3);
        let opened = member.open_org_key(orgs[0]["key"].as_str().expect("key"))?;
        assert_eq!(
            opened.as_bytes(),
            org.org_key.as_bytes(),
            "the member can open the organization key"
        );

        // A plain User may not manage members.
        let refused = member_session
            .post(
                &server,
                &format!("/api/organizations/{org_id}/users/invite"),
                &json!({"emails": ["x@example.com"], "type": 2}),
            )
            .await?;
        assert_eq!(refused.status(), 403);
        server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn roles_removal_and_leaving() -> anyhow::Result<()> {
    let sink = SmtpSink::start().await?;
    let server = TestServer::cloud().smtp(&sink).start().await?;
    let (_owner, owner_session, org, org_id) =
        owner_with_org(&server, "boss@acme.test", 20, 5).await?;
    let member = ClientAccount::new(
        "staff@acme.test",
        "staff password!",
        Kdf::DEFAULT_ITERATIONS,
    )?;
    register(&server, &member).await?;
    let member_session = login(&server, &member).await?;
    owner_session
        .post(
            &server,
            &format!("/api/organizations/{org_id}/users/invite"),
            &json!({"emails": ["staff@acme.test"], "type": 2}),
        )
        .await?;
    let mail = sink.next_message(Duration::from_secs(20)).await?;
    let body = mail.text_body().unwrap_or_default();
    let member_id = link_param(&body, "organizationUserId").expect("id");
    let token = link_param(&body, "token").expect("token");
    member_session
        .post(
            &server,
            &format!("/api/organizations/{org_id}/users/{member_id}/accept"),
            &json!({"token": token}),
        )
        .await?;
    let member_user_id = member_session.user_id(&server).await?;
    let public: Value = owner_session
        .get(&server, &format!("/api/users/{member_user_id}/public-key"))
        .await?
        .json()
        .await?;
    let confirm = org.confirm_request(public["publicKey"].as_str().expect("pk"))?;
    owner_session
        .post(
            &server,
            &format!("/api/organizations/{org_id}/users/{member_id}/confirm"),
            &confirm,
        )
        .await?;

    // Custom with manage-users may now invite; an admin may not create an owner.
    let custom = owner_session
        .put(
            &server,
            &format!("/api/organizations/{org_id}/users/{member_id}"),
            &json!({"type": 4, "permissions": {"manageUsers": true}}),
        )
        .await?;
    assert_eq!(custom.status(), 200);
    let detail: Value = owner_session
        .get(
            &server,
            &format!("/api/organizations/{org_id}/users/{member_id}"),
        )
        .await?
        .json()
        .await?;
    assert_eq!(detail["type"], 4);
    assert_eq!(detail["permissions"]["manageUsers"], true);
    let invite_owner = member_session
        .post(
            &server,
            &format!("/api/organizations/{org_id}/users/invite"),
            &json!({"emails": ["o2@acme.test"], "type": 0}),
        )
        .await?;
    assert_eq!(invite_owner.status(), 400);
    let invite_user = member_session
        .post(
            &server,
            &format!("/api/organizations/{org_id}/users/invite"),
            &json!({"emails": ["u2@acme.test"], "type": 2}),
        )
        .await?;
    assert_eq!(invite_user.status(), 200);

    // The only owner cannot leave; a member can.
    let owner_leaves = owner_session
        .post(
            &server,
            &format!("/api/organizations/{org_id}/leave"),
            &json!({}),
        )
        .await?;
    assert_eq!(owner_leaves.status(), 400);
    let left = member_session
        .post(
            &server,
            &format!("/api/organizations/{org_id}/leave"),
            &json!({}),
        )
        .await?;
    assert_eq!(left.status(), 200);
    let sync: Value = member_session
        .get(&server, "/api/sync")
        .await?
        .json()
        .await?;
    assert_eq!(sync["profile"]["organizations"], json!([]));

    // Removing the invited one.
    let list: Value = owner_session
        .get(&server, &format!("/api/organizations/{org_id}/users"))
        .await?
        .json()
        .await?;
    let invited = list["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|m| m["email"] == "u2@acme.test")
        .expect("invited");
    let removed = owner_session
        .delete(
            &server,
            &format!(
                "/api/organizations/{org_id}/users/{}",
                invited["id"].as_str().expect("id")
            ),
        )
        .await?;
    assert_eq!(removed.status(), 200);
    let list: Value = owner_session
        .get(&server, &format!("/api/organizations/{org_id}/users"))
        .await?
        .json()
        .await?;
    assert_eq!(list["data"].as_array().expect("data").len(), 1);
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn self_hosted_servers_take_organizations_only_from_licenses() -> anyhow::Result<()> {
    let server = TestServer::self_hosted().start().await?;
    let owner = ClientAccount::new("sh@example.com", "self hosted pw", Kdf::DEFAULT_ITERATIONS)?;
    register(&server, &owner).await?;
    let session = login(&server, &owner).await?;
    let body = OrganizationKeys::generate()?.create_request(&owner, "Nope", "b@example.com")?;
    let response = session.post(&server, "/api/organizations", &body).await?;
    assert_eq!(response.status(), 400);
    let error: Value = response.json().await?;
    assert!(
        error["message"]
            .as_str()
            .unwrap_or_default()
            .contains("license")
    );
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn installations_get_tokens_on_a_cloud_only() -> anyhow::Result<()> {
    for backend in backends() {
        let cloud = TestServer::cloud().backend(backend).start().await?;
        let created: Value = cloud
            .client
            .post(cloud.at("/api/installations"))
            .json(&json!({"email": "admin@selfhost.test"}))
            .send()
            .await?
            .json()
            .await?;
        assert_eq!(created["object"], "installation");
        assert_eq!(created["enabled"], true);
        let id = created["id"].as_str().expect("id").to_string();
        let key = created["key"].as_str().expect("key shown once").to_string();
        assert_eq!(key.len(), 20);

        let shown: Value = cloud
            .get(&format!("/api/installations/{id}"))
            .await?
            .json()
            .await?;
        assert!(shown["key"].is_null(), "the key is never shown again");

        let grant = |secret: &str, scope: &str| {
            [
                ("grant_type", "client_credentials".to_string()),
                ("scope", scope.to_string()),
                ("client_id", format!("installation.{id}")),
                ("client_secret", secret.to_string()),
            ]
        };
        let ok = cloud
            .client
            .post(cloud.at("/identity/connect/token"))
            .form(&grant(&key, "api.installation"))
            .send()
            .await?;
        assert_eq!(ok.status(), 200);
        let tokens: Value = ok.json().await?;
        assert_eq!(tokens["expires_in"], 86_400);
        assert_eq!(tokens["scope"], "api.installation");
        assert!(
            tokens["Key"].is_null(),
            "no user fields for an installation"
        );

        let wrong = cloud
            .client
            .post(cloud.at("/identity/connect/token"))
            .form(&grant("wrong-key", "api.installation"))
            .send()
            .await?;
        assert_eq!(wrong.status(), 400);
        assert_eq!(wrong.json::<Value>().await?["error"], "invalid_client");
        let bad_scope = cloud
            .client
            .post(cloud.at("/identity/connect/token"))
            .form(&grant(&key, "api"))
            .send()
            .await?;
        assert_eq!(bad_scope.json::<Value>().await?["error"], "invalid_scope");

        // An installation token is not a user: user routes refuse it.
        let sync = cloud
            .client
            .get(cloud.at("/api/sync"))
            .bearer_auth(tokens["access_token"].as_str().expect("at"))
            .send()
            .await?;
        assert_eq!(sync.status(), 403);
        cloud.stop().await?;

        let self_hosted = TestServer::self_hosted().start().await?;
        let refused = self_hosted
            .client
            .post(self_hosted.at("/identity/connect/token"))
            .form(&grant(&key, "api.installation"))
            .send()
            .await?;
        assert_eq!(refused.status(), 400);
        assert_eq!(refused.json::<Value>().await?["error"], "invalid_client");
        let no_route = self_hosted
            .client
            .post(self_hosted.at("/api/installations"))
            .json(&json!({"email": "a@b.test"}))
            .send()
            .await?;
        assert_eq!(no_route.status(), 400);
        assert_eq!(
            no_route.json::<Value>().await?["message"],
            "Only allowed when not self hosted."
        );
        self_hosted.stop().await?;
    }
    Ok(())
}
