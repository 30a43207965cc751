//! A whole client account and organization key material, shaped as the request bodies of
//! registration (§5.3), login (§5.4), organization creation (§5.5) and confirmation (§5.6).

use serde::Serialize;
use serde_json::{Value, json};

use super::{
    CryptoError, EncString, Kdf, RsaKeyPair, SymmetricKey, encrypt_for_public_key, master_key,
    normalize_email, server_hash, stretch,
};

/// `{publicKey, encryptedPrivateKey}`: `userAsymmetricKeys` of registration, `keys` of
/// organization creation.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AsymmetricKeys {
    pub public_key: String,
    pub encrypted_private_key: EncString,
}

/// The body of `POST /identity/accounts/register/finish`; set the one token the flow uses.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterFinish {
    pub email: String,
    pub master_password_hash: String,
    pub master_password_hint: Option<String>,
    pub user_symmetric_key: EncString,
    pub user_asymmetric_keys: AsymmetricKeys,
    pub kdf: u8,
    pub kdf_iterations: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verification_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_sponsored_free_family_plan_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_invite_token: Option<String>,
}

/// Everything a client knows about its own account once registered or logged in.
#[derive(Debug)]
pub struct ClientAccount {
    /// The e-mail as typed (the salt is its normalised form).
    pub email: String,
    pub password: String,
    pub kdf: Kdf,
    pub master_key: [u8; 32],
    /// The base64 `masterPasswordHash`, also the `password` of the token request.
    pub master_password_hash: String,
    pub user_key: SymmetricKey,
    pub key_pair: RsaKeyPair,
    /// The user key under the stretched master key (`userSymmetricKey`, the token's `Key`).
    pub encrypted_user_key: EncString,
    /// The PKCS#8 private key under the user key (the token's `PrivateKey`).
    pub encrypted_private_key: EncString,
}

impl ClientAccount {
    /// A new account with fresh keys, as the web vault makes on "Create account". Real clients use
    /// at least [`Kdf::DEFAULT_ITERATIONS`]; that costs about 0.3 s here.
    pub fn new(email: &str, password: &str, iterations: u32) -> Result<Self, CryptoError> {
        let kdf = Kdf::pbkdf2(iterations)?;
        let master_key = master_key(password, email, &kdf);
        let user_key = SymmetricKey::generate()?;
        let key_pair = RsaKeyPair::generate()?;
        let encrypted_user_key = stretch(&master_key)?.encrypt(user_key.as_bytes())?;
        let encrypted_private_key = user_key.encrypt(&key_pair.private_key_pkcs8()?)?;
        Ok(ClientAccount {
            email: email.to_string(),
            password: password.to_string(),
            kdf,
            master_password_hash: server_hash(&master_key, password),
            master_key,
            user_key,
            key_pair,
            encrypted_user_key,
            encrypted_private_key,
        })
    }

    /// The account as a client rebuilds it at login: from the prelogin KDF and the token
    /// response's `Key` and `PrivateKey`. Fails with [`CryptoError::MacMismatch`] on a wrong
    /// password, as a real client would.
    pub fn unlock(
        email: &str,
        password: &str,
        kdf: Kdf,
        key: &str,
        private_key: &str,
    ) -> Result<Self, CryptoError> {
        let master_key = master_key(password, email, &kdf);
        let encrypted_user_key: EncString = key.parse()?;
        let user_key =
            SymmetricKey::from_slice(&stretch(&master_key)?.decrypt(&encrypted_user_key)?)?;
        let encrypted_private_key: EncString = private_key.parse()?;
        let key_pair = RsaKeyPair::from_pkcs8(&user_key.decrypt(&encrypted_private_key)?)?;
        Ok(ClientAccount {
            email: email.to_string(),
            password: password.to_string(),
            kdf,
            master_password_hash: server_hash(&master_key, password),
            master_key,
            user_key,
            key_pair,
            encrypted_user_key,
            encrypted_private_key,
        })
    }

    /// The base64 SPKI public key, as the server returns it from `/users/{id}/public-key`.
    pub fn public_key(&self) -> Result<String, CryptoError> {
        self.key_pair.public_key_b64()
    }

    /// The body of `POST /identity/accounts/register/finish`, without a token.
    pub fn register_finish(&self) -> Result<RegisterFinish, CryptoError> {
        Ok(RegisterFinish {
            email: self.email.clone(),
            master_password_hash: self.master_password_hash.clone(),
            master_password_hint: None,
            user_symmetric_key: self.encrypted_user_key.clone(),
            user_asymmetric_keys: AsymmetricKeys {
                public_key: self.public_key()?,
                encrypted_private_key: self.encrypted_private_key.clone(),
            },
            kdf: self.kdf.wire_type(),
            kdf_iterations: self.kdf.iterations(),
            email_verification_token: None,
            org_sponsored_free_family_plan_token: None,
            organization_user_id: None,
            org_invite_token: None,
        })
    }

    /// The body of `POST /identity/accounts/prelogin`.
    pub fn prelogin(&self) -> Value {
        json!({ "email": normalize_email(&self.email) })
    }

    /// The form fields of a password `POST /identity/connect/token` as the web vault sends them
    /// (send the header `Device-Type: 9` with them).
    pub fn password_grant(&self, device_identifier: &str) -> Vec<(&'static str, String)> {
        vec![
            ("grant_type", "password".into()),
            ("username", self.email.clone()),
            ("password", self.master_password_hash.clone()),
            ("scope", "api offline_access".into()),
            ("client_id", "web".into()),
            ("deviceType", "9".into()),
            ("deviceIdentifier", device_identifier.into()),
            ("deviceName", "chrome".into()),
        ]
    }

    /// An organization key given to this account (the profile's org `key`, type 4).
    pub fn open_org_key(&self, key: &str) -> Result<SymmetricKey, CryptoError> {
        SymmetricKey::from_slice(&self.key_pair.decrypt(&key.parse()?)?)
    }
}

/// An organization's keys as its creator's client makes them (§5.1 step 7).
#[derive(Debug)]
pub struct OrganizationKeys {
    pub org_key: SymmetricKey,
    pub key_pair: RsaKeyPair,
    /// The org private key (PKCS#8) under the org key.
    pub encrypted_private_key: EncString,
}

impl OrganizationKeys {
    pub fn generate() -> Result<Self, CryptoError> {
        let org_key = SymmetricKey::generate()?;
        let key_pair = RsaKeyPair::generate()?;
        let encrypted_private_key = org_key.encrypt(&key_pair.private_key_pkcs8()?)?;
        Ok(OrganizationKeys {
            org_key,
            key_pair,
            encrypted_private_key,
        })
    }

    /// The org key as EncString type 4 for a member's base64 SPKI public key.
    pub fn wrap_for(&self, member_public_key: &str) -> Result<EncString, CryptoError> {
        encrypt_for_public_key(member_public_key, self.org_key.as_bytes())
    }

    /// `keys` of `POST /api/organizations`.
    pub fn asymmetric_keys(&self) -> Result<AsymmetricKeys, CryptoError> {
        Ok(AsymmetricKeys {
            public_key: self.key_pair.public_key_b64()?,
            encrypted_private_key: self.encrypted_private_key.clone(),
        })
    }

    /// A free-plan body of `POST /api/organizations` for `owner`: the org key wrapped for the
    /// owner (`key`), the org key pair (`keys`), and the default collection's name encrypted
    /// under the org key, as the web vault sends it. Add or change fields for paid plans.
    pub fn create_request(
        &self,
        owner: &ClientAccount,
        name: &str,
        billing_email: &str,
    ) -> Result<Value, CryptoError> {
        Ok(json!({
            "name": name,
            "businessName": null,
            "billingEmail": billing_email,
            "planType": 0,
            "key": self.wrap_for(&owner.public_key()?)?,
            "keys": self.asymmetric_keys()?,
            "collectionName": self.org_key.encrypt_str("Default collection")?,
        }))
    }

    /// The body of `POST /api/organizations/{orgId}/users/{orgUserId}/confirm`.
    pub fn confirm_request(&self, member_public_key: &str) -> Result<Value, CryptoError> {
        Ok(json!({ "key": self.wrap_for(member_public_key)? }))
    }
}
