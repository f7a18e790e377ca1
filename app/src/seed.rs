//! Realistic data to look at and to measure: the demo organisation, and a bulk loader
//! that adds any number of users to an account.

use crate::accounts::{CreatedAccount, NewPrimaryAdmin, create_account, name_key};
use crate::db::Db;
use crate::email::Email;
use crate::error::AppError;
use crate::users::UserStatus;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Row};

/// The demo's sign-in. A fixed password exists only in demo mode.
pub const DEMO_ADMIN_EMAIL: &str = "admin@acme.test";
pub const DEMO_ADMIN_PASSWORD: &str = "roster-demo-password";
/// The demo's second admin, whose role may read but not delete users.
pub const DEMO_VIEWER_EMAIL: &str = "viewer@acme.test";

const FIRST_NAMES: [&str; 40] = [
    "Aiko", "Amara", "Ana", "Ben", "Carlos", "Chen", "Chloe", "Daniel", "Elena", "Emeka", "Fatima",
    "Felix", "Grace", "Hana", "Hiro", "Ines", "Isaac", "Jamal", "Julia", "Kenji", "Lara", "Leo",
    "Lucia", "Maya", "Mei", "Nadia", "Noah", "Olga", "Omar", "Priya", "Rafael", "Rosa", "Sam",
    "Sofia", "Tariq", "Uma", "Victor", "Wei", "Yara", "Zoe",
];
const LAST_NAMES: [&str; 40] = [
    "Adams", "Baker", "Costa", "Diaz", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen",
    "Kim", "Kowalski", "Lopez", "Martin", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen",
    "Patel", "Quinn", "Rossi", "Sato", "Schmidt", "Silva", "Singh", "Tanaka", "Taylor", "Usman",
    "Varga", "Wagner", "Walker", "Wang", "Weber", "Xu", "Yamada", "Young", "Zhang", "Zimmer",
    "Moreau",
];
const DOMAINS: [&str; 4] = ["acme.test", "corp.acme.test", "example.com", "example.org"];

/// A small deterministic generator (splitmix64): the same seed, the same users.
pub struct Generator(u64);

impl Generator {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// A user to insert.
struct Person<'a> {
    first_name: &'a str,
    last_name: &'a str,
    email: String,
    status: UserStatus,
    invited_at: Option<i64>,
    last_login_at: i64,
    created_at: i64,
}

fn person(generator: &mut Generator, serial: u64, now: i64) -> Person<'static> {
    let first_name = generator.pick(&FIRST_NAMES);
    let last_name = generator.pick(&LAST_NAMES);
    let domain = generator.pick(&DOMAINS);
    let status = match generator.below(100) {
        0..=69 => UserStatus::Active,
        70..=84 => UserStatus::NotActive,
        85..=94 => UserStatus::Suspended,
        _ => UserStatus::Locked,
    };
    let created_at = now - 86_400 * 30 - generator.below(86_400 * 900) as i64;
    let invited_at = Some(created_at);
    let last_login_at = match status {
        UserStatus::NotActive => 0,
        _ => now - generator.below(86_400 * 365) as i64,
    };
    Person {
        first_name,
        last_name,
        email: format!(
            "{}.{}{serial}@{domain}",
            first_name.to_lowercase(),
            last_name.to_lowercase()
        ),
        status,
        invited_at,
        last_login_at,
        created_at,
    }
}

/// Columns a generated user fills; rows are inserted this many arguments at a time.
const COLUMNS: &str = "account_id, email, first_name, last_name, name_key, last_key, status, \
                       role_id, created_at, invited_at, last_login_at";
const ARGS_PER_ROW: usize = 11;
// About 500 arguments a statement: more bind in quadratic time on SQLite (see
// `users::store`).
const ROWS_PER_INSERT: usize = 45;
const ROWS_PER_TRANSACTION: usize = 20_000;

/// Adds `count` generated users to `account_id` with role `role_id`, numbering their
/// e-mails from `first_serial` so repeated loads never collide. Returns the count added.
pub async fn add_users(
    db: &Db,
    account_id: i64,
    role_id: i64,
    count: u64,
    first_serial: u64,
    now: i64,
) -> Result<u64, AppError> {
    let mut generator = Generator::new(first_serial ^ 0x5EED);
    let full_statement = insert_statement(ROWS_PER_INSERT);
    let mut added = 0;
    while added < count {
        let mut tx = db.pool().begin().await?;
        let in_transaction = (count - added).min(ROWS_PER_TRANSACTION as u64);
        let mut done = 0;
        while done < in_transaction {
            let rows = (in_transaction - done).min(ROWS_PER_INSERT as u64) as usize;
            let statement = if rows == ROWS_PER_INSERT {
                full_statement.clone()
            } else {
                insert_statement(rows)
            };
            let mut query = sqlx::query(&statement);
            for offset in 0..rows as u64 {
                let serial = first_serial + added + done + offset;
                let person = person(&mut generator, serial, now);
                query = bind_person(query, account_id, role_id, person);
            }
            query.execute(&mut *tx).await?;
            done += rows as u64;
        }
        tx.commit().await?;
        added += in_transaction;
    }
    Ok(added)
}

/// Binds the `COLUMNS` of one user, in order.
fn bind_person<'q>(
    query: Query<'q, Any, AnyArguments<'q>>,
    account_id: i64,
    role_id: i64,
    person: Person<'_>,
) -> Query<'q, Any, AnyArguments<'q>> {
    query
        .bind(account_id)
        .bind(person.email)
        .bind(person.first_name.to_owned())
        .bind(person.last_name.to_owned())
        .bind(name_key(person.first_name, person.last_name))
        .bind(person.last_name.to_lowercase())
        .bind(person.status.code())
        .bind(role_id)
        .bind(person.created_at)
        .bind(person.invited_at)
        .bind(person.last_login_at)
}

fn insert_statement(rows: usize) -> String {
    let tuples: Vec<String> = (0..rows)
        .map(|row| {
            let placeholders: Vec<String> = (1..=ARGS_PER_ROW)
                .map(|column| format!("${}", row * ARGS_PER_ROW + column))
                .collect();
            format!("({})", placeholders.join(", "))
        })
        .collect();
    format!("INSERT INTO users ({COLUMNS}) VALUES {}", tuples.join(", "))
}

/// The first account and the role new users get in it.
pub async fn first_account(db: &Db) -> Result<Option<(i64, i64)>, AppError> {
    let row = sqlx::query(
        "SELECT a.id AS account_id, r.id AS role_id FROM accounts a
         JOIN roles r ON r.account_id = a.id AND r.name = $1
         ORDER BY a.id LIMIT 1",
    )
    .bind(crate::accounts::MEMBER_ROLE)
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| Ok((row.try_get("account_id")?, row.try_get("role_id")?)))
        .transpose()
}

/// The highest user id, so a new bulk load numbers its e-mails after it.
pub async fn next_serial(db: &Db) -> Result<u64, AppError> {
    let max: Option<i64> = sqlx::query("SELECT MAX(id) AS max_id FROM users")
        .fetch_one(db.pool())
        .await?
        .try_get("max_id")?;
    Ok(max.unwrap_or(0) as u64 + 1)
}

/// A named user the demo and the tests rely on.
pub struct Fixture<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub status: UserStatus,
}

/// Three users who share a first name, the first of them owning the app "HR Bot": the
/// Delete Selected journey deletes two and keeps the owner.
pub const JORDANS: [Fixture<'static>; 3] = [
    Fixture {
        first_name: "Jordan",
        last_name: "Avery",
        email: "jordan.avery@acme.test",
        status: UserStatus::Active,
    },
    Fixture {
        first_name: "Jordan",
        last_name: "Blake",
        email: "jordan.blake@acme.test",
        status: UserStatus::Suspended,
    },
    Fixture {
        first_name: "Jordan",
        last_name: "Cruz",
        email: "jordan.cruz@acme.test",
        status: UserStatus::NotActive,
    },
];

/// Inserts one named user and returns its id.
pub async fn add_fixture(
    db: &Db,
    account_id: i64,
    role_id: i64,
    fixture: &Fixture<'_>,
    now: i64,
) -> Result<i64, AppError> {
    let person = Person {
        first_name: fixture.first_name,
        last_name: fixture.last_name,
        email: fixture.email.to_owned(),
        status: fixture.status,
        invited_at: Some(now - 86_400 * 60),
        last_login_at: if fixture.status == UserStatus::NotActive {
            0
        } else {
            now - 3_600
        },
        created_at: now - 86_400 * 60,
    };
    let statement = format!("{} RETURNING id", insert_statement(1));
    let query = bind_person(sqlx::query(&statement), account_id, role_id, person);
    Ok(query.fetch_one(db.pool()).await?.try_get("id")?)
}

/// Creates an app owned by `owner_id` with the given members (2 Developer, 3 Tester).
pub async fn add_app(
    db: &Db,
    account_id: i64,
    name: &str,
    owner_id: i64,
    members: &[(i64, i64)],
    now: i64,
) -> Result<i64, AppError> {
    let app_id: i64 = sqlx::query(
        "INSERT INTO apps (account_id, name, owner_id, published, created_at)
         VALUES ($1, $2, $3, 1, $4) RETURNING id",
    )
    .bind(account_id)
    .bind(name)
    .bind(owner_id)
    .bind(now)
    .fetch_one(db.pool())
    .await?
    .try_get("id")?;
    for (user_id, role) in members {
        sqlx::query("INSERT INTO app_members (app_id, user_id, role) VALUES ($1, $2, $3)")
            .bind(app_id)
            .bind(*user_id)
            .bind(*role)
            .execute(db.pool())
            .await?;
    }
    Ok(app_id)
}

/// Fills an empty database with the demo organisation "Acme Corp": its Primary Admin,
/// a second admin who may only read, 300 generated users across all four statuses, the
/// three Jordans, and apps with owners and members. Does nothing if an account exists.
pub async fn seed_demo(db: &Db, now: i64) -> Result<bool, AppError> {
    if crate::accounts::count_accounts(db).await? > 0 {
        return Ok(false);
    }
    let admin = NewPrimaryAdmin {
        email: Email::parse(DEMO_ADMIN_EMAIL).map_err(|_| AppError::Internal)?,
        first_name: "Alex".into(),
        last_name: "Morgan".into(),
        password: DEMO_ADMIN_PASSWORD.into(),
    };
    let CreatedAccount {
        account_id,
        primary_admin_id,
        member_role_id,
        user_admin_role_id,
    } = create_account(db, "Acme Corp", admin, now).await?;

    let viewer_hash = crate::auth::password::hash_password(DEMO_ADMIN_PASSWORD.into()).await?;
    sqlx::query(
        "INSERT INTO users (account_id, email, first_name, last_name, name_key, last_key, status,
                            role_id, password_hash, created_at)
         VALUES ($1, $2, 'Riley', 'Chen', 'riley chen', 'chen', $3, $4, $5, $6)",
    )
    .bind(account_id)
    .bind(DEMO_VIEWER_EMAIL)
    .bind(UserStatus::Active.code())
    .bind(user_admin_role_id)
    .bind(viewer_hash)
    .bind(now)
    .execute(db.pool())
    .await?;

    let first_generated = next_serial(db).await?;
    add_users(db, account_id, member_role_id, 300, first_generated, now).await?;
    let mut jordans = Vec::new();
    for fixture in &JORDANS {
        jordans.push(add_fixture(db, account_id, member_role_id, fixture, now).await?);
    }
    let generated: Vec<i64> = sqlx::query(
        "SELECT id FROM users WHERE account_id = $1 AND role_id = $2 AND id NOT IN ($3, $4, $5)
         ORDER BY id LIMIT 12",
    )
    .bind(account_id)
    .bind(member_role_id)
    .bind(jordans[0])
    .bind(jordans[1])
    .bind(jordans[2])
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|row| row.try_get("id"))
    .collect::<Result<_, _>>()?;

    add_app(
        db,
        account_id,
        "HR Bot",
        jordans[0],
        &[(jordans[1], 2)],
        now,
    )
    .await?;
    add_app(
        db,
        account_id,
        "IT Helpdesk",
        primary_admin_id,
        &[(generated[0], 2), (generated[1], 3)],
        now,
    )
    .await?;
    let more_apps = [
        "Travel Desk",
        "Payroll Assistant",
        "Onboarding Guide",
        "Sales Coach",
    ];
    for (index, name) in more_apps.iter().enumerate() {
        let owner = generated[2 + index * 2];
        let member = generated[3 + index * 2];
        add_app(db, account_id, name, owner, &[(member, 3)], now).await?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic_and_emails_are_unique_by_serial() {
        let mut a = Generator::new(7);
        let mut b = Generator::new(7);
        let first = person(&mut a, 1, 1_800_000_000);
        let again = person(&mut b, 1, 1_800_000_000);
        assert_eq!(first.email, again.email);
        let second = person(&mut a, 2, 1_800_000_000);
        assert_ne!(first.email, second.email);
        assert!(Email::parse(&first.email).is_ok());
    }

    #[test]
    fn every_status_occurs_in_a_generated_population() {
        let mut generator = Generator::new(1);
        let statuses: std::collections::HashSet<UserStatus> = (0..1_000)
            .map(|serial| person(&mut generator, serial, 1_800_000_000).status)
            .collect();
        assert_eq!(statuses.len(), 4);
    }

    #[test]
    fn the_insert_statement_numbers_every_argument_once() {
        let statement = insert_statement(2);
        assert!(statement.contains("($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"));
        assert!(statement.ends_with("$22)"));
    }
}
