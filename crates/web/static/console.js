// Kinwarden pages: the client-side key work Bitwarden clients do, so that the master password
// never leaves the browser (reference ui-and-ops §5). Only the derived master password hash,
// encrypted keys and wrapped organization keys are put into the forms.
//
// master key            = PBKDF2-SHA256(password, salt = e-mail trimmed and lower-cased, iterations)
// master password hash  = base64(PBKDF2-SHA256(master key, salt = password, 1))
// stretched master key  = HKDF-Expand(master key, "enc", 32) || HKDF-Expand(master key, "mac", 32)
// EncString type 2      = "2." iv | AES-256-CBC ciphertext | HMAC-SHA256(mac key, iv || ciphertext)
// EncString type 4      = "4." RSA-OAEP-SHA1 ciphertext

const utf8 = new TextEncoder();
const subtle = window.crypto.subtle;

function b64(bytes) {
  let text = "";
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text);
}

function unb64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function random(length) {
  return window.crypto.getRandomValues(new Uint8Array(length));
}

async function pbkdf2(secret, salt, iterations) {
  const key = await subtle.importKey("raw", secret, "PBKDF2", false, ["deriveBits"]);
  const bits = await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

async function hmac(key, data) {
  const k = await subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await subtle.sign("HMAC", k, data));
}

async function masterKey(email, password, iterations) {
  return pbkdf2(utf8.encode(password), utf8.encode(email.trim().toLowerCase()), iterations);
}

async function masterPasswordHash(key, password) {
  return b64(await pbkdf2(key, utf8.encode(password), 1));
}

// HKDF-Expand only (the master key is already a pseudorandom key): one HMAC block per half.
async function stretch(key) {
  const half = (info) => hmac(key, concat(utf8.encode(info), new Uint8Array([1])));
  return concat(await half("enc"), await half("mac"));
}

async function encrypt(key, plaintext) {
  const iv = random(16);
  const aes = await subtle.importKey("raw", key.slice(0, 32), "AES-CBC", false, ["encrypt"]);
  const ct = new Uint8Array(await subtle.encrypt({ name: "AES-CBC", iv }, aes, plaintext));
  const mac = await hmac(key.slice(32, 64), concat(iv, ct));
  return `2.${b64(iv)}|${b64(ct)}|${b64(mac)}`;
}

async function decrypt(key, text) {
  const [type, rest] = [text.slice(0, 2), text.slice(2)];
  const [iv, ct, mac] = rest.split("|").map(unb64);
  if (type !== "2." || !iv || !ct || !mac) throw new Error("not an EncString of type 2");
  const expected = await hmac(key.slice(32, 64), concat(iv, ct));
  if (b64(expected) !== b64(mac)) throw new Error("wrong key");
  const aes = await subtle.importKey("raw", key.slice(0, 32), "AES-CBC", false, ["decrypt"]);
  return new Uint8Array(await subtle.decrypt({ name: "AES-CBC", iv }, aes, ct));
}

const RSA = { name: "RSA-OAEP", hash: "SHA-1" };

async function rsaKeyPair() {
  const pair = await subtle.generateKey(
    { ...RSA, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ["encrypt", "decrypt"],
  );
  return {
    publicKey: b64(await subtle.exportKey("spki", pair.publicKey)),
    privateKey: new Uint8Array(await subtle.exportKey("pkcs8", pair.privateKey)),
  };
}

async function wrapFor(publicKeyB64, data) {
  const key = await subtle.importKey("spki", unb64(publicKeyB64), RSA, false, ["encrypt"]);
  return `4.${b64(await subtle.encrypt(RSA, key, data))}`;
}

async function unwrap(pkcs8, text) {
  if (!text.startsWith("4.")) throw new Error("not an EncString of type 4");
  const key = await subtle.importKey("pkcs8", pkcs8, RSA, false, ["decrypt"]);
  return new Uint8Array(await subtle.decrypt(RSA, key, unb64(text.slice(2))));
}

function field(form, name) {
  let input = form.querySelector(`input[name="${name}"]`);
  if (!input) {
    input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    form.append(input);
  }
  return input;
}

function password(form, id = "master-password") {
  const first = id === "master-password" ? form.querySelector('input[type="password"]') : null;
  const input = form.querySelector(`#${id}`) || first;
  return input ? input.value : "";
}

function showError(form, message) {
  const box = form.querySelector("[data-js-error]");
  if (box) {
    box.textContent = message;
    box.hidden = false;
  }
}

async function loginKeys(form) {
  const email = form.querySelector('input[name="email"]').value;
  const answer = await fetch("/identity/accounts/prelogin", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email }),
  });
  const kdf = await answer.json();
  const iterations = kdf.kdfIterations || kdf.KdfIterations || 600000;
  const key = await masterKey(email, password(form), iterations);
  field(form, "masterPasswordHash").value = await masterPasswordHash(key, password(form));
}

async function registerKeys(form) {
  const email = form.querySelector('input[name="email"]').value;
  const secret = password(form);
  if (secret.length < 12) throw new Error(form.dataset.msgShort);
  if (secret !== password(form, "master-password-again")) throw new Error(form.dataset.msgDiffer);
  const iterations = Number(form.dataset.iterations);
  const key = await masterKey(email, secret, iterations);
  const userKey = random(64);
  const pair = await rsaKeyPair();
  field(form, "masterPasswordHash").value = await masterPasswordHash(key, secret);
  field(form, "userSymmetricKey").value = await encrypt(await stretch(key), userKey);
  field(form, "publicKey").value = pair.publicKey;
  field(form, "encryptedPrivateKey").value = await encrypt(userKey, pair.privateKey);
  field(form, "kdfIterations").value = String(iterations);
}

async function verifyKeys(form) {
  const key = await masterKey(form.dataset.email, password(form), Number(form.dataset.iterations));
  field(form, "masterPasswordHash").value = await masterPasswordHash(key, password(form));
}

async function orgKeys(form) {
  const orgKey = random(64);
  const pair = await rsaKeyPair();
  field(form, "key").value = await wrapFor(form.dataset.publicKey, orgKey);
  // The license upload names the key pair's parts as the reference's multipart form does.
  const nested = form.querySelector('input[name="keys[publicKey]"]') !== null;
  field(form, nested ? "keys[publicKey]" : "publicKey").value = pair.publicKey;
  field(form, nested ? "keys[encryptedPrivateKey]" : "encryptedPrivateKey").value = await encrypt(orgKey, pair.privateKey);
  field(form, "collectionName").value = await encrypt(orgKey, utf8.encode(form.dataset.collectionName));
}

// Confirming a member: the organization key, opened with this user's keys, wrapped for the
// member's public key.
async function confirmKeys(form) {
  const data = form.dataset;
  const key = await masterKey(data.email, password(form), Number(data.iterations));
  let userKey;
  try {
    userKey = await decrypt(await stretch(key), data.userKey);
  } catch {
    throw new Error(data.msgWrong);
  }
  const privateKey = await decrypt(userKey, data.privateKey);
  const orgKey = await unwrap(privateKey, data.orgKey);
  field(form, "key").value = await wrapFor(data.memberPublicKey, orgKey);
}

const WORK = { login: loginKeys, register: registerKeys, verify: verifyKeys, "org-keys": orgKeys, confirm: confirmKeys };

for (const form of document.querySelectorAll("form[data-crypto]")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    WORK[form.dataset.crypto](form)
      .then(() => {
        // The password fields have no name: only derived values are sent.
        for (const input of form.querySelectorAll('input[type="password"]')) input.value = "";
        form.submit();
      })
      .catch((error) => {
        if (button) button.disabled = false;
        showError(form, error && error.message ? error.message : String(error));
      });
  });
}

for (const note of document.querySelectorAll("[data-needs-js]")) note.hidden = true;

for (const button of document.querySelectorAll("[data-copy]")) {
  button.addEventListener("click", () => {
    const input = document.getElementById(button.dataset.copy);
    const done = document.getElementById(button.dataset.copied);
    input.select();
    const shown = () => {
      if (done) done.hidden = false;
    };
    if (navigator.clipboard) {
      navigator.clipboard.writeText(input.value).then(shown, () => {});
    }
  });
}
