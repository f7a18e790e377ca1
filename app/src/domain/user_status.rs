//! The four states a user account can be in, as the seeds name them.

use serde::{Deserialize, Serialize};

/// A user's account status; the discriminant is the stored code and the status sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum UserStatus {
    /// Signed up and able to use the platform.
    Active = 1,
    /// Invited by an admin but not yet joined.
    NotActive = 2,
    /// Barred from signing in by an admin; can be activated again.
    Suspended = 3,
    /// Too many failed sign-ins; can be unlocked.
    Locked = 4,
}

impl UserStatus {
    pub const ALL: [UserStatus; 4] = [Self::Active, Self::NotActive, Self::Suspended, Self::Locked];

    pub fn code(self) -> i64 {
        self as i64
    }

    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.code() == code)
    }

    /// The word used in URLs and the API (`active`, `not_active`, `suspended`, `locked`).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::NotActive => "not_active",
            Self::Suspended => "suspended",
            Self::Locked => "locked",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.slug() == slug)
    }
}

/// A stored status code that names no status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a user status code")]
pub struct UnknownStatusCode(pub i64);

impl TryFrom<i64> for UserStatus {
    type Error = UnknownStatusCode;
    fn try_from(code: i64) -> Result<Self, Self::Error> {
        Self::from_code(code).ok_or(UnknownStatusCode(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_slugs_round_trip_for_every_status() {
        for status in UserStatus::ALL {
            assert_eq!(UserStatus::from_code(status.code()), Some(status));
            assert_eq!(UserStatus::from_slug(status.slug()), Some(status));
        }
        assert_eq!(UserStatus::from_code(0), None);
        assert_eq!(UserStatus::from_slug("Active"), None);
    }
}
