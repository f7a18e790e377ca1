//! Password reset by e-mail. An admin sends a user a link from the user's More menu,
//! or a person asks for one on "Forgot your password?"; the link opens a page where
//! they choose a new password. A link holds a random 256-bit token, of which only the
//! digest is stored; it works once, for `reset_link_minutes`, and a newer link replaces
//! it. Setting a password ends every session of the user and clears a lock; it never
//! activates anyone. While the account has SSO on, the identity provider manages
//! passwords and the server refuses resets (409). The SQL is in `store`.

#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the page a reset link opens says: whose password it sets, and the shortest
/// password the server takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetFor {
    pub email: String,
    pub min_chars: u32,
}

/// Sends user `user` an e-mail with a password reset link; answers the address it went
/// to. 409 while the account has SSO on.
#[server(prefix = "/api", endpoint = "send_password_reset", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn send_password_reset(user: i64) -> Result<String, AppError> {
    use crate::auth::principal::{UsersUpdate, current_principal};
    let grant = current_principal()?.grant::<UsersUpdate>()?;
    let user = crate::domain::ids::request_id("user", user)?;
    let state = crate::state::app_state()?;
    let letter = store::Letter::for_request(&state)?;
    let sent = store::send_reset(&state.db, &grant, user, &letter, state.clock.now()).await?;
    Ok(sent.to_string())
}

/// "Forgot your password?": e-mails a link to every account's user of that address who
/// may have one. The answer is the same, and as fast, whether or not the address is
/// known: the work goes on after the answer.
#[server(prefix = "/api", endpoint = "request_password_reset")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let addr = client_addr()?;
    state.attempts.check(addr)?;
    let email = crate::domain::Email::parse(&email)
        .map_err(|_| AppError::invalid("email", crate::error::Problem::NotAnEmail))?;
    let letter = store::Letter::for_request(&state)?;
    tokio::spawn(async move {
        let now = state.clock.now();
        if let Err(error) = store::request_reset(&state.db, &email, addr, &letter, now).await {
            tracing::error!(%error, "a requested password reset failed");
        }
    });
    leptos_axum::redirect("/login?reset=sent");
    Ok(())
}

/// The address this request comes from, as the server saw it.
#[cfg(feature = "ssr")]
pub(crate) fn client_addr() -> Result<Option<std::net::IpAddr>, AppError> {
    Ok(crate::state::request_parts()?
        .extensions
        .get::<crate::auth::principal::ClientAddr>()
        .map(|addr| addr.0))
}

/// The address a reset link is for, while the link can be used; 404 when it was used,
/// has expired, or was replaced.
#[server(prefix = "/api", endpoint = "reset_link", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn reset_link(token: String) -> Result<ResetFor, AppError> {
    let state = crate::state::app_state()?;
    let holder = store::link_holder(&state.db, &token, state.clock.now()).await?;
    Ok(ResetFor {
        email: holder.email.to_string(),
        min_chars: state.passwords.min_chars as u32,
    })
}

/// Sets a new password through a reset link, then sends the person to sign in.
#[server(prefix = "/api", endpoint = "reset_password")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn reset_password(
    token: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    use crate::auth::password::{check_new_password, hash_password};
    let state = crate::state::app_state()?;
    let addr = client_addr()?;
    state.attempts.check(addr)?;
    let holder = store::link_holder(&state.db, &token, state.clock.now()).await?;
    check_new_password(&password, &holder.email, state.passwords.min_chars)?;
    if password != confirm {
        return Err(AppError::invalid(
            "confirm",
            crate::error::Problem::NotTheSame,
        ));
    }
    let hash = hash_password(password).await?;
    store::redeem(&state.db, &token, &hash, addr, state.clock.now()).await?;
    leptos_axum::redirect("/login?reset=done");
    Ok(())
}
