//! The Profile tab's groups: the user's groups, each removable, and a search to add one
//! more. Each change is its own request, so it is kept at once whatever else the form
//! holds.

use crate::domain::{GroupId, UserId};
use crate::groups::query::GroupParams;
use crate::groups::ui::group_href;
use crate::groups::{ChangeGroupMembers, list_groups, list_user_groups};
use crate::i18n::{t_string, use_i18n};
use crate::lang::errors::error_text;
use leptos::prelude::*;

#[component]
pub(super) fn UserGroups(user: UserId, can_manage: bool) -> impl IntoView {
    let i18n = use_i18n();
    let change = ServerAction::<ChangeGroupMembers>::new();
    let mine = Resource::new(
        move || change.version().get(),
        move |_| list_user_groups(user.get()),
    );
    let search = RwSignal::new(String::new());
    let offered = Resource::new(
        move || search.get(),
        |q| {
            list_groups(GroupParams {
                q: Some(q),
                ..GroupParams::default()
            })
        },
    );
    let group_box = NodeRef::<leptos::html::Select>::new();
    let send = move |group: GroupId, join: bool| {
        change.dispatch(ChangeGroupMembers {
            id: group.get(),
            users: vec![user.get()],
            join,
        });
    };
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let group = group_box
            .get()
            .filter(|select| select.is_connected())
            .and_then(|select| select.value().parse::<i64>().ok())
            .and_then(GroupId::parse);
        if let Some(group) = group {
            send(group, true);
        }
    };
    let failure = move || match change.value().get() {
        Some(Err(error)) => Some(error_text(i18n.get_locale(), &error)),
        _ => None,
    };
    view! {
        <div class="user-groups" data-testid="user-groups">
            {move || failure().map(|text| view! { <p class="field-error" role="alert">{text}</p> })}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let groups = mine.await.unwrap_or_default();
                    if groups.is_empty() {
                        return view! { <span class="muted">{move || t_string!(i18n, details.no_groups)}</span> }.into_any();
                    }
                    view! {
                        <ul class="chips">
                            {groups.into_iter().map(|group| {
                                let label = group.name.clone();
                                view! {
                                    <li class="chip">
                                        <a href=group_href(group.id)>{group.name}</a>
                                        {can_manage.then(|| view! {
                                            <button type="button" class="chip-remove"
                                                aria-label=move || t_string!(i18n, details.leave_group, group = label.as_str())
                                                on:click=move |_| send(group.id, false)>
                                                "×"
                                            </button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </Transition>
            {can_manage.then(|| view! {
                <form class="add-group" on:submit=add>
                    <label for="find-group" class="sr-only">{move || t_string!(i18n, details.find_group)}</label>
                    <input id="find-group" type="search" autocomplete="off" maxlength="100"
                        placeholder=move || t_string!(i18n, details.find_group)
                        on:input=move |event| search.set(event_target_value(&event)) />
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let groups = offered.await.map(|page| page.rows).unwrap_or_default();
                            view! {
                                <label for="group-choice" class="sr-only">{move || t_string!(i18n, details.choose_group)}</label>
                                <select id="group-choice" node_ref=group_box>
                                    {groups.into_iter().map(|group| view! {
                                        <option value=group.id.get()>{group.name}</option>
                                    }).collect_view()}
                                </select>
                            }
                        })}
                    </Transition>
                    <button type="submit" class="button small" disabled=move || change.pending().get()>
                        {move || t_string!(i18n, details.join_group)}
                    </button>
                </form>
            })}
        </div>
    }
}
