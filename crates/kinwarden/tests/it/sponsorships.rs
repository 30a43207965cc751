//! A member of a self-hosted Enterprise organization offers a Families sponsorship (SPEC §5
//! step 6, reference §2.1–2.3): it awaits sync in their profile, a second offer and an offer to
//! oneself are refused, revoking an unsynced offer deletes it, and removing the member marks a
//! synced one to delete (SPEC §5 step 9).

use std::time::Duration;

use kinwarden_testkit::{ClientAccount, Kdf, SmtpSink, backends};
use serde_json::{Value, json};

use crate::organizations::link_param;
use crate::self_hosted_license::{pair_with_mail, self_hosted_owner, upload};
use crate::support::{Session, login, register};

async fn message(response: reqwest::Response) -> anyhow::Result<String> {
    let body: Value = response.json().await?;
    Ok(body["message"].as_str().unwrap_or_default().to_string())
}

/// The member's profile organization in `/api/sync`.
async fn profile_org(
    server: &kinwarden_testkit::TestServer,
    session: &Session,
    org_id: &str,
) -> anyhow::Result<Value> {
    let sync: Value = session.get(server, "/api/sync").await?.json().await?;
    sync["profile"]["organizations"]
        .as_array()
        .and_then(|orgs| orgs.iter().find(|o| o["id"] == org_id).cloned())
        .ok_or_else(|| anyhow::anyhow!("organization not in the profile: {sync}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_offers_revokes_and_leaves() -> anyhow::Result<()> {
    for backend in backends() {
        let sink = SmtpSink::start().await?;
        let pair = pair_with_mail(backend, 10, Some(&sink)).await?;
        let server = &pair.self_hosted;
        let (owner, owner_session, org) = self_hosted_owner(server).await?;
        let license = pair.download_license(&pair.installation_id).await?;
        let created = upload(
            server,
            &owner_session,
            "/api/organizations/licenses/self-hosted",
            &license,
            &owner,
            &org,
        )
        .await?;
        assert_eq!(created.status(), 200);
        let org_id = created.json::<Value>().await?["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();

        // Invite, accept and confirm a member.
        let invite = owner_session
            .post(
                server,
                &format!("/api/organizations/{org_id}/users/invite"),
                &json!({"emails": ["member@selfhost.test"], "type": 2, "collections": []}),
            )
            .await?;
        assert_eq!(invite.status(), 200, "{}", invite.text().await?);
        let mail = sink.next_message(Duration::from_secs(20)).await?;
        let body = mail.text_body().unwrap_or_default();
        let token = link_param(&body, "token").expect("token");
        let member_id = link_param(&body, "organizationUserId").expect("member id");
        let member = ClientAccount::new(
            "member@selfhost.test",
            "member password!",
            Kdf::DEFAULT_ITERATIONS,
        )?;
        register(server, &member).await?;
        let session = login(server, &member).await?;
        let accepted = session
            .post(
                server,
                &format!("/api/organizations/{org_id}/users/{member_id}/accept"),
                &json!({"token": token}),
            )
            .await?;
        assert_eq!(accepted.status(), 200);
        let offer_path =
            format!("/api/organization/sponsorship/self-hosted/{org_id}/families-for-enterprise");
        let offer = json!({"planSponsorshipType": 0, "sponsoredEmail": "family@home.test", "friendlyName": "family@home.test"});
        // Accepted, not yet confirmed.
        let early = session.post(server, &offer_path, &offer).await?;
        assert_eq!(early.status(), 400);
        assert_eq!(
            message(early).await?,
            "Only confirmed users can sponsor other organizations."
        );
        let user_id = session.user_id(server).await?;
        let public: Value = owner_session
            .get(server, &format!("/api/users/{user_id}/public-key"))
            .await?
            .json()
            .await?;
        let confirm = org.confirm_request(public["publicKey"].as_str().unwrap_or_default())?;
        let confirmed = owner_session
            .post(
                server,
                &format!("/api/organizations/{org_id}/users/{member_id}/confirm"),
                &confirm,
            )
            .await?;
        assert_eq!(confirmed.status(), 200);
        assert_eq!(
            profile_org(server, &session, &org_id).await?["familySponsorshipAvailable"],
            true
        );

        // Offering to oneself is refused.
        let own = json!({"planSponsorshipType": 0, "sponsoredEmail": "Member@SelfHost.test", "friendlyName": "me"});
        let refused = session.post(server, &offer_path, &own).await?;
        assert_eq!(refused.status(), 400);
        assert_eq!(
            message(refused).await?,
            "Cannot offer a Families Organization Sponsorship to yourself. Choose a different email."
        );

        // The offer: awaiting sync in the member's profile.
        let offered = session.post(server, &offer_path, &offer).await?;
        assert_eq!(offered.status(), 200, "{}", offered.text().await?);
        let view = profile_org(server, &session, &org_id).await?;
        assert_eq!(view["familySponsorshipFriendlyName"], "family@home.test");
        assert_eq!(view["familySponsorshipLastSyncDate"], Value::Null);
        assert_eq!(view["familySponsorshipAvailable"], false);
        assert_eq!(view["familySponsorshipToDelete"], false);

        // A second offer, once the first is redeemed, is refused with the reference's text.
        let store = server
            .store()
            .ok_or_else(|| anyhow::anyhow!("server store"))?;
        let mut row = store
            .sponsorship_of_member(
                org_id.parse().expect("an id"),
                member_id.parse().expect("an id"),
            )
            .await?
            .ok_or_else(|| anyhow::anyhow!("offer stored"))?;
        row.sponsored_organization_id = Some(org_id.parse().expect("an id"));
        store.save_sponsorship(&row).await?;
        let second = json!({"planSponsorshipType": 0, "sponsoredEmail": "other@home.test", "friendlyName": "other@home.test"});
        let refused = session.post(server, &offer_path, &second).await?;
        assert_eq!(refused.status(), 400);
        assert_eq!(
            message(refused).await?,
            "Can only sponsor one organization per Organization User."
        );
        row.sponsored_organization_id = None;
        store.save_sponsorship(&row).await?;

        // The owner sees no sync yet.
        let status: Value = owner_session
            .get(
                server,
                &format!("/api/organization/sponsorship/{org_id}/sync-status"),
            )
            .await?
            .json()
            .await?;
        assert_eq!(
            status,
            json!({"lastSyncDate": null, "object": "syncStatus"})
        );
        let not_owner = session
            .get(
                server,
                &format!("/api/organization/sponsorship/{org_id}/sync-status"),
            )
            .await?;
        assert_eq!(not_owner.status(), 404);

        // Revoking an unsynced offer deletes it; revoking again finds nothing.
        let revoke_path = format!("/api/organization/sponsorship/self-hosted/{org_id}");
        let revoked = session.delete(server, &revoke_path).await?;
        assert_eq!(revoked.status(), 200);
        assert_eq!(
            store
                .sponsorship_of_member(
                    org_id.parse().expect("an id"),
                    member_id.parse().expect("an id")
                )
                .await?,
            None
        );
        let again = session.delete(server, &revoke_path).await?;
        assert_eq!(again.status(), 400);
        assert_eq!(
            message(again).await?,
            "You are not currently sponsoring an organization."
        );

        // Offer again; the cloud acknowledges it (simulated); the member is removed: the
        // sponsorship stays, marked to delete, for the next sync to carry to the cloud.
        let offered = session.post(server, &offer_path, &offer).await?;
        assert_eq!(offered.status(), 200);
        let row = store
            .sponsorship_of_member(
                org_id.parse().expect("an id"),
                member_id.parse().expect("an id"),
            )
            .await?
            .ok_or_else(|| anyhow::anyhow!("offer stored"))?;
        store
            .set_sponsorship_synced(row.id, 1_800_000_000_000, None)
            .await?;
        let view = profile_org(server, &session, &org_id).await?;
        assert_eq!(
            view["familySponsorshipLastSyncDate"],
            "2027-01-15T08:00:00.000Z"
        );
        let status: Value = owner_session
            .get(
                server,
                &format!("/api/organization/sponsorship/{org_id}/sync-status"),
            )
            .await?
            .json()
            .await?;
        assert_eq!(status["lastSyncDate"], "2027-01-15T08:00:00.000Z");
        let removed = owner_session
            .delete(
                server,
                &format!("/api/organizations/{org_id}/users/{member_id}"),
            )
            .await?;
        assert_eq!(removed.status(), 200);
        let kept = store
            .sponsorships_of_organization(org_id.parse().expect("an id"))
            .await?
            .into_iter()
            .find(|s| s.id == row.id)
            .ok_or_else(|| anyhow::anyhow!("synced sponsorship kept"))?;
        assert!(kept.to_delete);

        pair.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn cloud_refuses_self_hosted_sponsorship_routes() -> anyhow::Result<()> {
    let server = kinwarden_testkit::TestServer::cloud().start().await?;
    let (_owner, session, _org, org_id) =
        crate::organizations::owner_with_org(&server, "owner@cloud.test", 20, 5).await?;
    let refused = session
        .post(
            &server,
            &format!("/api/organization/sponsorship/self-hosted/{org_id}/families-for-enterprise"),
            &json!({"sponsoredEmail": "family@home.test"}),
        )
        .await?;
    assert_eq!(refused.status(), 400);
    assert_eq!(message(refused).await?, "Only allowed when self hosted.");
    let refused = session
        .delete(
            &server,
            &format!("/api/organization/sponsorship/self-hosted/{org_id}"),
        )
        .await?;
    assert_eq!(message(refused).await?, "Only allowed when self hosted.");
    server.stop().await
}
