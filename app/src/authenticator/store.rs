//! The SQL of authenticator apps: a secret set up and confirmed by a code, recovery codes
//! renewed, the app removed by its person or reset by an admin (with an e-mail), and a
//! code or recovery code accepted once at sign-in. Every change is audited in its own
//! transaction.

use super::codes::{self, new_recovery_codes, recovery_digest};
use super::{AuthenticatorStatus, NewAuthenticator};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::principal::{Actor, Grant, OwnAccount, UsersUpdate};
use crate::db::Db;
use crate::domain::{AccountId, Email, UserId};
use crate::error::{AppError, Clash, Problem};
use crate::i18n::Locale;
use crate::mail::message::second_factor_reset;
use crate::mail::outbox;
use crate::secret_box::SecretKey;
use sqlx::{Any, Transaction};
use std::net::IpAddr;

/// The key secrets are sealed with, or 409 `no_secret_key` when the server has none.
fn key_or_refuse(key: Option<&SecretKey>) -> Result<&SecretKey, AppError> {
    key.ok_or(AppError::Conflict {
        clash: Clash::NoSecretKey,
    })
}

fn no_authenticator() -> AppError {
    AppError::Conflict {
        clash: Clash::NoAuthenticator,
    }
}

#[derive(sqlx::FromRow)]
struct Kept {
    secret_sealed: String,
    confirmed_at: Option<i64>,
}

async fn kept(tx: &mut Transaction<'_, Any>, user: UserId) -> Result<Option<Kept>, AppError> {
    Ok(
        sqlx::query_as("SELECT secret_sealed, confirmed_at FROM authenticators WHERE user_id = $1")
            .bind(user)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

fn event(action: AuditAction, user: UserId, email: &Email) -> AuditEvent {
    AuditEvent {
        action,
        target: AuditTarget::User(user),
        target_label: email.to_string(),
        before: None,
        after: None,
    }
}

/// Replaces the user's recovery codes with new ones, which are answered once.
async fn issue_recovery_codes(
    tx: &mut Transaction<'_, Any>,
    user: UserId,
) -> Result<Vec<String>, AppError> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user)
        .execute(&mut **tx)
        .await?;
    let fresh = new_recovery_codes();
    for code in &fresh {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user)
            .bind(recovery_digest(user, code))
            .execute(&mut **tx)
            .await?;
    }
    Ok(fresh)
}

/// Whether the signed-in user's app is on, and how many recovery codes they have left.
pub async fn status(
    db: &Db,
    grant: &Grant<OwnAccount>,
    can_keep_secrets: bool,
) -> Result<AuthenticatorStatus, AppError> {
    let (on_since, codes_left): (Option<i64>, i64) = sqlx::query_as(
        "SELECT (SELECT confirmed_at FROM authenticators WHERE user_id = $1),
                (SELECT COUNT(*) FROM recovery_codes WHERE user_id = $2)",
    )
    .bind(grant.actor_id())
    .bind(grant.actor_id())
    .fetch_one(db.pool())
    .await?;
    Ok(AuthenticatorStatus {
        on_since,
        recovery_codes_left: u32::try_from(codes_left).unwrap_or(0),
        can_keep_secrets,
    })
}

/// Starts setting up an app for the signed-in user: a new secret, sealed, replacing one
/// set up before but never confirmed; 409 while an app is on. The answer carries the
/// secret for the app, which lists it as "Roster (the account's name)".
pub async fn begin(
    db: &Db,
    grant: &Grant<OwnAccount>,
    key: Option<&SecretKey>,
    now: i64,
) -> Result<NewAuthenticator, AppError> {
    let key = key_or_refuse(key)?;
    let user = grant.actor_id();
    let mut tx = db.write().await?;
    if kept(&mut tx, user)
        .await?
        .is_some_and(|kept| kept.confirmed_at.is_some())
    {
        return Err(AppError::Conflict {
            clash: Clash::AuthenticatorOn,
        });
    }
    let secret = codes::new_secret();
    sqlx::query(
        "INSERT INTO authenticators (user_id, secret_sealed, created_at, confirmed_at, last_step)
         VALUES ($1, $2, $3, NULL, 0)
         ON CONFLICT (user_id) DO UPDATE SET secret_sealed = excluded.secret_sealed,
             created_at = excluded.created_at, confirmed_at = NULL, last_step = 0",
    )
    .bind(user)
    .bind(key.seal(&secret))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let (account,): (String,) = sqlx::query_as("SELECT name FROM accounts WHERE id = $1")
        .bind(grant.account_id())
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    let issuer = format!("Roster ({account})");
    let label = grant.actor().email.to_string();
    let address = codes::otpauth_address(&secret, &issuer, &label).ok_or(AppError::Internal)?;
    let qr_image = codes::qr_image(&address).ok_or(AppError::Internal)?;
    Ok(NewAuthenticator {
        key: secret,
        address,
        qr_image,
    })
}

/// Turns on the app being set up once `typed` is a code it shows now, and answers the
/// user's first recovery codes. 400 `not_the_apps_code` for any other code; 409 when
/// nothing is being set up.
pub async fn confirm(
    db: &Db,
    grant: &Grant<OwnAccount>,
    key: Option<&SecretKey>,
    typed: &str,
    now: i64,
) -> Result<Vec<String>, AppError> {
    let key = key_or_refuse(key)?;
    let user = grant.actor_id();
    let mut tx = db.write().await?;
    let pending = kept(&mut tx, user)
        .await?
        .filter(|kept| kept.confirmed_at.is_none())
        .ok_or_else(no_authenticator)?;
    let secret = key
        .open(&pending.secret_sealed)
        .map_err(|_| AppError::Internal)?;
    let typed: String = typed.chars().filter(char::is_ascii_digit).take(7).collect();
    let step = codes::step_of(&secret, &typed, now)
        .ok_or_else(|| AppError::invalid("code", Problem::NotTheAppsCode))?;
    // Only the secret read above, still unconfirmed: another tab may have begun anew.
    let confirmed = sqlx::query(
        "UPDATE authenticators SET confirmed_at = $1, last_step = $2
         WHERE user_id = $3 AND confirmed_at IS NULL AND secret_sealed = $4",
    )
    .bind(now)
    .bind(step)
    .bind(user)
    .bind(&pending.secret_sealed)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if confirmed != 1 {
        return Err(no_authenticator());
    }
    let fresh = issue_recovery_codes(&mut tx, user).await?;
    let email = &grant.actor().email;
    let added = event(AuditAction::AuthenticatorAdded, user, email);
    audit::record(&mut tx, grant.actor(), now, &[added]).await?;
    tx.commit().await?;
    Ok(fresh)
}

/// New recovery codes for the signed-in user in place of the old; 409 without an app.
pub async fn renew_recovery_codes(
    db: &Db,
    grant: &Grant<OwnAccount>,
    now: i64,
) -> Result<Vec<String>, AppError> {
    let user = grant.actor_id();
    let mut tx = db.write().await?;
    // Takes the app's row first, so two renewals one after the other leave ten codes.
    let on = sqlx::query(
        "UPDATE authenticators SET last_step = last_step
         WHERE user_id = $1 AND confirmed_at IS NOT NULL",
    )
    .bind(user)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if on != 1 {
        return Err(no_authenticator());
    }
    let fresh = issue_recovery_codes(&mut tx, user).await?;
    let email = &grant.actor().email;
    let renewed = event(AuditAction::RecoveryCodesRenewed, user, email);
    audit::record(&mut tx, grant.actor(), now, &[renewed]).await?;
    tx.commit().await?;
    Ok(fresh)
}

/// Takes away `user`'s app and recovery codes in `tx`; false when they had no app on.
async fn take_away(tx: &mut Transaction<'_, Any>, user: UserId) -> Result<bool, AppError> {
    let removed = sqlx::query("DELETE FROM authenticators WHERE user_id = $1")
        .bind(user)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user)
        .execute(&mut **tx)
        .await?;
    Ok(removed == 1)
}

/// The signed-in user removes their app; 409 when they have none on.
pub async fn remove_own(db: &Db, grant: &Grant<OwnAccount>, now: i64) -> Result<(), AppError> {
    let user = grant.actor_id();
    let mut tx = db.write().await?;
    let was_on = kept(&mut tx, user)
        .await?
        .is_some_and(|kept| kept.confirmed_at.is_some());
    if !was_on || !take_away(&mut tx, user).await? {
        return Err(no_authenticator());
    }
    let email = &grant.actor().email;
    let removed = event(AuditAction::AuthenticatorRemoved, user, email);
    audit::record(&mut tx, grant.actor(), now, &[removed]).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Holder {
    account_id: AccountId,
    #[sqlx(try_from = "String")]
    email: Email,
    first_name: String,
    account_name: String,
    is_primary_admin: i64,
    confirmed_at: Option<i64>,
}

/// An admin removes user `user`'s app and recovery codes and the user is e-mailed in
/// `locale`: 404 for a user the account does not have, 409 when they have no app on or
/// are the admin themself (their own page removes it), 403 for the Primary Admin's
/// unless `by_primary_admin`. Answers the address the e-mail went to.
pub async fn reset(
    db: &Db,
    (grant, by_primary_admin): (&Grant<UsersUpdate>, bool),
    user: UserId,
    locale: Locale,
    now: i64,
) -> Result<Email, AppError> {
    if user == grant.actor_id() {
        // One's own goes on "My account", where a recent sign-in is asked.
        return Err(AppError::Conflict {
            clash: Clash::ResetYourOwnOnYourPage,
        });
    }
    let mut tx = db.write().await?;
    let holder: Holder = sqlx::query_as(
        "SELECT u.account_id, u.email, u.first_name, a.name AS account_name,
                u.is_primary_admin,
                (SELECT confirmed_at FROM authenticators WHERE user_id = u.id) AS confirmed_at
         FROM users u JOIN accounts a ON a.id = u.account_id
         WHERE u.account_id = $1 AND u.id = $2",
    )
    .bind(grant.account_id())
    .bind(user)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::unknown_user(user.get()))?;
    if holder.is_primary_admin != 0 && !by_primary_admin {
        return Err(AppError::Forbidden {
            denied: crate::error::Denied::PrimaryAdminOnly,
        });
    }
    if holder.confirmed_at.is_none() || !take_away(&mut tx, user).await? {
        return Err(no_authenticator());
    }
    let mail = second_factor_reset(
        locale,
        holder.email.clone(),
        &holder.account_name,
        &holder.first_name,
    );
    outbox::enqueue(&mut tx, holder.account_id, &mail, now).await?;
    let reset = event(AuditAction::SecondFactorReset, user, &holder.email);
    audit::record(&mut tx, grant.actor(), now, &[reset]).await?;
    tx.commit().await?;
    Ok(holder.email)
}

/// Whether `user` has an app on (their sign-in then asks for its code).
pub(crate) async fn is_on(tx: &mut Transaction<'_, Any>, user: UserId) -> Result<bool, AppError> {
    Ok(kept(tx, user)
        .await?
        .is_some_and(|kept| kept.confirmed_at.is_some()))
}

/// At sign-in, in `tx`: whether `typed` (without spaces or dashes) is a code `user`'s
/// app shows now and no earlier sign-in used, or one of their unused recovery codes.
/// Either is spent here; a recovery code's use is audited as the user's own act.
pub(crate) async fn accept_at_sign_in(
    tx: &mut Transaction<'_, Any>,
    user: UserId,
    typed: &str,
    key: Option<&SecretKey>,
    addr: Option<IpAddr>,
    now: i64,
) -> Result<bool, AppError> {
    let Some(app) = kept(tx, user)
        .await?
        .filter(|kept| kept.confirmed_at.is_some())
    else {
        return Ok(false);
    };
    if codes::is_app_code(typed) {
        let secret = key_or_refuse(key)?
            .open(&app.secret_sealed)
            .map_err(|_| AppError::Internal)?;
        let Some(step) = codes::step_of(&secret, typed, now) else {
            return Ok(false);
        };
        let spent = sqlx::query(
            "UPDATE authenticators SET last_step = $1 WHERE user_id = $2 AND last_step < $3",
        )
        .bind(step)
        .bind(user)
        .bind(step)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        return Ok(spent == 1);
    }
    let spent = sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1 AND code_hash = $2")
        .bind(user)
        .bind(recovery_digest(user, typed))
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if spent != 1 {
        return Ok(false);
    }
    let actor = Actor::of_user(tx, user, addr).await?;
    let used = event(AuditAction::RecoveryCodeUsed, user, &actor.email);
    audit::record(tx, &actor, now, &[used]).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::CreatedAccount;
    use crate::accounts::DefaultRole;
    use crate::auth::access::Access;
    use crate::auth::session::Client;
    use crate::auth::sign_in::SignedIn;
    use crate::auth::sign_in_code::{self, SecondStep};
    use crate::domain::UserStatus;
    use crate::testing::fixtures::{
        NOW, PRIMARY_EMAIL, add_admin, add_member, audited_actions, other_account,
        password_sign_in, signed_in, test_account,
    };
    use crate::testing::scratch::database_urls;
    use totp_rs::{Builder, Secret};

    /// The code the app shows for `key` at `now`, as a person's phone computes it.
    fn app_code(key: &str, now: i64) -> String {
        Builder::new()
            .with_secret(Secret::try_from_base32(key).unwrap())
            .build()
            .unwrap()
            .generate(u64::try_from(now).unwrap())
            .to_string()
    }

    fn client() -> Client {
        Client {
            user_agent: "test".into(),
            ip: None,
        }
    }

    /// The Primary Admin's own grant, as their session gives it.
    async fn own_grant(db: &Db) -> Grant<OwnAccount> {
        let account = test_account(db).await;
        signed_in(db, &account, account.primary_admin_id)
            .await
            .1
            .own_account_grant()
    }

    /// An app turned on by `user` of `account`: their grant, its key and recovery codes.
    async fn app_for(
        db: &Db,
        key: &SecretKey,
        account: &CreatedAccount,
        user: UserId,
    ) -> (Grant<OwnAccount>, String, Vec<String>) {
        let grant = signed_in(db, account, user).await.1.own_account_grant();
        let new = begin(db, &grant, Some(key), NOW).await.unwrap();
        let codes = confirm(db, &grant, Some(key), &app_code(&new.key, NOW), NOW)
            .await
            .unwrap();
        (grant, new.key, codes)
    }

    /// The app turned on for the Primary Admin of a new account.
    async fn turned_on(db: &Db, key: &SecretKey) -> (Grant<OwnAccount>, String, Vec<String>) {
        let account = test_account(db).await;
        app_for(db, key, &account, account.primary_admin_id).await
    }

    async fn password_step(db: &Db, now: i64) -> SignedIn {
        password_sign_in(db, PRIMARY_EMAIL, now).await
    }

    async fn give(
        db: &Db,
        key: &SecretKey,
        token: &str,
        code: &str,
        now: i64,
    ) -> Result<Access, AppError> {
        let client = client();
        let confirmed = sign_in_code::confirm(db, token, code, Some(key), &client, Locale::en, now);
        confirmed.await.map(|(_, access)| access)
    }

    async fn count(db: &Db, sql: &str) -> i64 {
        let (count,): (i64,) = sqlx::query_as(sql).fetch_one(db.pool()).await.unwrap();
        count
    }

    #[tokio::test]
    async fn an_app_counts_only_once_a_code_from_it_is_given_and_yields_ten_recovery_codes() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let key = SecretKey::generate();
            let grant = own_grant(&db).await;
            let new = begin(&db, &grant, Some(&key), NOW).await.unwrap();
            assert!(new.address.contains(&new.key), "{url}");
            let (sealed,): (String,) = sqlx::query_as("SELECT secret_sealed FROM authenticators")
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert!(
                !sealed.contains(&new.key),
                "{url}: the secret is kept sealed"
            );
            assert_eq!(status(&db, &grant, true).await.unwrap().on_since, None);

            let wrong = app_code(&new.key, NOW + 600);
            let refused = confirm(&db, &grant, Some(&key), &wrong, NOW).await;
            assert_eq!(
                refused,
                Err(AppError::invalid("code", Problem::NotTheAppsCode)),
                "{url}"
            );
            let codes = confirm(&db, &grant, Some(&key), &app_code(&new.key, NOW), NOW)
                .await
                .unwrap();
            assert_eq!(codes.len(), 10, "{url}");
            let mine = status(&db, &grant, true).await.unwrap();
            assert_eq!(
                (mine.on_since, mine.recovery_codes_left),
                (Some(NOW), 10),
                "{url}"
            );
            let again = begin(&db, &grant, Some(&key), NOW).await;
            let on = Err(AppError::Conflict {
                clash: Clash::AuthenticatorOn,
            });
            assert_eq!(again.map(|_| ()), on, "{url}");
            assert_eq!(
                audited_actions(&db).await,
                ["user.authenticator_added"],
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn without_a_key_no_app_can_be_set_up() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let grant = own_grant(&db).await;
            let refused = begin(&db, &grant, None, NOW).await.map(|_| ());
            assert_eq!(
                refused,
                Err(AppError::Conflict {
                    clash: Clash::NoSecretKey
                }),
                "{url}"
            );
            assert_eq!(count(&db, "SELECT COUNT(*) FROM authenticators").await, 0);
        }
    }

    #[tokio::test]
    async fn with_an_app_on_sign_in_asks_its_code_which_works_once() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let key = SecretKey::generate();
            let (_, secret, _) = turned_on(&db, &key).await;
            let later = NOW + 90;
            let SignedIn::CodeAsked(token, SecondStep::App) = password_step(&db, later).await
            else {
                panic!("{url}: the app's code is asked, whatever the policy");
            };
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM outbox").await,
                0,
                "{url}: no e-mail"
            );
            let code = app_code(&secret, later);
            let access = give(&db, &key, token.as_str(), &code, later).await;
            assert_eq!(access, Ok(Access::Console), "{url}");

            let SignedIn::CodeAsked(second, _) = password_step(&db, later + 5).await else {
                panic!("{url}: asked again");
            };
            let replayed = give(&db, &key, second.as_str(), &code, later + 5).await;
            assert_eq!(
                replayed,
                Err(AppError::WrongCode),
                "{url}: a code works once"
            );
            let failures = "SELECT failed_sign_ins FROM users WHERE is_primary_admin = 1";
            assert_eq!(
                count(&db, failures).await,
                1,
                "{url}: and counts towards the lock"
            );
            let next = app_code(&secret, later + 30);
            let access = give(&db, &key, second.as_str(), &next, later + 30).await;
            assert_eq!(access, Ok(Access::Console), "{url}");
        }
    }

    #[tokio::test]
    async fn a_recovery_code_stands_in_for_the_app_once_and_is_audited() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let key = SecretKey::generate();
            let (grant, _, codes) = turned_on(&db, &key).await;
            let SignedIn::CodeAsked(token, _) = password_step(&db, NOW).await else {
                panic!("{url}: asked");
            };
            let typed = codes[3].to_uppercase().replace('-', " ");
            assert_eq!(
                give(&db, &key, token.as_str(), &typed, NOW).await,
                Ok(Access::Console)
            );
            let SignedIn::CodeAsked(token, _) = password_step(&db, NOW + 1).await else {
                panic!("{url}: asked");
            };
            let spent = give(&db, &key, token.as_str(), &codes[3], NOW + 1).await;
            assert_eq!(spent, Err(AppError::WrongCode), "{url}");
            assert_eq!(
                status(&db, &grant, true).await.unwrap().recovery_codes_left,
                9
            );
            let actions = audited_actions(&db).await;
            assert_eq!(
                actions[actions.len() - 2..],
                ["user.recovery_code_used", "user.signed_in"]
            );

            let renewed = renew_recovery_codes(&db, &grant, NOW + 2).await.unwrap();
            assert!(!renewed.contains(&codes[4]), "{url}");
            let SignedIn::CodeAsked(token, _) = password_step(&db, NOW + 3).await else {
                panic!("{url}: asked");
            };
            let old = give(&db, &key, token.as_str(), &codes[4], NOW + 3).await;
            assert_eq!(
                old,
                Err(AppError::WrongCode),
                "{url}: renewing voids the old codes"
            );
            assert_eq!(
                status(&db, &grant, true).await.unwrap().recovery_codes_left,
                10
            );
        }
    }

    #[tokio::test]
    async fn removing_the_app_brings_back_the_accounts_policy() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let key = SecretKey::generate();
            let (grant, _, _) = turned_on(&db, &key).await;
            remove_own(&db, &grant, NOW).await.unwrap();
            assert!(
                matches!(password_step(&db, NOW).await, SignedIn::Session(..)),
                "{url}"
            );
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM recovery_codes").await,
                0,
                "{url}"
            );
            let none = remove_own(&db, &grant, NOW).await;
            assert_eq!(none, Err(no_authenticator()), "{url}");
        }
    }

    #[tokio::test]
    async fn an_admin_resets_a_users_app_in_their_account_only_and_the_user_is_told() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let key = SecretKey::generate();
            let account = test_account(&db).await;
            let member = add_member(&db, &account, "Mia", "mia@example.com", UserStatus::Active);
            let user = member.await;
            app_for(&db, &key, &account, user).await;
            let admin = signed_in(&db, &account, account.primary_admin_id).await.1;
            let grant = admin.grant::<UsersUpdate>().unwrap();

            let sent = reset(&db, (&grant, true), user, Locale::en, NOW)
                .await
                .unwrap();
            assert_eq!(sent.as_str(), "mia@example.com", "{url}");
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM authenticators").await,
                0,
                "{url}"
            );
            assert_eq!(count(&db, "SELECT COUNT(*) FROM outbox").await, 1, "{url}");
            let actions = audited_actions(&db).await;
            assert_eq!(
                actions.last().map(String::as_str),
                Some("user.second_factor_reset")
            );
            let twice = reset(&db, (&grant, true), user, Locale::en, NOW).await;
            assert_eq!(twice, Err(no_authenticator()), "{url}");
            let nia = add_member(&db, &account, "Nia", "nia@example.com", UserStatus::Active);
            let without = reset(&db, (&grant, true), nia.await, Locale::en, NOW).await;
            assert_eq!(without, Err(no_authenticator()), "{url}");

            let own = reset(
                &db,
                (&grant, true),
                account.primary_admin_id,
                Locale::en,
                NOW,
            );
            let yours = Err(AppError::Conflict {
                clash: Clash::ResetYourOwnOnYourPage,
            });
            assert_eq!(own.await, yours, "{url}: one's own goes on one's own page");
            let (_, _, _) = app_for(&db, &key, &account, account.primary_admin_id).await;
            let another_admin =
                add_admin(&db, &account, "ma@example.com", DefaultRole::MasterAdmin).await;
            let another_admin = signed_in(&db, &account, another_admin).await.1;
            let theirs = another_admin.grant::<UsersUpdate>().unwrap();
            let primarys = reset(
                &db,
                (&theirs, false),
                account.primary_admin_id,
                Locale::en,
                NOW,
            );
            let only_primary = Err(AppError::Forbidden {
                denied: crate::error::Denied::PrimaryAdminOnly,
            });
            assert_eq!(primarys.await, only_primary, "{url}");

            let other = other_account(&db, "Other Org", "boss@other.example").await;
            let stranger = signed_in(&db, &other, other.primary_admin_id).await.1;
            let theirs = stranger.grant::<UsersUpdate>().unwrap();
            let elsewhere = reset(&db, (&theirs, true), user, Locale::en, NOW).await;
            assert_eq!(elsewhere, Err(AppError::unknown_user(user.get())), "{url}");
        }
    }
}
