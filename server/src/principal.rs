//! Resolves each request's session once, before any handler runs, into the `Principal`
//! that server functions and page renders read; records the client's address; and
//! refuses API calls without a session before their bodies are decoded.

use crate::error_status::error_response;
use app::auth::principal::ClientAddr;
use app::auth::session::{Activity, SessionToken, resolve_session};
use app::error::AppError;
use app::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;

/// API paths anyone may call: they start or end a session (with its e-mailed code, or
/// through the SSO identity provider), choose a language, reset a forgotten password,
/// accept an invitation or ask to join.
pub const PUBLIC_API: [&str; 17] = [
    "/api/login",
    "/api/login_code",
    "/api/account_choices",
    "/api/choose_account",
    "/api/resend_sign_in_code",
    "/api/logout",
    "/api/set_language",
    "/api/request_password_reset",
    "/api/reset_link",
    "/api/reset_password",
    "/api/invitation_link",
    "/api/accept_invitation",
    "/api/request_access",
    "/api/sign_up_link",
    "/api/complete_sign_up",
    app::sso::START_PATH,
    app::sso::CALLBACK_PATH,
];

/// The look at how long a session has left and the Dashboard's live activity, which
/// must not lengthen it, and the "Stay signed in" that does.
const SESSION_TIME_LEFT: &str = "/api/session_time_left";
const ACTIVITY_STREAM: &str = "/api/activity_stream";
const STAY_SIGNED_IN: &str = "/api/stay_signed_in";

/// Paths that never need to know who asks: the site's files and the health check.
fn is_anonymous(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.svg" || path == "/healthz"
}

pub async fn resolve_principal(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if is_anonymous(&path) {
        return next.run(request).await;
    }
    let addr = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    if let Some(addr) = addr {
        request.extensions_mut().insert(ClientAddr(addr));
    }
    let mut signed_in = false;
    if let Some(token) = SessionToken::from_headers(request.headers(), state.secure_cookies) {
        let activity = match path.as_str() {
            SESSION_TIME_LEFT | ACTIVITY_STREAM => Activity::Ignored,
            STAY_SIGNED_IN => Activity::Renews,
            _ => Activity::Counts,
        };
        match resolve_session(&state.db, &token, state.clock.now(), addr, activity).await {
            Ok(principal) => {
                request.extensions_mut().insert(principal);
                signed_in = true;
            }
            Err(AppError::Unauthenticated) => {}
            Err(error) => return error_response(&error),
        }
    }
    if path.starts_with("/api/") && !signed_in && !PUBLIC_API.contains(&path.as_str()) {
        return error_response(&AppError::Unauthenticated);
    }
    next.run(request).await
}
