//! Accounts, users, admins and apps for tests, made through the product's own code
//! (`create_account`, `insert_user`, `insert_app`, sessions), never through raw SQL.

use crate::accounts::{CreatedAccount, DefaultRole, NewPrimaryAdmin, create_account};
use crate::apps::MemberRole;
use crate::apps::store::{NewApp, insert_app};
use crate::auth::password::hash_password;
use crate::auth::principal::Principal;
use crate::auth::session::{Activity, Client, SessionToken, resolve_session, start_session};
use crate::auth::sign_in::{Door, SignedIn, sign_in};
use crate::db::Db;
use crate::domain::ProductAccess;
use crate::domain::{AppId, Email, PersonName, UserId, UserStatus};
use crate::i18n::Locale;
use crate::users::new_user::{NewUser, insert_user};

/// The time every fixture is made at.
pub const NOW: i64 = 1_800_000_000;
/// The Primary Admin of every test account.
pub const PRIMARY_EMAIL: &str = "primary@example.com";
/// The password of every fixture person who has one.
pub const PASSWORD: &str = "a long enough password";

fn name(text: &str) -> PersonName {
    PersonName::parse(text).expect("fixture names are names")
}

fn email(text: &str) -> Email {
    Email::parse(text).expect("fixture addresses are addresses")
}

/// A new account "Test Org" with Pat Primary (`PRIMARY_EMAIL`, `PASSWORD`).
pub async fn test_account(db: &Db) -> CreatedAccount {
    other_account(db, "Test Org", PRIMARY_EMAIL).await
}

/// A new account named `name` whose Primary Admin is `admin_email`.
pub async fn other_account(db: &Db, account_name: &str, admin_email: &str) -> CreatedAccount {
    let admin = NewPrimaryAdmin {
        email: email(admin_email),
        first_name: name("Pat"),
        last_name: name("Primary"),
        password: PASSWORD.into(),
    };
    create_account(db, account_name, admin, NOW)
        .await
        .expect("the account is created")
}

/// A member of `account` without a password, named `first_name` Example.
pub async fn add_member(
    db: &Db,
    account: &CreatedAccount,
    first_name: &str,
    address: &str,
    status: UserStatus,
) -> UserId {
    add_person(db, account, (first_name, "Example", address), status).await
}

/// A member of `account` without a password: `(first name, last name, e-mail)`.
pub async fn add_person(
    db: &Db,
    account: &CreatedAccount,
    (first_name, last_name, address): (&str, &str, &str),
    status: UserStatus,
) -> UserId {
    let user = NewUser {
        account_id: account.account_id,
        email: email(address),
        first_name: Some(name(first_name)),
        last_name: Some(name(last_name)),
        status,
        role_id: account.member_role_id,
        is_primary_admin: false,
        access: ProductAccess::default(),
        password_hash: None,
        created_at: NOW - 86_400,
        invited_at: Some(NOW - 86_400),
        last_login_at: (status != UserStatus::NotActive).then_some(NOW - 3_600),
    };
    insert_user(db.pool(), &user)
        .await
        .expect("the member is added")
}

/// An active admin of `account` with `role`, who signs in with `PASSWORD`.
pub async fn add_admin(
    db: &Db,
    account: &CreatedAccount,
    address: &str,
    role: DefaultRole,
) -> UserId {
    let user = NewUser {
        account_id: account.account_id,
        email: email(address),
        first_name: Some(name("Second")),
        last_name: Some(name("Admin")),
        status: UserStatus::Active,
        role_id: account.role_id(role),
        is_primary_admin: false,
        access: ProductAccess::default(),
        password_hash: Some(hash_password(PASSWORD.into()).await.expect("hashing works")),
        created_at: NOW,
        invited_at: None,
        last_login_at: None,
    };
    insert_user(db.pool(), &user)
        .await
        .expect("the admin is added")
}

/// A published app of `account` owned by `owner`, with `members`.
pub async fn add_app(
    db: &Db,
    account: &CreatedAccount,
    app_name: &str,
    owner: UserId,
    members: &[(UserId, MemberRole)],
) -> AppId {
    let app = NewApp {
        account_id: account.account_id,
        name: app_name.to_owned(),
        owner_id: owner,
        published: true,
        members: members.to_vec(),
        created_at: NOW,
    };
    let mut tx = db.write().await.expect("a transaction starts");
    let id = insert_app(&mut tx, &app).await.expect("the app is added");
    tx.commit().await.expect("the app is committed");
    id
}

/// A session for `user` (started as at sign-in) and the principal it resolves to.
pub async fn signed_in(
    db: &Db,
    account: &CreatedAccount,
    user: UserId,
) -> (SessionToken, Principal) {
    let client = Client {
        user_agent: "fixture".into(),
        ip: None,
    };
    let token = start_session(db.pool(), user, account.account_id, &client, NOW)
        .await
        .expect("the session starts");
    let principal = resolve_session(db, &token, NOW, None, Activity::Counts)
        .await
        .expect("the session resolves");
    (token, principal)
}

/// `email` signs in on `/login` with `PASSWORD` (in their default account if several
/// open), as a browser from nowhere in particular.
pub async fn password_sign_in(db: &Db, email: &str, now: i64) -> SignedIn {
    let client = Client {
        user_agent: "fixture".into(),
        ip: None,
    };
    sign_in(
        db,
        &self::email(email),
        PASSWORD.into(),
        Door::Everyone,
        &client,
        Locale::en,
        now,
    )
    .await
    .expect("the password is right")
}

/// The actions of every audit event, oldest first.
pub async fn audited_actions(db: &Db) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT action FROM audit_events ORDER BY id")
        .fetch_all(db.pool())
        .await
        .expect("the audit trail reads");
    rows.into_iter().map(|(action,)| action).collect()
}
