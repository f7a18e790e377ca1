//! The real server on port 0, called over HTTP: sign-in, sessions, authorisation, the
//! Delete Selected rules, bad input and paging, on SQLite and (when
//! `ROSTER_TEST_POSTGRES_URL` is set) on PostgreSQL.

use app::accounts::{CreatedAccount, NewPrimaryAdmin, create_account};
use app::auth::password::hash_password;
use app::clock::ManualClock;
use app::db::Db;
use app::email::Email;
use app::scratch::database_urls;
use app::seed::{Fixture, add_app, add_fixture, add_users};
use app::users::UserStatus;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::startup::{Application, Settings};
use std::collections::HashSet;
use std::sync::Arc;

const NOW: i64 = 1_800_000_000;
const PRIMARY_EMAIL: &str = "primary@example.com";
const PASSWORD: &str = "a long enough password";

/// A running server, its database, its clock, and an HTTP client with a cookie jar.
struct TestApp {
    address: String,
    db: Db,
    clock: Arc<ManualClock>,
    account: CreatedAccount,
    client: reqwest::Client,
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn spawn_app(database_url: &str) -> TestApp {
    let settings = Settings {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: database_url.to_owned(),
        max_connections: 4,
        secure_cookies: false,
    };
    let clock = Arc::new(ManualClock::starting_at(NOW));
    let application = Application::build(&settings, clock.clone())
        .await
        .expect("the server starts");
    let address = format!("http://{}", application.address());
    let db = application.db().clone();
    tokio::spawn(application.run());
    let admin = NewPrimaryAdmin {
        email: Email::parse(PRIMARY_EMAIL).unwrap(),
        first_name: "Pat".into(),
        last_name: "Primary".into(),
        password: PASSWORD.into(),
    };
    let account = create_account(&db, "Test Org", admin, NOW).await.unwrap();
    TestApp {
        address,
        db,
        clock,
        account,
        client: client(),
    }
}

impl TestApp {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    async fn sign_in_as(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        client
            .post(self.url("/api/login"))
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    async fn sign_in(&self) {
        let response = self.sign_in_as(&self.client, PRIMARY_EMAIL, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
    }

    async fn list(&self, query: &str) -> reqwest::Response {
        self.list_with(&self.client, query).await
    }

    async fn list_with(&self, client: &reqwest::Client, query: &str) -> reqwest::Response {
        client
            .get(self.url(&format!("/api/list_users?{query}")))
            .send()
            .await
            .unwrap()
    }

    async fn list_json(&self, query: &str) -> Value {
        let response = self.list(query).await;
        assert_eq!(response.status(), StatusCode::OK, "list_users?{query}");
        response.json().await.unwrap()
    }

    async fn delete(&self, ids: &[i64]) -> reqwest::Response {
        self.delete_with(&self.client, json!({ "ids": ids })).await
    }

    async fn delete_with(&self, client: &reqwest::Client, body: Value) -> reqwest::Response {
        client
            .post(self.url("/api/delete_users"))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// A Delete Selected request carrying one extra header, as another site might send it.
    async fn delete_with_header(
        &self,
        (name, value): (&str, &str),
        ids: &[i64],
    ) -> reqwest::Response {
        self.client
            .post(self.url("/api/delete_users"))
            .header(name, value)
            .json(&json!({ "ids": ids }))
            .send()
            .await
            .unwrap()
    }

    async fn add_user(&self, first_name: &str, email: &str, status: UserStatus) -> i64 {
        let fixture = Fixture {
            first_name,
            last_name: "Example",
            email,
            status,
        };
        add_fixture(
            &self.db,
            self.account.account_id,
            self.account.member_role_id,
            &fixture,
            NOW,
        )
        .await
        .unwrap()
    }

    /// A second admin with the given role, who can sign in with `PASSWORD`.
    async fn add_admin(&self, email: &str, role_name: &str) -> i64 {
        let hash = hash_password(PASSWORD.into()).await.unwrap();
        sqlx::query(
            "INSERT INTO users (account_id, email, first_name, last_name, name_key, last_key,
                                status, role_id, password_hash, created_at)
             SELECT $1, $2, 'Second', 'Admin', 'second admin', 'admin', 1, r.id, $3, $4
             FROM roles r WHERE r.account_id = $1 AND r.name = $5
             RETURNING id",
        )
        .bind(self.account.account_id)
        .bind(email)
        .bind(hash)
        .bind(NOW)
        .bind(role_name)
        .fetch_one(self.db.pool())
        .await
        .map(|row| sqlx::Row::get::<i64, _>(&row, "id"))
        .unwrap()
    }

    async fn user_count(&self) -> i64 {
        sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(self.db.pool())
            .await
            .map(|row| sqlx::Row::get::<i64, _>(&row, "n"))
            .unwrap()
    }
}

/// Runs `check` against a fresh server on every engine available.
async fn on_every_engine<F, Fut>(check: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    for url in database_urls().await {
        check(spawn_app(&url).await).await;
    }
}

#[tokio::test]
async fn signing_in_with_the_right_password_opens_the_console() {
    on_every_engine(|app| async move {
        let response = app.sign_in_as(&app.client, PRIMARY_EMAIL, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
        let cookie = response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));

        let me: Value = app
            .client
            .get(app.url("/api/current_admin"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["email"], PRIMARY_EMAIL);
        assert_eq!(me["is_primary_admin"], true);
        assert_eq!(me["can_delete_users"], true);

        let page = app
            .client
            .get(app.url("/users"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(
            html.contains(PRIMARY_EMAIL),
            "the first page is rendered on the server"
        );
    })
    .await;
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    on_every_engine(|app| async move {
        let wrong_password = app
            .sign_in_as(&app.client, PRIMARY_EMAIL, "not the password")
            .await;
        let status = wrong_password.status();
        let body = wrong_password.text().await.unwrap();
        let unknown = app
            .sign_in_as(&app.client, "nobody@example.com", PASSWORD)
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(unknown.status(), status);
        assert_eq!(unknown.text().await.unwrap(), body);
        assert_eq!(app.list("").await.status(), StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn requests_without_a_session_get_401_and_pages_go_to_sign_in() {
    on_every_engine(|app| async move {
        assert_eq!(app.list("").await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            app.delete(&[app.account.primary_admin_id]).await.status(),
            StatusCode::UNAUTHORIZED
        );
        let me = app
            .client
            .get(app.url("/api/current_admin"))
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), StatusCode::UNAUTHORIZED);

        let page = app
            .client
            .get(app.url("/users?q=ann"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::FOUND);
        assert_eq!(page.headers()["location"], "/login?next=%2Fusers%3Fq%3Dann");
        assert_eq!(app.user_count().await, 1);
    })
    .await;
}

#[tokio::test]
async fn delete_selected_keeps_app_owners_with_their_reason_and_deletes_the_rest() {
    on_every_engine(|app| async move {
        let owner = app
            .add_user("Ann", "ann@example.com", UserStatus::Active)
            .await;
        let developer = app
            .add_user("Bob", "bob@example.com", UserStatus::Suspended)
            .await;
        let invited = app
            .add_user("Cy", "cy@example.com", UserStatus::NotActive)
            .await;
        add_app(
            &app.db,
            app.account.account_id,
            "HR Bot",
            owner,
            &[(developer, 2)],
            NOW,
        )
        .await
        .unwrap();
        app.sign_in().await;

        let response = app.delete(&[owner, developer, invited]).await;

        assert_eq!(response.status(), StatusCode::OK);
        let report: Value = response.json().await.unwrap();
        assert_eq!(report["deleted"], json!([developer, invited]));
        assert_eq!(report["kept"][0]["email"], "ann@example.com");
        assert_eq!(
            report["kept"][0]["reason"],
            json!({ "OwnsApps": ["HR Bot"] })
        );
        let remaining = app.list_json("q=ann").await;
        assert_eq!(remaining["total"]["value"], 1);
        assert_eq!(app.list_json("q=bob").await["total"]["value"], 0);
    })
    .await;
}

#[tokio::test]
async fn admins_cannot_delete_themselves_or_the_primary_admin() {
    on_every_engine(|app| async move {
        let second = app.add_admin("second@example.com", "Master Admin").await;
        let client = client();
        assert_eq!(
            app.sign_in_as(&client, "second@example.com", PASSWORD)
                .await
                .status(),
            StatusCode::OK
        );

        let body = json!({ "ids": [second, app.account.primary_admin_id] });
        let report: Value = app.delete_with(&client, body).await.json().await.unwrap();

        assert_eq!(report["deleted"], json!([]));
        assert_eq!(report["kept"][0]["reason"], "IsPrimaryAdmin");
        assert_eq!(report["kept"][1]["reason"], "IsYou");
        assert_eq!(app.user_count().await, 2);
    })
    .await;
}

#[tokio::test]
async fn an_admin_role_without_the_delete_permission_is_forbidden() {
    on_every_engine(|app| async move {
        app.add_admin("viewer@example.com", "User Admin").await;
        let target = app
            .add_user("Dee", "dee@example.com", UserStatus::Active)
            .await;
        let client = client();
        assert_eq!(
            app.sign_in_as(&client, "viewer@example.com", PASSWORD)
                .await
                .status(),
            StatusCode::OK
        );

        assert_eq!(app.list_with(&client, "").await.status(), StatusCode::OK);
        let me: Value = client
            .get(app.url("/api/current_admin"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            me["can_delete_users"], false,
            "the console disables its delete controls"
        );
        let refused = app.delete_with(&client, json!({ "ids": [target] })).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.user_count().await, 3);
    })
    .await;
}

#[tokio::test]
async fn state_changes_from_another_origin_are_refused() {
    on_every_engine(|app| async move {
        let target = app
            .add_user("Eve", "eve@example.com", UserStatus::Active)
            .await;
        app.sign_in().await;
        let from_elsewhere = app
            .delete_with_header(("origin", "http://evil.example"), &[target])
            .await;
        assert_eq!(from_elsewhere.status(), StatusCode::FORBIDDEN);
        let cross_site = app
            .delete_with_header(("sec-fetch-site", "cross-site"), &[target])
            .await;
        assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
        let login_elsewhere = app
            .client
            .post(app.url("/api/login"))
            .header("origin", "http://evil.example")
            .form(&[("email", PRIMARY_EMAIL), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(login_elsewhere.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.list_json("q=eve").await["total"]["value"], 1);
    })
    .await;
}

#[tokio::test]
async fn bad_input_gets_a_4xx_and_changes_nothing() {
    on_every_engine(|app| async move {
        let kept = app
            .add_user("Fay", "fay@example.com", UserStatus::Active)
            .await;
        app.sign_in().await;
        let before = app.user_count().await;

        assert_eq!(app.delete(&[]).await.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            app.delete(&[kept, 999_999]).await.status(),
            StatusCode::NOT_FOUND
        );
        let too_many: Vec<i64> = (1..=10_001).collect();
        assert_eq!(
            app.delete(&too_many).await.status(),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(app.delete(&[-1]).await.status(), StatusCode::BAD_REQUEST);
        let malformed = app
            .client
            .post(app.url("/api/delete_users"))
            .header("content-type", "application/json")
            .body("{\"ids\": [1, \"two\"]")
            .send()
            .await
            .unwrap();
        assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);

        for query in [
            "sort=password",
            "dir=sideways",
            "size=1000",
            "status=deleted",
            "q=fay%40%40example.com",
            "after=not-a-cursor",
            "after=0.1.a&before=0.2.b",
        ] {
            let response = app.list(query).await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
            let error: Value = response.json().await.unwrap();
            assert!(
                error["Validation"]["message"].is_string(),
                "{query}: {error}"
            );
        }
        assert_eq!(app.user_count().await, before);
    })
    .await;
}

#[tokio::test]
async fn ids_of_another_account_are_unknown_and_nothing_is_deleted() {
    on_every_engine(|app| async move {
        let mine = app
            .add_user("Gus", "gus@example.com", UserStatus::Active)
            .await;
        let other_admin = NewPrimaryAdmin {
            email: Email::parse("boss@other.example").unwrap(),
            first_name: "Other".into(),
            last_name: "Boss".into(),
            password: PASSWORD.into(),
        };
        let other = create_account(&app.db, "Other Org", other_admin, NOW)
            .await
            .unwrap();
        app.sign_in().await;

        let response = app.delete(&[mine, other.primary_admin_id]).await;

        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.list_json("q=gus").await["total"]["value"], 1);
        assert_eq!(app.user_count().await, 3);
    })
    .await;
}

#[tokio::test]
async fn fifteen_idle_minutes_end_the_session_but_activity_keeps_it_alive() {
    on_every_engine(|app| async move {
        app.sign_in().await;
        app.clock.advance(14 * 60);
        assert_eq!(app.list("").await.status(), StatusCode::OK);
        app.clock.advance(14 * 60);
        assert_eq!(
            app.list("").await.status(),
            StatusCode::OK,
            "activity restarted the idle timer"
        );
        app.clock.advance(15 * 60);
        assert_eq!(app.list("").await.status(), StatusCode::UNAUTHORIZED);
        app.clock.advance(-15 * 60);
        assert_eq!(
            app.list("").await.status(),
            StatusCode::UNAUTHORIZED,
            "an ended session stays ended"
        );
    })
    .await;
}

#[tokio::test]
async fn signing_out_and_being_deleted_end_sessions_at_once() {
    on_every_engine(|app| async move {
        let second = app.add_admin("second@example.com", "Master Admin").await;
        let second_client = client();
        app.sign_in_as(&second_client, "second@example.com", PASSWORD)
            .await;
        assert_eq!(
            app.list_with(&second_client, "").await.status(),
            StatusCode::OK
        );

        app.sign_in().await;
        let report: Value = app.delete(&[second]).await.json().await.unwrap();
        assert_eq!(report["deleted"], json!([second]));
        assert_eq!(
            app.list_with(&second_client, "").await.status(),
            StatusCode::UNAUTHORIZED
        );

        let out = app
            .client
            .post(app.url("/api/logout"))
            .send()
            .await
            .unwrap();
        assert_eq!(out.status(), StatusCode::OK);
        assert_eq!(app.list("").await.status(), StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn paging_over_http_shows_every_user_once_under_every_sort() {
    on_every_engine(|app| async move {
        add_users(
            &app.db,
            app.account.account_id,
            app.account.member_role_id,
            60,
            1,
            NOW,
        )
        .await
        .unwrap();
        app.sign_in().await;
        for sort in ["name", "email", "status", "last_login"] {
            for dir in ["asc", "desc"] {
                let base = format!("sort={sort}&dir={dir}&size=25");
                let mut page = app.list_json(&base).await;
                let total = page["total"]["value"].as_u64().unwrap();
                let mut seen = Vec::new();
                loop {
                    seen.extend(
                        page["rows"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|row| row["id"].as_i64().unwrap()),
                    );
                    match page["next"].as_str() {
                        Some(cursor) => {
                            let cursor = app::users::query::encode_component(cursor);
                            page = app.list_json(&format!("{base}&after={cursor}")).await;
                        }
                        None => break,
                    }
                }
                let unique: HashSet<i64> = seen.iter().copied().collect();
                assert_eq!(unique.len(), seen.len(), "{base}: a row twice");
                assert_eq!(seen.len() as u64, total, "{base}: rows missing");
                assert_eq!(total, 61);
            }
        }
    })
    .await;
}

#[tokio::test]
async fn health_answers_while_the_database_is_reachable() {
    on_every_engine(|app| async move {
        let response = reqwest::get(app.url("/healthz")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    })
    .await;
}
