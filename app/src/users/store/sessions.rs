//! A user's live sessions, and ending them: at once, in one transaction with its audit
//! event. A session idle for the timeout is no longer live, whether or not it has been
//! swept yet.

use super::selection::{Selected, ensure_user, fetch_one};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::principal::{Actor, Grant, SessionsKill, UsersRead};
use crate::auth::session::SessionLimits;
use crate::db::Db;
use crate::db::sql::Sql;
use crate::domain::{AccountId, Email, SessionId, UserId};
use crate::error::{AppError, Missing};
use crate::users::device::describe;
use crate::users::sessions::SessionInfo;
use serde_json::json;
use sqlx::AnyConnection;

/// The most sessions the tab lists (a user signs in from a handful of devices; a script
/// that signs in in a loop leaves its sessions to expire).
const MAX_LISTED_SESSIONS: i64 = 200;

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: SessionId,
    user_agent: String,
    ip: Option<String>,
    created_at: i64,
    last_seen_at: i64,
}

/// The live sessions of `user` of the grant's account, most recently active first; 404
/// for a user the account does not have. `yours` is the session of the admin asking.
pub async fn user_sessions(
    db: &Db,
    grant: &Grant<UsersRead>,
    user: UserId,
    yours: SessionId,
    now: i64,
) -> Result<Vec<SessionInfo>, AppError> {
    let mut conn = db.pool().acquire().await?;
    ensure_user(&mut conn, grant.account_id(), user).await?;
    live_sessions(&mut conn, grant.account_id(), user, yours, now).await
}

/// The live sessions of `user` of `account_id`, most recently active first.
pub(crate) async fn live_sessions(
    conn: &mut AnyConnection,
    account_id: AccountId,
    user: UserId,
    yours: SessionId,
    now: i64,
) -> Result<Vec<SessionInfo>, AppError> {
    let limits = SessionLimits::of_account(&mut *conn, account_id).await?;
    let rows: Vec<SessionRow> = sqlx::query_as(
        "SELECT id, user_agent, ip, created_at, last_seen_at FROM sessions
         WHERE account_id = $1 AND user_id = $2 AND last_seen_at > $3 AND created_at > $4
         ORDER BY last_seen_at DESC, id DESC LIMIT $5",
    )
    .bind(account_id)
    .bind(user)
    .bind(limits.active_after(now))
    .bind(limits.started_after(now))
    .bind(MAX_LISTED_SESSIONS)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let device = describe(&row.user_agent);
            SessionInfo {
                id: row.id,
                device: device.kind,
                browser: device.browser,
                os: device.os,
                ip: row.ip,
                signed_in_at: row.created_at,
                last_seen_at: row.last_seen_at,
                is_yours: row.id == yours,
            }
        })
        .collect())
}

/// The user whose sessions end, as the audit trail names them.
#[derive(sqlx::FromRow)]
struct SessionOwner {
    id: UserId,
    #[sqlx(try_from = "String")]
    email: Email,
}

impl Selected for SessionOwner {
    const COLUMNS: &'static str = "id, email";
    fn id(&self) -> UserId {
        self.id
    }
}

/// Ends `session` of `user`, or all of the user's sessions when `None`, and returns the
/// ones ended. A session that is not the user's live session is a 404.
pub async fn end_sessions(
    db: &Db,
    grant: &Grant<SessionsKill>,
    user: UserId,
    session: Option<SessionId>,
    now: i64,
) -> Result<Vec<SessionId>, AppError> {
    end_live_sessions(db, grant.actor(), user, session, now).await
}

/// Ends `session` of `user` of the actor's account (all of them when `None`), audited
/// as done by `actor`; the sessions ended. A session that is not the user's live session
/// is a 404.
pub(crate) async fn end_live_sessions(
    db: &Db,
    actor: &Actor,
    user: UserId,
    session: Option<SessionId>,
    now: i64,
) -> Result<Vec<SessionId>, AppError> {
    let account_id = actor.account_id;
    let mut tx = db.write().await?;
    let owner = fetch_one::<SessionOwner>(&mut tx, db.backend(), account_id, user).await?;
    let limits = SessionLimits::of_account(&mut tx, account_id).await?;
    let (live,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM sessions
         WHERE account_id = $1 AND user_id = $2 AND last_seen_at > $3 AND created_at > $4",
    )
    .bind(account_id)
    .bind(owner.id)
    .bind(limits.active_after(now))
    .bind(limits.started_after(now))
    .fetch_one(&mut *tx)
    .await?;
    let mut sql = Sql::new("DELETE FROM sessions WHERE account_id = ");
    let account = sql.int(account_id.get());
    let user_id = sql.int(owner.id.get());
    let active = sql.int(limits.active_after(now));
    let started = sql.int(limits.started_after(now));
    sql.push(&format!(
        "{account} AND user_id = {user_id} AND last_seen_at > {active} AND created_at > {started}"
    ));
    if let Some(id) = session {
        let id = sql.int(id.get());
        sql.push(&format!(" AND id = {id}"));
    }
    sql.push(" RETURNING id");
    let ended: Vec<SessionId> = sql
        .query_as::<(SessionId,)>()
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|(id,)| id)
        .collect();
    if ended.is_empty() {
        return match session {
            Some(_) => Err(AppError::NotFound {
                missing: Missing::Session,
            }),
            None => Ok(ended),
        };
    }
    let event = AuditEvent {
        action: AuditAction::SessionsEnded,
        target: AuditTarget::User(owner.id),
        target_label: owner.email.to_string(),
        before: Some(json!({ "sessions": live })),
        after: Some(json!({ "sessions": live - ended.len() as i64 })),
    };
    audit::record(&mut tx, actor, now, &[event]).await?;
    tx.commit().await?;
    tracing::info!(user = %owner.id, ended = ended.len(), "sessions ended");
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::DefaultRole;
    use crate::auth::session::{Activity, Client, resolve_session, start_session};
    use crate::testing::fixtures::{
        NOW, add_admin, audited_actions, other_account, signed_in, test_account,
    };
    use crate::testing::scratch::database_urls;
    use crate::users::sessions::DeviceKind;

    const PHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) \
        AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";

    #[tokio::test]
    async fn live_sessions_are_listed_with_their_device_and_killing_one_ends_it_at_once() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let ann = add_admin(&db, &account, "ann@example.com", DefaultRole::UserAdmin).await;
            let phone = Client {
                user_agent: PHONE.into(),
                ip: "198.51.100.7".parse().ok(),
            };
            let stale = Client::default();
            start_session(db.pool(), ann, account.account_id, &stale, NOW - 3_600)
                .await
                .unwrap();
            let (desktop, _) = signed_in(&db, &account, ann).await;
            let mobile = start_session(db.pool(), ann, account.account_id, &phone, NOW + 5)
                .await
                .unwrap();
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let (read, kill) = (admin.grant().unwrap(), admin.grant().unwrap());

            let yours = SessionId::parse(1).unwrap();
            let listed = user_sessions(&db, &read, ann, yours, NOW + 10)
                .await
                .unwrap();
            assert_eq!(listed.len(), 2, "{url}: the idle session is not live");
            assert_eq!(listed[0].device, DeviceKind::Mobile, "{url}");
            assert_eq!(listed[0].ip.as_deref(), Some("198.51.100.7"), "{url}");
            assert_eq!(
                listed[1].device,
                DeviceKind::Other,
                "{url}: 'fixture' is no browser"
            );

            let ended = end_sessions(&db, &kill, ann, Some(listed[0].id), NOW + 10)
                .await
                .unwrap();
            assert_eq!(ended, vec![listed[0].id], "{url}");
            let refused = resolve_session(&db, &mobile, NOW + 11, None, Activity::Counts).await;
            assert!(matches!(refused, Err(AppError::Unauthenticated)), "{url}");
            assert!(
                resolve_session(&db, &desktop, NOW + 11, None, Activity::Counts)
                    .await
                    .is_ok(),
                "{url}"
            );

            let again = end_sessions(&db, &kill, ann, Some(listed[0].id), NOW + 12).await;
            assert_eq!(
                again.unwrap_err(),
                AppError::NotFound {
                    missing: Missing::Session
                },
                "{url}"
            );
            let all = end_sessions(&db, &kill, ann, None, NOW + 12).await.unwrap();
            assert_eq!(all.len(), 1, "{url}");
            let refused = resolve_session(&db, &desktop, NOW + 13, None, Activity::Counts).await;
            assert!(matches!(refused, Err(AppError::Unauthenticated)), "{url}");
            assert_eq!(
                audited_actions(&db).await,
                ["user.sessions_ended", "user.sessions_ended"],
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn another_users_or_another_accounts_session_is_unknown_and_nothing_ends() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let other = other_account(&db, "Other Org", "boss@other.example").await;
            let ann = add_admin(&db, &account, "ann@example.com", DefaultRole::UserAdmin).await;
            let bob = add_admin(&db, &account, "bob@example.com", DefaultRole::UserAdmin).await;
            let (bobs, _) = signed_in(&db, &account, bob).await;
            let (bosses, _) = signed_in(&db, &other, other.primary_admin_id).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let (read, kill) = (admin.grant().unwrap(), admin.grant().unwrap());
            let yours = SessionId::parse(1).unwrap();
            let bob_session = user_sessions(&db, &read, bob, yours, NOW).await.unwrap()[0].id;

            let wrong_user = end_sessions(&db, &kill, ann, Some(bob_session), NOW).await;
            assert!(
                matches!(wrong_user, Err(AppError::NotFound { .. })),
                "{url}"
            );
            let foreign = end_sessions(&db, &kill, other.primary_admin_id, None, NOW).await;
            assert_eq!(
                foreign.unwrap_err(),
                AppError::unknown_user(other.primary_admin_id.get()),
                "{url}"
            );
            assert!(
                resolve_session(&db, &bobs, NOW, None, Activity::Counts)
                    .await
                    .is_ok(),
                "{url}"
            );
            assert!(
                resolve_session(&db, &bosses, NOW, None, Activity::Counts)
                    .await
                    .is_ok(),
                "{url}"
            );
            assert!(audited_actions(&db).await.is_empty(), "{url}");
        }
    }
}
