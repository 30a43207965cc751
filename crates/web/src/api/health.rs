//! `GET /alive`: the current time, for health checks (SPEC §1).

use axum::Json;
use axum::extract::State;
use chrono::SecondsFormat;

use crate::http::state::AppState;

#[utoipa::path(
    get,
    path = "/alive",
    tag = "meta",
    responses((status = 200, description = "The server time (ISO-8601)", body = String))
)]
pub async fn alive(State(state): State<AppState>) -> Json<String> {
    Json(
        state
            .clock
            .now()
            .to_rfc3339_opts(SecondsFormat::Millis, true),
    )
}
