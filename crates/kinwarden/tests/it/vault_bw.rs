//! The personal vault driven by the official `bw` CLI, in both modes (issue 17 acceptance 1, the
//! parts served so far): a folder and one item of each type 1–5 made with `bw create`, read back
//! with `bw list`/`bw get`, changed with `bw edit` and seen by a second profile after `bw sync`,
//! and through the trash and back, then deleted for good.

use anyhow::Context;
use kinwarden_testkit::{BwCli, BwSession, ClientAccount, Kdf, TestServer, TestServerBuilder};
use serde_json::{Value, json};

use crate::support::register;

const PASSWORD: &str = "a vault's correct horse battery";
/// An RFC 6238 test secret: `bw get totp` answers a six-digit code from it.
const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXP";

fn items(folder_id: &str) -> Vec<Value> {
    vec![
        json!({"type": 1, "name": "Mail", "notes": "the mail login", "folderId": folder_id,
            "favorite": true, "reprompt": 0,
            "login": {"uris": [{"match": null, "uri": "https://mail.example.com"}],
                "username": "ann", "password": "s3cret!", "totp": TOTP_SECRET},
            "fields": [{"name": "pin", "value": "1234", "type": 1}]}),
        json!({"type": 2, "name": "Note", "notes": "a secure note", "secureNote": {"type": 0}}),
        json!({"type": 3, "name": "Visa", "card": {"cardholderName": "Ann Andersson",
            "brand": "Visa", "number": "4111111111111111", "expMonth": "12", "expYear": "2030",
            "code": "123"}}),
        json!({"type": 4, "name": "Me", "identity": {"firstName": "Ann", "lastName": "Andersson",
            "email": "ann@example.com", "city": "Åkersberga"}}),
        json!({"type": 5, "name": "Server key", "sshKey": {
            "privateKey": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDeHiBo7nsKZ5lHGYg0IcHh3nA9QAtzh5WvOv0lq+ShdQAAAJBb0IhMW9CI\nTAAAAAtzc2gtZWQyNTUxOQAAACDeHiBo7nsKZ5lHGYg0IcHh3nA9QAtzh5WvOv0lq+ShdQ\nAAAEAsgQ9yTqX7V4XW5JYkS7yYZ0q0s3nV1fR3c3Qh0m2bBN4eIGjuewpnmUcZiDQhweHe\ncD1AC3OHla86/SWr5KF1AAAAC2FubkBleGFtcGxlAQI=\n-----END OPENSSH PRIVATE KEY-----\n",
            "publicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN4eIGjuewpnmUcZiDQhweHecD1AC3OHla86/SWr5KF1 ann@example",
            "keyFingerprint": "SHA256:q3Qk7qIuS0aTWb8x2w1TQO8Y0wM3yqYb6mZt2F0wP9c"}}),
    ]
}

fn id_of(value: &Value) -> anyhow::Result<String> {
    value["id"]
        .as_str()
        .map(str::to_string)
        .with_context(|| format!("no id in {value}"))
}

async fn get(bw: &BwSession, what: &str, id: &str) -> anyhow::Result<String> {
    Ok(bw.run_ok(&["get", what, id]).await?.trim().to_string())
}

async fn round_trip(cli: &BwCli, builder: TestServerBuilder, mode: &str) -> anyhow::Result<()> {
    let server = builder
        .setting("kinwarden__premiumForAll", "true")
        .setting("kinwarden__logLevel", "info")
        .start()
        .await?;
    let url = server.url.as_str().trim_end_matches('/');
    let ca = server.bwdata.join("ssl/ca.crt");
    let account = ClientAccount::new("ann@example.com", PASSWORD, Kdf::DEFAULT_ITERATIONS)?;
    register(&server, &account).await?;
    let mut bw = cli.session(url, &ca).await?;
    bw.login_password(&account.email, PASSWORD).await?;
    let mut other = cli.session(url, &ca).await?;
    other.login_password(&account.email, PASSWORD).await?;

    let folder = bw.create("folder", &json!({"name": "Work"})).await?;
    assert_eq!(folder["name"], "Work", "{mode}: {folder}");
    let folder_id = id_of(&folder)?;
    let mut ids = Vec::new();
    for item in items(&folder_id) {
        let created = bw.create("item", &item).await?;
        assert_eq!(created["name"], item["name"], "{mode}: {created}");
        assert_eq!(created["type"], item["type"], "{mode}: {created}");
        ids.push(id_of(&created)?);
    }
    let login = &ids[0];

    let listed = bw.run_json(&["list", "items"]).await?;
    let listed = listed.as_array().context("a list")?;
    assert_eq!(listed.len(), 5, "{mode}: {listed:?}");
    let in_folder = bw
        .run_json(&["list", "items", "--folderid", &folder_id])
        .await?;
    assert_eq!(
        in_folder.as_array().map(Vec::len),
        Some(1),
        "{mode}: {in_folder}"
    );
    assert_eq!(get(&bw, "password", login).await?, "s3cret!", "{mode}");
    assert_eq!(get(&bw, "username", login).await?, "ann", "{mode}");
    assert_eq!(get(&bw, "notes", login).await?, "the mail login", "{mode}");
    let totp = get(&bw, "totp", login).await?;
    assert!(
        totp.len() == 6 && totp.chars().all(|c| c.is_ascii_digit()),
        "{mode}: {totp}"
    );
    let card = bw.run_json(&["get", "item", &ids[2]]).await?;
    assert_eq!(card["card"]["number"], "4111111111111111", "{mode}: {card}");
    let identity = bw.run_json(&["get", "item", &ids[3]]).await?;
    assert_eq!(identity["identity"]["city"], "Åkersberga", "{mode}");
    let ssh = bw.run_json(&["get", "item", &ids[4]]).await?;
    assert!(
        ssh["sshKey"]["publicKey"]
            .as_str()
            .is_some_and(|key| key.starts_with("ssh-ed25519 ")),
        "{mode}: {ssh}"
    );
    let mail = bw.run_json(&["get", "item", login]).await?;
    assert_eq!(mail["fields"][0]["value"], "1234", "{mode}: {mail}");
    assert_eq!(mail["favorite"], true, "{mode}");
    assert_eq!(mail["folderId"], folder_id.as_str(), "{mode}");

    // An edit, seen by the second profile once it syncs.
    let mut changed = mail.clone();
    changed["login"]["password"] = json!("n3w s3cret");
    let edited = bw.edit("item", login, &changed).await?;
    assert_eq!(
        edited["login"]["password"], "n3w s3cret",
        "{mode}: {edited}"
    );
    other.sync().await?;
    assert_eq!(
        get(&other, "password", login).await?,
        "n3w s3cret",
        "{mode}"
    );

    // A folder renamed by the second profile reaches the first.
    let renamed = json!({"name": "Work stuff"});
    let folder = other.edit("folder", &folder_id, &renamed).await?;
    assert_eq!(folder["name"], "Work stuff", "{mode}: {folder}");
    bw.sync().await?;
    let folders = bw.run_json(&["list", "folders"]).await?;
    assert!(
        folders.to_string().contains("Work stuff"),
        "{mode}: {folders}"
    );

    // A file attached to the note comes back byte for byte, through a link that needs no token.
    let note = &ids[1];
    let dir = tempfile::tempdir()?;
    let bytes: Vec<u8> = (0..70_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let original = dir.path().join("scan.bin");
    std::fs::write(&original, &bytes)?;
    let with_file = bw
        .run_json(&[
            "create",
            "attachment",
            "--file",
            &original.to_string_lossy(),
            "--itemid",
            note,
        ])
        .await?;
    let attachment = &with_file["attachments"][0];
    assert_eq!(attachment["fileName"], "scan.bin", "{mode}: {with_file}");
    let id = attachment["id"].as_str().context("the attachment's id")?;
    let stored_file = server
        .bwdata
        .join("attachments")
        .join(note.as_str())
        .join(id);
    // The server keeps and counts the encrypted file: a little larger than the plain one.
    let on_disk = std::fs::metadata(&stored_file)?.len();
    assert!(on_disk > 70_000, "{mode}: {on_disk}");
    assert_eq!(
        attachment["size"],
        on_disk.to_string(),
        "{mode}: {with_file}"
    );
    let fetched = dir.path().join("fetched.bin");
    bw.run_ok(&[
        "get",
        "attachment",
        "scan.bin",
        "--itemid",
        note,
        "--output",
        &fetched.to_string_lossy(),
    ])
    .await?;
    assert_eq!(std::fs::read(&fetched)?, bytes, "{mode}");
    let stored = server.bwdata.join("attachments").join(note.as_str());
    assert!(
        stored.is_dir(),
        "{mode}: the file is under bwdata/attachments"
    );

    // The trash and back, then gone for good, its file with it.
    bw.run_ok(&["delete", "item", note]).await?;
    let trash = bw.run_json(&["list", "items", "--trash"]).await?;
    assert_eq!(
        trash.as_array().map(|items| items.len()),
        Some(1),
        "{mode}: {trash}"
    );
    assert_eq!(trash[0]["id"], note.as_str(), "{mode}");
    bw.run_ok(&["restore", "item", note]).await?;
    let trash = bw.run_json(&["list", "items", "--trash"]).await?;
    assert_eq!(trash, json!([]), "{mode}");
    bw.run_ok(&["delete", "item", note, "--permanent"]).await?;
    assert!(!stored.exists(), "{mode}: the file went with the item");
    other.sync().await?;
    let left = other.run_json(&["list", "items"]).await?;
    assert_eq!(left.as_array().map(Vec::len), Some(4), "{mode}: {left}");
    assert!(!left.to_string().contains(note.as_str()), "{mode}");

    // Deleting the folder leaves its item with none.
    bw.run_ok(&["delete", "folder", &folder_id]).await?;
    let mail = bw.run_json(&["get", "item", login]).await?;
    assert_eq!(mail["folderId"], Value::Null, "{mode}: {mail}");

    // Export, and an import of the export into another account reproduces items and folders.
    let home = bw.create("folder", &json!({"name": "Home"})).await?;
    let home_id = id_of(&home)?;
    let recipe = json!({"type": 2, "name": "Recipe", "notes": "flour, eggs", "folderId": home_id,
        "secureNote": {"type": 0}});
    bw.create("item", &recipe).await?;
    let plain = dir.path().join("export.json");
    bw.run_ok(&[
        "export",
        "--format",
        "json",
        "--output",
        &plain.to_string_lossy(),
    ])
    .await?;
    let exported: Value = serde_json::from_slice(&std::fs::read(&plain)?)?;
    assert_eq!(exported["encrypted"], false, "{mode}");
    assert_eq!(
        exported["items"].as_array().map(Vec::len),
        Some(5),
        "{mode}: {exported}"
    );
    assert_eq!(exported["folders"][0]["name"], "Home", "{mode}");
    let sealed = dir.path().join("export-encrypted.json");
    bw.run_ok(&[
        "export",
        "--format",
        "encrypted_json",
        "--output",
        &sealed.to_string_lossy(),
    ])
    .await?;
    let sealed: Value = serde_json::from_slice(&std::fs::read(&sealed)?)?;
    assert_eq!(sealed["encrypted"], true, "{mode}");
    assert_eq!(sealed["items"].as_array().map(Vec::len), Some(5), "{mode}");

    let bo = ClientAccount::new("bo@example.com", PASSWORD, Kdf::DEFAULT_ITERATIONS)?;
    register(&server, &bo).await?;
    let mut bos = cli.session(url, &ca).await?;
    bos.login_password(&bo.email, PASSWORD).await?;
    bos.run_ok(&["import", "bitwardenjson", &plain.to_string_lossy()])
        .await?;
    let names = |items: &Value| {
        let mut names: Vec<String> = items
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item["name"].as_str().map(str::to_string))
            .collect();
        names.sort();
        names
    };
    let theirs = bos.run_json(&["list", "items"]).await?;
    assert_eq!(
        names(&theirs),
        names(&exported["items"]),
        "{mode}: {theirs}"
    );
    let their_folders = bos.run_json(&["list", "folders"]).await?;
    let their_home = their_folders
        .as_array()
        .into_iter()
        .flatten()
        .find(|folder| folder["name"] == "Home")
        .with_context(|| format!("{mode}: no Home folder in {their_folders}"))?;
    let their_recipe = theirs
        .as_array()
        .into_iter()
        .flatten()
        .find(|item| item["name"] == "Recipe")
        .context("the recipe")?;
    assert_eq!(their_recipe["folderId"], their_home["id"], "{mode}");
    assert_eq!(their_recipe["notes"], "flour, eggs", "{mode}");
    let their_login = theirs
        .as_array()
        .into_iter()
        .flatten()
        .find(|item| item["name"] == "Mail")
        .context("the login")?;
    assert_eq!(their_login["login"]["password"], "n3w s3cret", "{mode}");
    server.stop().await?;
    Ok(())
}

#[tokio::test]
async fn bw_manages_a_personal_vault_in_both_modes() -> anyhow::Result<()> {
    let cli = BwCli::install().await?;
    round_trip(&cli, TestServer::cloud(), "cloud").await?;
    round_trip(&cli, TestServer::self_hosted(), "self-hosted").await?;
    Ok(())
}
