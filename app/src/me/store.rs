//! Reading the signed-in user's own account.

use crate::apps::store::apps_of;
use crate::auth::principal::{Grant, OwnAccount};
use crate::db::Db;
use crate::domain::{Email, SessionId, UserStatus};
use crate::error::AppError;
use crate::me::MyAccount;
use crate::users::store::live_sessions;

#[derive(sqlx::FromRow)]
struct OwnRow {
    first_name: String,
    last_name: String,
    #[sqlx(try_from = "String")]
    email: Email,
    #[sqlx(try_from = "i64")]
    status: UserStatus,
    role_name: String,
}

/// The grant's own user, with their live sessions and apps.
pub async fn my_account(
    db: &Db,
    grant: &Grant<OwnAccount>,
    is_admin: bool,
    yours: SessionId,
    now: i64,
) -> Result<MyAccount, AppError> {
    let (account_id, user) = (grant.account_id(), grant.actor_id());
    let mut conn = db.pool().acquire().await?;
    let row: OwnRow = sqlx::query_as(
        "SELECT u.first_name, u.last_name, u.email, u.status, r.name AS role_name
         FROM users u JOIN roles r ON r.id = u.role_id
         WHERE u.account_id = $1 AND u.id = $2",
    )
    .bind(account_id)
    .bind(user)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::Unauthenticated)?;
    Ok(MyAccount {
        first_name: row.first_name,
        last_name: row.last_name,
        email: row.email,
        status: row.status,
        role_name: row.role_name,
        is_admin,
        sessions: live_sessions(&mut conn, account_id, user, yours, now).await?,
        apps: apps_of(&mut conn, account_id, user).await?,
    })
}
