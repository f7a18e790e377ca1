//! Single sign-on through an OpenID Connect identity provider, one per account (User
//! Settings > Single sign-on). An admin saves the provider, tests a sign-in through it,
//! then turns SSO on: members then sign in only through the provider, admins may still
//! use their password at `/login/admin`, and the server sets no password for anyone.
//! The wire types and server functions live here; the form's rules in `provider`, the
//! SQL in `store`, the exchange with the provider in `flow` (both server-only); the
//! settings section is in `settings::ui`, the routes of the browser's round trip in the
//! server crate.

#[cfg(feature = "ssr")]
pub mod flow;
pub mod provider;
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
use leptos::prelude::*;
use provider::ProviderEdit;
use serde::{Deserialize, Serialize};

/// The path the identity provider sends people back to.
pub const CALLBACK_PATH: &str = "/api/sso/callback";
/// The path that starts a sign-in through the provider (a form: `email`, `next`).
pub const START_PATH: &str = "/api/sso/start";
/// The path that starts an admin's test sign-in.
pub const TEST_PATH: &str = "/api/sso/test";
/// The path that records a test sign-in the provider passed.
pub const TEST_DONE_PATH: &str = "/api/sso/test/done";

/// The account's single sign-on, as the settings section shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoSettings {
    /// The provider saved, if any: never its secret.
    pub provider: Option<SavedProvider>,
    pub enabled: bool,
    /// The address to register at the provider as the redirect URI.
    pub redirect_uri: String,
    /// Whether the server was given a key to seal a client secret with.
    pub can_keep_secrets: bool,
}

/// A saved provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedProvider {
    pub issuer: String,
    pub client_id: String,
    pub allowed_domains: Vec<String>,
    /// The version a save or a switch must name.
    pub version: i64,
    /// The test sign-in that succeeded with this version, if one did.
    pub tested: Option<SsoTest>,
}

/// A test sign-in that succeeded: when, and as whom the provider named the tester.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoTest {
    pub at: i64,
    pub email: String,
}

/// The account's single sign-on; every admin may read it.
#[server(prefix = "/api", endpoint = "get_sso_settings", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn get_sso_settings() -> Result<SsoSettings, AppError> {
    use crate::auth::principal::{UsersRead, current_principal};
    let grant = current_principal()?.grant::<UsersRead>()?;
    let state = crate::state::app_state()?;
    store::settings(&state, grant.account_id()).await
}

/// Saves the identity provider over `version` (0 when none is saved yet); 409 while SSO
/// is on, or over a newer version. A new provider needs its client secret, sealed with
/// the server's key (409 `no_secret_key` without one). Needs a recent sign-in.
#[server(prefix = "/api", endpoint = "save_sso_provider", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn save_sso_provider(
    provider: ProviderEdit,
    version: i64,
) -> Result<SsoSettings, AppError> {
    use crate::auth::principal::{SettingsManage, current_principal};
    let principal = current_principal()?;
    let grant = principal.grant::<SettingsManage>()?;
    let checked = provider.check()?;
    let state = crate::state::app_state()?;
    let now = state.clock.now();
    principal.require_recent_sign_in(now)?;
    store::save_provider(&state, &grant, checked, version, now).await
}

/// Turns SSO on or off at provider `version`. On needs a test sign-in that succeeded
/// at that version (409 `sso_untested`). Needs a recent sign-in.
#[server(prefix = "/api", endpoint = "switch_sso", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn switch_sso(enabled: bool, version: i64) -> Result<SsoSettings, AppError> {
    use crate::auth::principal::{SettingsManage, current_principal};
    let principal = current_principal()?;
    let grant = principal.grant::<SettingsManage>()?;
    let state = crate::state::app_state()?;
    let now = state.clock.now();
    principal.require_recent_sign_in(now)?;
    store::switch(&state.db, &grant, enabled, version, now).await?;
    store::settings(&state, grant.account_id()).await
}
