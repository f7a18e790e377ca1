//! The one error type of Roster. It crosses the wire to the browser intact as a code
//! with parameters (never a sentence), so the console can say it in the admin's
//! language; it carries its HTTP status; it never exposes an internal cause.
//!
//! On the wire: `{"code":"invalid","field":"sort","problem":{"code":"unknown_value",…}}`.
//! The HTTP edge adds a `message` in English for scripts (see the server's
//! `error_status`); `Display` gives that message.

use crate::domain::Permission;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What went wrong, in terms a client can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(test, derive(proptest_derive::Arbitrary))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppError {
    /// No valid session: the client should go to the sign-in page.
    #[error("Please sign in.")]
    Unauthenticated,
    /// Wrong e-mail, wrong password, or an account that may not sign in: deliberately one
    /// answer for all, so a sign-in reveals nothing about an account.
    #[error("The e-mail or password is not correct.")]
    InvalidCredentials,
    /// A sign-in code that is wrong, spent, expired or replaced: deliberately one answer.
    #[error(
        "The code is not right or no longer valid. Check the newest e-mail, or sign in again for a new code."
    )]
    WrongCode,
    #[error("{denied}")]
    Forbidden { denied: Denied },
    #[error("{missing}")]
    NotFound { missing: Missing },
    #[error("{clash}")]
    Conflict { clash: Clash },
    /// A request value that does not parse; `field` names the offending input.
    #[error("{field}: {problem}")]
    Invalid { field: String, problem: Problem },
    /// One client address tried to sign in (or reset a password) too often.
    #[error("Too many attempts from your address. Try again in {retry_after_secs} s.")]
    TooManyAttempts { retry_after_secs: u32 },
    /// Too much work is waiting (e.g. password hashing): try again after a moment.
    #[error("The server is busy. Please try again in {retry_after_secs} s.")]
    Busy { retry_after_secs: u32 },
    /// Something failed on the server; the cause is in the server's log only.
    #[error("Something went wrong on the server. Please try again.")]
    Internal,
    /// The request never reached the server function, or its answer was unreadable.
    #[error("The request could not be read: {detail}")]
    Transport { detail: String },
}

/// Why an admin may not do something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(test, derive(proptest_derive::Arbitrary))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Denied {
    #[error("Your admin role does not allow this ({}).", permission.key())]
    MissingPermission { permission: Permission },
    /// A state change sent from another site's page.
    #[error("Requests from other sites are refused.")]
    CrossOrigin,
    /// A member (no admin role) asked for the console.
    #[error("The Admin Console is for admins; your account page is at /me.")]
    NotAnAdmin,
    /// A change that needs the person to have proved who they are in the last minutes.
    #[error("Confirm your password first: this change needs a sign-in within the last 5 minutes.")]
    RecentSignInNeeded,
    /// A request for a host other than the console's public one (e.g. DNS rebinding).
    #[error("This console answers only at its own address.")]
    OtherHost,
    /// Something only the account's Primary Admin may do.
    #[error("Only the Primary Admin may do this.")]
    PrimaryAdminOnly,
    /// A role that would give a permission the admin does not hold themselves.
    #[error("You cannot give a permission you do not hold yourself ({}).", permission.key())]
    BeyondYourOwn { permission: Permission },
}

/// What was asked for and does not exist (in this account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(test, derive(proptest_derive::Arbitrary))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Missing {
    /// Some of the users asked for; the first few ids are named.
    #[error("No user with id {} in this account; nothing was changed.", list_ids(ids, *more))]
    Users { ids: Vec<i64>, more: bool },
    #[error("No app with id {id} in this account; nothing was changed.")]
    App { id: i64 },
    #[error("No role with id {id} in this account; nothing was changed.")]
    Role { id: i64 },
    #[error("No group with id {id} in this account; nothing was changed.")]
    Group { id: i64 },
    /// The session has ended already (or was never this user's).
    #[error("This session has already ended.")]
    Session,
    /// A password reset link that was used, has expired, or was replaced by a newer one.
    #[error("This link was used, has expired, or was replaced by a newer one; ask for a new one.")]
    ResetLink,
    /// An invitation link that was used, has expired, or was replaced or revoked.
    #[error(
        "This invitation was used, has expired, or was withdrawn; ask your administrator for a new one."
    )]
    InvitationLink,
    #[error("The account has no domain {domain}; nothing was changed.")]
    Domain { domain: String },
    /// A sign-up link that was used, has expired, or was replaced by a newer one.
    #[error(
        "This link was used, has expired, or was replaced by a newer one; ask for access again."
    )]
    SignUpLink,
    /// Some of the requests to join asked for; the first few ids are named.
    #[error("No request to join with id {} in this account; nothing was changed.", list_ids(ids, *more))]
    AccessRequests { ids: Vec<i64>, more: bool },
}

/// A change that the current state of the data refuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(test, derive(proptest_derive::Arbitrary))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Clash {
    #[error("A selected user became an app owner meanwhile; nothing was deleted. Try again.")]
    BecameAppOwner,
    /// The user changed since the admin read them.
    #[error(
        "Someone else changed this user after you opened it; nothing was saved. Reload to see their changes."
    )]
    StaleVersion,
    #[error("The user already has a role in '{app}'; change that role instead.")]
    AlreadyInApp { app: String },
    #[error("The user has no role in '{app}'.")]
    NotInApp { app: String },
    /// The owner's role is fixed: it changes only by a transfer of ownership.
    #[error(
        "The user owns '{app}': the owner's role cannot be changed or removed. Transfer ownership first."
    )]
    OwnerIsFixed { app: String },
    #[error("{email} is not active: only an active user can own an app.")]
    NewOwnerNotActive { email: String },
    #[error("{email} already owns '{app}'.")]
    AlreadyOwner { email: String, app: String },
    #[error("A group named '{name}' exists already; choose another name.")]
    GroupNameTaken { name: String },
    /// The Primary Admin holds every permission whatever their role: it never changes.
    #[error("The Primary Admin's role cannot be changed; they hold every permission.")]
    PrimaryAdminRole,
    /// An admin changing their own role could lock themself out: another admin may.
    #[error("You cannot change your own admin role; another admin can.")]
    OwnRole,
    /// With SSO on, the identity provider owns passwords: Roster sets none.
    #[error("SSO is on: the identity provider manages passwords.")]
    SsoManagesPasswords,
    /// A domain that is the account's already, or another account's.
    #[error("The domain {domain} belongs to an account already.")]
    DomainTaken { domain: String },
    /// Resending or revoking an invitation of a user who is not waiting on one.
    #[error("This user has no invitation waiting: they signed up already, or it was revoked.")]
    NotInvited,
    /// The settings changed since the admin read them.
    #[error(
        "Someone else saved these settings after you opened them; nothing was saved. Reload to see their changes."
    )]
    SettingsChanged,
    /// Approving or rejecting a request that an admin decided already.
    #[error("{email}'s request was approved or rejected already; nothing was changed.")]
    RequestDecided { email: String },
    /// The account stopped taking requests to join after the link was sent.
    #[error(
        "This account no longer takes requests to join; ask its administrator for an invitation."
    )]
    SignUpClosed,
    /// Someone of the account has the address already.
    #[error("{email} belongs to a user of this account already; nothing was changed.")]
    AlreadyMember { email: String },
    /// A request from the address waits for an admin already.
    #[error("A request from {email} waits for an administrator already.")]
    RequestWaiting { email: String },
    /// A sign-in code went out less than a minute ago.
    #[error("A code was sent less than a minute ago. Ask again in {retry_after_secs} s.")]
    CodeJustSent { retry_after_secs: u32 },
    /// Changing the provider SSO signs in through while people sign in through it.
    #[error("SSO is on: turn it off before changing its identity provider.")]
    SsoOn,
    /// SSO turned on before a test sign-in succeeded with the provider as saved.
    #[error(
        "Test the sign-in through the identity provider first: SSO can be turned on once a test succeeds with these settings."
    )]
    SsoUntested,
    /// No identity provider is saved yet.
    #[error("Set up the identity provider first.")]
    SsoNotSetUp,
    /// The server has no key to seal an SSO client secret with.
    #[error("Roster was started without --secret-key-file, so it cannot keep this secret.")]
    NoSecretKey,
    /// An authenticator app is on already: it is removed before another is set up.
    #[error("An authenticator app is on already: remove it before setting up another.")]
    AuthenticatorOn,
    /// There is no authenticator app (or none being set up) to confirm, renew or remove.
    #[error("There is no authenticator app to change.")]
    NoAuthenticator,
    /// The Primary Admin's role goes only to another active admin of the account.
    #[error("Only another active admin of this account can become its Primary Admin.")]
    NotAnotherActiveAdmin,
    /// An admin's own second factor is changed on their own page, after a recent sign-in.
    #[error("Remove your own authenticator app on your My account page.")]
    ResetYourOwnOnYourPage,
    #[error("A role named '{name}' exists already; choose another name.")]
    RoleNameTaken { name: String },
    /// Master Admin, User Admin and Member are the same in every account.
    #[error("A predefined role cannot be changed or deleted; duplicate it instead.")]
    PredefinedRole,
    /// A role is deleted only once nobody holds it, or with its holders moved.
    #[error("Holders of this role: {holders}. Move them to another role to delete it.")]
    RoleInUse { holders: u64 },
    #[error("An account has at most {max} custom roles.")]
    TooManyRoles { max: u32 },
    /// The role changed since the admin read it.
    #[error(
        "Someone else changed this role after you opened it; nothing was saved. Reload to see their changes."
    )]
    RoleChanged,
    /// Taking a role away from a user who does not hold it (any more).
    #[error("This user does not hold this role; nothing was changed.")]
    RoleNotHeld,
}

/// Why a request value was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(test, derive(proptest_derive::Arbitrary))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Problem {
    #[error("a value is required")]
    Required,
    #[error("at most {max} characters")]
    TooLong { max: u32 },
    #[error("at least {min} characters")]
    TooShort { min: u32 },
    #[error("at most {max} items")]
    TooMany { max: u32 },
    #[error("control characters are not allowed")]
    ControlCharacters,
    #[error("not an e-mail address")]
    NotAnEmail,
    #[error("not the start of an e-mail address")]
    NotAnEmailStart,
    #[error("'{value}' is not one of: {}", allowed.join(", "))]
    UnknownValue { value: String, allowed: Vec<String> },
    #[error("{value} is not an id")]
    NotAnId { value: i64 },
    #[error("this page position is not valid")]
    BadCursor,
    #[error("give either a position after a row or before one, not both")]
    BothCursors,
    #[error("not a date (YYYY-MM-DD)")]
    NotADate,
    #[error("the range ends before it starts")]
    EndsBeforeStart,
    #[error("this cannot be changed")]
    ReadOnly,
    #[error("a password may not be the e-mail address")]
    SameAsEmail,
    #[error("this password is among the most common ones; choose another")]
    CommonPassword,
    #[error("the two passwords are not the same")]
    NotTheSame,
    #[error("a whole number from {min} to {max}")]
    OutOfRange { min: u32, max: u32 },
    #[error("not a domain name (like example.com)")]
    NotADomain,
    #[error("a public e-mail provider's domain cannot belong to an account")]
    PublicDomain,
    #[error("this is not your password")]
    NotYourPassword,
    #[error("not a phone number (digits, optionally with + and spaces or dashes)")]
    NotAPhoneNumber,
    #[error("not a postal code")]
    NotAPostalCode,
    #[error("not a country of the list (ISO 3166)")]
    NotACountry,
    #[error("this field is always shown")]
    AlwaysShown,
    #[error("not a PNG, JPEG or WebP image")]
    NotAnImage,
    #[error("larger than {max_mb} MB")]
    FileTooLarge { max_mb: u32 },
    #[error("an https:// address (http:// only on this machine) without a query")]
    NotAnIssuer,
    #[error("not the code the authenticator app shows now")]
    NotTheAppsCode,
    #[error("not one of the accounts this sign-in opened")]
    NotYourAccount,
    #[error("the role being deleted; choose another")]
    SameRole,
    #[error("not an admin role")]
    NotAnAdminRole,
}

/// Up to ten ids, and "…" when there are more.
fn list_ids(ids: &[i64], more: bool) -> String {
    let shown: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("{}{}", shown.join(", "), if more { " …" } else { "" })
}

impl AppError {
    /// Whether the server asks the person to prove who they are again (403
    /// `recent_sign_in_needed`): the page then asks the password and sends again.
    pub fn asks_recent_sign_in(&self) -> bool {
        matches!(
            self,
            Self::Forbidden {
                denied: Denied::RecentSignInNeeded
            }
        )
    }

    pub fn invalid(field: &str, problem: Problem) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            problem,
        }
    }

    /// 404 for one user the account does not have.
    pub fn unknown_user(id: i64) -> Self {
        Self::NotFound {
            missing: Missing::Users {
                ids: vec![id],
                more: false,
            },
        }
    }

    pub fn missing_permission(permission: Permission) -> Self {
        Self::Forbidden {
            denied: Denied::MissingPermission { permission },
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthenticated | Self::InvalidCredentials | Self::WrongCode => 401,
            Self::Forbidden { .. } => 403,
            Self::NotFound { .. } => 404,
            Self::Conflict { .. } => 409,
            Self::Invalid { .. } | Self::Transport { .. } => 400,
            Self::Internal => 500,
            Self::TooManyAttempts { .. } => 429,
            Self::Busy { .. } => 503,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(detail)
            | ServerFnErrorErr::Deserialization(detail)
            | ServerFnErrorErr::Args(detail)
            | ServerFnErrorErr::MissingArg(detail)
            | ServerFnErrorErr::UnsupportedRequestMethod(detail)
            | ServerFnErrorErr::Serialization(detail) => Self::Transport { detail },
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function framework error");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                Self::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(error = %error, "database error");
        Self::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn only_failures_and_overload_are_5xx_and_every_other_error_is_a_4xx(error: AppError) {
            if error == AppError::Internal {
                prop_assert_eq!(error.status(), 500);
            } else if matches!(error, AppError::Busy { .. }) {
                prop_assert_eq!(error.status(), 503);
            } else {
                prop_assert!((400..500).contains(&error.status()), "{:?}", error);
            }
        }

        #[test]
        fn every_error_survives_the_trip_over_the_wire(error: AppError) {
            let json = serde_json::to_string(&error).unwrap();
            prop_assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), error);
        }
    }

    #[test]
    fn the_wire_form_is_a_code_with_parameters() {
        let error = AppError::invalid("size", Problem::TooMany { max: 100 });
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({"code": "invalid", "field": "size", "problem": {"code": "too_many", "max": 100}})
        );
    }
}
