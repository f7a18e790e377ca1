//! The SQL of the profile-field policy: its versions (a save adds one, over the version
//! it read), the version each session keeps, the users still on an older one, and the
//! values of a user's controlled fields.

use super::{FieldValues, ProfileField, ProfilePolicy};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::principal::{Grant, SettingsManage};
use crate::db::{Db, lock_account};
use crate::domain::{AccountId, SessionId, UserId};
use crate::error::{AppError, Clash};
use crate::settings::{PolicyReader, PolicyReaders, Versioned};
use serde_json::{Map, Value, json};
use sqlx::{Any, AnyConnection, Transaction};

/// How many users still on an older version the settings page names.
const READERS_SHOWN: usize = 20;

/// Version `version` of the account's policy; version 1 is the default, unless saved.
pub async fn policy_at(
    conn: &mut AnyConnection,
    account: AccountId,
    version: i64,
) -> Result<ProfilePolicy, AppError> {
    let saved: Option<(String,)> = sqlx::query_as(
        "SELECT policy FROM profile_policies WHERE account_id = $1 AND version = $2",
    )
    .bind(account)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?;
    match saved {
        Some((json,)) => serde_json::from_str(&json).map_err(|_| AppError::Internal),
        None => Ok(ProfilePolicy::default()),
    }
}

/// The version live now: the one the next sign-in keeps.
pub async fn live_policy(
    conn: &mut AnyConnection,
    account: AccountId,
) -> Result<Versioned<ProfilePolicy>, AppError> {
    let (version,): (i64,) =
        sqlx::query_as("SELECT profile_policy_version FROM accounts WHERE id = $1")
            .bind(account)
            .fetch_one(&mut *conn)
            .await?;
    Ok(Versioned {
        settings: policy_at(conn, account, version).await?,
        version,
    })
}

/// The version session `session` signed in with.
pub async fn session_policy(
    conn: &mut AnyConnection,
    account: AccountId,
    session: SessionId,
) -> Result<Versioned<ProfilePolicy>, AppError> {
    let (version,): (i64,) = sqlx::query_as(
        "SELECT profile_policy_version FROM sessions WHERE account_id = $1 AND id = $2",
    )
    .bind(account)
    .bind(session)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::Unauthenticated)?;
    Ok(Versioned {
        settings: policy_at(conn, account, version).await?,
        version,
    })
}

/// The rules of `policy` that differ from `other`'s, by field.
fn differences(policy: &ProfilePolicy, other: &ProfilePolicy) -> Map<String, Value> {
    ProfileField::ALL
        .into_iter()
        .filter(|field| policy.rule(*field) != other.rule(*field))
        .map(|field| {
            let rule = policy.rule(field);
            let word = match (rule.enabled, rule.editable) {
                (false, _) => "hidden",
                (true, false) => "shown",
                (true, true) => "editable",
            };
            (field.key().to_owned(), json!(word))
        })
        .collect()
}

/// Saves `policy` as the next version, over `version` (409 when another admin saved
/// one meanwhile). It is live for the sign-ins that follow; sessions keep theirs.
/// Saving the live policy again changes nothing.
pub async fn save_policy(
    db: &Db,
    grant: &Grant<SettingsManage>,
    policy: &ProfilePolicy,
    version: i64,
    now: i64,
) -> Result<Versioned<ProfilePolicy>, AppError> {
    let account = grant.account_id();
    let mut tx = db.write().await?;
    let name = lock_account(&mut tx, db.backend(), account).await?;
    let live = live_policy(&mut tx, account).await?;
    if live.version != version {
        return Err(AppError::Conflict {
            clash: Clash::SettingsChanged,
        });
    }
    if &live.settings == policy {
        return Ok(live);
    }
    let next = live.version + 1;
    let stored = serde_json::to_string(policy).map_err(|_| AppError::Internal)?;
    sqlx::query(
        "INSERT INTO profile_policies (account_id, version, policy, saved_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(account)
    .bind(next)
    .bind(stored)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE accounts SET profile_policy_version = $1 WHERE id = $2")
        .bind(next)
        .bind(account)
        .execute(&mut *tx)
        .await?;
    let mut before = differences(&live.settings, policy);
    before.insert("version".into(), json!(live.version));
    let mut after = differences(policy, &live.settings);
    after.insert("version".into(), json!(next));
    let event = AuditEvent {
        action: AuditAction::ProfileFieldsChanged,
        target: AuditTarget::Account(account),
        target_label: name,
        before: Some(Value::Object(before)),
        after: Some(Value::Object(after)),
    };
    audit::record(&mut tx, grant.actor(), now, &[event]).await?;
    tx.commit().await?;
    Ok(Versioned {
        settings: policy.clone(),
        version: next,
    })
}

/// The first users who signed in under a version older than `live`, oldest version
/// first; they see the live one at their next sign-in. Read through an index, never
/// counted.
pub async fn readers_behind(
    conn: &mut AnyConnection,
    account: AccountId,
    live: i64,
) -> Result<PolicyReaders, AppError> {
    let mut rows: Vec<(UserId, String, String, String, i64)> = sqlx::query_as(&format!(
        "SELECT id, first_name, last_name, email, profile_policy_version FROM users
         WHERE account_id = $1 AND profile_policy_version < $2
         ORDER BY profile_policy_version, id LIMIT {}",
        READERS_SHOWN + 1
    ))
    .bind(account)
    .bind(live)
    .fetch_all(&mut *conn)
    .await?;
    let more = rows.len() > READERS_SHOWN;
    rows.truncate(READERS_SHOWN);
    Ok(PolicyReaders {
        behind: rows
            .into_iter()
            .map(|(id, first, last, email, version)| PolicyReader {
                id,
                name: crate::users::display_name(&first, &last, &email),
                version,
            })
            .collect(),
        more,
    })
}

/// The values of user `user`'s controlled fields.
pub async fn values_of(conn: &mut AnyConnection, user: UserId) -> Result<FieldValues, AppError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT field, value FROM user_fields WHERE user_id = $1")
            .bind(user)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(field, value)| Some((ProfileField::from_key(&field)?, value)))
        .collect())
}

/// Writes the values of `edits` that differ from `stored` (an empty value clears the
/// field), and answers what changed, before and after, for the audit trail.
pub async fn write_values(
    tx: &mut Transaction<'_, Any>,
    user: UserId,
    stored: &FieldValues,
    edits: &FieldValues,
) -> Result<Vec<(ProfileField, String, String)>, AppError> {
    let mut changed = Vec::new();
    for (field, value) in edits {
        let before = stored.get(field).cloned().unwrap_or_default();
        if &before == value {
            continue;
        }
        sqlx::query("DELETE FROM user_fields WHERE user_id = $1 AND field = $2")
            .bind(user)
            .bind(field.key())
            .execute(&mut **tx)
            .await?;
        if !value.is_empty() {
            sqlx::query("INSERT INTO user_fields (user_id, field, value) VALUES ($1, $2, $3)")
                .bind(user)
                .bind(field.key())
                .bind(value)
                .execute(&mut **tx)
                .await?;
        }
        changed.push((*field, before, value.clone()));
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::DefaultRole;
    use crate::settings::profile_fields::FieldRule;
    use crate::testing::fixtures::{NOW, add_admin, audited_actions, signed_in, test_account};
    use crate::testing::scratch::database_urls;

    fn department_editable() -> ProfilePolicy {
        let rule = FieldRule {
            enabled: true,
            editable: true,
        };
        ProfilePolicy::default()
            .with(ProfileField::Department, rule)
            .parse()
            .unwrap()
    }

    #[tokio::test]
    async fn a_save_is_a_new_version_that_only_sessions_started_afterwards_keep() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let mia = add_admin(&db, &account, "mia@example.com", DefaultRole::Member).await;
            let (_, before) = signed_in(&db, &account, mia).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant::<SettingsManage>().unwrap();

            let saved = save_policy(&db, &grant, &department_editable(), 1, NOW)
                .await
                .unwrap();

            assert_eq!(saved.version, 2, "{url}");
            let mut conn = db.pool().acquire().await.unwrap();
            let old = session_policy(
                &mut conn,
                account.account_id,
                crate::users::sessions::current_session(&before),
            )
            .await
            .unwrap();
            assert_eq!(old.version, 1);
            assert!(old.settings.shown_controlled().is_empty());
            let (_, after) = signed_in(&db, &account, mia).await;
            let new = session_policy(
                &mut conn,
                account.account_id,
                crate::users::sessions::current_session(&after),
            )
            .await
            .unwrap();
            assert_eq!(new.settings.shown_controlled(), [ProfileField::Department]);
            assert_eq!(
                audited_actions(&db).await,
                ["settings.profile_fields_changed"]
            );

            let stale = save_policy(&db, &grant, &ProfilePolicy::default(), 1, NOW).await;
            assert_eq!(
                stale.unwrap_err(),
                AppError::Conflict {
                    clash: Clash::SettingsChanged
                }
            );
            let same = save_policy(&db, &grant, &department_editable(), 2, NOW)
                .await
                .unwrap();
            assert_eq!(same.version, 2, "saving the live policy adds no version");
            assert_eq!(audited_actions(&db).await.len(), 1, "{url}");
        }
    }

    #[tokio::test]
    async fn users_who_signed_in_under_an_older_version_are_named_until_they_sign_in_again() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let mia = add_admin(&db, &account, "mia@example.com", DefaultRole::Member).await;
            let ned = add_admin(&db, &account, "ned@example.com", DefaultRole::Member).await;
            sqlx::query("UPDATE users SET profile_policy_version = 1 WHERE id IN ($1, $2)")
                .bind(mia)
                .bind(ned)
                .execute(db.pool())
                .await
                .unwrap();
            sqlx::query("UPDATE users SET profile_policy_version = 2 WHERE id = $1")
                .bind(ned)
                .execute(db.pool())
                .await
                .unwrap();
            let mut conn = db.pool().acquire().await.unwrap();

            let readers = readers_behind(&mut conn, account.account_id, 2)
                .await
                .unwrap();

            let named: Vec<UserId> = readers.behind.iter().map(|reader| reader.id).collect();
            assert_eq!(named, [mia], "{url}");
            assert!(!readers.more);
            let none = readers_behind(&mut conn, account.account_id, 1)
                .await
                .unwrap();
            assert!(
                none.behind.is_empty(),
                "users who never signed in are not named"
            );
        }
    }
}
