//! Choosing the account when one e-mail may sign in to several (the seeds: an admin of
//! several accounts "selects the account and sets a default"). A password that opens
//! several accounts, or "Switch account" from inside a session, opens a choice, kept 10
//! minutes and named to the browser by a token in a cookie (only its digest is stored).
//! It names the accounts the password opened; the e-mail's other accounts are reached
//! with their own password, as "another account", never named before their password is
//! given (an account's name is not told to whoever knows another account's password).
//! A switch names none: every account it goes to asks its password, the one being left
//! too, so a switch never makes a session without one. The person picks an account,
//! optionally as their default, and the sign-in goes on as if that account alone had
//! opened: with its second factor, if it asks one. A choice works once, and a switch's
//! session ends with it.

use super::link_token::{self, LinkToken};
use super::session::Client;
use super::sign_in::{SignedIn, accounts_of_person, go_on_as, may_go_on, open_other_accounts};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::principal::Actor;
use crate::auth::{AccountChoice, AccountOffer};
use crate::db::Db;
use crate::domain::{SessionId, UserId};
use crate::error::{AppError, Problem};
use crate::i18n::Locale;
use serde_json::json;

/// The cookie that names the choice to the browser (`__Host-` prefixed when Secure).
pub fn choice_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-roster_account_choice"
    } else {
        "roster_account_choice"
    }
}

/// How long the person has to choose.
pub const CHOICE_MINUTES: i64 = 10;

/// The `Set-Cookie` value that hands the choice to the browser, or removes it.
pub fn choice_cookie(token: Option<&LinkToken>, secure: bool) -> String {
    let name = choice_cookie_name(secure);
    link_token::step_cookie(name, token, secure, CHOICE_MINUTES)
}

/// Opens a choice for the person of user `from`: `proven` are the users (of `from`'s
/// e-mail) whose password was just right, none for a switch; `ending` is the session of
/// a switch, `from`'s, which ends with the choice.
pub(crate) async fn open(
    db: &Db,
    proven: &[UserId],
    from: UserId,
    ending: Option<SessionId>,
    now: i64,
) -> Result<LinkToken, AppError> {
    let token = LinkToken::generate();
    let ids: Vec<String> = proven.iter().map(|user| user.get().to_string()).collect();
    let mut tx = db.write().await?;
    sqlx::query("DELETE FROM account_choices WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO account_choices (token_hash, user_ids, from_user, ends_session, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token.digest())
    .bind(ids.join(" "))
    .bind(from)
    .bind(ending)
    .bind(now + CHOICE_MINUTES * 60)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// A live choice.
struct OpenChoice {
    /// The users whose password was right: the accounts it names.
    proven: Vec<UserId>,
    /// Whose e-mail it is.
    from: UserId,
    ends_session: Option<SessionId>,
}

impl OpenChoice {
    /// The users "another account" is not: those named, and the one a switch leaves.
    fn excluded(&self) -> Vec<UserId> {
        let mut excluded = self.proven.clone();
        excluded.push(self.from);
        excluded
    }
}

/// The live choice `token`; 401 when it was used, has expired, or never was.
async fn open_choice(db: &Db, token: &str, now: i64) -> Result<OpenChoice, AppError> {
    let row: Option<(String, Option<UserId>, Option<SessionId>)> = sqlx::query_as(
        "SELECT user_ids, from_user, ends_session FROM account_choices
         WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(link_token::digest(token))
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    let (ids, from, ends_session) = row.ok_or(AppError::Unauthenticated)?;
    let proven: Vec<UserId> = ids
        .split(' ')
        .filter_map(|id| id.parse().ok().and_then(UserId::parse))
        .collect();
    let from = from
        .or_else(|| proven.first().copied())
        .ok_or(AppError::Unauthenticated)?;
    Ok(OpenChoice {
        proven,
        from,
        ends_session,
    })
}

/// What the choice `token` offers: the accounts it names, by name, and whether the
/// e-mail has others; 401 without a live choice.
pub async fn offered(db: &Db, token: &str, now: i64) -> Result<AccountOffer, AppError> {
    let choice = open_choice(db, token, now).await?;
    let excluded = choice.excluded();
    let mut accounts = Vec::with_capacity(choice.proven.len());
    let mut others = false;
    for account in accounts_of_person(db, choice.from).await? {
        if choice.proven.contains(&account.user) {
            accounts.push(AccountChoice {
                user: account.user,
                account: account.account_name,
                is_default: account.is_default,
            });
        } else if !excluded.contains(&account.user) {
            others = true;
        }
    }
    Ok(AccountOffer { accounts, others })
}

/// Which account the person goes on in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chosen {
    /// One the choice names.
    Named(UserId),
    /// Another account of the e-mail, whose password this is.
    Another(String),
}

/// Ends the choice `token` with the account `chosen` (400 for a user it does not name;
/// for another account, 400 when the password opens none, which counts towards their
/// locks like a wrong sign-in and leaves the choice open), making it the person's
/// default when `make_default` (and none of the other accounts proven theirs); audited
/// in that account as the person's own act. A password that opens several other
/// accounts opens a new choice that names them too. The
/// sign-in then goes on as that account's alone would; someone locked or suspended
/// meanwhile gets the answer of a wrong password.
pub async fn choose(
    db: &Db,
    token: &str,
    (chosen, make_default): (Chosen, bool),
    client: &Client,
    locale: Locale,
    now: i64,
) -> Result<SignedIn, AppError> {
    let choice = open_choice(db, token, now).await?;
    let mut proven = choice.proven.clone();
    let user = match chosen {
        Chosen::Named(user) if proven.contains(&user) => user,
        Chosen::Named(_) => {
            return Err(AppError::invalid("account", Problem::NotYourAccount));
        }
        Chosen::Another(password) => {
            let excluded = choice.excluded();
            let from = choice.from;
            let opened = open_other_accounts(db, from, &excluded, password, client, locale, now);
            let opened = opened.await?;
            proven.extend(&opened);
            if opened.len() > 1 {
                let ending = choice.ends_session;
                let again = open(db, &proven, from, ending, now).await?;
                spend(db, token, now).await?;
                return Ok(SignedIn::ChooseAccount(again));
            }
            opened[0]
        }
    };
    let mut tx = db.write().await?;
    spend_in(&mut tx, token, now).await?;
    if !may_go_on(&mut tx, user).await? {
        return Err(AppError::InvalidCredentials);
    }
    if let Some(session) = choice.ends_session {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(session)
            .execute(&mut *tx)
            .await?;
    }
    let actor = Actor::of_user(&mut tx, user, client.ip).await?;
    if make_default {
        // Among the accounts proven the person's only (a switch's session proves the one
        // it leaves): the others are not theirs to change.
        if choice.ends_session.is_some() {
            proven.push(choice.from);
        }
        let ids: Vec<String> = proven.iter().map(|id| id.get().to_string()).collect();
        sqlx::query(&format!(
            "UPDATE users SET default_account = CASE WHEN id = $1 THEN 1 ELSE 0 END
             WHERE id IN ({})",
            ids.join(", ")
        ))
        .bind(user)
        .execute(&mut *tx)
        .await?;
    }
    let chosen = AuditEvent {
        action: AuditAction::AccountChosen,
        target: AuditTarget::User(user),
        target_label: actor.email.to_string(),
        before: None,
        after: make_default.then(|| json!({ "default_account": true })),
    };
    audit::record(&mut tx, &actor, now, &[chosen]).await?;
    tx.commit().await?;
    go_on_as(db, user, client, locale, now)
        .await?
        .ok_or(AppError::InvalidCredentials)
}

/// Uses up the choice `token` in `tx`; 401 when another request used it first.
async fn spend_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    token: &str,
    now: i64,
) -> Result<(), AppError> {
    let spent =
        sqlx::query("DELETE FROM account_choices WHERE token_hash = $1 AND expires_at > $2")
            .bind(link_token::digest(token))
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    if spent == 1 {
        Ok(())
    } else {
        Err(AppError::Unauthenticated)
    }
}

async fn spend(db: &Db, token: &str, now: i64) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    spend_in(&mut tx, token, now).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::access::Access;
    use crate::auth::session::start_session;
    use crate::auth::sign_in::{Door, sign_in};
    use crate::auth::sign_in_code::SecondStep;
    use crate::domain::{AccountId, Email};
    use crate::testing::fixtures::{
        NOW, PASSWORD, PRIMARY_EMAIL, audited_actions, other_account, test_account,
    };
    use crate::testing::scratch::database_urls;

    fn client() -> Client {
        Client {
            user_agent: "test".into(),
            ip: None,
        }
    }

    async fn password(db: &Db, now: i64) -> SignedIn {
        let email = Email::parse(PRIMARY_EMAIL).unwrap();
        let client = client();
        let signed_in = sign_in(
            db,
            &email,
            PASSWORD.into(),
            Door::Everyone,
            &client,
            Locale::en,
            now,
        );
        signed_in.await.unwrap()
    }

    fn token_of(signed_in: SignedIn) -> String {
        match signed_in {
            SignedIn::ChooseAccount(token) => token.as_str().to_owned(),
            _ => panic!("the sign-in went on without a choice"),
        }
    }

    /// The token of a sign-in that was asked to choose.
    async fn asked(db: &Db, now: i64) -> String {
        token_of(password(db, now).await)
    }

    async fn pick(db: &Db, token: &str, user: UserId, default: bool) -> Result<SignedIn, AppError> {
        let chosen = (Chosen::Named(user), default);
        choose(db, token, chosen, &client(), Locale::en, NOW).await
    }

    async fn another(db: &Db, token: &str, password: &str) -> Result<SignedIn, AppError> {
        let chosen = (Chosen::Another(password.to_owned()), false);
        choose(db, token, chosen, &client(), Locale::en, NOW).await
    }

    /// The account names a choice offers, and whether it offers others besides.
    async fn offered_names(db: &Db, token: &str) -> (Vec<String>, bool) {
        let offered = offered(db, token, NOW).await.unwrap();
        let names = offered
            .accounts
            .into_iter()
            .map(|choice| choice.account)
            .collect();
        (names, offered.others)
    }

    fn problem(result: Result<SignedIn, AppError>) -> Option<(String, Problem)> {
        match result {
            Err(AppError::Invalid { field, problem }) => Some((field, problem)),
            _ => None,
        }
    }

    async fn session_accounts(db: &Db) -> Vec<AccountId> {
        let rows: Vec<(AccountId,)> = sqlx::query_as("SELECT account_id FROM sessions ORDER BY id")
            .fetch_all(db.pool())
            .await
            .unwrap();
        rows.into_iter().map(|(account,)| account).collect()
    }

    async fn failures(db: &Db, user: UserId) -> i64 {
        let (failed,): (i64,) = sqlx::query_as("SELECT failed_sign_ins FROM users WHERE id = $1")
            .bind(user)
            .fetch_one(db.pool())
            .await
            .unwrap();
        failed
    }

    #[tokio::test]
    async fn a_password_that_opens_two_accounts_asks_which_and_the_choice_works_once() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let first = test_account(&db).await;
            let second = other_account(&db, "Beta Org", PRIMARY_EMAIL).await;
            let token = asked(&db, NOW).await;
            let names = offered_names(&db, &token).await;
            assert_eq!(
                names,
                (vec!["Beta Org".into(), "Test Org".into()], false),
                "{url}"
            );
            let choices = offered(&db, &token, NOW).await.unwrap();
            assert!(
                choices.accounts.iter().all(|choice| !choice.is_default),
                "{url}"
            );

            let chosen = pick(&db, &token, second.primary_admin_id, false)
                .await
                .unwrap();
            assert!(
                matches!(chosen, SignedIn::Session(_, Access::Console)),
                "{url}"
            );
            assert_eq!(session_accounts(&db).await, [second.account_id], "{url}");
            assert_eq!(
                audited_actions(&db).await,
                ["user.account_chosen", "user.signed_in"],
                "{url}"
            );
            let again = pick(&db, &token, first.primary_admin_id, false).await;
            assert!(matches!(again, Err(AppError::Unauthenticated)), "{url}");
            let gone = offered(&db, &token, NOW).await;
            assert!(matches!(gone, Err(AppError::Unauthenticated)), "{url}");
        }
    }

    #[tokio::test]
    async fn a_default_account_is_signed_in_to_without_asking_and_other_names_stay_untold() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            test_account(&db).await;
            let second = other_account(&db, "Beta Org", PRIMARY_EMAIL).await;
            // The same address in a third account, with another password: not this
            // sign-in's to change, nor its to name.
            let third = other_account(&db, "Gamma Org", PRIMARY_EMAIL).await;
            sqlx::query(
                "UPDATE users SET password_hash = 'another', default_account = 1 WHERE id = $1",
            )
            .bind(third.primary_admin_id)
            .execute(db.pool())
            .await
            .unwrap();
            let token = asked(&db, NOW).await;
            let names = offered_names(&db, &token).await;
            assert_eq!(
                names,
                (vec!["Beta Org".into(), "Test Org".into()], true),
                "{url}"
            );
            pick(&db, &token, second.primary_admin_id, true)
                .await
                .unwrap();
            let (kept,): (i64,) = sqlx::query_as("SELECT default_account FROM users WHERE id = $1")
                .bind(third.primary_admin_id)
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert_eq!(
                kept, 1,
                "{url}: an account the password did not open keeps its own"
            );

            let direct = password(&db, NOW + 1).await;
            assert!(matches!(direct, SignedIn::Session(..)), "{url}");
        }
    }

    #[tokio::test]
    async fn an_address_in_seven_accounts_reaches_each_the_untried_by_another_password() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            test_account(&db).await;
            let mut others = Vec::new();
            for name in ["B", "C", "D", "E", "F", "G"] {
                others.push(other_account(&db, &format!("{name} Org"), PRIMARY_EMAIL).await);
            }
            let token = asked(&db, NOW).await;
            let (names, more) = offered_names(&db, &token).await;
            assert_eq!(names.len(), 5, "{url}: five passwords are tried, {names:?}");
            assert!(more, "{url}: the other two are offered, unnamed");
            // The default and the most recently used are tried first, then the oldest:
            // the two newest are the untried.
            assert!(
                !names.iter().any(|name| name == "F Org" || name == "G Org"),
                "{url}"
            );

            let wrong = another(&db, &token, "not the password").await;
            let expected = Some(("password".to_owned(), Problem::NotYourPassword));
            assert_eq!(problem(wrong), expected, "{url}");
            let last = others.last().unwrap();
            assert_eq!(
                failures(&db, last.primary_admin_id).await,
                1,
                "{url}: a failed sign-in"
            );

            // The same password opens the two others: a new choice names all seven.
            let widened = token_of(another(&db, &token, PASSWORD).await.unwrap());
            let spent = offered(&db, &token, NOW).await;
            assert!(matches!(spent, Err(AppError::Unauthenticated)), "{url}");
            let (names, more) = offered_names(&db, &widened).await;
            assert_eq!((names.len(), more), (7, false), "{url}");
            let chosen = pick(&db, &widened, last.primary_admin_id, false)
                .await
                .unwrap();
            assert!(matches!(chosen, SignedIn::Session(..)), "{url}");
            assert_eq!(session_accounts(&db).await, [last.account_id], "{url}");
        }
    }

    #[tokio::test]
    async fn a_switch_asks_the_password_of_the_account_it_goes_to_and_ends_the_session_it_leaves() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let first = test_account(&db).await;
            let second = other_account(&db, "Beta Org", PRIMARY_EMAIL).await;
            sqlx::query("UPDATE users SET password_hash = 'another' WHERE id = $1")
                .bind(second.primary_admin_id)
                .execute(db.pool())
                .await
                .unwrap();
            let user = first.primary_admin_id;
            let mut conn = db.pool().acquire().await.unwrap();
            start_session(&mut *conn, user, first.account_id, &client(), NOW)
                .await
                .unwrap();
            drop(conn);
            let (session,): (SessionId,) = sqlx::query_as("SELECT id FROM sessions")
                .fetch_one(db.pool())
                .await
                .unwrap();
            let token = open(&db, &[], user, Some(session), NOW).await.unwrap();
            let token = token.as_str();
            assert_eq!(offered_names(&db, token).await, (vec![], true), "{url}");
            let back = pick(&db, token, user, false).await;
            let expected = Some(("account".to_owned(), Problem::NotYourAccount));
            assert_eq!(
                problem(back),
                expected,
                "{url}: no session without a password"
            );
            // The account left is not "another": its password opens nothing here.
            let own = another(&db, token, PASSWORD).await;
            let expected = Some(("password".to_owned(), Problem::NotYourPassword));
            assert_eq!(problem(own), expected, "{url}");
            assert_eq!(
                session_accounts(&db).await,
                [first.account_id],
                "{url}: until chosen"
            );

            sqlx::query("UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE id = $1) WHERE id = $2")
                .bind(user)
                .bind(second.primary_admin_id)
                .execute(db.pool())
                .await
                .unwrap();
            let chosen = another(&db, token, PASSWORD).await;
            assert!(matches!(chosen, Ok(SignedIn::Session(..))), "{url}");
            assert_eq!(session_accounts(&db).await, [second.account_id], "{url}");
        }
    }

    #[tokio::test]
    async fn an_account_the_choice_does_not_name_is_refused_and_the_choice_stays_open() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let first = test_account(&db).await;
            other_account(&db, "Beta Org", PRIMARY_EMAIL).await;
            let stranger = other_account(&db, "Gamma Org", "gamma@example.com").await;
            let token = asked(&db, NOW).await;
            let refused = pick(&db, &token, stranger.primary_admin_id, false).await;
            let expected = Some(("account".to_owned(), Problem::NotYourAccount));
            assert_eq!(
                problem(refused),
                expected,
                "{url}: another person's account"
            );
            let none = another(&db, &token, PASSWORD).await;
            let expected = Some(("password".to_owned(), Problem::NotYourPassword));
            assert_eq!(
                problem(none),
                expected,
                "{url}: the e-mail has no other account"
            );
            let chosen = pick(&db, &token, first.primary_admin_id, false).await;
            assert!(chosen.is_ok(), "{url}");
            let late = asked(&db, NOW).await;
            let expired = offered(&db, &late, NOW + CHOICE_MINUTES * 60).await;
            assert!(matches!(expired, Err(AppError::Unauthenticated)), "{url}");
        }
    }

    #[tokio::test]
    async fn the_chosen_accounts_second_factor_follows_the_choice() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            test_account(&db).await;
            let second = other_account(&db, "Beta Org", PRIMARY_EMAIL).await;
            sqlx::query("UPDATE accounts SET two_factor = 1 WHERE id = $1")
                .bind(second.account_id)
                .execute(db.pool())
                .await
                .unwrap();
            let token = asked(&db, NOW).await;
            let chosen = pick(&db, &token, second.primary_admin_id, false)
                .await
                .unwrap();
            assert!(
                matches!(chosen, SignedIn::CodeAsked(_, SecondStep::EmailedCode)),
                "{url}"
            );
        }
    }
}
