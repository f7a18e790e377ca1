//! The one way users are inserted, whoever creates them (account creation, the demo, the
//! bulk loader, the tests), with the sort and search keys of `users::keys`.

use super::keys::UserKeys;
use crate::db::sql::{Sql, chunks, flag};
use crate::domain::{AccountId, Email, PersonName, ProductAccess, RoleId, UserId, UserStatus};
use crate::error::AppError;
use sqlx::{Any, Executor};

/// A user about to be added to an account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub account_id: AccountId,
    pub email: Email,
    /// None until the person gives it: an invited user names themself on signing up.
    pub first_name: Option<PersonName>,
    pub last_name: Option<PersonName>,
    pub status: UserStatus,
    pub role_id: RoleId,
    pub is_primary_admin: bool,
    pub access: ProductAccess,
    /// An argon2 PHC string, never the password itself.
    pub password_hash: Option<String>,
    pub created_at: i64,
    pub invited_at: Option<i64>,
    pub last_login_at: Option<i64>,
}

const COLUMNS: [&str; 17] = [
    "account_id",
    "email",
    "first_name",
    "last_name",
    "name_key",
    "last_key",
    "search_text",
    "status",
    "role_id",
    "is_primary_admin",
    "builder_access",
    "app_creation_access",
    "data_tables_access",
    "password_hash",
    "created_at",
    "invited_at",
    "last_login_at",
];

impl NewUser {
    /// `(…)`: this user's values as placeholders of `sql`, in `COLUMNS` order.
    fn values(&self, sql: &mut Sql) -> String {
        let optional_int = |sql: &mut Sql, value: Option<i64>| match value {
            Some(value) => sql.int(value),
            None => "NULL".to_owned(),
        };
        let first_name = self.first_name.as_ref().map_or("", PersonName::as_str);
        let last_name = self.last_name.as_ref().map_or("", PersonName::as_str);
        let keys = UserKeys::of(first_name, last_name, self.email.as_str());
        let values = [
            sql.int(self.account_id.get()),
            sql.text(self.email.as_str()),
            sql.text(first_name),
            sql.text(last_name),
            sql.text(&keys.name_key),
            sql.text(&keys.last_key),
            sql.text(&keys.search_text),
            sql.int(self.status.code()),
            sql.int(self.role_id.get()),
            sql.int(flag(self.is_primary_admin)),
            sql.int(flag(self.access.builder)),
            sql.int(flag(self.access.app_creation)),
            sql.int(flag(self.access.data_tables)),
            sql.optional_text(self.password_hash.as_deref()),
            sql.int(self.created_at),
            optional_int(sql, self.invited_at),
            sql.int(self.last_login_at.unwrap_or(0)),
        ];
        format!("({})", values.join(", "))
    }
}

fn insert_statement() -> Sql {
    Sql::new(&format!(
        "INSERT INTO users ({}) VALUES ",
        COLUMNS.join(", ")
    ))
}

/// Inserts one user and returns their id.
pub async fn insert_user<'c, E>(executor: E, user: &NewUser) -> Result<UserId, AppError>
where
    E: Executor<'c, Database = Any>,
{
    let mut sql = insert_statement();
    let values = user.values(&mut sql);
    sql.push(&values).push(" RETURNING id");
    let (id,): (UserId,) = sql.query_as().fetch_one(executor).await?;
    Ok(id)
}

/// Inserts many users with as few statements as the bind limit allows.
pub async fn insert_users(
    tx: &mut sqlx::Transaction<'_, Any>,
    users: &[NewUser],
) -> Result<(), AppError> {
    for chunk in chunks(users, COLUMNS.len()) {
        let mut sql = insert_statement();
        let rows: Vec<String> = chunk.iter().map(|user| user.values(&mut sql)).collect();
        sql.push(&rows.join(", "));
        sql.query().execute(&mut **tx).await?;
    }
    Ok(())
}
