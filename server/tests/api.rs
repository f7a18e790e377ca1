//! The real server on port 0, called over HTTP, on SQLite and (when
//! `ROSTER_TEST_POSTGRES_URL` is set) on PostgreSQL: sign-in, sessions, authorisation,
//! the Delete Selected rules, bad input, paging, languages and the defects found by
//! review, each with the test that failed before its fix. Each test serves from a
//! multi-thread runtime, as the `roster` binary does: on a current-thread runtime shared
//! with the client, a server-side render now and then never answered.

use app::accounts::{CreatedAccount, DefaultRole};
use app::apps::MemberRole;
use app::apps::{AppRole, UserApp};
use app::audit::{AuditAction, AuditPage, FieldChange};
use app::auth::AdminSession;
use app::auth::reset::ResetFor;
use app::db::Db;
use app::domain::{Permission, UserId, UserStatus};
use app::error::{AppError, Denied, Missing, Problem};
use app::groups::{GroupSummary, MemberPage};
use app::mail::OutboxPage;
use app::me::MyAccount;
use app::state::PasswordSettings;
use app::testing::clock::ManualClock;
use app::testing::fixtures::{
    NOW, PASSWORD, PRIMARY_EMAIL, add_admin, add_app, add_member, other_account, test_account,
};
use app::testing::scratch::database_urls;
use app::testing::smtp_sink::SmtpSink;
use app::users::UserListing;
use app::users::deletion::{DeleteReport, KeptReason};
use app::users::profile::{ProfileEdit, UserDetails};
use app::users::sessions::SessionInfo;
use app::users::status_change::{StatusAction, StatusReport, UnchangedReason};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use server::startup::{Application, MAX_REQUEST_BODY, Settings};
use std::collections::HashSet;
use std::sync::Arc;

/// A refused request: its status, its error, and the message scripts read.
#[derive(Debug)]
struct Refusal {
    status: StatusCode,
    error: AppError,
    message: String,
}

/// A running server, its database, its clock, its first account, and an HTTP client
/// with a cookie jar.
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
        // A request the server never answers fails its test, with the server's output,
        // instead of holding the whole run until CI's limit.
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}

/// The body of an answer as `T`, or the refusal it carries.
async fn decode<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, Refusal> {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        return Ok(serde_json::from_value(body).expect("the answer is the wire type"));
    }
    let message = body["message"].as_str().unwrap_or_default().to_owned();
    let error = serde_json::from_value(body).expect("a refusal carries an AppError");
    Err(Refusal {
        status,
        error,
        message,
    })
}

async fn spawn_app(database_url: &str) -> TestApp {
    spawn_configured(database_url, |_| {}).await
}

/// A server that delivers mail through the SMTP server at `smtp_url`.
async fn spawn_app_with(database_url: &str, smtp_url: Option<String>) -> TestApp {
    spawn_configured(database_url, |settings| settings.smtp_url = smtp_url).await
}

/// A server with the tests' settings (no per-address limit), changed by `configure`.
async fn spawn_configured(database_url: &str, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = Settings {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: database_url.to_owned(),
        max_connections: 4,
        insecure_cookies: false,
        smtp_url: None,
        mail_from: None,
        public_url: None,
        passwords: PasswordSettings::default(),
        attempts_per_minute: 0,
        secret_key: Some(app::secret_box::SecretKey::generate()),
    };
    configure(&mut settings);
    let clock = Arc::new(ManualClock::starting_at(NOW));
    let application = Application::build(&settings, clock.clone())
        .await
        .expect("the server starts");
    let address = format!("http://{}", application.address());
    let db = application.db().clone();
    tokio::spawn(application.run());
    let account = test_account(&db).await;
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

    async fn sign_in_with(
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

    /// Signs `client` in as `email` and returns the session cookie it was given.
    async fn sign_in_as(&self, client: &reqwest::Client, email: &str) -> String {
        let response = self.sign_in_with(client, email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK, "{email} signs in");
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    }

    async fn sign_in(&self) -> String {
        self.sign_in_as(&self.client, PRIMARY_EMAIL).await
    }

    async fn list_users_with(
        &self,
        client: &reqwest::Client,
        query: &str,
    ) -> Result<UserListing, Refusal> {
        let response = client
            .get(self.url(&format!("/api/list_users?{query}")))
            .send()
            .await
            .unwrap();
        decode(response).await
    }

    async fn list_users(&self, query: &str) -> Result<UserListing, Refusal> {
        self.list_users_with(&self.client, query).await
    }

    async fn total(&self, query: &str) -> u64 {
        self.list_users(query)
            .await
            .expect("the grid answers")
            .total
            .value
    }

    /// POSTs `body` as JSON to `path` and decodes the answer.
    async fn post_json<T: DeserializeOwned>(
        &self,
        client: &reqwest::Client,
        path: &str,
        body: Value,
        headers: HeaderMap,
    ) -> Result<T, Refusal> {
        let response = client
            .post(self.url(path))
            .headers(headers)
            .json(&body)
            .send()
            .await
            .unwrap();
        decode(response).await
    }

    async fn delete_users_with(
        &self,
        client: &reqwest::Client,
        body: Value,
        headers: HeaderMap,
    ) -> Result<DeleteReport, Refusal> {
        self.post_json(client, "/api/delete_users", body, headers)
            .await
    }

    async fn delete_users(&self, ids: &[UserId]) -> Result<DeleteReport, Refusal> {
        self.delete_users_with(&self.client, json!({ "ids": ids }), HeaderMap::new())
            .await
    }

    async fn change_status_with(
        &self,
        client: &reqwest::Client,
        body: Value,
        headers: HeaderMap,
    ) -> Result<StatusReport, Refusal> {
        self.post_json(client, "/api/change_status", body, headers)
            .await
    }

    async fn change_status(
        &self,
        ids: &[UserId],
        action: StatusAction,
    ) -> Result<StatusReport, Refusal> {
        let body = json!({ "ids": ids, "action": action });
        self.change_status_with(&self.client, body, HeaderMap::new())
            .await
    }

    /// GETs `path` with `client` and decodes the answer.
    async fn get_json<T: DeserializeOwned>(
        &self,
        client: &reqwest::Client,
        path: &str,
    ) -> Result<T, Refusal> {
        decode(client.get(self.url(path)).send().await.unwrap()).await
    }

    async fn user_details(&self, id: UserId) -> Result<UserDetails, Refusal> {
        self.get_json(&self.client, &format!("/api/get_user?id={id}"))
            .await
    }

    async fn save_profile(&self, id: UserId, edit: &ProfileEdit) -> Result<UserDetails, Refusal> {
        let body = json!({ "id": id, "edit": edit });
        self.post_json(&self.client, "/api/save_profile", body, HeaderMap::new())
            .await
    }

    async fn audit_log(&self, query: &str) -> Result<AuditPage, Refusal> {
        let response = self
            .client
            .get(self.url(&format!("/api/list_audit_events?{query}")))
            .send()
            .await
            .unwrap();
        decode(response).await
    }

    /// The status of `user`, read directly.
    async fn status_of_user(&self, user: UserId) -> UserStatus {
        let (code,): (i64,) = sqlx::query_as("SELECT status FROM users WHERE id = $1")
            .bind(user)
            .fetch_one(self.db.pool())
            .await
            .unwrap();
        UserStatus::from_code(code).unwrap()
    }

    /// The status of the one user a grid query finds.
    async fn status_of(&self, query: &str) -> UserStatus {
        let listing = self.list_users(query).await.unwrap();
        assert_eq!(listing.rows.len(), 1, "{query} finds one user");
        listing.rows[0].status
    }

    async fn current_admin(&self, client: &reqwest::Client) -> Result<AdminSession, Refusal> {
        decode(
            client
                .get(self.url("/api/current_admin"))
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    async fn page(&self, path: &str, headers: HeaderMap) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("accept", "text/html")
            .headers(headers)
            .send()
            .await
            .unwrap()
    }

    /// A second admin of the first account with `role`, signed in on their own client.
    /// Saves the default Sign-in security with `changes` over its current version, as
    /// the Primary Admin signed in on `self.client`.
    async fn change_sign_in_security(&self, changes: Value) {
        let settings: Value = self
            .get_json(&self.client, "/api/get_user_settings")
            .await
            .unwrap();
        let mut policy = json!({
            "two_factor": "off", "idle_timeout_minutes": 15, "session_lifetime_hours": 12,
            "lock_after": 5, "lock_window_minutes": 15, "unlock_after_minutes": 30
        });
        for (field, value) in changes.as_object().unwrap() {
            policy[field] = value.clone();
        }
        let body =
            json!({ "settings": policy, "version": settings["sign_in_security"]["version"] });
        self.post_json::<Value>(
            &self.client,
            "/api/save_sign_in_security",
            body,
            HeaderMap::new(),
        )
        .await
        .unwrap();
    }

    /// A signed-in admin whose custom role holds `permission` alone.
    async fn custom_admin(&self, email: &str, permission: Permission) -> reqwest::Client {
        let (role,): (i64,) = sqlx::query_as(
            "INSERT INTO roles (account_id, name, name_key, is_admin)
             VALUES ($1, 'Custom', 'custom', 1) RETURNING id",
        )
        .bind(self.account.account_id)
        .fetch_one(self.db.pool())
        .await
        .unwrap();
        sqlx::query("INSERT INTO role_permissions (role_id, permission) VALUES ($1, $2)")
            .bind(role)
            .bind(permission.key())
            .execute(self.db.pool())
            .await
            .unwrap();
        let id = add_admin(&self.db, &self.account, email, DefaultRole::UserAdmin).await;
        sqlx::query("UPDATE users SET role_id = $1 WHERE id = $2")
            .bind(role)
            .bind(id)
            .execute(self.db.pool())
            .await
            .unwrap();
        let client = client();
        self.sign_in_as(&client, email).await;
        client
    }

    async fn second_admin(&self, email: &str, role: DefaultRole) -> (UserId, reqwest::Client) {
        let id = add_admin(&self.db, &self.account, email, role).await;
        let client = client();
        self.sign_in_as(&client, email).await;
        (id, client)
    }

    async fn member(&self, first_name: &str, email: &str, status: UserStatus) -> UserId {
        add_member(&self.db, &self.account, first_name, email, status).await
    }

    /// `count` active members, e-mailed `{prefix}{n}@example.com`.
    async fn members(&self, prefix: &str, count: usize) -> Vec<UserId> {
        let mut ids = Vec::with_capacity(count);
        for n in 0..count {
            let email = format!("{prefix}{n}@example.com");
            ids.push(self.member("Member", &email, UserStatus::Active).await);
        }
        ids
    }

    async fn user_count(&self) -> i64 {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
            .fetch_one(self.db.pool())
            .await
            .unwrap();
        count
    }

    /// How many users the first account has.
    async fn account_users(&self) -> i64 {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE account_id = $1")
            .bind(self.account.account_id)
            .fetch_one(self.db.pool())
            .await
            .unwrap();
        count
    }

    /// The changes audited in the first account, as (action, target id) pairs: its
    /// sign-ins and sign-outs are left out.
    async fn audit_trail(&self) -> Vec<(String, i64)> {
        sqlx::query_as(
            "SELECT action, target_id FROM audit_events WHERE account_id = $1
             AND action NOT IN ('user.signed_in', 'user.signed_out') ORDER BY id",
        )
        .bind(self.account.account_id)
        .fetch_all(self.db.pool())
        .await
        .unwrap()
    }
}

fn header(name: &'static str, value: &'static str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(name, HeaderValue::from_static(value));
    headers
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_with_the_right_password_opens_the_console() {
    on_every_engine(|app| async move {
        let response = app.sign_in_with(&app.client, PRIMARY_EMAIL, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
        let cookie = response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));

        let me = app.current_admin(&app.client).await.unwrap();
        assert_eq!(me.email.as_str(), PRIMARY_EMAIL);
        assert!(me.is_primary_admin);
        assert!(Permission::ALL.iter().all(|permission| me.can(*permission)));

        let page = app.page("/users", HeaderMap::new()).await;
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(
            html.contains(PRIMARY_EMAIL),
            "the first page is rendered on the server"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    on_every_engine(|app| async move {
        let wrong_password = app
            .sign_in_with(&app.client, PRIMARY_EMAIL, "not the password")
            .await;
        let status = wrong_password.status();
        let body = wrong_password.text().await.unwrap();
        let unknown = app
            .sign_in_with(&app.client, "nobody@example.com", PASSWORD)
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(unknown.status(), status);
        assert_eq!(unknown.text().await.unwrap(), body);
        let error: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["code"], "invalid_credentials");
        assert_eq!(error["message"], "The e-mail or password is not correct.");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_signs_in_to_their_own_account_and_never_reaches_the_console() {
    on_every_engine(|app| async move {
        let member = add_admin(
            &app.db,
            &app.account,
            "member@example.com",
            DefaultRole::Member,
        )
        .await;
        let response = app
            .client
            .post(app.url("/api/login"))
            .header("accept", "text/html")
            .form(&[
                ("email", "member@example.com"),
                ("password", PASSWORD),
                ("next", "/users"),
            ])
            .send()
            .await
            .unwrap();
        assert!(response.status().is_redirection(), "{}", response.status());
        assert_eq!(
            response.headers()["location"],
            "/me",
            "a member lands on /me"
        );

        let mine: MyAccount = app.get_json(&app.client, "/api/my_account").await.unwrap();
        assert_eq!(mine.email.as_str(), "member@example.com");
        assert!(!mine.is_admin);
        assert_eq!(mine.sessions.len(), 1);
        assert!(mine.sessions[0].is_yours);

        let refusal = app.current_admin(&app.client).await.unwrap_err();
        assert_eq!(refusal.status, StatusCode::FORBIDDEN);
        for path in ["/api/list_users", "/api/list_audit_events"] {
            let refusal: Refusal = app.get_json::<Value>(&app.client, path).await.unwrap_err();
            assert_eq!(refusal.status, StatusCode::FORBIDDEN, "{path}");
        }
        let body = json!({ "ids": [app.account.primary_admin_id], "action": "suspend" });
        let refusal = app
            .change_status_with(&app.client, body, HeaderMap::new())
            .await;
        assert_eq!(refusal.unwrap_err().status, StatusCode::FORBIDDEN);
        let page = app.page("/users", HeaderMap::new()).await;
        assert!(page.status().is_redirection(), "{}", page.status());
        assert_eq!(page.headers()["location"], "/me");

        let ended: u64 = app
            .post_json(
                &app.client,
                "/api/end_my_session",
                json!({ "session": mine.sessions[0].id }),
                HeaderMap::new(),
            )
            .await
            .unwrap();
        assert_eq!(ended, 1, "user {member}");
        let refusal: Refusal = app
            .get_json::<MyAccount>(&app.client, "/api/my_account")
            .await
            .unwrap_err();
        assert_eq!(refusal.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.status_of_user(member).await, UserStatus::Active);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_right_password_of_a_user_who_may_not_sign_in_reads_exactly_like_a_wrong_one() {
    on_every_engine(|app| async move {
        let barred = add_admin(
            &app.db,
            &app.account,
            "barred@example.com",
            DefaultRole::Member,
        )
        .await;
        app.sign_in().await;
        app.change_status(&[barred], StatusAction::Suspend)
            .await
            .unwrap();
        let stranger = client();
        let right = app
            .sign_in_with(&stranger, "barred@example.com", PASSWORD)
            .await;
        let (right_status, right_body) = (right.status(), right.text().await.unwrap());
        let wrong = app
            .sign_in_with(&stranger, "barred@example.com", "wrong password!")
            .await;

        assert_eq!(right_status, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong.status(), right_status);
        assert_eq!(wrong.text().await.unwrap(), right_body);
        let refusal: Refusal = app
            .get_json::<MyAccount>(&stranger, "/api/my_account")
            .await
            .unwrap_err();
        assert_eq!(
            refusal.status,
            StatusCode::UNAUTHORIZED,
            "no session was started"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_without_a_session_get_401_and_pages_go_to_sign_in() {
    on_every_engine(|app| async move {
        let refusal = app.list_users("").await.unwrap_err();
        assert_eq!(refusal.status, StatusCode::UNAUTHORIZED);
        assert_eq!(refusal.error, AppError::Unauthenticated);
        let refusal = app
            .delete_users(&[app.account.primary_admin_id])
            .await
            .unwrap_err();
        assert_eq!(refusal.status, StatusCode::UNAUTHORIZED);
        let refusal = app.current_admin(&app.client).await.unwrap_err();
        assert_eq!(refusal.status, StatusCode::UNAUTHORIZED);

        let page = app.page("/users?q=ann", HeaderMap::new()).await;
        assert_eq!(page.status(), StatusCode::FOUND);
        assert_eq!(page.headers()["location"], "/login?next=%2Fusers%3Fq%3Dann");
        assert_eq!(app.user_count().await, 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_selected_keeps_app_owners_with_their_reason_and_deletes_the_rest() {
    on_every_engine(|app| async move {
        let owner = app
            .member("Ann", "ann@example.com", UserStatus::Active)
            .await;
        let developer = app
            .member("Bob", "bob@example.com", UserStatus::Suspended)
            .await;
        let invited = app
            .member("Cy", "cy@example.com", UserStatus::NotActive)
            .await;
        add_app(
            &app.db,
            &app.account,
            "HR Bot",
            owner,
            &[(developer, MemberRole::Developer)],
        )
        .await;
        app.sign_in().await;

        let report = app
            .delete_users(&[owner, developer, invited])
            .await
            .unwrap();

        assert_eq!(report.deleted, vec![developer, invited]);
        assert_eq!(report.kept[0].email.as_str(), "ann@example.com");
        let apps = vec!["HR Bot".to_owned()];
        assert_eq!(report.kept[0].reason, KeptReason::OwnsApps { apps });
        assert_eq!(app.total("q=ann").await, 1);
        assert_eq!(app.total("q=bob").await, 0);
        let trail = app.audit_trail().await;
        assert_eq!(
            trail,
            vec![
                ("user.deleted".to_owned(), developer.get()),
                ("user.deleted".to_owned(), invited.get())
            ],
            "one event per deleted user, none for the kept owner"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_cannot_delete_themselves_or_the_primary_admin() {
    on_every_engine(|app| async move {
        let (second, client) = app
            .second_admin("second@example.com", DefaultRole::MasterAdmin)
            .await;

        let ids = json!({ "ids": [second, app.account.primary_admin_id] });
        let report = app
            .delete_users_with(&client, ids, HeaderMap::new())
            .await
            .unwrap();

        assert!(report.deleted.is_empty());
        assert_eq!(report.kept[0].reason, KeptReason::IsPrimaryAdmin);
        assert_eq!(report.kept[1].reason, KeptReason::IsYou);
        assert_eq!(app.user_count().await, 2);
        assert!(app.audit_trail().await.is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_role_without_the_delete_permission_is_forbidden_and_nothing_changes() {
    on_every_engine(|app| async move {
        let target = app
            .member("Dee", "dee@example.com", UserStatus::Active)
            .await;
        let (_, client) = app
            .second_admin("viewer@example.com", DefaultRole::UserAdmin)
            .await;

        assert!(app.list_users_with(&client, "").await.is_ok());
        let me = app.current_admin(&client).await.unwrap();
        assert!(me.can(Permission::UsersRead));
        assert!(
            !me.can(Permission::UsersDelete),
            "the console disables its delete controls"
        );
        let refusal = app
            .delete_users_with(&client, json!({ "ids": [target] }), HeaderMap::new())
            .await
            .unwrap_err();
        assert_eq!(refusal.status, StatusCode::FORBIDDEN);
        let denied = Denied::MissingPermission {
            permission: Permission::UsersDelete,
        };
        assert_eq!(refusal.error, AppError::Forbidden { denied });
        assert_eq!(
            refusal.message,
            "Your admin role does not allow this (users.delete)."
        );
        assert_eq!(app.user_count().await, 3);
        assert!(app.audit_trail().await.is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_changes_from_another_origin_are_refused() {
    on_every_engine(|app| async move {
        let target = app
            .member("Eve", "eve@example.com", UserStatus::Active)
            .await;
        app.sign_in().await;
        for headers in [
            header("origin", "http://evil.example"),
            header("sec-fetch-site", "cross-site"),
        ] {
            let refusal = app
                .delete_users_with(&app.client, json!({ "ids": [target] }), headers.clone())
                .await
                .unwrap_err();
            assert_eq!(refusal.status, StatusCode::FORBIDDEN);
            let denied = Denied::CrossOrigin;
            assert_eq!(refusal.error, AppError::Forbidden { denied });
            let body = json!({ "ids": [target], "action": "suspend" });
            let refusal = app
                .change_status_with(&app.client, body, headers)
                .await
                .unwrap_err();
            assert_eq!(refusal.status, StatusCode::FORBIDDEN);
        }
        let login_elsewhere = app
            .client
            .post(app.url("/api/login"))
            .header("origin", "http://evil.example")
            .form(&[("email", PRIMARY_EMAIL), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(login_elsewhere.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.status_of("q=eve").await, UserStatus::Active);
        assert!(app.audit_trail().await.is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_4xx_naming_the_problem_and_changes_nothing() {
    on_every_engine(|app| async move {
        let kept = app
            .member("Fay", "fay@example.com", UserStatus::Active)
            .await;
        app.sign_in().await;
        let before = app.user_count().await;
        let refused = |body: Value| app.delete_users_with(&app.client, body, HeaderMap::new());

        let empty = refused(json!({ "ids": [] })).await.unwrap_err();
        assert_eq!(empty.error, AppError::invalid("ids", Problem::Required));
        let unknown = refused(json!({ "ids": [kept, 999_999] }))
            .await
            .unwrap_err();
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        let missing = Missing::Users {
            ids: vec![999_999],
            more: false,
        };
        assert_eq!(unknown.error, AppError::NotFound { missing });
        let too_many: Vec<i64> = (1..=10_001).collect();
        let refusal = refused(json!({ "ids": too_many })).await.unwrap_err();
        assert_eq!(
            refusal.error,
            AppError::invalid("ids", Problem::TooMany { max: 10_000 })
        );
        let refusal = refused(json!({ "ids": [-1] })).await.unwrap_err();
        assert_eq!(
            refusal.error,
            AppError::invalid("ids", Problem::NotAnId { value: -1 })
        );
        let malformed = app
            .client
            .post(app.url("/api/delete_users"))
            .header("content-type", "application/json")
            .body("{\"ids\": [1, \"two\"]")
            .send()
            .await
            .unwrap();
        assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);

        for (query, field) in [
            ("sort=password", "sort"),
            ("dir=sideways", "dir"),
            ("size=1000", "size"),
            ("status=deleted", "status"),
            ("q=fay%07", "q"),
            ("q=a%00b", "q"),
            ("after=not-a-cursor", "after"),
            ("after=0.1.a%00b", "after"),
            ("before=1.5.x%0Ay", "before"),
            ("after=0.1.a&before=0.2.b", "before"),
        ] {
            let refusal = app.list_users(query).await.unwrap_err();
            assert_eq!(refusal.status, StatusCode::BAD_REQUEST, "{query}");
            assert!(
                matches!(&refusal.error, AppError::Invalid { field: f, .. } if f == field),
                "{query}: {refusal:?}"
            );
            assert!(
                !refusal.message.is_empty(),
                "{query}: scripts get a message"
            );
        }
        assert_eq!(app.user_count().await, before);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_is_refused_with_413_before_it_is_read() {
    on_every_engine(|app| async move {
        app.sign_in().await;
        let huge = format!(
            "{{\"ids\": [{}]}}",
            "1, ".repeat(MAX_REQUEST_BODY / 3) + "1"
        );
        let response = app
            .client
            .post(app.url("/api/delete_users"))
            .header("content-type", "application/json")
            .body(huge)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(app.user_count().await, 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_of_another_account_are_unknown_and_nothing_is_deleted() {
    on_every_engine(|app| async move {
        let mine = app
            .member("Gus", "gus@example.com", UserStatus::Active)
            .await;
        let other = other_account(&app.db, "Other Org", "boss@other.example").await;
        app.sign_in().await;

        let refusal = app
            .delete_users(&[mine, other.primary_admin_id])
            .await
            .unwrap_err();

        assert_eq!(refusal.status, StatusCode::NOT_FOUND);
        assert_eq!(app.total("q=gus").await, 1);
        assert_eq!(app.user_count().await, 3);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifteen_idle_minutes_end_the_session_but_activity_keeps_it_alive() {
    on_every_engine(|app| async move {
        app.sign_in().await;
        app.clock.advance(14 * 60);
        assert!(app.list_users("").await.is_ok());
        app.clock.advance(14 * 60);
        assert!(
            app.list_users("").await.is_ok(),
            "activity restarted the idle timer"
        );
        app.clock.advance(15 * 60);
        let refusal = app.list_users("").await.unwrap_err();
        assert_eq!(refusal.status, StatusCode::UNAUTHORIZED);
        app.clock.advance(-15 * 60);
        assert!(
            app.list_users("").await.is_err(),
            "an ended session stays ended"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_out_session_is_refused_even_when_its_cookie_is_replayed() {
    on_every_engine(|app| async move {
        let cookie = app.sign_in().await;
        let out = app
            .client
            .post(app.url("/api/logout"))
            .send()
            .await
            .unwrap();
        assert_eq!(out.status(), StatusCode::OK);

        let replay = reqwest::Client::new()
            .get(app.url("/api/list_users"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_an_admin_ends_their_session_at_once() {
    on_every_engine(|app| async move {
        let (second, second_client) = app
            .second_admin("second@example.com", DefaultRole::MasterAdmin)
            .await;
        assert!(app.list_users_with(&second_client, "").await.is_ok());

        app.sign_in().await;
        let report = app.delete_users(&[second]).await.unwrap();
        assert_eq!(report.deleted, vec![second]);
        let refusal = app.list_users_with(&second_client, "").await.unwrap_err();
        assert_eq!(refusal.status, StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_sign_in_only_paths_of_this_site_are_returned_to() {
    on_every_engine(|app| async move {
        for (next, expected) in [
            ("/users?q=ann", "/users?q=ann"),
            ("/\t/evil.example", "/dashboard"),
            ("//evil.example", "/dashboard"),
            ("/\\evil.example", "/dashboard"),
            ("https://evil.example/", "/dashboard"),
            ("/users?q=%0A", "/users?q=%0A"),
            ("/users\n?q=\0x", "/users?q="),
        ] {
            let response = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
                .post(app.url("/api/login"))
                .header("accept", "text/html")
                .form(&[
                    ("email", PRIMARY_EMAIL),
                    ("password", PASSWORD),
                    ("next", next),
                ])
                .send()
                .await
                .unwrap();
            assert!(
                response.status().is_redirection(),
                "{next:?}: {}",
                response.status()
            );
            let location = response.headers()["location"].to_str().unwrap();
            assert!(
                location.starts_with(expected),
                "{next:?} went to {location:?}"
            );
            assert!(!location.starts_with("//") && !location.chars().any(char::is_control));
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_deletes_and_reads_never_fail_with_a_server_error() {
    on_every_engine(|app| async move {
        let targets = app.members("busy", 20).await;
        app.sign_in().await;
        let app = Arc::new(app);
        let mut tasks = tokio::task::JoinSet::new();
        for target in targets {
            let deleter = Arc::clone(&app);
            tasks.spawn(async move { deleter.delete_users(&[target]).await.map(|_| ()) });
            let reader = Arc::clone(&app);
            tasks.spawn(async move { reader.list_users("q=busy").await.map(|_| ()) });
        }
        while let Some(outcome) = tasks.join_next().await {
            if let Err(refusal) = outcome.unwrap() {
                panic!("a request failed: {refusal:?}");
            }
        }
        assert_eq!(app.total("q=busy").await, 0);
        assert_eq!(app.audit_trail().await.len(), 20);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_over_http_shows_every_user_once_under_every_sort() {
    on_every_engine(|app| async move {
        app::loader::add_generated_users(
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
                let mut page = app.list_users(&base).await.unwrap();
                let total = page.total.value;
                let mut seen = Vec::new();
                loop {
                    seen.extend(page.rows.iter().map(|row| row.id));
                    match page.next.clone() {
                        Some(cursor) => {
                            let cursor = app::query_string::encode_component(&cursor);
                            page = app
                                .list_users(&format!("{base}&after={cursor}"))
                                .await
                                .unwrap();
                        }
                        None => break,
                    }
                }
                let unique: HashSet<UserId> = seen.iter().copied().collect();
                assert_eq!(unique.len(), seen.len(), "{base}: a row twice");
                assert_eq!(seen.len() as u64, total, "{base}: rows missing");
                assert_eq!(total, 61);
            }
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_speaks_the_language_the_browser_asks_for_or_the_admin_chose() {
    on_every_engine(|app| async move {
        app.member("Hana", "hana@example.com", UserStatus::Suspended)
            .await;
        app.sign_in().await;

        let japanese = app
            .page("/users", header("accept-language", "ja,en;q=0.5"))
            .await;
        let html = japanese.text().await.unwrap();
        assert!(
            html.contains("<html lang=\"ja\""),
            "the document says its language"
        );
        assert!(html.contains("停止中") && html.contains("ユーザー管理"));

        let english = app
            .page("/users", header("accept-language", "en-GB,en;q=0.9"))
            .await;
        let html = english.text().await.unwrap();
        assert!(html.contains("<html lang=\"en\""));
        assert!(html.contains("Suspended") && html.contains("User Management"));

        let chosen = app
            .page(
                "/users",
                [("accept-language", "en"), ("cookie", "roster_language=ja")]
                    .into_iter()
                    .map(|(name, value)| (name.parse().unwrap(), HeaderValue::from_static(value)))
                    .collect(),
            )
            .await;
        assert!(
            chosen.text().await.unwrap().contains("停止中"),
            "the choice beats the header"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_answers_while_the_database_is_reachable() {
    on_every_engine(|app| async move {
        let response = reqwest::get(app.url("/healthz")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn choosing_a_language_remembers_it_and_unknown_languages_are_refused() {
    on_every_engine(|app| async move {
        let chosen = app
            .client
            .post(app.url("/api/set_language"))
            .form(&[("locale", "ja")])
            .send()
            .await
            .unwrap();
        assert_eq!(chosen.status(), StatusCode::OK);
        let cookie = chosen.headers()["set-cookie"].to_str().unwrap();
        assert!(cookie.starts_with("roster_language=ja"), "{cookie}");
        assert!(cookie.contains("Path=/") && cookie.contains("Max-Age=31536000"));

        let page = app.page("/login", header("accept-language", "en")).await;
        assert!(
            page.text()
                .await
                .unwrap()
                .contains("管理コンソールにサインイン")
        );

        let refused = app
            .client
            .post(app.url("/api/set_language"))
            .form(&[("locale", "fr")])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        let error: Value = refused.json().await.unwrap();
        assert_eq!(error["field"], "locale");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_asks_for_its_own_permission_in_its_own_account_and_a_refusal_changes_nothing()
 {
    on_every_engine(|app| async move {
        let target = app
            .member("Dee", "dee@example.com", UserStatus::Active)
            .await;
        let (_, reader) = app
            .second_admin("reader@example.com", DefaultRole::UserAdmin)
            .await;
        let reader_role = app.current_admin(&reader).await.unwrap();
        let hr = add_app(
            &app.db,
            &app.account,
            "HR Bot",
            app.account.primary_admin_id,
            &[],
        )
        .await;
        let member_role = app.account.member_role_id;
        let (group,): (i64,) = sqlx::query_as(
            "INSERT INTO user_groups (account_id, name, name_key, created_at)
             VALUES ($1, 'Sales', 'sales', 0) RETURNING id",
        )
        .bind(app.account.account_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        let (role,): (i64,) = sqlx::query_as(
            "INSERT INTO roles (account_id, name, name_key, is_admin)
             VALUES ($1, 'Matrix', 'matrix', 1) RETURNING id",
        )
        .bind(app.account.account_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        let profile = json!({
            "id": target,
            "edit": {
                "first_name": "Changed", "last_name": "Name", "role_id": member_role,
                "access": { "builder": true, "app_creation": false, "data_tables": false },
                "version": 1
            }
        });
        let table = [
            (
                Method::GET,
                "/api/list_users".to_owned(),
                None,
                Permission::UsersRead,
            ),
            (
                Method::GET,
                format!("/api/get_user?id={target}"),
                None,
                Permission::UsersRead,
            ),
            (
                Method::GET,
                format!("/api/list_user_sessions?user={target}"),
                None,
                Permission::UsersRead,
            ),
            (
                Method::GET,
                format!("/api/list_user_apps?user={target}"),
                None,
                Permission::UsersRead,
            ),
            (
                Method::GET,
                "/api/list_apps?q=hr".to_owned(),
                None,
                Permission::UsersRead,
            ),
            (
                Method::POST,
                "/api/delete_users".to_owned(),
                Some(json!({ "ids": [target] })),
                Permission::UsersDelete,
            ),
            (
                Method::POST,
                "/api/change_status".to_owned(),
                Some(json!({ "ids": [target], "action": "suspend" })),
                Permission::UsersUpdate,
            ),
            (
                Method::POST,
                "/api/save_profile".to_owned(),
                Some(profile),
                Permission::UsersUpdate,
            ),
            (
                Method::POST,
                "/api/end_sessions".to_owned(),
                Some(json!({ "user": target, "session": null })),
                Permission::SessionsKill,
            ),
            (
                Method::GET,
                "/api/find_apps?q=hr".to_owned(),
                None,
                Permission::AppsAssign,
            ),
            (
                Method::POST,
                "/api/assign_app".to_owned(),
                Some(json!({ "user": target, "app": hr, "role": "tester" })),
                Permission::AppsAssign,
            ),
            (
                Method::POST,
                "/api/change_app_role".to_owned(),
                Some(json!({ "user": target, "app": hr, "role": "developer" })),
                Permission::AppsAssign,
            ),
            (
                Method::POST,
                "/api/remove_app_role".to_owned(),
                Some(json!({ "user": target, "app": hr })),
                Permission::AppsAssign,
            ),
            (
                Method::GET,
                "/api/list_groups".to_owned(),
                None,
                Permission::UsersRead,
            ),
            (
                Method::GET,
                format!("/api/list_group_members?id={group}"),
                None,
                Permission::UsersRead,
            ),
            (
                Method::GET,
                format!("/api/list_user_groups?user={target}"),
                None,
                Permission::UsersRead,
            ),
            (
                Method::POST,
                "/api/create_group".to_owned(),
                Some(json!({ "name": "Support" })),
                Permission::GroupsManage,
            ),
            (
                Method::POST,
                "/api/rename_group".to_owned(),
                Some(json!({ "id": group, "name": "Sales EMEA" })),
                Permission::GroupsManage,
            ),
            (
                Method::POST,
                "/api/change_group_members".to_owned(),
                Some(json!({ "id": group, "users": [target], "join": true })),
                Permission::GroupsManage,
            ),
            (
                Method::POST,
                "/api/delete_group".to_owned(),
                Some(json!({ "id": group })),
                Permission::GroupsManage,
            ),
            (
                Method::GET,
                "/api/list_audit_events".to_owned(),
                None,
                Permission::AuditRead,
            ),
            (
                Method::POST,
                "/api/send_password_reset".to_owned(),
                Some(json!({ "user": target })),
                Permission::UsersUpdate,
            ),
            (
                Method::GET,
                "/api/list_outbox".to_owned(),
                None,
                Permission::OutboxRead,
            ),
            (
                Method::GET,
                "/api/invite_choices".to_owned(),
                None,
                Permission::UsersInvite,
            ),
            (
                Method::POST,
                "/api/invite_users".to_owned(),
                Some(json!({ "emails": ["new@example.com"], "role_id": member_role, "groups": [] })),
                Permission::UsersInvite,
            ),
            (
                Method::POST,
                "/api/resend_invitations".to_owned(),
                Some(json!({ "ids": [target] })),
                Permission::UsersInvite,
            ),
            (
                Method::POST,
                "/api/revoke_invitation".to_owned(),
                Some(json!({ "user": target })),
                Permission::UsersInvite,
            ),
            (
                Method::GET,
                "/api/list_access_requests".to_owned(),
                None,
                Permission::UsersApprove,
            ),
            (
                Method::POST,
                "/api/decide_access_requests".to_owned(),
                Some(json!({ "ids": [1], "approve": false })),
                Permission::UsersApprove,
            ),
            (
                Method::PUT,
                format!("/api/users/{target}/picture"),
                Some(json!({})),
                Permission::UsersUpdate,
            ),
            (
                Method::DELETE,
                format!("/api/users/{target}/picture"),
                None,
                Permission::UsersUpdate,
            ),
            (
                Method::POST,
                "/api/save_profile_fields".to_owned(),
                Some(json!({ "settings": {}, "version": 1 })),
                Permission::SettingsManage,
            ),
            (
                Method::POST,
                "/api/save_self_sign_up".to_owned(),
                Some(json!({ "settings": { "mode": "approval" }, "version": 1 })),
                Permission::SettingsManage,
            ),
            (
                Method::POST,
                "/api/add_account_domain".to_owned(),
                Some(json!({ "domain": "eu.example.com" })),
                Permission::SettingsManage,
            ),
            (
                Method::POST,
                "/api/remove_account_domain".to_owned(),
                Some(json!({ "domain": "eu.example.com" })),
                Permission::SettingsManage,
            ),
            (
                Method::GET,
                "/api/get_user_settings".to_owned(),
                None,
                Permission::UsersRead,
            ),
            (
                Method::POST,
                "/api/save_welcome_emails".to_owned(),
                Some(json!({
                    "settings": { "when_invited": false, "when_synced": true, "when_added_by_api": false },
                    "version": 1
                })),
                Permission::SettingsManage,
            ),
            (
                Method::POST,
                "/api/save_default_access".to_owned(),
                Some(json!({
                    "settings": { "access": { "builder": true, "app_creation": true, "data_tables": false } },
                    "version": 1
                })),
                Permission::SettingsManage,
            ),
            (
                Method::POST,
                "/api/save_sign_in_security".to_owned(),
                Some(json!({
                    "settings": { "two_factor": "off", "idle_timeout_minutes": 15, "session_lifetime_hours": 12, "lock_after": 4, "lock_window_minutes": 15, "unlock_after_minutes": 30 },
                    "version": 1
                })),
                Permission::SettingsManage,
            ),
            (
                Method::GET,
                "/api/get_sso_settings".to_owned(),
                None,
                Permission::UsersRead,
            ),
            (
                Method::POST,
                "/api/save_sso_provider".to_owned(),
                Some(json!({
                    "provider": {
                        "issuer": "https://idp.example.com",
                        "client_id": "roster",
                        "client_secret": "s3cret",
                        "allowed_domains": "example.com"
                    },
                    "version": 0
                })),
                Permission::SettingsManage,
            ),
            (
                Method::POST,
                "/api/switch_sso".to_owned(),
                Some(json!({ "enabled": false, "version": 1 })),
                Permission::SettingsManage,
            ),
            (
                Method::POST,
                "/api/reset_second_factor".to_owned(),
                Some(json!({ "user": target })),
                Permission::UsersUpdate,
            ),
            (
                Method::GET,
                "/api/list_roles".to_owned(),
                None,
                Permission::UsersRead,
            ),
            (
                Method::POST,
                "/api/create_role".to_owned(),
                Some(json!({ "name": "Made here", "description": "", "permissions": ["users.read"] })),
                Permission::RolesManage,
            ),
            (
                Method::POST,
                "/api/update_role".to_owned(),
                Some(json!({
                    "id": role, "version": 1, "name": "Matrix", "description": "Changed",
                    "permissions": []
                })),
                Permission::RolesManage,
            ),
            (
                Method::GET,
                "/api/recent_activity".to_owned(),
                None,
                Permission::AuditRead,
            ),
            (
                Method::GET,
                "/api/dashboard_overview".to_owned(),
                None,
                Permission::UsersRead,
            ),
            (
                Method::GET,
                format!("/api/list_role_holders?id={role}&q=ex"),
                None,
                Permission::UsersRead,
            ),
            (
                Method::POST,
                "/api/assign_role".to_owned(),
                Some(json!({ "id": role, "user": target })),
                Permission::RolesManage,
            ),
            (
                Method::POST,
                "/api/unassign_role".to_owned(),
                Some(json!({ "id": role, "user": target })),
                Permission::RolesManage,
            ),
            (
                Method::POST,
                "/api/delete_role".to_owned(),
                Some(json!({ "id": role, "move_holders_to": null })),
                Permission::RolesManage,
            ),
        ];
        for permission in Permission::ALL {
            assert!(
                table.iter().any(|(_, _, _, needed)| *needed == permission),
                "{} has a row",
                permission.key()
            );
        }
        // Every registered server function is in the table, or is one anyone may call,
        // or one any signed-in person calls about their own session and account.
        let own = [
            "/api/current_admin",
            "/api/my_account",
            "/api/end_my_session",
            "/api/save_my_profile",
            "/api/session_time_left",
            "/api/stay_signed_in",
            "/api/switch_account",
            "/api/confirm_password",
            "/api/my_authenticator",
            "/api/begin_authenticator",
            "/api/confirm_authenticator",
            "/api/renew_recovery_codes",
            "/api/remove_my_authenticator",
            // The Primary Admin's alone, tested on their own.
            "/api/transfer_ownership",
            "/api/hand_over_primary_admin",
        ];
        for (path, _) in leptos::server_fn::axum::server_fn_paths() {
            assert!(
                table.iter().any(|(_, row, _, _)| row.split('?').next() == Some(path))
                    || server::principal::PUBLIC_API.contains(&path)
                    || own.contains(&path),
                "{path} has no row in the authorisation table"
            );
        }

        let (_, member) = app
            .second_admin("member@example.com", DefaultRole::Member)
            .await;
        let (_, master) = app
            .second_admin("master@example.com", DefaultRole::MasterAdmin)
            .await;
        let one_permission = app
            .custom_admin("custom@example.com", Permission::GroupsManage)
            .await;
        let primary = client();
        app.sign_in_as(&primary, PRIMARY_EMAIL).await;
        // The Primary Admin of another account holds every permission there, and none here.
        other_account(&app.db, "Other Org", "boss@other.example").await;
        let stranger = client();
        app.sign_in_as(&stranger, "boss@other.example").await;
        let mut people = vec![
            ("nobody", client(), None),
            ("member", member, Some(Vec::new())),
            ("reader", reader.clone(), Some(reader_role.permissions.iter().collect())),
            ("custom", one_permission, Some(vec![Permission::GroupsManage])),
            ("master", master, Some(Permission::ALL.to_vec())),
            ("primary", primary, Some(Permission::ALL.to_vec())),
        ];
        for (method, path, body, permission) in &table {
            let send = |client: &reqwest::Client| {
                let mut request = client.request(method.clone(), app.url(path));
                if let Some(body) = body {
                    request = request.json(body);
                }
                request.send()
            };
            let (events, users) = (app.audit_trail().await.len(), app.account_users().await);
            let answer = send(&stranger).await.unwrap();
            let status = answer.status();
            assert!(status.as_u16() < 500, "another account's admin: {path} {status}");
            let text = answer.text().await.unwrap();
            for theirs in ["dee@example.com", PRIMARY_EMAIL, "HR Bot"] {
                assert!(!text.contains(theirs), "another account read {theirs} at {path}");
            }
            assert_eq!(app.audit_trail().await.len(), events, "another account: {path}");
            assert_eq!(app.account_users().await, users, "another account: {path}");
            for (who, client, holds) in &mut people {
                let events = app.audit_trail().await.len();
                let users = app.user_count().await;
                let status = send(client).await.unwrap().status();
                match holds {
                    None => assert_eq!(status, StatusCode::UNAUTHORIZED, "{who} calling {path}"),
                    Some(held) if held.contains(permission) => assert!(
                        ![StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&status),
                        "{who} calling {path} holds {} yet got {status}",
                        permission.key()
                    ),
                    Some(_) => {
                        assert_eq!(status, StatusCode::FORBIDDEN, "{who} calling {path}");
                        assert_eq!(app.audit_trail().await.len(), events, "{who}: {path}");
                        assert_eq!(app.user_count().await, users, "{who}: {path}");
                    }
                }
            }
        }
        // What a person does about their own account needs them signed in, nothing more.
        for (path, method) in leptos::server_fn::axum::server_fn_paths() {
            if own.contains(&path) {
                let method = Method::from_bytes(method.as_str().as_bytes()).unwrap();
                let status = client()
                    .request(method, app.url(path))
                    .json(&json!({}))
                    .send()
                    .await
                    .unwrap()
                    .status();
                assert_eq!(status, StatusCode::UNAUTHORIZED, "nobody calling {path}");
            }
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_activity_stream_sends_each_new_event_to_those_who_may_read_the_audit_log() {
    on_every_engine(|app| async move {
        let stream = |client: &reqwest::Client| client.get(app.url("/api/activity_stream")).send();
        assert_eq!(
            stream(&client()).await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
        let grouper = app
            .custom_admin("grouper@example.com", Permission::GroupsManage)
            .await;
        assert_eq!(
            stream(&grouper).await.unwrap().status(),
            StatusCode::FORBIDDEN
        );

        app.sign_in().await;
        let mut live = stream(&app.client).await.unwrap();
        assert_eq!(live.status(), StatusCode::OK);
        assert_eq!(live.headers()["content-type"], "text/event-stream");
        // Another person signs in meanwhile: their sign-in arrives as an event.
        app.sign_in_as(&client(), "grouper@example.com").await;
        let mut received = String::new();
        while !received.contains("grouper@example.com") {
            let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), live.chunk())
                .await
                .expect("an event within seconds")
                .unwrap()
                .expect("the stream goes on");
            received.push_str(&String::from_utf8_lossy(&chunk));
        }
        assert!(received.contains("event: activity"), "{received}");
        assert!(
            received.contains("\"action\":\"user.signed_in\""),
            "{received}"
        );

        // Signed out, the stream ends.
        app.client
            .post(app.url("/api/logout"))
            .send()
            .await
            .unwrap();
        let ended = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            while live.chunk().await.ok().flatten().is_some() {}
        })
        .await;
        assert!(ended.is_ok(), "the stream ends with its session");
        let (signed_out,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'user.signed_out' AND target_id = $1",
        )
        .bind(app.account.primary_admin_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(signed_out, 1, "the sign-out is audited");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_role_changed_by_another_admin_changes_its_holders_next_request() {
    on_every_engine(|app| async move {
        let helper = app
            .custom_admin("helper@example.com", Permission::GroupsManage)
            .await;
        app.sign_in().await;
        let roles: Value = app
            .client
            .get(app.url("/api/list_roles"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let custom = roles
            .as_array()
            .unwrap()
            .iter()
            .find(|role| role["name"] == "Custom")
            .unwrap()
            .clone();
        assert_eq!(custom["permissions"], json!(["groups.manage"]));
        assert_eq!(custom["holders"], 1);
        let create_group = |name: &'static str| {
            helper
                .post(app.url("/api/create_group"))
                .json(&json!({ "name": name }))
                .send()
        };
        assert_eq!(
            create_group("Before").await.unwrap().status(),
            StatusCode::OK
        );

        let narrowed = app
            .client
            .post(app.url("/api/update_role"))
            .json(&json!({
                "id": custom["id"], "version": custom["version"], "name": "Custom",
                "description": "Reads users only", "permissions": ["users.read"]
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(narrowed.status(), StatusCode::OK);
        let refused = create_group("After").await.unwrap();
        assert_eq!(
            refused.status(),
            StatusCode::FORBIDDEN,
            "at once, not at next sign-in"
        );
        let users = helper.get(app.url("/api/list_users")).send().await.unwrap();
        assert_eq!(users.status(), StatusCode::OK);
        let audited: Vec<String> = app
            .audit_trail()
            .await
            .into_iter()
            .map(|(action, _)| action)
            .collect();
        assert!(audited.contains(&"role.updated".to_owned()), "{audited:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspending_an_admin_ends_their_session_at_once_and_activating_lets_them_back() {
    on_every_engine(|app| async move {
        let (second, client) = app
            .second_admin("second@example.com", DefaultRole::UserAdmin)
            .await;
        app.sign_in().await;
        assert!(app.list_users_with(&client, "").await.is_ok());

        let report = app
            .change_status(&[second], StatusAction::Suspend)
            .await
            .unwrap();

        assert_eq!(report.changed, vec![second]);
        let refusal = app.list_users_with(&client, "").await.unwrap_err();
        assert_eq!(refusal.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.status_of("q=second").await, UserStatus::Suspended);
        let barred = app
            .sign_in_with(&client, "second@example.com", PASSWORD)
            .await;
        assert_eq!(barred.status(), StatusCode::UNAUTHORIZED);

        let report = app
            .change_status(&[second], StatusAction::Activate)
            .await
            .unwrap();

        assert_eq!(report.changed, vec![second]);
        app.sign_in_as(&client, "second@example.com").await;
        assert!(app.list_users_with(&client, "").await.is_ok());
        let changed = ("user.status_changed".to_owned(), second.get());
        assert_eq!(app.audit_trail().await, vec![changed.clone(), changed]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transitions_the_state_machine_forbids_are_reported_with_their_reason_and_change_nothing() {
    on_every_engine(|app| async move {
        let active = app
            .member("Ann", "ann@example.com", UserStatus::Active)
            .await;
        let invited = app
            .member("Ivy", "ivy@example.com", UserStatus::NotActive)
            .await;
        let locked = app
            .member("Lou", "lou@example.com", UserStatus::Locked)
            .await;
        let (second, client) = app
            .second_admin("second@example.com", DefaultRole::MasterAdmin)
            .await;
        let primary = app.account.primary_admin_id;

        let ids = json!({ "ids": [active, invited, locked], "action": "activate" });
        let report = app
            .change_status_with(&client, ids, HeaderMap::new())
            .await
            .unwrap();
        assert!(report.changed.is_empty());
        let reasons: Vec<(UserId, UnchangedReason)> = report
            .unchanged
            .iter()
            .map(|user| (user.id, user.reason.clone()))
            .collect();
        let not_from = |status| UnchangedReason::NotFrom { status };
        assert_eq!(
            reasons,
            vec![
                (active, not_from(UserStatus::Active)),
                (invited, UnchangedReason::NoPassword),
                (locked, not_from(UserStatus::Locked)),
            ]
        );
        let ids = json!({ "ids": [primary, second], "action": "suspend" });
        let report = app
            .change_status_with(&client, ids, HeaderMap::new())
            .await
            .unwrap();
        let reasons: Vec<UnchangedReason> = report
            .unchanged
            .into_iter()
            .map(|user| user.reason)
            .collect();
        assert_eq!(
            reasons,
            vec![UnchangedReason::IsPrimaryAdmin, UnchangedReason::IsYou]
        );
        assert!(app.audit_trail().await.is_empty());

        let ids = json!({ "ids": [locked], "action": "deactivate" });
        let report = app
            .change_status_with(&client, ids, HeaderMap::new())
            .await
            .unwrap();
        assert_eq!(report.changed, vec![locked]);
        app.sign_in().await;
        assert_eq!(app.status_of("q=lou").await, UserStatus::NotActive);
        assert_eq!(app.status_of("q=ann").await, UserStatus::Active);
        assert_eq!(app.status_of("q=ivy").await, UserStatus::NotActive);
        assert_eq!(
            app.audit_trail().await,
            vec![("user.status_changed".to_owned(), locked.get())]
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_change_with_bad_input_gets_a_4xx_and_changes_nothing() {
    on_every_engine(|app| async move {
        let mine = app
            .member("Gus", "gus@example.com", UserStatus::Active)
            .await;
        let other = other_account(&app.db, "Other Org", "boss@other.example").await;
        app.sign_in().await;
        let refused = |body: Value| app.change_status_with(&app.client, body, HeaderMap::new());

        let unknown_action = refused(json!({ "ids": [mine], "action": "explode" }))
            .await
            .unwrap_err();
        assert_eq!(unknown_action.status, StatusCode::BAD_REQUEST);
        let no_action = refused(json!({ "ids": [mine] })).await.unwrap_err();
        assert_eq!(no_action.status, StatusCode::BAD_REQUEST);
        let empty = refused(json!({ "ids": [], "action": "suspend" }))
            .await
            .unwrap_err();
        assert_eq!(empty.error, AppError::invalid("ids", Problem::Required));
        let foreign =
            refused(json!({ "ids": [mine, other.primary_admin_id], "action": "suspend" }))
                .await
                .unwrap_err();
        assert_eq!(foreign.status, StatusCode::NOT_FOUND);

        assert_eq!(app.status_of("q=gus").await, UserStatus::Active);
        assert!(app.audit_trail().await.is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_lists_changes_newest_first_filtered_and_paged() {
    on_every_engine(|app| async move {
        let members = app.members("m", 55).await;
        app.sign_in().await;
        app.change_status(&members, StatusAction::Suspend)
            .await
            .unwrap();
        app.clock.advance(2 * 86_400);
        app.sign_in().await;
        app.delete_users(&members[..1]).await.unwrap();

        let newest = app.audit_log("").await.unwrap();
        assert_eq!(newest.entries.len(), 50);
        let deletion = &newest.entries[0];
        assert_eq!(deletion.action, AuditAction::UserDeleted);
        assert_eq!(deletion.actor_email, PRIMARY_EMAIL);
        assert_eq!(deletion.target, "m0@example.com");
        assert!(newest.prev.is_none());
        let older = app
            .audit_log(&format!("after={}", newest.next.clone().unwrap()))
            .await
            .unwrap();
        // 55 suspensions, a deletion and the two sign-ins: 58 in all.
        assert_eq!(older.entries.len(), 8);
        assert_eq!(older.entries[7].action, AuditAction::SignedIn);
        assert!(older.next.is_none());
        let back = app
            .audit_log(&format!("before={}", older.prev.unwrap()))
            .await
            .unwrap();
        assert_eq!(back.entries, newest.entries);

        let about_m1 = app.audit_log("user=M1%40example.com").await.unwrap();
        assert_eq!(about_m1.entries.len(), 1);
        let suspended = FieldChange {
            field: "status".to_owned(),
            before: Some("active".to_owned()),
            after: Some("suspended".to_owned()),
        };
        assert_eq!(about_m1.entries[0].changes, vec![suspended]);
        let deletions = app.audit_log("action=user.deleted").await.unwrap();
        assert_eq!(deletions.entries.len(), 1);
        let by_me = app
            .audit_log(&format!("actor={PRIMARY_EMAIL}&action=user.status_changed"))
            .await
            .unwrap();
        assert_eq!(by_me.entries.len(), 50);
        let by_nobody = app.audit_log("actor=nobody%40example.com").await.unwrap();
        assert!(by_nobody.entries.is_empty());
        // NOW is 2027-01-15 08:00 UTC; the deletion happened two days later.
        let later = app.audit_log("from=2027-01-16").await.unwrap();
        let actions: Vec<AuditAction> = later.entries.iter().map(|entry| entry.action).collect();
        assert_eq!(actions, [AuditAction::UserDeleted, AuditAction::SignedIn]);
        let that_day = app
            .audit_log("from=2027-01-15&to=2027-01-15")
            .await
            .unwrap();
        assert_eq!(that_day.entries.len(), 50);
        assert!(that_day.next.is_some());

        let bad_day = app.audit_log("from=yesterday").await.unwrap_err();
        assert_eq!(bad_day.error, AppError::invalid("from", Problem::NotADate));
        let reversed = app
            .audit_log("from=2027-01-16&to=2027-01-15")
            .await
            .unwrap_err();
        assert_eq!(reversed.status, StatusCode::BAD_REQUEST);
        let bad_action = app.audit_log("action=user.hacked").await.unwrap_err();
        assert_eq!(bad_action.status, StatusCode::BAD_REQUEST);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_second_of_two_profile_saves_gets_409_and_the_first_is_kept() {
    on_every_engine(|app| async move {
        let ann = app
            .member("Ann", "ann@example.com", UserStatus::Active)
            .await;
        app.sign_in().await;
        let read_by_both = app.user_details(ann).await.unwrap();

        let mut first = read_by_both.edit();
        first.first_name = "Annie".into();
        let saved = app.save_profile(ann, &first).await.unwrap();
        assert_eq!(saved.first_name, "Annie");
        let mut second = read_by_both.edit();
        second.last_name = "Overwrite".into();
        let refusal = app.save_profile(ann, &second).await.unwrap_err();

        assert_eq!(refusal.status, StatusCode::CONFLICT);
        assert!(refusal.message.contains("Reload"), "{}", refusal.message);
        let now = app.user_details(ann).await.unwrap();
        assert_eq!(
            (now.first_name.as_str(), now.last_name.as_str()),
            ("Annie", "Example")
        );
        assert_eq!(app.total("q=annie").await, 1, "the grid finds the new name");
        let events = app.audit_log("action=user.updated").await.unwrap().entries;
        assert_eq!(events.len(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_save_with_bad_input_is_refused_and_changes_nothing() {
    on_every_engine(|app| async move {
        let ann = app
            .member("Ann", "ann@example.com", UserStatus::Active)
            .await;
        let other = other_account(&app.db, "Other Org", "boss@other.example").await;
        app.sign_in().await;
        let edit = app.user_details(ann).await.unwrap().edit();
        let cases = [
            (
                ProfileEdit {
                    first_name: "\u{7}".into(),
                    ..edit.clone()
                },
                StatusCode::BAD_REQUEST,
            ),
            (
                ProfileEdit {
                    email: Some("someone.else@example.com".into()),
                    ..edit.clone()
                },
                StatusCode::BAD_REQUEST,
            ),
            (
                ProfileEdit {
                    role_id: other.master_admin_role_id.get(),
                    ..edit.clone()
                },
                StatusCode::NOT_FOUND,
            ),
        ];
        for (bad, status) in cases {
            let refusal = app.save_profile(ann, &bad).await.unwrap_err();
            assert_eq!(refusal.status, status, "{bad:?}");
        }
        let foreign = app.save_profile(other.primary_admin_id, &edit).await;
        assert_eq!(foreign.unwrap_err().status, StatusCode::NOT_FOUND);
        let unknown = app.user_details(other.primary_admin_id).await.unwrap_err();
        let missing = app
            .user_details(UserId::parse(999_999).unwrap())
            .await
            .unwrap_err();
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        assert_eq!(
            unknown
                .message
                .replace(&other.primary_admin_id.to_string(), "N"),
            missing.message.replace("999999", "N"),
            "another account's user reads as no user"
        );
        for path in [
            format!("/users/{}", other.primary_admin_id),
            "/users/abc".to_owned(),
        ] {
            let page = app.page(&path, HeaderMap::new()).await;
            assert_eq!(page.status(), StatusCode::NOT_FOUND, "{path}");
        }
        assert_eq!(app.user_details(ann).await.unwrap().version, edit.version);
        assert!(app.audit_trail().await.is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_session_is_refused_at_once_and_killing_your_own_signs_you_out() {
    on_every_engine(|app| async move {
        let (second, client) = app
            .second_admin("second@example.com", DefaultRole::UserAdmin)
            .await;
        app.sign_in().await;
        let path = format!("/api/list_user_sessions?user={second}");
        let sessions: Vec<SessionInfo> = app.get_json(&app.client, &path).await.unwrap();
        assert_eq!(sessions.len(), 1);
        assert!(!sessions[0].is_yours);
        assert_eq!(sessions[0].ip.as_deref(), Some("127.0.0.1"));

        let rambling = "why ".repeat(100);
        let body = json!({ "user": second, "session": sessions[0].id, "reason": rambling });
        let refused: Result<u64, Refusal> = app
            .post_json(&app.client, "/api/end_sessions", body, HeaderMap::new())
            .await;
        assert_eq!(refused.unwrap_err().status, StatusCode::BAD_REQUEST);
        assert!(
            app.list_users_with(&client, "").await.is_ok(),
            "a refused reason ends nothing"
        );

        let body = json!({ "user": second, "session": sessions[0].id, "reason": "Stolen" });
        let ended: u64 = app
            .post_json(
                &app.client,
                "/api/end_sessions",
                body.clone(),
                HeaderMap::new(),
            )
            .await
            .unwrap();
        assert_eq!(ended, 1);
        let refusal = app.list_users_with(&client, "").await.unwrap_err();
        assert_eq!(refusal.status, StatusCode::UNAUTHORIZED);
        let again: Result<u64, Refusal> = app
            .post_json(&app.client, "/api/end_sessions", body, HeaderMap::new())
            .await;
        assert_eq!(again.unwrap_err().status, StatusCode::NOT_FOUND);

        let me = app.account.primary_admin_id;
        let response = app
            .client
            .post(app.url("/api/end_sessions"))
            .json(&json!({ "user": me, "session": null }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let cleared = response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(cleared.contains("Max-Age=0"), "{cleared}");
        let refusal = app.list_users("").await.unwrap_err();
        assert_eq!(refusal.status, StatusCode::UNAUTHORIZED);
        let trail: Vec<String> = app
            .audit_trail()
            .await
            .into_iter()
            .map(|(action, _)| action)
            .collect();
        assert_eq!(trail, ["user.sessions_ended", "user.sessions_ended"]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_primary_admin_transfers_ownership_and_the_former_owner_can_then_be_deleted() {
    on_every_engine(|app| async move {
        let ann = app
            .member("Ann", "ann@example.com", UserStatus::Active)
            .await;
        let bob = app
            .member("Bob", "bob@example.com", UserStatus::Active)
            .await;
        let hr = add_app(&app.db, &app.account, "HR Bot", ann, &[]).await;
        let (_, master) = app
            .second_admin("master@example.com", DefaultRole::MasterAdmin)
            .await;
        let body = json!({ "app": hr, "new_owner": bob });
        let refusal: Refusal = app
            .post_json::<()>(
                &master,
                "/api/transfer_ownership",
                body.clone(),
                HeaderMap::new(),
            )
            .await
            .unwrap_err();
        assert_eq!(refusal.status, StatusCode::FORBIDDEN);
        assert_eq!(
            refusal.error,
            AppError::Forbidden {
                denied: Denied::PrimaryAdminOnly
            }
        );
        app.sign_in().await;
        let kept = app.delete_users(&[ann]).await.unwrap();
        assert_eq!(kept.deleted, vec![]);

        app.post_json::<()>(
            &app.client,
            "/api/transfer_ownership",
            body,
            HeaderMap::new(),
        )
        .await
        .unwrap();

        let path = format!("/api/list_user_apps?user={ann}");
        let anns: Vec<UserApp> = app.get_json(&app.client, &path).await.unwrap();
        assert_eq!(anns[0].role, AppRole::Developer);
        let deleted = app.delete_users(&[ann]).await.unwrap();
        assert_eq!(deleted.deleted, vec![ann]);
        let unknown_app = json!({ "app": 999_999, "new_owner": bob });
        let refusal = app
            .post_json::<()>(
                &app.client,
                "/api/transfer_ownership",
                unknown_app,
                HeaderMap::new(),
            )
            .await
            .unwrap_err();
        assert_eq!(refusal.status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_role_is_assigned_switched_and_the_owners_cannot_be_removed_over_http() {
    on_every_engine(|app| async move {
        let ann = app
            .member("Ann", "ann@example.com", UserStatus::Active)
            .await;
        let hr = add_app(
            &app.db,
            &app.account,
            "HR Bot",
            app.account.primary_admin_id,
            &[],
        )
        .await;
        let mine = add_app(&app.db, &app.account, "Ann's Bot", ann, &[]).await;
        app.sign_in().await;
        let post = |path: &'static str, body: Value| {
            let client = app.client.clone();
            let url = app.url(path);
            async move {
                decode::<Vec<UserApp>>(client.post(url).json(&body).send().await.unwrap()).await
            }
        };
        let apps = post(
            "/api/assign_app",
            json!({ "user": ann, "app": hr, "role": "tester" }),
        )
        .await
        .unwrap();
        assert_eq!(apps.len(), 2);
        let twice = post(
            "/api/assign_app",
            json!({ "user": ann, "app": hr, "role": "tester" }),
        )
        .await;
        assert_eq!(twice.unwrap_err().status, StatusCode::CONFLICT);
        let switched = post(
            "/api/change_app_role",
            json!({ "user": ann, "app": hr, "role": "developer" }),
        )
        .await
        .unwrap();
        assert!(
            switched
                .iter()
                .any(|held| held.app_id == hr && held.role == AppRole::Developer)
        );
        let owner = post("/api/remove_app_role", json!({ "user": ann, "app": mine }))
            .await
            .unwrap_err();
        assert_eq!(owner.status, StatusCode::CONFLICT);
        assert!(
            owner.message.contains("Transfer ownership first"),
            "{}",
            owner.message
        );
        let bad_role = post(
            "/api/assign_app",
            json!({ "user": ann, "app": hr, "role": "owner" }),
        )
        .await;
        assert_eq!(bad_role.unwrap_err().status, StatusCode::BAD_REQUEST);
        let trail: Vec<String> = app
            .audit_trail()
            .await
            .into_iter()
            .map(|(action, _)| action)
            .collect();
        assert_eq!(trail, ["app.role_assigned", "app.role_changed"]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_are_made_renamed_joined_and_deleted_over_http_and_each_refusal_changes_nothing() {
    on_every_engine(|app| async move {
        let ann = app
            .member("Ann", "ann@example.com", UserStatus::Active)
            .await;
        let bob = app
            .member("Bob", "bob@example.com", UserStatus::Active)
            .await;
        let other = other_account(&app.db, "Other Org", "boss@other.example").await;
        let (foreign_group,): (i64,) = sqlx::query_as(
            "INSERT INTO user_groups (account_id, name, name_key, created_at)
             VALUES ($1, 'Theirs', 'theirs', 0) RETURNING id",
        )
        .bind(other.account_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        app.sign_in().await;
        let post = |path: &'static str, body: Value| {
            app.post_json::<Value>(&app.client, path, body, HeaderMap::new())
        };
        let refused = |outcome: Result<Value, Refusal>| outcome.unwrap_err().status;

        let sales: GroupSummary = serde_json::from_value(
            post("/api/create_group", json!({ "name": "  Sales  " }))
                .await
                .unwrap(),
        )
        .unwrap();
        assert_eq!(sales.name, "Sales");
        let support = post("/api/create_group", json!({ "name": "Support" }))
            .await
            .unwrap();
        let clash = post("/api/create_group", json!({ "name": "SALES" }))
            .await
            .unwrap_err();
        assert_eq!(clash.status, StatusCode::CONFLICT);
        assert!(clash.message.contains("Sales"), "{}", clash.message);
        for name in ["", "   ", "Bad\u{7}name", &"x".repeat(101)] {
            let outcome = post("/api/create_group", json!({ "name": name })).await;
            assert_eq!(refused(outcome), StatusCode::BAD_REQUEST, "{name:?}");
        }
        let renamed_onto_sales = post(
            "/api/rename_group",
            json!({ "id": support["id"], "name": "sales" }),
        )
        .await;
        assert_eq!(refused(renamed_onto_sales), StatusCode::CONFLICT);

        let joined = post(
            "/api/change_group_members",
            json!({ "id": sales.id, "users": [ann, bob], "join": true }),
        )
        .await
        .unwrap();
        assert_eq!(joined, json!({ "changed": 2, "unchanged": 0 }));
        let again = post(
            "/api/change_group_members",
            json!({ "id": sales.id, "users": [ann], "join": true }),
        )
        .await
        .unwrap();
        assert_eq!(again, json!({ "changed": 0, "unchanged": 1 }));
        let with_a_stranger = post(
            "/api/change_group_members",
            json!({ "id": sales.id, "users": [ann, other.primary_admin_id], "join": false }),
        )
        .await;
        assert_eq!(refused(with_a_stranger), StatusCode::NOT_FOUND);
        let members: MemberPage = app
            .get_json(
                &app.client,
                &format!("/api/list_group_members?id={}", sales.id),
            )
            .await
            .unwrap();
        assert_eq!(members.group.member_count, 2);
        assert_eq!(members.members.len(), 2);
        assert_eq!(app.total(&format!("group={}", sales.id)).await, 2);
        let anns: Vec<GroupSummary> = app
            .get_json(&app.client, &format!("/api/list_user_groups?user={ann}"))
            .await
            .unwrap();
        assert_eq!(
            anns.iter()
                .map(|group| group.name.as_str())
                .collect::<Vec<_>>(),
            ["Sales"]
        );

        for (path, body) in [
            (
                "/api/rename_group",
                json!({ "id": foreign_group, "name": "Mine" }),
            ),
            ("/api/delete_group", json!({ "id": foreign_group })),
            (
                "/api/change_group_members",
                json!({ "id": foreign_group, "users": [ann], "join": true }),
            ),
            ("/api/delete_group", json!({ "id": 999_999 })),
        ] {
            assert_eq!(
                refused(post(path, body.clone()).await),
                StatusCode::NOT_FOUND,
                "{path} {body}"
            );
        }
        let foreign_members = app
            .get_json::<MemberPage>(
                &app.client,
                &format!("/api/list_group_members?id={foreign_group}"),
            )
            .await;
        assert_eq!(foreign_members.unwrap_err().status, StatusCode::NOT_FOUND);
        let foreign_grid = app.list_users(&format!("group={foreign_group}")).await;
        assert_eq!(foreign_grid.unwrap_err().status, StatusCode::NOT_FOUND);

        let lost = post("/api/delete_group", json!({ "id": sales.id }))
            .await
            .unwrap();
        assert_eq!(lost, json!(2));
        assert_eq!(
            refused(post("/api/delete_group", json!({ "id": sales.id })).await),
            StatusCode::NOT_FOUND
        );
        let anns: Vec<GroupSummary> = app
            .get_json(&app.client, &format!("/api/list_user_groups?user={ann}"))
            .await
            .unwrap();
        assert!(anns.is_empty());
        let trail: Vec<String> = app
            .audit_trail()
            .await
            .into_iter()
            .map(|(action, _)| action)
            .collect();
        assert_eq!(
            trail,
            [
                "group.created",
                "group.created",
                "group.members_changed",
                "group.members_changed",
                "group.deleted"
            ]
        );
        let (theirs,): (String,) = sqlx::query_as("SELECT name FROM user_groups WHERE id = $1")
            .bind(foreign_group)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(theirs, "Theirs");
    })
    .await;
}

/// The reset link's token in a delivered message (its text part is quoted-printable).
fn reset_token(message: &str) -> String {
    let text = message
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let start = text.find("reset-password?token=").expect("a reset link") + 21;
    text[start..start + 64].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_link_arrives_over_smtp_works_once_and_ends_every_session() {
    let sink = SmtpSink::start();
    for url in database_urls().await {
        let app = spawn_app_with(&url, Some(sink.url())).await;
        let (ann, ann_client) = app
            .second_admin("ann@example.com", DefaultRole::UserAdmin)
            .await;
        app.sign_in().await;
        let delivered = sink.messages().len();
        let sent: String = app
            .post_json(
                &app.client,
                "/api/send_password_reset",
                json!({ "user": ann }),
                HeaderMap::new(),
            )
            .await
            .unwrap();
        assert_eq!(sent, "ann@example.com");
        let message = sink.wait_for(delivered + 1).await.pop().unwrap();
        assert!(message.contains("To: ann@example.com"), "{message}");
        let token = reset_token(&message);
        let link: ResetFor = app
            .get_json(&client(), &format!("/api/reset_link?token={token}"))
            .await
            .unwrap();
        assert_eq!(link.email, "ann@example.com");

        let reset = |password: &str, confirm: &str| {
            let form = [
                ("token", token.clone()),
                ("password", password.to_owned()),
                ("confirm", confirm.to_owned()),
            ];
            let request = client().post(app.url("/api/reset_password")).form(&form);
            async move { decode::<()>(request.send().await.unwrap()).await }
        };
        for (password, confirm, field) in [
            ("too short", "too short", "password"),
            ("1qaz2wsx3edc", "1qaz2wsx3edc", "password"),
            ("ann@example.com", "ann@example.com", "password"),
            ("a brand new password", "a brand new passwrod", "confirm"),
        ] {
            let refusal = reset(password, confirm).await.unwrap_err();
            assert_eq!(refusal.status, StatusCode::BAD_REQUEST, "{password}");
            assert!(
                matches!(&refusal.error, AppError::Invalid { field: named, .. } if named == field),
                "{password}: {:?}",
                refusal.error
            );
        }
        reset("a brand new password", "a brand new password")
            .await
            .unwrap();
        let ended = app.list_users_with(&ann_client, "").await.unwrap_err();
        assert_eq!(
            ended.status,
            StatusCode::UNAUTHORIZED,
            "ann's session ended"
        );
        let old = app
            .sign_in_with(&client(), "ann@example.com", PASSWORD)
            .await;
        assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
        let new = app
            .sign_in_with(&client(), "ann@example.com", "a brand new password")
            .await;
        assert_eq!(new.status(), StatusCode::OK);
        let again = reset("another new password", "another new password")
            .await
            .unwrap_err();
        assert_eq!(again.status, StatusCode::NOT_FOUND, "a link works once");
        let trail: Vec<String> = app
            .audit_trail()
            .await
            .into_iter()
            .map(|(action, _)| action)
            .collect();
        assert_eq!(trail, ["user.password_reset_sent", "user.password_changed"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_sso_on_a_reset_is_refused_and_nothing_is_written() {
    on_every_engine(|app| async move {
        let ann = app
            .member("Ann", "ann@example.com", UserStatus::Active)
            .await;
        // Signed in before SSO is on: after, only the admins' door takes a password.
        app.sign_in().await;
        sqlx::query("UPDATE accounts SET sso_enabled = 1 WHERE id = $1")
            .bind(app.account.account_id)
            .execute(app.db.pool())
            .await
            .unwrap();
        let refusal = app
            .post_json::<String>(
                &app.client,
                "/api/send_password_reset",
                json!({ "user": ann }),
                HeaderMap::new(),
            )
            .await
            .unwrap_err();
        assert_eq!(refusal.status, StatusCode::CONFLICT);
        assert!(refusal.message.contains("SSO is on"), "{}", refusal.message);
        let outbox: OutboxPage = app.get_json(&app.client, "/api/list_outbox").await.unwrap();
        assert!(outbox.entries.is_empty());
        assert!(app.audit_trail().await.is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgot_password_answers_the_same_for_any_address_and_mails_only_known_ones() {
    on_every_engine(|app| async move {
        let ask = |email: &str| {
            let request = client()
                .post(app.url("/api/request_password_reset"))
                .form(&[("email", email)]);
            async move { request.send().await.unwrap() }
        };
        let known = ask(PRIMARY_EMAIL).await;
        let unknown = ask("nobody@example.com").await;
        assert_eq!(known.status(), unknown.status());
        assert_eq!(
            known.headers().get("location"),
            unknown.headers().get("location")
        );
        assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
        app.sign_in().await;
        let mut waiting = Vec::new();
        for _ in 0..50 {
            let outbox: OutboxPage = app.get_json(&app.client, "/api/list_outbox").await.unwrap();
            waiting = outbox.entries;
            if !waiting.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(waiting.len(), 1, "one message, to the known address");
        assert_eq!(waiting[0].recipient, PRIMARY_EMAIL);
        assert!(
            waiting[0]
                .text
                .as_deref()
                .is_some_and(|text| text.contains("/reset-password?token=")),
            "no SMTP server here: the link waits in the outbox"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_passwords_lock_a_user_who_then_reads_the_same_refusal_until_the_lock_lifts() {
    on_every_engine(|app| async move {
        let (ann, ann_client) = app
            .second_admin("ann@example.com", DefaultRole::UserAdmin)
            .await;
        let wrong = app
            .sign_in_with(&client(), "ann@example.com", "not the password")
            .await;
        let wrong_status = wrong.status();
        let wrong_body = wrong.text().await.unwrap();
        for _ in 2..=5 {
            let again = app
                .sign_in_with(&client(), "ann@example.com", "not the password")
                .await;
            assert_eq!(again.status(), wrong_status);
        }
        let right = app
            .sign_in_with(&client(), "ann@example.com", PASSWORD)
            .await;
        assert_eq!(
            right.status(),
            wrong_status,
            "a locked user is told nothing more"
        );
        assert_eq!(right.text().await.unwrap(), wrong_body);
        let ended = app.list_users_with(&ann_client, "").await.unwrap_err();
        assert_eq!(
            ended.status,
            StatusCode::UNAUTHORIZED,
            "the lock ended the session"
        );
        app.sign_in().await;
        assert_eq!(app.status_of_user(ann).await, UserStatus::Locked);
        assert_eq!(app.total("status=locked&q=ann").await, 1);
        let details = app.user_details(ann).await.unwrap();
        assert!(details.locked_at.is_some());

        app.clock.advance(30 * 60);
        let after = app
            .sign_in_with(&client(), "ann@example.com", PASSWORD)
            .await;
        assert_eq!(
            after.status(),
            StatusCode::OK,
            "the lock lifted after 30 minutes"
        );
        let trail: Vec<String> = app
            .audit_trail()
            .await
            .into_iter()
            .map(|(action, _)| action)
            .collect();
        assert_eq!(trail, ["user.status_changed", "user.status_changed"]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_unlocks_a_locked_user_from_the_grid_and_their_failures_start_again() {
    on_every_engine(|app| async move {
        let ann = app
            .second_admin("ann@example.com", DefaultRole::UserAdmin)
            .await
            .0;
        for _ in 1..=5 {
            app.sign_in_with(&client(), "ann@example.com", "not the password")
                .await;
        }
        app.sign_in().await;
        let report = app
            .change_status(&[ann], StatusAction::Unlock)
            .await
            .unwrap();
        assert_eq!(report.changed, vec![ann]);
        let (failures,): (i64,) = sqlx::query_as("SELECT failed_sign_ins FROM users WHERE id = $1")
            .bind(ann)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(failures, 0);
        let back = app
            .sign_in_with(&client(), "ann@example.com", PASSWORD)
            .await;
        assert_eq!(back.status(), StatusCode::OK);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_trying_too_fast_gets_429_with_retry_after_before_any_password_is_checked() {
    let url = database_urls().await.remove(0);
    let app = spawn_configured(&url, |settings| settings.attempts_per_minute = 3).await;
    for _ in 0..3 {
        let wrong = app.sign_in_with(&client(), PRIMARY_EMAIL, "not it").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = app.sign_in_with(&client(), PRIMARY_EMAIL, PASSWORD).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&wait), "{wait}");
    let forgot = client()
        .post(app.url("/api/request_password_reset"))
        .form(&[("email", PRIMARY_EMAIL)])
        .send()
        .await
        .unwrap();
    assert_eq!(forgot.status(), StatusCode::TOO_MANY_REQUESTS);
    let (failures,): (i64,) = sqlx::query_as("SELECT failed_sign_ins FROM users WHERE email = $1")
        .bind(PRIMARY_EMAIL)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(failures, 3, "the turned-away attempt was never checked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_wrong_passwords_at_once_lock_the_user_once_count_each_and_never_fail() {
    on_every_engine(|app| async move {
        let (ann, _) = app
            .second_admin("ann@example.com", DefaultRole::UserAdmin)
            .await;
        let mut attempts = tokio::task::JoinSet::new();
        for _ in 0..64 {
            let (url, client) = (app.url("/api/login"), client());
            attempts.spawn(async move {
                client
                    .post(url)
                    .form(&[("email", "ann@example.com"), ("password", "not it")])
                    .send()
                    .await
                    .unwrap()
                    .status()
            });
        }
        let statuses = attempts.join_all().await;

        assert!(
            statuses
                .iter()
                .all(|status| *status == StatusCode::UNAUTHORIZED),
            "{statuses:?}"
        );
        let (status, failures): (i64, i64) =
            sqlx::query_as("SELECT status, failed_sign_ins FROM users WHERE id = $1")
                .bind(ann)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        assert_eq!(UserStatus::from_code(status), Some(UserStatus::Locked));
        assert_eq!(failures, 64, "every attempt was counted");
        assert_eq!(
            app.audit_trail().await,
            [("user.status_changed".to_owned(), ann.get())]
        );
        let (mails,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(mails, 1, "one lock, one e-mail");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_security_saves_over_its_version_refuses_bad_values_and_rules_the_next_lock() {
    on_every_engine(|app| async move {
        let ann = app
            .second_admin("ann@example.com", DefaultRole::UserAdmin)
            .await
            .0;
        app.sign_in().await;
        let settings: Value = app
            .get_json(&app.client, "/api/get_user_settings")
            .await
            .unwrap();
        let read = &settings["sign_in_security"];
        assert_eq!(
            read["settings"],
            json!({ "two_factor": "off", "idle_timeout_minutes": 15, "session_lifetime_hours": 12, "lock_after": 5, "lock_window_minutes": 15, "unlock_after_minutes": 30 })
        );
        let version = read["version"].as_i64().unwrap();
        let save = |settings: Value, version: i64| {
            app.post_json::<Value>(
                &app.client,
                "/api/save_sign_in_security",
                json!({ "settings": settings, "version": version }),
                HeaderMap::new(),
            )
        };
        let policy = |lock_after: i64, window: i64, unlock: Value| {
            json!({
                "two_factor": "off", "idle_timeout_minutes": 15, "session_lifetime_hours": 12,
                "lock_after": lock_after,
                "lock_window_minutes": window,
                "unlock_after_minutes": unlock
            })
        };
        for (settings, field) in [
            (policy(2, 15, json!(30)), Some("lock_after")),
            (policy(21, 15, json!(30)), Some("lock_after")),
            (policy(5, 0, json!(30)), Some("lock_window_minutes")),
            (policy(5, 15, json!(0)), Some("unlock_after_minutes")),
            (policy(5, 15, json!(10_081)), Some("unlock_after_minutes")),
            (policy(-1, 15, json!(30)), None),
            (json!({ "lock_after": 5 }), None),
            (
                json!({ "two_factor": "off", "idle_timeout_minutes": 15, "session_lifetime_hours": 12, "lock_after": 5, "lock_window_minutes": 15, "unlock_after_minutes": 30, "lock_forever": true }),
                None,
            ),
        ] {
            let refused = save(settings.clone(), version).await.unwrap_err();
            assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{settings}");
            if let Some(field) = field {
                assert_eq!(
                    refused.error,
                    AppError::Invalid {
                        field: field.to_owned(),
                        problem: match field {
                            "lock_after" => Problem::OutOfRange { min: 3, max: 20 },
                            "lock_window_minutes" => Problem::OutOfRange { min: 1, max: 1440 },
                            _ => Problem::OutOfRange {
                                min: 1,
                                max: 10_080
                            },
                        }
                    }
                );
            }
        }
        assert!(
            app.audit_trail().await.is_empty(),
            "no refusal changed anything"
        );

        let saved = save(policy(3, 60, Value::Null), version).await.unwrap();
        assert_eq!(saved["version"], version + 1);
        let stale = save(policy(10, 60, json!(5)), version).await.unwrap_err();
        assert_eq!(stale.status, StatusCode::CONFLICT);
        let (_, user_admin) = app
            .second_admin("ulla@example.com", DefaultRole::UserAdmin)
            .await;
        let forbidden = app
            .post_json::<Value>(
                &user_admin,
                "/api/save_sign_in_security",
                json!({ "settings": policy(10, 60, json!(5)), "version": version + 1 }),
                HeaderMap::new(),
            )
            .await
            .unwrap_err();
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

        for _ in 0..3 {
            app.sign_in_with(&client(), "ann@example.com", "not it")
                .await;
        }
        assert_eq!(
            app.status_of_user(ann).await,
            UserStatus::Locked,
            "3 failures lock now"
        );
        app.clock.advance(24 * 60 * 60);
        let still = app
            .sign_in_with(&client(), "ann@example.com", PASSWORD)
            .await;
        assert_eq!(
            still.status(),
            StatusCode::UNAUTHORIZED,
            "only an admin lifts the lock now"
        );
        let trail: Vec<String> = app
            .audit_trail()
            .await
            .into_iter()
            .map(|(action, _)| action)
            .collect();
        assert_eq!(
            trail,
            ["settings.sign_in_security_changed", "user.status_changed"]
        );
    })
    .await;
}

/// The token of the newest invitation link in the outbox.
async fn newest_invitation_token(app: &TestApp) -> String {
    let (text,): (String,) = sqlx::query_as(
        "SELECT text_body FROM outbox WHERE subject LIKE 'You are invited%' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let start = text.find("accept-invitation?token=").unwrap() + 24;
    text[start..start + 64].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invited_person_signs_up_through_the_link_and_signs_in_while_bad_requests_change_nothing()
 {
    on_every_engine(|app| async move {
        app.sign_in().await;
        let role = app.account.member_role_id.get();
        let invite = |emails: Value| {
            app.post_json::<Vec<Value>>(
                &app.client,
                "/api/invite_users",
                json!({ "emails": emails, "role_id": role, "groups": [] }),
                HeaderMap::new(),
            )
        };
        let six = json!(["a@x.io", "b@x.io", "c@x.io", "d@x.io", "e@x.io", "f@x.io"]);
        let refused = invite(six).await.unwrap_err();
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            refused.error,
            AppError::Invalid {
                field: "emails".into(),
                problem: Problem::TooMany { max: 5 }
            }
        );
        assert_eq!(app.user_count().await, 1, "a sixth address invites no one");

        let outcomes = invite(json!(["nia@example.com", "oops"])).await.unwrap();
        assert_eq!(outcomes[0]["result"], "invited");
        assert_eq!(outcomes[1]["result"], "invalid_address");
        assert_eq!(app.status_of("q=nia").await, UserStatus::NotActive);
        let token = newest_invitation_token(&app).await;

        let link: Value = app
            .get_json(&client(), &format!("/api/invitation_link?token={token}"))
            .await
            .unwrap();
        assert_eq!(link["email"], "nia@example.com");
        let accept = |password: &'static str, token: String| {
            client()
                .post(app.url("/api/accept_invitation"))
                .form(&[
                    ("token", token.as_str()),
                    ("first_name", "Nia"),
                    ("last_name", "Newman"),
                    ("password", password),
                    ("confirm", password),
                ])
                .send()
        };
        let weak = accept("short", token.clone()).await.unwrap();
        assert_eq!(weak.status(), StatusCode::BAD_REQUEST);
        assert_eq!(app.status_of("q=nia").await, UserStatus::NotActive);

        let accepted = accept("nia's long new password", token.clone())
            .await
            .unwrap();
        assert!(accepted.status().is_success() || accepted.status().is_redirection());
        assert_eq!(app.status_of("q=nia").await, UserStatus::Active);
        let again = accept("nia's long new password", token).await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_FOUND, "a link works once");
        let signed_in = app
            .sign_in_with(&client(), "nia@example.com", "nia's long new password")
            .await;
        assert_eq!(signed_in.status(), StatusCode::OK);
        let trail: Vec<String> = app
            .audit_trail()
            .await
            .into_iter()
            .map(|(action, _)| action)
            .collect();
        assert_eq!(trail, ["user.invited", "user.invitation_accepted"]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_or_malformed_domain_is_refused_and_a_domain_belongs_to_one_account() {
    on_every_engine(|app| async move {
        app.sign_in().await;
        let add = |domain: &'static str| {
            app.post_json::<Value>(
                &app.client,
                "/api/add_account_domain",
                json!({ "domain": domain }),
                HeaderMap::new(),
            )
        };
        for (domain, problem) in [
            ("gmail.com", Problem::PublicDomain),
            ("not a domain", Problem::NotADomain),
        ] {
            let refused = add(domain).await.unwrap_err();
            assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{domain}");
            assert_eq!(refused.error, AppError::invalid("domain", problem));
        }
        let added = add("@EU.Example.com").await.unwrap();
        assert_eq!(added["added"], json!(["eu.example.com"]));
        let again = add("eu.example.com").await.unwrap_err();
        assert_eq!(again.status, StatusCode::CONFLICT);
        let settings: Value = app
            .get_json(&app.client, "/api/get_user_settings")
            .await
            .unwrap();
        assert_eq!(settings["domains"]["added"], json!(["eu.example.com"]));
        assert_eq!(settings["self_sign_up"]["settings"]["mode"], "blocked");
        let trail: Vec<String> = app
            .audit_trail()
            .await
            .into_iter()
            .map(|(action, _)| action)
            .collect();
        assert_eq!(trail, ["settings.domain_added"]);
    })
    .await;
}

/// The token of the newest sign-up link in the outbox.
async fn newest_sign_up_token(app: &TestApp) -> String {
    let (text,): (String,) = sqlx::query_as(
        "SELECT text_body FROM outbox WHERE text_body LIKE '%request-access?token=%'
         ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let start = text.find("request-access?token=").unwrap() + 21;
    text[start..start + 64].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_of_the_accounts_domain_proves_their_address_and_joins_once_an_admin_approves() {
    on_every_engine(|app| async move {
        app.sign_in().await;
        let ask = |email: &'static str| {
            client()
                .post(app.url("/api/request_access"))
                .form(&[("email", email)])
                .send()
        };
        let answer_of = |response: reqwest::Response| {
            response
                .headers()
                .get("location")
                .and_then(|location| location.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let blocked = ask("nia@example.com").await.unwrap();
        assert_eq!(answer_of(blocked), "/request-access?answer=not_accepted");
        let unknown = ask("nia@nowhere.example").await.unwrap();
        assert_eq!(answer_of(unknown), "/request-access?answer=not_accepted");
        let malformed = ask("not an address").await.unwrap();
        assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);

        let settings: Value = app
            .get_json(&app.client, "/api/get_user_settings")
            .await
            .unwrap();
        let version = settings["self_sign_up"]["version"].clone();
        app.post_json::<Value>(
            &app.client,
            "/api/save_self_sign_up",
            json!({ "settings": { "mode": "approval" }, "version": version }),
            HeaderMap::new(),
        )
        .await
        .unwrap();
        let asked = ask("nia@example.com").await.unwrap();
        assert_eq!(answer_of(asked), "/request-access?answer=check_email");
        assert_eq!(app.user_count().await, 1, "nothing exists before the proof");

        let token = newest_sign_up_token(&app).await;
        let link: Value = app
            .get_json(&client(), &format!("/api/sign_up_link?token={token}"))
            .await
            .unwrap();
        assert_eq!(link["email"], "nia@example.com");
        assert_eq!(link["needs_approval"], true);
        let complete = |password: &'static str| {
            client()
                .post(app.url("/api/complete_sign_up"))
                .form(&[
                    ("token", token.as_str()),
                    ("first_name", "Nia"),
                    ("last_name", "Newman"),
                    ("password", password),
                    ("confirm", password),
                ])
                .send()
        };
        let weak = complete("short").await.unwrap();
        assert_eq!(weak.status(), StatusCode::BAD_REQUEST);
        let done = complete("nia's long new password").await.unwrap();
        assert_eq!(answer_of(done), "/request-access?answer=waiting");
        let reused = complete("nia's long new password").await.unwrap();
        assert_eq!(reused.status(), StatusCode::NOT_FOUND, "a link works once");
        let early = app
            .sign_in_with(&client(), "nia@example.com", "nia's long new password")
            .await;
        assert_eq!(
            early.status(),
            StatusCode::UNAUTHORIZED,
            "not before approval"
        );

        let queue: Value = app
            .get_json(&app.client, "/api/list_access_requests")
            .await
            .unwrap();
        assert_eq!(queue["requests"][0]["email"], "nia@example.com");
        let id = queue["requests"][0]["id"].clone();
        let decide = |approve: bool| {
            app.post_json::<Value>(
                &app.client,
                "/api/decide_access_requests",
                json!({ "ids": [id.clone()], "approve": approve }),
                HeaderMap::new(),
            )
        };
        let decided = decide(true).await.unwrap();
        assert_eq!(decided["approved"], true);
        let twice = decide(false).await.unwrap_err();
        assert_eq!(twice.status, StatusCode::CONFLICT, "decided once");
        let unknown = app
            .post_json::<Value>(
                &app.client,
                "/api/decide_access_requests",
                json!({ "ids": [999_999], "approve": true }),
                HeaderMap::new(),
            )
            .await
            .unwrap_err();
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        let signed_in = app
            .sign_in_with(&client(), "nia@example.com", "nia's long new password")
            .await;
        assert_eq!(signed_in.status(), StatusCode::OK);
        assert_eq!(app.status_of("q=nia").await, UserStatus::Active);
        let trail: Vec<String> = app
            .audit_trail()
            .await
            .into_iter()
            .map(|(action, _)| action)
            .collect();
        assert_eq!(trail, ["settings.sign_up_changed", "user.access_approved"]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_keeps_the_profile_fields_of_their_session_until_they_sign_in_again() {
    on_every_engine(|app| async move {
        app.sign_in().await;
        add_admin(
            &app.db,
            &app.account,
            "mia@example.com",
            DefaultRole::Member,
        )
        .await;
        let mia = client();
        assert_eq!(
            app.sign_in_with(&mia, "mia@example.com", PASSWORD)
                .await
                .status(),
            StatusCode::OK
        );
        let save_policy = |settings: Value, version: i64| {
            app.post_json::<Value>(
                &app.client,
                "/api/save_profile_fields",
                json!({ "settings": settings, "version": version }),
                HeaderMap::new(),
            )
        };
        let hidden_name = save_policy(
            json!({ "last_name": { "enabled": false, "editable": false } }),
            1,
        )
        .await
        .unwrap_err();
        assert_eq!(hidden_name.status, StatusCode::BAD_REQUEST);
        let unknown = save_policy(
            json!({ "shoe_size": { "enabled": true, "editable": true } }),
            1,
        )
        .await
        .unwrap_err();
        assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
        let policy = json!({
            "department": { "enabled": true, "editable": true },
            "country": { "enabled": true, "editable": false },
            "last_name": { "enabled": true, "editable": false },
        });
        let saved = save_policy(policy.clone(), 1).await.unwrap();
        assert_eq!(saved["version"], 2);
        let stale = save_policy(policy, 1).await.unwrap_err();
        assert_eq!(stale.status, StatusCode::CONFLICT);

        let url = app.url("/api/save_my_profile");
        let save_mine = |client: reqwest::Client, last: &'static str, fields: Value| {
            let url = url.clone();
            async move {
                client
                    .post(url)
                    .json(&json!({ "first_name": "Mia", "last_name": last, "fields": fields }))
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        let mine: Value = app.get_json(&mia, "/api/my_account").await.unwrap();
        assert_eq!(mine["policy_version"], 1, "the session keeps its version");
        assert_eq!(
            save_mine(mia.clone(), "Member", json!({ "department": "Sales" })).await,
            StatusCode::BAD_REQUEST,
            "Department is not shown to this session yet"
        );
        assert_eq!(
            save_mine(mia.clone(), "Renamed", json!({})).await,
            StatusCode::OK,
            "the last name is still editable in this session"
        );

        let again = client();
        app.sign_in_with(&again, "mia@example.com", PASSWORD).await;
        let mine: Value = app.get_json(&again, "/api/my_account").await.unwrap();
        assert_eq!(mine["policy_version"], 2);
        assert_eq!(
            save_mine(again.clone(), "Changed", json!({})).await,
            StatusCode::BAD_REQUEST,
            "Allow Edits is off for Last Name now"
        );
        assert_eq!(
            save_mine(again.clone(), "Renamed", json!({ "country": "JP" })).await,
            StatusCode::BAD_REQUEST,
            "Country is shown but not editable"
        );
        assert_eq!(
            save_mine(again.clone(), "Renamed", json!({ "department": "x\u{7}" })).await,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            save_mine(again.clone(), "Renamed", json!({ "department": "Sales" })).await,
            StatusCode::OK
        );
        let mine: Value = app.get_json(&again, "/api/my_account").await.unwrap();
        assert_eq!(mine["fields"]["department"], "Sales");
        assert_eq!(mine["last_name"], "Renamed");
        let settings: Value = app
            .get_json(&app.client, "/api/get_user_settings")
            .await
            .unwrap();
        assert_eq!(settings["profile_fields"]["version"], 2);
        let trail: Vec<String> = app
            .audit_trail()
            .await
            .into_iter()
            .map(|(action, _)| action)
            .collect();
        assert_eq!(
            trail,
            [
                "settings.profile_fields_changed",
                "user.updated",
                "user.updated"
            ]
        );
    })
    .await;
}

/// A `width` × `height` PNG of one colour.
fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(width, height, image::Rgb([20, 120, 200]));
    let mut bytes = Vec::new();
    image
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_picture_is_decoded_resized_and_shown_only_to_its_user_and_admins() {
    on_every_engine(|app| async move {
        app.sign_in().await;
        let mia = add_admin(&app.db, &app.account, "mia@example.com", DefaultRole::Member).await;
        let put = |client: &reqwest::Client, path: String, body: Vec<u8>| {
            client
                .put(app.url(&path))
                .header("content-type", "image/png")
                .body(body)
                .send()
        };
        let for_mia = format!("/api/users/{mia}/picture");
        let text = put(&app.client, for_mia.clone(), b"not a picture at all".to_vec())
            .await
            .unwrap();
        assert_eq!(text.status(), StatusCode::BAD_REQUEST);
        assert_eq!(text.json::<Value>().await.unwrap()["problem"]["code"], "not_an_image");
        let large = put(&app.client, for_mia.clone(), vec![0; 2 * 1024 * 1024 + 1])
            .await
            .unwrap();
        assert_eq!(large.status(), StatusCode::BAD_REQUEST);
        let huge = put(&app.client, for_mia.clone(), vec![0; 3 * 1024 * 1024])
            .await
            .unwrap();
        assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let other = other_account(&app.db, "Other Org", "boss@other.example").await;
        let foreign = put(
            &app.client,
            format!("/api/users/{}/picture", other.primary_admin_id),
            png(10, 10),
        )
        .await
        .unwrap();
        assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
        assert!(app.audit_trail().await.is_empty(), "refusals change nothing");

        let saved = put(&app.client, for_mia.clone(), png(640, 480)).await.unwrap();
        assert_eq!(saved.status(), StatusCode::OK);
        let served = app
            .client
            .get(app.url(&format!("/pictures/{mia}")))
            .send()
            .await
            .unwrap();
        assert_eq!(served.headers()["content-type"], "image/png");
        let stored = image::load_from_memory(&served.bytes().await.unwrap()).unwrap();
        assert_eq!((stored.width(), stored.height()), (256, 256));
        let listing = app.list_users("q=mia").await.unwrap();
        assert!(listing.rows[0].picture_at.is_some(), "the grid links it");

        let mia_client = client();
        app.sign_in_with(&mia_client, "mia@example.com", PASSWORD).await;
        let admins = mia_client
            .get(app.url(&format!("/pictures/{}", app.account.primary_admin_id)))
            .send()
            .await
            .unwrap();
        assert_eq!(admins.status(), StatusCode::NOT_FOUND, "a member sees only theirs");
        let own = put(&mia_client, "/api/me/picture".into(), png(50, 80)).await.unwrap();
        assert_eq!(own.status(), StatusCode::OK, "Profile Picture is editable by default");
        let removed = mia_client
            .delete(app.url("/api/me/picture"))
            .send()
            .await
            .unwrap();
        assert_eq!(removed.status(), StatusCode::OK);
        let gone = mia_client
            .get(app.url(&format!("/pictures/{mia}")))
            .send()
            .await
            .unwrap();
        assert_eq!(gone.status(), StatusCode::NOT_FOUND);
        let anonymous = client()
            .get(app.url(&format!("/pictures/{mia}")))
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

        app.post_json::<Value>(
            &app.client,
            "/api/save_profile_fields",
            json!({ "settings": { "picture": { "enabled": true, "editable": false } }, "version": 1 }),
            HeaderMap::new(),
        )
        .await
        .unwrap();
        let next_session = client();
        app.sign_in_with(&next_session, "mia@example.com", PASSWORD).await;
        let refused = put(&next_session, "/api/me/picture".into(), png(50, 80))
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "Allow Edits is off");
        let trail: Vec<String> = app
            .audit_trail()
            .await
            .into_iter()
            .map(|(action, _)| action)
            .collect();
        assert_eq!(
            trail,
            [
                "user.picture_changed",
                "user.picture_changed",
                "user.picture_changed",
                "settings.profile_fields_changed"
            ]
        );
    })
    .await;
}

/// The code in the newest sign-in code e-mail.
async fn newest_sign_in_code(app: &TestApp) -> String {
    let (text,): (String,) = sqlx::query_as(
        "SELECT text_body FROM outbox WHERE subject LIKE 'Your sign-in code%'
         ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    text.lines()
        .find(|line| line.len() == 6 && line.bytes().all(|b| b.is_ascii_digit()))
        .unwrap()
        .to_owned()
}

fn cookies_set(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_two_factor_a_password_opens_no_session_until_the_emailed_code_is_given() {
    on_every_engine(|app| async move {
        app.sign_in().await;
        app.change_sign_in_security(json!({ "two_factor": "admins", "idle_timeout_minutes": 15 }))
            .await;

        let browser = client();
        let password = app.sign_in_with(&browser, PRIMARY_EMAIL, PASSWORD).await;
        assert_eq!(password.headers()["location"], "/login/code");
        let cookies = cookies_set(&password);
        assert_eq!(cookies.len(), 1, "{cookies:?}");
        assert!(cookies[0].starts_with("roster_sign_in="), "{cookies:?}");
        let not_yet = app.current_admin(&browser).await.unwrap_err();
        assert_eq!(not_yet.status, StatusCode::UNAUTHORIZED);

        let give = |browser: &reqwest::Client, code: &str| {
            browser
                .post(app.url("/api/login_code"))
                .form(&[("code", code), ("next", "/groups")])
                .send()
        };
        let code = newest_sign_in_code(&app).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let refused = give(&browser, wrong).await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        let error: Value = refused.json().await.unwrap();
        assert_eq!(error["code"], "wrong_code");
        let stranger = give(&client(), &code).await.unwrap();
        assert_eq!(
            stranger.status(),
            StatusCode::UNAUTHORIZED,
            "the code alone, without the challenge's cookie, is nothing"
        );
        let too_soon = browser
            .post(app.url("/api/resend_sign_in_code"))
            .send()
            .await
            .unwrap();
        assert_eq!(too_soon.status(), StatusCode::CONFLICT);

        let accepted = give(&browser, &code).await.unwrap();
        assert_eq!(accepted.headers()["location"], "/groups");
        let cookies = cookies_set(&accepted);
        assert!(cookies.iter().any(|c| c.starts_with("roster_session=")));
        assert!(
            cookies
                .iter()
                .any(|c| c.starts_with("roster_sign_in=;") && c.contains("Max-Age=0"))
        );
        let me = app.current_admin(&browser).await.unwrap();
        assert_eq!(me.email.as_str(), PRIMARY_EMAIL);
        let failures: (i64,) =
            sqlx::query_as("SELECT failed_sign_ins FROM users WHERE is_primary_admin = 1")
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        assert_eq!(failures.0, 0, "a finished sign-in forgets the wrong code");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_of_two_accounts_asks_which_and_the_header_names_the_chosen_one() {
    on_every_engine(|app| async move {
        let other = other_account(&app.db, "Beta Org", PRIMARY_EMAIL).await;
        let browser = client();
        let password = app.sign_in_with(&browser, PRIMARY_EMAIL, PASSWORD).await;
        assert_eq!(password.headers()["location"], "/login/account");
        let cookies = cookies_set(&password);
        assert!(
            cookies[0].starts_with("roster_account_choice="),
            "{cookies:?}"
        );
        assert!(app.current_admin(&browser).await.is_err(), "no session yet");

        let choices_url = app.url("/api/account_choices");
        let offered = |client: reqwest::Client| {
            let url = choices_url.clone();
            async move {
                let answer: Value = client.get(url).send().await.unwrap().json().await.unwrap();
                let names: Vec<String> = answer["accounts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|choice| choice["account"].as_str().unwrap().to_owned())
                    .collect();
                (names, answer["others"].as_bool().unwrap())
            }
        };
        let names = offered(browser.clone()).await;
        assert_eq!(
            names,
            (vec!["Beta Org".to_owned(), "Test Org".to_owned()], false)
        );
        let nobody = client()
            .get(app.url("/api/account_choices"))
            .send()
            .await
            .unwrap();
        assert_eq!(nobody.status(), StatusCode::UNAUTHORIZED);

        let beta = other.primary_admin_id.get().to_string();
        let chosen = browser
            .post(app.url("/api/choose_account"))
            .form(&[("account", beta.as_str()), ("next", "/groups")])
            .send()
            .await
            .unwrap();
        assert_eq!(chosen.headers()["location"], "/groups");
        let me = app.current_admin(&browser).await.unwrap();
        assert_eq!(me.account_name, "Beta Org");
        assert!(me.has_other_accounts);
        let again = browser
            .post(app.url("/api/choose_account"))
            .form(&[("account", beta.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(
            again.status(),
            StatusCode::UNAUTHORIZED,
            "a choice works once"
        );

        // "Switch account": the session goes on until another account is chosen by
        // its password, and names none before.
        let switch = browser
            .post(app.url("/api/switch_account"))
            .send()
            .await
            .unwrap();
        assert_eq!(switch.headers()["location"], "/login/account");
        assert!(app.current_admin(&browser).await.is_ok());
        assert_eq!(offered(browser.clone()).await, (Vec::new(), true));
        let choose = |password: &'static str| {
            browser
                .post(app.url("/api/choose_account"))
                .form(&[("account", "another"), ("password", password)])
                .send()
        };
        let wrong = choose("not the password").await.unwrap();
        assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
        let chosen = choose(PASSWORD).await.unwrap();
        assert_eq!(chosen.headers()["location"], "/dashboard");
        let me = app.current_admin(&browser).await.unwrap();
        assert_eq!(me.account_name, "Test Org");
        let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
            .bind(other.primary_admin_id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(left, 0, "the switching session has ended");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_primary_admin_hands_the_role_over_and_only_after_proving_it_again() {
    on_every_engine(|app| async move {
        let (heir, heirs_client) = app
            .second_admin("heir@example.com", DefaultRole::MasterAdmin)
            .await;
        let hand_over = |client: &reqwest::Client| {
            client
                .post(app.url("/api/hand_over_primary_admin"))
                .json(&json!({ "user": heir }))
                .send()
        };
        // A Master Admin holds every permission, yet this is not theirs to do.
        let refused = hand_over(&heirs_client).await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let error: Value = refused.json().await.unwrap();
        assert_eq!(error["denied"]["code"], "primary_admin_only");

        app.sign_in().await;
        app.clock.advance(301);
        let stale = hand_over(&app.client).await.unwrap();
        assert_eq!(stale.status(), StatusCode::FORBIDDEN);
        let error: Value = stale.json().await.unwrap();
        assert_eq!(error["denied"]["code"], "recent_sign_in_needed");
        assert!(app.audit_trail().await.is_empty(), "nothing changed");

        let proved = app
            .client
            .post(app.url("/api/confirm_password"))
            .form(&[("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(proved.status(), StatusCode::OK);
        let handed = hand_over(&app.client).await.unwrap();
        assert_eq!(handed.status(), StatusCode::OK);
        let me = app.current_admin(&app.client).await.unwrap();
        assert!(
            !me.is_primary_admin,
            "the former Primary Admin is told at once"
        );
        let heirs_view = app.current_admin(&heirs_client).await.unwrap();
        assert!(heirs_view.is_primary_admin);
        let again = hand_over(&app.client).await.unwrap();
        assert_eq!(again.status(), StatusCode::FORBIDDEN);
    })
    .await;
}

/// The code an authenticator app shows for `key` at `now`.
fn app_code(key: &str, now: i64) -> String {
    totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(key).unwrap())
        .build()
        .unwrap()
        .generate(u64::try_from(now).unwrap())
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_authenticator_app_set_up_on_my_account_is_asked_at_every_sign_in_instead_of_an_email() {
    on_every_engine(|app| async move {
        app.sign_in().await;
        let post = |path: &str, body: Value| app.client.post(app.url(path)).json(&body).send();
        let began = post("/api/begin_authenticator", json!({})).await.unwrap();
        assert_eq!(began.status(), StatusCode::OK);
        let new: Value = began.json().await.unwrap();
        let key = new["key"].as_str().unwrap().to_owned();
        assert!(
            new["qr_image"]
                .as_str()
                .unwrap()
                .starts_with("data:image/svg+xml,")
        );
        let wrong = post("/api/confirm_authenticator", json!({ "code": "12345" }))
            .await
            .unwrap();
        assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
        let right = json!({ "code": app_code(&key, NOW) });
        let turned_on = post("/api/confirm_authenticator", right).await.unwrap();
        let codes: Vec<String> = turned_on.json().await.unwrap();
        assert_eq!(codes.len(), 10);

        let browser = client();
        let password = app.sign_in_with(&browser, PRIMARY_EMAIL, PASSWORD).await;
        assert_eq!(password.headers()["location"], "/login/code?app=1");
        let (mails,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(mails, 0, "an app's code is never e-mailed");
        let resend = browser
            .post(app.url("/api/resend_sign_in_code"))
            .send()
            .await
            .unwrap();
        assert_eq!(resend.status(), StatusCode::UNAUTHORIZED);
        app.clock.advance(31);
        let code = app_code(&key, NOW + 31);
        let accepted = browser
            .post(app.url("/api/login_code"))
            .form(&[("code", code.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(accepted.headers()["location"], "/dashboard");
        assert_eq!(
            app.current_admin(&browser).await.unwrap().email.as_str(),
            PRIMARY_EMAIL
        );
    })
    .await;
}

/// The nonce of a page's Content-Security-Policy, after checking that the policy has
/// every directive it should and that every script of the page carries that nonce.
async fn page_nonce(response: reqwest::Response) -> String {
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    for directive in [
        "'strict-dynamic' 'wasm-unsafe-eval'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ] {
        assert!(policy.contains(directive), "{policy}");
    }
    let start = policy.find("script-src 'nonce-").unwrap() + 18;
    let length = policy[start..].find('\'').unwrap();
    let nonce = policy[start..start + length].to_owned();
    let html = response.text().await.unwrap();
    let nonced = html.matches(&format!("<script nonce=\"{nonce}\"")).count()
        + html
            .matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
            .count();
    // leptos_i18n leaves an empty element where it would embed translations loaded on
    // demand; a browser runs nothing from it and checks no policy.
    let empty = html.matches("<script></script>").count();
    assert_eq!(
        nonced + empty,
        html.matches("<script").count(),
        "every script carries the response's nonce: {html}"
    );
    nonce
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_allow_only_their_own_nonced_scripts_and_nothing_personal_is_cached() {
    let url = &database_urls().await[0];
    let app = spawn_app(url).await;
    app.sign_in().await;
    let page = app.page("/users", HeaderMap::new()).await;
    assert_eq!(page.headers()["cache-control"], "no-store");
    let nonce = page_nonce(page).await;
    let again = page_nonce(app.page("/users", HeaderMap::new()).await).await;
    assert_ne!(again, nonce, "a nonce is used once");
    let sign_in_page = app.client.get(app.url("/login")).send().await.unwrap();
    page_nonce(sign_in_page).await;

    let api = app
        .client
        .get(app.url("/api/current_admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.headers()["cache-control"], "no-store");
    assert!(
        api.headers().get("strict-transport-security").is_none(),
        "no HSTS over plain http"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_for_another_host_is_refused_so_dns_rebinding_reaches_nothing() {
    let url = &database_urls().await[0];
    let app = spawn_app(url).await;
    let rebound = app
        .client
        .post(app.url("/api/login"))
        .header("host", "attacker.example")
        .form(&[("email", PRIMARY_EMAIL), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), StatusCode::FORBIDDEN);
    let error: Value = rebound.json().await.unwrap();
    assert_eq!(error["denied"]["code"], "other_host");
    assert!(app.audit_trail().await.is_empty());
    let (sessions,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(sessions, 0);

    let health = app
        .client
        .get(app.url("/healthz"))
        .header("host", "10.0.0.7:3000")
        .send()
        .await
        .unwrap();
    assert_eq!(
        health.status(),
        StatusCode::OK,
        "probes by address are answered"
    );
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    let by_name = app
        .client
        .get(app.url("/login"))
        .header("host", format!("localhost:{port}"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_name.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_https_cookies_are_secure_and_host_only_and_browsers_are_told_to_stay_on_https() {
    let url = &database_urls().await[0];
    let app = spawn_configured(url, |settings| {
        settings.public_url = Some("https://roster.example".to_owned());
    })
    .await;
    let signed_in = client()
        .post(app.url("/api/login"))
        .header("host", "roster.example")
        .form(&[("email", PRIMARY_EMAIL), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert_eq!(
        signed_in.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let cookie = cookies_set(&signed_in).remove(0);
    assert!(cookie.starts_with("__Host-roster_session="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");

    let pair = cookie.split(';').next().unwrap().to_owned();
    let me = |cookie: String| {
        client()
            .get(app.url("/api/current_admin"))
            .header("host", "roster.example")
            .header("cookie", cookie)
            .send()
    };
    assert_eq!(me(pair.clone()).await.unwrap().status(), StatusCode::OK);
    let unprefixed = pair.replace("__Host-roster_session", "roster_session");
    assert_eq!(
        me(unprefixed).await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "only the __Host- cookie is read over https"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ends_after_the_accounts_idle_minutes_and_asking_its_time_left_does_not_lengthen_it()
 {
    on_every_engine(|app| async move {
        app.sign_in().await;
        app.change_sign_in_security(json!({ "two_factor": "off", "idle_timeout_minutes": 5 }))
            .await;
        let (_, second) = app
            .second_admin("second@example.com", DefaultRole::UserAdmin)
            .await;
        let app = &app;
        let time_left = |client: reqwest::Client| async move {
            app.get_json::<i64>(&client, "/api/session_time_left").await
        };
        app.clock.advance(200);
        assert_eq!(time_left(second.clone()).await.unwrap(), 100);
        app.clock.advance(60);
        assert_eq!(
            time_left(second.clone()).await.unwrap(),
            40,
            "asking is not activity"
        );
        let stayed: i64 = app
            .post_json(&second, "/api/stay_signed_in", json!({}), HeaderMap::new())
            .await
            .unwrap();
        assert_eq!(stayed, 300);
        app.clock.advance(299);
        assert_eq!(time_left(second.clone()).await.unwrap(), 1);
        app.clock.advance(1);
        let ended = app.current_admin(&second).await.unwrap_err();
        assert_eq!(ended.status, StatusCode::UNAUTHORIZED);
        let nobody = time_left(client()).await.unwrap_err();
        assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
    })
    .await;
}

/// Bodies no client should send: broken and wrongly typed JSON, broken forms, deep
/// nesting, NUL and control characters, numbers past i64, strings past every limit, and
/// one body past the request limit. `seed` varies the field names a body guesses.
fn malformed_bodies(seed: usize) -> Vec<(&'static str, Vec<u8>)> {
    const JSON: &str = "application/json";
    const FORM: &str = "application/x-www-form-urlencoded";
    let fields = [
        "id", "ids", "q", "name", "email", "code", "token", "version", "settings", "edit", "after",
        "user", "group", "app", "domain", "locale", "password", "approve",
    ];
    let field = fields[seed % fields.len()];
    let other = fields[(seed * 7 + 3) % fields.len()];
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    let long = "x".repeat(300_000);
    vec![
        (JSON, Vec::new()),
        (JSON, b"{".to_vec()),
        (JSON, b"null".to_vec()),
        (JSON, b"[1, 2, 3]".to_vec()),
        (JSON, format!("{{\"{field}\": {deep}}}").into_bytes()),
        (
            JSON,
            format!("{{\"{field}\": \"a\\u0000b\", \"{other}\": \"\\u0007\"}}").into_bytes(),
        ),
        (
            JSON,
            format!("{{\"{field}\": 1e400, \"{other}\": -9223372036854775809}}").into_bytes(),
        ),
        (
            JSON,
            format!("{{\"{field}\": -1, \"{other}\": 9223372036854775807}}").into_bytes(),
        ),
        (JSON, format!("{{\"{field}\": \"{long}\"}}").into_bytes()),
        (
            JSON,
            format!("{{\"{field}\": {{\"{other}\": [null, true, {{}}]}}}}").into_bytes(),
        ),
        (JSON, vec![0xff, 0xfe, 0x00, 0x7b]),
        (FORM, b"a=%ZZ&&=&%".to_vec()),
        (FORM, format!("{field}=%00&{other}=-1").into_bytes()),
        (FORM, format!("{field}={long}").into_bytes()),
        (
            FORM,
            format!("{field}[]=1&{field}[x]=2&{other}=").into_bytes(),
        ),
        (
            JSON,
            format!("{{\"{field}\": [], \"{other}\": \"\\ud800\"}}").into_bytes(),
        ),
        (
            FORM,
            format!("{field}=%F0%28%8C%BC&{other}=%E2%80%AE").into_bytes(),
        ),
        ("text/plain", b"hello".to_vec()),
        ("application/octet-stream", vec![0u8; 2048]),
        (JSON, vec![b' '; MAX_REQUEST_BODY + 1]),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_oversized_bodies_get_no_5xx_from_any_server_function_and_change_nothing() {
    let mut paths: Vec<(&'static str, Method)> = leptos::server_fn::axum::server_fn_paths()
        // Signing out would end the session the rest of the run uses.
        .filter(|(path, _)| *path != "/api/logout")
        .map(|(path, method)| {
            (
                path,
                Method::from_bytes(method.as_str().as_bytes()).unwrap(),
            )
        })
        .collect();
    paths.sort_by_key(|(path, _)| *path);
    assert!(paths.len() >= 50, "every server function is registered");
    on_every_engine(|app| {
        let paths = paths.clone();
        async move {
            app.sign_in().await;
            let mut sent = 0;
            for (index, (path, method)) in paths.iter().enumerate() {
                for (content_type, body) in malformed_bodies(index) {
                    let users = app.user_count().await;
                    let events = app.audit_trail().await.len();
                    let request = if *method == Method::GET {
                        let query: String =
                            String::from_utf8_lossy(&body).chars().take(4_000).collect();
                        if content_type.starts_with("application/x-www-form") {
                            app.client.get(format!("{}?{query}", app.url(path)))
                        } else {
                            app.client.get(app.url(path)).query(&[("q", query)])
                        }
                    } else {
                        app.client
                            .request(method.clone(), app.url(path))
                            .header("content-type", content_type)
                            .body(body.clone())
                    };
                    // The server stops reading an oversized body and drops the
                    // connection after its 413; a pooled connection could then be
                    // reused just as it closes, so every probe brings its own.
                    let status = request
                        .header(reqwest::header::CONNECTION, "close")
                        .send()
                        .await
                        .unwrap()
                        .status();
                    sent += 1;
                    assert!(
                        status.as_u16() < 500,
                        "{method} {path} answered {status} to a {content_type} body of {} bytes",
                        body.len()
                    );
                    if !status.is_success() {
                        assert_eq!(
                            app.user_count().await,
                            users,
                            "{path} refused yet changed users"
                        );
                        assert_eq!(
                            app.audit_trail().await.len(),
                            events,
                            "{path} refused yet audited"
                        );
                    }
                }
            }
            assert!(sent >= 1_000, "{sent} bodies sent");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_who_gives_a_code_needs_a_sign_in_within_five_minutes_or_the_password_again() {
    on_every_engine(|app| async move {
        app.sign_in().await;
        let save = |two_factor: &'static str, lock_after: i64, version: i64| {
            app.post_json::<Value>(
                &app.client,
                "/api/save_sign_in_security",
                json!({
                    "settings": { "two_factor": two_factor, "idle_timeout_minutes": 15, "session_lifetime_hours": 12, "lock_after": lock_after, "lock_window_minutes": 15, "unlock_after_minutes": 30 },
                    "version": version
                }),
                HeaderMap::new(),
            )
        };
        app.clock.advance(301);
        let refused = save("everyone", 5, 1).await.unwrap_err();
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(
            refused.error,
            AppError::Forbidden {
                denied: Denied::RecentSignInNeeded
            }
        );
        assert!(app.audit_trail().await.is_empty(), "nothing changed");
        let other_settings = save("off", 6, 1).await.unwrap();
        assert_eq!(other_settings["version"], 2, "the rest of the section needs no password");

        let confirm = |password: &'static str| {
            app.client
                .post(app.url("/api/confirm_password"))
                .form(&[("password", password)])
                .send()
        };
        let wrong = confirm("not my password").await.unwrap();
        assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
        assert!(save("everyone", 6, 2).await.is_err());
        assert_eq!(confirm(PASSWORD).await.unwrap().status(), StatusCode::OK);
        let saved = save("everyone", 6, 2).await.unwrap();
        assert_eq!(saved["settings"]["two_factor"], "everyone");
        let nobody = client()
            .post(app.url("/api/confirm_password"))
            .form(&[("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(nobody.status(), StatusCode::UNAUTHORIZED);
    })
    .await;
}

/// Follows `response` (a start of Roster's) through the OpenID provider's login form,
/// signing in as `email`, and answers the server's response to the provider's callback.
async fn through_provider(
    app: &TestApp,
    client: &reqwest::Client,
    mut response: reqwest::Response,
    email: &str,
) -> reqwest::Response {
    let callback = app.url(app::sso::CALLBACK_PATH);
    loop {
        let here = response.url().clone();
        if response.status().is_redirection() {
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            let next = here.join(&location).unwrap();
            if next.as_str().starts_with(&callback) {
                return client.get(next).send().await.unwrap();
            }
            response = client.get(next).send().await.unwrap();
            continue;
        }
        assert_eq!(response.status(), StatusCode::OK, "at {here}");
        if here.as_str().starts_with(&app.address) {
            // Roster's page that goes on to the provider by itself.
            let onward = onward_address(response).await;
            response = client.get(onward).send().await.unwrap();
            continue;
        }
        let form = here.join(&format!("{}/login", here.path())).unwrap();
        response = client
            .post(form)
            .form(&[("login", email), ("password", "anything")])
            .send()
            .await
            .unwrap();
    }
}

/// Where one of Roster's pages that go on by themselves leads.
async fn onward_address(response: reqwest::Response) -> String {
    let page = response.text().await.unwrap();
    let start = page.find("url=").expect("a page that goes on") + 4;
    let end = start + page[start..].find('"').unwrap();
    page[start..end].replace("&amp;", "&")
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_sso_on_members_sign_in_through_the_provider_and_admins_bypass_it_at_the_admins_door()
{
    use app::sso::{CALLBACK_PATH, START_PATH, TEST_DONE_PATH, TEST_PATH};
    use app::testing::oidc_provider::{CLIENT_ID, CLIENT_SECRET, OidcProvider};
    on_every_engine(|app| async move {
        let provider = OidcProvider::start(&app.url(CALLBACK_PATH));
        app.sign_in().await;
        let mia = app
            .member("Mia", "mia@example.com", UserStatus::Active)
            .await;
        let save = |version: i64| {
            let body = json!({
                "provider": {
                    "issuer": provider.issuer(),
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "allowed_domains": "example.com"
                },
                "version": version
            });
            app.client
                .post(app.url("/api/save_sso_provider"))
                .json(&body)
                .send()
        };
        assert_eq!(save(0).await.unwrap().status(), StatusCode::OK);
        let switch_on = || {
            app.client
                .post(app.url("/api/switch_sso"))
                .json(&json!({ "enabled": true, "version": 1 }))
                .send()
        };
        let untested = decode::<Value>(switch_on().await.unwrap())
            .await
            .unwrap_err();
        assert_eq!(untested.status, StatusCode::CONFLICT);

        // The Primary Admin tests a sign-in through the provider; back on this site,
        // with their session, the test is recorded; then SSO can be turned on.
        let test = app.client.get(app.url(TEST_PATH)).send().await.unwrap();
        let passed = through_provider(&app, &app.client, test, PRIMARY_EMAIL).await;
        let done = onward_address(passed).await;
        assert_eq!(done, TEST_DONE_PATH);
        let stranger = client().get(app.url(&done)).send().await.unwrap();
        assert_eq!(stranger.status(), StatusCode::UNAUTHORIZED);
        let recorded = app.client.get(app.url(&done)).send().await.unwrap();
        assert_eq!(location(&recorded), "/user-settings?sso_test=ok#sso");
        assert_eq!(switch_on().await.unwrap().status(), StatusCode::OK);
        assert_eq!(
            save(1).await.unwrap().status(),
            StatusCode::CONFLICT,
            "not while on"
        );

        // A member signs in through the provider, never with a password.
        let start = |client: &reqwest::Client, email: &'static str| {
            client
                .post(app.url(START_PATH))
                .form(&[("email", email)])
                .send()
        };
        let member = client();
        let started = start(&member, "mia@example.com").await.unwrap();
        let landed = through_provider(&app, &member, started, "mia@example.com").await;
        assert_eq!(landed.status(), StatusCode::OK);
        assert!(landed.text().await.unwrap().contains("url=/me"));
        let me = member.get(app.url("/api/my_account")).send().await.unwrap();
        assert_eq!(me.status(), StatusCode::OK, "the member's session works");
        let member_test = member.get(app.url(TEST_PATH)).send().await.unwrap();
        assert_eq!(member_test.status(), StatusCode::FORBIDDEN);

        // Admins' passwords work only at the admins' door; nobody's password is reset.
        let admin = client();
        let at_login = app.sign_in_with(&admin, PRIMARY_EMAIL, PASSWORD).await;
        assert_eq!(at_login.status(), StatusCode::UNAUTHORIZED);
        let at_admins_door = admin
            .post(app.url("/api/login"))
            .form(&[
                ("email", PRIMARY_EMAIL),
                ("password", PASSWORD),
                ("admin", "true"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(at_admins_door.status(), StatusCode::OK);
        let reset = admin
            .post(app.url("/api/send_password_reset"))
            .json(&json!({ "user": mia }))
            .send()
            .await
            .unwrap();
        assert_eq!(reset.status(), StatusCode::CONFLICT);

        // A callback whose state is not this browser's signs nobody in.
        let forger = client();
        let started = start(&forger, "mia@example.com").await.unwrap();
        assert!(
            onward_address(started)
                .await
                .starts_with(&provider.issuer())
        );
        let forged = forger
            .get(app.url(&format!("{CALLBACK_PATH}?code=stolen&state=forged")))
            .send()
            .await
            .unwrap();
        assert_eq!(location(&forged), "/login?sso=failed");
        let unknown = start(&client(), "who@nowhere.example").await.unwrap();
        assert_eq!(location(&unknown), "/login?sso=unknown");

        let actions: Vec<String> = app
            .audit_trail()
            .await
            .into_iter()
            .map(|(action, _)| action)
            .collect();
        for action in [
            "settings.sso_provider_changed",
            "settings.sso_tested",
            "settings.sso_switched",
        ] {
            assert!(
                actions.contains(&action.to_owned()),
                "{action} in {actions:?}"
            );
        }
    })
    .await;
}
