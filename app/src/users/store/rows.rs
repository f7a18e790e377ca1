//! The row a grid query reads, and how it becomes the wire type and a cursor.

use crate::db::sql::Flag;
use crate::domain::{Email, UserId, UserStatus};
use crate::users::UserSummary;
use crate::users::query::{Cursor, SortField};

/// The columns `UserRecord` reads, for `users u JOIN roles r`.
pub(super) const COLUMNS: &str = "u.id, u.first_name, u.last_name, u.email, u.status, \
     u.last_login_at, u.is_primary_admin, u.name_key, r.name AS role_name, \
     r.is_admin AS role_is_admin, u.picture_at";

/// One user as stored, with their role's name.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct UserRecord {
    id: UserId,
    first_name: String,
    last_name: String,
    #[sqlx(try_from = "String")]
    email: Email,
    #[sqlx(try_from = "i64")]
    status: UserStatus,
    last_login_at: i64,
    #[sqlx(try_from = "i64")]
    is_primary_admin: Flag,
    name_key: String,
    role_name: String,
    #[sqlx(try_from = "i64")]
    role_is_admin: Flag,
    picture_at: Option<i64>,
}

impl UserRecord {
    /// The position of this row under `sort`.
    pub(super) fn cursor(&self, sort: SortField) -> Cursor {
        let (number, text) = match sort {
            SortField::Name => (0, self.name_key.clone()),
            SortField::Email => (0, self.email.to_string()),
            SortField::Status => (self.status.code(), self.name_key.clone()),
            SortField::LastLogin => (self.last_login_at, String::new()),
        };
        Cursor {
            number,
            id: self.id,
            text,
        }
    }

    pub(super) fn into_summary(self) -> UserSummary {
        let is_primary_admin = self.is_primary_admin.into();
        UserSummary {
            id: self.id,
            first_name: self.first_name,
            last_name: self.last_name,
            email: self.email,
            role_name: self.role_name,
            is_admin: is_primary_admin || bool::from(self.role_is_admin),
            is_primary_admin,
            status: self.status,
            last_login_at: (self.last_login_at > 0).then_some(self.last_login_at),
            picture_at: self.picture_at,
        }
    }
}
