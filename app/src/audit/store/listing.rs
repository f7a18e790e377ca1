//! The Audit log's pages: an account's events newest first, by time then id, under the
//! filters of the query, each filter served by its own index.

use crate::audit::query::{AuditCursor, AuditPosition, AuditQuery, PAGE_SIZE};
use crate::audit::{AuditAction, AuditEntry, AuditPage, FieldChange};
use crate::auth::principal::{AuditRead, Grant};
use crate::db::Db;
use crate::db::sql::Sql;
use crate::domain::UserId;
use crate::error::AppError;
use serde_json::{Map, Value};

/// One stored event.
#[derive(sqlx::FromRow)]
struct EventRecord {
    id: i64,
    created_at: i64,
    actor_id: Option<i64>,
    actor_label: String,
    actor_addr: Option<String>,
    #[sqlx(try_from = "String")]
    action: AuditAction,
    target: String,
    before_value: Option<String>,
    after_value: Option<String>,
}

impl EventRecord {
    fn cursor(&self) -> AuditCursor {
        AuditCursor {
            at: self.created_at,
            id: self.id,
        }
    }

    fn into_entry(self) -> AuditEntry {
        AuditEntry {
            id: self.id,
            at: self.created_at,
            actor_id: self.actor_id.and_then(UserId::parse),
            actor_email: self.actor_label,
            actor_addr: self.actor_addr,
            action: self.action,
            target: self.target,
            changes: changes(self.before_value.as_deref(), self.after_value.as_deref()),
        }
    }
}

/// The fields whose values differ between two stored JSON objects, by name.
fn changes(before: Option<&str>, after: Option<&str>) -> Vec<FieldChange> {
    let object = |json: Option<&str>| -> Map<String, Value> {
        json.and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_default()
    };
    let (before, after) = (object(before), object(after));
    let text = |value: Option<&Value>| {
        value.map(|value| match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
    };
    let mut fields: Vec<&String> = before.keys().collect();
    fields.extend(after.keys().filter(|key| !before.contains_key(*key)));
    fields
        .into_iter()
        .filter(|field| before.get(*field) != after.get(*field))
        .map(|field| FieldChange {
            field: field.clone(),
            before: text(before.get(field)),
            after: text(after.get(field)),
        })
        .collect()
}

/// One page of the account's events, newest first.
#[tracing::instrument(skip_all, err, fields(account = %grant.account_id()))]
pub async fn list_events(
    db: &Db,
    grant: &Grant<AuditRead>,
    query: &AuditQuery,
) -> Result<AuditPage, AppError> {
    let size = PAGE_SIZE as usize;
    let newest = || async {
        let mut rows = fetch(db, grant, query, None).await?;
        let more = rows.len() > size;
        rows.truncate(size);
        Ok::<_, AppError>((rows, false, more))
    };
    let (rows, has_newer, has_older) = match query.position {
        AuditPosition::Newest => newest().await?,
        AuditPosition::After(cursor) => {
            let mut rows = fetch(db, grant, query, Some((cursor, Older))).await?;
            let more = rows.len() > size;
            rows.truncate(size);
            (rows, true, more)
        }
        AuditPosition::Before(cursor) => {
            let mut rows = fetch(db, grant, query, Some((cursor, Newer))).await?;
            if rows.len() > size {
                rows.truncate(size);
                rows.reverse();
                (rows, true, true)
            } else {
                // Fewer events than a page are newer than the cursor: the newest page.
                newest().await?
            }
        }
    };
    let prev = has_newer
        .then(|| rows.first().map(|row| row.cursor().encode()))
        .flatten();
    let next = has_older
        .then(|| rows.last().map(|row| row.cursor().encode()))
        .flatten();
    Ok(AuditPage {
        entries: rows.into_iter().map(EventRecord::into_entry).collect(),
        is_first_page: !has_newer,
        prev,
        next,
    })
}

/// Which way from a cursor a page runs.
#[derive(Clone, Copy)]
enum Direction {
    Older,
    Newer,
}
use Direction::{Newer, Older};

/// Up to a page and one events past `from` (or from the newest), nearest first.
async fn fetch(
    db: &Db,
    grant: &Grant<AuditRead>,
    query: &AuditQuery,
    from: Option<(AuditCursor, Direction)>,
) -> Result<Vec<EventRecord>, AppError> {
    let mut sql = Sql::new(
        "SELECT e.id, e.created_at, e.actor_id, e.actor_label, e.actor_addr, e.action, \
         e.target, e.before_value, e.after_value FROM audit_events e WHERE e.account_id = ",
    );
    let account = sql.int(grant.account_id().get());
    sql.push(&account);
    if let Some(actor) = &query.actor {
        let actor = sql.text(actor.as_str());
        sql.push(&format!(" AND e.actor_label = {actor}"));
    }
    if let Some(user) = &query.user {
        let user = sql.text(user.as_str());
        sql.push(&format!(
            " AND e.target_type = 'user' AND e.target = {user}"
        ));
    }
    if let Some(action) = query.action {
        let action = sql.text(action.key());
        sql.push(&format!(" AND e.action = {action}"));
    }
    if let Some(since) = query.since {
        let since = sql.int(since);
        sql.push(&format!(" AND e.created_at >= {since}"));
    }
    if let Some(until) = query.until {
        let until = sql.int(until);
        sql.push(&format!(" AND e.created_at < {until}"));
    }
    let order = match from {
        Some((cursor, direction)) => {
            let (comparison, order) = match direction {
                Older => ("<", "DESC"),
                Newer => (">", "ASC"),
            };
            let (at, id) = (sql.int(cursor.at), sql.int(cursor.id));
            sql.push(&format!(
                " AND (e.created_at, e.id) {comparison} ({at}, {id})"
            ));
            order
        }
        None => "DESC",
    };
    let limit = sql.int(i64::from(PAGE_SIZE) + 1);
    sql.push(&format!(
        " ORDER BY e.created_at {order}, e.id {order} LIMIT {limit}"
    ));
    Ok(sql.query_as().fetch_all(db.pool()).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_lists_only_the_fields_that_differ() {
        let changes = changes(
            Some(r#"{"status":"active","email":"a@example.com"}"#),
            Some(r#"{"status":"suspended","email":"a@example.com","version":2}"#),
        );
        let fields: Vec<(&str, Option<&str>, Option<&str>)> = changes
            .iter()
            .map(|change| {
                (
                    change.field.as_str(),
                    change.before.as_deref(),
                    change.after.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            fields,
            vec![
                ("status", Some("active"), Some("suspended")),
                ("version", None, Some("2")),
            ]
        );
    }

    #[test]
    fn a_deletion_shows_every_field_it_removed() {
        let changes = changes(Some(r#"{"email":"a@example.com"}"#), None);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].after, None);
    }
}
