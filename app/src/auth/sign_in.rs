//! Checking an e-mail and password and starting a console session.

use super::grant::ConsoleAccess;
use super::password::verify_password;
use super::session::{SessionToken, start_session};
use crate::db::Db;
use crate::email::Email;
use crate::error::AppError;
use sqlx::Row;

/// Accounts sharing one e-mail that a single sign-in will try.
const MAX_ACCOUNTS_PER_EMAIL: i64 = 5;

/// Signs in the active admin with this e-mail and password. A wrong e-mail, a wrong
/// password, and an account that may not sign in all get the same answer.
pub async fn sign_in(
    db: &Db,
    email: &Email,
    password: String,
    user_agent: &str,
    now: i64,
) -> Result<SessionToken, AppError> {
    let candidates = sqlx::query(
        "SELECT u.id, u.account_id, u.password_hash, u.status, u.is_primary_admin, r.is_admin
         FROM users u JOIN roles r ON r.id = u.role_id
         WHERE u.email = $1 AND u.password_hash IS NOT NULL
         ORDER BY u.id LIMIT $2",
    )
    .bind(email.as_str())
    .bind(MAX_ACCOUNTS_PER_EMAIL)
    .fetch_all(db.pool())
    .await?;

    if candidates.is_empty() {
        verify_password(password, None).await;
        return Err(AppError::InvalidCredentials);
    }
    for candidate in candidates {
        let hash: Option<String> = candidate.try_get("password_hash")?;
        if !verify_password(password.clone(), hash).await {
            continue;
        }
        let access = ConsoleAccess::of(
            candidate.try_get("status")?,
            candidate.try_get::<i64, _>("is_primary_admin")? == 1,
            candidate.try_get::<i64, _>("is_admin")? == 1,
        );
        match access {
            ConsoleAccess::Allowed => {}
            ConsoleAccess::NotActive => return Err(AppError::InvalidCredentials),
            ConsoleAccess::NotAdmin => {
                return Err(AppError::Forbidden(
                    "Your account has no access to the Admin Console.".into(),
                ));
            }
        }
        let user_id: i64 = candidate.try_get("id")?;
        let account_id: i64 = candidate.try_get("account_id")?;
        let token = start_session(db, user_id, account_id, user_agent, now).await?;
        sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
            .bind(now)
            .bind(user_id)
            .execute(db.pool())
            .await?;
        return Ok(token);
    }
    Err(AppError::InvalidCredentials)
}
