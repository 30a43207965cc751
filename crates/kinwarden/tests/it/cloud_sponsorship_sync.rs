//! The cloud side of the sponsorship sync (reference §4.1 C1, §4.2): rows, offer e-mails,
//! deletions, skipped reasons, and the refusals.

use std::time::{Duration, Instant};

use anyhow::Context;
use kinwarden_testkit::{SmtpSink, TestServer, backends};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::license_sync::installation_token;
use crate::organizations::owner_with_org;

const OFFER_SUBJECT: &str = "Accept your Sponsored Families Plan";

struct Cloud {
    server: TestServer,
    org_id: String,
    billing_sync_key: String,
    token: String,
    user_token: String,
}

async fn cloud(server: TestServer, plan_type: i32) -> anyhow::Result<Cloud> {
    let (owner, session, _org, org_id) =
        owner_with_org(&server, "owner@cloudsync.test", plan_type, 10).await?;
    let api_key: Value = session
        .post(
            &server,
            &format!("/api/organizations/{org_id}/api-key"),
            &json!({"type": 1, "masterPasswordHash": owner.master_password_hash}),
        )
        .await?
        .json()
        .await?;
    let billing_sync_key = api_key["apiKey"].as_str().context("token")?.to_string();
    let (_, token) = installation_token(&server, "api.installation").await?;
    Ok(Cloud {
        user_token: session.access_token.clone(),
        server,
        org_id,
        billing_sync_key,
        token,
    })
}

fn item(member: Uuid, email: &str) -> Value {
    json!({
        "sponsoringOrganizationUserId": member,
        "friendlyName": email,
        "offeredToEmail": email,
        "planSponsorshipType": 0,
        "lastSyncDate": null,
        "validUntil": null,
        "toDelete": false,
    })
}

async fn sync(
    cloud: &Cloud,
    token: &str,
    key: &str,
    batch: &[Value],
) -> anyhow::Result<(u16, Value)> {
    let response = cloud
        .server
        .client
        .post(cloud.server.at("/api/organization/sponsorship/sync"))
        .bearer_auth(token)
        .json(&json!({
            "billingSyncKey": key,
            "sponsoringOrganizationCloudId": cloud.org_id,
            "sponsorshipsBatch": batch,
        }))
        .send()
        .await?;
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    Ok((status, body))
}

async fn offers(
    sink: &SmtpSink,
    count: usize,
) -> anyhow::Result<Vec<kinwarden_testkit::ReceivedMail>> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found: Vec<_> = sink
            .messages()
            .into_iter()
            .filter(|m| m.subject().as_deref() == Some(OFFER_SUBJECT))
            .collect();
        if found.len() >= count || Instant::now() > deadline {
            return Ok(found);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn new_items_make_rows_and_offers_once_and_to_delete_removes() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let sink = SmtpSink::start().await?;
        let server = TestServer::cloud()
            .backend(backend)
            .smtp(&sink)
            .start()
            .await?;
        let cloud = cloud(server, 20).await?;
        let (key, token) = (cloud.billing_sync_key.clone(), cloud.token.clone());
        let members: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
        let batch: Vec<Value> = members
            .iter()
            .enumerate()
            .map(|(i, m)| item(*m, &format!("kid{i}@family.test")))
            .collect();

        let (status, body) = sync(&cloud, &token, &key, &batch).await?;
        assert_eq!(status, 200, "{name}: {body}");
        let answered = body["sponsorshipsBatch"].as_array().context("batch")?;
        assert_eq!(answered.len(), 3, "{name}");
        assert!(answered.iter().all(|i| i["lastSyncDate"].is_string()));
        assert_eq!(body["skipped"], json!([]));
        let store = cloud.server.store().context("store")?;
        let rows = store
            .sponsorships_of_organization(cloud.org_id.parse().expect("an id"))
            .await?;
        assert_eq!(rows.len(), 3, "{name}");
        assert!(rows.iter().all(|r| r.last_sync_date.is_some()));

        let mails = offers(&sink, 3).await?;
        assert_eq!(mails.len(), 3, "{name}");
        let vault = cloud.server.url.as_str().trim_end_matches('/').to_string();
        for i in 0..3 {
            let to = format!("kid{i}@family.test");
            let mail = mails
                .iter()
                .find(|m| m.rcpt_to == [to.clone()])
                .context("offer to each address")?;
            let text = mail.text_body().context("text")?;
            let link = format!("{vault}/accept-families-for-enterprise?token=");
            assert!(text.contains(&link), "{text}");
            assert!(
                text.contains(&format!("&email=kid{i}%40family.test&register=true")),
                "{text}"
            );
            assert!(text.contains("Acme Corp"), "{text}");
        }

        // The same batch again: rows updated, no new offer.
        let before = rows[0].last_sync_date;
        tokio::time::sleep(Duration::from_millis(20)).await;
        let (status, body) = sync(&cloud, &token, &key, &batch).await?;
        assert_eq!(status, 200, "{body}");
        let rows = store
            .sponsorships_of_organization(cloud.org_id.parse().expect("an id"))
            .await?;
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|r| r.last_sync_date >= before));
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(offers(&sink, 3).await?.len(), 3, "{name}: no second offer");

        // Revoked on the self-hosted server: the unredeemed row goes.
        let mut gone = batch[0].clone();
        gone["toDelete"] = json!(true);
        gone["lastSyncDate"] = json!("2027-01-15T08:00:00.000Z");
        let (status, body) = sync(&cloud, &token, &key, &[gone]).await?;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["sponsorshipsBatch"][0]["cloudSponsorshipRemoved"],
            json!(true)
        );
        let rows = store
            .sponsorships_of_organization(cloud.org_id.parse().expect("an id"))
            .await?;
        assert_eq!(rows.len(), 2, "{name}");
        assert!(
            rows.iter()
                .all(|r| r.sponsoring_organization_user_id.to_string() != members[0].to_string())
        );
        cloud.server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn refusals_skips_and_the_empty_batch() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let server = TestServer::cloud().backend(backend.clone()).start().await?;
        let cloud = cloud(server, 20).await?;
        let (key, token) = (cloud.billing_sync_key.clone(), cloud.token.clone());

        let (status, body) = sync(&cloud, &token, &key, &[]).await?;
        assert_eq!(
            (status, body),
            (200, json!({"sponsorshipsBatch": [], "skipped": []})),
            "{name}"
        );

        let (status, body) = sync(&cloud, &token, "wrong", &[]).await?;
        assert_eq!(status, 400, "{name}");
        assert!(
            body["message"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Invalid Billing Sync Key"),
            "{body}"
        );

        let user_token = cloud.user_token.clone();
        let (status, _) = sync(&cloud, &user_token, &key, &[]).await?;
        assert_eq!(status, 403, "{name}: a user token");
        let (_, licensing) = installation_token(&cloud.server, "api.licensing").await?;
        let (status, _) = sync(&cloud, &licensing, &key, &[]).await?;
        assert_eq!(status, 403, "{name}: the wrong scope");

        // A Families organization cannot hold a billing sync token, so the tier rule is reached
        // over HTTP by an item of a plan this organization cannot sponsor; the pure function's
        // tests cover the Families (22) sponsor itself.
        let member = Uuid::new_v4();
        let mut odd = item(member, "kid@family.test");
        odd["planSponsorshipType"] = json!(7);
        let (status, body) = sync(&cloud, &token, &key, &[odd]).await?;
        assert_eq!(status, 200, "{name}: {body}");
        assert_eq!(body["sponsorshipsBatch"], json!([]));
        assert_eq!(
            body["skipped"],
            json!([{"sponsoringOrganizationUserId": member, "reason": "wrong_plan_tier"}])
        );
        // Names and addresses longer than an offer may have, or an address with a control
        // character, refuse the batch before anything is written or mailed.
        for (field, value, message) in [
            (
                "friendlyName",
                "f".repeat(257),
                "The field FriendlyName must be a string or array type with a maximum length of '256'.",
            ),
            (
                "offeredToEmail",
                format!("{}@family.test", "k".repeat(250)),
                "The field OfferedToEmail must be a string or array type with a maximum length of '256'.",
            ),
            (
                "offeredToEmail",
                "kid\u{0}@family.test".to_string(),
                "The OfferedToEmail field is not a supported e-mail address format.",
            ),
        ] {
            let mut bad = item(Uuid::new_v4(), "kid@family.test");
            bad[field] = json!(value);
            let (status, body) = sync(&cloud, &token, &key, &[bad]).await?;
            assert_eq!(status, 400, "{name}: {field} {body}");
            let field_name = format!("{}{}", field[..1].to_uppercase(), &field[1..]);
            assert_eq!(body["validationErrors"][&field_name][0], message, "{name}");
        }
        let rows = cloud
            .server
            .store()
            .expect("store")
            .sponsorships_of_organization(cloud.org_id.parse().expect("an id"))
            .await?;
        assert!(rows.is_empty(), "{name}: nothing written");

        let unknown = Cloud {
            org_id: Uuid::new_v4().to_string(),
            ..cloud
        };
        let (status, body) = sync(&unknown, &token, &key, &[]).await?;
        assert_eq!(
            (status, body["message"].clone()),
            (400, json!("Invalid organization"))
        );
        unknown.server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn a_batch_of_a_thousand() -> anyhow::Result<()> {
    for backend in backends() {
        let server = TestServer::cloud().backend(backend).start().await?;
        let cloud = cloud(server, 20).await?;
        let batch: Vec<Value> = (0..1000)
            .map(|i| item(Uuid::new_v4(), &format!("kid{i}@family.test")))
            .collect();
        let (status, body) = sync(&cloud, &cloud.token, &cloud.billing_sync_key, &batch).await?;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["sponsorshipsBatch"].as_array().map(Vec::len),
            Some(1000)
        );
        let store = cloud.server.store().context("store")?;
        assert_eq!(
            store
                .sponsorships_of_organization(cloud.org_id.parse().expect("an id"))
                .await?
                .len(),
            1000
        );
        cloud.server.stop().await?;
    }
    Ok(())
}

/// Two organizations on one cloud whose self-hosted servers name the same member id: each gets
/// its own row, and one's sync neither blocks nor touches the other's.
#[tokio::test]
async fn a_member_id_of_another_tenant_touches_nothing_of_it() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let server = TestServer::cloud().backend(backend).start().await?;
        let first = cloud(server, 20).await?;
        let (owner, session, _, org_id) =
            owner_with_org(&first.server, "other-owner@cloudsync.test", 20, 10).await?;
        let api_key: Value = session
            .post(
                &first.server,
                &format!("/api/organizations/{org_id}/api-key"),
                &json!({"type": 1, "masterPasswordHash": owner.master_password_hash}),
            )
            .await?
            .json()
            .await?;
        let other_key = api_key["apiKey"].as_str().context("token")?.to_string();
        let (key, token) = (first.billing_sync_key.clone(), first.token.clone());
        let member = Uuid::new_v4();
        let (status, body) = sync(&first, &token, &key, &[item(member, "kid@first.test")]).await?;
        assert_eq!(status, 200, "{name}: {body}");
        let second = Cloud {
            org_id: org_id.clone(),
            billing_sync_key: other_key.clone(),
            token: token.clone(),
            user_token: session.access_token.clone(),
            server: first.server,
        };
        // The same member id from the other tenant: its own row.
        let (status, body) = sync(
            &second,
            &token,
            &other_key,
            &[item(member, "kid@second.test")],
        )
        .await?;
        assert_eq!(status, 200, "{name}: {body}");
        assert_eq!(body["skipped"], json!([]), "{name}");
        let store = second.server.store().context("store")?.clone();
        let rows_of = |org: &str| {
            let store = store.clone();
            let org = org.parse().expect("an id");
            async move { store.sponsorships_of_organization(org).await }
        };
        let first_rows = rows_of(&first.org_id).await?;
        let second_rows = rows_of(&org_id).await?;
        assert_eq!(first_rows.len(), 1, "{name}");
        assert_eq!(second_rows.len(), 1, "{name}");
        assert_eq!(
            first_rows[0].offered_to_email.as_deref(),
            Some("kid@first.test")
        );
        // Ended by the other tenant: only its own row goes.
        let mut gone = item(member, "kid@second.test");
        gone["toDelete"] = json!(true);
        let (status, body) = sync(&second, &token, &other_key, &[gone]).await?;
        assert_eq!(status, 200, "{name}: {body}");
        assert!(rows_of(&org_id).await?.is_empty(), "{name}");
        let kept = rows_of(&first.org_id).await?;
        assert_eq!(kept.len(), 1, "{name}: the first tenant's row stays");
        assert!(!kept[0].to_delete, "{name}");
        second.server.stop().await?;
    }
    Ok(())
}
