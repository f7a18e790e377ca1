//! Email Notifications: when a user added to the account gets a welcome e-mail, by how
//! they were added (seeds 000). The invitation e-mail itself always goes out.

use serde::{Deserialize, Serialize};

/// Which ways of adding a user send them a welcome e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WelcomeEmails {
    /// Invited by an administrator.
    pub when_invited: bool,
    /// Added or synchronised from a directory (AD/LDAP).
    pub when_synced: bool,
    /// Added through the API.
    pub when_added_by_api: bool,
}

impl Default for WelcomeEmails {
    /// Only when invited by an administrator (the seeds' first choice).
    fn default() -> Self {
        Self {
            when_invited: true,
            when_synced: false,
            when_added_by_api: false,
        }
    }
}
