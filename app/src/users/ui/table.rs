//! The table of one page: sortable headers, one row per user, and the pager.

use super::details::details_href;
use super::status::{action_label, dispatch};
use super::{Abilities, GridState, href};
use crate::domain::{UserId, UserStatus};
use crate::i18n::{Locale, t_string, td_string, use_i18n};
use crate::lang::{format, status_label};
use crate::pictures::ui::Avatar;
use crate::users::query::{SortDir, SortField, UserQuery};
use crate::users::status_change::StatusAction;
use crate::users::{TotalKind, UserListing, UserSummary};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos_router::hooks::use_navigate;

/// A column's heading in `locale`.
fn column_label(locale: Locale, field: SortField) -> &'static str {
    match field {
        SortField::Name => td_string!(locale, users.column_name),
        SortField::Email => td_string!(locale, users.column_email),
        SortField::Status => td_string!(locale, users.column_status),
        SortField::LastLogin => td_string!(locale, users.column_last_login),
    }
}

/// A sortable column heading: a link that sorts by it, with `aria-sort`.
#[component]
fn SortHeader(
    field: SortField,
    state: GridState,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let params = state.params;
    // The old table stays on screen while the next page loads, so its links follow the
    // URL as it is now, not as it was when the table was drawn.
    let sorted = UserQuery::parse(&params.get_untracked())
        .ok()
        .filter(|query| query.sort == field)
        .map(|query| query.dir);
    let aria_sort = match sorted {
        Some(SortDir::Asc) => "ascending",
        Some(SortDir::Desc) => "descending",
        None => "none",
    };
    let arrow = match sorted {
        Some(SortDir::Asc) => " ▲",
        Some(SortDir::Desc) => " ▼",
        None => "",
    };
    view! {
        <th scope="col" aria-sort=aria_sort class:col-name=field == SortField::Name>
            {children.map(|children| children())}
            <a href=move || href(&params.read().sorted_by(field))>
                {move || column_label(i18n.get_locale(), field)}
                <span aria-hidden="true">{arrow}</span>
            </a>
        </th>
    }
}

#[component]
pub(super) fn UsersTable(
    page: UserListing,
    state: GridState,
    abilities: Abilities,
) -> impl IntoView {
    let i18n = use_i18n();
    let UserListing {
        rows,
        total,
        is_first_page,
        prev,
        next,
    } = page;
    let selected = state.selected;
    let page_ids: Vec<UserId> = rows.iter().map(|row| row.id).collect();
    let shown = rows.len();
    let all_ids = page_ids.clone();
    let all_checked = move || {
        !all_ids.is_empty() && {
            let chosen = selected.read();
            all_ids.iter().all(|id| chosen.contains(id))
        }
    };
    let toggle_all = move |event: leptos::ev::Event| {
        let checked = event_target_checked(&event);
        selected.update(|chosen| {
            for id in &page_ids {
                if checked {
                    chosen.insert(*id);
                } else {
                    chosen.remove(id);
                }
            }
        });
    };
    let current = state.params.get_untracked();
    let first_href = href(&current.first_page());
    let prev_href = prev.map(|cursor| href(&current.before(&cursor)));
    let next_href = next.map(|cursor| href(&current.after(&cursor)));
    let empty = rows.is_empty();
    let total_text = move || {
        let locale = i18n.get_locale();
        let count = format::count(locale, total.value);
        match total.kind {
            TotalKind::Estimate => {
                td_string!(locale, users.shown_of_about, shown = shown, total = count)
            }
            TotalKind::MoreThan => {
                td_string!(
                    locale,
                    users.shown_of_more_than,
                    shown = shown,
                    total = count
                )
            }
            TotalKind::Exact if total.value == 1 => {
                td_string!(locale, users.shown_of_one, shown = shown, total = count)
            }
            TotalKind::Exact => td_string!(locale, users.shown_of, shown = shown, total = count),
        }
    };

    view! {
        <div class="table-wrap">
            <table class="grid">
                <thead>
                    <tr>
                        <SortHeader field=SortField::Name state>
                            <input
                                type="checkbox"
                                class="select-all"
                                aria-label=move || t_string!(i18n, users.select_all)
                                prop:checked=all_checked
                                on:change=toggle_all
                            />
                        </SortHeader>
                        <SortHeader field=SortField::Email state />
                        <th scope="col">{move || t_string!(i18n, users.column_role)}</th>
                        <SortHeader field=SortField::Status state />
                        <SortHeader field=SortField::LastLogin state />
                        <th scope="col" class="col-actions">
                            <span class="sr-only">{move || t_string!(i18n, users.column_actions)}</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.clone() key=|row| row.id let:row>
                        <UserRow row state abilities />
                    </For>
                </tbody>
            </table>
            {empty.then(|| view! { <p class="empty">{move || t_string!(i18n, users.empty)}</p> })}
        </div>
        <nav class="pager" aria-label=move || t_string!(i18n, users.pages)>
            <span class="count" data-testid="total">{total_text}</span>
            <span class="pager-links">
                {(!is_first_page).then(|| view! {
                    <a class="button" href=first_href.clone()>{move || t_string!(i18n, users.first)}</a>
                })}
                {match prev_href {
                    Some(link) => view! {
                        <a class="button" rel="prev" href=link>{move || t_string!(i18n, users.previous)}</a>
                    }.into_any(),
                    None => view! {
                        <span class="button disabled" aria-disabled="true">{move || t_string!(i18n, users.previous)}</span>
                    }.into_any(),
                }}
                {match next_href {
                    Some(link) => view! {
                        <a class="button" rel="next" href=link>{move || t_string!(i18n, users.next)}</a>
                    }.into_any(),
                    None => view! {
                        <span class="button disabled" aria-disabled="true">{move || t_string!(i18n, users.next)}</span>
                    }.into_any(),
                }}
            </span>
        </nav>
    }
}

/// One user: selection box, name with admin indicator, e-mail, role, status, last login;
/// a suspended user's row offers Activate when hovered or focused (seeds 001).
#[component]
fn UserRow(row: UserSummary, state: GridState, abilities: Abilities) -> impl IntoView {
    let i18n = use_i18n();
    let GridState {
        selected,
        confirming,
        ..
    } = state;
    let id = row.id;
    let name = row.full_name();
    let checked = move || selected.read().contains(&id);
    let toggle = move |event: leptos::ev::Event| {
        let on = event_target_checked(&event);
        selected.update(|chosen| {
            if on {
                chosen.insert(id);
            } else {
                chosen.remove(&id);
            }
        });
    };
    let badge = move || {
        let locale = i18n.get_locale();
        if row.is_primary_admin {
            Some((
                "badge primary",
                td_string!(locale, users.badge_primary_admin),
            ))
        } else if row.is_admin {
            Some(("badge admin", td_string!(locale, users.badge_admin)))
        } else {
            None
        }
    };
    let last_login = row.last_login_at;
    let clock = format::use_local_time();
    let last_login = move || match last_login {
        Some(at) => clock.date_time(i18n.get_locale(), at),
        None => t_string!(i18n, users.never).to_owned(),
    };
    let status = row.status;
    let can_delete = abilities.delete;
    let (select_name, delete_name, activate_name) = (name.clone(), name.clone(), name.clone());
    let activate = (status == UserStatus::Suspended && abilities.update).then(|| {
        let pending = state.status_action.pending();
        view! {
            <button
                type="button"
                class="button small row-activate"
                aria-label=move || t_string!(i18n, status_change.activate_one, name = activate_name.as_str())
                disabled=move || pending.get()
                on:click=move |_| dispatch(state, StatusAction::Activate, vec![id])
            >
                {move || action_label(i18n.get_locale(), StatusAction::Activate)}
            </button>
        }
    });
    let navigate = use_navigate();
    // A click anywhere on the row opens the user, except on the row's own controls.
    let open = move |event: leptos::ev::MouseEvent| {
        let on_control = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("a, button, input, label").ok().flatten())
            .is_some();
        if !on_control {
            navigate(&details_href(id, "profile"), Default::default());
        }
    };
    view! {
        <tr class:selected=checked data-user-id=id.get() on:click=open>
            <td>
                <label class="name-cell">
                    <input
                        type="checkbox"
                        aria-label=move || t_string!(i18n, users.select_one, name = select_name.as_str())
                        prop:checked=checked
                        on:change=toggle
                    />
                </label>
                <Avatar user=id picture_at=row.picture_at name=name.clone() />
                <a class="name" href=details_href(id, "profile")>{name}</a>
                {move || badge().map(|(class, text)| view! { <span class=class>{text}</span> })}
            </td>
            <td class="email">{row.email.to_string()}</td>
            <td>{row.role_name.clone()}</td>
            <td>
                <span class=format!("status status-{}", status.slug())>
                    {move || status_label(i18n.get_locale(), status)}
                </span>
            </td>
            <td class="muted">{last_login}</td>
            <td class="col-actions">
                {activate}
                <button
                    type="button"
                    class="icon-button"
                    disabled=!can_delete
                    title=move || if can_delete {
                        t_string!(i18n, users.delete_user)
                    } else {
                        t_string!(i18n, users.no_delete_permission)
                    }
                    aria-label=move || t_string!(i18n, users.delete_one, name = delete_name.as_str())
                    on:click=move |_| confirming.set(Some(vec![id]))
                >
                    <TrashIcon />
                </button>
            </td>
        </tr>
    }
}

#[component]
fn TrashIcon() -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
            <path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3" />
        </svg>
    }
}
