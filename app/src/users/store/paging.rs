//! Keyset pages under every sort: a page is "the next N rows after this key", so page
//! 40,000 costs what page 1 does. Each sort has an index `(account_id, key…, id)`.

use super::rows::{COLUMNS, UserRecord};
use super::search::Finder;
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
        SortField::Name => &["u.name_key", "u.id"],
        SortField::Email => &["u.email"],
        SortField::Status => &["u.status", "u.name_key", "u.id"],
        SortField::LastLogin => &["u.last_login_at", "u.id"],
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

/// Up to `limit` rows strictly past `cursor` in direction `dir`.
async fn fetch_rows(
    db: &Db,
    account_id: AccountId,
    query: &UserQuery,
    finder: &Finder,
    cursor: Option<&Cursor>,
    dir: SortDir,
    limit: u32,
) -> Result<Vec<UserRecord>, AppError> {
    let mut sql = finder.filtered(db, account_id, query, COLUMNS, true);
    let columns = key_columns(query.sort);
    let (comparison, order) = match dir {
        SortDir::Asc => (">", "ASC"),
        SortDir::Desc => ("<", "DESC"),
    };
    if let Some(cursor) = cursor {
        let values = cursor_args(&mut sql, query.sort, cursor);
        sql.push(&format!(
            " AND ({}) {comparison} ({})",
            columns.join(", "),
            values.join(", ")
        ));
    }
    let ordering: Vec<String> = columns
        .iter()
        .map(|column| format!("{column} {order}"))
        .collect();
    let limit = sql.int(i64::from(limit));
    sql.push(&format!(" ORDER BY {} LIMIT {limit}", ordering.join(", ")));
    Ok(sql.query_as().fetch_all(db.pool()).await?)
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
    let plan = &finder;
    let limit = query.size + 1;
    let first_page = || async {
        let mut rows = fetch_rows(db, account_id, query, plan, None, query.dir, limit).await?;
        let more = rows.len() > size;
        rows.truncate(size);
        Ok::<_, AppError>((rows, false, more))
    };
    let (rows, has_before, has_after) = match &query.position {
        Position::First => first_page().await?,
        Position::After(cursor) => {
            let mut rows =
                fetch_rows(db, account_id, query, plan, Some(cursor), query.dir, limit).await?;
            let more = rows.len() > size;
            rows.truncate(size);
            (rows, true, more)
        }
        Position::Before(cursor) => {
            let dir = query.dir.flipped();
            let mut rows =
                fetch_rows(db, account_id, query, plan, Some(cursor), dir, limit).await?;
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
