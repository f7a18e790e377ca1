//! What the Audit log is asked for: who acted, which user an event names, what was
//! done, a range of days (UTC), and a keyset position in the newest-first list.
//! `AuditParams` is the raw form held in the URL; `AuditQuery` the parsed form the
//! server trusts.

use super::AuditAction;
use crate::domain::Email;
use crate::error::{AppError, Problem};
use crate::query_string;
use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// Events on one page.
pub const PAGE_SIZE: u32 = 50;
/// The longest position accepted: two integers and a dot.
const MAX_CURSOR_LEN: usize = 41;

/// The log's query as it stands in the URL, every part optional and unparsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditParams {
    /// The e-mail of the admin who acted.
    pub actor: Option<String>,
    /// The e-mail of the user an event is about.
    pub user: Option<String>,
    /// An action's key, e.g. `user.deleted`.
    pub action: Option<String>,
    /// The first day, `YYYY-MM-DD` (UTC).
    pub from: Option<String>,
    /// The last day, `YYYY-MM-DD` (UTC).
    pub to: Option<String>,
    /// Older events than this position.
    pub after: Option<String>,
    /// Newer events than this position.
    pub before: Option<String>,
}

impl AuditParams {
    /// The query string for these parameters, without empty parts.
    pub fn to_query_string(&self) -> String {
        query_string::build([
            ("actor", self.actor.as_deref()),
            ("user", self.user.as_deref()),
            ("action", self.action.as_deref()),
            ("from", self.from.as_deref()),
            ("to", self.to.as_deref()),
            ("after", self.after.as_deref()),
            ("before", self.before.as_deref()),
        ])
    }

    /// The same filters from the newest event.
    pub fn first_page(&self) -> Self {
        Self {
            after: None,
            before: None,
            ..self.clone()
        }
    }

    pub fn after(&self, cursor: &str) -> Self {
        Self {
            after: Some(cursor.to_owned()),
            before: None,
            ..self.clone()
        }
    }

    pub fn before(&self, cursor: &str) -> Self {
        Self {
            after: None,
            before: Some(cursor.to_owned()),
            ..self.clone()
        }
    }
}

/// An event's place in the newest-first list: its time, then its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditCursor {
    pub at: i64,
    pub id: i64,
}

impl AuditCursor {
    pub fn parse(field: &str, input: &str) -> Result<Self, AppError> {
        let invalid = || AppError::invalid(field, Problem::BadCursor);
        if input.len() > MAX_CURSOR_LEN {
            return Err(invalid());
        }
        let (at, id) = input.split_once('.').ok_or_else(invalid)?;
        let at = at.parse().map_err(|_| invalid())?;
        let id = id.parse().map_err(|_| invalid())?;
        Ok(Self { at, id })
    }

    pub fn encode(&self) -> String {
        format!("{}.{}", self.at, self.id)
    }
}

/// Which side of a position a page lies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditPosition {
    Newest,
    /// Older than the cursor.
    After(AuditCursor),
    /// Newer than the cursor.
    Before(AuditCursor),
}

/// A parsed, trusted Audit log query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    pub actor: Option<Email>,
    pub user: Option<Email>,
    pub action: Option<AuditAction>,
    /// Unix seconds of the first instant included.
    pub since: Option<i64>,
    /// Unix seconds of the first instant no longer included.
    pub until: Option<i64>,
    pub position: AuditPosition,
}

impl AuditQuery {
    pub fn parse(params: &AuditParams) -> Result<Self, AppError> {
        let present = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        let email = |field: &str, value: &Option<String>| {
            present(value)
                .map(|text| {
                    Email::parse(&text).map_err(|_| AppError::invalid(field, Problem::NotAnEmail))
                })
                .transpose()
        };
        let action = present(&params.action)
            .map(|key| {
                AuditAction::from_key(&key).ok_or_else(|| {
                    let allowed = AuditAction::ALL
                        .iter()
                        .map(|a| a.key().to_owned())
                        .collect();
                    AppError::invalid(
                        "action",
                        Problem::UnknownValue {
                            value: key,
                            allowed,
                        },
                    )
                })
            })
            .transpose()?;
        let day = |field: &str, value: &Option<String>| {
            present(value)
                .map(|text| {
                    first_second_of(&text)
                        .ok_or_else(|| AppError::invalid(field, Problem::NotADate))
                })
                .transpose()
        };
        let since = day("from", &params.from)?;
        let until = day("to", &params.to)?.map(|start| start + 86_400);
        if let (Some(since), Some(until)) = (since, until)
            && until <= since
        {
            return Err(AppError::invalid("to", Problem::EndsBeforeStart));
        }
        let position = match (present(&params.after), present(&params.before)) {
            (Some(_), Some(_)) => return Err(AppError::invalid("before", Problem::BothCursors)),
            (Some(after), None) => AuditPosition::After(AuditCursor::parse("after", &after)?),
            (None, Some(before)) => AuditPosition::Before(AuditCursor::parse("before", &before)?),
            (None, None) => AuditPosition::Newest,
        };
        Ok(Self {
            actor: email("actor", &params.actor)?,
            user: email("user", &params.user)?,
            action,
            since,
            until,
            position,
        })
    }
}

/// Unix seconds at the start (UTC) of the day `YYYY-MM-DD`.
fn first_second_of(text: &str) -> Option<i64> {
    let mut parts = text.splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<AuditQuery, AppError> {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        };
        AuditQuery::parse(&AuditParams {
            actor: get("actor"),
            user: get("user"),
            action: get("action"),
            from: get("from"),
            to: get("to"),
            after: get("after"),
            before: get("before"),
        })
    }

    #[test]
    fn an_empty_query_is_the_newest_page_of_everything() {
        let query = parse(&[]).unwrap();
        assert_eq!(query.position, AuditPosition::Newest);
        assert_eq!((query.actor, query.action, query.since), (None, None, None));
    }

    #[test]
    fn a_day_range_runs_from_the_first_second_of_one_day_to_the_end_of_the_other() {
        let query = parse(&[("from", "2026-11-24"), ("to", "2026-11-24")]).unwrap();
        assert_eq!(query.since, Some(1_795_478_400));
        assert_eq!(query.until, Some(1_795_478_400 + 86_400));
        assert_eq!(
            parse(&[("from", "2026-02-30")]),
            Err(AppError::invalid("from", Problem::NotADate))
        );
        assert_eq!(
            parse(&[("from", "2026-11-25"), ("to", "2026-11-24")]),
            Err(AppError::invalid("to", Problem::EndsBeforeStart))
        );
    }

    #[test]
    fn filters_are_checked_and_named_when_refused() {
        let query = parse(&[("actor", "Ann@Example.com"), ("action", "user.deleted")]).unwrap();
        assert_eq!(query.actor.unwrap().as_str(), "ann@example.com");
        assert_eq!(query.action, Some(AuditAction::UserDeleted));
        assert!(matches!(
            parse(&[("action", "user.hacked")]),
            Err(AppError::Invalid { field, .. }) if field == "action"
        ));
        assert_eq!(
            parse(&[("user", "not an address")]),
            Err(AppError::invalid("user", Problem::NotAnEmail))
        );
        assert_eq!(
            parse(&[("after", "1.2"), ("before", "3.4")]),
            Err(AppError::invalid("before", Problem::BothCursors))
        );
    }

    proptest! {
        #[test]
        fn a_cursor_reads_back_what_it_wrote(at: i64, id: i64) {
            let cursor = AuditCursor { at, id };
            prop_assert_eq!(AuditCursor::parse("after", &cursor.encode()).unwrap(), cursor);
        }

        #[test]
        fn any_text_is_a_cursor_or_a_400_never_a_panic(text in "\\PC{0,60}") {
            if let Err(error) = AuditCursor::parse("after", &text) {
                prop_assert_eq!(error, AppError::invalid("after", Problem::BadCursor));
            }
        }
    }
}
