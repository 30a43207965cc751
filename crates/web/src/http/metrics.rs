//! Prometheus metrics over HTTP (SPEC §9 "metrics"): every request counted and timed by its route
//! template, and the registry served at `/metrics` only with `kinwarden__metrics=true`. The
//! registry itself is the use-case layer's (`kinwarden_app::metrics`).

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::state::AppState;

/// Counts and times every request by the route it matched; requests no route matched share
/// one label, so probing paths cannot grow the series.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(metrics) = state.metrics.clone() else {
        return next.run(request).await;
    };
    let method = method_label(request.method()).to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |path| path.as_str().to_string());
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.record_request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// The method as a label: the standard ones by name, any other (a client may send any token as
/// a method) as `other`, so made-up methods cannot grow the series either.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The metrics in Prometheus text format; 404 unless `kinwarden__metrics=true`.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "meta",
    responses(
        (status = 200, description = "Prometheus text exposition", content_type = "text/plain", body = String),
        (status = 404, description = "Metrics are off (`kinwarden__metrics=false`)")
    )
)]
pub async fn scrape(State(state): State<AppState>) -> Response {
    let Some(metrics) = &state.metrics else {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    };
    match metrics.render() {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(err) => crate::ApiError::internal(err).into_response(),
    }
}
