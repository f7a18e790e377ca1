//! `roster-bench`: the Users grid's, the User Details page's, Role Management's, the
//! Dashboard's and the session check's figures over a large account, and a sign-in's
//! with and without its e-mailed second step, on SQLite and, when
//! `ROSTER_TEST_POSTGRES_URL` is set, on PostgreSQL. Times are measured around the store
//! functions the server functions call (server-side, without HTTP), in a fresh database
//! filled by the same loader as `roster seed`.

use app::accounts::CreatedAccount;
use app::apps::MemberRole;
use app::apps::store::user_apps;
use app::auth::principal::{Grant, UsersDelete, UsersRead};
use app::auth::session::{Activity, Client, resolve_session, start_session};
use app::auth::sign_in::{Door, SignedIn, sign_in};
use app::auth::sign_in_code;
use app::dashboard;
use app::db::Db;
use app::domain::Email;
use app::domain::{SessionId, UserId, UserStatus};
use app::i18n::Locale;
use app::loader::add_generated_users;
use app::loader::names::{FIRST_NAMES, LAST_NAMES};
use app::roles::assignments::store::{PageOf, role_holders};
use app::roles::store::list_roles;
use app::settings::sign_in_security::TwoFactor;
use app::testing::fixtures::{
    NOW, PASSWORD, PRIMARY_EMAIL, add_app, other_account, signed_in, test_account,
};
use app::testing::scratch::{postgres_url, sqlite_url};
use app::users::query::{Cursor, GridParams, SortField, UserQuery};
use app::users::selection::UserIds;
use app::users::store::{count_users, delete_users, list_users, user_details, user_sessions};
use clap::Parser;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(about = "Measure the Users grid and the session check over a large generated account")]
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
    /// Measure only the User Details page's reads and the group filter (after the load
    /// and the session check).
    #[arg(long)]
    details_only: bool,
    /// Measure only a sign-in, without and with the e-mailed code (no users loaded).
    #[arg(long)]
    sign_in_only: bool,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let mut engines = vec![("SQLite", sqlite_url())];
    if let Some(url) = postgres_url().await {
        engines.push(("PostgreSQL", url));
    }
    for (engine, url) in engines {
        if args.sign_in_only {
            println!("\n## {engine}: sign-in\n");
            bench_sign_in(&url, args.repetitions).await;
        } else {
            println!("\n## {engine}: {} users\n", args.users);
            bench_engine(&url, &args).await;
        }
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
    p99: Duration,
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
    let at = |share: usize| samples[(samples.len() * share / 100).min(samples.len() - 1)];
    Timing {
        median: at(50),
        p95: at(95),
        p99: at(99),
    }
}

fn ms(duration: Duration) -> String {
    format!("{:.3}", duration.as_secs_f64() * 1_000.0)
}

fn query(sort: SortField, search: Option<&str>, after: Option<String>) -> UserQuery {
    UserQuery::parse(&GridParams {
        q: search.map(str::to_owned),
        sort: Some(sort.slug().to_owned()),
        size: Some("25".into()),
        after,
        ..GridParams::default()
    })
    .expect("benchmark queries are valid")
}

/// A sign-in of the Primary Admin: the password alone; the password step when the
/// account asks for a code (the hash, the challenge and the e-mail in the outbox); and
/// the code step (no hash: a lookup, the session and the challenge spent); and the
/// password of an address in seven accounts, which tries five of them and asks which.
async fn bench_sign_in(url: &str, repetitions: usize) {
    let db = Db::connect(url, 4).await.expect("the database opens");
    test_account(&db).await;
    let email = Email::parse(PRIMARY_EMAIL).expect("the fixture's e-mail parses");
    let client = Client {
        user_agent: "roster-bench".into(),
        ip: None,
    };
    let password_step = || async {
        sign_in(
            &db,
            &email,
            PASSWORD.into(),
            Door::Everyone,
            &client,
            Locale::en,
            NOW,
        )
        .await
        .expect("the password is right")
    };
    let plain = time(repetitions, || async {
        password_step().await;
    })
    .await;
    sqlx::query("UPDATE accounts SET two_factor = $1")
        .bind(TwoFactor::Everyone.code())
        .execute(db.pool())
        .await
        .expect("the policy is set");
    let challenged = time(repetitions, || async {
        password_step().await;
    })
    .await;
    let mut samples = Vec::with_capacity(repetitions);
    for _ in 0..repetitions {
        let SignedIn::CodeAsked(challenge, _) = password_step().await else {
            panic!("the account asks for a code");
        };
        let (text,): (String,) =
            sqlx::query_as("SELECT text_body FROM outbox ORDER BY id DESC LIMIT 1")
                .fetch_one(db.pool())
                .await
                .expect("the code was e-mailed");
        let code = text
            .lines()
            .find(|line| line.len() == 6 && line.bytes().all(|b| b.is_ascii_digit()))
            .expect("the e-mail carries the code");
        let started = Instant::now();
        sign_in_code::confirm(
            &db,
            challenge.as_str(),
            code,
            None,
            &client,
            Locale::en,
            NOW,
        )
        .await
        .expect("the code is right");
        samples.push(started.elapsed());
    }
    samples.sort();
    let at = |share: usize| samples[(samples.len() * share / 100).min(samples.len() - 1)];
    sqlx::query("UPDATE accounts SET two_factor = $1")
        .bind(TwoFactor::Off.code())
        .execute(db.pool())
        .await
        .expect("the policy is set");
    for name in ["B", "C", "D", "E", "F", "G"] {
        other_account(&db, &format!("{name} Org"), PRIMARY_EMAIL).await;
    }
    let seven_accounts = time(repetitions, || async {
        let SignedIn::ChooseAccount(_) = password_step().await else {
            panic!("seven accounts ask which");
        };
    })
    .await;
    println!("| sign-in, one at a time | median ms | p95 ms | p99 ms |");
    println!("|---|---|---|---|");
    for (what, timing) in [
        ("password, no second factor (session started)", plain),
        ("password step, code required (code e-mailed)", challenged),
        (
            "code step (session started)",
            Timing {
                median: at(50),
                p95: at(95),
                p99: at(99),
            },
        ),
        (
            "password of an address in 7 accounts (5 tried, choice asked)",
            seven_accounts,
        ),
    ] {
        println!(
            "| {what} | {} | {} | {} |",
            ms(timing.median),
            ms(timing.p95),
            ms(timing.p99)
        );
    }
}

/// The User Details page's three tabs, one read each, for a user in the middle of the
/// account who is signed in on three devices and holds two apps; and the Role
/// Management page, whose holder counts must not read the members.
async fn details_page(
    db: &Db,
    account: &CreatedAccount,
    reader: &Grant<UsersRead>,
    repetitions: usize,
) {
    let (id,): (i64,) = sqlx::query_as(
        "SELECT id FROM users WHERE is_primary_admin = 0 ORDER BY id LIMIT 1 OFFSET \
         (SELECT COUNT(*) / 2 FROM users)",
    )
    .fetch_one(db.pool())
    .await
    .expect("the account has users");
    let user = UserId::parse(id).expect("stored ids are ids");
    for device in [
        "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0",
        "Mozilla/5.0 (iPhone) Mobile",
        "curl/8",
    ] {
        let client = Client {
            user_agent: device.to_owned(),
            ip: "127.0.0.1".parse().ok(),
        };
        start_session(db.pool(), user, account.account_id, &client, NOW)
            .await
            .expect("the session starts");
    }
    add_app(db, account, "Bench Owned", user, &[]).await;
    add_app(
        db,
        account,
        "Bench Member",
        account.primary_admin_id,
        &[(user, MemberRole::Developer)],
    )
    .await;
    let yours = SessionId::parse(1).expect("1 is an id");
    let profile = time(repetitions, || async {
        user_details(db, reader, user)
            .await
            .expect("the user reads");
    })
    .await;
    let sessions = time(repetitions, || async {
        let live = user_sessions(db, reader, user, yours, NOW)
            .await
            .expect("the sessions read");
        assert_eq!(live.len(), 3);
    })
    .await;
    let apps = time(repetitions, || async {
        let held = user_apps(db, reader, user).await.expect("the apps read");
        assert_eq!(held.len(), 2);
    })
    .await;
    let roles = time(repetitions, || async {
        let listed = list_roles(db, reader).await.expect("the roles read");
        assert!(!listed.is_empty());
    })
    .await;
    let holders = time(repetitions, || async {
        let page = PageOf {
            role: account.master_admin_role_id,
            search: None,
            after: None,
        };
        role_holders(db, reader, &page)
            .await
            .expect("the holders read");
    })
    .await;
    let overview = time(repetitions, || async {
        dashboard::store::overview(db, reader, NOW)
            .await
            .expect("the overview reads");
    })
    .await;
    // What a view past its five minutes sets off, after answering: at most once per
    // account every five minutes.
    let counted = time(repetitions.min(20), || async {
        dashboard::store::refresh_snapshot(db, account.account_id, NOW)
            .await
            .expect("the figures are counted");
    })
    .await;
    println!("| User Details tab (one user) | server function's read | median ms | p95 ms |");
    println!("|---|---|---|---|");
    for (tab, read, timing) in [
        ("Profile (and the header)", "get_user", profile),
        ("Sessions/Devices", "list_user_sessions", sessions),
        ("Manage Apps", "list_user_apps", apps),
        (
            "Role Management (every admin role, holders counted)",
            "list_roles",
            roles,
        ),
        (
            "A role's Assignments (Master Admin, first page)",
            "list_role_holders",
            holders,
        ),
        (
            "Dashboard (the user overview)",
            "dashboard_overview",
            overview,
        ),
        (
            "Dashboard's slower figures (every 5 minutes, in the background)",
            "refresh_snapshot",
            counted,
        ),
    ] {
        println!(
            "| {tab} | `{read}` | {} | {} |",
            ms(timing.median),
            ms(timing.p95)
        );
    }
    println!();
}

/// The grid filtered by group, with 1,000 groups of about 1,000 members each (every user
/// in one, by id) and one group of a quarter of the account.
async fn group_filter(
    db: &Db,
    account: &CreatedAccount,
    reader: &Grant<UsersRead>,
    repetitions: usize,
) {
    let started = Instant::now();
    let mut tx = db.write().await.expect("a transaction starts");
    for n in 0..1_001 {
        let name = if n == 1_000 {
            "quarter".to_owned()
        } else {
            format!("g{n}")
        };
        sqlx::query(
            "INSERT INTO user_groups (account_id, name, name_key, created_at) VALUES ($1, $2, $2, $3)",
        )
        .bind(account.account_id)
        .bind(&name)
        .bind(NOW)
        .execute(&mut *tx)
        .await
        .expect("the group is added");
    }
    sqlx::query(
        "INSERT INTO user_group_members (group_id, user_id)
         SELECT g.id, u.id FROM users u
         JOIN user_groups g ON g.account_id = u.account_id
          AND g.name_key = 'g' || CAST(u.id % 1000 AS TEXT)",
    )
    .execute(&mut *tx)
    .await
    .expect("every user joins a group");
    sqlx::query(
        "INSERT INTO user_group_members (group_id, user_id)
         SELECT g.id, u.id FROM users u
         JOIN user_groups g ON g.account_id = u.account_id AND g.name_key = 'quarter'
         WHERE u.id % 4 = 0",
    )
    .execute(&mut *tx)
    .await
    .expect("a quarter joins one more");
    tx.commit().await.expect("the groups are stored");
    db.analyze().await.expect("ANALYZE runs");
    println!(
        "Adding 1,001 groups and 1,250,000 memberships took {:.1} s.\n",
        started.elapsed().as_secs_f64()
    );
    let group_of = |name: &'static str| async move {
        let (id,): (i64,) = sqlx::query_as("SELECT id FROM user_groups WHERE name_key = $1")
            .bind(name)
            .fetch_one(db.pool())
            .await
            .expect("the group exists");
        id.to_string()
    };
    let (small, quarter) = (group_of("g500").await, group_of("quarter").await);
    let filtered = |sort: SortField, group: &str, q: Option<&str>, status: Option<&str>| {
        UserQuery::parse(&GridParams {
            q: q.map(str::to_owned),
            status: status.map(str::to_owned),
            group: Some(group.to_owned()),
            sort: Some(sort.slug().to_owned()),
            size: Some("25".into()),
            ..GridParams::default()
        })
        .expect("benchmark queries are valid")
    };
    println!("| grid filtered by group (25 rows) | sort | median ms | p95 ms |");
    println!("|---|---|---|---|");
    for sort in SortField::ALL {
        let cases = [
            (
                "group of 1,000 (collected)",
                filtered(sort, &small, None, None),
            ),
            (
                "group of 250,000 (walked)",
                filtered(sort, &quarter, None, None),
            ),
            (
                "group of 1,000 + status active",
                filtered(sort, &small, None, Some("active")),
            ),
            (
                "group of 250,000 + search `mar`",
                filtered(sort, &quarter, Some("mar"), None),
            ),
        ];
        for (label, query) in cases {
            let timing = time(repetitions, || async {
                list_users(db, reader, &query)
                    .await
                    .expect("the page loads");
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
    println!();
}

/// The cursor of the row `depth` rows into the account under `sort` (ascending).
async fn cursor_at(db: &Db, sort: SortField, depth: u64) -> String {
    let order = match sort {
        SortField::Name => "name_key, id",
        SortField::Email => "email",
        SortField::Status => "status, name_key, id",
        SortField::LastLogin => "last_login_at, id",
    };
    let (id, name_key, email, status, last_login_at): (i64, String, String, i64, i64) =
        sqlx::query_as(&format!(
            "SELECT id, name_key, email, status, last_login_at FROM users \
             ORDER BY {order} LIMIT 1 OFFSET $1"
        ))
        .bind(depth as i64)
        .fetch_one(db.pool())
        .await
        .expect("the account is deep enough");
    let (number, text) = match sort {
        SortField::Name => (0, name_key),
        SortField::Email => (0, email),
        SortField::Status => (status, name_key),
        SortField::LastLogin => (last_login_at, String::new()),
    };
    let id = app::domain::UserId::parse(id).expect("stored ids are ids");
    Cursor { number, id, text }.encode()
}

/// The first grid page's query, as the store sends it.
const FIRST_PAGE: &str = "SELECT u.id, u.first_name, u.last_name, u.email, u.status, \
     u.last_login_at, u.is_primary_admin, u.name_key, r.name AS role_name, \
     r.is_admin AS role_is_admin FROM users u JOIN roles r ON r.id = u.role_id \
     WHERE u.account_id = $1 ORDER BY u.name_key ASC, u.id ASC LIMIT 26";

/// Times the first page's query on `pool`, whatever its driver.
macro_rules! time_first_page {
    ($pool:expr, $repetitions:expr) => {
        time($repetitions, || async {
            type Row = (
                i64,
                String,
                String,
                String,
                i64,
                i64,
                i64,
                String,
                String,
                i64,
            );
            let rows: Vec<Row> = sqlx::query_as(FIRST_PAGE)
                .bind(1_i64)
                .fetch_all($pool)
                .await
                .expect("the first page loads");
            assert_eq!(rows.len(), 26);
        })
        .await
    };
}

/// The evidence behind the choice of sqlx's `Any` driver: the same query and rows
/// through `Any` and through the engine's own driver, on the same database.
async fn driver_overhead(url: &str, args: &Args) {
    let repetitions = args.repetitions * 5;
    let any = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .expect("the Any pool opens");
    let through_any = time_first_page!(&any, repetitions);
    let native = if url.starts_with("sqlite:") {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect(url)
            .await
            .expect("the SQLite pool opens");
        time_first_page!(&pool, repetitions)
    } else {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(url)
            .await
            .expect("the PostgreSQL pool opens");
        time_first_page!(&pool, repetitions)
    };
    println!("\n| first page's query (26 rows), one connection | median ms | p99 ms |");
    println!("|---|---|---|");
    println!(
        "| through sqlx `Any` | {} | {} |",
        ms(through_any.median),
        ms(through_any.p99)
    );
    println!(
        "| through the engine's own driver | {} | {} |",
        ms(native.median),
        ms(native.p99)
    );
}

/// Every three-letter piece of the 30 most common first and last names: how a search
/// page fares across realistic searches, not only the chosen ones.
async fn substring_sample(db: &Db, reader: &app::auth::principal::Grant<UsersRead>) {
    let mut pieces: Vec<String> = FIRST_NAMES[..30]
        .iter()
        .chain(&LAST_NAMES[..30])
        .flat_map(|name| {
            let letters: Vec<char> = name.to_lowercase().chars().collect();
            letters
                .windows(3)
                .map(|piece| piece.iter().collect::<String>())
                .collect::<Vec<_>>()
        })
        .collect();
    pieces.sort();
    pieces.dedup();
    println!(
        "\n| {} searches (every 3-letter piece of common names), one page each | sort | median ms | 90th percentile ms | worst ms (search) |",
        pieces.len()
    );
    println!("|---|---|---|---|---|");
    for sort in SortField::ALL {
        let mut times = Vec::with_capacity(pieces.len());
        for piece in &pieces {
            let query = query(sort, Some(piece), None);
            let timing = time(3, || async {
                list_users(db, reader, &query)
                    .await
                    .expect("the page loads");
            })
            .await;
            times.push((timing.median, piece.clone()));
        }
        times.sort();
        let (worst, worst_piece) = times.last().cloned().expect("the sample is not empty");
        println!(
            "| all | {} | {} | {} | {} (`{worst_piece}`) |",
            sort.slug(),
            ms(times[times.len() / 2].0),
            ms(times[times.len() * 9 / 10].0),
            ms(worst)
        );
    }
}

async fn bench_engine(url: &str, args: &Args) {
    let db = Db::connect(url, 4).await.expect("the database opens");
    let account = test_account(&db).await;
    let started = Instant::now();
    add_generated_users(
        &db,
        account.account_id,
        account.member_role_id,
        args.users,
        1,
        NOW,
    )
    .await
    .expect("the users load");
    db.analyze().await.expect("ANALYZE runs");
    println!(
        "Loading {} users (`roster seed` loader) took {:.1} s.\n",
        args.users,
        started.elapsed().as_secs_f64()
    );

    let (token, admin) = signed_in(&db, &account, account.primary_admin_id).await;
    let reader = admin
        .grant::<UsersRead>()
        .expect("the Primary Admin may read");
    let deleter = admin
        .grant::<UsersDelete>()
        .expect("the Primary Admin may delete");

    let session = time(args.repetitions * 5, || async {
        resolve_session(&db, &token, NOW, None, Activity::Counts)
            .await
            .expect("the session resolves");
    })
    .await;
    println!("| session check (one read, no write) | median ms | p95 ms | p99 ms |");
    println!("|---|---|---|---|");
    println!(
        "| resolve the session cookie into a principal | {} | {} | {} |\n",
        ms(session.median),
        ms(session.p95),
        ms(session.p99)
    );

    details_page(&db, &account, &reader, args.repetitions).await;
    group_filter(&db, &account, &reader, args.repetitions).await;
    if args.details_only {
        return;
    }

    println!("| read (25 rows) | sort | median ms | p95 ms |");
    println!("|---|---|---|---|");
    for sort in SortField::ALL {
        let deep = cursor_at(&db, sort, args.depth).await;
        let cases = [
            ("first page".to_owned(), query(sort, None, None)),
            (
                format!("page {} rows deep", args.depth),
                query(sort, None, Some(deep)),
            ),
            (
                "search `mar` (many matches)".to_owned(),
                query(sort, Some("mar"), None),
            ),
            (
                "search `sato` (few matches)".to_owned(),
                query(sort, Some("sato"), None),
            ),
            (
                "search `qqq` (no match)".to_owned(),
                query(sort, Some("qqq"), None),
            ),
            (
                "search `ma` (prefix)".to_owned(),
                query(sort, Some("ma"), None),
            ),
        ];
        for (label, query) in cases {
            let timing = time(args.repetitions, || async {
                list_users(&db, &reader, &query)
                    .await
                    .expect("the page loads");
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
    substring_sample(&db, &reader).await;

    let mut active = query(SortField::Name, None, None);
    active.status = Some(UserStatus::Active);
    let totals = [
        ("total, unfiltered", query(SortField::Name, None, None)),
        ("total, status = active", active),
        (
            "total, search `mar`",
            query(SortField::Name, Some("mar"), None),
        ),
        (
            "total, search `sato`",
            query(SortField::Name, Some("sato"), None),
        ),
        (
            "total, search `qqq`",
            query(SortField::Name, Some("qqq"), None),
        ),
    ];
    for (label, query) in totals {
        let timing = time(args.repetitions, || async {
            count_users(&db, &reader, &query)
                .await
                .expect("the total counts");
        })
        .await;
        println!(
            "| {label} | – | {} | {} |",
            ms(timing.median),
            ms(timing.p95)
        );
    }

    driver_overhead(url, args).await;

    println!("\n| Delete Selected | ms (one transaction) |");
    println!("|---|---|");
    for (offset, count) in [(10_000_i64, 1_000_i64), (20_000, 5_000)] {
        let ids: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM users WHERE is_primary_admin = 0 ORDER BY id LIMIT $1 OFFSET $2",
        )
        .bind(count)
        .bind(offset)
        .fetch_all(db.pool())
        .await
        .expect("ids load");
        let ids: Vec<i64> = ids.into_iter().map(|(id,)| id).collect();
        let ids = UserIds::parse(&ids).expect("ids are valid");
        let started = Instant::now();
        let report = delete_users(&db, &deleter, &ids, NOW)
            .await
            .expect("the delete runs");
        let elapsed = started.elapsed();
        assert_eq!(report.deleted.len(), count as usize);
        println!("| {count} users | {} |", ms(elapsed));
    }
}
