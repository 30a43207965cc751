//! Who may change whose role (issue: a Custom member with `manageUsers` made itself an Admin):
//! owners do anything, admins anything but owners, a custom member neither owners nor admins and
//! only the permissions it holds. Every refusal answers the reference's 400 and changes nothing.

use kinwarden_testkit::{SmtpSink, TestServer, backends};
use serde_json::{Value, json};

use crate::organizations::owner_with_org;
use crate::support::{Session, confirmed_member};

/// The organization's members by e-mail: (member id, role, permissions).
async fn members(
    server: &TestServer,
    owner: &Session,
    org_id: &str,
) -> anyhow::Result<Vec<(String, String, i64, Value)>> {
    let list: Value = owner
        .get(server, &format!("/api/organizations/{org_id}/users"))
        .await?
        .json()
        .await?;
    Ok(list["data"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|m| {
            (
                m["email"].as_str().unwrap_or_default().to_string(),
                m["id"].as_str().unwrap_or_default().to_string(),
                m["type"].as_i64().unwrap_or(-1),
                m["permissions"].clone(),
            )
        })
        .collect())
}

fn id_of(members: &[(String, String, i64, Value)], email: &str) -> String {
    members
        .iter()
        .find(|m| m.0 == email)
        .map(|m| m.1.clone())
        .unwrap_or_default()
}

/// A refused call: 400 with the reference's message.
async fn refused(response: reqwest::Response, message: &str, what: &str) -> anyhow::Result<()> {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or_default();
    anyhow::ensure!(
        status == 400 && body["message"] == message,
        "{what}: {status} {body}"
    );
    Ok(())
}

#[tokio::test]
async fn custom_members_and_admins_stay_within_their_role() -> anyhow::Result<()> {
    const OWNERS_ONLY: &str = "Only an Owner can configure another Owner's account.";
    const NO_ADMINS: &str = "Custom users can not manage Admins or Owners.";
    const OWN_GRANTS: &str =
        "Custom users can only grant the same custom permissions that they have.";
    const REMOVE_OWNERS: &str = "Only owners can delete other owners.";
    const REMOVE_ADMINS: &str = "Custom users can not remove admins.";
    for backend in backends() {
        let name = backend.name();
        let sink = SmtpSink::start().await?;
        let server = TestServer::cloud()
            .backend(backend)
            .smtp(&sink)
            .start()
            .await?;
        let (_, owner, org, org_id) = owner_with_org(&server, "owner@roles.test", 20, 10).await?;
        let join = |email: &'static str, role: i32| {
            confirmed_member(&server, &sink, &owner, &org, &org_id, email, role)
        };
        let _second_owner = join("owner2@roles.test", 0).await?;
        let admin = join("admin@roles.test", 1).await?;
        let custom = join("custom@roles.test", 4).await?;
        let _user = join("user@roles.test", 2).await?;
        let _other = join("other@roles.test", 4).await?;
        let listed = members(&server, &owner, &org_id).await?;
        let [owner2, admin_id, custom_id, user_id, other_id] = [
            "owner2@roles.test",
            "admin@roles.test",
            "custom@roles.test",
            "user@roles.test",
            "other@roles.test",
        ]
        .map(|email| id_of(&listed, email));
        let member = |id: &str| format!("/api/organizations/{org_id}/users/{id}");
        // The owner lets the custom member manage users, and nothing else.
        let granted = owner
            .put(
                &server,
                &member(&custom_id),
                &json!({"type": 4, "permissions": {"manageUsers": true}}),
            )
            .await?;
        assert_eq!(granted.status(), 200, "{name}");

        // The custom member: not itself into an admin, no admin or owner touched, no grant
        // beyond its own.
        for (target, body, message) in [
            (&custom_id, json!({"type": 1}), NO_ADMINS),
            (&admin_id, json!({"type": 2}), NO_ADMINS),
            (&user_id, json!({"type": 1}), NO_ADMINS),
            (&user_id, json!({"type": 0}), OWNERS_ONLY),
            (&owner2, json!({"type": 2}), OWNERS_ONLY),
            (
                &user_id,
                json!({"type": 4, "permissions": {"managePolicies": true}}),
                OWN_GRANTS,
            ),
        ] {
            let answer = custom.put(&server, &member(target), &body).await?;
            refused(answer, message, &format!("{name}: custom PUT {body}")).await?;
        }
        let invite = custom
            .post(
                &server,
                &format!("/api/organizations/{org_id}/users/invite"),
                &json!({"emails": ["new-admin@roles.test"], "type": 1}),
            )
            .await?;
        refused(
            invite,
            NO_ADMINS,
            &format!("{name}: custom invites an admin"),
        )
        .await?;
        let remove_admin = custom.delete(&server, &member(&admin_id)).await?;
        refused(remove_admin, REMOVE_ADMINS, name).await?;
        let remove_owner = custom.delete(&server, &member(&owner2)).await?;
        refused(remove_owner, REMOVE_OWNERS, name).await?;
        // Within its own permissions it may.
        let within = custom
            .put(
                &server,
                &member(&other_id),
                &json!({"type": 4, "permissions": {"manageUsers": true}}),
            )
            .await?;
        assert_eq!(within.status(), 200, "{name}: a grant it holds");

        // The admin: no owner touched, everyone else managed.
        let demote_owner = admin
            .put(&server, &member(&owner2), &json!({"type": 1}))
            .await?;
        refused(demote_owner, OWNERS_ONLY, name).await?;
        let remove_owner = admin.delete(&server, &member(&owner2)).await?;
        refused(remove_owner, REMOVE_OWNERS, name).await?;
        let demote_custom = admin
            .put(&server, &member(&other_id), &json!({"type": 2}))
            .await?;
        assert_eq!(
            demote_custom.status(),
            200,
            "{name}: admin demotes a custom member"
        );

        // Nothing the refusals named changed.
        let after = members(&server, &owner, &org_id).await?;
        let role = |email: &str| after.iter().find(|m| m.0 == email).map(|m| m.2);
        assert_eq!(role("owner2@roles.test"), Some(0), "{name}");
        assert_eq!(role("admin@roles.test"), Some(1), "{name}");
        assert_eq!(role("custom@roles.test"), Some(4), "{name}");
        assert_eq!(role("user@roles.test"), Some(2), "{name}");
        assert_eq!(role("other@roles.test"), Some(2), "{name}");
        let custom_permissions = after
            .iter()
            .find(|m| m.0 == "custom@roles.test")
            .map(|m| m.3.clone())
            .unwrap_or_default();
        assert_eq!(custom_permissions["manageUsers"], true, "{name}");
        assert_eq!(custom_permissions["managePolicies"], false, "{name}");
        assert!(
            !after.iter().any(|m| m.0 == "new-admin@roles.test"),
            "{name}: no invitation was made"
        );
        server.stop().await?;
    }
    Ok(())
}
