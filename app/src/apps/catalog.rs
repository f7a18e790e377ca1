//! The Apps page (the seeds' "Enterprise Bots"): the account's apps by name, each with
//! its owner, whether it is published and how many members it has, searched and paged
//! by key. The wire types, the position in the list and the server function live here;
//! the SQL in `store` (server-only), the page in `ui`.

#[cfg(feature = "ssr")]
pub mod store;
pub mod ui;

use crate::domain::{AppId, Email, UserId};
use crate::error::{AppError, Problem};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Apps on one page.
pub const PAGE_SIZE: usize = 50;
/// The longest position accepted, in bytes.
const MAX_CURSOR_LEN: usize = 400;

/// The owner of an app, as the list names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppOwner {
    pub id: UserId,
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
}

impl AppOwner {
    /// Their name, or their e-mail address while they have none.
    pub fn shown_name(&self) -> String {
        crate::users::display_name(&self.first_name, &self.last_name, self.email.as_str())
    }
}

/// One app as the Apps page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppListing {
    pub id: AppId,
    pub name: String,
    pub owner: AppOwner,
    pub published: bool,
    /// Everyone who holds a role in it: the owner, developers and testers.
    pub members: u64,
}

/// One page of apps, by name, and where the next one starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppPage {
    pub apps: Vec<AppListing>,
    pub next: Option<String>,
}

/// A position in the list: the folded name and id of the last app of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppCursor {
    pub id: AppId,
    pub name_key: String,
}

impl AppCursor {
    pub fn parse(input: &str) -> Result<Self, AppError> {
        let invalid = || AppError::invalid("after", Problem::BadCursor);
        if input.len() > MAX_CURSOR_LEN || input.chars().any(char::is_control) {
            return Err(invalid());
        }
        let (id, name_key) = input.split_once('.').ok_or_else(invalid)?;
        let id = id.parse().ok().and_then(AppId::parse).ok_or_else(invalid)?;
        Ok(Self {
            id,
            name_key: name_key.to_owned(),
        })
    }

    pub fn encode(&self) -> String {
        format!("{}.{}", self.id, self.name_key)
    }
}

/// A page of the account's apps whose name contains `q`, by name, after `after`.
#[server(prefix = "/api", endpoint = "list_apps", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn list_apps(q: Option<String>, after: Option<String>) -> Result<AppPage, AppError> {
    use crate::auth::principal::{UsersRead, current_principal};
    let grant = current_principal()?.grant::<UsersRead>()?;
    let search = crate::users::query::Search::parse(q.as_deref().unwrap_or_default())?;
    let after = after
        .filter(|after| !after.is_empty())
        .map(|after| AppCursor::parse(&after))
        .transpose()?;
    let db = &crate::state::app_state()?.db;
    store::list_apps(db, &grant, search.as_ref(), after.as_ref()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_reads_back_as_it_was_written_even_with_dots_in_the_name() {
        let cursor = AppCursor {
            id: AppId::parse(7).unwrap(),
            name_key: "hr.bot v2".to_owned(),
        };
        assert_eq!(AppCursor::parse(&cursor.encode()).unwrap(), cursor);
    }

    #[test]
    fn a_position_without_an_id_or_too_long_is_refused() {
        for input in [
            "hr",
            "x.hr",
            "0.hr",
            "-3.hr",
            &format!("1.{}", "a".repeat(400)),
        ] {
            assert_eq!(
                AppCursor::parse(input),
                Err(AppError::invalid("after", Problem::BadCursor)),
                "{input}"
            );
        }
    }
}
