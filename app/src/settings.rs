//! User Management > User Settings: the account's settings, one section each, each
//! saved on its own with the version it was read at. Today: Sign-in security (the
//! lockout policy). The wire types and server functions live here; each section's rules
//! in its own module, the SQL in `store` (server-only), the page in `ui`.

pub mod sign_in_security;
#[cfg(feature = "ssr")]
pub mod store;
pub mod ui;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use sign_in_security::SignInSecurity;

/// A section's settings as saved, with the version a save must name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versioned<T> {
    pub settings: T,
    pub version: i64,
}

/// The account's sign-in security; every admin may read it.
#[server(prefix = "/api", endpoint = "get_sign_in_security", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn get_sign_in_security() -> Result<Versioned<SignInSecurity>, AppError> {
    use crate::auth::principal::{UsersRead, current_principal};
    let grant = current_principal()?.grant::<UsersRead>()?;
    store::sign_in_security(&crate::state::app_state()?.db, grant.account_id()).await
}

/// Saves the account's sign-in security over `version`; a save over a newer one is 409.
/// It applies at once, to the locks in place too.
#[server(prefix = "/api", endpoint = "save_sign_in_security", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn save_sign_in_security(
    settings: SignInSecurity,
    version: i64,
) -> Result<Versioned<SignInSecurity>, AppError> {
    use crate::auth::principal::{SettingsManage, current_principal};
    let grant = current_principal()?.grant::<SettingsManage>()?;
    settings.check()?;
    let state = crate::state::app_state()?;
    let saved = Versioned { settings, version };
    store::save_sign_in_security(&state.db, &grant, saved, state.clock.now()).await
}
