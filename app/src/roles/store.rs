//! The SQL behind Role Management's admin roles, confined to the grant's account: the
//! roles with their permissions and how many hold each; creating, changing and deleting
//! a custom role, each in one transaction with its audit event, one at a time per
//! account (the account's row is taken first). The rules that need the stored state are
//! kept here: a predefined role stays as it is, a change names the version it was read
//! at, nobody gives a permission they do not hold nor changes a role that holds one, and
//! a role in use goes only with its holders moved to another admin role, never the
//! admin's own role or the Primary Admin's.

use super::RoleSummary;
use super::rules::{MAX_CUSTOM_ROLES, RoleDraft, beyond_own};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::principal::{Grant, RolesManage};
use crate::db::{Backend, Db, lock_account, lock_account_row};
use crate::domain::{AccountId, Permission, PermissionSet, RoleId, UserId};
use crate::error::{AppError, Clash, Denied, Missing, Problem};
use crate::users::keys::fold;
use serde_json::json;
use sqlx::{Any, Transaction};
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct RoleRow {
    id: RoleId,
    name: String,
    description: String,
    predefined: i64,
    version: i64,
}

const ROLE_COLUMNS: &str = "id, name, description, predefined, version";

/// A role as the list reads it, with how many users hold it.
#[derive(sqlx::FromRow)]
struct ListedRole {
    #[sqlx(flatten)]
    role: RoleRow,
    holders: i64,
}

impl RoleRow {
    fn summary(self, permissions: PermissionSet, holders: i64) -> RoleSummary {
        RoleSummary {
            id: self.id,
            name: self.name,
            description: self.description,
            predefined: self.predefined != 0,
            permissions,
            holders: holders.max(0) as u64,
            version: self.version,
        }
    }
}

/// The permissions role `role` gives.
pub(crate) async fn role_permissions(
    tx: &mut Transaction<'_, Any>,
    role: RoleId,
) -> Result<PermissionSet, AppError> {
    let keys: Vec<(String,)> =
        sqlx::query_as("SELECT permission FROM role_permissions WHERE role_id = $1")
            .bind(role)
            .fetch_all(&mut **tx)
            .await?;
    Ok(keys
        .iter()
        .filter_map(|(key,)| Permission::from_key(key))
        .collect())
}

/// The account's admin roles: the predefined ones first, then the others by name. Two
/// queries whatever the number of roles; each role's holders are counted by its own
/// range of the index on `users.role_id`, so only the admins are read, never the
/// members (a join grouped by role read the whole index: 44 ms at a million users).
pub async fn list_roles<C>(db: &Db, grant: &Grant<C>) -> Result<Vec<RoleSummary>, AppError> {
    let account = grant.account_id();
    let roles: Vec<ListedRole> = sqlx::query_as(&format!(
        "SELECT {ROLE_COLUMNS}, (SELECT COUNT(*) FROM users u WHERE u.role_id = roles.id) AS holders
         FROM roles WHERE account_id = $1 AND is_admin = 1
         ORDER BY predefined DESC, name_key, id"
    ))
    .bind(account)
    .fetch_all(db.pool())
    .await?;
    let mut permissions = permissions_by_role(db, account).await?;
    Ok(roles
        .into_iter()
        .map(|ListedRole { role, holders }| {
            let given = permissions.remove(&role.id).unwrap_or_default();
            role.summary(given, holders)
        })
        .collect())
}

/// What each role of `account` gives, roles that give nothing left out.
pub(crate) async fn permissions_by_role(
    db: &Db,
    account: AccountId,
) -> Result<HashMap<RoleId, PermissionSet>, AppError> {
    let granted: Vec<(RoleId, String)> = sqlx::query_as(
        "SELECT p.role_id, p.permission FROM role_permissions p JOIN roles r ON r.id = p.role_id
         WHERE r.account_id = $1",
    )
    .bind(account)
    .fetch_all(db.pool())
    .await?;
    let mut given: HashMap<RoleId, Vec<Permission>> = HashMap::new();
    for (role, key) in granted {
        if let Some(permission) = Permission::from_key(&key) {
            given.entry(role).or_default().push(permission);
        }
    }
    Ok(given
        .into_iter()
        .map(|(role, permissions)| (role, permissions.into_iter().collect()))
        .collect())
}

/// 403 when `given` holds a permission the grant's admin does not.
pub(crate) fn within_own<C>(grant: &Grant<C>, given: &PermissionSet) -> Result<(), AppError> {
    match beyond_own(grant.held(), given) {
        Some(permission) => Err(AppError::Forbidden {
            denied: Denied::BeyondYourOwn { permission },
        }),
        None => Ok(()),
    }
}

/// A user's role as a change of it reads it, from the user's row locked for the change.
pub(crate) struct Holding {
    pub user: UserId,
    pub primary_admin: bool,
    pub role: RoleId,
}

/// The roles a change goes from and to, by name for its audit event.
pub(crate) struct RoleChange {
    pub from: String,
    pub to: String,
}

/// The rules every change of one user's role passes, wherever it is made (the Profile
/// tab, a role's Assignments): never the Primary Admin's role (409) nor the admin's own
/// (409); the role given is the account's (404), and held until the change commits (a
/// key share, which blocks only its deletion), so a role deleted meanwhile is a 404,
/// never a broken reference; neither it nor the role taken away gives a permission the
/// admin lacks (403), so a weaker admin neither promotes nor demotes past their own.
pub(crate) async fn check_role_change<C>(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    grant: &Grant<C>,
    holding: &Holding,
    to: RoleId,
) -> Result<RoleChange, AppError> {
    if holding.primary_admin {
        return Err(AppError::Conflict {
            clash: Clash::PrimaryAdminRole,
        });
    }
    if holding.user == grant.actor_id() {
        return Err(AppError::Conflict {
            clash: Clash::OwnRole,
        });
    }
    let held = match backend {
        Backend::Sqlite => "",
        Backend::Postgres => " FOR KEY SHARE",
    };
    let (to_name,): (String,) = sqlx::query_as(&format!(
        "SELECT name FROM roles WHERE account_id = $1 AND id = $2{held}"
    ))
    .bind(grant.account_id())
    .bind(to)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound {
        missing: Missing::Role { id: to.get() },
    })?;
    for role in [to, holding.role] {
        within_own(grant, &role_permissions(tx, role).await?)?;
    }
    let (from_name,): (String,) = sqlx::query_as("SELECT name FROM roles WHERE id = $1")
        .bind(holding.role)
        .fetch_one(&mut **tx)
        .await?;
    Ok(RoleChange {
        from: from_name,
        to: to_name,
    })
}

/// 409 when another role of the account has `name`, whatever its case.
async fn ensure_name_free(
    tx: &mut Transaction<'_, Any>,
    grant: &Grant<RolesManage>,
    name: &str,
    except: Option<RoleId>,
) -> Result<(), AppError> {
    let taken: Option<(String,)> = sqlx::query_as(
        "SELECT name FROM roles WHERE account_id = $1 AND name_key = $2 AND id <> $3",
    )
    .bind(grant.account_id())
    .bind(fold(name))
    .bind(except.map_or(0, RoleId::get))
    .fetch_optional(&mut **tx)
    .await?;
    match taken {
        Some((name,)) => Err(AppError::Conflict {
            clash: Clash::RoleNameTaken { name },
        }),
        None => Ok(()),
    }
}

async fn write_permissions(
    tx: &mut Transaction<'_, Any>,
    role: RoleId,
    permissions: &PermissionSet,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM role_permissions WHERE role_id = $1")
        .bind(role)
        .execute(&mut **tx)
        .await?;
    for permission in permissions.iter() {
        sqlx::query("INSERT INTO role_permissions (role_id, permission) VALUES ($1, $2)")
            .bind(role)
            .bind(permission.key())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// How many users hold role `role`.
async fn count_holders(tx: &mut Transaction<'_, Any>, role: RoleId) -> Result<i64, AppError> {
    let (holders,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE role_id = $1")
        .bind(role)
        .fetch_one(&mut **tx)
        .await?;
    Ok(holders)
}

fn keys(permissions: &PermissionSet) -> Vec<&'static str> {
    permissions.iter().map(Permission::key).collect()
}

/// Creates a custom admin role from `draft`.
pub async fn create_role(
    db: &Db,
    grant: &Grant<RolesManage>,
    draft: &RoleDraft,
    now: i64,
) -> Result<RoleSummary, AppError> {
    within_own(grant, &draft.permissions)?;
    let mut tx = db.write().await?;
    lock_account(&mut tx, db.backend(), grant.account_id()).await?;
    let (custom,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM roles WHERE account_id = $1 AND predefined = 0")
            .bind(grant.account_id())
            .fetch_one(&mut *tx)
            .await?;
    if custom >= i64::from(MAX_CUSTOM_ROLES) {
        return Err(AppError::Conflict {
            clash: Clash::TooManyRoles {
                max: MAX_CUSTOM_ROLES,
            },
        });
    }
    ensure_name_free(&mut tx, grant, &draft.name, None).await?;
    let row: RoleRow = sqlx::query_as(&format!(
        "INSERT INTO roles (account_id, name, name_key, description, is_admin, predefined, version)
         VALUES ($1, $2, $3, $4, 1, 0, 1) RETURNING {ROLE_COLUMNS}"
    ))
    .bind(grant.account_id())
    .bind(&draft.name)
    .bind(fold(&draft.name))
    .bind(&draft.description)
    .fetch_one(&mut *tx)
    .await?;
    write_permissions(&mut tx, row.id, &draft.permissions).await?;
    let created = AuditEvent {
        action: AuditAction::RoleCreated,
        target: AuditTarget::Role(row.id),
        target_label: draft.name.clone(),
        before: None,
        after: Some(json!({
            "name": draft.name,
            "description": draft.description,
            "permissions": keys(&draft.permissions),
        })),
    };
    audit::record(&mut tx, grant.actor(), now, &[created]).await?;
    tx.commit().await?;
    Ok(row.summary(draft.permissions.clone(), 0))
}

/// The custom role `id` of the grant's account and its permissions, for a change: the
/// account's row is taken first, so role changes go one at a time. 404 when the
/// account has no such role, 409 when it is predefined, 403 when it gives a permission
/// the admin does not hold (a role stronger than their own is not theirs to change).
async fn lock_custom_role(
    tx: &mut Transaction<'_, Any>,
    db: &Db,
    grant: &Grant<RolesManage>,
    id: RoleId,
) -> Result<(RoleRow, PermissionSet), AppError> {
    lock_account(tx, db.backend(), grant.account_id()).await?;
    let row: RoleRow = lock_account_row(
        tx,
        db.backend(),
        "roles",
        ROLE_COLUMNS,
        grant.account_id(),
        id.get(),
    )
    .await?
    .ok_or(AppError::NotFound {
        missing: Missing::Role { id: id.get() },
    })?;
    if row.predefined != 0 {
        return Err(AppError::Conflict {
            clash: Clash::PredefinedRole,
        });
    }
    let permissions = role_permissions(tx, id).await?;
    within_own(grant, &permissions)?;
    Ok((row, permissions))
}

/// Changes custom role `id`, read at `version`, to `draft`: both the role as it stands
/// and as it becomes must be within the admin's own permissions.
pub async fn update_role(
    db: &Db,
    grant: &Grant<RolesManage>,
    (id, version): (RoleId, i64),
    draft: &RoleDraft,
    now: i64,
) -> Result<RoleSummary, AppError> {
    within_own(grant, &draft.permissions)?;
    let mut tx = db.write().await?;
    let (stored, before) = lock_custom_role(&mut tx, db, grant, id).await?;
    if stored.version != version {
        return Err(AppError::Conflict {
            clash: Clash::RoleChanged,
        });
    }
    let unchanged = stored.name == draft.name
        && stored.description == draft.description
        && before == draft.permissions;
    if unchanged {
        let held_by = count_holders(&mut tx, id).await?;
        return Ok(stored.summary(before, held_by));
    }
    ensure_name_free(&mut tx, grant, &draft.name, Some(id)).await?;
    let row: RoleRow = sqlx::query_as(&format!(
        "UPDATE roles SET name = $1, name_key = $2, description = $3, version = version + 1
         WHERE id = $4 RETURNING {ROLE_COLUMNS}"
    ))
    .bind(&draft.name)
    .bind(fold(&draft.name))
    .bind(&draft.description)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    write_permissions(&mut tx, id, &draft.permissions).await?;
    let held_by = count_holders(&mut tx, id).await?;
    let updated = AuditEvent {
        action: AuditAction::RoleUpdated,
        target: AuditTarget::Role(id),
        target_label: draft.name.clone(),
        before: Some(json!({
            "name": stored.name,
            "description": stored.description,
            "permissions": keys(&before),
        })),
        after: Some(json!({
            "name": draft.name,
            "description": draft.description,
            "permissions": keys(&draft.permissions),
        })),
    };
    audit::record(&mut tx, grant.actor(), now, &[updated]).await?;
    tx.commit().await?;
    Ok(row.summary(draft.permissions.clone(), held_by))
}

/// Deletes custom role `id`; its holders, if any, move to admin role `move_to` first
/// (409 without one), which must be within the admin's own permissions. A role the
/// admin holds, or the Primary Admin does, keeps its holders: their role is not this
/// admin's to change (409). Answers how many moved.
pub async fn delete_role(
    db: &Db,
    grant: &Grant<RolesManage>,
    id: RoleId,
    move_to: Option<RoleId>,
    now: i64,
) -> Result<u64, AppError> {
    let mut tx = db.write().await?;
    let (stored, permissions) = lock_custom_role(&mut tx, db, grant, id).await?;
    let holders = count_holders(&mut tx, id).await?.max(0) as u64;
    let mut moved_to = None;
    if holders > 0 {
        let target = move_to.ok_or(AppError::Conflict {
            clash: Clash::RoleInUse { holders },
        })?;
        if target == id {
            return Err(AppError::invalid("move_holders_to", Problem::SameRole));
        }
        let found: Option<(String, i64)> =
            sqlx::query_as("SELECT name, is_admin FROM roles WHERE account_id = $1 AND id = $2")
                .bind(grant.account_id())
                .bind(target)
                .fetch_optional(&mut *tx)
                .await?;
        let (target_name, is_admin) = found.ok_or(AppError::NotFound {
            missing: Missing::Role { id: target.get() },
        })?;
        if is_admin == 0 {
            return Err(AppError::invalid(
                "move_holders_to",
                Problem::NotAnAdminRole,
            ));
        }
        within_own(grant, &role_permissions(&mut tx, target).await?)?;
        let (own, primary): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(CASE WHEN id = $2 THEN 1 END), COUNT(CASE WHEN is_primary_admin = 1 THEN 1 END)
             FROM users WHERE role_id = $1",
        )
        .bind(id)
        .bind(grant.actor_id())
        .fetch_one(&mut *tx)
        .await?;
        if own > 0 {
            return Err(AppError::Conflict {
                clash: Clash::OwnRole,
            });
        }
        if primary > 0 {
            return Err(AppError::Conflict {
                clash: Clash::PrimaryAdminRole,
            });
        }
        sqlx::query("UPDATE users SET role_id = $1, version = version + 1 WHERE role_id = $2")
            .bind(target)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        moved_to = Some(target_name);
    }
    sqlx::query("DELETE FROM roles WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let deleted = AuditEvent {
        action: AuditAction::RoleDeleted,
        target: AuditTarget::Role(id),
        target_label: stored.name.clone(),
        before: Some(json!({
            "name": stored.name,
            "description": stored.description,
            "permissions": keys(&permissions),
        })),
        after: moved_to.map(|role| json!({ "holders_moved": holders, "moved_to": role })),
    };
    audit::record(&mut tx, grant.actor(), now, &[deleted]).await?;
    tx.commit().await?;
    Ok(holders)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{CreatedAccount, DefaultRole};
    use crate::auth::principal::{Principal, UsersRead};
    use crate::db::Db;
    use crate::testing::fixtures::{
        NOW, add_admin, audited_actions, other_account, signed_in, test_account,
    };
    use crate::testing::scratch::database_urls;

    fn draft(name: &str, permissions: &[Permission]) -> RoleDraft {
        RoleDraft {
            name: name.to_owned(),
            description: String::new(),
            permissions: permissions.iter().copied().collect(),
        }
    }

    async fn principal(
        db: &Db,
        account: &CreatedAccount,
        user: crate::domain::UserId,
    ) -> Principal {
        signed_in(db, account, user).await.1
    }

    async fn primary(db: &Db, account: &CreatedAccount) -> Principal {
        principal(db, account, account.primary_admin_id).await
    }

    fn manager(principal: &Principal) -> Grant<RolesManage> {
        principal.grant::<RolesManage>().unwrap()
    }

    fn reader(principal: &Principal) -> Grant<UsersRead> {
        principal.grant::<UsersRead>().unwrap()
    }

    fn clash(result: Result<impl std::fmt::Debug, AppError>) -> Clash {
        match result {
            Err(AppError::Conflict { clash }) => clash,
            other => panic!("no conflict: {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_custom_role_is_listed_after_the_predefined_ones_with_its_permissions_and_holders() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let admin = primary(&db, &account).await;
            let help = draft(
                "Help desk",
                &[Permission::UsersRead, Permission::SessionsKill],
            );
            let created = create_role(&db, &manager(&admin), &help, NOW)
                .await
                .unwrap();
            assert_eq!(created.holders, 0, "{url}");
            add_admin(&db, &account, "helper@example.com", DefaultRole::Member).await;
            sqlx::query("UPDATE users SET role_id = $1 WHERE email = 'helper@example.com'")
                .bind(created.id)
                .execute(db.pool())
                .await
                .unwrap();

            let roles = list_roles(&db, &reader(&admin)).await.unwrap();
            let listed: Vec<(&str, bool, u64)> = roles
                .iter()
                .map(|role| (role.name.as_str(), role.predefined, role.holders))
                .collect();
            assert_eq!(
                listed,
                [
                    ("Master Admin", true, 1),
                    ("User Admin", true, 0),
                    ("Help desk", false, 1)
                ],
                "{url}: Member is no admin role"
            );
            assert_eq!(roles[0].permissions, PermissionSet::all(), "{url}");
            assert_eq!(roles[2].permissions, help.permissions, "{url}");
            assert_eq!(audited_actions(&db).await, ["role.created"], "{url}");

            let other = other_account(&db, "Other Org", "other@example.com").await;
            let stranger = primary(&db, &other).await;
            let theirs = list_roles(&db, &reader(&stranger)).await.unwrap();
            assert!(theirs.iter().all(|role| role.name != "Help desk"), "{url}");
        }
    }

    #[tokio::test]
    async fn names_differing_only_in_case_clash_and_predefined_roles_stay_as_they_are() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let grant = manager(&primary(&db, &account).await);
            let taken = create_role(&db, &grant, &draft("master admin", &[]), NOW).await;
            let expected = Clash::RoleNameTaken {
                name: "Master Admin".into(),
            };
            assert_eq!(clash(taken), expected, "{url}");
            let master = (account.master_admin_role_id, 1);
            let renamed = update_role(&db, &grant, master, &draft("Boss", &[]), NOW).await;
            assert_eq!(clash(renamed), Clash::PredefinedRole, "{url}");
            let deleted = delete_role(&db, &grant, account.user_admin_role_id, None, NOW).await;
            assert_eq!(clash(deleted), Clash::PredefinedRole, "{url}");
            assert!(
                audited_actions(&db).await.is_empty(),
                "{url}: nothing changed"
            );
        }
    }

    #[tokio::test]
    async fn nobody_gives_a_permission_they_do_not_hold_but_may_take_one_away() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let by_primary = manager(&primary(&db, &account).await);
            let wide = draft("Wide", &[Permission::UsersRead, Permission::UsersDelete]);
            let wide = create_role(&db, &by_primary, &wide, NOW).await.unwrap();
            let keeper = draft("Keeper", &[Permission::UsersRead, Permission::RolesManage]);
            let keeper = create_role(&db, &by_primary, &keeper, NOW).await.unwrap();
            let kim = add_admin(&db, &account, "kim@example.com", DefaultRole::Member).await;
            sqlx::query("UPDATE users SET role_id = $1 WHERE id = $2")
                .bind(keeper.id)
                .bind(kim)
                .execute(db.pool())
                .await
                .unwrap();
            let by_kim = manager(&principal(&db, &account, kim).await);

            let beyond = draft("Deleter", &[Permission::UsersDelete]);
            let refused = create_role(&db, &by_kim, &beyond, NOW).await;
            assert!(
                matches!(
                    refused,
                    Err(AppError::Forbidden {
                        denied: Denied::BeyondYourOwn {
                            permission: Permission::UsersDelete
                        }
                    })
                ),
                "{url}"
            );
            // A role stronger than Kim's own is not Kim's to weaken or delete.
            let narrower = draft("Wide", &[Permission::UsersRead]);
            let weakened = update_role(&db, &by_kim, (wide.id, wide.version), &narrower, NOW).await;
            assert!(matches!(weakened, Err(AppError::Forbidden { .. })), "{url}");
            let deleted = delete_role(&db, &by_kim, wide.id, None, NOW).await;
            assert!(matches!(deleted, Err(AppError::Forbidden { .. })), "{url}");
            // One within Kim's own is, and only within it.
            let reader = draft("Reader", &[Permission::UsersRead]);
            let reader = create_role(&db, &by_kim, &reader, NOW).await.unwrap();
            let renamed = draft("Viewer", &[Permission::UsersRead]);
            let kept = update_role(&db, &by_kim, (reader.id, reader.version), &renamed, NOW)
                .await
                .unwrap();
            assert_eq!(kept.version, reader.version + 1, "{url}");
            let beyond = draft("Viewer", &[Permission::UsersRead, Permission::UsersDelete]);
            let refused = update_role(&db, &by_kim, (reader.id, kept.version), &beyond, NOW).await;
            assert!(matches!(refused, Err(AppError::Forbidden { .. })), "{url}");
            // Moving holders gives them the role they move to: it must be within Kim's own.
            let stronger = Some(account.master_admin_role_id);
            let holder = add_admin(&db, &account, "holder@example.com", DefaultRole::Member).await;
            sqlx::query("UPDATE users SET role_id = $1 WHERE id = $2")
                .bind(reader.id)
                .bind(holder)
                .execute(db.pool())
                .await
                .unwrap();
            let moved = delete_role(&db, &by_kim, reader.id, stronger, NOW).await;
            assert!(matches!(moved, Err(AppError::Forbidden { .. })), "{url}");
        }
    }

    #[tokio::test]
    async fn holders_move_only_to_an_admin_role_and_never_the_deleting_admin_or_the_primary() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let by_primary = manager(&primary(&db, &account).await);
            let keeper = draft("Keeper", &[Permission::UsersRead, Permission::RolesManage]);
            let keeper = create_role(&db, &by_primary, &keeper, NOW).await.unwrap();
            let kim = add_admin(&db, &account, "kim@example.com", DefaultRole::Member).await;
            let hold = |user, role: RoleId| {
                sqlx::query("UPDATE users SET role_id = $1 WHERE id = $2")
                    .bind(role)
                    .bind(user)
                    .execute(db.pool())
            };
            hold(kim, keeper.id).await.unwrap();
            let by_kim = manager(&principal(&db, &account, kim).await);
            let to_reader = Some(account.user_admin_role_id);
            let own = delete_role(&db, &by_kim, keeper.id, to_reader, NOW).await;
            assert_eq!(clash(own), Clash::OwnRole, "{url}");
            let to_member = Some(account.member_role_id);
            let member = delete_role(&db, &by_primary, keeper.id, to_member, NOW).await;
            let expected = AppError::invalid("move_holders_to", Problem::NotAnAdminRole);
            assert_eq!(member.unwrap_err(), expected, "{url}");

            let twin = draft(
                "Keeper too",
                &[Permission::UsersRead, Permission::RolesManage],
            );
            let twin = create_role(&db, &by_primary, &twin, NOW).await.unwrap();
            hold(kim, twin.id).await.unwrap();
            hold(account.primary_admin_id, keeper.id).await.unwrap();
            let by_kim = manager(&principal(&db, &account, kim).await);
            let primary = delete_role(&db, &by_kim, keeper.id, to_reader, NOW).await;
            assert_eq!(clash(primary), Clash::PrimaryAdminRole, "{url}");
            assert!(
                !audited_actions(&db)
                    .await
                    .contains(&"role.deleted".to_owned()),
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn a_change_read_at_an_older_version_is_refused_with_nothing_saved() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let grant = manager(&primary(&db, &account).await);
            let role = create_role(&db, &grant, &draft("Help", &[]), NOW)
                .await
                .unwrap();
            let first = draft("Help desk", &[Permission::UsersRead]);
            update_role(&db, &grant, (role.id, role.version), &first, NOW)
                .await
                .unwrap();
            let late = draft("Support", &[]);
            let stale = update_role(&db, &grant, (role.id, role.version), &late, NOW).await;
            assert_eq!(clash(stale), Clash::RoleChanged, "{url}");
            let roles = list_roles(&db, &reader(&primary(&db, &account).await))
                .await
                .unwrap();
            assert!(roles.iter().any(|role| role.name == "Help desk"), "{url}");
        }
    }

    #[tokio::test]
    async fn a_role_in_use_is_deleted_only_with_its_holders_moved_to_another() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let grant = manager(&primary(&db, &account).await);
            let role = create_role(&db, &grant, &draft("Help", &[Permission::UsersRead]), NOW)
                .await
                .unwrap();
            for address in ["a@example.com", "b@example.com"] {
                let user = add_admin(&db, &account, address, DefaultRole::Member).await;
                sqlx::query("UPDATE users SET role_id = $1 WHERE id = $2")
                    .bind(role.id)
                    .bind(user)
                    .execute(db.pool())
                    .await
                    .unwrap();
            }
            let refused = delete_role(&db, &grant, role.id, None, NOW).await;
            assert_eq!(clash(refused), Clash::RoleInUse { holders: 2 }, "{url}");
            let onto_itself = delete_role(&db, &grant, role.id, Some(role.id), NOW).await;
            assert!(
                matches!(onto_itself, Err(AppError::Invalid { .. })),
                "{url}"
            );
            let other = other_account(&db, "Other Org", "other@example.com").await;
            let elsewhere = Some(other.user_admin_role_id);
            let unknown = delete_role(&db, &grant, role.id, elsewhere, NOW).await;
            assert!(matches!(unknown, Err(AppError::NotFound { .. })), "{url}");

            let to = Some(account.user_admin_role_id);
            let moved = delete_role(&db, &grant, role.id, to, NOW).await.unwrap();
            assert_eq!(moved, 2, "{url}");
            let (left,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM users WHERE role_id = $1 AND account_id = $2")
                    .bind(account.user_admin_role_id)
                    .bind(account.account_id)
                    .fetch_one(db.pool())
                    .await
                    .unwrap();
            assert_eq!(left, 2, "{url}");
            let actions = audited_actions(&db).await;
            assert_eq!(
                actions.last().map(String::as_str),
                Some("role.deleted"),
                "{url}"
            );
            let gone =
                update_role(&db, &grant, (role.id, role.version), &draft("X", &[]), NOW).await;
            assert!(matches!(gone, Err(AppError::NotFound { .. })), "{url}");
        }
    }
}
