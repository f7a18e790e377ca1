//! The one error type of Roster: it crosses the wire to the browser intact, carries
//! its HTTP status, and never exposes an internal cause to the client.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What went wrong, in terms a client can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No valid session: the client should go to the sign-in page.
    #[error("Please sign in.")]
    Unauthenticated,
    /// Wrong e-mail or wrong password: deliberately one message for both.
    #[error("The e-mail or password is not correct.")]
    InvalidCredentials,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// A request value that does not parse; `field` names the offending input.
    #[error("{message}")]
    Validation { field: String, message: String },
    /// Something failed on the server; the cause is in the server's log only.
    #[error("Something went wrong on the server. Please try again.")]
    Internal,
    /// The request never reached the server function, or its answer was unreadable.
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthenticated | Self::InvalidCredentials => 401,
            Self::Forbidden(_) => 403,
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
            Self::Validation { .. } | Self::Transport(_) => 400,
            Self::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(detail)
            | ServerFnErrorErr::Deserialization(detail)
            | ServerFnErrorErr::Args(detail)
            | ServerFnErrorErr::MissingArg(detail)
            | ServerFnErrorErr::UnsupportedRequestMethod(detail)
            | ServerFnErrorErr::Serialization(detail) => Self::Transport(detail),
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function framework error");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                Self::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(error = %error, "database error");
        Self::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_client_mistake_is_a_4xx_and_only_internal_failures_are_5xx() {
        let client_errors = [
            AppError::Unauthenticated,
            AppError::InvalidCredentials,
            AppError::Forbidden("no".into()),
            AppError::NotFound("no".into()),
            AppError::Conflict("no".into()),
            AppError::validation("q", "bad"),
            AppError::Transport("bad".into()),
        ];
        for error in client_errors {
            assert!((400..500).contains(&error.status()), "{error:?}");
        }
        assert_eq!(AppError::Internal.status(), 500);
    }

    #[test]
    fn wrong_email_and_wrong_password_read_the_same() {
        assert_eq!(
            AppError::InvalidCredentials.to_string(),
            "The e-mail or password is not correct."
        );
    }
}
