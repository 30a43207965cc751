//! `GET /api/sync`: the profile, folders, collections and every item the user reaches
//! (`kinwarden_app::accounts::sync`). The answer is written as the items are read, a page at a
//! time: a vault of thousands of items is never held whole, as rows or as JSON (SPEC §10).

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt};
use kinwarden_app::vault::item_pages::{ItemPages, Page};
use kinwarden_proto::sync::{SyncHead, SyncResponse};
use serde::Deserialize;

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncQuery {
    #[serde(default)]
    exclude_domains: Option<bool>,
}

#[utoipa::path(
    get,
    path = "/sync",
    tag = "accounts",
    params(("excludeDomains" = Option<bool>, Query, description = "Leave out equivalent domains")),
    security(("bearer" = [])),
    responses((status = 200, description = "Success", body = SyncResponse), crate::openapi::UserErrors)
)]
pub async fn sync(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<SyncQuery>,
) -> Result<Response, ApiError> {
    let with_domains = !query.exclude_domains.unwrap_or(false);
    let mut answer =
        kinwarden_app::accounts::sync::sync(&state, &current.user, with_domains).await?;
    // The first page is read before the status line: a failing store still answers an error,
    // not a 200 cut short.
    let first = answer.items.next_page().await?;
    let head = head_bytes(&answer.head)?;
    let body = Body::from_stream(body(head, first, answer.items));
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// The head's JSON up to where the items go: `{…head…,"ciphers":[`.
fn head_bytes(head: &SyncHead) -> Result<Bytes, ApiError> {
    let mut json = serde_json::to_vec(head).map_err(|err| ApiError::Internal(err.to_string()))?;
    // A struct is written as one object: its last byte is the closing brace, and it has fields
    // (`object` at least), so a comma goes before the items.
    if json.pop() != Some(b'}') {
        return Err(ApiError::Internal(
            "the sync head did not serialize to an object".to_string(),
        ));
    }
    json.extend_from_slice(br#","ciphers":["#);
    Ok(Bytes::from(json))
}

/// Why the answer stopped part way; the client sees a cut-off body and syncs again.
type BodyError = Box<dyn std::error::Error + Send + Sync>;

/// Where the writing of the items is.
struct Items {
    pages: ItemPages,
    /// A page read and not yet written (the first, read before answering).
    pending: Option<Page>,
    wrote_any: bool,
    done: bool,
}

/// The head, then one chunk per page of items, then the closing brackets.
fn body(
    head: Bytes,
    first: Option<Page>,
    pages: ItemPages,
) -> impl Stream<Item = Result<Bytes, BodyError>> + Send {
    let items = Items {
        pages,
        pending: first,
        wrote_any: false,
        done: false,
    };
    stream::once(async move { Ok(head) }).chain(stream::unfold(items, next_chunk))
}

async fn next_chunk(mut items: Items) -> Option<(Result<Bytes, BodyError>, Items)> {
    if items.done {
        return None;
    }
    let page = match items.pending.take() {
        Some(page) => Some(page),
        None => match items.pages.next_page().await {
            Ok(page) => page,
            Err(err) => {
                tracing::error!(cause = %err, "sync answer cut short");
                items.done = true;
                return Some((Err(Box::new(err)), items));
            }
        },
    };
    let Some(page) = page else {
        items.done = true;
        return Some((Ok(Bytes::from_static(b"]}")), items));
    };
    let mut json = Vec::with_capacity(page.json_size_hint());
    if let Err(err) = write_page(&mut json, &page, &mut items.wrote_any) {
        tracing::error!(cause = %err, "sync answer cut short");
        items.done = true;
        return Some((Err(Box::new(err)), items));
    }
    Some((Ok(Bytes::from(json)), items))
}

/// Appends the items of one page, each after a comma unless it is the answer's first; each
/// item's answer is made, written and dropped before the next.
fn write_page(json: &mut Vec<u8>, page: &Page, wrote_any: &mut bool) -> serde_json::Result<()> {
    for item in page.answers() {
        if *wrote_any {
            json.push(b',');
        }
        serde_json::to_writer(&mut *json, &item)?;
        *wrote_any = true;
    }
    Ok(())
}
