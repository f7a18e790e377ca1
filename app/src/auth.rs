//! Signing in and out of the console, and who is signed in.

#[cfg(feature = "ssr")]
pub mod grant;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod sign_in;

use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// The signed-in admin, as the console header shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminSummary {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role_name: String,
    pub is_primary_admin: bool,
    /// The console disables its delete controls when false; the server refuses anyway.
    pub can_delete_users: bool,
}

/// The path to return to after signing in: a local path only, never another site.
pub fn safe_return_path(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/users".to_owned(),
    }
}

/// The admin behind this request's session, or Unauthenticated.
#[cfg(feature = "ssr")]
pub async fn require_admin() -> Result<(crate::state::AppState, session::Admin), AppError> {
    let state = crate::state::app_state()?;
    let headers = crate::state::request_headers()?;
    let token = session::SessionToken::from_headers(&headers).ok_or(AppError::Unauthenticated)?;
    let admin = session::resume_session(&state.db, &token, state.clock.now()).await?;
    Ok((state, admin))
}

#[cfg(feature = "ssr")]
fn set_cookie(value: &str) -> Result<(), AppError> {
    let response = use_context::<leptos_axum::ResponseOptions>().ok_or(AppError::Internal)?;
    let value = http::HeaderValue::from_str(value).map_err(|_| AppError::Internal)?;
    response.append_header(http::header::SET_COOKIE, value);
    Ok(())
}

/// Signs in with e-mail and password and sets the session cookie.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::email::Email;
    use crate::state::{app_state, request_headers};
    let state = app_state()?;
    let email = Email::parse(&email).map_err(|_| AppError::InvalidCredentials)?;
    if password.len() > password::MAX_PASSWORD_LEN {
        return Err(AppError::InvalidCredentials);
    }
    let headers = request_headers()?;
    let user_agent = headers
        .get(http::header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let token =
        sign_in::sign_in(&state.db, &email, password, user_agent, state.clock.now()).await?;
    set_cookie(&token.cookie(state.secure_cookies))?;
    tracing::info!(email = %email, "admin signed in");
    leptos_axum::redirect(&safe_return_path(next.as_deref()));
    Ok(())
}

/// Ends this request's session at once and clears the cookie.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::state::{app_state, request_headers};
    let state = app_state()?;
    if let Some(token) = session::SessionToken::from_headers(&request_headers()?) {
        session::end_session(&state.db, &token).await?;
    }
    set_cookie(&session::SessionToken::removal_cookie(state.secure_cookies))?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// Who is signed in.
#[server(prefix = "/api", endpoint = "current_admin", input = leptos::server_fn::codec::GetUrl)]
pub async fn current_admin() -> Result<AdminSummary, AppError> {
    let (_, admin) = require_admin().await?;
    let can_delete_users = admin.grant::<grant::UsersDelete>().is_ok();
    Ok(AdminSummary {
        can_delete_users,
        first_name: admin.first_name,
        last_name: admin.last_name,
        email: admin.email,
        role_name: admin.role_name,
        is_primary_admin: admin.is_primary_admin,
    })
}

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = move || {
        login
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| error.to_string())
    };
    view! {
        <main class="signin">
            <div class="signin-card">
                <div class="brand brand-large">
                    <span class="brand-mark" aria-hidden="true">"R"</span>
                    <span>"Roster"</span>
                </div>
                <h1>"Sign in to the Admin Console"</h1>
                <ActionForm action=login attr:class="stack">
                    <label for="email">"E-mail"</label>
                    <input
                        id="email"
                        type="email"
                        name="email"
                        autocomplete="username"
                        required
                        autofocus
                        maxlength="254"
                    />
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                        maxlength="1024"
                    />
                    <input type="hidden" name="next" value=next />
                    {move || {
                        error()
                            .map(|message| {
                                view! {
                                    <p class="form-error" role="alert">
                                        {message}
                                    </p>
                                }
                            })
                    }}
                    <button class="button primary" type="submit" disabled=move || login.pending().get()>
                        {move || if login.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
                <p class="hint">"Sessions end after 15 minutes without activity."</p>
            </div>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_returned_to_after_sign_in() {
        assert_eq!(safe_return_path(Some("/users?q=ann")), "/users?q=ann");
        assert_eq!(safe_return_path(Some("//evil.example")), "/users");
        assert_eq!(safe_return_path(Some("https://evil.example")), "/users");
        assert_eq!(safe_return_path(Some("/\\evil.example")), "/users");
        assert_eq!(safe_return_path(None), "/users");
    }
}
