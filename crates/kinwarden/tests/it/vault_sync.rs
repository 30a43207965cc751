//! The full sync written a page at a time (SPEC §10's memory target): a vault larger than a page,
//! personal and organization items alike, arrives whole, once each, in order, with each item's
//! rights, on both backends.

use std::collections::HashSet;

use kinwarden_testkit::{SmtpSink, TestServer, backends};
use serde_json::{Value, json};

use crate::groups::{answer, member, member_id};
use crate::organizations::owner_with_org;

const ENC: &str = "2.aXZpdml2aXZpdml2aQ==|Y3RjdGN0|bWFjbWFjbWFj";
/// More than two of the server's pages of 500 items each, whichever list they are in.
const PERSONAL: usize = 1_100;
const IN_READ_ONLY: usize = 650;
const IN_HIDDEN: usize = 400;

/// An encrypted string told apart by `i` (in its MAC part, so it stays valid base64).
fn notes(i: usize) -> String {
    format!("2.aXZpdml2aXZpdml2aQ==|Y3RjdGN0|bWFj{i:08}")
}

fn login(i: usize, org_id: Option<&str>) -> Value {
    json!({"type": 1, "name": ENC, "organizationId": org_id,
        "notes": notes(i),
        "login": {"username": ENC, "password": ENC, "uris": []}})
}

#[tokio::test]
async fn a_vault_larger_than_a_page_syncs_whole_and_in_order() -> anyhow::Result<()> {
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
        let mut collections = Vec::new();
        for (read_only, hide_passwords) in [(true, false), (false, true)] {
            let (status, made) = answer(
                owner
                    .post(
                        &server,
                        &format!("/api/organizations/{org_id}/collections"),
                        &json!({"name": ENC, "users": [
                            {"id": me, "readOnly": false, "hidePasswords": false, "manage": true},
                            {"id": ann_id, "readOnly": read_only,
                                "hidePasswords": hide_passwords, "manage": false}]}),
                    )
                    .await?,
            )
            .await?;
            anyhow::ensure!(status == 200, "{name}: collection {status} {made}");
            collections.push(made["id"].as_str().unwrap_or_default().to_string());
        }

        let personal: Vec<Value> = (0..PERSONAL).map(|i| login(i, None)).collect();
        let imported = owner
            .post(
                &server,
                "/api/ciphers/import",
                &json!({"ciphers": personal}),
            )
            .await?;
        assert_eq!(imported.status(), 200, "{name}: personal import");
        let shared: Vec<Value> = (0..IN_READ_ONLY + IN_HIDDEN)
            .map(|i| login(PERSONAL + i, Some(&org_id)))
            .collect();
        let links: Vec<Value> = (0..IN_READ_ONLY + IN_HIDDEN)
            .map(|i| json!({"key": i, "value": usize::from(i >= IN_READ_ONLY)}))
            .collect();
        let body = json!({
            "collections": collections.iter().map(|id| json!({"id": id, "name": ENC}))
                .collect::<Vec<_>>(),
            "ciphers": shared, "collectionRelationships": links,
            "folders": [], "folderRelationships": []});
        let (status, refused) = answer(
            owner
                .post(
                    &server,
                    &format!("/api/ciphers/import-organization?organizationId={org_id}"),
                    &body,
                )
                .await?,
        )
        .await?;
        assert_eq!(status, 200, "{name}: organization import {refused}");

        // The owner: the personal items first, oldest first, then the organization's.
        let answered = owner.get(&server, "/api/sync").await?;
        assert_eq!(
            answered
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/json"),
            "{name}"
        );
        let sync: Value = answered.json().await?;
        let items = sync["ciphers"].as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), PERSONAL + IN_READ_ONLY + IN_HIDDEN, "{name}");
        let ids: HashSet<&str> = items.iter().filter_map(|i| i["id"].as_str()).collect();
        assert_eq!(ids.len(), items.len(), "{name}: each item once");
        let order: Vec<String> = items
            .iter()
            .filter_map(|i| i["notes"].as_str())
            .map(str::to_string)
            .collect();
        let expected: Vec<String> = (0..PERSONAL + IN_READ_ONLY + IN_HIDDEN)
            .map(notes)
            .collect();
        assert_eq!(order, expected, "{name}: in the order they were made");
        assert_eq!(sync["object"], "sync", "{name}");
        assert_eq!(sync["profile"]["email"], "owner@acme.test", "{name}");
        let synced: Vec<&str> = sync["collections"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["id"].as_str())
            .collect();
        for id in &collections {
            assert!(synced.contains(&id.as_str()), "{name}: {synced:?}");
        }
        assert_eq!(sync["domains"]["object"], "domains", "{name}");

        // Ann: only the organization's items, with what each collection gives her.
        let sync: Value = ann
            .get(&server, "/api/sync?excludeDomains=true")
            .await?
            .json()
            .await?;
        assert!(sync["domains"].is_null(), "{name}");
        let items = sync["ciphers"].as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), IN_READ_ONLY + IN_HIDDEN, "{name}");
        for (i, item) in items.iter().enumerate() {
            let in_read_only = i < IN_READ_ONLY;
            let collection = &collections[usize::from(!in_read_only)];
            assert_eq!(
                item["collectionIds"],
                json!([collection]),
                "{name}: item {i}"
            );
            assert_eq!(item["edit"], !in_read_only, "{name}: item {i}");
            assert_eq!(item["viewPassword"], in_read_only, "{name}: item {i}");
        }
        server.stop().await?;
    }
    Ok(())
}
