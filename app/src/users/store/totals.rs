//! Counting without counting a million rows: the per-status counts that triggers keep,
//! counts of a query's rows, and PostgreSQL's planner estimates.

use super::search::Finder;
use crate::auth::principal::{Grant, UsersRead};
use crate::db::Db;
use crate::db::sql::Sql;
use crate::domain::AccountId;
use crate::error::AppError;
use crate::users::Total;
use crate::users::query::UserQuery;

/// How many users match the query (counted, estimated, or "more than").
#[tracing::instrument(skip_all, err, fields(account = %grant.account_id()))]
pub async fn count_users(
    db: &Db,
    grant: &Grant<UsersRead>,
    query: &UserQuery,
) -> Result<Total, AppError> {
    Ok(Finder::plan(db, grant.account_id(), query).await?.total)
}

/// Users of the account with the query's status, ignoring its search: from the counts
/// the triggers keep.
pub(super) async fn count_in_scope(
    db: &Db,
    account_id: AccountId,
    query: &UserQuery,
) -> Result<u64, AppError> {
    let mut sql = Sql::new("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM user_counts");
    let account = sql.int(account_id.get());
    sql.push(&format!(" WHERE account_id = {account}"));
    if let Some(status) = query.status {
        let status = sql.int(status.code());
        sql.push(&format!(" AND status = {status}"));
    }
    count_rows(db, &sql).await
}

/// The one number a `SELECT COUNT(…)` statement answers.
pub(super) async fn count_rows(db: &Db, sql: &Sql) -> Result<u64, AppError> {
    let (count,): (i64,) = sql.query_as().fetch_one(db.pool()).await?;
    Ok(count.max(0) as u64)
}

/// PostgreSQL's estimate of the rows `sql` returns (its plan's top line).
pub(super) async fn planned_rows(db: &Db, sql: Sql) -> Result<u64, AppError> {
    let explain = sql.wrapped("EXPLAIN ", "");
    let (top_line,): (String,) = explain.query_as().fetch_one(db.pool()).await?;
    Ok(rows_of_plan_line(&top_line).unwrap_or(u64::MAX))
}

/// The `rows=` figure of a plan line such as `Bitmap Heap Scan on users u
/// (cost=1.00..2.00 rows=25000 width=4)`.
fn rows_of_plan_line(plan_line: &str) -> Option<u64> {
    let digits: String = plan_line
        .split("rows=")
        .nth(1)?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_planned_row_count_is_read_from_the_top_plan_line() {
        let line = "Bitmap Heap Scan on users u  (cost=12.50..900.10 rows=25031 width=4)";
        assert_eq!(rows_of_plan_line(line), Some(25_031));
        assert_eq!(rows_of_plan_line("Result  (cost=0.00..0.01 width=4)"), None);
    }
}
