//! Reading the users an admin selected: all of them in the grant's account, or a 404
//! naming the ids that are not (an id of another account reads as unknown). The rows
//! stay locked until the transaction ends, so two admins acting on the same users at
//! once act one after the other, each on what the other left: SQLite's write
//! transactions take the lock when they begin; PostgreSQL's rows are read `FOR UPDATE`.

use crate::db::Backend;
use crate::db::sql::{Sql, chunks};
use crate::domain::{AccountId, UserId};
use crate::error::{AppError, Missing};
use crate::users::selection::UserIds;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, FromRow, Transaction};
use std::collections::BTreeMap;

/// How many unknown ids an error names.
const NAMED_UNKNOWN_IDS: usize = 10;

/// A stored user with an id, as a selection reads them.
pub(crate) trait Selected: for<'r> FromRow<'r, AnyRow> + Send + Unpin {
    /// The columns of `users` the row is read from.
    const COLUMNS: &'static str;
    fn id(&self) -> UserId;
}

/// Every selected user of `account_id`, by id; a 404 when any id is not one of them.
pub(crate) async fn fetch_selected<T: Selected>(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    account_id: AccountId,
    ids: &UserIds,
) -> Result<BTreeMap<UserId, T>, AppError> {
    let mut found = BTreeMap::new();
    for chunk in chunks(ids.as_slice(), 1) {
        let mut sql = Sql::new(&format!(
            "SELECT {} FROM users WHERE account_id = ",
            T::COLUMNS
        ));
        let account = sql.int(account_id.get());
        let list = sql.int_list(chunk.iter().map(|id| id.get()));
        sql.push(&format!("{account} AND id IN {list}{}", backend.row_lock()));
        for user in sql.query_as::<T>().fetch_all(&mut **tx).await? {
            found.insert(user.id(), user);
        }
    }
    let unknown: Vec<i64> = ids
        .as_slice()
        .iter()
        .filter(|id| !found.contains_key(id))
        .map(|id| id.get())
        .collect();
    if unknown.is_empty() {
        Ok(found)
    } else {
        Err(AppError::NotFound {
            missing: Missing::Users {
                more: unknown.len() > NAMED_UNKNOWN_IDS,
                ids: unknown.into_iter().take(NAMED_UNKNOWN_IDS).collect(),
            },
        })
    }
}

/// The user `id` of `account_id`, read and locked as a selection is; a 404 when the
/// account has no such user.
pub(crate) async fn fetch_one<T: Selected>(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    account_id: AccountId,
    id: UserId,
) -> Result<T, AppError> {
    let found = fetch_selected::<T>(tx, backend, account_id, &UserIds::one(id)).await?;
    found.into_values().next().ok_or(AppError::Internal)
}

/// Nothing when the account has the user `id`; a 404 otherwise. For reads, which lock
/// nothing.
pub(crate) async fn ensure_user(
    conn: &mut AnyConnection,
    account_id: AccountId,
    id: UserId,
) -> Result<(), AppError> {
    let known: Option<(UserId,)> =
        sqlx::query_as("SELECT id FROM users WHERE account_id = $1 AND id = $2")
            .bind(account_id)
            .bind(id)
            .fetch_optional(conn)
            .await?;
    known
        .map(|_| ())
        .ok_or_else(|| AppError::unknown_user(id.get()))
}
