//! Status changes' facts and changes: the store reads the selected users, lets
//! `users::status_change::decide_status_change` choose, then moves them, ends the
//! sessions of those who can no longer sign in, and audits, in one transaction.

use super::selection::{Selected, fetch_selected};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::principal::{Grant, UsersUpdate};
use crate::db::Db;
use crate::db::sql::{Flag, Sql, chunks};
use crate::domain::{Email, UserId, UserStatus};
use crate::error::AppError;
use crate::users::selection::UserIds;
use crate::users::status_change::{
    StatusAction, StatusCandidate, StatusReport, decide_status_change,
};

/// A selected user as stored: what the state machine and the audit trail need.
#[derive(sqlx::FromRow)]
struct Movable {
    id: UserId,
    #[sqlx(try_from = "String")]
    email: Email,
    #[sqlx(try_from = "i64")]
    status: UserStatus,
    #[sqlx(try_from = "i64")]
    is_primary_admin: Flag,
    #[sqlx(try_from = "i64")]
    has_password: Flag,
}

impl Selected for Movable {
    const COLUMNS: &'static str = "id, email, status, is_primary_admin, \
        CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END AS has_password";
    fn id(&self) -> UserId {
        self.id
    }
}

/// Applies `action` to the selected users of the grant's account that the state machine
/// lets it move, in one transaction; the others are reported with their reason. Unknown
/// ids (including those of another account) refuse the whole request and change nothing.
#[tracing::instrument(skip_all, err, fields(account = %grant.account_id(), selected = ids.as_slice().len(), ?action))]
pub async fn change_status(
    db: &Db,
    grant: &Grant<UsersUpdate>,
    ids: &UserIds,
    action: StatusAction,
    now: i64,
) -> Result<StatusReport, AppError> {
    let account_id = grant.account_id();
    let mut tx = db.write().await?;
    let selected = fetch_selected::<Movable>(&mut tx, db.backend(), account_id, ids).await?;
    let candidates = selected
        .values()
        .map(|user| StatusCandidate {
            id: user.id,
            email: user.email.clone(),
            status: user.status,
            is_primary_admin: user.is_primary_admin.into(),
            has_password: user.has_password.into(),
        })
        .collect();
    let report = decide_status_change(grant.actor_id(), action, candidates);

    let target = action.target();
    for chunk in chunks(&report.changed, 1) {
        let mut sql =
            Sql::new("UPDATE users SET failed_sign_ins = 0, failing_since = NULL, status = ");
        let status = sql.int(target.code());
        let account = sql.int(account_id.get());
        let list = sql.int_list(chunk.iter().map(|id| id.get()));
        sql.push(&format!(
            "{status} WHERE account_id = {account} AND id IN {list}"
        ));
        sql.query().execute(&mut *tx).await?;
        if action.revokes_access() {
            let mut sql = Sql::new("DELETE FROM sessions WHERE account_id = ");
            let account = sql.int(account_id.get());
            let list = sql.int_list(chunk.iter().map(|id| id.get()));
            sql.push(&format!("{account} AND user_id IN {list}"));
            sql.query().execute(&mut *tx).await?;
        }
    }
    let events: Vec<AuditEvent> = report
        .changed
        .iter()
        .filter_map(|id| selected.get(id))
        .map(|user| AuditEvent {
            action: AuditAction::UserStatusChanged,
            target: AuditTarget::User(user.id),
            target_label: user.email.to_string(),
            before: Some(serde_json::json!({ "status": user.status.slug() })),
            after: Some(serde_json::json!({ "status": target.slug() })),
        })
        .collect();
    audit::record(&mut tx, grant.actor(), now, &events).await?;
    tx.commit().await?;
    tracing::info!(
        changed = report.changed.len(),
        unchanged = report.unchanged.len(),
        "user statuses changed"
    );
    Ok(report)
}
