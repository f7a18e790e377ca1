//! Enrollment > Invite: an admin invites up to five people at once, with a role and
//! groups; each becomes a Not Active user with a sign-up link by e-mail, single-use and
//! valid for `invitation_days`. The link's page asks for a name and a password, and the
//! person becomes Active. The wire types and server functions live here; the batch's
//! rules in `batch`, the SQL in `store` (server-only), the pages in `ui`.

pub mod batch;
#[cfg(feature = "ssr")]
pub mod store;
pub mod ui;

use crate::domain::UserId;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The most users one resend reaches: the grid's largest page. Each costs an e-mail,
/// written while the account's invitations wait.
pub const MAX_RESENT: usize = 100;

/// What became of one address of an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Invited {
    /// A new Not Active user, e-mailed a sign-up link.
    Invited,
    /// Someone of the account has this address already.
    AlreadyMember,
    /// Invited before and not yet signed up: their invitation can be resent.
    AlreadyInvited,
    /// Not an e-mail address.
    InvalidAddress,
}

/// One address of an invitation and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteOutcome {
    /// The address as it was typed (or as the server reads it, when it is one).
    pub email: String,
    pub result: Invited,
    /// The user it names, when there is one.
    pub user: Option<UserId>,
}

/// What the page of an invitation's link shows: who is invited, to which account, and
/// the shortest password the server takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationFor {
    pub email: String,
    pub account: String,
    pub min_chars: u32,
}

/// What an invitation may give: the account's roles, and its groups by name (the first
/// `MAX_GROUPS`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteOptions {
    pub roles: Vec<crate::users::profile::RoleChoice>,
    pub groups: Vec<crate::groups::GroupSummary>,
}

/// The roles and groups the Invite page offers.
#[server(prefix = "/api", endpoint = "invite_choices", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn invite_choices() -> Result<InviteOptions, AppError> {
    use crate::auth::principal::{UsersInvite, current_principal};
    let grant = current_principal()?.grant::<UsersInvite>()?;
    store::choices(&crate::state::app_state()?.db, &grant).await
}

/// Invites `emails` (at most five; duplicates count once) with role `role_id` into
/// `groups`. Each address gets its own result; a sixth address is 400.
#[server(prefix = "/api", endpoint = "invite_users", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn invite_users(
    emails: Vec<String>,
    role_id: i64,
    groups: Vec<i64>,
) -> Result<Vec<InviteOutcome>, AppError> {
    use crate::auth::principal::{UsersInvite, current_principal};
    let grant = current_principal()?.grant::<UsersInvite>()?;
    let batch = batch::InviteBatch::parse(&emails, role_id, &groups)?;
    let state = crate::state::app_state()?;
    let letter = store::Letter::for_request(&state);
    store::invite(&state.db, &grant, &batch, &letter, state.clock.now()).await
}

/// What a resend did: who got a new link, and who was left alone for not being Not
/// Active (they signed up already, or are suspended or locked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationsResent {
    pub resent: Vec<UserId>,
    pub not_invited: Vec<UserId>,
}

/// Whose invitation was revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRevoked {
    pub user: UserId,
}

/// Sends each Not Active user of `ids` a new sign-up link, which replaces any before it;
/// the others are reported and left alone.
#[server(prefix = "/api", endpoint = "resend_invitations", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn resend_invitations(ids: Vec<i64>) -> Result<InvitationsResent, AppError> {
    use crate::auth::principal::{UsersInvite, current_principal};
    let grant = current_principal()?.grant::<UsersInvite>()?;
    if ids.len() > MAX_RESENT {
        let max = MAX_RESENT as u32;
        return Err(AppError::invalid(
            "ids",
            crate::error::Problem::TooMany { max },
        ));
    }
    let ids = crate::users::selection::UserIds::parse(&ids)?;
    let state = crate::state::app_state()?;
    let letter = store::Letter::for_request(&state);
    store::resend(&state.db, &grant, &ids, &letter, state.clock.now()).await
}

/// Revokes the invitation of user `user`: its link stops working, and the user stays
/// Not Active, not invited. 409 for a user who is not waiting on an invitation.
#[server(prefix = "/api", endpoint = "revoke_invitation", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn revoke_invitation(user: i64) -> Result<InvitationRevoked, AppError> {
    use crate::auth::principal::{UsersInvite, current_principal};
    let grant = current_principal()?.grant::<UsersInvite>()?;
    let user = crate::domain::ids::request_id("user", user)?;
    let state = crate::state::app_state()?;
    store::revoke(&state.db, &grant, user, state.clock.now()).await?;
    Ok(InvitationRevoked { user })
}

/// Whom an invitation's link is for, while it can be used; 404 when it was used, has
/// expired, was replaced or revoked.
#[server(prefix = "/api", endpoint = "invitation_link", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn invitation_link(token: String) -> Result<InvitationFor, AppError> {
    let state = crate::state::app_state()?;
    let invited = store::invitee(&state.db, &token, state.clock.now()).await?;
    Ok(InvitationFor {
        email: invited.email.to_string(),
        account: invited.account_name,
        min_chars: state.passwords.min_chars as u32,
    })
}

/// Accepts an invitation: the person's name and password, twice. They become Active
/// and are sent to sign in.
#[server(prefix = "/api", endpoint = "accept_invitation")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn accept_invitation(
    token: String,
    first_name: String,
    last_name: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    use crate::auth::password::{check_new_password, hash_password};
    let state = crate::state::app_state()?;
    let addr = crate::auth::reset::client_addr()?;
    state.attempts.check(addr)?;
    let now = state.clock.now();
    let invited = store::invitee(&state.db, &token, now).await?;
    let name = |field: &str, value: &str| {
        crate::domain::PersonName::parse(value)
            .map_err(|error| AppError::invalid(field, crate::users::profile::name_problem(error)))
    };
    let first_name = name("first_name", &first_name)?;
    let last_name = name("last_name", &last_name)?;
    check_new_password(&password, &invited.email, state.passwords.min_chars)?;
    if password != confirm {
        return Err(AppError::invalid(
            "confirm",
            crate::error::Problem::NotTheSame,
        ));
    }
    let hash = hash_password(password).await?;
    let acceptance = store::Acceptance {
        first_name,
        last_name,
        password_hash: hash,
        addr,
        sign_in_url: format!("{}/login", state.public_url.trim_end_matches('/')),
        locale: crate::console::language::request_locale(),
    };
    store::accept(&state.db, &token, &acceptance, now).await?;
    leptos_axum::redirect("/login?invited=done");
    Ok(())
}
