//! `roster-bench`: the Users grid's figures over a large account, on SQLite and, when
//! `ROSTER_TEST_POSTGRES_URL` is set, on PostgreSQL. Times are measured around the
//! store functions the server functions call (server-side, without HTTP), in a fresh
//! database filled by the same loader as `roster seed`.

use app::accounts::{NewPrimaryAdmin, create_account};
use app::auth::grant::{UsersDelete, UsersRead};
use app::auth::session::{resume_session, start_session};
use app::db::Db;
use app::email::Email;
use app::scratch::{postgres_url, sqlite_url};
use app::seed::add_users;
use app::users::delete::UserIds;
use app::users::query::{Cursor, GridParams, SortField, UserQuery};
use app::users::store::{count_users, delete_users, list_users};
use clap::Parser;
use sqlx::Row;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(about = "Measure the Users grid over a large generated account")]
struct Args {
    /// Users to generate in the account.
    #[arg(long, default_value_t = 1_000_000)]
    users: u64,
    /// Timed repetitions of each read.
    #[arg(long, default_value_t = 200)]
    repetitions: usize,
    /// Depth of the deep page, in rows.
    #[arg(long, default_value_t = 500_000)]
    depth: u64,
}

const NOW: i64 = 1_800_000_000;

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let mut engines = vec![("SQLite", sqlite_url())];
    if let Some(url) = postgres_url().await {
        engines.push(("PostgreSQL", url));
    }
    for (engine, url) in engines {
        println!("\n## {engine}: {} users\n", args.users);
        bench_engine(&url, &args).await;
        remove_sqlite_files(&url);
    }
}

/// A million users take hundreds of megabytes: the SQLite scratch files go when done.
fn remove_sqlite_files(url: &str) {
    if let Some(path) = url.strip_prefix("sqlite://") {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }
}

struct Timing {
    median: Duration,
    p95: Duration,
}

async fn time<F, Fut>(repetitions: usize, mut run: F) -> Timing
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    run().await;
    let mut samples = Vec::with_capacity(repetitions);
    for _ in 0..repetitions {
        let started = Instant::now();
        run().await;
        samples.push(started.elapsed());
    }
    samples.sort();
    Timing {
        median: samples[samples.len() / 2],
        p95: samples[samples.len() * 95 / 100],
    }
}

fn ms(duration: Duration) -> String {
    format!("{:.3}", duration.as_secs_f64() * 1_000.0)
}

fn params(sort: SortField, search: Option<&str>, after: Option<String>) -> UserQuery {
    UserQuery::parse(&GridParams {
        q: search.map(str::to_owned),
        sort: Some(sort.slug().to_owned()),
        size: Some("25".into()),
        after,
        ..GridParams::default()
    })
    .expect("benchmark queries are valid")
}

/// The cursor of the row `depth` rows into the account under `sort` (ascending).
async fn cursor_at(db: &Db, account_id: i64, sort: SortField, depth: u64) -> String {
    let order = match sort {
        SortField::Name => "name_key, id",
        SortField::Email => "email",
        SortField::Status => "status, name_key, id",
        SortField::LastLogin => "last_login_at, id",
    };
    let row = sqlx::query(&format!(
        "SELECT id, name_key, email, status, last_login_at FROM users WHERE account_id = $1 \
         ORDER BY {order} LIMIT 1 OFFSET $2"
    ))
    .bind(account_id)
    .bind(depth as i64)
    .fetch_one(db.pool())
    .await
    .expect("the account is deep enough");
    let text: String = match sort {
        SortField::Email => row.get("email"),
        SortField::LastLogin => String::new(),
        _ => row.get("name_key"),
    };
    let number: i64 = match sort {
        SortField::Status => row.get("status"),
        SortField::LastLogin => row.get("last_login_at"),
        _ => 0,
    };
    Cursor {
        number,
        id: row.get("id"),
        text,
    }
    .encode()
}

async fn bench_engine(url: &str, args: &Args) {
    let db = Db::connect(url, 4).await.expect("the database opens");
    let admin = NewPrimaryAdmin {
        email: Email::parse("bench@example.com").unwrap(),
        first_name: "Bench".into(),
        last_name: "Admin".into(),
        password: "a long enough password".into(),
    };
    let account = create_account(&db, "Bench Org", admin, NOW).await.unwrap();
    let started = Instant::now();
    add_users(
        &db,
        account.account_id,
        account.member_role_id,
        args.users,
        1,
        NOW,
    )
    .await
    .unwrap();
    db.analyze().await.unwrap();
    println!(
        "Loading {} users (`roster seed` loader) took {:.1} s.\n",
        args.users,
        started.elapsed().as_secs_f64()
    );

    let token = start_session(
        &db,
        account.primary_admin_id,
        account.account_id,
        "bench",
        NOW,
    )
    .await
    .unwrap();
    let admin = resume_session(&db, &token, NOW).await.unwrap();
    let reader = admin.grant::<UsersRead>().unwrap();
    let deleter = admin.grant::<UsersDelete>().unwrap();

    println!("| read (25 rows) | sort | median ms | p95 ms |");
    println!("|---|---|---|---|");
    for sort in SortField::ALL {
        let deep = cursor_at(&db, account.account_id, sort, args.depth).await;
        let cases = [
            ("first page".to_owned(), params(sort, None, None)),
            (
                format!("page {} rows deep", args.depth),
                params(sort, None, Some(deep)),
            ),
            (
                "prefix search 'mar'".to_owned(),
                params(sort, Some("mar"), None),
            ),
        ];
        for (label, query) in cases {
            let timing = time(args.repetitions, || async {
                list_users(&db, &reader, &query).await.unwrap();
            })
            .await;
            println!(
                "| {label} | {} | {} | {} |",
                sort.slug(),
                ms(timing.median),
                ms(timing.p95)
            );
        }
    }
    let totals = [
        ("total, unfiltered", params(SortField::Name, None, None)),
        ("total, status = active", {
            let mut query = params(SortField::Name, None, None);
            query.status = Some(app::users::UserStatus::Active);
            query
        }),
        (
            "total, prefix search 'mar'",
            params(SortField::Name, Some("mar"), None),
        ),
    ];
    for (label, query) in totals {
        let timing = time(args.repetitions, || async {
            count_users(&db, &reader, &query).await.unwrap();
        })
        .await;
        println!(
            "| {label} | – | {} | {} |",
            ms(timing.median),
            ms(timing.p95)
        );
    }

    println!("\n| Delete Selected | ms (one transaction) |");
    println!("|---|---|");
    for (offset, count) in [(10_000, 1_000), (20_000, 5_000)] {
        let ids: Vec<i64> = sqlx::query(
            "SELECT id FROM users WHERE account_id = $1 AND is_primary_admin = 0 ORDER BY id \
             LIMIT $2 OFFSET $3",
        )
        .bind(account.account_id)
        .bind(count)
        .bind(offset)
        .fetch_all(db.pool())
        .await
        .unwrap()
        .iter()
        .map(|row| row.get("id"))
        .collect();
        let ids = UserIds::parse(&ids).unwrap();
        let started = Instant::now();
        let report = delete_users(&db, &deleter, &ids, NOW).await.unwrap();
        let elapsed = started.elapsed();
        assert_eq!(report.deleted.len(), count as usize);
        println!("| {count} users | {} |", ms(elapsed));
    }
}
