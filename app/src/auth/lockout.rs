//! Locking a user out after too many wrong passwords. Each account sets how many failed
//! sign-ins (`lock_after`, default 5) within how many minutes (default 15) lock a user,
//! and after how long the lock lifts by itself (default 30 minutes; never when unset,
//! and then only an admin unlocks). A failure is counted by one UPDATE of the user's
//! row, so failures at the same moment are each counted and only the one that reaches
//! the limit locks. Locking ends the user's sessions, is audited, and e-mails the user,
//! all in one transaction.

use super::principal::Actor;
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::db::Db;
use crate::domain::{AccountId, Email, UserId, UserStatus};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::mail::message::{AccountLocked, account_locked};
use crate::mail::outbox;
use serde_json::json;
use std::net::IpAddr;

/// How a lock is stored as its reason.
const FAILED_SIGN_INS: &str = "failed_sign_ins";

#[derive(sqlx::FromRow)]
struct Counted {
    status: i64,
    account_id: AccountId,
    #[sqlx(try_from = "String")]
    email: Email,
    first_name: String,
    account_name: String,
    lock_after: i64,
    unlock_after_minutes: Option<i64>,
}

/// Counts one failed sign-in of `user`, and locks an Active user whose failures within
/// the account's window reached its limit. Answers whether this failure locked them.
pub async fn record_failure(
    db: &Db,
    user: UserId,
    addr: Option<IpAddr>,
    locale: Locale,
    now: i64,
) -> Result<bool, AppError> {
    let mut tx = db.write().await?;
    let recent = "failing_since > $1 - 60 * (SELECT a.lock_window_minutes FROM accounts a
                                              WHERE a.id = users.account_id)";
    let (failed, account_id): (i64, AccountId) = sqlx::query_as(&format!(
        "UPDATE users SET
             failed_sign_ins = CASE WHEN {recent} THEN failed_sign_ins + 1 ELSE 1 END,
             failing_since = CASE WHEN {recent} THEN failing_since ELSE $1 END
         WHERE id = $2
         RETURNING failed_sign_ins, account_id"
    ))
    .bind(now)
    .bind(user)
    .fetch_one(&mut *tx)
    .await?;
    let counted: Counted = sqlx::query_as(
        "SELECT u.status, u.account_id, u.email, u.first_name, a.name AS account_name,
                a.lock_after, a.unlock_after_minutes
         FROM users u JOIN accounts a ON a.id = u.account_id
         WHERE u.id = $1 AND a.id = $2",
    )
    .bind(user)
    .bind(account_id)
    .fetch_one(&mut *tx)
    .await?;
    let reached = failed >= counted.lock_after && counted.status == UserStatus::Active.code();
    let locked = reached
        && sqlx::query(
            "UPDATE users SET status = $1, locked_at = $2, lock_reason = $3
             WHERE id = $4 AND status = $5",
        )
        .bind(UserStatus::Locked.code())
        .bind(now)
        .bind(FAILED_SIGN_INS)
        .bind(user)
        .bind(UserStatus::Active.code())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
    if locked {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user)
            .execute(&mut *tx)
            .await?;
        let event = AuditEvent {
            action: AuditAction::UserStatusChanged,
            target: AuditTarget::User(user),
            target_label: counted.email.to_string(),
            before: Some(json!({ "status": UserStatus::Active.slug() })),
            after: Some(json!({ "status": UserStatus::Locked.slug() })),
        };
        let actor = Actor {
            account_id: counted.account_id,
            user_id: user,
            email: counted.email.clone(),
            addr,
        };
        audit::record(&mut tx, &actor, now, &[event]).await?;
        let notice = AccountLocked {
            account: &counted.account_name,
            first_name: &counted.first_name,
            failures: failed,
            unlocks_at: counted
                .unlock_after_minutes
                .map(|minutes| now + minutes * 60),
        };
        let mail = account_locked(locale, counted.email.clone(), &notice);
        outbox::enqueue(&mut tx, counted.account_id, &mail, now).await?;
    }
    tx.commit().await?;
    Ok(locked)
}

/// Clears the failures of `user` after a successful sign-in.
pub async fn forget_failures(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user: UserId,
) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET failed_sign_ins = 0, failing_since = NULL WHERE id = $1")
        .bind(user)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Unlocked {
    id: UserId,
    account_id: AccountId,
    #[sqlx(try_from = "String")]
    email: Email,
}

/// Lifts the locks for failed sign-ins whose time is up: every such lock, or only
/// those of `email`'s users. Answers how many were lifted.
pub async fn unlock_due(db: &Db, email: Option<&Email>, now: i64) -> Result<u64, AppError> {
    let mut tx = db.write().await?;
    let only = if email.is_some() {
        " AND email = $5"
    } else {
        ""
    };
    let query = format!(
        "UPDATE users SET status = $1, locked_at = NULL, lock_reason = NULL,
                          failed_sign_ins = 0, failing_since = NULL
         WHERE status = $2 AND lock_reason = $3
           AND locked_at <= $4 - 60 * (SELECT a.unlock_after_minutes FROM accounts a
                                       WHERE a.id = users.account_id){only}
         RETURNING id, account_id, email"
    );
    let mut query = sqlx::query_as(&query)
        .bind(UserStatus::Active.code())
        .bind(UserStatus::Locked.code())
        .bind(FAILED_SIGN_INS)
        .bind(now);
    if let Some(email) = email {
        query = query.bind(email.as_str());
    }
    let unlocked: Vec<Unlocked> = query.fetch_all(&mut *tx).await?;
    for user in &unlocked {
        let event = AuditEvent {
            action: AuditAction::UserStatusChanged,
            target: AuditTarget::User(user.id),
            target_label: user.email.to_string(),
            before: Some(json!({ "status": UserStatus::Locked.slug() })),
            after: Some(json!({ "status": UserStatus::Active.slug() })),
        };
        let actor = Actor {
            account_id: user.account_id,
            user_id: user.id,
            email: user.email.clone(),
            addr: None,
        };
        audit::record(&mut tx, &actor, now, &[event]).await?;
    }
    tx.commit().await?;
    Ok(unlocked.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::DefaultRole;
    use crate::auth::session::Client;
    use crate::auth::sign_in::{Door, sign_in};
    use crate::testing::fixtures::{NOW, PASSWORD, add_admin, audited_actions, test_account};
    use crate::testing::scratch::database_urls;

    const MINUTE: i64 = 60;

    async fn status_and_failures(db: &Db, user: UserId) -> (UserStatus, i64) {
        let (status, failed): (i64, i64) =
            sqlx::query_as("SELECT status, failed_sign_ins FROM users WHERE id = $1")
                .bind(user)
                .fetch_one(db.pool())
                .await
                .unwrap();
        (UserStatus::from_code(status).unwrap(), failed)
    }

    async fn count(db: &Db, sql: &str) -> i64 {
        let (count,): (i64,) = sqlx::query_as(sql).fetch_one(db.pool()).await.unwrap();
        count
    }

    async fn try_password(db: &Db, email: &str, password: &str, now: i64) -> bool {
        let client = Client {
            user_agent: "test".into(),
            ip: None,
        };
        let email = Email::parse(email).unwrap();
        sign_in(
            db,
            &email,
            password.into(),
            Door::Everyone,
            &client,
            Locale::en,
            now,
        )
        .await
        .is_ok()
    }

    #[tokio::test]
    async fn the_fifth_failure_within_fifteen_minutes_locks_ends_sessions_and_mails_the_user() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let ann = add_admin(&db, &account, "ann@example.com", DefaultRole::UserAdmin).await;
            assert!(
                try_password(&db, "ann@example.com", PASSWORD, NOW).await,
                "{url}"
            );
            for attempt in 1..=4 {
                assert!(!try_password(&db, "ann@example.com", "wrong", NOW + attempt).await);
            }
            assert_eq!(
                status_and_failures(&db, ann).await,
                (UserStatus::Active, 4),
                "{url}"
            );
            // The oldest failure left the window: counting starts again.
            assert!(!try_password(&db, "ann@example.com", "wrong", NOW + 16 * MINUTE).await);
            assert_eq!(
                status_and_failures(&db, ann).await,
                (UserStatus::Active, 1),
                "{url}"
            );
            for attempt in 2..=5 {
                assert!(
                    !try_password(&db, "ann@example.com", "wrong", NOW + 16 * MINUTE + attempt)
                        .await
                );
            }
            assert_eq!(
                status_and_failures(&db, ann).await,
                (UserStatus::Locked, 5),
                "{url}"
            );
            let sessions = count(
                &db,
                &format!("SELECT COUNT(*) FROM sessions WHERE user_id = {ann}"),
            )
            .await;
            assert_eq!(sessions, 0, "{url}: the session of the first sign-in ended");
            assert!(
                !try_password(&db, "ann@example.com", PASSWORD, NOW + 17 * MINUTE).await,
                "{url}: the right password of a locked user is refused like a wrong one"
            );
            let (subject,): (String,) = sqlx::query_as("SELECT subject FROM outbox")
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert_eq!(subject, "Your account at Test Org is locked", "{url}");
            assert_eq!(
                audited_actions(&db).await,
                ["user.signed_in", "user.status_changed"],
                "{url}: the sign-in before the failures, then the lock"
            );
        }
    }

    #[tokio::test]
    async fn a_success_forgets_the_failures_before_it() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let ann = add_admin(&db, &account, "ann@example.com", DefaultRole::UserAdmin).await;
            for attempt in 1..=4 {
                assert!(!try_password(&db, "ann@example.com", "wrong", NOW + attempt).await);
            }
            assert!(
                try_password(&db, "ann@example.com", PASSWORD, NOW + 5).await,
                "{url}"
            );
            for attempt in 6..=9 {
                assert!(!try_password(&db, "ann@example.com", "wrong", NOW + attempt).await);
            }
            assert_eq!(
                status_and_failures(&db, ann).await,
                (UserStatus::Active, 4),
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn a_lock_lifts_after_thirty_minutes_and_not_before_or_never_when_the_account_says_so() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let ann = add_admin(&db, &account, "ann@example.com", DefaultRole::UserAdmin).await;
            for attempt in 1..=5 {
                record_failure(&db, ann, None, Locale::en, NOW + attempt)
                    .await
                    .unwrap();
            }
            assert_eq!(
                status_and_failures(&db, ann).await.0,
                UserStatus::Locked,
                "{url}"
            );
            let locked_at = NOW + 5;
            assert_eq!(
                unlock_due(&db, None, locked_at + 30 * MINUTE - 1)
                    .await
                    .unwrap(),
                0
            );
            assert!(
                try_password(&db, "ann@example.com", PASSWORD, locked_at + 30 * MINUTE).await,
                "{url}: the sign-in itself lifts the lock whose time is up"
            );
            assert_eq!(
                status_and_failures(&db, ann).await,
                (UserStatus::Active, 0),
                "{url}"
            );

            sqlx::query("UPDATE accounts SET unlock_after_minutes = NULL")
                .execute(db.pool())
                .await
                .unwrap();
            for attempt in 1..=5 {
                record_failure(&db, ann, None, Locale::en, NOW + HOUR + attempt)
                    .await
                    .unwrap();
            }
            assert_eq!(
                unlock_due(&db, None, NOW + 1000 * HOUR).await.unwrap(),
                0,
                "{url}"
            );
            assert_eq!(
                status_and_failures(&db, ann).await.0,
                UserStatus::Locked,
                "{url}"
            );
        }
    }

    const HOUR: i64 = 60 * MINUTE;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sixty_four_failures_at_once_are_each_counted_and_lock_once() {
        for url in database_urls().await {
            let db = Db::connect(&url, 8).await.unwrap();
            let account = test_account(&db).await;
            let ann = add_admin(&db, &account, "ann@example.com", DefaultRole::UserAdmin).await;
            let attempts = (0..64).map(|_| {
                let db = db.clone();
                tokio::spawn(async move { record_failure(&db, ann, None, Locale::en, NOW).await })
            });
            let mut locks = 0;
            for attempt in attempts.collect::<Vec<_>>() {
                locks += usize::from(attempt.await.unwrap().unwrap());
            }
            assert_eq!(locks, 1, "{url}");
            assert_eq!(
                status_and_failures(&db, ann).await,
                (UserStatus::Locked, 64),
                "{url}"
            );
            assert_eq!(count(&db, "SELECT COUNT(*) FROM outbox").await, 1, "{url}");
            assert_eq!(audited_actions(&db).await.len(), 1, "{url}");
        }
    }
}
