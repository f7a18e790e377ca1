//! Fresh, empty databases for tests and benchmarks: always a SQLite file, and a new
//! PostgreSQL database when `ROSTER_TEST_POSTGRES_URL` names a server to create it on.

use sqlx::Executor;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The variable naming a PostgreSQL database whose role may create databases.
pub const POSTGRES_URL_VAR: &str = "ROSTER_TEST_POSTGRES_URL";
/// Every scratch PostgreSQL database starts with this, so a script can drop them all.
pub const POSTGRES_PREFIX: &str = "roster_scratch_";

fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos())
        .unwrap_or_default();
    format!(
        "{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// A URL of a new SQLite file in the temporary directory.
pub fn sqlite_url() -> String {
    let path = std::env::temp_dir().join(format!("roster-scratch-{}.db", unique_suffix()));
    format!("sqlite://{}", path.display())
}

/// A URL of a new, empty PostgreSQL database, or `None` when none is configured.
pub async fn postgres_url() -> Option<String> {
    let admin_url = std::env::var(POSTGRES_URL_VAR).ok()?;
    install_default_drivers();
    let name = format!("{POSTGRES_PREFIX}{}", unique_suffix());
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&admin_url)
        .await
        .unwrap_or_else(|error| panic!("{POSTGRES_URL_VAR} is set but unreachable: {error}"));
    pool.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap_or_else(|error| panic!("cannot create a scratch database: {error}"));
    pool.close().await;
    Some(with_database(&admin_url, &name))
}

/// One new database URL per engine available here: SQLite, then PostgreSQL if configured.
pub async fn database_urls() -> Vec<String> {
    let mut urls = vec![sqlite_url()];
    urls.extend(postgres_url().await);
    urls
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base.find("://").map_or(0, |scheme| scheme + 3);
    let host_part = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{host_part}/{name}?{query}"),
        None => format!("{host_part}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_replaced_and_options_kept() {
        assert_eq!(
            with_database("postgres://u:p@127.0.0.1:5432/roster?sslmode=disable", "x"),
            "postgres://u:p@127.0.0.1:5432/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
