//! The OpenAPI document of every route (SPEC §9 "OpenAPI"), built from the `#[utoipa::path]`
//! attribute beside each handler: the router and the document come from the same calls, so a
//! route cannot be served without being described.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use kinwarden_proto::error::{ErrorResponse, IdentityError};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoResponses, Modify, OpenApi};

/// The base of the document: what no single handler says.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kinwarden",
        description = "Bitwarden-compatible API for Families for Enterprise sponsorships with billing sync. \
            Errors of `/api` use the Bitwarden envelope `{message, validationErrors, object: \"error\"}`; \
            the token endpoint answers OAuth errors `{error, error_description, ErrorModel}`."
    ),
    components(schemas(ErrorResponse, IdentityError)),
    modifiers(&SecuritySchemes)
)]
pub struct ApiDoc;

/// Names of the security schemes handlers refer to.
pub const BEARER: &str = "bearer";
pub const PORTAL_SESSION: &str = "portalSession";

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            PORTAL_SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::admin::SESSION_COOKIE,
            ))),
        );
    }
}

/// The document as served, rendered once.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    let (_, doc) = crate::router::openapi_router().split_for_parts();
    doc.to_pretty_json()
        .unwrap_or_else(|err| format!("{{\"error\":\"{err}\"}}"))
});

/// The document itself, for tests and tools.
pub fn document() -> utoipa::openapi::OpenApi {
    crate::router::openapi_router().split_for_parts().1
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of this server", content_type = "application/json"))
)]
pub async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.as_str(),
    )
}

/// Errors of a route open to anyone: bad input.
#[derive(IntoResponses)]
pub enum AnonymousErrors {
    /// The request is invalid; `validationErrors` names the fields.
    #[response(status = 400)]
    BadRequest(#[to_schema] ErrorResponse),
}

/// Errors of a route for a signed-in user.
#[derive(IntoResponses)]
pub enum UserErrors {
    /// The request is invalid, or the route is not served in this mode.
    #[response(status = 400)]
    BadRequest(#[to_schema] ErrorResponse),
    /// No valid bearer token (empty body with a `WWW-Authenticate: Bearer` challenge), or
    /// "Unauthorized." in the envelope.
    #[response(status = 401)]
    Unauthorized,
    /// The resource does not exist or is not the caller's.
    #[response(status = 404)]
    NotFound(#[to_schema] ErrorResponse),
}

/// Errors of a route that needs a role in an organization.
#[derive(IntoResponses)]
pub enum OrganizationErrors {
    /// The request is invalid, or the route is not served in this mode.
    #[response(status = 400)]
    BadRequest(#[to_schema] ErrorResponse),
    /// No valid bearer token, or "Unauthorized." in the envelope.
    #[response(status = 401)]
    Unauthorized,
    /// The caller's role in the organization does not allow this (empty body).
    #[response(status = 403)]
    Forbidden,
    /// The organization or the resource does not exist, or the caller is not a member.
    #[response(status = 404)]
    NotFound(#[to_schema] ErrorResponse),
}

/// Errors of a route for a self-hosted installation (its client-credentials token).
#[derive(IntoResponses)]
pub enum InstallationErrors {
    /// The request is invalid, or the route is not served in this mode.
    #[response(status = 400)]
    BadRequest(#[to_schema] ErrorResponse),
    /// No valid installation token, or "Unauthorized." in the envelope.
    #[response(status = 401)]
    Unauthorized,
    /// The token is not an installation's (empty body).
    #[response(status = 403)]
    Forbidden,
    /// The organization does not exist.
    #[response(status = 404)]
    NotFound(#[to_schema] ErrorResponse),
}

/// Answers of a System Administrator Portal page.
#[derive(IntoResponses)]
pub enum PortalAnswers {
    /// The page.
    #[response(status = 200, content_type = "text/html")]
    Page(String),
    /// To the login page without a session, or to the next page.
    #[response(status = 303)]
    Redirect,
    /// The form's CSRF token does not match.
    #[response(status = 403, content_type = "text/plain")]
    Refused(String),
    /// No such page or organization.
    #[response(status = 404)]
    NotFound,
}
