//! The settings' SQL: each section read with its version, and saved only over the
//! version it was read at, audited with its values before and after.

use super::Versioned;
use super::sign_in_security::SignInSecurity;
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::principal::{Grant, SettingsManage};
use crate::db::Db;
use crate::domain::AccountId;
use crate::error::{AppError, Clash};

#[derive(sqlx::FromRow)]
struct Row {
    name: String,
    lock_after: i64,
    lock_window_minutes: i64,
    unlock_after_minutes: Option<i64>,
    sign_in_security_version: i64,
}

const COLUMNS: &str =
    "name, lock_after, lock_window_minutes, unlock_after_minutes, sign_in_security_version";

impl Row {
    fn sign_in_security(&self) -> Result<Versioned<SignInSecurity>, AppError> {
        let number = |value: i64| u32::try_from(value).map_err(|_| AppError::Internal);
        Ok(Versioned {
            settings: SignInSecurity {
                lock_after: number(self.lock_after)?,
                lock_window_minutes: number(self.lock_window_minutes)?,
                unlock_after_minutes: self.unlock_after_minutes.map(number).transpose()?,
            },
            version: self.sign_in_security_version,
        })
    }
}

/// The sign-in security of `account`.
pub async fn sign_in_security(
    db: &Db,
    account: AccountId,
) -> Result<Versioned<SignInSecurity>, AppError> {
    let row: Row = sqlx::query_as(&format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"))
        .bind(account)
        .fetch_one(db.pool())
        .await?;
    row.sign_in_security()
}

/// Saves `change` when the account's sign-in security is still at its version, and
/// answers the settings now in force. Saving what is there already changes nothing and
/// is not audited.
pub async fn save_sign_in_security(
    db: &Db,
    grant: &Grant<SettingsManage>,
    change: Versioned<SignInSecurity>,
    now: i64,
) -> Result<Versioned<SignInSecurity>, AppError> {
    let mut tx = db.write().await?;
    let row: Row = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM accounts WHERE id = $1{}",
        db.backend().row_lock()
    ))
    .bind(grant.account_id())
    .fetch_one(&mut *tx)
    .await?;
    let before = row.sign_in_security()?;
    if before.version != change.version {
        return Err(AppError::Conflict {
            clash: Clash::SettingsChanged,
        });
    }
    if before.settings == change.settings {
        return Ok(before);
    }
    let after = change.settings;
    let number = i64::from;
    sqlx::query(
        "UPDATE accounts SET lock_after = $1, lock_window_minutes = $2,
                unlock_after_minutes = $3,
                sign_in_security_version = sign_in_security_version + 1
         WHERE id = $4",
    )
    .bind(number(after.lock_after))
    .bind(number(after.lock_window_minutes))
    .bind(after.unlock_after_minutes.map(number))
    .bind(grant.account_id())
    .execute(&mut *tx)
    .await?;
    let event = AuditEvent {
        action: AuditAction::SignInSecurityChanged,
        target: AuditTarget::Account(grant.account_id()),
        target_label: row.name,
        before: Some(before.settings.audit_values()),
        after: Some(after.audit_values()),
    };
    audit::record(&mut tx, grant.actor(), now, &[event]).await?;
    tx.commit().await?;
    Ok(Versioned {
        settings: after,
        version: before.version + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fixtures::{NOW, audited_actions, signed_in, test_account};
    use crate::testing::scratch::database_urls;

    const ADMIN_ONLY: SignInSecurity = SignInSecurity {
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
            let read = sign_in_security(&db, account.account_id).await.unwrap();
            assert_eq!(read.settings, SignInSecurity::default(), "{url}");

            let change = Versioned {
                settings: ADMIN_ONLY,
                version: read.version,
            };
            let saved = save_sign_in_security(&db, &grant, change, NOW)
                .await
                .unwrap();

            assert_eq!(saved.settings, ADMIN_ONLY, "{url}");
            assert_eq!(saved.version, read.version + 1, "{url}");
            assert_eq!(
                sign_in_security(&db, account.account_id).await.unwrap(),
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
        }
    }

    #[tokio::test]
    async fn a_save_over_an_older_version_is_refused_and_changes_nothing() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant::<SettingsManage>().unwrap();
            let read = sign_in_security(&db, account.account_id).await.unwrap();
            let first = Versioned {
                settings: ADMIN_ONLY,
                version: read.version,
            };
            let saved = save_sign_in_security(&db, &grant, first, NOW)
                .await
                .unwrap();

            let late = Versioned {
                settings: SignInSecurity {
                    lock_after: 10,
                    ..SignInSecurity::default()
                },
                version: read.version,
            };
            let refused = save_sign_in_security(&db, &grant, late, NOW).await;

            assert_eq!(
                refused,
                Err(AppError::Conflict {
                    clash: Clash::SettingsChanged
                }),
                "{url}"
            );
            assert_eq!(
                sign_in_security(&db, account.account_id).await.unwrap(),
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
            let read = sign_in_security(&db, account.account_id).await.unwrap();

            let saved = save_sign_in_security(&db, &grant, read, NOW).await.unwrap();

            assert_eq!(saved, read, "{url}");
            assert!(audited_actions(&db).await.is_empty(), "{url}");
        }
    }
}
