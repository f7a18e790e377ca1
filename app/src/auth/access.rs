//! What a signed-in user may reach, decided in this one place, for sign-in and for every
//! request of a session: an active admin the console, an active member their own
//! account page, anyone else nothing.

use crate::db::sql::Flag;
use crate::domain::UserStatus;

/// What `Access::of` reads, as columns of a query: `status`, `is_primary_admin` and the
/// role's `is_admin` as `role_is_admin`. Flattened into the rows of sign-in and session
/// queries.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct AccessColumns {
    #[sqlx(try_from = "i64")]
    pub status: UserStatus,
    #[sqlx(try_from = "i64")]
    pub is_primary_admin: Flag,
    #[sqlx(try_from = "i64")]
    pub role_is_admin: Flag,
}

impl AccessColumns {
    pub fn access(self) -> Access {
        Access::of(
            self.status,
            self.is_primary_admin.into(),
            self.role_is_admin.into(),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// An active admin (or the Primary Admin): the Admin Console.
    Console,
    /// An active user without an admin role: their own "My account" page only.
    OwnAccount,
    /// Not Active (invited), suspended or locked: no sign-in at all.
    None,
}

impl Access {
    pub fn of(status: UserStatus, is_primary_admin: bool, role_is_admin: bool) -> Self {
        if status != UserStatus::Active {
            Self::None
        } else if is_primary_admin || role_is_admin {
            Self::Console
        } else {
            Self::OwnAccount
        }
    }

    /// Where a sign-in lands when it names no page of its own.
    pub fn home(self) -> &'static str {
        match self {
            Self::Console => "/dashboard",
            Self::OwnAccount | Self::None => "/me",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_admins_reach_the_console_active_members_their_account_and_others_nothing() {
        let active = UserStatus::Active;
        assert_eq!(Access::of(active, false, true), Access::Console);
        assert_eq!(Access::of(active, true, false), Access::Console);
        assert_eq!(Access::of(active, false, false), Access::OwnAccount);
        for status in [
            UserStatus::NotActive,
            UserStatus::Suspended,
            UserStatus::Locked,
        ] {
            assert_eq!(Access::of(status, true, true), Access::None);
            assert_eq!(Access::of(status, false, false), Access::None);
        }
    }
}
