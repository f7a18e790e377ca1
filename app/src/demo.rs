//! The demo organisation "Acme Corp", for trying Roster and for the browser journeys:
//! its Primary Admin, a second admin who may only read, 300 generated people in every
//! status, two members who sign in, three groups, and apps with owners and members. A
//! fixed password exists only here.

use crate::accounts::{
    CreatedAccount, DefaultRole, NewPrimaryAdmin, count_accounts, create_account,
};
use crate::apps::MemberRole;
use crate::apps::store::{NewApp, insert_app};
use crate::auth::password::hash_password;
use crate::auth::session::{Client, start_session};
use crate::db::Db;
use crate::domain::ProductAccess;
use crate::domain::{Email, PersonName, UserId, UserStatus};
use crate::error::AppError;
use crate::loader::{add_generated_users, next_serial};
use crate::users::new_user::{NewUser, insert_user};

/// The demo's sign-in.
pub const DEMO_ADMIN_EMAIL: &str = "admin@acme.test";
pub const DEMO_PASSWORD: &str = "roster-demo-password";
/// The demo's second admin, whose role may read but not delete users.
pub const DEMO_VIEWER_EMAIL: &str = "viewer@acme.test";
/// Sessions of two demo members (0: Priya, 1: Tomás) on several devices, so the
/// Sessions/Devices tab has something to show: (member, User-Agent, address).
const DEMO_DEVICES: [(u8, &str, &str); 4] = [
    (
        0,
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
         Chrome/120.0.0.0 Safari/537.36",
        "203.0.113.24",
    ),
    (
        0,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 \
         (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
        "198.51.100.7",
    ),
    (
        0,
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) \
         Version/16.6 Mobile/15E148 Safari/604.1",
        "198.51.100.9",
    ),
    (
        1,
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) \
         Version/17.1 Safari/605.1.15",
        "2001:db8::42",
    ),
];
/// Members (no admin role) who sign in with the demo password and land on `/me`.
pub const DEMO_MEMBERS_WHO_SIGN_IN: [&str; 2] = ["priya.raman@acme.test", "tomas.ortega@acme.test"];
/// Generated people in the demo.
const DEMO_PEOPLE: u64 = 300;

fn name(text: &str) -> Result<PersonName, AppError> {
    PersonName::parse(text).map_err(|_| AppError::Internal)
}

fn email(text: &str) -> Result<Email, AppError> {
    Email::parse(text).map_err(|_| AppError::Internal)
}

/// An app's members other than its owner.
type Members = Vec<(UserId, MemberRole)>;

/// A named member of the demo.
fn member(
    account: &CreatedAccount,
    (first, last, address): (&str, &str, &str),
    status: UserStatus,
    now: i64,
) -> Result<NewUser, AppError> {
    Ok(NewUser {
        account_id: account.account_id,
        email: email(address)?,
        first_name: Some(name(first)?),
        last_name: Some(name(last)?),
        status,
        role_id: account.member_role_id,
        is_primary_admin: false,
        access: ProductAccess::default(),
        password_hash: None,
        created_at: now - 86_400 * 60,
        invited_at: Some(now - 86_400 * 60),
        last_login_at: (status != UserStatus::NotActive).then_some(now - 3_600),
    })
}

/// Fills an empty database with the demo organisation; does nothing (and says so) if
/// any account exists.
pub async fn seed_demo(db: &Db, now: i64) -> Result<bool, AppError> {
    if count_accounts(db).await? > 0 {
        return Ok(false);
    }
    let admin = NewPrimaryAdmin {
        email: email(DEMO_ADMIN_EMAIL)?,
        first_name: name("Alex")?,
        last_name: name("Morgan")?,
        password: DEMO_PASSWORD.into(),
    };
    let account = create_account(db, "Acme Corp", admin, now).await?;
    let demo_hash = hash_password(DEMO_PASSWORD.into()).await?;
    let viewer = NewUser {
        role_id: account.role_id(DefaultRole::UserAdmin),
        password_hash: Some(demo_hash.clone()),
        created_at: now,
        invited_at: None,
        ..member(
            &account,
            ("Riley", "Chen", DEMO_VIEWER_EMAIL),
            UserStatus::Active,
            now,
        )?
    };
    let first_serial = next_serial(db).await?;
    add_generated_users(
        db,
        account.account_id,
        account.member_role_id,
        DEMO_PEOPLE,
        first_serial,
        now,
    )
    .await?;

    let mut tx = db.write().await?;
    insert_user(&mut *tx, &viewer).await?;
    let mut named = Vec::new();
    for (person, status) in [
        (
            ("Jordan", "Avery", "jordan.avery@acme.test"),
            UserStatus::Active,
        ),
        (
            ("Jordan", "Blake", "jordan.blake@acme.test"),
            UserStatus::Suspended,
        ),
        (
            ("Jordan", "Cruz", "jordan.cruz@acme.test"),
            UserStatus::NotActive,
        ),
        (
            ("Priya", "Raman", "priya.raman@acme.test"),
            UserStatus::Active,
        ),
        (
            ("Tomás", "Ortega", "tomas.ortega@acme.test"),
            UserStatus::Active,
        ),
        (("Yuki", "Sato", "yuki.sato@acme.test"), UserStatus::Locked),
    ] {
        let mut user = member(&account, person, status, now)?;
        if DEMO_MEMBERS_WHO_SIGN_IN.contains(&person.2) {
            user.password_hash = Some(demo_hash.clone());
        }
        named.push(insert_user(&mut *tx, &user).await?);
    }
    let [avery, blake, cruz, priya, tomas, yuki] = named[..] else {
        return Err(AppError::Internal);
    };
    let apps: [(&str, UserId, Members); 4] = [
        ("HR Bot", avery, vec![(blake, MemberRole::Developer)]),
        (
            "IT Helpdesk",
            account.primary_admin_id,
            vec![(priya, MemberRole::Developer), (cruz, MemberRole::Tester)],
        ),
        ("Travel Desk", priya, vec![(tomas, MemberRole::Tester)]),
        (
            "Payroll Assistant",
            tomas,
            vec![(yuki, MemberRole::Developer)],
        ),
    ];
    for (app_name, owner_id, members) in apps {
        let app = NewApp {
            account_id: account.account_id,
            name: app_name.to_owned(),
            owner_id,
            published: true,
            members,
            created_at: now,
        };
        insert_app(&mut tx, &app).await?;
    }
    let groups: [(&str, Vec<UserId>); 3] = [
        ("Engineering", vec![priya, tomas, avery]),
        ("Sales", vec![blake, cruz]),
        ("Support", vec![yuki, priya]),
    ];
    for (group_name, members) in groups {
        let (group,): (i64,) = sqlx::query_as(
            "INSERT INTO user_groups (account_id, name, name_key, created_at)
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(account.account_id)
        .bind(group_name)
        .bind(group_name.to_lowercase())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for member in members {
            sqlx::query("INSERT INTO user_group_members (group_id, user_id) VALUES ($1, $2)")
                .bind(group)
                .bind(member)
                .execute(&mut *tx)
                .await?;
        }
    }
    sqlx::query("UPDATE users SET locked_at = $1, lock_reason = 'failed_sign_ins' WHERE id = $2")
        .bind(now - 7_200)
        .bind(yuki)
        .execute(&mut *tx)
        .await?;
    for (user, user_agent, ip) in DEMO_DEVICES {
        let person = if user == 0 { priya } else { tomas };
        let client = Client {
            user_agent: user_agent.to_owned(),
            ip: ip.parse().ok(),
        };
        start_session(&mut *tx, person, account.account_id, &client, now).await?;
    }
    tx.commit().await?;
    Ok(true)
}
