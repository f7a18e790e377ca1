//! E-mail. A change that tells someone something writes its message to the outbox in
//! its own transaction (`outbox::enqueue`), so the change and its message commit
//! together or not at all; a worker delivers waiting messages over SMTP, retrying with
//! backoff (`delivery`, `smtp`); and admins read the outbox on its page (`ui`), where
//! messages wait when no SMTP server is configured (the demo's links are there).
//! The messages themselves are written from templates in `message`.

#[cfg(feature = "ssr")]
pub mod delivery;
#[cfg(feature = "ssr")]
pub mod message;
#[cfg(feature = "ssr")]
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod smtp;
pub mod ui;

use crate::domain::MailId;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailStatus {
    /// Not delivered yet: never tried, or to be tried again.
    Waiting,
    Sent,
    /// Refused for good by the SMTP server, or still failing after every retry.
    Failed,
}

impl MailStatus {
    pub const ALL: [MailStatus; 3] = [Self::Waiting, Self::Sent, Self::Failed];

    /// The stored code.
    pub const fn code(self) -> i64 {
        match self {
            Self::Waiting => 1,
            Self::Sent => 2,
            Self::Failed => 3,
        }
    }

    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.code() == code)
    }

    /// The URL and wire name: `waiting`, `sent`, `failed`.
    pub const fn slug(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.slug() == slug)
    }
}

/// One message as the Outbox page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: MailId,
    pub recipient: String,
    pub subject: String,
    pub status: MailStatus,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// Unix seconds.
    pub created_at: i64,
    pub sent_at: Option<i64>,
    /// When the next attempt is due, while the message waits.
    pub next_attempt_at: Option<i64>,
    /// What the SMTP server last answered, when an attempt failed.
    pub last_error: Option<String>,
    /// The plain-text part, until the message is delivered: it may hold a one-time link,
    /// so it is not kept after.
    pub text: Option<String>,
}

/// One page of the outbox, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxPage {
    pub entries: Vec<OutboxEntry>,
    /// The id to pass as `before` for the next (older) page, when there is one.
    pub next: Option<MailId>,
    /// Whether this server delivers mail (an SMTP server is configured); when not,
    /// messages wait here.
    pub delivering: bool,
}

/// One page of the account's outbox, newest first: `status` keeps one status
/// (`waiting`, `sent`, `failed`); `before` continues after the id a page gave as `next`.
#[server(prefix = "/api", endpoint = "list_outbox", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn list_outbox(
    status: Option<String>,
    before: Option<i64>,
) -> Result<OutboxPage, AppError> {
    use crate::auth::principal::{OutboxRead, current_principal};
    let grant = current_principal()?.grant::<OutboxRead>()?;
    let status = match status.as_deref() {
        None | Some("") => None,
        Some(slug) => Some(MailStatus::from_slug(slug).ok_or_else(|| {
            AppError::invalid(
                "status",
                crate::error::Problem::UnknownValue {
                    value: slug.to_owned(),
                    allowed: MailStatus::ALL
                        .iter()
                        .map(|status| status.slug().to_owned())
                        .collect(),
                },
            )
        })?),
    };
    let before = before
        .map(|id| crate::domain::ids::request_id::<MailId>("before", id))
        .transpose()?;
    let state = crate::state::app_state()?;
    let mut page = outbox::list(&state.db, &grant, status, before).await?;
    page.delivering = state.mail_delivery;
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_a_distinct_code_and_slug_that_name_it_again() {
        for status in MailStatus::ALL {
            assert_eq!(MailStatus::from_code(status.code()), Some(status));
            assert_eq!(MailStatus::from_slug(status.slug()), Some(status));
        }
        assert_eq!(MailStatus::from_code(0), None);
        assert_eq!(MailStatus::from_slug("queued"), None);
    }
}
