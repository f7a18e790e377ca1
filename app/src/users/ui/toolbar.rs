//! Search, status filter, page size, and the buttons acting on the selection.

use super::invitations::ResendSelected;
use super::status::SelectionStatusButtons;
use super::{Abilities, GridState, href};
use crate::console::areas::Area;
use crate::domain::UserStatus;
use crate::groups::list_groups;
use crate::groups::query::GroupParams;
use crate::i18n::{t_string, use_i18n};
use crate::lang::status_label;
use crate::users::query::{GridParams, PAGE_SIZES};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use std::time::Duration;

/// How long typing must pause before the grid searches for what was typed.
const TYPING_PAUSE: Duration = Duration::from_millis(250);

#[component]
pub(super) fn GridToolbar(state: GridState) -> impl IntoView {
    let i18n = use_i18n();
    let GridState {
        params,
        selected,
        confirming,
        ..
    } = state;
    let search_box = NodeRef::<leptos::html::Input>::new();
    let status_box = NodeRef::<leptos::html::Select>::new();
    let size_box = NodeRef::<leptos::html::Select>::new();
    let group_box = NodeRef::<leptos::html::Select>::new();
    // The filter offers the first groups by name; any other group is reached from its
    // own page ("Show them in the Users grid") and shown here by its id.
    let groups = Resource::new(|| (), |_| list_groups(GroupParams::default()));
    let navigate = use_navigate();
    // The view the form's fields describe, from its first page.
    let chosen = move || GridParams {
        q: search_box.get().map(|input| input.value()),
        status: status_box.get().map(|select| select.value()),
        group: group_box.get().map(|select| select.value()),
        size: size_box.get().map(|select| select.value()),
        after: None,
        before: None,
        ..params.get_untracked()
    };
    let apply = {
        let navigate = navigate.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            navigate(&href(&chosen()), Default::default());
        }
    };
    // Search as you type: once typing pauses, show the results in place of the current
    // history entry (so Back does not step through every letter). Only the answer to the
    // latest search is ever shown: the grid's resource drops older ones.
    let pending_search = StoredValue::new(None::<TimeoutHandle>);
    let search_as_you_type = move |_| {
        if let Some(pending) = pending_search.get_value() {
            pending.clear();
        }
        let navigate = navigate.clone();
        let search = move || {
            let replace = NavigateOptions {
                replace: true,
                ..Default::default()
            };
            let next = href(&chosen());
            if next != href(&params.get_untracked().first_page()) {
                navigate(&next, replace);
            }
        };
        pending_search.set_value(set_timeout_with_handle(search, TYPING_PAUSE).ok());
    };
    let submit_on_change = |event: leptos::ev::Event| {
        let select: web_sys::HtmlSelectElement = event_target(&event);
        if let Some(form) = select.form() {
            let _ = form.request_submit();
        }
    };
    let status_value = move || params.read().status.clone().unwrap_or_default();
    let size_value = move || {
        params
            .read()
            .size
            .clone()
            .unwrap_or_else(|| PAGE_SIZES[0].to_string())
    };
    view! {
        <div class="toolbar">
            // A plain GET form before hydration; a clean client-side navigation after.
            <form method="get" action=Area::Users.path() class="filters" role="search" on:submit=apply>
                <input
                    type="search"
                    name="q"
                    class="search"
                    node_ref=search_box
                    placeholder=move || t_string!(i18n, users.search_placeholder)
                    aria-label=move || t_string!(i18n, users.search_label)
                    maxlength="100"
                    on:input=search_as_you_type
                    // The URL holds the search; the browser must not restore an older one.
                    autocomplete="off"
                    // The attribute serves the page before hydration; the property after.
                    value=params.get_untracked().q.unwrap_or_default()
                    prop:value=move || params.read().q.clone().unwrap_or_default()
                />
                <select
                    name="status"
                    aria-label=move || t_string!(i18n, users.status_filter)
                    node_ref=status_box
                    on:change=submit_on_change
                    prop:value=status_value
                >
                    <option value="" selected=move || status_value().is_empty()>
                        {move || t_string!(i18n, users.all_statuses)}
                    </option>
                    {UserStatus::ALL
                        .into_iter()
                        .map(|status| view! {
                            <option value=status.slug() selected=move || status_value() == status.slug()>
                                {move || status_label(i18n.get_locale(), status)}
                            </option>
                        })
                        .collect_view()}
                </select>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let offered = groups.await.map(|page| page.rows).unwrap_or_default();
                        let group_value = move || params.read().group.clone().unwrap_or_default();
                        let current = group_value();
                        let unlisted = (!current.is_empty()
                            && !offered.iter().any(|group| group.id.to_string() == current))
                            .then(|| format!("#{current}"));
                        view! {
                            <select
                                name="group"
                                aria-label=move || t_string!(i18n, groups.filter)
                                node_ref=group_box
                                on:change=submit_on_change
                                prop:value=group_value
                            >
                                <option value="" selected=move || group_value().is_empty()>
                                    {move || t_string!(i18n, groups.any_group)}
                                </option>
                                {unlisted.map(|label| view! { <option value=current.clone() selected=true>{label}</option> })}
                                {offered
                                    .into_iter()
                                    .map(|group| {
                                        let value = group.id.to_string();
                                        let chosen = value.clone();
                                        view! {
                                            <option value=value selected=move || group_value() == chosen>{group.name}</option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        }
                    })}
                </Transition>
                <select
                    name="size"
                    aria-label=move || t_string!(i18n, users.page_size_label)
                    node_ref=size_box
                    on:change=submit_on_change
                    prop:value=size_value
                >
                    {PAGE_SIZES
                        .into_iter()
                        .map(|size| {
                            let value = size.to_string();
                            let current = value.clone();
                            view! {
                                <option value=value selected=move || size_value() == current>
                                    {move || t_string!(i18n, users.page_size, size = size)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                {move || params.read().sort.clone().map(|sort| view! { <input type="hidden" name="sort" value=sort /> })}
                {move || params.read().dir.clone().map(|dir| view! { <input type="hidden" name="dir" value=dir /> })}
                <button class="button" type="submit">{move || t_string!(i18n, users.search)}</button>
            </form>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let Abilities { delete: can_delete, update: can_update, invite: can_invite } =
                        Abilities::of_admin().await;
                    view! {
                        <div class="selection-actions">
                        <SelectionStatusButtons state can_update />
                        <ResendSelected state can_invite />
                        <button
                            class="button danger"
                            type="button"
                            title=move || (!can_delete).then(|| t_string!(i18n, users.no_delete_permission))
                            disabled=move || !can_delete || selected.read().is_empty()
                            on:click=move |_| confirming.set(Some(selected.get().into_iter().collect()))
                        >
                            {move || match selected.read().len() {
                                0 => t_string!(i18n, delete.selected).to_owned(),
                                count => t_string!(i18n, delete.selected_count, count = count),
                            }}
                        </button>
                        </div>
                    }
                })}
            </Transition>
        </div>
    }
}
