//! `GET /api/config`: version, this server's URLs and region, and the cloud it syncs with.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use kinwarden_proto::COMPATIBLE_SERVER_VERSION;
use kinwarden_proto::config::{
    CloudInfo, ConfigResponse, EnvironmentInfo, PushInfo, ServerInfo, ServerSettings,
};

use crate::http::state::AppState;

#[utoipa::path(
    get,
    path = "/config",
    tag = "meta",
    responses((status = 200, description = "Success", body = ConfigResponse))
)]
pub async fn config(State(state): State<AppState>) -> Json<ConfigResponse> {
    Json(build(&state))
}

fn build(state: &AppState) -> ConfigResponse {
    let config = &state.config;
    let urls = &state.urls;
    ConfigResponse {
        version: COMPATIBLE_SERVER_VERSION.to_string(),
        git_hash: concat!("kinwarden-", env!("CARGO_PKG_VERSION")).to_string(),
        server: ServerInfo {
            name: "Kinwarden".to_string(),
            url: urls.vault(),
        },
        environment: EnvironmentInfo {
            cloud_region: config.cloud_region.as_str().to_string(),
            vault: urls.vault(),
            api: urls.join("api"),
            identity: urls.join("identity"),
            notifications: urls.join("notifications"),
            sso: String::new(),
        },
        feature_states: BTreeMap::new(),
        push: PushInfo {
            push_technology: 0,
            vapid_public_key: None,
        },
        settings: ServerSettings {
            disable_user_registration: config.disable_user_registration,
        },
        cloud: CloudInfo {
            identity_uri: config.installation.identity_uri.to_string(),
            api_uri: config.installation.api_uri.to_string(),
            push_relay_base_uri: config.push_relay_base_uri.to_string(),
        },
        object: "config".to_string(),
    }
}
