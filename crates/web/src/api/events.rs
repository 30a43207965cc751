//! `POST /events/collect`: the events clients record themselves (an export, an item viewed).
//! Kinwarden keeps no event log yet (SPEC §11), so they are accepted and dropped; answering 200
//! keeps `bw export` and the other clients from reporting a failure.

use axum::http::StatusCode;

use crate::http::auth::CurrentUser;

#[utoipa::path(
    post,
    path = "/collect",
    tag = "events",
    request_body(content = String, content_type = "application/json", description = "The client's events"),
    security(("bearer" = [])),
    responses((status = 200, description = "Accepted"), crate::openapi::UserErrors)
)]
pub async fn collect(_user: CurrentUser) -> StatusCode {
    StatusCode::OK
}
