//! SPEC §10's vault figures, on the release `kinwarden serve` as its own process: `GET /api/sync`
//! of a member reaching 5,000 login items in 100 folders (warm; median and p95 of 20) beside its
//! raw floor, interleaved so both see the same machine; the server's memory after those syncs;
//! and `POST /api/ciphers/import` of 5,000 personal items with their folders beside the raw
//! insert floor of the same rows (`vault_floor`).
//!
//! The member's vault is SPEC's: half of the items personal, half in an Enterprise organization
//! the member owns, spread evenly over 50 collections the member is assigned to directly (10
//! read-only, 10 with hidden passwords, 30 managed), every item in one of the member's 100
//! folders. The server runs as a cloud, where `POST /api/organizations` creates an
//! organization. The items are encrypted for real, personal ones with the member's user key
//! and the organization's with its key, about 1.6 KB of encrypted strings each (name, username,
//! password, one URI, notes). The vault is seeded through the routes a client uses: the
//! personal import, the new organization, the organization import (its collections, items,
//! their collections and folders in one request) and the collections' bulk access. The timed
//! imports go to accounts of their own. The server is restarted between seeding and the syncs,
//! so the memory it holds afterwards is the syncs', not what reading the import bodies left
//! behind.

use std::path::Path;
use std::time::{Duration, Instant};

use kinwarden_config::Config;
use kinwarden_testkit::{
    ClientAccount, Kdf, OrganizationKeys, ScratchPostgres, SymmetricKey, TestBackend,
};
use serde_json::{Value, json};

use crate::load;
use crate::raw::RawDb;
use crate::serve::{self, Rss, Server};
use crate::setup::ENTERPRISE;
use crate::vault_floor::{self, ImportRows, InsertWay};

/// Items in the vault unless `--items` says otherwise (SPEC §10's figure).
pub const ITEMS: usize = 5_000;
pub const FOLDERS: usize = 100;
/// The organization's collections holding the shared half of the items.
pub const COLLECTIONS: usize = 50;
/// Of the collections, how many the member may only read, and how many more hide passwords
/// from them; the rest they manage (as the importer of new collections does).
const READ_ONLY: usize = 10;
const HIDE_PASSWORDS: usize = 10;
pub const SYNCS: usize = 20;

/// The median and 95th percentile of timed runs.
#[derive(Debug, Clone, Copy)]
pub struct Spread {
    pub median: Duration,
    pub p95: Duration,
}

impl Spread {
    fn of(mut runs: Vec<Duration>) -> Self {
        runs.sort();
        let at = |share: usize| {
            let rank = (runs.len() * share).div_ceil(100).max(1);
            runs.get(rank - 1).copied().unwrap_or_default()
        };
        Self {
            median: at(50),
            p95: at(95),
        }
    }
}

pub struct SyncFigures {
    pub server: Spread,
    /// The answer's size in bytes.
    pub bytes: usize,
    pub floor: Spread,
    /// Medians of the floor's two parts.
    pub floor_read: Duration,
    pub floor_write: Duration,
    pub floor_bytes: usize,
    pub rss_before: Rss,
    pub rss_after: Rss,
}

pub struct ImportFigures {
    /// Median over the runs, from sending the request to its whole answer.
    pub server: Duration,
    pub runs: usize,
    pub body_bytes: usize,
}

/// The raw insert floor: each way's median, the fastest first.
pub struct ImportFloor {
    pub ways: Vec<(InsertWay, Duration)>,
}

impl ImportFloor {
    pub fn best(&self) -> Option<(InsertWay, Duration)> {
        self.ways.first().copied()
    }
}

pub struct VaultFigures {
    pub items: usize,
    /// Of the items, those in the organization's collections.
    pub shared: usize,
    pub sync: SyncFigures,
    /// Why the import was not measured, when it was not.
    pub import: Result<ImportFigures, String>,
    pub import_floor: ImportFloor,
}

/// The server's settings for the run: a cloud (organizations are created there, not from a
/// license), no rate limits and no e-mail verification.
fn settings(postgres: Option<&ScratchPostgres>) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = [
        ("globalSettings__selfHosted", "false"),
        ("kinwarden__loginRateLimit", "off"),
        ("kinwarden__mailRateLimitPerAddress", "off"),
        ("kinwarden__mailRateLimitPerIp", "off"),
        ("kinwarden__organizationMailPerDay", "off"),
        ("globalSettings__enableEmailVerification", "false"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    if let Some(db) = postgres {
        env.push(("globalSettings__databaseProvider".into(), "postgres".into()));
        env.push((
            "globalSettings__postgreSql__connectionString".into(),
            db.url().into(),
        ));
    }
    env
}

pub async fn run(
    bin: &Path,
    backend: &TestBackend,
    quick: bool,
    n: usize,
) -> anyhow::Result<VaultFigures> {
    let dir = tempfile::tempdir()?;
    let postgres = match backend {
        TestBackend::Sqlite => None,
        TestBackend::Postgres(admin) => Some(ScratchPostgres::create(admin).await?),
    };
    let env = settings(postgres.as_ref());
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let bwdata = dir.path().join("bwdata");
    let server = Server::start(bin, &bwdata, &env_refs).await?;
    let config = Config::load(&bwdata, env.clone())?;
    let db = RawDb::open(&config.database).await?;
    let client = load::client(&server.ca())?;
    let target = Target {
        server: &server,
        client: &client,
        db: &db,
    };

    let member = ClientAccount::new(
        "vault@example.test",
        "vault password!",
        Kdf::DEFAULT_ITERATIONS,
    )?;
    serve::register(&client, &server.url, &member).await?;
    let bearer = serve::login(&client, &server.url, &member).await?;
    let member_id = user_id(&db, &member.email).await?;
    eprintln!("vault: encrypting {n} items");
    let folder_names = (0..FOLDERS)
        .map(|j| {
            Ok(member
                .user_key
                .encrypt_str(&format!("Folder {j:03}"))?
                .to_string())
        })
        .collect::<anyhow::Result<Vec<String>>>()?;
    let items = (0..n)
        .map(|i| login_item(&member.user_key, i))
        .collect::<anyhow::Result<Vec<Value>>>()?;

    let runs = if quick { 1 } else { 3 };
    let body = serde_json::to_vec(&import_body(&folder_names, &items))?;
    let (import, import_floor) = import_and_floor(&target, &body, runs).await?;

    let shared = n / 2;
    let whose = Member {
        account: &member,
        id: &member_id,
        bearer: &bearer,
    };
    seed(&target, whose, &folder_names, &items[..n - shared], shared).await?;
    server.stop().await?;
    let server = Server::start(bin, &bwdata, &env_refs).await?;
    // A new login: the restarted server listens on another port, and its tokens name their
    // issuer by URL.
    let bearer = serve::login(&load::client(&server.ca())?, &server.url, &member).await?;
    let sync = syncs(&server, &bearer, &db, &member_id, n, shared).await?;
    server.stop().await?;
    db.close().await;
    drop(postgres);
    Ok(VaultFigures {
        items: n,
        shared,
        sync,
        import,
        import_floor,
    })
}

/// The server under measure, a client of it and its database.
struct Target<'a> {
    server: &'a Server,
    client: &'a reqwest::Client,
    db: &'a RawDb,
}

/// The member whose vault the syncs read.
#[derive(Clone, Copy)]
struct Member<'a> {
    account: &'a ClientAccount,
    id: &'a str,
    bearer: &'a str,
}

/// The body of a personal import of `items` in `folder_names`, item `i` in folder `i % 100`.
fn import_body(folder_names: &[String], items: &[Value]) -> Value {
    json!({
        "ciphers": items,
        "folders": folder_names.iter().map(|name| json!({"name": name})).collect::<Vec<_>>(),
        "folderRelationships": (0..items.len())
            .map(|i| json!({"key": i, "value": i % FOLDERS}))
            .collect::<Vec<_>>(),
    })
}

/// The import figure and its floor, run after run in turn so both see the same machine, each
/// import into a new account of its own; the floor writes the rows the first one stored.
async fn import_and_floor(
    target: &Target<'_>,
    body: &[u8],
    runs: usize,
) -> anyhow::Result<(Result<ImportFigures, String>, ImportFloor)> {
    let Target { server, client, db } = *target;
    let mut floors: Vec<(InsertWay, Vec<Duration>)> = InsertWay::all(db)
        .iter()
        .map(|way| (*way, Vec::new()))
        .collect();
    let mut times = Vec::new();
    let mut outcome = Ok(());
    let mut rows = None;
    for run in 0..runs {
        let account = ClientAccount::new(
            &format!("import-{run}@example.test"),
            "vault password!",
            Kdf::DEFAULT_ITERATIONS,
        )?;
        serve::register(client, &server.url, &account).await?;
        let bearer = serve::login(client, &server.url, &account).await?;
        eprintln!("vault: import {} of {runs}", run + 1);
        match import_once(client, &server.url, &bearer, body).await? {
            Ok(took) => times.push(took),
            Err(why) if run == 0 => {
                outcome = Err(why);
                break;
            }
            Err(why) => anyhow::bail!("import {} failed after the first passed: {why}", run + 1),
        }
        if rows.is_none() {
            let user = user_id(db, &account.email).await?;
            rows = Some(ImportRows::stored(db, &user).await?);
        }
        if let Some(rows) = &rows {
            floor_once(db, rows, &mut floors).await?;
        }
    }
    let mut ways: Vec<(InsertWay, Duration)> = floors
        .into_iter()
        .filter(|(_, times)| !times.is_empty())
        .map(|(way, times)| (way, Spread::of(times).median))
        .collect();
    ways.sort_by_key(|(_, took)| *took);
    let import = outcome.map(|()| ImportFigures {
        server: Spread::of(times.clone()).median,
        runs: times.len(),
        body_bytes: body.len(),
    });
    Ok((import, ImportFloor { ways }))
}

/// One run of each way of the import floor, each for a new user of its own.
async fn floor_once(
    db: &RawDb,
    rows: &ImportRows,
    floors: &mut [(InsertWay, Vec<Duration>)],
) -> anyhow::Result<()> {
    for (way, times) in floors {
        let user = vault_floor::insert_user(db).await?;
        times.push(vault_floor::import_floor(db, rows, &user, *way).await?);
    }
    Ok(())
}

/// Seeds the member's vault as clients would: `personal` items in the folders by the personal
/// import; an Enterprise organization; `shared` items encrypted with its key in `COLLECTIONS`
/// new collections (item `i` in collection `i % 50`) and in the member's folders by one
/// organization import; then the member's access to the first collections narrowed by the bulk
/// access route. Checks what the database then holds.
async fn seed(
    target: &Target<'_>,
    member: Member<'_>,
    folder_names: &[String],
    personal: &[Value],
    shared: usize,
) -> anyhow::Result<()> {
    let Target { server, client, db } = *target;
    let url = server.url.as_str();
    eprintln!(
        "vault: seeding {} personal items and {shared} in {COLLECTIONS} collections",
        personal.len()
    );
    let body = import_body(folder_names, personal);
    post(client, url, member.bearer, "/api/ciphers/import", &body).await?;
    if shared == 0 {
        return Ok(());
    }

    let keys = OrganizationKeys::generate()?;
    let mut body = keys.create_request(member.account, "Acme Corp", "billing@acme.test")?;
    body["planType"] = json!(ENTERPRISE);
    body["additionalSeats"] = json!(10);
    // No default collection: the organization's collections are the import's 50.
    body["collectionName"] = Value::Null;
    let created = post(client, url, member.bearer, "/api/organizations", &body).await?;
    let org = created["id"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("a new organization without an id: {created}"))?
        .to_string();

    let folders = folders_of(db, member.id).await?;
    let items = (0..shared)
        .map(|i| {
            let mut item = login_item(&keys.org_key, i)?;
            item["organizationId"] = json!(org);
            Ok(item)
        })
        .collect::<anyhow::Result<Vec<Value>>>()?;
    let collections = (0..COLLECTIONS)
        .map(|k| {
            Ok(json!({
                "name": keys.org_key.encrypt_str(&format!("Collection {k:02}"))?.to_string(),
                "externalId": null,
            }))
        })
        .collect::<anyhow::Result<Vec<Value>>>()?;
    let body = json!({
        "collections": collections,
        "ciphers": items,
        "collectionRelationships": (0..shared)
            .map(|i| json!({"key": i, "value": i % COLLECTIONS}))
            .collect::<Vec<_>>(),
        "folders": folders
            .iter()
            .map(|(id, name)| json!({"id": id, "name": name}))
            .collect::<Vec<_>>(),
        "folderRelationships": (0..shared)
            .map(|i| json!({"key": i, "value": i % FOLDERS}))
            .collect::<Vec<_>>(),
    });
    post(
        client,
        url,
        member.bearer,
        &format!("/api/ciphers/import-organization?organizationId={org}"),
        &body,
    )
    .await?;

    let (membership, collection_ids) = membership_and_collections(db, &org, member.id).await?;
    let narrowed = [
        (0..READ_ONLY, true, false),
        (READ_ONLY..READ_ONLY + HIDE_PASSWORDS, false, true),
    ];
    for (range, read_only, hide_passwords) in narrowed {
        let Some(ids) = collection_ids.get(range) else {
            continue;
        };
        post(
            client,
            url,
            member.bearer,
            &format!("/api/organizations/{org}/collections/bulk-access"),
            &json!({
                "collectionIds": ids,
                "groups": [],
                "users": [{"id": membership, "readOnly": read_only,
                           "hidePasswords": hide_passwords, "manage": false}],
            }),
        )
        .await?;
    }

    let (stored, in_org) = (
        count(
            db,
            "SELECT COUNT(*) FROM ciphers WHERE user_id = $1",
            member.id,
        )
        .await?,
        count(
            db,
            "SELECT COUNT(*) FROM ciphers WHERE organization_id = $1",
            &org,
        )
        .await?,
    );
    anyhow::ensure!(
        stored == personal.len() as i64 && in_org == shared as i64,
        "the vault holds {stored} personal items and {in_org} of the organization after \
         seeding, not {} and {shared}",
        personal.len()
    );
    anyhow::ensure!(
        collection_ids.len() == COLLECTIONS && folders.len() == FOLDERS,
        "the seeding made {} collections and {} folders, not {COLLECTIONS} and {FOLDERS}",
        collection_ids.len(),
        folders.len()
    );
    Ok(())
}

/// One login as a client sends it: name, username, password, one URI and notes, each encrypted
/// with the user key (about 1.6 KB of encrypted strings in all).
fn login_item(key: &SymmetricKey, i: usize) -> anyhow::Result<Value> {
    let enc = |text: &str| -> anyhow::Result<String> { Ok(key.encrypt_str(text)?.to_string()) };
    let notes = format!(
        "Account {i:04}. Recovery codes: {}. Security questions: first pet Rex, street Elm, \
         school Lincoln. Support line +1 555 0100 ext {i}; account manager J. Doe. {}",
        (0..10)
            .map(|n| format!("{:08x}", (i * 7919 + n * 104_729) % 0xffff_ffff))
            .collect::<Vec<_>>()
            .join("-"),
        "Renewal is yearly in March; billing goes to the shared card. ".repeat(8)
    );
    Ok(json!({
        "type": 1,
        "name": enc(&format!("Example service {i:04}"))?,
        "notes": enc(&notes)?,
        "login": {
            "username": enc(&format!("user{i:04}@example.test"))?,
            "password": enc(&format!("Tr0ub4dor&3-{i:04}-horse-staple"))?,
            "uris": [{"uri": enc(&format!("https://login.service-{i:04}.example/account/signin"))?, "match": null}],
        },
        "favorite": false,
        "reprompt": 0,
    }))
}

async fn user_id(db: &RawDb, email: &str) -> anyhow::Result<String> {
    let sql = "SELECT id FROM users WHERE email = $1";
    Ok(match db {
        RawDb::Sqlite(pool) => sqlx::query_scalar(sql).bind(email).fetch_one(pool).await?,
        RawDb::Postgres(pool) => sqlx::query_scalar(sql).bind(email).fetch_one(pool).await?,
    })
}

async fn count(db: &RawDb, sql: &str, id: &str) -> anyhow::Result<i64> {
    Ok(match db {
        RawDb::Sqlite(pool) => sqlx::query_scalar(sql).bind(id).fetch_one(pool).await?,
        RawDb::Postgres(pool) => sqlx::query_scalar(sql).bind(id).fetch_one(pool).await?,
    })
}

/// The user's folders, id and encrypted name.
async fn folders_of(db: &RawDb, user: &str) -> anyhow::Result<Vec<(String, String)>> {
    let sql = "SELECT id, name FROM folders WHERE user_id = $1 ORDER BY created_at, id";
    Ok(match db {
        RawDb::Sqlite(pool) => sqlx::query_as(sql).bind(user).fetch_all(pool).await?,
        RawDb::Postgres(pool) => sqlx::query_as(sql).bind(user).fetch_all(pool).await?,
    })
}

/// The user's membership of the organization, and the organization's collections.
async fn membership_and_collections(
    db: &RawDb,
    org: &str,
    user: &str,
) -> anyhow::Result<(String, Vec<String>)> {
    let member = "SELECT id FROM organization_users WHERE organization_id = $1 AND user_id = $2";
    let collections = "SELECT id FROM collections WHERE organization_id = $1 ORDER BY id";
    Ok(match db {
        RawDb::Sqlite(pool) => (
            sqlx::query_scalar(member)
                .bind(org)
                .bind(user)
                .fetch_one(pool)
                .await?,
            sqlx::query_scalar(collections)
                .bind(org)
                .fetch_all(pool)
                .await?,
        ),
        RawDb::Postgres(pool) => (
            sqlx::query_scalar(member)
                .bind(org)
                .bind(user)
                .fetch_one(pool)
                .await?,
            sqlx::query_scalar(collections)
                .bind(org)
                .fetch_all(pool)
                .await?,
        ),
    })
}

/// One import, timed from sending to the whole answer; the inner error says why the server
/// did not take it. An empty import first tells whether the route is there at all: a server
/// refusing a large body may close the connection before the client has sent it, and the
/// client then sees a broken pipe, not the status.
async fn import_once(
    client: &reqwest::Client,
    url: &str,
    bearer: &str,
    body: &[u8],
) -> anyhow::Result<Result<Duration, String>> {
    let route = format!("{url}/api/ciphers/import");
    let probe = client
        .post(&route)
        .bearer_auth(bearer)
        .json(&json!({"ciphers": [], "folders": [], "folderRelationships": []}))
        .send()
        .await?;
    if probe.status() == reqwest::StatusCode::NOT_FOUND {
        return Ok(Err(
            "not served: POST /api/ciphers/import answered 404".into()
        ));
    }
    let megabytes = body.len() as f64 / 1e6;
    let started = Instant::now();
    let response = match client
        .post(&route)
        .bearer_auth(bearer)
        .header("Content-Type", "application/json")
        .body(body.to_vec())
        .send()
        .await
    {
        Ok(response) => response,
        Err(err) => {
            return Ok(Err(format!(
                "refused: the server closed the connection while the {megabytes:.1} MB body \
                 was being sent ({err:#}); an empty import was answered {}",
                probe.status()
            )));
        }
    };
    let status = response.status();
    let text = response.text().await?;
    let took = started.elapsed();
    match status.as_u16() {
        200..=299 => Ok(Ok(took)),
        // Over the server's request size limit: axum's 413, or its own 400 that says so.
        413 => Ok(Err(format!(
            "refused: POST /api/ciphers/import answered 413 to a body of {megabytes:.1} MB"
        ))),
        400 if text.contains("too large") => Ok(Err(format!(
            "refused: POST /api/ciphers/import answered 400 \"Body is too large\" to a body \
             of {megabytes:.1} MB"
        ))),
        _ => anyhow::bail!("POST /api/ciphers/import: {status} {text}"),
    }
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    bearer: &str,
    path: &str,
    body: &Value,
) -> anyhow::Result<Value> {
    let response = client
        .post(format!("{url}{path}"))
        .bearer_auth(bearer)
        .json(body)
        .send()
        .await?;
    let status = response.status();
    let text = response.text().await?;
    anyhow::ensure!(status.is_success(), "{path}: {status} {text}");
    if text.is_empty() {
        return Ok(Value::Null);
    }
    Ok(serde_json::from_str(&text)?)
}

/// One warm-up sync and one warm-up floor, then `SYNCS` of each, alternating; memory before and
/// after. The first answer and the floor's are checked against each other, outside the clock.
async fn syncs(
    server: &Server,
    bearer: &str,
    db: &RawDb,
    user: &str,
    n: usize,
    shared: usize,
) -> anyhow::Result<SyncFigures> {
    // Settled as the idle figure is: a second after start.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_before = server.rss()?;
    let client = load::client(&server.ca())?;
    let url = format!("{}/api/sync", server.url);
    // Timed to the answer's last byte; copied out of the client's buffer after the clock.
    let once = async || -> anyhow::Result<(Duration, Vec<u8>)> {
        let started = Instant::now();
        let response = client.get(&url).bearer_auth(bearer).send().await?;
        let status = response.status();
        let body = response.bytes().await?;
        let took = started.elapsed();
        anyhow::ensure!(status.is_success(), "GET /api/sync: {status}");
        Ok((took, body.to_vec()))
    };
    let (_, first) = once().await?;
    let floor = vault_floor::sync_floor(db, user).await?;
    check_answers(&first, &floor.answer, n, shared)?;

    let (mut server_runs, mut floor_runs) = (Vec::new(), Vec::new());
    let (mut reads, mut writes) = (Vec::new(), Vec::new());
    let (mut bytes, mut floor_bytes) = (first.len(), floor.answer.len());
    for _ in 0..SYNCS {
        let (took, body) = once().await?;
        server_runs.push(took);
        bytes = body.len();
        drop(body);
        let floor = vault_floor::sync_floor(db, user).await?;
        floor_runs.push(floor.read + floor.write);
        reads.push(floor.read);
        writes.push(floor.write);
        floor_bytes = floor.answer.len();
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_after = server.rss()?;
    Ok(SyncFigures {
        server: Spread::of(server_runs),
        bytes,
        floor: Spread::of(floor_runs),
        floor_read: Spread::of(reads).median,
        floor_write: Spread::of(writes).median,
        floor_bytes,
        rss_before,
        rss_after,
    })
}

/// The server's answer holds the whole vault (`n` items, of them `shared` in `COLLECTIONS`
/// collections, and the folders), and the floor wrote the same folders, collections and items,
/// each equal to the server's field by field, in the same order.
fn check_answers(server: &[u8], floor: &[u8], n: usize, shared: usize) -> anyhow::Result<()> {
    let server: Value = serde_json::from_slice(server)?;
    let floor: Value = serde_json::from_slice(floor)?;
    let list = |answer: &Value, key: &str| -> anyhow::Result<Vec<Value>> {
        answer[key]
            .as_array()
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("an answer without {key}"))
    };
    for (key, expected) in [
        ("ciphers", n),
        ("folders", FOLDERS),
        ("collections", if shared > 0 { COLLECTIONS } else { 0 }),
    ] {
        let (listed, floor_listed) = (list(&server, key)?, list(&floor, key)?);
        anyhow::ensure!(
            listed.len() == expected && floor_listed.len() == expected,
            "the sync answered {} {key} and the floor wrote {}, not {expected}",
            listed.len(),
            floor_listed.len()
        );
        for (entry, floor_entry) in listed.iter().zip(&floor_listed) {
            same(key, entry, floor_entry)?;
        }
    }
    let narrowed = |flag: &str| {
        list(&server, "collections").map(|all| all.iter().filter(|c| c[flag] == true).count())
    };
    let (read_only, hidden) = (narrowed("readOnly")?, narrowed("hidePasswords")?);
    anyhow::ensure!(
        shared == 0 || (read_only == READ_ONLY && hidden == HIDE_PASSWORDS),
        "the sync answered {read_only} read-only collections and {hidden} hiding passwords, \
         not {READ_ONLY} and {HIDE_PASSWORDS}"
    );
    let in_org = list(&server, "ciphers")?
        .iter()
        .filter(|item| item["organizationId"].is_string())
        .count();
    anyhow::ensure!(
        in_org == shared,
        "the sync answered {in_org} items of the organization, not {shared}"
    );
    Ok(())
}

/// The parts of an item the floor copies from the stored document: the server answers them
/// whole, with `null` for what the document lacks (and `login.uri` from the first URI), the
/// floor as stored.
const STORED_PARTS: [&str; 12] = [
    "name",
    "notes",
    "login",
    "card",
    "identity",
    "secureNote",
    "sshKey",
    "bankAccount",
    "driversLicense",
    "passport",
    "fields",
    "passwordHistory",
];

/// One entry of a list in the server's answer and the floor's: the same keys, each equal, but
/// for the stored parts, where everything the floor wrote is in the server's answer.
fn same(list: &str, server: &Value, floor: &Value) -> anyhow::Result<()> {
    let (Some(fields), Some(floor_fields)) = (server.as_object(), floor.as_object()) else {
        anyhow::bail!("{list}: an entry that is not an object");
    };
    for (key, value) in fields {
        let floor_value = floor_fields.get(key);
        let equal = match floor_value {
            Some(floor_value) if STORED_PARTS.contains(&key.as_str()) => covers(value, floor_value),
            floor_value => floor_value == Some(value),
        };
        anyhow::ensure!(
            equal,
            "{list}: the floor wrote {key} {floor_value:?} where the server answered {value}"
        );
    }
    if let Some(extra) = floor_fields.keys().find(|key| !fields.contains_key(*key)) {
        anyhow::bail!("{list}: the floor wrote {extra}, which the server does not answer");
    }
    Ok(())
}

/// Whether `server` holds all of `floor`: each member of an object (recursively), each element
/// of an array, each other value equal.
fn covers(server: &Value, floor: &Value) -> bool {
    match (server, floor) {
        (Value::Object(server), Value::Object(floor)) => floor
            .iter()
            .all(|(key, value)| server.get(key).is_some_and(|held| covers(held, value))),
        (Value::Array(server), Value::Array(floor)) => {
            server.len() == floor.len() && server.iter().zip(floor).all(|(s, f)| covers(s, f))
        }
        _ => server == floor,
    }
}
