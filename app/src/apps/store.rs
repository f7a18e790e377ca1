//! Creating apps with their owner and members; reading and changing who holds which
//! role in them (`roles`).

mod roles;

pub(crate) use roles::apps_of;
pub use roles::{assign, change_role, find_apps, transfer, user_apps};

use super::MemberRole;
use crate::db::sql::flag;
use crate::domain::{AccountId, AppId, UserId};
use crate::error::AppError;
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
        "INSERT INTO apps (account_id, name, owner_id, published, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(app.account_id)
    .bind(&app.name)
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
