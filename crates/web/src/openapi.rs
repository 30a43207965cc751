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
                crate::portal::SESSION_COOKIE,
            ))),
        );
    }
}

/// The document as served, rendered once.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    document()
        .to_pretty_json()
        .unwrap_or_else(|err| format!("{{\"error\":\"{err}\"}}"))
});

/// The document itself, for tests and tools.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = crate::router::openapi_router(crate::router::Purpose::Document)
        .split_for_parts()
        .1;
    name_operations(&mut doc);
    doc
}

/// Gives every operation an id made of its method and path (`putApiOrganizationsOrgIdUsersMemberId`):
/// handlers in different files share names (`get`, `sync`), and ids must be unique.
fn name_operations(doc: &mut utoipa::openapi::OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let words: String = path
            .split(['/', '-', '_', '{', '}', '.'])
            .filter(|word| !word.is_empty())
            .map(capitalized)
            .collect();
        let operations = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
            ("head", &mut item.head),
        ];
        for (method, operation) in operations {
            if let Some(operation) = operation {
                operation.operation_id = Some(format!("{method}{words}"));
            }
        }
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
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
    BadRequest(ErrorResponse),
}

/// Errors of a route for a signed-in user.
#[derive(IntoResponses)]
pub enum UserErrors {
    /// The request is invalid, or the route is not served in this mode.
    #[response(status = 400)]
    BadRequest(ErrorResponse),
    /// No valid bearer token (empty body with a `WWW-Authenticate: Bearer` challenge), or
    /// "Unauthorized." in the envelope.
    #[response(status = 401)]
    Unauthorized,
    /// The resource does not exist or is not the caller's.
    #[response(status = 404)]
    NotFound(ErrorResponse),
}

/// Errors of a route that needs a role in an organization.
#[derive(IntoResponses)]
pub enum OrganizationErrors {
    /// The request is invalid, or the route is not served in this mode.
    #[response(status = 400)]
    BadRequest(ErrorResponse),
    /// No valid bearer token, or "Unauthorized." in the envelope.
    #[response(status = 401)]
    Unauthorized,
    /// The caller's role in the organization does not allow this (empty body).
    #[response(status = 403)]
    Forbidden,
    /// The organization or the resource does not exist, or the caller is not a member.
    #[response(status = 404)]
    NotFound(ErrorResponse),
}

/// Errors of a route for a self-hosted installation (its client-credentials token).
#[derive(IntoResponses)]
pub enum InstallationErrors {
    /// The request is invalid, or the route is not served in this mode.
    #[response(status = 400)]
    BadRequest(ErrorResponse),
    /// No valid installation token, or "Unauthorized." in the envelope.
    #[response(status = 401)]
    Unauthorized,
    /// The token is not an installation's (empty body).
    #[response(status = 403)]
    Forbidden,
    /// The organization does not exist.
    #[response(status = 404)]
    NotFound(ErrorResponse),
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
    /// The form is incomplete or not a form.
    #[response(status = 400, content_type = "text/plain")]
    BadForm(String),
    /// The form's CSRF token does not match.
    #[response(status = 403, content_type = "text/plain")]
    Refused(String),
    /// No such page or organization.
    #[response(status = 404)]
    NotFound,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole document, pinned: any change to a route, a body or a status shows in review.
    #[test]
    fn document_is_pinned() {
        let doc: serde_json::Value =
            serde_json::from_str(DOCUMENT.as_str()).expect("the document is JSON");
        insta::assert_json_snapshot!("openapi", doc);
    }

    #[test]
    fn wire_names_are_what_serde_writes() {
        let doc = document();
        let schemas = &doc.components.as_ref().expect("components").schemas;
        let json = |name: &str| serde_json::to_value(&schemas[name]).expect("schema");
        let error = json("ErrorResponse");
        for field in ["message", "validationErrors", "object"] {
            assert!(error["properties"].get(field).is_some(), "{field}");
        }
        let sync = json("SyncRequest");
        assert!(sync["properties"].get("billingSyncKey").is_some());
        assert!(sync["properties"].get("sponsorshipsBatch").is_some());
        let member = json("MemberResponse");
        assert!(member["properties"].get("type").is_some());
        // The token error keeps its mixed case.
        let identity = json("IdentityError");
        assert!(identity["properties"].get("error_description").is_some());
        assert!(identity["properties"].get("ErrorModel").is_some());
    }

    /// The server's routes are built without their descriptions; they must be the document's
    /// routes exactly: the same paths, each with the same methods.
    #[test]
    fn a_server_answers_the_routes_the_document_describes() {
        use crate::router::{Purpose, openapi_router};
        let methods = |purpose: Purpose| -> Vec<(String, Vec<String>)> {
            let paths = openapi_router(purpose).split_for_parts().1.paths.paths;
            paths
                .into_iter()
                .map(|(path, item)| {
                    let item = serde_json::to_value(&item).expect("path item");
                    let mut methods: Vec<String> = item
                        .as_object()
                        .map(|methods| methods.keys().cloned().collect())
                        .unwrap_or_default();
                    methods.sort();
                    (path, methods)
                })
                .collect()
        };
        let served = methods(Purpose::Serve);
        assert!(served.len() > 100, "{} paths", served.len());
        assert_eq!(served, methods(Purpose::Document));
    }
}
