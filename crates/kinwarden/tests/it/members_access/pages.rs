//! The member access pages without a browser (the walk is `browser.rs`): the Collections page
//! and the members page's *Collections and groups* form, signed in through the login form.

use kinwarden_testkit::TestServer;
use reqwest::header::{ACCEPT_LANGUAGE, COOKIE};
use serde_json::{Value, json};

use crate::groups::{collection, member, member_id};
use crate::pages::{csrf_of, no_redirects, pair_of, set_cookies};

/// A page session for `account`: its cookies (`name=value; …`), after the login form.
pub(crate) async fn page_session(
    server: &TestServer,
    client: &reqwest::Client,
    account: &kinwarden_testkit::ClientAccount,
) -> anyhow::Result<String> {
    let page = client.get(server.at("/login")).send().await?;
    let (csrf_cookie, csrf) = csrf_of(page).await?;
    let signed_in = client
        .post(server.at("/login"))
        .header(COOKIE, &csrf_cookie)
        .form(&[
            ("email", account.email.as_str()),
            ("masterPasswordHash", account.master_password_hash.as_str()),
            ("next", "/organizations"),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await?;
    anyhow::ensure!(signed_in.status() == 303, "login: {}", signed_in.status());
    let session = set_cookies(&signed_in, "__Host-kw_session");
    let csrf = set_cookies(&signed_in, "__Host-kw_csrf");
    anyhow::ensure!(session.len() == 1 && csrf.len() == 1, "login cookies");
    Ok(format!("{}; {}", pair_of(&session[0]), pair_of(&csrf[0])))
}

/// The Collections page and the members page's access form (SPEC §11 "Pages"): collections
/// shown by id with their counts and who has which access, a level changed, bad input and a
/// collection left without a manager refused with nothing changed, deletion only once
/// confirmed, a member's groups and collections set from the members page, and Swedish.
#[tokio::test]
async fn the_collections_and_members_pages_change_access() -> anyhow::Result<()> {
    for backend in kinwarden_testkit::backends() {
        let name = backend.name();
        let sink = kinwarden_testkit::SmtpSink::start().await?;
        let server = TestServer::cloud()
            .backend(backend)
            .smtp(&sink)
            .start()
            .await?;
        let client = no_redirects(&server)?;
        let (account, owner, org, org_id) =
            crate::organizations::owner_with_org(&server, "owner@acme.test", 20, 10).await?;
        let me = member_id(&server, &owner, &org_id, "owner@acme.test").await?;
        let shared = collection(&server, &owner, &org_id, &me).await?;
        let (_, ann) = member(&server, &sink, &owner, &org, &org_id, "ann@acme.test", None).await?;
        let team: Value = owner
            .post(
                &server,
                &format!("/api/organizations/{org_id}/groups"),
                &json!({"name": "Team"}),
            )
            .await?
            .json()
            .await?;
        let team = team["id"].as_str().unwrap_or_default().to_string();
        let read_ann = || async {
            let answer: Value = owner
                .get(
                    &server,
                    &format!("/api/organizations/{org_id}/users/{ann}?includeGroups=true"),
                )
                .await?
                .json()
                .await?;
            anyhow::Ok(answer)
        };
        let cookies = page_session(&server, &client, &account).await?;
        let page_path = format!("/organizations/{org_id}/collections");
        let page = client
            .get(server.at(&page_path))
            .header(COOKIE, &cookies)
            .send()
            .await?;
        assert_eq!(page.status(), 200, "{name}");
        let html = page.text().await?;
        let short: String = shared.chars().take(8).collect();
        assert!(
            html.contains(&format!("Collection {short}")),
            "{name}: {html}"
        );
        assert!(
            html.contains("owner@acme.test") && html.contains("Can manage"),
            "{name}"
        );
        assert!(html.contains("bw create org-collection"), "{name}");
        let csrf = crate::portal::hidden(&html, "csrf").unwrap_or_default();
        let post = |path: String, form: Vec<(&str, String)>| {
            let mut form: Vec<(String, String)> = form
                .into_iter()
                .map(|(key, value)| (key.to_string(), value))
                .collect();
            form.push(("csrf".to_string(), csrf.clone()));
            client
                .post(server.at(&path))
                .header(COOKIE, &cookies)
                .form(&form)
                .send()
        };
        let access = format!("{page_path}/{shared}/access");

        // Ann is given "Can view"; the page and the API show it.
        let given = post(
            access.clone(),
            vec![
                ("principal", format!("member:{ann}")),
                ("level", "view".into()),
            ],
        )
        .await?;
        assert_eq!(given.status(), 200, "{name}");
        let html = given.text().await?;
        assert!(
            html.contains("Access saved") && html.contains("Can view"),
            "{name}"
        );
        let expected = json!([{"id": shared, "readOnly": true, "hidePasswords": false,
            "manage": false}]);
        assert_eq!(read_ann().await?["collections"], expected, "{name}");

        // A level not on the list, and taking away the only manager: refused, nothing changes.
        for (form, refusal) in [
            (
                vec![
                    ("principal", format!("member:{ann}")),
                    ("level", "owner".to_string()),
                ],
                "Choose from the lists on the page.",
            ),
            (
                vec![
                    ("principal", format!("member:{me}")),
                    ("level", "none".to_string()),
                ],
                "At least one member or group must have can manage permission.",
            ),
        ] {
            let refused = post(access.clone(), form).await?;
            assert_eq!(refused.status(), 200, "{name}");
            assert!(refused.text().await?.contains(refusal), "{name}: {refusal}");
            assert_eq!(read_ann().await?["collections"], expected, "{name}");
        }

        // The members page sets Ann's groups and collections with one form.
        let members_form = format!("/organizations/{org_id}/members/{ann}/access");
        let field = format!("collection.{shared}");
        let refused = post(
            members_form.clone(),
            vec![
                ("groupsShown", "1".into()),
                ("group", "not-a-group".into()),
                ("collectionsShown", "1".into()),
                (field.as_str(), "edit".into()),
            ],
        )
        .await?;
        assert!(
            refused
                .text()
                .await?
                .contains("One or more groups do not belong to this organization."),
            "{name}"
        );
        assert_eq!(read_ann().await?["collections"], expected, "{name}");
        let saved = client
            .post(server.at(&members_form))
            .header(COOKIE, &cookies)
            .form(&[
                ("csrf", csrf.as_str()),
                ("groupsShown", "1"),
                ("group", team.as_str()),
                ("collectionsShown", "1"),
                (field.as_str(), "edit"),
            ])
            .send()
            .await?;
        let html = saved.text().await?;
        assert!(html.contains("Access saved"), "{name}: {html}");
        assert!(html.contains("Team") && html.contains("Can edit"), "{name}");
        let after = read_ann().await?;
        assert_eq!(after["groups"], json!([team]), "{name}");
        assert_eq!(after["collections"][0]["readOnly"], false, "{name}");

        // Deleting needs the ticked box.
        let delete = format!("{page_path}/{shared}/delete");
        let kept = post(delete.clone(), Vec::new()).await?;
        assert!(
            kept.text()
                .await?
                .contains("Tick the box to confirm the deletion."),
            "{name}"
        );
        let one = format!("/api/organizations/{org_id}/collections/{shared}");
        assert_eq!(owner.get(&server, &one).await?.status(), 200, "{name}");
        let gone = post(delete, vec![("confirm", "yes".into())]).await?;
        assert!(gone.text().await?.contains("Collection deleted"), "{name}");
        assert_eq!(owner.get(&server, &one).await?.status(), 404, "{name}");

        // In Swedish.
        let swedish = client
            .get(server.at(&page_path))
            .header(COOKIE, &cookies)
            .header(ACCEPT_LANGUAGE, "sv-SE,sv;q=0.9")
            .send()
            .await?
            .text()
            .await?;
        assert!(
            swedish.contains("Samlingar") && swedish.contains("krypterade"),
            "{name}"
        );
        server.stop().await?;
    }
    Ok(())
}
