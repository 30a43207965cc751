//! The whole HTTP surface under its path bases (SPEC §1), with the layers every request passes:
//! trailing-slash normalisation, request logging, and security headers.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request, header};
use axum::response::Response;
use kinwarden_config::TlsMode;
use tower::Layer;
use tower_http::normalize_path::{NormalizePath, NormalizePathLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::http::error::ApiError;
use crate::http::state::AppState;

/// Every route with its OpenAPI description (SPEC §9 "OpenAPI"), one `routes!` per path: the
/// document served at `/api/openapi.json` and the router are built from this one list.
pub fn openapi_router() -> OpenApiRouter<AppState> {
    use crate::api::*;
    let api = OpenApiRouter::new()
        .routes(utoipa_axum::routes!(crate::openapi::openapi_json))
        .routes(utoipa_axum::routes!(config::config))
        .routes(utoipa_axum::routes!(sync::sync))
        .routes(utoipa_axum::routes!(accounts::profile))
        .routes(utoipa_axum::routes!(accounts::revision_date))
        .routes(utoipa_axum::routes!(accounts::api_key))
        .routes(utoipa_axum::routes!(accounts::rotate_api_key))
        .routes(utoipa_axum::routes!(accounts::security_stamp))
        .routes(utoipa_axum::routes!(accounts::request_otp))
        .routes(utoipa_axum::routes!(accounts::verify_password))
        .routes(utoipa_axum::routes!(accounts::user_key_id))
        .routes(utoipa_axum::routes!(users::public_key))
        .routes(utoipa_axum::routes!(redemption::validate_token))
        .routes(utoipa_axum::routes!(redemption::redeem))
        .routes(utoipa_axum::routes!(organizations::create))
        .routes(utoipa_axum::routes!(connections::create))
        .routes(utoipa_axum::routes!(connections::enabled))
        .routes(utoipa_axum::routes!(
            connections::update,
            connections::delete
        ))
        .routes(utoipa_axum::routes!(connections::get))
        .routes(utoipa_axum::routes!(plans::list))
        .routes(utoipa_axum::routes!(organizations::get))
        .routes(utoipa_axum::routes!(billing_sync_status::status))
        .routes(utoipa_axum::routes!(
            subscription::get,
            subscription::adjust
        ))
        .routes(utoipa_axum::routes!(api_keys::get_or_create))
        .routes(utoipa_axum::routes!(api_keys::rotate))
        .routes(utoipa_axum::routes!(api_keys::information))
        .routes(utoipa_axum::routes!(api_keys::information_of_type))
        .routes(utoipa_axum::routes!(licenses::organization_license))
        .routes(utoipa_axum::routes!(licenses::public_key))
        .routes(utoipa_axum::routes!(licenses::certificate))
        .routes(utoipa_axum::routes!(self_hosted_licenses::create))
        .routes(utoipa_axum::routes!(self_hosted_licenses::replace))
        .routes(utoipa_axum::routes!(self_hosted_license_sync::sync))
        .routes(utoipa_axum::routes!(cloud_license_sync::cloud_license))
        .routes(utoipa_axum::routes!(members::leave))
        .routes(utoipa_axum::routes!(members::list))
        .routes(utoipa_axum::routes!(invitations::invite))
        .routes(utoipa_axum::routes!(
            members::get,
            members::update,
            members::remove
        ))
        .routes(utoipa_axum::routes!(members::remove_post))
        .routes(utoipa_axum::routes!(invitations::reinvite))
        .routes(utoipa_axum::routes!(members::accept))
        .routes(utoipa_axum::routes!(members::confirm))
        .routes(utoipa_axum::routes!(
            groups::list,
            groups::create,
            groups::delete_many
        ))
        .routes(utoipa_axum::routes!(groups::delete_many_post))
        .routes(utoipa_axum::routes!(
            groups::get,
            groups::update,
            groups::delete
        ))
        .routes(utoipa_axum::routes!(groups::delete_post))
        .routes(utoipa_axum::routes!(groups::details))
        .routes(utoipa_axum::routes!(groups::users))
        .routes(utoipa_axum::routes!(groups::remove_user))
        .routes(utoipa_axum::routes!(groups::remove_user_post))
        .routes(utoipa_axum::routes!(
            groups::member_groups,
            groups::set_member_groups
        ))
        .routes(utoipa_axum::routes!(sponsorships::create))
        .routes(utoipa_axum::routes!(sponsorships::revoke_own))
        .routes(utoipa_axum::routes!(sponsorships::revoke_own_post))
        .routes(utoipa_axum::routes!(sponsorships::revoke_by_name))
        .routes(utoipa_axum::routes!(sponsorships::list_sponsored))
        .routes(utoipa_axum::routes!(cloud_sponsorship_sync::sync))
        .routes(utoipa_axum::routes!(sponsorships::sync_status))
        .routes(utoipa_axum::routes!(cloud_offers::create))
        .routes(utoipa_axum::routes!(cloud_offers::resend))
        .routes(utoipa_axum::routes!(cloud_sponsorships::list_sponsored))
        .routes(utoipa_axum::routes!(cloud_sponsorships::revoke_own))
        .routes(utoipa_axum::routes!(cloud_sponsorships::revoke_own_post))
        .routes(utoipa_axum::routes!(cloud_sponsorships::revoke_by_name))
        .routes(utoipa_axum::routes!(cloud_sponsorships::remove))
        .routes(utoipa_axum::routes!(cloud_sponsorships::remove_post))
        .routes(utoipa_axum::routes!(installations::create))
        .routes(utoipa_axum::routes!(installations::get))
        .routes(utoipa_axum::routes!(
            folders::list,
            folders::create,
            folders::delete_many
        ))
        .routes(utoipa_axum::routes!(folders::delete_all))
        .routes(utoipa_axum::routes!(
            folders::get,
            folders::rename,
            folders::rename_post,
            folders::delete
        ))
        .routes(utoipa_axum::routes!(folders::delete_post))
        .routes(utoipa_axum::routes!(
            ciphers::list,
            ciphers::create,
            ciphers::delete_many
        ))
        .routes(utoipa_axum::routes!(ciphers::create_with_collections))
        .routes(utoipa_axum::routes!(
            ciphers::soft_delete_many,
            ciphers::delete_many_post
        ))
        .routes(utoipa_axum::routes!(ciphers::restore_many))
        .routes(utoipa_axum::routes!(
            ciphers::move_many,
            ciphers::move_many_post
        ))
        .routes(utoipa_axum::routes!(ciphers::purge))
        .routes(utoipa_axum::routes!(
            ciphers::get,
            ciphers::update,
            ciphers::update_post,
            ciphers::delete
        ))
        .routes(utoipa_axum::routes!(ciphers::details))
        .routes(utoipa_axum::routes!(ciphers::full_details))
        .routes(utoipa_axum::routes!(
            ciphers::partial,
            ciphers::partial_post
        ))
        .routes(utoipa_axum::routes!(
            ciphers::soft_delete,
            ciphers::delete_post
        ))
        .routes(utoipa_axum::routes!(ciphers::restore))
        .routes(utoipa_axum::routes!(ciphers::archive))
        .routes(utoipa_axum::routes!(ciphers::unarchive))
        .routes(utoipa_axum::routes!(ciphers::archive_many))
        .routes(utoipa_axum::routes!(ciphers::unarchive_many))
        .routes(utoipa_axum::routes!(
            shared_ciphers::share,
            shared_ciphers::share_post
        ))
        .routes(utoipa_axum::routes!(
            shared_ciphers::share_many,
            shared_ciphers::share_many_post
        ))
        .routes(utoipa_axum::routes!(
            shared_ciphers::collections,
            shared_ciphers::collections_post
        ))
        .routes(utoipa_axum::routes!(
            shared_ciphers::collections_v2,
            shared_ciphers::collections_v2_post
        ))
        .routes(utoipa_axum::routes!(shared_ciphers::organization_details))
        .routes(utoipa_axum::routes!(admin_ciphers::assigned))
        .routes(utoipa_axum::routes!(
            admin_ciphers::get,
            admin_ciphers::update,
            admin_ciphers::update_post,
            admin_ciphers::delete
        ))
        .routes(utoipa_axum::routes!(
            admin_ciphers::create,
            admin_ciphers::delete_many
        ))
        .routes(utoipa_axum::routes!(
            admin_ciphers::collections,
            admin_ciphers::collections_post
        ))
        .routes(utoipa_axum::routes!(admin_ciphers::bulk_collections))
        .routes(utoipa_axum::routes!(
            admin_ciphers::soft_delete,
            admin_ciphers::delete_post
        ))
        .routes(utoipa_axum::routes!(
            admin_ciphers::soft_delete_many,
            admin_ciphers::delete_many_post
        ))
        .routes(utoipa_axum::routes!(admin_ciphers::restore))
        .routes(utoipa_axum::routes!(admin_ciphers::restore_many))
        .routes(utoipa_axum::routes!(shared_ciphers::export))
        .routes(utoipa_axum::routes!(collections::mine))
        .routes(utoipa_axum::routes!(
            collections::list,
            collections::create,
            collections::delete_many
        ))
        .routes(utoipa_axum::routes!(collections::delete_many_post))
        .routes(utoipa_axum::routes!(collections::list_details))
        .routes(utoipa_axum::routes!(collections::bulk_access))
        .routes(utoipa_axum::routes!(
            collections::get,
            collections::update,
            collections::update_post,
            collections::delete
        ))
        .routes(utoipa_axum::routes!(collections::delete_post))
        .routes(utoipa_axum::routes!(collections::details))
        .routes(utoipa_axum::routes!(collections::users))
        .routes(utoipa_axum::routes!(collections::management))
        .routes(utoipa_axum::routes!(attachments::reserve))
        .routes(utoipa_axum::routes!(attachments::get, attachments::delete))
        .routes(utoipa_axum::routes!(attachments::delete_post))
        .routes(utoipa_axum::routes!(attachments::download))
        // An import carries a whole vault: up to the 30 MB a request may carry in the reference.
        .merge(
            OpenApiRouter::new()
                .routes(utoipa_axum::routes!(ciphers::import))
                .routes(utoipa_axum::routes!(shared_ciphers::import_organization))
                .layer(axum::extract::DefaultBodyLimit::max(
                    ciphers::IMPORT_BODY_LIMIT,
                )),
        )
        // The upload alone takes a body of any size: it is streamed to disk and cut off as soon
        // as more arrives than its reservation (itself within `kinwarden__attachmentMaxSize`).
        .merge(
            OpenApiRouter::new()
                .routes(utoipa_axum::routes!(attachments::upload))
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .fallback(not_found);
    let identity = OpenApiRouter::new()
        .routes(utoipa_axum::routes!(identity::prelogin::prelogin))
        .routes(utoipa_axum::routes!(identity::prelogin::prelogin_password))
        .routes(utoipa_axum::routes!(
            identity::register::send_verification_email
        ))
        .routes(utoipa_axum::routes!(identity::register::finish))
        .routes(utoipa_axum::routes!(identity::token::token))
        .fallback(not_found);

    OpenApiRouter::with_openapi(crate::openapi::ApiDoc::openapi())
        .routes(utoipa_axum::routes!(health::alive))
        .routes(utoipa_axum::routes!(crate::http::metrics::scrape))
        .nest("/api", api)
        .nest("/identity", identity)
        .nest(
            "/events",
            OpenApiRouter::new()
                .routes(utoipa_axum::routes!(events::collect))
                .fallback(not_found),
        )
        .nest("/admin", crate::portal::router())
}

/// The router with every route, before path normalisation.
pub fn router(state: AppState) -> Router {
    let (routes, _) = openapi_router().split_for_parts();
    // The pages are HTML for people, outside the API document.
    let routes = routes.merge(crate::pages::router());
    routes
        .fallback(page_not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::http::metrics::track,
        ))
        // Served over TLS, the browser is told to come back only over TLS; behind a proxy
        // that ends TLS (`TlsMode::Off`) the proxy says so itself.
        .layer(tower::util::option_layer(
            (state.config.tls != TlsMode::Off)
                .then(|| security_header(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000")),
        ))
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
    crate::pages::not_found()
}

/// A security header set on every response that did not set its own.
fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
