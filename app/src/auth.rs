//! Signing in and out of the console, and who is signed in. Server-only parts:
//! `principal` (who a request is and what they may do), `session`, `password`,
//! `sign_in` with its second step `sign_in_code` and the choice between several accounts
//! `account_choice`, `access` and `return_path`; password resets by e-mail in `reset`;
//! the sign-in pages and the password reset pages are in `ui`.

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod account_choice;
#[cfg(feature = "ssr")]
pub mod attempts;
#[cfg(feature = "ssr")]
pub mod link_token;
#[cfg(feature = "ssr")]
pub mod lockout;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod principal;
pub mod reset;
#[cfg(feature = "ssr")]
pub mod return_path;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod sign_in;
#[cfg(feature = "ssr")]
pub mod sign_in_code;
pub mod ui;

use crate::domain::{Email, Permission, PermissionSet};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in admin, as the console header shows them; the console enables exactly
/// the controls their permissions allow (the server refuses the rest anyway).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminSession {
    pub user_id: crate::domain::UserId,
    /// When their profile picture last changed, if they have one.
    pub picture_at: Option<i64>,
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub role_name: String,
    pub is_primary_admin: bool,
    pub permissions: PermissionSet,
    /// The account this session works in.
    pub account_name: String,
    /// Whether their e-mail is a user of other accounts too (the header offers a switch).
    pub has_other_accounts: bool,
}

/// One account a sign-in may go on in, named because the password opened it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountChoice {
    /// The person's user in that account.
    pub user: crate::domain::UserId,
    pub account: String,
    pub is_default: bool,
}

/// What a choice of account offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountOffer {
    /// The accounts the password opened, by name.
    pub accounts: Vec<AccountChoice>,
    /// Whether the e-mail has other accounts, reached with their own password.
    pub others: bool,
}

impl AdminSession {
    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(permission)
    }
}

#[cfg(feature = "ssr")]
fn set_cookie(value: &str) -> Result<(), AppError> {
    let response = use_context::<leptos_axum::ResponseOptions>().ok_or(AppError::Internal)?;
    let value = http::HeaderValue::from_str(value).map_err(|_| AppError::Internal)?;
    response.append_header(http::header::SET_COOKIE, value);
    Ok(())
}

/// Removes the session cookie from the browser (its session has ended).
#[cfg(feature = "ssr")]
pub(crate) fn clear_session_cookie(secure: bool) -> Result<(), AppError> {
    set_cookie(&session::SessionToken::removal_cookie(secure))
}

/// The address a request came from, as the server saw it.
#[cfg(feature = "ssr")]
fn client_addr(parts: &http::request::Parts) -> Option<std::net::IpAddr> {
    parts
        .extensions
        .get::<principal::ClientAddr>()
        .map(|addr| addr.0)
}

/// Where a sign-in lands: `next` when it is a path of this site and the person reaches
/// the console, else their home.
#[cfg(feature = "ssr")]
pub fn landing(access: access::Access, next: Option<&str>) -> String {
    match access {
        access::Access::Console => return_path::safe_return_path(next),
        member => member.home().to_owned(),
    }
}

/// Signs in with e-mail and password, sets the session cookie, and returns to `next`
/// when it is a path of this site. `admin` marks the admins' sign-in page
/// (`/login/admin`): only admins get in there, also while SSO is on; elsewhere, nobody
/// of an account with SSO on. When the account asks this person for a second
/// factor, no session starts: a code is e-mailed and the browser goes to the page that
/// asks for it, holding only the challenge's cookie.
#[server(prefix = "/api", endpoint = "login")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn login(
    email: String,
    password: String,
    next: Option<String>,
    admin: Option<bool>,
) -> Result<(), AppError> {
    use crate::state::{app_state, request_parts};
    let state = app_state()?;
    let parts = request_parts()?;
    let ip = client_addr(&parts);
    state.attempts.check(ip)?;
    let email = Email::parse(&email).map_err(|_| AppError::InvalidCredentials)?;
    if password.len() > password::MAX_PASSWORD_LEN {
        return Err(AppError::InvalidCredentials);
    }
    let client = session::Client::of_request(&parts.headers, ip);
    let locale = crate::console::language::request_locale();
    let door = if admin.unwrap_or(false) {
        sign_in::Door::AdminsOnly
    } else {
        sign_in::Door::Everyone
    };
    let signed_in = sign_in::sign_in(
        &state.db,
        &email,
        password,
        door,
        &client,
        locale,
        state.clock.now(),
    )
    .await
    .inspect_err(|_| tracing::info!(email = %email, "sign-in refused"))?;
    tracing::info!(email = %email, "password right");
    go_on(signed_in, next.as_deref(), state.secure_cookies)
}

/// Where a sign-in whose password was right goes: into the console with its session,
/// to the page that asks for the second factor, or to the choice of account.
#[cfg(feature = "ssr")]
fn go_on(signed_in: sign_in::SignedIn, next: Option<&str>, secure: bool) -> Result<(), AppError> {
    use sign_in::SignedIn;
    match signed_in {
        SignedIn::Session(token, access) => {
            set_cookie(&token.cookie(secure))?;
            tracing::info!(?access, "signed in");
            leptos_axum::redirect(&landing(access, next));
        }
        SignedIn::CodeAsked(challenge, step) => {
            set_cookie(&sign_in_code::challenge_cookie(Some(&challenge), secure))?;
            tracing::info!(?step, "sign-in code asked");
            let page = match step {
                sign_in_code::SecondStep::EmailedCode => CodePage::Sent,
                sign_in_code::SecondStep::App => CodePage::FromApp,
            };
            leptos_axum::redirect(&code_page(next, page));
        }
        SignedIn::ChooseAccount(choice) => {
            set_cookie(&account_choice::choice_cookie(Some(&choice), secure))?;
            tracing::info!("account to choose");
            leptos_axum::redirect(&with_next(ui::CHOOSE_ACCOUNT_PATH, next));
        }
    }
    Ok(())
}

/// `path`, with where the sign-in returns to.
#[cfg(feature = "ssr")]
fn with_next(path: &str, next: Option<&str>) -> String {
    match next.filter(|next| !next.is_empty()) {
        Some(next) => {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            format!("{path}?{}", query.append_pair("next", next).finish())
        }
        None => path.to_owned(),
    }
}

/// What the page that asks for the code says of where it comes from.
#[cfg(feature = "ssr")]
enum CodePage {
    Sent,
    Resent,
    FromApp,
}

/// The page that asks for the code, keeping where the sign-in returns to.
#[cfg(feature = "ssr")]
fn code_page(next: Option<&str>, page: CodePage) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(next) = next.filter(|next| !next.is_empty()) {
        query.append_pair("next", next);
    }
    match page {
        CodePage::Sent => {}
        CodePage::Resent => {
            query.append_pair("resent", "1");
        }
        CodePage::FromApp => {
            query.append_pair("app", "1");
        }
    }
    match query.finish() {
        query if query.is_empty() => "/login/code".to_owned(),
        query => format!("/login/code?{query}"),
    }
}

/// The second step of a two-factor sign-in: the code from the e-mail or the app (or a
/// recovery code). The right code starts the session, clears the challenge's cookie and
/// lands as a sign-in does; a wrong, spent or expired one is 401, all alike (409 when
/// the server lost the key that opens authenticator apps' secrets).
#[server(prefix = "/api", endpoint = "login_code")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn confirm_sign_in_code(code: String, next: Option<String>) -> Result<(), AppError> {
    use crate::state::{app_state, request_parts};
    let state = app_state()?;
    let parts = request_parts()?;
    let ip = client_addr(&parts);
    state.attempts.check(ip)?;
    let challenge = session::token_cookie(
        &parts.headers,
        sign_in_code::challenge_cookie_name(state.secure_cookies),
    )
    .ok_or(AppError::WrongCode)?;
    let client = session::Client::of_request(&parts.headers, ip);
    let locale = crate::console::language::request_locale();
    let (token, access) = sign_in_code::confirm(
        &state.db,
        &challenge,
        &code,
        state.secret_key.as_ref(),
        &client,
        locale,
        state.clock.now(),
    )
    .await?;
    set_cookie(&sign_in_code::challenge_cookie(None, state.secure_cookies))?;
    set_cookie(&token.cookie(state.secure_cookies))?;
    tracing::info!(?access, "signed in with a code");
    leptos_axum::redirect(&landing(access, next.as_deref()));
    Ok(())
}

/// E-mails a new code for the sign-in under way; the old code stops working.
#[server(prefix = "/api", endpoint = "resend_sign_in_code")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn resend_sign_in_code(next: Option<String>) -> Result<(), AppError> {
    use crate::state::{app_state, request_parts};
    let state = app_state()?;
    let parts = request_parts()?;
    state.attempts.check(client_addr(&parts))?;
    let challenge = session::token_cookie(
        &parts.headers,
        sign_in_code::challenge_cookie_name(state.secure_cookies),
    )
    .ok_or(AppError::WrongCode)?;
    let locale = crate::console::language::request_locale();
    sign_in_code::resend(&state.db, &challenge, locale, state.clock.now()).await?;
    leptos_axum::redirect(&code_page(next.as_deref(), CodePage::Resent));
    Ok(())
}

/// The accounts the sign-in under way may go on in, when its password opened several or
/// the person switches account; 401 without a live choice.
#[server(prefix = "/api", endpoint = "account_choices", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn account_choices() -> Result<AccountOffer, AppError> {
    use crate::state::{app_state, request_parts};
    let state = app_state()?;
    let parts = request_parts()?;
    let name = account_choice::choice_cookie_name(state.secure_cookies);
    let choice = session::token_cookie(&parts.headers, name).ok_or(AppError::Unauthenticated)?;
    account_choice::offered(&state.db, &choice, state.clock.now()).await
}

/// Goes on with the sign-in under way: `account` is the user id of an account the
/// choice names (400 for another), or `another` with that account's `password` (400
/// when it opens none of the e-mail's other accounts); 401 once the choice is used or
/// expired. `make_default` (a checkbox) signs in there without asking from then on.
/// The second factor follows if that account asks one.
#[server(prefix = "/api", endpoint = "choose_account")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn choose_account(
    account: String,
    password: Option<String>,
    make_default: Option<String>,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::state::{app_state, request_parts};
    let state = app_state()?;
    let parts = request_parts()?;
    let ip = client_addr(&parts);
    state.attempts.check(ip)?;
    let name = account_choice::choice_cookie_name(state.secure_cookies);
    let choice = session::token_cookie(&parts.headers, name).ok_or(AppError::Unauthenticated)?;
    let chosen = if account == ANOTHER_ACCOUNT {
        let password =
            password
                .filter(|password| !password.is_empty())
                .ok_or(AppError::invalid(
                    "password",
                    crate::error::Problem::Required,
                ))?;
        if password.len() > password::MAX_PASSWORD_LEN {
            let problem = crate::error::Problem::NotYourPassword;
            return Err(AppError::invalid("password", problem));
        }
        account_choice::Chosen::Another(password)
    } else {
        let id = account.parse().map_err(|_| {
            let problem = crate::error::Problem::NotAnId { value: 0 };
            AppError::invalid("account", problem)
        })?;
        account_choice::Chosen::Named(crate::domain::ids::request_id("account", id)?)
    };
    let client = session::Client::of_request(&parts.headers, ip);
    let signed_in = account_choice::choose(
        &state.db,
        &choice,
        (chosen, make_default.is_some()),
        &client,
        crate::console::language::request_locale(),
        state.clock.now(),
    )
    .await?;
    set_cookie(&account_choice::choice_cookie(None, state.secure_cookies))?;
    go_on(signed_in, next.as_deref(), state.secure_cookies)
}

/// "Switch account": opens the choice of the signed-in person's other accounts, each
/// with its own password, and goes to it. This session ends once an account is chosen;
/// until then, it goes on.
#[server(prefix = "/api", endpoint = "switch_account")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn switch_account() -> Result<(), AppError> {
    let principal = principal::current_principal()?;
    let state = crate::state::app_state()?;
    let principal::Authentication::SessionCookie { id, .. } = principal.authentication();
    let user = principal.user_id();
    let now = state.clock.now();
    let choice = account_choice::open(&state.db, &[], user, Some(id), now).await?;
    set_cookie(&account_choice::choice_cookie(
        Some(&choice),
        state.secure_cookies,
    ))?;
    leptos_axum::redirect(ui::CHOOSE_ACCOUNT_PATH);
    Ok(())
}

/// The value of `account` that chooses another account by its password.
pub const ANOTHER_ACCOUNT: &str = "another";

/// Ends this request's session at once and clears the cookie.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::state::{app_state, request_parts};
    let state = app_state()?;
    let parts = request_parts()?;
    if let Some(token) = session::SessionToken::from_headers(&parts.headers, state.secure_cookies) {
        let addr = client_addr(&parts);
        session::end_session(&state.db, &token, addr, state.clock.now()).await?;
    }
    clear_session_cookie(state.secure_cookies)?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// The seconds this session has left unless it is active again. Asking is not
/// activity: the server does not count this request as the person's.
#[server(prefix = "/api", endpoint = "session_time_left", input = leptos::server_fn::codec::GetUrl)]
pub async fn session_time_left() -> Result<i64, AppError> {
    let ends_at = principal::current_principal()?.session_ends_at();
    Ok(ends_at - crate::state::app_state()?.clock.now())
}

/// "Stay signed in": counts as activity at once, and answers the seconds the session
/// has left now.
#[server(prefix = "/api", endpoint = "stay_signed_in")]
pub async fn stay_signed_in() -> Result<i64, AppError> {
    let ends_at = principal::current_principal()?.session_ends_at();
    Ok(ends_at - crate::state::app_state()?.clock.now())
}

/// Gives the signed-in person's password again, for the changes that need a recent
/// sign-in; a wrong one is 400 and counts towards their lock.
#[server(prefix = "/api", endpoint = "confirm_password")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn confirm_password(password: String) -> Result<(), AppError> {
    use crate::state::{app_state, request_parts};
    let principal = principal::current_principal()?;
    if password.len() > password::MAX_PASSWORD_LEN {
        return Err(AppError::invalid(
            "password",
            crate::error::Problem::NotYourPassword,
        ));
    }
    let state = app_state()?;
    let parts = request_parts()?;
    let client = session::Client::of_request(&parts.headers, client_addr(&parts));
    let principal::Authentication::SessionCookie { id, .. } = principal.authentication();
    sign_in::confirm_password(
        &state.db,
        principal.user_id(),
        id,
        password,
        &client,
        crate::console::language::request_locale(),
        state.clock.now(),
    )
    .await
}

/// Who is signed in, and what they may do; 403 for a member, who has no console.
#[server(prefix = "/api", endpoint = "current_admin", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn current_admin() -> Result<AdminSession, AppError> {
    let principal = principal::current_principal()?;
    if !principal.is_admin() {
        return Err(AppError::Forbidden {
            denied: crate::error::Denied::NotAnAdmin,
        });
    }
    let profile = principal.profile();
    let state = crate::state::app_state()?;
    let (account_name, others): (String, i64) = sqlx::query_as(
        "SELECT a.name, (SELECT COUNT(*) FROM users o
                         WHERE o.email = u.email AND o.id <> u.id AND o.status = $2
                             AND o.password_hash IS NOT NULL)
         FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = $1",
    )
    .bind(principal.user_id())
    .bind(crate::domain::UserStatus::Active.code())
    .fetch_one(state.db.pool())
    .await?;
    Ok(AdminSession {
        user_id: principal.user_id(),
        picture_at: profile.picture_at,
        first_name: profile.first_name.clone(),
        last_name: profile.last_name.clone(),
        email: profile.email.clone(),
        role_name: profile.role_name.clone(),
        is_primary_admin: principal.is_primary_admin(),
        permissions: principal.permissions().clone(),
        account_name,
        has_other_accounts: others > 0,
    })
}
