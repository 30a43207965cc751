//! Plans, the billing ledger, and the billing sync token through the real server, on every
//! backend: only owners of Teams and Enterprise organizations get a token, after the password;
//! the token is sealed at rest; rotation retires the old token at once.

use kinwarden_core::data_key::DataKey;
use kinwarden_testkit::{SmtpSink, TestServer, backends};
use serde_json::{Value, json};

use crate::organizations::owner_with_org;
use crate::support::confirmed_member;

fn data_key(server: &TestServer) -> anyhow::Result<DataKey> {
    let text = std::fs::read_to_string(server.bwdata.join("core").join("data.key"))?;
    Ok(DataKey::from_base64(&text)?)
}

async fn validate(server: &TestServer, org_id: &str, key: &str) -> anyhow::Result<bool> {
    let store = server.store().expect("in-process store");
    Ok(kinwarden_app::org_api_keys::validate_billing_sync_key(
        store,
        &data_key(server)?,
        org_id.parse()?,
        key,
    )
    .await?)
}

#[tokio::test]
async fn plans_are_listed_anonymously() -> anyhow::Result<()> {
    let server = TestServer::cloud().start().await?;
    let plans: Value = server.get("/api/plans").await?.json().await?;
    assert_eq!(plans["object"], "list");
    assert!(plans["continuationToken"].is_null());
    let data = plans["data"].as_array().expect("data");
    let types: Vec<i64> = data.iter().filter_map(|p| p["type"].as_i64()).collect();
    assert_eq!(types, vec![0, 22, 17, 18, 19, 20]);
    let by_type = |t: i64| data.iter().find(|p| p["type"] == t).expect("plan");
    let free = by_type(0);
    assert_eq!(free["productTier"], 0);
    assert_eq!(free["passwordManager"]["baseSeats"], 2);
    assert_eq!(free["passwordManager"]["hasAdditionalSeatsOption"], false);
    let families = by_type(22);
    assert_eq!(families["productTier"], 1);
    assert_eq!(families["isAnnual"], true);
    assert_eq!(families["passwordManager"]["maxSeats"], 6);
    let enterprise = by_type(19);
    assert_eq!(enterprise["productTier"], 3);
    assert_eq!(enterprise["isAnnual"], false);
    assert_eq!(enterprise["period"], "monthly");
    assert_eq!(enterprise["hasSso"], true);
    assert_eq!(enterprise["useSponsorships"], true);
    assert_eq!(enterprise["sponsoredPlan"]["planSponsorshipType"], 0);
    assert_eq!(enterprise["sponsoredPlan"]["sponsoredPlanType"], 22);
    assert_eq!(enterprise["object"], "plan");
    let teams = by_type(18);
    assert_eq!(teams["productTier"], 2);
    assert_eq!(teams["hasPolicies"], false);
    assert!(teams["sponsoredPlan"].is_null());
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn the_billing_sync_token_is_for_owners_after_the_password() -> anyhow::Result<()> {
    for backend in backends() {
        let sink = SmtpSink::start().await?;
        let server = TestServer::cloud()
            .backend(backend)
            .smtp(&sink)
            .start()
            .await?;
        let (owner, session, org, org_id) =
            owner_with_org(&server, "owner@bill.test", 20, 5).await?;
        let api_key = format!("/api/organizations/{org_id}/api-key");
        let information = format!("/api/organizations/{org_id}/api-key-information");

        // A wrong password: 400 after the delay, and no key is made.
        let wrong = session
            .post(
                &server,
                &api_key,
                &json!({"type": 1, "masterPasswordHash": "bm90IGl0"}),
            )
            .await?;
        assert_eq!(wrong.status(), 400);
        let error: Value = wrong.json().await?;
        assert_eq!(
            error["validationErrors"]["MasterPasswordHash"],
            json!(["Invalid password."])
        );
        let listed: Value = session.get(&server, &information).await?.json().await?;
        assert_eq!(
            listed["data"],
            json!([]),
            "a wrong password creates nothing"
        );

        // The right one: a 30-character token, the same on a second view.
        let right = json!({"type": 1, "masterPasswordHash": owner.master_password_hash});
        let response = session.post(&server, &api_key, &right).await?;
        assert_eq!(response.status(), 200);
        let first: Value = response.json().await?;
        assert_eq!(first["object"], "apiKey");
        let token = first["apiKey"].as_str().expect("token").to_string();
        assert_eq!(token.len(), 30);
        assert!(token.chars().all(|c| c.is_ascii_alphanumeric()));
        let again: Value = session
            .post(&server, &api_key, &right)
            .await?
            .json()
            .await?;
        assert_eq!(again["apiKey"], token.as_str(), "shown again, not remade");

        let listed: Value = session.get(&server, &information).await?.json().await?;
        assert_eq!(listed["object"], "list");
        assert_eq!(listed["data"][0]["keyType"], 1);
        assert_eq!(listed["data"][0]["object"], "keyInformation");
        assert_eq!(listed["data"][0]["revisionDate"], first["revisionDate"]);
        let typed: Value = session
            .get(&server, &format!("{information}/1"))
            .await?
            .json()
            .await?;
        assert_eq!(typed["data"].as_array().map(Vec::len), Some(1));
        let none: Value = session
            .get(&server, &format!("{information}/0"))
            .await?
            .json()
            .await?;
        assert_eq!(none["data"], json!([]));

        // At rest the token is sealed.
        let rows = server
            .store()
            .expect("store")
            .organization_api_keys(
                org_id.parse().expect("an id"),
                Some(kinwarden_core::api_keys::ApiKeyType::BillingSync),
            )
            .await?;
        assert_eq!(rows.len(), 1);
        assert!(!rows[0].api_key_encrypted.contains(&token));
        assert!(rows[0].api_key_encrypted.starts_with("1."));
        assert!(validate(&server, &org_id, &token).await?);
        assert!(!validate(&server, &org_id, &token.to_lowercase()).await?);
        assert!(!validate(&server, &org_id, "").await?);

        // Rotation: a new token; the old one fails at once.
        let rotated = session
            .post(
                &server,
                &format!("/api/organizations/{org_id}/rotate-api-key"),
                &right,
            )
            .await?;
        assert_eq!(rotated.status(), 200);
        let rotated: Value = rotated.json().await?;
        let new_token = rotated["apiKey"].as_str().expect("token").to_string();
        assert_eq!(new_token.len(), 30);
        assert_ne!(new_token, token);
        assert!(validate(&server, &org_id, &new_token).await?);
        assert!(!validate(&server, &org_id, &token).await?);
        let listed: Value = session.get(&server, &information).await?.json().await?;
        assert_eq!(listed["data"][0]["revisionDate"], rotated["revisionDate"]);

        // Admins and users of the organization learn nothing.
        let admin = confirmed_member(
            &server,
            &sink,
            &session,
            &org,
            &org_id,
            "admin@bill.test",
            1,
        )
        .await?;
        let user =
            confirmed_member(&server, &sink, &session, &org, &org_id, "user@bill.test", 2).await?;
        for member in [&admin, &user] {
            let refused = member
                .post(
                    &server,
                    &api_key,
                    &json!({"type": 1, "masterPasswordHash": "x"}),
                )
                .await?;
            assert_eq!(refused.status(), 404);
            let refused = member
                .post(
                    &server,
                    &format!("/api/organizations/{org_id}/rotate-api-key"),
                    &json!({"type": 1, "masterPasswordHash": "x"}),
                )
                .await?;
            assert_eq!(refused.status(), 404);
            assert_eq!(member.get(&server, &information).await?.status(), 404);
        }
        // The subscription is for owners and admins; seat changes for owners.
        let subscription = format!("/api/organizations/{org_id}/subscription");
        assert_eq!(admin.get(&server, &subscription).await?.status(), 200);
        assert_eq!(user.get(&server, &subscription).await?.status(), 404);
        let by_admin = admin
            .post(&server, &subscription, &json!({"seatAdjustment": 1}))
            .await?;
        assert_eq!(by_admin.status(), 404);
        server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn families_organizations_get_no_billing_sync_token() -> anyhow::Result<()> {
    for backend in backends() {
        let server = TestServer::cloud().backend(backend).start().await?;
        let (owner, session, _org, org_id) =
            owner_with_org(&server, "family@bill.test", 22, 0).await?;
        let refused = session
            .post(
                &server,
                &format!("/api/organizations/{org_id}/api-key"),
                &json!({"type": 1, "masterPasswordHash": owner.master_password_hash}),
            )
            .await?;
        assert_eq!(refused.status(), 404);
        assert!(
            server
                .store()
                .expect("store")
                .organization_api_keys(org_id.parse().expect("an id"), None)
                .await?
                .is_empty()
        );
        server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn the_subscription_starts_with_its_first_period_and_records_seat_changes()
-> anyhow::Result<()> {
    for backend in backends() {
        let server = TestServer::cloud().backend(backend).start().await?;
        let (_owner, session, _org, org_id) =
            owner_with_org(&server, "subs@bill.test", 19, 3).await?;
        let path = format!("/api/organizations/{org_id}/subscription");
        let shown: Value = session.get(&server, &path).await?.json().await?;
        assert_eq!(shown["object"], "organizationSubscription");
        assert_eq!(shown["planType"], 19);
        assert_eq!(shown["plan"]["name"], "Enterprise");
        assert_eq!(shown["seats"], 3);
        assert_eq!(shown["occupiedSeats"], 1);
        assert_eq!(shown["enabled"], true);
        assert_eq!(shown["subscription"]["status"], "active");
        let start = chrono::DateTime::parse_from_rfc3339(
            shown["subscription"]["periodStartDate"]
                .as_str()
                .expect("start"),
        )?;
        let end = chrono::DateTime::parse_from_rfc3339(
            shown["subscription"]["periodEndDate"]
                .as_str()
                .expect("end"),
        )?;
        let days = (end - start).num_days();
        assert!((28..=31).contains(&days), "a monthly period: {days} days");
        assert_eq!(shown["expiration"], shown["subscription"]["periodEndDate"]);
        let ledger = shown["ledger"].as_array().expect("ledger");
        assert_eq!(ledger.len(), 1);
        assert_eq!(ledger[0]["kind"], "initial");
        assert_eq!(ledger[0]["seats"], 3);
        assert_eq!(ledger[0]["planType"], 19);

        let more = session
            .post(&server, &path, &json!({"seatAdjustment": 2}))
            .await?;
        assert_eq!(more.status(), 200);
        let changed: Value = more.json().await?;
        assert_eq!(changed["seats"], 5);
        let ledger = changed["ledger"].as_array().expect("ledger");
        assert_eq!(ledger.len(), 2);
        assert_eq!(ledger[1]["kind"], "seatChange");
        assert_eq!(ledger[1]["seats"], 5);
        assert_eq!(ledger[1]["endDate"], shown["subscription"]["periodEndDate"]);
        assert_eq!(
            changed["subscription"]["periodStartDate"], shown["subscription"]["periodStartDate"],
            "a seat change keeps the period"
        );
        let org: Value = session
            .get(&server, &format!("/api/organizations/{org_id}"))
            .await?
            .json()
            .await?;
        assert_eq!(org["seats"], 5);

        // Below the one occupied seat, or on a plan without extra seats: refused, unrecorded.
        let none = session
            .post(&server, &path, &json!({"seatAdjustment": -5}))
            .await?;
        assert_eq!(none.status(), 400);
        let after: Value = session.get(&server, &path).await?.json().await?;
        assert_eq!(after["seats"], 5);
        assert_eq!(after["ledger"].as_array().map(Vec::len), Some(2));

        let (_, free_session, _, free_id) = owner_with_org(&server, "free@bill.test", 0, 0).await?;
        let free_path = format!("/api/organizations/{free_id}/subscription");
        let free: Value = free_session.get(&server, &free_path).await?.json().await?;
        assert!(free["subscription"]["periodEndDate"].is_null());
        assert!(free["expiration"].is_null());
        let refused = free_session
            .post(&server, &free_path, &json!({"seatAdjustment": 1}))
            .await?;
        assert_eq!(refused.status(), 400);
        let error: Value = refused.json().await?;
        assert_eq!(error["message"], "Plan does not allow additional seats.");
        server.stop().await?;
    }
    Ok(())
}
