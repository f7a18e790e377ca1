//! Checking an e-mail and password and starting a session, or, when the account's
//! two-factor policy asks it of this person or they have an authenticator app, asking
//! for a code first (`sign_in_code`);
//! checking the password of someone signed in again, before a change that needs a
//! recent sign-in, or of an account they choose to go on in. A wrong password counts
//! towards a lock (`lockout`).

use super::access::{Access, AccessColumns};
use super::account_choice;
use super::link_token::LinkToken;
use super::lockout;
use super::password::{HashPlace, reserve_hashing};
use super::principal::Actor;
use super::session::{Client, SessionToken, start_session};
use super::sign_in_code::{self, SecondStep};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::db::Db;
use crate::domain::{AccountId, Email, SessionId, UserId, UserStatus};
use crate::error::{AppError, Problem};
use crate::i18n::Locale;
use crate::settings::sign_in_security::TwoFactor;
use sqlx::{Any, Transaction};

/// Accounts sharing one e-mail whose passwords a single sign-in tries: each costs a
/// hashing. The person reaches their other accounts from the choice of account, with
/// each one's own password.
const MAX_ACCOUNTS_TRIED: i64 = 5;

/// The most accounts one e-mail is offered to choose from: an address in more is a
/// mistake to clean up in the accounts, not a list to page through.
const MAX_ACCOUNTS_OFFERED: i64 = 100;

#[derive(sqlx::FromRow)]
struct Candidate {
    id: UserId,
    account_id: AccountId,
    password_hash: Option<String>,
    #[sqlx(flatten)]
    may: AccessColumns,
    two_factor: i64,
    sso_enabled: i64,
    /// When the user turned on an authenticator app, if they did.
    app_since: Option<i64>,
    /// Whether this is the account the person signs in to when several open.
    default_account: i64,
    account_name: String,
}

impl Candidate {
    /// Whether this user may sign in with a password through one door or the other:
    /// not locked, suspended or invited, and not a member of an account with SSO on.
    fn may_use_password(&self) -> bool {
        let access = self.may.access();
        let sso = self.sso_enabled != 0;
        access != Access::None
            && (Door::Everyone.lets_in(access, sso) || Door::AdminsOnly.lets_in(access, sso))
    }
}

/// One of the accounts a person's e-mail may sign in to with a password.
pub(crate) struct PersonsAccount {
    pub user: UserId,
    pub account_name: String,
    pub is_default: bool,
}

/// Which sign-in page a password comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// `/login`: anyone whose account does not sign in through SSO.
    Everyone,
    /// `/login/admin`: admins only, also while their account has SSO on (the seeds'
    /// bypass).
    AdminsOnly,
}

impl Door {
    /// Whether someone who may reach `access`, in an account with SSO on or off, may
    /// sign in with a password through this door.
    pub fn lets_in(self, access: Access, sso_enabled: bool) -> bool {
        match self {
            Self::Everyone => !sso_enabled,
            Self::AdminsOnly => access == Access::Console,
        }
    }
}

/// Where a right password leads.
pub enum SignedIn {
    /// A session has started.
    Session(SessionToken, Access),
    /// A second factor is asked of this person, as `SecondStep` says: the token names
    /// the challenge to the browser, and no session exists until the code is given.
    CodeAsked(LinkToken, SecondStep),
    /// The password opened several accounts: the token names the choice to the
    /// browser, and the person picks one (`account_choice`).
    ChooseAccount(LinkToken),
}

const CANDIDATE_COLUMNS: &str = "u.id, u.account_id, u.password_hash, u.status, \
    u.is_primary_admin, u.default_account, r.is_admin AS role_is_admin, a.two_factor, \
    a.sso_enabled, a.name AS account_name,
    (SELECT confirmed_at FROM authenticators WHERE user_id = u.id) AS app_since";

const CANDIDATE_TABLES: &str =
    "users u JOIN roles r ON r.id = u.role_id JOIN accounts a ON a.id = u.account_id";

/// The users of `email` with a password, other than `excluded`, whose passwords a
/// sign-in tries: the default account's first, then the most recently signed in to.
async fn candidates(db: &Db, email: &str, excluded: &[UserId]) -> Result<Vec<Candidate>, AppError> {
    let except = if excluded.is_empty() {
        String::new()
    } else {
        let ids: Vec<String> = excluded.iter().map(|id| id.get().to_string()).collect();
        format!(" AND u.id NOT IN ({})", ids.join(", "))
    };
    Ok(sqlx::query_as(&format!(
        "SELECT {CANDIDATE_COLUMNS} FROM {CANDIDATE_TABLES}
         WHERE u.email = $1 AND u.password_hash IS NOT NULL{except}
         ORDER BY u.default_account DESC, COALESCE(u.last_login_at, 0) DESC, u.id LIMIT $2"
    ))
    .bind(email)
    .bind(MAX_ACCOUNTS_TRIED)
    .fetch_all(db.pool())
    .await?)
}

/// The `candidates` that `password` opens through `door` (or through either, without
/// one), in their order, and those whose password it is not.
async fn try_password(
    hashing: &HashPlace<'_>,
    password: &str,
    candidates: Vec<Candidate>,
    door: Option<Door>,
) -> Result<(Vec<Candidate>, Vec<UserId>), AppError> {
    let mut failed = Vec::with_capacity(candidates.len());
    let mut opened = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        let hash = candidate.password_hash.clone();
        if !hashing.verify(password.to_owned(), hash).await? {
            failed.push(candidate.id);
            continue;
        }
        let access = candidate.may.access();
        if access == Access::None {
            tracing::info!(user = %candidate.id, "refused: may not sign in");
            continue;
        }
        let sso = candidate.sso_enabled != 0;
        let through = door.map_or(candidate.may_use_password(), |door| {
            door.lets_in(access, sso)
        });
        if !through {
            // Not a failure, and the same e-mail may open another account here.
            tracing::info!(user = %candidate.id, ?door, "refused: not through this door");
            continue;
        }
        opened.push(candidate);
    }
    Ok((opened, failed))
}

/// The accounts of `from`'s e-mail other than `excluded` that `password` opens (of
/// the `MAX_ACCOUNTS_TRIED` tried, the default and the most recently used first), in
/// that order; when it opens none, it counts as a failed sign-in for each tried, and
/// the answer is 400 `password: not_your_password`.
pub(crate) async fn open_other_accounts(
    db: &Db,
    from: UserId,
    excluded: &[UserId],
    password: String,
    client: &Client,
    locale: Locale,
    now: i64,
) -> Result<Vec<UserId>, AppError> {
    let hashing = reserve_hashing().await?;
    let email: Option<(String,)> = sqlx::query_as("SELECT email FROM users WHERE id = $1")
        .bind(from)
        .fetch_optional(db.pool())
        .await?;
    let (email,) = email.ok_or(AppError::Unauthenticated)?;
    let tried = candidates(db, &email, excluded).await?;
    if tried.is_empty() {
        hashing.verify(password, None).await?;
        return Err(AppError::invalid("password", Problem::NotYourPassword));
    }
    let (opened, failed) = try_password(&hashing, &password, tried, None).await?;
    drop(hashing);
    if opened.is_empty() {
        for user in failed {
            lockout::record_failure(db, user, client.ip, locale, now).await?;
        }
        return Err(AppError::invalid("password", Problem::NotYourPassword));
    }
    Ok(opened.into_iter().map(|user| user.id).collect())
}

/// The accounts `user`'s e-mail may sign in to with a password now, theirs among them,
/// by name.
pub(crate) async fn accounts_of_person(
    db: &Db,
    user: UserId,
) -> Result<Vec<PersonsAccount>, AppError> {
    let candidates: Vec<Candidate> = sqlx::query_as(&format!(
        "SELECT {CANDIDATE_COLUMNS} FROM {CANDIDATE_TABLES}
         WHERE u.email = (SELECT email FROM users WHERE id = $1)
             AND u.password_hash IS NOT NULL
         ORDER BY a.name, u.id LIMIT $2"
    ))
    .bind(user)
    .bind(MAX_ACCOUNTS_OFFERED)
    .fetch_all(db.pool())
    .await?;
    Ok(candidates
        .into_iter()
        .filter(Candidate::may_use_password)
        .map(|candidate| PersonsAccount {
            user: candidate.id,
            account_name: candidate.account_name,
            is_default: candidate.default_account != 0,
        })
        .collect())
}

/// Signs in the active user with this e-mail and password and says what they may reach.
/// A wrong e-mail, a wrong password, and a right password of someone who may not sign
/// in (a locked user among them) all get the same answer, so the answer reveals
/// nothing about an account. A place in the hashing queue is taken first: when none
/// frees up in time, the answer is 503 before any other work. A lock whose time is up
/// is lifted first; a password that matches none of the e-mail's users counts as a
/// failure for each of them (and the lock e-mail is written in `locale`). Under a
/// two-factor policy that covers them, a right password sends a code instead of
/// starting a session (or asks for their authenticator app's code, which a person who
/// has one always gives), and the failures are forgotten only once the code is given.
/// A right password through a `door` that does not let its person in (a member while
/// SSO is on) opens nothing and counts as no failure; with no other account of the
/// e-mail opening, the answer is the same as for a wrong password. A password that
/// opens several accounts signs in to the person's default among them, or asks which
/// (`account_choice`).
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn sign_in(
    db: &Db,
    email: &Email,
    password: String,
    door: Door,
    client: &Client,
    locale: Locale,
    now: i64,
) -> Result<SignedIn, AppError> {
    let hashing = reserve_hashing().await?;
    let mut candidates = candidates(db, email.as_str(), &[]).await?;
    // Only a locked user's sign-in pays for the write that may lift their lock.
    if candidates
        .iter()
        .any(|user| user.may.status == UserStatus::Locked)
        && lockout::unlock_due(db, Some(email), now).await? > 0
    {
        candidates = self::candidates(db, email.as_str(), &[]).await?;
    }

    if candidates.is_empty() {
        hashing.verify(password, None).await?;
        return Err(AppError::InvalidCredentials);
    }
    let (mut opened, failed) = try_password(&hashing, &password, candidates, Some(door)).await?;
    // The hashing is done: the place is another request's while this one writes.
    drop(hashing);
    let default = opened.iter().position(|user| user.default_account != 0);
    match (opened.len(), default) {
        (0, _) => {
            for user in failed {
                lockout::record_failure(db, user, client.ip, locale, now).await?;
            }
            Err(AppError::InvalidCredentials)
        }
        (1, _) => open_for(db, opened.remove(0), client, locale, now).await,
        (_, Some(default)) => open_for(db, opened.remove(default), client, locale, now).await,
        _ => {
            let users: Vec<UserId> = opened.iter().map(|user| user.id).collect();
            let token = account_choice::open(db, &users, users[0], None, now).await?;
            Ok(SignedIn::ChooseAccount(token))
        }
    }
}

/// `user`, whose password was right a moment ago, if they may still sign in with it:
/// not locked or suspended meanwhile, and not a member of an account that turned SSO on.
async fn still_signing_in<'c, E>(conn: E, user: UserId) -> Result<Option<Candidate>, AppError>
where
    E: sqlx::Executor<'c, Database = Any>,
{
    let candidate: Option<Candidate> = sqlx::query_as(&format!(
        "SELECT {CANDIDATE_COLUMNS} FROM {CANDIDATE_TABLES} WHERE u.id = $1"
    ))
    .bind(user)
    .fetch_optional(conn)
    .await?;
    Ok(candidate.filter(Candidate::may_use_password))
}

/// Whether `user`, whose password was right a moment ago, may still sign in with it.
pub(crate) async fn may_go_on(
    tx: &mut Transaction<'_, Any>,
    user: UserId,
) -> Result<bool, AppError> {
    Ok(still_signing_in(&mut **tx, user).await?.is_some())
}

/// Goes on with the sign-in of `user`, whose password was right and whose account
/// they chose: see `open_for`. `None` when they may no longer sign in.
pub(crate) async fn go_on_as(
    db: &Db,
    user: UserId,
    client: &Client,
    locale: Locale,
    now: i64,
) -> Result<Option<SignedIn>, AppError> {
    match still_signing_in(db.pool(), user).await? {
        Some(candidate) => open_for(db, candidate, client, locale, now).await.map(Some),
        None => Ok(None),
    }
}

/// Opens the session of `candidate`, whose password was right, or the challenge of a
/// second factor when their account's policy or their authenticator app asks one.
async fn open_for(
    db: &Db,
    candidate: Candidate,
    client: &Client,
    locale: Locale,
    now: i64,
) -> Result<SignedIn, AppError> {
    let access = candidate.may.access();
    let mut tx = db.write().await?;
    let policy = TwoFactor::from_code(candidate.two_factor).ok_or(AppError::Internal)?;
    let app_on = candidate.app_since.is_some();
    let signed_in = if app_on || policy.requires_code(access == Access::Console) {
        let (challenge, step) = sign_in_code::open(&mut tx, candidate.id, locale, now).await?;
        SignedIn::CodeAsked(challenge, step)
    } else {
        let token = open_session(&mut tx, candidate.id, candidate.account_id, client, now).await?;
        SignedIn::Session(token, access)
    };
    tx.commit().await?;
    Ok(signed_in)
}

/// Starts the session of a sign-in that has passed every check, in `tx`: records the
/// sign-in (on the user and in the audit trail), forgets the user's failures, and keeps the profile-field policy live now as
/// the session's.
pub(crate) async fn open_session(
    tx: &mut Transaction<'_, Any>,
    user: UserId,
    account: AccountId,
    client: &Client,
    now: i64,
) -> Result<SessionToken, AppError> {
    let token = start_session(&mut **tx, user, account, client, now).await?;
    sqlx::query(
        "UPDATE users SET last_login_at = $1, profile_policy_version =
            (SELECT profile_policy_version FROM accounts WHERE id = users.account_id)
         WHERE id = $2",
    )
    .bind(now)
    .bind(user)
    .execute(&mut **tx)
    .await?;
    lockout::forget_failures(tx, user).await?;
    let actor = Actor::of_user(tx, user, client.ip).await?;
    let signed_in = AuditEvent {
        action: AuditAction::SignedIn,
        target: AuditTarget::User(user),
        target_label: actor.email.to_string(),
        before: None,
        after: None,
    };
    audit::record(tx, &actor, now, &[signed_in]).await?;
    Ok(token)
}

/// Proves again who the person behind `session` is: their right password marks the
/// session as verified `now`; a wrong one is refused (400 `password: not_your_password`)
/// and counts towards their lock like a wrong sign-in.
pub async fn confirm_password(
    db: &Db,
    user: UserId,
    session: SessionId,
    password: String,
    client: &Client,
    locale: Locale,
    now: i64,
) -> Result<(), AppError> {
    let hashing = reserve_hashing().await?;
    let hash: Option<(Option<String>,)> =
        sqlx::query_as("SELECT password_hash FROM users WHERE id = $1")
            .bind(user)
            .fetch_optional(db.pool())
            .await?;
    let right = hashing
        .verify(password, hash.and_then(|(hash,)| hash))
        .await?;
    drop(hashing);
    if !right {
        lockout::record_failure(db, user, client.ip, locale, now).await?;
        return Err(AppError::invalid("password", Problem::NotYourPassword));
    }
    sqlx::query("UPDATE sessions SET verified_at = $1 WHERE id = $2 AND user_id = $3")
        .bind(now)
        .bind(session)
        .bind(user)
        .execute(db.pool())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::DefaultRole;
    use crate::testing::fixtures::{NOW, PASSWORD, PRIMARY_EMAIL, add_admin, test_account};
    use crate::testing::scratch::database_urls;

    #[test]
    fn the_sign_in_page_lets_in_everyone_without_sso_and_the_admins_page_admins_only() {
        assert!(Door::Everyone.lets_in(Access::OwnAccount, false));
        assert!(Door::Everyone.lets_in(Access::Console, false));
        assert!(!Door::Everyone.lets_in(Access::Console, true));
        assert!(!Door::Everyone.lets_in(Access::OwnAccount, true));
        assert!(Door::AdminsOnly.lets_in(Access::Console, true));
        assert!(Door::AdminsOnly.lets_in(Access::Console, false));
        assert!(!Door::AdminsOnly.lets_in(Access::OwnAccount, true));
        assert!(!Door::AdminsOnly.lets_in(Access::OwnAccount, false));
    }

    #[tokio::test]
    async fn with_sso_on_a_right_password_opens_only_the_admins_door_and_counts_no_failure() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let member_role = DefaultRole::Member;
            add_admin(&db, &account, "member@example.com", member_role).await;
            sqlx::query("UPDATE accounts SET sso_enabled = 1")
                .execute(db.pool())
                .await
                .unwrap();
            let client = Client {
                user_agent: "test".into(),
                ip: None,
            };
            let attempt = |address: &'static str, door: Door| {
                let (db, client) = (db.clone(), client.clone());
                async move {
                    let email = Email::parse(address).unwrap();
                    sign_in(&db, &email, PASSWORD.into(), door, &client, Locale::en, NOW).await
                }
            };
            let refused = |result: Result<SignedIn, AppError>| {
                matches!(result, Err(AppError::InvalidCredentials))
            };
            assert!(
                refused(attempt(PRIMARY_EMAIL, Door::Everyone).await),
                "{url}"
            );
            assert!(refused(
                attempt("member@example.com", Door::AdminsOnly).await
            ));
            assert!(refused(attempt("member@example.com", Door::Everyone).await));
            assert!(matches!(
                attempt(PRIMARY_EMAIL, Door::AdminsOnly).await,
                Ok(SignedIn::Session(_, Access::Console))
            ));
            let (failures,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM users WHERE failed_sign_ins > 0")
                    .fetch_one(db.pool())
                    .await
                    .unwrap();
            assert_eq!(failures, 0, "{url}: a right password is no failure");
        }
    }
}
