//! Typed ids: a `UserId` cannot be passed where an `AccountId` is expected, so two ids
//! can never be swapped by position. On the wire and in the database each is a plain
//! integer.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A number that cannot be an id (zero or negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not an id")]
pub struct NotAnId(pub i64);

/// The id a request names in `field`, or 400 saying it is not an id.
pub fn request_id<T>(field: &str, value: i64) -> Result<T, crate::error::AppError>
where
    T: TryFrom<i64, Error = NotAnId>,
{
    T::try_from(value).map_err(|_| {
        crate::error::AppError::invalid(field, crate::error::Problem::NotAnId { value })
    })
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        #[serde(try_from = "i64", into = "i64")]
        pub struct $name(i64);

        impl $name {
            /// The id as the database stores it.
            pub const fn get(self) -> i64 {
                self.0
            }

            /// An id as it arrives in a request: only positive integers can name a row.
            pub fn parse(value: i64) -> Option<Self> {
                (value > 0).then_some(Self(value))
            }
        }

        impl TryFrom<i64> for $name {
            type Error = NotAnId;
            fn try_from(value: i64) -> Result<Self, NotAnId> {
                Self::parse(value).ok_or(NotAnId(value))
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// An account (tenant): every row of every area belongs to exactly one.
    AccountId
);
id_type!(
    /// A user of an account, whether admin or member.
    UserId
);
id_type!(
    /// An account role.
    RoleId
);
id_type!(
    /// An app (the seeds' "bot" or "assistant").
    AppId
);
id_type!(
    /// A signed-in session: never the token, only the row that holds its digest.
    SessionId
);
id_type!(
    /// A group of users in an account.
    GroupId
);
id_type!(
    /// A message in the outbox.
    MailId
);
id_type!(
    /// A request to join an account, from the public "Request access" page.
    AccessRequestId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_positive_integers_are_ids() {
        assert_eq!(UserId::parse(7).map(UserId::get), Some(7));
        assert_eq!(UserId::parse(0), None);
        assert_eq!(UserId::parse(-3), None);
    }

    #[test]
    fn an_id_is_a_bare_number_on_the_wire() {
        let id = AccountId::parse(42).unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        assert_eq!(serde_json::from_str::<AccountId>("42").unwrap(), id);
        assert!(serde_json::from_str::<AccountId>("-1").is_err());
    }
}
