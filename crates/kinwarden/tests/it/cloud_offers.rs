//! A member's offer made on a cloud (reference §4.1 C2, C3, C6, C8, C9): mailed at once, sent
//! again on request, revoked by its sponsor (an unredeemed one goes at once), and, once redeemed,
//! ended from either side by a mark to delete.

use std::time::Duration;

use anyhow::Context;
use kinwarden_testkit::{ClientAccount, Kdf, OrganizationKeys, SmtpSink, TestServer, backends};
use serde_json::{Value, json};

use crate::organizations::{link_param, owner_with_org};
use crate::support::{is_sponsorship_offer, login, register};

const OFFER: &str = "Accept your Sponsored Families Plan";

async fn message(response: reqwest::Response) -> anyhow::Result<String> {
    let body: Value = response.json().await?;
    Ok(body["message"].as_str().unwrap_or_default().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offers_on_the_cloud_are_mailed_resent_revoked_and_removed() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let sink = SmtpSink::start().await?;
        let cloud = TestServer::cloud()
            .backend(backend)
            .smtp(&sink)
            .start()
            .await?;
        let (_owner, session, _keys, org_id) =
            owner_with_org(&cloud, "owner@acme.test", 20, 5).await?;
        let offer_path = format!("/api/organization/sponsorship/{org_id}/families-for-enterprise");

        let own = session
            .post(&cloud, &offer_path, &json!({"planSponsorshipType": 0, "sponsoredEmail": "owner@acme.test", "friendlyName": "me"}))
            .await?;
        assert_eq!(own.status(), 400, "{name}");
        assert!(message(own).await?.contains("to yourself"));

        let made = session
            .post(&cloud, &offer_path, &json!({"planSponsorshipType": 0, "sponsoredEmail": "kid@family.test", "friendlyName": "Kid"}))
            .await?;
        assert_eq!(made.status(), 200, "{name}");
        let mail = sink.next_message(Duration::from_secs(20)).await?;
        assert_eq!(mail.rcpt_to, ["kid@family.test"], "{name}");
        assert_eq!(mail.subject().as_deref(), Some(OFFER));

        // The same friendly name again: the offer is mailed again, not doubled.
        let again = session
            .post(&cloud, &offer_path, &json!({"planSponsorshipType": 0, "sponsoredEmail": "kid@family.test", "friendlyName": "Kid"}))
            .await?;
        assert_eq!(again.status(), 200, "{name}");
        sink.next_message(Duration::from_secs(20)).await?;
        let store = cloud.store().context("store")?;
        assert_eq!(
            store
                .sponsorships_of_organization(org_id.parse().expect("an id"))
                .await?
                .len(),
            1,
            "{name}"
        );

        // Resend by friendly name (any case); an unknown name sends nothing and is no error.
        let resent = session
            .post(
                &cloud,
                &format!("{offer_path}/resend?sponsoredFriendlyName=kid"),
                &json!({}),
            )
            .await?;
        assert_eq!(resent.status(), 200, "{name}");
        let resent_mail = sink.next_message(Duration::from_secs(20)).await?;
        let token = link_param(&resent_mail.text_body().context("text")?, "token")
            .context("a token in the link")?;
        let unknown = session
            .post(
                &cloud,
                &format!("{offer_path}/resend?sponsoredFriendlyName=nobody"),
                &json!({}),
            )
            .await?;
        assert_eq!(unknown.status(), 200, "{name}");
        let offers = store
            .list_mail()
            .await?
            .iter()
            .filter(|mail| is_sponsorship_offer(mail))
            .count();
        assert_eq!(offers, 3, "{name}: made, made again, resent");

        // The recipient redeems onto a Families organization of their own.
        let (family_session, families) =
            redeem_as_family(&cloud, "kid@family.test", &token).await?;

        // Only the Families organization's owner may remove it; then it is marked to delete.
        let not_owner = session
            .delete(
                &cloud,
                &format!("/api/organization/sponsorship/sponsored/{families}"),
            )
            .await?;
        assert_eq!(not_owner.status(), 400, "{name}");
        assert_eq!(
            message(not_owner).await?,
            "Only the owner of an organization can remove sponsorship."
        );
        let removed = family_session
            .delete(
                &cloud,
                &format!("/api/organization/sponsorship/sponsored/{families}"),
            )
            .await?;
        assert_eq!(removed.status(), 200, "{name}");
        let row = store
            .sponsorship_of_sponsored(families.parse().expect("an id"))
            .await?
            .context("kept until its end")?;
        assert!(row.to_delete, "{name}");

        // The sponsor revokes their own: it was redeemed, so it stays, marked.
        let revoked = session
            .delete(&cloud, &format!("/api/organization/sponsorship/{org_id}"))
            .await?;
        assert_eq!(revoked.status(), 200, "{name}");
        assert!(
            store
                .sponsorship_of_sponsored(families.parse().expect("an id"))
                .await?
                .is_some()
        );
        // A second offer, unredeemed, revoked by friendly name by the owner: gone at once.
        store.delete_sponsorship(row.id).await?;
        let made = session
            .post(&cloud, &offer_path, &json!({"planSponsorshipType": 0, "sponsoredEmail": "other@family.test", "friendlyName": "Other"}))
            .await?;
        assert_eq!(made.status(), 200, "{name}");
        let by_name = session
            .delete(
                &cloud,
                &format!("/api/organization/sponsorship/{org_id}/other/revoke"),
            )
            .await?;
        assert_eq!(by_name.status(), 200, "{name}");
        assert!(
            store
                .sponsorships_of_organization(org_id.parse().expect("an id"))
                .await?
                .is_empty(),
            "{name}"
        );
        let nothing = session
            .delete(&cloud, &format!("/api/organization/sponsorship/{org_id}"))
            .await?;
        assert_eq!(nothing.status(), 400, "{name}");
        assert_eq!(
            message(nothing).await?,
            "You are not currently sponsoring an organization."
        );
        cloud.stop().await?;
    }
    Ok(())
}

/// `email` registers, makes a Families organization of its own and redeems the offer `token`
/// onto it; answers the session and the Families organization's id.
async fn redeem_as_family(
    cloud: &TestServer,
    email: &str,
    token: &str,
) -> anyhow::Result<(crate::support::Session, String)> {
    let family = ClientAccount::new(email, "family password!", Kdf::DEFAULT_ITERATIONS)?;
    register(cloud, &family).await?;
    let session = login(cloud, &family).await?;
    let keys = OrganizationKeys::generate()?;
    let mut body = keys.create_request(&family, "Kid's family", email)?;
    body["planType"] = json!(22);
    body["additionalSeats"] = json!(0);
    let created: Value = session
        .post(cloud, "/api/organizations", &body)
        .await?
        .json()
        .await?;
    let families = created["id"].as_str().context("families org")?.to_string();
    let redeemed = session
        .post(
            cloud,
            &format!("/api/organization/sponsorship/redeem?sponsorshipToken={token}"),
            &json!({"planSponsorshipType": 0, "sponsoredOrganizationId": families}),
        )
        .await?;
    anyhow::ensure!(redeemed.status() == 200, "redeem: {}", redeemed.status());
    Ok((session, families))
}

#[tokio::test]
async fn a_self_hosted_server_refuses_the_cloud_offer_routes() -> anyhow::Result<()> {
    let server = TestServer::self_hosted().start().await?;
    let account = ClientAccount::new(
        "member@selfhost.test",
        "member password!",
        Kdf::DEFAULT_ITERATIONS,
    )?;
    register(&server, &account).await?;
    let session = login(&server, &account).await?;
    let org = uuid::Uuid::new_v4();
    for path in [
        format!("/api/organization/sponsorship/{org}/families-for-enterprise"),
        format!("/api/organization/sponsorship/{org}/delete"),
        format!("/api/organization/sponsorship/sponsored/{org}/remove"),
    ] {
        let answer = session
            .post(
                &server,
                &path,
                &json!({"planSponsorshipType": 0, "sponsoredEmail": "kid@family.test"}),
            )
            .await?;
        assert_eq!(answer.status(), 400, "{path}");
        assert_eq!(
            message(answer).await?,
            "Only allowed when not self hosted.",
            "{path}"
        );
    }
    server.stop().await?;
    Ok(())
}

/// C12: the offers made on the organization's behalf, for someone who manages its users; 401
/// for a member who may not or someone who is no member, 404 for no organization, the
/// reference's 400 on a self-hosted server.
#[tokio::test]
async fn the_sponsored_list_is_for_those_who_manage_users() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let sink = SmtpSink::start().await?;
        let cloud = TestServer::cloud()
            .backend(backend.clone())
            .smtp(&sink)
            .start()
            .await?;
        let (_, owner, keys, org_id) = owner_with_org(&cloud, "owner@list.test", 20, 5).await?;
        let path = format!("/api/organization/sponsorship/{org_id}/sponsored");
        let listed = owner.get(&cloud, &path).await?;
        assert_eq!(listed.status(), 200, "{name}");
        let body: Value = listed.json().await?;
        assert_eq!(body["object"], "list", "{name}");
        assert_eq!(body["data"], json!([]), "{name}");

        let member = crate::support::confirmed_member(
            &cloud,
            &sink,
            &owner,
            &keys,
            &org_id,
            "user@list.test",
            2,
        )
        .await?;
        assert_eq!(
            member.get(&cloud, &path).await?.status(),
            401,
            "{name}: a user"
        );
        let stranger = ClientAccount::new(
            "stranger@list.test",
            "strange password",
            Kdf::DEFAULT_ITERATIONS,
        )?;
        register(&cloud, &stranger).await?;
        let stranger = login(&cloud, &stranger).await?;
        assert_eq!(
            stranger.get(&cloud, &path).await?.status(),
            401,
            "{name}: no member"
        );
        let anonymous = cloud.client.get(cloud.at(&path)).send().await?;
        assert_eq!(anonymous.status(), 401, "{name}: no token");
        let nowhere = format!(
            "/api/organization/sponsorship/{}/sponsored",
            uuid::Uuid::new_v4()
        );
        assert_eq!(owner.get(&cloud, &nowhere).await?.status(), 404, "{name}");
        cloud.stop().await?;

        let self_hosted = TestServer::self_hosted().backend(backend).start().await?;
        let account = ClientAccount::new(
            "owner@list.test",
            "owner password!",
            Kdf::DEFAULT_ITERATIONS,
        )?;
        register(&self_hosted, &account).await?;
        let session = login(&self_hosted, &account).await?;
        let refused = session.get(&self_hosted, &path).await?;
        assert_eq!(refused.status(), 400, "{name}");
        assert_eq!(
            message(refused).await?,
            "Only allowed when not self hosted."
        );
        self_hosted.stop().await?;
    }
    Ok(())
}

/// A member whose offer made on the cloud was redeemed is removed from the organization: the
/// sponsorship is not deleted but marked to delete, so the validation job ends it at its period
/// end (the Families organization stays sponsored until then, and is not sponsored for free).
#[tokio::test]
async fn removing_a_member_marks_their_redeemed_sponsorship() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let sink = SmtpSink::start().await?;
        let cloud = TestServer::cloud()
            .backend(backend)
            .smtp(&sink)
            .start()
            .await?;
        let store = cloud.store().context("store")?.clone();
        let (_, owner, keys, org_id) = owner_with_org(&cloud, "owner@remove.test", 20, 5).await?;
        let member = crate::support::confirmed_member(
            &cloud,
            &sink,
            &owner,
            &keys,
            &org_id,
            "member@remove.test",
            2,
        )
        .await?;
        let offered = member
            .post(
                &cloud,
                &format!("/api/organization/sponsorship/{org_id}/families-for-enterprise"),
                &json!({"planSponsorshipType": 0, "sponsoredEmail": "kid@remove.test", "friendlyName": "kid"}),
            )
            .await?;
        assert_eq!(offered.status(), 200, "{name}");
        let mail = loop {
            let mail = sink.next_message(Duration::from_secs(20)).await?;
            if mail.to().as_deref() == Some("kid@remove.test") {
                break mail;
            }
        };
        let token = link_param(&mail.text_body().context("text")?, "token").context("token")?;
        let (family_session, families) =
            redeem_as_family(&cloud, "kid@remove.test", &token).await?;

        let members: Value = owner
            .get(&cloud, &format!("/api/organizations/{org_id}/users"))
            .await?
            .json()
            .await?;
        let member_id = members["data"]
            .as_array()
            .and_then(|all| {
                all.iter()
                    .find(|m| m["email"] == "member@remove.test")
                    .and_then(|m| m["id"].as_str())
            })
            .context("the member")?
            .to_string();
        let removed = owner
            .delete(
                &cloud,
                &format!("/api/organizations/{org_id}/users/{member_id}"),
            )
            .await?;
        assert_eq!(removed.status(), 200, "{name}");
        let row = store
            .sponsorship_of_sponsored(families.parse().expect("an id"))
            .await?
            .context("the redeemed sponsorship is kept until its end")?;
        assert!(row.to_delete, "{name}: marked to delete");
        let families_org: Value = family_session
            .get(&cloud, &format!("/api/organizations/{families}"))
            .await?
            .json()
            .await?;
        assert_eq!(
            families_org["enabled"], true,
            "{name}: sponsored until its end"
        );
        cloud.stop().await?;
    }
    Ok(())
}
