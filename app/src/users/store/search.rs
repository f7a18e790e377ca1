//! How a query finds its rows. A search of three characters or more matches anywhere in
//! the folded "first last" or e-mail, through each engine's trigram index; a shorter one
//! matches the start of the first name, last name, full name or e-mail, through the
//! sort indexes. Either way matches are counted up to `COUNTED_MATCHES`: when they are
//! no more, they are **collected** and sorted; when they are more, the sort index is
//! **walked** in order (at most `WALK_BUDGET` rows, then ten times as many, reading
//! only what the covering indexes hold) and the matching rows kept, and if a page is
//! not full by then the matches are collected after all (see `paging`). The count is also the view's total.

use super::totals::{count_in_scope, count_rows, planned_rows};
use crate::db::sql::Sql;
use crate::db::{Backend, Db};
use crate::domain::{AccountId, GroupId};
use crate::error::AppError;
use crate::users::keys::fold;
use crate::users::query::UserQuery;
use crate::users::{Total, TotalKind};

/// The shortest search matched anywhere in a name or e-mail: a trigram index needs three.
pub(super) const MIN_SUBSTRING_CHARS: usize = 3;
/// Matches up to which a search counts them exactly and collects them: about a
/// millisecond of work.
pub(super) const COUNTED_MATCHES: u64 = 1_000;
/// Rows the first step of a walk visits: about a millisecond, and enough for a page
/// wherever matches are at least 1 in 150. A second step goes ten times as far before
/// the walk gives up and collects instead.
const WALK_BUDGET: i64 = 4_000;

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
    /// Few matches: collect them through an index that finds them, then sort them.
    Collect,
    /// Many matches: walk the sort index in order and keep the rows that match.
    Walk,
}

/// How one query will find its rows, and how many it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Finder {
    pub(super) matching: Matching,
    /// Only the members of this group.
    pub(super) group: Option<GroupId>,
    pub(super) plan: Plan,
    pub(super) total: Total,
    pub(super) backend: Backend,
    /// Rows the first step of a walk visits.
    pub(super) walk_budget: i64,
}

impl Finder {
    /// Decides the plan and the total of `query` in `account_id`.
    pub(super) async fn plan(
        db: &Db,
        account_id: AccountId,
        query: &UserQuery,
    ) -> Result<Self, AppError> {
        let mut finder = Self {
            matching: Matching::of(query),
            group: query.group,
            plan: Plan::Collect,
            total: Total::exact(0),
            backend: db.backend(),
            walk_budget: WALK_BUDGET,
        };
        let members = match query.group {
            Some(group) => Some(group_size(db, account_id, group).await?),
            None => None,
        };
        match (&finder.matching, members, query.status) {
            (Matching::Everyone, None, _) => {
                finder.total = Total::exact(count_in_scope(db, account_id, query).await?);
                return Ok(finder);
            }
            (Matching::Everyone, Some(members), None) => {
                // The triggers keep every group's size: no count needed.
                finder.total = Total::exact(members);
                if members > COUNTED_MATCHES {
                    finder.plan = Plan::Walk;
                }
                return Ok(finder);
            }
            _ => {}
        }
        if finder.backend == Backend::Postgres && finder.matching != Matching::Everyone {
            // pg_trgm's statistics make the planner's estimate a good one, and asking
            // for it costs less than counting.
            let estimate = planned_rows(db, finder.collecting(account_id, query, "1", "")).await?;
            if estimate > 2 * COUNTED_MATCHES {
                finder.plan = Plan::Walk;
                finder.total = Total {
                    value: estimate,
                    kind: TotalKind::Estimate,
                };
                return Ok(finder);
            }
        }
        let mut capped = finder.collecting(account_id, query, "1", "");
        let limit = capped.int(COUNTED_MATCHES as i64 + 1);
        capped.push(&format!(" LIMIT {limit}"));
        let counted = count_rows(
            db,
            &capped.wrapped("SELECT COUNT(*) FROM (", ") AS matches"),
        )
        .await?;
        if counted <= COUNTED_MATCHES {
            finder.total = Total::exact(counted);
        } else {
            finder.plan = Plan::Walk;
            finder.total = Total {
                value: COUNTED_MATCHES,
                kind: TotalKind::MoreThan,
            };
        }
        Ok(finder)
    }

    /// `SELECT {columns} FROM … {joins} WHERE …` finding the query's matches through the
    /// index that finds them; columns and joins name the user `u`.
    pub(super) fn collecting(
        &self,
        account_id: AccountId,
        query: &UserQuery,
        columns: &str,
        joins: &str,
    ) -> Sql {
        let from = match (&self.matching, self.backend) {
            // The trigram index drives the join; SQLite would otherwise scan the users
            // and probe the index for each of them.
            (Matching::Substring(_), Backend::Sqlite) => {
                "users_search CROSS JOIN users u ON u.id = users_search.rowid"
            }
            // Likewise the group's members drive it.
            _ if self.group_drives() => match self.backend {
                Backend::Sqlite => "user_group_members gm CROSS JOIN users u ON u.id = gm.user_id",
                Backend::Postgres => "user_group_members gm JOIN users u ON u.id = gm.user_id",
            },
            _ => "users u",
        };
        let mut sql = Sql::new(&format!("SELECT {columns} FROM {from} {joins}"));
        self.push_scope(&mut sql, account_id, query);
        if let (Some(group), true) = (self.group, self.group_drives()) {
            let group = sql.int(group.get());
            sql.push(&format!(" AND gm.group_id = {group}"));
        }
        self.push_match(&mut sql, "u", Plan::Collect);
        sql
    }

    /// Whether collecting starts from the group's members (else from the search's index).
    fn group_drives(&self) -> bool {
        self.group.is_some()
            && !(matches!(self.matching, Matching::Substring(_)) && self.backend == Backend::Sqlite)
    }

    /// ` WHERE u.account_id = … [AND u.status = …]`.
    pub(super) fn push_scope(&self, sql: &mut Sql, account_id: AccountId, query: &UserQuery) {
        let account = sql.int(account_id.get());
        sql.push(&format!(" WHERE u.account_id = {account}"));
        if let Some(status) = query.status {
            let status = sql.int(status.code());
            sql.push(&format!(" AND u.status = {status}"));
        }
    }

    /// ` AND <the search>` on the columns of `alias`, as `plan` reads them: the
    /// trigram and prefix indexes when collecting, plain comparisons when walking (so
    /// the sort index is walked instead).
    pub(super) fn push_match(&self, sql: &mut Sql, alias: &str, plan: Plan) {
        if let Some(group) = self.group
            && (plan == Plan::Walk || !self.group_drives())
        {
            let group = sql.int(group.get());
            sql.push(&format!(
                " AND EXISTS (SELECT 1 FROM user_group_members gm \
                 WHERE gm.group_id = {group} AND gm.user_id = {alias}.id)"
            ));
        }
        match &self.matching {
            Matching::Everyone => {}
            Matching::Prefix(key) => {
                let low = sql.text(key);
                let high = sql.text(&format!("{key}{}", char::MAX));
                // Appending '' hides a column from the planner, so its index is not
                // used to find rows.
                let hide = match plan {
                    Plan::Collect => "",
                    Plan::Walk => " || ''",
                };
                let range = |column: &str| {
                    let column = format!("{alias}.{column}{hide}");
                    format!("({column} >= {low} AND {column} < {high})")
                };
                sql.push(&format!(
                    " AND ({} OR {} OR {})",
                    range("name_key"),
                    range("last_key"),
                    range("email")
                ));
            }
            Matching::Substring(key) => {
                let text = format!("{alias}.search_text");
                let condition = match (plan, self.backend) {
                    (Plan::Collect, Backend::Sqlite) => {
                        let phrase = sql.text(&format!("\"{}\"", key.replace('"', "\"\"")));
                        format!("users_search MATCH {phrase}")
                    }
                    (Plan::Collect, Backend::Postgres) => {
                        let pattern = sql.text(&format!("%{}%", escape_like(key)));
                        format!("{text} LIKE {pattern}")
                    }
                    (Plan::Walk, Backend::Sqlite) => {
                        format!("instr({text}, {}) > 0", sql.text(key))
                    }
                    (Plan::Walk, Backend::Postgres) => {
                        format!("strpos({text}, {}) > 0", sql.text(key))
                    }
                };
                sql.push(&format!(" AND {condition}"));
            }
        }
    }
}

/// The members of `group`, as the triggers keep the count; 404 for a group the account
/// does not have.
async fn group_size(db: &Db, account_id: AccountId, group: GroupId) -> Result<u64, AppError> {
    let size: Option<(i64,)> =
        sqlx::query_as("SELECT member_count FROM user_groups WHERE account_id = $1 AND id = $2")
            .bind(account_id)
            .bind(group)
            .fetch_optional(db.pool())
            .await?;
    let (size,) = size.ok_or(AppError::NotFound {
        missing: crate::error::Missing::Group { id: group.get() },
    })?;
    Ok(size.max(0) as u64)
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
    fn like_wildcards_in_a_search_match_themselves() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
    }
}
