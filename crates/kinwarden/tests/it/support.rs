//! Shared steps of the integration tests: register and log in as a real client would.

use std::time::Duration;

use kinwarden_testkit::{ClientAccount, Kdf, OrganizationKeys, SmtpSink, TestServer};
use serde::Serialize;
use serde_json::{Value, json};

use crate::organizations::link_param;

/// Registers through the API: asks for a verification token (answered directly, since the test
/// kit turns e-mail verification off unless a test turns it on) and finishes with the keys.
pub async fn register(server: &TestServer, account: &ClientAccount) -> anyhow::Result<()> {
    let response = server
        .client
        .post(server.at("/identity/accounts/register/send-verification-email"))
        .json(&serde_json::json!({"email": account.email, "name": null, "receiveMarketingEmails": false}))
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == 200,
        "send-verification-email: {}",
        response.status()
    );
    let token: String = response.json().await?;
    let mut finish = account.register_finish()?;
    finish.email_verification_token = Some(token);
    let response = server
        .client
        .post(server.at("/identity/accounts/register/finish"))
        .json(&finish)
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == 200,
        "register/finish: {} {}",
        response.status(),
        response.text().await?
    );
    Ok(())
}

/// A logged-in user: the token answer and the bearer token.
pub struct Session {
    pub tokens: Value,
    pub access_token: String,
}

pub async fn login(server: &TestServer, account: &ClientAccount) -> anyhow::Result<Session> {
    let response = server
        .client
        .post(server.at("/identity/connect/token"))
        .form(&account.password_grant("test-device"))
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == 200,
        "login: {} {}",
        response.status(),
        response.text().await?
    );
    let tokens: Value = response.json().await?;
    let access_token = tokens["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    Ok(Session {
        tokens,
        access_token,
    })
}

impl Session {
    pub async fn get(&self, server: &TestServer, path: &str) -> anyhow::Result<reqwest::Response> {
        Ok(server
            .client
            .get(server.at(path))
            .bearer_auth(&self.access_token)
            .send()
            .await?)
    }

    pub async fn post<B: Serialize>(
        &self,
        server: &TestServer,
        path: &str,
        body: &B,
    ) -> anyhow::Result<reqwest::Response> {
        Ok(server
            .client
            .post(server.at(path))
            .bearer_auth(&self.access_token)
            .json(body)
            .send()
            .await?)
    }

    pub async fn put<B: Serialize>(
        &self,
        server: &TestServer,
        path: &str,
        body: &B,
    ) -> anyhow::Result<reqwest::Response> {
        Ok(server
            .client
            .put(server.at(path))
            .bearer_auth(&self.access_token)
            .json(body)
            .send()
            .await?)
    }

    pub async fn delete(
        &self,
        server: &TestServer,
        path: &str,
    ) -> anyhow::Result<reqwest::Response> {
        Ok(server
            .client
            .delete(server.at(path))
            .bearer_auth(&self.access_token)
            .send()
            .await?)
    }

    pub async fn user_id(&self, server: &TestServer) -> anyhow::Result<String> {
        let profile: Value = self
            .get(server, "/api/accounts/profile")
            .await?
            .json()
            .await?;
        Ok(profile["id"].as_str().unwrap_or_default().to_string())
    }
}

/// Invites `email` with `member_type` (1 admin, 2 user, …), lets the member accept, and confirms
/// them with the organization key wrapped for them.
pub(crate) async fn confirmed_member(
    server: &TestServer,
    sink: &SmtpSink,
    owner: &Session,
    org: &OrganizationKeys,
    org_id: &str,
    email: &str,
    member_type: i32,
) -> anyhow::Result<Session> {
    let (_, session) =
        confirmed_account(server, sink, owner, org, org_id, email, member_type).await?;
    Ok(session)
}

/// [`confirmed_member`], answering the member's account too (to sign in to the pages with).
pub(crate) async fn confirmed_account(
    server: &TestServer,
    sink: &SmtpSink,
    owner: &Session,
    org: &OrganizationKeys,
    org_id: &str,
    email: &str,
    member_type: i32,
) -> anyhow::Result<(ClientAccount, Session)> {
    let account = ClientAccount::new(email, "member password!", Kdf::DEFAULT_ITERATIONS)?;
    register(server, &account).await?;
    let session = login(server, &account).await?;
    let invited = owner
        .post(
            server,
            &format!("/api/organizations/{org_id}/users/invite"),
            &json!({"emails": [email], "type": member_type}),
        )
        .await?;
    anyhow::ensure!(invited.status() == 200, "invite: {}", invited.status());
    let mail = sink.next_message(Duration::from_secs(20)).await?;
    let body = mail.text_body().unwrap_or_default();
    let member_id = link_param(&body, "organizationUserId").expect("member id");
    let token = link_param(&body, "token").expect("token");
    session
        .post(
            server,
            &format!("/api/organizations/{org_id}/users/{member_id}/accept"),
            &json!({"token": token}),
        )
        .await?;
    let user_id = session.user_id(server).await?;
    let public: Value = owner
        .get(server, &format!("/api/users/{user_id}/public-key"))
        .await?
        .json()
        .await?;
    let confirm = org.confirm_request(public["publicKey"].as_str().expect("public key"))?;
    let confirmed = owner
        .post(
            server,
            &format!("/api/organizations/{org_id}/users/{member_id}/confirm"),
            &confirm,
        )
        .await?;
    anyhow::ensure!(confirmed.status() == 200, "confirm: {}", confirmed.status());
    Ok((account, session))
}

/// Runs the `kinwarden` binary on a test server's data directory with the settings the server
/// was started with, off the runtime that serves it; answers the exit code and the output.
pub async fn kinwarden(server: &TestServer, args: &[&str]) -> anyhow::Result<(i32, String)> {
    let root = server.bwdata.clone();
    let settings = server.settings.clone();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_kinwarden"))
            .arg("--bwdata")
            .arg(root)
            .args(args)
            .envs(settings)
            .env_remove("KINWARDEN_BWDATA")
            .output()
    })
    .await??;
    Ok((
        output.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    ))
}

/// Whether an outbox row is a Families sponsorship offer (queued as a draft).
pub fn is_sponsorship_offer(mail: &kinwarden_store::OutboxMail) -> bool {
    mail.draft.as_deref().is_some_and(|draft| {
        matches!(
            kinwarden_mail::Draft::from_json(draft),
            Ok(kinwarden_mail::Draft::SponsorshipOffer { .. })
        )
    })
}

/// Asks for a one-time code by e-mail and reads it from the mail the sink received.
pub async fn mailed_code(
    server: &TestServer,
    session: &Session,
    sink: &SmtpSink,
) -> anyhow::Result<String> {
    let requested = session
        .post(server, "/api/accounts/request-otp", &json!({}))
        .await?;
    anyhow::ensure!(
        requested.status() == 200,
        "request-otp: {}",
        requested.status()
    );
    let mail = sink.next_message(Duration::from_secs(20)).await?;
    let body = mail.text_body().unwrap_or_default();
    body.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("no six-digit code in {body}"))
}
