//! The SQL behind a role's Assignments, confined to the grant's account. Holders are
//! read through the index on `(role_id, name_key, id)`: a page reads only the role's
//! holders from its cursor on, and a search looks only through the role's holders,
//! never the account's members. A change of one user's role passes the same rules as
//! the Profile tab's (`roles::store::check_role_change`), in one transaction with its
//! audit event.

use super::{HolderPage, RoleHolder};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::principal::{Grant, RolesManage};
use crate::db::sql::{Flag, Sql};
use crate::db::{Backend, Db};
use crate::domain::{AccountId, Email, RoleId, UserId, UserStatus};
use crate::error::{AppError, Clash, Missing, Problem};
use crate::roles::store::{Holding, check_role_change, list_roles};
use crate::users::keys::fold;
use crate::users::query::{Cursor, Search};
use crate::users::store::{Selected, fetch_one};
use serde_json::json;
use sqlx::{Any, Transaction};

/// Holders on one page.
const PAGE_SIZE: usize = 50;

/// Which page of which role's holders.
pub struct PageOf<'a> {
    pub role: RoleId,
    pub search: Option<&'a Search>,
    pub after: Option<&'a Cursor>,
}

#[derive(sqlx::FromRow)]
struct HolderRow {
    id: UserId,
    first_name: String,
    last_name: String,
    #[sqlx(try_from = "String")]
    email: Email,
    #[sqlx(try_from = "i64")]
    status: UserStatus,
    #[sqlx(try_from = "i64")]
    is_primary_admin: Flag,
    name_key: String,
}

impl HolderRow {
    fn cursor(&self) -> Cursor {
        Cursor {
            number: 0,
            id: self.id,
            text: self.name_key.clone(),
        }
    }

    fn holder(self) -> RoleHolder {
        RoleHolder {
            id: self.id,
            first_name: self.first_name,
            last_name: self.last_name,
            email: self.email,
            status: self.status,
            primary_admin: self.is_primary_admin.into(),
        }
    }
}

/// Admin role `page.role` of the grant's account (404 for any other role) and a page of
/// its holders by name.
pub async fn role_holders<C>(
    db: &Db,
    grant: &Grant<C>,
    page: &PageOf<'_>,
) -> Result<HolderPage, AppError> {
    let role = list_roles(db, grant)
        .await?
        .into_iter()
        .find(|role| role.id == page.role)
        .ok_or(AppError::NotFound {
            missing: Missing::Role {
                id: page.role.get(),
            },
        })?;
    let mut sql = Sql::new(
        "SELECT id, first_name, last_name, email, status, is_primary_admin, name_key
         FROM users WHERE role_id = ",
    );
    let role_id = sql.int(page.role.get());
    sql.push(&role_id);
    if let Some(search) = page.search {
        let key = sql.text(&fold(search.as_str()));
        let position = match db.backend() {
            Backend::Sqlite => "instr",
            Backend::Postgres => "strpos",
        };
        sql.push(&format!(" AND {position}(search_text, {key}) > 0"));
    }
    if let Some(cursor) = page.after {
        let name = sql.text(&cursor.text);
        let id = sql.int(cursor.id.get());
        sql.push(&format!(
            " AND (name_key > {name} OR (name_key = {name} AND id > {id}))"
        ));
    }
    let limit = sql.int(PAGE_SIZE as i64 + 1);
    sql.push(&format!(" ORDER BY name_key, id LIMIT {limit}"));
    let mut rows: Vec<HolderRow> = sql.query_as().fetch_all(db.pool()).await?;
    let more = rows.len() > PAGE_SIZE;
    rows.truncate(PAGE_SIZE);
    let next = more
        .then(|| rows.last().map(|row| row.cursor().encode()))
        .flatten();
    Ok(HolderPage {
        role,
        holders: rows.into_iter().map(HolderRow::holder).collect(),
        next,
    })
}

/// A change of one user's admin role from a role's Assignments.
#[derive(Debug, Clone, Copy)]
pub enum Assignment {
    /// The user holds this admin role from now on.
    Give(RoleId),
    /// The user, who holds this role, becomes a member.
    TakeAway(RoleId),
}

/// The user whose role changes, as their locked row reads.
#[derive(sqlx::FromRow)]
struct Assignee {
    id: UserId,
    #[sqlx(try_from = "String")]
    email: Email,
    role_id: RoleId,
    #[sqlx(try_from = "i64")]
    is_primary_admin: Flag,
}

impl Selected for Assignee {
    const COLUMNS: &'static str = "id, email, role_id, is_primary_admin";
    fn id(&self) -> UserId {
        self.id
    }
}

/// 404 unless `role` is a role of the account, 400 when it is not an admin role.
async fn ensure_admin_role(
    tx: &mut Transaction<'_, Any>,
    account: AccountId,
    role: RoleId,
) -> Result<(), AppError> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT is_admin FROM roles WHERE account_id = $1 AND id = $2")
            .bind(account)
            .bind(role)
            .fetch_optional(&mut **tx)
            .await?;
    match found {
        None => Err(AppError::NotFound {
            missing: Missing::Role { id: role.get() },
        }),
        Some((0,)) => Err(AppError::invalid("id", Problem::NotAnAdminRole)),
        Some(_) => Ok(()),
    }
}

/// The account's Member role: its one predefined role that is not an admin's.
async fn member_role(
    tx: &mut Transaction<'_, Any>,
    account: AccountId,
) -> Result<RoleId, AppError> {
    let (role,): (RoleId,) = sqlx::query_as(
        "SELECT id FROM roles WHERE account_id = $1 AND predefined = 1 AND is_admin = 0",
    )
    .bind(account)
    .fetch_one(&mut **tx)
    .await?;
    Ok(role)
}

/// Makes `change` to user `user`'s role; answers whether anything changed. Unknown
/// users and roles, or another account's, are 404.
pub async fn change_assignment(
    db: &Db,
    grant: &Grant<RolesManage>,
    user: UserId,
    change: Assignment,
    now: i64,
) -> Result<bool, AppError> {
    let account = grant.account_id();
    let mut tx = db.write().await?;
    let role = match change {
        Assignment::Give(role) | Assignment::TakeAway(role) => role,
    };
    ensure_admin_role(&mut tx, account, role).await?;
    let stored = fetch_one::<Assignee>(&mut tx, db.backend(), account, user).await?;
    let to = match change {
        Assignment::Give(_) if stored.role_id == role => return Ok(false),
        Assignment::Give(_) => role,
        Assignment::TakeAway(_) if stored.role_id != role => {
            return Err(AppError::Conflict {
                clash: Clash::RoleNotHeld,
            });
        }
        Assignment::TakeAway(_) => member_role(&mut tx, account).await?,
    };
    let holding = Holding {
        user,
        primary_admin: stored.is_primary_admin.into(),
        role: stored.role_id,
    };
    let roles = check_role_change(&mut tx, db.backend(), grant, &holding, to).await?;
    sqlx::query("UPDATE users SET role_id = $1, version = version + 1 WHERE id = $2")
        .bind(to)
        .bind(user)
        .execute(&mut *tx)
        .await?;
    let event = AuditEvent {
        action: AuditAction::UserUpdated,
        target: AuditTarget::User(user),
        target_label: stored.email.to_string(),
        before: Some(json!({ "role": roles.from })),
        after: Some(json!({ "role": roles.to })),
    };
    audit::record(&mut tx, grant.actor(), now, &[event]).await?;
    tx.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{CreatedAccount, DefaultRole};
    use crate::auth::principal::{Principal, UsersRead};
    use crate::domain::Permission;
    use crate::roles::rules::RoleDraft;
    use crate::roles::store::create_role;
    use crate::testing::fixtures::{
        NOW, add_admin, add_person, audited_actions, other_account, signed_in, test_account,
    };
    use crate::testing::scratch::database_urls;

    async fn principal(db: &Db, account: &CreatedAccount, user: UserId) -> Principal {
        signed_in(db, account, user).await.1
    }

    fn manager(principal: &Principal) -> Grant<RolesManage> {
        principal.grant::<RolesManage>().unwrap()
    }

    async fn page(
        db: &Db,
        admin: &Principal,
        role: RoleId,
        search: Option<&str>,
        after: Option<&Cursor>,
    ) -> HolderPage {
        let search = search.map(|q| Search::parse(q).unwrap().unwrap());
        let of = PageOf {
            role,
            search: search.as_ref(),
            after,
        };
        role_holders(db, &admin.grant::<UsersRead>().unwrap(), &of)
            .await
            .unwrap()
    }

    fn names(page: &HolderPage) -> Vec<String> {
        page.holders.iter().map(RoleHolder::shown_name).collect()
    }

    async fn custom_role(db: &Db, admin: &Principal, name: &str, given: &[Permission]) -> RoleId {
        let draft = RoleDraft {
            name: name.to_owned(),
            description: String::new(),
            permissions: given.iter().copied().collect(),
        };
        create_role(db, &manager(admin), &draft, NOW)
            .await
            .unwrap()
            .id
    }

    async fn member(db: &Db, account: &CreatedAccount, first: &str, last: &str) -> UserId {
        let address = format!(
            "{}.{}@example.com",
            first.to_lowercase(),
            last.to_lowercase()
        );
        let who = (first, last, address.as_str());
        add_person(db, account, who, UserStatus::Active).await
    }

    #[tokio::test]
    async fn holders_are_listed_by_name_searched_and_paged_and_only_the_roles_own() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let admin = principal(&db, &account, account.primary_admin_id).await;
            let desk = custom_role(&db, &admin, "Help desk", &[Permission::UsersRead]).await;
            let mut given = Vec::new();
            for i in 0..(PAGE_SIZE + 2) {
                given.push(member(&db, &account, &format!("Holder{i:03}"), "Desk").await);
            }
            member(&db, &account, "Plain", "Member").await;
            for user in &given {
                let change = Assignment::Give(desk);
                assert!(
                    change_assignment(&db, &manager(&admin), *user, change, NOW)
                        .await
                        .unwrap()
                );
            }

            let first = page(&db, &admin, desk, None, None).await;
            assert_eq!(first.role.holders, (PAGE_SIZE + 2) as u64, "{url}");
            assert_eq!(first.holders.len(), PAGE_SIZE, "{url}");
            assert_eq!(names(&first)[0], "Holder000 Desk", "{url}");
            let after = Cursor::parse("after", first.next.as_deref().unwrap()).unwrap();
            let second = page(&db, &admin, desk, None, Some(&after)).await;
            assert_eq!(
                names(&second),
                ["Holder050 Desk", "Holder051 Desk"],
                "{url}"
            );
            assert_eq!(second.next, None, "{url}");

            let found = page(&db, &admin, desk, Some("holder05"), None).await;
            assert_eq!(names(&found), ["Holder050 Desk", "Holder051 Desk"], "{url}");
            let none = page(&db, &admin, desk, Some("Plain"), None).await;
            assert!(none.holders.is_empty(), "{url}: a member does not hold it");

            let master = page(&db, &admin, account.master_admin_role_id, None, None).await;
            assert!(master.holders[0].primary_admin, "{url}");

            let other = other_account(&db, "Other Org", "other@example.com").await;
            let stranger = principal(&db, &other, other.primary_admin_id).await;
            let of = PageOf {
                role: desk,
                search: None,
                after: None,
            };
            let theirs = role_holders(&db, &stranger.grant::<UsersRead>().unwrap(), &of).await;
            assert!(
                matches!(theirs, Err(AppError::NotFound { .. })),
                "{url}: {theirs:?}"
            );
            let members = PageOf {
                role: account.member_role_id,
                search: None,
                after: None,
            };
            let listed = role_holders(&db, &admin.grant::<UsersRead>().unwrap(), &members).await;
            assert!(
                matches!(listed, Err(AppError::NotFound { .. })),
                "{url}: Member is no admin role"
            );
        }
    }

    #[tokio::test]
    async fn a_role_given_and_taken_away_is_audited_and_leaves_a_member() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let admin = principal(&db, &account, account.primary_admin_id).await;
            let desk = custom_role(&db, &admin, "Help desk", &[Permission::UsersRead]).await;
            let ann = member(&db, &account, "Ann", "Lee").await;
            let give = Assignment::Give(desk);
            let grant = manager(&admin);
            assert!(
                change_assignment(&db, &grant, ann, give, NOW)
                    .await
                    .unwrap()
            );
            assert!(
                !change_assignment(&db, &grant, ann, give, NOW)
                    .await
                    .unwrap(),
                "{url}: held already, nothing changes"
            );
            let take = Assignment::TakeAway(desk);
            assert!(
                change_assignment(&db, &grant, ann, take, NOW)
                    .await
                    .unwrap()
            );
            let (role,): (RoleId,) = sqlx::query_as("SELECT role_id FROM users WHERE id = $1")
                .bind(ann)
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert_eq!(role, account.member_role_id, "{url}");
            let again = change_assignment(&db, &grant, ann, take, NOW).await;
            assert!(
                matches!(
                    again,
                    Err(AppError::Conflict {
                        clash: Clash::RoleNotHeld
                    })
                ),
                "{url}: {again:?}"
            );
            assert_eq!(
                audited_actions(&db).await,
                ["role.created", "user.updated", "user.updated"],
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn the_guard_rails_of_the_profile_tab_hold_here_too_with_nothing_changed() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let primary = principal(&db, &account, account.primary_admin_id).await;
            let desk = custom_role(&db, &primary, "Desk", &[Permission::RolesManage]).await;
            let helper_id =
                add_admin(&db, &account, "helper@example.com", DefaultRole::Member).await;
            let grant = manager(&primary);
            let give = |role| Assignment::Give(role);
            change_assignment(&db, &grant, helper_id, give(desk), NOW)
                .await
                .unwrap();
            let helper = manager(&principal(&db, &account, helper_id).await);
            let ann = member(&db, &account, "Ann", "Lee").await;
            let master = account.master_admin_role_id;

            let cases = [
                (&helper, ann, give(master), "403: beyond their own"),
                (
                    &helper,
                    account.primary_admin_id,
                    give(desk),
                    "409: the Primary Admin",
                ),
                (
                    &helper,
                    helper_id,
                    Assignment::TakeAway(desk),
                    "409: their own role",
                ),
                (
                    &grant,
                    ann,
                    give(account.member_role_id),
                    "400: no admin role",
                ),
                (
                    &grant,
                    ann,
                    give(RoleId::parse(999_999).unwrap()),
                    "404: no such role",
                ),
            ];
            for (who, user, change, why) in cases {
                let refused = change_assignment(&db, who, user, change, NOW).await;
                let status = refused.as_ref().map_err(AppError::status);
                assert_eq!(
                    status,
                    Err(why[..3].parse().unwrap()),
                    "{url}: {why}: {refused:?}"
                );
            }
            let other = other_account(&db, "Other Org", "other@example.com").await;
            let stranger = member(&db, &other, "Stranger", "Elsewhere").await;
            let theirs = change_assignment(&db, &grant, stranger, give(desk), NOW).await;
            assert!(
                matches!(theirs, Err(AppError::NotFound { .. })),
                "{url}: {theirs:?}"
            );
            assert_eq!(
                audited_actions(&db).await,
                ["role.created", "user.updated"],
                "{url}: nothing refused was written"
            );
        }
    }
}
