//! The Dashboard's live activity: the account's newest audited events (sign-ins,
//! sign-outs, ended sessions, admins' changes), then each new one as it is recorded,
//! streamed by the server (`GET /api/activity_stream`, server-sent events, in the
//! `server` crate). Every replica reads the same audit table by id, so an event
//! recorded through one reaches the browsers connected to any. The SQL is in `store`
//! (server-only).

#[cfg(feature = "ssr")]
pub mod store;

use crate::audit::AuditAction;
use crate::console::areas::Area;
use crate::domain::{GroupId, RoleId, UserId};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Entries the feed starts with and keeps.
pub const SHOWN: usize = 20;

/// The object an entry is about, where the console has a page for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    User(UserId),
    Group(GroupId),
    Role(RoleId),
    /// The account's settings.
    Settings,
    /// A request to join.
    Request,
    /// An app, which has no page of its own yet.
    App,
}

impl Subject {
    /// Reads a stored target: its kind and id.
    pub fn of(kind: &str, id: i64) -> Option<Self> {
        match kind {
            "user" => UserId::parse(id).map(Self::User),
            "group" => GroupId::parse(id).map(Self::Group),
            "role" => RoleId::parse(id).map(Self::Role),
            "account" => Some(Self::Settings),
            "access_request" => Some(Self::Request),
            "app" => Some(Self::App),
            _ => None,
        }
    }

    /// The page of the subject, if it has one.
    pub fn href(self) -> Option<String> {
        match self {
            Self::User(id) => Some(format!("{}/{id}?tab=profile", Area::Users.path())),
            Self::Group(id) => Some(format!("{}/{id}", Area::Groups.path())),
            Self::Role(id) => Some(format!("{}/{id}", Area::Roles.path())),
            Self::Settings => Some(Area::UserSettings.path().to_owned()),
            Self::Request => Some(Area::Approvals.path().to_owned()),
            Self::App => None,
        }
    }
}

/// One event of the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    /// Who acted, by e-mail as it was then.
    pub actor: String,
    pub action: AuditAction,
    /// What it was about, as a person reads it.
    pub target: String,
    pub subject: Option<Subject>,
}

/// The account's `SHOWN` newest events, newest first. For admins who may read the
/// audit log.
#[server(prefix = "/api", endpoint = "recent_activity", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn recent_activity() -> Result<Vec<ActivityEntry>, AppError> {
    use crate::auth::principal::{AuditRead, current_principal};
    let grant = current_principal()?.grant::<AuditRead>()?;
    store::newest(&crate::state::app_state()?.db, &grant).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_leads_to_its_page_where_it_has_one() {
        let user = Subject::of("user", 7).unwrap();
        assert_eq!(user.href().as_deref(), Some("/users/7?tab=profile"));
        assert_eq!(
            Subject::of("role", 3).unwrap().href().as_deref(),
            Some("/roles/3")
        );
        assert_eq!(
            Subject::of("account", 1).unwrap().href().as_deref(),
            Some("/user-settings")
        );
        assert_eq!(Subject::of("app", 2).unwrap().href(), None);
        assert_eq!(Subject::of("user", 0), None);
        assert_eq!(Subject::of("elsewhere", 1), None);
    }
}
