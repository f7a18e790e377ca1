//! How a query finds its rows. A search of three characters or more matches anywhere in
//! the folded "first last" or e-mail, through each engine's trigram index; a shorter one
//! matches the start of the first name, last name, full name or e-mail, through the
//! sort indexes. Either way the server picks a plan: collect the matches and sort them
//! (cheap when they are few), or walk the sort index and keep the rows that match
//! (cheap when they are many). The same decision yields the view's total.

use super::totals::{count_in_scope, count_rows, planned_rows};
use crate::db::sql::Sql;
use crate::db::{Backend, Db};
use crate::domain::AccountId;
use crate::error::AppError;
use crate::users::keys::fold;
use crate::users::query::UserQuery;
use crate::users::{Total, TotalKind};

/// The shortest search matched anywhere in a name or e-mail: a trigram index needs three.
pub(super) const MIN_SUBSTRING_CHARS: usize = 3;
/// Matches up to which a search counts them exactly and collects them: about a
/// millisecond of work on either engine.
pub(super) const COUNTED_MATCHES: u64 = 1_000;
/// Above this, PostgreSQL shows the planner's estimate of a prefix search's matches.
const ESTIMATED_PREFIX_MATCHES: u64 = 2_000;

/// What a query's search matches, folded as the stored keys are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Matching {
    Everyone,
    /// The start of the first, last or full name, or of the e-mail.
    Prefix(String),
    /// Anywhere in the full name or the e-mail.
    Substring(String),
}

impl Matching {
    pub(super) fn of(query: &UserQuery) -> Self {
        let Some(search) = &query.search else {
            return Self::Everyone;
        };
        let key = fold(search.as_str());
        if key.chars().count() < MIN_SUBSTRING_CHARS {
            Self::Prefix(key)
        } else {
            Self::Substring(key)
        }
    }
}

/// How a search finds its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Plan {
    /// Few matches: collect them through the search index, then sort them.
    Collect,
    /// Many matches: walk the sort index (which carries the keys) in order and keep
    /// the rows that match, so a page stops after a few dozen matches.
    Walk,
}

impl Plan {
    /// Collecting costs about one row visit per match; walking about `page × scope /
    /// matches`. Walking wins once the matches outnumber √(page × scope).
    pub(super) fn by_cost(matches: u64, scope: u64, page: u32) -> Self {
        if matches.saturating_mul(matches) > u64::from(page).saturating_mul(scope) {
            Self::Walk
        } else {
            Self::Collect
        }
    }
}

/// How one query will find its rows, and how many it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Finder {
    pub(super) matching: Matching,
    pub(super) plan: Plan,
    pub(super) total: Total,
}

impl Finder {
    /// Decides the plan and the total of `query` in `account_id`.
    pub(super) async fn plan(
        db: &Db,
        account_id: AccountId,
        query: &UserQuery,
    ) -> Result<Self, AppError> {
        let matching = Matching::of(query);
        let (plan, total) = match &matching {
            Matching::Everyone => {
                let total = Total::exact(count_in_scope(db, account_id, query).await?);
                (Plan::Collect, total)
            }
            Matching::Prefix(_) => {
                let total = Self::prefix_total(db, account_id, query, &matching).await?;
                let scope = count_in_scope(db, account_id, query).await?;
                (Plan::by_cost(total.value, scope, query.size), total)
            }
            Matching::Substring(_) => {
                Self::substring_plan(db, account_id, query, &matching).await?
            }
        };
        Ok(Self {
            matching,
            plan,
            total,
        })
    }

    /// A prefix search's matches, counted through the prefix ranges of the sort
    /// indexes, or on PostgreSQL estimated when they are many.
    async fn prefix_total(
        db: &Db,
        account_id: AccountId,
        query: &UserQuery,
        matching: &Matching,
    ) -> Result<Total, AppError> {
        let finder = |plan| Self {
            matching: matching.clone(),
            plan,
            total: Total::exact(0),
        };
        if db.backend() == Backend::Postgres {
            let sql = finder(Plan::Collect).filtered(db, account_id, query, "1", false);
            let estimate = planned_rows(db, sql).await?;
            if estimate > ESTIMATED_PREFIX_MATCHES {
                return Ok(Total {
                    value: estimate,
                    kind: TotalKind::Estimate,
                });
            }
        }
        let sql = finder(Plan::Collect).filtered(db, account_id, query, "COUNT(*)", false);
        Ok(Total::exact(count_rows(db, &sql).await?))
    }

    /// A substring search counts its matches up to `COUNTED_MATCHES` and collects them;
    /// beyond that it walks the sort index, and its total says "more than" (or, on
    /// PostgreSQL when the planner expects far more, gives its estimate: pg_trgm's
    /// statistics make it a good one).
    async fn substring_plan(
        db: &Db,
        account_id: AccountId,
        query: &UserQuery,
        matching: &Matching,
    ) -> Result<(Plan, Total), AppError> {
        let collect = Self {
            matching: matching.clone(),
            plan: Plan::Collect,
            total: Total::exact(0),
        };
        if db.backend() == Backend::Postgres {
            let estimate =
                planned_rows(db, collect.filtered(db, account_id, query, "1", false)).await?;
            if estimate > 2 * COUNTED_MATCHES {
                let total = Total {
                    value: estimate,
                    kind: TotalKind::Estimate,
                };
                return Ok((Plan::Walk, total));
            }
        }
        let mut capped = collect.filtered(db, account_id, query, "1", false);
        let limit = capped.int(COUNTED_MATCHES as i64 + 1);
        capped.push(&format!(" LIMIT {limit}"));
        let counted = count_rows(
            db,
            &capped.wrapped("SELECT COUNT(*) FROM (", ") AS matches"),
        )
        .await?;
        if counted <= COUNTED_MATCHES {
            Ok((Plan::Collect, Total::exact(counted)))
        } else {
            let total = Total {
                value: COUNTED_MATCHES,
                kind: TotalKind::MoreThan,
            };
            Ok((Plan::Walk, total))
        }
    }

    /// `SELECT {columns}` with this finder's `FROM` and `WHERE`: the account, the status
    /// filter and the search. Columns name the user `u`, and the role `r` when
    /// `with_role` joins it.
    pub(super) fn filtered(
        &self,
        db: &Db,
        account_id: AccountId,
        query: &UserQuery,
        columns: &str,
        with_role: bool,
    ) -> Sql {
        let backend = db.backend();
        let from = match (&self.matching, self.plan, backend) {
            (Matching::Substring(_), Plan::Collect, Backend::Sqlite) => {
                // The trigram index drives the join; SQLite would otherwise scan users
                // and probe the index for each of them.
                "users_search CROSS JOIN users u ON u.id = users_search.rowid"
            }
            _ => "users u",
        };
        let mut sql = Sql::new(&format!("SELECT {columns} FROM {from}"));
        if with_role {
            sql.push(" JOIN roles r ON r.id = u.role_id");
        }
        let account = sql.int(account_id.get());
        sql.push(&format!(" WHERE u.account_id = {account}"));
        if let Some(status) = query.status {
            let status = sql.int(status.code());
            sql.push(&format!(" AND u.status = {status}"));
        }
        match &self.matching {
            Matching::Everyone => {}
            Matching::Prefix(key) => {
                let low = sql.text(key);
                let high = sql.text(&format!("{key}{}", char::MAX));
                // Appending '' hides a column from the planner: its index is not used to
                // find rows, so the index of the sort order is walked instead.
                let hide = match self.plan {
                    Plan::Collect => "",
                    Plan::Walk => " || ''",
                };
                let range =
                    |column: &str| format!("({column}{hide} >= {low} AND {column}{hide} < {high})");
                sql.push(&format!(
                    " AND ({} OR {} OR {})",
                    range("u.name_key"),
                    range("u.last_key"),
                    range("u.email")
                ));
            }
            Matching::Substring(key) => {
                let condition = match (self.plan, backend) {
                    (Plan::Collect, Backend::Sqlite) => {
                        let phrase = sql.text(&format!("\"{}\"", key.replace('"', "\"\"")));
                        format!("users_search MATCH {phrase}")
                    }
                    (Plan::Collect, Backend::Postgres) => {
                        let pattern = sql.text(&format!("%{}%", escape_like(key)));
                        format!("u.search_text LIKE {pattern}")
                    }
                    // Functions the trigram indexes cannot serve: the sort index is walked.
                    (Plan::Walk, Backend::Sqlite) => {
                        format!("instr(u.search_text, {}) > 0", sql.text(key))
                    }
                    (Plan::Walk, Backend::Postgres) => {
                        format!("strpos(u.search_text, {}) > 0", sql.text(key))
                    }
                };
                sql.push(&format!(" AND {condition}"));
            }
        }
        sql
    }
}

/// `text` with the wildcards of `LIKE` escaped (PostgreSQL's default escape is `\`).
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::query::GridParams;

    fn matching(q: &str) -> Matching {
        let params = GridParams {
            q: Some(q.to_owned()),
            ..GridParams::default()
        };
        Matching::of(&UserQuery::parse(&params).unwrap())
    }

    #[test]
    fn three_characters_or_more_match_anywhere_and_fewer_match_the_start() {
        assert_eq!(matching("Jo"), Matching::Prefix("jo".into()));
        assert_eq!(matching("ART"), Matching::Substring("art".into()));
        assert_eq!(matching("Zoë"), Matching::Substring("zoe".into()));
        assert_eq!(matching("佐藤"), Matching::Prefix("佐藤".into()));
    }

    #[test]
    fn a_search_walks_the_sort_index_only_when_matches_are_plentiful() {
        assert_eq!(Plan::by_cost(25_000, 1_000_000, 25), Plan::Walk);
        assert_eq!(Plan::by_cost(3, 1_000_000, 25), Plan::Collect);
        assert_eq!(Plan::by_cost(4_000, 1_000_000, 25), Plan::Collect);
        assert_eq!(Plan::by_cost(6_000, 1_000_000, 25), Plan::Walk);
    }

    #[test]
    fn like_wildcards_in_a_search_match_themselves() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
    }
}
