//! The Users page: search, status filter, sorting, keyset paging, selection, Delete
//! Selected and status changes. The URL holds the view; the server decides every rule. Loaded as its own
//! piece of the wasm.

mod delete;
pub mod details;
mod invitations;
mod outcome;
pub mod people;
pub mod picker;
mod status;
mod table;
mod toolbar;

use super::query::GridParams;
use super::{ChangeStatus, DeleteUsers, list_users};
use crate::console::areas::Area;
use crate::console::{AdminContext, ErrorNotice, PageReady};
use crate::domain::{Permission, UserId};
use crate::enrollment::ResendInvitations;
use crate::i18n::{t_string, use_i18n};
use delete::ConfirmDelete;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};
use outcome::ActionOutcome;
use std::collections::BTreeSet;
use table::UsersTable;
use toolbar::GridToolbar;

/// `/users`, split from the rest of the console's code.
pub struct UsersRoute;

#[lazy_route]
impl LazyRoute for UsersRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <UsersPage /> }.into_any()
    }
}

/// The link to the grid showing `params`.
fn href(params: &GridParams) -> String {
    format!("{}{}", Area::Users.path(), params.to_query_string())
}

/// What the page's parts share: the view in the URL, the ticked rows, the rows a
/// confirmation dialog is asking about, and the status change or resend under way.
#[derive(Clone, Copy)]
struct GridState {
    params: Memo<GridParams>,
    selected: RwSignal<BTreeSet<UserId>>,
    confirming: RwSignal<Option<Vec<UserId>>>,
    status_action: ServerAction<ChangeStatus>,
    resend_action: ServerAction<ResendInvitations>,
}

/// What the admin's role lets them do on this page.
#[derive(Clone, Copy)]
struct Abilities {
    delete: bool,
    update: bool,
    invite: bool,
}

impl Abilities {
    async fn of_admin() -> Self {
        Self {
            delete: AdminContext::can(Permission::UsersDelete).await,
            update: AdminContext::can(Permission::UsersUpdate).await,
            invite: AdminContext::can(Permission::UsersInvite).await,
        }
    }
}

/// User Management > Users.
#[component]
pub fn UsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query_map = use_query_map();
    let params = Memo::new(move |_| {
        let map = query_map.read();
        GridParams {
            q: map.get("q"),
            status: map.get("status"),
            group: map.get("group"),
            sort: map.get("sort"),
            dir: map.get("dir"),
            size: map.get("size"),
            after: map.get("after"),
            before: map.get("before"),
        }
    });
    let delete_action = ServerAction::<DeleteUsers>::new();
    let status_action = ServerAction::<ChangeStatus>::new();
    let resend_action = ServerAction::<ResendInvitations>::new();
    let users = Resource::new(
        move || {
            (
                params.get(),
                delete_action.version().get(),
                status_action.version().get(),
                resend_action.version().get(),
            )
        },
        |(params, _, _, _)| list_users(params),
    );
    let state = GridState {
        params,
        selected: RwSignal::new(BTreeSet::new()),
        confirming: RwSignal::new(None),
        status_action,
        resend_action,
    };
    Effect::new(move |_| {
        params.track();
        state.selected.set(BTreeSet::new());
    });
    // Users an action changed may leave the view (deleted, or moved out of the status
    // filter): they leave the selection too, so no later action reaches a hidden row.
    let deselect = move |changed: &[UserId]| {
        state.selected.update(|ids| {
            for id in changed {
                ids.remove(id);
            }
        });
    };
    Effect::new(move |_| {
        if let Some(Ok(report)) = delete_action.value().get() {
            deselect(&report.deleted);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(report)) = status_action.value().get() {
            deselect(&report.changed);
        }
    });

    view! {
        <section class="page" aria-labelledby="users-title">
            <header class="page-header">
                <div>
                    <h1 id="users-title">{move || Area::Users.title(i18n.get_locale())}</h1>
                    <p class="subtitle">{move || Area::Users.about(i18n.get_locale())}</p>
                </div>
            </header>
            <GridToolbar state />
            <ActionOutcome answer=delete_action.value() test_id="delete-outcome" />
            <ActionOutcome answer=status_action.value() test_id="status-outcome" />
            <ActionOutcome answer=resend_action.value() test_id="resend-outcome" />
            <Transition fallback=move || view! { <p class="loading">{move || t_string!(i18n, users.loading)}</p> }>
                {move || Suspend::new(async move {
                    let abilities = Abilities::of_admin().await;
                    match users.await {
                        Ok(page) => view! { <UsersTable page state abilities /><PageReady /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error reset_href=Area::Users.path() /> }.into_any(),
                    }
                })}
            </Transition>
            <ConfirmDelete confirming=state.confirming action=delete_action />
        </section>
    }
}
