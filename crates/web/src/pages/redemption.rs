//! The cloud's redemption page, from the offer e-mail's link (reference ui-and-ops §4): log in
//! or register with the offered address, choose a Families organization you own or create one
//! (its keys made in the browser), and redeem.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use kinwarden_app::organizations::create;
use kinwarden_app::records::UserRecord;
use kinwarden_app::sponsorships::redemption;
use kinwarden_core::members::MemberType;
use kinwarden_core::plans::ProductTier;
use kinwarden_proto::organizations::{CreateOrganizationRequest, OrganizationKeysModel};
use serde::Deserialize;

use super::session::{self, Chrome, PageUser, render};
use super::{OnCloud, message_of};
use crate::ApiError;
use crate::http::state::AppState;

/// Families, billed annually: the plan a sponsored organization is created on.
const FAMILIES_PLAN: i32 = 22;
const NEW: &str = "new";

#[derive(Template)]
#[template(path = "pages/redeem.html")]
struct RedeemPage {
    c: Chrome,
    token: String,
    email: String,
    valid: bool,
    wrong_account: bool,
    redeemed: bool,
    families: Vec<(String, String)>,
    public_key: String,
    billing_email: String,
}

#[derive(Deserialize, Default)]
pub struct OfferQuery {
    #[serde(default)]
    token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    register: Option<String>,
}

fn link(token: &str, email: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("token", token)
        .append_pair("email", email)
        .finish();
    format!("/accept-families-for-enterprise?{query}")
}

pub async fn page(
    _: OnCloud,
    State(state): State<AppState>,
    headers: HeaderMap,
    user: Result<PageUser, Response>,
    Query(query): Query<OfferQuery>,
) -> Response {
    let Ok(PageUser { user }) = user else {
        let next = link(&query.token, &query.email);
        let mut target = url::form_urlencoded::Serializer::new(String::new());
        target
            .append_pair("email", &query.email)
            .append_pair("next", &next);
        let path = if query.register.as_deref() == Some("true") {
            target.append_pair("sponsorshipToken", &query.token);
            "/register"
        } else {
            "/login"
        };
        return Redirect::to(&format!("{path}?{}", target.finish())).into_response();
    };
    redeem_page(
        &state,
        &headers,
        &user,
        &query.token,
        &query.email,
        None,
        false,
    )
    .await
}

async fn redeem_page(
    state: &AppState,
    headers: &HeaderMap,
    user: &UserRecord,
    token: &str,
    email: &str,
    error: Option<String>,
    redeemed: bool,
) -> Response {
    let mut c = Chrome::new(state, headers, Some(user), &link(token, email));
    c.error = error;
    let valid = !redeemed
        && redemption::offer_for(state, token, &user.email)
            .await
            .ok()
            .flatten()
            .is_some();
    let profile = match kinwarden_app::accounts::profile::build(state, user).await {
        Ok(profile) => profile,
        Err(err) => return super::error_page(c, &err.into()),
    };
    let families = profile
        .organizations
        .iter()
        .filter(|org| {
            org.product_tier_type == ProductTier::Families.code()
                && org.member_type == MemberType::Owner.code()
        })
        .map(|org| (org.id.clone(), org.name.clone()))
        .collect();
    let cookie = c.take_cookie();
    render(
        &RedeemPage {
            c,
            token: token.to_string(),
            email: email.to_string(),
            valid,
            wrong_account: !email.is_empty() && !email.eq_ignore_ascii_case(&user.email),
            redeemed,
            families,
            public_key: user.public_key.clone().unwrap_or_default(),
            billing_email: user.email.clone(),
        },
        cookie,
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedeemForm {
    #[serde(default)]
    csrf: String,
    token: String,
    #[serde(default)]
    email: String,
    organization_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    billing_email: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    public_key: String,
    #[serde(default)]
    encrypted_private_key: String,
    #[serde(default)]
    collection_name: String,
}

/// *Accept offer*: creates the Families organization first when asked, then redeems.
pub async fn redeem(
    _: OnCloud,
    State(state): State<AppState>,
    headers: HeaderMap,
    PageUser { user }: PageUser,
    Form(form): Form<RedeemForm>,
) -> Response {
    if let Err(refused) = session::check_csrf(&headers, &form.csrf) {
        return refused.into_response();
    }
    let t = super::i18n::texts(session::page_lang(&headers, Some(&user)));
    match create_and_redeem(&state, &user, &form).await {
        Ok(()) => {
            redeem_page(
                &state,
                &headers,
                &user,
                &form.token,
                &form.email,
                None,
                true,
            )
            .await
        }
        Err(err) => {
            let message = message_of(&err, t);
            redeem_page(
                &state,
                &headers,
                &user,
                &form.token,
                &form.email,
                Some(message),
                false,
            )
            .await
        }
    }
}

async fn create_and_redeem(
    state: &AppState,
    user: &UserRecord,
    form: &RedeemForm,
) -> Result<(), ApiError> {
    let organization_id = if form.organization_id == NEW {
        let request = CreateOrganizationRequest {
            name: form.name.clone(),
            billing_email: form.billing_email.clone(),
            plan_type: FAMILIES_PLAN,
            additional_seats: 0,
            key: form.key.clone(),
            keys: Some(OrganizationKeysModel {
                public_key: form.public_key.clone(),
                encrypted_private_key: form.encrypted_private_key.clone(),
            }),
            collection_name: Some(form.collection_name.clone()).filter(|name| !name.is_empty()),
        };
        create::create(state, user, request).await?.id
    } else {
        form.organization_id.clone()
    };
    redemption::redeem(state, user, &form.token, &organization_id).await?;
    Ok(())
}
