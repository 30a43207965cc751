//! A member's collections and groups over the API, on both backends (reference: Bitwarden's
//! member routes): given with the invitation and reaching the member's `/api/sync` once they are
//! confirmed; read back with the member (`organizationUserDetails`) and in the list; replaced by
//! `PUT …/users/{id}` (absent lists left alone); ids of another organization, or no ids at all,
//! refused with a 400 and nothing written; a change to a collection the caller may not change
//! refused, and one they did not send kept. The same through the pages: `pages`.

pub(crate) mod pages;

use std::time::Duration;

use kinwarden_testkit::{ClientAccount, Kdf, OrganizationKeys, SmtpSink, TestServer, backends};
use serde_json::{Value, json};

use crate::groups::{answer, collection, member, member_id, selection};
use crate::organizations::{link_param, owner_with_org};
use crate::support::{Session, login, register};

const FOREIGN_COLLECTIONS: &str = "One or more collections do not belong to this organization.";
const FOREIGN_GROUPS: &str = "One or more groups do not belong to this organization.";
const NEEDS_MANAGE: &str = "You must have Can Manage permissions to edit a collection's membership";
const OWN_GROUPS: &str =
    "You cannot change your own groups while administrators do not manage all collections.";
/// Enterprise (annual): the plan with groups.
const ENTERPRISE: i32 = 20;

async fn group(
    server: &TestServer,
    owner: &Session,
    org_id: &str,
    name: &str,
) -> anyhow::Result<String> {
    let (status, made) = answer(
        owner
            .post(
                server,
                &format!("/api/organizations/{org_id}/groups"),
                &json!({"name": name}),
            )
            .await?,
    )
    .await?;
    anyhow::ensure!(status == 200, "group: {status} {made}");
    Ok(made["id"].as_str().unwrap_or_default().to_string())
}

/// Invites `email` with `invite` (the body's `emails` and `type` filled in), lets the new
/// account accept and confirms it: the member's session and member id.
async fn join(
    server: &TestServer,
    sink: &SmtpSink,
    owner: &Session,
    org: &OrganizationKeys,
    org_id: &str,
    email: &str,
    mut invite: Value,
) -> anyhow::Result<(Session, String)> {
    let account = ClientAccount::new(email, "member password!", Kdf::DEFAULT_ITERATIONS)?;
    register(server, &account).await?;
    let session = login(server, &account).await?;
    invite["emails"] = json!([email]);
    invite["type"] = json!(2);
    let (status, body) = answer(
        owner
            .post(
                server,
                &format!("/api/organizations/{org_id}/users/invite"),
                &invite,
            )
            .await?,
    )
    .await?;
    anyhow::ensure!(status == 200, "invite: {status} {body}");
    let mail = sink.next_message(Duration::from_secs(20)).await?;
    let text = mail.text_body().unwrap_or_default();
    let member = link_param(&text, "organizationUserId").unwrap_or_default();
    let token = link_param(&text, "token").unwrap_or_default();
    let accepted = session
        .post(
            server,
            &format!("/api/organizations/{org_id}/users/{member}/accept"),
            &json!({"token": token}),
        )
        .await?;
    anyhow::ensure!(accepted.status() == 200, "accept: {}", accepted.status());
    let user_id = session.user_id(server).await?;
    let public: Value = owner
        .get(server, &format!("/api/users/{user_id}/public-key"))
        .await?
        .json()
        .await?;
    let confirm = org.confirm_request(public["publicKey"].as_str().unwrap_or_default())?;
    let confirmed = owner
        .post(
            server,
            &format!("/api/organizations/{org_id}/users/{member}/confirm"),
            &confirm,
        )
        .await?;
    anyhow::ensure!(confirmed.status() == 200, "confirm: {}", confirmed.status());
    Ok((session, member))
}

/// A member as `GET …/users/{id}?includeGroups=true` answers it.
async fn read(
    server: &TestServer,
    owner: &Session,
    org_id: &str,
    id: &str,
) -> anyhow::Result<Value> {
    let (status, body) = answer(
        owner
            .get(
                server,
                &format!("/api/organizations/{org_id}/users/{id}?includeGroups=true"),
            )
            .await?,
    )
    .await?;
    anyhow::ensure!(status == 200, "read member: {status} {body}");
    Ok(body)
}

fn message(body: &Value) -> Option<&str> {
    body["message"].as_str()
}

#[tokio::test]
async fn an_invitation_gives_collections_and_groups_that_reach_the_members_sync()
-> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let sink = SmtpSink::start().await?;
        let server = TestServer::cloud()
            .backend(backend)
            .smtp(&sink)
            .start()
            .await?;
        let (_, owner, org, org_id) =
            owner_with_org(&server, "owner@acme.test", ENTERPRISE, 10).await?;
        let me = member_id(&server, &owner, &org_id, "owner@acme.test").await?;
        let shared = collection(&server, &owner, &org_id, &me).await?;
        let other = collection(&server, &owner, &org_id, &me).await?;
        let team = group(&server, &owner, &org_id, "Team").await?;
        let invite = json!({
            "collections": [selection(&shared, true, false, false)],
            "groups": [team],
        });
        let (ann, ann_id) = join(
            &server,
            &sink,
            &owner,
            &org,
            &org_id,
            "ann@acme.test",
            invite,
        )
        .await?;

        // The member's client sees the collection as "assigned to me", read-only.
        let sync: Value = ann.get(&server, "/api/sync").await?.json().await?;
        let collections = sync["collections"].as_array().cloned().unwrap_or_default();
        assert_eq!(collections.len(), 1, "{name}: {sync}");
        assert_eq!(collections[0]["id"], shared.as_str(), "{name}");
        assert_eq!(collections[0]["object"], "collectionDetails", "{name}");
        assert_eq!(collections[0]["readOnly"], true, "{name}");

        // Read back with the member and in the list.
        let one = read(&server, &owner, &org_id, &ann_id).await?;
        assert_eq!(one["object"], "organizationUserDetails", "{name}");
        assert_eq!(
            one["collections"],
            json!([selection(&shared, true, false, false)]),
            "{name}"
        );
        assert_eq!(one["groups"], json!([team]), "{name}");
        let list: Value = owner
            .get(&server, &format!("/api/organizations/{org_id}/users"))
            .await?
            .json()
            .await?;
        let listed = list["data"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| m["id"] == ann_id.as_str())
            .cloned()
            .unwrap_or_default();
        assert_eq!(listed["object"], "organizationUserUserDetails", "{name}");
        assert_eq!(listed["collections"], one["collections"], "{name}");
        assert_eq!(listed["groups"], json!([team]), "{name}");
        let owner_row = list["data"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| m["id"] == me.as_str())
            .cloned()
            .unwrap_or_default();
        // The organization's default collection and the two made here, each managed.
        assert_eq!(
            owner_row["collections"].as_array().map(Vec::len),
            Some(3),
            "{name}"
        );

        // PUT replaces both; the member's next sync follows.
        let path = format!("/api/organizations/{org_id}/users/{ann_id}");
        let (status, body) = answer(
            owner
                .put(
                    &server,
                    &path,
                    &json!({"type": 2, "collections": [selection(&other, false, false, true)],
                        "groups": []}),
                )
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}: {body}");
        let one = read(&server, &owner, &org_id, &ann_id).await?;
        assert_eq!(
            one["collections"],
            json!([selection(&other, false, false, true)]),
            "{name}"
        );
        assert_eq!(one["groups"], json!([]), "{name}");
        let sync: Value = ann.get(&server, "/api/sync").await?.json().await?;
        assert_eq!(sync["collections"][0]["id"], other.as_str(), "{name}");
        assert_eq!(sync["collections"][0]["manage"], true, "{name}");
        assert_eq!(
            sync["collections"].as_array().map(Vec::len),
            Some(1),
            "{name}"
        );

        // Absent (or null) lists are left as they are; the role still changes.
        let (status, _) = answer(
            owner
                .put(&server, &path, &json!({"type": 1, "groups": null}))
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}");
        let after = read(&server, &owner, &org_id, &ann_id).await?;
        assert_eq!(after["type"], 1, "{name}");
        assert_eq!(after["collections"], one["collections"], "{name}");
        assert_eq!(after["groups"], json!([]), "{name}");
        server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn ids_of_another_organization_are_refused_and_nothing_changes() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let sink = SmtpSink::start().await?;
        let server = TestServer::cloud()
            .backend(backend)
            .smtp(&sink)
            .start()
            .await?;
        let (_, owner, org, org_id) =
            owner_with_org(&server, "owner@acme.test", ENTERPRISE, 10).await?;
        let (_, other_owner, _, other_org) =
            owner_with_org(&server, "owner@other.test", ENTERPRISE, 5).await?;
        let me = member_id(&server, &owner, &org_id, "owner@acme.test").await?;
        let them = member_id(&server, &other_owner, &other_org, "owner@other.test").await?;
        let mine = collection(&server, &owner, &org_id, &me).await?;
        let theirs = collection(&server, &other_owner, &other_org, &them).await?;
        let my_group = group(&server, &owner, &org_id, "Mine").await?;
        let their_group = group(&server, &other_owner, &other_org, "Theirs").await?;
        let invite_path = format!("/api/organizations/{org_id}/users/invite");

        // An invitation naming another organization's collection or group invites nobody.
        for (body, refusal) in [
            (
                json!({"emails": ["bo@acme.test"], "type": 2,
                    "collections": [selection(&theirs, false, false, false)]}),
                FOREIGN_COLLECTIONS,
            ),
            (
                json!({"emails": ["bo@acme.test"], "type": 2,
                    "collections": [selection("not-an-id", false, false, false)]}),
                FOREIGN_COLLECTIONS,
            ),
            (
                json!({"emails": ["bo@acme.test"], "type": 2,
                    "collections": [selection(&mine, false, false, false)],
                    "groups": [their_group]}),
                FOREIGN_GROUPS,
            ),
            (
                json!({"emails": ["bo@acme.test"], "type": 2, "groups": ["nope"]}),
                FOREIGN_GROUPS,
            ),
        ] {
            let (status, error) = answer(owner.post(&server, &invite_path, &body).await?).await?;
            assert_eq!(
                (status, message(&error)),
                (400, Some(refusal)),
                "{name}: {body}"
            );
        }
        let list: Value = owner
            .get(&server, &format!("/api/organizations/{org_id}/users"))
            .await?
            .json()
            .await?;
        assert_eq!(
            list["data"].as_array().map(Vec::len),
            Some(1),
            "{name}: {list}"
        );

        // A PUT with one bad id changes neither the role nor the other list.
        let (_, ann_id) = join(
            &server,
            &sink,
            &owner,
            &org,
            &org_id,
            "ann@acme.test",
            json!({"collections": [selection(&mine, true, false, false)], "groups": [my_group]}),
        )
        .await?;
        let before = read(&server, &owner, &org_id, &ann_id).await?;
        let path = format!("/api/organizations/{org_id}/users/{ann_id}");
        for (body, refusal) in [
            (
                json!({"type": 1, "collections": [selection(&theirs, false, false, true)]}),
                FOREIGN_COLLECTIONS,
            ),
            (
                json!({"type": 1, "collections": [], "groups": [their_group]}),
                FOREIGN_GROUPS,
            ),
        ] {
            let (status, error) = answer(owner.put(&server, &path, &body).await?).await?;
            assert_eq!(
                (status, message(&error)),
                (400, Some(refusal)),
                "{name}: {body}"
            );
            assert_eq!(
                read(&server, &owner, &org_id, &ann_id).await?,
                before,
                "{name}"
            );
        }
        // Groups of the wrong shape are a bad body.
        let (status, _) = answer(
            owner
                .put(
                    &server,
                    &path,
                    &json!({"type": 2, "groups": [{"id": my_group}]}),
                )
                .await?,
        )
        .await?;
        assert_eq!(status, 400, "{name}");
        assert_eq!(
            read(&server, &owner, &org_id, &ann_id).await?,
            before,
            "{name}"
        );
        server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn only_those_who_may_change_a_collection_change_its_members() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let sink = SmtpSink::start().await?;
        let server = TestServer::cloud()
            .backend(backend)
            .smtp(&sink)
            .start()
            .await?;
        let (_, owner, org, org_id) =
            owner_with_org(&server, "owner@acme.test", ENTERPRISE, 10).await?;
        let me = member_id(&server, &owner, &org_id, "owner@acme.test").await?;
        let shared = collection(&server, &owner, &org_id, &me).await?;
        let (users_manager, _) = member(
            &server,
            &sink,
            &owner,
            &org,
            &org_id,
            "people@acme.test",
            Some(json!({"manageUsers": true})),
        )
        .await?;
        let (_, ann_id) = join(
            &server,
            &sink,
            &owner,
            &org,
            &org_id,
            "ann@acme.test",
            json!({"collections": [selection(&shared, true, false, false)]}),
        )
        .await?;
        let path = format!("/api/organizations/{org_id}/users/{ann_id}");
        let before = read(&server, &owner, &org_id, &ann_id).await?;

        // Managing users is not managing the collection: a change to it is refused…
        let (status, error) = answer(
            users_manager
                .put(
                    &server,
                    &path,
                    &json!({"type": 2, "collections": [selection(&shared, false, false, true)]}),
                )
                .await?,
        )
        .await?;
        assert_eq!(
            (status, message(&error)),
            (400, Some(NEEDS_MANAGE)),
            "{name}"
        );
        // …while leaving it out keeps it, as the reference's clients send only what the caller
        // may change.
        let (status, _) = answer(
            users_manager
                .put(&server, &path, &json!({"type": 2, "collections": []}))
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}");
        assert_eq!(
            read(&server, &owner, &org_id, &ann_id).await?,
            before,
            "{name}"
        );
        // Once admins reach every collection, managing users is enough.
        let settings = owner
            .put(
                &server,
                &format!("/api/organizations/{org_id}/collection-management"),
                &json!({"allowAdminAccessToAllCollectionItems": true}),
            )
            .await?;
        assert_eq!(settings.status(), 200, "{name}");
        let (status, body) = answer(
            users_manager
                .put(&server, &path, &json!({"type": 2, "collections": []}))
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}: {body}");
        let after = read(&server, &owner, &org_id, &ann_id).await?;
        assert_eq!(after["collections"], json!([]), "{name}");

        // Nobody changes their own groups while admins do not reach every collection.
        let team = group(&server, &owner, &org_id, "Team").await?;
        let settings = owner
            .put(
                &server,
                &format!("/api/organizations/{org_id}/collection-management"),
                &json!({"allowAdminAccessToAllCollectionItems": false}),
            )
            .await?;
        assert_eq!(settings.status(), 200, "{name}");
        let own = format!("/api/organizations/{org_id}/users/{me}");
        let (status, error) = answer(
            owner
                .put(&server, &own, &json!({"type": 0, "groups": [team]}))
                .await?,
        )
        .await?;
        assert_eq!((status, message(&error)), (400, Some(OWN_GROUPS)), "{name}");
        assert_eq!(
            read(&server, &owner, &org_id, &me).await?["groups"],
            json!([])
        );
        server.stop().await?;
    }
    Ok(())
}
