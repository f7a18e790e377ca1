//! The SQL behind User Management > Users, confined to the grant's account in every
//! query: pages under every sort (`paging`), how a search finds its rows (`search`),
//! totals (`totals`), and Delete Selected's facts and changes (`deletion`).

mod deletion;
mod paging;
mod rows;
mod search;
mod totals;

pub use deletion::delete_users;
pub use paging::list_users;
pub use totals::count_users;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apps::MemberRole;
    use crate::auth::principal::{UsersDelete, UsersRead};
    use crate::db::Db;
    use crate::domain::{UserId, UserStatus};
    use crate::error::{AppError, Missing};
    use crate::loader::add_generated_users;
    use crate::testing::fixtures::{NOW, add_app, add_member, signed_in, test_account};
    use crate::testing::scratch::database_urls;
    use crate::users::deletion::{KeptReason, UserIds};
    use crate::users::query::{GridParams, UserQuery};
    use std::collections::HashSet;

    fn query(pairs: &[(&str, &str)], position: Option<(&str, String)>) -> UserQuery {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        };
        let mut params = GridParams {
            q: get("q"),
            status: get("status"),
            sort: get("sort"),
            dir: get("dir"),
            size: get("size"),
            ..GridParams::default()
        };
        match position {
            Some(("after", cursor)) => params.after = Some(cursor),
            Some((_, cursor)) => params.before = Some(cursor),
            None => {}
        }
        UserQuery::parse(&params).unwrap()
    }

    /// Walks forward to the end, then back to the start, returning both id sequences.
    async fn walk(
        db: &Db,
        grant: &crate::auth::principal::Grant<UsersRead>,
        pairs: &[(&str, &str)],
    ) -> (Vec<UserId>, Vec<UserId>, u64) {
        let mut forward = Vec::new();
        let mut page = list_users(db, grant, &query(pairs, None)).await.unwrap();
        let total = page.total.value;
        loop {
            forward.extend(page.rows.iter().map(|row| row.id));
            match page.next.clone() {
                Some(cursor) => {
                    page = list_users(db, grant, &query(pairs, Some(("after", cursor))))
                        .await
                        .unwrap();
                }
                None => break,
            }
        }
        let mut backward: Vec<UserId> = page.rows.iter().rev().map(|row| row.id).collect();
        while let Some(cursor) = page.prev.clone() {
            page = list_users(db, grant, &query(pairs, Some(("before", cursor))))
                .await
                .unwrap();
            backward.extend(page.rows.iter().rev().map(|row| row.id));
        }
        backward.reverse();
        (forward, backward, total)
    }

    #[tokio::test]
    async fn paging_visits_every_user_exactly_once_in_both_directions_under_every_sort() {
        for url in database_urls().await {
            let db = Db::connect(&url, 4).await.unwrap();
            let account = test_account(&db).await;
            add_generated_users(&db, account.account_id, account.member_role_id, 137, 1, NOW)
                .await
                .unwrap();
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant::<UsersRead>().unwrap();
            for sort in ["name", "email", "status", "last_login"] {
                for dir in ["asc", "desc"] {
                    for filter in [
                        None,
                        Some(("status", "active")),
                        Some(("q", "a")),
                        Some(("q", "zoe")),
                    ] {
                        let mut pairs = vec![("sort", sort), ("dir", dir), ("size", "25")];
                        pairs.extend(filter);
                        let (forward, backward, total) = walk(&db, &grant, &pairs).await;
                        let unique: HashSet<UserId> = forward.iter().copied().collect();
                        assert_eq!(unique.len(), forward.len(), "{url} {pairs:?}: a row twice");
                        assert_eq!(forward.len() as u64, total, "{url} {pairs:?}: rows missing");
                        assert_eq!(forward, backward, "{url} {pairs:?}: back differs");
                    }
                }
            }
        }
    }

    #[tokio::test]
    async fn the_primary_admin_and_app_owners_are_kept_and_everyone_else_deleted() {
        for url in database_urls().await {
            let db = Db::connect(&url, 4).await.unwrap();
            let account = test_account(&db).await;
            let active = UserStatus::Active;
            let owner = add_member(&db, &account, "Olive", "olive@example.com", active).await;
            let other = add_member(&db, &account, "Oscar", "oscar@example.com", active).await;
            let admin = crate::testing::fixtures::add_admin(
                &db,
                &account,
                "admin@example.com",
                crate::accounts::DefaultRole::MasterAdmin,
            )
            .await;
            add_app(
                &db,
                &account,
                "HR Bot",
                owner,
                &[(other, MemberRole::Developer)],
            )
            .await;
            let (_, principal) = signed_in(&db, &account, admin).await;
            let grant = principal.grant::<UsersDelete>().unwrap();
            let ids = UserIds::parse(&[
                owner.get(),
                other.get(),
                admin.get(),
                account.primary_admin_id.get(),
            ])
            .unwrap();

            let report = delete_users(&db, &grant, &ids, NOW).await.unwrap();

            assert_eq!(report.deleted, vec![other], "{url}");
            let reasons: Vec<(UserId, KeptReason)> = report
                .kept
                .iter()
                .map(|kept| (kept.id, kept.reason.clone()))
                .collect();
            let apps = vec!["HR Bot".to_owned()];
            assert_eq!(
                reasons,
                vec![
                    (account.primary_admin_id, KeptReason::IsPrimaryAdmin),
                    (owner, KeptReason::OwnsApps { apps }),
                    (admin, KeptReason::IsYou),
                ],
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn an_unknown_id_refuses_the_whole_delete_and_nothing_changes() {
        for url in database_urls().await {
            let db = Db::connect(&url, 4).await.unwrap();
            let account = test_account(&db).await;
            let known =
                add_member(&db, &account, "Una", "una@example.com", UserStatus::Locked).await;
            let (_, principal) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = principal.grant::<UsersDelete>().unwrap();
            let ids = UserIds::parse(&[known.get(), known.get() + 1_000]).unwrap();

            let refused = delete_users(&db, &grant, &ids, NOW).await;

            let missing = Missing::Users {
                ids: vec![known.get() + 1_000],
                more: false,
            };
            assert_eq!(refused, Err(AppError::NotFound { missing }), "{url}");
            let reader = principal.grant::<UsersRead>().unwrap();
            let page = list_users(&db, &reader, &query(&[("q", "una@")], None))
                .await
                .unwrap();
            assert_eq!(
                page.total.value, 1,
                "{url}: the known user must still be there"
            );
            let (events,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_events")
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert_eq!(events, 0, "{url}: nothing committed, nothing audited");
        }
    }
}
