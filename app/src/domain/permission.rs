//! What an admin role may allow, shared by the browser and the server: the server hands
//! out grants from it, and the console enables exactly the controls it allows.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One thing an admin role may allow. Stored in `role_permissions` by its `key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(test, derive(proptest_derive::Arbitrary))]
#[serde(into = "&'static str", try_from = "String")]
pub enum Permission {
    /// See the Users grid and each user.
    UsersRead,
    /// Delete users.
    UsersDelete,
    /// Change users: their status, profile, role and product access.
    UsersUpdate,
    /// End users' sessions.
    SessionsKill,
    /// Give users a role in an app, change it or take it away.
    AppsAssign,
    /// Create, rename and delete groups, and choose their members.
    GroupsManage,
    /// Read the audit log.
    AuditRead,
    /// Read the outbox: the e-mail the console sends, and the links in it.
    OutboxRead,
    /// Change the account's settings (User Settings, Sign-in security).
    SettingsManage,
    /// Invite people to the account, and resend or revoke their invitations.
    UsersInvite,
    /// Approve or reject the requests to join that wait in the approval queue.
    UsersApprove,
    /// Create, change and delete custom admin roles.
    RolesManage,
}

impl Permission {
    /// Every permission: what the Primary Admin and the Master Admin role hold.
    pub const ALL: [Permission; 12] = [
        Self::UsersRead,
        Self::UsersDelete,
        Self::UsersUpdate,
        Self::SessionsKill,
        Self::AppsAssign,
        Self::GroupsManage,
        Self::AuditRead,
        Self::OutboxRead,
        Self::SettingsManage,
        Self::UsersInvite,
        Self::UsersApprove,
        Self::RolesManage,
    ];

    /// The stored and wire name, e.g. `users.read`.
    pub const fn key(self) -> &'static str {
        match self {
            Self::UsersRead => "users.read",
            Self::UsersDelete => "users.delete",
            Self::UsersUpdate => "users.update",
            Self::SessionsKill => "sessions.kill",
            Self::AppsAssign => "apps.assign",
            Self::GroupsManage => "groups.manage",
            Self::AuditRead => "audit.read",
            Self::OutboxRead => "outbox.read",
            Self::SettingsManage => "settings.manage",
            Self::UsersInvite => "users.invite",
            Self::UsersApprove => "users.approve",
            Self::RolesManage => "roles.manage",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|permission| permission.key() == key)
    }
}

impl From<Permission> for &'static str {
    fn from(permission: Permission) -> Self {
        permission.key()
    }
}

/// A stored or sent permission name that Roster does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown permission '{0}'")]
pub struct UnknownPermission(pub String);

impl TryFrom<String> for Permission {
    type Error = UnknownPermission;
    fn try_from(key: String) -> Result<Self, Self::Error> {
        Self::from_key(&key).ok_or(UnknownPermission(key))
    }
}

/// The permissions one admin holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PermissionSet(BTreeSet<Permission>);

impl PermissionSet {
    /// Every permission there is.
    pub fn all() -> Self {
        Self(Permission::ALL.into_iter().collect())
    }

    pub fn contains(&self, permission: Permission) -> bool {
        self.0.contains(&permission)
    }

    pub fn iter(&self) -> impl Iterator<Item = Permission> + '_ {
        self.0.iter().copied()
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_has_a_distinct_key_that_names_it_again() {
        let keys: BTreeSet<&str> = Permission::ALL.iter().map(|p| p.key()).collect();
        assert_eq!(keys.len(), Permission::ALL.len());
        for permission in Permission::ALL {
            assert_eq!(Permission::from_key(permission.key()), Some(permission));
        }
        assert_eq!(Permission::from_key("users.everything"), None);
    }

    #[test]
    fn a_permission_set_travels_as_a_list_of_keys() {
        let set: PermissionSet = [Permission::UsersDelete].into_iter().collect();
        let json = serde_json::to_string(&set).unwrap();
        assert_eq!(json, r#"["users.delete"]"#);
        assert_eq!(serde_json::from_str::<PermissionSet>(&json).unwrap(), set);
        assert!(serde_json::from_str::<PermissionSet>(r#"["users.everything"]"#).is_err());
    }
}
