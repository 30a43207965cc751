//! The System Administrator Portal (SPEC §9): `/admin`, server-rendered. Login is by a single-use
//! e-mailed link for the addresses in `adminSettings__admins`; every change is a POST with a CSRF
//! token; no GET changes state.

mod billing;
mod form;
mod organizations;
mod pages;
mod session;
mod texts;

use utoipa_axum::router::OpenApiRouter;

use crate::http::state::AppState;
use crate::router::{Purpose, routes};

pub use session::SESSION_COOKIE;

pub fn router(purpose: Purpose) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(purpose; pages::home))
        .routes(routes!(purpose; pages::login_form, pages::login))
        .routes(routes!(purpose; pages::confirm_form, pages::confirm))
        .routes(routes!(purpose; pages::logout))
        .routes(routes!(purpose; organizations::list))
        .routes(routes!(purpose; organizations::show))
        .routes(routes!(purpose; organizations::manually_sync))
        .routes(routes!(purpose; billing::set_terms))
        .routes(routes!(purpose; billing::record_payment))
        .routes(routes!(purpose; stylesheet))
}

/// The Portal's one stylesheet, served from the binary: the CSP allows no inline styles.
#[utoipa::path(
    get,
    path = "/portal.css",
    tag = "portal",
    responses((status = 200, description = "The Portal stylesheet", content_type = "text/css", body = String))
)]
async fn stylesheet() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("portal.css"),
    )
}
