//! A second factor each user may add for themselves on "My account": an authenticator
//! app (TOTP, RFC 6238) that counts once a code from it was given, with 10 single-use
//! recovery codes for when it is lost. With an app on, every sign-in by password asks
//! for its code instead of an e-mailed one, whatever the account's two-factor policy.
//! An admin can reset a user's second factor from the user's More menu. Changing one's
//! own needs a recent sign-in. The wire types and server functions live here, the codes'
//! arithmetic in `codes` and the SQL in `store` (both server-only), the section of
//! "My account" in `ui`.

#[cfg(feature = "ssr")]
pub mod codes;
#[cfg(feature = "ssr")]
pub mod store;
pub mod ui;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in user's authenticator app, as their page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthenticatorStatus {
    /// When the app was turned on; `None` while it is off.
    pub on_since: Option<i64>,
    pub recovery_codes_left: u32,
    /// Whether the server was given a key to seal the app's secret with.
    pub can_keep_secrets: bool,
}

/// An app being set up: its secret as the key a person types, the `otpauth://` address,
/// and that address as a QR code (a `data:` URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAuthenticator {
    pub key: String,
    pub address: String,
    pub qr_image: String,
}

/// The signed-in user's authenticator app.
#[server(prefix = "/api", endpoint = "my_authenticator", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn my_authenticator() -> Result<AuthenticatorStatus, AppError> {
    let grant = crate::auth::principal::current_principal()?.own_account_grant();
    let state = crate::state::app_state()?;
    store::status(&state.db, &grant, state.secret_key.is_some()).await
}

/// Starts setting up an authenticator app: a new secret for it, replacing one that was
/// never confirmed. 409 while an app is on, or when the server has no key to seal the
/// secret with. Needs a recent sign-in.
#[server(prefix = "/api", endpoint = "begin_authenticator", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn begin_authenticator() -> Result<NewAuthenticator, AppError> {
    let principal = crate::auth::principal::current_principal()?;
    let grant = principal.own_account_grant();
    let state = crate::state::app_state()?;
    let now = state.clock.now();
    principal.require_recent_sign_in(now)?;
    store::begin(&state.db, &grant, state.secret_key.as_ref(), now).await
}

/// Turns on the app being set up with a `code` it shows now; answers the 10 recovery
/// codes, which are never shown again. 400 for another code.
#[server(prefix = "/api", endpoint = "confirm_authenticator", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn confirm_authenticator(code: String) -> Result<Vec<String>, AppError> {
    let grant = crate::auth::principal::current_principal()?.own_account_grant();
    let state = crate::state::app_state()?;
    let key = state.secret_key.as_ref();
    store::confirm(&state.db, &grant, key, &code, state.clock.now()).await
}

/// New recovery codes in place of the old ones; 409 without an app. Needs a recent
/// sign-in.
#[server(prefix = "/api", endpoint = "renew_recovery_codes", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn renew_recovery_codes() -> Result<Vec<String>, AppError> {
    let principal = crate::auth::principal::current_principal()?;
    let grant = principal.own_account_grant();
    let state = crate::state::app_state()?;
    let now = state.clock.now();
    principal.require_recent_sign_in(now)?;
    store::renew_recovery_codes(&state.db, &grant, now).await
}

/// Removes the signed-in user's app and recovery codes; 409 without an app. Needs a
/// recent sign-in.
#[server(prefix = "/api", endpoint = "remove_my_authenticator", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn remove_my_authenticator() -> Result<(), AppError> {
    let principal = crate::auth::principal::current_principal()?;
    let grant = principal.own_account_grant();
    let state = crate::state::app_state()?;
    let now = state.clock.now();
    principal.require_recent_sign_in(now)?;
    store::remove_own(&state.db, &grant, now).await
}

/// An admin removes user `user`'s app and recovery codes, for a person who lost both;
/// the user is told by e-mail. 409 when they have no app on or are the admin themself;
/// only the Primary Admin resets the Primary Admin's. Answers the address.
#[server(prefix = "/api", endpoint = "reset_second_factor", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn reset_second_factor(user: i64) -> Result<String, AppError> {
    use crate::auth::principal::{UsersUpdate, current_principal};
    let principal = current_principal()?;
    let grant = principal.grant::<UsersUpdate>()?;
    let by = (&grant, principal.is_primary_admin());
    let user = crate::domain::ids::request_id("user", user)?;
    let state = crate::state::app_state()?;
    let locale = crate::console::language::request_locale();
    let sent = store::reset(&state.db, by, user, locale, state.clock.now()).await?;
    Ok(sent.to_string())
}
