//! "My account" (`/me`): the page every signed-in user has, and the only one a member
//! (a user without an admin role) reaches: their profile, editable as the profile-field
//! policy of their session allows, their own sessions with "Sign out this session",
//! their authenticator app (`crate::authenticator`), and their apps. The wire types and server
//! functions live here, the SQL in `store`, the page in `ui`.

#[cfg(feature = "ssr")]
mod store;
pub mod ui;

use crate::apps::UserApp;
use crate::domain::{Email, UserStatus};
use crate::error::AppError;
use crate::settings::profile_fields::{FieldValues, ProfilePolicy};
use crate::users::sessions::SessionInfo;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where "My account" lives.
pub const MY_ACCOUNT_PATH: &str = "/me";

/// The signed-in user's own account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyAccount {
    pub id: crate::domain::UserId,
    /// When their profile picture last changed, if they have one.
    pub picture_at: Option<i64>,
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub status: UserStatus,
    pub role_name: String,
    /// Whether the console is theirs too (the page links to it).
    pub is_admin: bool,
    pub sessions: Vec<SessionInfo>,
    pub apps: Vec<UserApp>,
    /// The profile-field policy this session signed in with, and its version.
    pub policy: ProfilePolicy,
    pub policy_version: i64,
    /// The values of the controlled fields.
    pub fields: FieldValues,
}

/// The signed-in user's profile, live sessions and apps.
#[server(prefix = "/api", endpoint = "my_account", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn load_my_account() -> Result<MyAccount, AppError> {
    let principal = crate::auth::principal::current_principal()?;
    let grant = principal.own_account_grant();
    let state = crate::state::app_state()?;
    let yours = crate::users::sessions::current_session(&principal);
    store::my_account(
        &state.db,
        &grant,
        principal.is_admin(),
        yours,
        state.clock.now(),
    )
    .await
}

/// Ends one of the signed-in user's own sessions; ending the current one signs out.
#[server(prefix = "/api", endpoint = "end_my_session", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn end_my_session(session: i64) -> Result<u64, AppError> {
    use crate::domain::SessionId;
    let principal = crate::auth::principal::current_principal()?;
    let grant = principal.own_account_grant();
    let session = crate::domain::ids::request_id::<SessionId>("session", session)?;
    let state = crate::state::app_state()?;
    let ended = crate::users::store::end_live_sessions(
        &state.db,
        grant.actor(),
        grant.actor_id(),
        Some(session),
        None,
        state.clock.now(),
    )
    .await?;
    if ended.contains(&crate::users::sessions::current_session(&principal)) {
        crate::auth::clear_session_cookie(state.secure_cookies)?;
    }
    Ok(ended.len() as u64)
}

/// Saves the signed-in user's own profile: their name and controlled fields, as the
/// policy of their session allows; a change to a field it hides or does not let them
/// edit is 400, whatever the request says, and nothing is saved.
#[server(prefix = "/api", endpoint = "save_my_profile", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn save_my_profile(
    first_name: String,
    last_name: String,
    fields: FieldValues,
) -> Result<(), AppError> {
    let principal = crate::auth::principal::current_principal()?;
    let grant = principal.own_account_grant();
    let name = |field: &str, value: &str| {
        crate::domain::PersonName::parse(value)
            .map_err(|error| AppError::invalid(field, crate::users::profile::name_problem(error)))
    };
    let edit = store::OwnEdit {
        first_name: name("first_name", &first_name)?,
        last_name: name("last_name", &last_name)?,
        fields: crate::settings::profile_fields::parse_values(&fields)?,
    };
    let session = crate::users::sessions::current_session(&principal);
    let state = crate::state::app_state()?;
    store::save_own_profile(&state.db, &grant, session, &edit, state.clock.now()).await
}
