//! Whether a user may use the Admin Console: decided in this one place, for sign-in and
//! for every request of a session.

use crate::domain::UserStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsoleAccess {
    Allowed,
    /// Not Active (invited, suspended or locked).
    NotActive,
    /// Active, but holding no admin role.
    NotAdmin,
}

impl ConsoleAccess {
    pub fn of(status: UserStatus, is_primary_admin: bool, role_is_admin: bool) -> Self {
        if status != UserStatus::Active {
            Self::NotActive
        } else if is_primary_admin || role_is_admin {
            Self::Allowed
        } else {
            Self::NotAdmin
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_active_admins_and_the_primary_admin_may_use_the_console() {
        let active = UserStatus::Active;
        assert_eq!(
            ConsoleAccess::of(active, false, true),
            ConsoleAccess::Allowed
        );
        assert_eq!(
            ConsoleAccess::of(active, true, false),
            ConsoleAccess::Allowed
        );
        assert_eq!(
            ConsoleAccess::of(active, false, false),
            ConsoleAccess::NotAdmin
        );
        for status in [
            UserStatus::NotActive,
            UserStatus::Suspended,
            UserStatus::Locked,
        ] {
            assert_eq!(
                ConsoleAccess::of(status, true, true),
                ConsoleAccess::NotActive
            );
        }
    }
}
