//! What a custom admin role may be, checked before any SQL: its name, its description,
//! its permissions by key; and the guard rail that nobody gives a permission they do
//! not hold themselves.

use crate::domain::person_name::PersonName;
use crate::domain::{Permission, PermissionSet};
use crate::error::{AppError, Problem};
use crate::users::profile::name_problem;

/// The most characters of a role's description.
pub const MAX_DESCRIPTION_CHARS: usize = 300;

/// The most custom roles one account keeps: enough for any organisation's admins, few
/// enough that the Role Management page lists them all at once.
pub const MAX_CUSTOM_ROLES: u32 = 100;

/// A custom role as the form sends it, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDraft {
    /// Trimmed, 1 to 100 characters, no control characters.
    pub name: String,
    /// Trimmed, at most `MAX_DESCRIPTION_CHARS`, may be empty.
    pub description: String,
    pub permissions: PermissionSet,
}

impl RoleDraft {
    /// The draft, or 400 naming the first field that does not parse.
    pub fn parse(name: &str, description: &str, permissions: &[String]) -> Result<Self, AppError> {
        let name = PersonName::parse(name)
            .map_err(|error| AppError::invalid("name", name_problem(error)))?;
        let description = description.trim();
        if description.chars().count() > MAX_DESCRIPTION_CHARS {
            let max = MAX_DESCRIPTION_CHARS as u32;
            return Err(AppError::invalid("description", Problem::TooLong { max }));
        }
        if description.chars().any(|c| c.is_control() && c != '\n') {
            return Err(AppError::invalid("description", Problem::ControlCharacters));
        }
        Ok(Self {
            name: name.as_str().to_owned(),
            description: description.to_owned(),
            permissions: parse_permissions(permissions)?,
        })
    }
}

/// The permissions named by `keys`; 400 for a key Roster does not know.
fn parse_permissions(keys: &[String]) -> Result<PermissionSet, AppError> {
    keys.iter()
        .map(|key| {
            Permission::from_key(key).ok_or_else(|| {
                let allowed = Permission::ALL.iter().map(|p| p.key().to_owned()).collect();
                let value: String = key.chars().take(40).collect();
                AppError::invalid("permissions", Problem::UnknownValue { value, allowed })
            })
        })
        .collect()
}

/// The first permission of `given` that `held` lacks: an admin may not give it, by a
/// role they create or change, or by a role they give someone.
pub fn beyond_own(held: &PermissionSet, given: &PermissionSet) -> Option<Permission> {
    given.iter().find(|permission| !held.contains(*permission))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(keys: &[&str]) -> Vec<String> {
        keys.iter().map(|key| (*key).to_owned()).collect()
    }

    #[test]
    fn a_draft_is_trimmed_and_its_permissions_are_read_by_key() {
        let draft = RoleDraft::parse(
            "  Help desk ",
            " Answers the phone. ",
            &keys(&["users.read", "sessions.kill", "users.read"]),
        )
        .unwrap();
        assert_eq!(draft.name, "Help desk");
        assert_eq!(draft.description, "Answers the phone.");
        let expected: PermissionSet = [Permission::UsersRead, Permission::SessionsKill]
            .into_iter()
            .collect();
        assert_eq!(draft.permissions, expected);
    }

    #[test]
    fn a_draft_without_a_name_with_a_long_description_or_an_unknown_permission_is_refused() {
        let field = |result: Result<RoleDraft, AppError>| match result {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("not refused: {other:?}"),
        };
        assert_eq!(field(RoleDraft::parse("  ", "", &[])), "name");
        let long = "x".repeat(MAX_DESCRIPTION_CHARS + 1);
        assert_eq!(field(RoleDraft::parse("Help", &long, &[])), "description");
        assert_eq!(
            field(RoleDraft::parse("Help", "a\u{7}b", &[])),
            "description"
        );
        let unknown = keys(&["users.read", "users.everything"]);
        assert_eq!(field(RoleDraft::parse("Help", "", &unknown)), "permissions");
        assert!(RoleDraft::parse("Help", &"x".repeat(MAX_DESCRIPTION_CHARS), &[]).is_ok());
    }

    #[test]
    fn nobody_gives_a_permission_they_do_not_hold() {
        let held: PermissionSet = [Permission::UsersRead, Permission::RolesManage]
            .into_iter()
            .collect();
        let within: PermissionSet = [Permission::UsersRead].into_iter().collect();
        assert_eq!(beyond_own(&held, &within), None);
        let beyond: PermissionSet = [Permission::UsersRead, Permission::UsersDelete]
            .into_iter()
            .collect();
        assert_eq!(beyond_own(&held, &beyond), Some(Permission::UsersDelete));
        assert_eq!(
            beyond_own(&PermissionSet::all(), &PermissionSet::all()),
            None
        );
    }
}
