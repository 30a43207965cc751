//! The System Administrator Portal (SPEC §9): `/admin`, server-rendered. Login is by a single-use
//! e-mailed link for the addresses in `adminSettings__admins`; every change is a POST with a CSRF
//! token; no GET changes state.

mod billing;
mod organizations;
mod pages;
mod session;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_form).post(pages::login))
        .route(
            "/login/confirm",
            get(pages::confirm_form).post(pages::confirm),
        )
        .route("/logout", post(pages::logout))
        .route("/organizations", get(organizations::list))
        .route("/organizations/{id}", get(organizations::show))
        .route(
            "/organizations/{id}/sync",
            post(organizations::manually_sync),
        )
        .route("/organizations/{id}/terms", post(billing::set_terms))
        .route("/organizations/{id}/payment", post(billing::record_payment))
        .route("/portal.css", get(stylesheet))
}

/// The Portal's one stylesheet, served from the binary: the CSP allows no inline styles.
async fn stylesheet() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("portal.css"),
    )
}
