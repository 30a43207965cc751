//! Addresses with control characters and offers' notes that are not encrypted are refused with
//! a 400 in the error envelope, and nothing is made or mailed.

use kinwarden_testkit::{SmtpSink, TestServer, backends};
use serde_json::{Value, json};

use crate::organizations::owner_with_org;

const BAD_ADDRESSES: [&str; 4] = [
    "ops\u{0}@example.com",
    "ops@example.com\u{0}",
    "ops@exam\u{1}ple.com",
    "ops\u{7f}@example.com",
];

/// A 400 naming `field` in `validationErrors`.
async fn refused_field(response: reqwest::Response, field: &str, what: &str) -> anyhow::Result<()> {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or_default();
    anyhow::ensure!(
        status == 400 && body["validationErrors"][field].is_array(),
        "{what}: {status} {body}"
    );
    Ok(())
}

#[tokio::test]
async fn control_characters_and_plain_notes_are_refused() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let sink = SmtpSink::start().await?;
        let server = TestServer::cloud()
            .backend(backend)
            .smtp(&sink)
            .start()
            .await?;
        let (_, owner, _, org_id) = owner_with_org(&server, "owner@input.test", 20, 5).await?;
        for bad in BAD_ADDRESSES {
            let what = format!("{name}: {bad:?}");
            let installation = server
                .client
                .post(server.at("/api/installations"))
                .json(&json!({"email": bad}))
                .send()
                .await?;
            refused_field(installation, "Email", &format!("installation {what}")).await?;
            let sign_up = server
                .client
                .post(server.at("/identity/accounts/register/send-verification-email"))
                .json(&json!({"email": bad, "name": null, "receiveMarketingEmails": false}))
                .send()
                .await?;
            assert_eq!(sign_up.status(), 400, "sign-up {what}");
            let invite = owner
                .post(
                    &server,
                    &format!("/api/organizations/{org_id}/users/invite"),
                    &json!({"emails": [bad], "type": 2}),
                )
                .await?;
            refused_field(invite, "Emails", &format!("invitation {what}")).await?;
            let offer = owner
                .post(
                    &server,
                    &format!("/api/organization/sponsorship/{org_id}/families-for-enterprise"),
                    &json!({"planSponsorshipType": 0, "sponsoredEmail": bad, "friendlyName": bad}),
                )
                .await?;
            refused_field(offer, "SponsoredEmail", &format!("offer {what}")).await?;
        }
        // An offer's notes, when given, are encrypted by the client.
        let plain_notes = owner
            .post(
                &server,
                &format!("/api/organization/sponsorship/{org_id}/families-for-enterprise"),
                &json!({"planSponsorshipType": 0, "sponsoredEmail": "kid@family.test",
                        "friendlyName": "kid", "notes": "plain text"}),
            )
            .await?;
        assert_eq!(plain_notes.status(), 400, "{name}");
        let body: Value = plain_notes.json().await?;
        assert_eq!(
            body["validationErrors"]["Notes"][0], "Notes is not a valid encrypted string.",
            "{name}"
        );
        // Nothing was made or mailed.
        let members: Value = owner
            .get(&server, &format!("/api/organizations/{org_id}/users"))
            .await?
            .json()
            .await?;
        assert_eq!(members["data"].as_array().map(Vec::len), Some(1), "{name}");
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(sink.messages().is_empty(), "{name}: no mail");
        server.stop().await?;
    }
    Ok(())
}
