//! Sign-in security: who must give an e-mailed code after their password (two-factor
//! sign-in), how long sessions last, and the rules that lock a user out: how many failed
//! sign-ins within how many minutes lock them, and whether the lock lifts by itself. The limits are checked
//! here, by the browser as the admin types and by the server on every save.

use crate::error::{AppError, Problem};
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

/// Failed sign-ins that lock a user: fewer would lock people out over typos, more would
/// let a guesser try too many passwords.
pub const LOCK_AFTER: RangeInclusive<u32> = 3..=20;
/// The minutes within which failures count together: up to a day.
pub const LOCK_WINDOW_MINUTES: RangeInclusive<u32> = 1..=1440;
/// The minutes after which a lock lifts by itself: up to a week.
pub const UNLOCK_AFTER_MINUTES: RangeInclusive<u32> = 1..=10_080;
/// Minutes without activity that end a session: never under 5, which would end sessions
/// while people read, nor over an hour.
pub const IDLE_TIMEOUT_MINUTES: RangeInclusive<u32> = 5..=60;
/// Hours after sign-in that end a session whatever its activity: up to a week.
pub const SESSION_LIFETIME_HOURS: RangeInclusive<u32> = 1..=168;

/// Who must give a code e-mailed to them after a right password.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TwoFactor {
    #[default]
    Off,
    /// Everyone who reaches the Admin Console.
    Admins,
    Everyone,
}

impl TwoFactor {
    pub const ALL: [Self; 3] = [Self::Off, Self::Admins, Self::Everyone];

    /// How the policy is stored.
    pub fn code(self) -> i64 {
        match self {
            Self::Off => 0,
            Self::Admins => 1,
            Self::Everyone => 2,
        }
    }

    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|policy| policy.code() == code)
    }

    /// Its name on the wire, in forms and in the audit trail.
    pub fn key(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Admins => "admins",
            Self::Everyone => "everyone",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|policy| policy.key() == key)
    }

    /// Whether someone must give a code; `reaches_console` says whether they are an admin.
    pub fn requires_code(self, reaches_console: bool) -> bool {
        match self {
            Self::Off => false,
            Self::Admins => reaches_console,
            Self::Everyone => true,
        }
    }
}

/// An account's sign-in policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInSecurity {
    /// Who must give an e-mailed code after their password.
    pub two_factor: TwoFactor,
    /// A session ends after this many minutes without activity…
    pub idle_timeout_minutes: u32,
    /// …and this many hours after sign-in in any case.
    pub session_lifetime_hours: u32,
    /// Lock a user after this many failed sign-ins…
    pub lock_after: u32,
    /// …within this many minutes.
    pub lock_window_minutes: u32,
    /// Lift the lock after this many minutes; never by itself when `None` (only an
    /// admin unlocks).
    pub unlock_after_minutes: Option<u32>,
}

impl Default for SignInSecurity {
    /// No second factor; sessions end after 15 idle minutes (the seeds) or 12 hours;
    /// five failures within 15 minutes lock a user for 30 minutes.
    fn default() -> Self {
        Self {
            two_factor: TwoFactor::Off,
            idle_timeout_minutes: 15,
            session_lifetime_hours: 12,
            lock_after: 5,
            lock_window_minutes: 15,
            unlock_after_minutes: Some(30),
        }
    }
}

/// The first problem of `value` against `range`, named by `field`.
fn check_range(field: &str, value: u32, range: &RangeInclusive<u32>) -> Result<(), AppError> {
    if range.contains(&value) {
        Ok(())
    } else {
        let (min, max) = (*range.start(), *range.end());
        Err(AppError::invalid(field, Problem::OutOfRange { min, max }))
    }
}

impl SignInSecurity {
    /// Refuses the first value outside its limits, naming its field.
    pub fn check(&self) -> Result<(), AppError> {
        check_range(
            "idle_timeout_minutes",
            self.idle_timeout_minutes,
            &IDLE_TIMEOUT_MINUTES,
        )?;
        check_range(
            "session_lifetime_hours",
            self.session_lifetime_hours,
            &SESSION_LIFETIME_HOURS,
        )?;
        check_range("lock_after", self.lock_after, &LOCK_AFTER)?;
        check_range(
            "lock_window_minutes",
            self.lock_window_minutes,
            &LOCK_WINDOW_MINUTES,
        )?;
        match self.unlock_after_minutes {
            Some(minutes) => check_range("unlock_after_minutes", minutes, &UNLOCK_AFTER_MINUTES),
            None => Ok(()),
        }
    }
}

/// The number typed in a box, or a problem for the box's field: what the form shows
/// under it before anything is sent.
pub fn parse_within(
    field: &str,
    typed: &str,
    range: &RangeInclusive<u32>,
) -> Result<u32, AppError> {
    let out_of_range = || {
        let (min, max) = (*range.start(), *range.end());
        AppError::invalid(field, Problem::OutOfRange { min, max })
    };
    let value: u32 = typed.trim().parse().map_err(|_| out_of_range())?;
    check_range(field, value, range).map(|()| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(error: AppError) -> String {
        match error {
            AppError::Invalid { field, .. } => field,
            other => panic!("expected a field's problem, got {other:?}"),
        }
    }

    #[test]
    fn the_default_policy_is_five_failures_in_fifteen_minutes_for_thirty_minutes() {
        let policy = SignInSecurity::default();
        assert_eq!(policy.check(), Ok(()));
        assert_eq!((policy.lock_after, policy.lock_window_minutes), (5, 15));
        assert_eq!(policy.unlock_after_minutes, Some(30));
    }

    #[test]
    fn each_value_outside_its_limits_is_refused_by_name() {
        let base = SignInSecurity::default();
        for (policy, field) in [
            (
                SignInSecurity {
                    idle_timeout_minutes: 4,
                    ..base
                },
                "idle_timeout_minutes",
            ),
            (
                SignInSecurity {
                    idle_timeout_minutes: 61,
                    ..base
                },
                "idle_timeout_minutes",
            ),
            (
                SignInSecurity {
                    session_lifetime_hours: 0,
                    ..base
                },
                "session_lifetime_hours",
            ),
            (
                SignInSecurity {
                    session_lifetime_hours: 169,
                    ..base
                },
                "session_lifetime_hours",
            ),
            (
                SignInSecurity {
                    lock_after: 2,
                    ..base
                },
                "lock_after",
            ),
            (
                SignInSecurity {
                    lock_after: 21,
                    ..base
                },
                "lock_after",
            ),
            (
                SignInSecurity {
                    lock_window_minutes: 0,
                    ..base
                },
                "lock_window_minutes",
            ),
            (
                SignInSecurity {
                    lock_window_minutes: 1441,
                    ..base
                },
                "lock_window_minutes",
            ),
            (
                SignInSecurity {
                    unlock_after_minutes: Some(0),
                    ..base
                },
                "unlock_after_minutes",
            ),
            (
                SignInSecurity {
                    unlock_after_minutes: Some(10_081),
                    ..base
                },
                "unlock_after_minutes",
            ),
        ] {
            assert_eq!(field_of(policy.check().unwrap_err()), field);
        }
    }

    #[test]
    fn the_limits_themselves_and_admin_only_unlock_are_allowed() {
        for policy in [
            SignInSecurity {
                two_factor: TwoFactor::Everyone,
                idle_timeout_minutes: 5,
                session_lifetime_hours: 1,
                lock_after: 3,
                lock_window_minutes: 1,
                unlock_after_minutes: Some(1),
            },
            SignInSecurity {
                two_factor: TwoFactor::Admins,
                idle_timeout_minutes: 60,
                session_lifetime_hours: 168,
                lock_after: 20,
                lock_window_minutes: 1440,
                unlock_after_minutes: Some(10_080),
            },
            SignInSecurity {
                unlock_after_minutes: None,
                ..SignInSecurity::default()
            },
        ] {
            assert_eq!(policy.check(), Ok(()));
        }
    }

    #[test]
    fn a_code_is_asked_of_admins_only_or_of_everyone_as_the_policy_says() {
        let asked = |policy: TwoFactor| [policy.requires_code(true), policy.requires_code(false)];
        assert_eq!(asked(TwoFactor::Off), [false, false]);
        assert_eq!(asked(TwoFactor::Admins), [true, false]);
        assert_eq!(asked(TwoFactor::Everyone), [true, true]);
        for policy in TwoFactor::ALL {
            assert_eq!(TwoFactor::from_code(policy.code()), Some(policy));
            assert_eq!(TwoFactor::from_key(policy.key()), Some(policy));
        }
        assert_eq!(TwoFactor::from_code(3), None);
    }

    #[test]
    fn a_typed_number_is_read_within_its_limits_and_anything_else_is_out_of_range() {
        assert_eq!(parse_within("lock_after", " 7 ", &LOCK_AFTER), Ok(7));
        for typed in ["", "two", "-3", "2.5", "99999999999", "21"] {
            let refused = parse_within("lock_after", typed, &LOCK_AFTER).unwrap_err();
            assert_eq!(
                refused,
                AppError::invalid("lock_after", Problem::OutOfRange { min: 3, max: 20 })
            );
        }
    }
}
