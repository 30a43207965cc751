//! The pages (SPEC §1 `/`, §5, §7, §11): log in and register with the keys made in the browser,
//! the Admin Console (organizations, members, collections, Billing → Subscription in both modes), *Free Bitwarden
//! Families*, the cloud's redemption and host pages. Server-rendered; the one script does only
//! the key work. Every handler calls the same use-cases as the JSON routes.

mod account;
mod billing;
mod collections;
mod families;
mod host;
pub mod i18n;
mod levels;
mod member_access;
mod members;
mod organizations;
mod redemption;
pub(crate) mod session;

use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kinwarden_config::Mode;
use kinwarden_core::members::MemberType;
use tower_http::set_header::SetResponseHeaderLayer;

use self::i18n::Texts;
use self::session::Chrome;
use crate::ApiError;
use crate::http::org_access::{OrgAccess, access_of};
use crate::http::state::AppState;

/// `"GET"` or `"POST"` for the routing function of that name.
macro_rules! method_name {
    (get) => {
        "GET"
    };
    (post) => {
        "POST"
    };
}

/// The page routes, written once: the router and [`PAGE_ROUTES`] are both made from this list,
/// so a page cannot be served without being listed (the authorization matrix enumerates the
/// list) nor listed without being served.
macro_rules! pages {
    ($($path:literal => $first:ident($handler:path) $(.$method:ident($more:path))*,)*) => {
        /// Every page route as `(METHOD, path)`, paths in the router's syntax.
        pub const PAGE_ROUTES: &[(&str, &str)] = &[
            $((method_name!($first), $path), $((method_name!($method), $path),)*)*
        ];

        fn page_routes() -> Router<AppState> {
            Router::new()$(.route($path, $first($handler)$(.$method($more))*))*
        }
    };
}

pages! {
    "/" => get(account::home),
    "/login" => get(account::login_form).post(account::login),
    "/logout" => post(account::logout),
    "/register" => get(account::register_form).post(account::register),
    "/finish-signup" => get(account::register_form),
    "/lang" => post(account::switch_lang),
    "/settings" => get(account::settings_form).post(account::settings),
    "/organizations" => get(organizations::list),
    "/organizations/new" => post(organizations::create_from_license),
    "/organizations/create" => post(organizations::create_on_plan),
    "/organizations/{org_id}/members" => get(members::page),
    "/organizations/{org_id}/members/invite" => post(members::invite),
    "/organizations/{org_id}/members/{member_id}/confirm" => post(members::confirm),
    "/organizations/{org_id}/members/{member_id}/role" => post(members::role),
    "/organizations/{org_id}/members/{member_id}/access" => post(member_access::access),
    "/organizations/{org_id}/members/{member_id}/remove" => post(members::remove),
    "/accept-organization" => get(members::accept),
    "/organizations/{org_id}/collections" => get(collections::page),
    "/organizations/{org_id}/collections/{collection_id}/access" => post(collections::access),
    "/organizations/{org_id}/collections/{collection_id}/delete" => post(collections::delete),
    "/organizations/{org_id}/billing/subscription" => get(billing::page),
    "/organizations/{org_id}/billing/license" => get(billing::download_license),
    "/organizations/{org_id}/billing/token" => post(billing::token),
    "/organizations/{org_id}/billing/connection" => post(billing::save_connection),
    "/organizations/{org_id}/billing/sync-license" => post(billing::sync_license),
    "/organizations/{org_id}/billing/upload" => post(billing::upload_license),
    "/sponsored-families" => get(families::page),
    "/sponsored-families/offer" => post(families::offer),
    "/sponsored-families/revoke" => post(families::revoke),
    "/accept-families-for-enterprise" => get(redemption::page).post(redemption::redeem),
    "/host" => get(host::page).post(host::create),
    "/static/console.js" => get(script),
    "/static/console.css" => get(stylesheet),
    "/favicon.ico" => get(icon),
}

pub fn router() -> Router<AppState> {
    page_routes()
        // Pages show secrets (the billing sync token, an installation key): never cached.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// The pages' one script, served from the binary (the CSP allows no inline script).
async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../static/console.js"),
    )
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../static/console.css"),
    )
}

/// The pages' icon (browsers ask for it on every site).
async fn icon() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "image/svg+xml")],
        include_str!("../../static/favicon.svg"),
    )
}

/// What a page says about an error of a use-case: the envelope's message (SPEC §6: it names the
/// fix), a first field message, or a general text in the reader's language.
pub fn message_of(err: &ApiError, t: &Texts) -> String {
    match err {
        ApiError::BadRequest(message) | ApiError::TooManyRequests { message, .. } => {
            message.clone()
        }
        ApiError::Validation(errors) => errors
            .values()
            .flatten()
            .next()
            .cloned()
            .unwrap_or_else(|| t.error_occurred.to_string()),
        ApiError::NotFound | ApiError::Forbidden | ApiError::Unauthorized => {
            t.not_found.to_string()
        }
        ApiError::Unauthenticated | ApiError::Internal(_) => {
            if let ApiError::Internal(cause) = err {
                tracing::error!(%cause, "page request failed");
            }
            t.error_occurred.to_string()
        }
    }
}

/// A page that only says what went wrong, with the matching status.
pub fn error_page(mut c: Chrome, err: &ApiError) -> Response {
    let status = match err {
        ApiError::NotFound | ApiError::Forbidden | ApiError::Unauthorized => StatusCode::NOT_FOUND,
        ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::BAD_REQUEST,
    };
    let title = message_of(err, c.t);
    let cookie = c.take_cookie();
    let page = account::MessagePage {
        link: Some(("/organizations".to_string(), c.t.organizations.to_string())),
        c,
        title,
    };
    match page.render() {
        Ok(html) => match cookie {
            Some(cookie) => (status, [cookie], axum::response::Html(html)).into_response(),
            None => (status, axum::response::Html(html)).into_response(),
        },
        Err(err) => ApiError::internal(err).into_response(),
    }
}

/// The answer to a page that is not there: the router's fallback, and a page of the other mode.
pub(crate) fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Not found").into_response()
}

/// A page only a cloud has (the host page, redemption, an organization on a plan, the license
/// download, the billing sync token). A self-hosted server answers everyone a plain 404, before
/// any sign-in: Kinwarden's own mode-only pages answer 404, and none half-works (ARCHITECTURE).
pub struct OnCloud;

/// A page only a self-hosted server has (an organization from its license file, the billing sync
/// connection, *Sync license*, *Manual upload*): a plain 404 on a cloud, like [`OnCloud`].
pub struct OnSelfHosted;

impl FromRequestParts<AppState> for OnCloud {
    type Rejection = Response;

    async fn from_request_parts(_: &mut Parts, state: &AppState) -> Result<Self, Response> {
        crate::http::deployment::serves(state, Mode::Cloud)
            .then_some(Self)
            .ok_or_else(not_found)
    }
}

impl FromRequestParts<AppState> for OnSelfHosted {
    type Rejection = Response;

    async fn from_request_parts(_: &mut Parts, state: &AppState) -> Result<Self, Response> {
        crate::http::deployment::serves(state, Mode::SelfHosted)
            .then_some(Self)
            .ok_or_else(not_found)
    }
}

/// The user's membership of the organization, as an owner; anyone else learns nothing.
pub async fn owner_access(
    state: &AppState,
    user: &kinwarden_app::records::UserRecord,
    org_id: &str,
) -> Result<OrgAccess, ApiError> {
    let access = access_of(state, user, &org_id.to_ascii_lowercase()).await?;
    if access.role() == MemberType::Owner {
        Ok(access)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The date of a wire timestamp (`2026-11-25T…`), as pages show dates: ISO, the same in both
/// languages.
pub fn day(wire: Option<&str>) -> String {
    wire.map(|text| text.chars().take(10).collect())
        .unwrap_or_default()
}

/// A moment in milliseconds as pages show it: UTC, to the minute.
pub fn when(millis: i64) -> String {
    chrono::DateTime::from_timestamp_millis(millis)
        .map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// A wire timestamp as pages show it.
pub fn wire_when(wire: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(wire)
        .map(|at| when(at.timestamp_millis()))
        .unwrap_or_else(|_| wire.to_string())
}

pub fn role_name(t: &Texts, role: MemberType) -> &'static str {
    match role {
        MemberType::Owner => t.role_owner,
        MemberType::Admin => t.role_admin,
        MemberType::User => t.role_user,
        MemberType::Custom => t.role_custom,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_show_the_same_in_both_languages() {
        assert_eq!(day(Some("2026-11-25T10:00:00.000Z")), "2026-11-25");
        assert_eq!(day(None), "");
        assert_eq!(wire_when("2026-11-25T10:07:30Z"), "2026-11-25 10:07 UTC");
    }

    #[test]
    fn page_errors_name_the_cause_or_say_something_general() {
        let t = &i18n::SV;
        assert_eq!(
            message_of(&ApiError::BadRequest("Fix it.".into()), t),
            "Fix it."
        );
        assert_eq!(message_of(&ApiError::field("Email", "Bad."), t), "Bad.");
        assert_eq!(message_of(&ApiError::NotFound, t), t.not_found);
        assert_eq!(
            message_of(&ApiError::internal("db down"), t),
            t.error_occurred
        );
    }
}
