//! A role's Assignments: who holds an admin role (searched, a page at a time by name),
//! giving it to a user found by name or e-mail, and taking it away, which leaves the
//! user a member. The wire types and server functions live here; the SQL in `store`
//! (server-only), the page in `ui`.

#[cfg(feature = "ssr")]
pub mod store;
pub mod ui;

use super::RoleSummary;
use crate::domain::{Email, UserId, UserStatus};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One holder of a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleHolder {
    pub id: UserId,
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub status: UserStatus,
    /// Whose role nobody changes here.
    pub primary_admin: bool,
}

impl RoleHolder {
    /// Their name, or their e-mail address while they have none.
    pub fn shown_name(&self) -> String {
        crate::users::display_name(&self.first_name, &self.last_name, self.email.as_str())
    }
}

/// The role and one page of its holders, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolderPage {
    pub role: RoleSummary,
    pub holders: Vec<RoleHolder>,
    /// Where the next page starts, when there is one.
    pub next: Option<String>,
}

/// Admin role `id` and a page of its holders whose name or e-mail contains `q`, after
/// the cursor `after`. For an admin who may see users or manage roles.
#[server(prefix = "/api", endpoint = "list_role_holders", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn list_role_holders(
    id: i64,
    q: Option<String>,
    after: Option<String>,
) -> Result<HolderPage, AppError> {
    use crate::auth::principal::{Capability, RolesManage, UsersRead, current_principal};
    use crate::users::query::{Cursor, Search};
    let principal = current_principal()?;
    let id = crate::domain::ids::request_id("id", id)?;
    let search = Search::parse(q.as_deref().unwrap_or_default())?;
    let after = after
        .filter(|after| !after.is_empty())
        .map(|after| Cursor::parse("after", &after))
        .transpose()?;
    let db = &crate::state::app_state()?.db;
    let page = store::PageOf {
        role: id,
        search: search.as_ref(),
        after: after.as_ref(),
    };
    if principal.permissions().contains(RolesManage::PERMISSION) {
        store::role_holders(db, &principal.grant::<RolesManage>()?, &page).await
    } else {
        store::role_holders(db, &principal.grant::<UsersRead>()?, &page).await
    }
}

/// Gives admin role `id` to `user`; answers whether anything changed (nothing when they
/// hold it already). The Primary Admin's role and the admin's own are not changed here
/// (409), nor any role beyond the admin's own permissions (403).
#[server(prefix = "/api", endpoint = "assign_role", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn assign_role(id: i64, user: i64) -> Result<bool, AppError> {
    change_assignment(id, user, true).await
}

/// Takes admin role `id` away from `user`, who becomes a member; 409 when they do not
/// hold it, with the same guard rails as giving it.
#[server(prefix = "/api", endpoint = "unassign_role", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn unassign_role(id: i64, user: i64) -> Result<bool, AppError> {
    change_assignment(id, user, false).await
}

#[cfg(feature = "ssr")]
async fn change_assignment(id: i64, user: i64, give: bool) -> Result<bool, AppError> {
    use crate::auth::principal::{RolesManage, current_principal};
    use crate::domain::ids::request_id;
    let grant = current_principal()?.grant::<RolesManage>()?;
    let role = request_id("id", id)?;
    let user = request_id("user", user)?;
    let change = if give {
        store::Assignment::Give(role)
    } else {
        store::Assignment::TakeAway(role)
    };
    let state = crate::state::app_state()?;
    store::change_assignment(&state.db, &grant, user, change, state.clock.now()).await
}
