//! A user's live sessions, and ending them: at once, in one transaction with its audit
//! event and, when an admin ended another user's, the e-mail that tells that user. A
//! session idle for the timeout is no longer live, whether or not it has been swept yet.

use super::selection::{Selected, ensure_user, fetch_one};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::principal::{Actor, Grant, SessionsKill, UsersRead};
use crate::auth::session::SessionLimits;
use crate::db::Db;
use crate::db::sql::Sql;
use crate::domain::{AccountId, Email, SessionId, UserId};
use crate::error::{AppError, Missing};
use crate::i18n::Locale;
use crate::mail::message::{SessionsEnded, sessions_ended};
use crate::mail::outbox;
use crate::users::device::describe;
use crate::users::sessions::{KillReason, SessionInfo};
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

/// The user whose sessions end, as the audit trail and the e-mail name them.
#[derive(sqlx::FromRow)]
struct SessionOwner {
    id: UserId,
    #[sqlx(try_from = "String")]
    email: Email,
    first_name: String,
}

impl Selected for SessionOwner {
    const COLUMNS: &'static str = "id, email, first_name";
    fn id(&self) -> UserId {
        self.id
    }
}

/// An admin's Kill Session: whose, which one (every one when `None`), and what the
/// user is told.
#[derive(Debug, Clone)]
pub struct Kill {
    pub user: UserId,
    pub session: Option<SessionId>,
    pub reason: Option<KillReason>,
    /// The language of the e-mail to the user.
    pub locale: Locale,
}

/// Ends the sessions `kill` names and returns the ones ended; a user other than the
/// admin is e-mailed that an admin ended them, with the reason. A session that is not
/// the user's live session is a 404.
pub async fn end_sessions(
    db: &Db,
    grant: &Grant<SessionsKill>,
    kill: &Kill,
    now: i64,
) -> Result<Vec<SessionId>, AppError> {
    end_live_sessions(db, grant.actor(), kill.user, kill.session, Some(kill), now).await
}

/// Ends `session` of `user` of the actor's account (all of them when `None`), audited
/// as done by `actor` with the reason of an admin's `kill`, which also e-mails a user
/// other than the actor; the sessions ended. A session that is not the user's live
/// session is a 404.
pub(crate) async fn end_live_sessions(
    db: &Db,
    actor: &Actor,
    user: UserId,
    session: Option<SessionId>,
    kill: Option<&Kill>,
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
    let reason = kill.and_then(|kill| kill.reason.as_ref());
    let told = kill.filter(|_| owner.id != actor.user_id);
    let mut after = json!({ "sessions": live - ended.len() as i64 });
    if let Some(reason) = reason {
        after["reason"] = json!(reason.as_str());
    }
    if let Some(kill) = told {
        let (account,): (String,) = sqlx::query_as("SELECT name FROM accounts WHERE id = $1")
            .bind(account_id)
            .fetch_one(&mut *tx)
            .await?;
        let letter = SessionsEnded {
            account: &account,
            first_name: &owner.first_name,
            ended: ended.len(),
            reason: reason.map(KillReason::as_str),
        };
        let mail = sessions_ended(kill.locale, owner.email.clone(), &letter);
        outbox::enqueue(&mut tx, account_id, &mail, now).await?;
    }
    let event = AuditEvent {
        action: AuditAction::SessionsEnded,
        target: AuditTarget::User(owner.id),
        target_label: owner.email.to_string(),
        before: Some(json!({ "sessions": live })),
        after: Some(after),
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

    fn kill(user: UserId, session: Option<SessionId>) -> Kill {
        Kill {
            user,
            session,
            reason: None,
            locale: Locale::en,
        }
    }

    /// The recipients, subjects and texts in the outbox, oldest first.
    async fn outbox(db: &Db) -> Vec<(String, String, String)> {
        sqlx::query_as("SELECT recipient, subject, text_body FROM outbox ORDER BY id")
            .fetch_all(db.pool())
            .await
            .unwrap()
    }

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
            let (read, grant) = (admin.grant().unwrap(), admin.grant().unwrap());

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

            let ended = end_sessions(&db, &grant, &kill(ann, Some(listed[0].id)), NOW + 10)
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

            let again = end_sessions(&db, &grant, &kill(ann, Some(listed[0].id)), NOW + 12).await;
            assert_eq!(
                again.unwrap_err(),
                AppError::NotFound {
                    missing: Missing::Session
                },
                "{url}"
            );
            let all = end_sessions(&db, &grant, &kill(ann, None), NOW + 12)
                .await
                .unwrap();
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
            let (read, grant) = (admin.grant().unwrap(), admin.grant().unwrap());
            let yours = SessionId::parse(1).unwrap();
            let bob_session = user_sessions(&db, &read, bob, yours, NOW).await.unwrap()[0].id;

            let wrong_user = end_sessions(&db, &grant, &kill(ann, Some(bob_session)), NOW).await;
            assert!(
                matches!(wrong_user, Err(AppError::NotFound { .. })),
                "{url}"
            );
            let foreign = end_sessions(&db, &grant, &kill(other.primary_admin_id, None), NOW).await;
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

    #[tokio::test]
    async fn the_user_is_emailed_the_admins_reason_and_the_audit_log_keeps_it() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let ann = add_admin(&db, &account, "ann@example.com", DefaultRole::UserAdmin).await;
            signed_in(&db, &account, ann).await;
            signed_in(&db, &account, ann).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant().unwrap();
            let said = KillReason::parse(Some("Laptop reported stolen")).unwrap();

            let ended = end_sessions(
                &db,
                &grant,
                &Kill {
                    reason: said,
                    ..kill(ann, None)
                },
                NOW + 1,
            )
            .await
            .unwrap();
            assert_eq!(ended.len(), 2, "{url}");
            let mail = outbox(&db).await;
            assert_eq!(mail.len(), 1, "{url}: one e-mail for one kill");
            let (to, subject, text) = &mail[0];
            assert_eq!(to, "ann@example.com", "{url}");
            assert_eq!(subject, "You were signed out of Test Org", "{url}");
            assert!(text.contains("ended 2 of your sessions"), "{url}: {text}");
            assert!(
                text.contains("The reason they gave: Laptop reported stolen"),
                "{url}: {text}"
            );
            let (after,): (String,) = sqlx::query_as(
                "SELECT after_value FROM audit_events WHERE action = 'user.sessions_ended'",
            )
            .fetch_one(db.pool())
            .await
            .unwrap();
            let after: serde_json::Value = serde_json::from_str(&after).unwrap();
            assert_eq!(after["reason"], "Laptop reported stolen", "{url}");
            assert_eq!(after["sessions"], 0, "{url}");
        }
    }

    #[tokio::test]
    async fn an_admin_ending_their_own_session_is_not_emailed_but_the_reason_is_audited() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let ann = add_admin(&db, &account, "ann@example.com", DefaultRole::UserAdmin).await;
            signed_in(&db, &account, ann).await;
            let (yours, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant().unwrap();

            let own = Kill {
                reason: KillReason::parse(Some("Leaving for the day")).unwrap(),
                ..kill(account.primary_admin_id, None)
            };
            end_sessions(&db, &grant, &own, NOW + 1).await.unwrap();
            assert!(outbox(&db).await.is_empty(), "{url}: nobody to tell");
            let (after,): (String,) = sqlx::query_as(
                "SELECT after_value FROM audit_events WHERE action = 'user.sessions_ended'",
            )
            .fetch_one(db.pool())
            .await
            .unwrap();
            assert!(after.contains("Leaving for the day"), "{url}: {after}");
            let refused = resolve_session(&db, &yours, NOW + 2, None, Activity::Counts).await;
            assert!(matches!(refused, Err(AppError::Unauthenticated)), "{url}");

            end_sessions(&db, &grant, &kill(ann, None), NOW + 1)
                .await
                .unwrap();
            let mail = outbox(&db).await;
            assert_eq!(mail.len(), 1, "{url}");
            assert!(mail[0].2.contains("ended one of your sessions"), "{url}");
            assert!(mail[0].2.contains("They gave no reason."), "{url}");
        }
    }
}
