//! User Management > Groups: groups of users with their member counts (searched, sorted
//! and paged by key), each group's members, and the changes to both. The wire types and
//! server functions live here; parsing in `query`, the SQL in `store` (server-only), the
//! pages in `ui`.

pub mod query;
#[cfg(feature = "ssr")]
pub mod store;
pub mod ui;

use crate::domain::{Email, GroupId, UserId, UserStatus};
use crate::error::AppError;
use leptos::prelude::*;
use query::GroupParams;
use serde::{Deserialize, Serialize};

/// One group as the Groups page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSummary {
    pub id: GroupId,
    pub name: String,
    pub member_count: u64,
}

/// One page of groups and the cursors of its neighbours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPage {
    pub rows: Vec<GroupSummary>,
    pub is_first_page: bool,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// One member of a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMember {
    pub id: UserId,
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub status: UserStatus,
}

/// One page of a group's members, by user id, and where the next one starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberPage {
    pub group: GroupSummary,
    pub members: Vec<GroupMember>,
    /// The user id after which the next page starts, when there is one.
    pub next: Option<i64>,
}

/// What a change of members did: who joined or left, and who already was as asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersChanged {
    pub changed: u64,
    pub unchanged: u64,
}

/// One page of the account's groups, searched and sorted.
#[server(prefix = "/api", endpoint = "list_groups", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn list_groups(#[server(flatten)] params: GroupParams) -> Result<GroupPage, AppError> {
    use crate::auth::principal::{UsersRead, current_principal};
    let grant = current_principal()?.grant::<UsersRead>()?;
    let query = query::GroupQuery::parse(&params)?;
    store::list_groups(&crate::state::app_state()?.db, &grant, &query).await
}

/// Creates a group named `name`; a name the account has already (in any case) is 409.
#[server(prefix = "/api", endpoint = "create_group", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn create_group(name: String) -> Result<GroupSummary, AppError> {
    use crate::auth::principal::{GroupsManage, current_principal};
    let grant = current_principal()?.grant::<GroupsManage>()?;
    let name = query::GroupName::parse(&name)?;
    let state = crate::state::app_state()?;
    store::create_group(&state.db, &grant, &name, state.clock.now()).await
}

/// Renames group `id`.
#[server(prefix = "/api", endpoint = "rename_group", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn rename_group(id: i64, name: String) -> Result<GroupSummary, AppError> {
    use crate::auth::principal::{GroupsManage, current_principal};
    let grant = current_principal()?.grant::<GroupsManage>()?;
    let id = crate::domain::ids::request_id("id", id)?;
    let name = query::GroupName::parse(&name)?;
    let state = crate::state::app_state()?;
    store::rename_group(&state.db, &grant, id, &name, state.clock.now()).await
}

/// Deletes group `id`; its members lose the group and stay users. Answers how many
/// members it had.
#[server(prefix = "/api", endpoint = "delete_group", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn delete_group(id: i64) -> Result<u64, AppError> {
    use crate::auth::principal::{GroupsManage, current_principal};
    let grant = current_principal()?.grant::<GroupsManage>()?;
    let id = crate::domain::ids::request_id("id", id)?;
    let state = crate::state::app_state()?;
    store::delete_group(&state.db, &grant, id, state.clock.now()).await
}

/// Group `id` and a page of its members after user id `after`.
#[server(prefix = "/api", endpoint = "list_group_members", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn list_group_members(id: i64, after: Option<i64>) -> Result<MemberPage, AppError> {
    use crate::auth::principal::{UsersRead, current_principal};
    let grant = current_principal()?.grant::<UsersRead>()?;
    let id = crate::domain::ids::request_id("id", id)?;
    let after = after.unwrap_or(0).max(0);
    store::group_members(&crate::state::app_state()?.db, &grant, id, after).await
}

/// Adds `users` to group `id` (`join`), or takes them out of it.
#[server(prefix = "/api", endpoint = "change_group_members", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn change_group_members(
    id: i64,
    users: Vec<i64>,
    join: bool,
) -> Result<MembersChanged, AppError> {
    use crate::auth::principal::{GroupsManage, current_principal};
    let grant = current_principal()?.grant::<GroupsManage>()?;
    let id = crate::domain::ids::request_id("id", id)?;
    let users = crate::users::selection::UserIds::parse(&users)?;
    let state = crate::state::app_state()?;
    store::change_members(&state.db, &grant, id, &users, join, state.clock.now()).await
}

/// The groups user `user` belongs to, by name.
#[server(prefix = "/api", endpoint = "list_user_groups", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn list_user_groups(user: i64) -> Result<Vec<GroupSummary>, AppError> {
    use crate::auth::principal::{UsersRead, current_principal};
    let grant = current_principal()?.grant::<UsersRead>()?;
    let user = crate::domain::ids::request_id("user", user)?;
    store::user_groups(&crate::state::app_state()?.db, &grant, user).await
}
