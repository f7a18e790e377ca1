//! One invitation as the server takes it: at most five addresses (blank lines ignored,
//! the same address twice counted once), a role, and at most a hundred groups. An
//! address that is not one is reported as such, not refused: the others go ahead.

use crate::domain::ids::request_id;
use crate::domain::{Email, GroupId, RoleId};
use crate::error::{AppError, Problem};
use std::collections::BTreeSet;

/// The most addresses one invitation takes (seeds 003).
pub const MAX_INVITEES: usize = 5;
/// The most groups one invitation puts people in.
pub const MAX_GROUPS: usize = 100;

/// An address of the batch: read as one, or as typed when it is not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invitee {
    Address(Email),
    NotAnAddress(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteBatch {
    pub invitees: Vec<Invitee>,
    pub role: RoleId,
    pub groups: Vec<GroupId>,
}

impl InviteBatch {
    pub fn parse(emails: &[String], role_id: i64, groups: &[i64]) -> Result<Self, AppError> {
        let mut seen = BTreeSet::new();
        let invitees: Vec<Invitee> = emails
            .iter()
            .map(|typed| typed.trim())
            .filter(|typed| !typed.is_empty())
            .map(|typed| match Email::parse(typed) {
                Ok(email) => Invitee::Address(email),
                Err(_) => Invitee::NotAnAddress(typed.to_owned()),
            })
            .filter(|invitee| seen.insert(invitee.text().to_owned()))
            .collect();
        if invitees.is_empty() {
            return Err(AppError::invalid("emails", Problem::Required));
        }
        if invitees.len() > MAX_INVITEES {
            let max = MAX_INVITEES as u32;
            return Err(AppError::invalid("emails", Problem::TooMany { max }));
        }
        if groups.len() > MAX_GROUPS {
            let max = MAX_GROUPS as u32;
            return Err(AppError::invalid("groups", Problem::TooMany { max }));
        }
        let groups: BTreeSet<GroupId> = groups
            .iter()
            .map(|id| request_id("groups", *id))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            invitees,
            role: request_id("role_id", role_id)?,
            groups: groups.into_iter().collect(),
        })
    }
}

impl Invitee {
    pub fn text(&self) -> &str {
        match self {
            Self::Address(email) => email.as_str(),
            Self::NotAnAddress(typed) => typed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| (*item).to_owned()).collect()
    }

    #[test]
    fn addresses_are_read_blank_lines_dropped_and_the_same_address_twice_counted_once() {
        let batch = InviteBatch::parse(
            &strings(&[
                "Ann@Example.com",
                " ",
                "ann@example.com ",
                "not an address",
                "bo@example.com",
            ]),
            3,
            &[7, 7, 2],
        )
        .unwrap();
        let texts: Vec<&str> = batch.invitees.iter().map(Invitee::text).collect();
        assert_eq!(
            texts,
            ["ann@example.com", "not an address", "bo@example.com"]
        );
        assert!(matches!(batch.invitees[1], Invitee::NotAnAddress(_)));
        assert_eq!(batch.role.get(), 3);
        let groups: Vec<i64> = batch.groups.iter().map(|id| id.get()).collect();
        assert_eq!(groups, [2, 7]);
    }

    #[test]
    fn a_sixth_address_or_none_at_all_is_refused() {
        let six = strings(&["a@x.io", "b@x.io", "c@x.io", "d@x.io", "e@x.io", "f@x.io"]);
        assert_eq!(
            InviteBatch::parse(&six, 1, &[]),
            Err(AppError::invalid("emails", Problem::TooMany { max: 5 }))
        );
        assert_eq!(
            InviteBatch::parse(&six[..5], 1, &[]).map(|batch| batch.invitees.len()),
            Ok(5)
        );
        assert_eq!(
            InviteBatch::parse(&strings(&["", "  "]), 1, &[]),
            Err(AppError::invalid("emails", Problem::Required))
        );
    }

    #[test]
    fn a_role_or_group_that_is_not_an_id_is_refused() {
        let one = strings(&["a@x.io"]);
        assert_eq!(
            InviteBatch::parse(&one, 0, &[]),
            Err(AppError::invalid("role_id", Problem::NotAnId { value: 0 }))
        );
        assert_eq!(
            InviteBatch::parse(&one, 1, &[-4]),
            Err(AppError::invalid("groups", Problem::NotAnId { value: -4 }))
        );
    }
}
