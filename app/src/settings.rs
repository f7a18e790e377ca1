//! User Management > User Settings: the account's settings, one section each, each
//! saved on its own over the version it was read at: Sign-in security (the lockout
//! policy), Email Notifications (welcome e-mails), Default User Permissions and Self
//! Sign-Up with the account's domains. The wire
//! types and server functions live here; each section's rules in its own module, the
//! SQL in `store` (server-only), the page in `ui`.

pub mod default_access;
pub mod profile_fields;
pub mod sign_in_security;
pub mod sign_up;
#[cfg(feature = "ssr")]
pub mod store;
pub mod ui;
pub mod welcome_emails;

use crate::domain::UserId;
use crate::error::AppError;
use default_access::DefaultAccess;
use leptos::prelude::*;
use profile_fields::ProfilePolicy;
use serde::{Deserialize, Serialize};
use sign_in_security::SignInSecurity;
use sign_up::{AccountDomains, SelfSignUp};
use welcome_emails::WelcomeEmails;

/// A section's settings as saved, with the version a save must name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versioned<T> {
    pub settings: T,
    pub version: i64,
}

/// Every section of the account's settings, and the account's domains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSettings {
    pub sign_in_security: Versioned<SignInSecurity>,
    pub welcome_emails: Versioned<WelcomeEmails>,
    pub default_access: Versioned<DefaultAccess>,
    pub self_sign_up: Versioned<SelfSignUp>,
    pub domains: AccountDomains,
    /// The live profile-field policy: its version is the one the next sign-in keeps.
    pub profile_fields: Versioned<ProfilePolicy>,
    pub profile_readers: PolicyReaders,
}

/// A user who signed in under an older profile-field policy than the live one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyReader {
    pub id: UserId,
    pub name: String,
    /// The version their latest sign-in kept.
    pub version: i64,
}

/// The first users still on an older profile-field policy, and whether there are more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyReaders {
    pub behind: Vec<PolicyReader>,
    pub more: bool,
}

/// The account's settings; every admin may read them.
#[server(prefix = "/api", endpoint = "get_user_settings", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn get_user_settings() -> Result<UserSettings, AppError> {
    use crate::auth::principal::{UsersRead, current_principal};
    let grant = current_principal()?.grant::<UsersRead>()?;
    store::user_settings(&crate::state::app_state()?.db, grant.account_id()).await
}

/// Saves the account's sign-in security over `version`; a save over a newer one is 409.
/// It applies at once, to the locks in place too. Changing who must give a code needs a
/// sign-in (or the password given again) within the last 5 minutes: 403 otherwise.
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
    let principal = current_principal()?;
    let grant = principal.grant::<SettingsManage>()?;
    settings.check()?;
    let state = crate::state::app_state()?;
    let now = state.clock.now();
    let mut conn = state.db.pool().acquire().await?;
    let before = store::read_section::<SignInSecurity>(&mut conn, grant.account_id()).await?;
    drop(conn);
    if before.settings.two_factor != settings.two_factor {
        principal.require_recent_sign_in(now)?;
    }
    let change = Versioned { settings, version };
    store::save(&state.db, &grant, change, now).await
}

/// Saves when new users get a welcome e-mail, over `version`.
#[server(prefix = "/api", endpoint = "save_welcome_emails", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn save_welcome_emails(
    settings: WelcomeEmails,
    version: i64,
) -> Result<Versioned<WelcomeEmails>, AppError> {
    use crate::auth::principal::{SettingsManage, current_principal};
    let grant = current_principal()?.grant::<SettingsManage>()?;
    let state = crate::state::app_state()?;
    let change = Versioned { settings, version };
    store::save(&state.db, &grant, change, state.clock.now()).await
}

/// Saves the access new users start with, over `version`; users already in the account
/// keep theirs.
#[server(prefix = "/api", endpoint = "save_default_access", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn save_default_access(
    settings: DefaultAccess,
    version: i64,
) -> Result<Versioned<DefaultAccess>, AppError> {
    use crate::auth::principal::{SettingsManage, current_principal};
    let grant = current_principal()?.grant::<SettingsManage>()?;
    let state = crate::state::app_state()?;
    let change = Versioned { settings, version };
    store::save(&state.db, &grant, change, state.clock.now()).await
}

/// Saves how people of the account's domains may join, over `version`.
#[server(prefix = "/api", endpoint = "save_self_sign_up", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn save_self_sign_up(
    settings: SelfSignUp,
    version: i64,
) -> Result<Versioned<SelfSignUp>, AppError> {
    use crate::auth::principal::{SettingsManage, current_principal};
    let grant = current_principal()?.grant::<SettingsManage>()?;
    let state = crate::state::app_state()?;
    let change = Versioned { settings, version };
    store::save(&state.db, &grant, change, state.clock.now()).await
}

/// Adds `domain` to the account's domains; answers them all. A public e-mail
/// provider's domain is 400; one that belongs to an account already is 409.
#[server(prefix = "/api", endpoint = "add_account_domain", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn add_account_domain(domain: String) -> Result<AccountDomains, AppError> {
    use crate::auth::principal::{SettingsManage, current_principal};
    let grant = current_principal()?.grant::<SettingsManage>()?;
    let domain = sign_up::AccountDomain::parse(&domain)?;
    let state = crate::state::app_state()?;
    store::add_domain(&state.db, &grant, &domain, state.clock.now()).await
}

/// Takes `domain` off the account's domains; answers the rest. 400 for what is not a
/// domain an account may have, 404 when the account has no such added domain.
#[server(prefix = "/api", endpoint = "remove_account_domain", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn remove_account_domain(domain: String) -> Result<AccountDomains, AppError> {
    use crate::auth::principal::{SettingsManage, current_principal};
    let grant = current_principal()?.grant::<SettingsManage>()?;
    let domain = sign_up::AccountDomain::parse(&domain)?;
    let state = crate::state::app_state()?;
    store::remove_domain(&state.db, &grant, domain.as_str(), state.clock.now()).await
}

/// Saves the profile-field policy as a new version over `version`; a save over a newer
/// one is 409. Each user sees it from their next sign-in.
#[server(prefix = "/api", endpoint = "save_profile_fields", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn save_profile_fields(
    settings: ProfilePolicy,
    version: i64,
) -> Result<Versioned<ProfilePolicy>, AppError> {
    use crate::auth::principal::{SettingsManage, current_principal};
    let grant = current_principal()?.grant::<SettingsManage>()?;
    let policy = settings.parse()?;
    let state = crate::state::app_state()?;
    profile_fields::store::save_policy(&state.db, &grant, &policy, version, state.clock.now()).await
}
