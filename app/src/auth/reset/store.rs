//! The SQL of password resets: a link issued and its e-mail written to the outbox in
//! one transaction; a link looked up by its token's digest; and a password set through
//! a link, which deletes the link, ends the user's sessions and clears a lock.

use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::link_token::{LinkToken, digest};
use crate::auth::principal::{Actor, Grant, UsersUpdate};
use crate::db::Db;
use crate::domain::{AccountId, Email, UserId, UserStatus};
use crate::error::{AppError, Clash, Missing};
use crate::i18n::Locale;
use crate::mail::message::{PasswordReset, password_reset};
use crate::mail::outbox;
use crate::state::AppState;
use serde_json::json;
use sqlx::{Any, Transaction};
use std::net::IpAddr;

/// The most accounts one "Forgot your password?" reaches (one e-mail address may be a
/// user in several accounts).
const MAX_ACCOUNTS_PER_REQUEST: i64 = 5;

/// What the reset e-mail needs from the server: where links point, how long they
/// work, and the language to write in.
#[derive(Debug, Clone)]
pub struct Letter {
    pub public_url: String,
    pub valid_minutes: i64,
    pub locale: Locale,
}

impl Letter {
    /// For this request: in the language the page is shown in.
    pub fn for_request(state: &AppState) -> Result<Self, AppError> {
        Ok(Self {
            public_url: state.public_url.clone(),
            valid_minutes: state.passwords.reset_link_minutes,
            locale: crate::console::language::request_locale(),
        })
    }
}

/// The user a reset is for, as read with their account.
#[derive(sqlx::FromRow)]
struct Recipient {
    id: UserId,
    account_id: AccountId,
    #[sqlx(try_from = "String")]
    email: Email,
    first_name: String,
    account_name: String,
    sso_enabled: i64,
}

const RECIPIENT_COLUMNS: &str = "u.id, u.account_id, u.email, u.first_name, \
    a.name AS account_name, a.sso_enabled";

/// Replaces any earlier link of the recipient with a new one and writes its e-mail to
/// the outbox; refused while the account has SSO on.
async fn issue(
    tx: &mut Transaction<'_, Any>,
    recipient: &Recipient,
    letter: &Letter,
    now: i64,
) -> Result<(), AppError> {
    if recipient.sso_enabled != 0 {
        return Err(AppError::Conflict {
            clash: Clash::SsoManagesPasswords,
        });
    }
    let token = LinkToken::generate();
    sqlx::query("DELETE FROM password_resets WHERE user_id = $1")
        .bind(recipient.id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO password_resets (user_id, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(recipient.id)
    .bind(token.digest())
    .bind(now)
    .bind(now + letter.valid_minutes * 60)
    .execute(&mut **tx)
    .await?;
    let link = format!(
        "{}/reset-password?token={}",
        letter.public_url.trim_end_matches('/'),
        token.as_str()
    );
    let reset = PasswordReset {
        account: &recipient.account_name,
        first_name: &recipient.first_name,
        link: &link,
        valid_minutes: letter.valid_minutes,
    };
    let mail = password_reset(letter.locale, recipient.email.clone(), &reset);
    outbox::enqueue(tx, recipient.account_id, &mail, now).await?;
    Ok(())
}

fn reset_sent(recipient: &Recipient) -> AuditEvent {
    AuditEvent {
        action: AuditAction::PasswordResetSent,
        target: AuditTarget::User(recipient.id),
        target_label: recipient.email.to_string(),
        before: None,
        after: None,
    }
}

/// An admin sends user `user` a reset link: 404 for a user the account does not have,
/// 409 while SSO is on. Answers the address it went to.
pub async fn send_reset(
    db: &Db,
    grant: &Grant<UsersUpdate>,
    user: UserId,
    letter: &Letter,
    now: i64,
) -> Result<Email, AppError> {
    let mut tx = db.write().await?;
    let recipient: Recipient = sqlx::query_as(&format!(
        "SELECT {RECIPIENT_COLUMNS} FROM users u JOIN accounts a ON a.id = u.account_id
         WHERE u.account_id = $1 AND u.id = $2"
    ))
    .bind(grant.account_id())
    .bind(user)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::unknown_user(user.get()))?;
    issue(&mut tx, &recipient, letter, now).await?;
    audit::record(&mut tx, grant.actor(), now, &[reset_sent(&recipient)]).await?;
    tx.commit().await?;
    Ok(recipient.email)
}

/// "Forgot your password?": a link for each user of that address, in accounts without
/// SSO; nothing for an unknown address. Each request is the user's own, audited as such.
pub async fn request_reset(
    db: &Db,
    email: &Email,
    addr: Option<IpAddr>,
    letter: &Letter,
    now: i64,
) -> Result<u64, AppError> {
    let mut tx = db.write().await?;
    let recipients: Vec<Recipient> = sqlx::query_as(&format!(
        "SELECT {RECIPIENT_COLUMNS} FROM users u JOIN accounts a ON a.id = u.account_id
         WHERE u.email = $1 AND a.sso_enabled = 0 ORDER BY u.id LIMIT {MAX_ACCOUNTS_PER_REQUEST}"
    ))
    .bind(email.as_str())
    .fetch_all(&mut *tx)
    .await?;
    for recipient in &recipients {
        issue(&mut tx, recipient, letter, now).await?;
        let actor = Actor {
            account_id: recipient.account_id,
            user_id: recipient.id,
            email: recipient.email.clone(),
            addr,
        };
        audit::record(&mut tx, &actor, now, &[reset_sent(recipient)]).await?;
    }
    tx.commit().await?;
    Ok(recipients.len() as u64)
}

/// Whom a usable link is for.
#[derive(Debug, sqlx::FromRow)]
pub struct LinkHolder {
    pub user_id: UserId,
    pub account_id: AccountId,
    #[sqlx(try_from = "String")]
    pub email: Email,
    pub status: i64,
}

fn link_gone() -> AppError {
    AppError::NotFound {
        missing: Missing::ResetLink,
    }
}

/// The holder of the link whose token is `token`, while it works; 404 when the link was
/// used, has expired, was replaced, or never existed.
pub async fn link_holder(db: &Db, token: &str, now: i64) -> Result<LinkHolder, AppError> {
    if token.len() != 64 || !token.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(link_gone());
    }
    sqlx::query_as(
        "SELECT u.id AS user_id, u.account_id, u.email, u.status
         FROM password_resets r JOIN users u ON u.id = r.user_id
         WHERE r.token_hash = $1 AND r.expires_at > $2",
    )
    .bind(digest(token))
    .bind(now)
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(link_gone)
}

/// Sets the password hashed as `password_hash` through the link `token`, once: deletes
/// the link, ends every session of the user, and turns a Locked user Active (any other
/// status stays: a suspended user is not let back in). Answers whose password it was.
pub async fn redeem(
    db: &Db,
    token: &str,
    password_hash: &str,
    addr: Option<IpAddr>,
    now: i64,
) -> Result<Email, AppError> {
    let mut tx = db.write().await?;
    let used: Option<(UserId,)> = sqlx::query_as(
        "DELETE FROM password_resets WHERE token_hash = $1 AND expires_at > $2
         RETURNING user_id",
    )
    .bind(digest(token))
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let (user,) = used.ok_or_else(link_gone)?;
    let holder: LinkHolder =
        sqlx::query_as("SELECT id AS user_id, account_id, email, status FROM users WHERE id = $1")
            .bind(user)
            .fetch_one(&mut *tx)
            .await?;
    let unlocks = holder.status == UserStatus::Locked.code();
    let update = if unlocks {
        sqlx::query(
            "UPDATE users SET password_hash = $1, status = $2, locked_at = NULL,
                              lock_reason = NULL
             WHERE id = $3",
        )
        .bind(password_hash)
        .bind(UserStatus::Active.code())
    } else {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(password_hash)
    };
    update.bind(user).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user)
        .execute(&mut *tx)
        .await?;
    let status = |status: UserStatus| Some(json!({ "status": status.slug() }));
    let event = AuditEvent {
        action: AuditAction::PasswordChanged,
        target: AuditTarget::User(user),
        target_label: holder.email.to_string(),
        before: unlocks.then(|| status(UserStatus::Locked)).flatten(),
        after: unlocks.then(|| status(UserStatus::Active)).flatten(),
    };
    let actor = Actor {
        account_id: holder.account_id,
        user_id: user,
        email: holder.email.clone(),
        addr,
    };
    audit::record(&mut tx, &actor, now, &[event]).await?;
    tx.commit().await?;
    Ok(holder.email)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::session::{Client, start_session};
    use crate::testing::fixtures::{
        NOW, add_member, audited_actions, other_account, signed_in, test_account,
    };
    use crate::testing::scratch::database_urls;

    const HOUR: i64 = 60 * 60;

    fn letter() -> Letter {
        Letter {
            public_url: "https://roster.example".into(),
            valid_minutes: 60,
            locale: Locale::en,
        }
    }

    /// The token of the newest link in the outbox: its text holds it.
    async fn newest_token(db: &Db) -> String {
        let (text,): (String,) =
            sqlx::query_as("SELECT text_body FROM outbox ORDER BY id DESC LIMIT 1")
                .fetch_one(db.pool())
                .await
                .unwrap();
        let start = text.find("reset-password?token=").unwrap() + 21;
        text[start..start + 64].to_owned()
    }

    fn is_gone<T>(outcome: &Result<T, AppError>) -> bool {
        matches!(
            outcome,
            Err(AppError::NotFound {
                missing: Missing::ResetLink
            })
        )
    }

    #[tokio::test]
    async fn a_link_works_until_it_expires_and_a_newer_one_replaces_it() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let ann = add_member(&db, &account, "Ann", "ann@example.com", UserStatus::Active).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant().unwrap();
            let sent = send_reset(&db, &grant, ann, &letter(), NOW).await.unwrap();
            assert_eq!(sent.as_str(), "ann@example.com", "{url}");
            let first = newest_token(&db).await;
            let holder = link_holder(&db, &first, NOW + HOUR - 1).await.unwrap();
            assert_eq!(holder.user_id, ann, "{url}");
            assert!(
                is_gone(&link_holder(&db, &first, NOW + HOUR).await),
                "{url}: expired"
            );

            send_reset(&db, &grant, ann, &letter(), NOW + 10)
                .await
                .unwrap();
            let second = newest_token(&db).await;
            assert!(
                is_gone(&link_holder(&db, &first, NOW + 20).await),
                "{url}: replaced"
            );
            assert!(link_holder(&db, &second, NOW + 20).await.is_ok(), "{url}");
            let late = redeem(&db, &second, "new hash", None, NOW + 10 + HOUR).await;
            assert!(is_gone(&late), "{url}: too late to use");
            assert!(
                is_gone(&link_holder(&db, "not a token", NOW).await),
                "{url}"
            );
            let (stored,): (String,) =
                sqlx::query_as("SELECT token_hash FROM password_resets WHERE user_id = $1")
                    .bind(ann)
                    .fetch_one(db.pool())
                    .await
                    .unwrap();
            assert_ne!(stored, second, "{url}: only the digest is stored");
        }
    }

    #[tokio::test]
    async fn a_new_password_ends_every_session_unlocks_but_never_lets_a_suspended_user_in() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant().unwrap();
            let locked =
                add_member(&db, &account, "Lou", "lou@example.com", UserStatus::Locked).await;
            let suspended = add_member(
                &db,
                &account,
                "Sue",
                "sue@example.com",
                UserStatus::Suspended,
            )
            .await;
            for (user, after) in [
                (locked, UserStatus::Active),
                (suspended, UserStatus::Suspended),
            ] {
                let client = Client {
                    user_agent: "test".into(),
                    ip: None,
                };
                start_session(db.pool(), user, account.account_id, &client, NOW)
                    .await
                    .unwrap();
                send_reset(&db, &grant, user, &letter(), NOW).await.unwrap();
                let token = newest_token(&db).await;
                redeem(&db, &token, "new hash", None, NOW + 1)
                    .await
                    .unwrap();
                let (status, hash, sessions): (i64, String, i64) = sqlx::query_as(
                    "SELECT status, password_hash,
                            (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id)
                     FROM users u WHERE id = $1",
                )
                .bind(user)
                .fetch_one(db.pool())
                .await
                .unwrap();
                assert_eq!(status, after.code(), "{url}");
                assert_eq!((hash.as_str(), sessions), ("new hash", 0), "{url}");
                let again = redeem(&db, &token, "other hash", None, NOW + 2).await;
                assert!(is_gone(&again), "{url}: a link works once");
            }
            let actions = audited_actions(&db).await;
            assert_eq!(
                actions,
                [
                    "user.password_reset_sent",
                    "user.password_changed",
                    "user.password_reset_sent",
                    "user.password_changed"
                ],
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn with_sso_on_no_link_is_made_and_another_account_s_user_is_unknown() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let other = other_account(&db, "Other Org", "boss@other.example").await;
            let ann = add_member(&db, &account, "Ann", "ann@example.com", UserStatus::Active).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant().unwrap();
            let stranger = send_reset(&db, &grant, other.primary_admin_id, &letter(), NOW).await;
            assert!(matches!(stranger, Err(AppError::NotFound { .. })), "{url}");
            sqlx::query("UPDATE accounts SET sso_enabled = 1 WHERE id = $1")
                .bind(account.account_id)
                .execute(db.pool())
                .await
                .unwrap();
            let refused = send_reset(&db, &grant, ann, &letter(), NOW).await;
            assert!(
                matches!(
                    refused,
                    Err(AppError::Conflict {
                        clash: Clash::SsoManagesPasswords
                    })
                ),
                "{url}"
            );
            let email = Email::parse("ann@example.com").unwrap();
            let asked = request_reset(&db, &email, None, &letter(), NOW)
                .await
                .unwrap();
            assert_eq!(asked, 0, "{url}: no link for an SSO account");
            let unknown = Email::parse("nobody@example.com").unwrap();
            let asked = request_reset(&db, &unknown, None, &letter(), NOW)
                .await
                .unwrap();
            assert_eq!(asked, 0, "{url}");
            let (written, links): (i64, i64) = sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM outbox), (SELECT COUNT(*) FROM password_resets)",
            )
            .fetch_one(db.pool())
            .await
            .unwrap();
            assert_eq!((written, links), (0, 0), "{url}");
            assert!(audited_actions(&db).await.is_empty(), "{url}");
        }
    }
}
