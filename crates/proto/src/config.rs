//! `GET /api/config`: what a client learns about a server before it logs in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigResponse {
    pub version: String,
    pub git_hash: String,
    pub server: ServerInfo,
    pub environment: EnvironmentInfo,
    pub feature_states: BTreeMap<String, serde_json::Value>,
    pub push: PushInfo,
    pub settings: ServerSettings,
    /// Kinwarden's addition: the cloud a self-hosted server syncs with.
    pub cloud: CloudInfo,
    pub object: String,
}

/// Third-party servers name themselves here; official clients show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    pub name: String,
    pub url: String,
}

/// This server's own URLs and region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentInfo {
    pub cloud_region: String,
    pub vault: String,
    pub api: String,
    pub identity: String,
    pub notifications: String,
    pub sso: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PushInfo {
    /// 0 = SignalR; push itself is out of Kinwarden's scope.
    pub push_technology: u8,
    pub vapid_public_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerSettings {
    pub disable_user_registration: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CloudInfo {
    pub identity_uri: String,
    pub api_uri: String,
    pub push_relay_base_uri: String,
}
