//! Reading the signed-in user's own account, and saving their own profile under the
//! profile-field policy of their session.

use crate::apps::store::apps_of;
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::principal::{Grant, OwnAccount};
use crate::db::{Db, lock_account_row};
use crate::domain::{Email, PersonName, SessionId, UserStatus};
use crate::error::AppError;
use crate::error::Problem;
use crate::me::MyAccount;
use crate::settings::profile_fields::store::{session_policy, values_of, write_values};
use crate::settings::profile_fields::{FieldValues, ProfileField, ProfilePolicy};
use crate::users::keys::UserKeys;
use crate::users::store::live_sessions;
use serde_json::{Map, Value, json};

#[derive(sqlx::FromRow)]
struct OwnRow {
    picture_at: Option<i64>,
    first_name: String,
    last_name: String,
    #[sqlx(try_from = "String")]
    email: Email,
    #[sqlx(try_from = "i64")]
    status: UserStatus,
    role_name: String,
}

/// The grant's own user, with their live sessions and apps.
pub async fn my_account(
    db: &Db,
    grant: &Grant<OwnAccount>,
    is_admin: bool,
    yours: SessionId,
    now: i64,
) -> Result<MyAccount, AppError> {
    let (account_id, user) = (grant.account_id(), grant.actor_id());
    let mut conn = db.pool().acquire().await?;
    let policy = session_policy(&mut conn, account_id, yours).await?;
    let row: OwnRow = sqlx::query_as(
        "SELECT u.picture_at, u.first_name, u.last_name, u.email, u.status, r.name AS role_name
         FROM users u JOIN roles r ON r.id = u.role_id
         WHERE u.account_id = $1 AND u.id = $2",
    )
    .bind(account_id)
    .bind(user)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::Unauthenticated)?;
    Ok(MyAccount {
        id: user,
        picture_at: row.picture_at,
        first_name: row.first_name,
        last_name: row.last_name,
        email: row.email,
        status: row.status,
        role_name: row.role_name,
        is_admin,
        sessions: live_sessions(&mut conn, account_id, user, yours, now).await?,
        apps: apps_of(&mut conn, account_id, user).await?,
        fields: values_of(&mut conn, user).await?,
        policy: policy.settings,
        policy_version: policy.version,
    })
}

/// The signed-in user's own profile edit, parsed.
pub struct OwnEdit {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub fields: FieldValues,
}

/// 400 naming `field` when `changed` and the session's policy does not let its user
/// edit it.
fn may_change(policy: &ProfilePolicy, field: ProfileField, changed: bool) -> Result<(), AppError> {
    if changed && !policy.user_may_edit(field) {
        return Err(AppError::invalid(field.key(), Problem::ReadOnly));
    }
    Ok(())
}

/// Saves the grant's own profile as the policy of session `session` allows, audited as
/// the user's own change; nothing is written when one field may not change.
pub async fn save_own_profile(
    db: &Db,
    grant: &Grant<OwnAccount>,
    session: SessionId,
    edit: &OwnEdit,
    now: i64,
) -> Result<(), AppError> {
    let (account_id, user) = (grant.account_id(), grant.actor_id());
    let mut tx = db.write().await?;
    let policy = session_policy(&mut tx, account_id, session).await?.settings;
    let (first, last, email): (String, String, String) = lock_account_row(
        &mut tx,
        db.backend(),
        "users",
        "first_name, last_name, email",
        account_id,
        user.get(),
    )
    .await?
    .ok_or(AppError::Unauthenticated)?;
    let new_first = edit.first_name.as_str();
    let new_last = edit.last_name.as_str();
    may_change(&policy, ProfileField::FirstName, first != new_first)?;
    may_change(&policy, ProfileField::LastName, last != new_last)?;
    let stored = values_of(&mut tx, user).await?;
    for (field, value) in &edit.fields {
        let before = stored.get(field).map_or("", String::as_str);
        may_change(&policy, *field, before != value)?;
    }
    let mut before = Map::new();
    let mut after = Map::new();
    for (field, old, new) in [
        ("first_name", &first, new_first),
        ("last_name", &last, new_last),
    ] {
        if old != new {
            before.insert(field.into(), json!(old));
            after.insert(field.into(), json!(new));
        }
    }
    for (field, old, new) in write_values(&mut tx, user, &stored, &edit.fields).await? {
        before.insert(field.key().into(), json!(old));
        after.insert(field.key().into(), json!(new));
    }
    if after.is_empty() {
        return Ok(());
    }
    let keys = UserKeys::of(new_first, new_last, &email);
    sqlx::query(
        "UPDATE users SET first_name = $1, last_name = $2, name_key = $3, last_key = $4,
                search_text = $5, version = version + 1
         WHERE account_id = $6 AND id = $7",
    )
    .bind(new_first)
    .bind(new_last)
    .bind(&keys.name_key)
    .bind(&keys.last_key)
    .bind(&keys.search_text)
    .bind(account_id)
    .bind(user)
    .execute(&mut *tx)
    .await?;
    let event = AuditEvent {
        action: AuditAction::UserUpdated,
        target: AuditTarget::User(user),
        target_label: email,
        before: Some(Value::Object(before)),
        after: Some(Value::Object(after)),
    };
    audit::record(&mut tx, grant.actor(), now, &[event]).await?;
    tx.commit().await?;
    Ok(())
}
