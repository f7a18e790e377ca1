//! User Management > Role Management: the account's admin roles (what an admin may do
//! in this console), the predefined ones and the account's own, with their permissions
//! and how many users hold each; creating, changing, duplicating and deleting custom
//! roles; who holds each (`assignments`). The wire types and server functions live
//! here; parsing and the guard rails in `rules`, the SQL in `store` (server-only), the
//! page in `ui`.

pub mod assignments;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod store;
pub mod ui;

use crate::domain::{PermissionSet, RoleId};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One admin role as Role Management lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleSummary {
    pub id: RoleId,
    pub name: String,
    pub description: String,
    /// Master Admin and User Admin: the same in every account, never changed.
    pub predefined: bool,
    pub permissions: PermissionSet,
    /// The users who hold it, of every status.
    pub holders: u64,
    /// Counts the role's changes: a save names the version it was read at.
    pub version: i64,
}

/// The account's admin roles: the predefined ones first, then the others by name. For
/// an admin who may see users or manage roles.
#[server(prefix = "/api", endpoint = "list_roles", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn list_roles() -> Result<Vec<RoleSummary>, AppError> {
    use crate::auth::principal::{Capability, RolesManage, UsersRead, current_principal};
    let principal = current_principal()?;
    let db = &crate::state::app_state()?.db;
    if principal.permissions().contains(RolesManage::PERMISSION) {
        store::list_roles(db, &principal.grant::<RolesManage>()?).await
    } else {
        store::list_roles(db, &principal.grant::<UsersRead>()?).await
    }
}

/// Creates a custom admin role with `permissions` (keys such as `users.read`), each of
/// which the admin must hold (403 otherwise); a name the account has already, in any
/// case, is 409.
#[server(prefix = "/api", endpoint = "create_role", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn create_role(
    name: String,
    description: String,
    permissions: Vec<String>,
) -> Result<RoleSummary, AppError> {
    use crate::auth::principal::{RolesManage, current_principal};
    let grant = current_principal()?.grant::<RolesManage>()?;
    let draft = rules::RoleDraft::parse(&name, &description, &permissions)?;
    let state = crate::state::app_state()?;
    store::create_role(&state.db, &grant, &draft, state.clock.now()).await
}

/// Changes custom role `id`, read at `version` (409 when it changed since); a
/// permission added must be one the admin holds (403), and a predefined role is never
/// changed (409).
#[server(prefix = "/api", endpoint = "update_role", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn update_role(
    id: i64,
    version: i64,
    name: String,
    description: String,
    permissions: Vec<String>,
) -> Result<RoleSummary, AppError> {
    use crate::auth::principal::{RolesManage, current_principal};
    let grant = current_principal()?.grant::<RolesManage>()?;
    let id = crate::domain::ids::request_id("id", id)?;
    let draft = rules::RoleDraft::parse(&name, &description, &permissions)?;
    let state = crate::state::app_state()?;
    store::update_role(&state.db, &grant, (id, version), &draft, state.clock.now()).await
}

/// Deletes custom role `id`. While users hold it, it is refused (409 with their count)
/// unless `move_holders_to` names another role of the account for them, one whose
/// permissions the admin holds. Answers how many users were moved.
#[server(prefix = "/api", endpoint = "delete_role", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn delete_role(id: i64, move_holders_to: Option<i64>) -> Result<u64, AppError> {
    use crate::auth::principal::{RolesManage, current_principal};
    use crate::domain::ids::request_id;
    let grant = current_principal()?.grant::<RolesManage>()?;
    let id = request_id("id", id)?;
    let move_to = move_holders_to
        .map(|role| request_id("move_holders_to", role))
        .transpose()?;
    let state = crate::state::app_state()?;
    store::delete_role(&state.db, &grant, id, move_to, state.clock.now()).await
}
