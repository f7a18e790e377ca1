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
