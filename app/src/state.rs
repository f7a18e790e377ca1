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
    /// Whether an SMTP server is configured, so the outbox is being delivered.
    pub mail_delivery: bool,
    /// Where people reach the console, for links in e-mail: `https://roster.example.com`.
    pub public_url: String,
    pub passwords: PasswordSettings,
    /// The per-address limit on sign-ins and password resets.
    pub attempts: crate::auth::attempts::AttemptLimit,
    /// The key secrets kept for third parties are sealed with; without one, SSO cannot
    /// be set up.
    pub secret_key: Option<crate::secret_box::SecretKey>,
}

/// What the server was told about new passwords and the links that set them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordSettings {
    /// The shortest new password.
    pub min_chars: usize,
    /// How long a password reset link works.
    pub reset_link_minutes: i64,
    /// How long an invitation's sign-up link works.
    pub invitation_days: i64,
}

impl Default for PasswordSettings {
    fn default() -> Self {
        Self {
            min_chars: crate::auth::password::MIN_PASSWORD_LEN,
            reset_link_minutes: 60,
            invitation_days: 7,
        }
    }
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
