//! The whole HTTP surface under its path bases (SPEC §1), with the layers every request passes:
//! trailing-slash normalisation, request logging, and security headers.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use tower::Layer;
use tower_http::normalize_path::{NormalizePath, NormalizePathLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::error::ApiError;
use crate::routes;
use crate::state::AppState;

/// The router with every route, before path normalisation.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/config", get(routes::config::config))
        .route("/sync", get(routes::sync::sync))
        .route("/accounts/profile", get(routes::accounts::profile))
        .route(
            "/accounts/revision-date",
            get(routes::accounts::revision_date),
        )
        .route("/accounts/api-key", post(routes::accounts::api_key))
        .route("/accounts/request-otp", post(routes::accounts::request_otp))
        .route(
            "/accounts/verify-password",
            post(routes::accounts::verify_password),
        )
        .route(
            "/accounts/key-management/user-key-id",
            post(routes::accounts::user_key_id),
        )
        .route("/users/{id}/public-key", get(routes::users::public_key))
        .route(
            "/organization/sponsorship/validate-token",
            post(routes::redemption::validate_token),
        )
        .route(
            "/organization/sponsorship/redeem",
            post(routes::redemption::redeem),
        )
        .route("/organizations", post(routes::organizations::create))
        .route(
            "/organizations/connections",
            post(routes::connections::create),
        )
        .route(
            "/organizations/connections/enabled",
            get(routes::connections::enabled),
        )
        .route(
            "/organizations/connections/{connection_id}",
            axum::routing::put(routes::connections::update).delete(routes::connections::delete),
        )
        .route(
            "/organizations/connections/{conn_org_id}/{connection_type}",
            get(routes::connections::get),
        )
        .route("/plans", get(routes::plans::list))
        .route("/organizations/{org_id}", get(routes::organizations::get))
        .route(
            "/organizations/{org_id}/billing-sync/status",
            get(routes::billing_sync_status::status),
        )
        .route(
            "/organizations/{org_id}/subscription",
            get(routes::subscription::get).post(routes::subscription::adjust),
        )
        .route(
            "/organizations/{org_id}/api-key",
            post(routes::api_keys::get_or_create),
        )
        .route(
            "/organizations/{org_id}/rotate-api-key",
            post(routes::api_keys::rotate),
        )
        .route(
            "/organizations/{org_id}/api-key-information",
            get(routes::api_keys::information),
        )
        .route(
            "/organizations/{org_id}/api-key-information/{key_type}",
            get(routes::api_keys::information_of_type),
        )
        .route(
            "/organizations/{org_id}/license",
            get(routes::licenses::organization_license),
        )
        .route("/licenses/public-key", get(routes::licenses::public_key))
        .route(
            "/organizations/licenses/self-hosted",
            post(routes::self_hosted_licenses::create),
        )
        .route(
            "/organizations/licenses/self-hosted/{org_id}",
            post(routes::self_hosted_licenses::replace),
        )
        .route(
            "/organizations/licenses/self-hosted/{org_id}/sync",
            post(routes::sync_license::sync),
        )
        .route(
            "/licenses/organization/{org_id}",
            get(routes::license_sync::cloud_license),
        )
        .route(
            "/organizations/{org_id}/leave",
            post(routes::members::leave),
        )
        .route("/organizations/{org_id}/users", get(routes::members::list))
        .route(
            "/organizations/{org_id}/users/invite",
            post(routes::invitations::invite),
        )
        .route(
            "/organizations/{org_id}/users/{member_id}",
            get(routes::members::get)
                .put(routes::members::update)
                .post(routes::members::update)
                .delete(routes::members::remove),
        )
        .route(
            "/organizations/{org_id}/users/{member_id}/remove",
            post(routes::members::remove),
        )
        .route(
            "/organizations/{org_id}/users/{member_id}/reinvite",
            post(routes::invitations::reinvite),
        )
        .route(
            "/organizations/{org_id}/users/{member_id}/accept",
            post(routes::members::accept),
        )
        .route(
            "/organizations/{org_id}/users/{member_id}/confirm",
            post(routes::members::confirm),
        )
        .route(
            "/organization/sponsorship/self-hosted/{org_id}/families-for-enterprise",
            post(routes::sponsorships::create),
        )
        .route(
            "/organization/sponsorship/self-hosted/{org_id}",
            axum::routing::delete(routes::sponsorships::revoke_own),
        )
        .route(
            "/organization/sponsorship/self-hosted/{org_id}/delete",
            post(routes::sponsorships::revoke_own),
        )
        .route(
            "/organization/sponsorship/self-hosted/{org_id}/{friendly_name}/revoke",
            axum::routing::delete(routes::sponsorships::revoke_by_name),
        )
        .route(
            "/organization/sponsorship/self-hosted/{org_id}/sponsored",
            get(routes::sponsorships::list_sponsored),
        )
        .route(
            "/organization/sponsorship/sync",
            post(routes::sponsorship_sync::sync),
        )
        .route(
            "/organization/sponsorship/{org_id}/sync-status",
            get(routes::sponsorships::sync_status),
        )
        .route(
            "/organization/sponsorship/{org_id}/families-for-enterprise",
            post(routes::cloud_offers::create),
        )
        .route(
            "/organization/sponsorship/{org_id}/families-for-enterprise/resend",
            post(routes::cloud_offers::resend),
        )
        .route(
            "/organization/sponsorship/{org_id}",
            delete(routes::cloud_sponsorships::revoke_own),
        )
        .route(
            "/organization/sponsorship/{org_id}/delete",
            post(routes::cloud_sponsorships::revoke_own),
        )
        .route(
            "/organization/sponsorship/{org_id}/{friendly_name}/revoke",
            delete(routes::cloud_sponsorships::revoke_by_name),
        )
        .route(
            "/organization/sponsorship/sponsored/{org_id}",
            delete(routes::cloud_sponsorships::remove),
        )
        .route(
            "/organization/sponsorship/sponsored/{org_id}/remove",
            post(routes::cloud_sponsorships::remove),
        )
        .route("/installations", post(routes::installations::create))
        .route("/installations/{id}", get(routes::installations::get))
        .fallback(not_found);
    let identity = Router::new()
        .route(
            "/accounts/prelogin",
            post(routes::identity::prelogin::prelogin),
        )
        .route(
            "/accounts/prelogin/password",
            post(routes::identity::prelogin::prelogin),
        )
        .route(
            "/accounts/register/send-verification-email",
            post(routes::identity::register::send_verification_email),
        )
        .route(
            "/accounts/register/finish",
            post(routes::identity::register::finish),
        )
        .route("/connect/token", post(routes::identity::token::token))
        .fallback(not_found);

    Router::new()
        .route("/alive", get(routes::health::alive))
        .nest("/api", api)
        .nest("/identity", identity)
        .nest("/admin", crate::admin::router())
        .merge(crate::console::router())
        .fallback(page_not_found)
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(security_header(header::REFERRER_POLICY, "same-origin"))
        .layer(security_header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ))
        .layer(
            TraceLayer::new_for_http()
                // The path only: query strings may carry tokens (reference §0.3).
                .make_span_with(|request: &Request<_>| {
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                .on_request(())
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// The service to serve: the router behind trailing-slash normalisation, since some clients
/// add a `/` that axum would otherwise not match.
pub fn app(state: AppState) -> NormalizePath<Router> {
    NormalizePathLayer::trim_trailing_slash().layer(router(state))
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

async fn page_not_found() -> Response {
    (axum::http::StatusCode::NOT_FOUND, "Not found").into_response()
}

/// A security header set on every response that did not set its own.
fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
