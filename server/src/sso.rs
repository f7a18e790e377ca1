//! The routes of a sign-in through the account's SSO identity provider, outside the
//! server functions because each answers with a page or a redirect the browser
//! follows: the start (the sign-in page's SSO form, a POST the cross-origin check
//! guards), an admin's test sign-in and the same-site step that records it, and the
//! callback the provider sends the person back to. Every failure lands on a page that
//! says so; the reason goes to the log.

use crate::error_status::error_response;
use app::auth::principal::{ClientAddr, Grant, Principal, SettingsManage};
use app::auth::session::Client;
use app::domain::Email;
use app::error::AppError;
use app::secret_box::SecretKey;
use app::sso::flow::{self, Callback, FlowError, Pending, Purpose, Start, TestPassed};
use app::sso::store::{self, SsoSignIn};
use app::sso::{CALLBACK_PATH, START_PATH, TEST_DONE_PATH, TEST_PATH};
use app::state::AppState;
use axum::Router;
use axum::extract::{Extension, Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn routes(state: AppState) -> Router {
    Router::new()
        .route(START_PATH, post(start))
        .route(TEST_PATH, get(test))
        .route(TEST_DONE_PATH, get(test_done))
        .route(CALLBACK_PATH, get(callback))
        .with_state(state)
}

#[derive(Deserialize)]
struct StartForm {
    email: Option<String>,
    next: Option<String>,
}

/// Where a failed sign-in lands: the sign-in page, saying `why` (`unknown`, `failed`,
/// `refused` or `waiting`).
fn to_sign_in(why: &str) -> Response {
    Redirect::to(&format!("/login?sso={why}")).into_response()
}

/// Where a test lands: the settings, saying how it went (`ok`, `stale` or `failed`).
fn to_settings(outcome: &str) -> Response {
    Redirect::to(&format!("/user-settings?sso_test={outcome}#sso")).into_response()
}

fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Sends the browser to the provider, holding the sealed sign-in in its cookie. By a
/// page, not a redirect: the sign-in page's CSP lets its forms reach this origin only
/// (`form-action 'self'`), which a browser applies to a redirect after the form too.
fn to_provider(address: &str, sealed: &str, secure: bool) -> Response {
    with_cookie(
        onward_page(address),
        &flow::flow_cookie(Some(sealed), secure),
    )
}

/// A sign-in through the provider of the account with SSO on that `email` belongs to.
async fn start(
    State(state): State<AppState>,
    addr: Option<Extension<ClientAddr>>,
    Form(form): Form<StartForm>,
) -> Response {
    // Each start asks the provider for its discovery document: limited per address
    // like sign-ins, so nobody can make the server fetch without end.
    if let Err(error) = state.attempts.check(addr.map(|Extension(addr)| addr.0)) {
        return error_response(&error);
    }
    let Some(email) = form
        .email
        .as_deref()
        .and_then(|email| Email::parse(email).ok())
    else {
        return to_sign_in("unknown");
    };
    let Some(key) = state.secret_key.as_ref() else {
        return to_sign_in("unknown");
    };
    let account = match store::account_for_email(&state.db, &email).await {
        Ok(Some(account)) => account,
        Ok(None) => return to_sign_in("unknown"),
        Err(error) => {
            tracing::error!(%error, "finding the SSO account failed");
            return to_sign_in("failed");
        }
    };
    let provider = match store::provider_for_sign_in(&state, account).await {
        Ok(provider) if provider.enabled => provider,
        _ => return to_sign_in("unknown"),
    };
    let start = Start {
        account,
        purpose: Purpose::SignIn,
        next: form.next.filter(|next| !next.is_empty()),
        login_hint: Some(email),
    };
    let now = state.clock.now();
    match flow::begin(&provider, key, &state.public_url, start, now).await {
        Ok((address, sealed)) => to_provider(&address, &sealed, state.secure_cookies),
        Err(error) => {
            tracing::warn!(%error, %account, "an SSO sign-in could not start");
            to_sign_in("failed")
        }
    }
}

/// The signed-in admin and their grant to manage settings.
fn manager(
    principal: Option<Extension<Principal>>,
) -> Result<(Principal, Grant<SettingsManage>), AppError> {
    let Extension(principal) = principal.ok_or(AppError::Unauthenticated)?;
    let grant = principal.grant::<SettingsManage>()?;
    Ok((principal, grant))
}

/// An admin's test sign-in through the provider as saved.
async fn test(State(state): State<AppState>, principal: Option<Extension<Principal>>) -> Response {
    let grant = match manager(principal) {
        Ok((_, grant)) => grant,
        Err(refusal) => return error_response(&refusal),
    };
    let Some(key) = state.secret_key.as_ref() else {
        return to_settings("failed");
    };
    let account = grant.account_id();
    let Ok(provider) = store::provider_for_sign_in(&state, account).await else {
        return to_settings("failed");
    };
    let start = Start {
        account,
        purpose: Purpose::Test {
            tester: grant.actor_id(),
            version: provider.version,
        },
        next: None,
        login_hint: None,
    };
    let now = state.clock.now();
    match flow::begin(&provider, key, &state.public_url, start, now).await {
        Ok((address, sealed)) => to_provider(&address, &sealed, state.secure_cookies),
        Err(error) => {
            tracing::warn!(%error, %account, "an SSO test could not start");
            to_settings("failed")
        }
    }
}

/// Records a test the provider passed, back on this site with the admin's session:
/// only by the admin who started it, in their account.
async fn test_done(
    State(state): State<AppState>,
    principal: Option<Extension<Principal>>,
    headers: HeaderMap,
) -> Response {
    let (principal, grant) = match manager(principal) {
        Ok(granted) => granted,
        Err(refusal) => return error_response(&refusal),
    };
    let now = state.clock.now();
    let sealed = flow::flow_cookie_value(&headers, state.secure_cookies);
    let passed = state
        .secret_key
        .as_ref()
        .and_then(|key| TestPassed::open(key, sealed.as_deref(), now))
        .filter(|passed| {
            passed.tester == principal.user_id() && passed.account == grant.account_id()
        });
    let response = match passed {
        None => to_settings("failed"),
        Some(passed) => {
            match store::record_test(&state.db, &grant, passed.version, &passed.email, now).await {
                Ok(true) => to_settings("ok"),
                Ok(false) => to_settings("stale"),
                Err(error) => {
                    tracing::error!(%error, "recording an SSO test failed");
                    to_settings("failed")
                }
            }
        }
    };
    with_cookie(response, &flow::flow_cookie(None, state.secure_cookies))
}

/// The provider sends the person back here. The flow cookie is removed whatever the
/// outcome, unless it now carries a passed test to its recording step.
async fn callback(
    State(state): State<AppState>,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    Query(answer): Query<Callback>,
) -> Response {
    let secure = state.secure_cookies;
    let (response, carried) = match state.secret_key.as_ref() {
        Some(key) => finish(&state, key, addr, &headers, answer).await,
        None => (to_sign_in("failed"), None),
    };
    with_cookie(response, &flow::flow_cookie(carried.as_deref(), secure))
}

/// The page the callback answers, and what the flow cookie carries on, if anything.
async fn finish(
    state: &AppState,
    key: &SecretKey,
    addr: Option<Extension<ClientAddr>>,
    headers: &HeaderMap,
    answer: Callback,
) -> (Response, Option<String>) {
    let now = state.clock.now();
    let sealed = flow::flow_cookie_value(headers, state.secure_cookies);
    let pending = match flow::pending(key, sealed.as_deref(), now) {
        Ok(pending) => pending,
        Err(error) => {
            tracing::info!(%error, "an SSO callback without its sign-in");
            return (to_sign_in("failed"), None);
        }
    };
    let failed = |error: FlowError, pending: &Pending| {
        tracing::warn!(%error, account = %pending.account, "an SSO sign-in failed");
        let page = match pending.purpose {
            Purpose::SignIn => to_sign_in("failed"),
            Purpose::Test { .. } => to_settings("failed"),
        };
        (page, None)
    };
    let provider = match store::provider_for_sign_in(state, pending.account).await {
        Ok(provider) => provider,
        Err(error) => return failed(FlowError::Provider(error.to_string()), &pending),
    };
    let identity = match flow::finish(&provider, &state.public_url, &pending, answer).await {
        Ok(identity) => identity,
        Err(error) => return failed(error, &pending),
    };
    match pending.purpose {
        Purpose::Test { tester, version } => {
            // The admin's session cookie (SameSite=Strict) did not come along from the
            // provider's site: the recording step, reached from this page, has it.
            let passed = TestPassed::seal(key, &pending, (tester, version), identity.email);
            (onward_page(TEST_DONE_PATH), Some(passed))
        }
        Purpose::SignIn if !provider.enabled => (to_sign_in("failed"), None),
        Purpose::SignIn => {
            let client = Client::of_request(headers, addr.map(|Extension(addr)| addr.0));
            let signed_in = store::sign_in(
                &state.db,
                pending.account,
                &provider.allowed_domains,
                &identity,
                &client,
                now,
            )
            .await;
            let page = match signed_in {
                Ok(SsoSignIn::Session(token, access)) => {
                    tracing::info!(email = %identity.email, ?access, "signed in through SSO");
                    let landing = app::auth::landing(access, pending.next.as_deref());
                    with_cookie(onward_page(&landing), &token.cookie(state.secure_cookies))
                }
                Ok(SsoSignIn::Waiting) => to_sign_in("waiting"),
                Ok(SsoSignIn::Refused) => {
                    tracing::info!(email = %identity.email, "SSO sign-in refused");
                    to_sign_in("refused")
                }
                Err(error) => {
                    tracing::error!(%error, "an SSO sign-in failed");
                    to_sign_in("failed")
                }
            };
            (page, None)
        }
    }
}

/// A page that goes on to `address` by itself, where a redirect would not do: after
/// the sign-in page's form (see `to_provider`), and after the provider, since the
/// session cookie is SameSite=Strict and a browser leaves it off every request of a
/// redirect chain that a cross-site page began, while a navigation this page starts is
/// same-site. It runs nothing: its CSP allows no script, so no address can.
fn onward_page(address: &str) -> Response {
    let escaped = html_escape::encode_double_quoted_attribute(address);
    let body = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"0;url={escaped}\"><title>Roster</title></head>\
         <body><p><a href=\"{escaped}\">Continue</a></p></body></html>"
    );
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; base-uri 'none'; frame-ancestors 'none'"),
    );
    response
}
