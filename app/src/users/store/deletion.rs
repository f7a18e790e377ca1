//! Delete Selected's facts and changes: the store reads what it needs to know about the
//! selected users, lets `users::deletion::decide_deletion` choose, then deletes and
//! audits in the same transaction.

use super::selection::{Selected, fetch_selected};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::principal::{Grant, UsersDelete};
use crate::db::Db;
use crate::db::sql::{Flag, Sql, chunks};
use crate::domain::{AccountId, Email, UserId, UserStatus};
use crate::error::{AppError, Clash};
use crate::users::deletion::{DeleteReport, DeletionCandidate, decide_deletion};
use crate::users::selection::UserIds;
use sqlx::{Any, Transaction};
use std::collections::BTreeMap;

/// A selected user as stored: what the decision and the audit trail need.
#[derive(sqlx::FromRow)]
struct Doomed {
    id: UserId,
    #[sqlx(try_from = "String")]
    email: Email,
    first_name: String,
    last_name: String,
    #[sqlx(try_from = "i64")]
    status: UserStatus,
    #[sqlx(try_from = "i64")]
    is_primary_admin: Flag,
}

impl Selected for Doomed {
    const COLUMNS: &'static str = "id, email, first_name, last_name, status, is_primary_admin";
    fn id(&self) -> UserId {
        self.id
    }
}

/// Deletes the selected users of the grant's account in one transaction, keeping app
/// owners, the acting admin and the Primary Admin. Unknown ids (including those of
/// another account) refuse the whole request and change nothing.
#[tracing::instrument(skip_all, err, fields(account = %grant.account_id(), selected = ids.as_slice().len()))]
pub async fn delete_users(
    db: &Db,
    grant: &Grant<UsersDelete>,
    ids: &UserIds,
    now: i64,
) -> Result<DeleteReport, AppError> {
    let account_id = grant.account_id();
    let mut tx = db.write().await?;

    let selected = fetch_selected::<Doomed>(&mut tx, db.backend(), account_id, ids).await?;
    let mut owned = fetch_owned_apps(&mut tx, account_id, ids).await?;
    let candidates = selected
        .values()
        .map(|user| DeletionCandidate {
            id: user.id,
            email: user.email.clone(),
            is_primary_admin: user.is_primary_admin.into(),
            owned_apps: owned.remove(&user.id).unwrap_or_default(),
        })
        .collect();
    let report = decide_deletion(grant.actor_id(), candidates);

    for chunk in chunks(&report.deleted, 1) {
        let mut sql = Sql::new("DELETE FROM users WHERE account_id = ");
        let account = sql.int(account_id.get());
        let list = sql.int_list(chunk.iter().map(|id| id.get()));
        sql.push(&format!("{account} AND id IN {list}"));
        sql.query().execute(&mut *tx).await.map_err(owner_race)?;
    }
    let events: Vec<AuditEvent> = report
        .deleted
        .iter()
        .filter_map(|id| selected.get(id))
        .map(|user| AuditEvent {
            action: AuditAction::UserDeleted,
            target: AuditTarget::User(user.id),
            target_label: user.email.to_string(),
            before: Some(serde_json::json!({
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "status": user.status.slug(),
            })),
            after: None,
        })
        .collect();
    audit::record(&mut tx, grant.actor(), now, &events).await?;
    tx.commit().await?;
    tracing::info!(
        deleted = report.deleted.len(),
        kept = report.kept.len(),
        "users deleted"
    );
    Ok(report)
}

/// The names of the apps each selected user owns, in name order.
async fn fetch_owned_apps(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    ids: &UserIds,
) -> Result<BTreeMap<UserId, Vec<String>>, AppError> {
    let mut owned: BTreeMap<UserId, Vec<String>> = BTreeMap::new();
    for chunk in chunks(ids.as_slice(), 1) {
        let mut sql = Sql::new("SELECT owner_id, name FROM apps WHERE account_id = ");
        let account = sql.int(account_id.get());
        let list = sql.int_list(chunk.iter().map(|id| id.get()));
        sql.push(&format!("{account} AND owner_id IN {list} ORDER BY name"));
        let rows: Vec<(UserId, String)> = sql.query_as().fetch_all(&mut **tx).await?;
        for (owner, name) in rows {
            owned.entry(owner).or_default().push(name);
        }
    }
    Ok(owned)
}

/// A foreign-key refusal while deleting means a user became an app owner meanwhile.
fn owner_race(error: sqlx::Error) -> AppError {
    let is_constraint = error
        .as_database_error()
        .is_some_and(|db_error| db_error.is_foreign_key_violation());
    if is_constraint {
        AppError::Conflict {
            clash: Clash::BecameAppOwner,
        }
    } else {
        AppError::from(error)
    }
}
