//! What the Groups page is asked for (a search, a sort, a keyset position) and a group's
//! name: `GroupParams` is the raw form held in the URL, `GroupQuery` the parsed form
//! the server trusts. Names are parsed like people's names, in the browser and on the
//! server alike.

use crate::domain::PersonName;
use crate::error::{AppError, Problem};
use crate::query_string;
use crate::users::profile::name_problem;
use serde::{Deserialize, Serialize};

/// Groups on one page.
pub const PAGE_SIZE: u32 = 25;
/// The longest search, in characters.
const MAX_SEARCH_CHARS: usize = 100;
/// The longest position accepted.
const MAX_CURSOR_LEN: usize = 300;

/// A group's name: trimmed, 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupName(String);

impl GroupName {
    pub fn parse(text: &str) -> Result<Self, AppError> {
        PersonName::parse(text)
            .map(|name| Self(name.as_str().to_owned()))
            .map_err(|error| AppError::invalid("name", name_problem(error)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The Groups page's query as it stands in the URL, every part optional and unparsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupParams {
    pub q: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub after: Option<String>,
    pub before: Option<String>,
}

impl GroupParams {
    /// The query string for these parameters, without empty parts.
    pub fn to_query_string(&self) -> String {
        query_string::build([
            ("q", self.q.as_deref()),
            ("sort", self.sort.as_deref()),
            ("dir", self.dir.as_deref()),
            ("after", self.after.as_deref()),
            ("before", self.before.as_deref()),
        ])
    }

    /// The same search and sort from the first page.
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
            ..self.first_page()
        }
    }

    pub fn before(&self, cursor: &str) -> Self {
        Self {
            before: Some(cursor.to_owned()),
            ..self.first_page()
        }
    }

    /// Sorted by `sort`: ascending, or the other way if it is sorted so already.
    pub fn sorted_by(&self, sort: GroupSort) -> Self {
        let current = GroupQuery::parse(self).ok();
        let dir = match current {
            Some(query) if query.sort == sort && !query.descending => "desc",
            _ => "asc",
        };
        Self {
            sort: Some(sort.slug().to_owned()),
            dir: Some(dir.to_owned()),
            ..self.first_page()
        }
    }
}

/// What the groups are sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupSort {
    Name,
    Members,
}

impl GroupSort {
    pub const ALL: [GroupSort; 2] = [Self::Name, Self::Members];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Members => "members",
        }
    }
}

/// A position in the list: the sort key of a row and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCursor {
    pub number: i64,
    pub id: i64,
    pub text: String,
}

impl GroupCursor {
    pub fn parse(field: &str, input: &str) -> Result<Self, AppError> {
        let invalid = || AppError::invalid(field, Problem::BadCursor);
        if input.len() > MAX_CURSOR_LEN || input.chars().any(char::is_control) {
            return Err(invalid());
        }
        let mut parts = input.splitn(3, '.');
        let mut number = || parts.next().and_then(|n| n.parse::<i64>().ok());
        let (number, id) = (number().ok_or_else(invalid)?, number().ok_or_else(invalid)?);
        let text = parts.next().ok_or_else(invalid)?.to_owned();
        Ok(Self { number, id, text })
    }

    pub fn encode(&self) -> String {
        format!("{}.{}.{}", self.number, self.id, self.text)
    }
}

/// A parsed Groups page query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupQuery {
    pub search: Option<String>,
    pub sort: GroupSort,
    pub descending: bool,
    pub after: Option<GroupCursor>,
    pub before: Option<GroupCursor>,
}

impl GroupQuery {
    pub fn parse(params: &GroupParams) -> Result<Self, AppError> {
        let search = params
            .q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(|q| {
                if q.chars().count() > MAX_SEARCH_CHARS {
                    Err(AppError::invalid(
                        "q",
                        Problem::TooLong {
                            max: MAX_SEARCH_CHARS as u32,
                        },
                    ))
                } else if q.chars().any(char::is_control) {
                    Err(AppError::invalid("q", Problem::ControlCharacters))
                } else {
                    Ok(q.to_owned())
                }
            })
            .transpose()?;
        let unknown = |field: &str, value: &str, allowed: &[&str]| {
            AppError::invalid(
                field,
                Problem::UnknownValue {
                    value: value.to_owned(),
                    allowed: allowed.iter().map(|a| (*a).to_owned()).collect(),
                },
            )
        };
        let sort = match params.sort.as_deref() {
            None | Some("name") => GroupSort::Name,
            Some("members") => GroupSort::Members,
            Some(other) => return Err(unknown("sort", other, &["name", "members"])),
        };
        let descending = match params.dir.as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => return Err(unknown("dir", other, &["asc", "desc"])),
        };
        let cursor = |field: &str, value: &Option<String>| {
            value
                .as_deref()
                .map(|text| GroupCursor::parse(field, text))
                .transpose()
        };
        let (after, before) = (
            cursor("after", &params.after)?,
            cursor("before", &params.before)?,
        );
        if after.is_some() && before.is_some() {
            return Err(AppError::invalid("before", Problem::BothCursors));
        }
        Ok(Self {
            search,
            sort,
            descending,
            after,
            before,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> GroupParams {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        };
        GroupParams {
            q: get("q"),
            sort: get("sort"),
            dir: get("dir"),
            after: get("after"),
            before: get("before"),
        }
    }

    #[test]
    fn a_query_is_parsed_and_each_bad_part_is_named() {
        let query = GroupQuery::parse(&params(&[("q", " eng "), ("sort", "members")])).unwrap();
        assert_eq!(query.search.as_deref(), Some("eng"));
        assert_eq!(query.sort, GroupSort::Members);
        for (pairs, field) in [
            (vec![("sort", "size")], "sort"),
            (vec![("dir", "up")], "dir"),
            (vec![("after", "x")], "after"),
            (vec![("after", "1.2.a"), ("before", "1.2.a")], "before"),
        ] {
            match GroupQuery::parse(&params(&pairs)) {
                Err(AppError::Invalid { field: named, .. }) => assert_eq!(named, field),
                other => panic!("{pairs:?} gave {other:?}"),
            }
        }
        let cursor = GroupCursor::parse("after", "12.7.sales team").unwrap();
        assert_eq!(cursor.encode(), "12.7.sales team");
    }

    #[test]
    fn group_names_are_parsed_like_names() {
        assert_eq!(GroupName::parse("  Sales ").unwrap().as_str(), "Sales");
        assert_eq!(
            GroupName::parse(" "),
            Err(AppError::invalid("name", Problem::Required))
        );
    }

    #[test]
    fn sorting_by_the_current_column_turns_it_around() {
        let by_members = GroupParams::default().sorted_by(GroupSort::Members);
        assert_eq!(by_members.dir.as_deref(), Some("asc"));
        let turned = by_members.sorted_by(GroupSort::Members);
        assert_eq!(turned.dir.as_deref(), Some("desc"));
        assert_eq!(
            turned.sorted_by(GroupSort::Name).dir.as_deref(),
            Some("asc")
        );
    }
}
