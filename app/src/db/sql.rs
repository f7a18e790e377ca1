//! Building SQL that runs unchanged on SQLite and PostgreSQL: `$1, $2…` placeholders,
//! id lists cut into chunks, and 0/1 flags. Every area builds its dynamic SQL here.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::{Query, QueryAs};
use sqlx::{Any, FromRow};

/// Values bound in one statement. sqlx finds each `$N` of a SQLite statement by name,
/// which costs time proportional to the number of parameters, so a statement with
/// thousands of them binds in quadratic time (perf showed 69 % of a bulk load there);
/// about 500 keep it linear.
pub const MAX_BINDS: usize = 500;

/// SQL text and its arguments, numbered `$1, $2…` as both engines accept.
#[derive(Debug, Default)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
}

#[derive(Debug, Clone, PartialEq)]
enum Arg {
    Int(i64),
    Text(String),
    NullText,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            args: Vec::new(),
        }
    }

    /// Appends literal SQL.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Adds an integer argument and returns its placeholder.
    pub fn int(&mut self, value: i64) -> String {
        self.arg(Arg::Int(value))
    }

    /// Adds a text argument and returns its placeholder.
    pub fn text(&mut self, value: &str) -> String {
        self.arg(Arg::Text(value.to_owned()))
    }

    /// Adds a text argument that may be NULL and returns its placeholder.
    pub fn optional_text(&mut self, value: Option<&str>) -> String {
        match value {
            Some(value) => self.text(value),
            None => self.arg(Arg::NullText),
        }
    }

    /// `(…)` holding one placeholder per value.
    pub fn int_list(&mut self, values: impl IntoIterator<Item = i64>) -> String {
        let placeholders: Vec<String> = values.into_iter().map(|value| self.int(value)).collect();
        format!("({})", placeholders.join(", "))
    }

    fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    /// The same statement and arguments inside `prefix` … `suffix`, e.g. as a subquery.
    pub fn wrapped(self, prefix: &str, suffix: &str) -> Self {
        Self {
            text: format!("{prefix}{}{suffix}", self.text),
            args: self.args,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The statement with its arguments bound, ready to run.
    pub fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        self.args
            .iter()
            .fold(sqlx::query(&self.text), |query, arg| match arg {
                Arg::Int(value) => query.bind(*value),
                Arg::Text(value) => query.bind(value.as_str()),
                Arg::NullText => query.bind(None::<&str>),
            })
    }

    /// The statement with its arguments bound, reading rows as `T`.
    pub fn query_as<T>(&self) -> QueryAs<'_, Any, T, AnyArguments<'_>>
    where
        T: for<'r> FromRow<'r, AnyRow>,
    {
        self.args
            .iter()
            .fold(sqlx::query_as(&self.text), |query, arg| match arg {
                Arg::Int(value) => query.bind(*value),
                Arg::Text(value) => query.bind(value.as_str()),
                Arg::NullText => query.bind(None::<&str>),
            })
    }
}

/// Splits `items` into runs of at most `MAX_BINDS / binds_per_item` items, so that every
/// statement built from one run stays within `MAX_BINDS` bound values.
pub fn chunks<T>(items: &[T], binds_per_item: usize) -> std::slice::Chunks<'_, T> {
    items.chunks((MAX_BINDS / binds_per_item.max(1)).max(1))
}

/// A 0/1 integer column read as a bool: SQLite through sqlx's `Any` driver cannot
/// decode a boolean, so flags are stored as integers on both engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flag(pub bool);

impl From<i64> for Flag {
    fn from(value: i64) -> Self {
        Self(value != 0)
    }
}

impl From<Flag> for bool {
    fn from(flag: Flag) -> Self {
        flag.0
    }
}

/// The integer a flag is stored as.
pub fn flag(value: bool) -> i64 {
    i64::from(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_the_order_arguments_are_added() {
        let mut sql = Sql::new("SELECT 1 FROM users WHERE account_id = ");
        let account = sql.int(7);
        sql.push(&account);
        let list = sql.int_list([3, 4]);
        let email = sql.text("a@b.c");
        sql.push(&format!(" AND id IN {list} AND email = {email}"));
        assert_eq!(
            sql.as_str(),
            "SELECT 1 FROM users WHERE account_id = $1 AND id IN ($2, $3) AND email = $4"
        );
        assert_eq!(
            sql.args,
            vec![
                Arg::Int(7),
                Arg::Int(3),
                Arg::Int(4),
                Arg::Text("a@b.c".into())
            ]
        );
    }

    #[test]
    fn chunks_keep_every_statement_within_the_bind_limit() {
        let ids: Vec<i64> = (0..1_234).collect();
        let sizes: Vec<usize> = chunks(&ids, 1).map(<[i64]>::len).collect();
        assert_eq!(sizes, vec![500, 500, 234]);
        assert!(chunks(&ids, 11).all(|chunk| chunk.len() * 11 <= MAX_BINDS));
        assert_eq!(chunks(&ids, 1_000).next().map(<[i64]>::len), Some(1));
    }

    #[test]
    fn flags_are_zero_or_one() {
        assert_eq!(flag(true), 1);
        assert_eq!(flag(false), 0);
        assert!(bool::from(Flag::from(1)));
        assert!(!bool::from(Flag::from(0)));
    }
}
