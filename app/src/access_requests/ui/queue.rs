//! Enrollment > Approval queue: the requests to join waiting for an admin, oldest first
//! (who, their domain, when), chosen one by one or all on the page and approved or
//! rejected together; rejecting asks to confirm first. The URL holds the page.

use crate::access_requests::{
    AccessDecided, AccessRequest, AccessRequestPage, DecideAccessRequests, list_access_requests,
};
use crate::console::areas::Area;
use crate::console::{AdminContext, ErrorNotice, PageReady, focus_when_shown};
use crate::domain::{AccessRequestId, Permission};
use crate::i18n::{Locale, t_string, td_string, use_i18n};
use crate::lang::errors::error_text;
use crate::lang::format::use_local_time;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/approvals`, split from the rest of the console's code.
pub struct ApprovalQueueRoute;

#[lazy_route]
impl LazyRoute for ApprovalQueueRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <ApprovalQueuePage /> }.into_any()
    }
}

/// "2 requests approved" or "1 request rejected".
fn decided_text(locale: Locale, decided: &AccessDecided) -> String {
    let count = decided.ids.len();
    if decided.approved {
        td_string!(locale, approvals.approved, count = count)
    } else {
        td_string!(locale, approvals.rejected, count = count)
    }
}

#[component]
fn ApprovalQueuePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let after = Memo::new(move |_| {
        query
            .read()
            .get("after")
            .and_then(|after| after.parse::<i64>().ok())
    });
    let decide = ServerAction::<DecideAccessRequests>::new();
    let page = Resource::new(
        move || (after.get(), decide.version().get()),
        |(after, _)| list_access_requests(after),
    );
    let outcome = move || {
        let locale = i18n.get_locale();
        decide.value().get().map(|result| match result {
            Ok(decided) => view! {
                <div class="notice success" role="status" data-testid="approvals-outcome">
                    {decided_text(locale, &decided)}
                </div>
            }
            .into_any(),
            Err(error) => view! {
                <div class="notice error" role="alert" data-testid="approvals-outcome">
                    {error_text(locale, &error)}
                </div>
            }
            .into_any(),
        })
    };
    view! {
        <section class="page" aria-labelledby="approvals-title">
            <header class="page-header">
                <div>
                    <h1 id="approvals-title">{move || Area::Approvals.title(i18n.get_locale())}</h1>
                    <p class="subtitle">{move || Area::Approvals.about(i18n.get_locale())}</p>
                </div>
            </header>
            {outcome}
            <Transition fallback=move || view! { <p class="loading">{move || t_string!(i18n, approvals.loading)}</p> }>
                {move || Suspend::new(async move {
                    let can_decide = AdminContext::can(Permission::UsersApprove).await;
                    match page.await {
                        Ok(page) => view! {
                            <Queue page can_decide decide first=after.get_untracked().is_none() />
                            <PageReady />
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error reset_href=Area::Approvals.path() /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Queue(
    page: AccessRequestPage,
    can_decide: bool,
    decide: ServerAction<DecideAccessRequests>,
    first: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let clock = use_local_time();
    let AccessRequestPage { requests, next } = page;
    let on_page: Vec<AccessRequestId> = requests.iter().map(|request| request.id).collect();
    let selected = RwSignal::new(Vec::<AccessRequestId>::new());
    let rejecting = RwSignal::new(None::<Vec<AccessRequestId>>);
    let approve = move |ids: Vec<AccessRequestId>| {
        decide.dispatch(DecideAccessRequests {
            ids: ids.into_iter().map(AccessRequestId::get).collect(),
            approve: true,
        });
    };
    let all_ids = on_page.clone();
    let all_checked = move || !all_ids.is_empty() && selected.read().len() == all_ids.len();
    let toggle_all = move |event| {
        let on = event_target_checked(&event);
        selected.set(if on { on_page.clone() } else { Vec::new() });
    };
    let none_chosen = move || !can_decide || selected.read().is_empty() || decide.pending().get();
    let empty = requests.is_empty();
    let rows = requests
        .into_iter()
        .map(|request| view! { <RequestRow request selected rejecting approve can_decide clock /> })
        .collect_view();
    let next_href = next.map(|last| format!("{}?after={}", Area::Approvals.path(), last.get()));
    view! {
        {(!can_decide).then(|| view! {
            <p class="notice info" role="status">{move || t_string!(i18n, approvals.no_permission)}</p>
        })}
        <div class="toolbar">
            <div class="filters">
                <button type="button" class="button primary" disabled=none_chosen
                    on:click=move |_| approve(selected.get_untracked())>
                    {move || t_string!(i18n, approvals.approve_selected, count = selected.read().len())}
                </button>
                <button type="button" class="button danger" disabled=none_chosen
                    on:click=move |_| rejecting.set(Some(selected.get_untracked()))>
                    {move || t_string!(i18n, approvals.reject_selected, count = selected.read().len())}
                </button>
            </div>
        </div>
        <div class="table-wrap">
            <table class="grid">
                <caption class="sr-only">{move || Area::Approvals.title(i18n.get_locale())}</caption>
                <thead>
                    <tr>
                        <th scope="col">
                            <input type="checkbox" class="select-all" disabled=!can_decide
                                aria-label=move || t_string!(i18n, approvals.select_all)
                                prop:checked=all_checked on:change=toggle_all />
                        </th>
                        <th scope="col">{move || t_string!(i18n, users.column_name)}</th>
                        <th scope="col">{move || t_string!(i18n, approvals.column_email)}</th>
                        <th scope="col">{move || t_string!(i18n, approvals.column_domain)}</th>
                        <th scope="col">{move || t_string!(i18n, approvals.column_requested)}</th>
                        <th scope="col"><span class="sr-only">{move || t_string!(i18n, approvals.column_actions)}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {empty.then(|| view! { <p class="empty" data-testid="approvals-empty">{move || t_string!(i18n, approvals.empty)}</p> })}
        </div>
        <nav class="pager" aria-label=move || t_string!(i18n, approvals.pages)>
            <span></span>
            <span class="pager-links">
                {(!first).then(|| view! {
                    <a class="button" href=Area::Approvals.path()>{move || t_string!(i18n, users.first)}</a>
                })}
                {match next_href {
                    Some(link) => view! { <a class="button" rel="next" href=link>{move || t_string!(i18n, users.next)}</a> }.into_any(),
                    None => view! { <span class="button disabled" aria-disabled="true">{move || t_string!(i18n, users.next)}</span> }.into_any(),
                }}
            </span>
        </nav>
        <ConfirmReject rejecting decide />
    }
}

#[component]
fn RequestRow(
    request: AccessRequest,
    selected: RwSignal<Vec<AccessRequestId>>,
    rejecting: RwSignal<Option<Vec<AccessRequestId>>>,
    approve: impl Fn(Vec<AccessRequestId>) + Copy + Send + Sync + 'static,
    can_decide: bool,
    clock: crate::lang::format::LocalTime,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = request.id;
    let name = format!("{} {}", request.first_name, request.last_name);
    let (select_label, approve_label, reject_label) = (name.clone(), name.clone(), name.clone());
    let domain = request.domain().to_owned();
    let at = request.requested_at;
    let checked = move || selected.read().contains(&id);
    let toggle = move |event| {
        let on = event_target_checked(&event);
        selected.update(|chosen| {
            chosen.retain(|kept| *kept != id);
            if on {
                chosen.push(id);
            }
        });
    };
    view! {
        <tr class:selected=checked data-request-id=id.get()>
            <td>
                <input type="checkbox" disabled=!can_decide prop:checked=checked on:change=toggle
                    aria-label=move || t_string!(i18n, approvals.select_one, name = select_label.as_str()) />
            </td>
            <td class="name">{name}</td>
            <td class="email">{request.email.clone()}</td>
            <td>{domain}</td>
            <td class="muted">{move || clock.date_time(i18n.get_locale(), at)}</td>
            <td class="col-actions">
                <button type="button" class="button small" disabled=!can_decide
                    aria-label=move || t_string!(i18n, approvals.approve_one, name = approve_label.as_str())
                    on:click=move |_| approve(vec![id])>
                    {move || t_string!(i18n, approvals.approve)}
                </button>
                <button type="button" class="button small danger" disabled=!can_decide
                    aria-label=move || t_string!(i18n, approvals.reject_one, name = reject_label.as_str())
                    on:click=move |_| rejecting.set(Some(vec![id]))>
                    {move || t_string!(i18n, approvals.reject)}
                </button>
            </td>
        </tr>
    }
}

/// The dialog that names how many requests will be rejected. Focus starts on Cancel;
/// Escape cancels.
#[component]
fn ConfirmReject(
    rejecting: RwSignal<Option<Vec<AccessRequestId>>>,
    decide: ServerAction<DecideAccessRequests>,
) -> impl IntoView {
    let i18n = use_i18n();
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    focus_when_shown(cancel_button);
    let count = move || rejecting.read().as_ref().map(Vec::len).unwrap_or(0);
    let cancel = move || rejecting.set(None);
    let confirm = move |_| {
        if let Some(ids) = rejecting.get() {
            decide.dispatch(DecideAccessRequests {
                ids: ids.into_iter().map(AccessRequestId::get).collect(),
                approve: false,
            });
        }
        rejecting.set(None);
    };
    view! {
        <Show when=move || rejecting.read().is_some()>
            <div class="modal-backdrop" on:keydown=move |event: leptos::ev::KeyboardEvent| {
                if event.key() == "Escape" {
                    cancel();
                }
            }>
                <div class="modal" role="alertdialog" aria-modal="true" aria-labelledby="reject-title" aria-describedby="reject-text">
                    <h2 id="reject-title">{move || t_string!(i18n, approvals.confirm_title, count = count())}</h2>
                    <p id="reject-text">{move || t_string!(i18n, approvals.confirm_text)}</p>
                    <div class="modal-actions">
                        <button type="button" class="button" node_ref=cancel_button on:click=move |_| cancel()>
                            {move || t_string!(i18n, delete.cancel)}
                        </button>
                        <button type="button" class="button danger" on:click=confirm>
                            {move || t_string!(i18n, approvals.confirm_reject, count = count())}
                        </button>
                    </div>
                </div>
            </div>
        </Show>
    }
}
