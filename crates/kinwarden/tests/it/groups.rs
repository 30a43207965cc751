//! An organization's groups over HTTP, on both backends (SPEC §11): made, renamed and deleted
//! with their members by whoever may, 404 for everyone else and for another organization's
//! group, the members' clients told to resync, a member's groups read and replaced, and bad
//! input refused with nothing changed; a group's collection access kept, replaced, and checked
//! against the organization's collections. The store's test (`kinwarden_store::groups`) covers a
//! member's own collection, which the API does not make.

use std::sync::Arc;

use chrono::Utc;
use kinwarden_core::clock::ManualClock;
use kinwarden_testkit::{OrganizationKeys, SmtpSink, TestServer, backends};
use serde_json::{Value, json};

use crate::organizations::owner_with_org;
use crate::support::{Session, confirmed_member};

const CANNOT_USE_GROUPS: &str = "This organization cannot use groups.";
const FOREIGN_USERS: &str = "One or more users do not belong to this organization.";
const FOREIGN_COLLECTIONS: &str = "One or more collections do not belong to this organization.";
const ENC: &str = "2.aXZpdml2aXZpdml2aQ==|Y3RjdGN0|bWFjbWFjbWFj";
const MANAGE_IS_EXCLUSIVE: &str = "The Manage property is mutually exclusive and cannot be true while the ReadOnly or HidePasswords properties are also true.";

pub(crate) async fn answer(response: reqwest::Response) -> anyhow::Result<(u16, Value)> {
    let status = response.status().as_u16();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

async fn get(server: &TestServer, session: &Session, path: &str) -> anyhow::Result<(u16, Value)> {
    answer(session.get(server, path).await?).await
}

async fn revision_date(server: &TestServer, session: &Session) -> anyhow::Result<i64> {
    Ok(session
        .get(server, "/api/accounts/revision-date")
        .await?
        .json()
        .await?)
}

/// The organization user id of the member with this e-mail address.
pub(crate) async fn member_id(
    server: &TestServer,
    owner: &Session,
    org_id: &str,
    email: &str,
) -> anyhow::Result<String> {
    let list: Value = owner
        .get(server, &format!("/api/organizations/{org_id}/users"))
        .await?
        .json()
        .await?;
    list["data"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|member| member["email"] == email)
        .and_then(|member| member["id"].as_str())
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("no member {email} in {list}"))
}

/// A confirmed member (a user, or custom with `permissions`), and their member id.
pub(crate) async fn member(
    server: &TestServer,
    sink: &SmtpSink,
    owner: &Session,
    org: &OrganizationKeys,
    org_id: &str,
    email: &str,
    permissions: Option<Value>,
) -> anyhow::Result<(Session, String)> {
    let session = confirmed_member(server, sink, owner, org, org_id, email, 2).await?;
    let id = member_id(server, owner, org_id, email).await?;
    if let Some(permissions) = permissions {
        let made = owner
            .put(
                server,
                &format!("/api/organizations/{org_id}/users/{id}"),
                &json!({"type": 4, "permissions": permissions}),
            )
            .await?;
        anyhow::ensure!(made.status() == 200, "custom: {}", made.status());
    }
    Ok((session, id))
}

async fn make_group(
    server: &TestServer,
    owner: &Session,
    groups: &str,
    name: &str,
) -> anyhow::Result<String> {
    let made: Value = owner
        .post(server, groups, &json!({"name": name}))
        .await?
        .json()
        .await?;
    let id = made["id"].as_str().unwrap_or_default().to_string();
    anyhow::ensure!(!id.is_empty(), "group: {made}");
    Ok(id)
}

#[tokio::test]
async fn groups_are_made_changed_and_deleted_by_those_who_may() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let sink = SmtpSink::start().await?;
        let clock = Arc::new(ManualClock::new(Utc::now()));
        let server = TestServer::cloud()
            .backend(backend)
            .smtp(&sink)
            .clock(clock.clone())
            .start()
            .await?;
        let (_, owner, org, org_id) = owner_with_org(&server, "owner@acme.test", 20, 10).await?;
        let (user, user_id) = member(
            &server,
            &sink,
            &owner,
            &org,
            &org_id,
            "user@acme.test",
            None,
        )
        .await?;
        let (manager, _) = member(
            &server,
            &sink,
            &owner,
            &org,
            &org_id,
            "groups@acme.test",
            Some(json!({"manageGroups": true})),
        )
        .await?;
        let (users_manager, users_manager_id) = member(
            &server,
            &sink,
            &owner,
            &org,
            &org_id,
            "users@acme.test",
            Some(json!({"manageUsers": true})),
        )
        .await?;
        let groups = format!("/api/organizations/{org_id}/groups");

        // Made with a member: the organization's members' clients are told to resync.
        let before = revision_date(&server, &user).await?;
        clock.advance(chrono::Duration::minutes(1));
        let (status, made) = answer(
            owner
                .post(
                    &server,
                    &groups,
                    &json!({"name": "Team", "externalId": "ext-1", "users": [user_id],
                        "collections": []}),
                )
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}: {made}");
        assert_eq!(made["object"], "groupDetails");
        assert_eq!(made["name"], "Team");
        assert_eq!(made["externalId"], "ext-1");
        assert_eq!(made["organizationId"], org_id.as_str());
        assert_eq!(made["collections"], json!([]));
        let team = made["id"].as_str().unwrap_or_default().to_string();
        assert!(revision_date(&server, &user).await? > before, "{name}");

        let (status, list) = get(&server, &owner, &groups).await?;
        assert_eq!(status, 200);
        assert_eq!(list["object"], "list");
        assert_eq!(list["continuationToken"], Value::Null);
        assert_eq!(list["data"], json!([made.clone()]), "{name}");
        let (_, one) = get(&server, &owner, &format!("{groups}/{team}")).await?;
        assert_eq!(one["object"], "group");
        assert_eq!(one["name"], "Team");
        let (_, details) = get(&server, &owner, &format!("{groups}/{team}/details")).await?;
        assert_eq!(details, made);
        let (_, members) = get(&server, &owner, &format!("{groups}/{team}/users")).await?;
        assert_eq!(members, json!([user_id]));
        let member_groups = format!("/api/organizations/{org_id}/users/{user_id}/groups");
        let (_, of_member) = get(&server, &owner, &member_groups).await?;
        assert_eq!(of_member, json!([team]));

        // Renamed, PUT and its POST alias; `users` null leaves the members.
        let (status, renamed) = answer(
            owner
                .put(
                    &server,
                    &format!("{groups}/{team}"),
                    &json!({"name": "Crew"}),
                )
                .await?,
        )
        .await?;
        assert_eq!((status, &renamed["name"]), (200, &json!("Crew")), "{name}");
        assert_eq!(renamed["externalId"], Value::Null);
        let (status, renamed) = answer(
            owner
                .post(
                    &server,
                    &format!("{groups}/{team}"),
                    &json!({"name": "Squad", "users": null}),
                )
                .await?,
        )
        .await?;
        assert_eq!((status, &renamed["name"]), (200, &json!("Squad")));
        let (_, members) = get(&server, &owner, &format!("{groups}/{team}/users")).await?;
        assert_eq!(members, json!([user_id]), "{name}");

        // A custom member with manageGroups changes groups; one with manageUsers only reads
        // them (and sets a member's groups); a plain user learns nothing.
        let (status, by_manager) = answer(
            manager
                .post(&server, &groups, &json!({"name": "Managers"}))
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}: {by_manager}");
        let managers = by_manager["id"].as_str().unwrap_or_default().to_string();
        assert_eq!(get(&server, &users_manager, &groups).await?.0, 200);
        let refused = users_manager
            .post(&server, &groups, &json!({"name": "Nope"}))
            .await?;
        assert_eq!(refused.status(), 404, "{name}");
        for path in [
            groups.clone(),
            format!("{groups}/{team}"),
            format!("{groups}/{team}/users"),
            member_groups.clone(),
        ] {
            assert_eq!(get(&server, &user, &path).await?.0, 404, "{name}: {path}");
        }
        for refused in [
            user.post(&server, &groups, &json!({"name": "Mine"}))
                .await?,
            user.put(
                &server,
                &format!("{groups}/{team}"),
                &json!({"name": "Mine"}),
            )
            .await?,
            user.delete(&server, &format!("{groups}/{team}")).await?,
            user.put(&server, &member_groups, &json!({"groupIds": [team]}))
                .await?,
        ] {
            assert_eq!(refused.status(), 404, "{name}");
        }

        // A member's groups, replaced whole.
        let set = users_manager
            .put(
                &server,
                &member_groups,
                &json!({"groupIds": [team, managers]}),
            )
            .await?;
        assert_eq!(set.status(), 200, "{name}");
        let (_, of_member) = get(&server, &owner, &member_groups).await?;
        let mut expected = vec![team.clone(), managers.clone()];
        expected.sort();
        assert_eq!(of_member, json!(expected), "{name}");
        let set = owner
            .post(&server, &member_groups, &json!({"groupIds": [managers]}))
            .await?;
        assert_eq!(set.status(), 200);
        assert_eq!(
            get(&server, &owner, &member_groups).await?.1,
            json!([managers])
        );
        let (_, members) = get(&server, &owner, &format!("{groups}/{team}/users")).await?;
        assert_eq!(members, json!([]), "{name}");

        // One member out of a group, DELETE and its POST alias.
        let users_manager_groups =
            format!("/api/organizations/{org_id}/users/{users_manager_id}/groups");
        let set = owner
            .put(
                &server,
                &users_manager_groups,
                &json!({"groupIds": [team, managers]}),
            )
            .await?;
        assert_eq!(set.status(), 200, "{name}");
        let out = owner
            .delete(&server, &format!("{groups}/{team}/user/{users_manager_id}"))
            .await?;
        assert_eq!(out.status(), 200, "{name}");
        let out = owner
            .post(
                &server,
                &format!("{groups}/{managers}/delete-user/{users_manager_id}"),
                &json!({}),
            )
            .await?;
        assert_eq!(out.status(), 200);
        assert_eq!(
            get(&server, &owner, &users_manager_groups).await?.1,
            json!([])
        );

        // Deleted: one, by its alias, and several at once; then gone.
        let first = make_group(&server, &owner, &groups, "First").await?;
        let second = make_group(&server, &owner, &groups, "Second").await?;
        let deleted = owner.delete(&server, &format!("{groups}/{team}")).await?;
        assert_eq!(deleted.status(), 200, "{name}");
        assert_eq!(
            get(&server, &owner, &format!("{groups}/{team}")).await?.0,
            404
        );
        let deleted = owner
            .post(&server, &format!("{groups}/{managers}/delete"), &json!({}))
            .await?;
        assert_eq!(deleted.status(), 200);
        // The member's groups went with them.
        assert_eq!(get(&server, &owner, &member_groups).await?.1, json!([]));
        let bulk = server
            .client
            .delete(server.at(&groups))
            .bearer_auth(&owner.access_token)
            .json(&json!({"ids": [first, second]}))
            .send()
            .await?;
        assert_eq!(bulk.status(), 200, "{name}");
        assert_eq!(get(&server, &owner, &groups).await?.1["data"], json!([]));
        server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn another_organizations_groups_and_bad_input_change_nothing() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let sink = SmtpSink::start().await?;
        let server = TestServer::cloud()
            .backend(backend)
            .smtp(&sink)
            .start()
            .await?;
        let (_, owner, org, org_id) = owner_with_org(&server, "owner@acme.test", 20, 10).await?;
        let (_, user_id) = member(
            &server,
            &sink,
            &owner,
            &org,
            &org_id,
            "user@acme.test",
            None,
        )
        .await?;
        let (_, other_owner, _, other_org) =
            owner_with_org(&server, "owner@other.test", 20, 5).await?;
        let groups = format!("/api/organizations/{org_id}/groups");
        let other_groups = format!("/api/organizations/{other_org}/groups");
        let made: Value = owner
            .post(
                &server,
                &groups,
                &json!({"name": "Team", "users": [user_id]}),
            )
            .await?
            .json()
            .await?;
        let team = made["id"].as_str().unwrap_or_default().to_string();
        let theirs: Value = other_owner
            .post(&server, &other_groups, &json!({"name": "Theirs"}))
            .await?
            .json()
            .await?;
        let theirs = theirs["id"].as_str().unwrap_or_default().to_string();
        let other_member = member_id(&server, &other_owner, &other_org, "owner@other.test").await?;
        let before = get(&server, &owner, &groups).await?.1;
        let theirs_before = get(&server, &other_owner, &other_groups).await?.1;

        // Another organization's group through this one, and this one's as a stranger: 404.
        for path in [
            format!("{groups}/{theirs}"),
            format!("{groups}/{theirs}/details"),
            format!("{groups}/{theirs}/users"),
            format!("{groups}/not-an-id"),
            format!("/api/organizations/{org_id}/users/{other_member}/groups"),
        ] {
            assert_eq!(get(&server, &owner, &path).await?.0, 404, "{name}: {path}");
        }
        assert_eq!(get(&server, &other_owner, &groups).await?.0, 404);
        for refused in [
            owner
                .put(
                    &server,
                    &format!("{groups}/{theirs}"),
                    &json!({"name": "Mine"}),
                )
                .await?,
            owner.delete(&server, &format!("{groups}/{theirs}")).await?,
            owner
                .delete(&server, &format!("{groups}/{theirs}/user/{other_member}"))
                .await?,
            owner
                .delete(&server, &format!("{groups}/{team}/user/{other_member}"))
                .await?,
            // All or nothing: this organization's group stays too.
            owner
                .post(
                    &server,
                    &format!("{groups}/delete"),
                    &json!({"ids": [team, theirs]}),
                )
                .await?,
            owner
                .put(
                    &server,
                    &format!("/api/organizations/{org_id}/users/{user_id}/groups"),
                    &json!({"groupIds": [theirs]}),
                )
                .await?,
            other_owner
                .put(
                    &server,
                    &format!("{other_groups}/{team}"),
                    &json!({"name": "Mine"}),
                )
                .await?,
        ] {
            let url = refused.url().path().to_string();
            assert_eq!(refused.status(), 404, "{name}: {url}");
        }

        // Bad input: each is refused in the reference's words, and nothing changes.
        let bad = [
            (
                json!({"name": "Team 2", "users": [uuid::Uuid::new_v4()]}),
                FOREIGN_USERS,
            ),
            (
                json!({"name": "Team 2", "users": [other_member]}),
                FOREIGN_USERS,
            ),
            (json!({"name": "Team 2", "users": ["nope"]}), FOREIGN_USERS),
            (
                json!({"name": "Team 2", "collections": [{"id": uuid::Uuid::new_v4(),
                    "readOnly": false, "hidePasswords": false, "manage": false}]}),
                FOREIGN_COLLECTIONS,
            ),
            (
                json!({"name": "Team 2", "collections": [{"id": uuid::Uuid::new_v4(),
                    "readOnly": true, "hidePasswords": false, "manage": true}]}),
                MANAGE_IS_EXCLUSIVE,
            ),
        ];
        for (body, message) in &bad {
            for response in [
                owner.post(&server, &groups, body).await?,
                owner
                    .put(&server, &format!("{groups}/{team}"), body)
                    .await?,
            ] {
                let (status, error) = answer(response).await?;
                assert_eq!(
                    (status, error["message"].as_str()),
                    (400, Some(*message)),
                    "{name}: {body}"
                );
            }
        }
        for (body, text) in [
            (json!({"name": "  "}), "The Name field is required."),
            (json!({"users": []}), "The Name field is required."),
            (
                json!({"name": "x".repeat(101)}),
                "The field Name must be a string with a maximum length of 100.",
            ),
        ] {
            let (status, error) = answer(owner.post(&server, &groups, &body).await?).await?;
            assert_eq!(status, 400, "{name}: {body}");
            assert_eq!(error["validationErrors"]["Name"], json!([text]), "{name}");
        }
        assert_eq!(get(&server, &owner, &groups).await?.1, before, "{name}");
        assert_eq!(
            get(&server, &other_owner, &other_groups).await?.1,
            theirs_before
        );
        let (_, members) = get(&server, &owner, &format!("{groups}/{team}/users")).await?;
        assert_eq!(members, json!([user_id]), "{name}");

        // A Families organization has no groups.
        let (_, family_owner, _, family) =
            owner_with_org(&server, "parent@family.test", 22, 0).await?;
        let family_groups = format!("/api/organizations/{family}/groups");
        let (status, error) = answer(
            family_owner
                .post(&server, &family_groups, &json!({"name": "Kids"}))
                .await?,
        )
        .await?;
        assert_eq!(
            (status, error["message"].as_str()),
            (400, Some(CANNOT_USE_GROUPS)),
            "{name}"
        );
        let (status, list) = get(&server, &family_owner, &family_groups).await?;
        assert_eq!((status, &list["data"]), (200, &json!([])));
        server.stop().await?;
    }
    Ok(())
}

/// A shared collection of the organization, managed by the member `manager`.
pub(crate) async fn collection(
    server: &TestServer,
    owner: &Session,
    org_id: &str,
    manager: &str,
) -> anyhow::Result<String> {
    let (status, made) = answer(
        owner
            .post(
                server,
                &format!("/api/organizations/{org_id}/collections"),
                &json!({"name": ENC, "users": [{"id": manager, "readOnly": false,
                    "hidePasswords": false, "manage": true}]}),
            )
            .await?,
    )
    .await?;
    anyhow::ensure!(status == 200, "collection: {status} {made}");
    Ok(made["id"].as_str().unwrap_or_default().to_string())
}

pub(crate) fn selection(id: &str, read_only: bool, hide_passwords: bool, manage: bool) -> Value {
    json!({"id": id, "readOnly": read_only, "hidePasswords": hide_passwords, "manage": manage})
}

#[tokio::test]
async fn a_groups_collection_access_is_kept_replaced_and_checked() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let server = TestServer::cloud().backend(backend).start().await?;
        let (_, owner, _, org_id) = owner_with_org(&server, "owner@acme.test", 20, 10).await?;
        let (_, other_owner, _, other_org) =
            owner_with_org(&server, "owner@other.test", 20, 5).await?;
        let me = member_id(&server, &owner, &org_id, "owner@acme.test").await?;
        let them = member_id(&server, &other_owner, &other_org, "owner@other.test").await?;
        let (first, second) = (
            collection(&server, &owner, &org_id, &me).await?,
            collection(&server, &owner, &org_id, &me).await?,
        );
        let theirs = collection(&server, &other_owner, &other_org, &them).await?;
        let groups = format!("/api/organizations/{org_id}/groups");

        let access = vec![
            selection(&first, true, true, false),
            selection(&second, false, false, true),
        ];
        let (status, made) = answer(
            owner
                .post(
                    &server,
                    &groups,
                    &json!({"name": "Team", "collections": access}),
                )
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}: {made}");
        let mut sorted = access.clone();
        sorted.sort_by_key(|row| row["id"].as_str().unwrap_or_default().to_string());
        assert_eq!(made["collections"], json!(sorted), "{name}");
        let team = made["id"].as_str().unwrap_or_default().to_string();
        let one = format!("{groups}/{team}");

        // Null leaves the access; refused changes leave it too.
        let (status, kept) =
            answer(owner.put(&server, &one, &json!({"name": "Crew"})).await?).await?;
        assert_eq!((status, &kept["collections"]), (200, &json!(sorted)));
        for (body, message) in [
            (
                json!({"name": "Crew", "collections": [selection(&theirs, false, false, false)]}),
                FOREIGN_COLLECTIONS,
            ),
            (
                json!({"name": "Crew", "collections": [selection(&first, false, true, true)]}),
                MANAGE_IS_EXCLUSIVE,
            ),
        ] {
            let (status, error) = answer(owner.put(&server, &one, &body).await?).await?;
            assert_eq!(
                (status, error["message"].as_str()),
                (400, Some(message)),
                "{name}"
            );
        }
        let (_, details) = get(&server, &owner, &format!("{one}/details")).await?;
        assert_eq!(details["collections"], json!(sorted), "{name}");

        // Replaced whole, then taken away.
        let (_, replaced) = answer(
            owner
                .put(
                    &server,
                    &one,
                    &json!({"name": "Crew", "collections": [selection(&second, true, false, false)]}),
                )
                .await?,
        )
        .await?;
        assert_eq!(
            replaced["collections"],
            json!([selection(&second, true, false, false)]),
            "{name}"
        );
        let (_, emptied) = answer(
            owner
                .put(&server, &one, &json!({"name": "Crew", "collections": []}))
                .await?,
        )
        .await?;
        assert_eq!(emptied["collections"], json!([]), "{name}");

        // Deleting a group leaves its collections.
        owner
            .put(
                &server,
                &one,
                &json!({"name": "Crew", "collections": [selection(&first, false, false, false)]}),
            )
            .await?;
        assert_eq!(owner.delete(&server, &one).await?.status(), 200);
        let (status, _) = get(
            &server,
            &owner,
            &format!("/api/organizations/{org_id}/collections/{first}"),
        )
        .await?;
        assert_eq!(status, 200, "{name}");
        server.stop().await?;
    }
    Ok(())
}
