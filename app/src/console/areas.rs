//! The console's areas, in navigation order: one table that the navigation, the routes
//! and the placeholder pages all read, so an area is listed once.

use crate::domain::Permission;
use crate::i18n::{Locale, td_string};

/// A heading the navigation groups areas under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Shown at the top level, without a heading.
    TopLevel,
    UserManagement,
    Enrollment,
}

impl Section {
    pub fn title(self, locale: Locale) -> Option<&'static str> {
        match self {
            Self::TopLevel => None,
            Self::UserManagement => Some(td_string!(locale, sections.user_management)),
            Self::Enrollment => Some(td_string!(locale, sections.enrollment)),
        }
    }
}

/// One area of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Dashboard,
    Users,
    UserSettings,
    Roles,
    Groups,
    Invite,
    Approvals,
    Apps,
    AuditLog,
    Outbox,
}

impl Area {
    /// Every area, in navigation order.
    pub const ALL: [Area; 10] = [
        Self::Dashboard,
        Self::Users,
        Self::UserSettings,
        Self::Roles,
        Self::Groups,
        Self::Invite,
        Self::Approvals,
        Self::Apps,
        Self::AuditLog,
        Self::Outbox,
    ];

    /// The area's path segment, e.g. `users`.
    pub const fn segment(self) -> &'static str {
        match self {
            Self::Dashboard => "dashboard",
            Self::Users => "users",
            Self::UserSettings => "user-settings",
            Self::Roles => "roles",
            Self::Groups => "groups",
            Self::Invite => "invite",
            Self::Approvals => "approvals",
            Self::Apps => "apps",
            Self::AuditLog => "audit-log",
            Self::Outbox => "outbox",
        }
    }

    /// The area's path, e.g. `/users`.
    pub const fn path(self) -> &'static str {
        match self {
            Self::Dashboard => "/dashboard",
            Self::Users => "/users",
            Self::UserSettings => "/user-settings",
            Self::Roles => "/roles",
            Self::Groups => "/groups",
            Self::Invite => "/invite",
            Self::Approvals => "/approvals",
            Self::Apps => "/apps",
            Self::AuditLog => "/audit-log",
            Self::Outbox => "/outbox",
        }
    }

    pub fn from_segment(segment: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|area| area.segment() == segment)
    }

    pub fn section(self) -> Section {
        match self {
            Self::Dashboard | Self::Apps | Self::AuditLog | Self::Outbox => Section::TopLevel,
            Self::Users | Self::UserSettings | Self::Roles | Self::Groups => {
                Section::UserManagement
            }
            Self::Invite | Self::Approvals => Section::Enrollment,
        }
    }

    /// The permission an admin needs for the area to be in their navigation, if any
    /// (the server checks every request regardless).
    pub fn permission(self) -> Option<Permission> {
        match self {
            Self::AuditLog => Some(Permission::AuditRead),
            Self::Outbox => Some(Permission::OutboxRead),
            Self::Invite => Some(Permission::UsersInvite),
            Self::Approvals => Some(Permission::UsersApprove),
            _ => None,
        }
    }

    /// Whether the area has its own page yet; the others show a placeholder.
    pub fn is_built(self) -> bool {
        matches!(
            self,
            Self::Dashboard
                | Self::Users
                | Self::UserSettings
                | Self::Roles
                | Self::Groups
                | Self::Invite
                | Self::Approvals
                | Self::AuditLog
                | Self::Outbox
        )
    }

    pub fn title(self, locale: Locale) -> &'static str {
        match self {
            Self::Dashboard => td_string!(locale, areas.dashboard),
            Self::Users => td_string!(locale, areas.users),
            Self::UserSettings => td_string!(locale, areas.user_settings),
            Self::Roles => td_string!(locale, areas.roles),
            Self::Groups => td_string!(locale, areas.groups),
            Self::Invite => td_string!(locale, areas.invite),
            Self::Approvals => td_string!(locale, areas.approvals),
            Self::Apps => td_string!(locale, areas.apps),
            Self::AuditLog => td_string!(locale, areas.audit_log),
            Self::Outbox => td_string!(locale, areas.outbox),
        }
    }

    /// One sentence on what the area is for.
    pub fn about(self, locale: Locale) -> &'static str {
        match self {
            Self::Dashboard => td_string!(locale, areas.dashboard_about),
            Self::Users => td_string!(locale, areas.users_about),
            Self::UserSettings => td_string!(locale, areas.user_settings_about),
            Self::Roles => td_string!(locale, areas.roles_about),
            Self::Groups => td_string!(locale, areas.groups_about),
            Self::Invite => td_string!(locale, areas.invite_about),
            Self::Approvals => td_string!(locale, areas.approvals_about),
            Self::Apps => td_string!(locale, areas.apps_about),
            Self::AuditLog => td_string!(locale, areas.audit_log_about),
            Self::Outbox => td_string!(locale, areas.outbox_about),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_area_is_found_by_its_own_segment_and_its_path_matches() {
        for area in Area::ALL {
            assert_eq!(Area::from_segment(area.segment()), Some(area));
            assert_eq!(area.path(), format!("/{}", area.segment()));
        }
        assert_eq!(Area::from_segment("favicon.svg"), None);
    }
}
