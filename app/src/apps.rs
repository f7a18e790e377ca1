//! Apps (the seeds' "bots" and "assistants"). Each app has exactly one owner, held on
//! the app itself so there can never be none or two, and members who are Developers or
//! Testers. The Apps pages come later; the demo and the tests create apps here.

#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};

/// A member's role in an app other than its owner. The discriminant is the stored code
/// (1, Owner, lives in `apps.owner_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MemberRole {
    Developer = 2,
    Tester = 3,
}

impl MemberRole {
    pub fn code(self) -> i64 {
        self as i64
    }
}
