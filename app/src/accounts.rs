//! Creating an account (tenant) with its default roles and its one Primary Admin.

use crate::auth::grant::ALL_PERMISSIONS;
use crate::auth::password::{check_new_password, hash_password};
use crate::db::Db;
use crate::email::Email;
use crate::error::AppError;
use crate::users::UserStatus;
use sqlx::Row;

/// The account roles every new account starts with.
pub const MASTER_ADMIN_ROLE: &str = "Master Admin";
pub const USER_ADMIN_ROLE: &str = "User Admin";
pub const MEMBER_ROLE: &str = "Member";

/// The person who will be an account's Primary Admin.
pub struct NewPrimaryAdmin {
    pub email: Email,
    pub first_name: String,
    pub last_name: String,
    pub password: String,
}

/// Ids of a freshly created account.
#[derive(Debug, Clone, Copy)]
pub struct CreatedAccount {
    pub account_id: i64,
    pub primary_admin_id: i64,
    pub member_role_id: i64,
    pub user_admin_role_id: i64,
}

/// Creates an account named `name`, its default roles, and its Primary Admin.
pub async fn create_account(
    db: &Db,
    name: &str,
    admin: NewPrimaryAdmin,
    now: i64,
) -> Result<CreatedAccount, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::validation(
            "account",
            "An account name has 1 to 100 characters.",
        ));
    }
    check_new_password(&admin.password)?;
    let first_name = person_name("first_name", &admin.first_name)?;
    let last_name = person_name("last_name", &admin.last_name)?;
    let password_hash = hash_password(admin.password).await?;

    let mut tx = db.pool().begin().await?;
    let account_id: i64 =
        sqlx::query("INSERT INTO accounts (name, created_at) VALUES ($1, $2) RETURNING id")
            .bind(name)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;

    let mut role_ids = Vec::new();
    for (role, is_admin, permissions) in [
        (MASTER_ADMIN_ROLE, 1_i64, &ALL_PERMISSIONS[..]),
        (USER_ADMIN_ROLE, 1, &ALL_PERMISSIONS[..1]),
        (MEMBER_ROLE, 0, &[][..]),
    ] {
        let role_id: i64 = sqlx::query(
            "INSERT INTO roles (account_id, name, is_admin) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(account_id)
        .bind(role)
        .bind(is_admin)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        for permission in permissions {
            sqlx::query("INSERT INTO role_permissions (role_id, permission) VALUES ($1, $2)")
                .bind(role_id)
                .bind(*permission)
                .execute(&mut *tx)
                .await?;
        }
        role_ids.push(role_id);
    }

    let primary_admin_id: i64 = sqlx::query(
        "INSERT INTO users (account_id, email, first_name, last_name, name_key, last_key, status,
                            role_id, is_primary_admin, builder_access, app_creation_access,
                            data_tables_access, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, 1, 1, 1, $9, $10) RETURNING id",
    )
    .bind(account_id)
    .bind(admin.email.as_str())
    .bind(&first_name)
    .bind(&last_name)
    .bind(name_key(&first_name, &last_name))
    .bind(last_name.to_lowercase())
    .bind(UserStatus::Active.code())
    .bind(role_ids[0])
    .bind(password_hash)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    tx.commit().await?;
    Ok(CreatedAccount {
        account_id,
        primary_admin_id,
        user_admin_role_id: role_ids[1],
        member_role_id: role_ids[2],
    })
}

/// The number of accounts in the database.
pub async fn count_accounts(db: &Db) -> Result<i64, AppError> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM accounts")
        .fetch_one(db.pool())
        .await?
        .try_get("n")?)
}

/// A first or last name: trimmed, 1 to 100 characters, no control characters.
pub fn person_name(field: &str, input: &str) -> Result<String, AppError> {
    let name = input.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::validation(
            field,
            "A name has 1 to 100 printable characters.",
        ));
    }
    Ok(name.to_owned())
}

/// The name sort and search key: "first last", lower-cased.
pub fn name_key(first_name: &str, last_name: &str) -> String {
    format!("{first_name} {last_name}").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_key_is_the_full_name_in_lower_case() {
        assert_eq!(name_key("Ann", "Lee-Smith"), "ann lee-smith");
    }

    #[test]
    fn names_must_be_short_printable_and_present() {
        assert_eq!(person_name("first_name", "  Ann ").unwrap(), "Ann");
        assert!(person_name("first_name", " ").is_err());
        assert!(person_name("first_name", "a\u{7}b").is_err());
        assert!(person_name("first_name", &"x".repeat(101)).is_err());
    }
}
