//! The cloud's host page (SPEC §5 step 2, reference ui-and-ops part 2 §3): an e-mail address in,
//! an installation id and key out, with the lines to paste into the self-hosted env file.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use kinwarden_app::installations::register;
use kinwarden_proto::installations::InstallationRequest;
use serde::Deserialize;

use super::session::{self, Chrome, render};
use super::{OnCloud, message_of};
use crate::http::state::AppState;

#[derive(Template)]
#[template(path = "pages/host.html")]
struct HostPage {
    c: Chrome,
    email: String,
    installation: Option<(String, String)>,
    region: String,
    env_lines: String,
}

fn host_page(
    state: &AppState,
    headers: &HeaderMap,
    email: &str,
    installation: Option<(String, String)>,
    error: Option<String>,
) -> Response {
    let mut c = Chrome::new(state, headers, None, "/host");
    c.error = error;
    let region = state.config.cloud_region.as_str().to_string();
    let base = state.urls.vault();
    let env_lines = installation
        .as_ref()
        .map(|(id, key)| {
            format!(
                "globalSettings__enableCloudCommunication=true\n\
                 globalSettings__installation__id={id}\n\
                 globalSettings__installation__key={key}\n\
                 globalSettings__baseServiceUri__cloudRegion={region}\n\
                 globalSettings__installation__identityUri={base}/identity\n\
                 globalSettings__installation__apiUri={base}/api\n"
            )
        })
        .unwrap_or_default();
    let cookie = c.take_cookie();
    render(
        &HostPage {
            c,
            email: email.to_string(),
            installation,
            region,
            env_lines,
        },
        cookie,
    )
}

pub async fn page(_: OnCloud, State(state): State<AppState>, headers: HeaderMap) -> Response {
    host_page(&state, &headers, "", None, None)
}

#[derive(Deserialize)]
pub struct HostForm {
    #[serde(default)]
    csrf: String,
    email: String,
}

pub async fn create(
    _: OnCloud,
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<HostForm>,
) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return refused.into_response();
    }
    let t = super::i18n::texts(session::page_lang(&headers, None));
    let request = InstallationRequest {
        email: form.email.clone(),
    };
    match register::create(&state, &request).await {
        Ok(installation) => host_page(
            &state,
            &headers,
            &form.email,
            Some((installation.id, installation.key.unwrap_or_default())),
            None,
        ),
        Err(err) => host_page(
            &state,
            &headers,
            &form.email,
            None,
            Some(message_of(&err.into(), t)),
        ),
    }
}
