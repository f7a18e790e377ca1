//! Creating an account (tenant) with its default roles and its one Primary Admin.

use crate::auth::password::{MIN_PASSWORD_LEN, check_new_password, hash_password};
use crate::db::Db;
use crate::db::sql::flag;
use crate::domain::ProductAccess;
use crate::domain::{AccountId, Email, Permission, PersonName, RoleId, UserId, UserStatus};
use crate::error::{AppError, Problem};
use crate::users::keys::fold;
use crate::users::new_user::{NewUser, insert_user};

/// The longest account name, in characters.
pub const MAX_ACCOUNT_NAME_CHARS: usize = 100;

/// The roles every new account starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultRole {
    /// Every console permission.
    MasterAdmin,
    /// May see users but not delete them.
    UserAdmin,
    /// Not an admin: no console access.
    Member,
}

impl DefaultRole {
    pub const ALL: [DefaultRole; 3] = [Self::MasterAdmin, Self::UserAdmin, Self::Member];

    pub fn name(self) -> &'static str {
        match self {
            Self::MasterAdmin => "Master Admin",
            Self::UserAdmin => "User Admin",
            Self::Member => "Member",
        }
    }

    fn is_admin(self) -> bool {
        self != Self::Member
    }

    fn permissions(self) -> &'static [Permission] {
        match self {
            Self::MasterAdmin => &Permission::ALL,
            Self::UserAdmin => &[Permission::UsersRead],
            Self::Member => &[],
        }
    }
}

/// The person who will be an account's Primary Admin.
pub struct NewPrimaryAdmin {
    pub email: Email,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub password: String,
}

/// Ids of a freshly created account.
#[derive(Debug, Clone, Copy)]
pub struct CreatedAccount {
    pub account_id: AccountId,
    pub primary_admin_id: UserId,
    pub master_admin_role_id: RoleId,
    pub user_admin_role_id: RoleId,
    pub member_role_id: RoleId,
}

impl CreatedAccount {
    pub fn role_id(&self, role: DefaultRole) -> RoleId {
        match role {
            DefaultRole::MasterAdmin => self.master_admin_role_id,
            DefaultRole::UserAdmin => self.user_admin_role_id,
            DefaultRole::Member => self.member_role_id,
        }
    }
}

/// Creates an account named `name`, its default roles, and its Primary Admin.
pub async fn create_account(
    db: &Db,
    name: &str,
    admin: NewPrimaryAdmin,
    now: i64,
) -> Result<CreatedAccount, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("account", Problem::Required));
    }
    if name.chars().count() > MAX_ACCOUNT_NAME_CHARS {
        let max = MAX_ACCOUNT_NAME_CHARS as u32;
        return Err(AppError::invalid("account", Problem::TooLong { max }));
    }
    check_new_password(&admin.password, &admin.email, MIN_PASSWORD_LEN)?;
    let password_hash = hash_password(admin.password).await?;

    let mut tx = db.write().await?;
    let (account_id,): (AccountId,) =
        sqlx::query_as("INSERT INTO accounts (name, created_at) VALUES ($1, $2) RETURNING id")
            .bind(name)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;

    let mut role_ids = Vec::with_capacity(DefaultRole::ALL.len());
    for role in DefaultRole::ALL {
        let (role_id,): (RoleId,) = sqlx::query_as(
            "INSERT INTO roles (account_id, name, name_key, is_admin, predefined)
             VALUES ($1, $2, $3, $4, 1) RETURNING id",
        )
        .bind(account_id)
        .bind(role.name())
        .bind(fold(role.name()))
        .bind(flag(role.is_admin()))
        .fetch_one(&mut *tx)
        .await?;
        for permission in role.permissions() {
            sqlx::query("INSERT INTO role_permissions (role_id, permission) VALUES ($1, $2)")
                .bind(role_id)
                .bind(permission.key())
                .execute(&mut *tx)
                .await?;
        }
        role_ids.push(role_id);
    }
    let [master_admin_role_id, user_admin_role_id, member_role_id] = role_ids[..] else {
        return Err(AppError::Internal);
    };

    let primary_admin = NewUser {
        account_id,
        email: admin.email,
        first_name: Some(admin.first_name),
        last_name: Some(admin.last_name),
        status: UserStatus::Active,
        role_id: master_admin_role_id,
        is_primary_admin: true,
        access: ProductAccess::ALL,
        password_hash: Some(password_hash),
        created_at: now,
        invited_at: None,
        last_login_at: None,
    };
    let primary_admin_id = insert_user(&mut *tx, &primary_admin).await?;
    tx.commit().await?;
    Ok(CreatedAccount {
        account_id,
        primary_admin_id,
        master_admin_role_id,
        user_admin_role_id,
        member_role_id,
    })
}

/// The number of accounts in the database.
pub async fn count_accounts(db: &Db) -> Result<i64, AppError> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM accounts")
        .fetch_one(db.pool())
        .await?;
    Ok(count)
}
