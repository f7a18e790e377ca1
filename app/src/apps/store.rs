//! Creating apps with their owner and members; reading and changing who holds which
//! role in them (`roles`); the name keys of apps stored before the Apps page.

mod roles;

pub(crate) use roles::apps_of;
pub use roles::{assign, change_role, find_apps, transfer, user_apps};

use super::MemberRole;
use crate::db::sql::flag;
use crate::domain::{AccountId, AppId, UserId};
use crate::error::AppError;
use crate::users::keys::fold;
use sqlx::{Any, Transaction};

/// An app about to be created.
#[derive(Debug, Clone)]
pub struct NewApp {
    pub account_id: AccountId,
    pub name: String,
    pub owner_id: UserId,
    pub published: bool,
    pub members: Vec<(UserId, MemberRole)>,
    pub created_at: i64,
}

/// Creates an app and its memberships in `tx`; returns its id.
pub async fn insert_app(tx: &mut Transaction<'_, Any>, app: &NewApp) -> Result<AppId, AppError> {
    let (app_id,): (AppId,) = sqlx::query_as(
        "INSERT INTO apps (account_id, name, name_key, owner_id, published, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(app.account_id)
    .bind(&app.name)
    .bind(fold(&app.name))
    .bind(app.owner_id)
    .bind(flag(app.published))
    .bind(app.created_at)
    .fetch_one(&mut **tx)
    .await?;
    for (user_id, role) in &app.members {
        sqlx::query("INSERT INTO app_members (app_id, user_id, role) VALUES ($1, $2, $3)")
            .bind(app_id)
            .bind(*user_id)
            .bind(role.code())
            .execute(&mut **tx)
            .await?;
    }
    Ok(app_id)
}

/// Folds the names of apps stored before names had keys (a no-op once done); returns
/// how many were filled in. Apps are few: one transaction holds them all.
pub async fn backfill_name_keys(db: &crate::db::Db) -> Result<u64, AppError> {
    let apps: Vec<(AppId, String)> =
        sqlx::query_as("SELECT id, name FROM apps WHERE name_key = ''")
            .fetch_all(db.pool())
            .await?;
    if apps.is_empty() {
        return Ok(0);
    }
    let mut tx = db.write().await?;
    for (id, name) in &apps {
        sqlx::query("UPDATE apps SET name_key = $1 WHERE id = $2")
            .bind(fold(name))
            .bind(*id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(apps.len() as u64)
}
