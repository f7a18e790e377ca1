//! The second step of a two-factor sign-in: a 6-digit code e-mailed after a right
//! password, or, for a person with an authenticator app, its code or one of their
//! recovery codes (checked by `authenticator::store`). The browser holds the challenge's 256-bit token in a short-lived cookie and
//! the person's mailbox holds the code; the database keeps only the token's digest and a
//! digest of the code keyed by the token, so a copy of it neither names a challenge nor
//! lets anyone search the million codes offline. A code is valid 10 minutes, works once,
//! allows 5 tries, and a new one replaces the old. Every wrong code counts towards the
//! user's lock as a wrong password does; a wrong, spent and expired code read the same.

use super::access::{Access, AccessColumns};
use super::link_token::{self, LinkToken};
use super::lockout;
use super::session::{Client, SessionToken};
use super::sign_in::open_session;
use crate::authenticator::store::accept_at_sign_in;
use crate::db::Db;
use crate::domain::{AccountId, Email, UserId};
use crate::error::{AppError, Clash};
use crate::i18n::Locale;
use crate::mail::message::{SignInCode, sign_in_code};
use crate::mail::outbox;
use crate::secret_box::SecretKey;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};

/// The cookie that names the challenge to the browser between the two steps, over
/// plain http and (`__Host-` prefixed, see the session cookie) when cookies are Secure.
pub const CHALLENGE_COOKIE: &str = "roster_sign_in";
pub const SECURE_CHALLENGE_COOKIE: &str = "__Host-roster_sign_in";

pub fn challenge_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_CHALLENGE_COOKIE
    } else {
        CHALLENGE_COOKIE
    }
}
/// How long a code is valid.
pub const CODE_MINUTES: i64 = 10;
/// Wrong codes after which the challenge is spent.
pub const MAX_TRIES: i64 = 5;
/// A new code is sent at most this often, so a mailbox cannot be flooded.
pub const RESEND_AFTER_SECS: i64 = 60;

/// Six random digits, each value equally likely.
fn new_code() -> String {
    // The largest multiple of a million that fits in a u32: values above it would make
    // the low codes likelier.
    const LIMIT: u32 = 4_294_000_000;
    loop {
        let value = OsRng.next_u32();
        if value < LIMIT {
            return format!("{:06}", value % 1_000_000);
        }
    }
}

/// What is kept of `code`: keyed by the challenge's token, which the database never holds.
fn code_digest(token: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{token}:{code}").as_bytes()))
}

/// The code as typed, without the spaces and dashes people add to read it.
fn typed_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .take(16)
        .collect()
}

/// The `Set-Cookie` value that hands the challenge to the browser, or removes it.
pub fn challenge_cookie(token: Option<&LinkToken>, secure: bool) -> String {
    let name = challenge_cookie_name(secure);
    link_token::step_cookie(name, token, secure, CODE_MINUTES)
}

/// Where the code of a challenge comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondStep {
    /// An e-mail to the person.
    EmailedCode,
    /// Their authenticator app (or, when it is lost, a recovery code).
    App,
}

/// Opens a challenge for `user` in `tx`, replacing any earlier one: answered from their
/// authenticator app when they have one on, otherwise by a code in the e-mail queued
/// here. Answers the token the browser keeps, and where the code comes from.
pub(crate) async fn open(
    tx: &mut Transaction<'_, Any>,
    user: UserId,
    locale: Locale,
    now: i64,
) -> Result<(LinkToken, SecondStep), AppError> {
    let token = LinkToken::generate();
    let by_app = crate::authenticator::store::is_on(tx, user).await?;
    let code = (!by_app).then(new_code);
    sqlx::query(
        "INSERT INTO sign_in_codes
             (user_id, token_hash, code_hash, tries, sent_at, expires_at, by_app)
         VALUES ($1, $2, $3, 0, $4, $5, $6)
         ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash,
             code_hash = excluded.code_hash, tries = 0, sent_at = excluded.sent_at,
             expires_at = excluded.expires_at, by_app = excluded.by_app",
    )
    .bind(user)
    .bind(token.digest())
    .bind(
        code.as_deref()
            .map(|code| code_digest(token.as_str(), code))
            .unwrap_or_default(),
    )
    .bind(now)
    .bind(now + CODE_MINUTES * 60)
    .bind(i64::from(by_app))
    .execute(&mut **tx)
    .await?;
    match code {
        Some(code) => {
            mail_code(tx, user, &code, locale, now).await?;
            Ok((token, SecondStep::EmailedCode))
        }
        None => Ok((token, SecondStep::App)),
    }
}

#[derive(sqlx::FromRow)]
struct Recipient {
    account_id: AccountId,
    #[sqlx(try_from = "String")]
    email: Email,
    first_name: String,
    account_name: String,
}

async fn mail_code(
    tx: &mut Transaction<'_, Any>,
    user: UserId,
    code: &str,
    locale: Locale,
    now: i64,
) -> Result<(), AppError> {
    let to: Recipient = sqlx::query_as(
        "SELECT u.account_id, u.email, u.first_name, a.name AS account_name
         FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = $1",
    )
    .bind(user)
    .fetch_one(&mut **tx)
    .await?;
    let message = SignInCode {
        account: &to.account_name,
        first_name: &to.first_name,
        code,
        valid_minutes: CODE_MINUTES,
    };
    let mail = sign_in_code(locale, to.email, &message);
    outbox::enqueue(tx, to.account_id, &mail, now).await?;
    Ok(())
}

/// Sends a new code for the live challenge `token`, which replaces the old one and
/// gives back the tries. 409 within a minute of the last code; a spent or expired
/// challenge, and one answered from an app, read as a wrong code.
pub async fn resend(db: &Db, token: &str, locale: Locale, now: i64) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    let live: Option<(UserId, i64)> = sqlx::query_as(
        "SELECT user_id, sent_at FROM sign_in_codes
         WHERE token_hash = $1 AND expires_at > $2 AND tries < $3 AND by_app = 0",
    )
    .bind(link_token::digest(token))
    .bind(now)
    .bind(MAX_TRIES)
    .fetch_optional(&mut *tx)
    .await?;
    let (user, sent_at) = live.ok_or(AppError::WrongCode)?;
    if now - sent_at < RESEND_AFTER_SECS {
        return Err(AppError::Conflict {
            clash: Clash::CodeJustSent {
                retry_after_secs: u32::try_from(RESEND_AFTER_SECS - (now - sent_at)).unwrap_or(1),
            },
        });
    }
    let code = new_code();
    let replaced = sqlx::query(
        "UPDATE sign_in_codes SET code_hash = $1, tries = 0, sent_at = $2, expires_at = $3
         WHERE user_id = $4 AND sent_at = $5",
    )
    .bind(code_digest(token, &code))
    .bind(now)
    .bind(now + CODE_MINUTES * 60)
    .bind(user)
    .bind(sent_at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if replaced == 1 {
        mail_code(&mut tx, user, &code, locale, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Pending {
    user_id: UserId,
    code_hash: String,
    by_app: i64,
}

#[derive(sqlx::FromRow)]
struct Signer {
    account_id: AccountId,
    #[sqlx(flatten)]
    may: AccessColumns,
}

/// Ends the challenge `token` with `typed`, the code the person gave: the right code
/// (from the e-mail, or from their app or a recovery code, opened with `key`) starts
/// their session (once); a wrong one uses a try and counts towards their lock. A person
/// locked or suspended meanwhile gets no session.
pub async fn confirm(
    db: &Db,
    token: &str,
    typed: &str,
    key: Option<&SecretKey>,
    client: &Client,
    locale: Locale,
    now: i64,
) -> Result<(SessionToken, Access), AppError> {
    let pending: Option<Pending> = sqlx::query_as(
        "SELECT user_id, code_hash, by_app FROM sign_in_codes
         WHERE token_hash = $1 AND expires_at > $2 AND tries < $3",
    )
    .bind(link_token::digest(token))
    .bind(now)
    .bind(MAX_TRIES)
    .fetch_optional(db.pool())
    .await?;
    let pending = pending.ok_or(AppError::WrongCode)?;
    let typed = typed_code(typed);
    let mut tx = db.write().await?;
    let right = if pending.by_app == 0 {
        code_digest(token, &typed) == pending.code_hash
    } else {
        let user = pending.user_id;
        accept_at_sign_in(&mut tx, user, &typed, key, client.ip, now).await?
    };
    if !right {
        drop(tx);
        sqlx::query("UPDATE sign_in_codes SET tries = tries + 1 WHERE user_id = $1")
            .bind(pending.user_id)
            .execute(db.pool())
            .await?;
        lockout::record_failure(db, pending.user_id, client.ip, locale, now).await?;
        return Err(AppError::WrongCode);
    }
    // Only one request may spend the code, and only while it is still live.
    let spent = sqlx::query(
        "DELETE FROM sign_in_codes
         WHERE user_id = $1 AND code_hash = $2 AND expires_at > $3 AND tries < $4",
    )
    .bind(pending.user_id)
    .bind(&pending.code_hash)
    .bind(now)
    .bind(MAX_TRIES)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let signer: Signer = sqlx::query_as(
        "SELECT u.account_id, u.status, u.is_primary_admin, r.is_admin AS role_is_admin
         FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = $1",
    )
    .bind(pending.user_id)
    .fetch_one(&mut *tx)
    .await?;
    let access = signer.may.access();
    if spent != 1 || access == Access::None {
        return Err(AppError::WrongCode);
    }
    let session = open_session(&mut tx, pending.user_id, signer.account_id, client, now).await?;
    tx.commit().await?;
    Ok((session, access))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_vary() {
        let codes: Vec<String> = (0..50).map(|_| new_code()).collect();
        assert!(
            codes
                .iter()
                .all(|code| code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()))
        );
        assert!(codes.iter().any(|code| *code != codes[0]));
    }

    #[test]
    fn a_code_is_kept_only_as_a_digest_keyed_by_its_token() {
        let kept = code_digest("token-one", "123456");
        assert_ne!(kept, code_digest("token-two", "123456"));
        assert_ne!(kept, code_digest("token-one", "123457"));
        assert!(!kept.contains("123456"));
    }

    #[test]
    fn spaces_and_dashes_people_type_are_ignored() {
        assert_eq!(typed_code(" 123 456 "), "123456");
        assert_eq!(typed_code("123-456"), "123456");
        assert_eq!(typed_code(&"9".repeat(1000)).len(), 16);
    }

    #[test]
    fn the_challenge_cookie_is_http_only_strict_and_lives_as_long_as_the_code() {
        let token = LinkToken::generate();
        let cookie = challenge_cookie(Some(&token), true);
        assert!(cookie.starts_with(&format!("{SECURE_CHALLENGE_COOKIE}={}", token.as_str())));
        for part in ["HttpOnly", "SameSite=Strict", "Secure", "Max-Age=600"] {
            assert!(cookie.contains(part), "{cookie}");
        }
        let removal = challenge_cookie(None, false);
        assert!(
            removal.starts_with(&format!("{CHALLENGE_COOKIE}=;")) && removal.contains("Max-Age=0")
        );
    }

    mod stored {
        use super::super::*;
        use crate::auth::sign_in::SignedIn;
        use crate::domain::UserStatus;
        use crate::settings::sign_in_security::TwoFactor;
        use crate::testing::fixtures::{
            NOW, PRIMARY_EMAIL, add_member, password_sign_in, test_account,
        };
        use crate::testing::scratch::database_urls;

        fn client() -> Client {
            Client {
                user_agent: "test".into(),
                ip: None,
            }
        }

        async fn set_policy(db: &Db, policy: TwoFactor) {
            sqlx::query("UPDATE accounts SET two_factor = $1")
                .bind(policy.code())
                .execute(db.pool())
                .await
                .unwrap();
        }

        /// The challenge's token of a sign-in that was asked for a code.
        async fn challenged(db: &Db, email: &str, now: i64) -> String {
            match password_sign_in(db, email, now).await {
                SignedIn::CodeAsked(token, SecondStep::EmailedCode) => token.as_str().to_owned(),
                _ => panic!("{email} was not asked for an e-mailed code"),
            }
        }

        /// The code in the newest e-mail to `email`.
        async fn mailed_code(db: &Db, email: &str) -> String {
            let (text,): (String,) = sqlx::query_as(
                "SELECT text_body FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1",
            )
            .bind(email)
            .fetch_one(db.pool())
            .await
            .unwrap();
            text.lines()
                .find(|line| line.len() == 6 && line.bytes().all(|b| b.is_ascii_digit()))
                .expect("the e-mail carries a code")
                .to_owned()
        }

        async fn count(db: &Db, sql: &str) -> i64 {
            let (count,): (i64,) = sqlx::query_as(sql).fetch_one(db.pool()).await.unwrap();
            count
        }

        async fn give(
            db: &Db,
            token: &str,
            code: &str,
            now: i64,
        ) -> Result<(SessionToken, Access), AppError> {
            confirm(db, token, code, None, &client(), Locale::en, now).await
        }

        fn wrong_code(result: Result<(SessionToken, Access), AppError>) -> bool {
            matches!(result, Err(AppError::WrongCode))
        }

        #[tokio::test]
        async fn a_right_password_sends_a_code_and_only_the_code_starts_the_session_once() {
            for url in database_urls().await {
                let db = Db::connect(&url, 2).await.unwrap();
                test_account(&db).await;
                set_policy(&db, TwoFactor::Admins).await;
                let token = challenged(&db, PRIMARY_EMAIL, NOW).await;
                assert_eq!(
                    count(&db, "SELECT COUNT(*) FROM sessions").await,
                    0,
                    "{url}"
                );
                let (kept,): (String,) = sqlx::query_as("SELECT token_hash FROM sign_in_codes")
                    .fetch_one(db.pool())
                    .await
                    .unwrap();
                assert_eq!(kept, link_token::digest(&token), "{url}");

                let code = mailed_code(&db, PRIMARY_EMAIL).await;
                let spaced = format!("{} {}", &code[..3], &code[3..]);
                let (_, access) = give(&db, &token, &spaced, NOW + 30).await.unwrap();
                assert_eq!(access, Access::Console, "{url}");
                assert_eq!(
                    count(&db, "SELECT COUNT(*) FROM sessions").await,
                    1,
                    "{url}"
                );
                let again = give(&db, &token, &code, NOW + 31).await;
                assert!(wrong_code(again), "{url}: a code works once");
                assert_eq!(
                    count(&db, "SELECT COUNT(*) FROM sessions").await,
                    1,
                    "{url}"
                );
            }
        }

        #[tokio::test]
        async fn the_policy_asks_admins_only_or_everyone() {
            for url in database_urls().await {
                let db = Db::connect(&url, 2).await.unwrap();
                let account = test_account(&db).await;
                let member =
                    add_member(&db, &account, "Mia", "mia@example.com", UserStatus::Active).await;
                sqlx::query(
                    "UPDATE users SET password_hash =
                         (SELECT password_hash FROM users WHERE is_primary_admin = 1)
                     WHERE id = $1",
                )
                .bind(member)
                .execute(db.pool())
                .await
                .unwrap();
                set_policy(&db, TwoFactor::Admins).await;
                let member_signs_in = password_sign_in(&db, "mia@example.com", NOW).await;
                assert!(
                    matches!(member_signs_in, SignedIn::Session(_, Access::OwnAccount)),
                    "{url}"
                );
                set_policy(&db, TwoFactor::Everyone).await;
                challenged(&db, "mia@example.com", NOW).await;
                set_policy(&db, TwoFactor::Off).await;
                let admin_signs_in = password_sign_in(&db, PRIMARY_EMAIL, NOW).await;
                assert!(
                    matches!(admin_signs_in, SignedIn::Session(_, Access::Console)),
                    "{url}"
                );
            }
        }

        #[tokio::test]
        async fn wrong_codes_use_tries_count_towards_the_lock_and_the_fifth_locks() {
            for url in database_urls().await {
                let db = Db::connect(&url, 2).await.unwrap();
                test_account(&db).await;
                set_policy(&db, TwoFactor::Everyone).await;
                let token = challenged(&db, PRIMARY_EMAIL, NOW).await;
                let code = mailed_code(&db, PRIMARY_EMAIL).await;
                let wrong = if code == "000000" { "111111" } else { "000000" };
                for attempt in 1..=4 {
                    let refused = give(&db, &token, wrong, NOW + attempt);
                    assert!(wrong_code(refused.await), "{url}");
                }
                let failures = "SELECT failed_sign_ins FROM users WHERE is_primary_admin = 1";
                assert_eq!(count(&db, failures).await, 4, "{url}");
                let fifth = give(&db, &token, wrong, NOW + 5).await;
                assert!(wrong_code(fifth), "{url}");
                let status = "SELECT status FROM users WHERE is_primary_admin = 1";
                assert_eq!(count(&db, status).await, UserStatus::Locked.code(), "{url}");
                let right = give(&db, &token, &code, NOW + 6).await;
                assert!(wrong_code(right), "{url}: five tries spend the challenge");
                assert_eq!(
                    count(&db, "SELECT COUNT(*) FROM sessions").await,
                    0,
                    "{url}"
                );
            }
        }

        #[tokio::test]
        async fn an_expired_or_replaced_code_reads_as_a_wrong_one() {
            for url in database_urls().await {
                let db = Db::connect(&url, 2).await.unwrap();
                test_account(&db).await;
                set_policy(&db, TwoFactor::Admins).await;
                let first = challenged(&db, PRIMARY_EMAIL, NOW).await;
                let first_code = mailed_code(&db, PRIMARY_EMAIL).await;
                let expiry = NOW + CODE_MINUTES * 60;
                let late = give(&db, &first, &first_code, expiry);
                assert!(wrong_code(late.await), "{url}");

                let second = challenged(&db, PRIMARY_EMAIL, NOW + 1).await;
                let replaced = give(&db, &first, &first_code, NOW + 2);
                assert!(wrong_code(replaced.await), "{url}");
                let code = mailed_code(&db, PRIMARY_EMAIL).await;
                let signed_in = give(&db, &second, &code, NOW + 3);
                assert!(signed_in.await.is_ok(), "{url}");
            }
        }

        #[tokio::test]
        async fn a_new_code_waits_a_minute_and_replaces_the_old_one() {
            for url in database_urls().await {
                let db = Db::connect(&url, 2).await.unwrap();
                test_account(&db).await;
                set_policy(&db, TwoFactor::Admins).await;
                let token = challenged(&db, PRIMARY_EMAIL, NOW).await;
                let old = mailed_code(&db, PRIMARY_EMAIL).await;
                let too_soon = resend(&db, &token, Locale::en, NOW + 59).await;
                assert_eq!(
                    too_soon,
                    Err(AppError::Conflict {
                        clash: Clash::CodeJustSent {
                            retry_after_secs: 1
                        }
                    }),
                    "{url}"
                );
                assert_eq!(count(&db, "SELECT COUNT(*) FROM outbox").await, 1, "{url}");
                resend(&db, &token, Locale::en, NOW + 60).await.unwrap();
                assert_eq!(count(&db, "SELECT COUNT(*) FROM outbox").await, 2, "{url}");
                let new = mailed_code(&db, PRIMARY_EMAIL).await;
                if new != old {
                    let stale = give(&db, &token, &old, NOW + 61);
                    assert!(wrong_code(stale.await), "{url}");
                }
                let fresh = give(&db, &token, &new, NOW + 62);
                assert!(fresh.await.is_ok(), "{url}");
                let unknown = resend(&db, &"0".repeat(64), Locale::en, NOW + 200).await;
                assert_eq!(unknown, Err(AppError::WrongCode), "{url}");
            }
        }
    }
}
