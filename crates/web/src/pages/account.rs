//! Log in, register, log out, the language switch and the account's language setting.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use kinwarden_app::accounts::register::{self, VerificationSent};
use kinwarden_app::accounts::tokens::TokenClient;
use kinwarden_app::accounts::{login, settings};
use kinwarden_mail::Lang;
use kinwarden_proto::identity::{KeysModel, RegisterFinishRequest};
use serde::Deserialize;

use super::session::{self, Chrome, PageUser, local_path, render};
use crate::ApiError;
use crate::http::client_ip::ClientIp;
use crate::http::forms;
use crate::http::state::AppState;

/// Iterations of the client-side key derivation for new accounts (Bitwarden's default).
const NEW_ACCOUNT_ITERATIONS: u32 = 600_000;

#[derive(Template)]
#[template(path = "pages/login.html")]
struct LoginPage {
    c: Chrome,
    email: String,
    next: String,
    sponsored: bool,
    register_link: String,
}

#[derive(Template)]
#[template(path = "pages/register.html")]
struct RegisterPage {
    c: Chrome,
    email: String,
    email_fixed: bool,
    next: String,
    iterations: u32,
    email_token: String,
    sponsorship_token: String,
    invite_token: String,
    organization_user_id: String,
    check_email: bool,
    login_link: String,
}

#[derive(Template)]
#[template(path = "pages/settings.html")]
struct SettingsPage {
    c: Chrome,
}

#[derive(Template)]
#[template(path = "pages/message.html")]
pub struct MessagePage {
    pub c: Chrome,
    pub title: String,
    pub link: Option<(String, String)>,
}

fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        out.append_pair(key, value);
    }
    out.finish()
}

pub async fn home(user: Result<PageUser, Response>) -> Redirect {
    match user {
        Ok(_) => Redirect::to("/organizations"),
        Err(_) => Redirect::to("/login"),
    }
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    email: String,
    #[serde(default)]
    next: String,
}

fn login_page(
    state: &AppState,
    headers: &HeaderMap,
    email: &str,
    next: &str,
    error: Option<&str>,
) -> Response {
    let mut c = Chrome::new(
        state,
        headers,
        None,
        &format!(
            "/login?{}",
            query_string(&[("email", email), ("next", next)])
        ),
    );
    c.error = error.map(str::to_string);
    let cookie = c.take_cookie();
    // Someone invited without an account registers with the invitation as proof of the address.
    let invitation = next
        .strip_prefix("/accept-organization?")
        .map(|query| {
            url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect::<Vec<(String, String)>>()
        })
        .unwrap_or_default();
    let param = |name: &str| {
        invitation
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .unwrap_or_default()
    };
    let register_link = format!(
        "/register?{}",
        query_string(&[
            ("email", email),
            ("next", next),
            ("orgInviteToken", param("token")),
            ("organizationUserId", param("organizationUserId")),
        ])
    );
    render(
        &LoginPage {
            c,
            email: email.to_string(),
            next: next.to_string(),
            sponsored: next.starts_with("/accept-families-for-enterprise"),
            register_link,
        },
        cookie,
    )
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<LoginQuery>,
) -> Response {
    login_page(&state, &headers, &query.email, &query.next, None)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    email: String,
    #[serde(default)]
    master_password_hash: String,
    #[serde(default)]
    next: String,
}

pub async fn login(
    State(state): State<AppState>,
    ClientIp(peer): ClientIp,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return refused.into_response();
    }
    let t = super::i18n::texts(session::page_lang(&headers, None));
    let refused =
        |message: &str| login_page(&state, &headers, &form.email, &form.next, Some(message));
    if form.master_password_hash.is_empty() {
        return refused(t.needs_javascript);
    }
    let email = login::login_email(&form.email);
    if !state.login_limiter.permits(peer, &email) {
        return refused(t.too_many_attempts);
    }
    let client = TokenClient::page_session();
    match login::password_login(&state, &email, form.master_password_hash.clone(), client).await {
        Ok(Some(tokens)) => signed_in(session::session_cookies_of(&tokens), &form.next),
        Ok(None) => {
            state.login_limiter.failed(peer, &email);
            refused(t.wrong_password)
        }
        Err(err) => ApiError::from(err).into_response(),
    }
}

/// Signed in: the session's cookies, and on to where the visitor was going.
fn signed_in(cookies: Vec<(HeaderName, HeaderValue)>, next: &str) -> Response {
    (
        // Appended, not inserted: the session and the new CSRF secret are two `Set-Cookie`s.
        AppendHeaders(cookies),
        Redirect::to(&local_path(Some(next), "/organizations")),
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(headers: HeaderMap, Form(form): Form<CsrfOnly>) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return refused.into_response();
    }
    ([session::clear_session()], Redirect::to("/login")).into_response()
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RegisterQuery {
    #[serde(default)]
    email: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    sponsorship_token: String,
    #[serde(default)]
    org_invite_token: String,
    #[serde(default)]
    organization_user_id: String,
    #[serde(default)]
    next: String,
}

struct RegisterView<'a> {
    email: &'a str,
    next: &'a str,
    email_token: &'a str,
    sponsorship_token: &'a str,
    invite_token: &'a str,
    organization_user_id: &'a str,
    check_email: bool,
    error: Option<String>,
}

fn register_page(state: &AppState, headers: &HeaderMap, view: RegisterView<'_>) -> Response {
    let mut c = Chrome::new(
        state,
        headers,
        None,
        &format!(
            "/register?{}",
            query_string(&[("email", view.email), ("next", view.next)])
        ),
    );
    c.error = view.error;
    let cookie = c.take_cookie();
    let email_fixed = !view.email_token.is_empty()
        || !view.sponsorship_token.is_empty()
        || !view.invite_token.is_empty();
    render(
        &RegisterPage {
            c,
            email: view.email.to_string(),
            email_fixed,
            next: view.next.to_string(),
            iterations: NEW_ACCOUNT_ITERATIONS,
            email_token: view.email_token.to_string(),
            sponsorship_token: view.sponsorship_token.to_string(),
            invite_token: view.invite_token.to_string(),
            organization_user_id: view.organization_user_id.to_string(),
            check_email: view.check_email,
            login_link: format!(
                "/login?{}",
                query_string(&[("email", view.email), ("next", view.next)])
            ),
        },
        cookie,
    )
}

/// `/register`, and `/finish-signup?token&email` from the verification mail.
pub async fn register_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<RegisterQuery>,
) -> Response {
    register_page(
        &state,
        &headers,
        RegisterView {
            email: &query.email,
            next: &query.next,
            email_token: &query.token,
            sponsorship_token: &query.sponsorship_token,
            invite_token: &query.org_invite_token,
            organization_user_id: &query.organization_user_id,
            check_email: false,
            error: None,
        },
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterForm {
    #[serde(default)]
    csrf: String,
    email: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    master_password_hash: String,
    #[serde(default)]
    user_symmetric_key: String,
    #[serde(default)]
    public_key: String,
    #[serde(default)]
    encrypted_private_key: String,
    #[serde(default)]
    kdf_iterations: i32,
    #[serde(default)]
    email_verification_token: String,
    #[serde(default)]
    org_sponsored_free_family_plan_token: String,
    #[serde(default)]
    org_invite_token: String,
    #[serde(default)]
    organization_user_id: String,
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

pub async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<RegisterForm>,
) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return refused.into_response();
    }
    let lang = session::page_lang(&headers, None);
    let t = super::i18n::texts(lang);
    let view = |error: Option<String>, check_email: bool| RegisterView {
        email: &form.email,
        next: &form.next,
        email_token: &form.email_verification_token,
        sponsorship_token: &form.org_sponsored_free_family_plan_token,
        invite_token: &form.org_invite_token,
        organization_user_id: &form.organization_user_id,
        check_email,
        error,
    };
    if form.master_password_hash.is_empty() {
        return register_page(
            &state,
            &headers,
            view(Some(t.needs_javascript.to_string()), false),
        );
    }
    let mut email_token = non_empty(&form.email_verification_token);
    let proven = email_token.is_some()
        || !form.org_sponsored_free_family_plan_token.is_empty()
        || !form.org_invite_token.is_empty();
    if !proven {
        // Open sign-up: the same step as the API's, which mails a link when verification is on,
        // under the same limits on mail asked for one address or from one client.
        if let Err(limited) = state.mail_limiter.admit(ip, &form.email) {
            let mut page = register_page(
                &state,
                &headers,
                view(Some(t.mail_limited.to_string()), false),
            );
            *page.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            page.headers_mut().insert(
                RETRY_AFTER,
                HeaderValue::from(limited.retry_after_seconds()),
            );
            return page;
        }
        let mail_lang = crate::http::mails::request_lang(&headers);
        match register::send_verification_email(&state, &form.email, mail_lang).await {
            Err(err) => {
                return register_page(
                    &state,
                    &headers,
                    view(Some(super::message_of(&err.into(), t)), false),
                );
            }
            Ok(VerificationSent::Mailed) => {
                return register_page(&state, &headers, view(None, true));
            }
            Ok(VerificationSent::Token(token)) => email_token = Some(token),
        }
    }
    let request = RegisterFinishRequest {
        email: form.email.clone(),
        email_verification_token: email_token,
        master_password_hash: form.master_password_hash.clone(),
        master_password_hint: None,
        user_symmetric_key: form.user_symmetric_key.clone(),
        user_asymmetric_keys: KeysModel {
            public_key: non_empty(&form.public_key),
            encrypted_private_key: form.encrypted_private_key.clone(),
        },
        kdf: 0,
        kdf_iterations: form.kdf_iterations,
        kdf_memory: None,
        kdf_parallelism: None,
        org_invite_token: non_empty(&form.org_invite_token),
        organization_user_id: non_empty(&form.organization_user_id),
        org_sponsored_free_family_plan_token: non_empty(&form.org_sponsored_free_family_plan_token),
    };
    // The language the account was made in becomes its setting (mails follow it).
    let user = match register::finish(&state, request, settings::culture_of(lang)).await {
        Ok(user) => user,
        Err(err) => {
            return register_page(
                &state,
                &headers,
                view(Some(super::message_of(&err.into(), t)), false),
            );
        }
    };
    match session::session_cookies(&state, &user).await {
        Ok(cookies) => signed_in(cookies, &form.next),
        Err(err) => err.into_response(),
    }
}

#[derive(Deserialize)]
pub struct LangForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    next: String,
}

/// The language switch: a cookie for this browser.
pub async fn switch_lang(headers: HeaderMap, Form(form): Form<LangForm>) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return refused.into_response();
    }
    let lang = Lang::from_tag(&form.lang).unwrap_or_default();
    let cookie = forms::set_cookie(session::LANG_COOKIE, lang.tag(), 365 * 86_400);
    ([cookie], Redirect::to(&local_path(Some(&form.next), "/"))).into_response()
}

pub async fn settings_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
) -> Response {
    let mut c = Chrome::new(&state, &headers, Some(&user), "/settings");
    let cookie = c.take_cookie();
    render(&SettingsPage { c }, cookie)
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    culture: String,
}

/// The account's language: pages and mails follow it; the switch's cookie is dropped so the
/// setting shows at once.
pub async fn settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Form(form): Form<SettingsForm>,
) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return refused.into_response();
    }
    let lang = Lang::from_tag(&form.culture).unwrap_or_default();
    if let Err(err) = settings::set_language(&state, &user, lang).await {
        return ApiError::from(err).into_response();
    }
    let clear = forms::clear_cookie(session::LANG_COOKIE);
    ([clear], Redirect::to("/settings")).into_response()
}
