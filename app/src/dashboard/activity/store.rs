//! Reading the account's audit events for the live activity: the newest ones, and
//! those recorded after a given id, through the index on `(account_id, id)`.

use super::{ActivityEntry, SHOWN, Subject};
use crate::audit::AuditAction;
use crate::auth::principal::{AuditRead, Grant};
use crate::db::Db;
use crate::domain::AccountId;
use crate::error::AppError;

/// New events one read of a stream answers at most; the next read takes the rest.
pub const BATCH: i64 = 50;

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    created_at: i64,
    actor_label: String,
    #[sqlx(try_from = "String")]
    action: AuditAction,
    target_type: String,
    target_id: i64,
    target: String,
}

impl EventRow {
    fn entry(self) -> ActivityEntry {
        ActivityEntry {
            id: self.id,
            at: self.created_at,
            actor: self.actor_label,
            action: self.action,
            target: self.target,
            subject: Subject::of(&self.target_type, self.target_id),
        }
    }
}

const COLUMNS: &str = "id, created_at, actor_label, action, target_type, target_id, target";

/// The account's `SHOWN` newest events, newest first.
pub async fn newest(db: &Db, grant: &Grant<AuditRead>) -> Result<Vec<ActivityEntry>, AppError> {
    let rows: Vec<EventRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM audit_events WHERE account_id = $1
         ORDER BY created_at DESC, id DESC LIMIT $2"
    ))
    .bind(grant.account_id())
    .bind(SHOWN as i64)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(EventRow::entry).collect())
}

/// Up to `BATCH` of the account's events recorded after event `after`, oldest first, and
/// as many again as `seen` lists (events the caller has already and skips).
pub async fn after(
    db: &Db,
    account: AccountId,
    after: i64,
    seen: usize,
) -> Result<Vec<ActivityEntry>, AppError> {
    let rows: Vec<EventRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM audit_events WHERE id > $1 AND account_id = $2
         ORDER BY id LIMIT $3"
    ))
    .bind(after)
    .bind(account)
    .bind(BATCH + seen as i64)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(EventRow::entry).collect())
}

/// The id of the account's newest event (0 when it has none): where a stream that was
/// given no position starts.
pub async fn last_id(db: &Db, account: AccountId) -> Result<i64, AppError> {
    let (last,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM audit_events WHERE account_id = $1")
            .bind(account)
            .fetch_one(db.pool())
            .await?;
    Ok(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fixtures::{
        NOW, PRIMARY_EMAIL, other_account, password_sign_in, signed_in, test_account,
    };
    use crate::testing::scratch::database_urls;

    #[tokio::test]
    async fn sign_ins_reach_the_feed_in_order_and_only_in_their_own_account() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let other = other_account(&db, "Other Org", "other@example.com").await;
            let start = last_id(&db, account.account_id).await.unwrap();
            password_sign_in(&db, PRIMARY_EMAIL, NOW).await;
            password_sign_in(&db, "other@example.com", NOW).await;
            password_sign_in(&db, PRIMARY_EMAIL, NOW + 1).await;

            let seen = after(&db, account.account_id, start, 0).await.unwrap();
            let read: Vec<(AuditAction, &str)> = seen
                .iter()
                .map(|entry| (entry.action, entry.target.as_str()))
                .collect();
            assert_eq!(
                read,
                [
                    (AuditAction::SignedIn, PRIMARY_EMAIL),
                    (AuditAction::SignedIn, PRIMARY_EMAIL)
                ],
                "{url}"
            );
            assert!(seen[0].id < seen[1].id, "{url}");
            assert_eq!(
                seen[0].subject,
                Some(Subject::User(account.primary_admin_id)),
                "{url}"
            );
            let rest = after(&db, account.account_id, seen[1].id, 0).await.unwrap();
            assert!(rest.is_empty(), "{url}: nothing is repeated");
            assert_eq!(
                last_id(&db, account.account_id).await.unwrap(),
                seen[1].id,
                "{url}"
            );

            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let newest = newest(&db, &admin.grant::<AuditRead>().unwrap())
                .await
                .unwrap();
            assert_eq!(newest[0].id, seen[1].id, "{url}: newest first");
            assert!(
                newest
                    .iter()
                    .all(|entry| entry.target != "other@example.com"),
                "{url}"
            );
            let theirs = after(&db, other.account_id, 0, 0).await.unwrap();
            assert_eq!(theirs.len(), 1, "{url}: the other account's own sign-in");
        }
    }
}
