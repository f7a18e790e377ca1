//! The Sessions/Devices tab: a user's live sessions (platform-wide: one per sign-in,
//! valid in every workspace) and Kill Session. A session is shown by its number, never
//! by its token or the token's digest.

use crate::domain::SessionId;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The kind of device a session signed in from, read from its User-Agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    Desktop,
    Mobile,
    Tablet,
    Other,
}

/// One live session of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: SessionId,
    pub device: DeviceKind,
    /// e.g. "Chrome 120", or empty when the User-Agent does not say.
    pub browser: String,
    /// e.g. "Mac OSX", or empty when the User-Agent does not say.
    pub os: String,
    pub ip: Option<String>,
    /// Unix seconds.
    pub signed_in_at: i64,
    /// Unix seconds.
    pub last_seen_at: i64,
    /// The session of the admin looking: killing it signs them out.
    pub is_yours: bool,
}

/// The live sessions of `user`, most recently active first.
#[server(prefix = "/api", endpoint = "list_user_sessions", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn list_user_sessions(user: i64) -> Result<Vec<SessionInfo>, AppError> {
    use crate::auth::principal::{UsersRead, current_principal};
    let principal = current_principal()?;
    let grant = principal.grant::<UsersRead>()?;
    let user = crate::domain::ids::request_id("user", user)?;
    let state = crate::state::app_state()?;
    let yours = current_session(&principal);
    super::store::user_sessions(&state.db, &grant, user, yours, state.clock.now()).await
}

/// Ends one session of `user` at once, or all of them when `session` is `None`; returns
/// how many ended. Ending the caller's own session signs them out.
#[server(prefix = "/api", endpoint = "end_sessions", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn end_sessions(user: i64, session: Option<i64>) -> Result<u64, AppError> {
    use crate::auth::principal::{SessionsKill, current_principal};
    let principal = current_principal()?;
    let grant = principal.grant::<SessionsKill>()?;
    let user = crate::domain::ids::request_id("user", user)?;
    let session = session
        .map(|value| crate::domain::ids::request_id::<SessionId>("session", value))
        .transpose()?;
    let state = crate::state::app_state()?;
    let ended =
        super::store::end_sessions(&state.db, &grant, user, session, state.clock.now()).await?;
    if ended.contains(&current_session(&principal)) {
        crate::auth::clear_session_cookie(state.secure_cookies)?;
    }
    Ok(ended.len() as u64)
}

/// The session the request came with.
#[cfg(feature = "ssr")]
pub fn current_session(principal: &crate::auth::principal::Principal) -> SessionId {
    match principal.authentication() {
        crate::auth::principal::Authentication::SessionCookie { id, .. } => id,
    }
}
