//! The SQL behind User Management > Groups, confined to the grant's account: the list
//! under each sort, by key; creating, renaming and deleting a group; its members, read
//! by user id and changed in one transaction with an audit event per user.

use super::query::{GroupCursor, GroupName, GroupQuery, GroupSort, PAGE_SIZE};
use super::{GroupMember, GroupPage, GroupSummary, MemberPage, MembersChanged};
use crate::audit::{self, AuditAction, AuditEvent, AuditTarget};
use crate::auth::principal::{Grant, GroupsManage, UsersRead};
use crate::db::sql::{Sql, chunks};
use crate::db::{Backend, Db, lock_account_row};
use crate::domain::{AccountId, Email, GroupId, UserId, UserStatus};
use crate::error::{AppError, Clash, Missing};
use crate::users::keys::fold;
use crate::users::selection::UserIds;
use crate::users::store::{Selected, ensure_user, fetch_selected};
use serde_json::json;
use sqlx::{Any, AnyConnection, Transaction};

#[derive(sqlx::FromRow)]
struct GroupRow {
    id: GroupId,
    name: String,
    name_key: String,
    member_count: i64,
}

impl GroupRow {
    fn summary(self) -> GroupSummary {
        GroupSummary {
            id: self.id,
            name: self.name,
            member_count: self.member_count.max(0) as u64,
        }
    }

    fn cursor(&self, sort: GroupSort) -> GroupCursor {
        match sort {
            GroupSort::Name => GroupCursor {
                number: 0,
                id: self.id.get(),
                text: self.name_key.clone(),
            },
            GroupSort::Members => GroupCursor {
                number: self.member_count,
                id: self.id.get(),
                text: String::new(),
            },
        }
    }
}

const GROUP_COLUMNS: &str = "id, name, name_key, member_count";

/// One page of the account's groups.
pub async fn list_groups(
    db: &Db,
    grant: &Grant<UsersRead>,
    query: &GroupQuery,
) -> Result<GroupPage, AppError> {
    let backwards = query.before.is_some();
    let fetch = |cursor: Option<&GroupCursor>, backwards: bool| {
        let mut sql = Sql::new(&format!(
            "SELECT {GROUP_COLUMNS} FROM user_groups WHERE account_id = "
        ));
        let account = sql.int(grant.account_id().get());
        sql.push(&account);
        if let Some(search) = &query.search {
            let needle = sql.text(&fold(search));
            sql.push(&match db.backend() {
                Backend::Sqlite => format!(" AND instr(name_key, {needle}) > 0"),
                Backend::Postgres => format!(" AND strpos(name_key, {needle}) > 0"),
            });
        }
        let ascending = query.descending == backwards;
        let keys = match query.sort {
            GroupSort::Name => "name_key, id",
            GroupSort::Members => "member_count, id",
        };
        if let Some(cursor) = cursor {
            let values = match query.sort {
                GroupSort::Name => format!("{}, {}", sql.text(&cursor.text), sql.int(cursor.id)),
                GroupSort::Members => format!("{}, {}", sql.int(cursor.number), sql.int(cursor.id)),
            };
            let comparison = if ascending { ">" } else { "<" };
            sql.push(&format!(" AND ({keys}) {comparison} ({values})"));
        }
        let order = if ascending { "ASC" } else { "DESC" };
        let ordering: Vec<String> = keys
            .split(", ")
            .map(|key| format!("{key} {order}"))
            .collect();
        let limit = sql.int(i64::from(PAGE_SIZE) + 1);
        sql.push(&format!(" ORDER BY {} LIMIT {limit}", ordering.join(", ")));
        sql
    };
    let size = PAGE_SIZE as usize;
    let cursor = query.after.as_ref().or(query.before.as_ref());
    let mut rows: Vec<GroupRow> = fetch(cursor, backwards)
        .query_as()
        .fetch_all(db.pool())
        .await?;
    let (has_before, has_after) = if backwards {
        if rows.len() > size {
            rows.truncate(size);
            rows.reverse();
            (true, true)
        } else {
            // Fewer groups than a page lie before the cursor: that is the first page.
            rows = fetch(None, false).query_as().fetch_all(db.pool()).await?;
            let more = rows.len() > size;
            rows.truncate(size);
            (false, more)
        }
    } else {
        let more = rows.len() > size;
        rows.truncate(size);
        (cursor.is_some(), more)
    };
    let prev = has_before
        .then(|| rows.first().map(|row| row.cursor(query.sort).encode()))
        .flatten();
    let next = has_after
        .then(|| rows.last().map(|row| row.cursor(query.sort).encode()))
        .flatten();
    Ok(GroupPage {
        rows: rows.into_iter().map(GroupRow::summary).collect(),
        is_first_page: !has_before,
        prev,
        next,
    })
}

/// The group `id` of `account_id`, locked in a write transaction; 404 when there is none.
async fn lock_group(
    tx: &mut Transaction<'_, Any>,
    db: &Db,
    account_id: AccountId,
    id: GroupId,
) -> Result<GroupRow, AppError> {
    lock_account_row(
        tx,
        db.backend(),
        "user_groups",
        GROUP_COLUMNS,
        account_id,
        id.get(),
    )
    .await?
    .ok_or(AppError::NotFound {
        missing: Missing::Group { id: id.get() },
    })
}

/// The name of the account's group whose folded name is `key`, other than `except`.
async fn group_named(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    key: &str,
    except: Option<GroupId>,
) -> Result<Option<String>, AppError> {
    let found: Option<(String,)> = sqlx::query_as(
        "SELECT name FROM user_groups WHERE account_id = $1 AND name_key = $2 AND id <> $3",
    )
    .bind(account_id)
    .bind(key)
    .bind(except.map_or(0, GroupId::get))
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.map(|(name,)| name))
}

/// The 409 for a name that clashes, naming the group that holds it as it is spelled.
fn name_taken(existing: String) -> AppError {
    AppError::Conflict {
        clash: Clash::GroupNameTaken { name: existing },
    }
}

/// Creates a group; a name the account has already, whatever its case, is a 409.
pub async fn create_group(
    db: &Db,
    grant: &Grant<GroupsManage>,
    name: &GroupName,
    now: i64,
) -> Result<GroupSummary, AppError> {
    let mut tx = db.write().await?;
    let created: Option<(GroupId,)> = sqlx::query_as(
        "INSERT INTO user_groups (account_id, name, name_key, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id, name_key) DO NOTHING RETURNING id",
    )
    .bind(grant.account_id())
    .bind(name.as_str())
    .bind(fold(name.as_str()))
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((id,)) = created else {
        let existing = group_named(&mut tx, grant.account_id(), &fold(name.as_str()), None).await?;
        return Err(name_taken(
            existing.unwrap_or_else(|| name.as_str().to_owned()),
        ));
    };
    let event = AuditEvent {
        action: AuditAction::GroupCreated,
        target: AuditTarget::Group(id),
        target_label: name.as_str().to_owned(),
        before: None,
        after: Some(json!({ "name": name.as_str() })),
    };
    audit::record(&mut tx, grant.actor(), now, &[event]).await?;
    tx.commit().await?;
    Ok(GroupSummary {
        id,
        name: name.as_str().to_owned(),
        member_count: 0,
    })
}

/// Renames a group; another group's name, whatever its case, is a 409.
pub async fn rename_group(
    db: &Db,
    grant: &Grant<GroupsManage>,
    id: GroupId,
    name: &GroupName,
    now: i64,
) -> Result<GroupSummary, AppError> {
    let account_id = grant.account_id();
    let mut tx = db.write().await?;
    let group = lock_group(&mut tx, db, account_id, id).await?;
    if group.name != name.as_str() {
        let key = fold(name.as_str());
        if let Some(existing) = group_named(&mut tx, account_id, &key, Some(id)).await? {
            return Err(name_taken(existing));
        }
        sqlx::query("UPDATE user_groups SET name = $1, name_key = $2 WHERE id = $3")
            .bind(name.as_str())
            .bind(&key)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let event = AuditEvent {
            action: AuditAction::GroupRenamed,
            target: AuditTarget::Group(id),
            target_label: name.as_str().to_owned(),
            before: Some(json!({ "name": group.name })),
            after: Some(json!({ "name": name.as_str() })),
        };
        audit::record(&mut tx, grant.actor(), now, &[event]).await?;
    }
    tx.commit().await?;
    Ok(GroupSummary {
        id,
        name: name.as_str().to_owned(),
        member_count: group.member_count.max(0) as u64,
    })
}

/// Deletes a group (its members stay users) and answers how many members it had.
pub async fn delete_group(
    db: &Db,
    grant: &Grant<GroupsManage>,
    id: GroupId,
    now: i64,
) -> Result<u64, AppError> {
    let mut tx = db.write().await?;
    let group = lock_group(&mut tx, db, grant.account_id(), id).await?;
    sqlx::query("DELETE FROM user_groups WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let event = AuditEvent {
        action: AuditAction::GroupDeleted,
        target: AuditTarget::Group(id),
        target_label: group.name.clone(),
        before: Some(json!({ "name": group.name, "members": group.member_count })),
        after: None,
    };
    audit::record(&mut tx, grant.actor(), now, &[event]).await?;
    tx.commit().await?;
    Ok(group.member_count.max(0) as u64)
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: UserId,
    first_name: String,
    last_name: String,
    #[sqlx(try_from = "String")]
    email: Email,
    #[sqlx(try_from = "i64")]
    status: UserStatus,
}

/// The group and its members after user id `after`, a page at a time, by user id.
pub async fn group_members(
    db: &Db,
    grant: &Grant<UsersRead>,
    id: GroupId,
    after: i64,
) -> Result<MemberPage, AppError> {
    let group: GroupRow = sqlx::query_as(&format!(
        "SELECT {GROUP_COLUMNS} FROM user_groups WHERE account_id = $1 AND id = $2"
    ))
    .bind(grant.account_id())
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound {
        missing: Missing::Group { id: id.get() },
    })?;
    let mut rows: Vec<MemberRow> = sqlx::query_as(
        "SELECT u.id, u.first_name, u.last_name, u.email, u.status
         FROM user_group_members m JOIN users u ON u.id = m.user_id
         WHERE m.group_id = $1 AND m.user_id > $2
         ORDER BY m.user_id LIMIT $3",
    )
    .bind(id)
    .bind(after)
    .bind(i64::from(PAGE_SIZE) + 1)
    .fetch_all(db.pool())
    .await?;
    let more = rows.len() > PAGE_SIZE as usize;
    rows.truncate(PAGE_SIZE as usize);
    let next = more.then(|| rows.last().map(|row| row.id.get())).flatten();
    Ok(MemberPage {
        group: group.summary(),
        members: rows
            .into_iter()
            .map(|row| GroupMember {
                id: row.id,
                first_name: row.first_name,
                last_name: row.last_name,
                email: row.email,
                status: row.status,
            })
            .collect(),
        next,
    })
}

/// A selected user as a change of members reads them.
#[derive(sqlx::FromRow)]
struct Joiner {
    id: UserId,
    #[sqlx(try_from = "String")]
    email: Email,
}

impl Selected for Joiner {
    const COLUMNS: &'static str = "id, email";
    fn id(&self) -> UserId {
        self.id
    }
}

/// The selected users who are members of `group` already.
async fn members_among(
    conn: &mut AnyConnection,
    group: GroupId,
    users: &UserIds,
) -> Result<Vec<UserId>, AppError> {
    let mut found = Vec::new();
    for chunk in chunks(users.as_slice(), 1) {
        let mut sql = Sql::new("SELECT user_id FROM user_group_members WHERE group_id = ");
        let group = sql.int(group.get());
        let list = sql.int_list(chunk.iter().map(|id| id.get()));
        sql.push(&format!("{group} AND user_id IN {list}"));
        let rows: Vec<(UserId,)> = sql.query_as().fetch_all(&mut *conn).await?;
        found.extend(rows.into_iter().map(|(id,)| id));
    }
    Ok(found)
}

/// Adds the users to the group (`join`) or takes them out, in one transaction; users
/// already as asked are counted unchanged. Unknown users, or another account's, refuse
/// the whole request (404) and change nothing.
pub async fn change_members(
    db: &Db,
    grant: &Grant<GroupsManage>,
    id: GroupId,
    users: &UserIds,
    join: bool,
    now: i64,
) -> Result<MembersChanged, AppError> {
    let account_id = grant.account_id();
    let mut tx = db.write().await?;
    let group = lock_group(&mut tx, db, account_id, id).await?;
    let selected = fetch_selected::<Joiner>(&mut tx, db.backend(), account_id, users).await?;
    let already = members_among(&mut tx, id, users).await?;
    let changing: Vec<&Joiner> = selected
        .values()
        .filter(|user| already.contains(&user.id) != join)
        .collect();
    for chunk in chunks(&changing, 2) {
        let mut sql;
        if join {
            sql = Sql::new("INSERT INTO user_group_members (group_id, user_id) VALUES ");
            let rows: Vec<String> = chunk
                .iter()
                .map(|user| format!("({}, {})", sql.int(id.get()), sql.int(user.id.get())))
                .collect();
            sql.push(&rows.join(", "));
        } else {
            sql = Sql::new("DELETE FROM user_group_members WHERE group_id = ");
            let group = sql.int(id.get());
            let list = sql.int_list(chunk.iter().map(|user| user.id.get()));
            sql.push(&format!("{group} AND user_id IN {list}"));
        }
        sql.query().execute(&mut *tx).await?;
    }
    let membership = Some(json!({ "group": group.name }));
    let events: Vec<AuditEvent> = changing
        .iter()
        .map(|user| AuditEvent {
            action: AuditAction::GroupMembersChanged,
            target: AuditTarget::User(user.id),
            target_label: user.email.to_string(),
            before: (!join).then(|| membership.clone()).flatten(),
            after: join.then(|| membership.clone()).flatten(),
        })
        .collect();
    audit::record(&mut tx, grant.actor(), now, &events).await?;
    tx.commit().await?;
    Ok(MembersChanged {
        changed: changing.len() as u64,
        unchanged: (selected.len() - changing.len()) as u64,
    })
}

/// The groups `user` belongs to, by name; 404 for a user the account does not have.
pub async fn user_groups(
    db: &Db,
    grant: &Grant<UsersRead>,
    user: UserId,
) -> Result<Vec<GroupSummary>, AppError> {
    let mut conn = db.pool().acquire().await?;
    ensure_user(&mut conn, grant.account_id(), user).await?;
    let rows: Vec<GroupRow> = sqlx::query_as(
        "SELECT g.id, g.name, g.name_key, g.member_count
         FROM user_group_members m JOIN user_groups g ON g.id = m.group_id
         WHERE m.user_id = $1 AND g.account_id = $2
         ORDER BY g.name_key",
    )
    .bind(user)
    .bind(grant.account_id())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(GroupRow::summary).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groups::query::GroupParams;
    use crate::testing::fixtures::{
        NOW, add_member, audited_actions, other_account, signed_in, test_account,
    };
    use crate::testing::scratch::database_urls;

    fn name(text: &str) -> GroupName {
        GroupName::parse(text).unwrap()
    }

    fn query(sort: &str, dir: &str, after: Option<String>, before: Option<String>) -> GroupQuery {
        GroupQuery::parse(&GroupParams {
            sort: Some(sort.into()),
            dir: Some(dir.into()),
            after,
            before,
            ..GroupParams::default()
        })
        .unwrap()
    }

    #[tokio::test]
    async fn groups_are_created_renamed_and_deleted_with_names_unique_whatever_their_case() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let other = other_account(&db, "Other Org", "boss@other.example").await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let (_, stranger) = signed_in(&db, &other, other.primary_admin_id).await;
            let manage = admin.grant().unwrap();
            let sales = create_group(&db, &manage, &name("Sales"), NOW)
                .await
                .unwrap();
            let again = create_group(&db, &manage, &name("SALES"), NOW).await;
            assert!(
                matches!(
                    again,
                    Err(AppError::Conflict {
                        clash: Clash::GroupNameTaken { ref name }
                    }) if name == "Sales"
                ),
                "{url}: the clash names the group as it is spelled"
            );
            let theirs = create_group(&db, &stranger.grant().unwrap(), &name("Sales"), NOW).await;
            assert!(theirs.is_ok(), "{url}: another account may use the name");
            let support = create_group(&db, &manage, &name("Support"), NOW)
                .await
                .unwrap();
            let clash = rename_group(&db, &manage, support.id, &name("sales"), NOW).await;
            assert!(matches!(clash, Err(AppError::Conflict { .. })), "{url}");
            let renamed = rename_group(&db, &manage, sales.id, &name("Sales EMEA"), NOW)
                .await
                .unwrap();
            assert_eq!(renamed.name, "Sales EMEA", "{url}");
            let foreign = theirs.unwrap().id;
            let refused = delete_group(&db, &manage, foreign, NOW).await;
            assert_eq!(
                refused.unwrap_err(),
                AppError::NotFound {
                    missing: Missing::Group { id: foreign.get() }
                },
                "{url}: another account's group reads as no group"
            );
            assert_eq!(
                delete_group(&db, &manage, support.id, NOW).await.unwrap(),
                0,
                "{url}"
            );
            let list = list_groups(
                &db,
                &admin.grant().unwrap(),
                &query("name", "asc", None, None),
            )
            .await
            .unwrap();
            let names: Vec<&str> = list.rows.iter().map(|group| group.name.as_str()).collect();
            assert_eq!(names, ["Sales EMEA"], "{url}");
            assert_eq!(
                audited_actions(&db).await,
                [
                    "group.created",
                    "group.created",
                    "group.created",
                    "group.renamed",
                    "group.deleted"
                ],
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn members_join_and_leave_with_the_count_kept_and_unknown_users_refused() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let other = other_account(&db, "Other Org", "boss@other.example").await;
            let ann = add_member(&db, &account, "Ann", "ann@example.com", UserStatus::Active).await;
            let bob = add_member(&db, &account, "Bob", "bob@example.com", UserStatus::Active).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let manage = admin.grant().unwrap();
            let read = admin.grant().unwrap();
            let group = create_group(&db, &manage, &name("Sales"), NOW)
                .await
                .unwrap()
                .id;
            let both = UserIds::parse(&[ann.get(), bob.get()]).unwrap();
            let joined = change_members(&db, &manage, group, &both, true, NOW)
                .await
                .unwrap();
            assert_eq!((joined.changed, joined.unchanged), (2, 0), "{url}");
            let again = change_members(&db, &manage, group, &both, true, NOW)
                .await
                .unwrap();
            assert_eq!((again.changed, again.unchanged), (0, 2), "{url}");
            let page = group_members(&db, &read, group, 0).await.unwrap();
            assert_eq!(page.group.member_count, 2, "{url}");
            assert_eq!(page.members.len(), 2, "{url}");
            let foreign = UserIds::parse(&[ann.get(), other.primary_admin_id.get()]).unwrap();
            let refused = change_members(&db, &manage, group, &foreign, false, NOW).await;
            assert!(matches!(refused, Err(AppError::NotFound { .. })), "{url}");
            let only_ann = UserIds::parse(&[ann.get()]).unwrap();
            change_members(&db, &manage, group, &only_ann, false, NOW)
                .await
                .unwrap();
            assert_eq!(user_groups(&db, &read, ann).await.unwrap(), vec![], "{url}");
            assert_eq!(
                user_groups(&db, &read, bob).await.unwrap()[0].member_count,
                1,
                "{url}"
            );
            let carl = add_member(
                &db,
                &account,
                "Carl",
                "carl@example.com",
                UserStatus::Active,
            )
            .await;
            let carl_only = UserIds::parse(&[carl.get()]).unwrap();
            change_members(&db, &manage, group, &carl_only, true, NOW)
                .await
                .unwrap();
            crate::users::store::delete_users(&db, &admin.grant().unwrap(), &carl_only, NOW)
                .await
                .unwrap();
            let page = group_members(&db, &read, group, 0).await.unwrap();
            assert_eq!(
                page.group.member_count, 1,
                "{url}: a deleted user leaves the count"
            );
            let deleted = delete_group(&db, &manage, group, NOW).await.unwrap();
            assert_eq!(deleted, 1, "{url}: the count of members who lose the group");
            let members_changed = audited_actions(&db)
                .await
                .iter()
                .filter(|action| *action == "group.members_changed")
                .count();
            assert_eq!(
                members_changed, 4,
                "{url}: one event per user who joined or left"
            );
        }
    }

    #[tokio::test]
    async fn paging_visits_every_group_once_in_both_directions_under_both_sorts() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let ann = add_member(&db, &account, "Ann", "ann@example.com", UserStatus::Active).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let manage = admin.grant().unwrap();
            let read = admin.grant().unwrap();
            for n in 0..60 {
                let group = create_group(&db, &manage, &name(&format!("Group {n:02}")), NOW)
                    .await
                    .unwrap();
                if n % 3 == 0 {
                    let ids = UserIds::parse(&[ann.get()]).unwrap();
                    change_members(&db, &manage, group.id, &ids, true, NOW)
                        .await
                        .unwrap();
                }
            }
            for sort in ["name", "members"] {
                for dir in ["asc", "desc"] {
                    let mut seen = Vec::new();
                    let mut page = list_groups(&db, &read, &query(sort, dir, None, None))
                        .await
                        .unwrap();
                    loop {
                        seen.extend(page.rows.iter().map(|group| group.id));
                        let Some(next) = page.next.clone() else { break };
                        page = list_groups(&db, &read, &query(sort, dir, Some(next), None))
                            .await
                            .unwrap();
                    }
                    let mut unique = seen.clone();
                    unique.sort();
                    unique.dedup();
                    assert_eq!((seen.len(), unique.len()), (60, 60), "{url} {sort} {dir}");
                    let mut back = Vec::new();
                    while let Some(prev) = page.prev.clone() {
                        page = list_groups(&db, &read, &query(sort, dir, None, Some(prev)))
                            .await
                            .unwrap();
                        back.extend(page.rows.iter().rev().map(|group| group.id));
                    }
                    assert!(page.is_first_page, "{url} {sort} {dir}");
                    assert_eq!(
                        back.len(),
                        60 - 10,
                        "{url} {sort} {dir}: back over all but the last page"
                    );
                }
            }
        }
    }
}
