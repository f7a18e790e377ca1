//! The User Details page's header and Profile tab: one user with what the tab edits,
//! and saving it. A save is one request carrying the version it read: the second of two
//! admins saving the same user gets 409 instead of overwriting the first. Names are
//! parsed by `PersonName`, the same in the browser and on the server; the e-mail is
//! read-only, whatever a request says.

use crate::domain::ids::request_id;
use crate::domain::person_name::NameError;
use crate::domain::{Email, PersonName, ProductAccess, RoleId, UserId, UserStatus};
use crate::error::{AppError, Problem};
use crate::settings::profile_fields::{FieldValues, ProfileField};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An account role the Admin Role drop-down offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleChoice {
    pub id: RoleId,
    pub name: String,
    pub is_admin: bool,
}

/// Why a user is locked, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LockReason {
    /// Too many wrong passwords in a row.
    FailedSignIns,
    /// Locked for a reason Roster does not know (e.g. by an older version).
    Other,
}

impl LockReason {
    pub fn from_stored(text: &str) -> Self {
        match text {
            "failed_sign_ins" => Self::FailedSignIns,
            _ => Self::Other,
        }
    }
}

/// One user as the details page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetails {
    pub id: UserId,
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub status: UserStatus,
    pub is_primary_admin: bool,
    pub is_admin: bool,
    pub role_id: RoleId,
    pub roles: Vec<RoleChoice>,
    pub access: ProductAccess,
    /// Unix seconds of the last sign-in, if any.
    pub last_login_at: Option<i64>,
    /// Unix seconds the invitation was sent, if invited.
    pub invited_at: Option<i64>,
    /// Unix seconds the user was locked, and why, while Locked.
    pub locked_at: Option<i64>,
    pub lock_reason: Option<LockReason>,
    /// Sent back with a save: a save over a newer version is refused.
    pub version: i64,
    /// Whether the account signs in through SSO, where the identity provider manages
    /// passwords (so no password reset).
    pub sso_enabled: bool,
    /// Whether they turned on an authenticator app (an admin may reset it).
    pub has_authenticator: bool,
    /// The controlled fields the live profile-field policy shows, and their values.
    pub shown_fields: Vec<ProfileField>,
    pub fields: FieldValues,
    /// When their profile picture last changed, if they have one.
    pub picture_at: Option<i64>,
}

impl UserDetails {
    /// First and last name; the e-mail address for an invited user who has not named
    /// themself yet.
    pub fn full_name(&self) -> String {
        crate::users::display_name(&self.first_name, &self.last_name, self.email.as_str())
    }

    /// What the Profile form starts from.
    pub fn edit(&self) -> ProfileEdit {
        ProfileEdit {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            role_id: self.role_id.get(),
            access: self.access,
            version: self.version,
            email: None,
            fields: self.fields.clone(),
        }
    }
}

/// A Profile save as it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileEdit {
    pub first_name: String,
    pub last_name: String,
    pub role_id: i64,
    pub access: ProductAccess,
    /// The version the form was read at.
    pub version: i64,
    /// The e-mail cannot be changed: a request that names another one is refused.
    #[serde(default)]
    pub email: Option<String>,
    /// Values of controlled fields the live policy shows; an empty value clears one.
    #[serde(default)]
    pub fields: FieldValues,
}

/// A parsed Profile save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileChange {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub role_id: RoleId,
    pub access: ProductAccess,
    pub version: i64,
    pub email: Option<String>,
    pub fields: FieldValues,
}

/// The problem with a name, as a field error names it.
pub fn name_problem(error: NameError) -> Problem {
    match error {
        NameError::Empty => Problem::Required,
        NameError::TooLong => Problem::TooLong {
            max: crate::domain::person_name::MAX_NAME_CHARS as u32,
        },
        NameError::ControlCharacter => Problem::ControlCharacters,
    }
}

impl ProfileChange {
    /// The save, or 400 naming the first field that does not parse.
    pub fn parse(edit: &ProfileEdit) -> Result<Self, AppError> {
        let name = |field: &str, text: &str| {
            PersonName::parse(text).map_err(|error| AppError::invalid(field, name_problem(error)))
        };
        Ok(Self {
            first_name: name("first_name", &edit.first_name)?,
            last_name: name("last_name", &edit.last_name)?,
            role_id: request_id("role_id", edit.role_id)?,
            access: edit.access,
            version: edit.version,
            email: edit.email.clone(),
            fields: crate::settings::profile_fields::parse_values(&edit.fields)?,
        })
    }
}

/// The user `id` of the admin's account, with the account's roles.
#[server(prefix = "/api", endpoint = "get_user", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn get_user(id: i64) -> Result<UserDetails, AppError> {
    use crate::auth::principal::{UsersRead, current_principal};
    let grant = current_principal()?.grant::<UsersRead>()?;
    let id = crate::domain::ids::request_id("id", id)?;
    super::store::user_details(&crate::state::app_state()?.db, &grant, id).await
}

/// Saves the Profile tab of user `id`; answers the user as saved.
#[server(prefix = "/api", endpoint = "save_profile", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn save_profile(id: i64, edit: ProfileEdit) -> Result<UserDetails, AppError> {
    use crate::auth::principal::{UsersUpdate, current_principal};
    let grant = current_principal()?.grant::<UsersUpdate>()?;
    let id = crate::domain::ids::request_id("id", id)?;
    let change = ProfileChange::parse(&edit)?;
    let state = crate::state::app_state()?;
    super::store::save_profile(&state.db, &grant, id, &change, state.clock.now()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit() -> ProfileEdit {
        ProfileEdit {
            first_name: "  Ann ".into(),
            last_name: "Lee".into(),
            role_id: 3,
            access: ProductAccess::default(),
            version: 1,
            email: None,
            fields: FieldValues::new(),
        }
    }

    #[test]
    fn a_save_is_parsed_with_trimmed_names_and_each_bad_field_is_named() {
        let change = ProfileChange::parse(&edit()).unwrap();
        assert_eq!(change.first_name.as_str(), "Ann");
        let blank = ProfileEdit {
            last_name: " ".into(),
            ..edit()
        };
        assert_eq!(
            ProfileChange::parse(&blank),
            Err(AppError::invalid("last_name", Problem::Required))
        );
        let bell = ProfileEdit {
            first_name: "A\u{7}".into(),
            ..edit()
        };
        assert_eq!(
            ProfileChange::parse(&bell),
            Err(AppError::invalid("first_name", Problem::ControlCharacters))
        );
        let long = ProfileEdit {
            first_name: "x".repeat(101),
            ..edit()
        };
        assert_eq!(
            ProfileChange::parse(&long),
            Err(AppError::invalid(
                "first_name",
                Problem::TooLong { max: 100 }
            ))
        );
        let no_role = ProfileEdit {
            role_id: 0,
            ..edit()
        };
        assert_eq!(
            ProfileChange::parse(&no_role),
            Err(AppError::invalid("role_id", Problem::NotAnId { value: 0 }))
        );
    }
}
