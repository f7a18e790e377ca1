//! The Manage Apps tab: the apps the user holds a role in. A Developer or Tester role
//! can be switched or removed; the Owner's row says why it cannot (the server refuses
//! regardless). "Assign app" finds an app by name and gives the user a role in it.

use super::Actions;
use crate::apps::{
    AppChoice, AppRole, AssignApp, ChangeAppRole, MemberRole, RemoveAppRole, UserApp, find_apps,
    list_user_apps,
};
use crate::domain::{AppId, UserId};
use crate::error::{AppError, Clash};
use crate::i18n::{t_string, use_i18n};
use crate::lang::app_role_label;
use crate::lang::errors::error_text;
use crate::users::ui::outcome::ActionOutcome;
use leptos::prelude::*;

#[component]
pub(super) fn AppsTab(user: UserId, can_assign: bool, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let apps = Resource::new(
        move || actions.apps_version(),
        move |_| list_user_apps(user.get()),
    );
    // The owner's row explains itself without asking the server.
    let owner_note = RwSignal::new(None::<String>);
    view! {
        {(!can_assign).then(|| view! {
            <p class="notice info">{move || t_string!(i18n, details.no_assign_permission)}</p>
        })}
        <ActionOutcome answer=actions.assign.value() test_id="assign-outcome" />
        <ActionOutcome answer=actions.change_role.value() test_id="app-role-outcome" />
        <ActionOutcome answer=actions.remove.value() test_id="app-remove-outcome" />
        {move || owner_note.get().map(|note| view! {
            <div class="notice warning" role="alert" data-testid="owner-note">{note}</div>
        })}
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match apps.await {
                    Ok(list) => view! { <AppTable user list can_assign actions owner_note /> }.into_any(),
                    Err(error) => view! { <crate::console::ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
        {can_assign.then(|| view! { <AssignForm user actions /> })}
    }
}

#[component]
fn AppTable(
    user: UserId,
    list: Vec<UserApp>,
    can_assign: bool,
    actions: Actions,
    owner_note: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p class="empty">{move || t_string!(i18n, details.no_apps)}</p> }
            .into_any();
    }
    let busy = move || actions.change_role.pending().get() || actions.remove.pending().get();
    let rows = list
        .into_iter()
        .map(|app| {
            let app_id: AppId = app.app_id;
            let name = app.name.clone();
            let (select_name, remove_name, note_name) = (name.clone(), name.clone(), name.clone());
            let role_cell = match app.role {
                AppRole::Owner => view! {
                    <span class="app-role owner">{move || app_role_label(i18n.get_locale(), AppRole::Owner)}</span>
                    <span class="hint">{move || t_string!(i18n, details.owner_fixed)}</span>
                }
                .into_any(),
                current => view! {
                    <select
                        aria-label=move || t_string!(i18n, details.role_in, app = select_name.as_str())
                        disabled=move || !can_assign || busy()
                        on:change=move |event| {
                            let Some(role) = MemberRole::from_slug(&event_target_value(&event)) else {
                                return;
                            };
                            actions.change_role.dispatch(ChangeAppRole {
                                user: user.get(),
                                app: app_id.get(),
                                role,
                            });
                        }
                    >
                        {MemberRole::ALL
                            .into_iter()
                            .map(|role| {
                                let role = AppRole::from(role);
                                view! {
                                    <option value=role.slug() selected=role == current>
                                        {move || app_role_label(i18n.get_locale(), role)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                }
                .into_any(),
            };
            let is_owner = app.role == AppRole::Owner;
            let remove = move |_| {
                if is_owner {
                    let refusal = AppError::Conflict {
                        clash: Clash::OwnerIsFixed {
                            app: note_name.clone(),
                        },
                    };
                    owner_note.set(Some(error_text(i18n.get_locale(), &refusal)));
                } else {
                    owner_note.set(None);
                    actions.remove.dispatch(RemoveAppRole {
                        user: user.get(),
                        app: app_id.get(),
                    });
                }
            };
            view! {
                <tr data-app-id=app_id.get()>
                    <td>
                        {name}
                        {(!app.published).then(|| view! {
                            <span class="badge">{move || t_string!(i18n, details.unpublished)}</span>
                        })}
                    </td>
                    <td>{role_cell}</td>
                    <td class="col-actions">
                        <button
                            type="button"
                            class="button small"
                            aria-label=move || t_string!(i18n, details.remove_from, app = remove_name.as_str())
                            disabled=move || !can_assign || busy()
                            on:click=remove
                        >
                            {move || t_string!(i18n, details.remove)}
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="grid">
                <thead>
                    <tr>
                        <th scope="col">{move || t_string!(i18n, details.column_app)}</th>
                        <th scope="col">{move || t_string!(i18n, details.column_app_role)}</th>
                        <th scope="col" class="col-actions">
                            <span class="sr-only">{move || t_string!(i18n, users.column_actions)}</span>
                        </th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Find an app by name, choose a role, assign.
#[component]
fn AssignForm(user: UserId, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let search = RwSignal::new(String::new());
    let app_box = NodeRef::<leptos::html::Select>::new();
    let role_box = NodeRef::<leptos::html::Select>::new();
    let found = Resource::new(move || search.get(), find_apps);
    let pending = actions.assign.pending();
    // The drop-downs hold the choice: whatever the admin sees chosen is what is sent,
    // and nothing when a search left no list to choose from.
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let app = app_box
            .get()
            .filter(|select| select.is_connected())
            .and_then(|select| select.value().parse().ok())
            .and_then(AppId::parse);
        let role = role_box
            .get()
            .filter(|select| select.is_connected())
            .and_then(|select| MemberRole::from_slug(&select.value()));
        if let (Some(app), Some(role)) = (app, role) {
            actions.assign.dispatch(AssignApp {
                user: user.get(),
                app: app.get(),
                role,
            });
        }
    };
    let choices = move |list: Vec<AppChoice>| {
        if list.is_empty() {
            return view! { <p class="hint">{move || t_string!(i18n, details.no_app_found)}</p> }
                .into_any();
        }
        view! {
            <label for="assign-app">{move || t_string!(i18n, details.choose_app)}</label>
            <select id="assign-app" node_ref=app_box>
                {list
                    .into_iter()
                    .map(|app| view! {
                        <option value=app.id.get()>
                            {format!("{} ({})", app.name, app.owner)}
                        </option>
                    })
                    .collect_view()}
            </select>
        }
        .into_any()
    };
    view! {
        <form class="assign-form" on:submit=submit>
            <h2>{move || t_string!(i18n, details.assign_title)}</h2>
            <div class="field">
                <label for="find-app">{move || t_string!(i18n, details.find_app)}</label>
                <input
                    id="find-app"
                    type="search"
                    autocomplete="off"
                    maxlength="100"
                    placeholder=move || t_string!(i18n, details.find_app_placeholder)
                    on:input=move |event| search.set(event_target_value(&event))
                />
            </div>
            <div class="field">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match found.await {
                            Ok(list) => choices(list),
                            Err(error) => view! { <crate::console::ErrorNotice error /> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
            <div class="field">
                <label for="assign-role">{move || t_string!(i18n, details.role)}</label>
                <select id="assign-role" node_ref=role_box>
                    {MemberRole::ALL
                        .into_iter()
                        .map(|member| {
                            let shown = AppRole::from(member);
                            view! {
                                <option value=shown.slug()>{move || app_role_label(i18n.get_locale(), shown)}</option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <button type="submit" class="button primary" disabled=move || pending.get()>
                {move || t_string!(i18n, details.assign)}
            </button>
        </form>
    }
}
