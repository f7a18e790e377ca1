//! Roster's shared crate: the Admin Console's domain, rules, `#[server]` functions and
//! Leptos components. Server-only parts live behind the `ssr` feature; test fixtures
//! behind `test-support`.
//!
//! Layers, from the bottom: `domain` (shared vocabulary) and `error`; `db` and `audit`
//! (server-only plumbing); one module per console area (`auth`, `users`, `apps`), each
//! laid out the same way (wire types and server functions at its root, rules beside
//! them, SQL in `store`, components in `ui`); and `console`, the frame around them.

pub mod access_requests;
pub mod apps;
pub mod audit;
pub mod auth;
pub mod authenticator;
pub mod console;
pub mod dashboard;
pub mod domain;
pub mod enrollment;
pub mod error;
pub mod groups;
pub mod lang;
pub mod mail;
pub mod me;
pub mod pictures;
pub mod query_string;
pub mod roles;
pub mod settings;
pub mod users;

#[cfg(feature = "ssr")]
pub mod accounts;
#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod loader;
#[cfg(feature = "ssr")]
pub mod secret_box;
pub mod sso;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "test-support")]
pub mod testing;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use console::areas::Area;
use console::{AreaPlaceholder, ConsoleLayout, NotFound};
use i18n::I18nContextProvider;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::MetaTags;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{Lazy, ParamSegment, SsrMode, StaticSegment, path};
use leptos_use::UseLocalesOptions;

/// Pages that work as plain HTML and ship no code at all: the sign-in page and its
/// second step (their forms, their errors and the language switch all work without
/// JavaScript).
#[cfg(feature = "ssr")]
const PAGES_WITHOUT_CODE: [&str; 4] = ["/login", "/login/admin", "/login/code", "/login/account"];

/// The HTML document the server renders around the app. Its `lang` attribute is set by
/// the i18n provider, from the same choice the page is rendered in.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let needs_code = use_context::<http::request::Parts>()
        .is_none_or(|parts| !PAGES_WITHOUT_CODE.contains(&parts.uri.path()));
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="stylesheet" href="/pkg/roster.css" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                {needs_code.then(|| view! { <HydrationScripts options /> })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy: scripts only with this response's nonce (which
/// Leptos puts on its hydration and streaming scripts) or loaded by them, wasm compiled
/// by them, no plugins, no `<base>`, no framing, forms posted here only.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let policy = format!(
        "script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    );
    if let (Some(response), Ok(policy)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&policy),
    ) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, policy);
    }
}

/// The Admin Console.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let languages = UseLocalesOptions::default();
    #[cfg(feature = "ssr")]
    let languages = languages.ssr_lang_header_getter(console::language::accepted_languages);
    view! {
        <I18nContextProvider ssr_lang_header_getter=languages>
            <Title text="Roster" />
            <Router>
                <Routes fallback=|| view! { <main><NotFound /></main> }>
                    <Route path=path!("/login") view={Lazy::<auth::ui::LoginRoute>::new()} />
                    <Route path=path!("/login/code") view={Lazy::<auth::ui::SignInCodeRoute>::new()} />
                    <Route path=path!("/login/account") view={Lazy::<auth::ui::ChooseAccountRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/login/admin") view={Lazy::<auth::ui::AdminLoginRoute>::new()} />
                    <Route path=path!("/forgot-password") view={Lazy::<auth::ui::ForgotPasswordRoute>::new()} />
                    <Route
                        path=path!("/reset-password")
                        view={Lazy::<auth::ui::ResetPasswordRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/accept-invitation")
                        view={Lazy::<enrollment::ui::AcceptInvitationRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/request-access")
                        view={Lazy::<access_requests::ui::RequestAccessRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/me") view={Lazy::<me::ui::MyAccountRoute>::new()} ssr=SsrMode::Async />
                    <ParentRoute path=path!("") view=ConsoleLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=|| view! { <Redirect path=Area::Dashboard.path() /> } />
                        <Route
                            path=StaticSegment(Area::Users.segment())
                            view={Lazy::<users::ui::UsersRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment(Area::Users.segment()), ParamSegment("id"))
                            view={Lazy::<users::ui::details::UserDetailsRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment(Area::UserSettings.segment())
                            view={Lazy::<settings::ui::UserSettingsRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment(Area::Dashboard.segment())
                            view={Lazy::<dashboard::ui::DashboardRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment(Area::Roles.segment())
                            view={Lazy::<roles::ui::RolesRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment(Area::Roles.segment()), ParamSegment("id"))
                            view={Lazy::<roles::assignments::ui::RoleRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment(Area::Groups.segment())
                            view={Lazy::<groups::ui::GroupsRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment(Area::Groups.segment()), ParamSegment("id"))
                            view={Lazy::<groups::ui::GroupRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment(Area::Invite.segment())
                            view={Lazy::<enrollment::ui::InviteRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment(Area::Approvals.segment())
                            view={Lazy::<access_requests::ui::ApprovalQueueRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment(Area::Apps.segment())
                            view={Lazy::<apps::catalog::ui::AppsRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment(Area::AuditLog.segment())
                            view={Lazy::<audit::ui::AuditLogRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment(Area::Outbox.segment())
                            view={Lazy::<mail::ui::OutboxRoute>::new()}
                            ssr=SsrMode::Async
                        />
                        <Route path=path!(":area") view=AreaPlaceholder />
                    </ParentRoute>
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}
