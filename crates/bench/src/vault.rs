//! SPEC §10's vault figures, on the release `kinwarden serve` as its own process: `GET /api/sync`
//! of a personal vault of 5,000 login items in 100 folders (warm; median and p95 of 20) beside
//! its raw floor, interleaved so both see the same machine; the server's memory after those
//! syncs; and `POST /api/ciphers/import` of the same 5,000 items with their folders beside the
//! raw insert floor of the same rows (`vault_floor`).
//!
//! The items are encrypted for real with the account's user key, about 1.6 KB of encrypted
//! strings each (name, username, password, one URI, notes). The vault is seeded by the import
//! when the server has it, else by `POST /api/folders` and `POST /api/ciphers` on a few
//! connections. The server is restarted between seeding and the syncs, so the memory it holds
//! afterwards is the syncs', not what reading an 8.6 MB import body left behind.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use kinwarden_config::Config;
use kinwarden_testkit::{ClientAccount, Kdf, ScratchPostgres, SymmetricKey, TestBackend};
use serde_json::{Value, json};

use crate::load;
use crate::raw::RawDb;
use crate::serve::{self, Rss, Server};
use crate::vault_floor::{self, ImportRows, InsertWay};

/// Items in the vault unless `--items` says otherwise (SPEC §10's figure).
pub const ITEMS: usize = 5_000;
pub const FOLDERS: usize = 100;
pub const SYNCS: usize = 20;
/// Connections seeding the vault item by item when the server has no import.
const SEED_CONNECTIONS: usize = 4;

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

pub enum Seeding {
    /// The timed import seeded the vault.
    Import,
    /// Item by item, with how long it took.
    OneByOne(Duration),
}

pub struct VaultFigures {
    pub items: usize,
    pub sync: SyncFigures,
    /// Why the import was not measured, when it was not.
    pub import: Result<ImportFigures, String>,
    pub import_floor: ImportFloor,
    pub seeding: Seeding,
}

/// The server's settings for the run: no rate limits (the seeding sends thousands of requests
/// from one address) and no e-mail verification.
fn settings(postgres: Option<&ScratchPostgres>) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = [
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

    let owner = ClientAccount::new(
        "vault@example.test",
        "vault password!",
        Kdf::DEFAULT_ITERATIONS,
    )?;
    serve::register(&client, &server.url, &owner).await?;
    let bearer = serve::login(&client, &server.url, &owner).await?;
    let owner_id = user_id(&db, &owner.email).await?;
    eprintln!("vault: encrypting {n} items");
    let folder_names = (0..FOLDERS)
        .map(|j| {
            Ok(owner
                .user_key
                .encrypt_str(&format!("Folder {j:03}"))?
                .to_string())
        })
        .collect::<anyhow::Result<Vec<String>>>()?;
    let items = (0..n)
        .map(|i| login_item(&owner.user_key, i))
        .collect::<anyhow::Result<Vec<Value>>>()?;
    let body = serde_json::to_vec(&json!({
        "ciphers": items,
        "folders": folder_names.iter().map(|name| json!({"name": name})).collect::<Vec<_>>(),
        "folderRelationships": (0..n)
            .map(|i| json!({"key": i, "value": i % FOLDERS}))
            .collect::<Vec<_>>(),
    }))?;

    let runs = if quick { 1 } else { 3 };
    let target = Target {
        server: &server,
        client: &client,
        db: &db,
    };
    let (import, import_floor, seeding) = import_and_floor(
        &target,
        Owner {
            id: &owner_id,
            bearer: &bearer,
        },
        &body,
        runs,
        &folder_names,
        &items,
    )
    .await?;

    let stored = count_items(&db, &owner_id).await?;
    anyhow::ensure!(
        stored == n as i64,
        "the vault holds {stored} items after seeding, not {n}"
    );
    server.stop().await?;
    let server = Server::start(bin, &bwdata, &env_refs).await?;
    // A new login: the restarted server listens on another port, and its tokens name their
    // issuer by URL.
    let bearer = serve::login(&load::client(&server.ca())?, &server.url, &owner).await?;
    let sync = syncs(&server, &bearer, &db, &owner_id, n).await?;
    server.stop().await?;
    db.close().await;
    drop(postgres);
    Ok(VaultFigures {
        items: n,
        sync,
        import,
        import_floor,
        seeding,
    })
}

/// The server under measure, a client of it and its database.
struct Target<'a> {
    server: &'a Server,
    client: &'a reqwest::Client,
    db: &'a RawDb,
}

/// The account whose vault the syncs read.
#[derive(Clone, Copy)]
struct Owner<'a> {
    id: &'a str,
    bearer: &'a str,
}

/// The import figure and its floor, run after run in turn so both see the same machine. The
/// first import seeds the owner's vault; later ones go to accounts of their own. When the server
/// does not take the import, the vault is seeded item by item, and the floor still runs (on the
/// rows so seeded) for orientation.
async fn import_and_floor(
    target: &Target<'_>,
    owner: Owner<'_>,
    body: &[u8],
    runs: usize,
    folder_names: &[String],
    items: &[Value],
) -> anyhow::Result<(Result<ImportFigures, String>, ImportFloor, Seeding)> {
    let Target { server, client, db } = *target;
    let mut floors: Vec<(InsertWay, Vec<Duration>)> = InsertWay::all(db)
        .iter()
        .map(|way| (*way, Vec::new()))
        .collect();
    let mut times = Vec::new();
    let mut outcome = Ok(());
    let mut rows = None;
    for run in 0..runs {
        let bearer = if run == 0 {
            owner.bearer.to_string()
        } else {
            let account = ClientAccount::new(
                &format!("import-{run}@example.test"),
                "vault password!",
                Kdf::DEFAULT_ITERATIONS,
            )?;
            serve::register(client, &server.url, &account).await?;
            serve::login(client, &server.url, &account).await?
        };
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
            rows = Some(ImportRows::stored(db, owner.id).await?);
        }
        if let Some(rows) = &rows {
            floor_once(db, rows, &mut floors).await?;
        }
    }
    let mut seeding = Seeding::Import;
    if let Err(why) = &outcome {
        eprintln!("vault: {why}; seeding item by item");
        let took =
            seed_one_by_one(server, owner.bearer, folder_names, items, SEED_CONNECTIONS).await?;
        seeding = Seeding::OneByOne(took);
        floor_once(db, &ImportRows::stored(db, owner.id).await?, &mut floors).await?;
    }
    let mut ways: Vec<(InsertWay, Duration)> = floors
        .into_iter()
        .map(|(way, times)| (way, Spread::of(times).median))
        .collect();
    ways.sort_by_key(|(_, took)| *took);
    let import = outcome.map(|()| ImportFigures {
        server: Spread::of(times.clone()).median,
        runs: times.len(),
        body_bytes: body.len(),
    });
    Ok((import, ImportFloor { ways }, seeding))
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

async fn count_items(db: &RawDb, user: &str) -> anyhow::Result<i64> {
    let sql = "SELECT COUNT(*) FROM ciphers WHERE user_id = $1";
    Ok(match db {
        RawDb::Sqlite(pool) => sqlx::query_scalar(sql).bind(user).fetch_one(pool).await?,
        RawDb::Postgres(pool) => sqlx::query_scalar(sql).bind(user).fetch_one(pool).await?,
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

/// Seeds the vault through the routes a client uses item by item: the folders one after the
/// other, then the items on `connections` connections at once. Answers how long it took.
async fn seed_one_by_one(
    server: &Server,
    bearer: &str,
    folder_names: &[String],
    items: &[Value],
    connections: usize,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let client = load::client(&server.ca())?;
    let mut folder_ids = Vec::new();
    for name in folder_names {
        let folder = post(
            &client,
            &server.url,
            bearer,
            "/api/folders",
            &json!({"name": name}),
        )
        .await?;
        folder_ids.push(
            folder["id"]
                .as_str()
                .ok_or_else(|| anyhow::anyhow!("a new folder without an id: {folder}"))?
                .to_string(),
        );
    }
    let items: Arc<Vec<Value>> = Arc::new(
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let mut item = item.clone();
                item["folderId"] = json!(folder_ids.get(i % FOLDERS));
                item
            })
            .collect(),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (client, items, next) = (load::client(&server.ca())?, items.clone(), next.clone());
        let (url, bearer) = (server.url.clone(), bearer.to_string());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else {
                    return anyhow::Ok(());
                };
                post(&client, &url, &bearer, "/api/ciphers", item).await?;
            }
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok(started.elapsed())
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
    check_answers(&first, &floor.answer, n)?;

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

/// The server's answer holds the whole vault, and the floor wrote the same items: ids, their
/// documents, names, folders and dates are equal item by item.
fn check_answers(server: &[u8], floor: &[u8], n: usize) -> anyhow::Result<()> {
    let server: Value = serde_json::from_slice(server)?;
    let floor: Value = serde_json::from_slice(floor)?;
    let list = |answer: &Value, key: &str| -> anyhow::Result<Vec<Value>> {
        answer[key]
            .as_array()
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("an answer without {key}"))
    };
    let (items, floor_items) = (list(&server, "ciphers")?, list(&floor, "ciphers")?);
    anyhow::ensure!(
        items.len() == n && floor_items.len() == n,
        "the sync answered {} items and the floor wrote {}, not {n}",
        items.len(),
        floor_items.len()
    );
    anyhow::ensure!(
        list(&server, "folders")?.len() == FOLDERS && list(&floor, "folders")?.len() == FOLDERS,
        "the sync or the floor has not {FOLDERS} folders"
    );
    for (item, floor_item) in items.iter().zip(&floor_items) {
        for key in [
            "id",
            "type",
            "data",
            "name",
            "notes",
            "folderId",
            "revisionDate",
            "creationDate",
            "deletedDate",
            "card",
        ] {
            anyhow::ensure!(
                item[key] == floor_item[key],
                "the floor wrote {key} {} where the server answered {}",
                floor_item[key],
                item[key]
            );
        }
        anyhow::ensure!(
            item["login"]["username"] == floor_item["login"]["username"]
                && item["login"]["uris"][0]["uri"] == floor_item["login"]["uris"][0]["uri"],
            "the floor wrote another login than the server"
        );
    }
    Ok(())
}
