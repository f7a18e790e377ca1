//! The SQL of invitations: a batch of people added as Not Active users with their
//! role, groups and the account's default access, each e-mailed a sign-up link, in one
//! transaction; a link looked up by its token's digest; resending and revoking; and
//! accepting, which names the user, sets their password and makes them Active.

use super::batch::{InviteBatch, Invitee, MAX_GROUPS};
use super::{InvitationsResent, InviteOptions, InviteOutcome, Invited};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::link_token::{LinkToken, digest};
use crate::auth::principal::{Actor, Grant, UsersInvite};
use crate::db::sql::Sql;
use crate::db::{Db, lock_account};
use crate::domain::{AccountId, Email, GroupId, PersonName, RoleId, UserId, UserStatus};
use crate::error::{AppError, Clash, Missing};
use crate::groups::GroupSummary;
use crate::i18n::Locale;
use crate::mail::message::{Invitation, invitation, welcome};
use crate::mail::outbox;
use crate::roles::rules::beyond_own;
use crate::roles::store::{permissions_by_role, role_permissions, within_own};
use crate::settings::default_access::DefaultAccess;
use crate::settings::store::read_section;
use crate::settings::welcome_emails::WelcomeEmails;
use crate::state::AppState;
use crate::users::keys::UserKeys;
use crate::users::new_user::{NewUser, insert_user};
use crate::users::profile::RoleChoice;
use crate::users::selection::UserIds;
use serde_json::json;
use sqlx::{Any, Transaction};
use std::net::IpAddr;

/// What an invitation e-mail needs from the server: where links point, how long they
/// work, and the language to write in.
#[derive(Debug, Clone)]
pub struct Letter {
    pub public_url: String,
    pub valid_days: i64,
    pub locale: Locale,
}

impl Letter {
    /// For this request: in the language the inviting admin reads.
    pub fn for_request(state: &AppState) -> Self {
        Self {
            public_url: state.public_url.clone(),
            valid_days: state.passwords.invitation_days,
            locale: crate::console::language::request_locale(),
        }
    }
}

fn invitation_gone() -> AppError {
    AppError::NotFound {
        missing: Missing::InvitationLink,
    }
}

fn not_invited() -> AppError {
    AppError::Conflict {
        clash: Clash::NotInvited,
    }
}

/// Gives `user` a new link (replacing any before it) and writes its e-mail to the
/// outbox.
async fn issue(
    tx: &mut Transaction<'_, Any>,
    account: (AccountId, &str),
    user: UserId,
    email: &Email,
    inviter: &str,
    letter: &Letter,
    now: i64,
) -> Result<(), AppError> {
    let token = LinkToken::generate();
    sqlx::query("DELETE FROM invitations WHERE user_id = $1")
        .bind(user)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO invitations (user_id, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(user)
    .bind(token.digest())
    .bind(now)
    .bind(now + letter.valid_days * 24 * 60 * 60)
    .execute(&mut **tx)
    .await?;
    let link = format!(
        "{}/accept-invitation?token={}",
        letter.public_url.trim_end_matches('/'),
        token.as_str()
    );
    let invited = Invitation {
        account: account.1,
        inviter,
        link: &link,
        valid_days: letter.valid_days,
    };
    let mail = invitation(letter.locale, email.clone(), &invited);
    outbox::enqueue(tx, account.0, &mail, now).await?;
    Ok(())
}

/// The account's name, its row taken so two invitations of one address at once go in
/// turn; 409 while the account has SSO on, since the identity provider then owns
/// passwords and an invitation would set one.
async fn lock_account_to_invite(
    tx: &mut Transaction<'_, Any>,
    db: &Db,
    account: AccountId,
) -> Result<String, AppError> {
    let name = lock_account(tx, db.backend(), account).await?;
    let (sso,): (i64,) = sqlx::query_as("SELECT sso_enabled FROM accounts WHERE id = $1")
        .bind(account)
        .fetch_one(&mut **tx)
        .await?;
    if sso != 0 {
        return Err(AppError::Conflict {
            clash: Clash::SsoManagesPasswords,
        });
    }
    Ok(name)
}

/// The condition on a user `u` who may still sign up through an invitation: Not Active
/// and without a password. A deactivated former user is Not Active too, but keeps their
/// password: only an admin with `users.update` brings them back.
fn awaits_sign_up() -> String {
    format!(
        "u.status = {} AND u.password_hash IS NULL",
        UserStatus::NotActive.code()
    )
}

/// How the inviting admin is named in the e-mail: their name, or their address.
async fn inviter_name(tx: &mut Transaction<'_, Any>, actor: &Actor) -> Result<String, AppError> {
    let (first, last): (String, String) =
        sqlx::query_as("SELECT first_name, last_name FROM users WHERE id = $1")
            .bind(actor.user_id)
            .fetch_one(&mut **tx)
            .await?;
    let name = format!("{first} {last}").trim().to_owned();
    Ok(if name.is_empty() {
        actor.email.to_string()
    } else {
        name
    })
}

/// 404 unless the account has role `batch.role` and every group of `batch.groups`; 403
/// when the role gives a permission the inviting admin does not hold.
async fn check_role_and_groups(
    tx: &mut Transaction<'_, Any>,
    grant: &Grant<UsersInvite>,
    batch: &InviteBatch,
) -> Result<(), AppError> {
    let account = grant.account_id();
    let role: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM roles WHERE account_id = $1 AND id = $2")
            .bind(account)
            .bind(batch.role)
            .fetch_optional(&mut **tx)
            .await?;
    if role.is_none() {
        return Err(AppError::NotFound {
            missing: Missing::Role {
                id: batch.role.get(),
            },
        });
    }
    within_own(grant, &role_permissions(tx, batch.role).await?)?;
    if batch.groups.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("SELECT id FROM user_groups WHERE account_id = ");
    let account_param = sql.int(account.get());
    let list = sql.int_list(batch.groups.iter().map(|id| id.get()));
    sql.push(&format!("{account_param} AND id IN {list}"));
    let found: Vec<(GroupId,)> = sql.query_as().fetch_all(&mut **tx).await?;
    if let Some(missing) = batch.groups.iter().find(|id| !found.contains(&(**id,))) {
        return Err(AppError::NotFound {
            missing: Missing::Group { id: missing.get() },
        });
    }
    Ok(())
}

/// Someone of the account with the address, and whether they wait on an invitation.
async fn existing(
    tx: &mut Transaction<'_, Any>,
    account: AccountId,
    email: &Email,
) -> Result<Option<(UserId, bool)>, AppError> {
    let found: Option<(UserId, i64)> = sqlx::query_as(&format!(
        "SELECT u.id, CASE WHEN {} THEN (SELECT COUNT(*) FROM invitations i WHERE i.user_id = u.id)
                      ELSE 0 END
         FROM users u WHERE u.account_id = $1 AND u.email = $2",
        awaits_sign_up()
    ))
    .bind(account)
    .bind(email.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.map(|(id, pending)| (id, pending > 0)))
}

async fn join_groups(
    tx: &mut Transaction<'_, Any>,
    user: UserId,
    groups: &[GroupId],
) -> Result<(), AppError> {
    for group in groups {
        sqlx::query("INSERT INTO user_group_members (group_id, user_id) VALUES ($1, $2)")
            .bind(*group)
            .bind(user)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Invites the batch: each new address becomes a Not Active user with the batch's role
/// and groups and the account's default access, e-mailed a link. Addresses the account
/// has already, or that are not addresses, are reported and left alone.
pub async fn invite(
    db: &Db,
    grant: &Grant<UsersInvite>,
    batch: &InviteBatch,
    letter: &Letter,
    now: i64,
) -> Result<Vec<InviteOutcome>, AppError> {
    let account = grant.account_id();
    let mut tx = db.write().await?;
    let account_name = lock_account_to_invite(&mut tx, db, account).await?;
    let access = read_section::<DefaultAccess>(&mut tx, account)
        .await?
        .settings
        .access;
    check_role_and_groups(&mut tx, grant, batch).await?;
    let inviter = inviter_name(&mut tx, grant.actor()).await?;
    let mut outcomes = Vec::with_capacity(batch.invitees.len());
    let mut events = Vec::new();
    for invitee in &batch.invitees {
        let email = match invitee {
            Invitee::Address(email) => email,
            Invitee::NotAnAddress(typed) => {
                outcomes.push(InviteOutcome {
                    email: typed.clone(),
                    result: Invited::InvalidAddress,
                    user: None,
                });
                continue;
            }
        };
        if let Some((user, pending)) = existing(&mut tx, account, email).await? {
            let result = if pending {
                Invited::AlreadyInvited
            } else {
                Invited::AlreadyMember
            };
            outcomes.push(InviteOutcome {
                email: email.to_string(),
                result,
                user: Some(user),
            });
            continue;
        }
        let new_user = NewUser {
            account_id: account,
            email: email.clone(),
            first_name: None,
            last_name: None,
            status: UserStatus::NotActive,
            role_id: batch.role,
            is_primary_admin: false,
            access,
            password_hash: None,
            created_at: now,
            invited_at: Some(now),
            last_login_at: None,
        };
        let user = insert_user(&mut *tx, &new_user).await?;
        join_groups(&mut tx, user, &batch.groups).await?;
        issue(
            &mut tx,
            (account, &account_name),
            user,
            email,
            &inviter,
            letter,
            now,
        )
        .await?;
        events.push(AuditEvent {
            action: AuditAction::UserInvited,
            target: AuditTarget::User(user),
            target_label: email.to_string(),
            before: None,
            after: Some(json!({
                "email": email.as_str(),
                "role_id": batch.role.get(),
                "status": UserStatus::NotActive.slug(),
            })),
        });
        outcomes.push(InviteOutcome {
            email: email.to_string(),
            result: Invited::Invited,
            user: Some(user),
        });
    }
    audit::record(&mut tx, grant.actor(), now, &events).await?;
    tx.commit().await?;
    Ok(outcomes)
}

/// The invited user `user` of the grant's account: their address, if they still wait
/// on an invitation (404 for a user the account does not have, 409 for one who does
/// not wait).
async fn invited_user(
    tx: &mut Transaction<'_, Any>,
    db: &Db,
    account: AccountId,
    user: UserId,
) -> Result<Email, AppError> {
    let found: Option<(String, i64)> = sqlx::query_as(&format!(
        "SELECT u.email, CASE WHEN {} THEN 1 ELSE 0 END
         FROM users u WHERE u.account_id = $1 AND u.id = $2{}",
        awaits_sign_up(),
        db.backend().row_lock()
    ))
    .bind(account)
    .bind(user)
    .fetch_optional(&mut **tx)
    .await?;
    let (email, awaits) = found.ok_or_else(|| AppError::unknown_user(user.get()))?;
    if awaits == 0 {
        return Err(not_invited());
    }
    Email::parse(&email).map_err(|_| AppError::Internal)
}

/// Sends each Not Active user of `ids` a new link (the old one, if any, stops working);
/// users of any other status are reported and left alone. 404 when the account lacks
/// one of them.
pub async fn resend(
    db: &Db,
    grant: &Grant<UsersInvite>,
    ids: &UserIds,
    letter: &Letter,
    now: i64,
) -> Result<InvitationsResent, AppError> {
    let account = grant.account_id();
    let mut tx = db.write().await?;
    let account_name = lock_account_to_invite(&mut tx, db, account).await?;
    let mut sql = Sql::new(&format!(
        "SELECT u.id, u.email, CASE WHEN {} THEN 1 ELSE 0 END FROM users u WHERE u.account_id = ",
        awaits_sign_up()
    ));
    let account_param = sql.int(account.get());
    let list = sql.int_list(ids.as_slice().iter().map(|id| id.get()));
    // The rows stay locked (on PostgreSQL) so a sign-up at the same moment either comes
    // first, and the user no longer awaits one, or waits for the new link.
    sql.push(&format!(
        "{account_param} AND u.id IN {list} ORDER BY u.id{}",
        db.backend().row_lock()
    ));
    let found: Vec<(UserId, String, i64)> = sql.query_as().fetch_all(&mut *tx).await?;
    let missing: Vec<i64> = ids
        .as_slice()
        .iter()
        .filter(|id| !found.iter().any(|row| row.0 == **id))
        .map(|id| id.get())
        .collect();
    if !missing.is_empty() {
        return Err(AppError::NotFound {
            missing: Missing::Users {
                more: missing.len() > 10,
                ids: missing.into_iter().take(10).collect(),
            },
        });
    }
    let inviter = inviter_name(&mut tx, grant.actor()).await?;
    let mut report = InvitationsResent {
        resent: Vec::new(),
        not_invited: Vec::new(),
    };
    let mut events = Vec::new();
    for (user, email, awaits) in found {
        if awaits == 0 {
            report.not_invited.push(user);
            continue;
        }
        let email = Email::parse(&email).map_err(|_| AppError::Internal)?;
        issue(
            &mut tx,
            (account, &account_name),
            user,
            &email,
            &inviter,
            letter,
            now,
        )
        .await?;
        sqlx::query("UPDATE users SET invited_at = $1 WHERE id = $2")
            .bind(now)
            .bind(user)
            .execute(&mut *tx)
            .await?;
        events.push(AuditEvent {
            action: AuditAction::InvitationResent,
            target: AuditTarget::User(user),
            target_label: email.to_string(),
            before: None,
            after: None,
        });
        report.resent.push(user);
    }
    audit::record(&mut tx, grant.actor(), now, &events).await?;
    tx.commit().await?;
    Ok(report)
}

/// Revokes the invitation of `user`: the link stops working, and the user stays Not
/// Active with no invitation.
pub async fn revoke(
    db: &Db,
    grant: &Grant<UsersInvite>,
    user: UserId,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    let email = invited_user(&mut tx, db, grant.account_id(), user).await?;
    let revoked = sqlx::query("DELETE FROM invitations WHERE user_id = $1")
        .bind(user)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if revoked != 1 {
        return Err(not_invited());
    }
    sqlx::query("UPDATE users SET invited_at = NULL WHERE id = $1")
        .bind(user)
        .execute(&mut *tx)
        .await?;
    let event = AuditEvent {
        action: AuditAction::InvitationRevoked,
        target: AuditTarget::User(user),
        target_label: email.to_string(),
        before: None,
        after: None,
    };
    audit::record(&mut tx, grant.actor(), now, &[event]).await?;
    tx.commit().await?;
    Ok(())
}

/// The account's roles by name that give nothing beyond the inviting admin's own
/// permissions, and its first `MAX_GROUPS` groups by name.
pub async fn choices(db: &Db, grant: &Grant<UsersInvite>) -> Result<InviteOptions, AppError> {
    let account = grant.account_id();
    let given = permissions_by_role(db, account).await?;
    let roles: Vec<(RoleId, String, i64)> =
        sqlx::query_as("SELECT id, name, is_admin FROM roles WHERE account_id = $1 ORDER BY name")
            .bind(account)
            .fetch_all(db.pool())
            .await?;
    let groups: Vec<(GroupId, String, i64)> = sqlx::query_as(&format!(
        "SELECT id, name, member_count FROM user_groups WHERE account_id = $1
         ORDER BY name_key, id LIMIT {MAX_GROUPS}"
    ))
    .bind(account)
    .fetch_all(db.pool())
    .await?;
    Ok(InviteOptions {
        roles: roles
            .into_iter()
            .filter(|(id, _, _)| {
                given
                    .get(id)
                    .is_none_or(|permissions| beyond_own(grant.held(), permissions).is_none())
            })
            .map(|(id, name, is_admin)| RoleChoice {
                id,
                name,
                is_admin: is_admin != 0,
            })
            .collect(),
        groups: groups
            .into_iter()
            .map(|(id, name, members)| GroupSummary {
                id,
                name,
                member_count: u64::try_from(members).unwrap_or_default(),
            })
            .collect(),
    })
}

/// The person a usable link invites.
#[derive(Debug, sqlx::FromRow)]
pub struct InvitedPerson {
    pub user_id: UserId,
    pub account_id: AccountId,
    #[sqlx(try_from = "String")]
    pub email: Email,
    pub account_name: String,
}

/// The person the link with `token` invites, while it works; 404 when it was used, has
/// expired, was replaced or revoked.
pub async fn invitee(db: &Db, token: &str, now: i64) -> Result<InvitedPerson, AppError> {
    sqlx::query_as(&format!(
        "SELECT u.id AS user_id, u.account_id, u.email, a.name AS account_name
         FROM invitations i JOIN users u ON u.id = i.user_id
         JOIN accounts a ON a.id = u.account_id
         WHERE i.token_hash = $1 AND i.expires_at > $2 AND {} AND a.sso_enabled = 0",
        awaits_sign_up()
    ))
    .bind(digest(token))
    .bind(now)
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(invitation_gone)
}

/// What the person gave on the link's page, checked, and how to welcome them.
pub struct Acceptance {
    pub first_name: PersonName,
    pub last_name: PersonName,
    /// An argon2 PHC string.
    pub password_hash: String,
    pub addr: Option<IpAddr>,
    /// Where the welcome e-mail sends them to sign in.
    pub sign_in_url: String,
    pub locale: Locale,
}

/// Accepts the invitation with `token`: names the user, sets their password, makes
/// them Active and deletes the link, in one transaction; sends the welcome e-mail when
/// the account's settings say so. 404 when the link no longer works.
pub async fn accept(
    db: &Db,
    token: &str,
    acceptance: &Acceptance,
    now: i64,
) -> Result<UserId, AppError> {
    let invited = invitee(db, token, now).await?;
    let mut tx = db.write().await?;
    // The user's row first, then the link's, as resending takes them: two changes at
    // once never wait on each other in turn.
    let (first, last) = (
        acceptance.first_name.as_str(),
        acceptance.last_name.as_str(),
    );
    let keys = UserKeys::of(first, last, invited.email.as_str());
    let activated = sqlx::query(&format!(
        "UPDATE users SET first_name = $1, last_name = $2, name_key = $3, last_key = $4,
                search_text = $5, password_hash = $6, status = $7
         WHERE id = $8 AND id IN (SELECT u.id FROM users u WHERE u.id = $8 AND {})",
        awaits_sign_up()
    ))
    .bind(first)
    .bind(last)
    .bind(&keys.name_key)
    .bind(&keys.last_key)
    .bind(&keys.search_text)
    .bind(&acceptance.password_hash)
    .bind(UserStatus::Active.code())
    .bind(invited.user_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let deleted = sqlx::query(
        "DELETE FROM invitations WHERE user_id = $1 AND token_hash = $2 AND expires_at > $3",
    )
    .bind(invited.user_id)
    .bind(digest(token))
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if activated != 1 || deleted != 1 {
        return Err(invitation_gone());
    }
    let welcome_emails = read_section::<WelcomeEmails>(&mut tx, invited.account_id).await?;
    let actor = Actor {
        account_id: invited.account_id,
        user_id: invited.user_id,
        email: invited.email.clone(),
        addr: acceptance.addr,
    };
    let event = AuditEvent {
        action: AuditAction::InvitationAccepted,
        target: AuditTarget::User(invited.user_id),
        target_label: invited.email.to_string(),
        before: Some(json!({ "status": UserStatus::NotActive.slug() })),
        after: Some(json!({
            "status": UserStatus::Active.slug(),
            "first_name": first,
            "last_name": last,
        })),
    };
    audit::record(&mut tx, &actor, now, &[event]).await?;
    if welcome_emails.settings.when_invited {
        let mail = welcome(
            acceptance.locale,
            invited.email.clone(),
            &invited.account_name,
            first,
            &acceptance.sign_in_url,
        );
        outbox::enqueue(&mut tx, invited.account_id, &mail, now).await?;
    }
    tx.commit().await?;
    Ok(invited.user_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::CreatedAccount;
    use crate::accounts::DefaultRole;
    use crate::testing::fixtures::{
        NOW, add_admin, add_member, audited_actions, other_account, signed_in, test_account,
    };
    use crate::testing::scratch::database_urls;

    const DAY: i64 = 24 * 60 * 60;

    fn letter() -> Letter {
        Letter {
            public_url: "https://roster.example".into(),
            valid_days: 7,
            locale: Locale::en,
        }
    }

    fn batch(emails: &[&str], role: RoleId, groups: &[GroupId]) -> InviteBatch {
        let emails: Vec<String> = emails.iter().map(|email| (*email).to_owned()).collect();
        let groups: Vec<i64> = groups.iter().map(|id| id.get()).collect();
        InviteBatch::parse(&emails, role.get(), &groups).unwrap()
    }

    async fn grant(db: &Db, account: &CreatedAccount) -> Grant<UsersInvite> {
        let (_, admin) = signed_in(db, account, account.primary_admin_id).await;
        admin.grant::<UsersInvite>().unwrap()
    }

    async fn add_group(db: &Db, account: &CreatedAccount, name: &str) -> GroupId {
        let (id,): (GroupId,) = sqlx::query_as(
            "INSERT INTO user_groups (account_id, name, name_key, created_at)
             VALUES ($1, $2, $3, 0) RETURNING id",
        )
        .bind(account.account_id)
        .bind(name)
        .bind(name.to_lowercase())
        .fetch_one(db.pool())
        .await
        .unwrap();
        id
    }

    /// The token of the newest invitation in the outbox: its text holds it.
    async fn newest_token(db: &Db) -> String {
        let (text,): (String,) = sqlx::query_as(
            "SELECT text_body FROM outbox WHERE subject LIKE 'You are invited%'
             ORDER BY id DESC LIMIT 1",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
        let start = text.find("accept-invitation?token=").unwrap() + 24;
        text[start..start + 64].to_owned()
    }

    fn acceptance() -> Acceptance {
        Acceptance {
            first_name: PersonName::parse("Nia").unwrap(),
            last_name: PersonName::parse("Newman").unwrap(),
            password_hash: "$argon2id$stand-in".into(),
            addr: None,
            sign_in_url: "https://roster.example/login".into(),
            locale: Locale::en,
        }
    }

    fn is_gone<T>(outcome: &Result<T, AppError>) -> bool {
        matches!(
            outcome,
            Err(AppError::NotFound {
                missing: Missing::InvitationLink
            })
        )
    }

    #[derive(sqlx::FromRow, Debug, PartialEq)]
    struct Row {
        status: i64,
        role_id: i64,
        builder_access: i64,
        invited_at: Option<i64>,
    }

    async fn row(db: &Db, email: &str) -> Row {
        sqlx::query_as(
            "SELECT status, role_id, builder_access, invited_at FROM users WHERE email = $1",
        )
        .bind(email)
        .fetch_one(db.pool())
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn each_new_address_becomes_a_not_active_user_with_the_role_groups_default_access_and_a_link()
     {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            sqlx::query("UPDATE accounts SET default_builder_access = 1")
                .execute(db.pool())
                .await
                .unwrap();
            let sales = add_group(&db, &account, "Sales").await;
            add_member(&db, &account, "Ann", "ann@example.com", UserStatus::Active).await;
            let grant = grant(&db, &account).await;
            let asked = batch(
                &[
                    "new1@example.com",
                    "ANN@example.com",
                    "not an address",
                    "new2@example.com",
                ],
                account.member_role_id,
                &[sales],
            );

            let outcomes = invite(&db, &grant, &asked, &letter(), NOW).await.unwrap();

            let results: Vec<(&str, Invited)> = outcomes
                .iter()
                .map(|outcome| (outcome.email.as_str(), outcome.result))
                .collect();
            assert_eq!(
                results,
                [
                    ("new1@example.com", Invited::Invited),
                    ("ann@example.com", Invited::AlreadyMember),
                    ("not an address", Invited::InvalidAddress),
                    ("new2@example.com", Invited::Invited),
                ],
                "{url}"
            );
            let expected = Row {
                status: UserStatus::NotActive.code(),
                role_id: account.member_role_id.get(),
                builder_access: 1,
                invited_at: Some(NOW),
            };
            assert_eq!(row(&db, "new1@example.com").await, expected, "{url}");
            let (members,): (i64,) =
                sqlx::query_as("SELECT member_count FROM user_groups WHERE id = $1")
                    .bind(sales)
                    .fetch_one(db.pool())
                    .await
                    .unwrap();
            assert_eq!(members, 2, "{url}");
            let (mails,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM outbox WHERE subject = 'You are invited to Test Org'",
            )
            .fetch_one(db.pool())
            .await
            .unwrap();
            assert_eq!(mails, 2, "{url}");
            assert_eq!(audited_actions(&db).await, ["user.invited", "user.invited"]);

            let again = invite(
                &db,
                &grant,
                &batch(&["new1@example.com"], account.member_role_id, &[]),
                &letter(),
                NOW,
            )
            .await
            .unwrap();
            assert_eq!(again[0].result, Invited::AlreadyInvited, "{url}");
        }
    }

    #[tokio::test]
    async fn another_accounts_role_or_group_is_refused_and_no_one_is_invited() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let other = other_account(&db, "Other Org", "boss@other.example").await;
            let foreign_group = add_group(&db, &other, "Theirs").await;
            let grant = grant(&db, &account).await;

            let foreign_role = invite(
                &db,
                &grant,
                &batch(&["nia@example.com"], other.member_role_id, &[]),
                &letter(),
                NOW,
            )
            .await;
            let foreign_group = invite(
                &db,
                &grant,
                &batch(
                    &["nia@example.com"],
                    account.member_role_id,
                    &[foreign_group],
                ),
                &letter(),
                NOW,
            )
            .await;

            assert!(
                matches!(
                    foreign_role,
                    Err(AppError::NotFound {
                        missing: Missing::Role { .. }
                    })
                ),
                "{url}"
            );
            assert!(
                matches!(
                    foreign_group,
                    Err(AppError::NotFound {
                        missing: Missing::Group { .. }
                    })
                ),
                "{url}"
            );
            let (users,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM users WHERE email = 'nia@example.com'")
                    .fetch_one(db.pool())
                    .await
                    .unwrap();
            assert_eq!(users, 0, "{url}");
            assert!(audited_actions(&db).await.is_empty(), "{url}");
        }
    }

    #[tokio::test]
    async fn an_inviter_gives_no_role_beyond_their_own_and_is_offered_none() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let (inviter_role,): (RoleId,) = sqlx::query_as(
                "INSERT INTO roles (account_id, name, name_key, is_admin)
                 VALUES ($1, 'Inviter', 'inviter', 1) RETURNING id",
            )
            .bind(account.account_id)
            .fetch_one(db.pool())
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO role_permissions (role_id, permission) VALUES ($1, 'users.invite')",
            )
            .bind(inviter_role)
            .execute(db.pool())
            .await
            .unwrap();
            let inviter = add_admin(&db, &account, "inv@example.com", DefaultRole::Member).await;
            sqlx::query("UPDATE users SET role_id = $1 WHERE id = $2")
                .bind(inviter_role)
                .bind(inviter)
                .execute(db.pool())
                .await
                .unwrap();
            let (_, admin) = signed_in(&db, &account, inviter).await;
            let grant = admin.grant::<UsersInvite>().unwrap();

            let master = batch(&["nia@example.com"], account.master_admin_role_id, &[]);
            let refused = invite(&db, &grant, &master, &letter(), NOW).await;
            assert!(
                matches!(refused, Err(AppError::Forbidden { .. })),
                "{url}: a Master Admin of their own making"
            );
            assert!(audited_actions(&db).await.is_empty(), "{url}");
            let offered = choices(&db, &grant).await.unwrap();
            let names: Vec<&str> = offered
                .roles
                .iter()
                .map(|role| role.name.as_str())
                .collect();
            assert_eq!(names, ["Inviter", "Member"], "{url}");
            let member = batch(&["nia@example.com"], account.member_role_id, &[]);
            assert!(
                invite(&db, &grant, &member, &letter(), NOW).await.is_ok(),
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn accepting_names_the_user_sets_the_password_activates_them_and_works_once() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let grant = grant(&db, &account).await;
            let asked = batch(&["nia@example.com"], account.member_role_id, &[]);
            invite(&db, &grant, &asked, &letter(), NOW).await.unwrap();
            let token = newest_token(&db).await;
            assert_eq!(
                invitee(&db, &token, NOW).await.unwrap().email.as_str(),
                "nia@example.com"
            );

            accept(&db, &token, &acceptance(), NOW + 60).await.unwrap();

            let (status, first, last, hash): (i64, String, String, String) = sqlx::query_as(
                "SELECT status, first_name, last_name, password_hash FROM users
                 WHERE email = 'nia@example.com'",
            )
            .fetch_one(db.pool())
            .await
            .unwrap();
            assert_eq!(status, UserStatus::Active.code(), "{url}");
            assert_eq!((first.as_str(), last.as_str()), ("Nia", "Newman"), "{url}");
            assert_eq!(hash, "$argon2id$stand-in", "{url}");
            assert!(
                is_gone(&accept(&db, &token, &acceptance(), NOW + 61).await),
                "{url}"
            );
            assert!(is_gone(&invitee(&db, &token, NOW + 61).await), "{url}");
            let (welcome,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE subject = 'Welcome to Test Org'")
                    .fetch_one(db.pool())
                    .await
                    .unwrap();
            assert_eq!(welcome, 1, "{url}: invited users are welcomed by default");
            assert_eq!(
                audited_actions(&db).await,
                ["user.invited", "user.invitation_accepted"],
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn a_link_lasts_its_days_a_resent_one_replaces_it_and_a_revoked_one_stops() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let grant = grant(&db, &account).await;
            let asked = batch(&["nia@example.com"], account.member_role_id, &[]);
            let nia = invite(&db, &grant, &asked, &letter(), NOW).await.unwrap()[0]
                .user
                .unwrap();
            let first = newest_token(&db).await;
            assert!(
                invitee(&db, &first, NOW + 7 * DAY - 1).await.is_ok(),
                "{url}"
            );
            assert!(is_gone(&invitee(&db, &first, NOW + 7 * DAY).await), "{url}");

            let report = resend(&db, &grant, &UserIds::one(nia), &letter(), NOW + DAY)
                .await
                .unwrap();
            assert_eq!(report.resent, [nia], "{url}");
            let second = newest_token(&db).await;
            assert!(
                is_gone(&invitee(&db, &first, NOW + DAY).await),
                "{url}: replaced"
            );
            assert!(invitee(&db, &second, NOW + 7 * DAY).await.is_ok(), "{url}");

            revoke(&db, &grant, nia, NOW + DAY).await.unwrap();
            assert!(
                is_gone(&invitee(&db, &second, NOW + DAY).await),
                "{url}: revoked"
            );
            assert_eq!(row(&db, "nia@example.com").await.invited_at, None, "{url}");
            let not_invited = Err(AppError::Conflict {
                clash: Clash::NotInvited,
            });
            assert_eq!(revoke(&db, &grant, nia, NOW).await, not_invited, "{url}");
            let primary = account.primary_admin_id;
            assert_eq!(revoke(&db, &grant, primary, NOW).await, not_invited);

            // A Not Active user without a link (revoked, or listed before invitations
            // existed) is invited again; an Active one is left alone.
            let both = UserIds::parse(&[nia.get(), primary.get()]).unwrap();
            let report = resend(&db, &grant, &both, &letter(), NOW + DAY)
                .await
                .unwrap();
            assert_eq!(report.resent, [nia], "{url}");
            assert_eq!(report.not_invited, [primary], "{url}");
            assert!(
                invitee(&db, &newest_token(&db).await, NOW + DAY)
                    .await
                    .is_ok()
            );
            let other = other_account(&db, "Other Org", "boss@other.example").await;
            let foreign = UserIds::one(other.primary_admin_id);
            assert!(
                matches!(
                    resend(&db, &grant, &foreign, &letter(), NOW).await,
                    Err(AppError::NotFound { .. })
                ),
                "{url}"
            );
            assert_eq!(
                audited_actions(&db).await,
                [
                    "user.invited",
                    "user.invitation_resent",
                    "user.invitation_revoked",
                    "user.invitation_resent"
                ],
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn a_deactivated_user_is_not_invited_back_and_sso_refuses_invitations() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let grant = grant(&db, &account).await;
            let dee = add_admin(&db, &account, "dee@example.com", DefaultRole::UserAdmin).await;
            sqlx::query("UPDATE users SET status = $1 WHERE id = $2")
                .bind(UserStatus::NotActive.code())
                .bind(dee)
                .execute(db.pool())
                .await
                .unwrap();

            let report = resend(&db, &grant, &UserIds::one(dee), &letter(), NOW)
                .await
                .unwrap();
            let again = batch(&["dee@example.com"], account.member_role_id, &[]);
            let outcomes = invite(&db, &grant, &again, &letter(), NOW).await.unwrap();

            assert_eq!(report.not_invited, [dee], "{url}: they keep their password");
            assert_eq!(outcomes[0].result, Invited::AlreadyMember, "{url}");
            let nia = batch(&["nia@example.com"], account.member_role_id, &[]);
            invite(&db, &grant, &nia, &letter(), NOW).await.unwrap();
            let token = newest_token(&db).await;
            sqlx::query("UPDATE accounts SET sso_enabled = 1")
                .execute(db.pool())
                .await
                .unwrap();
            let sso = Err(AppError::Conflict {
                clash: Clash::SsoManagesPasswords,
            });
            let other = batch(&["oli@example.com"], account.member_role_id, &[]);
            assert_eq!(
                invite(&db, &grant, &other, &letter(), NOW).await,
                sso,
                "{url}"
            );
            assert!(is_gone(&invitee(&db, &token, NOW).await), "{url}");
            assert!(
                is_gone(&accept(&db, &token, &acceptance(), NOW).await),
                "{url}"
            );
        }
    }
}
