//! Activate, Suspend, Unlock and Deactivate: the one state machine that says which
//! status a user may move to, and, for a selection, who is changed and who is left as
//! they were and why (a pure decision the store applies).

use crate::domain::{Email, UserId, UserStatus};
use serde::{Deserialize, Serialize};

/// A change of status an admin can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(proptest_derive::Arbitrary))]
#[serde(rename_all = "snake_case")]
pub enum StatusAction {
    /// Suspended, or invited once they have a password → Active.
    Activate,
    /// Active or Locked → Suspended: the user can no longer sign in.
    Suspend,
    /// Locked → Active.
    Unlock,
    /// Locked → Not Active: the user cannot sign in until activated again.
    Deactivate,
}

impl StatusAction {
    pub const ALL: [StatusAction; 4] = [
        Self::Activate,
        Self::Suspend,
        Self::Unlock,
        Self::Deactivate,
    ];

    /// The wire name, e.g. `suspend`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Activate => "activate",
            Self::Suspend => "suspend",
            Self::Unlock => "unlock",
            Self::Deactivate => "deactivate",
        }
    }

    /// The status every user the action changes ends in.
    pub fn target(self) -> UserStatus {
        match self {
            Self::Activate | Self::Unlock => UserStatus::Active,
            Self::Suspend => UserStatus::Suspended,
            Self::Deactivate => UserStatus::NotActive,
        }
    }

    /// Whether the action moves a user out of `from` (seeds 001: Suspended → Activate;
    /// Locked → Unlock, Suspend or Deactivate).
    pub fn applies_to(self, from: UserStatus) -> bool {
        matches!(
            (from, self),
            (UserStatus::Active, Self::Suspend)
                | (
                    UserStatus::Suspended | UserStatus::NotActive,
                    Self::Activate
                )
                | (
                    UserStatus::Locked,
                    Self::Unlock | Self::Suspend | Self::Deactivate
                )
        )
    }

    /// Whether a user the action changes can no longer sign in, so their sessions end.
    pub fn revokes_access(self) -> bool {
        self.target() != UserStatus::Active
    }
}

/// Why a selected user's status was left as it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum UnchangedReason {
    /// The action does not lead out of the user's current status.
    NotFrom { status: UserStatus },
    /// The admin acting: nobody suspends or deactivates themself.
    IsYou,
    /// The account's Primary Admin is never suspended or deactivated.
    IsPrimaryAdmin,
    /// An invited user who has not set a password yet could not sign in once active.
    NoPassword,
}

/// A selected user whose status was left as it was, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnchangedUser {
    pub id: UserId,
    pub email: Email,
    pub reason: UnchangedReason,
}

/// The answer to a status change of selected users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusReport {
    pub action: StatusAction,
    pub changed: Vec<UserId>,
    pub unchanged: Vec<UnchangedUser>,
}

/// What the store knows about one selected user of the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCandidate {
    pub id: UserId,
    pub email: Email,
    pub status: UserStatus,
    pub is_primary_admin: bool,
    pub has_password: bool,
}

/// Why `candidate` cannot be moved by `action` when `actor` asks, if they cannot.
fn refusal(
    actor: UserId,
    action: StatusAction,
    candidate: &StatusCandidate,
) -> Option<UnchangedReason> {
    if !action.applies_to(candidate.status) {
        Some(UnchangedReason::NotFrom {
            status: candidate.status,
        })
    } else if action.revokes_access() && candidate.id == actor {
        Some(UnchangedReason::IsYou)
    } else if action.revokes_access() && candidate.is_primary_admin {
        Some(UnchangedReason::IsPrimaryAdmin)
    } else if candidate.status == UserStatus::NotActive && !candidate.has_password {
        Some(UnchangedReason::NoPassword)
    } else {
        None
    }
}

/// Decides, for each candidate, whether `action` moves them. Candidates come back in
/// the order given.
pub fn decide_status_change(
    actor: UserId,
    action: StatusAction,
    candidates: Vec<StatusCandidate>,
) -> StatusReport {
    let mut report = StatusReport {
        action,
        changed: Vec::new(),
        unchanged: Vec::new(),
    };
    for candidate in candidates {
        match refusal(actor, action, &candidate) {
            Some(reason) => report.unchanged.push(UnchangedUser {
                id: candidate.id,
                email: candidate.email,
                reason,
            }),
            None => report.changed.push(candidate.id),
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(value: i64) -> UserId {
        UserId::parse(value).unwrap()
    }

    fn candidate(value: i64, status: UserStatus) -> StatusCandidate {
        StatusCandidate {
            id: id(value),
            email: Email::parse(&format!("user{value}@example.com")).unwrap(),
            status,
            is_primary_admin: false,
            has_password: true,
        }
    }

    fn outcome(actor: i64, action: StatusAction, user: StatusCandidate) -> Option<UnchangedReason> {
        let report = decide_status_change(id(actor), action, vec![user]);
        report.unchanged.first().map(|kept| kept.reason.clone())
    }

    #[test]
    fn the_seeds_transitions_are_exactly_the_allowed_ones() {
        use StatusAction::*;
        use UserStatus::*;
        let allowed = [
            (Active, Suspend, Suspended),
            (Suspended, Activate, Active),
            (NotActive, Activate, Active),
            (Locked, Unlock, Active),
            (Locked, Suspend, Suspended),
            (Locked, Deactivate, NotActive),
        ];
        for from in UserStatus::ALL {
            for action in StatusAction::ALL {
                let expected = allowed
                    .iter()
                    .find(|(a, b, _)| *a == from && *b == action)
                    .map(|(_, _, to)| *to);
                let moved = action.applies_to(from).then(|| action.target());
                assert_eq!(moved, expected, "{action:?} from {from:?}");
            }
        }
    }

    #[test]
    fn the_wire_name_of_every_action_is_its_key() {
        for action in StatusAction::ALL {
            let json = serde_json::to_string(&action).unwrap();
            assert_eq!(json, format!("\"{}\"", action.key()));
        }
    }

    #[test]
    fn a_transition_the_state_machine_forbids_names_the_current_status() {
        let reason = outcome(1, StatusAction::Unlock, candidate(2, UserStatus::Suspended));
        assert_eq!(
            reason,
            Some(UnchangedReason::NotFrom {
                status: UserStatus::Suspended
            })
        );
    }

    #[test]
    fn an_invited_user_is_activated_only_once_they_have_a_password() {
        let mut invited = candidate(2, UserStatus::NotActive);
        assert_eq!(outcome(1, StatusAction::Activate, invited.clone()), None);
        invited.has_password = false;
        assert_eq!(
            outcome(1, StatusAction::Activate, invited),
            Some(UnchangedReason::NoPassword)
        );
    }

    #[test]
    fn nobody_suspends_themself_or_the_primary_admin() {
        assert_eq!(
            outcome(1, StatusAction::Suspend, candidate(1, UserStatus::Active)),
            Some(UnchangedReason::IsYou)
        );
        let mut primary = candidate(2, UserStatus::Locked);
        primary.is_primary_admin = true;
        assert_eq!(
            outcome(1, StatusAction::Deactivate, primary.clone()),
            Some(UnchangedReason::IsPrimaryAdmin)
        );
        assert_eq!(
            outcome(1, StatusAction::Unlock, primary),
            None,
            "unlocking gives access back"
        );
    }

    #[test]
    fn a_mixed_selection_is_split_in_the_order_given() {
        let report = decide_status_change(
            id(1),
            StatusAction::Suspend,
            vec![
                candidate(3, UserStatus::Active),
                candidate(4, UserStatus::Suspended),
                candidate(5, UserStatus::Locked),
            ],
        );
        assert_eq!(report.changed, vec![id(3), id(5)]);
        let unchanged: Vec<UserId> = report.unchanged.iter().map(|user| user.id).collect();
        assert_eq!(unchanged, vec![id(4)]);
    }

    proptest! {
        #[test]
        fn every_candidate_is_either_changed_or_unchanged_never_both(
            action: StatusAction,
            statuses in proptest::collection::vec(0usize..4, 0..20),
        ) {
            let candidates: Vec<StatusCandidate> = statuses
                .iter()
                .enumerate()
                .map(|(n, status)| candidate(n as i64 + 1, UserStatus::ALL[*status]))
                .collect();
            let report = decide_status_change(id(1), action, candidates.clone());
            prop_assert_eq!(report.changed.len() + report.unchanged.len(), candidates.len());
            for changed in &report.changed {
                let from = candidates.iter().find(|user| user.id == *changed).unwrap().status;
                prop_assert!(action.applies_to(from));
            }
        }
    }
}
