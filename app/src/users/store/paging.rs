//! Keyset pages under every sort: a page is "the next N rows after this key", so page
//! 40,000 costs what page 1 does. Each sort has an index `(account_id, key…, id)` that
//! also carries the search text, so a search can walk it without reading the table.

use super::rows::{COLUMNS, UserRecord};
use super::search::{Finder, Matching, Plan};
use crate::auth::principal::{Grant, UsersRead};
use crate::db::sql::Sql;
use crate::db::{Backend, Db};
use crate::domain::{AccountId, UserId};
use crate::error::AppError;
use crate::users::UserListing;
use crate::users::query::{Cursor, Position, SortDir, SortField, UserQuery};
use sqlx::Row;
use sqlx::any::AnyRow;

/// The ordered key columns of a sort; the e-mail is unique in an account, so it needs
/// no tie-breaker.
fn key_columns(sort: SortField) -> &'static [&'static str] {
    match sort {
        SortField::Name => &["name_key", "id"],
        SortField::Email => &["email"],
        SortField::Status => &["status", "name_key", "id"],
        SortField::LastLogin => &["last_login_at", "id"],
    }
}

/// The position under `sort` of a row read with `key_columns(sort)` and the id.
fn position_of(row: &AnyRow, sort: SortField) -> Result<Cursor, sqlx::Error> {
    let id: UserId = row.try_get("id")?;
    let (number, text) = match sort {
        SortField::Name => (0, row.try_get("name_key")?),
        SortField::Email => (0, row.try_get("email")?),
        SortField::Status => (row.try_get("status")?, row.try_get("name_key")?),
        SortField::LastLogin => (row.try_get("last_login_at")?, String::new()),
    };
    Ok(Cursor { number, id, text })
}

/// The cursor's values matching `key_columns(sort)`, as placeholders.
fn cursor_args(sql: &mut Sql, sort: SortField, cursor: &Cursor) -> Vec<String> {
    let id = cursor.id.get();
    match sort {
        SortField::Name => vec![sql.text(&cursor.text), sql.int(id)],
        SortField::Email => vec![sql.text(&cursor.text)],
        SortField::Status => vec![sql.int(cursor.number), sql.text(&cursor.text), sql.int(id)],
        SortField::LastLogin => vec![sql.int(cursor.number), sql.int(id)],
    }
}

/// Where a page starts, and which way it runs.
pub(super) struct Edge<'a> {
    pub(super) cursor: Option<&'a Cursor>,
    pub(super) dir: SortDir,
}

impl Edge<'_> {
    /// ` AND (keys) > (cursor)` for the columns of `alias`, if the page has a cursor.
    fn push_after(&self, sql: &mut Sql, sort: SortField, alias: &str) {
        if let Some(cursor) = self.cursor {
            let comparison = match self.dir {
                SortDir::Asc => ">",
                SortDir::Desc => "<",
            };
            push_comparison(sql, sort, alias, comparison, cursor);
        }
    }

    /// ` AND (keys) <= (bound)`: rows up to `bound` in the page's direction.
    fn push_until(&self, sql: &mut Sql, sort: SortField, alias: &str, bound: &Cursor) {
        let comparison = match self.dir {
            SortDir::Asc => "<=",
            SortDir::Desc => ">=",
        };
        push_comparison(sql, sort, alias, comparison, bound);
    }

    /// ` ORDER BY keys … LIMIT n` for the columns of `alias`.
    fn push_order(&self, sql: &mut Sql, sort: SortField, alias: &str, limit: i64) {
        let order = match self.dir {
            SortDir::Asc => "ASC",
            SortDir::Desc => "DESC",
        };
        let ordering: Vec<String> = qualified(alias, key_columns(sort))
            .iter()
            .map(|column| format!("{column} {order}"))
            .collect();
        let limit = sql.int(limit);
        sql.push(&format!(" ORDER BY {} LIMIT {limit}", ordering.join(", ")));
    }
}

/// ` AND (keys) {comparison} (position)` for the columns of `alias`.
fn push_comparison(
    sql: &mut Sql,
    sort: SortField,
    alias: &str,
    comparison: &str,
    position: &Cursor,
) {
    let values = cursor_args(sql, sort, position);
    sql.push(&format!(
        " AND ({}) {comparison} ({})",
        qualified(alias, key_columns(sort)).join(", "),
        values.join(", ")
    ));
}

fn qualified(alias: &str, columns: &[&str]) -> Vec<String> {
    columns
        .iter()
        .map(|column| format!("{alias}.{column}"))
        .collect()
}

/// Joins the user's role, which `COLUMNS` names `r`.
const JOIN_ROLE: &str = "JOIN roles r ON r.id = u.role_id";

/// Up to `limit` rows past the edge.
pub(super) async fn fetch_rows(
    db: &Db,
    account_id: AccountId,
    query: &UserQuery,
    finder: &Finder,
    edge: &Edge<'_>,
    limit: u32,
) -> Result<Vec<UserRecord>, AppError> {
    if finder.plan == Plan::Walk {
        // A step walks on from where the last one stopped, ten times as far.
        let mut rows: Vec<UserRecord> = Vec::new();
        let mut from = edge.cursor.cloned();
        let mut budget = finder.walk_budget;
        for _ in 0..WALK_STEPS {
            let step = Edge {
                cursor: from.as_ref(),
                dir: edge.dir,
            };
            let bound = walk_bound(account_id, query, finder, &step, budget)
                .query()
                .fetch_optional(db.pool())
                .await?
                .map(|row| position_of(&row, query.sort))
                .transpose()?;
            let wanted = limit - rows.len() as u32;
            let walked: Vec<UserRecord> =
                walk(account_id, query, finder, &step, bound.as_ref(), wanted)
                    .query_as()
                    .fetch_all(db.pool())
                    .await?;
            rows.extend(walked);
            if rows.len() == limit as usize || bound.is_none() {
                return Ok(rows);
            }
            from = bound;
            budget *= 10;
        }
    }
    let mut sql = finder.collecting(account_id, query, COLUMNS, JOIN_ROLE);
    edge.push_after(&mut sql, query.sort, "u");
    let searching = finder.matching != Matching::Everyone || finder.group.is_some();
    if searching && finder.backend == Backend::Postgres {
        // Asked for the first rows in the sort's order, PostgreSQL's planner may walk
        // the sort index and test every row against the search instead: to the end of
        // the index when the matches are clumped (2.4 s for `sus`). The fence (OFFSET 0)
        // makes it collect the matches through the trigram index first, then sort them.
        sql = sql.wrapped("SELECT * FROM (", " OFFSET 0) AS m");
        edge.push_order(&mut sql, query.sort, "m", i64::from(limit));
    } else {
        edge.push_order(&mut sql, query.sort, "u", i64::from(limit));
    }
    Ok(sql.query_as().fetch_all(db.pool()).await?)
}

/// Walks a search makes before it collects its matches instead: 4,000 rows, then 40,000.
const WALK_STEPS: usize = 2;

/// The position of the row `budget` rows past the edge in the sort index, whatever it
/// holds: the farthest a walk goes. It reads the sort's keys and the id alone, which
/// the sort index holds, so the rows it skips are never read from the table.
fn walk_bound(
    account_id: AccountId,
    query: &UserQuery,
    finder: &Finder,
    edge: &Edge<'_>,
    budget: i64,
) -> Sql {
    let mut columns = key_columns(query.sort).to_vec();
    if !columns.contains(&"id") {
        columns.push("id");
    }
    let mut sql = Sql::new(&format!(
        "SELECT {} FROM users u",
        qualified("u", &columns).join(", ")
    ));
    finder.push_scope(&mut sql, account_id, query);
    edge.push_after(&mut sql, query.sort, "u");
    edge.push_order(&mut sql, query.sort, "u", 1);
    let offset = sql.int(budget - 1);
    sql.push(&format!(" OFFSET {offset}"));
    sql
}

/// The matching rows among those from the edge to `bound` (or to the end), in the
/// order of the sort index: the walk stops at the `limit`th match. A substring search
/// reads only the search text, which every sort index carries, so only the rows kept
/// are read from the table; a prefix search, or a status filter under another sort,
/// reads the table for each row it passes. (Selecting the id alone lets SQLite pick
/// the index that carries the search text over the unique one on the e-mail.)
fn walk(
    account_id: AccountId,
    query: &UserQuery,
    finder: &Finder,
    edge: &Edge<'_>,
    bound: Option<&Cursor>,
    limit: u32,
) -> Sql {
    let mut sql = Sql::new("SELECT u.id FROM users u");
    finder.push_scope(&mut sql, account_id, query);
    edge.push_after(&mut sql, query.sort, "u");
    if let Some(bound) = bound {
        edge.push_until(&mut sql, query.sort, "u", bound);
    }
    finder.push_match(&mut sql, "u", Plan::Walk);
    edge.push_order(&mut sql, query.sort, "u", i64::from(limit));
    let mut sql = sql.wrapped(
        &format!("SELECT {COLUMNS} FROM ("),
        &format!(") AS w JOIN users u ON u.id = w.id {JOIN_ROLE}"),
    );
    edge.push_order(&mut sql, query.sort, "u", i64::from(limit));
    sql
}

/// One page of the Users grid.
#[tracing::instrument(skip_all, err, fields(account = %grant.account_id()))]
pub async fn list_users(
    db: &Db,
    grant: &Grant<UsersRead>,
    query: &UserQuery,
) -> Result<UserListing, AppError> {
    let account_id = grant.account_id();
    let size = query.size as usize;
    let finder = Finder::plan(db, account_id, query).await?;
    let limit = query.size + 1;
    let first_page = || async {
        let edge = Edge {
            cursor: None,
            dir: query.dir,
        };
        let mut rows = fetch_rows(db, account_id, query, &finder, &edge, limit).await?;
        let more = rows.len() > size;
        rows.truncate(size);
        Ok::<_, AppError>((rows, false, more))
    };
    let (rows, has_before, has_after) = match &query.position {
        Position::First => first_page().await?,
        Position::After(cursor) => {
            let edge = Edge {
                cursor: Some(cursor),
                dir: query.dir,
            };
            let mut rows = fetch_rows(db, account_id, query, &finder, &edge, limit).await?;
            let more = rows.len() > size;
            rows.truncate(size);
            (rows, true, more)
        }
        Position::Before(cursor) => {
            let edge = Edge {
                cursor: Some(cursor),
                dir: query.dir.flipped(),
            };
            let mut rows = fetch_rows(db, account_id, query, &finder, &edge, limit).await?;
            if rows.len() > size {
                rows.truncate(size);
                rows.reverse();
                (rows, true, true)
            } else {
                // Fewer rows than a page lie before the cursor: that is the first page.
                first_page().await?
            }
        }
    };
    let prev = has_before
        .then(|| rows.first().map(|row| row.cursor(query.sort).encode()))
        .flatten();
    let next = has_after
        .then(|| rows.last().map(|row| row.cursor(query.sort).encode()))
        .flatten();
    Ok(UserListing {
        rows: rows.into_iter().map(UserRecord::into_summary).collect(),
        total: finder.total,
        is_first_page: !has_before,
        prev,
        next,
    })
}
