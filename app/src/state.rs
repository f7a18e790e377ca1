//! The state every server function and page render reaches through one accessor.

use crate::clock::Clock;
use crate::db::Db;
use crate::error::AppError;
use leptos::prelude::use_context;
use std::sync::Arc;

/// What the server shares with every request.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    /// Mark cookies `Secure`: true when the console is served over https.
    pub secure_cookies: bool,
}

/// The state provided to this request.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState was not provided to this request");
        AppError::Internal
    })
}

/// The path prefix of every server function.
pub const SERVER_FN_PREFIX: &str = "/api/";

fn is_server_fn_call() -> bool {
    use_context::<http::request::Parts>()
        .is_some_and(|parts| parts.uri.path().starts_with(SERVER_FN_PREFIX))
}

/// Sets the HTTP status of a server function's response from its result, so a refused
/// call is a 4xx for scripts as well as for the browser. A page render that calls the
/// function directly keeps its own status (a redirect to sign-in, say).
pub fn answer<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result
        && is_server_fn_call()
        && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
    {
        let status = http::StatusCode::from_u16(error.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        response.set_status(status);
    }
    result
}

/// The headers of the request being served.
pub fn request_headers() -> Result<http::HeaderMap, AppError> {
    use_context::<http::request::Parts>()
        .map(|parts| parts.headers)
        .ok_or_else(|| {
            tracing::error!("request parts were not provided to this request");
            AppError::Internal
        })
}
