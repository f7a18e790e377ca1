//! Apps (the seeds' "bots" and "assistants") and who holds a role in them. Each app has
//! exactly one owner, held on the app itself so there can never be none or two, and
//! members who are Developers or Testers. The User Details page's Manage Apps tab and
//! the More menu's Transfer Ownership call the server functions here; the rules are in
//! `membership`, the SQL in `store`. The Apps page is `catalog`.

pub mod catalog;
pub mod membership;
#[cfg(feature = "ssr")]
pub mod store;

use crate::domain::{AppId, Email};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A member's role in an app other than its owner: what an admin can assign. The
/// discriminant is the stored code (1, Owner, lives in `apps.owner_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    Developer = 2,
    Tester = 3,
}

impl MemberRole {
    pub const ALL: [MemberRole; 2] = [Self::Developer, Self::Tester];

    pub fn code(self) -> i64 {
        self as i64
    }

    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.code() == code)
    }

    /// The wire name, e.g. `tester`.
    pub fn slug(self) -> &'static str {
        AppRole::from(self).slug()
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.slug() == slug)
    }
}

/// A user's role in an app, as the Manage Apps tab shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppRole {
    /// Fixed: it changes only by a transfer of ownership.
    Owner,
    Developer,
    Tester,
}

impl AppRole {
    pub const ALL: [AppRole; 3] = [Self::Owner, Self::Developer, Self::Tester];

    /// The stored and audited name, e.g. `developer`.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Developer => "developer",
            Self::Tester => "tester",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.slug() == slug)
    }
}

impl From<MemberRole> for AppRole {
    fn from(role: MemberRole) -> Self {
        match role {
            MemberRole::Developer => Self::Developer,
            MemberRole::Tester => Self::Tester,
        }
    }
}

/// One app a user holds a role in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserApp {
    pub app_id: AppId,
    pub name: String,
    pub role: AppRole,
    pub published: bool,
}

/// An app the assign typeahead offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppChoice {
    pub id: AppId,
    pub name: String,
    pub owner: Email,
}

/// The most apps one typeahead answer lists.
pub const MAX_APP_CHOICES: usize = 20;
/// The longest typeahead text, in characters.
pub const MAX_APP_SEARCH_CHARS: usize = 100;

/// The apps `user` holds a role in, by name.
#[server(prefix = "/api", endpoint = "list_user_apps", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn list_user_apps(user: i64) -> Result<Vec<UserApp>, AppError> {
    use crate::auth::principal::{UsersRead, current_principal};
    let grant = current_principal()?.grant::<UsersRead>()?;
    let user = crate::domain::ids::request_id("user", user)?;
    store::user_apps(&crate::state::app_state()?.db, &grant, user).await
}

/// Up to `MAX_APP_CHOICES` apps of the account whose name contains `q`, by name.
#[server(prefix = "/api", endpoint = "find_apps", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn find_apps(q: String) -> Result<Vec<AppChoice>, AppError> {
    use crate::auth::principal::{AppsAssign, current_principal};
    let grant = current_principal()?.grant::<AppsAssign>()?;
    let q = membership::parse_app_search(&q)?;
    store::find_apps(&crate::state::app_state()?.db, &grant, &q).await
}

/// Gives `user` the role `role` in `app`; refused when they already hold one there.
#[server(prefix = "/api", endpoint = "assign_app", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn assign_app(user: i64, app: i64, role: MemberRole) -> Result<Vec<UserApp>, AppError> {
    use crate::auth::principal::{AppsAssign, current_principal};
    let grant = current_principal()?.grant::<AppsAssign>()?;
    let change = membership::MembershipChange::parse(user, app, Some(role))?;
    let state = crate::state::app_state()?;
    store::assign(&state.db, &grant, &change, state.clock.now()).await
}

/// Switches `user`'s role in `app` to `role`; the owner's role is refused.
#[server(prefix = "/api", endpoint = "change_app_role", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn change_app_role(
    user: i64,
    app: i64,
    role: MemberRole,
) -> Result<Vec<UserApp>, AppError> {
    use crate::auth::principal::{AppsAssign, current_principal};
    let grant = current_principal()?.grant::<AppsAssign>()?;
    let change = membership::MembershipChange::parse(user, app, Some(role))?;
    let state = crate::state::app_state()?;
    store::change_role(&state.db, &grant, &change, state.clock.now()).await
}

/// Takes `user`'s role in `app` away; the owner's role is refused.
#[server(prefix = "/api", endpoint = "remove_app_role", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn remove_app_role(user: i64, app: i64) -> Result<Vec<UserApp>, AppError> {
    use crate::auth::principal::{AppsAssign, current_principal};
    let grant = current_principal()?.grant::<AppsAssign>()?;
    let change = membership::MembershipChange::parse(user, app, None)?;
    let state = crate::state::app_state()?;
    store::change_role(&state.db, &grant, &change, state.clock.now()).await
}

/// Makes `new_owner` the owner of `app`; the former owner becomes a Developer. Only the
/// Primary Admin may.
#[server(prefix = "/api", endpoint = "transfer_ownership", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn transfer_ownership(app: i64, new_owner: i64) -> Result<(), AppError> {
    use crate::auth::principal::current_principal;
    let grant = current_principal()?.primary_admin_grant()?;
    let app = crate::domain::ids::request_id("app", app)?;
    let new_owner = crate::domain::ids::request_id("new_owner", new_owner)?;
    let state = crate::state::app_state()?;
    store::transfer(&state.db, &grant, app, new_owner, state.clock.now()).await
}
