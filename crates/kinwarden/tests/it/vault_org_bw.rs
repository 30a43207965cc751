//! An organization's shared vault driven by the official `bw` CLI, in both modes (issue 18
//! acceptance 1): the owner makes two collections, gives a confirmed member read-only access to
//! one, puts an item in it and moves a personal item into the other; the member sees exactly
//! the first, cannot edit it, reads its password until passwords are hidden, and sees nothing
//! once removed; the organization's export imports into another organization.

use anyhow::Context;
use kinwarden_testkit::bw_cli::encode;
use kinwarden_testkit::{BwCli, ClientAccount, OrganizationKeys, SmtpSink, TestServer};
use serde_json::{Value, json};

use crate::organizations::owner_with_org;
use crate::self_hosted_license::{pair_with_mail, self_hosted_owner, upload};
use crate::support::{Session, confirmed_account};

/// Enterprise (annually).
const ENTERPRISE: i32 = 20;
const USER: i32 = 2;

fn id_of(value: &Value) -> anyhow::Result<String> {
    value["id"]
        .as_str()
        .map(str::to_string)
        .with_context(|| format!("no id in {value}"))
}

fn names(items: &Value) -> Vec<String> {
    let mut names: Vec<String> = items
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item["name"].as_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

/// One organization (and a second, empty one of the same owner) with a confirmed member.
struct Scene {
    server_url: String,
    ca: std::path::PathBuf,
    owner_email: String,
    owner_password: &'static str,
    member: ClientAccount,
    owner_session: Session,
    org_id: String,
    other_org_id: String,
}

async fn run(cli: &BwCli, server: &TestServer, scene: Scene, mode: &str) -> anyhow::Result<()> {
    let Scene {
        server_url,
        ca,
        owner_email,
        owner_password,
        member,
        owner_session,
        org_id,
        other_org_id,
    } = scene;
    let mut bw = cli.session(&server_url, &ca).await?;
    bw.login_password(&owner_email, owner_password).await?;
    let mut theirs = cli.session(&server_url, &ca).await?;
    theirs
        .login_password(&member.email, "member password!")
        .await?;

    // Who is who, as the owner's CLI lists them.
    let members = bw.list_org_members(&org_id).await?;
    let member_of = |email: &str| -> anyhow::Result<String> {
        members
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| m["email"] == email)
            .and_then(|m| m["id"].as_str())
            .map(str::to_string)
            .with_context(|| format!("{mode}: {email} in {members}"))
    };
    let owner_member = member_of(&owner_email)?;
    let member_id = member_of(&member.email)?;

    // Two collections; the member gets read-only access to the first.
    let shared = bw
        .run_json(&[
            "create",
            "org-collection",
            &encode(&json!({"organizationId": org_id, "name": "Shared", "externalId": null})),
            "--organizationid",
            &org_id,
        ])
        .await?;
    assert_eq!(shared["name"], "Shared", "{mode}: {shared}");
    let shared_id = id_of(&shared)?;
    let private = bw
        .run_json(&[
            "create",
            "org-collection",
            &encode(&json!({"organizationId": org_id, "name": "Private", "externalId": null})),
            "--organizationid",
            &org_id,
        ])
        .await?;
    let private_id = id_of(&private)?;
    let access = |read_only: bool, hide: bool| {
        json!({"organizationId": org_id, "name": "Shared", "externalId": null, "groups": [],
        "users": [
            {"id": owner_member, "readOnly": false, "hidePasswords": false, "manage": true},
            {"id": member_id, "readOnly": read_only, "hidePasswords": hide, "manage": false},
        ]})
    };
    let edited = bw
        .run_json(&[
            "edit",
            "org-collection",
            &shared_id,
            &encode(&access(true, false)),
            "--organizationid",
            &org_id,
        ])
        .await?;
    assert_eq!(
        edited["users"].as_array().map(Vec::len),
        Some(2),
        "{mode}: {edited}"
    );
    bw.sync().await?;

    // An item made in the shared collection, and a personal item moved into the private one.
    let made = bw
        .create(
            "item",
            &json!({"type": 1, "name": "Router", "organizationId": org_id,
                "collectionIds": [shared_id], "notes": null,
                "login": {"username": "admin", "password": "r0uter!", "uris": []}}),
        )
        .await?;
    let router_id = id_of(&made)?;
    let own = bw
        .create(
            "item",
            &json!({"type": 1, "name": "Payroll", "login": {"username": "hr", "password": "pay!"}}),
        )
        .await?;
    let payroll_id = id_of(&own)?;
    bw.run_ok(&["move", &payroll_id, &org_id, &encode(&json!([private_id]))])
        .await?;
    bw.sync().await?;
    let owners_view = bw
        .run_json(&["list", "items", "--organizationid", &org_id])
        .await?;
    assert_eq!(
        names(&owners_view),
        ["Payroll", "Router"],
        "{mode}: {owners_view}"
    );

    // A file on the shared item: the organization's storage, no premium needed.
    let dir = tempfile::tempdir()?;
    let manual = dir.path().join("manual.txt");
    std::fs::write(&manual, b"router manual: hold reset for 10 s")?;
    let with_file = bw
        .run_json(&[
            "create",
            "attachment",
            "--file",
            &manual.to_string_lossy(),
            "--itemid",
            &router_id,
        ])
        .await?;
    assert_eq!(
        with_file["attachments"][0]["fileName"], "manual.txt",
        "{mode}: {with_file}"
    );

    // The member sees the shared item only; may read its password and file, not edit it.
    theirs.run_ok(&["sync", "--force"]).await?;
    let fetched = dir.path().join("fetched.txt");
    theirs
        .run_ok(&[
            "get",
            "attachment",
            "manual.txt",
            "--itemid",
            &router_id,
            "--output",
            &fetched.to_string_lossy(),
        ])
        .await?;
    assert_eq!(
        std::fs::read(&fetched)?,
        b"router manual: hold reset for 10 s",
        "{mode}"
    );
    let seen = theirs
        .run_json(&["list", "items", "--organizationid", &org_id])
        .await?;
    assert_eq!(names(&seen), ["Router"], "{mode}: {seen}");
    assert_eq!(
        theirs
            .run_ok(&["get", "password", &router_id])
            .await?
            .trim(),
        "r0uter!",
        "{mode}"
    );
    let mut changed = seen[0].clone();
    changed["name"] = json!("Hacked");
    let refused = theirs
        .run(&["edit", "item", &router_id, &encode(&changed)])
        .await?;
    assert!(
        !refused.status.success(),
        "{mode}: a read-only member edited"
    );
    let server_side: Value = owner_session
        .get(server, &format!("/api/ciphers/{router_id}"))
        .await?
        .json()
        .await?;
    assert_eq!(server_side["id"], router_id.as_str(), "{mode}");

    // Hidden passwords: the answer says so and the CLI gives none.
    bw.run_json(&[
        "edit",
        "org-collection",
        &shared_id,
        &encode(&access(true, true)),
        "--organizationid",
        &org_id,
    ])
    .await?;
    theirs.run_ok(&["sync"]).await?;
    let hidden = theirs.run(&["get", "password", &router_id]).await?;
    let printed = String::from_utf8_lossy(&hidden.stdout);
    assert!(
        !printed.contains("r0uter!"),
        "{mode}: a hidden password was given: {printed}"
    );

    // Export, and the export imported into the other organization.
    let exported_file = dir.path().join("org-export.json");
    bw.run_ok(&[
        "export",
        "--organizationid",
        &org_id,
        "--format",
        "json",
        "--output",
        &exported_file.to_string_lossy(),
    ])
    .await?;
    let exported: Value = serde_json::from_slice(&std::fs::read(&exported_file)?)?;
    assert_eq!(
        names(&exported["items"]),
        ["Payroll", "Router"],
        "{mode}: {exported}"
    );
    let mut collections = names(&exported["collections"]);
    collections.retain(|name| name != "Default collection");
    assert_eq!(collections, ["Private", "Shared"], "{mode}: {exported}");
    bw.run_ok(&[
        "import",
        "bitwardenjson",
        &exported_file.to_string_lossy(),
        "--organizationid",
        &other_org_id,
    ])
    .await?;
    let imported = bw
        .run_json(&["list", "items", "--organizationid", &other_org_id])
        .await?;
    assert_eq!(
        names(&imported),
        ["Payroll", "Router"],
        "{mode}: {imported}"
    );
    let router = imported
        .as_array()
        .into_iter()
        .flatten()
        .find(|item| item["name"] == "Router")
        .context("the imported router")?;
    assert_eq!(router["login"]["password"], "r0uter!", "{mode}");
    let their_collections = bw
        .run_json(&["list", "collections", "--organizationid", &other_org_id])
        .await?;
    let mut imported_collections = names(&their_collections);
    imported_collections.retain(|name| name != "Default collection");
    assert_eq!(imported_collections, ["Private", "Shared"], "{mode}");
    assert_eq!(
        router["collectionIds"].as_array().map(Vec::len),
        Some(1),
        "{mode}"
    );

    // Removed: the member's next sync shows nothing of the organization.
    let removed = owner_session
        .delete(
            server,
            &format!("/api/organizations/{org_id}/users/{member_id}"),
        )
        .await?;
    assert_eq!(removed.status(), 200, "{mode}");
    theirs.run_ok(&["sync"]).await?;
    let after = theirs.run_json(&["list", "items"]).await?;
    assert_eq!(names(&after), Vec::<String>::new(), "{mode}: {after}");
    Ok(())
}

/// A second Enterprise organization of the owner, to import into.
async fn second_organization(
    server: &TestServer,
    owner: &ClientAccount,
    session: &Session,
) -> anyhow::Result<String> {
    let keys = OrganizationKeys::generate()?;
    let mut body = keys.create_request(owner, "Acme Two", "billing@acme.test")?;
    body["planType"] = json!(ENTERPRISE);
    body["additionalSeats"] = json!(5);
    let created: Value = session
        .post(server, "/api/organizations", &body)
        .await?
        .json()
        .await?;
    id_of(&created)
}

async fn cloud(cli: &BwCli) -> anyhow::Result<()> {
    let sink = SmtpSink::start().await?;
    let server = TestServer::cloud()
        .smtp(&sink)
        .setting("kinwarden__logLevel", "info")
        .start()
        .await?;
    let (owner, owner_session, org, org_id) =
        owner_with_org(&server, "owner@acme.test", ENTERPRISE, 10).await?;
    let other_org_id = second_organization(&server, &owner, &owner_session).await?;
    let (member, _) = confirmed_account(
        &server,
        &sink,
        &owner_session,
        &org,
        &org_id,
        "member@acme.test",
        USER,
    )
    .await?;
    let scene = Scene {
        server_url: server.url.as_str().trim_end_matches('/').to_string(),
        ca: server.bwdata.join("ssl/ca.crt"),
        owner_email: owner.email.clone(),
        // As `owner_with_org` registers the owner.
        owner_password: "owner password!",
        member,
        owner_session,
        org_id,
        other_org_id,
    };
    run(cli, &server, scene, "cloud").await?;
    server.stop().await
}

/// The license of a cloud organization made for this installation.
async fn license_for(
    pair: &crate::self_hosted_license::Pair,
    email: &str,
) -> anyhow::Result<String> {
    let (_, session, _, org_id) = owner_with_org(&pair.cloud, email, ENTERPRISE, 10).await?;
    Ok(session
        .get(
            &pair.cloud,
            &format!(
                "/api/organizations/{org_id}/license?installationId={}",
                pair.installation_id
            ),
        )
        .await?
        .text()
        .await?)
}

async fn self_hosted(cli: &BwCli) -> anyhow::Result<()> {
    let sink = SmtpSink::start().await?;
    let backend = kinwarden_testkit::backends()
        .pop()
        .context("a test database")?;
    let pair = pair_with_mail(backend, 10, Some(&sink)).await?;
    let server = &pair.self_hosted;
    let (owner, owner_session, org) = self_hosted_owner(server).await?;
    let license = pair.download_license(&pair.installation_id).await?;
    let path = "/api/organizations/licenses/self-hosted";
    let created: Value = upload(server, &owner_session, path, &license, &owner, &org)
        .await?
        .json()
        .await?;
    let org_id = id_of(&created)?;
    let second = license_for(&pair, "second@cloud.test").await?;
    let other_keys = OrganizationKeys::generate()?;
    let other: Value = upload(server, &owner_session, path, &second, &owner, &other_keys)
        .await?
        .json()
        .await?;
    let other_org_id = id_of(&other)?;
    let (member, _) = confirmed_account(
        server,
        &sink,
        &owner_session,
        &org,
        &org_id,
        "member@selfhost.test",
        USER,
    )
    .await?;
    let scene = Scene {
        server_url: server.url.as_str().trim_end_matches('/').to_string(),
        ca: server.bwdata.join("ssl/ca.crt"),
        owner_email: owner.email.clone(),
        // As `self_hosted_owner` registers the owner.
        owner_password: "self hosted pw!",
        member,
        owner_session,
        org_id,
        other_org_id,
    };
    run(cli, server, scene, "self-hosted").await?;
    pair.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bw_shares_items_through_collections_in_both_modes() -> anyhow::Result<()> {
    let cli = BwCli::install().await?;
    cloud(&cli).await?;
    self_hosted(&cli).await?;
    Ok(())
}

/// The invitation mail to `email`, whatever else the sink holds.
async fn invitation_to(sink: &SmtpSink, email: &str) -> anyhow::Result<String> {
    for _ in 0..40 {
        if let Some(mail) = sink
            .messages()
            .into_iter()
            .rev()
            .find(|mail| mail.rcpt_to.iter().any(|to| to == email))
        {
            return mail.text_body().context("a text part");
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    anyhow::bail!("no mail to {email}")
}

/// The end of the seed's story (issue 18 acceptance 2): the redeemed Families organization's
/// owner invites a family member, shares an item through a collection with `bw`, and the family
/// member reads it with `bw`.
pub(crate) async fn the_family_shares_an_item(
    server: &TestServer,
    sink: &SmtpSink,
    owner: &ClientAccount,
    owner_password: &str,
    owner_session: &Session,
    keys: &OrganizationKeys,
    org_id: &str,
) -> anyhow::Result<()> {
    let kid = ClientAccount::new(
        "kid@example.com",
        "kid's password!",
        kinwarden_testkit::Kdf::DEFAULT_ITERATIONS,
    )?;
    crate::support::register(server, &kid).await?;
    let kid_session = crate::support::login(server, &kid).await?;
    let invited = owner_session
        .post(
            server,
            &format!("/api/organizations/{org_id}/users/invite"),
            &json!({"emails": [kid.email], "type": USER}),
        )
        .await?;
    anyhow::ensure!(invited.status() == 200, "invite: {}", invited.status());
    let body = invitation_to(sink, &kid.email).await?;
    let param = |name: &str| {
        crate::organizations::link_param(&body, name).with_context(|| format!("{name} in {body}"))
    };
    let kid_member = param("organizationUserId")?;
    let accepted = kid_session
        .post(
            server,
            &format!("/api/organizations/{org_id}/users/{kid_member}/accept"),
            &json!({"token": param("token")?}),
        )
        .await?;
    anyhow::ensure!(accepted.status() == 200, "accept: {}", accepted.status());
    let confirm = keys.confirm_request(&kid.public_key()?)?;
    let confirmed = owner_session
        .post(
            server,
            &format!("/api/organizations/{org_id}/users/{kid_member}/confirm"),
            &confirm,
        )
        .await?;
    anyhow::ensure!(confirmed.status() == 200, "confirm: {}", confirmed.status());

    let cli = BwCli::install().await?;
    let url = server.url.as_str().trim_end_matches('/');
    let ca = server.bwdata.join("ssl/ca.crt");
    let mut bw = cli.session(url, &ca).await?;
    bw.login_password(&owner.email, owner_password).await?;
    let members = bw.list_org_members(org_id).await?;
    let owner_member = members
        .as_array()
        .into_iter()
        .flatten()
        .find(|m| m["email"] == owner.email.as_str())
        .and_then(|m| m["id"].as_str())
        .context("the owner's membership")?
        .to_string();
    let collection = bw
        .run_json(&[
            "create",
            "org-collection",
            &encode(
                &json!({"organizationId": org_id, "name": "Family", "externalId": null,
                "groups": [], "users": [
                    {"id": owner_member, "readOnly": false, "hidePasswords": false, "manage": true},
                    {"id": kid_member, "readOnly": true, "hidePasswords": false, "manage": false},
                ]}),
            ),
            "--organizationid",
            org_id,
        ])
        .await?;
    let collection_id = id_of(&collection)?;
    bw.sync().await?;
    let item = bw
        .create(
            "item",
            &json!({"type": 1, "name": "Home Wi-Fi", "organizationId": org_id,
                "collectionIds": [collection_id],
                "login": {"username": "family", "password": "w1f1 at home", "uris": []}}),
        )
        .await?;
    let item_id = id_of(&item)?;

    let mut kids = cli.session(url, &ca).await?;
    kids.login_password(&kid.email, "kid's password!").await?;
    let seen = kids
        .run_json(&["list", "items", "--organizationid", org_id])
        .await?;
    assert_eq!(names(&seen), ["Home Wi-Fi"], "{seen}");
    assert_eq!(
        kids.run_ok(&["get", "password", &item_id]).await?.trim(),
        "w1f1 at home"
    );
    Ok(())
}
