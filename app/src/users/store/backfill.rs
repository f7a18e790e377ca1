//! Keys for users stored before the keys were computed the way `users::keys` computes
//! them (a database from before substring search): filled in at start-up, in batches,
//! before the server answers its first request. A no-op once done.

use crate::db::Db;
use crate::domain::UserId;
use crate::error::AppError;
use crate::users::keys::UserKeys;

/// Users updated per transaction.
const BATCH: i64 = 2_000;

/// Computes the keys of every user who has none yet; returns how many were filled in.
pub async fn backfill_search_keys(db: &Db) -> Result<u64, AppError> {
    let mut filled = 0;
    loop {
        let users: Vec<(UserId, String, String, String)> = sqlx::query_as(
            "SELECT id, first_name, last_name, email FROM users WHERE search_text = '' LIMIT $1",
        )
        .bind(BATCH)
        .fetch_all(db.pool())
        .await?;
        if users.is_empty() {
            return Ok(filled);
        }
        let mut tx = db.write().await?;
        for (id, first_name, last_name, email) in &users {
            let keys = UserKeys::of(first_name, last_name, email);
            sqlx::query(
                "UPDATE users SET name_key = $1, last_key = $2, search_text = $3 WHERE id = $4",
            )
            .bind(&keys.name_key)
            .bind(&keys.last_key)
            .bind(&keys.search_text)
            .bind(*id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        filled += users.len() as u64;
    }
}
