//! The users an admin selected in the grid for one action: the ids a request may name.

use crate::domain::UserId;
use crate::error::{AppError, Problem};
use std::collections::BTreeSet;

/// The most users one request may act on.
pub const MAX_SELECTED_IDS: usize = 10_000;

/// A non-empty set of at most 10,000 distinct user ids, in ascending order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserIds(Vec<UserId>);

impl UserIds {
    pub fn parse(ids: &[i64]) -> Result<Self, AppError> {
        if ids.is_empty() {
            return Err(AppError::invalid("ids", Problem::Required));
        }
        if ids.len() > MAX_SELECTED_IDS {
            return Err(AppError::invalid(
                "ids",
                Problem::TooMany {
                    max: MAX_SELECTED_IDS as u32,
                },
            ));
        }
        let unique: BTreeSet<UserId> = ids
            .iter()
            .map(|id| {
                UserId::parse(*id)
                    .ok_or_else(|| AppError::invalid("ids", Problem::NotAnId { value: *id }))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self(unique.into_iter().collect()))
    }

    /// The one user an action on a single user names.
    pub fn one(id: UserId) -> Self {
        Self(vec![id])
    }

    pub fn as_slice(&self) -> &[UserId] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(value: i64) -> UserId {
        UserId::parse(value).unwrap()
    }

    #[test]
    fn ids_are_deduplicated_and_bad_selections_refused() {
        let ids = UserIds::parse(&[3, 1, 3]).unwrap();
        assert_eq!(ids.as_slice(), &[id(1), id(3)]);
        assert_eq!(
            UserIds::parse(&[]),
            Err(AppError::invalid("ids", Problem::Required))
        );
        assert_eq!(
            UserIds::parse(&[0]),
            Err(AppError::invalid("ids", Problem::NotAnId { value: 0 }))
        );
        assert!(UserIds::parse(&[-5]).is_err());
        let too_many: Vec<i64> = (1..=10_001).collect();
        assert!(UserIds::parse(&too_many).is_err());
        let just_enough: Vec<i64> = (1..=10_000).collect();
        assert!(UserIds::parse(&just_enough).is_ok());
    }
}
