//! The personal vault over HTTP, on both backends: the stale-edit check, purge only with the
//! master password, the reference's refusals of bad input (nothing changes), another user's
//! items out of reach, and the account revision date that tells `bw sync` to fetch.

use kinwarden_testkit::{ClientAccount, Kdf, TestServer, backends};
use serde_json::{Value, json};

use crate::support::{Session, login, register};

const ENC: &str = "2.aXZpdml2aXZpdml2aQ==|Y3RjdGN0|bWFjbWFjbWFj";
const ENC_2: &str = "2.b3RoZXJvdGhlcm90aA==|Y3RjdGN0|bWFjbWFjbWFj";
const STALE: &str = "The item cannot be saved because it is out of date. To edit this item, first sync your vault, or log out and back in.";

async fn account(server: &TestServer, email: &str) -> anyhow::Result<(ClientAccount, Session)> {
    let account = ClientAccount::new(email, "a long password", Kdf::DEFAULT_ITERATIONS)?;
    register(server, &account).await?;
    let session = login(server, &account).await?;
    Ok((account, session))
}

fn note(name: &str) -> Value {
    json!({"type": 2, "name": name, "notes": null, "secureNote": {"type": 0}})
}

async fn revision_date(server: &TestServer, session: &Session) -> anyhow::Result<i64> {
    Ok(session
        .get(server, "/api/accounts/revision-date")
        .await?
        .json()
        .await?)
}

async fn message(response: reqwest::Response) -> anyhow::Result<(u16, Value)> {
    let status = response.status().as_u16();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

#[tokio::test]
async fn edits_are_checked_and_nothing_of_another_user_is_reachable() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let server = TestServer::cloud().backend(backend).start().await?;
        let (ann_account, ann) = account(&server, "ann@example.com").await?;
        let (_, bo) = account(&server, "bo@example.com").await?;
        let before = revision_date(&server, &ann).await?;

        let created: Value = ann
            .post(&server, "/api/ciphers", &note(ENC))
            .await?
            .json()
            .await?;
        assert_eq!(created["object"], "cipher", "{name}: {created}");
        assert_eq!(created["deletedDate"], Value::Null);
        assert_eq!(
            created["permissions"],
            json!({"delete": true, "restore": true})
        );
        let id = created["id"].as_str().unwrap_or_default().to_string();
        let revision = created["revisionDate"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(
            revision_date(&server, &ann).await? > before,
            "{name}: bumped"
        );
        let path = format!("/api/ciphers/{id}");

        // An edit of a copy older than the stored item is refused, and changes nothing.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let mut edit = note(ENC_2);
        edit["lastKnownRevisionDate"] = json!("2020-01-01T00:00:00.000Z");
        let (status, body) = message(ann.put(&server, &path, &edit).await?).await?;
        assert_eq!(
            (status, body["message"].as_str()),
            (400, Some(STALE)),
            "{name}"
        );
        let stored: Value = ann.get(&server, &path).await?.json().await?;
        assert_eq!(stored["name"], ENC, "{name}");
        // With the copy's date (as clients write it, 7 fractional digits) it goes through.
        edit["lastKnownRevisionDate"] = json!(revision.replace('Z', "0000Z"));
        let (status, body) = message(ann.put(&server, &path, &edit).await?).await?;
        assert_eq!(status, 200, "{name}: {body}");
        assert_eq!(body["name"], ENC_2);
        assert_ne!(body["revisionDate"], json!(revision), "{name}");

        // Bad input: the reference's refusals, and nothing stored.
        let mut plain = note("not encrypted");
        let (status, body) = message(ann.post(&server, "/api/ciphers", &plain).await?).await?;
        assert_eq!(status, 400, "{name}");
        assert_eq!(
            body["validationErrors"]["Name"][0], "Name is not a valid encrypted string.",
            "{name}: {body}"
        );
        plain = note(ENC);
        plain["type"] = json!(9);
        let (status, _) = message(ann.post(&server, "/api/ciphers", &plain).await?).await?;
        assert_eq!(status, 400, "{name}: an unknown type");
        plain = json!({"type": 1, "name": ENC});
        let (status, body) = message(ann.post(&server, "/api/ciphers", &plain).await?).await?;
        assert_eq!(status, 400, "{name}: a login without its login part");
        assert!(body["validationErrors"]["Login"].is_array(), "{body}");
        let bos_folder: Value = bo
            .post(&server, "/api/folders", &json!({"name": ENC}))
            .await?
            .json()
            .await?;
        plain = note(ENC);
        plain["folderId"] = bos_folder["id"].clone();
        let (status, body) = message(ann.post(&server, "/api/ciphers", &plain).await?).await?;
        assert_eq!(
            (status, body["message"].as_str()),
            (400, Some("Invalid folder.")),
            "{name}"
        );
        for body in ["{", "[]", r#"{"type": "x"}"#] {
            let response = server
                .client
                .post(server.at("/api/ciphers"))
                .bearer_auth(&ann.access_token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await?;
            assert_eq!(response.status(), 400, "{name}: {body}");
        }
        let listed: Value = ann.get(&server, "/api/ciphers").await?.json().await?;
        assert_eq!(listed["data"].as_array().map(Vec::len), Some(1), "{name}");

        // Bo reaches nothing of Ann's: not the item, not its trash, not by a bulk request.
        assert_eq!(bo.get(&server, &path).await?.status(), 404, "{name}");
        assert_eq!(bo.put(&server, &path, &note(ENC)).await?.status(), 404);
        let soft = format!("{path}/delete");
        assert_eq!(bo.put(&server, &soft, &json!({})).await?.status(), 404);
        let bulk = json!({"ids": [id]});
        assert_eq!(
            bo.put(&server, "/api/ciphers/delete", &bulk)
                .await?
                .status(),
            200
        );
        let stored: Value = ann.get(&server, &path).await?.json().await?;
        assert_eq!(stored["deletedDate"], Value::Null, "{name}: untouched");
        let sync: Value = bo.get(&server, "/api/sync").await?.json().await?;
        assert_eq!(sync["ciphers"], json!([]), "{name}");

        // The archive is the owner's mark: Bo can neither set it nor see it.
        let archive = format!("{path}/archive");
        assert_eq!(bo.put(&server, &archive, &json!({})).await?.status(), 404);
        let by_bo: Value = bo
            .put(&server, "/api/ciphers/archive", &bulk)
            .await?
            .json()
            .await?;
        assert_eq!(by_bo["data"], json!([]), "{name}");
        let archived: Value = ann.put(&server, &archive, &json!({})).await?.json().await?;
        assert!(archived["archivedDate"].is_string(), "{name}: {archived}");
        let listed: Value = ann
            .put(&server, "/api/ciphers/unarchive", &bulk)
            .await?
            .json()
            .await?;
        assert_eq!(listed["data"][0]["archivedDate"], Value::Null, "{name}");

        // Purge: a wrong password changes nothing; the right one empties the vault.
        let wrong = json!({"masterPasswordHash": "d3Jvbmc="});
        let (status, body) =
            message(ann.post(&server, "/api/ciphers/purge", &wrong).await?).await?;
        assert_eq!(status, 400, "{name}");
        assert!(
            body.to_string().contains("User verification failed."),
            "{name}: {body}"
        );
        let sync: Value = ann.get(&server, "/api/sync").await?.json().await?;
        assert_eq!(sync["ciphers"].as_array().map(Vec::len), Some(1), "{name}");
        let right = json!({"masterPasswordHash": ann_account.master_password_hash});
        let purged = ann.post(&server, "/api/ciphers/purge", &right).await?;
        assert_eq!(purged.status(), 200, "{name}");
        let sync: Value = ann.get(&server, "/api/sync").await?.json().await?;
        assert_eq!(sync["ciphers"], json!([]), "{name}");
        let bos: Value = bo.get(&server, "/api/folders").await?.json().await?;
        assert_eq!(bos["data"].as_array().map(Vec::len), Some(1), "{name}");
        server.stop().await?;
    }
    Ok(())
}

/// An import is all or nothing: one bad item among many writes nothing; a good one writes every
/// item and folder with their links; a cloud refuses more than the reference's limits.
#[tokio::test]
async fn an_import_is_all_or_nothing_and_bounded_on_a_cloud() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let server = TestServer::cloud().backend(backend).start().await?;
        let (_, ann) = account(&server, "ann@example.com").await?;
        // A real vault's worth: 5,000 items of about a kilobyte (a body of some 6 MB), over two
        // folders.
        let big = "A".repeat(898);
        let item = |i: usize| {
            json!({"type": 1, "name": ENC, "notes": format!("2.{big}==|Y3RjdGN0|bWFj{i:08}"),
                "favorite": i.is_multiple_of(10), "login": {"username": ENC, "password": ENC_2,
                "uris": [{"uri": ENC, "match": null}]}})
        };
        let mut ciphers: Vec<Value> = (0..5000).map(item).collect();
        let folders = json!([{"name": ENC}, {"name": ENC_2}]);
        let links: Vec<Value> = (0..5000)
            .map(|i| json!({"key": i, "value": i % 2}))
            .chain([
                json!({"key": 7000, "value": 0}),
                json!({"key": 1, "value": 9}),
            ])
            .collect();
        ciphers[4999]["name"] = json!("plain text");
        let body = json!({"ciphers": ciphers, "folders": folders, "folderRelationships": links});
        let (status, refused) =
            message(ann.post(&server, "/api/ciphers/import", &body).await?).await?;
        assert_eq!(status, 400, "{name}");
        assert!(
            refused["validationErrors"]["Ciphers[4999].Name"].is_array(),
            "{name}: {refused}"
        );
        let sync: Value = ann.get(&server, "/api/sync").await?.json().await?;
        assert_eq!(sync["ciphers"], json!([]), "{name}: nothing written");
        assert_eq!(sync["folders"], json!([]), "{name}");

        let mut body = body;
        body["ciphers"][4999]["name"] = json!(ENC);
        let imported = ann.post(&server, "/api/ciphers/import", &body).await?;
        assert_eq!(imported.status(), 200, "{name}");
        let sync: Value = ann.get(&server, "/api/sync").await?.json().await?;
        let items = sync["ciphers"].as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 5000, "{name}");
        let folders = sync["folders"].as_array().cloned().unwrap_or_default();
        assert_eq!(folders.len(), 2, "{name}");
        let in_first = items
            .iter()
            .filter(|item| {
                item["folderId"] == folders[0]["id"] || item["folderId"] == folders[1]["id"]
            })
            .count();
        assert_eq!(in_first, 5000, "{name}: every item in its folder");
        let favorites = items.iter().filter(|item| item["favorite"] == true).count();
        assert_eq!(favorites, 500, "{name}");
        assert_eq!(items[0]["login"]["password"], ENC_2, "{name}");

        // A cloud takes at most 7,000 items at once.
        let too_many: Vec<Value> = (0..7001).map(|_| note(ENC)).collect();
        let (status, body) = message(
            ann.post(
                &server,
                "/api/ciphers/import",
                &json!({"ciphers": too_many}),
            )
            .await?,
        )
        .await?;
        assert_eq!(
            (status, body["message"].as_str()),
            (400, Some("You cannot import this much data at once.")),
            "{name}"
        );
        server.stop().await?;
    }
    Ok(())
}

/// Attachments over HTTP: premium needed, an upload that does not match its reservation is
/// refused and its reservation removed, the download link works without a token and only for
/// its file, another user reaches nothing.
#[tokio::test]
async fn attachments_match_their_reservation_and_download_by_link() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let server = TestServer::self_hosted()
            .backend(backend)
            .setting("kinwarden__attachmentMaxSize", "1")
            .start()
            .await?;
        let (_, ann) = account(&server, "ann@example.com").await?;
        let item: Value = ann
            .post(&server, "/api/ciphers", &note(ENC))
            .await?
            .json()
            .await?;
        let id = item["id"].as_str().unwrap_or_default().to_string();
        let reserve = format!("/api/ciphers/{id}/attachment/v2");
        let file = |size: i64| json!({"key": ENC, "fileName": ENC, "fileSize": size});
        // Without premium (no organization gives it, the setting is off): refused.
        let (status, body) = message(ann.post(&server, &reserve, &file(100)).await?).await?;
        assert_eq!(
            (status, body["message"].as_str()),
            (
                400,
                Some("You must have premium status to use attachments.")
            ),
            "{name}"
        );
        server.stop().await?;
    }
    for backend in backends() {
        let name = backend.name();
        let server = TestServer::self_hosted()
            .backend(backend)
            .setting("kinwarden__premiumForAll", "true")
            .setting("kinwarden__attachmentMaxSize", "1")
            .start()
            .await?;
        let (_, ann) = account(&server, "ann@example.com").await?;
        let (_, bo) = account(&server, "bo@example.com").await?;
        let item: Value = ann
            .post(&server, "/api/ciphers", &note(ENC))
            .await?
            .json()
            .await?;
        let id = item["id"].as_str().unwrap_or_default().to_string();
        let reserve = format!("/api/ciphers/{id}/attachment/v2");
        let file = |size: i64| json!({"key": ENC, "fileName": ENC, "fileSize": size});
        // Over the configured largest file (1 MiB here).
        let (status, body) =
            message(ann.post(&server, &reserve, &file(3 * 1024 * 1024)).await?).await?;
        assert_eq!(
            (status, body["message"].as_str()),
            (400, Some("Max file size is 1 MB.")),
            "{name}"
        );
        assert_eq!(bo.post(&server, &reserve, &file(10)).await?.status(), 404);

        let upload = |attachment: String, bytes: Vec<u8>| {
            let form = reqwest::multipart::Form::new().part(
                "data",
                reqwest::multipart::Part::bytes(bytes).file_name("x.bin"),
            );
            server
                .client
                .post(server.at(&format!("/api/ciphers/{id}/attachment/{attachment}")))
                .bearer_auth(&ann.access_token)
                .multipart(form)
                .send()
        };
        // Reserved for 100 bytes, 2 MiB arrive: refused, and the reservation is gone.
        let reserved: Value = ann
            .post(&server, &reserve, &file(100))
            .await?
            .json()
            .await?;
        let first = reserved["attachmentId"].as_str().unwrap_or_default();
        assert_eq!(
            reserved["cipherResponse"]["attachments"][0]["id"], first,
            "{name}: the answer lists the reservation"
        );
        let (status, body) =
            message(upload(first.to_string(), vec![7; 2 * 1024 * 1024]).await?).await?;
        assert_eq!(
            (status, body["message"].as_str()),
            (
                400,
                Some("File received does not match expected file length.")
            ),
            "{name}"
        );
        let after: Value = ann
            .get(&server, &format!("/api/ciphers/{id}"))
            .await?
            .json()
            .await?;
        assert_eq!(after["attachments"], Value::Null, "{name}: {after}");

        // Reserved and sent as declared: downloadable by its link, without a token.
        let bytes: Vec<u8> = (0..5000u32).map(|i| (i % 256) as u8).collect();
        let reserved: Value = ann
            .post(&server, &reserve, &file(5000))
            .await?
            .json()
            .await?;
        let second = reserved["attachmentId"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert_eq!(upload(second.clone(), bytes.clone()).await?.status(), 200);
        let attachment_path = format!("/api/ciphers/{id}/attachment/{second}");
        assert_eq!(bo.get(&server, &attachment_path).await?.status(), 404);
        let listed: Value = ann.get(&server, &attachment_path).await?.json().await?;
        assert_eq!(listed["size"], "5000", "{name}: {listed}");
        let link = listed["url"].as_str().unwrap_or_default().to_string();
        let fetched = server.client.get(&link).send().await?;
        assert_eq!(fetched.status(), 200, "{name}");
        assert_eq!(fetched.bytes().await?.to_vec(), bytes, "{name}");
        let forged = link.replace("token=", "token=x");
        assert_eq!(server.client.get(&forged).send().await?.status(), 404);
        assert_eq!(
            server
                .client
                .get(server.at("/api/ciphers/attachment/download"))
                .send()
                .await?
                .status(),
            404
        );

        // Deleted: the answer is the item after, and the link no longer works.
        assert_eq!(bo.delete(&server, &attachment_path).await?.status(), 404);
        let deleted: Value = ann.delete(&server, &attachment_path).await?.json().await?;
        assert_eq!(deleted["object"], "deleteAttachment", "{name}");
        assert_eq!(deleted["cipher"]["attachments"], Value::Null, "{name}");
        assert_eq!(server.client.get(&link).send().await?.status(), 404);
        server.stop().await?;
    }
    Ok(())
}
