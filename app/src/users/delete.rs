//! Delete Selected: which ids may be asked for, and the report of what happened to each.

use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The most users one request may delete.
pub const MAX_DELETE_IDS: usize = 10_000;

/// A non-empty set of at most 10,000 distinct positive user ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserIds(Vec<i64>);

impl UserIds {
    pub fn parse(ids: &[i64]) -> Result<Self, AppError> {
        if ids.is_empty() {
            return Err(AppError::validation("ids", "Select at least one user."));
        }
        if ids.len() > MAX_DELETE_IDS {
            return Err(AppError::validation(
                "ids",
                format!("Delete at most {MAX_DELETE_IDS} users at once."),
            ));
        }
        if let Some(bad) = ids.iter().find(|id| **id <= 0) {
            return Err(AppError::validation(
                "ids",
                format!("{bad} is not a user id."),
            ));
        }
        let unique: BTreeSet<i64> = ids.iter().copied().collect();
        Ok(Self(unique.into_iter().collect()))
    }

    pub fn as_slice(&self) -> &[i64] {
        &self.0
    }
}

/// Why a selected user was not deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeptReason {
    /// The user owns these apps; ownership must be transferred first.
    OwnsApps(Vec<String>),
    /// Admins cannot delete themselves.
    IsYou,
    /// The account's Primary Admin is never deleted.
    IsPrimaryAdmin,
}

impl KeptReason {
    pub fn describe(&self) -> String {
        match self {
            Self::OwnsApps(apps) => {
                let names: Vec<String> = apps.iter().map(|name| format!("'{name}'")).collect();
                let noun = if apps.len() == 1 {
                    "the app"
                } else {
                    "the apps"
                };
                format!(
                    "owns {noun} {} — transfer ownership first",
                    names.join(", ")
                )
            }
            Self::IsYou => "is you — you cannot delete yourself".to_owned(),
            Self::IsPrimaryAdmin => "is the Primary Admin".to_owned(),
        }
    }
}

/// A selected user who was kept, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptUser {
    pub id: i64,
    pub email: String,
    pub reason: KeptReason,
}

/// The answer to a Delete Selected request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteReport {
    pub deleted: Vec<i64>,
    pub kept: Vec<KeptUser>,
}

impl DeleteReport {
    /// One line for the admin, e.g.
    /// "2 deleted · 1 kept: ann@example.com owns the app 'HR Bot' — transfer ownership first".
    pub fn summary(&self) -> String {
        let deleted = format!("{} deleted", self.deleted.len());
        if self.kept.is_empty() {
            return deleted;
        }
        let reasons: Vec<String> = self
            .kept
            .iter()
            .map(|kept| format!("{} {}", kept.email, kept.reason.describe()))
            .collect();
        format!(
            "{deleted} · {} kept: {}",
            self.kept.len(),
            reasons.join("; ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_deduplicated_and_bad_selections_refused() {
        assert_eq!(UserIds::parse(&[3, 1, 3]).unwrap().as_slice(), &[1, 3]);
        assert!(UserIds::parse(&[]).is_err());
        assert!(UserIds::parse(&[0]).is_err());
        assert!(UserIds::parse(&[-5]).is_err());
        let too_many: Vec<i64> = (1..=10_001).collect();
        assert!(UserIds::parse(&too_many).is_err());
        let just_enough: Vec<i64> = (1..=10_000).collect();
        assert!(UserIds::parse(&just_enough).is_ok());
    }

    #[test]
    fn the_summary_names_every_kept_user_with_its_reason() {
        let report = DeleteReport {
            deleted: vec![1, 2],
            kept: vec![KeptUser {
                id: 3,
                email: "ann@example.com".into(),
                reason: KeptReason::OwnsApps(vec!["HR Bot".into()]),
            }],
        };
        assert_eq!(
            report.summary(),
            "2 deleted · 1 kept: ann@example.com owns the app 'HR Bot' — transfer ownership first"
        );
        let clean = DeleteReport {
            deleted: vec![1],
            kept: vec![],
        };
        assert_eq!(clean.summary(), "1 deleted");
    }
}
