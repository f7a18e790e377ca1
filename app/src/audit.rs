//! The audit trail and the Audit log page. Every change calls `record` inside its own
//! transaction, so an event exists exactly when its change committed. Events name who
//! acted, from which address, what they did to which object, and the values before and
//! after (never a password, hash or token: callers pass only the fields an admin may
//! see). The wire types and the server function live here; parsing in `query`, the SQL
//! in `store` (server-only), the page in `ui`.

pub mod query;
#[cfg(feature = "ssr")]
mod store;
pub mod ui;

#[cfg(feature = "ssr")]
pub use store::{AuditEvent, AuditTarget, list_events, record};

use crate::domain::UserId;
use crate::error::AppError;
use leptos::prelude::*;
use query::AuditParams;
use serde::{Deserialize, Serialize};

/// What an audited change did. Stored and sent by its `key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum AuditAction {
    /// A user was deleted (Delete Selected or the row's delete icon).
    UserDeleted,
    /// A user was activated, suspended, unlocked or deactivated.
    UserStatusChanged,
    /// A user's profile, role or product access was saved.
    UserUpdated,
    /// An admin ended one or all of a user's sessions.
    SessionsEnded,
    /// A user was given a role in an app.
    AppRoleAssigned,
    /// A user's role in an app was switched.
    AppRoleChanged,
    /// A user's role in an app was taken away.
    AppRoleRemoved,
    /// An app passed to a new owner.
    AppOwnershipTransferred,
    GroupCreated,
    GroupRenamed,
    GroupDeleted,
    /// Users joined a group or left it.
    GroupMembersChanged,
    /// A password reset link was e-mailed to a user.
    PasswordResetSent,
    /// A user set a new password through a reset link.
    PasswordChanged,
    /// The account's sign-in security (lockout policy) was saved.
    SignInSecurityChanged,
    /// When new users get a welcome e-mail was saved.
    WelcomeEmailsChanged,
    /// The access new users start with was saved.
    DefaultAccessChanged,
    /// A person was invited: a Not Active user with a sign-up link.
    UserInvited,
    /// An invited user was sent a new sign-up link.
    InvitationResent,
    /// An invitation's link was withdrawn.
    InvitationRevoked,
    /// An invited person signed up and became Active.
    InvitationAccepted,
    /// The self sign-up policy was saved.
    SignUpChanged,
    /// A domain was added to the account.
    DomainAdded,
    /// A domain was taken off the account.
    DomainRemoved,
    /// A person of the account's domains signed up and was approved at once.
    UserSignedUp,
    /// An admin approved a request to join: the person became an Active user.
    AccessApproved,
    /// An admin rejected a request to join.
    AccessRejected,
    /// The profile-field policy was saved as a new version.
    ProfileFieldsChanged,
    /// A user's profile picture was set, replaced or removed.
    PictureChanged,
    /// The SSO identity provider was saved.
    SsoProviderChanged,
    /// A test sign-in through the SSO identity provider succeeded.
    SsoTested,
    /// SSO was turned on or off.
    SsoSwitched,
    /// A user turned on an authenticator app for their sign-in.
    AuthenticatorAdded,
    /// A user removed their authenticator app.
    AuthenticatorRemoved,
    /// A user replaced their recovery codes with new ones.
    RecoveryCodesRenewed,
    /// A user signed in with a recovery code instead of the app's code.
    RecoveryCodeUsed,
    /// An admin removed a user's authenticator app and recovery codes.
    SecondFactorReset,
    /// A person whose password opens several accounts chose this one (and maybe made
    /// it their default).
    AccountChosen,
    /// The Primary Admin handed their role to another admin.
    PrimaryAdminHandedOver,
    /// A custom admin role was created (or duplicated from another).
    RoleCreated,
    /// A custom admin role's name, description or permissions were changed.
    RoleUpdated,
    /// A custom admin role was deleted, its holders moved to another role.
    RoleDeleted,
    /// A person signed in: a session started (the actor is that person).
    SignedIn,
    /// A person signed out of one of their sessions.
    SignedOut,
}

impl AuditAction {
    pub const ALL: [AuditAction; 44] = [
        Self::UserDeleted,
        Self::UserStatusChanged,
        Self::UserUpdated,
        Self::SessionsEnded,
        Self::AppRoleAssigned,
        Self::AppRoleChanged,
        Self::AppRoleRemoved,
        Self::AppOwnershipTransferred,
        Self::GroupCreated,
        Self::GroupRenamed,
        Self::GroupDeleted,
        Self::GroupMembersChanged,
        Self::PasswordResetSent,
        Self::PasswordChanged,
        Self::SignInSecurityChanged,
        Self::WelcomeEmailsChanged,
        Self::DefaultAccessChanged,
        Self::UserInvited,
        Self::InvitationResent,
        Self::InvitationRevoked,
        Self::InvitationAccepted,
        Self::SignUpChanged,
        Self::DomainAdded,
        Self::DomainRemoved,
        Self::UserSignedUp,
        Self::AccessApproved,
        Self::AccessRejected,
        Self::ProfileFieldsChanged,
        Self::PictureChanged,
        Self::SsoProviderChanged,
        Self::SsoTested,
        Self::SsoSwitched,
        Self::AuthenticatorAdded,
        Self::AuthenticatorRemoved,
        Self::RecoveryCodesRenewed,
        Self::RecoveryCodeUsed,
        Self::SecondFactorReset,
        Self::AccountChosen,
        Self::PrimaryAdminHandedOver,
        Self::RoleCreated,
        Self::RoleUpdated,
        Self::RoleDeleted,
        Self::SignedIn,
        Self::SignedOut,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            Self::UserDeleted => "user.deleted",
            Self::UserStatusChanged => "user.status_changed",
            Self::UserUpdated => "user.updated",
            Self::SessionsEnded => "user.sessions_ended",
            Self::AppRoleAssigned => "app.role_assigned",
            Self::AppRoleChanged => "app.role_changed",
            Self::AppRoleRemoved => "app.role_removed",
            Self::AppOwnershipTransferred => "app.ownership_transferred",
            Self::GroupCreated => "group.created",
            Self::GroupRenamed => "group.renamed",
            Self::GroupDeleted => "group.deleted",
            Self::GroupMembersChanged => "group.members_changed",
            Self::PasswordResetSent => "user.password_reset_sent",
            Self::PasswordChanged => "user.password_changed",
            Self::SignInSecurityChanged => "settings.sign_in_security_changed",
            Self::WelcomeEmailsChanged => "settings.welcome_emails_changed",
            Self::DefaultAccessChanged => "settings.default_access_changed",
            Self::UserInvited => "user.invited",
            Self::InvitationResent => "user.invitation_resent",
            Self::InvitationRevoked => "user.invitation_revoked",
            Self::InvitationAccepted => "user.invitation_accepted",
            Self::SignUpChanged => "settings.sign_up_changed",
            Self::DomainAdded => "settings.domain_added",
            Self::DomainRemoved => "settings.domain_removed",
            Self::UserSignedUp => "user.signed_up",
            Self::AccessApproved => "user.access_approved",
            Self::AccessRejected => "user.access_rejected",
            Self::ProfileFieldsChanged => "settings.profile_fields_changed",
            Self::PictureChanged => "user.picture_changed",
            Self::SsoProviderChanged => "settings.sso_provider_changed",
            Self::SsoTested => "settings.sso_tested",
            Self::SsoSwitched => "settings.sso_switched",
            Self::AuthenticatorAdded => "user.authenticator_added",
            Self::AuthenticatorRemoved => "user.authenticator_removed",
            Self::RecoveryCodesRenewed => "user.recovery_codes_renewed",
            Self::RecoveryCodeUsed => "user.recovery_code_used",
            Self::SecondFactorReset => "user.second_factor_reset",
            Self::AccountChosen => "user.account_chosen",
            Self::PrimaryAdminHandedOver => "user.primary_admin_handed_over",
            Self::RoleCreated => "role.created",
            Self::RoleUpdated => "role.updated",
            Self::RoleDeleted => "role.deleted",
            Self::SignedIn => "user.signed_in",
            Self::SignedOut => "user.signed_out",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.key() == key)
    }
}

impl From<AuditAction> for &'static str {
    fn from(action: AuditAction) -> Self {
        action.key()
    }
}

/// A stored or sent action name that Roster does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown audit action '{0}'")]
pub struct UnknownAction(pub String);

impl TryFrom<String> for AuditAction {
    type Error = UnknownAction;
    fn try_from(key: String) -> Result<Self, Self::Error> {
        Self::from_key(&key).ok_or(UnknownAction(key))
    }
}

/// One field an event changed: its value before and after, as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One event as the Audit log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub actor_id: Option<UserId>,
    /// The acting admin's e-mail as it was then (empty for events older than the log).
    pub actor_email: String,
    pub actor_addr: Option<String>,
    pub action: AuditAction,
    /// What the event is about, as a person reads it (e.g. the user's e-mail).
    pub target: String,
    pub changes: Vec<FieldChange>,
}

/// One page of the log, newest first, and the cursors of its neighbours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub is_first_page: bool,
    /// Cursor for the newer page, when there is one.
    pub prev: Option<String>,
    /// Cursor for the older page, when there is one.
    pub next: Option<String>,
}

/// One page of the account's audit events, filtered.
#[server(prefix = "/api", endpoint = "list_audit_events", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn list_audit_events(
    #[server(flatten)] query: AuditParams,
) -> Result<AuditPage, AppError> {
    use crate::auth::principal::{AuditRead, current_principal};
    let principal = current_principal()?;
    let grant = principal.grant::<AuditRead>()?;
    let query = query::AuditQuery::parse(&query)?;
    store::list_events(&crate::state::app_state()?.db, &grant, &query).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_distinct_key_that_names_it_again() {
        let keys: std::collections::BTreeSet<&str> =
            AuditAction::ALL.iter().map(|action| action.key()).collect();
        assert_eq!(keys.len(), AuditAction::ALL.len());
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::from_key(action.key()), Some(action));
            let json = serde_json::to_string(&action).unwrap();
            assert_eq!(json, format!("\"{}\"", action.key()));
        }
    }
}
