//! One user for the details page, and saving the Profile tab: the stored version must
//! be the one the form was read at, the e-mail stays as it is, the role must be one of
//! the account's, and only the fields that changed are written and audited, in one
//! transaction.

use super::selection::{Selected, fetch_one};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::principal::{Grant, UsersRead, UsersUpdate};
use crate::db::Db;
use crate::db::sql::{Flag, flag};
use crate::domain::{AccountId, Email, ProductAccess, RoleId, UserId, UserStatus};
use crate::error::{AppError, Clash, Problem};
use crate::roles::store::{Holding, check_role_change};
use crate::settings::profile_fields::store::{live_policy, values_of, write_values};
use crate::users::keys::UserKeys;
use crate::users::profile::{LockReason, ProfileChange, RoleChoice, UserDetails};
use serde_json::{Map, Value, json};
use sqlx::AnyConnection;

#[derive(sqlx::FromRow)]
struct DetailsRow {
    id: UserId,
    first_name: String,
    last_name: String,
    #[sqlx(try_from = "String")]
    email: Email,
    #[sqlx(try_from = "i64")]
    status: UserStatus,
    #[sqlx(try_from = "i64")]
    is_primary_admin: Flag,
    #[sqlx(try_from = "i64")]
    role_is_admin: Flag,
    role_id: RoleId,
    #[sqlx(try_from = "i64")]
    builder_access: Flag,
    #[sqlx(try_from = "i64")]
    app_creation_access: Flag,
    #[sqlx(try_from = "i64")]
    data_tables_access: Flag,
    invited_at: Option<i64>,
    last_login_at: i64,
    #[sqlx(try_from = "i64")]
    sso_enabled: Flag,
    locked_at: Option<i64>,
    lock_reason: Option<String>,
    version: i64,
    picture_at: Option<i64>,
    app_since: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct RoleRow {
    id: RoleId,
    name: String,
    #[sqlx(try_from = "i64")]
    is_admin: Flag,
}

/// The user `id` of the grant's account with the account's roles; 404 when the account
/// has no such user.
pub async fn user_details(
    db: &Db,
    grant: &Grant<UsersRead>,
    id: UserId,
) -> Result<UserDetails, AppError> {
    let mut conn = db.pool().acquire().await?;
    details(&mut conn, grant.account_id(), id).await
}

async fn details(
    conn: &mut AnyConnection,
    account_id: AccountId,
    id: UserId,
) -> Result<UserDetails, AppError> {
    let row: DetailsRow = sqlx::query_as(
        "SELECT u.id, u.first_name, u.last_name, u.email, u.status, u.is_primary_admin,
                r.is_admin AS role_is_admin, u.role_id, u.builder_access,
                u.app_creation_access, u.data_tables_access, u.invited_at, u.last_login_at,
                u.locked_at, u.lock_reason, u.version, a.sso_enabled, u.picture_at,
                (SELECT confirmed_at FROM authenticators WHERE user_id = u.id) AS app_since
         FROM users u JOIN roles r ON r.id = u.role_id JOIN accounts a ON a.id = u.account_id
         WHERE u.account_id = $1 AND u.id = $2",
    )
    .bind(account_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::unknown_user(id.get()))?;
    let roles: Vec<RoleRow> =
        sqlx::query_as("SELECT id, name, is_admin FROM roles WHERE account_id = $1 ORDER BY name")
            .bind(account_id)
            .fetch_all(&mut *conn)
            .await?;
    let locked = row.status == UserStatus::Locked;
    let policy = live_policy(&mut *conn, account_id).await?.settings;
    Ok(UserDetails {
        shown_fields: policy.shown_controlled(),
        picture_at: row.picture_at,
        fields: values_of(&mut *conn, id).await?,
        id: row.id,
        first_name: row.first_name,
        last_name: row.last_name,
        email: row.email,
        status: row.status,
        is_primary_admin: row.is_primary_admin.into(),
        is_admin: bool::from(row.is_primary_admin) || bool::from(row.role_is_admin),
        role_id: row.role_id,
        roles: roles
            .into_iter()
            .map(|role| RoleChoice {
                id: role.id,
                name: role.name,
                is_admin: role.is_admin.into(),
            })
            .collect(),
        access: ProductAccess {
            builder: row.builder_access.into(),
            app_creation: row.app_creation_access.into(),
            data_tables: row.data_tables_access.into(),
        },
        last_login_at: (row.last_login_at > 0).then_some(row.last_login_at),
        sso_enabled: row.sso_enabled.into(),
        has_authenticator: row.app_since.is_some(),
        invited_at: row.invited_at,
        locked_at: row.locked_at.filter(|_| locked),
        lock_reason: row
            .lock_reason
            .filter(|_| locked)
            .map(|reason| LockReason::from_stored(&reason)),
        version: row.version,
    })
}

/// What a save compares against, read and locked.
#[derive(sqlx::FromRow)]
struct Editable {
    id: UserId,
    #[sqlx(try_from = "String")]
    email: Email,
    first_name: String,
    last_name: String,
    role_id: RoleId,
    #[sqlx(try_from = "i64")]
    is_primary_admin: Flag,
    #[sqlx(try_from = "i64")]
    builder_access: Flag,
    #[sqlx(try_from = "i64")]
    app_creation_access: Flag,
    #[sqlx(try_from = "i64")]
    data_tables_access: Flag,
    version: i64,
}

impl Selected for Editable {
    const COLUMNS: &'static str = "id, email, first_name, last_name, role_id, is_primary_admin, \
        builder_access, app_creation_access, data_tables_access, version";
    fn id(&self) -> UserId {
        self.id
    }
}

/// The fields a save changes, before and after, as the audit trail records them.
#[derive(Default)]
struct Changes {
    before: Map<String, Value>,
    after: Map<String, Value>,
}

impl Changes {
    fn compare(&mut self, field: &str, before: Value, after: Value) {
        if before != after {
            self.before.insert(field.to_owned(), before);
            self.after.insert(field.to_owned(), after);
        }
    }

    fn is_empty(&self) -> bool {
        self.after.is_empty()
    }
}

/// Saves `change` to user `id` of the grant's account and answers the user as saved.
/// Refused, with nothing written: an unknown user or role (404), another e-mail (400),
/// a version other than the stored one (409), the admin's own role or the Primary
/// Admin's (409), giving or taking away a role with a permission the admin does not
/// hold (403).
pub async fn save_profile(
    db: &Db,
    grant: &Grant<UsersUpdate>,
    id: UserId,
    change: &ProfileChange,
    now: i64,
) -> Result<UserDetails, AppError> {
    let account_id = grant.account_id();
    let mut tx = db.write().await?;
    let stored = fetch_one::<Editable>(&mut tx, db.backend(), account_id, id).await?;
    if let Some(email) = &change.email
        && Email::parse(email).ok().as_ref() != Some(&stored.email)
    {
        return Err(AppError::invalid("email", Problem::ReadOnly));
    }
    if change.version != stored.version {
        return Err(AppError::Conflict {
            clash: Clash::StaleVersion,
        });
    }
    let mut changes = Changes::default();
    if change.role_id != stored.role_id {
        let holding = Holding {
            user: id,
            primary_admin: stored.is_primary_admin.into(),
            role: stored.role_id,
        };
        let role =
            check_role_change(&mut tx, db.backend(), grant, &holding, change.role_id).await?;
        changes.compare("role", json!(role.from), json!(role.to));
    }
    changes.compare(
        "first_name",
        json!(stored.first_name),
        json!(change.first_name.as_str()),
    );
    changes.compare(
        "last_name",
        json!(stored.last_name),
        json!(change.last_name.as_str()),
    );
    let toggles = [
        (
            "builder_access",
            stored.builder_access,
            change.access.builder,
        ),
        (
            "app_creation_access",
            stored.app_creation_access,
            change.access.app_creation,
        ),
        (
            "data_tables_access",
            stored.data_tables_access,
            change.access.data_tables,
        ),
    ];
    for (field, before, after) in toggles {
        changes.compare(field, json!(bool::from(before)), json!(after));
    }
    let shown = live_policy(&mut tx, account_id)
        .await?
        .settings
        .shown_controlled();
    if let Some(hidden) = change.fields.keys().find(|field| !shown.contains(field)) {
        return Err(AppError::invalid(hidden.key(), Problem::ReadOnly));
    }
    let stored_fields = values_of(&mut tx, id).await?;
    for (field, before, after) in write_values(&mut tx, id, &stored_fields, &change.fields).await? {
        changes.compare(field.key(), json!(before), json!(after));
    }

    if !changes.is_empty() {
        let keys = UserKeys::of(
            change.first_name.as_str(),
            change.last_name.as_str(),
            stored.email.as_str(),
        );
        sqlx::query(
            "UPDATE users SET first_name = $1, last_name = $2, name_key = $3, last_key = $4,
                    search_text = $5, role_id = $6, builder_access = $7,
                    app_creation_access = $8, data_tables_access = $9, version = version + 1
             WHERE account_id = $10 AND id = $11",
        )
        .bind(change.first_name.as_str())
        .bind(change.last_name.as_str())
        .bind(&keys.name_key)
        .bind(&keys.last_key)
        .bind(&keys.search_text)
        .bind(change.role_id)
        .bind(flag(change.access.builder))
        .bind(flag(change.access.app_creation))
        .bind(flag(change.access.data_tables))
        .bind(account_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let event = AuditEvent {
            action: AuditAction::UserUpdated,
            target: AuditTarget::User(id),
            target_label: stored.email.to_string(),
            before: Some(Value::Object(changes.before)),
            after: Some(Value::Object(changes.after)),
        };
        audit::record(&mut tx, grant.actor(), now, &[event]).await?;
    }
    let saved = details(&mut tx, account_id, id).await?;
    tx.commit().await?;
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::DefaultRole;
    use crate::error::{Denied, Missing};
    use crate::testing::fixtures::{
        NOW, add_admin, add_member, audited_actions, other_account, signed_in, test_account,
    };
    use crate::testing::scratch::database_urls;
    use crate::users::profile::ProfileEdit;

    fn change(details: &UserDetails, edit: impl FnOnce(&mut ProfileEdit)) -> ProfileChange {
        let mut form = details.edit();
        edit(&mut form);
        ProfileChange::parse(&form).unwrap()
    }

    #[tokio::test]
    async fn a_save_writes_the_changed_fields_bumps_the_version_and_audits_only_what_changed() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let ann = add_member(&db, &account, "Ann", "ann@example.com", UserStatus::Active).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let (read, update) = (admin.grant().unwrap(), admin.grant().unwrap());
            let before = user_details(&db, &read, ann).await.unwrap();

            let unchanged = change(&before, |_| {});
            let same = save_profile(&db, &update, ann, &unchanged, NOW)
                .await
                .unwrap();
            assert_eq!(same.version, before.version, "{url}: nothing to save");
            assert!(audited_actions(&db).await.is_empty(), "{url}");

            let edit = change(&before, |form| {
                form.first_name = " Annie ".into();
                form.role_id = account.user_admin_role_id.get();
                form.access.builder = true;
            });
            let saved = save_profile(&db, &update, ann, &edit, NOW).await.unwrap();

            assert_eq!(saved.first_name, "Annie", "{url}");
            assert_eq!(saved.role_id, account.user_admin_role_id, "{url}");
            assert!(saved.is_admin && saved.access.builder, "{url}");
            assert_eq!(saved.version, before.version + 1, "{url}");
            assert_eq!(audited_actions(&db).await, ["user.updated"], "{url}");
            let (before_value, after_value): (String, String) =
                sqlx::query_as("SELECT before_value, after_value FROM audit_events")
                    .fetch_one(db.pool())
                    .await
                    .unwrap();
            let after: Value = serde_json::from_str(&after_value).unwrap();
            assert_eq!(
                after,
                json!({"first_name": "Annie", "role": "User Admin", "builder_access": true}),
                "{url}"
            );
            assert!(before_value.contains("\"Ann\""), "{url}");
        }
    }

    #[tokio::test]
    async fn a_stale_version_another_email_or_a_foreign_role_is_refused_and_nothing_changes() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let other = other_account(&db, "Other Org", "boss@other.example").await;
            let ann = add_member(&db, &account, "Ann", "ann@example.com", UserStatus::Active).await;
            let stranger =
                add_member(&db, &other, "Sam", "sam@other.example", UserStatus::Active).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let (read, update) = (admin.grant().unwrap(), admin.grant().unwrap());
            let first_read = user_details(&db, &read, ann).await.unwrap();
            let renamed = change(&first_read, |form| form.first_name = "Anne".into());
            save_profile(&db, &update, ann, &renamed, NOW)
                .await
                .unwrap();

            let late = change(&first_read, |form| form.last_name = "Late".into());
            let refusals = [
                (
                    save_profile(&db, &update, ann, &late, NOW).await,
                    AppError::Conflict {
                        clash: Clash::StaleVersion,
                    },
                ),
                (
                    save_profile(
                        &db,
                        &update,
                        ann,
                        &change(&first_read, |form| {
                            form.version += 1;
                            form.email = Some("new@example.com".into());
                        }),
                        NOW,
                    )
                    .await,
                    AppError::invalid("email", Problem::ReadOnly),
                ),
                (
                    save_profile(
                        &db,
                        &update,
                        ann,
                        &change(&first_read, |form| {
                            form.version += 1;
                            form.role_id = other.master_admin_role_id.get();
                        }),
                        NOW,
                    )
                    .await,
                    AppError::NotFound {
                        missing: Missing::Role {
                            id: other.master_admin_role_id.get(),
                        },
                    },
                ),
                (
                    save_profile(&db, &update, stranger, &late, NOW).await,
                    AppError::unknown_user(stranger.get()),
                ),
            ];
            for (answer, expected) in refusals {
                assert_eq!(answer.unwrap_err(), expected, "{url}");
            }
            let now = user_details(&db, &read, ann).await.unwrap();
            assert_eq!(
                (now.first_name.as_str(), now.last_name.as_str()),
                ("Anne", "Example")
            );
            assert_eq!(now.email.as_str(), "ann@example.com", "{url}");
            assert_eq!(audited_actions(&db).await, ["user.updated"], "{url}");
            assert_eq!(
                user_details(&db, &read, stranger).await.unwrap_err(),
                AppError::unknown_user(stranger.get()),
                "{url}: another account's user reads as unknown"
            );
        }
    }

    #[tokio::test]
    async fn nobody_changes_the_primary_admins_role() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let other =
                add_admin(&db, &account, "other@example.com", DefaultRole::MasterAdmin).await;
            let primary = account.primary_admin_id;
            let (_, admin) = signed_in(&db, &account, other).await;
            let (read, update) = (admin.grant().unwrap(), admin.grant().unwrap());
            let theirs = user_details(&db, &read, primary).await.unwrap();
            let demote = change(&theirs, |form| form.role_id = account.member_role_id.get());
            assert_eq!(
                save_profile(&db, &update, primary, &demote, NOW)
                    .await
                    .unwrap_err(),
                AppError::Conflict {
                    clash: Clash::PrimaryAdminRole
                },
                "{url}"
            );
            assert!(audited_actions(&db).await.is_empty(), "{url}");
        }
    }

    #[tokio::test]
    async fn an_admin_cannot_change_their_own_role() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let me = add_admin(&db, &account, "me@example.com", DefaultRole::MasterAdmin).await;
            let (_, admin) = signed_in(&db, &account, me).await;
            let (read, update) = (admin.grant().unwrap(), admin.grant().unwrap());
            let mine = user_details(&db, &read, me).await.unwrap();
            let demote = change(&mine, |form| form.role_id = account.member_role_id.get());
            assert_eq!(
                save_profile(&db, &update, me, &demote, NOW)
                    .await
                    .unwrap_err(),
                AppError::Conflict {
                    clash: Clash::OwnRole
                },
                "{url}"
            );
            let rename = change(&mine, |form| form.first_name = "Still".into());
            assert!(
                save_profile(&db, &update, me, &rename, NOW).await.is_ok(),
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn an_admin_gives_nobody_a_role_with_a_permission_they_do_not_hold() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let (role,): (RoleId,) = sqlx::query_as(
                "INSERT INTO roles (account_id, name, name_key, is_admin) VALUES ($1, 'Editor', 'editor', 1)
                 RETURNING id",
            )
            .bind(account.account_id)
            .fetch_one(db.pool())
            .await
            .unwrap();
            for permission in ["users.read", "users.update"] {
                sqlx::query("INSERT INTO role_permissions (role_id, permission) VALUES ($1, $2)")
                    .bind(role)
                    .bind(permission)
                    .execute(db.pool())
                    .await
                    .unwrap();
            }
            let editor = add_admin(&db, &account, "ed@example.com", DefaultRole::Member).await;
            sqlx::query("UPDATE users SET role_id = $1 WHERE id = $2")
                .bind(role)
                .bind(editor)
                .execute(db.pool())
                .await
                .unwrap();
            let ann = add_member(&db, &account, "Ann", "ann@example.com", UserStatus::Active).await;
            let (_, admin) = signed_in(&db, &account, editor).await;
            let (read, update) = (admin.grant().unwrap(), admin.grant().unwrap());
            let before = user_details(&db, &read, ann).await.unwrap();
            let promote = change(&before, |form| {
                form.role_id = account.master_admin_role_id.get();
            });
            let refused = save_profile(&db, &update, ann, &promote, NOW).await;
            assert!(
                matches!(
                    refused,
                    Err(AppError::Forbidden {
                        denied: Denied::BeyondYourOwn { .. }
                    })
                ),
                "{url}"
            );
            let master = add_admin(&db, &account, "mo@example.com", DefaultRole::MasterAdmin).await;
            let stronger = user_details(&db, &read, master).await.unwrap();
            let demote = change(&stronger, |form| {
                form.role_id = account.member_role_id.get()
            });
            let refused = save_profile(&db, &update, master, &demote, NOW).await;
            assert!(
                matches!(refused, Err(AppError::Forbidden { .. })),
                "{url}: nor takes away a role stronger than their own"
            );
            let alike = change(&before, |form| form.role_id = role.get());
            let saved = save_profile(&db, &update, ann, &alike, NOW).await.unwrap();
            assert_eq!(
                saved.role_id, role,
                "{url}: a role within their own is theirs to give"
            );
        }
    }
}
