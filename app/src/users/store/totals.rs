//! How many users a view holds, without counting a million rows: the counts triggers
//! keep for the unfiltered and status views; for a search, a count over the prefix
//! ranges, or on PostgreSQL the planner's estimate when the matches are many.

use super::search::{SearchPlan, push_filters};
use crate::auth::principal::{Grant, UsersRead};
use crate::db::sql::Sql;
use crate::db::{Backend, Db};
use crate::domain::AccountId;
use crate::error::AppError;
use crate::users::Total;
use crate::users::query::UserQuery;

/// Matches above which PostgreSQL shows the planner's estimate instead of counting.
const EXACT_COUNT_LIMIT: u64 = 2_000;

/// How many users match the query.
#[tracing::instrument(skip_all, err, fields(account = %grant.account_id()))]
pub async fn count_users(
    db: &Db,
    grant: &Grant<UsersRead>,
    query: &UserQuery,
) -> Result<Total, AppError> {
    let account_id = grant.account_id();
    if query.search.is_none() {
        return Ok(Total::exact(count_in_scope(db, account_id, query).await?));
    }
    if db.backend() == Backend::Postgres {
        let estimate = estimate_matches(db, account_id, query).await?;
        if estimate > EXACT_COUNT_LIMIT {
            return Ok(Total {
                value: estimate,
                is_estimate: true,
            });
        }
    }
    Ok(Total::exact(count_matches(db, account_id, query).await?))
}

/// Users of the account with the query's status, ignoring its search: from the counts
/// the triggers keep.
pub(super) async fn count_in_scope(
    db: &Db,
    account_id: AccountId,
    query: &UserQuery,
) -> Result<u64, AppError> {
    let mut sql = Sql::new("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS total FROM user_counts");
    let account = sql.int(account_id.get());
    sql.push(&format!(" WHERE account_id = {account}"));
    if let Some(status) = query.status {
        let status = sql.int(status.code());
        sql.push(&format!(" AND status = {status}"));
    }
    let (total,): (i64,) = sql.query_as().fetch_one(db.pool()).await?;
    Ok(total.max(0) as u64)
}

/// Users matching the query's search, counted through the prefix indexes.
async fn count_matches(db: &Db, account_id: AccountId, query: &UserQuery) -> Result<u64, AppError> {
    let mut sql = Sql::new("SELECT COUNT(*) AS total FROM users u");
    push_filters(&mut sql, account_id, query, SearchPlan::Collect);
    let (total,): (i64,) = sql.query_as().fetch_one(db.pool()).await?;
    Ok(total.max(0) as u64)
}

/// The planner's estimate of the rows matching the query's search.
async fn estimate_matches(
    db: &Db,
    account_id: AccountId,
    query: &UserQuery,
) -> Result<u64, AppError> {
    let mut sql = Sql::new("EXPLAIN SELECT 1 FROM users u");
    push_filters(&mut sql, account_id, query, SearchPlan::Collect);
    let (top_line,): (String,) = sql.query_as().fetch_one(db.pool()).await?;
    Ok(planned_rows(&top_line).unwrap_or(u64::MAX))
}

/// The `rows=` figure of a plan line such as `Bitmap Heap Scan on users u
/// (cost=1.00..2.00 rows=25000 width=4)`.
fn planned_rows(plan_line: &str) -> Option<u64> {
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
        assert_eq!(planned_rows(line), Some(25_031));
        assert_eq!(planned_rows("Result  (cost=0.00..0.01 width=4)"), None);
    }
}
