//! The Dashboard, where an admin lands after signing in: a user overview of the
//! account (users by status, invitations pending, sign-up requests waiting, users not
//! signed in for 90 days, sessions active now, and new users and sign-ins per day over
//! the last 30 days, drawn as SVG on the server). The wire types and server function
//! live here; the SQL in `store` (server-only), the charts in `chart`, the page in `ui`.

pub mod activity;
pub mod chart;
#[cfg(feature = "ssr")]
pub mod store;
pub mod ui;

use crate::domain::UserStatus;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How many users have one status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCount {
    pub status: UserStatus,
    pub users: u64,
}

/// One day's figures; `day` counts days since 1 January 1970, in UTC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayFigures {
    pub day: i64,
    pub new_users: u64,
    pub sign_ins: u64,
}

/// The figures counted every few minutes, with when they were counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub counted_at: i64,
    pub dormant_users: u64,
    pub active_sessions: u64,
}

/// The Dashboard's user overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub by_status: Vec<StatusCount>,
    pub requests_waiting: u64,
    pub snapshot: Snapshot,
    /// The last 30 days, oldest first, today last.
    pub days: Vec<DayFigures>,
    /// When it was read, Unix seconds.
    pub now: i64,
}

impl Overview {
    pub fn users(&self, status: UserStatus) -> u64 {
        self.by_status
            .iter()
            .find(|count| count.status == status)
            .map_or(0, |count| count.users)
    }
}

/// The account's user overview. When the counted figures are due, the first view to
/// find them so has them counted again after its answer, for the next view.
#[server(prefix = "/api", endpoint = "dashboard_overview", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn dashboard_overview() -> Result<Overview, AppError> {
    use crate::auth::principal::{UsersRead, current_principal};
    let grant = current_principal()?.grant::<UsersRead>()?;
    let state = crate::state::app_state()?;
    let now = state.clock.now();
    let (overview, due) = store::overview(&state.db, &grant, now).await?;
    if due && store::claim_refresh(&state.db, grant.account_id(), now).await? {
        let (db, account) = (state.db.clone(), grant.account_id());
        let previous = overview.snapshot.counted_at;
        tokio::spawn(async move {
            if let Err(error) = store::refresh_snapshot(&db, account, now).await {
                tracing::warn!(%error, "the dashboard's figures were not counted");
                if let Err(error) = store::release_claim(&db, account, now, previous).await {
                    tracing::warn!(%error, "the dashboard's claim to count was not given back");
                }
            }
        });
    }
    Ok(overview)
}
