//! The settings' SQL. Each section is a few columns of `accounts` and a version column
//! of its own; every section is read and saved by the same two functions, through its
//! `Section` description: saved only over the version it was read at, audited with its
//! values before and after.

use super::default_access::DefaultAccess;
use super::profile_fields::store::{live_policy, readers_behind};
use super::sign_in_security::{SignInSecurity, TwoFactor};
use super::sign_up::{AccountDomain, AccountDomains, MAX_DOMAINS, SelfSignUp, SignUpMode};
use super::welcome_emails::WelcomeEmails;
use super::{UserSettings, Versioned};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::principal::{Grant, SettingsManage};
use crate::db::sql::flag;
use crate::db::{Db, lock_account};
use crate::domain::{AccountId, ProductAccess};
use crate::error::{AppError, Clash, Missing, Problem};
use serde_json::{Value, json};
use sqlx::Row;

/// How one section of the settings is kept in `accounts`.
pub trait Section: Copy + PartialEq + Sized {
    /// Its columns, in the order of `from_columns` and `to_columns`.
    const COLUMNS: &'static [&'static str];
    /// Its version column.
    const VERSION: &'static str;
    /// What a save is audited as.
    const SAVED: AuditAction;

    fn from_columns(values: &[Option<i64>]) -> Result<Self, AppError>;
    fn to_columns(&self) -> Vec<Option<i64>>;
    /// The values the audit trail records, by field name.
    fn audit_values(&self) -> Value;
}

fn number(value: Option<i64>) -> Result<u32, AppError> {
    value
        .and_then(|value| u32::try_from(value).ok())
        .ok_or(AppError::Internal)
}

fn is_set(value: Option<i64>) -> bool {
    value.unwrap_or(0) != 0
}

impl Section for SignInSecurity {
    const COLUMNS: &'static [&'static str] = &[
        "two_factor",
        "idle_timeout_minutes",
        "session_lifetime_hours",
        "lock_after",
        "lock_window_minutes",
        "unlock_after_minutes",
    ];
    const VERSION: &'static str = "sign_in_security_version";
    const SAVED: AuditAction = AuditAction::SignInSecurityChanged;

    fn from_columns(values: &[Option<i64>]) -> Result<Self, AppError> {
        Ok(Self {
            two_factor: values[0]
                .and_then(TwoFactor::from_code)
                .ok_or(AppError::Internal)?,
            idle_timeout_minutes: number(values[1])?,
            session_lifetime_hours: number(values[2])?,
            lock_after: number(values[3])?,
            lock_window_minutes: number(values[4])?,
            unlock_after_minutes: values[5].map(|minutes| number(Some(minutes))).transpose()?,
        })
    }

    fn to_columns(&self) -> Vec<Option<i64>> {
        vec![
            Some(self.two_factor.code()),
            Some(self.idle_timeout_minutes.into()),
            Some(self.session_lifetime_hours.into()),
            Some(self.lock_after.into()),
            Some(self.lock_window_minutes.into()),
            self.unlock_after_minutes.map(i64::from),
        ]
    }

    /// A lock that only an admin lifts has no unlock time.
    fn audit_values(&self) -> Value {
        let mut values = json!({
            "two_factor": self.two_factor.key(),
            "idle_timeout_minutes": self.idle_timeout_minutes,
            "session_lifetime_hours": self.session_lifetime_hours,
            "lock_after": self.lock_after,
            "lock_window_minutes": self.lock_window_minutes,
        });
        if let Some(minutes) = self.unlock_after_minutes {
            values["unlock_after_minutes"] = minutes.into();
        }
        values
    }
}

impl Section for WelcomeEmails {
    const COLUMNS: &'static [&'static str] = &[
        "welcome_when_invited",
        "welcome_when_synced",
        "welcome_when_added_by_api",
    ];
    const VERSION: &'static str = "welcome_emails_version";
    const SAVED: AuditAction = AuditAction::WelcomeEmailsChanged;

    fn from_columns(values: &[Option<i64>]) -> Result<Self, AppError> {
        Ok(Self {
            when_invited: is_set(values[0]),
            when_synced: is_set(values[1]),
            when_added_by_api: is_set(values[2]),
        })
    }

    fn to_columns(&self) -> Vec<Option<i64>> {
        [self.when_invited, self.when_synced, self.when_added_by_api]
            .map(|on| Some(flag(on)))
            .to_vec()
    }

    fn audit_values(&self) -> Value {
        json!({
            "welcome_when_invited": self.when_invited,
            "welcome_when_synced": self.when_synced,
            "welcome_when_added_by_api": self.when_added_by_api,
        })
    }
}

impl Section for DefaultAccess {
    const COLUMNS: &'static [&'static str] = &[
        "default_builder_access",
        "default_app_creation_access",
        "default_data_tables_access",
    ];
    const VERSION: &'static str = "default_access_version";
    const SAVED: AuditAction = AuditAction::DefaultAccessChanged;

    fn from_columns(values: &[Option<i64>]) -> Result<Self, AppError> {
        Ok(Self {
            access: ProductAccess {
                builder: is_set(values[0]),
                app_creation: is_set(values[1]),
                data_tables: is_set(values[2]),
            },
        })
    }

    fn to_columns(&self) -> Vec<Option<i64>> {
        let access = self.access;
        [access.builder, access.app_creation, access.data_tables]
            .map(|on| Some(flag(on)))
            .to_vec()
    }

    /// Named as the Profile tab's access fields are.
    fn audit_values(&self) -> Value {
        json!({
            "builder_access": self.access.builder,
            "app_creation_access": self.access.app_creation,
            "data_tables_access": self.access.data_tables,
        })
    }
}

impl Section for SelfSignUp {
    const COLUMNS: &'static [&'static str] = &["sign_up_mode"];
    const VERSION: &'static str = "sign_up_version";
    const SAVED: AuditAction = AuditAction::SignUpChanged;

    fn from_columns(values: &[Option<i64>]) -> Result<Self, AppError> {
        let mode = values[0].and_then(SignUpMode::from_code);
        Ok(Self {
            mode: mode.ok_or(AppError::Internal)?,
        })
    }

    fn to_columns(&self) -> Vec<Option<i64>> {
        vec![Some(self.mode.code())]
    }

    fn audit_values(&self) -> Value {
        json!({ "sign_up": self.mode.key() })
    }
}

/// `name, <the section's columns>, <its version>`.
fn select_list<S: Section>() -> String {
    format!("name, {}, {}", S::COLUMNS.join(", "), S::VERSION)
}

/// The section and the account's name from a row read with `select_list`.
fn from_row<S: Section>(row: &sqlx::any::AnyRow) -> Result<(Versioned<S>, String), AppError> {
    let values = (1..=S::COLUMNS.len())
        .map(|index| row.try_get::<Option<i64>, _>(index))
        .collect::<Result<Vec<_>, _>>()?;
    let version: i64 = row.try_get(S::COLUMNS.len() + 1)?;
    let name: String = row.try_get(0)?;
    let settings = S::from_columns(&values)?;
    Ok((Versioned { settings, version }, name))
}

/// Section `S` of `account`, read on `conn` (a transaction's, to read it as the change
/// under way sees it).
pub async fn read_section<S: Section>(
    conn: &mut sqlx::AnyConnection,
    account: AccountId,
) -> Result<Versioned<S>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {} FROM accounts WHERE id = $1",
        select_list::<S>()
    ))
    .bind(account)
    .fetch_one(conn)
    .await?;
    Ok(from_row::<S>(&row)?.0)
}

/// Every section of `account`.
pub async fn user_settings(db: &Db, account: AccountId) -> Result<UserSettings, AppError> {
    let mut conn = db.pool().acquire().await?;
    let profile_fields = live_policy(&mut conn, account).await?;
    Ok(UserSettings {
        sign_in_security: read_section(&mut conn, account).await?,
        welcome_emails: read_section(&mut conn, account).await?,
        default_access: read_section(&mut conn, account).await?,
        self_sign_up: read_section(&mut conn, account).await?,
        domains: domains(&mut conn, account).await?,
        profile_fields: profile_fields.clone(),
        profile_readers: readers_behind(&mut conn, account, profile_fields.version).await?,
    })
}

/// The account's domains: its Primary Admin's, and the ones added, by name.
async fn domains(
    conn: &mut sqlx::AnyConnection,
    account: AccountId,
) -> Result<AccountDomains, AppError> {
    let (owner,): (String,) =
        sqlx::query_as("SELECT email FROM users WHERE account_id = $1 AND is_primary_admin = 1")
            .bind(account)
            .fetch_one(&mut *conn)
            .await?;
    let added: Vec<(String,)> =
        sqlx::query_as("SELECT domain FROM account_domains WHERE account_id = $1 ORDER BY domain")
            .bind(account)
            .fetch_all(&mut *conn)
            .await?;
    Ok(AccountDomains {
        owner: owner
            .rsplit_once('@')
            .map_or("", |(_, domain)| domain)
            .to_owned(),
        added: added.into_iter().map(|(domain,)| domain).collect(),
    })
}

/// Adds `domain` to the account: 409 when it is the account's already (its Primary
/// Admin's included) or another account's, 400 beyond `MAX_DOMAINS`.
pub async fn add_domain(
    db: &Db,
    grant: &Grant<SettingsManage>,
    domain: &AccountDomain,
    now: i64,
) -> Result<AccountDomains, AppError> {
    let account = grant.account_id();
    let mut tx = db.write().await?;
    let account_name = lock_account(&mut tx, db.backend(), account).await?;
    let before = domains(&mut tx, account).await?;
    let taken = || {
        Err(AppError::Conflict {
            clash: Clash::DomainTaken {
                domain: domain.as_str().to_owned(),
            },
        })
    };
    if before.owner == domain.as_str() {
        return taken();
    }
    if before.added.len() >= MAX_DOMAINS {
        let max = MAX_DOMAINS as u32;
        return Err(AppError::invalid("domain", Problem::TooMany { max }));
    }
    let inserted = sqlx::query(
        "INSERT INTO account_domains (account_id, domain, created_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(account)
    .bind(domain.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return taken();
    }
    let event = domain_event(
        AuditAction::DomainAdded,
        account,
        account_name,
        domain.as_str(),
    );
    audit::record(&mut tx, grant.actor(), now, &[event]).await?;
    let after = domains(&mut tx, account).await?;
    tx.commit().await?;
    Ok(after)
}

/// Takes `domain` off the account: 404 when the account did not add it.
pub async fn remove_domain(
    db: &Db,
    grant: &Grant<SettingsManage>,
    domain: &str,
    now: i64,
) -> Result<AccountDomains, AppError> {
    let account = grant.account_id();
    let mut tx = db.write().await?;
    let account_name = lock_account(&mut tx, db.backend(), account).await?;
    let removed = sqlx::query("DELETE FROM account_domains WHERE account_id = $1 AND domain = $2")
        .bind(account)
        .bind(domain)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(AppError::NotFound {
            missing: Missing::Domain {
                domain: domain.to_owned(),
            },
        });
    }
    let event = domain_event(AuditAction::DomainRemoved, account, account_name, domain);
    audit::record(&mut tx, grant.actor(), now, &[event]).await?;
    let after = domains(&mut tx, account).await?;
    tx.commit().await?;
    Ok(after)
}

fn domain_event(
    action: AuditAction,
    account: AccountId,
    label: String,
    domain: &str,
) -> AuditEvent {
    let value = Some(json!({ "domain": domain }));
    let added = action == AuditAction::DomainAdded;
    AuditEvent {
        action,
        target: AuditTarget::Account(account),
        target_label: label,
        before: (!added).then(|| value.clone()).flatten(),
        after: added.then_some(value).flatten(),
    }
}

/// Saves `change` when its section is still at its version, and answers the section
/// now in force. Saving what is there already changes nothing and is not audited.
pub async fn save<S: Section>(
    db: &Db,
    grant: &Grant<SettingsManage>,
    change: Versioned<S>,
    now: i64,
) -> Result<Versioned<S>, AppError> {
    let mut tx = db.write().await?;
    let row = sqlx::query(&format!(
        "SELECT {} FROM accounts WHERE id = $1{}",
        select_list::<S>(),
        db.backend().account_lock()
    ))
    .bind(grant.account_id())
    .fetch_one(&mut *tx)
    .await?;
    let (before, account_name) = from_row::<S>(&row)?;
    if before.version != change.version {
        return Err(AppError::Conflict {
            clash: Clash::SettingsChanged,
        });
    }
    if before.settings == change.settings {
        return Ok(before);
    }
    let after = change.settings;
    let assignments: Vec<String> = S::COLUMNS
        .iter()
        .enumerate()
        .map(|(index, column)| format!("{column} = ${}", index + 1))
        .collect();
    let statement = format!(
        "UPDATE accounts SET {}, {version} = {version} + 1 WHERE id = ${} RETURNING {version}",
        assignments.join(", "),
        S::COLUMNS.len() + 1,
        version = S::VERSION,
    );
    let mut update = sqlx::query_as::<_, (i64,)>(&statement);
    for value in after.to_columns() {
        update = update.bind(value);
    }
    let (version,) = update.bind(grant.account_id()).fetch_one(&mut *tx).await?;
    let event = AuditEvent {
        action: S::SAVED,
        target: AuditTarget::Account(grant.account_id()),
        target_label: account_name,
        before: Some(before.settings.audit_values()),
        after: Some(after.audit_values()),
    };
    audit::record(&mut tx, grant.actor(), now, &[event]).await?;
    tx.commit().await?;
    Ok(Versioned {
        settings: after,
        version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fixtures::{NOW, audited_actions, signed_in, test_account};
    use crate::testing::scratch::database_urls;

    async fn section<S: Section>(db: &Db, account: AccountId) -> Result<Versioned<S>, AppError> {
        read_section(&mut *db.pool().acquire().await?, account).await
    }

    const ADMIN_ONLY: SignInSecurity = SignInSecurity {
        two_factor: TwoFactor::Admins,
        idle_timeout_minutes: 30,
        session_lifetime_hours: 8,
        lock_after: 3,
        lock_window_minutes: 60,
        unlock_after_minutes: None,
    };

    #[tokio::test]
    async fn a_save_over_the_version_read_applies_is_audited_and_moves_the_version_on() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant::<SettingsManage>().unwrap();
            let read = section::<SignInSecurity>(&db, account.account_id)
                .await
                .unwrap();
            assert_eq!(read.settings, SignInSecurity::default(), "{url}");

            let change = Versioned {
                settings: ADMIN_ONLY,
                version: read.version,
            };
            let saved = save(&db, &grant, change, NOW).await.unwrap();

            assert_eq!(saved.settings, ADMIN_ONLY, "{url}");
            assert_eq!(saved.version, read.version + 1, "{url}");
            assert_eq!(
                section::<SignInSecurity>(&db, account.account_id)
                    .await
                    .unwrap(),
                saved
            );
            assert_eq!(
                audited_actions(&db).await,
                ["settings.sign_in_security_changed"],
                "{url}"
            );
            let (before, after): (String, String) =
                sqlx::query_as("SELECT before_value, after_value FROM audit_events")
                    .fetch_one(db.pool())
                    .await
                    .unwrap();
            let json = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
            assert_eq!(json(&before), SignInSecurity::default().audit_values());
            assert_eq!(json(&after), ADMIN_ONLY.audit_values(), "{url}");
            assert_eq!(json(&after).get("unlock_after_minutes"), None, "{url}");
        }
    }

    #[tokio::test]
    async fn a_save_over_an_older_version_is_refused_and_changes_nothing() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant::<SettingsManage>().unwrap();
            let read = section::<SignInSecurity>(&db, account.account_id)
                .await
                .unwrap();
            let first = Versioned {
                settings: ADMIN_ONLY,
                version: read.version,
            };
            let saved = save(&db, &grant, first, NOW).await.unwrap();

            let late = Versioned {
                settings: SignInSecurity {
                    lock_after: 10,
                    ..SignInSecurity::default()
                },
                version: read.version,
            };
            let refused = save(&db, &grant, late, NOW).await;

            assert_eq!(
                refused,
                Err(AppError::Conflict {
                    clash: Clash::SettingsChanged
                }),
                "{url}"
            );
            assert_eq!(
                section::<SignInSecurity>(&db, account.account_id)
                    .await
                    .unwrap(),
                saved
            );
            assert_eq!(audited_actions(&db).await.len(), 1, "{url}");
        }
    }

    #[tokio::test]
    async fn saving_the_settings_in_force_changes_and_audits_nothing() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant::<SettingsManage>().unwrap();
            let read = section::<SignInSecurity>(&db, account.account_id)
                .await
                .unwrap();

            let saved = save(&db, &grant, read, NOW).await.unwrap();

            assert_eq!(saved, read, "{url}");
            assert!(audited_actions(&db).await.is_empty(), "{url}");
        }
    }

    #[tokio::test]
    async fn each_section_saves_over_its_own_version_and_leaves_the_others_alone() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant::<SettingsManage>().unwrap();
            let read = user_settings(&db, account.account_id).await.unwrap();
            assert_eq!(
                read.welcome_emails.settings,
                WelcomeEmails::default(),
                "{url}"
            );
            assert_eq!(
                read.default_access.settings,
                DefaultAccess::default(),
                "{url}"
            );

            let welcome = WelcomeEmails {
                when_invited: false,
                when_synced: true,
                when_added_by_api: true,
            };
            let access = DefaultAccess {
                access: ProductAccess {
                    builder: true,
                    app_creation: false,
                    data_tables: true,
                },
            };
            let saved_welcome = save(
                &db,
                &grant,
                Versioned {
                    settings: welcome,
                    version: read.welcome_emails.version,
                },
                NOW,
            )
            .await
            .unwrap();
            let saved_access = save(
                &db,
                &grant,
                Versioned {
                    settings: access,
                    version: read.default_access.version,
                },
                NOW,
            )
            .await
            .unwrap();

            let now = user_settings(&db, account.account_id).await.unwrap();
            assert_eq!(now.welcome_emails, saved_welcome, "{url}");
            assert_eq!(now.default_access, saved_access, "{url}");
            assert_eq!(now.sign_in_security, read.sign_in_security, "{url}");
            assert_eq!(
                audited_actions(&db).await,
                [
                    "settings.welcome_emails_changed",
                    "settings.default_access_changed"
                ],
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn a_domain_is_added_once_to_one_account_and_removed_and_the_policy_saves_apart() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let other =
                crate::testing::fixtures::other_account(&db, "Other Org", "boss@other.example")
                    .await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant::<SettingsManage>().unwrap();
            let (_, boss) = signed_in(&db, &other, other.primary_admin_id).await;
            let other_grant = boss.grant::<SettingsManage>().unwrap();
            let domain = |name: &str| AccountDomain::parse(name).unwrap();
            let owner = user_settings(&db, account.account_id)
                .await
                .unwrap()
                .domains
                .owner;

            let added = add_domain(&db, &grant, &domain("eu.acme.example"), NOW)
                .await
                .unwrap();

            assert_eq!(added.added, ["eu.acme.example"], "{url}");
            let taken = |name: &str| {
                Err::<AccountDomains, _>(AppError::Conflict {
                    clash: Clash::DomainTaken {
                        domain: name.to_owned(),
                    },
                })
            };
            assert_eq!(
                add_domain(&db, &grant, &domain("eu.acme.example"), NOW).await,
                taken("eu.acme.example"),
                "{url}"
            );
            assert_eq!(
                add_domain(&db, &other_grant, &domain("eu.acme.example"), NOW).await,
                taken("eu.acme.example"),
                "{url}: another account's domain"
            );
            assert_eq!(
                add_domain(&db, &grant, &domain(&owner), NOW).await,
                taken(&owner),
                "{url}: the Primary Admin's domain"
            );
            assert!(matches!(
                remove_domain(&db, &other_grant, "eu.acme.example", NOW).await,
                Err(AppError::NotFound { .. })
            ));
            let left = remove_domain(&db, &grant, "eu.acme.example", NOW)
                .await
                .unwrap();
            assert!(left.added.is_empty(), "{url}");

            let read = section::<SelfSignUp>(&db, account.account_id)
                .await
                .unwrap();
            assert_eq!(read.settings, SelfSignUp::default(), "{url}");
            let approval = SelfSignUp {
                mode: SignUpMode::Approval,
            };
            let change = Versioned {
                settings: approval,
                version: read.version,
            };
            save(&db, &grant, change, NOW).await.unwrap();
            assert_eq!(
                section::<SelfSignUp>(&db, account.account_id)
                    .await
                    .unwrap()
                    .settings,
                approval,
                "{url}"
            );
            assert_eq!(
                audited_actions(&db).await,
                [
                    "settings.domain_added",
                    "settings.domain_removed",
                    "settings.sign_up_changed"
                ],
                "{url}"
            );
        }
    }
}
