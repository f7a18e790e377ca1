//! Writing audit events, many per statement, inside the caller's transaction; reading
//! them back for the Audit log (`listing`).

mod listing;

pub use listing::list_events;

use super::AuditAction;
use crate::auth::principal::Actor;
use crate::db::sql::{Sql, chunks};
use crate::domain::{AccessRequestId, AccountId, AppId, GroupId, RoleId, UserId};
use crate::error::AppError;
use sqlx::{Any, Transaction};

/// The object an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditTarget {
    User(UserId),
    App(AppId),
    Group(GroupId),
    /// The account itself: its settings.
    Account(AccountId),
    /// A request to join, rejected before its person became a user.
    AccessRequest(AccessRequestId),
    Role(RoleId),
}

impl AuditTarget {
    fn kind(self) -> &'static str {
        match self {
            Self::User(_) => "user",
            Self::App(_) => "app",
            Self::Group(_) => "group",
            Self::Account(_) => "account",
            Self::AccessRequest(_) => "access_request",
            Self::Role(_) => "role",
        }
    }

    fn id(self) -> i64 {
        match self {
            Self::User(id) => id.get(),
            Self::App(id) => id.get(),
            Self::Group(id) => id.get(),
            Self::Account(id) => id.get(),
            Self::AccessRequest(id) => id.get(),
            Self::Role(id) => id.get(),
        }
    }
}

/// One audited change.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub action: AuditAction,
    pub target: AuditTarget,
    /// How a person reads the target, as it was at the time (e.g. the user's e-mail).
    pub target_label: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Columns of one event row.
const COLUMNS: [&str; 11] = [
    "account_id",
    "actor_id",
    "actor_label",
    "actor_addr",
    "action",
    "target_type",
    "target_id",
    "target",
    "before_value",
    "after_value",
    "created_at",
];

/// Records `events`, all done by `actor` at `now`, in `tx`.
pub async fn record(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    now: i64,
    events: &[AuditEvent],
) -> Result<(), AppError> {
    for chunk in chunks(events, COLUMNS.len()) {
        let mut sql = Sql::new(&format!(
            "INSERT INTO audit_events ({}) VALUES ",
            COLUMNS.join(", ")
        ));
        let rows: Vec<String> = chunk
            .iter()
            .map(|event| {
                let json = |value: &Option<serde_json::Value>| {
                    value.as_ref().map(serde_json::Value::to_string)
                };
                let values = [
                    sql.int(actor.account_id.get()),
                    sql.int(actor.user_id.get()),
                    sql.text(actor.email.as_str()),
                    sql.optional_text(actor.addr.map(|addr| addr.to_string()).as_deref()),
                    sql.text(event.action.key()),
                    sql.text(event.target.kind()),
                    sql.int(event.target.id()),
                    sql.text(&event.target_label),
                    sql.optional_text(json(&event.before).as_deref()),
                    sql.optional_text(json(&event.after).as_deref()),
                    sql.int(now),
                ];
                format!("({})", values.join(", "))
            })
            .collect();
        sql.push(&rows.join(", "));
        sql.query().execute(&mut **tx).await?;
    }
    Ok(())
}
