//! The sentence for each error code, in the admin's language.

use super::field_label;
use crate::error::{AppError, Clash, Denied, Missing, Problem};
use crate::i18n::{Locale, td_string};

/// What the console says for `error`.
pub fn error_text(locale: Locale, error: &AppError) -> String {
    match error {
        AppError::Unauthenticated => td_string!(locale, errors.unauthenticated).to_owned(),
        AppError::InvalidCredentials => td_string!(locale, errors.invalid_credentials).to_owned(),
        AppError::WrongCode => td_string!(locale, errors.wrong_code).to_owned(),
        AppError::Forbidden { denied } => match denied {
            Denied::MissingPermission { permission } => {
                td_string!(
                    locale,
                    errors.missing_permission,
                    permission = permission.key()
                )
            }
            Denied::CrossOrigin => td_string!(locale, errors.cross_origin).to_owned(),
            Denied::OtherHost => td_string!(locale, errors.other_host).to_owned(),
            Denied::RecentSignInNeeded => {
                td_string!(locale, errors.recent_sign_in_needed).to_owned()
            }
            Denied::NotAnAdmin => td_string!(locale, errors.not_an_admin).to_owned(),
            Denied::PrimaryAdminOnly => td_string!(locale, errors.primary_admin_only).to_owned(),
            Denied::BeyondYourOwn { permission } => td_string!(
                locale,
                errors.beyond_your_own,
                permission = permission.key()
            ),
        },
        AppError::NotFound { missing } => match missing {
            Missing::Users { ids, more } => {
                td_string!(locale, errors.users_not_found, ids = id_list(ids, *more))
            }
            Missing::App { id } => td_string!(locale, errors.app_not_found, id = *id),
            Missing::Role { id } => td_string!(locale, errors.role_not_found, id = *id),
            Missing::Group { id } => td_string!(locale, errors.group_not_found, id = *id),
            Missing::Session => td_string!(locale, errors.session_not_found).to_owned(),
            Missing::ResetLink => td_string!(locale, errors.reset_link_gone).to_owned(),
            Missing::InvitationLink => td_string!(locale, errors.invitation_gone).to_owned(),
            Missing::Domain { domain } => {
                td_string!(locale, errors.domain_not_found, domain = domain.as_str())
            }
            Missing::SignUpLink => td_string!(locale, errors.sign_up_link_gone).to_owned(),
            Missing::AccessRequests { ids, more } => td_string!(
                locale,
                errors.access_requests_not_found,
                ids = id_list(ids, *more)
            ),
        },
        AppError::Conflict { clash } => match clash {
            Clash::BecameAppOwner => td_string!(locale, errors.became_app_owner).to_owned(),
            Clash::StaleVersion => td_string!(locale, errors.stale_version).to_owned(),
            Clash::AlreadyInApp { app } => {
                td_string!(locale, errors.already_in_app, app = app.as_str())
            }
            Clash::NotInApp { app } => td_string!(locale, errors.not_in_app, app = app.as_str()),
            Clash::OwnerIsFixed { app } => {
                td_string!(locale, errors.owner_is_fixed, app = app.as_str())
            }
            Clash::NewOwnerNotActive { email } => {
                td_string!(locale, errors.new_owner_not_active, email = email.as_str())
            }
            Clash::GroupNameTaken { name } => {
                td_string!(locale, errors.group_name_taken, name = name.as_str())
            }
            Clash::OwnRole => td_string!(locale, errors.own_role).to_owned(),
            Clash::SsoManagesPasswords => {
                td_string!(locale, errors.sso_manages_passwords).to_owned()
            }
            Clash::PrimaryAdminRole => td_string!(locale, errors.primary_admin_role).to_owned(),
            Clash::SettingsChanged => td_string!(locale, errors.settings_changed).to_owned(),
            Clash::NotInvited => td_string!(locale, errors.not_invited).to_owned(),
            Clash::RequestDecided { email } => {
                td_string!(locale, errors.request_decided, email = email.as_str())
            }
            Clash::SignUpClosed => td_string!(locale, errors.sign_up_closed).to_owned(),
            Clash::AlreadyMember { email } => {
                td_string!(locale, errors.already_member, email = email.as_str())
            }
            Clash::RequestWaiting { email } => {
                td_string!(locale, errors.request_waiting, email = email.as_str())
            }
            Clash::SsoOn => td_string!(locale, errors.sso_on).to_owned(),
            Clash::SsoUntested => td_string!(locale, errors.sso_untested).to_owned(),
            Clash::SsoNotSetUp => td_string!(locale, errors.sso_not_set_up).to_owned(),
            Clash::NoSecretKey => td_string!(locale, errors.no_secret_key).to_owned(),
            Clash::AuthenticatorOn => td_string!(locale, errors.authenticator_on).to_owned(),
            Clash::NoAuthenticator => td_string!(locale, errors.no_authenticator).to_owned(),
            Clash::NotAnotherActiveAdmin => {
                td_string!(locale, errors.not_another_active_admin).to_owned()
            }
            Clash::ResetYourOwnOnYourPage => {
                td_string!(locale, errors.reset_your_own_on_your_page).to_owned()
            }
            Clash::CodeJustSent { retry_after_secs } => {
                td_string!(locale, errors.code_just_sent, seconds = *retry_after_secs)
            }
            Clash::DomainTaken { domain } => {
                td_string!(locale, errors.domain_taken, domain = domain.as_str())
            }
            Clash::AlreadyOwner { email, app } => td_string!(
                locale,
                errors.already_owner,
                email = email.as_str(),
                app = app.as_str()
            ),
            Clash::RoleNameTaken { name } => {
                td_string!(locale, errors.role_name_taken, name = name.as_str())
            }
            Clash::PredefinedRole => td_string!(locale, errors.predefined_role).to_owned(),
            Clash::RoleInUse { holders } => {
                td_string!(locale, errors.role_in_use, holders = *holders)
            }
            Clash::TooManyRoles { max } => td_string!(locale, errors.too_many_roles, max = *max),
            Clash::RoleChanged => td_string!(locale, errors.role_changed).to_owned(),
            Clash::RoleNotHeld => td_string!(locale, errors.role_not_held).to_owned(),
        },
        AppError::Invalid { field, problem } => td_string!(
            locale,
            errors.invalid,
            field = field_label(locale, field),
            problem = problem_text(locale, problem)
        ),
        AppError::Internal => td_string!(locale, errors.internal).to_owned(),
        AppError::TooManyAttempts { retry_after_secs } => {
            td_string!(
                locale,
                errors.too_many_attempts,
                seconds = *retry_after_secs
            )
        }
        AppError::Busy { retry_after_secs } => {
            td_string!(locale, errors.busy, seconds = *retry_after_secs)
        }
        AppError::Transport { detail } => {
            td_string!(locale, errors.transport, detail = detail.as_str())
        }
    }
}

/// `ids` as a list a person reads, with `…` when there were more.
fn id_list(ids: &[i64], more: bool) -> String {
    let mut list: Vec<String> = ids.iter().map(i64::to_string).collect();
    if more {
        list.push("…".to_owned());
    }
    list.join(", ")
}

fn problem_text(locale: Locale, problem: &Problem) -> String {
    match problem {
        Problem::Required => td_string!(locale, problems.required).to_owned(),
        Problem::TooLong { max } => td_string!(locale, problems.too_long, max = *max),
        Problem::TooShort { min } => td_string!(locale, problems.too_short, min = *min),
        Problem::TooMany { max } => td_string!(locale, problems.too_many, max = *max),
        Problem::ControlCharacters => td_string!(locale, problems.control_characters).to_owned(),
        Problem::NotAnEmail => td_string!(locale, problems.not_an_email).to_owned(),
        Problem::NotAnEmailStart => td_string!(locale, problems.not_an_email_start).to_owned(),
        Problem::UnknownValue { value, allowed } => td_string!(
            locale,
            problems.unknown_value,
            value = value.as_str(),
            allowed = allowed.join(", ")
        ),
        Problem::NotAnId { value } => td_string!(locale, problems.not_an_id, value = *value),
        Problem::BadCursor => td_string!(locale, problems.bad_cursor).to_owned(),
        Problem::BothCursors => td_string!(locale, problems.both_cursors).to_owned(),
        Problem::NotADate => td_string!(locale, problems.not_a_date).to_owned(),
        Problem::EndsBeforeStart => td_string!(locale, problems.ends_before_start).to_owned(),
        Problem::ReadOnly => td_string!(locale, problems.read_only).to_owned(),
        Problem::SameAsEmail => td_string!(locale, problems.same_as_email).to_owned(),
        Problem::CommonPassword => td_string!(locale, problems.common_password).to_owned(),
        Problem::NotTheSame => td_string!(locale, problems.not_the_same).to_owned(),
        Problem::NotADomain => td_string!(locale, problems.not_a_domain).to_owned(),
        Problem::PublicDomain => td_string!(locale, problems.public_domain).to_owned(),
        Problem::NotYourPassword => td_string!(locale, problems.not_your_password).to_owned(),
        Problem::NotAPhoneNumber => td_string!(locale, problems.not_a_phone_number).to_owned(),
        Problem::NotAPostalCode => td_string!(locale, problems.not_a_postal_code).to_owned(),
        Problem::NotACountry => td_string!(locale, problems.not_a_country).to_owned(),
        Problem::AlwaysShown => td_string!(locale, problems.always_shown).to_owned(),
        Problem::NotAnIssuer => td_string!(locale, problems.not_an_issuer).to_owned(),
        Problem::NotTheAppsCode => td_string!(locale, problems.not_the_apps_code).to_owned(),
        Problem::NotYourAccount => td_string!(locale, problems.not_your_account).to_owned(),
        Problem::SameRole => td_string!(locale, problems.same_role).to_owned(),
        Problem::NotAnAdminRole => td_string!(locale, problems.not_an_admin_role).to_owned(),
        Problem::NotAnImage => td_string!(locale, problems.not_an_image).to_owned(),
        Problem::FileTooLarge { max_mb } => {
            td_string!(locale, problems.file_too_large, max = *max_mb)
        }
        Problem::OutOfRange { min, max } => {
            td_string!(locale, problems.out_of_range, min = *min, max = *max)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_texts_match_the_messages_scripts_receive() {
        for error in [
            AppError::InvalidCredentials,
            AppError::WrongCode,
            AppError::Unauthenticated,
            AppError::Forbidden {
                denied: Denied::CrossOrigin,
            },
            AppError::Conflict {
                clash: Clash::BecameAppOwner,
            },
            AppError::Conflict {
                clash: Clash::StaleVersion,
            },
            AppError::Conflict {
                clash: Clash::OwnerIsFixed {
                    app: "HR Bot".into(),
                },
            },
            AppError::Conflict {
                clash: Clash::AlreadyOwner {
                    email: "ann@example.com".into(),
                    app: "HR Bot".into(),
                },
            },
            AppError::NotFound {
                missing: Missing::App { id: 7 },
            },
            AppError::Forbidden {
                denied: Denied::PrimaryAdminOnly,
            },
            AppError::Internal,
        ] {
            assert_eq!(error_text(Locale::en, &error), error.to_string());
        }
    }

    #[test]
    fn a_refused_value_is_explained_in_japanese_with_its_field() {
        let error = AppError::invalid("size", Problem::TooMany { max: 100 });
        assert_eq!(
            error_text(Locale::ja, &error),
            "ページ サイズ: 100件までです"
        );
        assert_eq!(
            error_text(Locale::en, &error),
            "Page size: at most 100 items"
        );
    }
}
