//! The SQL behind the Users grid: keyset pages under every sort, totals, and Delete
//! Selected with its rules. Every query is confined to the grant's account.

use super::delete::{DeleteReport, KeptReason, KeptUser, UserIds};
use super::query::{Cursor, Position, SortDir, SortField, UserQuery};
use super::status::UserStatus;
use super::{Total, UserRow, UsersPage};
use crate::auth::grant::{Grant, UsersDelete, UsersRead};
use crate::db::{Backend, Db};
use crate::error::AppError;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row};
use std::collections::BTreeMap;

/// SQL text and its arguments, numbered `$1, $2…` as both engines accept.
#[derive(Default)]
struct Sql {
    text: String,
    args: Vec<Arg>,
}

enum Arg {
    Int(i64),
    Text(String),
}

impl Sql {
    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Adds an argument and returns its placeholder.
    fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    fn int(&mut self, value: i64) -> String {
        self.arg(Arg::Int(value))
    }

    fn text(&mut self, value: &str) -> String {
        self.arg(Arg::Text(value.to_owned()))
    }

    /// `(…)` holding one placeholder per id.
    fn id_list(&mut self, ids: &[i64]) -> String {
        let placeholders: Vec<String> = ids.iter().map(|id| self.int(*id)).collect();
        format!("({})", placeholders.join(", "))
    }

    fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        self.args
            .iter()
            .fold(sqlx::query(&self.text), |query, arg| match arg {
                Arg::Int(value) => query.bind(*value),
                Arg::Text(value) => query.bind(value.as_str()),
            })
    }
}

/// Ids bound in one statement. sqlx finds each `$N` of a SQLite statement by name,
/// which costs time proportional to the number of parameters, so a statement with
/// thousands of them binds in quadratic time; chunks keep it linear.
const IDS_PER_STATEMENT: usize = 500;

const ROW_COLUMNS: &str = "u.id, u.first_name, u.last_name, u.email, u.status, u.last_login_at, \
     u.is_primary_admin, u.name_key, r.name AS role_name, r.is_admin";

/// How a search finds its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SearchPlan {
    /// Few matches: collect them through the prefix indexes, then sort them.
    Collect,
    /// Many matches: walk the sort index in order and keep the rows that match, so a
    /// page stops after a few dozen rows instead of sorting every match.
    Walk,
}

impl SearchPlan {
    /// Collecting costs about one row visit per match; walking about `page × scope /
    /// matches`. Walking wins once the matches outnumber √(page × scope).
    fn choose(matches: u64, scope: u64, page: u32) -> Self {
        if matches.saturating_mul(matches) > u64::from(page).saturating_mul(scope) {
            Self::Walk
        } else {
            Self::Collect
        }
    }
}

/// The account-wide filters of a query: status and search.
fn push_filters(sql: &mut Sql, account_id: i64, query: &UserQuery, plan: SearchPlan) {
    let account = sql.int(account_id);
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

/// The cursor values matching `key_columns(sort)`.
fn cursor_args(sql: &mut Sql, sort: SortField, cursor: &Cursor) -> Vec<String> {
    match sort {
        SortField::Name => vec![sql.text(&cursor.text), sql.int(cursor.id)],
        SortField::Email => vec![sql.text(&cursor.text)],
        SortField::Status => vec![
            sql.int(cursor.number),
            sql.text(&cursor.text),
            sql.int(cursor.id),
        ],
        SortField::LastLogin => vec![sql.int(cursor.number), sql.int(cursor.id)],
    }
}

/// The position of `row` under `sort`.
fn cursor_of(row: &UserRow, name_key: &str, sort: SortField) -> Cursor {
    let (number, text) = match sort {
        SortField::Name => (0, name_key.to_owned()),
        SortField::Email => (0, row.email.clone()),
        SortField::Status => (row.status.code(), name_key.to_owned()),
        SortField::LastLogin => (row.last_login_at.unwrap_or(0), String::new()),
    };
    Cursor {
        number,
        id: row.id,
        text,
    }
}

/// Fetches up to `limit` rows strictly past `cursor` in direction `dir`.
async fn fetch_rows(
    db: &Db,
    account_id: i64,
    query: &UserQuery,
    plan: SearchPlan,
    cursor: Option<&Cursor>,
    dir: SortDir,
    limit: u32,
) -> Result<Vec<(UserRow, String)>, AppError> {
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT {ROW_COLUMNS} FROM users u JOIN roles r ON r.id = u.role_id"
    ));
    push_filters(&mut sql, account_id, query, plan);
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
    sql.query()
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(decode_row)
        .collect()
}

fn decode_row(row: &AnyRow) -> Result<(UserRow, String), AppError> {
    let status_code: i64 = row.try_get("status")?;
    let status = UserStatus::from_code(status_code).ok_or_else(|| {
        tracing::error!(status_code, "a user has an unknown status code");
        AppError::Internal
    })?;
    let last_login_at: i64 = row.try_get("last_login_at")?;
    let is_primary_admin = row.try_get::<i64, _>("is_primary_admin")? == 1;
    let user = UserRow {
        id: row.try_get("id")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        email: row.try_get("email")?,
        role_name: row.try_get("role_name")?,
        is_admin: is_primary_admin || row.try_get::<i64, _>("is_admin")? == 1,
        is_primary_admin,
        status,
        last_login_at: (last_login_at > 0).then_some(last_login_at),
    };
    Ok((user, row.try_get("name_key")?))
}

/// Matches above which PostgreSQL shows the planner's estimate instead of counting.
const EXACT_COUNT_LIMIT: u64 = 2_000;

/// How many users match the query: kept counts when unfiltered; for a search, a count,
/// or on PostgreSQL an estimate when the matches are many (counting them there visits
/// every matching row).
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

/// The planner's estimate of the rows matching the query's search.
async fn estimate_matches(db: &Db, account_id: i64, query: &UserQuery) -> Result<u64, AppError> {
    let mut sql = Sql::default();
    sql.push("EXPLAIN SELECT 1 FROM users u");
    push_filters(&mut sql, account_id, query, SearchPlan::Collect);
    let top_line: String = sql.query().fetch_one(db.pool()).await?.try_get(0)?;
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

/// Users of the account with the query's status, ignoring its search: from the counts
/// the triggers keep.
async fn count_in_scope(db: &Db, account_id: i64, query: &UserQuery) -> Result<u64, AppError> {
    let mut sql = Sql::default();
    let account = sql.int(account_id);
    sql.push(&format!(
        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS total FROM user_counts \
         WHERE account_id = {account}"
    ));
    if let Some(status) = query.status {
        let status = sql.int(status.code());
        sql.push(&format!(" AND status = {status}"));
    }
    let total: i64 = sql.query().fetch_one(db.pool()).await?.try_get("total")?;
    Ok(total.max(0) as u64)
}

/// Users matching the query's search, counted through the prefix indexes.
async fn count_matches(db: &Db, account_id: i64, query: &UserQuery) -> Result<u64, AppError> {
    let mut sql = Sql::default();
    sql.push("SELECT COUNT(*) AS total FROM users u");
    push_filters(&mut sql, account_id, query, SearchPlan::Collect);
    let total: i64 = sql.query().fetch_one(db.pool()).await?.try_get("total")?;
    Ok(total.max(0) as u64)
}

/// One page of the Users grid.
pub async fn list_users(
    db: &Db,
    grant: &Grant<UsersRead>,
    query: &UserQuery,
) -> Result<UsersPage, AppError> {
    let account_id = grant.account_id();
    let size = query.size as usize;
    let total = count_users(db, grant, query).await?;
    let plan = match query.search {
        None => SearchPlan::Collect,
        Some(_) => {
            let scope = count_in_scope(db, account_id, query).await?;
            SearchPlan::choose(total.value, scope, query.size)
        }
    };
    let first_page = || async {
        let mut rows =
            fetch_rows(db, account_id, query, plan, None, query.dir, query.size + 1).await?;
        let more = rows.len() > size;
        rows.truncate(size);
        Ok::<_, AppError>((rows, false, more))
    };
    let (rows, has_before, has_after) = match &query.position {
        Position::First => first_page().await?,
        Position::After(cursor) => {
            let mut rows = fetch_rows(
                db,
                account_id,
                query,
                plan,
                Some(cursor),
                query.dir,
                query.size + 1,
            )
            .await?;
            let more = rows.len() > size;
            rows.truncate(size);
            (rows, true, more)
        }
        Position::Before(cursor) => {
            let mut rows = fetch_rows(
                db,
                account_id,
                query,
                plan,
                Some(cursor),
                query.dir.flipped(),
                query.size + 1,
            )
            .await?;
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
    let cursors: Vec<Cursor> = rows
        .iter()
        .map(|(row, key)| cursor_of(row, key, query.sort))
        .collect();
    let prev = if has_before {
        cursors.first().map(Cursor::encode)
    } else {
        None
    };
    let next = if has_after {
        cursors.last().map(Cursor::encode)
    } else {
        None
    };
    Ok(UsersPage {
        rows: rows.into_iter().map(|(row, _)| row).collect(),
        total,
        is_first_page: !has_before,
        prev,
        next,
    })
}

/// Deletes the selected users of the grant's account in one transaction, keeping app
/// owners, the acting admin and the Primary Admin. Unknown ids (including those of
/// another account) refuse the whole request and change nothing.
pub async fn delete_users(
    db: &Db,
    grant: &Grant<UsersDelete>,
    ids: &UserIds,
    now: i64,
) -> Result<DeleteReport, AppError> {
    let account_id = grant.account_id();
    let mut tx = db.pool().begin().await?;

    let mut found: BTreeMap<i64, (String, bool)> = BTreeMap::new();
    for chunk in ids.as_slice().chunks(IDS_PER_STATEMENT) {
        let mut sql = Sql::default();
        let account = sql.int(account_id);
        let list = sql.id_list(chunk);
        sql.push(&format!(
            "SELECT id, email, is_primary_admin FROM users WHERE account_id = {account} AND id IN {list}"
        ));
        for row in sql.query().fetch_all(&mut *tx).await? {
            found.insert(
                row.try_get("id")?,
                (
                    row.try_get("email")?,
                    row.try_get::<i64, _>("is_primary_admin")? == 1,
                ),
            );
        }
    }
    let unknown: Vec<String> = ids
        .as_slice()
        .iter()
        .filter(|id| !found.contains_key(id))
        .map(i64::to_string)
        .collect();
    if !unknown.is_empty() {
        let shown: Vec<String> = unknown.iter().take(10).cloned().collect();
        let more = if unknown.len() > 10 { " …" } else { "" };
        return Err(AppError::NotFound(format!(
            "No user with id {}{more} in this account; nothing was deleted.",
            shown.join(", ")
        )));
    }

    let mut owned: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for chunk in ids.as_slice().chunks(IDS_PER_STATEMENT) {
        let mut sql = Sql::default();
        let account = sql.int(account_id);
        let list = sql.id_list(chunk);
        sql.push(&format!(
            "SELECT owner_id, name FROM apps WHERE account_id = {account} AND owner_id IN {list} \
             ORDER BY name"
        ));
        for row in sql.query().fetch_all(&mut *tx).await? {
            owned
                .entry(row.try_get("owner_id")?)
                .or_default()
                .push(row.try_get("name")?);
        }
    }

    let mut kept = Vec::new();
    let mut deletable = Vec::new();
    for (id, (email, is_primary_admin)) in &found {
        let reason = if *id == grant.actor_id() {
            Some(KeptReason::IsYou)
        } else if *is_primary_admin {
            Some(KeptReason::IsPrimaryAdmin)
        } else {
            owned.remove(id).map(KeptReason::OwnsApps)
        };
        match reason {
            Some(reason) => kept.push(KeptUser {
                id: *id,
                email: email.clone(),
                reason,
            }),
            None => deletable.push(*id),
        }
    }

    for chunk in deletable.chunks(IDS_PER_STATEMENT) {
        let mut sql = Sql::default();
        let account = sql.int(account_id);
        let list = sql.id_list(chunk);
        sql.push(&format!(
            "DELETE FROM users WHERE account_id = {account} AND id IN {list}"
        ));
        sql.query().execute(&mut *tx).await.map_err(owner_race)?;
    }
    record_deletions(&mut tx, grant, &deletable, &found, now).await?;
    tx.commit().await?;
    tracing::info!(
        account_id,
        actor_id = grant.actor_id(),
        deleted = deletable.len(),
        kept = kept.len(),
        "users deleted"
    );
    Ok(DeleteReport {
        deleted: deletable,
        kept,
    })
}

/// A foreign-key refusal while deleting means a user became an app owner meanwhile.
fn owner_race(error: sqlx::Error) -> AppError {
    let is_constraint = error
        .as_database_error()
        .is_some_and(|db_error| db_error.is_foreign_key_violation());
    if is_constraint {
        AppError::Conflict(
            "A selected user became an app owner while deleting; nothing was deleted. Try again."
                .into(),
        )
    } else {
        AppError::from(error)
    }
}

async fn record_deletions(
    tx: &mut sqlx::Transaction<'_, Any>,
    grant: &Grant<UsersDelete>,
    deleted: &[i64],
    found: &BTreeMap<i64, (String, bool)>,
    now: i64,
) -> Result<(), AppError> {
    // Five arguments a row.
    for chunk in deleted.chunks(IDS_PER_STATEMENT / 5) {
        let mut sql = Sql::default();
        let rows: Vec<String> = chunk
            .iter()
            .map(|id| {
                let email = found.get(id).map(|(email, _)| email.as_str()).unwrap_or("");
                format!(
                    "({}, {}, 'user.deleted', {}, {})",
                    sql.int(grant.account_id()),
                    sql.int(grant.actor_id()),
                    sql.text(email),
                    sql.int(now)
                )
            })
            .collect();
        sql.push(&format!(
            "INSERT INTO audit_events (account_id, actor_id, action, target, created_at) VALUES {}",
            rows.join(", ")
        ));
        sql.query().execute(&mut **tx).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{CreatedAccount, NewPrimaryAdmin, create_account};
    use crate::email::Email;
    use crate::scratch::database_urls;
    use crate::seed::{Fixture, add_app, add_fixture, add_users};
    use crate::users::query::GridParams;
    use std::collections::HashSet;

    const NOW: i64 = 1_800_000_000;

    async fn account(url: &str) -> (Db, CreatedAccount) {
        let db = Db::connect(url, 4).await.expect("scratch database opens");
        let admin = NewPrimaryAdmin {
            email: Email::parse("primary@example.com").unwrap(),
            first_name: "Pat".into(),
            last_name: "Primary".into(),
            password: "a long enough password".into(),
        };
        let account = create_account(&db, "Test Org", admin, NOW).await.unwrap();
        (db, account)
    }

    fn query(pairs: &[(&str, &str)], position: Option<(&str, String)>) -> UserQuery {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        };
        let mut params = GridParams {
            q: get("q"),
            status: get("status"),
            sort: get("sort"),
            dir: get("dir"),
            size: get("size"),
            after: None,
            before: None,
        };
        match position {
            Some(("after", cursor)) => params.after = Some(cursor),
            Some((_, cursor)) => params.before = Some(cursor),
            None => {}
        }
        UserQuery::parse(&params).unwrap()
    }

    /// Walks forward to the end, then back to the start, returning both id sequences.
    async fn walk(
        db: &Db,
        grant: &Grant<UsersRead>,
        pairs: &[(&str, &str)],
    ) -> (Vec<i64>, Vec<i64>, u64) {
        let mut forward = Vec::new();
        let mut page = list_users(db, grant, &query(pairs, None)).await.unwrap();
        let total = page.total.value;
        loop {
            forward.extend(page.rows.iter().map(|row| row.id));
            match page.next.clone() {
                Some(cursor) => {
                    page = list_users(db, grant, &query(pairs, Some(("after", cursor))))
                        .await
                        .unwrap();
                }
                None => break,
            }
        }
        let mut backward: Vec<i64> = page.rows.iter().rev().map(|row| row.id).collect();
        while let Some(cursor) = page.prev.clone() {
            page = list_users(db, grant, &query(pairs, Some(("before", cursor))))
                .await
                .unwrap();
            backward.extend(page.rows.iter().rev().map(|row| row.id));
        }
        backward.reverse();
        (forward, backward, total)
    }

    #[tokio::test]
    async fn paging_visits_every_user_exactly_once_in_both_directions_under_every_sort() {
        for url in database_urls().await {
            let (db, account) = account(&url).await;
            add_users(&db, account.account_id, account.member_role_id, 137, 1, NOW)
                .await
                .unwrap();
            let grant = Grant::<UsersRead>::new(account.account_id, account.primary_admin_id);
            for sort in ["name", "email", "status", "last_login"] {
                for dir in ["asc", "desc"] {
                    for filter in [
                        None,
                        Some(("status", "active")),
                        Some(("q", "a")),
                        Some(("q", "zoe")),
                    ] {
                        let mut pairs = vec![("sort", sort), ("dir", dir), ("size", "25")];
                        pairs.extend(filter);
                        let (forward, backward, total) = walk(&db, &grant, &pairs).await;
                        let unique: HashSet<i64> = forward.iter().copied().collect();
                        assert_eq!(unique.len(), forward.len(), "{url} {pairs:?}: a row twice");
                        assert_eq!(forward.len() as u64, total, "{url} {pairs:?}: rows missing");
                        assert_eq!(forward, backward, "{url} {pairs:?}: back differs");
                    }
                }
            }
        }
    }

    #[test]
    fn the_planned_row_count_is_read_from_the_top_plan_line() {
        let line = "Bitmap Heap Scan on users u  (cost=12.50..900.10 rows=25031 width=4)";
        assert_eq!(planned_rows(line), Some(25_031));
        assert_eq!(planned_rows("Result  (cost=0.00..0.01 width=4)"), None);
    }

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

    #[tokio::test]
    async fn deleting_an_app_owner_is_refused_and_nothing_else_is_kept() {
        for url in database_urls().await {
            let (db, account) = account(&url).await;
            let user = |first: &'static str, email: &'static str| Fixture {
                first_name: first,
                last_name: "Tester",
                email,
                status: UserStatus::Active,
            };
            let (role, id) = (account.member_role_id, account.account_id);
            let owner = add_fixture(&db, id, role, &user("Olive", "olive@example.com"), NOW)
                .await
                .unwrap();
            let other = add_fixture(&db, id, role, &user("Oscar", "oscar@example.com"), NOW)
                .await
                .unwrap();
            add_app(&db, id, "HR Bot", owner, &[(other, 2)], NOW)
                .await
                .unwrap();
            let grant = Grant::<UsersDelete>::new(id, account.primary_admin_id);
            let ids = UserIds::parse(&[owner, other, account.primary_admin_id]).unwrap();

            let report = delete_users(&db, &grant, &ids, NOW).await.unwrap();

            assert_eq!(report.deleted, vec![other], "{url}");
            let reasons: Vec<&KeptReason> = report.kept.iter().map(|kept| &kept.reason).collect();
            assert_eq!(
                reasons,
                vec![
                    &KeptReason::IsYou,
                    &KeptReason::OwnsApps(vec!["HR Bot".into()])
                ],
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn an_unknown_id_refuses_the_whole_delete() {
        for url in database_urls().await {
            let (db, account) = account(&url).await;
            let (role, id) = (account.member_role_id, account.account_id);
            let fixture = Fixture {
                first_name: "Una",
                last_name: "Known",
                email: "una@example.com",
                status: UserStatus::Locked,
            };
            let known = add_fixture(&db, id, role, &fixture, NOW).await.unwrap();
            let grant = Grant::<UsersDelete>::new(id, account.primary_admin_id);
            let ids = UserIds::parse(&[known, known + 1_000]).unwrap();

            let refused = delete_users(&db, &grant, &ids, NOW).await;

            assert!(matches!(refused, Err(AppError::NotFound(_))), "{url}");
            let reader = Grant::<UsersRead>::new(id, account.primary_admin_id);
            let page = list_users(&db, &reader, &query(&[("q", "una@")], None))
                .await
                .unwrap();
            assert_eq!(
                page.total.value, 1,
                "{url}: the known user must still be there"
            );
        }
    }
}
