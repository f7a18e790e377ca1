//! The Users grid page: search, status filter, sorting, keyset paging, selection and
//! Delete Selected. The URL holds the view; the server decides every rule.

use super::delete::DeleteReport;
use super::query::{GridParams, PAGE_SIZES, SortDir, SortField, UserQuery};
use super::{DeleteUsers, UserRow, UserStatus, UsersPage, list_users};
use crate::console::{ErrorNotice, SignedInAdmin};
use crate::error::AppError;
use crate::time_fmt::format_utc;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::collections::BTreeSet;

const USERS_PATH: &str = "/users";
const NO_DELETE_PERMISSION: &str = "Your admin role does not allow deleting users.";

fn href(params: &GridParams) -> String {
    format!("{USERS_PATH}{}", params.to_query_string())
}

/// User Management > Users.
#[component]
pub fn UsersPage() -> impl IntoView {
    let query_map = use_query_map();
    let params = Memo::new(move |_| {
        let map = query_map.read();
        GridParams {
            q: map.get("q"),
            status: map.get("status"),
            sort: map.get("sort"),
            dir: map.get("dir"),
            size: map.get("size"),
            after: map.get("after"),
            before: map.get("before"),
        }
    });
    let delete_action = ServerAction::<DeleteUsers>::new();
    let users = Resource::new(
        move || (params.get(), delete_action.version().get()),
        |(params, _)| {
            list_users(
                params.q,
                params.status,
                params.sort,
                params.dir,
                params.size,
                params.after,
                params.before,
            )
        },
    );
    let selected = RwSignal::new(BTreeSet::<i64>::new());
    let confirming = RwSignal::new(None::<Vec<i64>>);

    Effect::new(move |_| {
        params.track();
        selected.set(BTreeSet::new());
    });
    Effect::new(move |_| {
        if let Some(Ok(report)) = delete_action.value().get() {
            selected.update(|ids| {
                for id in &report.deleted {
                    ids.remove(id);
                }
            });
        }
    });

    view! {
        <section class="page" aria-labelledby="users-title">
            <header class="page-header">
                <div>
                    <h1 id="users-title">"Users"</h1>
                    <p class="subtitle">"Everyone in your account: their role, their status, and who can sign in."</p>
                </div>
            </header>
            <GridToolbar params selected confirming />
            <DeleteOutcome action=delete_action />
            <Transition fallback=|| view! { <p class="loading">"Loading users…"</p> }>
                {move || Suspend::new(async move {
                    let can_delete = SignedInAdmin::can_delete_users().await;
                    match users.await {
                        Ok(page) => view! { <UsersTable page params selected confirming can_delete /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error reset_href=USERS_PATH /> }.into_any(),
                    }
                })}
            </Transition>
            <ConfirmDelete confirming action=delete_action />
        </section>
    }
}

/// Search, status filter, page size, and the Delete Selected button.
#[component]
fn GridToolbar(
    params: Memo<GridParams>,
    selected: RwSignal<BTreeSet<i64>>,
    confirming: RwSignal<Option<Vec<i64>>>,
) -> impl IntoView {
    let search_box = NodeRef::<leptos::html::Input>::new();
    let status_box = NodeRef::<leptos::html::Select>::new();
    let size_box = NodeRef::<leptos::html::Select>::new();
    let navigate = use_navigate();
    let apply = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let value = |text: Option<String>| text.filter(|text| !text.trim().is_empty());
        let current = params.get_untracked();
        let next = GridParams {
            q: value(search_box.get().map(|input| input.value())),
            status: value(status_box.get().map(|select| select.value())),
            size: value(size_box.get().map(|select| select.value())),
            sort: current.sort,
            dir: current.dir,
            after: None,
            before: None,
        };
        navigate(&href(&next), Default::default());
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
            <form method="get" action=USERS_PATH class="filters" role="search" on:submit=apply>
                <input
                    type="search"
                    name="q"
                    class="search"
                    node_ref=search_box
                    placeholder="Search by name or e-mail"
                    aria-label="Search users by name or e-mail"
                    maxlength="100"
                    // The URL holds the search; the browser must not restore an older one.
                    autocomplete="off"
                    // The attribute serves the page before hydration; the property after.
                    value=params.get_untracked().q.unwrap_or_default()
                    prop:value=move || params.read().q.clone().unwrap_or_default()
                />
                <select name="status" aria-label="Filter by status" node_ref=status_box on:change=submit_on_change prop:value=status_value>
                    <option value="" selected=move || status_value().is_empty()>"All statuses"</option>
                    {UserStatus::ALL
                        .into_iter()
                        .map(|status| {
                            view! {
                                <option value=status.slug() selected=move || status_value() == status.slug()>
                                    {status.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <select name="size" aria-label="Users per page" node_ref=size_box on:change=submit_on_change prop:value=size_value>
                    {PAGE_SIZES
                        .into_iter()
                        .map(|size| {
                            let value = size.to_string();
                            let current = value.clone();
                            view! {
                                <option value=value selected=move || size_value() == current>
                                    {format!("{size} per page")}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                {move || params.read().sort.clone().map(|sort| view! { <input type="hidden" name="sort" value=sort /> })}
                {move || params.read().dir.clone().map(|dir| view! { <input type="hidden" name="dir" value=dir /> })}
                <button class="button" type="submit">"Search"</button>
            </form>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let can_delete = SignedInAdmin::can_delete_users().await;
                    view! {
                        <button
                            class="button danger"
                            type="button"
                            title=(!can_delete).then_some(NO_DELETE_PERMISSION)
                            disabled=move || !can_delete || selected.read().is_empty()
                            on:click=move |_| confirming.set(Some(selected.get().into_iter().collect()))
                        >
                            {move || match selected.read().len() {
                                0 => "Delete Selected".to_owned(),
                                n => format!("Delete Selected ({n})"),
                            }}
                        </button>
                    }
                })}
            </Transition>
        </div>
    }
}

/// The table of one page, its sortable headers and its pager.
#[component]
fn UsersTable(
    page: UsersPage,
    params: Memo<GridParams>,
    selected: RwSignal<BTreeSet<i64>>,
    confirming: RwSignal<Option<Vec<i64>>>,
    can_delete: bool,
) -> impl IntoView {
    let UsersPage {
        rows,
        total,
        is_first_page,
        prev,
        next,
    } = page;
    let page_ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
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
    let sorted = UserQuery::parse(&params.get_untracked()).ok();
    // The old table stays on screen while the next page loads, so its sort links follow
    // the URL as it is now, not as it was when the table was drawn.
    let header = move |field: SortField, label: &'static str| {
        let (aria, arrow) = match sorted.as_ref() {
            Some(query) if query.sort == field => match query.dir {
                SortDir::Asc => ("ascending", " ▲"),
                SortDir::Desc => ("descending", " ▼"),
            },
            _ => ("none", ""),
        };
        let link = move || href(&params.read().sorted_by(field));
        (aria, link, format!("{label}{arrow}"))
    };
    let (name_aria, name_href, name_label) = header(SortField::Name, "Name");
    let (email_aria, email_href, email_label) = header(SortField::Email, "Email Id");
    let (status_aria, status_href, status_label) = header(SortField::Status, "Status");
    let (login_aria, login_href, login_label) = header(SortField::LastLogin, "Last login");
    let current = params.get_untracked();
    let first_href = href(&current.first_page());
    let prev_href = prev.map(|cursor| href(&current.before(&cursor)));
    let next_href = next.map(|cursor| href(&current.after(&cursor)));
    let empty = rows.is_empty();

    view! {
        <div class="table-wrap">
            <table class="grid">
                <thead>
                    <tr>
                        <th scope="col" aria-sort=name_aria class="col-name">
                            <input
                                type="checkbox"
                                class="select-all"
                                aria-label="Select all users on this page"
                                prop:checked=all_checked
                                on:change=toggle_all
                            />
                            <a href=name_href>{name_label}</a>
                        </th>
                        <th scope="col" aria-sort=email_aria>
                            <a href=email_href>{email_label}</a>
                        </th>
                        <th scope="col">"Account Role"</th>
                        <th scope="col" aria-sort=status_aria>
                            <a href=status_href>{status_label}</a>
                        </th>
                        <th scope="col" aria-sort=login_aria>
                            <a href=login_href>{login_label}</a>
                        </th>
                        <th scope="col" class="col-actions">
                            <span class="sr-only">"Actions"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.clone() key=|row| row.id let:row>
                        <UserRowView row selected confirming can_delete />
                    </For>
                </tbody>
            </table>
            {empty.then(|| view! { <p class="empty">"No users match this view."</p> })}
        </div>
        <nav class="pager" aria-label="Pages">
            <span class="count" data-testid="total">
                {format!(
                    "{shown} shown of {}{} {}",
                    if total.is_estimate { "about " } else { "" },
                    group_thousands(total.value),
                    if total.value == 1 { "user" } else { "users" },
                )}
            </span>
            <span class="pager-links">
                {(!is_first_page).then(|| view! { <a class="button" href=first_href.clone()>"« First"</a> })}
                {match prev_href {
                    Some(link) => view! { <a class="button" rel="prev" href=link>"‹ Previous"</a> }.into_any(),
                    None => view! { <span class="button disabled" aria-disabled="true">"‹ Previous"</span> }.into_any(),
                }}
                {match next_href {
                    Some(link) => view! { <a class="button" rel="next" href=link>"Next ›"</a> }.into_any(),
                    None => view! { <span class="button disabled" aria-disabled="true">"Next ›"</span> }.into_any(),
                }}
            </span>
        </nav>
    }
}

/// One user: selection box, name with admin indicator, e-mail, role, status, last login.
#[component]
fn UserRowView(
    row: UserRow,
    selected: RwSignal<BTreeSet<i64>>,
    confirming: RwSignal<Option<Vec<i64>>>,
    can_delete: bool,
) -> impl IntoView {
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
    let badge = if row.is_primary_admin {
        Some(("badge primary", "Primary Admin"))
    } else if row.is_admin {
        Some(("badge admin", "Admin"))
    } else {
        None
    };
    let last_login = row
        .last_login_at
        .map(format_utc)
        .unwrap_or_else(|| "Never".to_owned());
    let status_class = format!("status status-{}", row.status.slug());
    view! {
        <tr class:selected=checked data-user-id=id>
            <td>
                <label class="name-cell">
                    <input
                        type="checkbox"
                        aria-label=format!("Select {name}")
                        prop:checked=checked
                        on:change=toggle
                    />
                    <span class="name">{name.clone()}</span>
                </label>
                {badge.map(|(class, text)| view! { <span class=class title=text>{text}</span> })}
            </td>
            <td class="email">{row.email.clone()}</td>
            <td>{row.role_name.clone()}</td>
            <td>
                <span class=status_class>{row.status.label()}</span>
            </td>
            <td class="muted">{last_login}</td>
            <td class="col-actions">
                <button
                    type="button"
                    class="icon-button"
                    disabled=!can_delete
                    title=if can_delete { "Delete user" } else { NO_DELETE_PERMISSION }
                    aria-label=format!("Delete {name}")
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

/// The dialog that names how many users will be deleted and asks to confirm.
#[component]
fn ConfirmDelete(
    confirming: RwSignal<Option<Vec<i64>>>,
    action: ServerAction<DeleteUsers>,
) -> impl IntoView {
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = cancel_button.get() {
            let _ = button.focus();
        }
    });
    let count = move || confirming.read().as_ref().map(Vec::len).unwrap_or(0);
    let noun = move || if count() == 1 { "user" } else { "users" };
    let cancel = move || confirming.set(None);
    let confirm = move |_| {
        if let Some(ids) = confirming.get() {
            action.dispatch(DeleteUsers { ids });
        }
        confirming.set(None);
    };
    view! {
        <Show when=move || confirming.read().is_some()>
            <div
                class="modal-backdrop"
                on:keydown=move |event: leptos::ev::KeyboardEvent| {
                    if event.key() == "Escape" {
                        cancel();
                    }
                }
            >
                <div class="modal" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-text">
                    <h2 id="confirm-title">{move || format!("Delete {} {}?", count(), noun())}</h2>
                    <p id="confirm-text">
                        "Deleted users lose access at once and cannot be restored. App owners, you and the Primary Admin are kept."
                    </p>
                    <div class="modal-actions">
                        <button type="button" class="button" node_ref=cancel_button on:click=move |_| cancel()>
                            "Cancel"
                        </button>
                        <button type="button" class="button danger" on:click=confirm>
                            {move || format!("Delete {} {}", count(), noun())}
                        </button>
                    </div>
                </div>
            </div>
        </Show>
    }
}

/// What the last Delete Selected did, or why it was refused.
#[component]
fn DeleteOutcome(action: ServerAction<DeleteUsers>) -> impl IntoView {
    move || {
        action.value().get().map(|outcome| match outcome {
            Ok(report) => {
                let class = if report.kept.is_empty() {
                    "notice success"
                } else {
                    "notice warning"
                };
                view! {
                    <div class=class role="status" data-testid="delete-outcome">
                        {report.summary()}
                    </div>
                }
                .into_any()
            }
            Err::<DeleteReport, AppError>(error) => view! {
                <div class="notice error" role="alert" data-testid="delete-outcome">
                    {error.to_string()}
                </div>
            }
            .into_any(),
        })
    }
}

/// `1234567` as `1,234,567`.
pub fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_totals_are_grouped_by_thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1_000), "1,000");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
    }
}
