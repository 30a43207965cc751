//! `/identity`: prelogin, registration and the token endpoint.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PreloginRequest {
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KdfSettingsModel {
    pub kdf_type: i32,
    pub iterations: i32,
    pub memory: Option<i32>,
    pub parallelism: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PreloginResponse {
    pub kdf: i32,
    pub kdf_iterations: i32,
    pub kdf_memory: Option<i32>,
    pub kdf_parallelism: Option<i32>,
    pub kdf_settings: KdfSettingsModel,
    pub salt: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendVerificationEmailRequest {
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub receive_marketing_emails: bool,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KeysModel {
    pub public_key: Option<String>,
    pub encrypted_private_key: String,
}

#[derive(Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegisterFinishRequest {
    pub email: String,
    #[serde(default)]
    pub email_verification_token: Option<String>,
    pub master_password_hash: String,
    #[serde(default)]
    pub master_password_hint: Option<String>,
    pub user_symmetric_key: String,
    pub user_asymmetric_keys: KeysModel,
    pub kdf: i32,
    pub kdf_iterations: i32,
    #[serde(default)]
    pub kdf_memory: Option<i32>,
    #[serde(default)]
    pub kdf_parallelism: Option<i32>,
    #[serde(default)]
    pub org_invite_token: Option<String>,
    #[serde(default)]
    pub organization_user_id: Option<String>,
    #[serde(default)]
    pub org_sponsored_free_family_plan_token: Option<String>,
}

crate::redact::debug_hiding!(RegisterFinishRequest { email, master_password_hint, user_symmetric_key, user_asymmetric_keys, kdf, kdf_iterations, kdf_memory, kdf_parallelism, organization_user_id } hiding { email_verification_token, master_password_hash, org_invite_token, org_sponsored_free_family_plan_token });

/// The form fields of `POST /identity/connect/token`.
#[derive(Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub scope: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub refresh_token: Option<String>,
    #[serde(rename = "deviceIdentifier")]
    pub device_identifier: Option<String>,
    #[serde(rename = "deviceName")]
    pub device_name: Option<String>,
    #[serde(rename = "deviceType")]
    pub device_type: Option<String>,
}

crate::redact::debug_hiding!(TokenRequest { grant_type, username, scope, client_id, device_identifier, device_name, device_type } hiding { password, client_secret, refresh_token });

/// `MasterPasswordUnlock` and the KDF inside it, PascalCase as the identity answers them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KdfPascal {
    #[serde(rename = "KdfType")]
    pub kdf_type: i32,
    #[serde(rename = "Iterations")]
    pub iterations: i32,
    #[serde(rename = "Memory")]
    pub memory: Option<i32>,
    #[serde(rename = "Parallelism")]
    pub parallelism: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MasterPasswordUnlockPascal {
    #[serde(rename = "Kdf")]
    pub kdf: KdfPascal,
    #[serde(rename = "MasterKeyEncryptedUserKey")]
    pub master_key_encrypted_user_key: String,
    #[serde(rename = "MasterKeyWrappedUserKey")]
    pub master_key_wrapped_user_key: String,
    #[serde(rename = "Salt")]
    pub salt: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserDecryptionOptions {
    #[serde(rename = "HasMasterPassword")]
    pub has_master_password: bool,
    #[serde(rename = "MasterPasswordUnlock")]
    pub master_password_unlock: Option<MasterPasswordUnlockPascal>,
    #[serde(rename = "Object")]
    pub object: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ObjectOnly {
    #[serde(rename = "Object")]
    pub object: String,
}

/// The answer to a successful grant. Fields that apply only to user logins are omitted for
/// client-credentials grants of organizations and installations.
#[derive(Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub expires_in: i64,
    pub token_type: String,
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub user: Option<UserTokenFields>,
}

crate::redact::debug_hiding!(TokenResponse { expires_in, token_type, scope, user } hiding { access_token, refresh_token });

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserTokenFields {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "PrivateKey")]
    pub private_key: Option<String>,
    #[serde(rename = "AccountKeys")]
    pub account_keys: Option<crate::accounts::AccountKeys>,
    #[serde(rename = "Kdf")]
    pub kdf: i32,
    #[serde(rename = "KdfIterations")]
    pub kdf_iterations: i32,
    #[serde(rename = "KdfMemory")]
    pub kdf_memory: Option<i32>,
    #[serde(rename = "KdfParallelism")]
    pub kdf_parallelism: Option<i32>,
    #[serde(rename = "ResetMasterPassword")]
    pub reset_master_password: bool,
    #[serde(rename = "ForcePasswordReset")]
    pub force_password_reset: bool,
    #[serde(rename = "MasterPasswordPolicy")]
    pub master_password_policy: ObjectOnly,
    #[serde(rename = "UserDecryptionOptions")]
    pub user_decryption_options: UserDecryptionOptions,
}
