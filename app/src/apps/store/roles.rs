//! Who holds which role in an app: the Manage Apps tab's list, its typeahead, and the
//! changes the rules in `apps::membership` allow, each in one transaction with its
//! audit event. The user and the app are read and locked first, so two admins changing
//! the same app act one after the other.

use crate::apps::membership::{
    Held, MembershipChange, Successor, decide_assign, decide_change, decide_transfer,
};
use crate::apps::{AppChoice, AppRole, MAX_APP_CHOICES, MemberRole, UserApp};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::principal::{AppsAssign, Grant, PrimaryAdminOnly, UsersRead};
use crate::db::sql::Flag;
use crate::db::{Db, lock_account_row};
use crate::domain::{AccountId, AppId, Email, UserId, UserStatus};
use crate::error::{AppError, Missing};
use crate::users::keys::fold;
use crate::users::selection::UserIds;
use crate::users::store::{Selected, ensure_user, fetch_one, fetch_selected};
use serde_json::json;
use sqlx::{Any, AnyConnection, Transaction};

/// A user as an app change reads them.
#[derive(Clone, sqlx::FromRow)]
struct Holder {
    id: UserId,
    #[sqlx(try_from = "String")]
    email: Email,
    #[sqlx(try_from = "i64")]
    status: UserStatus,
}

impl Selected for Holder {
    const COLUMNS: &'static str = "id, email, status";
    fn id(&self) -> UserId {
        self.id
    }
}

/// An app as a change reads it.
#[derive(sqlx::FromRow)]
struct StoredApp {
    id: AppId,
    name: String,
    owner_id: UserId,
}

/// One row of a user's apps; `role` is 1 for the owner, else a member role's code.
#[derive(sqlx::FromRow)]
struct AppRow {
    app_id: AppId,
    name: String,
    role: i64,
    #[sqlx(try_from = "i64")]
    published: Flag,
}

/// The apps `user` of the grant's account holds a role in, by name; 404 for a user the
/// account does not have.
pub async fn user_apps(
    db: &Db,
    grant: &Grant<UsersRead>,
    user: UserId,
) -> Result<Vec<UserApp>, AppError> {
    let mut conn = db.pool().acquire().await?;
    ensure_user(&mut conn, grant.account_id(), user).await?;
    apps_of(&mut conn, grant.account_id(), user).await
}

/// The apps `user` of `account_id` holds a role in, by name.
pub(crate) async fn apps_of(
    conn: &mut AnyConnection,
    account_id: AccountId,
    user: UserId,
) -> Result<Vec<UserApp>, AppError> {
    let rows: Vec<AppRow> = sqlx::query_as(
        "SELECT id AS app_id, name, 1 AS role, published FROM apps
         WHERE account_id = $1 AND owner_id = $2
         UNION ALL
         SELECT a.id AS app_id, a.name, m.role, a.published
         FROM app_members m JOIN apps a ON a.id = m.app_id
         WHERE a.account_id = $1 AND m.user_id = $2
         ORDER BY name",
    )
    .bind(account_id)
    .bind(user)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| UserApp {
            app_id: row.app_id,
            name: row.name,
            role: MemberRole::from_code(row.role).map_or(AppRole::Owner, AppRole::from),
            published: row.published.into(),
        })
        .collect())
}

/// One app the typeahead offers.
#[derive(sqlx::FromRow)]
struct ChoiceRow {
    id: AppId,
    name: String,
    #[sqlx(try_from = "String")]
    owner: Email,
}

/// The most apps of an account the typeahead looks through.
const MAX_APPS_SEARCHED: i64 = 10_000;

/// Up to `MAX_APP_CHOICES` apps of the account whose name contains `q`, by name. Names
/// are folded here, as users' are for the grid (case, accents and full-width forms
/// alike on both engines), rather than by the engines' own `lower`, which differ.
pub async fn find_apps(
    db: &Db,
    grant: &Grant<AppsAssign>,
    q: &str,
) -> Result<Vec<AppChoice>, AppError> {
    let rows: Vec<ChoiceRow> = sqlx::query_as(
        "SELECT a.id, a.name, u.email AS owner
         FROM apps a JOIN users u ON u.id = a.owner_id
         WHERE a.account_id = $1
         ORDER BY a.name LIMIT $2",
    )
    .bind(grant.account_id())
    .bind(MAX_APPS_SEARCHED)
    .fetch_all(db.pool())
    .await?;
    let wanted = fold(q);
    Ok(rows
        .into_iter()
        .filter(|row| fold(&row.name).contains(&wanted))
        .take(MAX_APP_CHOICES)
        .map(|row| AppChoice {
            id: row.id,
            name: row.name,
            owner: row.owner,
        })
        .collect())
}

/// The app `id` of `account_id`, locked; 404 when the account has no such app.
async fn lock_app(
    tx: &mut Transaction<'_, Any>,
    db: &Db,
    account_id: AccountId,
    id: AppId,
) -> Result<StoredApp, AppError> {
    lock_account_row(
        tx,
        db.backend(),
        "apps",
        "id, name, owner_id",
        account_id,
        id.get(),
    )
    .await?
    .ok_or(AppError::NotFound {
        missing: Missing::App { id: id.get() },
    })
}

/// What `user` holds in `app`.
async fn held(
    tx: &mut Transaction<'_, Any>,
    app: &StoredApp,
    user: UserId,
) -> Result<Held, AppError> {
    if app.owner_id == user {
        return Ok(Held::Owner);
    }
    let role: Option<(i64,)> =
        sqlx::query_as("SELECT role FROM app_members WHERE app_id = $1 AND user_id = $2")
            .bind(app.id)
            .bind(user)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(role
        .and_then(|(code,)| MemberRole::from_code(code))
        .map_or(Held::Nothing, Held::Member))
}

/// The audited value of a role in an app.
fn role_value(app: &StoredApp, role: MemberRole) -> serde_json::Value {
    json!({ "app": app.name, "app_role": AppRole::from(role).slug() })
}

/// A membership change under way: its transaction, with the user and the app read and
/// locked, and what the user holds in the app now.
struct OpenChange {
    tx: Transaction<'static, Any>,
    user: Holder,
    app: StoredApp,
    held: Held,
}

impl OpenChange {
    async fn begin(
        db: &Db,
        account_id: AccountId,
        change: &MembershipChange,
    ) -> Result<Self, AppError> {
        let mut tx = db.write().await?;
        // The app first, then its users: every app change locks in this order, so two
        // of them never wait for each other.
        let app = lock_app(&mut tx, db, account_id, change.app).await?;
        let user = fetch_one::<Holder>(&mut tx, db.backend(), account_id, change.user).await?;
        let held = held(&mut tx, &app, user.id).await?;
        Ok(Self {
            tx,
            user,
            app,
            held,
        })
    }

    /// Records what changed (if anything), commits, and answers the user's apps.
    async fn finish(
        mut self,
        grant: &Grant<AppsAssign>,
        now: i64,
        changed: Option<(AuditAction, Option<MemberRole>, Option<MemberRole>)>,
    ) -> Result<Vec<UserApp>, AppError> {
        if let Some((action, before, after)) = changed {
            let event = AuditEvent {
                action,
                target: AuditTarget::User(self.user.id),
                target_label: self.user.email.to_string(),
                before: before.map(|role| role_value(&self.app, role)),
                after: after.map(|role| role_value(&self.app, role)),
            };
            audit::record(&mut self.tx, grant.actor(), now, &[event]).await?;
        }
        let apps = apps_of(&mut self.tx, grant.account_id(), self.user.id).await?;
        self.tx.commit().await?;
        Ok(apps)
    }
}

/// Gives the user a role in an app they hold none in; returns their apps.
pub async fn assign(
    db: &Db,
    grant: &Grant<AppsAssign>,
    change: &MembershipChange,
    now: i64,
) -> Result<Vec<UserApp>, AppError> {
    let role = change.role.ok_or(AppError::Internal)?;
    let mut open = OpenChange::begin(db, grant.account_id(), change).await?;
    decide_assign(open.held, &open.app.name)?;
    sqlx::query("INSERT INTO app_members (app_id, user_id, role) VALUES ($1, $2, $3)")
        .bind(open.app.id)
        .bind(open.user.id)
        .bind(role.code())
        .execute(&mut *open.tx)
        .await?;
    let changed = (AuditAction::AppRoleAssigned, None, Some(role));
    open.finish(grant, now, Some(changed)).await
}

/// Switches the user's member role in an app, or takes it away when the change names
/// no role; returns their apps. Switching to the role they hold changes nothing.
pub async fn change_role(
    db: &Db,
    grant: &Grant<AppsAssign>,
    change: &MembershipChange,
    now: i64,
) -> Result<Vec<UserApp>, AppError> {
    let mut open = OpenChange::begin(db, grant.account_id(), change).await?;
    let before = decide_change(open.held, &open.app.name)?;
    if change.role == Some(before) {
        return open.finish(grant, now, None).await;
    }
    let action = match change.role {
        Some(role) => {
            sqlx::query("UPDATE app_members SET role = $1 WHERE app_id = $2 AND user_id = $3")
                .bind(role.code())
                .bind(open.app.id)
                .bind(open.user.id)
                .execute(&mut *open.tx)
                .await?;
            AuditAction::AppRoleChanged
        }
        None => {
            sqlx::query("DELETE FROM app_members WHERE app_id = $1 AND user_id = $2")
                .bind(open.app.id)
                .bind(open.user.id)
                .execute(&mut *open.tx)
                .await?;
            AuditAction::AppRoleRemoved
        }
    };
    open.finish(grant, now, Some((action, Some(before), change.role)))
        .await
}

/// Passes an app to an active user of the account; its former owner becomes one of its
/// Developers, and the new owner's member role, if any, gives way to ownership.
pub async fn transfer(
    db: &Db,
    grant: &Grant<PrimaryAdminOnly>,
    app: AppId,
    new_owner: UserId,
    now: i64,
) -> Result<(), AppError> {
    let account_id = grant.account_id();
    let mut tx = db.write().await?;
    let app = lock_app(&mut tx, db, account_id, app).await?;
    // Both users in one statement, so their rows are locked in the order of their ids.
    let both = UserIds::parse(&[new_owner.get(), app.owner_id.get()])?;
    let mut users = fetch_selected::<Holder>(&mut tx, db.backend(), account_id, &both).await?;
    let successor = users.remove(&new_owner).ok_or(AppError::Internal)?;
    let former = users
        .remove(&app.owner_id)
        .unwrap_or_else(|| successor.clone());
    decide_transfer(
        app.owner_id,
        &Successor {
            id: successor.id,
            email: successor.email.to_string(),
            status: successor.status,
        },
        &app.name,
    )?;
    sqlx::query("DELETE FROM app_members WHERE app_id = $1 AND user_id = $2")
        .bind(app.id)
        .bind(successor.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE apps SET owner_id = $1 WHERE id = $2")
        .bind(successor.id)
        .bind(app.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO app_members (app_id, user_id, role) VALUES ($1, $2, $3)")
        .bind(app.id)
        .bind(former.id)
        .bind(MemberRole::Developer.code())
        .execute(&mut *tx)
        .await?;
    let event = AuditEvent {
        action: AuditAction::AppOwnershipTransferred,
        target: AuditTarget::App(app.id),
        target_label: app.name.clone(),
        before: Some(json!({ "owner": former.email.as_str() })),
        after: Some(json!({ "owner": successor.email.as_str() })),
    };
    audit::record(&mut tx, grant.actor(), now, &[event]).await?;
    tx.commit().await?;
    tracing::info!(app = %app.id, "app ownership transferred");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Clash;
    use crate::testing::fixtures::{
        NOW, add_app, add_member, audited_actions, other_account, signed_in, test_account,
    };
    use crate::testing::scratch::database_urls;
    use crate::users::selection::UserIds;
    use crate::users::store::delete_users;

    fn role_of(apps: &[UserApp], app: AppId) -> Option<AppRole> {
        apps.iter()
            .find(|held| held.app_id == app)
            .map(|held| held.role)
    }

    fn change(user: UserId, app: AppId, role: Option<MemberRole>) -> MembershipChange {
        MembershipChange { user, app, role }
    }

    #[tokio::test]
    async fn a_role_is_assigned_switched_and_removed_but_the_owners_never() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let ann = add_member(&db, &account, "Ann", "ann@example.com", UserStatus::Active).await;
            let bob = add_member(&db, &account, "Bob", "bob@example.com", UserStatus::Active).await;
            let hr = add_app(&db, &account, "HR Bot", ann, &[]).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let assign_grant = admin.grant().unwrap();

            let apps = assign(
                &db,
                &assign_grant,
                &change(bob, hr, Some(MemberRole::Tester)),
                NOW,
            )
            .await
            .unwrap();
            assert_eq!(role_of(&apps, hr), Some(AppRole::Tester), "{url}");
            let twice = assign(
                &db,
                &assign_grant,
                &change(bob, hr, Some(MemberRole::Developer)),
                NOW,
            )
            .await;
            assert_eq!(
                twice.unwrap_err(),
                AppError::Conflict {
                    clash: Clash::AlreadyInApp {
                        app: "HR Bot".into()
                    }
                },
                "{url}"
            );
            let apps = change_role(
                &db,
                &assign_grant,
                &change(bob, hr, Some(MemberRole::Developer)),
                NOW,
            )
            .await
            .unwrap();
            assert_eq!(role_of(&apps, hr), Some(AppRole::Developer), "{url}");
            for role in [Some(MemberRole::Tester), None] {
                let refused = change_role(&db, &assign_grant, &change(ann, hr, role), NOW).await;
                assert_eq!(
                    refused.unwrap_err(),
                    AppError::Conflict {
                        clash: Clash::OwnerIsFixed {
                            app: "HR Bot".into()
                        }
                    },
                    "{url}"
                );
            }
            let apps = change_role(&db, &assign_grant, &change(bob, hr, None), NOW)
                .await
                .unwrap();
            assert_eq!(role_of(&apps, hr), None, "{url}");
            let gone = change_role(&db, &assign_grant, &change(bob, hr, None), NOW).await;
            assert!(
                matches!(
                    gone,
                    Err(AppError::Conflict {
                        clash: Clash::NotInApp { .. }
                    })
                ),
                "{url}"
            );
            let read = admin.grant().unwrap();
            let owned = user_apps(&db, &read, ann).await.unwrap();
            assert_eq!(role_of(&owned, hr), Some(AppRole::Owner), "{url}");
            assert_eq!(
                audited_actions(&db).await,
                ["app.role_assigned", "app.role_changed", "app.role_removed"],
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn another_accounts_app_or_user_is_unknown_and_nothing_changes() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let other = other_account(&db, "Other Org", "boss@other.example").await;
            let ann = add_member(&db, &account, "Ann", "ann@example.com", UserStatus::Active).await;
            let theirs = add_app(&db, &other, "Their Bot", other.primary_admin_id, &[]).await;
            let ours = add_app(&db, &account, "Our Bot", account.primary_admin_id, &[]).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant().unwrap();
            let foreign_app = assign(
                &db,
                &grant,
                &change(ann, theirs, Some(MemberRole::Tester)),
                NOW,
            )
            .await;
            assert_eq!(
                foreign_app.unwrap_err(),
                AppError::NotFound {
                    missing: Missing::App { id: theirs.get() }
                },
                "{url}"
            );
            let foreign_user = assign(
                &db,
                &grant,
                &change(other.primary_admin_id, ours, Some(MemberRole::Tester)),
                NOW,
            )
            .await;
            assert_eq!(
                foreign_user.unwrap_err(),
                AppError::unknown_user(other.primary_admin_id.get()),
                "{url}"
            );
            let found = find_apps(&db, &grant, "bot").await.unwrap();
            assert_eq!(
                found.len(),
                1,
                "{url}: only this account's apps are offered"
            );
            assert_eq!(found[0].name, "Our Bot", "{url}");
            assert!(
                find_apps(&db, &grant, "%").await.unwrap().is_empty(),
                "{url}"
            );
            assert!(audited_actions(&db).await.is_empty(), "{url}");
        }
    }

    #[tokio::test]
    async fn concurrent_role_changes_and_transfers_of_one_app_never_fail_with_a_server_error() {
        for url in database_urls().await {
            let db = Db::connect(&url, 4).await.unwrap();
            let account = test_account(&db).await;
            let ann = add_member(&db, &account, "Ann", "ann@example.com", UserStatus::Active).await;
            let bob = add_member(&db, &account, "Bob", "bob@example.com", UserStatus::Active).await;
            let hr = add_app(&db, &account, "HR Bot", ann, &[]).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let (primary, assigner) =
                (admin.primary_admin_grant().unwrap(), admin.grant().unwrap());
            let (mut owner, mut other) = (ann, bob);
            for _ in 0..10 {
                let tester = change(other, hr, Some(MemberRole::Tester));
                let (moved, assigned) = tokio::join!(
                    transfer(&db, &primary, hr, other, NOW),
                    assign(&db, &assigner, &tester, NOW),
                );
                for answer in [moved.map(|_| ()), assigned.map(|_| ())] {
                    assert!(!matches!(answer, Err(AppError::Internal)), "{url}");
                }
                (owner, other) = (other, owner);
            }
        }
    }

    #[tokio::test]
    async fn a_transfer_makes_the_former_owner_a_developer_and_then_they_can_be_deleted() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let ann = add_member(&db, &account, "Ann", "ann@example.com", UserStatus::Active).await;
            let bob = add_member(&db, &account, "Bob", "bob@example.com", UserStatus::Active).await;
            let sue = add_member(
                &db,
                &account,
                "Sue",
                "sue@example.com",
                UserStatus::Suspended,
            )
            .await;
            let hr = add_app(&db, &account, "HR Bot", ann, &[(bob, MemberRole::Tester)]).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let primary = admin.primary_admin_grant().unwrap();

            for (successor, clash) in [(sue, "new_owner_not_active"), (ann, "already_owner")] {
                let refused = transfer(&db, &primary, hr, successor, NOW)
                    .await
                    .unwrap_err();
                let code = serde_json::to_value(&refused).unwrap()["clash"]["code"].clone();
                assert_eq!(code, clash, "{url}");
            }
            transfer(&db, &primary, hr, bob, NOW).await.unwrap();

            let read = admin.grant().unwrap();
            let bobs = user_apps(&db, &read, bob).await.unwrap();
            assert_eq!(role_of(&bobs, hr), Some(AppRole::Owner), "{url}");
            assert_eq!(
                bobs.len(),
                1,
                "{url}: the tester role gave way to ownership"
            );
            let anns = user_apps(&db, &read, ann).await.unwrap();
            assert_eq!(role_of(&anns, hr), Some(AppRole::Developer), "{url}");
            let deleted = delete_users(
                &db,
                &admin.grant().unwrap(),
                &UserIds::parse(&[ann.get()]).unwrap(),
                NOW,
            )
            .await
            .unwrap();
            assert_eq!(deleted.deleted, vec![ann], "{url}");
            assert_eq!(
                audited_actions(&db).await,
                ["app.ownership_transferred", "user.deleted"],
                "{url}"
            );
        }
    }
}
