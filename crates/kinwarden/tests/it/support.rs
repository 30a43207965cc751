//! Shared steps of the integration tests: register and log in as a real client would.

use kinwarden_testkit::{ClientAccount, TestServer};
use serde::Serialize;
use serde_json::Value;

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
