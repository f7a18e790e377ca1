//! The SQL behind the Apps page, confined to the grant's account: apps read through the
//! index on `(account_id, name_key, id)` from the page's position on, each with its
//! owner and its count of members (the owner and the rows of `app_members`, counted
//! through that table's key, for the page's apps only).

use super::{AppCursor, AppListing, AppOwner, AppPage, PAGE_SIZE};
use crate::auth::principal::{Grant, UsersRead};
use crate::db::sql::{Flag, Sql};
use crate::db::{Backend, Db};
use crate::domain::{AppId, Email, UserId};
use crate::error::AppError;
use crate::users::keys::fold;
use crate::users::query::Search;

#[derive(sqlx::FromRow)]
struct AppRow {
    id: AppId,
    name: String,
    name_key: String,
    #[sqlx(try_from = "i64")]
    published: Flag,
    developers_and_testers: i64,
    owner_id: UserId,
    first_name: String,
    last_name: String,
    #[sqlx(try_from = "String")]
    email: Email,
}

impl AppRow {
    fn cursor(&self) -> AppCursor {
        AppCursor {
            id: self.id,
            name_key: self.name_key.clone(),
        }
    }

    fn listing(self) -> AppListing {
        AppListing {
            id: self.id,
            name: self.name,
            owner: AppOwner {
                id: self.owner_id,
                first_name: self.first_name,
                last_name: self.last_name,
                email: self.email,
            },
            published: self.published.into(),
            members: self.developers_and_testers.max(0) as u64 + 1,
        }
    }
}

/// A page of the account's apps by name: those whose name contains `search`, after
/// `after`.
pub async fn list_apps(
    db: &Db,
    grant: &Grant<UsersRead>,
    search: Option<&Search>,
    after: Option<&AppCursor>,
) -> Result<AppPage, AppError> {
    let mut sql = Sql::new(
        "SELECT a.id, a.name, a.name_key, a.published, a.owner_id,
                u.first_name, u.last_name, u.email,
                (SELECT COUNT(*) FROM app_members m WHERE m.app_id = a.id)
                    AS developers_and_testers
         FROM apps a JOIN users u ON u.id = a.owner_id
         WHERE a.account_id = ",
    );
    let account = sql.int(grant.account_id().get());
    sql.push(&account);
    if let Some(search) = search {
        let needle = sql.text(&fold(search.as_str()));
        sql.push(&match db.backend() {
            Backend::Sqlite => format!(" AND instr(a.name_key, {needle}) > 0"),
            Backend::Postgres => format!(" AND strpos(a.name_key, {needle}) > 0"),
        });
    }
    if let Some(cursor) = after {
        let name = sql.text(&cursor.name_key);
        let id = sql.int(cursor.id.get());
        sql.push(&format!(
            " AND (a.name_key > {name} OR (a.name_key = {name} AND a.id > {id}))"
        ));
    }
    let limit = sql.int(PAGE_SIZE as i64 + 1);
    sql.push(&format!(" ORDER BY a.name_key, a.id LIMIT {limit}"));
    let mut rows: Vec<AppRow> = sql.query_as().fetch_all(db.pool()).await?;
    let more = rows.len() > PAGE_SIZE;
    rows.truncate(PAGE_SIZE);
    let next = more
        .then(|| rows.last().map(|row| row.cursor().encode()))
        .flatten();
    Ok(AppPage {
        apps: rows.into_iter().map(AppRow::listing).collect(),
        next,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::DefaultRole;
    use crate::apps::MemberRole;
    use crate::apps::store::{NewApp, backfill_name_keys, insert_app};
    use crate::testing::fixtures::{NOW, add_admin, other_account, signed_in, test_account};
    use crate::testing::scratch::database_urls;

    async fn add(db: &Db, app: NewApp) -> AppId {
        let mut tx = db.write().await.unwrap();
        let id = insert_app(&mut tx, &app).await.unwrap();
        tx.commit().await.unwrap();
        id
    }

    fn app(account: &crate::accounts::CreatedAccount, name: &str, owner: UserId) -> NewApp {
        NewApp {
            account_id: account.account_id,
            name: name.to_owned(),
            owner_id: owner,
            published: false,
            members: Vec::new(),
            created_at: NOW,
        }
    }

    fn names(page: &AppPage) -> Vec<&str> {
        page.apps.iter().map(|app| app.name.as_str()).collect()
    }

    #[tokio::test]
    async fn apps_are_listed_by_name_with_their_owner_and_members_and_only_the_accounts_own() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let other = other_account(&db, "Other Org", "boss@other.example").await;
            let ann = add_admin(&db, &account, "ann@example.com", DefaultRole::UserAdmin).await;
            let bob = add_admin(&db, &account, "bob@example.com", DefaultRole::UserAdmin).await;
            add(
                &db,
                NewApp {
                    published: true,
                    members: vec![(bob, MemberRole::Developer)],
                    ..app(&account, "Zeta Helper", ann)
                },
            )
            .await;
            add(&db, app(&account, "Émile Desk", bob)).await;
            add(&db, app(&other, "Aardvark", other.primary_admin_id)).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant().unwrap();

            let page = list_apps(&db, &grant, None, None).await.unwrap();
            assert_eq!(names(&page), ["Émile Desk", "Zeta Helper"], "{url}");
            assert_eq!(page.next, None, "{url}");
            let zeta = &page.apps[1];
            assert_eq!(zeta.owner.email.as_str(), "ann@example.com", "{url}");
            assert!(zeta.published, "{url}");
            assert_eq!(zeta.members, 2, "{url}: the owner and a developer");
            assert_eq!(page.apps[0].members, 1, "{url}: its owner alone");

            let found = Search::parse("emile").unwrap();
            let page = list_apps(&db, &grant, found.as_ref(), None).await.unwrap();
            assert_eq!(names(&page), ["Émile Desk"], "{url}: accents folded");
            let found = Search::parse("aardvark").unwrap();
            let page = list_apps(&db, &grant, found.as_ref(), None).await.unwrap();
            assert!(page.apps.is_empty(), "{url}: another account's app");
        }
    }

    #[tokio::test]
    async fn pages_follow_each_other_by_name_and_apps_stored_without_a_key_get_one() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let owner = account.primary_admin_id;
            for n in 0..PAGE_SIZE + 2 {
                add(&db, app(&account, &format!("App {n:03}"), owner)).await;
            }
            sqlx::query("UPDATE apps SET name_key = '' WHERE name = 'App 000'")
                .execute(db.pool())
                .await
                .unwrap();
            assert_eq!(backfill_name_keys(&db).await.unwrap(), 1, "{url}");
            assert_eq!(backfill_name_keys(&db).await.unwrap(), 0, "{url}");
            let (_, admin) = signed_in(&db, &account, owner).await;
            let grant = admin.grant().unwrap();

            let first = list_apps(&db, &grant, None, None).await.unwrap();
            assert_eq!(first.apps.len(), PAGE_SIZE, "{url}");
            assert_eq!(first.apps[0].name, "App 000", "{url}");
            let cursor = AppCursor::parse(first.next.as_deref().unwrap()).unwrap();
            let second = list_apps(&db, &grant, None, Some(&cursor)).await.unwrap();
            assert_eq!(names(&second), ["App 050", "App 051"], "{url}");
            assert_eq!(second.next, None, "{url}");
        }
    }
}
