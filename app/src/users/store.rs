//! The SQL behind User Management > Users, confined to the grant's account in every
//! query: pages under every sort (`paging`), how a search finds its rows and its total
//! (`search`, `totals`), reading a selection (`selection`), Delete Selected's and status
//! changes' facts and changes (`deletion`, `status`), and the keys of users stored
//! before substring search (`backfill`).

mod backfill;
mod deletion;
mod paging;
mod profile;
mod rows;
mod search;
mod selection;
mod sessions;
mod status;
mod totals;

pub use backfill::backfill_search_keys;
pub use deletion::delete_users;
pub use paging::list_users;
pub use profile::{save_profile, user_details};
pub(crate) use selection::{Selected, ensure_user, fetch_one, fetch_selected};
pub use sessions::{Kill, end_sessions, user_sessions};
pub(crate) use sessions::{end_live_sessions, live_sessions};
pub use status::change_status;
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
    use crate::testing::fixtures::{NOW, add_app, add_member, add_person, signed_in, test_account};
    use crate::testing::scratch::database_urls;
    use crate::users::TotalKind;
    use crate::users::deletion::KeptReason;
    use crate::users::keys::UserKeys;
    use crate::users::query::{GridParams, UserQuery};
    use crate::users::selection::UserIds;
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
            group: get("group"),
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
    async fn the_group_filter_shows_exactly_the_members_under_every_sort_whether_collected_or_walked()
     {
        for url in database_urls().await {
            let db = Db::connect(&url, 4).await.unwrap();
            let account = test_account(&db).await;
            add_generated_users(
                &db,
                account.account_id,
                account.member_role_id,
                1_300,
                1,
                NOW,
            )
            .await
            .unwrap();
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant::<UsersRead>().unwrap();
            let manage = admin.grant().unwrap();
            let ids: Vec<(i64,)> =
                sqlx::query_as("SELECT id FROM users WHERE is_primary_admin = 0 ORDER BY id")
                    .fetch_all(db.pool())
                    .await
                    .unwrap();
            let ids: Vec<i64> = ids.into_iter().map(|(id,)| id).collect();
            // A small group is collected; one of more than 1,000 members is walked.
            let small: Vec<i64> = ids.iter().copied().step_by(13).collect();
            let large: Vec<i64> = ids.iter().copied().filter(|id| id % 10 != 0).collect();
            let mut groups = Vec::new();
            for (label, members) in [("Small", &small), ("Large", &large)] {
                let name = crate::groups::query::GroupName::parse(label).unwrap();
                let group = crate::groups::store::create_group(&db, &manage, &name, NOW)
                    .await
                    .unwrap();
                let members = UserIds::parse(members).unwrap();
                crate::groups::store::change_members(&db, &manage, group.id, &members, true, NOW)
                    .await
                    .unwrap();
                groups.push((group.id.to_string(), members));
            }
            for (group, members) in &groups {
                let expected: HashSet<UserId> = members.as_slice().iter().copied().collect();
                for sort in ["name", "email", "status", "last_login"] {
                    for dir in ["asc", "desc"] {
                        let pairs = [
                            ("sort", sort),
                            ("dir", dir),
                            ("size", "100"),
                            ("group", group.as_str()),
                        ];
                        let (forward, backward, total) = walk(&db, &grant, &pairs).await;
                        let found: HashSet<UserId> = forward.iter().copied().collect();
                        assert_eq!(found, expected, "{url} {pairs:?}");
                        assert_eq!(
                            forward.len(),
                            expected.len(),
                            "{url} {pairs:?}: a row twice"
                        );
                        assert_eq!(forward, backward, "{url} {pairs:?}: back differs");
                        assert!(total >= 1, "{url} {pairs:?}");
                    }
                }
                let (active, _, _) = walk(
                    &db,
                    &grant,
                    &[("status", "active"), ("group", group.as_str())],
                )
                .await;
                let (searched, _, _) =
                    walk(&db, &grant, &[("q", "a"), ("group", group.as_str())]).await;
                assert!(
                    active
                        .iter()
                        .chain(&searched)
                        .all(|id| expected.contains(id)),
                    "{url}"
                );
            }
            let unknown = list_users(&db, &grant, &query(&[("group", "999999")], None)).await;
            assert!(matches!(unknown, Err(AppError::NotFound { .. })), "{url}");
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

    async fn search(
        db: &Db,
        grant: &crate::auth::principal::Grant<UsersRead>,
        q: &str,
    ) -> Vec<String> {
        let page = list_users(db, grant, &query(&[("q", q), ("size", "100")], None))
            .await
            .unwrap();
        page.rows.iter().map(|row| row.email.to_string()).collect()
    }

    #[tokio::test]
    async fn a_search_of_three_characters_matches_anywhere_and_a_shorter_one_the_start() {
        for url in database_urls().await {
            let db = Db::connect(&url, 4).await.unwrap();
            let account = test_account(&db).await;
            let active = UserStatus::Active;
            for person in [
                ("Martin", "Okafor", "m.okafor@example.com"),
                ("Zoë", "Ramírez", "zoe@example.org"),
                ("Hana", "佐藤", "hana@example.jp"),
                ("Bea", "Stuart", "bea.s@art.example"),
            ] {
                add_person(&db, &account, person, active).await;
            }
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant::<UsersRead>().unwrap();

            let art = search(&db, &grant, "art").await;
            assert_eq!(
                art,
                vec!["bea.s@art.example", "m.okafor@example.com"],
                "{url}"
            );
            assert_eq!(
                search(&db, &grant, "RAMI").await,
                vec!["zoe@example.org"],
                "{url}"
            );
            assert_eq!(
                search(&db, &grant, "zoe ram").await,
                vec!["zoe@example.org"],
                "{url}"
            );
            assert_eq!(
                search(&db, &grant, "Ｚｏｅ").await,
                vec!["zoe@example.org"],
                "{url}"
            );
            assert_eq!(
                search(&db, &grant, "e.org").await,
                vec!["zoe@example.org"],
                "{url}: in the e-mail"
            );
            assert_eq!(
                search(&db, &grant, "佐藤").await,
                vec!["hana@example.jp"],
                "{url}: a prefix of the last name"
            );
            assert_eq!(
                search(&db, &grant, "zo").await,
                vec!["zoe@example.org"],
                "{url}: a prefix"
            );
            assert!(
                search(&db, &grant, "oe").await.is_empty(),
                "{url}: two letters match starts only"
            );
            assert!(
                search(&db, &grant, "tin oka").await.len() == 1,
                "{url}: across first and last name"
            );
            assert!(
                search(&db, &grant, "okaform").await.is_empty(),
                "{url}: no match spans name and e-mail"
            );
            assert!(
                search(&db, &grant, "50%").await.is_empty(),
                "{url}: % is a letter"
            );
        }
    }

    #[tokio::test]
    async fn paging_through_a_substring_search_visits_exactly_the_matching_users_whichever_the_plan()
     {
        for url in database_urls().await {
            let db = Db::connect(&url, 4).await.unwrap();
            let account = test_account(&db).await;
            add_generated_users(
                &db,
                account.account_id,
                account.member_role_id,
                2_500,
                1,
                NOW,
            )
            .await
            .unwrap();
            db.analyze().await.unwrap();
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant::<UsersRead>().unwrap();
            let everyone: Vec<(UserId, String, String, String)> = sqlx::query_as(
                "SELECT id, first_name, last_name, email FROM users WHERE account_id = $1",
            )
            .bind(account.account_id)
            .fetch_all(db.pool())
            .await
            .unwrap();
            // "acme" is in about half of the addresses (a walk), "ria" in a few names.
            for q in ["acme", "ria"] {
                let mut expected: Vec<UserId> = everyone
                    .iter()
                    .filter(|(_, first, last, email)| {
                        UserKeys::of(first, last, email).search_text.contains(q)
                    })
                    .map(|(id, ..)| *id)
                    .collect();
                expected.sort();
                for sort in ["name", "email", "status", "last_login"] {
                    for dir in ["asc", "desc"] {
                        let pairs = [("q", q), ("sort", sort), ("dir", dir), ("size", "100")];
                        let (forward, backward, total) = walk(&db, &grant, &pairs).await;
                        assert_eq!(forward, backward, "{url} {pairs:?}: back differs");
                        let mut found = forward.clone();
                        found.sort();
                        assert_eq!(found, expected, "{url} {pairs:?}");
                        if expected.len() <= 1_000 {
                            assert_eq!(total, expected.len() as u64, "{url} {pairs:?}");
                        }
                    }
                }
                let page = list_users(&db, &grant, &query(&[("q", q)], None))
                    .await
                    .unwrap();
                let kind = page.total.kind;
                if expected.len() > 2 * 1_000
                    || (expected.len() > 1_000 && url.starts_with("sqlite"))
                {
                    assert_ne!(kind, TotalKind::Exact, "{url} {q}: counting stops");
                } else if expected.len() <= 1_000 {
                    assert_eq!(kind, TotalKind::Exact, "{url} {q}");
                }
            }
        }
    }

    #[tokio::test]
    async fn the_search_index_follows_every_insert_delete_and_backfilled_key() {
        for url in database_urls().await {
            let db = Db::connect(&url, 4).await.unwrap();
            let account = test_account(&db).await;
            let active = UserStatus::Active;
            let gone =
                add_person(&db, &account, ("Gone", "Quixote", "gq@example.com"), active).await;
            let old =
                add_person(&db, &account, ("Olde", "Quixote", "oq@example.com"), active).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let reader = admin.grant::<UsersRead>().unwrap();
            assert_eq!(search(&db, &reader, "uixot").await.len(), 2, "{url}");

            let deleter = admin.grant::<UsersDelete>().unwrap();
            delete_users(&db, &deleter, &UserIds::parse(&[gone.get()]).unwrap(), NOW)
                .await
                .unwrap();
            assert_eq!(
                search(&db, &reader, "uixot").await,
                vec!["oq@example.com"],
                "{url}"
            );

            // A user stored before substring search has no keys until the backfill.
            sqlx::query("UPDATE users SET search_text = '', name_key = 'x' WHERE id = $1")
                .bind(old)
                .execute(db.pool())
                .await
                .unwrap();
            assert!(search(&db, &reader, "uixot").await.is_empty(), "{url}");
            assert_eq!(backfill_search_keys(&db).await.unwrap(), 1, "{url}");
            assert_eq!(
                backfill_search_keys(&db).await.unwrap(),
                0,
                "{url}: once only"
            );
            assert_eq!(
                search(&db, &reader, "uixot").await,
                vec!["oq@example.com"],
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn a_walk_that_runs_out_of_budget_collects_and_every_page_is_the_same() {
        use super::paging::{Edge, fetch_rows};
        use super::search::{Finder, Plan};
        for url in database_urls().await {
            let db = Db::connect(&url, 4).await.unwrap();
            let account = test_account(&db).await;
            add_generated_users(&db, account.account_id, account.member_role_id, 400, 1, NOW)
                .await
                .unwrap();
            for q in ["ria", "an", "example"] {
                for (sort, dir, status) in [
                    ("name", "asc", ""),
                    ("name", "desc", "active"),
                    ("email", "desc", ""),
                    ("email", "asc", "active"),
                    ("status", "asc", ""),
                    ("status", "desc", "suspended"),
                    ("last_login", "desc", ""),
                    ("last_login", "asc", "active"),
                ] {
                    let pairs = [("q", q), ("sort", sort), ("dir", dir), ("status", status)];
                    let query = query(&pairs, None);
                    let planned = Finder::plan(&db, account.account_id, &query).await.unwrap();
                    let collect = Finder {
                        plan: Plan::Collect,
                        ..planned.clone()
                    };
                    for budget in [3, 40, 100_000] {
                        let walk = Finder {
                            plan: Plan::Walk,
                            walk_budget: budget,
                            ..planned.clone()
                        };
                        let mut cursor = None;
                        loop {
                            let edge = Edge {
                                cursor: cursor.as_ref(),
                                dir: query.dir,
                            };
                            let walked =
                                fetch_rows(&db, account.account_id, &query, &walk, &edge, 26)
                                    .await
                                    .unwrap();
                            let collected =
                                fetch_rows(&db, account.account_id, &query, &collect, &edge, 26)
                                    .await
                                    .unwrap();
                            let ids = |rows: &[super::rows::UserRecord]| {
                                rows.iter()
                                    .map(|row| row.cursor(query.sort))
                                    .collect::<Vec<_>>()
                            };
                            assert_eq!(
                                ids(&walked),
                                ids(&collected),
                                "{url} {q} {sort} {dir} {status} budget {budget}"
                            );
                            match walked.last() {
                                Some(row) if walked.len() == 26 => {
                                    cursor = Some(row.cursor(query.sort))
                                }
                                _ => break,
                            }
                        }
                    }
                }
            }
        }
    }
}
