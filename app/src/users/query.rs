//! What the Users grid is asked for: search, status filter, sort, page size and a
//! keyset position. `GridParams` is the raw form held in the URL; `UserQuery` is the
//! parsed form the server trusts. The server parses; the browser only builds links.

use crate::domain::{GroupId, UserId, UserStatus};
use crate::error::{AppError, Problem};
use crate::query_string;
use serde::{Deserialize, Serialize};

/// The longest search text accepted.
pub const MAX_SEARCH_LEN: usize = 100;
/// The page sizes offered.
pub const PAGE_SIZES: [u32; 3] = [25, 50, 100];

/// The grid's query as it stands in the URL, every part optional and unparsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GridParams {
    pub q: Option<String>,
    pub status: Option<String>,
    /// A group's id: only its members.
    pub group: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub size: Option<String>,
    pub after: Option<String>,
    pub before: Option<String>,
}

impl GridParams {
    /// The query string for these parameters, without empty parts.
    pub fn to_query_string(&self) -> String {
        query_string::build([
            ("q", self.q.as_deref()),
            ("status", self.status.as_deref()),
            ("group", self.group.as_deref()),
            ("sort", self.sort.as_deref()),
            ("dir", self.dir.as_deref()),
            ("size", self.size.as_deref()),
            ("after", self.after.as_deref()),
            ("before", self.before.as_deref()),
        ])
    }

    /// The same view from its first page.
    pub fn first_page(&self) -> Self {
        Self {
            after: None,
            before: None,
            ..self.clone()
        }
    }

    /// The first page sorted by `field`; choosing the current field again flips the direction.
    pub fn sorted_by(&self, field: SortField) -> Self {
        let current = UserQuery::parse(self).ok();
        let dir = match current {
            Some(query) if query.sort == field => query.dir.flipped(),
            _ => field.natural_dir(),
        };
        Self {
            sort: Some(field.slug().to_owned()),
            dir: Some(dir.slug().to_owned()),
            ..self.first_page()
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

/// The column the grid is ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SortField {
    Name,
    Email,
    Status,
    LastLogin,
}

impl SortField {
    pub const ALL: [SortField; 4] = [Self::Name, Self::Email, Self::Status, Self::LastLogin];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Email => "email",
            Self::Status => "status",
            Self::LastLogin => "last_login",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.slug() == slug)
    }

    /// The direction a first click sorts in: the most recent sign-ins first, else A to Z.
    pub fn natural_dir(self) -> SortDir {
        match self {
            Self::LastLogin => SortDir::Desc,
            _ => SortDir::Asc,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SortDir {
    Asc,
    Desc,
}

impl SortDir {
    pub fn slug(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }

    pub fn flipped(self) -> Self {
        match self {
            Self::Asc => Self::Desc,
            Self::Desc => Self::Asc,
        }
    }
}

/// A search text as typed: trimmed, 1 to 100 characters, no control characters. What
/// it matches is the server's business (`users::store`): anywhere in the name or e-mail
/// from three characters on, the start of them below that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search(String);

impl Search {
    pub fn parse(input: &str) -> Result<Option<Self>, AppError> {
        let text = input.trim();
        if text.is_empty() {
            return Ok(None);
        }
        if text.chars().count() > MAX_SEARCH_LEN {
            return Err(AppError::invalid(
                "q",
                Problem::TooLong {
                    max: MAX_SEARCH_LEN as u32,
                },
            ));
        }
        if text.chars().any(char::is_control) {
            return Err(AppError::invalid("q", Problem::ControlCharacters));
        }
        Ok(Some(Self(text.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The longest cursor accepted, in bytes.
pub const MAX_CURSOR_LEN: usize = 400;

/// A position in the grid: the sort key of the row next to the page edge.
///
/// Written `number.id.text`: `number` is the status code or last sign-in time (0 when
/// the sort has no numeric key), `text` the name key or e-mail (empty when unused).
/// The text never holds a control character: PostgreSQL refuses a NUL in text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub number: i64,
    pub id: UserId,
    pub text: String,
}

impl Cursor {
    pub fn parse(field: &str, input: &str) -> Result<Self, AppError> {
        let invalid = || AppError::invalid(field, Problem::BadCursor);
        if input.len() > MAX_CURSOR_LEN || input.chars().any(char::is_control) {
            return Err(invalid());
        }
        let mut parts = input.splitn(3, '.');
        let number = parts
            .next()
            .and_then(|n| n.parse().ok())
            .ok_or_else(invalid)?;
        let id = parts
            .next()
            .and_then(|n| n.parse().ok())
            .and_then(UserId::parse)
            .ok_or_else(invalid)?;
        let text = parts.next().ok_or_else(invalid)?.to_owned();
        Ok(Self { number, id, text })
    }

    pub fn encode(&self) -> String {
        format!("{}.{}.{}", self.number, self.id, self.text)
    }
}

/// Which side of a cursor a page lies on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    First,
    After(Cursor),
    Before(Cursor),
}

/// A parsed, trusted grid query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserQuery {
    pub search: Option<Search>,
    pub status: Option<UserStatus>,
    pub group: Option<GroupId>,
    pub sort: SortField,
    pub dir: SortDir,
    pub size: u32,
    pub position: Position,
}

impl UserQuery {
    pub fn parse(params: &GridParams) -> Result<Self, AppError> {
        let present = |value: &Option<String>| value.clone().filter(|v| !v.trim().is_empty());
        let search = match &params.q {
            Some(q) => Search::parse(q)?,
            None => None,
        };
        let status = present(&params.status)
            .map(|slug| {
                UserStatus::from_slug(slug.trim()).ok_or_else(|| {
                    unknown_value("status", &slug, UserStatus::ALL.map(UserStatus::slug))
                })
            })
            .transpose()?;
        let group = present(&params.group)
            .map(|text| {
                text.trim()
                    .parse::<i64>()
                    .map_err(|_| AppError::invalid("group", Problem::NotAnId { value: 0 }))
                    .and_then(|value| crate::domain::ids::request_id("group", value))
            })
            .transpose()?;
        let sort = present(&params.sort)
            .map(|slug| {
                SortField::from_slug(slug.trim()).ok_or_else(|| {
                    unknown_value("sort", &slug, SortField::ALL.map(SortField::slug))
                })
            })
            .transpose()?
            .unwrap_or(SortField::Name);
        let dir = match present(&params.dir).as_deref().map(str::trim) {
            None => sort.natural_dir(),
            Some("asc") => SortDir::Asc,
            Some("desc") => SortDir::Desc,
            Some(other) => return Err(unknown_value("dir", other, ["asc", "desc"])),
        };
        let size = match present(&params.size) {
            None => PAGE_SIZES[0],
            Some(text) => text
                .trim()
                .parse()
                .ok()
                .filter(|size| PAGE_SIZES.contains(size))
                .ok_or_else(|| {
                    unknown_value("size", &text, PAGE_SIZES.map(|size| size.to_string()))
                })?,
        };
        let position = match (present(&params.after), present(&params.before)) {
            (None, None) => Position::First,
            (Some(after), None) => Position::After(Cursor::parse("after", &after)?),
            (None, Some(before)) => Position::Before(Cursor::parse("before", &before)?),
            (Some(_), Some(_)) => return Err(AppError::invalid("before", Problem::BothCursors)),
        };
        Ok(Self {
            search,
            status,
            group,
            sort,
            dir,
            size,
            position,
        })
    }
}

/// The refusal of a value that is not one of the choices offered.
fn unknown_value<S: ToString>(
    field: &str,
    value: &str,
    allowed: impl IntoIterator<Item = S>,
) -> AppError {
    AppError::invalid(
        field,
        Problem::UnknownValue {
            value: value.to_owned(),
            allowed: allowed
                .into_iter()
                .map(|choice| choice.to_string())
                .collect(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn params(pairs: &[(&str, &str)]) -> GridParams {
        let mut params = GridParams::default();
        for (name, value) in pairs {
            let value = Some((*value).to_owned());
            match *name {
                "q" => params.q = value,
                "status" => params.status = value,
                "group" => params.group = value,
                "sort" => params.sort = value,
                "dir" => params.dir = value,
                "size" => params.size = value,
                "after" => params.after = value,
                "before" => params.before = value,
                _ => unreachable!(),
            }
        }
        params
    }

    #[test]
    fn an_empty_query_is_the_first_page_by_name_in_pages_of_25() {
        let query = UserQuery::parse(&GridParams::default()).unwrap();
        assert_eq!(query.sort, SortField::Name);
        assert_eq!(query.dir, SortDir::Asc);
        assert_eq!(query.size, 25);
        assert_eq!(query.position, Position::First);
        assert_eq!(query.search, None);
    }

    #[test]
    fn bad_parts_are_refused_naming_the_field() {
        for (pair, field) in [
            (("sort", "password"), "sort"),
            (("dir", "up"), "dir"),
            (("size", "1000"), "size"),
            (("status", "gone"), "status"),
            (("after", "x"), "after"),
            (("q", "ann\u{7}"), "q"),
        ] {
            match UserQuery::parse(&params(&[pair])) {
                Err(AppError::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{pair:?} gave {other:?}"),
            }
        }
        let both = params(&[("after", "0.1.a"), ("before", "0.2.b")]);
        assert!(UserQuery::parse(&both).is_err());
        let long = "a".repeat(MAX_SEARCH_LEN + 1);
        assert!(UserQuery::parse(&params(&[("q", &long)])).is_err());
    }

    #[test]
    fn a_cursor_survives_its_own_encoding_even_with_dots_in_the_text() {
        let cursor = Cursor {
            number: 1_700_000_000,
            id: UserId::parse(42).unwrap(),
            text: "ann.lee@example.com".into(),
        };
        assert_eq!(Cursor::parse("after", &cursor.encode()).unwrap(), cursor);
    }

    #[test]
    fn a_cursor_holding_a_control_character_is_refused() {
        for bad in ["0.1.a\u{0}b", "0.1.a\nb", "0.1.\u{7f}"] {
            assert_eq!(
                Cursor::parse("after", bad),
                Err(AppError::invalid("after", Problem::BadCursor)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn sorting_by_the_current_field_flips_the_direction_and_restarts_paging() {
        let params = params(&[("sort", "email"), ("dir", "asc"), ("after", "0.9.x")]);
        let flipped = params.sorted_by(SortField::Email);
        assert_eq!(flipped.dir.as_deref(), Some("desc"));
        assert_eq!(flipped.after, None);
        let other = params.sorted_by(SortField::LastLogin);
        assert_eq!(other.dir.as_deref(), Some("desc"));
    }

    #[test]
    fn query_strings_leave_out_empty_parts_and_encode_values() {
        let params = params(&[("q", "ann lee"), ("status", ""), ("sort", "name")]);
        assert_eq!(params.to_query_string(), "?q=ann+lee&sort=name");
        assert_eq!(GridParams::default().to_query_string(), "");
    }

    #[test]
    fn a_search_is_the_trimmed_text_and_a_blank_one_is_none() {
        assert_eq!(
            Search::parse("  Ann Lee ").unwrap().unwrap().as_str(),
            "Ann Lee"
        );
        assert_eq!(Search::parse("ann@@x").unwrap().unwrap().as_str(), "ann@@x");
        assert_eq!(Search::parse("   ").unwrap(), None);
    }

    fn grid_params() -> impl Strategy<Value = GridParams> {
        let part = |pattern: &'static str| proptest::option::of(pattern);
        (
            part("\\PC{0,12}|[a-z@.]{1,8}"),
            part("active|not_active|suspended|locked|[a-z]{0,6}"),
            part("name|email|status|last_login|[a-z]{0,5}"),
            part("asc|desc|[a-z]{0,3}"),
            part("25|50|100|[0-9]{1,4}"),
            part("-?[0-9]{1,4}\\.[0-9]{1,4}\\.\\PC{0,10}|\\PC{0,8}"),
        )
            .prop_map(|(q, status, sort, dir, size, after)| GridParams {
                q,
                status,
                group: None,
                sort,
                dir,
                size,
                after,
                before: None,
            })
    }

    proptest! {
        #[test]
        fn a_cursor_parses_back_from_its_encoding(
            number in any::<i64>(),
            id in 1..i64::MAX,
            text in "[^\\p{Cc}]{0,100}",
        ) {
            let cursor = Cursor { number, id: UserId::parse(id).unwrap(), text };
            prop_assert_eq!(Cursor::parse("after", &cursor.encode()), Ok(cursor));
        }

        #[test]
        fn a_grid_query_means_the_same_after_a_trip_through_its_link(params in grid_params()) {
            let query = params.to_query_string();
            let back: GridParams =
                serde_urlencoded::from_str(query.trim_start_matches('?')).unwrap();
            match UserQuery::parse(&params) {
                Ok(parsed) => prop_assert_eq!(UserQuery::parse(&back), Ok(parsed)),
                Err(error) => prop_assert!(UserQuery::parse(&back).is_err(), "{:?}", error),
            }
        }
    }
}
