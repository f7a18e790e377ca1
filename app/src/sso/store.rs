//! The SQL of single sign-on: the provider saved per account with its secret sealed,
//! the switch that turns SSO on only after a test at the saved version, the record of
//! that test; and who a person the provider signed in is in the account: a user there,
//! an invited user joining, or someone new under the account's sign-up policy.

use super::provider::{CheckedProvider, domain_allowed};
use super::{CALLBACK_PATH, SavedProvider, SsoSettings, SsoTest};
use crate::access_requests::store::{Person, insert_request, sign_up_member};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::access::{Access, AccessColumns};
use crate::auth::principal::{Actor, Grant, SettingsManage};
use crate::auth::session::{Client, SessionToken};
use crate::auth::sign_in::open_session;
use crate::db::{Db, lock_account};
use crate::domain::{AccountId, Email, PersonName, UserId, UserStatus};
use crate::error::{AppError, Clash};
use crate::settings::sign_up::{SelfSignUp, SignUpMode};
use crate::settings::store::read_section;
use crate::state::AppState;
use serde_json::json;
use sqlx::{Any, Transaction};

#[derive(sqlx::FromRow)]
struct ProviderRow {
    issuer: String,
    client_id: String,
    client_secret_sealed: String,
    allowed_domains: String,
    version: i64,
    tested_version: Option<i64>,
    tested_at: Option<i64>,
    tested_as: Option<String>,
}

impl ProviderRow {
    fn domains(&self) -> Vec<String> {
        self.allowed_domains
            .split(' ')
            .filter(|domain| !domain.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn saved(&self) -> SavedProvider {
        let tested = match (self.tested_version, self.tested_at, &self.tested_as) {
            (Some(version), Some(at), Some(email)) if version == self.version => Some(SsoTest {
                at,
                email: email.clone(),
            }),
            _ => None,
        };
        SavedProvider {
            issuer: self.issuer.clone(),
            client_id: self.client_id.clone(),
            allowed_domains: self.domains(),
            version: self.version,
            tested,
        }
    }

    /// What the audit trail keeps of the provider: never its secret.
    fn audit_values(&self) -> serde_json::Value {
        json!({
            "issuer": self.issuer,
            "client_id": self.client_id,
            "allowed_domains": self.allowed_domains,
        })
    }
}

const PROVIDER_COLUMNS: &str = "issuer, client_id, client_secret_sealed, allowed_domains, \
    version, tested_version, tested_at, tested_as";

async fn provider_row<'c, E>(
    executor: E,
    account: AccountId,
) -> Result<Option<ProviderRow>, AppError>
where
    E: sqlx::Executor<'c, Database = Any>,
{
    Ok(sqlx::query_as(&format!(
        "SELECT {PROVIDER_COLUMNS} FROM sso_providers WHERE account_id = $1"
    ))
    .bind(account)
    .fetch_optional(executor)
    .await?)
}

async fn sso_enabled<'c, E>(executor: E, account: AccountId) -> Result<bool, AppError>
where
    E: sqlx::Executor<'c, Database = Any>,
{
    let (enabled,): (i64,) = sqlx::query_as("SELECT sso_enabled FROM accounts WHERE id = $1")
        .bind(account)
        .fetch_one(executor)
        .await?;
    Ok(enabled != 0)
}

/// The account's single sign-on as the settings section shows it.
pub async fn settings(state: &AppState, account: AccountId) -> Result<SsoSettings, AppError> {
    let provider = provider_row(state.db.pool(), account).await?;
    Ok(SsoSettings {
        provider: provider.as_ref().map(ProviderRow::saved),
        enabled: sso_enabled(state.db.pool(), account).await?,
        redirect_uri: format!("{}{CALLBACK_PATH}", state.public_url),
        can_keep_secrets: state.secret_key.is_some(),
    })
}

/// Saves the provider over `version` (0: none saved yet) while SSO is off, sealing a
/// new secret; the new version needs a test of its own before SSO can be turned on.
pub async fn save_provider(
    state: &AppState,
    grant: &Grant<SettingsManage>,
    provider: CheckedProvider,
    version: i64,
    now: i64,
) -> Result<SsoSettings, AppError> {
    let account = grant.account_id();
    let sealed = match (&provider.client_secret, &state.secret_key) {
        (Some(secret), Some(key)) => Some(key.seal(secret)),
        (Some(_), None) => {
            return Err(AppError::Conflict {
                clash: Clash::NoSecretKey,
            });
        }
        (None, _) => None,
    };
    let mut tx = state.db.write().await?;
    let account_name = lock_account(&mut tx, state.db.backend(), account).await?;
    if sso_enabled(&mut *tx, account).await? {
        return Err(AppError::Conflict {
            clash: Clash::SsoOn,
        });
    }
    let before = provider_row(&mut *tx, account).await?;
    if before.as_ref().map_or(0, |row| row.version) != version {
        return Err(AppError::Conflict {
            clash: Clash::SettingsChanged,
        });
    }
    let domains = provider.allowed_domains.join(" ");
    // The saved secret is for the provider it was given for: another issuer or client
    // must come with its own, or a save could send the secret to a server of its choice.
    let same_client = before
        .as_ref()
        .is_some_and(|row| row.issuer == provider.issuer && row.client_id == provider.client_id);
    if sealed.is_none() && !same_client {
        return Err(AppError::invalid(
            "client_secret",
            crate::error::Problem::Required,
        ));
    }
    match (&before, sealed) {
        (None, None) => return Err(AppError::Internal),
        (None, Some(sealed)) => {
            sqlx::query(
                "INSERT INTO sso_providers
                    (account_id, issuer, client_id, client_secret_sealed, allowed_domains)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(account)
            .bind(&provider.issuer)
            .bind(&provider.client_id)
            .bind(sealed)
            .bind(&domains)
            .execute(&mut *tx)
            .await?;
        }
        (Some(_), sealed) => {
            sqlx::query(
                "UPDATE sso_providers SET issuer = $1, client_id = $2,
                    client_secret_sealed = COALESCE($3, client_secret_sealed),
                    allowed_domains = $4, version = version + 1
                 WHERE account_id = $5",
            )
            .bind(&provider.issuer)
            .bind(&provider.client_id)
            .bind(sealed)
            .bind(&domains)
            .bind(account)
            .execute(&mut *tx)
            .await?;
        }
    }
    let after = provider_row(&mut *tx, account)
        .await?
        .ok_or(AppError::Internal)?;
    let mut after_values = after.audit_values();
    after_values["secret_changed"] = json!(provider.client_secret.is_some());
    let event = AuditEvent {
        action: AuditAction::SsoProviderChanged,
        target: AuditTarget::Account(account),
        target_label: account_name,
        before: before.as_ref().map(ProviderRow::audit_values),
        after: Some(after_values),
    };
    audit::record(&mut tx, grant.actor(), now, &[event]).await?;
    tx.commit().await?;
    settings(state, account).await
}

/// Turns SSO on or off at provider `version`. On needs the provider saved at that
/// version and a test sign-in that succeeded with it. Switching to where it is already
/// changes nothing and is not audited.
pub async fn switch(
    db: &Db,
    grant: &Grant<SettingsManage>,
    enabled: bool,
    version: i64,
    now: i64,
) -> Result<(), AppError> {
    let account = grant.account_id();
    let mut tx = db.write().await?;
    let account_name = lock_account(&mut tx, db.backend(), account).await?;
    let provider = provider_row(&mut *tx, account).await?;
    let Some(provider) = provider else {
        return Err(AppError::Conflict {
            clash: Clash::SsoNotSetUp,
        });
    };
    if provider.version != version {
        return Err(AppError::Conflict {
            clash: Clash::SettingsChanged,
        });
    }
    if enabled && provider.saved().tested.is_none() {
        return Err(AppError::Conflict {
            clash: Clash::SsoUntested,
        });
    }
    let was = sso_enabled(&mut *tx, account).await?;
    if was == enabled {
        return Ok(());
    }
    sqlx::query("UPDATE accounts SET sso_enabled = $1 WHERE id = $2")
        .bind(i64::from(enabled))
        .bind(account)
        .execute(&mut *tx)
        .await?;
    let event = AuditEvent {
        action: AuditAction::SsoSwitched,
        target: AuditTarget::Account(account),
        target_label: account_name,
        before: Some(json!({ "enabled": was })),
        after: Some(json!({ "enabled": enabled })),
    };
    audit::record(&mut tx, grant.actor(), now, &[event]).await?;
    tx.commit().await?;
    Ok(())
}

/// A provider as a sign-in through it needs it: the secret opened.
#[derive(Debug, Clone)]
pub struct ProviderForSignIn {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub allowed_domains: Vec<String>,
    pub version: i64,
    pub enabled: bool,
}

/// The account's provider, its secret opened with the server's key; 409 when none is
/// saved or the key cannot open it (a key file other than the one it was sealed with).
pub async fn provider_for_sign_in(
    state: &AppState,
    account: AccountId,
) -> Result<ProviderForSignIn, AppError> {
    let not_set_up = || AppError::Conflict {
        clash: Clash::SsoNotSetUp,
    };
    let row = provider_row(state.db.pool(), account)
        .await?
        .ok_or_else(not_set_up)?;
    let key = state.secret_key.as_ref().ok_or(AppError::Conflict {
        clash: Clash::NoSecretKey,
    })?;
    let client_secret = key.open(&row.client_secret_sealed).map_err(|_| {
        tracing::error!(%account, "the SSO client secret does not open with this key");
        AppError::Conflict {
            clash: Clash::NoSecretKey,
        }
    })?;
    Ok(ProviderForSignIn {
        allowed_domains: row.domains(),
        enabled: sso_enabled(state.db.pool(), account).await?,
        issuer: row.issuer,
        client_id: row.client_id,
        client_secret,
        version: row.version,
    })
}

/// Records that a test sign-in succeeded at provider `version`, as `email`, when that
/// is still the saved version (a save meanwhile needs a test of its own).
pub async fn record_test(
    db: &Db,
    grant: &Grant<SettingsManage>,
    version: i64,
    email: &Email,
    now: i64,
) -> Result<bool, AppError> {
    let account = grant.account_id();
    let mut tx = db.write().await?;
    let account_name = lock_account(&mut tx, db.backend(), account).await?;
    let recorded = sqlx::query(
        "UPDATE sso_providers SET tested_version = version, tested_at = $1, tested_as = $2
         WHERE account_id = $3 AND version = $4",
    )
    .bind(now)
    .bind(email.as_str())
    .bind(account)
    .bind(version)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if recorded {
        let event = AuditEvent {
            action: AuditAction::SsoTested,
            target: AuditTarget::Account(account),
            target_label: account_name,
            before: None,
            after: Some(json!({ "version": version, "signed_in_as": email.as_str() })),
        };
        audit::record(&mut tx, grant.actor(), now, &[event]).await?;
    }
    tx.commit().await?;
    Ok(recorded)
}

/// The account with SSO on that a person of `email` signs in to: the one where they are
/// a user, else the one that holds their domain (a domain belongs to one account only,
/// so no account can draw another's people to its provider).
pub async fn account_for_email(db: &Db, email: &Email) -> Result<Option<AccountId>, AppError> {
    let user: Option<(AccountId,)> = sqlx::query_as(
        "SELECT u.account_id FROM users u JOIN accounts a ON a.id = u.account_id
         WHERE u.email = $1 AND a.sso_enabled = 1 ORDER BY u.id LIMIT 1",
    )
    .bind(email.as_str())
    .fetch_optional(db.pool())
    .await?;
    if let Some((account,)) = user {
        return Ok(Some(account));
    }
    let by_domain: Option<(AccountId,)> = sqlx::query_as(
        "SELECT a.id FROM account_domains d JOIN accounts a ON a.id = d.account_id
         WHERE d.domain = $1 AND a.sso_enabled = 1",
    )
    .bind(email.domain())
    .fetch_optional(db.pool())
    .await?;
    Ok(by_domain.map(|(account,)| account))
}

/// The person the provider vouched for: their verified e-mail and the names it gave.
#[derive(Debug, Clone)]
pub struct Identity {
    pub email: Email,
    pub first_name: PersonName,
    pub last_name: PersonName,
}

/// Where a sign-in through the provider leads.
pub enum SsoSignIn {
    Session(SessionToken, Access),
    /// A request to join waits for an admin (the account approves each).
    Waiting,
    /// The account has no user who may sign in for this address, and takes none.
    Refused,
}

#[derive(sqlx::FromRow)]
struct Member {
    id: UserId,
    #[sqlx(flatten)]
    may: AccessColumns,
}

/// Signs `identity` in to `account`: its user when it has one who may sign in (an
/// invited user joins, becoming Active); someone new is let in or queued as the
/// account's sign-up policy says. Outside the allowed domains, nobody.
pub async fn sign_in(
    db: &Db,
    account: AccountId,
    allowed_domains: &[String],
    identity: &Identity,
    client: &Client,
    now: i64,
) -> Result<SsoSignIn, AppError> {
    if !domain_allowed(allowed_domains, identity.email.as_str()) {
        return Ok(SsoSignIn::Refused);
    }
    let mut tx = db.write().await?;
    lock_account(&mut tx, db.backend(), account).await?;
    let member: Option<Member> = sqlx::query_as(
        "SELECT u.id, u.status, u.is_primary_admin, r.is_admin AS role_is_admin
         FROM users u JOIN roles r ON r.id = u.role_id
         WHERE u.account_id = $1 AND u.email = $2",
    )
    .bind(account)
    .bind(identity.email.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let (user, access) = match member {
        Some(member) if member.may.status == UserStatus::NotActive => {
            if !join_by_invitation(&mut tx, account, member.id, identity, now).await? {
                return Ok(SsoSignIn::Refused);
            }
            let may = member.may;
            let joined = Access::of(
                UserStatus::Active,
                may.is_primary_admin.into(),
                may.role_is_admin.into(),
            );
            (member.id, joined)
        }
        Some(member) => (member.id, member.may.access()),
        None => {
            let person = Person {
                email: &identity.email,
                first_name: &identity.first_name,
                last_name: &identity.last_name,
                password_hash: None,
                addr: client.ip,
            };
            let policy = read_section::<SelfSignUp>(&mut tx, account).await?;
            match policy.settings.mode {
                SignUpMode::AutoApprove => {
                    let user = sign_up_member(&mut tx, account, &person, now).await?;
                    (user, Access::OwnAccount)
                }
                SignUpMode::Approval => {
                    queue_once(&mut tx, account, &person, now).await?;
                    tx.commit().await?;
                    return Ok(SsoSignIn::Waiting);
                }
                SignUpMode::Blocked => return Ok(SsoSignIn::Refused),
            }
        }
    };
    if access == Access::None {
        return Ok(SsoSignIn::Refused);
    }
    let token = open_session(&mut tx, user, account, client, now).await?;
    tx.commit().await?;
    Ok(SsoSignIn::Session(token, access))
}

/// An invited user whom the provider vouches for joins: Active, their invitation used.
/// `false` when they have no invitation that still works.
async fn join_by_invitation(
    tx: &mut Transaction<'_, Any>,
    account: AccountId,
    user: UserId,
    identity: &Identity,
    now: i64,
) -> Result<bool, AppError> {
    let joined = sqlx::query("DELETE FROM invitations WHERE user_id = $1 AND expires_at > $2")
        .bind(user)
        .bind(now)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if joined == 0 {
        // Not Active without a live invitation: deactivated, or invited too long ago;
        // an admin decides.
        return Ok(false);
    }
    sqlx::query("UPDATE users SET status = $1, version = version + 1 WHERE id = $2")
        .bind(UserStatus::Active.code())
        .bind(user)
        .execute(&mut **tx)
        .await?;
    let actor = Actor {
        account_id: account,
        user_id: user,
        email: identity.email.clone(),
        addr: None,
    };
    let event = AuditEvent {
        action: AuditAction::InvitationAccepted,
        target: AuditTarget::User(user),
        target_label: identity.email.to_string(),
        before: Some(json!({ "status": UserStatus::NotActive.slug() })),
        after: Some(json!({ "status": UserStatus::Active.slug(), "through": "sso" })),
    };
    audit::record(tx, &actor, now, &[event]).await?;
    Ok(true)
}

/// Queues `person`'s request unless one waits already (one per address).
async fn queue_once(
    tx: &mut Transaction<'_, Any>,
    account: AccountId,
    person: &Person<'_>,
    now: i64,
) -> Result<(), AppError> {
    let waiting: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM access_requests
         WHERE account_id = $1 AND email = $2 AND decided_at IS NULL",
    )
    .bind(account)
    .bind(person.email.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    if waiting.is_none() {
        insert_request(tx, account, person, now).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::CreatedAccount;
    use crate::secret_box::SecretKey;
    use crate::state::PasswordSettings;
    use crate::testing::clock::ManualClock;
    use crate::testing::fixtures::{NOW, add_member, audited_actions, signed_in, test_account};
    use crate::testing::scratch::database_urls;
    use std::sync::Arc;

    fn state(db: &Db, key: Option<SecretKey>) -> AppState {
        AppState {
            db: db.clone(),
            clock: Arc::new(ManualClock::starting_at(NOW)),
            secure_cookies: false,
            mail_delivery: false,
            public_url: "http://127.0.0.1:3000".to_owned(),
            passwords: PasswordSettings::default(),
            attempts: crate::auth::attempts::AttemptLimit::per_minute(0),
            secret_key: key,
        }
    }

    fn provider(secret: Option<&str>) -> CheckedProvider {
        CheckedProvider {
            issuer: "https://idp.example.com".to_owned(),
            client_id: "roster".to_owned(),
            client_secret: secret.map(str::to_owned),
            allowed_domains: vec!["example.com".to_owned()],
        }
    }

    fn clash(result: Result<impl std::fmt::Debug, AppError>) -> Clash {
        match result {
            Err(AppError::Conflict { clash }) => clash,
            other => panic!("expected a conflict, got {other:?}"),
        }
    }

    async fn manager(db: &Db, account: &CreatedAccount) -> Grant<SettingsManage> {
        let (_, admin) = signed_in(db, account, account.primary_admin_id).await;
        admin.grant::<SettingsManage>().unwrap()
    }

    async fn set_mode(db: &Db, account: &CreatedAccount, mode: SignUpMode) {
        sqlx::query("UPDATE accounts SET sign_up_mode = $1 WHERE id = $2")
            .bind(mode.code())
            .bind(account.account_id)
            .execute(db.pool())
            .await
            .unwrap();
    }

    fn identity(address: &str) -> Identity {
        Identity {
            email: Email::parse(address).unwrap(),
            first_name: PersonName::parse("Ida").unwrap(),
            last_name: PersonName::parse("Provider").unwrap(),
        }
    }

    fn client() -> Client {
        Client {
            user_agent: "test".into(),
            ip: None,
        }
    }

    #[tokio::test]
    async fn a_provider_is_kept_sealed_audited_without_its_secret_and_tested_before_sso_turns_on() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let grant = manager(&db, &account).await;
            let keyless = state(&db, None);
            let refused = save_provider(&keyless, &grant, provider(Some("s3cret")), 0, NOW).await;
            assert_eq!(clash(refused), Clash::NoSecretKey, "{url}");

            let state = state(&db, Some(SecretKey::generate()));
            let no_secret = save_provider(&state, &grant, provider(None), 0, NOW).await;
            assert!(matches!(no_secret, Err(AppError::Invalid { .. })), "{url}");
            let saved = save_provider(&state, &grant, provider(Some("s3cret")), 0, NOW)
                .await
                .unwrap();
            let version = saved.provider.as_ref().unwrap().version;
            assert_eq!(saved.provider.unwrap().tested, None, "{url}");
            let (sealed,): (String,) =
                sqlx::query_as("SELECT client_secret_sealed FROM sso_providers")
                    .fetch_one(db.pool())
                    .await
                    .unwrap();
            assert!(!sealed.contains("s3cret"), "{url}: the secret is sealed");
            let (after,): (String,) = sqlx::query_as("SELECT after_value FROM audit_events")
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert!(!after.contains("s3cret"), "{url}: never in the audit trail");
            let stale = save_provider(&state, &grant, provider(None), version - 1, NOW).await;
            assert_eq!(clash(stale), Clash::SettingsChanged, "{url}");

            let untested = switch(&db, &grant, true, version, NOW).await;
            assert_eq!(clash(untested), Clash::SsoUntested, "{url}");
            let ada = Email::parse("ada@example.com").unwrap();
            assert!(
                !record_test(&db, &grant, version + 1, &ada, NOW)
                    .await
                    .unwrap()
            );
            assert!(record_test(&db, &grant, version, &ada, NOW).await.unwrap());
            switch(&db, &grant, true, version, NOW).await.unwrap();
            let opened = provider_for_sign_in(&state, account.account_id)
                .await
                .unwrap();
            assert_eq!(opened.client_secret, "s3cret", "{url}");
            assert!(opened.enabled, "{url}");

            let while_on = save_provider(&state, &grant, provider(None), version, NOW).await;
            assert_eq!(clash(while_on), Clash::SsoOn, "{url}");
            switch(&db, &grant, false, version, NOW).await.unwrap();
            let mut elsewhere = provider(None);
            elsewhere.issuer = "https://attacker.example".to_owned();
            let without_secret = save_provider(&state, &grant, elsewhere, version, NOW).await;
            assert!(
                matches!(without_secret, Err(AppError::Invalid { .. })),
                "{url}: a new issuer brings its own secret"
            );
            let changed = save_provider(&state, &grant, provider(None), version, NOW)
                .await
                .unwrap();
            let provider = changed.provider.unwrap();
            assert_eq!(
                provider.tested, None,
                "{url}: a new version needs its own test"
            );
            assert_eq!(
                audited_actions(&db).await,
                [
                    "settings.sso_provider_changed",
                    "settings.sso_tested",
                    "settings.sso_switched",
                    "settings.sso_switched",
                    "settings.sso_provider_changed"
                ],
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn a_person_the_provider_vouches_for_signs_in_as_their_user_or_as_the_policy_says() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let id = account.account_id;
            let allowed = ["example.com".to_owned()];
            add_member(&db, &account, "Mia", "mia@example.com", UserStatus::Active).await;
            add_member(
                &db,
                &account,
                "Sue",
                "sue@example.com",
                UserStatus::Suspended,
            )
            .await;
            let signs_in = |address: &'static str| {
                let db = db.clone();
                let allowed = allowed.clone();
                async move {
                    sign_in(&db, id, &allowed, &identity(address), &client(), NOW)
                        .await
                        .unwrap()
                }
            };
            assert!(matches!(
                signs_in("mia@example.com").await,
                SsoSignIn::Session(_, Access::OwnAccount)
            ));
            assert!(matches!(
                signs_in("sue@example.com").await,
                SsoSignIn::Refused
            ));
            assert!(matches!(
                signs_in("mia@elsewhere.example").await,
                SsoSignIn::Refused
            ));

            set_mode(&db, &account, SignUpMode::Blocked).await;
            assert!(matches!(
                signs_in("new@example.com").await,
                SsoSignIn::Refused
            ));
            set_mode(&db, &account, SignUpMode::Approval).await;
            assert!(matches!(
                signs_in("new@example.com").await,
                SsoSignIn::Waiting
            ));
            assert!(matches!(
                signs_in("new@example.com").await,
                SsoSignIn::Waiting
            ));
            let (requests, hashes): (i64, i64) =
                sqlx::query_as("SELECT COUNT(*), COUNT(password_hash) FROM access_requests")
                    .fetch_one(db.pool())
                    .await
                    .unwrap();
            assert_eq!(
                (requests, hashes),
                (1, 0),
                "{url}: one request, no password"
            );

            set_mode(&db, &account, SignUpMode::AutoApprove).await;
            assert!(matches!(
                signs_in("joiner@example.com").await,
                SsoSignIn::Session(_, Access::OwnAccount)
            ));
            let (status, hash): (i64, Option<String>) = sqlx::query_as(
                "SELECT status, password_hash FROM users WHERE email = 'joiner@example.com'",
            )
            .fetch_one(db.pool())
            .await
            .unwrap();
            assert_eq!((status, hash), (UserStatus::Active.code(), None), "{url}");
            assert_eq!(
                audited_actions(&db).await,
                ["user.signed_in", "user.signed_up", "user.signed_in"],
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn an_invited_user_joins_through_the_provider_and_a_deactivated_one_does_not() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let invited = add_member(
                &db,
                &account,
                "Ivy",
                "ivy@example.com",
                UserStatus::NotActive,
            )
            .await;
            add_member(
                &db,
                &account,
                "Dee",
                "dee@example.com",
                UserStatus::NotActive,
            )
            .await;
            sqlx::query(
                "INSERT INTO invitations (user_id, token_hash, created_at, expires_at)
                 VALUES ($1, 'digest', $2, $3)",
            )
            .bind(invited)
            .bind(NOW)
            .bind(NOW + 3_600)
            .execute(db.pool())
            .await
            .unwrap();
            let id = account.account_id;
            let ivy = sign_in(&db, id, &[], &identity("ivy@example.com"), &client(), NOW).await;
            assert!(matches!(
                ivy.unwrap(),
                SsoSignIn::Session(_, Access::OwnAccount)
            ));
            let dee = sign_in(&db, id, &[], &identity("dee@example.com"), &client(), NOW).await;
            assert!(matches!(dee.unwrap(), SsoSignIn::Refused), "{url}");
            let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM invitations")
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert_eq!(left, 0, "{url}: the invitation is used");
            assert_eq!(
                audited_actions(&db).await,
                ["user.invitation_accepted", "user.signed_in"],
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn the_start_finds_the_account_with_sso_on_by_user_then_by_its_own_domain() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let state = state(&db, Some(SecretKey::generate()));
            let grant = manager(&db, &account).await;
            save_provider(&state, &grant, provider(Some("s")), 0, NOW)
                .await
                .unwrap();
            let find = |address: &str| {
                let email = Email::parse(address).unwrap();
                let db = db.clone();
                async move { account_for_email(&db, &email).await.unwrap() }
            };
            assert_eq!(find("primary@example.com").await, None, "{url}: SSO is off");
            sqlx::query("UPDATE accounts SET sso_enabled = 1")
                .execute(db.pool())
                .await
                .unwrap();
            assert_eq!(find("primary@example.com").await, Some(account.account_id));
            let allowed_only = find("someone.new@example.com").await;
            assert_eq!(allowed_only, None, "{url}: allowed domains draw nobody");
            sqlx::query(
                "INSERT INTO account_domains (account_id, domain, created_at) VALUES ($1, $2, $3)",
            )
            .bind(account.account_id)
            .bind("example.com")
            .bind(NOW)
            .execute(db.pool())
            .await
            .unwrap();
            assert_eq!(
                find("someone.new@example.com").await,
                Some(account.account_id)
            );
            assert_eq!(find("someone@elsewhere.example").await, None, "{url}");
        }
    }
}
