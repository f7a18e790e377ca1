//! Self sign-up and the approval queue. A person of an account's domain asks to join on
//! the public "Request access" page; when the account allows discovery they prove their
//! address through an e-mailed link (nothing is created before), then give their name
//! and password. With auto-approve they become an Active user at once; otherwise their
//! request waits in the console's Approval queue, where admins with `users.approve`
//! approve or reject it, and the person is e-mailed either way. The wire types and
//! server functions live here; the SQL in `store` (server-only), the pages in `ui`.

#[cfg(feature = "ssr")]
pub mod store;
pub mod ui;

use crate::domain::AccessRequestId;
use crate::error::{AppError, Problem};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The most requests one decision takes: the queue's page.
pub const MAX_DECIDED: usize = 100;
/// How many waiting requests the queue shows at once.
pub const QUEUE_PAGE: usize = 50;

/// What the "Request access" page tells a person who gave their address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestAnswer {
    /// The domain's account takes requests: a link is on its way (or was sent a moment
    /// ago), whether or not the address has a user already.
    CheckYourEmail,
    /// No account of the domain takes requests; said the same whether or not one exists.
    NotAccepted,
}

impl RequestAnswer {
    /// The answer's name in the page's address.
    pub const fn key(self) -> &'static str {
        match self {
            Self::CheckYourEmail => "check_email",
            Self::NotAccepted => "not_accepted",
        }
    }
}

/// What the page of a sign-up link shows: who joins which account, the shortest
/// password the server takes, and whether an admin approves the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignUpFor {
    pub email: String,
    pub account: String,
    pub min_chars: u32,
    pub needs_approval: bool,
}

/// How a completed request to join ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Joined {
    /// Approved at once: the person is an Active user.
    Active,
    /// Waiting in the approval queue.
    Waiting,
}

/// One request waiting in the approval queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AccessRequest {
    pub id: AccessRequestId,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// Unix seconds.
    pub requested_at: i64,
}

impl AccessRequest {
    /// The domain the request came from: what made the account discoverable to it.
    pub fn domain(&self) -> &str {
        self.email.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

/// One page of the queue, oldest request first, and the cursor of the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRequestPage {
    pub requests: Vec<AccessRequest>,
    pub next: Option<AccessRequestId>,
}

/// What a decision did: the requests decided, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessDecided {
    pub ids: Vec<AccessRequestId>,
    pub approved: bool,
}

/// Asks to join the account of `email`'s domain. When it takes requests, a link that
/// proves the address is e-mailed; the answer does not say whether the address has a
/// user already. The page is sent to the answer.
#[server(prefix = "/api", endpoint = "request_access")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn request_access(email: String) -> Result<RequestAnswer, AppError> {
    let state = crate::state::app_state()?;
    state.attempts.check(crate::auth::reset::client_addr()?)?;
    let email = crate::domain::Email::parse(&email)
        .map_err(|_| AppError::invalid("email", crate::error::Problem::NotAnEmail))?;
    let letter = store::ProofLetter {
        public_url: state.public_url.clone(),
        locale: crate::console::language::request_locale(),
    };
    let answer = store::ask(&state.db, &email, &letter, state.clock.now()).await?;
    leptos_axum::redirect(&format!("/request-access?answer={}", answer.key()));
    Ok(answer)
}

/// Whom a sign-up link is for, while it can be used: 404 when it was used, has expired
/// or was replaced; 409 when the address has a user or a waiting request already, or
/// the account stopped taking requests.
#[server(prefix = "/api", endpoint = "sign_up_link", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn sign_up_link(token: String) -> Result<SignUpFor, AppError> {
    let state = crate::state::app_state()?;
    let mut conn = state.db.pool().acquire().await?;
    let link = store::usable_link(&mut conn, &token, state.clock.now()).await?;
    Ok(SignUpFor {
        email: link.email.to_string(),
        account: link.account_name,
        min_chars: state.passwords.min_chars as u32,
        needs_approval: link.needs_approval,
    })
}

/// Completes a request to join: the person's name and password, twice. With
/// auto-approve they become Active and are sent to sign in; otherwise the request waits
/// for an admin and the page says so.
#[server(prefix = "/api", endpoint = "complete_sign_up")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn complete_sign_up(
    token: String,
    first_name: String,
    last_name: String,
    password: String,
    confirm: String,
) -> Result<Joined, AppError> {
    use crate::auth::password::{check_new_password, hash_password};
    let state = crate::state::app_state()?;
    let addr = crate::auth::reset::client_addr()?;
    state.attempts.check(addr)?;
    let now = state.clock.now();
    let link = {
        let mut conn = state.db.pool().acquire().await?;
        store::usable_link(&mut conn, &token, now).await?
    };
    let name = |field: &str, value: &str| {
        crate::domain::PersonName::parse(value)
            .map_err(|error| AppError::invalid(field, crate::users::profile::name_problem(error)))
    };
    let first_name = name("first_name", &first_name)?;
    let last_name = name("last_name", &last_name)?;
    check_new_password(&password, &link.email, state.passwords.min_chars)?;
    if password != confirm {
        return Err(AppError::invalid(
            "confirm",
            crate::error::Problem::NotTheSame,
        ));
    }
    let joining = store::Joining {
        first_name,
        last_name,
        password_hash: hash_password(password).await?,
        addr,
    };
    let joined = store::complete(&state.db, &token, &joining, now).await?;
    leptos_axum::redirect(match joined {
        Joined::Active => "/login?joined=done",
        Joined::Waiting => "/request-access?answer=waiting",
    });
    Ok(joined)
}

/// One page of the requests waiting for an admin, oldest first, from after request
/// `after`.
#[server(prefix = "/api", endpoint = "list_access_requests", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn list_access_requests(after: Option<i64>) -> Result<AccessRequestPage, AppError> {
    use crate::auth::principal::{UsersApprove, current_principal};
    let grant = current_principal()?.grant::<UsersApprove>()?;
    let state = crate::state::app_state()?;
    let after = after
        .map(|id| crate::domain::ids::request_id("after", id))
        .transpose()?;
    store::waiting(&state.db, grant.account_id(), after).await
}

/// Approves (`approve`) or rejects the waiting requests `ids`, all or none: 404 when the
/// account lacks one, 409 when one was decided already or, to approve, its address has
/// a user meanwhile. Each person is e-mailed the decision.
#[server(prefix = "/api", endpoint = "decide_access_requests", input = leptos::server_fn::codec::Json)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip_all, err(level = "info"), fields(account = tracing::field::Empty))
)]
pub async fn decide_access_requests(
    ids: Vec<i64>,
    approve: bool,
) -> Result<AccessDecided, AppError> {
    use crate::auth::principal::{UsersApprove, current_principal};
    let grant = current_principal()?.grant::<UsersApprove>()?;
    let ids = request_ids(&ids)?;
    let state = crate::state::app_state()?;
    let decision = store::Decision {
        approve,
        sign_in_url: format!("{}/login", state.public_url.trim_end_matches('/')),
        locale: crate::console::language::request_locale(),
    };
    store::decide(&state.db, &grant, &ids, &decision, state.clock.now()).await?;
    Ok(AccessDecided {
        ids,
        approved: approve,
    })
}

/// The requests one decision names: 1 to `MAX_DECIDED` ids, each once, in order.
pub fn request_ids(ids: &[i64]) -> Result<Vec<AccessRequestId>, AppError> {
    if ids.is_empty() {
        return Err(AppError::invalid("ids", Problem::Required));
    }
    if ids.len() > MAX_DECIDED {
        let max = MAX_DECIDED as u32;
        return Err(AppError::invalid("ids", Problem::TooMany { max }));
    }
    let unique: BTreeSet<AccessRequestId> = ids
        .iter()
        .map(|id| crate::domain::ids::request_id("ids", *id))
        .collect::<Result<_, _>>()?;
    Ok(unique.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_names_each_request_once_and_refuses_bad_lists() {
        let ids = request_ids(&[3, 1, 3]).unwrap();
        assert_eq!(ids.iter().map(|id| id.get()).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(
            request_ids(&[]),
            Err(AppError::invalid("ids", Problem::Required))
        );
        assert_eq!(
            request_ids(&[0]),
            Err(AppError::invalid("ids", Problem::NotAnId { value: 0 }))
        );
        let too_many: Vec<i64> = (1..=101).collect();
        assert_eq!(
            request_ids(&too_many),
            Err(AppError::invalid("ids", Problem::TooMany { max: 100 }))
        );
    }

    #[test]
    fn a_request_names_the_domain_it_came_from() {
        let request = AccessRequest {
            id: AccessRequestId::parse(1).unwrap(),
            email: "ann@eu.acme.example".into(),
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            requested_at: 0,
        };
        assert_eq!(request.domain(), "eu.acme.example");
    }
}
