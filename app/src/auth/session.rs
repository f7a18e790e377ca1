//! Server-side sessions: a random 256-bit token in an HttpOnly cookie, stored only as
//! its SHA-256 digest. A session ends after its account's idle timeout (15 minutes by
//! default) or lifetime (12 hours), or at once on sign-out or when its user is deleted. Resolving a session is one read; its last activity is
//! written at most once a minute, so reads do not write.

use super::access::{Access, AccessColumns};
use super::principal::{Actor, Authentication, Principal, Profile};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::db::Db;
use crate::domain::{AccountId, Email, Permission, SessionId, UserId};
use crate::error::AppError;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use cookie::{Cookie, SameSite};
use sha2::{Digest, Sha256};
use sqlx::{Any, Executor};
use std::net::IpAddr;

/// The session cookie's name over plain http (a console served on a loopback address).
pub const SESSION_COOKIE: &str = "roster_session";
/// Its name when cookies are Secure: the `__Host-` prefix makes the browser keep it only
/// for this exact host, over https, for every path, so no other site or subdomain can
/// set or replace it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-roster_session";

/// The session cookie's name for a console whose cookies are (or are not) Secure.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}
/// How long an account's sessions last, from its Sign-in security settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionLimits {
    /// Inactivity after which a session ends (the seeds: 15 minutes by default).
    pub idle_secs: i64,
    /// Time after sign-in at which a session ends whatever its activity.
    pub lifetime_secs: i64,
}

/// The SQL columns of `SessionLimits`, from the accounts table as `a`.
const LIMIT_COLUMNS: &str =
    "60 * a.idle_timeout_minutes AS idle_secs, 3600 * a.session_lifetime_hours AS lifetime_secs";

impl SessionLimits {
    /// The limits of `account`'s sessions.
    pub async fn of_account(
        conn: &mut sqlx::AnyConnection,
        account: AccountId,
    ) -> Result<Self, AppError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {LIMIT_COLUMNS} FROM accounts a WHERE a.id = $1"
        ))
        .bind(account)
        .fetch_one(conn)
        .await?)
    }

    /// When a session started at `created_at`, last active at `last_seen_at`, ends
    /// unless it is active again.
    pub fn ends_at(&self, created_at: i64, last_seen_at: i64) -> i64 {
        (last_seen_at + self.idle_secs).min(created_at + self.lifetime_secs)
    }

    /// Sessions live at `now` were active after this…
    pub fn active_after(&self, now: i64) -> i64 {
        now - self.idle_secs
    }

    /// …and started after this.
    pub fn started_after(&self, now: i64) -> i64 {
        now - self.lifetime_secs
    }
}
/// A session's last activity is written only when older than this, so a burst of
/// requests costs one write a minute; the idle timeout is exact to this minute.
pub const ACTIVITY_RESOLUTION_SECS: i64 = 60;

/// The secret a browser holds. Never logged, never stored, never serialised.
pub struct SessionToken(String);

impl SessionToken {
    fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Self(hex::encode(bytes))
    }

    /// The token in the request's `Cookie` headers, if any, under the name cookies of
    /// this console (`secure` or not) have.
    pub fn from_headers(headers: &http::HeaderMap, secure: bool) -> Option<Self> {
        token_cookie(headers, session_cookie_name(secure)).map(Self)
    }

    /// What the database stores in place of the token.
    pub fn digest(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }

    /// The `Set-Cookie` value that hands this token to the browser.
    pub fn cookie(&self, secure: bool) -> String {
        session_cookie(self.0.clone(), secure).to_string()
    }

    /// The `Set-Cookie` value that removes the session cookie.
    pub fn removal_cookie(secure: bool) -> String {
        let mut cookie = session_cookie(String::new(), secure);
        cookie.make_removal();
        cookie.to_string()
    }
}

fn session_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((session_cookie_name(secure), value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build()
}

fn is_token(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The 256-bit token in the request's cookie `name`, if it holds one.
pub(crate) fn token_cookie(headers: &http::HeaderMap, name: &str) -> Option<String> {
    cookie_value(headers, name, is_token)
}

/// The value of the request's cookie `name` that `fits`, if it sent one.
pub(crate) fn cookie_value(
    headers: &http::HeaderMap,
    name: &str,
    fits: fn(&str) -> bool,
) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name && fits(cookie.value()))
        .map(|cookie| cookie.value().to_owned())
}

/// The longest User-Agent a session keeps, in characters.
const MAX_USER_AGENT_CHARS: usize = 300;

/// Where a sign-in came from, as the Sessions/Devices tab shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Client {
    pub user_agent: String,
    pub ip: Option<IpAddr>,
}

impl Client {
    /// The client of a request: its `User-Agent` header and the address it came from.
    pub fn of_request(headers: &http::HeaderMap, ip: Option<IpAddr>) -> Self {
        let user_agent = headers
            .get(http::header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        Self {
            user_agent: user_agent.chars().take(MAX_USER_AGENT_CHARS).collect(),
            ip,
        }
    }
}

/// Starts a session for `user_id` inside the caller's transaction and returns its token.
pub async fn start_session<'c, E>(
    executor: E,
    user_id: UserId,
    account_id: AccountId,
    client: &Client,
    now: i64,
) -> Result<SessionToken, AppError>
where
    E: Executor<'c, Database = Any>,
{
    let token = SessionToken::generate();
    let user_agent: String = client
        .user_agent
        .chars()
        .take(MAX_USER_AGENT_CHARS)
        .collect();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, account_id, created_at, last_seen_at,
                               verified_at, user_agent, ip, profile_policy_version)
         VALUES ($1, $2, $3, $4, $4, $4, $5, $6,
                 (SELECT profile_policy_version FROM accounts WHERE id = $3))",
    )
    .bind(token.digest())
    .bind(user_id)
    .bind(account_id)
    .bind(now)
    .bind(user_agent)
    .bind(client.ip.map(|ip| ip.to_string()))
    .execute(executor)
    .await?;
    Ok(token)
}

/// A session with its user and one of the role's permissions (one row per permission).
#[derive(sqlx::FromRow)]
struct SessionRow {
    session_id: SessionId,
    last_seen_at: i64,
    user_id: UserId,
    account_id: AccountId,
    #[sqlx(try_from = "String")]
    email: Email,
    first_name: String,
    last_name: String,
    #[sqlx(flatten)]
    may: AccessColumns,
    role_name: String,
    permission: Option<String>,
    picture_at: Option<i64>,
    created_at: i64,
    verified_at: i64,
    idle_secs: i64,
    lifetime_secs: i64,
}

/// Whether resolving a session counts as its activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// A request of the person: it keeps the session alive (written at most once a
    /// minute).
    Counts,
    /// A look at how long the session has left, which must not lengthen it.
    Ignored,
    /// "Stay signed in": written at once.
    Renews,
}

/// The principal whose live session `token` is. A session idle past its account's
/// timeout or older than its lifetime, or whose user may no longer sign in, is ended
/// and refused.
pub async fn resolve_session(
    db: &Db,
    token: &SessionToken,
    now: i64,
    addr: Option<IpAddr>,
    activity: Activity,
) -> Result<Principal, AppError> {
    let rows: Vec<SessionRow> = sqlx::query_as(&format!(
        "SELECT s.id AS session_id, s.last_seen_at, u.id AS user_id, u.account_id, u.email,
                u.first_name, u.last_name, u.status, u.is_primary_admin,
                r.name AS role_name, r.is_admin AS role_is_admin, p.permission, u.picture_at,
                s.created_at, s.verified_at, {LIMIT_COLUMNS}
         FROM sessions s
         JOIN users u ON u.id = s.user_id
         JOIN accounts a ON a.id = s.account_id
         JOIN roles r ON r.id = u.role_id
         LEFT JOIN role_permissions p ON p.role_id = r.id
         WHERE s.token_hash = $1"
    ))
    .bind(token.digest())
    .fetch_all(db.pool())
    .await?;
    let first = rows.first().ok_or(AppError::Unauthenticated)?;

    let access = first.may.access();
    let limits = SessionLimits {
        idle_secs: first.idle_secs,
        lifetime_secs: first.lifetime_secs,
    };
    if limits.ends_at(first.created_at, first.last_seen_at) <= now || access == Access::None {
        end_session_by_id(db, first.session_id).await?;
        return Err(AppError::Unauthenticated);
    }
    let idle = now - first.last_seen_at;
    let touch = match activity {
        Activity::Counts => idle >= ACTIVITY_RESOLUTION_SECS,
        Activity::Ignored => false,
        Activity::Renews => idle > 0,
    };
    let last_seen_at = if touch {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
            .bind(now)
            .bind(first.session_id)
            .execute(db.pool())
            .await?;
        now
    } else {
        first.last_seen_at
    };

    let permissions = rows
        .iter()
        .filter_map(|row| row.permission.as_deref())
        .filter_map(Permission::from_key)
        .collect();
    Ok(Principal::new(
        first.user_id,
        first.account_id,
        first.may.is_primary_admin.into(),
        access == Access::Console,
        permissions,
        Authentication::SessionCookie {
            id: first.session_id,
            ends_at: limits.ends_at(first.created_at, last_seen_at),
            verified_at: first.verified_at,
        },
        Profile {
            email: first.email.clone(),
            first_name: first.first_name.clone(),
            last_name: first.last_name.clone(),
            role_name: first.role_name.clone(),
            picture_at: first.picture_at,
        },
        addr,
    ))
}

/// Ends the session of `token` at once, if it exists, and audits the sign-out.
pub async fn end_session(
    db: &Db,
    token: &SessionToken,
    addr: Option<IpAddr>,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    let ended: Option<(UserId,)> =
        sqlx::query_as("DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id")
            .bind(token.digest())
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((user,)) = ended {
        let actor = Actor::of_user(&mut tx, user, addr).await?;
        let signed_out = AuditEvent {
            action: AuditAction::SignedOut,
            target: AuditTarget::User(user),
            target_label: actor.email.to_string(),
            before: None,
            after: None,
        };
        audit::record(&mut tx, &actor, now, &[signed_out]).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn end_session_by_id(db: &Db, session_id: SessionId) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(session_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Removes every session idle past its account's timeout or older than its lifetime;
/// returns how many.
pub async fn sweep_expired_sessions(db: &Db, now: i64) -> Result<u64, AppError> {
    let swept = sqlx::query(
        "DELETE FROM sessions WHERE id IN (
             SELECT s.id FROM sessions s JOIN accounts a ON a.id = s.account_id
             WHERE s.last_seen_at <= $1 - 60 * a.idle_timeout_minutes
                OR s.created_at <= $1 - 3600 * a.session_lifetime_hours)",
    )
    .bind(now)
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(swept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_random_bits_written_as_hex() {
        let token = SessionToken::generate();
        assert!(is_token(&token.0));
        assert_ne!(token.0, SessionToken::generate().0);
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_secure_over_https() {
        let token = SessionToken::generate();
        let cookie = token.cookie(true);
        assert!(cookie.starts_with(&format!("{SECURE_SESSION_COOKIE}={}", token.0)));
        assert!(cookie.contains("HttpOnly"));
        assert!(cookie.contains("SameSite=Strict"));
        assert!(cookie.contains("Secure"));
        let plain = token.cookie(false);
        assert!(plain.starts_with(&format!("{SESSION_COOKIE}=")) && !plain.contains("Secure"));
        assert!(SessionToken::removal_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn the_token_is_read_from_among_other_cookies_and_junk_is_ignored() {
        let token = SessionToken::generate();
        let mut headers = http::HeaderMap::new();
        let value = format!("theme=dark; {SESSION_COOKIE}={}; x=1", token.0);
        headers.insert(http::header::COOKIE, value.parse().unwrap());
        assert_eq!(
            SessionToken::from_headers(&headers, false).unwrap().0,
            token.0
        );
        assert!(
            SessionToken::from_headers(&headers, true).is_none(),
            "a console over https reads only the __Host- cookie"
        );

        let mut junk = http::HeaderMap::new();
        junk.insert(
            http::header::COOKIE,
            format!("{SESSION_COOKIE}=not-a-token").parse().unwrap(),
        );
        assert!(SessionToken::from_headers(&junk, false).is_none());
    }

    mod stored {
        use super::super::*;
        use crate::testing::fixtures::{NOW, signed_in, test_account};
        use crate::testing::scratch::database_urls;

        async fn last_seen(db: &Db) -> i64 {
            let (at,): (i64,) = sqlx::query_as("SELECT last_seen_at FROM sessions")
                .fetch_one(db.pool())
                .await
                .unwrap();
            at
        }

        #[tokio::test]
        async fn only_the_tokens_digest_is_stored() {
            for url in database_urls().await {
                let db = Db::connect(&url, 2).await.unwrap();
                let account = test_account(&db).await;
                let (token, _) = signed_in(&db, &account, account.primary_admin_id).await;
                let rows: Vec<(String, String)> =
                    sqlx::query_as("SELECT token_hash, user_agent FROM sessions")
                        .fetch_all(db.pool())
                        .await
                        .unwrap();
                let expected = hex::encode(Sha256::digest(token.0.as_bytes()));
                assert_eq!(rows, vec![(expected, "fixture".to_owned())], "{url}");
                assert!(rows.iter().all(|(hash, _)| *hash != token.0), "{url}");
            }
        }

        #[tokio::test]
        async fn reads_within_a_minute_write_nothing_and_later_ones_refresh_the_activity() {
            for url in database_urls().await {
                let db = Db::connect(&url, 2).await.unwrap();
                let account = test_account(&db).await;
                let (token, _) = signed_in(&db, &account, account.primary_admin_id).await;
                for seconds in [1, 30, ACTIVITY_RESOLUTION_SECS - 1] {
                    resolve_session(&db, &token, NOW + seconds, None, Activity::Counts)
                        .await
                        .unwrap();
                    assert_eq!(last_seen(&db).await, NOW, "{url}: +{seconds}s wrote");
                }
                let later = NOW + ACTIVITY_RESOLUTION_SECS;
                resolve_session(&db, &token, later, None, Activity::Counts)
                    .await
                    .unwrap();
                assert_eq!(last_seen(&db).await, later, "{url}");
            }
        }

        const DEFAULT_IDLE_SECS: i64 = 15 * 60;

        async fn set_limits(db: &Db, idle_minutes: i64, lifetime_hours: i64) {
            sqlx::query(
                "UPDATE accounts SET idle_timeout_minutes = $1, session_lifetime_hours = $2",
            )
            .bind(idle_minutes)
            .bind(lifetime_hours)
            .execute(db.pool())
            .await
            .unwrap();
        }

        #[tokio::test]
        async fn idle_sessions_are_swept_and_live_ones_kept() {
            for url in database_urls().await {
                let db = Db::connect(&url, 2).await.unwrap();
                let account = test_account(&db).await;
                let (token, _) = signed_in(&db, &account, account.primary_admin_id).await;
                let live = sweep_expired_sessions(&db, NOW + DEFAULT_IDLE_SECS - 1).await;
                assert_eq!(live.unwrap(), 0, "{url}");
                let ended = sweep_expired_sessions(&db, NOW + DEFAULT_IDLE_SECS).await;
                assert_eq!(ended.unwrap(), 1, "{url}");
                let refused = resolve_session(&db, &token, NOW + 1, None, Activity::Counts).await;
                assert!(matches!(refused, Err(AppError::Unauthenticated)), "{url}");
            }
        }

        #[tokio::test]
        async fn the_accounts_idle_timeout_ends_a_quiet_session_and_its_lifetime_any_session() {
            for url in database_urls().await {
                let db = Db::connect(&url, 2).await.unwrap();
                let account = test_account(&db).await;
                set_limits(&db, 5, 1).await;
                let (quiet, _) = signed_in(&db, &account, account.primary_admin_id).await;
                let (busy, _) = signed_in(&db, &account, account.primary_admin_id).await;
                let principal = resolve_session(&db, &quiet, NOW + 299, None, Activity::Counts);
                assert_eq!(principal.await.unwrap().session_ends_at(), NOW + 299 + 300);
                let refused = resolve_session(&db, &quiet, NOW + 599, None, Activity::Counts);
                assert!(
                    matches!(refused.await, Err(AppError::Unauthenticated)),
                    "{url}"
                );

                // Active every four minutes, it still ends an hour after sign-in.
                for minute in (4..60).step_by(4) {
                    let at = NOW + minute * 60;
                    let kept = resolve_session(&db, &busy, at, None, Activity::Counts).await;
                    let ends_at = kept.unwrap().session_ends_at();
                    assert_eq!(ends_at, (at + 300).min(NOW + 3600), "{url}");
                }
                let ended = resolve_session(&db, &busy, NOW + 3600, None, Activity::Counts);
                assert!(
                    matches!(ended.await, Err(AppError::Unauthenticated)),
                    "{url}"
                );
            }
        }

        #[tokio::test]
        async fn asking_the_time_left_is_no_activity_and_staying_signed_in_is_at_once() {
            for url in database_urls().await {
                let db = Db::connect(&url, 2).await.unwrap();
                let account = test_account(&db).await;
                let (token, _) = signed_in(&db, &account, account.primary_admin_id).await;
                let asked = resolve_session(&db, &token, NOW + 600, None, Activity::Ignored);
                assert_eq!(
                    asked.await.unwrap().session_ends_at(),
                    NOW + DEFAULT_IDLE_SECS
                );
                assert_eq!(last_seen(&db).await, NOW, "{url}");
                let stayed = resolve_session(&db, &token, NOW + 610, None, Activity::Renews);
                assert_eq!(
                    stayed.await.unwrap().session_ends_at(),
                    NOW + 610 + DEFAULT_IDLE_SECS
                );
                assert_eq!(last_seen(&db).await, NOW + 610, "{url}");
            }
        }

        #[tokio::test]
        async fn a_change_needing_a_recent_sign_in_is_refused_five_minutes_on_until_the_password_is_given()
         {
            use crate::auth::sign_in::confirm_password;
            use crate::i18n::Locale;
            use crate::testing::fixtures::PASSWORD;
            for url in database_urls().await {
                let db = Db::connect(&url, 2).await.unwrap();
                let account = test_account(&db).await;
                let (token, _) = signed_in(&db, &account, account.primary_admin_id).await;
                let at = |now: i64| resolve_session(&db, &token, now, None, Activity::Ignored);
                assert_eq!(
                    at(NOW + 300)
                        .await
                        .unwrap()
                        .require_recent_sign_in(NOW + 300),
                    Ok(())
                );
                let refused = at(NOW + 301)
                    .await
                    .unwrap()
                    .require_recent_sign_in(NOW + 301);
                assert_eq!(
                    refused,
                    Err(AppError::Forbidden {
                        denied: crate::error::Denied::RecentSignInNeeded
                    }),
                    "{url}"
                );
                let principal = at(NOW + 400).await.unwrap();
                let Authentication::SessionCookie { id, .. } = principal.authentication();
                let client = Client::default();
                let wrong = confirm_password(
                    &db,
                    principal.user_id(),
                    id,
                    "nope".into(),
                    &client,
                    Locale::en,
                    NOW + 400,
                );
                assert_eq!(
                    wrong.await,
                    Err(AppError::invalid(
                        "password",
                        crate::error::Problem::NotYourPassword
                    ))
                );
                let (failures,): (i64,) =
                    sqlx::query_as("SELECT failed_sign_ins FROM users WHERE id = $1")
                        .bind(principal.user_id())
                        .fetch_one(db.pool())
                        .await
                        .unwrap();
                assert_eq!(
                    failures, 1,
                    "{url}: a wrong password counts towards the lock"
                );
                confirm_password(
                    &db,
                    principal.user_id(),
                    id,
                    PASSWORD.into(),
                    &client,
                    Locale::en,
                    NOW + 400,
                )
                .await
                .unwrap();
                assert_eq!(
                    at(NOW + 700)
                        .await
                        .unwrap()
                        .require_recent_sign_in(NOW + 700),
                    Ok(())
                );
            }
        }

        #[tokio::test]
        async fn the_sweep_follows_each_accounts_limits() {
            for url in database_urls().await {
                let db = Db::connect(&url, 2).await.unwrap();
                let account = test_account(&db).await;
                set_limits(&db, 60, 1).await;
                signed_in(&db, &account, account.primary_admin_id).await;
                assert_eq!(sweep_expired_sessions(&db, NOW + 3599).await.unwrap(), 0);
                assert_eq!(sweep_expired_sessions(&db, NOW + 3600).await.unwrap(), 1);
            }
        }
    }
}
