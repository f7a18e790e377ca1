//! The Dashboard's live activity as server-sent events: `GET /api/activity_stream`
//! answers each audit event of the admin's account recorded after `?after=` (or, by
//! default, after the newest at connection), as an `activity` event whose id is the
//! event's, so a browser that reconnects (`Last-Event-ID`) misses none. The stream
//! reads the audit table every `POLL` (any replica's events are there), checks the
//! session each time without counting it as activity, and ends as soon as the session
//! ends or loses `audit.read`.

use crate::error_status::error_response;
use app::auth::principal::{AuditRead, Capability, Principal};
use app::auth::session::{Activity, SessionToken, resolve_session};
use app::dashboard::activity::store;
use app::error::AppError;
use app::state::AppState;
use axum::Router;
use axum::extract::{Extension, Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::stream::{self, Stream};
use serde::Deserialize;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

/// How often a stream reads the audit table: the most an event waits to be sent.
const POLL: Duration = Duration::from_secs(1);

pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/api/activity_stream", get(stream_activity))
        .with_state(state)
}

#[derive(Deserialize)]
struct Position {
    after: Option<i64>,
}

/// Where the stream starts: the browser's `Last-Event-ID` when it reconnects, else
/// `?after=`, else the newest event now.
async fn start(
    state: &AppState,
    principal: &Principal,
    headers: &HeaderMap,
    after: Option<i64>,
) -> Result<i64, AppError> {
    let resumed = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<i64>().ok());
    match resumed.or(after) {
        Some(id) => Ok(id.max(0)),
        None => store::last_id(&state.db, principal.account_id()).await,
    }
}

async fn stream_activity(
    State(state): State<AppState>,
    principal: Option<Extension<Principal>>,
    Query(position): Query<Position>,
    headers: HeaderMap,
) -> Response {
    let Some(Extension(principal)) = principal else {
        return error_response(&AppError::Unauthenticated);
    };
    if let Err(error) = principal.grant::<AuditRead>() {
        return error_response(&error);
    }
    let Some(token) = SessionToken::from_headers(&headers, state.secure_cookies) else {
        return error_response(&AppError::Unauthenticated);
    };
    let after = match start(&state, &principal, &headers, position.after).await {
        Ok(after) => after,
        Err(error) => return error_response(&error),
    };
    Sse::new(events(state, token, principal, after))
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// What a stream carries between reads.
struct Cursor {
    state: AppState,
    token: SessionToken,
    principal: Principal,
    after: i64,
    pending: VecDeque<Event>,
}

/// Whether the session still stands and may still read the audit trail.
async fn still_allowed(cursor: &Cursor) -> bool {
    let state = &cursor.state;
    let now = state.clock.now();
    match resolve_session(&state.db, &cursor.token, now, None, Activity::Ignored).await {
        Ok(principal) => {
            principal.user_id() == cursor.principal.user_id()
                && principal.permissions().contains(AuditRead::PERMISSION)
        }
        Err(_) => false,
    }
}

fn events(
    state: AppState,
    token: SessionToken,
    principal: Principal,
    after: i64,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let cursor = Cursor {
        state,
        token,
        principal,
        after,
        pending: VecDeque::new(),
    };
    stream::unfold(cursor, |mut cursor| async move {
        loop {
            if let Some(event) = cursor.pending.pop_front() {
                return Some((Ok(event), cursor));
            }
            tokio::time::sleep(POLL).await;
            if !still_allowed(&cursor).await {
                return None;
            }
            let account = cursor.principal.account_id();
            let Ok(entries) = store::after(&cursor.state.db, account, cursor.after).await else {
                continue;
            };
            for entry in entries {
                cursor.after = entry.id;
                if let Ok(event) = Event::default()
                    .event("activity")
                    .id(entry.id.to_string())
                    .json_data(&entry)
                {
                    cursor.pending.push_back(event);
                }
            }
        }
    })
}
