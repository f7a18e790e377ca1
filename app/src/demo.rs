//! The demo organisation "Acme Corp", for trying Roster and for the browser journeys:
//! its Primary Admin, a second admin who may only read, 300 generated people in every
//! status, and apps with owners and members. A fixed password exists only here.

use crate::accounts::{
    CreatedAccount, DefaultRole, NewPrimaryAdmin, count_accounts, create_account,
};
use crate::apps::MemberRole;
use crate::apps::store::{NewApp, insert_app};
use crate::auth::password::hash_password;
use crate::db::Db;
use crate::domain::{Email, PersonName, UserId, UserStatus};
use crate::error::AppError;
use crate::loader::{add_generated_users, next_serial};
use crate::users::new_user::{NewUser, ProductAccess, insert_user};

/// The demo's sign-in.
pub const DEMO_ADMIN_EMAIL: &str = "admin@acme.test";
pub const DEMO_PASSWORD: &str = "roster-demo-password";
/// The demo's second admin, whose role may read but not delete users.
pub const DEMO_VIEWER_EMAIL: &str = "viewer@acme.test";
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
        first_name: name(first)?,
        last_name: name(last)?,
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
    let viewer = NewUser {
        role_id: account.role_id(DefaultRole::UserAdmin),
        password_hash: Some(hash_password(DEMO_PASSWORD.into()).await?),
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
        named.push(insert_user(&mut *tx, &member(&account, person, status, now)?).await?);
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
    tx.commit().await?;
    Ok(true)
}
