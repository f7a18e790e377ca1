//! The User Details page, `/users/{id}`: a header with the user's name, e-mail, status
//! and the More menu, and three tabs (Profile, Sessions/Devices, Manage Apps) whose
//! choice is in the URL, so reload and Back keep it. Every change is a server action
//! made here, at the page, so its answer outlives the tab that asked and the data it
//! changed is read again. Loaded as its own piece of the wasm.

mod apps;
mod groups;
mod more;
mod profile;
mod reset;
mod sessions;

use crate::enrollment::{InvitationRevoked, ResendInvitations, RevokeInvitation};
pub use sessions::{browser_and_os, device_label};

use super::outcome::{ActionOutcome, Report};
use crate::apps::{AssignApp, ChangeAppRole, RemoveAppRole, TransferOwnership, UserApp};
use crate::console::areas::Area;
use crate::console::{AdminContext, ErrorNotice, NotFound, PageReady, path_id};
use crate::domain::{Permission, UserId};
use crate::error::AppError;
use crate::i18n::{Locale, t_string, td_string, use_i18n};
use crate::lang::status_label;
use crate::pictures::ui::{Avatar, PictureControl};
use crate::pictures::user_picture_api;
use crate::query_string::encode_component;
use crate::users::profile::{SaveProfile, UserDetails, get_user};
use crate::users::sessions::EndSessions;
use crate::users::{ChangeStatus, DeleteUsers};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/users/{id}`, split from the rest of the console's code.
pub struct UserDetailsRoute;

#[lazy_route]
impl LazyRoute for UserDetailsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <UserDetailsPage /> }.into_any()
    }
}

/// One tab of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Profile,
    Sessions,
    Apps,
}

impl Tab {
    const ALL: [Tab; 3] = [Self::Profile, Self::Sessions, Self::Apps];

    fn slug(self) -> &'static str {
        match self {
            Self::Profile => "profile",
            Self::Sessions => "sessions",
            Self::Apps => "apps",
        }
    }

    fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|tab| tab.slug() == slug)
    }

    fn label(self, locale: Locale) -> &'static str {
        match self {
            Self::Profile => td_string!(locale, details.tab_profile),
            Self::Sessions => td_string!(locale, details.tab_sessions),
            Self::Apps => td_string!(locale, details.tab_apps),
        }
    }
}

/// The page of user `id` on `tab`.
pub fn details_href(id: UserId, tab: &str) -> String {
    format!("{}/{id}?tab={tab}", Area::Users.path())
}

/// What the admin may do on this page.
#[derive(Clone, Copy)]
struct Abilities {
    update: bool,
    delete: bool,
    kill: bool,
    assign: bool,
    groups: bool,
    audit: bool,
    primary_admin: bool,
    invite: bool,
}

impl Abilities {
    async fn of_admin() -> Self {
        Self {
            update: AdminContext::can(Permission::UsersUpdate).await,
            delete: AdminContext::can(Permission::UsersDelete).await,
            kill: AdminContext::can(Permission::SessionsKill).await,
            assign: AdminContext::can(Permission::AppsAssign).await,
            groups: AdminContext::can(Permission::GroupsManage).await,
            audit: AdminContext::can(Permission::AuditRead).await,
            primary_admin: AdminContext::is_primary_admin().await,
            invite: AdminContext::can(Permission::UsersInvite).await,
        }
    }
}

/// The changes the page can make; each one's answer stays on screen until the next.
#[derive(Clone, Copy)]
struct Actions {
    save: ServerAction<SaveProfile>,
    status: ServerAction<ChangeStatus>,
    delete: ServerAction<DeleteUsers>,
    transfer: ServerAction<TransferOwnership>,
    end_sessions: ServerAction<EndSessions>,
    assign: ServerAction<AssignApp>,
    change_role: ServerAction<ChangeAppRole>,
    remove: ServerAction<RemoveAppRole>,
    resend: ServerAction<ResendInvitations>,
    revoke: ServerAction<RevokeInvitation>,
}

impl Actions {
    fn new() -> Self {
        Self {
            save: ServerAction::new(),
            status: ServerAction::new(),
            delete: ServerAction::new(),
            transfer: ServerAction::new(),
            end_sessions: ServerAction::new(),
            assign: ServerAction::new(),
            change_role: ServerAction::new(),
            remove: ServerAction::new(),
            resend: ServerAction::new(),
            revoke: ServerAction::new(),
        }
    }

    /// Whether a change that alters what the header and the Profile tab show has just
    /// succeeded (a refused one leaves the form as the admin typed it).
    fn user_changed(self) -> bool {
        matches!(self.save.value().get(), Some(Ok(_)))
            || matches!(self.status.value().get(), Some(Ok(_)))
            || matches!(self.transfer.value().get(), Some(Ok(_)))
            || matches!(self.resend.value().get(), Some(Ok(_)))
            || matches!(self.revoke.value().get(), Some(Ok(_)))
    }

    /// Changes that alter the user's apps.
    fn apps_version(self) -> (usize, usize, usize, usize) {
        (
            self.assign.version().get(),
            self.change_role.version().get(),
            self.remove.version().get(),
            self.transfer.version().get(),
        )
    }
}

impl Report for InvitationRevoked {
    fn summary(&self, locale: Locale) -> String {
        td_string!(locale, invite.revoked).to_owned()
    }

    fn is_complete(&self) -> bool {
        true
    }
}

impl Report for UserDetails {
    fn summary(&self, locale: Locale) -> String {
        td_string!(locale, details.saved).to_owned()
    }

    fn is_complete(&self) -> bool {
        true
    }
}

impl Report for Vec<UserApp> {
    fn summary(&self, locale: Locale) -> String {
        td_string!(locale, details.apps_saved).to_owned()
    }

    fn is_complete(&self) -> bool {
        true
    }
}

impl Report for u64 {
    fn summary(&self, locale: Locale) -> String {
        td_string!(locale, details.sessions_ended, count = *self)
    }

    fn is_complete(&self) -> bool {
        true
    }
}

impl Report for () {
    fn summary(&self, locale: Locale) -> String {
        td_string!(locale, details.transferred).to_owned()
    }

    fn is_complete(&self) -> bool {
        true
    }
}

/// User Management > Users > one user.
#[component]
pub fn UserDetailsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let id = path_id();
    let tab = Memo::new(move |_| {
        query
            .read()
            .get("tab")
            .and_then(|tab| Tab::from_slug(&tab))
            .unwrap_or(Tab::Profile)
    });
    let actions = Actions::new();
    let reload = RwSignal::new(0_u32);
    Effect::new(move |_| {
        if actions.user_changed() {
            reload.update(|count| *count += 1);
        }
    });
    let user = Resource::new(move || (id.get(), reload.get()), |(id, _)| get_user(id));
    view! {
        <section class="page user-details" aria-labelledby="user-title">
            <p class="back-link"><a href=Area::Users.path()>{move || t_string!(i18n, details.back)}</a></p>
            <Transition fallback=move || view! { <p class="loading">{move || t_string!(i18n, details.loading)}</p> }>
                {move || Suspend::new(async move {
                    let abilities = Abilities::of_admin().await;
                    match user.await {
                        Ok(user) => view! {
                            <UserHeader user=user.clone() abilities actions />
                            <TabBar id=user.id current=tab />
                            <div class="tab-panel" role="region" aria-labelledby="current-tab">
                                {move || match tab.get() {
                                    Tab::Profile => view! {
                                        <profile::ProfileTab user=user.clone() can_update=abilities.update can_manage_groups=abilities.groups actions reload />
                                    }.into_any(),
                                    Tab::Sessions => view! {
                                        <sessions::SessionsTab user=user.id can_kill=abilities.kill actions />
                                    }.into_any(),
                                    Tab::Apps => view! {
                                        <apps::AppsTab user=user.id can_assign=abilities.assign actions />
                                    }.into_any(),
                                }}
                            </div>
                            <PageReady />
                        }.into_any(),
                        Err(AppError::Invalid { .. }) => view! { <NotFound /> }.into_any(),
                        Err(error) => view! { <MissingUser error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// A user that cannot be shown: a 404 page for one the account does not have.
#[component]
fn MissingUser(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (AppError::NotFound { .. }, Some(response)) =
        (&error, use_context::<leptos_axum::ResponseOptions>())
    {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! { <ErrorNotice error reset_href=Area::Users.path() /> }
}

/// Name, e-mail, status and the More menu; the outcome of the header's actions.
#[component]
fn UserHeader(user: UserDetails, abilities: Abilities, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let status = user.status;
    let email = user.email.to_string();
    let audit_href = format!(
        "{}?user={}",
        Area::AuditLog.path(),
        encode_component(&email)
    );
    let badge = move || {
        let locale = i18n.get_locale();
        if user.is_primary_admin {
            Some((
                "badge primary",
                td_string!(locale, users.badge_primary_admin),
            ))
        } else if user.is_admin {
            Some(("badge admin", td_string!(locale, users.badge_admin)))
        } else {
            None
        }
    };
    let picture = RwSignal::new(user.picture_at);
    let may_change_picture = abilities.update;
    view! {
        <header class="page-header details-header">
            <div class="header-who">
                <Avatar user=user.id picture_at=picture name=user.full_name() large=true />
                <div>
                    <h1 id="user-title">
                        {user.full_name()}
                        {move || badge().map(|(class, text)| view! { <span class=class>{text}</span> })}
                    </h1>
                    <p class="subtitle">
                        <span class="email">{email.clone()}</span>
                        " "
                        <span class=format!("status status-{}", status.slug()) data-testid="user-status">
                            {move || status_label(i18n.get_locale(), status)}
                        </span>
                    </p>
                    {abilities.audit.then(|| view! {
                        <p><a href=audit_href.clone()>{move || t_string!(i18n, details.audit_link)}</a></p>
                    })}
                    <PictureControl api=user_picture_api(user.id) picture_at=picture allowed=may_change_picture />
                </div>
            </div>
            <more::MoreMenu user=user.clone() abilities actions />
        </header>
        <ActionOutcome answer=actions.status.value() test_id="status-outcome" />
        <ActionOutcome answer=actions.delete.value() test_id="delete-outcome" />
        <ActionOutcome answer=actions.transfer.value() test_id="transfer-outcome" />
        <ActionOutcome answer=actions.resend.value() test_id="resend-outcome" />
        <ActionOutcome answer=actions.revoke.value() test_id="revoke-outcome" />
    }
}

/// The three tabs, as links that keep the choice in the URL.
#[component]
fn TabBar(id: UserId, current: Memo<Tab>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="tabs" aria-label=move || t_string!(i18n, details.tabs)>
            {Tab::ALL
                .into_iter()
                .map(|tab| {
                    let is_current = move || current.get() == tab;
                    view! {
                        <a
                            class="tab"
                            href=details_href(id, tab.slug())
                            id=move || is_current().then_some("current-tab")
                            aria-current=move || is_current().then_some("page")
                        >
                            {move || tab.label(i18n.get_locale())}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}
