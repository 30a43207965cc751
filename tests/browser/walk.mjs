// The seed's story (SPEC §5 steps 4–8) walked through the pages only, in headless Chromium.
// Started by crates/kinwarden/tests/it/browser.rs, which starts a cloud and a self-hosted
// Kinwarden, sets up the accounts and passes everything in KINWARDEN_WALK (JSON):
// { playwright, chromium, cloud, selfHosted, cloudMail, selfMail, certificates[], shots,
//   cloudOwner, selfOwner, member, recipient, admin, cloudOrgId, installationId }.
// Exits non-zero with a message on the first failed step; writes screenshots to `shots`.

import { createRequire } from "node:module";
import { X509Certificate, createHash, pbkdf2Sync } from "node:crypto";
import { readFileSync, readdirSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const cfg = JSON.parse(process.env.KINWARDEN_WALK);
const { chromium } = createRequire(join(cfg.playwright, "node_modules") + "/")("playwright-core");

// Chromium trusts exactly the servers' keys (their SPKI hashes), nothing else.
function spkiHashes() {
  return cfg.certificates.map((file) => {
    const pem = readFileSync(file, "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)[0];
    const spki = new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
    return createHash("sha256").update(spki).digest("base64");
  });
}

const problems = [];
const step = (text) => console.log(`· ${text}`);
function check(condition, message) {
  if (!condition) throw new Error(message);
}

// ---- e-mails from the servers' outbox directories ----------------------------------------

function decodeMail(raw) {
  const texts = [raw];
  texts.push(raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))));
  for (const block of raw.split(/\r?\n\r?\n/)) {
    const compact = block.replace(/\s+/g, "");
    if (compact.length > 40 && /^[A-Za-z0-9+/=]+$/.test(compact)) {
      texts.push(Buffer.from(compact, "base64").toString("utf8"));
    }
  }
  return texts.join("\n").replace(/&amp;/g, "&");
}

async function mailLink(dir, pattern, seen = new Set()) {
  for (let i = 0; i < 200; i++) {
    for (const name of readdirSync(dir).sort()) {
      if (seen.has(name)) continue;
      const found = decodeMail(readFileSync(join(dir, name), "utf8")).match(pattern);
      if (found) {
        seen.add(name);
        return found[0];
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail matching ${pattern} in ${dir}`);
}

// ---- pages --------------------------------------------------------------------------------

let shot = 0;
async function screenshot(page, name) {
  shot += 1;
  await page.screenshot({ path: join(cfg.shots, `${String(shot).padStart(2, "0")}-${name}.png`), fullPage: true });
}

function watch(page, label) {
  page.on("pageerror", (error) => problems.push(`${label}: JavaScript error on ${page.url()}: ${error.message}`));
  page.on("console", (message) => {
    // The forged-CSRF probes are refused on purpose (403); anything else is a problem.
    if (message.type() === "error" && !message.text().includes("status of 403")) problems.push(`${label}: console error on ${page.url()}: ${message.text()}`);
  });
}

// Every POST form of the page, sent with a wrong CSRF token, must be refused (403).
const csrfChecked = new Set();
async function formsRefuseBadCsrf(page) {
  const results = await page.evaluate(async () => {
    const out = [];
    for (const form of document.querySelectorAll("form")) {
      if ((form.getAttribute("method") || "get").toLowerCase() !== "post") continue;
      const action = new URL(form.getAttribute("action"), location.href);
      const data = new FormData(form);
      const inQuery = action.searchParams.has("csrf");
      if (inQuery) action.searchParams.set("csrf", "forged-forged-forged-forged-forged-forged");
      else if (data.has("csrf")) data.set("csrf", "forged-forged-forged-forged-forged-forged");
      else {
        out.push({ action: action.pathname, status: "no csrf field" });
        continue;
      }
      const multipart = form.enctype === "multipart/form-data";
      const body = multipart ? data : new URLSearchParams(data);
      const answer = await fetch(action, { method: "POST", body, redirect: "manual", credentials: "same-origin" });
      out.push({ action: action.pathname, status: answer.status });
    }
    return out;
  });
  for (const { action, status } of results) {
    csrfChecked.add(action.replace(/[0-9a-f-]{36}/g, "{id}"));
    if (status !== 403) problems.push(`form ${action} with a forged CSRF token answered ${status}, not 403`);
  }
}

async function visit(page, url) {
  const answer = await page.goto(url);
  check(answer && answer.ok(), `${url} answered ${answer && answer.status()}`);
  await formsRefuseBadCsrf(page);
}

async function logIn(page, base, account, next) {
  await visit(page, `${base}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email address").fill(account.email);
  await page.getByLabel("Master password").fill(account.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.getByRole("button", { name: "Log in with master password" }).click()]);
}

// A bearer token of the API for `account`, asked for from the page's origin (the browser trusts
// the server): the master password hash is made here as a client makes it.
async function apiToken(page, account) {
  const kdf = await page.evaluate(async (email) => {
    const answer = await fetch("/identity/accounts/prelogin", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email }) });
    return answer.json();
  }, account.email);
  const salt = account.email.trim().toLowerCase();
  const masterKey = pbkdf2Sync(account.password, salt, kdf.kdfIterations || 600000, 32, "sha256");
  const hash = pbkdf2Sync(masterKey, account.password, 1, 32, "sha256").toString("base64");
  const tokens = await page.evaluate(async ({ email, hash }) => {
    const body = new URLSearchParams({ grant_type: "password", username: email, password: hash, scope: "api offline_access", client_id: "web", deviceType: "9", deviceIdentifier: "walk-device", deviceName: "chrome" });
    const answer = await fetch("/identity/connect/token", { method: "POST", body });
    return answer.json();
  }, { email: account.email, hash });
  check(typeof tokens.access_token === "string", `no API token for ${account.email}: ${JSON.stringify(tokens)}`);
  return tokens.access_token;
}

async function logOut(page) {
  await page.getByRole("button", { name: /Log out|Logga ut/ }).click();
  await page.waitForURL((u) => u.pathname === "/login");
}

// ---- the walk -----------------------------------------------------------------------------

rmSync(cfg.shots, { recursive: true, force: true });
mkdirSync(cfg.shots, { recursive: true });
const browser = await chromium.launch({
  executablePath: cfg.chromium,
  args: [`--ignore-certificate-errors-spki-list=${spkiHashes().join(",")}`, "--no-sandbox"],
});
const context = await browser.newContext({ locale: "en-US" });
const page = await context.newPage();
watch(page, "en");
const selfMailSeen = new Set();
let selfOrgId = "";

try {
  // SPEC §5 step 4: the cloud owner generates the billing sync token.
  step("cloud owner: Set up billing sync → Generate token");
  const cloudBilling = `${cfg.cloud}/organizations/${cfg.cloudOrgId}/billing/subscription`;
  await logIn(page, cfg.cloud, cfg.cloudOwner, `/organizations/${cfg.cloudOrgId}/billing/subscription`);
  await visit(page, cloudBilling);
  await screenshot(page, "cloud-subscription");
  await page.locator("summary", { hasText: "Set up billing sync" }).click();
  await page.getByLabel("Master password").fill(cfg.cloudOwner.password);
  await page.getByRole("button", { name: "Generate token" }).click();
  const tokenField = page.getByLabel("Billing sync token");
  await tokenField.waitFor();
  const token = await tokenField.inputValue();
  check(token.length >= 20, `the token shown is "${token}"`);
  await page.getByRole("button", { name: "Copy value" }).click();
  await screenshot(page, "cloud-billing-sync-token");
  await formsRefuseBadCsrf(page);
  // Later: View token shows the same token.
  await visit(page, cloudBilling);
  await page.locator("summary", { hasText: "View token" }).click();
  await page.getByLabel("Master password").fill(cfg.cloudOwner.password);
  await page.getByRole("button", { name: "Continue" }).click();
  check((await page.getByLabel("Billing sync token").inputValue()) === token, "View token shows another token");

  step("cloud owner: Download license for the installation");
  await visit(page, cloudBilling);
  await page.locator("summary", { hasText: "Download license" }).click();
  await page.getByLabel("Enter your installation id").fill(cfg.installationId);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Submit" }).click()]);
  check(download.suggestedFilename() === "bitwarden_organization_license.json", `downloaded ${download.suggestedFilename()}`);
  const licenseFile = join(cfg.shots, "bitwarden_organization_license.json");
  await download.saveAs(licenseFile);

  step("cloud owner: New organization on a plan");
  await visit(page, `${cfg.cloud}/organizations`);
  await page.getByLabel("Organization name").fill("Page Corp");
  await page.getByLabel("Plan").selectOption("18");
  await page.getByLabel("Seats").fill("5");
  await Promise.all([page.waitForURL(/\/billing\/subscription$/), page.getByRole("button", { name: "Submit" }).click()]);
  check((await page.locator("main").textContent()).includes("Teams"), "the new organization is not on Teams");
  await screenshot(page, "cloud-new-organization");
  await logOut(page);

  // The host page: an installation id and key with the lines to paste.
  step("host page: installation id and key");
  await visit(page, `${cfg.cloud}/host`);
  await page.getByLabel("Email address").fill("ops@elsewhere.test");
  await page.getByRole("button", { name: "Get installation id" }).click();
  check((await page.locator("#env-lines").textContent()).includes("globalSettings__installation__id="), "no env lines");
  await screenshot(page, "cloud-host");

  // SPEC §5 step 5: the self-hosted owner pastes it in Manage billing sync and saves.
  step("self-hosted owner: Automatic sync → Manage billing sync → Save");
  step("self-hosted owner: New organization from the license file");
  await logIn(page, cfg.selfHosted, cfg.selfOwner, "/organizations");
  await visit(page, `${cfg.selfHosted}/organizations`);
  await page.getByLabel("License file").setInputFiles(licenseFile);
  await Promise.all([
    page.waitForURL(/\/organizations\/[0-9a-f-]{36}\/billing\/subscription$/),
    page.getByRole("button", { name: "Submit" }).click(),
  ]);
  selfOrgId = new URL(page.url()).pathname.split("/")[2];
  const selfBilling = `/organizations/${selfOrgId}/billing/subscription`;
  await visit(page, cfg.selfHosted + selfBilling);
  await page.getByText("Automatic sync", { exact: true }).click();
  await page.locator("summary", { hasText: "Manage billing sync" }).click();
  // A wrong token is refused in the dialog (checked with the cloud on Save).
  await page.getByLabel("Billing sync token").fill("not-the-token");
  await page.getByRole("button", { name: "Save" }).click();
  const refusal = page.locator("#manage-billing-sync [role=alert]");
  await refusal.waitFor();
  check((await refusal.textContent()).length > 0, "no error in the dialog for a wrong token");
  await screenshot(page, "self-hosted-wrong-token");
  await page.getByLabel("Billing sync token").fill(token);
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("Billing sync token saved").waitFor();
  await page.getByRole("button", { name: "Sync license" }).click();
  await page.getByText("Successfully synced license").waitFor();
  await screenshot(page, "self-hosted-license-and-billing");
  await formsRefuseBadCsrf(page);

  // Members: invite, the member accepts from the e-mailed link, the owner confirms (the
  // organization key is opened and wrapped for the member in the browser).
  step("self-hosted owner: invite a member; the member accepts; the owner confirms");
  const members = `${cfg.selfHosted}/organizations/${selfOrgId}/members`;
  await visit(page, members);
  await page.getByLabel("Email address").fill(cfg.member.email);
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  await page.getByText("Invitation sent").waitFor();
  await logOut(page);
  const invitation = await mailLink(cfg.selfMail, /https:\/\/[^\s"<>]*\/accept-organization\?[^\s"<>]*/, selfMailSeen);
  await page.goto(invitation);
  await page.waitForURL((u) => u.pathname === "/login");
  await page.getByLabel("Master password").fill(cfg.member.password);
  await Promise.all([
    page.waitForURL((u) => u.pathname === "/accept-organization"),
    page.getByRole("button", { name: "Log in with master password" }).click(),
  ]);
  await page.getByText("You joined the organization").waitFor();
  await logOut(page);
  await logIn(page, cfg.selfHosted, cfg.selfOwner, `/organizations/${selfOrgId}/members`);
  await visit(page, members);
  await page.locator("summary", { hasText: "Confirm" }).click();
  await page.locator("form[data-crypto=confirm] input[type=password]").fill(cfg.selfOwner.password);
  await page.locator("form[data-crypto=confirm] button[type=submit]").click();
  await page.getByText("Member confirmed").waitFor();
  await screenshot(page, "self-hosted-members");

  // SPEC §11 "Pages": a group made with the API (groups have no page), then the member's groups
  // and collection access set on the members page, and the access level changed on the
  // Collections page, each shown back.
  step("self-hosted owner: a member's groups and collections; the Collections page");
  const bearer = await apiToken(page, cfg.selfOwner);
  const made = await page.evaluate(async ({ orgId, bearer }) => {
    const answer = await fetch(`/api/organizations/${orgId}/groups`, {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Engineering" }),
    });
    return { status: answer.status, body: await answer.json() };
  }, { orgId: selfOrgId, bearer });
  check(made.status === 200, `the group was not made: ${JSON.stringify(made)}`);
  await visit(page, members);
  const memberRow = page.locator("tr", { hasText: cfg.member.email });
  await memberRow.locator("summary", { hasText: "Collections and groups" }).click();
  await memberRow.getByLabel("Engineering").check();
  await memberRow.locator("select[name^='collection.']").first().selectOption("view");
  await memberRow.getByRole("button", { name: /^Save Collections and groups/ }).click();
  await page.getByText("Access saved").waitFor();
  const shownGroups = (await page.locator("tr", { hasText: cfg.member.email }).locator("[data-groups]").textContent()).trim();
  check(shownGroups === "Engineering", `the members page shows the groups "${shownGroups}"`);
  const shownCollections = await page.locator("tr", { hasText: cfg.member.email }).locator("[data-collections]").textContent();
  check(shownCollections.includes("Can view"), `the members page shows the collections "${shownCollections}"`);
  await screenshot(page, "self-hosted-member-access");

  const collectionsPage = `${cfg.selfHosted}/organizations/${selfOrgId}/collections`;
  await visit(page, collectionsPage);
  check((await page.locator("main").textContent()).includes("bw create org-collection"), "the Collections page does not say where names are made");
  const accessRow = page.locator("tr[data-principal^='member:']", { hasText: cfg.member.email });
  check((await accessRow.locator("[data-level]").textContent()).trim() === "Can view", "the Collections page does not show Can view");
  await accessRow.locator("select[name=level]").selectOption("edit");
  await accessRow.getByRole("button", { name: /^Save / }).click();
  await page.getByText("Access saved").waitFor();
  const level = (await page.locator("tr[data-principal^='member:']", { hasText: cfg.member.email }).locator("[data-level]").textContent()).trim();
  check(level === "Can edit", `after the change the Collections page shows "${level}"`);
  check((await page.locator("[data-count=members]").first().textContent()).trim() === "2", "the member count is not 2");
  await screenshot(page, "self-hosted-collections");
  await formsRefuseBadCsrf(page);
  await logOut(page);

  // SPEC §5 step 6: a member offers a sponsorship and sees Awaiting Sync.
  step("member: Free Bitwarden Families offer → Awaiting Sync");
  await logIn(page, cfg.selfHosted, cfg.member, "/sponsored-families");
  await visit(page, `${cfg.selfHosted}/sponsored-families`);
  await page.getByLabel("Enter your personal email to redeem Bitwarden Families").fill(cfg.recipient.email);
  await page.getByLabel("Friendly name").fill("Family");
  await page.getByRole("button", { name: "Redeem" }).click();
  await page.getByText("Sponsorship created").waitFor();
  check((await page.locator("[data-status]").first().textContent()).trim() === "Awaiting Sync", "the offer is not Awaiting Sync");
  await screenshot(page, "member-awaiting-sync");
  await logOut(page);

  // SPEC §5 step 7: a system admin logs into the Portal with the e-mailed link, Manually Sync.
  async function manuallySync(label) {
    step(`system admin: Portal → Manually Sync (${label})`);
    await visit(page, `${cfg.selfHosted}/admin/login`);
    await page.getByLabel("Email address").fill(cfg.admin);
    await page.getByRole("button", { name: "Continue" }).click();
    const link = await mailLink(cfg.selfMail, /https:\/\/[^\s"<>]*\/admin\/login\/confirm\?[^\s"<>]*/, selfMailSeen);
    await visit(page, link);
    await page.getByRole("button", { name: "Continue" }).click();
    await visit(page, `${cfg.selfHosted}/admin/organizations/${selfOrgId}`);
    await page.getByRole("button", { name: "Manually Sync" }).click();
    await page.waitForLoadState();
    await screenshot(page, `portal-manually-sync-${label}`);
    const latest = page.locator("tbody tr").filter({ hasText: "sponsorship" }).first();
    check((await latest.locator(".ok").count()) === 1, `the sync did not succeed: ${await latest.textContent()}`);
  }
  await manuallySync("offer");

  // SPEC §5 step 8: the recipient opens the e-mailed link, registers, creates Families, redeems.
  step("recipient: offer link → register → new Families organization → Accept offer");
  const offer = await mailLink(cfg.cloudMail, /https:\/\/[^\s"<>]*\/accept-families-for-enterprise\?[^\s"<>]*/);
  const recipientContext = await browser.newContext({ locale: "en-US" });
  const recipient = await recipientContext.newPage();
  watch(recipient, "recipient");
  await recipient.goto(offer);
  await recipient.waitForURL((u) => u.pathname === "/register");
  check((await recipient.getByLabel("Email address").inputValue()) === cfg.recipient.email, "the register form lacks the offered address");
  await recipient.getByLabel("Master password", { exact: true }).fill(cfg.recipient.password);
  await recipient.getByLabel("Re-type master password").fill(cfg.recipient.password);
  await screenshot(recipient, "recipient-register");
  await formsRefuseBadCsrf(recipient);
  await Promise.all([
    recipient.waitForURL((u) => u.pathname === "/accept-families-for-enterprise", { timeout: 60000 }),
    recipient.getByRole("button", { name: "Create account" }).click(),
  ]);
  await formsRefuseBadCsrf(recipient);
  await recipient.getByLabel("Select the organization you would like sponsored").selectOption("new");
  await recipient.getByLabel("Organization name").fill("Our Family");
  await screenshot(recipient, "recipient-accept-offer");
  await recipient.getByRole("button", { name: "Accept offer" }).click();
  await recipient.getByText("Free Bitwarden Families offer successfully redeemed").waitFor({ timeout: 60000 });
  await screenshot(recipient, "recipient-redeemed");
  await recipientContext.close();

  // SPEC §5 step 9: the next sync brings the state back; the member sees the sponsorship active.
  await manuallySync("after-redemption");
  step("member: the sponsorship is active");
  await logIn(page, cfg.selfHosted, cfg.member, "/sponsored-families");
  await visit(page, `${cfg.selfHosted}/sponsored-families`);
  const active = (await page.locator("[data-status]").first().textContent()).trim();
  check(active.startsWith("Active until "), `the member sees "${active}", not Active until …`);
  await screenshot(page, "member-active");

  // SPEC §7: the same pages in Swedish (Accept-Language sv), a Swedish label on each.
  step("Swedish pages");
  const sv = await browser.newContext({ locale: "sv-SE" });
  const svPage = await sv.newPage();
  watch(svPage, "sv");
  const swedish = async (url, label) => {
    await visit(svPage, url);
    check((await svPage.locator("body").textContent()).includes(label), `${url} lacks the Swedish "${label}"`);
  };
  await swedish(`${cfg.cloud}/login`, "Logga in med huvudlösenord");
  await swedish(`${cfg.cloud}/register`, "Skapa konto");
  await swedish(`${cfg.cloud}/host`, "Kör Bitwarden på egen server");
  await logInSv(svPage, cfg.cloud, cfg.cloudOwner, `/organizations/${cfg.cloudOrgId}/billing/subscription`);
  await swedish(cloudBilling, "Visa token");
  await swedish(`${cfg.cloud}/organizations`, "Organisationer");
  await swedish(`${cfg.cloud}/settings`, "Kontoinställningar");
  await swedish(`${cfg.cloud}/accept-families-for-enterprise?token=x&email=${encodeURIComponent(cfg.cloudOwner.email)}`, "Acceptera gratis Bitwarden Familjer");
  await screenshot(svPage, "sv-redemption");
  await logInSv(svPage, cfg.selfHosted, cfg.selfOwner, selfBilling);
  await swedish(cfg.selfHosted + selfBilling, "Licens- och faktureringshantering");
  await screenshot(svPage, "sv-self-hosted-billing");
  await swedish(`${cfg.selfHosted}/organizations/${selfOrgId}/members`, "Bjud in medlem");
  await swedish(`${cfg.selfHosted}/organizations/${selfOrgId}/collections`, "Samlingar");
  await swedish(`${cfg.selfHosted}/sponsored-families`, "Gratis Bitwarden Familjer");
  await swedish(`${cfg.selfHosted}/organizations`, "Ny organisation");
  // The switch works against the browser's language.
  await svPage.getByRole("button", { name: "English" }).click();
  await svPage.getByText("New organization").first().waitFor();
  await sv.close();
} catch (error) {
  problems.unshift(`step failed: ${error.stack || error}`);
  await screenshot(page, "failure").catch(() => {});
} finally {
  await browser.close();
}

async function logInSv(p, base, account, next) {
  await visit(p, `${base}/login?next=${encodeURIComponent(next)}`);
  await p.getByLabel("E-postadress").fill(account.email);
  await p.getByLabel("Huvudlösenord").fill(account.password);
  await Promise.all([p.waitForURL((u) => !u.pathname.startsWith("/login")), p.getByRole("button", { name: "Logga in med huvudlösenord" }).click()]);
}

console.log(`forms checked for CSRF: ${[...csrfChecked].sort().join(", ")}`);
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log("walk passed");
