//! The signed-in frame: the navigation built from the areas table, the header with the
//! admin, the language switch and Sign out, and the page in the outlet.

use super::areas::{Area, Section};
use super::language::LanguageSwitch;
use super::sign_in_path;
use crate::auth::{AdminSession, Logout, SwitchAccount, current_admin};
use crate::domain::{Permission, PermissionSet};
use crate::error::{AppError, Denied};
use crate::i18n::{t_string, use_i18n};
use crate::me::MY_ACCOUNT_PATH;
use crate::pictures::ui::Avatar;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};

/// The signed-in admin, for pages that adapt their controls to the admin's permissions.
#[derive(Clone, Copy)]
pub struct AdminContext(Resource<Result<AdminSession, AppError>>);

impl AdminContext {
    /// Whether the signed-in admin holds `permission`; to be awaited inside a `Suspend`.
    pub async fn can(permission: Permission) -> bool {
        Self::permissions().await.contains(permission)
    }

    /// Every permission the signed-in admin holds; to be awaited inside a `Suspend`.
    pub async fn permissions() -> PermissionSet {
        match use_context::<Self>() {
            Some(admin) => admin
                .0
                .await
                .map(|admin| admin.permissions)
                .unwrap_or_default(),
            None => PermissionSet::default(),
        }
    }

    /// Whether the signed-in admin is the account's Primary Admin; to be awaited inside
    /// a `Suspend`.
    pub async fn is_primary_admin() -> bool {
        match use_context::<Self>() {
            Some(admin) => admin.0.await.is_ok_and(|admin| admin.is_primary_admin),
            None => false,
        }
    }
}

/// The signed-in console: navigation, header, and the page in the outlet.
#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let i18n = use_i18n();
    let admin = Resource::new(|| (), |_| current_admin());
    provide_context(AdminContext(admin));
    view! {
        <a class="skip-link" href="#content">{move || t_string!(i18n, console.skip)}</a>
        <div class="console">
            <aside class="sidebar">
                <a class="brand" href=Area::Users.path()>
                    <span class="brand-mark" aria-hidden="true">"R"</span>
                    <span>{move || t_string!(i18n, brand)}</span>
                </a>
                <Navigation />
            </aside>
            <div class="workspace">
                <header class="topbar">
                    <span class="topbar-title">{move || t_string!(i18n, console.title)}</span>
                    <div class="topbar-end">
                    <LanguageSwitch />
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            match admin.await {
                                Ok(admin) => view! { <AdminMenu admin /><super::IdleWarning /> }.into_any(),
                                Err(AppError::Unauthenticated) => {
                                    view! { <Redirect path=sign_in_path() /> }.into_any()
                                }
                                Err(AppError::Forbidden { denied: Denied::NotAnAdmin }) => {
                                    view! { <Redirect path=MY_ACCOUNT_PATH /> }.into_any()
                                }
                                Err(error) => view! { <super::ErrorNotice error /> }.into_any(),
                            }
                        })}
                    </Transition>
                    </div>
                </header>
                <main class="content" id="content" tabindex="-1">
                    <Outlet />
                </main>
            </div>
        </div>
    }
}

/// The areas, grouped under their section headings; an area that needs a permission the
/// admin lacks is left out.
#[component]
fn Navigation() -> impl IntoView {
    let i18n = use_i18n();
    let mut groups: Vec<(Section, Vec<Area>)> = Vec::new();
    for area in Area::ALL {
        match groups.last_mut() {
            Some((section, areas)) if *section == area.section() => areas.push(area),
            _ => groups.push((area.section(), vec![area])),
        }
    }
    let link = move |area: Area| {
        let item = move || {
            view! {
                <li>
                    <A href=area.path()>{move || area.title(i18n.get_locale())}</A>
                </li>
            }
        };
        match area.permission() {
            None => item().into_any(),
            Some(permission) => view! {
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move { AdminContext::can(permission).await.then(item) })}
                </Transition>
            }
            .into_any(),
        }
    };
    let items = groups
        .into_iter()
        .map(|(section, areas)| {
            let links = areas.into_iter().map(link).collect_view();
            match section {
                Section::TopLevel => links.into_any(),
                _ => view! {
                    <li class="nav-group">
                        <span class="nav-heading">{move || section.title(i18n.get_locale())}</span>
                        <ul>{links}</ul>
                    </li>
                }
                .into_any(),
            }
        })
        .collect_view();
    view! {
        <nav aria-label=move || t_string!(i18n, console.navigation)>
            <ul class="nav">{items}</ul>
        </nav>
    }
}

/// The signed-in admin, the account they work in (with a way to another account of
/// theirs: signing in again, there) and the sign-out button.
#[component]
fn AdminMenu(admin: AdminSession) -> impl IntoView {
    let i18n = use_i18n();
    let logout = ServerAction::<Logout>::new();
    let switch_account = ServerAction::<SwitchAccount>::new();
    let is_primary_admin = admin.is_primary_admin;
    let role_name = admin.role_name.clone();
    let account_name = admin.account_name.clone();
    view! {
        <div class="admin-menu">
            <Avatar
                user=admin.user_id
                picture_at=admin.picture_at
                name=format!("{} {}", admin.first_name, admin.last_name)
            />
            <span class="admin-who">
                <span class="admin-name" data-testid="signed-in-admin">
                    {format!("{} {}", admin.first_name, admin.last_name)}
                </span>
                <span class="admin-role">
                    {move || if is_primary_admin {
                        t_string!(i18n, console.primary_admin).to_owned()
                    } else {
                        role_name.clone()
                    }}
                </span>
                <span class="admin-role" data-testid="signed-in-account">
                    {move || t_string!(i18n, console.account, name = account_name.as_str())}
                </span>
            </span>
            {admin.has_other_accounts.then(|| view! {
                <ActionForm action=switch_account>
                    <button class="button subtle" type="submit">{move || t_string!(i18n, console.switch_account)}</button>
                </ActionForm>
            })}
            <ActionForm action=logout>
                <button class="button subtle" type="submit">{move || t_string!(i18n, console.sign_out)}</button>
            </ActionForm>
        </div>
    }
}
