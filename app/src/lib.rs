//! Roster's shared crate: domain types and rules, `#[server]` functions and the Leptos
//! components of the Admin Console. Server-only parts live behind the `ssr` feature.

pub mod auth;
pub mod console;
pub mod email;
pub mod error;
pub mod time_fmt;
pub mod users;

#[cfg(feature = "ssr")]
pub mod accounts;
#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod scratch;
#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod state;

use auth::LoginPage;
use console::{ComingSoon, ConsoleLayout, NotFound};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{SsrMode, path};
use users::grid::UsersPage;

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="stylesheet" href="/pkg/roster.css" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The Admin Console.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Lets end-to-end tests wait for hydration instead of sleeping.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title text="Roster · Admin Console" />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage />
                <ParentRoute path=path!("") view=ConsoleLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=|| view! { <Redirect path="/users" /> } />
                    <Route path=path!("users") view=UsersPage ssr=SsrMode::Async />
                    <Route
                        path=path!("dashboard")
                        view=|| view! { <ComingSoon title="Dashboard" about="Activity and a user overview for your account." /> }
                    />
                    <Route
                        path=path!("user-settings")
                        view=|| view! { <ComingSoon title="User Settings" about="Self sign-up, e-mail notifications, default permissions and profile fields." /> }
                    />
                    <Route
                        path=path!("roles")
                        view=|| view! { <ComingSoon title="Role Management" about="Account roles and their permissions." /> }
                    />
                    <Route
                        path=path!("groups")
                        view=|| view! { <ComingSoon title="Groups" about="Groups of users, for assigning access together." /> }
                    />
                    <Route
                        path=path!("invite")
                        view=|| view! { <ComingSoon title="Invite" about="Invite up to five people at once by e-mail." /> }
                    />
                    <Route
                        path=path!("apps")
                        view=|| view! { <ComingSoon title="Apps" about="Published apps and who may use them." /> }
                    />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
