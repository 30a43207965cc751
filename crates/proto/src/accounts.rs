//! `/api/accounts`, `/api/users` and the profile inside `/api/sync`.

use serde::{Deserialize, Serialize};

/// The account's key pair as newer clients read it (`AccountKeys` / `accountKeys`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountKeys {
    pub public_key_encryption_key_pair: PublicKeyEncryptionKeyPair,
    pub signature_key_pair: Option<serde_json::Value>,
    pub security_state: Option<serde_json::Value>,
    pub object: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicKeyEncryptionKeyPair {
    pub wrapped_private_key: String,
    pub public_key: Option<String>,
    pub signed_public_key: Option<String>,
    pub object: String,
}

impl AccountKeys {
    pub fn new(wrapped_private_key: String, public_key: Option<String>) -> Self {
        Self {
            public_key_encryption_key_pair: PublicKeyEncryptionKeyPair {
                wrapped_private_key,
                public_key,
                signed_public_key: None,
                object: "publicKeyEncryptionKeyPair".into(),
            },
            signature_key_pair: None,
            security_state: None,
            object: "privateKeys".into(),
        }
    }
}

/// A request that proves the caller knows the master password (or an e-mailed code).
#[derive(Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecretVerificationRequest {
    #[serde(default)]
    pub master_password_hash: Option<String>,
    #[serde(default)]
    pub otp: Option<String>,
}

crate::redact::debug_hiding!(SecretVerificationRequest {  } hiding { master_password_hash, otp });

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyResponse {
    pub api_key: String,
    pub revision_date: String,
    pub object: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserKeyIdRequest {
    pub user_key_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserPublicKeyResponse {
    pub user_id: String,
    pub public_key: Option<String>,
    pub object: String,
}
