//! Choosing the account when one e-mail may sign in to several (the seeds: an admin of
//! several accounts "selects the account and sets a default"). A password that opens
//! several accounts, or "Switch account" from inside a session, opens a choice, kept 10
//! minutes and named to the browser by a token in a cookie (only its digest is stored).
//! It offers every account of the person's e-mail: those the password opened (or the
//! session's own) at once, the others with their own password. The person picks one,
//! optionally as their default, and the sign-in goes on as if that account alone had
//! opened: with its second factor, if it asks one. A choice works once, and a switch's
//! session ends with it.

use super::link_token::{self, LinkToken};
use super::session::Client;
use super::sign_in::{SignedIn, accounts_of_person, check_password, go_on_as, may_go_on};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::AccountChoice;
use crate::auth::principal::Actor;
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

/// Opens a choice for the person whose password was just right for `proven` (users of
/// one e-mail); `ending` is the session of a "Switch account", which ends with the
/// choice.
pub(crate) async fn open(
    db: &Db,
    proven: &[UserId],
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
        "INSERT INTO account_choices (token_hash, user_ids, ends_session, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token.digest())
    .bind(ids.join(" "))
    .bind(ending)
    .bind(now + CHOICE_MINUTES * 60)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// A live choice.
struct OpenChoice {
    /// The users whose password was right (or whose session asked), never empty.
    proven: Vec<UserId>,
    ends_session: Option<SessionId>,
}

/// The live choice `token`; 401 when it was used, has expired, or never was.
async fn open_choice(db: &Db, token: &str, now: i64) -> Result<OpenChoice, AppError> {
    let row: Option<(String, Option<SessionId>)> = sqlx::query_as(
        "SELECT user_ids, ends_session FROM account_choices
         WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(link_token::digest(token))
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    let (ids, ends_session) = row.ok_or(AppError::Unauthenticated)?;
    let proven: Vec<UserId> = ids
        .split(' ')
        .filter_map(|id| id.parse().ok().and_then(UserId::parse))
        .collect();
    if proven.is_empty() {
        return Err(AppError::Unauthenticated);
    }
    Ok(OpenChoice {
        proven,
        ends_session,
    })
}

/// The accounts the choice `token` offers, by name; 401 without a live choice.
pub async fn offered(db: &Db, token: &str, now: i64) -> Result<Vec<AccountChoice>, AppError> {
    let choice = open_choice(db, token, now).await?;
    let accounts = accounts_of_person(db, choice.proven[0]).await?;
    Ok(accounts
        .into_iter()
        .map(|account| AccountChoice {
            needs_password: !choice.proven.contains(&account.user),
            user: account.user,
            account: account.account_name,
            is_default: account.is_default,
        })
        .collect())
}

/// Ends the choice `token` with `user`'s account (400 when it does not offer it), making
/// it the person's default when `make_default` (and none of the other accounts proven
/// theirs); audited in that account as the person's own act. An account the choice
/// did not prove asks its own `password` first: a wrong or missing one is 400, counts
/// towards that user's lock like a wrong sign-in, and leaves the choice open. The
/// sign-in then goes on as that account's alone would; someone locked or suspended
/// meanwhile gets the answer of a wrong password.
pub async fn choose(
    db: &Db,
    token: &str,
    user: UserId,
    (password, make_default): (Option<String>, bool),
    client: &Client,
    locale: Locale,
    now: i64,
) -> Result<SignedIn, AppError> {
    let choice = open_choice(db, token, now).await?;
    let mut proven = choice.proven;
    if !proven.contains(&user) {
        let offered = accounts_of_person(db, proven[0]).await?;
        if !offered.iter().any(|account| account.user == user) {
            return Err(AppError::invalid("user", Problem::NotYourAccount));
        }
        let password = password
            .filter(|password| !password.is_empty())
            .ok_or(AppError::invalid("password", Problem::Required))?;
        check_password(db, user, password, client, locale, now).await?;
        proven.push(user);
    }
    let mut tx = db.write().await?;
    let spent =
        sqlx::query("DELETE FROM account_choices WHERE token_hash = $1 AND expires_at > $2")
            .bind(link_token::digest(token))
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if spent != 1 {
        return Err(AppError::Unauthenticated);
    }
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
        // Among the accounts proven the person's only: the others are not theirs to change.
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

    /// The token of a sign-in that was asked to choose.
    async fn asked(db: &Db, now: i64) -> String {
        match password(db, now).await {
            SignedIn::ChooseAccount(token) => token.as_str().to_owned(),
            _ => panic!("the sign-in went on without a choice"),
        }
    }

    async fn pick(db: &Db, token: &str, user: UserId, default: bool) -> Result<SignedIn, AppError> {
        choose(db, token, user, (None, default), &client(), Locale::en, NOW).await
    }

    async fn pick_with(
        db: &Db,
        token: &str,
        user: UserId,
        password: &str,
    ) -> Result<SignedIn, AppError> {
        let password = Some(password.to_owned());
        choose(
            db,
            token,
            user,
            (password, false),
            &client(),
            Locale::en,
            NOW,
        )
        .await
    }

    /// The account names a choice offers, and whether each asks its own password.
    async fn offered_names(db: &Db, token: &str) -> Vec<(String, bool)> {
        let offered = offered(db, token, NOW).await.unwrap();
        offered
            .into_iter()
            .map(|choice| (choice.account, choice.needs_password))
            .collect()
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

    #[tokio::test]
    async fn a_password_that_opens_two_accounts_asks_which_and_the_choice_works_once() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let first = test_account(&db).await;
            let second = other_account(&db, "Beta Org", PRIMARY_EMAIL).await;
            let token = asked(&db, NOW).await;
            let names = offered_names(&db, &token).await;
            let expected = [
                ("Beta Org".to_owned(), false),
                ("Test Org".to_owned(), false),
            ];
            assert_eq!(names, expected, "{url}");
            let choices = offered(&db, &token, NOW).await.unwrap();
            assert!(choices.iter().all(|choice| !choice.is_default), "{url}");

            let chosen = pick(&db, &token, second.primary_admin_id, false)
                .await
                .unwrap();
            assert!(
                matches!(chosen, SignedIn::Session(_, Access::Console)),
                "{url}"
            );
            assert_eq!(session_accounts(&db).await, [second.account_id], "{url}");
            assert_eq!(audited_actions(&db).await, ["user.account_chosen"], "{url}");
            let again = pick(&db, &token, first.primary_admin_id, false).await;
            assert!(matches!(again, Err(AppError::Unauthenticated)), "{url}");
            let gone = offered(&db, &token, NOW).await;
            assert!(matches!(gone, Err(AppError::Unauthenticated)), "{url}");
        }
    }

    #[tokio::test]
    async fn a_default_account_is_signed_in_to_without_asking_and_a_switch_offers_the_others() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            test_account(&db).await;
            let second = other_account(&db, "Beta Org", PRIMARY_EMAIL).await;
            // The same address in a third account, with another password: not this
            // sign-in's to change.
            let third = other_account(&db, "Gamma Org", PRIMARY_EMAIL).await;
            sqlx::query(
                "UPDATE users SET password_hash = 'another', default_account = 1 WHERE id = $1",
            )
            .bind(third.primary_admin_id)
            .execute(db.pool())
            .await
            .unwrap();
            let token = asked(&db, NOW).await;
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
            let (session,): (SessionId,) = sqlx::query_as("SELECT MAX(id) FROM sessions")
                .fetch_one(db.pool())
                .await
                .unwrap();
            let switching = open(&db, &[second.primary_admin_id], Some(session), NOW + 2)
                .await
                .unwrap();
            let names = offered_names(&db, switching.as_str()).await;
            let expected = [
                ("Beta Org".to_owned(), false),
                ("Gamma Org".to_owned(), true),
                ("Test Org".to_owned(), true),
            ];
            assert_eq!(
                names, expected,
                "{url}: the switching session proves its own"
            );
        }
    }

    #[tokio::test]
    async fn an_address_in_seven_accounts_reaches_each_the_untried_with_their_own_password() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            test_account(&db).await;
            let mut others = Vec::new();
            for name in ["B", "C", "D", "E", "F", "G"] {
                others.push(other_account(&db, &format!("{name} Org"), PRIMARY_EMAIL).await);
            }
            let token = asked(&db, NOW).await;
            let names = offered_names(&db, &token).await;
            assert_eq!(names.len(), 7, "{url}: {names:?}");
            let untried: Vec<&str> = names
                .iter()
                .filter(|(_, needs_password)| *needs_password)
                .map(|(name, _)| name.as_str())
                .collect();
            assert_eq!(untried.len(), 2, "{url}: five passwords are tried");

            let last = others.last().unwrap();
            let user = last.primary_admin_id;
            // The accounts are tried oldest first until one is signed in to: the last
            // is among the untried.
            assert!(untried.contains(&"G Org"), "{url}: {untried:?}");
            let missing = pick(&db, &token, user, false).await;
            assert_eq!(
                problem(missing),
                Some(("password".to_owned(), Problem::Required)),
                "{url}"
            );
            let wrong = pick_with(&db, &token, user, "not the password").await;
            assert_eq!(
                problem(wrong),
                Some(("password".to_owned(), Problem::NotYourPassword)),
                "{url}"
            );
            let (failed,): (i64,) =
                sqlx::query_as("SELECT failed_sign_ins FROM users WHERE id = $1")
                    .bind(user)
                    .fetch_one(db.pool())
                    .await
                    .unwrap();
            assert_eq!(failed, 1, "{url}: a wrong password counts towards the lock");

            let chosen = pick_with(&db, &token, user, PASSWORD).await.unwrap();
            assert!(matches!(chosen, SignedIn::Session(..)), "{url}");
            assert_eq!(session_accounts(&db).await, [last.account_id], "{url}");
        }
    }

    #[tokio::test]
    async fn switching_account_ends_the_session_that_asked_once_the_choice_is_made() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let first = test_account(&db).await;
            let second = other_account(&db, "Beta Org", PRIMARY_EMAIL).await;
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
            let token = open(&db, &[user], Some(session), NOW).await.unwrap();
            assert_eq!(
                session_accounts(&db).await,
                [first.account_id],
                "{url}: until chosen"
            );
            let chosen = pick_with(&db, token.as_str(), second.primary_admin_id, PASSWORD).await;
            assert!(matches!(chosen, Ok(SignedIn::Session(..))), "{url}");
            assert_eq!(session_accounts(&db).await, [second.account_id], "{url}");
        }
    }

    #[tokio::test]
    async fn an_account_the_choice_does_not_offer_is_refused_and_the_choice_stays_open() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let first = test_account(&db).await;
            other_account(&db, "Beta Org", PRIMARY_EMAIL).await;
            let stranger = other_account(&db, "Gamma Org", "gamma@example.com").await;
            let token = asked(&db, NOW).await;
            let refused = pick_with(&db, &token, stranger.primary_admin_id, PASSWORD).await;
            assert_eq!(
                problem(refused),
                Some(("user".to_owned(), Problem::NotYourAccount)),
                "{url}: another person's account, even with its password"
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
