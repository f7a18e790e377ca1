//! The SQL of profile pictures: setting, removing and reading a user's thumbnail, each
//! change audited in its own transaction.

use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::principal::Actor;
use crate::db::{Db, lock_account_row};
use crate::domain::{AccountId, UserId};
use crate::error::AppError;
use serde_json::json;
use sqlx::{Any, Transaction};

/// The e-mail of user `user` of `account`, their row taken; 404 when the account has no
/// such user.
async fn lock_user(
    tx: &mut Transaction<'_, Any>,
    db: &Db,
    account: AccountId,
    user: UserId,
) -> Result<String, AppError> {
    let (email,): (String,) =
        lock_account_row(tx, db.backend(), "users", "email", account, user.get())
            .await?
            .ok_or_else(|| AppError::unknown_user(user.get()))?;
    Ok(email)
}

async fn audited(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    user: UserId,
    email: String,
    change: (&str, &str),
    now: i64,
) -> Result<(), AppError> {
    let event = AuditEvent {
        action: AuditAction::PictureChanged,
        target: AuditTarget::User(user),
        target_label: email,
        before: Some(json!({ "picture": change.0 })),
        after: Some(json!({ "picture": change.1 })),
    };
    audit::record(tx, actor, now, &[event]).await
}

/// Stores `png` as user `user`'s picture, replacing any before it; answers when it
/// changed.
pub async fn set_picture(
    db: &Db,
    actor: &Actor,
    user: UserId,
    png: &[u8],
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = db.write().await?;
    let email = lock_user(&mut tx, db, actor.account_id, user).await?;
    let (had,): (Option<i64>,) = sqlx::query_as("SELECT picture_at FROM users WHERE id = $1")
        .bind(user)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM user_pictures WHERE user_id = $1")
        .bind(user)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO user_pictures (user_id, image, updated_at) VALUES ($1, $2, $3)")
        .bind(user)
        .bind(png.to_vec())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE users SET picture_at = $1 WHERE id = $2")
        .bind(now)
        .bind(user)
        .execute(&mut *tx)
        .await?;
    let before = if had.is_some() { "set" } else { "none" };
    audited(&mut tx, actor, user, email, (before, "set"), now).await?;
    tx.commit().await?;
    Ok(now)
}

/// Removes user `user`'s picture; removing none changes nothing.
pub async fn remove_picture(
    db: &Db,
    actor: &Actor,
    user: UserId,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    let email = lock_user(&mut tx, db, actor.account_id, user).await?;
    let removed = sqlx::query("DELETE FROM user_pictures WHERE user_id = $1")
        .bind(user)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if removed == 0 {
        return Ok(());
    }
    sqlx::query("UPDATE users SET picture_at = NULL WHERE id = $1")
        .bind(user)
        .execute(&mut *tx)
        .await?;
    audited(&mut tx, actor, user, email, ("set", "none"), now).await?;
    tx.commit().await?;
    Ok(())
}

/// User `user`'s picture, when `account` has the user and they have one.
pub async fn picture(
    db: &Db,
    account: AccountId,
    user: UserId,
) -> Result<Option<Vec<u8>>, AppError> {
    let found: Option<(Vec<u8>,)> = sqlx::query_as(
        "SELECT p.image FROM user_pictures p JOIN users u ON u.id = p.user_id
         WHERE u.account_id = $1 AND u.id = $2",
    )
    .bind(account)
    .bind(user)
    .fetch_optional(db.pool())
    .await?;
    Ok(found.map(|(image,)| image))
}
