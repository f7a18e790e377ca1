//! The Sessions/Devices tab: a user's live sessions (platform-wide: one per sign-in,
//! valid in every workspace) and Kill Session. A session is shown by its number, never
//! by its token or the token's digest. An admin may say why they ended a user's
//! sessions: the user is e-mailed the reason, and the audit log keeps it.

use crate::domain::SessionId;
use crate::error::{AppError, Problem};
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

/// The most characters of the reason an admin gives for ending a user's sessions.
pub const MAX_KILL_REASON_CHARS: usize = 300;

/// Why an admin ended a user's sessions, as the user is told: one or a few lines, of
/// at most `MAX_KILL_REASON_CHARS` characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KillReason(String);

impl KillReason {
    /// The trimmed reason, `None` when nothing but spaces was given.
    pub fn parse(reason: Option<&str>) -> Result<Option<Self>, AppError> {
        let reason = reason.unwrap_or_default().trim();
        if reason.is_empty() {
            return Ok(None);
        }
        if reason.chars().count() > MAX_KILL_REASON_CHARS {
            let max = MAX_KILL_REASON_CHARS as u32;
            return Err(AppError::invalid("reason", Problem::TooLong { max }));
        }
        if reason.chars().any(|c| c.is_control() && c != '\n') {
            return Err(AppError::invalid("reason", Problem::ControlCharacters));
        }
        Ok(Some(Self(reason.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
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
/// how many ended. Ending the caller's own session signs them out; ending another
/// user's e-mails them that an admin did, with `reason` when one is given.
#[server(prefix = "/api", endpoint = "end_sessions", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn end_sessions(
    user: i64,
    session: Option<i64>,
    reason: Option<String>,
) -> Result<u64, AppError> {
    use crate::auth::principal::{SessionsKill, current_principal};
    let principal = current_principal()?;
    let grant = principal.grant::<SessionsKill>()?;
    let user = crate::domain::ids::request_id("user", user)?;
    let session = session
        .map(|value| crate::domain::ids::request_id::<SessionId>("session", value))
        .transpose()?;
    let kill = super::store::Kill {
        user,
        session,
        reason: KillReason::parse(reason.as_deref())?,
        locale: crate::console::language::request_locale(),
    };
    let state = crate::state::app_state()?;
    let ended = super::store::end_sessions(&state.db, &grant, &kill, state.clock.now()).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn refused_field(reason: &str) -> Option<String> {
        match KillReason::parse(Some(reason)) {
            Err(AppError::Invalid { field, .. }) => Some(field),
            _ => None,
        }
    }

    #[test]
    fn a_reason_is_trimmed_and_a_blank_one_is_none() {
        let reason = KillReason::parse(Some("  Laptop reported stolen \n")).unwrap();
        assert_eq!(reason.unwrap().as_str(), "Laptop reported stolen");
        assert_eq!(KillReason::parse(Some("   ")).unwrap(), None);
        assert_eq!(KillReason::parse(None).unwrap(), None);
    }

    #[test]
    fn a_reason_keeps_its_lines_but_refuses_other_control_characters_and_length() {
        let lines = KillReason::parse(Some("Stolen laptop.\nCall IT.")).unwrap();
        assert_eq!(lines.unwrap().as_str(), "Stolen laptop.\nCall IT.");
        assert_eq!(refused_field("bell\u{7}").as_deref(), Some("reason"));
        let longest = "é".repeat(MAX_KILL_REASON_CHARS);
        assert!(KillReason::parse(Some(&longest)).is_ok());
        assert_eq!(
            refused_field(&format!("{longest}é")).as_deref(),
            Some("reason")
        );
    }
}
