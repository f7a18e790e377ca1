//! Keyset pages under every sort: a page is "the next N rows after this key", so page
//! 40,000 costs what page 1 does. Each sort has an index `(account_id, key…, id)` that
//! also carries the search text, so a search can walk it without reading the table.

use super::rows::{COLUMNS, UserRecord};
use super::search::{Finder, Plan};
use crate::auth::principal::{Grant, UsersRead};
use crate::db::Db;
use crate::db::sql::Sql;
use crate::domain::AccountId;
use crate::error::AppError;
use crate::users::UserListing;
use crate::users::query::{Cursor, Position, SortDir, SortField, UserQuery};

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
            let values = cursor_args(sql, sort, cursor);
            let comparison = match self.dir {
                SortDir::Asc => ">",
                SortDir::Desc => "<",
            };
            sql.push(&format!(
                " AND ({}) {comparison} ({})",
                qualified(alias, key_columns(sort)).join(", "),
                values.join(", ")
            ));
        }
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

fn qualified(alias: &str, columns: &[&str]) -> Vec<String> {
    columns
        .iter()
        .map(|column| format!("{alias}.{column}"))
        .collect()
}

/// Joins the user's role, which `COLUMNS` names `r`.
const JOIN_ROLE: &str = "JOIN roles r ON r.id = u.role_id";

/// A walked row: a user, and how many rows the walk visited in all.
#[derive(sqlx::FromRow)]
struct WalkedRecord {
    #[sqlx(flatten)]
    user: UserRecord,
    visited: i64,
}

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
        let walked: Vec<WalkedRecord> = walk(account_id, query, finder, edge, limit)
            .query_as()
            .fetch_all(db.pool())
            .await?;
        let visited_all = walked
            .first()
            .is_some_and(|row| row.visited < finder.walk_budget);
        if walked.len() == limit as usize || visited_all {
            return Ok(walked.into_iter().map(|row| row.user).collect());
        }
    }
    let mut sql = finder.collecting(account_id, query, COLUMNS, JOIN_ROLE);
    edge.push_after(&mut sql, query.sort, "u");
    edge.push_order(&mut sql, query.sort, "u", i64::from(limit));
    Ok(sql.query_as().fetch_all(db.pool()).await?)
}

/// The rows of the page among the first `walk_budget` rows of the sort index past the
/// edge, reading only the columns the sort and the match need (which the sort indexes
/// carry), each with how many rows were visited.
fn walk(
    account_id: AccountId,
    query: &UserQuery,
    finder: &Finder,
    edge: &Edge<'_>,
    limit: u32,
) -> Sql {
    let keys = key_columns(query.sort);
    let mut read: Vec<&str> = keys.to_vec();
    read.extend(finder.matching.columns());
    read.push("id");
    read.sort_unstable();
    read.dedup();
    let mut sql = Sql::new(&format!(
        "SELECT {} FROM users u",
        qualified("u", &read).join(", ")
    ));
    finder.push_scope(&mut sql, account_id, query);
    edge.push_after(&mut sql, query.sort, "u");
    edge.push_order(&mut sql, query.sort, "u", finder.walk_budget);
    let mut sql = sql.wrapped(
        &format!(
            "SELECT {COLUMNS}, w.visited FROM (SELECT v.*, COUNT(*) OVER () AS visited FROM ("
        ),
        &format!(") AS v) AS w JOIN users u ON u.id = w.id {JOIN_ROLE} WHERE 1 = 1"),
    );
    finder.push_match(&mut sql, "w", Plan::Walk);
    edge.push_order(&mut sql, query.sort, "w", i64::from(limit));
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
