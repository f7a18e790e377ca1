//! User Management > Users: the grid, its query, and Delete Selected.

pub mod delete;
pub mod grid;
pub mod query;
pub mod status;
#[cfg(feature = "ssr")]
pub mod store;

pub use status::UserStatus;

use crate::error::AppError;
use delete::DeleteReport;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of the Users grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role_name: String,
    /// Holds an admin role (or is the Primary Admin): the grid's admin indicator.
    pub is_admin: bool,
    pub is_primary_admin: bool,
    pub status: UserStatus,
    /// Unix seconds of the last sign-in; `None` if never.
    pub last_login_at: Option<i64>,
}

impl UserRow {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// A page of the grid and the cursors of its neighbours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersPage {
    pub rows: Vec<UserRow>,
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
    /// True when `value` is the database's estimate rather than a count.
    pub is_estimate: bool,
}

impl Total {
    pub fn exact(value: u64) -> Self {
        Self {
            value,
            is_estimate: false,
        }
    }
}

/// One page of users, searched, filtered and sorted.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "list_users", input = leptos::server_fn::codec::GetUrl)]
pub async fn list_users(
    q: Option<String>,
    status: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    size: Option<String>,
    after: Option<String>,
    before: Option<String>,
) -> Result<UsersPage, AppError> {
    use crate::auth::grant::UsersRead;
    use query::{GridParams, UserQuery};
    let (state, admin) = crate::auth::require_admin().await?;
    let grant = admin.grant::<UsersRead>()?;
    let params = GridParams {
        q,
        status,
        sort,
        dir,
        size,
        after,
        before,
    };
    let query = UserQuery::parse(&params)?;
    store::list_users(&state.db, &grant, &query).await
}

/// Deletes the selected users; owners of apps, the acting admin and the Primary Admin
/// are kept, each with its reason.
#[server(prefix = "/api", endpoint = "delete_users", input = leptos::server_fn::codec::Json)]
pub async fn delete_users(ids: Vec<i64>) -> Result<DeleteReport, AppError> {
    use crate::auth::grant::UsersDelete;
    use delete::UserIds;
    let (state, admin) = crate::auth::require_admin().await?;
    let grant = admin.grant::<UsersDelete>()?;
    let ids = UserIds::parse(&ids)?;
    store::delete_users(&state.db, &grant, &ids, state.clock.now()).await
}
