//! The SQL behind the Dashboard, confined to the grant's account. Nothing here grows
//! with the number of users: the counts by status are the ones triggers keep
//! (`user_counts`), the figures per day are kept by triggers as users are added and
//! sessions start (`daily_activity`), and the two figures that would read many rows
//! (users not signed in for 90 days, sessions active now) are counted at most every
//! `SNAPSHOT_SECONDS` and kept with the time they were counted (`dashboard_snapshots`).

use super::{DayFigures, Overview, Snapshot, StatusCount};
use crate::auth::principal::{Grant, UsersRead};
use crate::db::Db;
use crate::domain::{AccountId, UserStatus};
use crate::error::AppError;

/// How old the counted figures may be before a view has them counted again.
pub const SNAPSHOT_SECONDS: i64 = 300;
/// The days the charts show, today included.
pub const DAYS: i64 = 30;
/// Without a sign-in for this long, a user counts as dormant.
const DORMANT_SECONDS: i64 = 90 * 86_400;
const DAY_SECONDS: i64 = 86_400;

/// The account's user overview at `now`. Answers the snapshot as stored, and whether it
/// is due to be counted again (`refresh_snapshot`); an account's first view counts it
/// at once.
pub async fn overview(
    db: &Db,
    grant: &Grant<UsersRead>,
    now: i64,
) -> Result<(Overview, bool), AppError> {
    let account = grant.account_id();
    let counts: Vec<(i64, i64)> =
        sqlx::query_as("SELECT status, n FROM user_counts WHERE account_id = $1")
            .bind(account)
            .fetch_all(db.pool())
            .await?;
    let by_status = UserStatus::ALL
        .into_iter()
        .map(|status| StatusCount {
            status,
            users: counts
                .iter()
                .find(|(code, _)| *code == status.code())
                .map_or(0, |(_, n)| (*n).max(0) as u64),
        })
        .collect();
    let (waiting,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM access_requests WHERE account_id = $1 AND state = 1")
            .bind(account)
            .fetch_one(db.pool())
            .await?;
    let today = now.div_euclid(DAY_SECONDS);
    let first_day = today - (DAYS - 1);
    let stored: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT day, new_users, sign_ins FROM daily_activity
         WHERE account_id = $1 AND day >= $2 AND day <= $3 ORDER BY day",
    )
    .bind(account)
    .bind(first_day)
    .bind(today)
    .fetch_all(db.pool())
    .await?;
    let days = (first_day..=today)
        .map(|day| {
            let found = stored.iter().find(|(stored_day, _, _)| *stored_day == day);
            let (new_users, sign_ins) = found.map_or((0, 0), |(_, new, signed)| (*new, *signed));
            DayFigures {
                day,
                new_users: new_users.max(0) as u64,
                sign_ins: sign_ins.max(0) as u64,
            }
        })
        .collect();
    let snapshot = match stored_snapshot(db, account).await? {
        Some(snapshot) => snapshot,
        None => refresh_snapshot(db, account, now).await?,
    };
    let due = snapshot.counted_at <= now - SNAPSHOT_SECONDS;
    Ok((
        Overview {
            by_status,
            requests_waiting: waiting.max(0) as u64,
            snapshot,
            days,
            now,
        },
        due,
    ))
}

async fn stored_snapshot(db: &Db, account: AccountId) -> Result<Option<Snapshot>, AppError> {
    let stored: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT counted_at, dormant_users, active_sessions FROM dashboard_snapshots
         WHERE account_id = $1",
    )
    .bind(account)
    .fetch_optional(db.pool())
    .await?;
    Ok(stored.map(|(counted_at, dormant, active)| Snapshot {
        counted_at,
        dormant_users: dormant.max(0) as u64,
        active_sessions: active.max(0) as u64,
    }))
}

/// Whether this view is the one to have the figures counted again: it takes the
/// stale snapshot by marking it counted now, so of all the views that find it stale
/// at once, one counts.
pub async fn claim_refresh(db: &Db, account: AccountId, now: i64) -> Result<bool, AppError> {
    let claimed = sqlx::query(
        "UPDATE dashboard_snapshots SET counted_at = $1
         WHERE account_id = $2 AND counted_at <= $3",
    )
    .bind(now)
    .bind(account)
    .bind(now - SNAPSHOT_SECONDS)
    .execute(db.pool())
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Gives back a claim whose count failed: the snapshot reads as counted when it was
/// (`previous`) again, not as counted at the claim, and the next view counts it.
pub async fn release_claim(
    db: &Db,
    account: AccountId,
    claimed_at: i64,
    previous: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE dashboard_snapshots SET counted_at = $1
         WHERE account_id = $2 AND counted_at = $3",
    )
    .bind(previous)
    .bind(account)
    .bind(claimed_at)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Counts the figures that read many rows and keeps them: the users whose last sign-in
/// (or, never signed in, whose addition) is more than 90 days old, through the index on
/// the last sign-in, and the sessions seen within the account's idle timeout.
pub async fn refresh_snapshot(db: &Db, account: AccountId, now: i64) -> Result<Snapshot, AppError> {
    let cutoff = now - DORMANT_SECONDS;
    let (dormant,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM users WHERE account_id = $1 AND last_login_at < $2
         AND (last_login_at > 0 OR created_at < $2)",
    )
    .bind(account)
    .bind(cutoff)
    .fetch_one(db.pool())
    .await?;
    let (active,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id
         WHERE s.account_id = $1 AND s.last_seen_at > $2 - a.idle_timeout_minutes * 60",
    )
    .bind(account)
    .bind(now)
    .fetch_one(db.pool())
    .await?;
    sqlx::query(
        "INSERT INTO dashboard_snapshots (account_id, counted_at, dormant_users, active_sessions)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id) DO UPDATE SET counted_at = excluded.counted_at,
             dormant_users = excluded.dormant_users, active_sessions = excluded.active_sessions",
    )
    .bind(account)
    .bind(now)
    .bind(dormant)
    .bind(active)
    .execute(db.pool())
    .await?;
    Ok(Snapshot {
        counted_at: now,
        dormant_users: dormant.max(0) as u64,
        active_sessions: active.max(0) as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fixtures::{
        NOW, add_member, other_account, password_sign_in, signed_in, test_account,
    };
    use crate::testing::scratch::database_urls;

    #[tokio::test]
    async fn the_overview_counts_the_accounts_users_by_status_and_day_and_no_other_accounts() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            add_member(&db, &account, "Ann", "ann@example.com", UserStatus::Active).await;
            add_member(
                &db,
                &account,
                "Ben",
                "ben@example.com",
                UserStatus::NotActive,
            )
            .await;
            add_member(&db, &account, "Cy", "cy@example.com", UserStatus::Locked).await;
            let other = other_account(&db, "Other Org", "other@example.com").await;
            add_member(&db, &other, "Dee", "dee@example.com", UserStatus::Active).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant::<UsersRead>().unwrap();

            let (seen, due) = overview(&db, &grant, NOW).await.unwrap();
            assert!(!due, "{url}: counted at the first view");
            assert_eq!(
                seen.users(UserStatus::Active),
                2,
                "{url}: Ann and the primary"
            );
            assert_eq!(seen.users(UserStatus::NotActive), 1, "{url}");
            assert_eq!(seen.users(UserStatus::Locked), 1, "{url}");
            assert_eq!(seen.users(UserStatus::Suspended), 0, "{url}");
            assert_eq!(seen.days.len(), DAYS as usize, "{url}");
            let today = seen.days.last().unwrap();
            assert_eq!(today.day, NOW / DAY_SECONDS, "{url}");
            assert_eq!(today.new_users, 1, "{url}: the primary admin, added at NOW");
            assert_eq!(today.sign_ins, 1, "{url}: the session signed_in opened");
            let yesterday = &seen.days[seen.days.len() - 2];
            assert_eq!(
                yesterday.new_users, 3,
                "{url}: the members, added a day before"
            );
            assert_eq!(seen.snapshot.active_sessions, 1, "{url}");
            assert_eq!(seen.snapshot.counted_at, NOW, "{url}");
        }
    }

    #[tokio::test]
    async fn the_counted_figures_are_kept_until_they_are_due_and_then_counted_again() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant::<UsersRead>().unwrap();
            let (first, _) = overview(&db, &grant, NOW).await.unwrap();
            assert_eq!(first.snapshot.dormant_users, 0, "{url}");

            // A long quiet spell: the members, added a day before NOW, become dormant.
            add_member(&db, &account, "Ann", "ann@example.com", UserStatus::Active).await;
            let later = NOW + DORMANT_SECONDS + 2 * SNAPSHOT_SECONDS;
            let (kept, due) = overview(&db, &grant, later).await.unwrap();
            assert!(due, "{url}");
            assert_eq!(
                kept.snapshot, first.snapshot,
                "{url}: shown as counted, with its time"
            );
            assert!(
                claim_refresh(&db, account.account_id, later).await.unwrap(),
                "{url}"
            );
            assert!(
                !claim_refresh(&db, account.account_id, later).await.unwrap(),
                "{url}: one view has them counted"
            );
            let previous = kept.snapshot.counted_at;
            release_claim(&db, account.account_id, later, previous)
                .await
                .unwrap();
            let (released, due) = overview(&db, &grant, later).await.unwrap();
            assert!(due, "{url}: a failed count is due again");
            assert_eq!(
                released.snapshot, first.snapshot,
                "{url}: with its own time"
            );
            assert!(
                claim_refresh(&db, account.account_id, later).await.unwrap(),
                "{url}: and claimed again"
            );
            let counted = refresh_snapshot(&db, account.account_id, later)
                .await
                .unwrap();
            assert_eq!(counted.active_sessions, 0, "{url}: the session went idle");
            assert_eq!(counted.dormant_users, 2, "{url}: Ann and the primary admin");
            let (fresh, due) = overview(&db, &grant, later).await.unwrap();
            assert!(!due, "{url}");
            assert_eq!(fresh.snapshot, counted, "{url}");
            password_sign_in(&db, "primary@example.com", later).await;
            let (after, _) = overview(&db, &grant, later).await.unwrap();
            assert_eq!(
                after.days.last().unwrap().sign_ins,
                1,
                "{url}: today's sign-in"
            );
        }
    }
}
