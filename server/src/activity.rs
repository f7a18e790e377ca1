//! The Dashboard's live activity as server-sent events: `GET /api/activity_stream`
//! answers each audit event of the admin's account recorded after `?after=` (or, by
//! default, after the newest at connection), as an `activity` event whose id is where
//! a browser that reconnects (`Last-Event-ID`) resumes without missing any. The stream
//! reads the audit table every `POLL` (any replica's events are there), checks the
//! session each time without counting it as activity, and ends as soon as the session
//! ends or loses `audit.read`, or the server begins to stop.
//!
//! Ids are taken when a row is written, so on PostgreSQL an event can commit after one
//! with a later id has been sent. Each read therefore starts from where the stream
//! stood `LATE` ago, and skips the events it has sent since; a reconnecting browser
//! resumes from there too, and drops what it has already.

use crate::error_status::error_response;
use app::auth::principal::{AuditRead, Capability, Principal};
use app::auth::session::{Activity, SessionToken, resolve_session};
use app::dashboard::activity::{ActivityEntry, store};
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
use std::collections::{BTreeSet, VecDeque};
use std::convert::Infallible;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How often a stream reads the audit table: the most an event waits to be sent.
const POLL: Duration = Duration::from_secs(1);
/// How long after a later event an event may commit and still be sent.
const LATE: Duration = Duration::from_secs(10);

/// The server's stop signal: true once it begins to stop.
#[derive(Clone)]
struct Stopping(watch::Receiver<bool>);

pub fn routes(state: AppState, stop: watch::Receiver<bool>) -> Router {
    Router::new()
        .route("/api/activity_stream", get(stream_activity))
        .layer(Extension(Stopping(stop)))
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
    Extension(Stopping(stop)): Extension<Stopping>,
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
    Sse::new(events(state, token, principal, after, stop))
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// What a stream carries between reads.
struct Cursor {
    state: AppState,
    token: SessionToken,
    principal: Principal,
    sent: Sent,
    pending: VecDeque<Event>,
    stop: watch::Receiver<bool>,
}

/// Which events a stream has sent, and where its next read starts.
struct Sent {
    /// The newest event sent (or the position the stream started from).
    newest: i64,
    /// Where the stream stood at each read of the last `LATE`, oldest first.
    positions: VecDeque<(Instant, i64)>,
    /// The events sent after the oldest of `positions`: read again, and skipped.
    ids: BTreeSet<i64>,
}

impl Sent {
    fn after(newest: i64) -> Self {
        Self {
            newest,
            positions: VecDeque::new(),
            ids: BTreeSet::new(),
        }
    }

    /// Where a read at `now` starts: where the stream stood `LATE` ago. Forgets older
    /// positions and the events sent before the new start.
    fn read_from(&mut self, now: Instant) -> i64 {
        self.positions.push_back((now, self.newest));
        while self
            .positions
            .front()
            .is_some_and(|(at, _)| now.duration_since(*at) > LATE)
        {
            self.positions.pop_front();
        }
        let start = self.positions.front().map_or(self.newest, |(_, at)| *at);
        self.ids = self.ids.split_off(&(start + 1));
        start
    }

    /// Where a stream that reconnects now resumes: the start of the last read, so an
    /// event that commits late is not lost between two connections.
    fn resume_from(&self) -> i64 {
        self.positions.front().map_or(self.newest, |(_, at)| *at)
    }

    /// Whether event `id` is still to be sent; it counts as sent from now on.
    fn is_new(&mut self, id: i64) -> bool {
        let new = self.ids.insert(id);
        self.newest = self.newest.max(id);
        new
    }
}

impl Cursor {
    /// Queues the events of a read the stream has not sent yet, each with where a
    /// reconnecting browser resumes as its id.
    fn take(&mut self, entries: Vec<ActivityEntry>) {
        for entry in entries {
            if !self.sent.is_new(entry.id) {
                continue;
            }
            if let Ok(event) = Event::default()
                .event("activity")
                .id(self.sent.resume_from().to_string())
                .json_data(&entry)
            {
                self.pending.push_back(event);
            }
        }
    }
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
    stop: watch::Receiver<bool>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let cursor = Cursor {
        state,
        token,
        principal,
        sent: Sent::after(after),
        pending: VecDeque::new(),
        stop,
    };
    stream::unfold(cursor, |mut cursor| async move {
        loop {
            if let Some(event) = cursor.pending.pop_front() {
                return Some((Ok(event), cursor));
            }
            tokio::select! {
                () = tokio::time::sleep(POLL) => {}
                // Stopping, or no server left to say so.
                _ = cursor.stop.wait_for(|stopping| *stopping) => return None,
            }
            if !still_allowed(&cursor).await {
                return None;
            }
            let account = cursor.principal.account_id();
            let start = cursor.sent.read_from(Instant::now());
            let seen = cursor.sent.ids.len();
            if let Ok(entries) = store::after(&cursor.state.db, account, start, seen).await {
                cursor.take(entries);
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends what `sent` does not have yet of `ids`, as a read does.
    fn read(sent: &mut Sent, ids: &[i64]) -> Vec<i64> {
        ids.iter().copied().filter(|id| sent.is_new(*id)).collect()
    }

    #[test]
    fn an_event_that_commits_behind_a_sent_one_is_still_sent_once() {
        let start = Instant::now();
        let mut sent = Sent::after(4);
        assert_eq!(sent.read_from(start), 4);
        assert_eq!(read(&mut sent, &[6, 7]), [6, 7], "5 has not committed yet");
        let next = start + Duration::from_secs(1);
        assert_eq!(sent.read_from(next), 4, "read again from where it stood");
        assert_eq!(read(&mut sent, &[5, 6, 7, 8]), [5, 8]);
        assert_eq!(sent.newest, 8);
        assert_eq!(
            sent.resume_from(),
            4,
            "a reconnection reads the window again"
        );
    }

    #[test]
    fn positions_older_than_late_are_forgotten_with_the_events_before_them() {
        let start = Instant::now();
        let mut sent = Sent::after(0);
        sent.read_from(start);
        read(&mut sent, &[1, 2]);
        sent.read_from(start + Duration::from_secs(5));
        read(&mut sent, &[3]);
        let later = start + LATE + Duration::from_secs(1);
        assert_eq!(sent.read_from(later), 2, "where it stood five seconds in");
        assert_eq!(sent.ids, BTreeSet::from([3]));
    }
}
