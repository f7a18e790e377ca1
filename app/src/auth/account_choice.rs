//! Choosing the account when one e-mail and password open several (the seeds: an admin
//! of several accounts "selects the account and sets a default"). The password step
//! opens a choice of the users it opened, kept 10 minutes and named to the browser by
//! a token in a cookie (only its digest is stored); the person picks one, optionally as
//! their default, and the sign-in goes on as if that account alone had opened: with its
//! second factor, if it asks one. A choice works once.

use super::link_token::{self, LinkToken};
use super::session::Client;
use super::sign_in::{SignedIn, go_on_as, may_go_on};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::AccountChoice;
use crate::auth::principal::Actor;
use crate::db::Db;
use crate::domain::UserId;
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

/// Opens a choice between `users`, whose password was just right.
pub(crate) async fn open(db: &Db, users: &[UserId], now: i64) -> Result<LinkToken, AppError> {
    let token = LinkToken::generate();
    let ids: Vec<String> = users.iter().map(|user| user.get().to_string()).collect();
    let mut tx = db.write().await?;
    sqlx::query("DELETE FROM account_choices WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO account_choices (token_hash, user_ids, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(token.digest())
    .bind(ids.join(" "))
    .bind(now + CHOICE_MINUTES * 60)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// The users of the live choice `token`; 401 when it was used, has expired, or never was.
async fn chosen_from(db: &Db, token: &str, now: i64) -> Result<Vec<UserId>, AppError> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT user_ids FROM account_choices WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(link_token::digest(token))
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    let (ids,) = row.ok_or(AppError::Unauthenticated)?;
    Ok(ids
        .split(' ')
        .filter_map(|id| id.parse().ok().and_then(UserId::parse))
        .collect())
}

#[derive(sqlx::FromRow)]
struct Offered {
    id: UserId,
    account_name: String,
    default_account: i64,
}

/// The accounts the choice `token` offers, by name; 401 without a live choice.
pub async fn offered(db: &Db, token: &str, now: i64) -> Result<Vec<AccountChoice>, AppError> {
    let users = chosen_from(db, token, now).await?;
    let mut offered = Vec::with_capacity(users.len());
    for user in users {
        let row: Option<Offered> = sqlx::query_as(
            "SELECT u.id, a.name AS account_name, u.default_account
             FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = $1",
        )
        .bind(user)
        .fetch_optional(db.pool())
        .await?;
        // Deleted since the password was given.
        let Some(row) = row else { continue };
        offered.push(AccountChoice {
            user: row.id,
            account: row.account_name,
            is_default: row.default_account != 0,
        });
    }
    offered.sort_by(|one, other| one.account.cmp(&other.account));
    Ok(offered)
}

/// Ends the choice `token` with `user`'s account (400 when it did not offer it), making
/// it the person's default when `make_default` (and none of the other accounts it
/// offered); audited in that account as the person's own act. The sign-in then goes on
/// as that account's alone would; someone locked or suspended meanwhile gets the answer
/// of a wrong password.
pub async fn choose(
    db: &Db,
    token: &str,
    user: UserId,
    make_default: bool,
    client: &Client,
    locale: Locale,
    now: i64,
) -> Result<SignedIn, AppError> {
    let opened = chosen_from(db, token, now).await?;
    if !opened.contains(&user) {
        return Err(AppError::invalid("user", Problem::NotYourAccount));
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
    let actor = Actor::of_user(&mut tx, user, client.ip).await?;
    if make_default {
        // Among the accounts this password opened only: the others are not its to change.
        let ids: Vec<String> = opened.iter().map(|id| id.get().to_string()).collect();
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
    use crate::auth::sign_in::{Choice, Door, sign_in};
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

    async fn password(db: &Db, choice: Choice, now: i64) -> SignedIn {
        let email = Email::parse(PRIMARY_EMAIL).unwrap();
        let door = (Door::Everyone, choice);
        sign_in(
            db,
            &email,
            PASSWORD.into(),
            door,
            &client(),
            Locale::en,
            now,
        )
        .await
        .unwrap()
    }

    /// The token of a sign-in that was asked to choose.
    async fn asked(db: &Db, choice: Choice, now: i64) -> String {
        match password(db, choice, now).await {
            SignedIn::ChooseAccount(token) => token.as_str().to_owned(),
            _ => panic!("the sign-in went on without a choice"),
        }
    }

    async fn pick(db: &Db, token: &str, user: UserId, default: bool) -> Result<SignedIn, AppError> {
        choose(db, token, user, default, &client(), Locale::en, NOW).await
    }

    #[tokio::test]
    async fn a_password_that_opens_two_accounts_asks_which_and_the_choice_works_once() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let first = test_account(&db).await;
            let second = other_account(&db, "Beta Org", PRIMARY_EMAIL).await;
            let token = asked(&db, Choice::TheDefault, NOW).await;
            let offered = offered(&db, &token, NOW).await.unwrap();
            let names: Vec<&str> = offered
                .iter()
                .map(|choice| choice.account.as_str())
                .collect();
            assert_eq!(names, ["Beta Org", "Test Org"], "{url}");
            assert!(offered.iter().all(|choice| !choice.is_default), "{url}");

            let chosen = pick(&db, &token, second.primary_admin_id, false)
                .await
                .unwrap();
            assert!(
                matches!(chosen, SignedIn::Session(_, Access::Console)),
                "{url}"
            );
            let (account,): (AccountId,) = sqlx::query_as("SELECT account_id FROM sessions")
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert_eq!(account, second.account_id, "{url}");
            assert_eq!(audited_actions(&db).await, ["user.account_chosen"], "{url}");
            let again = pick(&db, &token, first.primary_admin_id, false).await;
            assert!(matches!(again, Err(AppError::Unauthenticated)), "{url}");
            let gone = offered_now(&db, &token).await;
            assert!(matches!(gone, Err(AppError::Unauthenticated)), "{url}");
        }
    }

    async fn offered_now(db: &Db, token: &str) -> Result<Vec<AccountChoice>, AppError> {
        offered(db, token, NOW).await
    }

    #[tokio::test]
    async fn a_default_account_is_signed_in_to_without_asking_unless_asked_to_choose() {
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
            let token = asked(&db, Choice::TheDefault, NOW).await;
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

            let direct = password(&db, Choice::TheDefault, NOW + 1).await;
            assert!(matches!(direct, SignedIn::Session(..)), "{url}");
            let switching = asked(&db, Choice::Ask, NOW + 2).await;
            let offered = offered(&db, &switching, NOW + 2).await.unwrap();
            let defaults: Vec<&str> = offered
                .iter()
                .filter(|choice| choice.is_default)
                .map(|choice| choice.account.as_str())
                .collect();
            assert_eq!(defaults, ["Beta Org"], "{url}");
        }
    }

    #[tokio::test]
    async fn an_account_the_choice_did_not_offer_is_refused_and_the_choice_stays_open() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let first = test_account(&db).await;
            other_account(&db, "Beta Org", PRIMARY_EMAIL).await;
            let stranger = other_account(&db, "Gamma Org", "gamma@example.com").await;
            let token = asked(&db, Choice::TheDefault, NOW).await;
            let refused = pick(&db, &token, stranger.primary_admin_id, false).await;
            assert!(
                matches!(refused, Err(AppError::Invalid { .. })),
                "{url}: another person's account"
            );
            let chosen = pick(&db, &token, first.primary_admin_id, false).await;
            assert!(chosen.is_ok(), "{url}");
            let late = asked(&db, Choice::TheDefault, NOW).await;
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
            let token = asked(&db, Choice::TheDefault, NOW).await;
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
