//! An organization's items over HTTP, on both backends (issue 18 acceptance 3 and the visibility
//! rules): a member reaches an item through their own assignment or a group's, with the rights
//! the assignment gives; the access goes with their removal from the group; an unassigned owner,
//! another organization's member and a stranger see nothing of it; revision dates move for the
//! members a change concerns; admins work on unassigned items and purge with the password.

use kinwarden_testkit::{SmtpSink, TestServer, backends};
use serde_json::{Value, json};

use crate::groups::{answer, collection, member, member_id, selection};
use crate::organizations::owner_with_org;
use crate::support::Session;

const ENC: &str = "2.aXZpdml2aXZpdml2aQ==|Y3RjdGN0|bWFjbWFjbWFj";
const NO_EDIT: &str = "You do not have permissions to edit this.";

async fn revision_date(server: &TestServer, session: &Session) -> anyhow::Result<i64> {
    Ok(session
        .get(server, "/api/accounts/revision-date")
        .await?
        .json()
        .await?)
}

/// The ids of the items and collections the session's sync carries.
async fn synced(
    server: &TestServer,
    session: &Session,
) -> anyhow::Result<(Vec<Value>, Vec<Value>)> {
    let sync: Value = session.get(server, "/api/sync").await?.json().await?;
    let list = |key: &str| sync[key].as_array().cloned().unwrap_or_default();
    Ok((list("ciphers"), list("collections")))
}

fn login_in(org_id: &str) -> Value {
    json!({"type": 1, "name": ENC, "organizationId": org_id,
        "login": {"username": ENC, "password": ENC, "uris": []}})
}

#[tokio::test]
async fn access_through_a_group_reaches_its_members_and_goes_with_them() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let sink = SmtpSink::start().await?;
        let server = TestServer::cloud()
            .backend(backend)
            .smtp(&sink)
            .start()
            .await?;
        let (_, owner, org, org_id) = owner_with_org(&server, "owner@acme.test", 20, 10).await?;
        let me = member_id(&server, &owner, &org_id, "owner@acme.test").await?;
        let (ann, ann_id) =
            member(&server, &sink, &owner, &org, &org_id, "ann@acme.test", None).await?;
        let (bo, bo_id) =
            member(&server, &sink, &owner, &org, &org_id, "bo@acme.test", None).await?;
        let (_, stranger_owner, _, _) = owner_with_org(&server, "owner@other.test", 20, 5).await?;
        let shared = collection(&server, &owner, &org_id, &me).await?;

        // The owner's item in the collection.
        let (status, item) = answer(
            owner
                .post(
                    &server,
                    "/api/ciphers/create",
                    &json!({"cipher": login_in(&org_id), "collectionIds": [shared]}),
                )
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}: {item}");
        let item_id = item["id"].as_str().unwrap_or_default().to_string();
        assert_eq!(item["organizationId"], org_id.as_str(), "{name}");
        assert_eq!(item["edit"], true, "{name}: {item}");

        // Not yet assigned: Ann sees nothing, and the item answers 404.
        let (ciphers, collections) = synced(&server, &ann).await?;
        assert!(ciphers.is_empty() && collections.is_empty(), "{name}");
        let (status, _) =
            answer(ann.get(&server, &format!("/api/ciphers/{item_id}")).await?).await?;
        assert_eq!(status, 404, "{name}");

        // A group with Ann and Bo reaches the collection read-only with hidden passwords.
        let before = revision_date(&server, &ann).await?;
        let (status, group) = answer(
            owner
                .post(
                    &server,
                    &format!("/api/organizations/{org_id}/groups"),
                    &json!({"name": "Staff", "users": [ann_id, bo_id],
                        "collections": [selection(&shared, true, true, false)]}),
                )
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}: {group}");
        let group_id = group["id"].as_str().unwrap_or_default().to_string();
        assert!(
            revision_date(&server, &ann).await? > before,
            "{name}: Ann's date moved"
        );
        let (ciphers, collections) = synced(&server, &ann).await?;
        assert_eq!(ciphers.len(), 1, "{name}: {ciphers:?}");
        assert_eq!(ciphers[0]["id"], item_id.as_str());
        assert_eq!(ciphers[0]["edit"], false, "{name}");
        assert_eq!(ciphers[0]["viewPassword"], false, "{name}");
        assert_eq!(ciphers[0]["collectionIds"], json!([shared]), "{name}");
        assert_eq!(
            ciphers[0]["permissions"],
            json!({"delete": false, "restore": false}),
            "{name}"
        );
        assert_eq!(collections.len(), 1, "{name}");
        assert_eq!(collections[0]["object"], "collectionDetails", "{name}");
        assert_eq!(collections[0]["readOnly"], true, "{name}");
        assert_eq!(collections[0]["hidePasswords"], true, "{name}");

        // Read-only: an edit and a delete are refused and change nothing.
        let mut edit = login_in(&org_id);
        edit["name"] = json!("2.Y2hhbmdlZGNoYW5nZQ==|Y3RjdGN0|bWFjbWFjbWFj");
        let (status, body) = answer(
            ann.put(&server, &format!("/api/ciphers/{item_id}"), &edit)
                .await?,
        )
        .await?;
        assert_eq!(
            (status, body["message"].as_str()),
            (400, Some(NO_EDIT)),
            "{name}"
        );
        let (status, _) = answer(
            ann.put(
                &server,
                &format!("/api/ciphers/{item_id}/delete"),
                &json!({}),
            )
            .await?,
        )
        .await?;
        assert_eq!(status, 400, "{name}");
        let (_, seen) = answer(
            owner
                .get(&server, &format!("/api/ciphers/{item_id}"))
                .await?,
        )
        .await?;
        assert_eq!(seen["name"], ENC, "{name}");
        assert_eq!(seen["deletedDate"], Value::Null, "{name}");

        // Bo's own assignment replaces what the group gives him: he may edit.
        let (status, _) = answer(
            owner
                .put(
                    &server,
                    &format!("/api/organizations/{org_id}/collections/{shared}"),
                    &json!({"name": ENC, "users": [selection(&me, false, false, true),
                        selection(&bo_id, false, false, false)]}),
                )
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}");
        let (status, edited) = answer(
            bo.put(&server, &format!("/api/ciphers/{item_id}"), &edit)
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}: {edited}");
        assert_eq!(edited["viewPassword"], true, "{name}");

        // Out of the group, Ann loses the item at once; her revision date says so.
        let before = revision_date(&server, &ann).await?;
        let removed = owner
            .delete(
                &server,
                &format!("/api/organizations/{org_id}/groups/{group_id}/user/{ann_id}"),
            )
            .await?;
        assert_eq!(removed.status(), 200, "{name}");
        assert!(revision_date(&server, &ann).await? > before, "{name}");
        let (ciphers, collections) = synced(&server, &ann).await?;
        assert!(
            ciphers.is_empty() && collections.is_empty(),
            "{name}: {ciphers:?}"
        );
        let (status, _) =
            answer(ann.get(&server, &format!("/api/ciphers/{item_id}")).await?).await?;
        assert_eq!(status, 404, "{name}");

        // Another organization's owner reaches nothing, even with the ids.
        for path in [
            format!("/api/ciphers/{item_id}"),
            format!("/api/organizations/{org_id}/collections/{shared}"),
            format!("/api/organizations/{org_id}/export"),
            format!("/api/ciphers/organization-details?organizationId={org_id}"),
        ] {
            let (status, _) = answer(stranger_owner.get(&server, &path).await?).await?;
            assert_eq!(status, 404, "{name}: {path}");
        }
        server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn the_admin_view_and_the_export_follow_the_roles() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let sink = SmtpSink::start().await?;
        let server = TestServer::cloud()
            .backend(backend)
            .smtp(&sink)
            .start()
            .await?;
        let (_, owner, org, org_id) = owner_with_org(&server, "owner@acme.test", 20, 10).await?;
        let me = member_id(&server, &owner, &org_id, "owner@acme.test").await?;
        let (ann, ann_id) =
            member(&server, &sink, &owner, &org, &org_id, "ann@acme.test", None).await?;
        let managed = collection(&server, &owner, &org_id, &me).await?;
        let other = collection(&server, &owner, &org_id, &me).await?;
        // Ann manages one collection: her export holds it and its item, not the other.
        let (status, _) = answer(
            owner
                .put(
                    &server,
                    &format!("/api/organizations/{org_id}/collections/{managed}"),
                    &json!({"users": [selection(&me, false, false, true),
                        selection(&ann_id, false, false, true)]}),
                )
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}");
        for place in [&managed, &other] {
            let (status, made) = answer(
                owner
                    .post(
                        &server,
                        "/api/ciphers/create",
                        &json!({"cipher": login_in(&org_id), "collectionIds": [place]}),
                    )
                    .await?,
            )
            .await?;
            assert_eq!(status, 200, "{name}: {made}");
        }
        let export = format!("/api/organizations/{org_id}/export");
        let whole: Value = owner.get(&server, &export).await?.json().await?;
        assert_eq!(whole["object"], "organizationExport", "{name}");
        assert_eq!(whole["ciphers"].as_array().map(Vec::len), Some(2), "{name}");
        assert_eq!(whole["ciphers"][0]["deletedDate"], Value::Null, "{name}");
        assert_eq!(whole["ciphers"][0]["object"], "cipherMiniDetails", "{name}");
        let hers: Value = ann.get(&server, &export).await?.json().await?;
        assert_eq!(
            hers["ciphers"].as_array().map(Vec::len),
            Some(1),
            "{name}: {hers}"
        );
        assert_eq!(hers["collections"][0]["id"], managed.as_str(), "{name}");
        // The admin view is the owner's, not a user's.
        let path = format!("/api/ciphers/organization-details?organizationId={org_id}");
        let (status, all) = answer(owner.get(&server, &path).await?).await?;
        assert_eq!(status, 200, "{name}");
        assert_eq!(all["data"].as_array().map(Vec::len), Some(2), "{name}");
        let (status, _) = answer(ann.get(&server, &path).await?).await?;
        assert_eq!(status, 404, "{name}");
        server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn admins_work_on_unassigned_items_and_purge_with_the_password() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let sink = SmtpSink::start().await?;
        let server = TestServer::cloud()
            .backend(backend)
            .smtp(&sink)
            .start()
            .await?;
        let (owner_account, owner, org, org_id) =
            owner_with_org(&server, "owner@acme.test", 20, 10).await?;
        let me = member_id(&server, &owner, &org_id, "owner@acme.test").await?;
        let (ann, ann_id) =
            member(&server, &sink, &owner, &org, &org_id, "ann@acme.test", None).await?;
        let shared = collection(&server, &owner, &org_id, &me).await?;

        // An organization's item in no collection: nobody's vault shows it, the admin view does.
        let (status, item) = answer(
            owner
                .post(&server, "/api/ciphers", &login_in(&org_id))
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}: {item}");
        let item_id = item["id"].as_str().unwrap_or_default().to_string();
        let (ciphers, _) = synced(&server, &owner).await?;
        assert!(
            ciphers.iter().all(|c| c["id"] != item_id.as_str()),
            "{name}"
        );
        let assigned =
            format!("/api/ciphers/organization-details/assigned?organizationId={org_id}");
        let (status, listed) = answer(owner.get(&server, &assigned).await?).await?;
        assert_eq!(status, 200, "{name}");
        assert_eq!(
            listed["data"][0]["id"],
            item_id.as_str(),
            "{name}: {listed}"
        );
        assert_eq!(listed["data"][0]["edit"], true, "{name}");
        let (status, _) = answer(
            ann.get(&server, &format!("/api/ciphers/{item_id}/admin"))
                .await?,
        )
        .await?;
        assert_eq!(status, 404, "{name}: a user is no admin");

        // The owner edits it and puts it in a collection Ann reaches.
        let mut edit = login_in(&org_id);
        edit["name"] = json!("2.Y2hhbmdlZGNoYW5nZQ==|Y3RjdGN0|bWFjbWFjbWFj");
        let (status, edited) = answer(
            owner
                .put(&server, &format!("/api/ciphers/{item_id}/admin"), &edit)
                .await?,
        )
        .await?;
        assert_eq!(
            (status, edited["object"].as_str()),
            (200, Some("cipherMini")),
            "{name}"
        );
        let (status, _) = answer(
            owner
                .put(
                    &server,
                    &format!("/api/organizations/{org_id}/collections/{shared}"),
                    &json!({"users": [selection(&me, false, false, true),
                        selection(&ann_id, true, false, false)]}),
                )
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}");
        let (status, moved) = answer(
            owner
                .put(
                    &server,
                    &format!("/api/ciphers/{item_id}/collections-admin"),
                    &json!({"collectionIds": [shared]}),
                )
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}: {moved}");
        assert_eq!(moved["collectionIds"], json!([shared]), "{name}");
        let (ciphers, _) = synced(&server, &ann).await?;
        assert_eq!(ciphers.len(), 1, "{name}");

        // To the trash and back as an admin; Ann's vault follows.
        let (status, _) = answer(
            owner
                .put(
                    &server,
                    &format!("/api/ciphers/{item_id}/delete-admin"),
                    &json!({}),
                )
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}");
        let (ciphers, _) = synced(&server, &ann).await?;
        assert!(ciphers[0]["deletedDate"].is_string(), "{name}");
        let (status, restored) = answer(
            owner
                .put(
                    &server,
                    &format!("/api/ciphers/{item_id}/restore-admin"),
                    &json!({}),
                )
                .await?,
        )
        .await?;
        assert_eq!(
            (status, &restored["deletedDate"]),
            (200, &Value::Null),
            "{name}"
        );

        // The organization's purge needs the owner's password; a wrong one changes nothing.
        let purge = format!("/api/ciphers/purge?organizationId={org_id}");
        let (status, _) = answer(
            owner
                .post(&server, &purge, &json!({"masterPasswordHash": "d3Jvbmc="}))
                .await?,
        )
        .await?;
        assert_eq!(status, 400, "{name}");
        let (status, _) = answer(
            ann.post(&server, &purge, &json!({"masterPasswordHash": "d3Jvbmc="}))
                .await?,
        )
        .await?;
        assert_eq!(status, 404, "{name}: a user may not purge");
        let (ciphers, _) = synced(&server, &ann).await?;
        assert_eq!(ciphers.len(), 1, "{name}");
        let right = json!({"masterPasswordHash": owner_account.master_password_hash});
        let (status, _) = answer(owner.post(&server, &purge, &right).await?).await?;
        assert_eq!(status, 200, "{name}");
        let (ciphers, _) = synced(&server, &ann).await?;
        assert!(ciphers.is_empty(), "{name}: {ciphers:?}");
        server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn several_personal_items_are_shared_all_or_none() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let sink = SmtpSink::start().await?;
        let server = TestServer::cloud()
            .backend(backend)
            .smtp(&sink)
            .start()
            .await?;
        let (_, owner, org, org_id) = owner_with_org(&server, "owner@acme.test", 20, 10).await?;
        let me = member_id(&server, &owner, &org_id, "owner@acme.test").await?;
        let (ann, _) = member(&server, &sink, &owner, &org, &org_id, "ann@acme.test", None).await?;
        let shelf = collection(&server, &owner, &org_id, &me).await?;
        let mut mine = Vec::new();
        for _ in 0..2 {
            let (status, made) = answer(
                owner
                    .post(
                        &server,
                        "/api/ciphers",
                        &json!({"type": 2, "name": ENC, "secureNote": {"type": 0}}),
                    )
                    .await?,
            )
            .await?;
            assert_eq!(status, 200, "{name}: {made}");
            mine.push(made["id"].as_str().unwrap_or_default().to_string());
        }
        let (_, hers) = answer(
            ann.post(
                &server,
                "/api/ciphers",
                &json!({"type": 2, "name": ENC, "secureNote": {"type": 0}}),
            )
            .await?,
        )
        .await?;
        let shared = |ids: &[&str]| {
            let ciphers: Vec<Value> = ids
                .iter()
                .map(|id| {
                    json!({"id": id, "type": 2, "name": ENC, "organizationId": org_id,
                        "secureNote": {"type": 0}})
                })
                .collect();
            json!({"ciphers": ciphers, "collectionIds": [shelf]})
        };

        // One item that is not the owner's: refused, and neither of the owner's moves.
        let hers_id = hers["id"].as_str().unwrap_or_default();
        let (status, body) = answer(
            owner
                .put(&server, "/api/ciphers/share", &shared(&[&mine[0], hers_id]))
                .await?,
        )
        .await?;
        assert_eq!(status, 400, "{name}: {body}");
        let (_, still) = answer(
            owner
                .get(&server, &format!("/api/ciphers/{}", mine[0]))
                .await?,
        )
        .await?;
        assert_eq!(still["organizationId"], Value::Null, "{name}");
        let (status, _) = answer(
            owner
                .put(
                    &server,
                    "/api/ciphers/share",
                    &json!({"ciphers": [], "collectionIds": [shelf]}),
                )
                .await?,
        )
        .await?;
        assert_eq!(status, 400, "{name}");

        // Both of the owner's: moved together, in the collection.
        let (status, moved) = answer(
            owner
                .put(
                    &server,
                    "/api/ciphers/share",
                    &shared(&[&mine[0], &mine[1]]),
                )
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}: {moved}");
        assert_eq!(moved["data"].as_array().map(Vec::len), Some(2), "{name}");
        assert_eq!(
            moved["data"][0]["organizationId"],
            org_id.as_str(),
            "{name}"
        );
        let (status, item) = answer(
            owner
                .get(&server, &format!("/api/ciphers/{}", mine[1]))
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}");
        assert_eq!(
            item["collectionIds"],
            Value::Null,
            "{name}: a cipher, not details"
        );
        let (status, details) = answer(
            owner
                .get(&server, &format!("/api/ciphers/{}/details", mine[1]))
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}");
        assert_eq!(details["collectionIds"], json!([shelf]), "{name}");
        server.stop().await?;
    }
    Ok(())
}
