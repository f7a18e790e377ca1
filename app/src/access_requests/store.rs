//! The SQL of self sign-up: finding the account a domain may join, the e-mailed link
//! that proves an address (one per address, only its digest kept), completing a request
//! (an Active user at once, or a request in the queue), and an admin's decision on
//! waiting requests, all or none, each in one transaction with its audit events and
//! e-mail.

use super::{AccessRequest, AccessRequestPage, Joined, QUEUE_PAGE, RequestAnswer};
use crate::accounts::DefaultRole;
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::link_token::{LinkToken, digest};
use crate::auth::principal::{Actor, Grant, UsersApprove};
use crate::db::sql::Sql;
use crate::db::{Db, lock_account};
use crate::domain::{
    AccessRequestId, AccountId, Email, PersonName, ProductAccess, RoleId, UserId, UserStatus,
};
use crate::error::{AppError, Clash, Missing};
use crate::i18n::Locale;
use crate::mail::message::{access_approved, access_rejected, address_proof};
use crate::mail::outbox;
use crate::settings::default_access::DefaultAccess;
use crate::settings::sign_up::{SignUpMode, is_public};
use crate::settings::store::read_section;
use crate::users::new_user::{NewUser, insert_user};
use serde_json::json;
use sqlx::{Any, AnyConnection, Transaction};
use std::net::IpAddr;

/// How long a sign-up link works.
pub const LINK_HOURS: i64 = 24;
/// Asking again sooner than this sends no second e-mail: a page reloaded or a script
/// cannot flood an inbox.
pub const RESEND_AFTER_SECS: i64 = 60;

/// States of a request, as stored.
const WAITING: i64 = 1;
const APPROVED: i64 = 2;
const REJECTED: i64 = 3;

/// What the e-mail that proves an address needs: where its link points, and the
/// language to write in.
#[derive(Debug, Clone)]
pub struct ProofLetter {
    pub public_url: String,
    pub locale: Locale,
}

/// An account a domain may find, by id and name.
struct Discovered {
    id: AccountId,
    name: String,
}

/// The account whose domain `domain` is, when one takes requests: the account that
/// added the domain, or else the one account whose Primary Admin's address is at it.
/// Public e-mail domains, accounts with SSO on (their identity provider owns
/// passwords), and a domain several accounts' owners share find none.
async fn discovering_account(
    conn: &mut AnyConnection,
    domain: &str,
) -> Result<Option<Discovered>, AppError> {
    if is_public(domain) {
        return Ok(None);
    }
    let added: Option<(AccountId, String, i64)> = sqlx::query_as(
        "SELECT a.id, a.name, a.sign_up_mode FROM account_domains d
         JOIN accounts a ON a.id = d.account_id
         WHERE d.domain = $1 AND a.sso_enabled = 0",
    )
    .bind(domain)
    .fetch_optional(&mut *conn)
    .await?;
    let found = match added {
        Some(account) => Some(account),
        None => {
            let owners: Vec<(AccountId, String, i64)> = sqlx::query_as(
                "SELECT a.id, a.name, a.sign_up_mode FROM accounts a
                 JOIN users u ON u.account_id = a.id AND u.is_primary_admin = 1
                 WHERE u.email LIKE $1 AND a.sso_enabled = 0 LIMIT 2",
            )
            .bind(format!("%@{domain}"))
            .fetch_all(&mut *conn)
            .await?;
            match <[_; 1]>::try_from(owners) {
                Ok([owner]) => Some(owner),
                Err(_) => None,
            }
        }
    };
    Ok(found.and_then(|(id, name, mode)| {
        let mode = SignUpMode::from_code(mode)?;
        (mode != SignUpMode::Blocked).then_some(Discovered { id, name })
    }))
}

/// Asks to join the account of `email`'s domain: when one takes requests, a new link
/// (replacing any before it) is e-mailed, at most once a `RESEND_AFTER_SECS`.
pub async fn ask(
    db: &Db,
    email: &Email,
    letter: &ProofLetter,
    now: i64,
) -> Result<RequestAnswer, AppError> {
    let mut tx = db.write().await?;
    let Some(account) = discovering_account(&mut tx, email.domain()).await? else {
        return Ok(RequestAnswer::NotAccepted);
    };
    let recent: Option<(i64,)> = sqlx::query_as(
        "SELECT created_at FROM sign_up_links
         WHERE email = $1 AND account_id = $2 AND created_at > $3",
    )
    .bind(email.as_str())
    .bind(account.id)
    .bind(now - RESEND_AFTER_SECS)
    .fetch_optional(&mut *tx)
    .await?;
    if recent.is_some() {
        return Ok(RequestAnswer::CheckYourEmail);
    }
    let token = LinkToken::generate();
    sqlx::query("DELETE FROM sign_up_links WHERE email = $1")
        .bind(email.as_str())
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO sign_up_links (email, account_id, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(email.as_str())
    .bind(account.id)
    .bind(token.digest())
    .bind(now)
    .bind(now + LINK_HOURS * 60 * 60)
    .execute(&mut *tx)
    .await?;
    let link = format!(
        "{}/request-access?token={}",
        letter.public_url.trim_end_matches('/'),
        token.as_str()
    );
    let mail = address_proof(
        letter.locale,
        email.clone(),
        &account.name,
        &link,
        LINK_HOURS,
    );
    outbox::enqueue(&mut tx, account.id, &mail, now).await?;
    tx.commit().await?;
    Ok(RequestAnswer::CheckYourEmail)
}

fn link_gone() -> AppError {
    AppError::NotFound {
        missing: Missing::SignUpLink,
    }
}

/// A link that can still be used, and what it leads to.
#[derive(Debug)]
pub struct UsableLink {
    pub email: Email,
    pub account_id: AccountId,
    pub account_name: String,
    pub needs_approval: bool,
}

/// The link with `token`: 404 when it was used, has expired, was replaced or never
/// existed; 409 when the account stopped taking requests, or the address has a user
/// or a waiting request in it already.
pub async fn usable_link(
    conn: &mut AnyConnection,
    token: &str,
    now: i64,
) -> Result<UsableLink, AppError> {
    if token.len() != 64 || !token.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(link_gone());
    }
    let found: Option<(String, AccountId, String, i64, i64)> = sqlx::query_as(
        "SELECT l.email, l.account_id, a.name, a.sign_up_mode, a.sso_enabled
         FROM sign_up_links l JOIN accounts a ON a.id = l.account_id
         WHERE l.token_hash = $1 AND l.expires_at > $2",
    )
    .bind(digest(token))
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let (email, account_id, account_name, mode, sso) = found.ok_or_else(link_gone)?;
    let mode = SignUpMode::from_code(mode).ok_or(AppError::Internal)?;
    if mode == SignUpMode::Blocked || sso != 0 {
        return Err(AppError::Conflict {
            clash: Clash::SignUpClosed,
        });
    }
    let (members, waiting): (i64, i64) = sqlx::query_as(&format!(
        "SELECT (SELECT COUNT(*) FROM users WHERE account_id = $1 AND email = $2),
                (SELECT COUNT(*) FROM access_requests
                 WHERE account_id = $1 AND email = $2 AND state = {WAITING})"
    ))
    .bind(account_id)
    .bind(&email)
    .fetch_one(&mut *conn)
    .await?;
    if members > 0 {
        return Err(AppError::Conflict {
            clash: Clash::AlreadyMember { email },
        });
    }
    if waiting > 0 {
        return Err(AppError::Conflict {
            clash: Clash::RequestWaiting { email },
        });
    }
    Ok(UsableLink {
        email: Email::parse(&email).map_err(|_| AppError::Internal)?,
        account_id,
        account_name,
        needs_approval: mode == SignUpMode::Approval,
    })
}

/// What the person gave on the link's page, checked.
pub struct Joining {
    pub first_name: PersonName,
    pub last_name: PersonName,
    /// An argon2 PHC string.
    pub password_hash: String,
    pub addr: Option<IpAddr>,
}

/// The role people who join start with: the account's Member role, or else its first
/// role that is not an admin's.
async fn member_role(
    tx: &mut Transaction<'_, Any>,
    account: AccountId,
) -> Result<RoleId, AppError> {
    let (role,): (RoleId,) = sqlx::query_as(
        "SELECT id FROM roles WHERE account_id = $1 AND is_admin = 0
         ORDER BY CASE WHEN name = $2 THEN 0 ELSE 1 END, id LIMIT 1",
    )
    .bind(account)
    .bind(DefaultRole::Member.name())
    .fetch_one(&mut **tx)
    .await?;
    Ok(role)
}

/// A new Active user of the account with the Member role and its default access.
fn active_user(
    account: AccountId,
    email: Email,
    names: (PersonName, PersonName),
    role: RoleId,
    access: ProductAccess,
    password_hash: Option<String>,
    now: i64,
) -> NewUser {
    NewUser {
        account_id: account,
        email,
        first_name: Some(names.0),
        last_name: Some(names.1),
        status: UserStatus::Active,
        role_id: role,
        is_primary_admin: false,
        access,
        password_hash,
        created_at: now,
        invited_at: None,
        last_login_at: None,
    }
}

/// Completes the request of the link with `token`, which it uses up: with auto-approve
/// an Active user, audited as their own sign-up; otherwise a request in the queue.
pub async fn complete(
    db: &Db,
    token: &str,
    joining: &Joining,
    now: i64,
) -> Result<Joined, AppError> {
    let mut tx = db.write().await?;
    let account: Option<(AccountId,)> =
        sqlx::query_as("SELECT account_id FROM sign_up_links WHERE token_hash = $1")
            .bind(digest(token))
            .fetch_optional(&mut *tx)
            .await?;
    let (account,) = account.ok_or_else(link_gone)?;
    // Taken before the checks, so a policy saved, a user invited or a request decided
    // at the same moment comes wholly before or after this one.
    lock_account(&mut tx, db.backend(), account).await?;
    let link = usable_link(&mut tx, token, now).await?;
    let used = sqlx::query("DELETE FROM sign_up_links WHERE token_hash = $1")
        .bind(digest(token))
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if used != 1 {
        return Err(link_gone());
    }
    let person = Person {
        email: &link.email,
        first_name: &joining.first_name,
        last_name: &joining.last_name,
        password_hash: Some(&joining.password_hash),
        addr: joining.addr,
    };
    let joined = if link.needs_approval {
        insert_request(&mut tx, account, &person, now).await?;
        Joined::Waiting
    } else {
        sign_up_member(&mut tx, account, &person, now).await?;
        Joined::Active
    };
    tx.commit().await?;
    Ok(joined)
}

/// A person joining an account: their address, names, and password when Roster keeps
/// it (`None` when their identity provider does).
pub(crate) struct Person<'a> {
    pub email: &'a Email,
    pub first_name: &'a PersonName,
    pub last_name: &'a PersonName,
    pub password_hash: Option<&'a str>,
    pub addr: Option<IpAddr>,
}

/// Puts `person`'s request in the account's queue.
pub(crate) async fn insert_request(
    tx: &mut Transaction<'_, Any>,
    account: AccountId,
    person: &Person<'_>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO access_requests
            (account_id, email, first_name, last_name, password_hash, requested_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(account)
    .bind(person.email.as_str())
    .bind(person.first_name.as_str())
    .bind(person.last_name.as_str())
    .bind(person.password_hash)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Lets `person` in at once: an Active user with the Member role and the account's
/// default access, audited as their own sign-up.
pub(crate) async fn sign_up_member(
    tx: &mut Transaction<'_, Any>,
    account: AccountId,
    person: &Person<'_>,
    now: i64,
) -> Result<UserId, AppError> {
    let role = member_role(tx, account).await?;
    let access = read_section::<DefaultAccess>(tx, account).await?;
    let names = (person.first_name.clone(), person.last_name.clone());
    let new_user = active_user(
        account,
        person.email.clone(),
        names,
        role,
        access.settings.access,
        person.password_hash.map(str::to_owned),
        now,
    );
    let user = insert_user(&mut **tx, &new_user).await?;
    let actor = Actor {
        account_id: account,
        user_id: user,
        email: person.email.clone(),
        addr: person.addr,
    };
    let event = AuditEvent {
        action: AuditAction::UserSignedUp,
        target: AuditTarget::User(user),
        target_label: person.email.to_string(),
        before: None,
        after: Some(joined_values(
            person.email,
            person.first_name,
            person.last_name,
            role,
        )),
    };
    audit::record(tx, &actor, now, &[event]).await?;
    Ok(user)
}

/// What the audit trail keeps of a person who joined.
fn joined_values(
    email: &Email,
    first: &PersonName,
    last: &PersonName,
    role: RoleId,
) -> serde_json::Value {
    json!({
        "email": email.as_str(),
        "first_name": first.as_str(),
        "last_name": last.as_str(),
        "role_id": role.get(),
        "status": UserStatus::Active.slug(),
    })
}

/// The requests waiting in the account's queue after request `after`, oldest first.
pub async fn waiting(
    db: &Db,
    account: AccountId,
    after: Option<AccessRequestId>,
) -> Result<AccessRequestPage, AppError> {
    let mut requests: Vec<AccessRequest> = sqlx::query_as(&format!(
        "SELECT id, email, first_name, last_name, requested_at FROM access_requests
         WHERE account_id = $1 AND state = {WAITING} AND id > $2
         ORDER BY id LIMIT {}",
        QUEUE_PAGE + 1
    ))
    .bind(account)
    .bind(after.map_or(0, AccessRequestId::get))
    .fetch_all(db.pool())
    .await?;
    let next = (requests.len() > QUEUE_PAGE).then(|| {
        requests.truncate(QUEUE_PAGE);
        requests[QUEUE_PAGE - 1].id
    });
    Ok(AccessRequestPage { requests, next })
}

/// How an admin decides: approve or reject, and how to word the e-mails.
#[derive(Debug, Clone)]
pub struct Decision {
    pub approve: bool,
    pub sign_in_url: String,
    pub locale: Locale,
}

/// A request as a decision reads it.
#[derive(sqlx::FromRow)]
struct Pending {
    id: AccessRequestId,
    email: String,
    first_name: String,
    last_name: String,
    password_hash: Option<String>,
    state: i64,
}

/// The requests `ids` of the account, their rows taken: 404 naming the ids it lacks,
/// 409 for one decided already.
async fn pending(
    tx: &mut Transaction<'_, Any>,
    db: &Db,
    account: AccountId,
    ids: &[AccessRequestId],
) -> Result<Vec<Pending>, AppError> {
    let mut sql = Sql::new(
        "SELECT id, email, first_name, last_name, password_hash, state
         FROM access_requests WHERE account_id = ",
    );
    let account_param = sql.int(account.get());
    let list = sql.int_list(ids.iter().map(|id| id.get()));
    sql.push(&format!(
        "{account_param} AND id IN {list} ORDER BY id{}",
        db.backend().row_lock()
    ));
    let found: Vec<Pending> = sql.query_as().fetch_all(&mut **tx).await?;
    let missing: Vec<i64> = ids
        .iter()
        .filter(|id| !found.iter().any(|row| row.id == **id))
        .map(|id| id.get())
        .collect();
    if !missing.is_empty() {
        return Err(AppError::NotFound {
            missing: Missing::AccessRequests {
                more: missing.len() > 10,
                ids: missing.into_iter().take(10).collect(),
            },
        });
    }
    if let Some(decided) = found.iter().find(|row| row.state != WAITING) {
        return Err(AppError::Conflict {
            clash: Clash::RequestDecided {
                email: decided.email.clone(),
            },
        });
    }
    Ok(found)
}

/// 409 naming the first address of `requests` that a user of the account has already.
async fn refuse_members(
    tx: &mut Transaction<'_, Any>,
    account: AccountId,
    requests: &[Pending],
) -> Result<(), AppError> {
    let mut sql = Sql::new("SELECT email FROM users WHERE account_id = ");
    let account_param = sql.int(account.get());
    let emails: Vec<String> = requests.iter().map(|row| sql.text(&row.email)).collect();
    sql.push(&format!(
        "{account_param} AND email IN ({}) ORDER BY email LIMIT 1",
        emails.join(", ")
    ));
    let member: Option<(String,)> = sql.query_as().fetch_optional(&mut **tx).await?;
    match member {
        Some((email,)) => Err(AppError::Conflict {
            clash: Clash::AlreadyMember { email },
        }),
        None => Ok(()),
    }
}

/// Approves or rejects the waiting requests `ids`, all or none. Approved people become
/// Active users with the Member role and the account's default access; each person is
/// e-mailed the decision; the request keeps who decided and when, not its password
/// hash.
pub async fn decide(
    db: &Db,
    grant: &Grant<UsersApprove>,
    ids: &[AccessRequestId],
    decision: &Decision,
    now: i64,
) -> Result<(), AppError> {
    let account = grant.account_id();
    let mut tx = db.write().await?;
    let account_name = lock_account(&mut tx, db.backend(), account).await?;
    let requests = pending(&mut tx, db, account, ids).await?;
    let mut events = Vec::with_capacity(requests.len());
    if decision.approve {
        refuse_members(&mut tx, account, &requests).await?;
        let role = member_role(&mut tx, account).await?;
        let access = read_section::<DefaultAccess>(&mut tx, account).await?;
        for request in &requests {
            let email = Email::parse(&request.email).map_err(|_| AppError::Internal)?;
            let names = (
                PersonName::parse(&request.first_name).map_err(|_| AppError::Internal)?,
                PersonName::parse(&request.last_name).map_err(|_| AppError::Internal)?,
            );
            // A request made through SSO has no password: the identity provider owns it.
            let new_user = active_user(
                account,
                email.clone(),
                names.clone(),
                role,
                access.settings.access,
                request.password_hash.clone(),
                now,
            );
            let user: UserId = insert_user(&mut *tx, &new_user).await?;
            events.push(AuditEvent {
                action: AuditAction::AccessApproved,
                target: AuditTarget::User(user),
                target_label: request.email.clone(),
                before: None,
                after: Some(joined_values(&email, &names.0, &names.1, role)),
            });
            let mail = access_approved(
                decision.locale,
                email,
                &account_name,
                &request.first_name,
                &decision.sign_in_url,
            );
            outbox::enqueue(&mut tx, account, &mail, now).await?;
        }
    } else {
        for request in &requests {
            let email = Email::parse(&request.email).map_err(|_| AppError::Internal)?;
            events.push(AuditEvent {
                action: AuditAction::AccessRejected,
                target: AuditTarget::AccessRequest(request.id),
                target_label: request.email.clone(),
                before: None,
                after: Some(json!({
                    "email": request.email,
                    "first_name": request.first_name,
                    "last_name": request.last_name,
                })),
            });
            let mail = access_rejected(decision.locale, email, &account_name, &request.first_name);
            outbox::enqueue(&mut tx, account, &mail, now).await?;
        }
    }
    let mut sql = Sql::new("UPDATE access_requests SET state = ");
    let state = sql.int(if decision.approve { APPROVED } else { REJECTED });
    let decided_at = sql.int(now);
    let decided_by = sql.int(grant.actor().user_id.get());
    let account_param = sql.int(account.get());
    let list = sql.int_list(ids.iter().map(|id| id.get()));
    sql.push(&format!(
        "{state}, decided_at = {decided_at}, decided_by = {decided_by}, password_hash = NULL
         WHERE account_id = {account_param} AND id IN {list}"
    ));
    sql.query().execute(&mut *tx).await?;
    audit::record(&mut tx, grant.actor(), now, &events).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::CreatedAccount;
    use crate::testing::fixtures::{
        NOW, add_member, audited_actions, other_account, signed_in, test_account,
    };
    use crate::testing::scratch::database_urls;

    fn letter() -> ProofLetter {
        ProofLetter {
            public_url: "https://roster.example".into(),
            locale: Locale::en,
        }
    }

    fn email(text: &str) -> Email {
        Email::parse(text).unwrap()
    }

    fn joining() -> Joining {
        Joining {
            first_name: PersonName::parse("Nia").unwrap(),
            last_name: PersonName::parse("Newman").unwrap(),
            password_hash: "$argon2id$stand-in".into(),
            addr: None,
        }
    }

    fn decision(approve: bool) -> Decision {
        Decision {
            approve,
            sign_in_url: "https://roster.example/login".into(),
            locale: Locale::en,
        }
    }

    async fn set_mode(db: &Db, account: &CreatedAccount, mode: SignUpMode) {
        sqlx::query("UPDATE accounts SET sign_up_mode = $1 WHERE id = $2")
            .bind(mode.code())
            .bind(account.account_id)
            .execute(db.pool())
            .await
            .unwrap();
    }

    async fn count(db: &Db, sql: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(db.pool()).await.unwrap();
        n
    }

    /// The token of the newest sign-up link in the outbox: its text holds it.
    async fn newest_token(db: &Db) -> String {
        let (text,): (String,) = sqlx::query_as(
            "SELECT text_body FROM outbox WHERE text_body LIKE '%request-access?token=%'
             ORDER BY id DESC LIMIT 1",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
        let start = text.find("request-access?token=").unwrap() + 21;
        text[start..start + 64].to_owned()
    }

    /// Asks for `address` and completes the request from the e-mailed link.
    async fn request(db: &Db, address: &str) -> Joined {
        let answer = ask(db, &email(address), &letter(), NOW).await.unwrap();
        assert_eq!(answer, RequestAnswer::CheckYourEmail);
        complete(db, &newest_token(db).await, &joining(), NOW)
            .await
            .unwrap()
    }

    async fn grant(db: &Db, account: &CreatedAccount) -> Grant<UsersApprove> {
        let (_, admin) = signed_in(db, account, account.primary_admin_id).await;
        admin.grant::<UsersApprove>().unwrap()
    }

    async fn link_of(db: &Db, token: &str) -> Result<UsableLink, AppError> {
        let mut conn = db.pool().acquire().await.unwrap();
        usable_link(&mut conn, token, NOW).await
    }

    #[tokio::test]
    async fn nothing_is_created_before_the_address_is_proven_and_closed_domains_get_one_answer() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let gmail_owner = other_account(&db, "Gmail Org", "boss@gmail.com").await;
            set_mode(&db, &gmail_owner, SignUpMode::AutoApprove).await;
            for address in ["new@example.com", "x@nobody.example", "x@gmail.com"] {
                let answer = ask(&db, &email(address), &letter(), NOW).await.unwrap();
                assert_eq!(answer, RequestAnswer::NotAccepted, "{address} {url}");
            }
            assert_eq!(count(&db, "SELECT COUNT(*) FROM outbox").await, 0);

            set_mode(&db, &account, SignUpMode::AutoApprove).await;
            let answer = ask(&db, &email("new@example.com"), &letter(), NOW).await;
            assert_eq!(answer.unwrap(), RequestAnswer::CheckYourEmail, "{url}");
            let first = newest_token(&db).await;
            ask(&db, &email("new@example.com"), &letter(), NOW + 10)
                .await
                .unwrap();
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM outbox").await,
                1,
                "asking again at once sends nothing more"
            );
            ask(
                &db,
                &email("new@example.com"),
                &letter(),
                NOW + RESEND_AFTER_SECS + 1,
            )
            .await
            .unwrap();
            assert_eq!(count(&db, "SELECT COUNT(*) FROM outbox").await, 2);
            assert!(matches!(
                link_of(&db, &first).await,
                Err(AppError::NotFound {
                    missing: Missing::SignUpLink
                })
            ));
            assert_eq!(count(&db, "SELECT COUNT(*) FROM users").await, 2, "{url}");
            assert!(audited_actions(&db).await.is_empty());
        }
    }

    #[tokio::test]
    async fn an_added_domain_finds_its_account_and_a_link_dies_when_requests_stop() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            sqlx::query(
                "INSERT INTO account_domains (account_id, domain, created_at) VALUES ($1, 'acme.example', 0)",
            )
            .bind(account.account_id)
            .execute(&db.pool().clone())
            .await
            .unwrap();
            set_mode(&db, &account, SignUpMode::Approval).await;
            let answer = ask(&db, &email("lee@acme.example"), &letter(), NOW).await;
            assert_eq!(answer.unwrap(), RequestAnswer::CheckYourEmail, "{url}");
            let token = newest_token(&db).await;
            let link = link_of(&db, &token).await.unwrap();
            assert_eq!(link.account_id, account.account_id);
            assert!(link.needs_approval);

            set_mode(&db, &account, SignUpMode::Blocked).await;
            let closed = complete(&db, &token, &joining(), NOW).await;
            assert_eq!(
                closed.unwrap_err(),
                AppError::Conflict {
                    clash: Clash::SignUpClosed
                },
                "{url}"
            );
            assert_eq!(count(&db, "SELECT COUNT(*) FROM access_requests").await, 0);
        }
    }

    #[tokio::test]
    async fn with_auto_approve_the_proven_person_is_an_active_member_with_the_default_access() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            set_mode(&db, &account, SignUpMode::AutoApprove).await;
            sqlx::query("UPDATE accounts SET default_data_tables_access = 1")
                .execute(db.pool())
                .await
                .unwrap();
            ask(&db, &email("nia@example.com"), &letter(), NOW)
                .await
                .unwrap();
            let token = newest_token(&db).await;

            let joined = complete(&db, &token, &joining(), NOW).await.unwrap();

            assert_eq!(joined, Joined::Active, "{url}");
            let (status, role, tables, hash): (i64, RoleId, i64, Option<String>) = sqlx::query_as(
                "SELECT status, role_id, data_tables_access, password_hash FROM users
                 WHERE email = 'nia@example.com'",
            )
            .fetch_one(db.pool())
            .await
            .unwrap();
            assert_eq!(status, UserStatus::Active.code());
            assert_eq!(role, account.member_role_id);
            assert_eq!(tables, 1, "default access applies");
            assert_eq!(hash.as_deref(), Some("$argon2id$stand-in"));
            assert_eq!(audited_actions(&db).await, ["user.signed_up"]);
            assert!(matches!(
                complete(&db, &token, &joining(), NOW).await,
                Err(AppError::NotFound { .. })
            ));
            ask(&db, &email("nia@example.com"), &letter(), NOW)
                .await
                .unwrap();
            let member = link_of(&db, &newest_token(&db).await).await;
            assert!(matches!(
                member,
                Err(AppError::Conflict {
                    clash: Clash::AlreadyMember { .. }
                })
            ));
        }
    }

    #[tokio::test]
    async fn a_waiting_request_becomes_an_active_member_when_approved_and_is_decided_once() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            set_mode(&db, &account, SignUpMode::Approval).await;
            sqlx::query("UPDATE accounts SET default_builder_access = 1")
                .execute(db.pool())
                .await
                .unwrap();

            assert_eq!(request(&db, "nia@example.com").await, Joined::Waiting);

            assert_eq!(count(&db, "SELECT COUNT(*) FROM users").await, 1, "{url}");
            let queue = waiting(&db, account.account_id, None).await.unwrap();
            assert_eq!(queue.requests.len(), 1);
            assert_eq!(queue.requests[0].email, "nia@example.com");
            assert_eq!(queue.next, None);
            ask(&db, &email("nia@example.com"), &letter(), NOW + 3600)
                .await
                .unwrap();
            let again = link_of(&db, &newest_token(&db).await).await;
            assert!(matches!(
                again,
                Err(AppError::Conflict {
                    clash: Clash::RequestWaiting { .. }
                })
            ));

            let grant = grant(&db, &account).await;
            let id = queue.requests[0].id;
            decide(&db, &grant, &[id], &decision(true), NOW)
                .await
                .unwrap();

            let (status, builder): (i64, i64) = sqlx::query_as(
                "SELECT status, builder_access FROM users WHERE email = 'nia@example.com'",
            )
            .fetch_one(db.pool())
            .await
            .unwrap();
            assert_eq!((status, builder), (UserStatus::Active.code(), 1), "{url}");
            let (state, hash): (i64, Option<String>) =
                sqlx::query_as("SELECT state, password_hash FROM access_requests")
                    .fetch_one(db.pool())
                    .await
                    .unwrap();
            assert_eq!((state, hash), (APPROVED, None), "the hash is not kept");
            assert_eq!(audited_actions(&db).await, ["user.access_approved"]);
            let approved_mails = count(
                &db,
                "SELECT COUNT(*) FROM outbox WHERE subject = 'Your request to join Test Org was approved'",
            )
            .await;
            assert_eq!(approved_mails, 1);
            assert!(
                waiting(&db, account.account_id, None)
                    .await
                    .unwrap()
                    .requests
                    .is_empty()
            );

            let twice = decide(&db, &grant, &[id], &decision(false), NOW).await;
            assert!(matches!(
                twice,
                Err(AppError::Conflict {
                    clash: Clash::RequestDecided { .. }
                })
            ));
            assert_eq!(audited_actions(&db).await.len(), 1, "{url}");
        }
    }

    #[tokio::test]
    async fn a_decision_is_all_or_none_and_another_accounts_requests_are_unknown() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let other = other_account(&db, "Other Org", "boss@other.example").await;
            set_mode(&db, &account, SignUpMode::Approval).await;
            set_mode(&db, &other, SignUpMode::Approval).await;
            request(&db, "ann@example.com").await;
            request(&db, "bob@example.com").await;
            request(&db, "eve@other.example").await;
            let queue = waiting(&db, account.account_id, None).await.unwrap();
            let (ann, bob) = (queue.requests[0].id, queue.requests[1].id);
            let theirs = waiting(&db, other.account_id, None).await.unwrap().requests[0].id;
            let grant = grant(&db, &account).await;

            let foreign = decide(&db, &grant, &[bob, theirs], &decision(true), NOW).await;
            assert_eq!(
                foreign.unwrap_err(),
                AppError::NotFound {
                    missing: Missing::AccessRequests {
                        ids: vec![theirs.get()],
                        more: false
                    }
                },
                "{url}"
            );
            decide(&db, &grant, &[ann], &decision(false), NOW)
                .await
                .unwrap();
            let mixed = decide(&db, &grant, &[ann, bob], &decision(true), NOW).await;
            assert!(matches!(
                mixed,
                Err(AppError::Conflict {
                    clash: Clash::RequestDecided { .. }
                })
            ));
            add_member(
                &db,
                &account,
                "Bob",
                "bob@example.com",
                UserStatus::NotActive,
            )
            .await;
            let member = decide(&db, &grant, &[bob], &decision(true), NOW).await;
            assert_eq!(
                member.unwrap_err(),
                AppError::Conflict {
                    clash: Clash::AlreadyMember {
                        email: "bob@example.com".into()
                    }
                }
            );
            let left = waiting(&db, account.account_id, None).await.unwrap();
            assert_eq!(left.requests.len(), 1, "bob still waits {url}");
            assert_eq!(audited_actions(&db).await, ["user.access_rejected"]);
            let rejected_mails = count(
                &db,
                "SELECT COUNT(*) FROM outbox WHERE subject = 'Your request to join Test Org'",
            )
            .await;
            assert_eq!(rejected_mails, 1);
        }
    }

    #[tokio::test]
    async fn the_queue_pages_oldest_first() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            for n in 0..(QUEUE_PAGE + 2) {
                sqlx::query(
                    "INSERT INTO access_requests
                        (account_id, email, first_name, last_name, password_hash, requested_at)
                     VALUES ($1, $2, 'P', 'Q', 'h', $3)",
                )
                .bind(account.account_id)
                .bind(format!("p{n}@example.com"))
                .bind(NOW + n as i64)
                .execute(db.pool())
                .await
                .unwrap();
            }
            let first = waiting(&db, account.account_id, None).await.unwrap();
            assert_eq!(first.requests.len(), QUEUE_PAGE, "{url}");
            assert_eq!(first.requests[0].email, "p0@example.com");
            let second = waiting(&db, account.account_id, first.next).await.unwrap();
            let emails: Vec<&str> = second.requests.iter().map(|r| r.email.as_str()).collect();
            assert_eq!(emails, ["p50@example.com", "p51@example.com"]);
            assert_eq!(second.next, None);
        }
    }
}
