//! Server-side sessions: a random 256-bit token in an HttpOnly cookie, stored only as
//! its SHA-256 hash, ended after 15 idle minutes or at once on sign-out or deletion.

use super::grant::{ALL_PERMISSIONS, Capability, ConsoleAccess, Grant};
use crate::db::Db;
use crate::error::AppError;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use sqlx::Row;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "roster_session";
/// Inactivity after which a session ends (the seeds: 15 minutes).
pub const IDLE_TIMEOUT_SECS: i64 = 15 * 60;

/// The secret a browser holds. Never logged, never stored, never serialised.
pub struct SessionToken(String);

impl SessionToken {
    fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Self(hex(&bytes))
    }

    /// The token in the request's `Cookie` header, if any.
    pub fn from_headers(headers: &http::HeaderMap) -> Option<Self> {
        headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, value)| *name == SESSION_COOKIE && is_token(value))
            .map(|(_, value)| Self(value.to_owned()))
    }

    /// What the database stores in place of the token.
    fn digest(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }

    /// The `Set-Cookie` value that hands this token to the browser.
    pub fn cookie(&self, secure: bool) -> String {
        format!(
            "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict{}",
            self.0,
            if secure { "; Secure" } else { "" }
        )
    }

    /// The `Set-Cookie` value that removes the session cookie.
    pub fn removal_cookie(secure: bool) -> String {
        format!(
            "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
            if secure { "; Secure" } else { "" }
        )
    }
}

fn is_token(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The signed-in admin behind a valid session. Not serialisable: it stays on the server.
#[derive(Debug, Clone)]
pub struct Admin {
    pub user_id: i64,
    pub account_id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub is_primary_admin: bool,
    pub role_name: String,
    permissions: Vec<String>,
}

impl Admin {
    /// A grant for `C`, or Forbidden when this admin's role lacks it.
    pub fn grant<C: Capability>(&self) -> Result<Grant<C>, AppError> {
        if self.is_primary_admin || self.permissions.iter().any(|p| p == C::PERMISSION) {
            Ok(Grant::new(self.account_id, self.user_id))
        } else {
            Err(AppError::Forbidden(format!(
                "Your admin role does not allow this ({}).",
                C::PERMISSION
            )))
        }
    }
}

/// Starts a session for `user_id` and returns its token.
pub async fn start_session(
    db: &Db,
    user_id: i64,
    account_id: i64,
    user_agent: &str,
    now: i64,
) -> Result<SessionToken, AppError> {
    let token = SessionToken::generate();
    let user_agent: String = user_agent.chars().take(300).collect();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, account_id, created_at, last_seen_at, user_agent)
         VALUES ($1, $2, $3, $4, $4, $5)",
    )
    .bind(token.digest())
    .bind(user_id)
    .bind(account_id)
    .bind(now)
    .bind(user_agent)
    .execute(db.pool())
    .await?;
    Ok(token)
}

/// The admin whose live session `token` is, refreshing its idle timer; a session idle
/// for 15 minutes, or whose user may no longer sign in, is ended and refused.
pub async fn resume_session(db: &Db, token: &SessionToken, now: i64) -> Result<Admin, AppError> {
    let digest = token.digest();
    let row = sqlx::query(
        "SELECT s.id, s.last_seen_at, u.id AS user_id, u.account_id, u.email, u.first_name,
                u.last_name, u.status, u.is_primary_admin, u.role_id, r.name AS role_name, r.is_admin
         FROM sessions s
         JOIN users u ON u.id = s.user_id
         JOIN roles r ON r.id = u.role_id
         WHERE s.token_hash = $1",
    )
    .bind(&digest)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::Unauthenticated)?;

    let session_id: i64 = row.try_get("id")?;
    let last_seen_at: i64 = row.try_get("last_seen_at")?;
    let is_primary_admin = row.try_get::<i64, _>("is_primary_admin")? == 1;
    let access = ConsoleAccess::of(
        row.try_get("status")?,
        is_primary_admin,
        row.try_get::<i64, _>("is_admin")? == 1,
    );
    if now - last_seen_at >= IDLE_TIMEOUT_SECS || access != ConsoleAccess::Allowed {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(session_id)
            .execute(db.pool())
            .await?;
        return Err(AppError::Unauthenticated);
    }
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
        .bind(now)
        .bind(session_id)
        .execute(db.pool())
        .await?;

    let permissions = sqlx::query("SELECT permission FROM role_permissions WHERE role_id = $1")
        .bind(row.try_get::<i64, _>("role_id")?)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|permission| permission.try_get::<String, _>("permission"))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Admin {
        user_id: row.try_get("user_id")?,
        account_id: row.try_get("account_id")?,
        email: row.try_get("email")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        is_primary_admin,
        role_name: row.try_get("role_name")?,
        permissions: if is_primary_admin {
            ALL_PERMISSIONS.iter().map(|p| (*p).to_owned()).collect()
        } else {
            permissions
        },
    })
}

/// Ends the session of `token` at once, if it exists.
pub async fn end_session(db: &Db, token: &SessionToken) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token.digest())
        .execute(db.pool())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_random_bits_and_only_their_digest_is_stored() {
        let token = SessionToken::generate();
        assert_eq!(token.0.len(), 64);
        assert_ne!(token.0, SessionToken::generate().0);
        assert_ne!(token.digest(), token.0);
        assert_eq!(token.digest().len(), 64);
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_secure_over_https() {
        let token = SessionToken::generate();
        let cookie = token.cookie(true);
        assert!(cookie.contains("HttpOnly"));
        assert!(cookie.contains("SameSite=Strict"));
        assert!(cookie.ends_with("; Secure"));
        assert!(!token.cookie(false).contains("Secure"));
    }

    #[test]
    fn the_token_is_read_from_among_other_cookies_and_junk_is_ignored() {
        let token = SessionToken::generate();
        let mut headers = http::HeaderMap::new();
        let value = format!("theme=dark; {SESSION_COOKIE}={}; x=1", token.0);
        headers.insert(http::header::COOKIE, value.parse().unwrap());
        assert_eq!(SessionToken::from_headers(&headers).unwrap().0, token.0);

        let mut junk = http::HeaderMap::new();
        junk.insert(
            http::header::COOKIE,
            format!("{SESSION_COOKIE}=not-a-token").parse().unwrap(),
        );
        assert!(SessionToken::from_headers(&junk).is_none());
    }
}
