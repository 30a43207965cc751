//! Round trips, tamper detection and known-answer vectors from independent implementations
//! (RFC 7914, RFC 5869, OpenSSL, Python's hashlib/hmac; see `testdata/README.md`).

use super::kdf::hkdf_expand;
use super::*;

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn pbkdf2_sha256_matches_rfc7914() {
    // RFC 7914 §11: PBKDF2-HMAC-SHA256(P="passwd", S="salt", c=1); the first 32 of its 64 bytes.
    let kdf = Kdf::pbkdf2(1).expect("kdf");
    let expected = hex("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
    assert_eq!(master_key("passwd", "salt", &kdf).to_vec(), expected);
    // The salt is the e-mail trimmed and lower-cased.
    assert_eq!(master_key("passwd", "  SALT ", &kdf).to_vec(), expected);
}

#[test]
fn hkdf_expand_matches_rfc5869_case_1() {
    let prk = hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    let mut okm = [0u8; 42];
    hkdf_expand(&prk, &hex("f0f1f2f3f4f5f6f7f8f9"), &mut okm).expect("expand");
    assert_eq!(
        okm.to_vec(),
        hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
    );
}

#[test]
fn stretch_is_expand_only_hmac_of_info_and_counter() {
    // HKDF-Expand for one block is T(1) = HMAC(PRK, info ‖ 0x01): no Extract step.
    use aws_lc_rs::hmac;
    let master = [7u8; 32];
    let key = hmac::Key::new(hmac::HMAC_SHA256, &master);
    let stretched = stretch(&master).expect("stretch");
    assert_eq!(stretched.enc_key(), hmac::sign(&key, b"enc\x01").as_ref());
    assert_eq!(stretched.mac_key(), hmac::sign(&key, b"mac\x01").as_ref());
}

#[test]
fn bitwarden_key_chain_matches_python() {
    // Python: hashlib.pbkdf2_hmac and hmac over the same inputs (testdata/README.md).
    let kdf = Kdf::pbkdf2(Kdf::DEFAULT_ITERATIONS).expect("kdf");
    let password = "correct horse battery staple";
    let master = master_key(password, "  User@Example.COM ", &kdf);
    assert_eq!(
        master.to_vec(),
        hex("55dc4a94e4881ffd792d6cb4173d7145756cd95ddc9b2310bb0fc931123c8248")
    );
    assert_eq!(
        server_hash(&master, password),
        "nfEypS52oCiXbQyehOT45BcIhAJYN/5ltdzSYVXHaWg="
    );
    let stretched = stretch(&master).expect("stretch");
    assert_eq!(
        stretched.enc_key(),
        hex("93ded3e35b9346cf64c4bdead65723856c45867ef3c3fb28696269fc2444394b")
    );
    assert_eq!(
        stretched.mac_key(),
        hex("29eaff41674c0bbb38f09f8fde3c77000e040ecc0e109479039c69b65acba1b7")
    );
}

const OPENSSL_TYPE_2: &str = "2.oKGio6SlpqeoqaqrrK2urw==|lnWRPG0ppAlWkxxInrXfnlzKkRIS9iabWhwMGxyFUJl08nPy9er4IDXPlN4843+v|izPdB0z04zJTHNOcFjgmLFAs15tbdAqjKeSCKfkSf14=";

fn counting_key() -> SymmetricKey {
    let mut bytes = [0u8; 64];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = i as u8;
    }
    SymmetricKey::from_bytes(bytes)
}

#[test]
fn enc_string_type_2_matches_openssl() {
    let key = counting_key();
    let mut iv = [0u8; 16];
    for (i, byte) in iv.iter_mut().enumerate() {
        *byte = 0xa0 + i as u8;
    }
    let plaintext = "Kinwarden known answer: EncString type 2";
    let made = key
        .encrypt_with_iv(plaintext.as_bytes(), iv)
        .expect("encrypt");
    assert_eq!(made.to_string(), OPENSSL_TYPE_2);
    let parsed: EncString = OPENSSL_TYPE_2.parse().expect("parse");
    assert_eq!(key.decrypt_str(&parsed).expect("decrypt"), plaintext);
}

#[test]
fn enc_string_type_2_round_trips_through_text() {
    let key = SymmetricKey::generate().expect("key");
    for plaintext in [&b""[..], b"x", &[0u8; 16], &[9u8; 64]] {
        let text = key.encrypt(plaintext).expect("encrypt").to_string();
        assert!(text.starts_with("2."));
        let parsed: EncString = text.parse().expect("parse");
        assert_eq!(key.decrypt(&parsed).expect("decrypt"), plaintext);
    }
}

#[test]
fn enc_string_type_2_tampering_fails_the_mac() {
    let key = counting_key();
    let EncString::AesCbc256HmacSha256 { iv, data, mac } = OPENSSL_TYPE_2.parse().expect("parse")
    else {
        panic!("type 2 expected");
    };
    let mut flipped = data.clone();
    flipped[0] ^= 1;
    let mut bad_iv = iv;
    bad_iv[15] ^= 0x80;
    for tampered in [
        EncString::AesCbc256HmacSha256 {
            iv,
            data: flipped,
            mac,
        },
        EncString::AesCbc256HmacSha256 {
            iv: bad_iv,
            data: data.clone(),
            mac,
        },
        EncString::AesCbc256HmacSha256 {
            iv,
            data: data.clone(),
            mac: [0; 32],
        },
    ] {
        assert!(matches!(
            key.decrypt(&tampered),
            Err(CryptoError::MacMismatch)
        ));
    }
    let other = SymmetricKey::generate().expect("key");
    let original: EncString = OPENSSL_TYPE_2.parse().expect("parse");
    assert!(matches!(
        other.decrypt(&original),
        Err(CryptoError::MacMismatch)
    ));
}

#[test]
fn enc_string_rejects_malformed_text() {
    for text in [
        "",
        "2.",
        "2.a|b",
        "3.abc",
        "4.a|b",
        "2.AAAA|AAAA|AAAA",
        "4.***",
    ] {
        assert!(text.parse::<EncString>().is_err(), "{text:?} accepted");
    }
}

const VECTOR_PKCS8: &str = include_str!("testdata/rsa2048-test-vector.pkcs8.b64");
const VECTOR_SPKI: &str = include_str!("testdata/rsa2048-test-vector.spki.b64");
const VECTOR_OAEP: &str = include_str!("testdata/rsa2048-test-vector.oaep-sha1.b64");

#[test]
fn enc_string_type_4_matches_openssl_oaep_sha1() {
    let pair = RsaKeyPair::from_pkcs8(&unb64(VECTOR_PKCS8.trim()).expect("b64")).expect("key");
    // Our SPKI export is byte for byte OpenSSL's.
    assert_eq!(pair.public_key_b64().expect("spki"), VECTOR_SPKI.trim());
    let enc: EncString = format!("4.{}", VECTOR_OAEP.trim()).parse().expect("parse");
    let expected: Vec<u8> = (0u8..64).collect();
    assert_eq!(pair.decrypt(&enc).expect("decrypt"), expected);
}

#[test]
fn enc_string_type_4_round_trips() {
    let pair = RsaKeyPair::generate().expect("pair");
    let org_key = SymmetricKey::generate().expect("org key");
    let enc = encrypt_for_public_key(&pair.public_key_b64().expect("spki"), org_key.as_bytes())
        .expect("encrypt");
    let text = enc.to_string();
    assert!(text.starts_with("4.") && !text.contains('|'));
    let opened = pair
        .decrypt(&text.parse().expect("parse"))
        .expect("decrypt");
    assert_eq!(
        SymmetricKey::from_slice(&opened).expect("64 bytes"),
        org_key
    );
    // Re-importing the exported PKCS#8 gives the same pair.
    let again = RsaKeyPair::from_pkcs8(&pair.private_key_pkcs8().expect("pkcs8")).expect("import");
    assert_eq!(again.decrypt(&enc).expect("decrypt"), org_key.as_bytes());
}

#[test]
fn account_registers_unlocks_and_receives_an_org_key() {
    let owner =
        ClientAccount::new("Owner@Example.com", "owner password 123", 5_000).expect("owner");
    let member = ClientAccount::new("member@example.com", "member password 1", 5_000).expect("m");

    let body = serde_json::to_value(owner.register_finish().expect("body")).expect("json");
    assert_eq!(body["kdf"], 0);
    assert_eq!(body["kdfIterations"], 5_000);
    assert_eq!(
        body["masterPasswordHash"],
        owner.master_password_hash.as_str()
    );
    assert!(
        body["userSymmetricKey"]
            .as_str()
            .expect("key")
            .starts_with("2.")
    );
    assert!(body.get("emailVerificationToken").is_none());
    let keys = &body["userAsymmetricKeys"];
    assert_eq!(keys["publicKey"], owner.public_key().expect("pk").as_str());

    // What the token response hands back is enough to rebuild the account; a wrong password is
    // caught by the MAC.
    let key = body["userSymmetricKey"].as_str().expect("key");
    let private = keys["encryptedPrivateKey"].as_str().expect("pk");
    let unlocked = ClientAccount::unlock(
        "owner@example.com ",
        "owner password 123",
        owner.kdf,
        key,
        private,
    )
    .expect("unlock");
    assert_eq!(unlocked.user_key, owner.user_key);
    assert_eq!(unlocked.master_password_hash, owner.master_password_hash);
    let wrong = ClientAccount::unlock("owner@example.com", "not it", owner.kdf, key, private);
    assert!(matches!(wrong, Err(CryptoError::MacMismatch)));

    let org = OrganizationKeys::generate().expect("org");
    let create = org
        .create_request(&owner, "Acme", "billing@example.com")
        .expect("create");
    let owner_copy = owner
        .open_org_key(create["key"].as_str().expect("key"))
        .expect("open");
    assert_eq!(owner_copy, org.org_key);
    let org_private: EncString = create["keys"]["encryptedPrivateKey"]
        .as_str()
        .expect("private")
        .parse()
        .expect("parse");
    let org_pair = RsaKeyPair::from_pkcs8(&org.org_key.decrypt(&org_private).expect("dec"));
    assert_eq!(
        org_pair.expect("pair").public_key_b64().expect("pk"),
        create["keys"]["publicKey"].as_str().expect("pk")
    );

    let confirm = org
        .confirm_request(&member.public_key().expect("pk"))
        .expect("confirm");
    let member_copy = member
        .open_org_key(confirm["key"].as_str().expect("key"))
        .expect("open");
    assert_eq!(member_copy, org.org_key);
    assert!(
        owner
            .open_org_key(confirm["key"].as_str().expect("key"))
            .is_err()
    );
}
