//! The rules of app roles, decided here and applied by the store: an app's owner is
//! fixed (it changes only by a transfer), a user holds at most one role in an app, and
//! only an active user other than the owner can be given an app. Pure functions of
//! what the store read, so every rule is tested without a database.

use super::{MAX_APP_SEARCH_CHARS, MemberRole};
use crate::domain::ids::request_id;
use crate::domain::{AppId, UserId, UserStatus};
use crate::error::{AppError, Clash, Problem};

/// The typeahead's text, trimmed and bounded.
pub fn parse_app_search(q: &str) -> Result<String, AppError> {
    if q.chars().count() > MAX_APP_SEARCH_CHARS {
        return Err(AppError::invalid(
            "q",
            Problem::TooLong {
                max: MAX_APP_SEARCH_CHARS as u32,
            },
        ));
    }
    if q.chars().any(char::is_control) {
        return Err(AppError::invalid("q", Problem::ControlCharacters));
    }
    Ok(q.trim().to_owned())
}

/// A change of one user's role in one app: to `role`, or taken away when `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MembershipChange {
    pub user: UserId,
    pub app: AppId,
    pub role: Option<MemberRole>,
}

impl MembershipChange {
    pub fn parse(user: i64, app: i64, role: Option<MemberRole>) -> Result<Self, AppError> {
        Ok(Self {
            user: request_id("user", user)?,
            app: request_id("app", app)?,
            role,
        })
    }
}

/// What a user holds in an app now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    Nothing,
    Owner,
    Member(MemberRole),
}

/// Whether a user holding `held` in `app` can be given a role there.
pub fn decide_assign(held: Held, app: &str) -> Result<(), AppError> {
    match held {
        Held::Nothing => Ok(()),
        Held::Owner | Held::Member(_) => Err(AppError::Conflict {
            clash: Clash::AlreadyInApp {
                app: app.to_owned(),
            },
        }),
    }
}

/// The member role a user holding `held` in `app` has now, which a switch or a removal
/// replaces; the owner's role and a role they do not hold are refused.
pub fn decide_change(held: Held, app: &str) -> Result<MemberRole, AppError> {
    match held {
        Held::Member(role) => Ok(role),
        Held::Owner => Err(AppError::Conflict {
            clash: Clash::OwnerIsFixed {
                app: app.to_owned(),
            },
        }),
        Held::Nothing => Err(AppError::Conflict {
            clash: Clash::NotInApp {
                app: app.to_owned(),
            },
        }),
    }
}

/// The user an app is about to pass to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Successor {
    pub id: UserId,
    pub email: String,
    pub status: UserStatus,
}

/// Whether `app`, owned by `owner`, may pass to `successor`: an active user who is not
/// its owner already.
pub fn decide_transfer(owner: UserId, successor: &Successor, app: &str) -> Result<(), AppError> {
    if successor.id == owner {
        return Err(AppError::Conflict {
            clash: Clash::AlreadyOwner {
                email: successor.email.clone(),
                app: app.to_owned(),
            },
        });
    }
    if successor.status != UserStatus::Active {
        return Err(AppError::Conflict {
            clash: Clash::NewOwnerNotActive {
                email: successor.email.clone(),
            },
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(value: i64) -> UserId {
        UserId::parse(value).unwrap()
    }

    fn clash(result: Result<impl std::fmt::Debug, AppError>) -> Clash {
        match result {
            Err(AppError::Conflict { clash }) => clash,
            other => panic!("expected a conflict, got {other:?}"),
        }
    }

    #[test]
    fn only_a_user_without_a_role_in_the_app_can_be_given_one() {
        assert!(decide_assign(Held::Nothing, "HR Bot").is_ok());
        for held in [Held::Owner, Held::Member(MemberRole::Tester)] {
            assert_eq!(
                clash(decide_assign(held, "HR Bot")),
                Clash::AlreadyInApp {
                    app: "HR Bot".into()
                }
            );
        }
    }

    #[test]
    fn the_owners_role_is_fixed_and_a_missing_role_cannot_be_changed() {
        assert_eq!(
            decide_change(Held::Member(MemberRole::Developer), "HR Bot").unwrap(),
            MemberRole::Developer
        );
        assert_eq!(
            clash(decide_change(Held::Owner, "HR Bot")),
            Clash::OwnerIsFixed {
                app: "HR Bot".into()
            }
        );
        assert_eq!(
            clash(decide_change(Held::Nothing, "HR Bot")),
            Clash::NotInApp {
                app: "HR Bot".into()
            }
        );
    }

    #[test]
    fn an_app_passes_only_to_an_active_user_who_does_not_own_it_already() {
        let successor = |user: i64, status| Successor {
            id: id(user),
            email: "ann@example.com".into(),
            status,
        };
        assert!(decide_transfer(id(1), &successor(2, UserStatus::Active), "HR Bot").is_ok());
        assert!(matches!(
            clash(decide_transfer(
                id(1),
                &successor(1, UserStatus::Active),
                "HR Bot"
            )),
            Clash::AlreadyOwner { .. }
        ));
        for status in [
            UserStatus::NotActive,
            UserStatus::Suspended,
            UserStatus::Locked,
        ] {
            assert!(matches!(
                clash(decide_transfer(id(1), &successor(2, status), "HR Bot")),
                Clash::NewOwnerNotActive { .. }
            ));
        }
    }

    #[test]
    fn the_typeahead_text_is_trimmed_and_bounded() {
        assert_eq!(parse_app_search("  hr ").unwrap(), "hr");
        assert!(parse_app_search(&"x".repeat(MAX_APP_SEARCH_CHARS + 1)).is_err());
        assert!(parse_app_search("a\u{0}").is_err());
        assert!(MembershipChange::parse(0, 1, None).is_err());
        assert!(MembershipChange::parse(1, -1, None).is_err());
    }
}
