//! The audit trail: one `record` call inside the transaction of every change, so an
//! event exists exactly when its change committed. Events name who acted, from which
//! address, what they did to which object, and the values before and after (never a
//! password, hash or token: callers pass only the fields an admin may see).

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub use store::{AuditEvent, AuditTarget, record};

/// What an audited change did. Stored by its `key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditAction {
    /// A user was deleted (Delete Selected or the row's delete icon).
    UserDeleted,
    /// A user was activated, suspended, unlocked or deactivated.
    UserStatusChanged,
}

impl AuditAction {
    pub const ALL: [AuditAction; 2] = [Self::UserDeleted, Self::UserStatusChanged];

    pub const fn key(self) -> &'static str {
        match self {
            Self::UserDeleted => "user.deleted",
            Self::UserStatusChanged => "user.status_changed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_distinct_key() {
        let keys: std::collections::BTreeSet<&str> =
            AuditAction::ALL.iter().map(|action| action.key()).collect();
        assert_eq!(keys.len(), AuditAction::ALL.len());
    }
}
