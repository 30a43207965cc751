//! `PortalForm<T>`: a Portal form body whose rejection (wrong content type, a missing field) is a
//! plain 400, like any other bad input, instead of axum's 415 and 422.

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

pub struct PortalForm<T>(pub T);

impl<T, S> FromRequest<S> for PortalForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|axum::Form(value)| Self(value))
            .map_err(|rejection| {
                tracing::debug!(%rejection, "portal form refused");
                (
                    StatusCode::BAD_REQUEST,
                    "Bad request: the form is incomplete.",
                )
                    .into_response()
            })
    }
}
