//! The database: one pool for SQLite or PostgreSQL, chosen by the URL, with the
//! embedded migrations of that engine run at start-up.

pub mod sql;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// The engine behind a `Db`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The engine a database URL names, if it names one Roster supports.
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }

    /// The clause that keeps the rows a transaction read locked until it ends: `FOR
    /// UPDATE` on PostgreSQL; nothing on SQLite, whose write transactions hold the whole
    /// database's write lock from their start (see `Db::write`).
    pub fn row_lock(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " FOR UPDATE",
        }
    }

    /// The clause that takes an account's row for a change of the account as a whole
    /// (its settings, its domains, an invitation): two such changes go in turn, while
    /// rows that merely refer to the account (sessions, audit events, outbox messages)
    /// are still written meanwhile. PostgreSQL's `FOR UPDATE` would block those, since
    /// their foreign keys take a share lock on the account's key.
    pub fn account_lock(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " FOR NO KEY UPDATE",
        }
    }
}

/// The name of account `account_id`, its row taken for a change of the account until
/// the transaction ends (see `Backend::account_lock`).
pub async fn lock_account(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    account_id: crate::domain::AccountId,
) -> Result<String, sqlx::Error> {
    let (name,): (String,) = sqlx::query_as(&format!(
        "SELECT name FROM accounts WHERE id = $1{}",
        backend.account_lock()
    ))
    .bind(account_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(name)
}

/// The row `id` of `account_id` in `table`, read as `columns` and locked until the
/// transaction ends (see `Backend::row_lock`); `None` when the account has no such row,
/// whether it does not exist or is another account's.
pub async fn lock_account_row<T>(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    table: &str,
    columns: &str,
    account_id: crate::domain::AccountId,
    id: i64,
) -> Result<Option<T>, sqlx::Error>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    sqlx::query_as(&format!(
        "SELECT {columns} FROM {table} WHERE account_id = $1 AND id = $2{}",
        backend.row_lock()
    ))
    .bind(account_id)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("unsupported database URL '{0}': use sqlite://FILE or postgres://…")]
    UnsupportedUrl(String),
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("the database migrations failed: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

/// A connection pool and the engine it talks to. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

impl Db {
    /// Opens (creating a SQLite file if needed) and migrates the database at `url`.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, DbSetupError> {
        install_default_drivers();
        let backend =
            Backend::of_url(url).ok_or_else(|| DbSetupError::UnsupportedUrl(redact(url)))?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let separator = if url.contains('?') { '&' } else { '?' };
                format!("{url}{separator}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10));
        let options = match backend {
            Backend::Sqlite => options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    // 64 MiB of page cache: the sort indexes of a large account stay in
                    // memory instead of being read back for every insert and page.
                    conn.execute("PRAGMA cache_size = -65536").await?;
                    // Reads through a memory map skip a system call per page.
                    conn.execute("PRAGMA mmap_size = 1073741824").await?;
                    Ok(())
                })
            }),
            Backend::Postgres => options,
        };
        let pool = options.connect(&url).await.map_err(DbSetupError::Connect)?;
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await.map_err(DbSetupError::Migrate)?;
        Ok(Self { pool, backend })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A transaction for a change. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a deferred transaction that reads first and then writes fails with
    /// `SQLITE_BUSY_SNAPSHOT` when any other write commits in between, while an
    /// immediate one waits its turn (up to `busy_timeout`).
    pub async fn write(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// True when the database answers a trivial query.
    pub async fn is_reachable(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// Refreshes the planner's statistics after a bulk load. On SQLite it also folds the
    /// write-ahead log back into the database file (a load leaves hundreds of MB there);
    /// on PostgreSQL it vacuums, so the visibility map lets scans read indexes alone.
    pub async fn analyze(&self) -> Result<(), sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                self.pool.execute("ANALYZE").await?;
                self.pool.execute("PRAGMA wal_checkpoint(TRUNCATE)").await?;
            }
            Backend::Postgres => {
                self.pool.execute("VACUUM ANALYZE").await?;
            }
        }
        Ok(())
    }
}

/// The URL with any password replaced, fit for a log line or an error message.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::scratch::{postgres_url, sqlite_url};
    use std::collections::BTreeSet;

    /// Every table, every column of each, and every index with its columns.
    type Schema = BTreeSet<String>;

    async fn sqlite_schema(db: &Db) -> Schema {
        let mut schema = Schema::new();
        let tables: Vec<(String,)> = sqlx::query_as(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
        )
        .fetch_all(db.pool())
        .await
        .unwrap();
        for (table,) in tables {
            let columns: Vec<(String,)> =
                sqlx::query_as(&format!("SELECT name FROM pragma_table_info('{table}')"))
                    .fetch_all(db.pool())
                    .await
                    .unwrap();
            schema.extend(
                columns
                    .into_iter()
                    .map(|(column,)| format!("{table}.{column}")),
            );
        }
        let indexes: Vec<(String, String)> = sqlx::query_as(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
        )
        .fetch_all(db.pool())
        .await
        .unwrap();
        for (index, table) in indexes {
            let columns: Vec<(String,)> = sqlx::query_as(&format!(
                "SELECT name FROM pragma_index_info('{index}') ORDER BY seqno"
            ))
            .fetch_all(db.pool())
            .await
            .unwrap();
            let columns: Vec<String> = columns.into_iter().map(|(column,)| column).collect();
            schema.insert(format!("index {index} on {table} ({})", columns.join(", ")));
        }
        schema
    }

    async fn postgres_schema(db: &Db) -> Schema {
        let mut schema = Schema::new();
        let columns: Vec<(String, String)> = sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
        )
        .fetch_all(db.pool())
        .await
        .unwrap();
        schema.extend(
            columns
                .into_iter()
                .map(|(table, column)| format!("{table}.{column}")),
        );
        let indexes: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT i.relname::text, t.relname::text, \
                    string_agg(a.attname::text, ', ' ORDER BY k.ord) \
             FROM pg_index x \
             JOIN pg_class i ON i.oid = x.indexrelid \
             JOIN pg_class t ON t.oid = x.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord) \
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
             WHERE n.nspname = 'public' AND NOT x.indisprimary \
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) \
               AND t.relname NOT LIKE '_sqlx%' \
             GROUP BY i.relname, t.relname",
        )
        .fetch_all(db.pool())
        .await
        .unwrap();
        schema.extend(
            indexes
                .into_iter()
                .map(|(index, table, columns)| format!("index {index} on {table} ({columns})")),
        );
        schema
    }

    #[tokio::test]
    async fn sqlite_and_postgres_define_the_same_tables_columns_and_indexes() {
        let Some(postgres) = postgres_url().await else {
            eprintln!(
                "skipped: {} is not set",
                crate::testing::scratch::POSTGRES_URL_VAR
            );
            return;
        };
        let sqlite = Db::connect(&sqlite_url(), 1).await.unwrap();
        let postgres = Db::connect(&postgres, 1).await.unwrap();
        // Each engine's own trigram index for substring search, and nothing else, may
        // differ: SQLite's FTS5 table (with its shadow tables) and PostgreSQL's GIN index.
        let mut sqlite = sqlite_schema(&sqlite).await;
        sqlite.retain(|item| !item.starts_with("users_search"));
        let mut postgres = postgres_schema(&postgres).await;
        postgres.remove("index users_by_search_text on users (search_text)");
        let only_sqlite: Vec<&String> = sqlite.difference(&postgres).collect();
        let only_postgres: Vec<&String> = postgres.difference(&sqlite).collect();
        assert!(
            only_sqlite.is_empty() && only_postgres.is_empty(),
            "only on SQLite: {only_sqlite:#?}\nonly on PostgreSQL: {only_postgres:#?}"
        );
    }

    #[test]
    fn the_url_names_the_engine() {
        assert_eq!(Backend::of_url("sqlite://roster.db"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of_url("postgres://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::of_url("postgresql://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::of_url("mysql://u@h/db"), None);
    }

    #[test]
    fn passwords_never_reach_a_log_line() {
        assert_eq!(
            redact("postgres://roster:s3cret@localhost/roster"),
            "postgres://roster:***@localhost/roster"
        );
        assert_eq!(redact("sqlite://roster.db"), "sqlite://roster.db");
    }
}
