//! Authorisation as a type: the store's operations take a `Grant<C>`, and only the
//! permission check in this module hands one out, so a forgotten check cannot compile.

use std::marker::PhantomData;

/// Something an admin may be allowed to do, named as stored in `role_permissions`.
pub trait Capability {
    const PERMISSION: &'static str;
}

/// See the Users grid.
#[derive(Debug)]
pub struct UsersRead;
impl Capability for UsersRead {
    const PERMISSION: &'static str = "users.read";
}

/// Delete users.
#[derive(Debug)]
pub struct UsersDelete;
impl Capability for UsersDelete {
    const PERMISSION: &'static str = "users.delete";
}

/// Every permission a role can hold; the Primary Admin holds them all.
pub const ALL_PERMISSIONS: [&str; 2] = [UsersRead::PERMISSION, UsersDelete::PERMISSION];

/// Whether a user may use the Admin Console, decided in this one place for sign-in and
/// for every request of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsoleAccess {
    Allowed,
    /// Not Active (invited, suspended or locked): treated like wrong credentials.
    NotActive,
    /// Active, but holding no admin role.
    NotAdmin,
}

impl ConsoleAccess {
    pub fn of(status_code: i64, is_primary_admin: bool, role_is_admin: bool) -> Self {
        if status_code != crate::users::UserStatus::Active.code() {
            Self::NotActive
        } else if is_primary_admin || role_is_admin {
            Self::Allowed
        } else {
            Self::NotAdmin
        }
    }
}

/// Proof that the admin `actor_id` of account `account_id` may do `C`.
#[derive(Debug)]
pub struct Grant<C> {
    account_id: i64,
    actor_id: i64,
    capability: PhantomData<C>,
}

impl<C: Capability> Grant<C> {
    pub(crate) fn new(account_id: i64, actor_id: i64) -> Self {
        Self {
            account_id,
            actor_id,
            capability: PhantomData,
        }
    }

    /// The account every query under this grant is confined to.
    pub fn account_id(&self) -> i64 {
        self.account_id
    }

    /// The admin acting.
    pub fn actor_id(&self) -> i64 {
        self.actor_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::UserStatus;

    #[test]
    fn only_active_admins_and_the_primary_admin_may_use_the_console() {
        let active = UserStatus::Active.code();
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
                ConsoleAccess::of(status.code(), true, true),
                ConsoleAccess::NotActive
            );
        }
    }
}
