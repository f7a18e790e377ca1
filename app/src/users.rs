//! User Management > Users: the grid, its query, Delete Selected and status changes,
//! and handing over the Primary Admin's role (`primary_admin`). The
//! wire types and server functions live here; parsing and rules in `query`, `deletion`
//! and `status_change`, the SQL in `store` (server-only), the components in `ui`.

pub mod deletion;
#[cfg(feature = "ssr")]
pub mod device;
#[cfg(feature = "ssr")]
pub mod keys;
#[cfg(feature = "ssr")]
pub mod new_user;
pub mod primary_admin;
pub mod profile;
pub mod query;
pub mod selection;
pub mod sessions;
pub mod status_change;
#[cfg(feature = "ssr")]
pub mod store;
pub mod ui;

use crate::domain::{Email, UserId, UserStatus};
use crate::error::AppError;
use deletion::DeleteReport;
use leptos::prelude::*;
use query::GridParams;
use serde::{Deserialize, Serialize};
use status_change::{StatusAction, StatusReport};

/// One user as the grid shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: UserId,
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub role_name: String,
    /// Holds an admin role (or is the Primary Admin): the grid's admin indicator.
    pub is_admin: bool,
    pub is_primary_admin: bool,
    pub status: UserStatus,
    /// Unix seconds of the last sign-in; `None` if never.
    pub last_login_at: Option<i64>,
    /// When their profile picture last changed, if they have one.
    pub picture_at: Option<i64>,
}

/// How a person is named on a page: first and last name, or their e-mail address while
/// they have no name (invited, not signed up yet).
pub fn display_name(first_name: &str, last_name: &str, email: &str) -> String {
    let name = format!("{first_name} {last_name}");
    match name.trim() {
        "" => email.to_owned(),
        name => name.to_owned(),
    }
}

impl UserSummary {
    /// First and last name; the e-mail address for an invited user who has not named
    /// themself yet.
    pub fn full_name(&self) -> String {
        crate::users::display_name(&self.first_name, &self.last_name, self.email.as_str())
    }
}

/// One page of the grid and the cursors of its neighbours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserListing {
    pub rows: Vec<UserSummary>,
    /// Users matching the search and filter, across all pages.
    pub total: Total,
    pub is_first_page: bool,
    /// Cursor for the page before, when there is one.
    pub prev: Option<String>,
    /// Cursor for the page after, when there is one.
    pub next: Option<String>,
}

/// How many users a view holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Total {
    pub value: u64,
    pub kind: TotalKind,
}

/// What a total's `value` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TotalKind {
    /// Counted.
    Exact,
    /// The database's estimate.
    Estimate,
    /// More than `value`: counting further would cost more than a page.
    MoreThan,
}

impl Total {
    pub fn exact(value: u64) -> Self {
        Self {
            value,
            kind: TotalKind::Exact,
        }
    }
}

/// One page of users, searched, filtered and sorted.
#[server(prefix = "/api", endpoint = "list_users", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn list_users(#[server(flatten)] query: GridParams) -> Result<UserListing, AppError> {
    use crate::auth::principal::{UsersRead, current_principal};
    let principal = current_principal()?;
    let grant = principal.grant::<UsersRead>()?;
    let query = query::UserQuery::parse(&query)?;
    store::list_users(&crate::state::app_state()?.db, &grant, &query).await
}

/// Deletes the selected users; owners of apps, the acting admin and the Primary Admin
/// are kept, each with its reason.
#[server(prefix = "/api", endpoint = "delete_users", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn delete_users(ids: Vec<i64>) -> Result<DeleteReport, AppError> {
    use crate::auth::principal::{UsersDelete, current_principal};
    let principal = current_principal()?;
    let grant = principal.grant::<UsersDelete>()?;
    let ids = selection::UserIds::parse(&ids)?;
    let state = crate::state::app_state()?;
    store::delete_users(&state.db, &grant, &ids, state.clock.now()).await
}

/// Activates, suspends, unlocks or deactivates the selected users as the status state
/// machine allows; the others are reported with the reason.
#[server(prefix = "/api", endpoint = "change_status", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn change_status(ids: Vec<i64>, action: StatusAction) -> Result<StatusReport, AppError> {
    use crate::auth::principal::{UsersUpdate, current_principal};
    let principal = current_principal()?;
    let grant = principal.grant::<UsersUpdate>()?;
    let ids = selection::UserIds::parse(&ids)?;
    let state = crate::state::app_state()?;
    store::change_status(&state.db, &grant, &ids, action, state.clock.now()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_is_named_by_their_names_or_while_they_have_none_by_their_address() {
        assert_eq!(display_name("Ann", "Lee", "ann@example.com"), "Ann Lee");
        assert_eq!(display_name("", "", "ivy@example.com"), "ivy@example.com");
        assert_eq!(display_name("Cher", "", "cher@example.com"), "Cher");
    }
}
