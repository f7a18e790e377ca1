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

/// The request being served: its headers, and the extensions the server's middleware
/// added (the `Principal`, the client's address).
pub fn request_parts() -> Result<http::request::Parts, AppError> {
    use_context::<http::request::Parts>().ok_or_else(|| {
        tracing::error!("request parts were not provided to this request");
        AppError::Internal
    })
}
