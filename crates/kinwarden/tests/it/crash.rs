//! kill -9 of either server at any moment of a sync, then a normal sync: 0 sponsorships lost,
//! 0 duplicated (SPEC §10, §6).
//!
//! How the servers are killed:
//! - The self-hosted side of a sync is the `kinwarden sync` process: it is spawned and sent
//!   SIGKILL after a random delay, or at a chosen point — the fault proxy holds the cloud's
//!   answer to batch N (`Fault::DelayAnswer`), so the kill lands after the cloud committed the
//!   batch and before this side applied it.
//! - The cloud is set up in the test's process as usual ([`pair_setup`]), then stopped with its
//!   data kept ([`TestServer::stop_keeping_data`]) and served again by a `kinwarden serve` child
//!   on the same loopback port, so the fault proxy between the servers, and with it the
//!   self-hosted server's cloud URL, stay the same across restarts. That child is sent SIGKILL
//!   after a random delay, or just after batch N reached it (mid-batch), and started again.
//!
//! Between syncs the test offers, changes (re-offers in place to another address) and revokes
//! at random, writing the self-hosted store as the offer and revoke routes do, and keeps the
//! expected state in a model. After a final clean sync both databases must match the model.
//! A failing run prints its seed; `KINWARDEN_CRASH_SEED=<seed>` replays it (the kill moments
//! depend on timing too, so a replay makes the same choices, not always the same interleaving).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::Context;
use kinwarden_core::ids::SponsorshipId;
use kinwarden_core::sponsorships::{PlanSponsorshipType, Revoke, self_hosted_revoke};
use kinwarden_store::{SponsorshipRecord, Store};
use kinwarden_testkit::{Fault, FaultProxy, StoppedServer, TestServer, backends, https_client};
use tokio::process::{Child, Command};

use crate::self_hosted_license::Pair;
use crate::support::is_sponsorship_offer;
use crate::sync_at_scale::{SYNC_PATH, cloud_rows, connected_pair_with_offers};

const BIN: &str = env!("CARGO_BIN_EXE_kinwarden");
const OFFERS: usize = 3_000;
const ROUNDS: usize = 50;
const BATCHES: usize = OFFERS.div_ceil(1_000);

/// xorshift64*: small, seedable, enough to pick kill moments and offers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// In `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn seed() -> u64 {
    std::env::var("KINWARDEN_CRASH_SEED")
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        })
}

/// The cloud served by a `kinwarden serve` child on the address it had in the test's process.
struct CloudProcess {
    data: StoppedServer,
    client: reqwest::Client,
    child: Option<Child>,
}

impl CloudProcess {
    async fn start(data: StoppedServer) -> anyhow::Result<Self> {
        let client = https_client(&data.bwdata.join("ssl/ca.crt"))?;
        let mut cloud = Self {
            data,
            client,
            child: None,
        };
        cloud.restart().await?;
        Ok(cloud)
    }

    /// Starts the child and waits for `/alive`; tries again while the port is still taken.
    async fn restart(&mut self) -> anyhow::Result<()> {
        let port = self.data.url.port().context("the cloud's port")?;
        let alive = format!("{}alive", self.data.url);
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let mut child = Command::new(BIN)
                .arg("--bwdata")
                .arg(&self.data.bwdata)
                .arg("serve")
                .envs(self.data.settings.iter().cloned())
                .env("kinwarden__listen", format!("127.0.0.1:{port}"))
                .env_remove("KINWARDEN_BWDATA")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .kill_on_drop(true)
                .spawn()?;
            loop {
                if child.try_wait()?.is_some() {
                    break;
                }
                if let Ok(answer) = self.client.get(&alive).send().await
                    && answer.status().is_success()
                {
                    self.child = Some(child);
                    return Ok(());
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!("the cloud did not start again on port {port}")
    }

    async fn kill(&mut self) -> anyhow::Result<()> {
        if let Some(mut child) = self.child.take() {
            child.start_kill()?;
            child.wait().await?;
        }
        Ok(())
    }
}

/// `kinwarden sync` on the self-hosted server's data directory, as its own process.
fn spawn_sync(server: &TestServer) -> anyhow::Result<Child> {
    Ok(Command::new(BIN)
        .arg("--bwdata")
        .arg(&server.bwdata)
        .arg("sync")
        .envs(server.settings.iter().cloned())
        .env_remove("KINWARDEN_BWDATA")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()?)
}

async fn sigkill(child: &mut Child) -> anyhow::Result<()> {
    child.start_kill()?;
    child.wait().await?;
    Ok(())
}

/// Waits until `reached()` or until the child exits on its own; `true` if reached.
async fn wait_for(child: &mut Child, reached: impl Fn() -> bool) -> anyhow::Result<bool> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if reached() {
            return Ok(true);
        }
        if child.try_wait()?.is_some() {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    anyhow::bail!("neither the point nor the end of the sync came")
}

/// Lets a sync end by itself (after a cloud restart it may still succeed), within a bound.
async fn finish(child: &mut Child) -> anyhow::Result<()> {
    if tokio::time::timeout(Duration::from_secs(90), child.wait())
        .await
        .is_err()
    {
        sigkill(child).await?;
        anyhow::bail!("a sync hung after the cloud came back");
    }
    Ok(())
}

/// One offer as the test expects it: the address it has now, and every address it had since
/// it was made (the cloud keeps the address it first saw: reference §4.2 copies no change).
struct Expected {
    email: String,
    history: Vec<String>,
}

/// The expected state: live offers by member, and members whose offer was revoked.
#[derive(Default)]
struct Model {
    live: BTreeMap<String, Expected>,
    revoked: BTreeSet<String>,
    next_address: usize,
}

impl Model {
    fn address(&mut self) -> String {
        self.next_address += 1;
        format!("crash{}@example.com", self.next_address)
    }

    fn pick(&self, rng: &mut Rng) -> Option<String> {
        let n = self.live.len() as u64;
        (n > 0).then(|| {
            self.live
                .keys()
                .nth(rng.below(n) as usize)
                .cloned()
                .unwrap_or_default()
        })
    }
}

/// Random offers, changes and revokes on the self-hosted store, as the routes write them.
async fn change_offers(
    store: &Store,
    org_id: &str,
    model: &mut Model,
    rng: &mut Rng,
) -> anyhow::Result<()> {
    for _ in 0..rng.below(16) {
        let member = uuid::Uuid::new_v4().to_string();
        let email = model.address();
        store
            .save_sponsorship(&offer(SponsorshipId::new(), org_id, &member, &email))
            .await?;
        model.live.insert(
            member,
            Expected {
                email: email.clone(),
                history: vec![email],
            },
        );
    }
    for _ in 0..rng.below(11) {
        let Some(member) = model.pick(rng) else {
            break;
        };
        // A member offering again while unredeemed: the row is replaced in place, unsynced
        // (reference §2.2 step 7).
        let row = store
            .sponsorship_of_member(
                org_id.parse().expect("an id"),
                member.parse().expect("an id"),
            )
            .await?
            .context("a live offer has its row")?;
        let email = model.address();
        store
            .save_sponsorship(&offer(row.id, org_id, &member, &email))
            .await?;
        if let Some(expected) = model.live.get_mut(&member) {
            expected.email = email.clone();
            expected.history.push(email);
        }
    }
    for _ in 0..rng.below(11) {
        let Some(member) = model.pick(rng) else {
            break;
        };
        let row = store
            .sponsorship_of_member(
                org_id.parse().expect("an id"),
                member.parse().expect("an id"),
            )
            .await?
            .context("a live offer has its row")?;
        // The revoke route's rule: the organization has a billing sync connection, so the cloud
        // may know even a row without a sync date.
        let sponsorship = kinwarden_app::sponsorships::rows::to_domain(&row);
        match self_hosted_revoke(Some(&sponsorship), true)? {
            Revoke::Delete => store.delete_sponsorship(row.id).await?,
            Revoke::MarkToDelete => store.mark_sponsorship_to_delete(row.id).await?,
        };
        model.live.remove(&member);
        model.revoked.insert(member);
    }
    Ok(())
}

fn offer(id: SponsorshipId, org_id: &str, member: &str, email: &str) -> SponsorshipRecord {
    SponsorshipRecord {
        id,
        sponsoring_organization_id: Some(org_id.parse().expect("an id")),
        sponsoring_organization_user_id: member.parse().expect("an id"),
        sponsored_organization_id: None,
        friendly_name: Some(email.to_string()),
        offered_to_email: Some(email.to_string()),
        plan_sponsorship_type: Some(PlanSponsorshipType::FamiliesForEnterprise),
        to_delete: false,
        last_sync_date: None,
        valid_until: None,
        is_admin_initiated: false,
        notes: None,
    }
}

/// How a round's sync is interrupted.
#[derive(Debug, Clone, Copy)]
enum Kill {
    /// Not at all: the sync must succeed.
    None,
    /// The self-hosted sync process, after this many milliseconds.
    SelfHostedAfter(u64),
    /// The self-hosted sync process, once the cloud answered batch N (0-based), before the
    /// answer reaches it.
    SelfHostedAfterAnswer(usize),
    /// The cloud, after this many milliseconds; it is down for the second figure.
    CloudAfter(u64, u64),
    /// The cloud, this many milliseconds after batch N reached it.
    CloudInBatch(usize, u64),
    /// Both, after this many milliseconds.
    Both(u64),
}

fn pick_kill(rng: &mut Rng) -> Kill {
    let batch = rng.below(BATCHES as u64) as usize;
    match rng.below(6) {
        0 => Kill::None,
        1 => Kill::SelfHostedAfter(rng.below(1_500)),
        2 => Kill::SelfHostedAfterAnswer(batch),
        3 => Kill::CloudAfter(rng.below(1_500), rng.below(300)),
        4 => Kill::CloudInBatch(batch, rng.below(60)),
        _ => Kill::Both(rng.below(1_500)),
    }
}

async fn sync_with_kill(
    kill: Kill,
    self_hosted: &TestServer,
    cloud: &mut CloudProcess,
    proxy: &FaultProxy,
) -> anyhow::Result<()> {
    let forwarded = proxy.forwarded(SYNC_PATH);
    let received = proxy.received(SYNC_PATH);
    let mut sync = spawn_sync(self_hosted)?;
    match kill {
        Kill::None => {
            let status = sync.wait().await?;
            anyhow::ensure!(status.success(), "an undisturbed sync failed: {status}");
        }
        Kill::SelfHostedAfter(ms) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            sigkill(&mut sync).await?;
        }
        Kill::SelfHostedAfterAnswer(batch) => {
            proxy.inject(
                SYNC_PATH,
                batch,
                Fault::DelayAnswer(Duration::from_secs(120)),
            );
            wait_for(&mut sync, || proxy.forwarded(SYNC_PATH) > forwarded + batch).await?;
            sigkill(&mut sync).await?;
            proxy.heal();
        }
        Kill::CloudAfter(ms, down) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            cloud.kill().await?;
            tokio::time::sleep(Duration::from_millis(down)).await;
            cloud.restart().await?;
            finish(&mut sync).await?;
        }
        Kill::CloudInBatch(batch, ms) => {
            let reached =
                wait_for(&mut sync, || proxy.received(SYNC_PATH) > received + batch).await?;
            if reached {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                cloud.kill().await?;
                cloud.restart().await?;
            }
            finish(&mut sync).await?;
        }
        Kill::Both(ms) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            cloud.kill().await?;
            sigkill(&mut sync).await?;
            cloud.restart().await?;
        }
    }
    Ok(())
}

/// Offer mails the cloud queued, by recipient.
async fn offer_mails(store: &Store) -> anyhow::Result<HashMap<String, usize>> {
    let mut by_address = HashMap::new();
    for mail in store.list_mail().await? {
        if is_sponsorship_offer(&mail) {
            *by_address.entry(mail.recipient.to_lowercase()).or_default() += 1;
        }
    }
    Ok(by_address)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_either_server_during_syncs_loses_and_doubles_nothing() -> anyhow::Result<()> {
    let seed = seed();
    for backend in backends() {
        let name = backend.name();
        println!("crash test on {name}: KINWARDEN_CRASH_SEED={seed}");
        run(backend, seed)
            .await
            .with_context(|| format!("{name}, KINWARDEN_CRASH_SEED={seed}"))?;
    }
    Ok(())
}

async fn run(backend: kinwarden_testkit::TestBackend, seed: u64) -> anyhow::Result<()> {
    let mut rng = Rng(seed);
    let (pair, org_id) = connected_pair_with_offers(backend, OFFERS).await?;
    let Pair {
        cloud,
        self_hosted,
        cloud_org_id,
        proxy,
        ..
    } = pair;
    let proxy = proxy.context("proxy")?;
    let store = self_hosted.store().context("store")?;
    let mut model = Model::default();
    for row in store
        .sponsorships_of_organization(org_id.parse().expect("an id"))
        .await?
    {
        let email = row.offered_to_email.unwrap_or_default();
        model.live.insert(
            row.sponsoring_organization_user_id.to_string(),
            Expected {
                email: email.clone(),
                history: vec![email],
            },
        );
    }
    let mut cloud = CloudProcess::start(cloud.stop_keeping_data().await?).await?;
    let cloud_store = cloud.data.open_store().await?;

    let mut kills = Vec::new();
    for round in 0..ROUNDS {
        change_offers(store, &org_id, &mut model, &mut rng).await?;
        let kill = pick_kill(&mut rng);
        kills.push(kill);
        sync_with_kill(kill, &self_hosted, &mut cloud, &proxy)
            .await
            .with_context(|| format!("round {round}: {kill:?}"))?;
        // At every moment: no address was offered twice.
        let twice: Vec<(String, usize)> = offer_mails(&cloud_store)
            .await?
            .into_iter()
            .filter(|(_, count)| *count > 1)
            .collect();
        anyhow::ensure!(
            twice.is_empty(),
            "round {round} ({kill:?}): offers mailed twice: {twice:?}"
        );
    }

    proxy.heal();
    let (code, out) = crate::support::kinwarden(&self_hosted, &["sync"]).await?;
    anyhow::ensure!(code == 0, "the final sync failed: {out}");
    check(store, &cloud_store, &org_id, &cloud_org_id, &model)
        .await
        .with_context(|| format!("after {kills:?}"))?;

    cloud.kill().await?;
    cloud_store.close().await;
    self_hosted.stop().await?;
    Ok(())
}

async fn check(
    store: &Store,
    cloud_store: &Store,
    org_id: &str,
    cloud_org_id: &str,
    model: &Model,
) -> anyhow::Result<()> {
    // Self-hosted: exactly the live offers, each with its address, synced, none to delete.
    let local = store
        .sponsorships_of_organization(org_id.parse().expect("an id"))
        .await?;
    let mut seen = BTreeSet::new();
    for row in &local {
        let member = &row.sponsoring_organization_user_id.to_string();
        anyhow::ensure!(seen.insert(member.clone()), "{member}: two local rows");
        let expected = model
            .live
            .get(member)
            .with_context(|| format!("{member}: a local row of a revoked or unknown offer"))?;
        anyhow::ensure!(
            row.offered_to_email.as_deref() == Some(expected.email.as_str()),
            "{member}: local address {:?}, expected {}",
            row.offered_to_email,
            expected.email
        );
        anyhow::ensure!(row.last_sync_date.is_some(), "{member}: never synced");
        anyhow::ensure!(!row.to_delete, "{member}: left to delete");
    }
    let lost: Vec<&String> = model
        .live
        .keys()
        .filter(|member| !seen.contains(*member))
        .collect();
    anyhow::ensure!(lost.is_empty(), "local offers lost: {lost:?}");

    // Cloud: one row per live offer, at an address the offer had, none for a revoked one.
    let cloud = cloud_rows(cloud_store, cloud_org_id).await?;
    let revoked_alive: Vec<&String> = model
        .revoked
        .iter()
        .filter(|member| cloud.contains_key(*member))
        .collect();
    anyhow::ensure!(
        revoked_alive.is_empty(),
        "{} revoked offers still live on the cloud: {revoked_alive:?}",
        revoked_alive.len()
    );
    let missing: Vec<&String> = model
        .live
        .keys()
        .filter(|member| !cloud.contains_key(*member))
        .collect();
    anyhow::ensure!(missing.is_empty(), "offers the cloud lost: {missing:?}");
    anyhow::ensure!(cloud.len() == model.live.len(), "cloud rows of nothing");
    let mut mailed_to = Vec::new();
    for (member, (email, to_delete, _)) in &cloud {
        let expected = &model.live[member];
        let email = email.clone().unwrap_or_default();
        anyhow::ensure!(
            expected.history.contains(&email),
            "{member}: the cloud offers to {email}, never an address of this offer"
        );
        anyhow::ensure!(!to_delete, "{member}: to delete on the cloud");
        mailed_to.push(email.to_lowercase());
    }

    // Mail: each cloud row's offer queued exactly once, no address twice, none stuck: every
    // due message gets sent; one a killed cloud had claimed waits for its claim's lease to run
    // out (the worker's 15 minutes), then goes again (at least once, SPEC §9 "mail").
    let lease = 15 * 60 * 1000 + 60 * 1000;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let now = chrono::Utc::now().timestamp_millis();
        let unsent: Vec<_> = cloud_store
            .list_mail()
            .await?
            .into_iter()
            .filter(|mail| mail.sent_at.is_none())
            .collect();
        let due = unsent
            .iter()
            .filter(|mail| mail.next_attempt_at <= now)
            .count();
        if due == 0 {
            for mail in &unsent {
                anyhow::ensure!(
                    mail.attempts >= 1 && mail.next_attempt_at <= now + lease,
                    "a mail to {} is stuck: {} attempts, next at {}",
                    mail.recipient,
                    mail.attempts,
                    mail.next_attempt_at
                );
            }
            break;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "{due} due mails stuck in the cloud's outbox"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mails = offer_mails(cloud_store).await?;
    for address in &mailed_to {
        anyhow::ensure!(
            mails.get(address) == Some(&1),
            "{address}: {:?} offer mails",
            mails.get(address)
        );
    }
    let twice: Vec<_> = mails.iter().filter(|(_, count)| **count > 1).collect();
    anyhow::ensure!(twice.is_empty(), "offers mailed twice: {twice:?}");

    // The final sync is recorded as a success.
    let last = store
        .recent_outcomes(org_id.parse().expect("an id"), "sponsorship-sync", 1)
        .await?
        .into_iter()
        .next()
        .context("an outcome")?;
    anyhow::ensure!(last.succeeded, "the last sync is recorded as failed");
    Ok(())
}
