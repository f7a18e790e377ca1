//! The console frame around every signed-in page: left navigation, the header with the
//! signed-in admin and sign-out, and the notices shared by pages.

use crate::auth::{AdminSummary, Logout, current_admin};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use leptos_router::hooks::use_location;

/// The sign-in path that returns to the current page afterwards.
fn sign_in_path() -> String {
    let location = use_location();
    let search = location.search.get_untracked();
    let here = if search.is_empty() {
        location.pathname.get_untracked()
    } else {
        format!(
            "{}?{}",
            location.pathname.get_untracked(),
            search.trim_start_matches('?')
        )
    };
    format!(
        "/login?next={}",
        crate::users::query::encode_component(&here)
    )
}

/// The signed-in admin, for pages that adapt their controls to the admin's role.
#[derive(Clone, Copy)]
pub struct SignedInAdmin(pub Resource<Result<AdminSummary, AppError>>);

impl SignedInAdmin {
    /// Whether the signed-in admin may delete users; to be awaited inside a `Suspend`.
    pub async fn can_delete_users() -> bool {
        match use_context::<Self>() {
            Some(admin) => admin.0.await.is_ok_and(|admin| admin.can_delete_users),
            None => false,
        }
    }
}

/// The signed-in console: navigation, header, and the page in the outlet.
#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let admin = Resource::new(|| (), |_| current_admin());
    provide_context(SignedInAdmin(admin));
    view! {
        <div class="console">
            <aside class="sidebar">
                <a class="brand" href="/users">
                    <span class="brand-mark" aria-hidden="true">"R"</span>
                    <span>"Roster"</span>
                </a>
                <Navigation />
            </aside>
            <div class="workspace">
                <header class="topbar">
                    <span class="topbar-title">"Admin Console"</span>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            match admin.await {
                                Ok(admin) => view! { <AdminMenu admin /> }.into_any(),
                                Err(AppError::Unauthenticated) => {
                                    view! { <Redirect path=sign_in_path() /> }.into_any()
                                }
                                Err(error) => view! { <span class="form-error">{error.to_string()}</span> }.into_any(),
                            }
                        })}
                    </Transition>
                </header>
                <main class="content">
                    <Outlet />
                </main>
            </div>
        </div>
    }
}

#[component]
fn Navigation() -> impl IntoView {
    view! {
        <nav aria-label="Console">
            <ul class="nav">
                <li><A href="/dashboard">"Dashboard"</A></li>
                <li class="nav-group">
                    <span class="nav-heading">"User Management"</span>
                    <ul>
                        <li><A href="/users">"Users"</A></li>
                        <li><A href="/user-settings">"User Settings"</A></li>
                        <li><A href="/roles">"Role Management"</A></li>
                        <li><A href="/groups">"Groups"</A></li>
                    </ul>
                </li>
                <li class="nav-group">
                    <span class="nav-heading">"Enrollment"</span>
                    <ul>
                        <li><A href="/invite">"Invite"</A></li>
                    </ul>
                </li>
                <li><A href="/apps">"Apps"</A></li>
            </ul>
        </nav>
    }
}

/// The signed-in admin and the sign-out button.
#[component]
fn AdminMenu(admin: AdminSummary) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let initials: String = [&admin.first_name, &admin.last_name]
        .iter()
        .filter_map(|name| name.chars().next())
        .collect();
    view! {
        <div class="admin-menu">
            <span class="avatar" aria-hidden="true">{initials}</span>
            <span class="admin-who">
                <span class="admin-name" data-testid="signed-in-admin">
                    {format!("{} {}", admin.first_name, admin.last_name)}
                </span>
                <span class="admin-role">
                    {if admin.is_primary_admin { "Primary Admin".to_owned() } else { admin.role_name.clone() }}
                </span>
            </span>
            <ActionForm action=logout>
                <button class="button subtle" type="submit">"Sign out"</button>
            </ActionForm>
        </div>
    }
}

/// Shows an error from the server; an ended session goes to the sign-in page.
#[component]
pub fn ErrorNotice(error: AppError, reset_href: &'static str) -> impl IntoView {
    match error {
        AppError::Unauthenticated => view! { <Redirect path=sign_in_path() /> }.into_any(),
        error => view! {
            <div class="notice error" role="alert">
                <p>{error.to_string()}</p>
                <a href=reset_href>"Back to the default view"</a>
            </div>
        }
        .into_any(),
    }
}

/// A console area that a later release fills in.
#[component]
pub fn ComingSoon(title: &'static str, about: &'static str) -> impl IntoView {
    view! {
        <section class="page">
            <header class="page-header">
                <div>
                    <h1>{title}</h1>
                    <p class="subtitle">{about}</p>
                </div>
            </header>
            <div class="notice info">"Coming soon: this part of the console is not built yet."</div>
        </section>
    }
}

/// Any path the console does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="signin">
            <div class="signin-card">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address."</p>
                <a class="button primary" href="/users">"Go to Users"</a>
            </div>
        </main>
    }
}
