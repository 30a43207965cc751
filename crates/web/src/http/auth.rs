//! Who is calling: the bearer token (header, or `access_token` in the query as the reference
//! allows) checked against this server's keys and clock, and the account behind it.
//! Handlers state what they need in their signature: [`CurrentUser`], [`Caller`].

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use kinwarden_app::records::UserRecord;
use kinwarden_core::ids::InstallationId;
use kinwarden_core::tokens::AccessClaims;

use crate::http::error::ApiError;
use crate::http::state::AppState;

/// Any caller with a valid access token of this server.
pub struct Caller(pub AccessClaims);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts).ok_or(ApiError::Unauthenticated)?;
        Ok(Self(kinwarden_app::accounts::authenticate::claims_of(
            state, &token,
        )?))
    }
}

/// A user signed in with scope `api`, whose token still matches the account's security stamp.
pub struct CurrentUser {
    pub user: UserRecord,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts).ok_or(ApiError::Unauthenticated)?;
        user_of_token(state, &token).await.map(|user| Self { user })
    }
}

/// The account behind a user access token with scope `api` that still matches the account's
/// security stamp: the API's bearer token and the pages' session cookie alike.
pub async fn user_of_token(state: &AppState, token: &str) -> Result<UserRecord, ApiError> {
    Ok(kinwarden_app::accounts::authenticate::user_of_token(state, token).await?)
}

pub struct InstallationCaller {
    pub installation_id: InstallationId,
    pub claims: AccessClaims,
}

impl InstallationCaller {
    pub fn require_scope(&self, scope: &str) -> Result<(), ApiError> {
        if self.claims.has_scope(scope) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

impl FromRequestParts<AppState> for InstallationCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Caller(claims) = Caller::from_request_parts(parts, state).await?;
        let installation_id = claims
            .client_sub
            .clone()
            .filter(|_| claims.client_id.starts_with("installation."))
            .and_then(|id| id.parse().ok())
            .ok_or(ApiError::Forbidden)?;
        // A token outlives nothing: an installation disabled since it was issued is refused.
        if !kinwarden_app::installations::state::is_active(state, installation_id).await? {
            return Err(ApiError::Unauthenticated);
        }
        Ok(Self {
            installation_id,
            claims,
        })
    }
}

fn bearer_token(parts: &Parts) -> Option<String> {
    if let Some(value) = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let (scheme, token) = value.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_string());
    }
    let query = parts.uri.query()?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "access_token")
        .map(|(_, value)| value.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(request: Request<()>) -> Parts {
        request.into_parts().0
    }

    #[test]
    fn token_from_header_in_any_case_or_query() {
        let p = parts(
            Request::builder()
                .header("authorization", "bearer abc")
                .body(())
                .expect("req"),
        );
        assert_eq!(bearer_token(&p).as_deref(), Some("abc"));
        let p = parts(
            Request::builder()
                .uri("/api/sync?access_token=xyz")
                .body(())
                .expect("req"),
        );
        assert_eq!(bearer_token(&p).as_deref(), Some("xyz"));
        let p = parts(
            Request::builder()
                .header("Authorization", "Basic abc")
                .body(())
                .expect("req"),
        );
        assert_eq!(bearer_token(&p), None);
        let p = parts(Request::builder().body(()).expect("req"));
        assert_eq!(bearer_token(&p), None);
    }
}
