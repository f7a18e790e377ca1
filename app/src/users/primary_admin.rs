//! Handing the Primary Admin's role to another active admin of the account: only the
//! Primary Admin may, after proving who they are within the last five minutes. The
//! former Primary Admin keeps the Master Admin role; both are e-mailed, and the change
//! is audited. The SQL is in `store` (server-only); the More menu offers it.

#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
use leptos::prelude::*;

/// Makes `user` the account's Primary Admin; answers their address. 403 for anyone but
/// the Primary Admin, or without a recent sign-in; 409 when `user` is not another
/// active admin of the account.
#[server(prefix = "/api", endpoint = "hand_over_primary_admin", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn hand_over_primary_admin(user: i64) -> Result<String, AppError> {
    let principal = crate::auth::principal::current_principal()?;
    let grant = principal.primary_admin_grant()?;
    let user = crate::domain::ids::request_id("user", user)?;
    let state = crate::state::app_state()?;
    let now = state.clock.now();
    principal.require_recent_sign_in(now)?;
    let locale = crate::console::language::request_locale();
    let to = store::hand_over(&state.db, &grant, user, locale, now).await?;
    Ok(to.to_string())
}
