//! How a query's status filter and search find rows: the `WHERE` clause of every grid
//! query, and the choice between collecting the matches and walking the sort index.

use crate::db::sql::Sql;
use crate::domain::AccountId;
use crate::users::query::UserQuery;

/// How a search finds its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SearchPlan {
    /// Few matches: collect them through the prefix indexes, then sort them.
    Collect,
    /// Many matches: walk the sort index in order and keep the rows that match, so a
    /// page stops after a few dozen rows instead of sorting every match.
    Walk,
}

impl SearchPlan {
    /// Collecting costs about one row visit per match; walking about `page × scope /
    /// matches`. Walking wins once the matches outnumber √(page × scope).
    pub(super) fn choose(matches: u64, scope: u64, page: u32) -> Self {
        if matches.saturating_mul(matches) > u64::from(page).saturating_mul(scope) {
            Self::Walk
        } else {
            Self::Collect
        }
    }
}

/// Appends ` WHERE …`: the account, the status filter and the search.
pub(super) fn push_filters(
    sql: &mut Sql,
    account_id: AccountId,
    query: &UserQuery,
    plan: SearchPlan,
) {
    let account = sql.int(account_id.get());
    sql.push(&format!(" WHERE u.account_id = {account}"));
    if let Some(status) = query.status {
        let status = sql.int(status.code());
        sql.push(&format!(" AND u.status = {status}"));
    }
    if let Some(search) = &query.search {
        let low = sql.text(search.as_str());
        let high = sql.text(&search.upper_bound());
        // Appending '' hides a column from the planner: its index is not used to find
        // rows, so the index of the sort order is walked instead.
        let hide = match plan {
            SearchPlan::Collect => "",
            SearchPlan::Walk => " || ''",
        };
        let range = |column: &str| format!("({column}{hide} >= {low} AND {column}{hide} < {high})");
        if search.is_email() {
            sql.push(&format!(" AND {}", range("u.email")));
        } else {
            sql.push(&format!(
                " AND ({} OR {} OR {})",
                range("u.name_key"),
                range("u.last_key"),
                range("u.email")
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_walks_the_sort_index_only_when_matches_are_plentiful() {
        assert_eq!(SearchPlan::choose(25_000, 1_000_000, 25), SearchPlan::Walk);
        assert_eq!(SearchPlan::choose(3, 1_000_000, 25), SearchPlan::Collect);
        assert_eq!(
            SearchPlan::choose(4_000, 1_000_000, 25),
            SearchPlan::Collect
        );
        assert_eq!(SearchPlan::choose(6_000, 1_000_000, 25), SearchPlan::Walk);
    }
}
