//! Generated people in any number, for the demo, `roster seed` and the benchmarks: a
//! seeded generator, so the same seed gives the same people, with realistic names drawn
//! in random order (never sorted, so a measurement does not depend on the order users
//! were loaded in), and a loader that inserts them in large transactions.

pub mod names;

use crate::db::Db;
use crate::domain::ProductAccess;
use crate::domain::{AccountId, Email, PersonName, RoleId, UserStatus};
use crate::error::AppError;
use crate::users::keys::fold;
use crate::users::new_user::{NewUser, insert_users};
use names::{FIRST_NAMES, LAST_NAMES};
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

const DOMAINS: [&str; 4] = ["acme.test", "corp.acme.test", "example.com", "example.org"];

/// Users inserted per transaction by the loader.
const USERS_PER_TRANSACTION: u64 = 20_000;

/// Zipf-like weights for a list ordered most common first: the n-th is drawn about
/// n^0.9 times less often than the first.
fn zipf(len: usize) -> WeightedIndex<f64> {
    WeightedIndex::new((1..=len).map(|rank| 1.0 / (rank as f64).powf(0.9)))
        .expect("a non-empty list has positive weights")
}

/// The local part of a generated address: the folded name, or `user` for a name that
/// is not written in Latin letters.
fn address_part(name: &str) -> String {
    let folded = fold(name).replace([' ', '\''], "");
    if folded
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        folded
    } else {
        "user".to_owned()
    }
}

/// Makes generated members of one account.
pub struct PeopleGenerator {
    rng: SmallRng,
    first_names: WeightedIndex<f64>,
    last_names: WeightedIndex<f64>,
    account_id: AccountId,
    role_id: RoleId,
    now: i64,
}

impl PeopleGenerator {
    pub fn new(seed: u64, account_id: AccountId, role_id: RoleId, now: i64) -> Self {
        Self {
            rng: SmallRng::seed_from_u64(seed),
            first_names: zipf(FIRST_NAMES.len()),
            last_names: zipf(LAST_NAMES.len()),
            account_id,
            role_id,
            now,
        }
    }

    /// The next person; `serial` makes the e-mail address unique.
    pub fn person(&mut self, serial: u64) -> NewUser {
        let first_name = FIRST_NAMES[self.first_names.sample(&mut self.rng)];
        let last_name = LAST_NAMES[self.last_names.sample(&mut self.rng)];
        let domain = DOMAINS[self.rng.random_range(0..DOMAINS.len())];
        let status = match self.rng.random_range(0..100) {
            0..=69 => UserStatus::Active,
            70..=84 => UserStatus::NotActive,
            85..=94 => UserStatus::Suspended,
            _ => UserStatus::Locked,
        };
        let created_at = self.now - 86_400 * 30 - self.rng.random_range(0..86_400 * 900);
        let last_login_at = match status {
            UserStatus::NotActive => None,
            _ => Some(self.now - self.rng.random_range(0..86_400 * 365)),
        };
        let address = format!(
            "{}.{}{serial}@{domain}",
            address_part(first_name),
            address_part(last_name)
        );
        NewUser {
            account_id: self.account_id,
            email: Email::parse(&address).expect("generated addresses are well-formed"),
            first_name: Some(PersonName::parse(first_name).expect("listed names are names")),
            last_name: Some(PersonName::parse(last_name).expect("listed names are names")),
            status,
            role_id: self.role_id,
            is_primary_admin: false,
            access: ProductAccess::default(),
            password_hash: None,
            created_at,
            invited_at: Some(created_at),
            last_login_at,
        }
    }
}

/// Adds `count` generated members to `account_id` with role `role_id`, numbering their
/// e-mails from `first_serial` so repeated loads never collide. Returns the count added.
pub async fn add_generated_users(
    db: &Db,
    account_id: AccountId,
    role_id: RoleId,
    count: u64,
    first_serial: u64,
    now: i64,
) -> Result<u64, AppError> {
    let mut generator = PeopleGenerator::new(first_serial ^ 0x5EED, account_id, role_id, now);
    let mut added = 0;
    while added < count {
        let batch = (count - added).min(USERS_PER_TRANSACTION);
        let people: Vec<NewUser> = (0..batch)
            .map(|offset| generator.person(first_serial + added + offset))
            .collect();
        let mut tx = db.write().await?;
        insert_users(&mut tx, &people).await?;
        tx.commit().await?;
        added += batch;
    }
    Ok(added)
}

/// The first account and the id of its Member role: where `roster seed` adds people.
pub async fn first_account(db: &Db) -> Result<Option<(AccountId, RoleId)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT a.id, r.id FROM accounts a
         JOIN roles r ON r.account_id = a.id AND r.name = $1
         ORDER BY a.id LIMIT 1",
    )
    .bind(crate::accounts::DefaultRole::Member.name())
    .fetch_optional(db.pool())
    .await?)
}

/// One past the highest user id, so a new load numbers its e-mails after every user.
pub async fn next_serial(db: &Db) -> Result<u64, AppError> {
    let (max,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM users")
        .fetch_one(db.pool())
        .await?;
    Ok(max.unwrap_or(0) as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generator(seed: u64) -> PeopleGenerator {
        let one = |value| AccountId::parse(value).unwrap();
        PeopleGenerator::new(seed, one(1), RoleId::parse(1).unwrap(), 1_800_000_000)
    }

    #[test]
    fn the_same_seed_makes_the_same_people_with_unique_emails() {
        let (mut a, mut b) = (generator(7), generator(7));
        let first = a.person(1);
        assert_eq!(first.email, b.person(1).email);
        assert_ne!(first.email, a.person(2).email);
    }

    #[test]
    fn every_listed_name_makes_a_valid_address() {
        let mut generator = generator(3);
        for serial in 0..5_000 {
            let person = generator.person(serial);
            assert!(
                Email::parse(person.email.as_str()).is_ok(),
                "{}",
                person.email
            );
        }
        assert_eq!(address_part("Zoë"), "zoe");
        assert_eq!(address_part("佐藤"), "user");
    }

    #[test]
    fn every_status_occurs_in_a_generated_population() {
        let mut generator = generator(1);
        let statuses: std::collections::HashSet<UserStatus> = (0..1_000)
            .map(|serial| generator.person(serial).status)
            .collect();
        assert_eq!(statuses.len(), 4);
    }
}
