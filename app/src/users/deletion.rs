//! Delete Selected: who is kept and why (a pure decision the store applies), and the
//! report of what happened to each user.

use crate::domain::{Email, UserId};
use serde::{Deserialize, Serialize};

/// Why a selected user was not deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum KeptReason {
    /// The admin acting: nobody deletes themself.
    IsYou,
    /// The account's Primary Admin is never deleted.
    IsPrimaryAdmin,
    /// The user owns these apps; ownership must be transferred first.
    OwnsApps { apps: Vec<String> },
}

/// A selected user who was kept, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptUser {
    pub id: UserId,
    pub email: Email,
    pub reason: KeptReason,
}

/// The answer to a Delete Selected request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteReport {
    pub deleted: Vec<UserId>,
    pub kept: Vec<KeptUser>,
}

/// What the store knows about one selected user of the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletionCandidate {
    pub id: UserId,
    pub email: Email,
    pub is_primary_admin: bool,
    /// Names of the apps this user owns, in order.
    pub owned_apps: Vec<String>,
}

/// Decides, for each candidate, whether `actor` may delete them: the admin acting, the
/// Primary Admin and app owners are kept (in that order of reasons); everyone else is
/// deleted. Candidates come back in the order given.
pub fn decide_deletion(actor: UserId, candidates: Vec<DeletionCandidate>) -> DeleteReport {
    let mut report = DeleteReport {
        deleted: Vec::new(),
        kept: Vec::new(),
    };
    for candidate in candidates {
        let reason = if candidate.id == actor {
            Some(KeptReason::IsYou)
        } else if candidate.is_primary_admin {
            Some(KeptReason::IsPrimaryAdmin)
        } else if !candidate.owned_apps.is_empty() {
            Some(KeptReason::OwnsApps {
                apps: candidate.owned_apps,
            })
        } else {
            None
        };
        match reason {
            Some(reason) => report.kept.push(KeptUser {
                id: candidate.id,
                email: candidate.email,
                reason,
            }),
            None => report.deleted.push(candidate.id),
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(value: i64) -> UserId {
        UserId::parse(value).unwrap()
    }

    fn candidate(value: i64, is_primary_admin: bool, owned_apps: &[&str]) -> DeletionCandidate {
        DeletionCandidate {
            id: id(value),
            email: Email::parse(&format!("user{value}@example.com")).unwrap(),
            is_primary_admin,
            owned_apps: owned_apps.iter().map(|app| (*app).to_owned()).collect(),
        }
    }

    fn reasons(report: &DeleteReport) -> Vec<(UserId, KeptReason)> {
        report
            .kept
            .iter()
            .map(|kept| (kept.id, kept.reason.clone()))
            .collect()
    }

    #[test]
    fn a_user_with_no_reason_to_keep_is_deleted() {
        let report = decide_deletion(id(1), vec![candidate(2, false, &[])]);
        assert_eq!(report.deleted, vec![id(2)]);
        assert!(report.kept.is_empty());
    }

    #[test]
    fn the_admin_acting_is_kept_even_when_primary_admin_and_owner() {
        let report = decide_deletion(id(1), vec![candidate(1, true, &["HR Bot"])]);
        assert!(report.deleted.is_empty());
        assert_eq!(reasons(&report), vec![(id(1), KeptReason::IsYou)]);
    }

    #[test]
    fn the_primary_admin_is_kept_even_when_an_owner() {
        let report = decide_deletion(id(9), vec![candidate(1, true, &["HR Bot"])]);
        assert_eq!(reasons(&report), vec![(id(1), KeptReason::IsPrimaryAdmin)]);
    }

    #[test]
    fn an_app_owner_is_kept_with_every_app_named() {
        let report = decide_deletion(id(9), vec![candidate(3, false, &["HR Bot", "IT Desk"])]);
        let apps = vec!["HR Bot".to_owned(), "IT Desk".to_owned()];
        assert_eq!(
            reasons(&report),
            vec![(id(3), KeptReason::OwnsApps { apps })]
        );
    }

    #[test]
    fn a_mixed_selection_is_split_in_the_order_given() {
        let report = decide_deletion(
            id(1),
            vec![
                candidate(1, false, &[]),
                candidate(2, false, &[]),
                candidate(3, true, &[]),
                candidate(4, false, &["HR Bot"]),
                candidate(5, false, &[]),
            ],
        );
        assert_eq!(report.deleted, vec![id(2), id(5)]);
        let kept: Vec<UserId> = report.kept.iter().map(|kept| kept.id).collect();
        assert_eq!(kept, vec![id(1), id(3), id(4)]);
    }
}
