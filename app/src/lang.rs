//! Saying things in the admin's language. The texts themselves are in
//! `locales/{en,ja}.json` (compiled into the `i18n` module); this module adds what a
//! translation file cannot hold: dates and numbers for a language, the words for a
//! status and for each field, and the sentence for each error code.

pub mod errors;
pub mod format;

use crate::apps::AppRole;
use crate::domain::UserStatus;
use crate::i18n::{Locale, td_string};
use crate::settings::profile_fields::ProfileField;
use crate::settings::sign_in_security::TwoFactor;

/// The seeds' word for a status: Active / アクティブ, Not Active / 非アクティブ…
pub fn status_label(locale: Locale, status: UserStatus) -> &'static str {
    match status {
        UserStatus::Active => td_string!(locale, status.active),
        UserStatus::NotActive => td_string!(locale, status.not_active),
        UserStatus::Suspended => td_string!(locale, status.suspended),
        UserStatus::Locked => td_string!(locale, status.locked),
    }
}

/// The form label of a request or stored field, or its wire name when it has none.
pub fn field_label(locale: Locale, field: &str) -> &str {
    match field {
        "q" => td_string!(locale, fields.q),
        "status" => td_string!(locale, fields.status),
        "sort" => td_string!(locale, fields.sort),
        "dir" => td_string!(locale, fields.dir),
        "size" => td_string!(locale, fields.size),
        "after" => td_string!(locale, fields.after),
        "before" => td_string!(locale, fields.before),
        "ids" => td_string!(locale, fields.ids),
        "email" => td_string!(locale, fields.email),
        "password" => td_string!(locale, fields.password),
        "first_name" => td_string!(locale, fields.first_name),
        "last_name" => td_string!(locale, fields.last_name),
        "account" => td_string!(locale, fields.account),
        "actor" => td_string!(locale, fields.actor),
        "user" => td_string!(locale, fields.user),
        "action" => td_string!(locale, fields.action),
        "from" => td_string!(locale, fields.from),
        "to" => td_string!(locale, fields.to),
        "role" | "role_id" => td_string!(locale, fields.role),
        "builder_access" => td_string!(locale, fields.builder_access),
        "app_creation_access" => td_string!(locale, fields.app_creation_access),
        "data_tables_access" => td_string!(locale, fields.data_tables_access),
        "app" | "app_id" => td_string!(locale, fields.app),
        "app_role" => td_string!(locale, fields.app_role),
        "owner" => td_string!(locale, fields.owner),
        "new_owner_id" => td_string!(locale, fields.new_owner_id),
        "sessions" => td_string!(locale, fields.sessions),
        "session_id" => td_string!(locale, fields.session_id),
        "version" => td_string!(locale, fields.version),
        "group" => td_string!(locale, fields.group),
        "name" => td_string!(locale, fields.name),
        "members" => td_string!(locale, fields.members),
        "added" => td_string!(locale, fields.added),
        "removed" => td_string!(locale, fields.removed),
        "users" => td_string!(locale, fields.users),
        "two_factor" => td_string!(locale, fields.two_factor),
        "idle_timeout_minutes" => td_string!(locale, fields.idle_timeout_minutes),
        "session_lifetime_hours" => td_string!(locale, fields.session_lifetime_hours),
        "lock_after" => td_string!(locale, fields.lock_after),
        "lock_window_minutes" => td_string!(locale, fields.lock_window_minutes),
        "unlock_after_minutes" => td_string!(locale, fields.unlock_after_minutes),
        "emails" => td_string!(locale, fields.emails),
        "domain" => td_string!(locale, fields.domain),
        "sign_up" => td_string!(locale, fields.sign_up),
        "groups" => td_string!(locale, fields.groups),
        "confirm" => td_string!(locale, fields.confirm),
        "welcome_when_invited" => td_string!(locale, fields.welcome_when_invited),
        "welcome_when_synced" => td_string!(locale, fields.welcome_when_synced),
        "welcome_when_added_by_api" => td_string!(locale, fields.welcome_when_added_by_api),
        "picture" => td_string!(locale, fields.picture),
        "company" => td_string!(locale, fields.company),
        "department" => td_string!(locale, fields.department),
        "title" => td_string!(locale, fields.title),
        "mobile_phone" => td_string!(locale, fields.mobile_phone),
        "work_phone" => td_string!(locale, fields.work_phone),
        "address_line1" => td_string!(locale, fields.address_line1),
        "address_line2" => td_string!(locale, fields.address_line2),
        "city" => td_string!(locale, fields.city),
        "state" => td_string!(locale, fields.state),
        "zip" => td_string!(locale, fields.zip),
        "country" => td_string!(locale, fields.country),
        "employee_id" => td_string!(locale, fields.employee_id),
        "profile_fields" => td_string!(locale, fields.profile_fields),
        other => other,
    }
}

/// An app role's word: Owner / オーナー, Developer / 開発者, Tester / テスター.
pub fn app_role_label(locale: Locale, role: AppRole) -> &'static str {
    match role {
        AppRole::Owner => td_string!(locale, app_roles.owner),
        AppRole::Developer => td_string!(locale, app_roles.developer),
        AppRole::Tester => td_string!(locale, app_roles.tester),
    }
}

/// A stored field's value as the admin reads it: a status, an app role or a toggle in
/// their language, anything else as it is.
pub fn field_value(locale: Locale, field: &str, value: &str) -> String {
    let toggle = |on: bool| {
        if on {
            td_string!(locale, toggles.on)
        } else {
            td_string!(locale, toggles.off)
        }
    };
    let word = match field {
        "status" => UserStatus::from_slug(value).map(|status| status_label(locale, status)),
        "app_role" => AppRole::from_slug(value).map(|role| app_role_label(locale, role)),
        "builder_access" | "app_creation_access" | "data_tables_access" => {
            value.parse().ok().map(toggle)
        }
        "two_factor" => TwoFactor::from_key(value).map(|policy| match policy {
            TwoFactor::Off => toggle(false),
            TwoFactor::Admins => td_string!(locale, settings.two_factor_admins),
            TwoFactor::Everyone => td_string!(locale, settings.two_factor_everyone),
        }),
        // A rule of the profile-field policy, as its audit event names it.
        field if ProfileField::from_key(field).is_some() => match value {
            "hidden" => Some(td_string!(locale, settings.field_hidden)),
            "shown" => Some(td_string!(locale, settings.field_shown)),
            "editable" => Some(td_string!(locale, settings.field_editable)),
            _ => None,
        },
        _ => None,
    };
    word.map_or_else(|| value.to_owned(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_use_the_seeds_words_in_both_languages() {
        assert_eq!(
            status_label(Locale::en, UserStatus::NotActive),
            "Not Active"
        );
        assert_eq!(status_label(Locale::ja, UserStatus::Active), "アクティブ");
        assert_eq!(
            status_label(Locale::ja, UserStatus::NotActive),
            "非アクティブ"
        );
        assert_eq!(status_label(Locale::ja, UserStatus::Suspended), "停止中");
        assert_eq!(status_label(Locale::ja, UserStatus::Locked), "ロック");
    }

    #[test]
    fn the_audit_trail_reads_the_two_factor_policy_in_words() {
        assert_eq!(field_label(Locale::en, "two_factor"), "Two-factor sign-in");
        assert_eq!(field_value(Locale::en, "two_factor", "off"), "Off");
        assert_eq!(
            field_value(Locale::ja, "two_factor", "admins"),
            "管理者に必須"
        );
        assert_eq!(
            field_value(Locale::en, "two_factor", "sometimes"),
            "sometimes"
        );
    }
}
