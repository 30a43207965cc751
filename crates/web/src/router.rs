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

/// What a route list is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The routes a server answers, without their descriptions.
    Serve,
    /// The routes with their OpenAPI descriptions, for the document.
    Document,
}

/// `utoipa_axum::routes!` for [`Purpose::Document`]; for [`Purpose::Serve`] the same handlers on
/// the same paths and methods, with empty operations and no schemas. Describing every route
/// (each operation, and every schema it names, cloned into the document) was 5.7 MB of a
/// starting server's 6.3 MB heap peak, memory glibc kept after it was freed, so a server's
/// idle memory paid for a document it only renders when asked (SPEC §10, idle RSS).
macro_rules! routes {
    // Each handler as its path's identifiers (a captured `path` cannot be taken apart again).
    ($purpose:expr; $($($segment:ident)::+),+ $(,)?) => {
        if $purpose == $crate::router::Purpose::Document {
            utoipa_axum::routes!($($($segment)::+),+)
        } else {
            #[allow(unused_imports)]
            use utoipa_axum::PathItemExt as _;
            let mut paths = utoipa::openapi::path::Paths::new();
            let mut router = axum::routing::MethodRouter::new();
            $(
                let path = utoipa_axum::routes!(@path [path()] of $($segment)::+);
                let methods = utoipa_axum::routes!(@path [methods()] of $($segment)::+);
                router = methods.iter().fold(router, |router, method| {
                    router.on(method.to_method_filter(), $($segment)::+)
                });
                paths.add_path_operation(&path, methods, utoipa::openapi::path::Operation::new());
            )+
            (Vec::new(), paths, router)
        }
    };
}
pub(crate) use routes;

/// Every route with its OpenAPI description (SPEC §9 "OpenAPI"), one `routes!` per path: the
/// document served at `/api/openapi.json` and the router are built from this one list.
pub fn openapi_router(purpose: Purpose) -> OpenApiRouter<AppState> {
    use crate::api::*;
    let api = OpenApiRouter::new()
        .routes(routes!(purpose; crate::openapi::openapi_json))
        .routes(routes!(purpose; config::config))
        .routes(routes!(purpose; sync::sync))
        .routes(routes!(purpose; accounts::profile))
        .routes(routes!(purpose; accounts::revision_date))
        .routes(routes!(purpose; accounts::api_key))
        .routes(routes!(purpose; accounts::rotate_api_key))
        .routes(routes!(purpose; accounts::security_stamp))
        .routes(routes!(purpose; accounts::request_otp))
        .routes(routes!(purpose; accounts::verify_password))
        .routes(routes!(purpose; accounts::user_key_id))
        .routes(routes!(purpose; users::public_key))
        .routes(routes!(purpose; redemption::validate_token))
        .routes(routes!(purpose; redemption::redeem))
        .routes(routes!(purpose; organizations::create))
        .routes(routes!(purpose; connections::create))
        .routes(routes!(purpose; connections::enabled))
        .routes(routes!(
            purpose;
            connections::update,
            connections::delete
        ))
        .routes(routes!(purpose; connections::get))
        .routes(routes!(purpose; plans::list))
        .routes(routes!(purpose; organizations::get))
        .routes(routes!(purpose; billing_sync_status::status))
        .routes(routes!(
            purpose;
            subscription::get,
            subscription::adjust
        ))
        .routes(routes!(purpose; api_keys::get_or_create))
        .routes(routes!(purpose; api_keys::rotate))
        .routes(routes!(purpose; api_keys::information))
        .routes(routes!(purpose; api_keys::information_of_type))
        .routes(routes!(purpose; licenses::organization_license))
        .routes(routes!(purpose; licenses::public_key))
        .routes(routes!(purpose; licenses::certificate))
        .routes(routes!(purpose; self_hosted_licenses::create))
        .routes(routes!(purpose; self_hosted_licenses::replace))
        .routes(routes!(purpose; self_hosted_license_sync::sync))
        .routes(routes!(purpose; cloud_license_sync::cloud_license))
        .routes(routes!(purpose; members::leave))
        .routes(routes!(purpose; members::list))
        .routes(routes!(purpose; invitations::invite))
        .routes(routes!(
            purpose;
            members::get,
            members::update,
            members::remove
        ))
        .routes(routes!(purpose; members::remove_post))
        .routes(routes!(purpose; invitations::reinvite))
        .routes(routes!(purpose; members::accept))
        .routes(routes!(purpose; members::confirm))
        .routes(routes!(
            purpose;
            groups::list,
            groups::create,
            groups::delete_many
        ))
        .routes(routes!(purpose; groups::delete_many_post))
        .routes(routes!(
            purpose;
            groups::get,
            groups::update,
            groups::delete
        ))
        .routes(routes!(purpose; groups::delete_post))
        .routes(routes!(purpose; groups::details))
        .routes(routes!(purpose; groups::users))
        .routes(routes!(purpose; groups::remove_user))
        .routes(routes!(purpose; groups::remove_user_post))
        .routes(routes!(
            purpose;
            groups::member_groups,
            groups::set_member_groups
        ))
        .routes(routes!(purpose; sponsorships::create))
        .routes(routes!(purpose; sponsorships::revoke_own))
        .routes(routes!(purpose; sponsorships::revoke_own_post))
        .routes(routes!(purpose; sponsorships::revoke_by_name))
        .routes(routes!(purpose; sponsorships::list_sponsored))
        .routes(routes!(purpose; cloud_sponsorship_sync::sync))
        .routes(routes!(purpose; sponsorships::sync_status))
        .routes(routes!(purpose; cloud_offers::create))
        .routes(routes!(purpose; cloud_offers::resend))
        .routes(routes!(purpose; cloud_sponsorships::list_sponsored))
        .routes(routes!(purpose; cloud_sponsorships::revoke_own))
        .routes(routes!(purpose; cloud_sponsorships::revoke_own_post))
        .routes(routes!(purpose; cloud_sponsorships::revoke_by_name))
        .routes(routes!(purpose; cloud_sponsorships::remove))
        .routes(routes!(purpose; cloud_sponsorships::remove_post))
        .routes(routes!(purpose; installations::create))
        .routes(routes!(purpose; installations::get))
        .routes(routes!(
            purpose;
            folders::list,
            folders::create,
            folders::delete_many
        ))
        .routes(routes!(purpose; folders::delete_all))
        .routes(routes!(
            purpose;
            folders::get,
            folders::rename,
            folders::rename_post,
            folders::delete
        ))
        .routes(routes!(purpose; folders::delete_post))
        .routes(routes!(
            purpose;
            ciphers::list,
            ciphers::create,
            ciphers::delete_many
        ))
        .routes(routes!(purpose; ciphers::create_with_collections))
        .routes(routes!(
            purpose;
            ciphers::soft_delete_many,
            ciphers::delete_many_post
        ))
        .routes(routes!(purpose; ciphers::restore_many))
        .routes(routes!(
            purpose;
            ciphers::move_many,
            ciphers::move_many_post
        ))
        .routes(routes!(purpose; ciphers::purge))
        .routes(routes!(
            purpose;
            ciphers::get,
            ciphers::update,
            ciphers::update_post,
            ciphers::delete
        ))
        .routes(routes!(purpose; ciphers::details))
        .routes(routes!(purpose; ciphers::full_details))
        .routes(routes!(
            purpose;
            ciphers::partial,
            ciphers::partial_post
        ))
        .routes(routes!(
            purpose;
            ciphers::soft_delete,
            ciphers::delete_post
        ))
        .routes(routes!(purpose; ciphers::restore))
        .routes(routes!(purpose; ciphers::archive))
        .routes(routes!(purpose; ciphers::unarchive))
        .routes(routes!(purpose; ciphers::archive_many))
        .routes(routes!(purpose; ciphers::unarchive_many))
        .routes(routes!(
            purpose;
            shared_ciphers::share,
            shared_ciphers::share_post
        ))
        .routes(routes!(
            purpose;
            shared_ciphers::share_many,
            shared_ciphers::share_many_post
        ))
        .routes(routes!(
            purpose;
            shared_ciphers::collections,
            shared_ciphers::collections_post
        ))
        .routes(routes!(
            purpose;
            shared_ciphers::collections_v2,
            shared_ciphers::collections_v2_post
        ))
        .routes(routes!(purpose; shared_ciphers::organization_details))
        .routes(routes!(purpose; admin_ciphers::assigned))
        .routes(routes!(
            purpose;
            admin_ciphers::get,
            admin_ciphers::update,
            admin_ciphers::update_post,
            admin_ciphers::delete
        ))
        .routes(routes!(
            purpose;
            admin_ciphers::create,
            admin_ciphers::delete_many
        ))
        .routes(routes!(
            purpose;
            admin_ciphers::collections,
            admin_ciphers::collections_post
        ))
        .routes(routes!(purpose; admin_ciphers::bulk_collections))
        .routes(routes!(
            purpose;
            admin_ciphers::soft_delete,
            admin_ciphers::delete_post
        ))
        .routes(routes!(
            purpose;
            admin_ciphers::soft_delete_many,
            admin_ciphers::delete_many_post
        ))
        .routes(routes!(purpose; admin_ciphers::restore))
        .routes(routes!(purpose; admin_ciphers::restore_many))
        .routes(routes!(purpose; shared_ciphers::export))
        .routes(routes!(purpose; collections::mine))
        .routes(routes!(
            purpose;
            collections::list,
            collections::create,
            collections::delete_many
        ))
        .routes(routes!(purpose; collections::delete_many_post))
        .routes(routes!(purpose; collections::list_details))
        .routes(routes!(purpose; collections::bulk_access))
        .routes(routes!(
            purpose;
            collections::get,
            collections::update,
            collections::update_post,
            collections::delete
        ))
        .routes(routes!(purpose; collections::delete_post))
        .routes(routes!(purpose; collections::details))
        .routes(routes!(purpose; collections::users))
        .routes(routes!(purpose; collections::management))
        .routes(routes!(purpose; attachments::reserve))
        .routes(routes!(purpose; attachments::get, attachments::delete))
        .routes(routes!(purpose; attachments::delete_post))
        .routes(routes!(purpose; attachments::download))
        // An import carries a whole vault: up to the 30 MB a request may carry in the reference.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(purpose; ciphers::import))
                .routes(routes!(purpose; shared_ciphers::import_organization))
                .layer(axum::extract::DefaultBodyLimit::max(
                    ciphers::IMPORT_BODY_LIMIT,
                )),
        )
        // The upload alone takes a body of any size: it is streamed to disk and cut off as soon
        // as more arrives than its reservation (itself within `kinwarden__attachmentMaxSize`).
        .merge(
            OpenApiRouter::new()
                .routes(routes!(purpose; attachments::upload))
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .fallback(not_found);
    let identity = OpenApiRouter::new()
        .routes(routes!(purpose; identity::prelogin::prelogin))
        .routes(routes!(purpose; identity::prelogin::prelogin_password))
        .routes(routes!(
            purpose;
            identity::register::send_verification_email
        ))
        .routes(routes!(purpose; identity::register::finish))
        .routes(routes!(purpose; identity::token::token))
        .fallback(not_found);

    let base = match purpose {
        Purpose::Document => OpenApiRouter::with_openapi(crate::openapi::ApiDoc::openapi()),
        Purpose::Serve => OpenApiRouter::new(),
    };
    base.routes(routes!(purpose; health::alive))
        .routes(routes!(purpose; crate::http::metrics::scrape))
        .nest("/api", api)
        .nest("/identity", identity)
        .nest(
            "/events",
            OpenApiRouter::new()
                .routes(routes!(purpose; events::collect))
                .fallback(not_found),
        )
        .nest("/admin", crate::portal::router(purpose))
}

/// The router with every route, before path normalisation.
pub fn router(state: AppState) -> Router {
    let (routes, _) = openapi_router(Purpose::Serve).split_for_parts();
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
