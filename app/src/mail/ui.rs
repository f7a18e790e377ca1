//! The Outbox page: the account's messages newest first, filtered by status, each with
//! its delivery state and, until it is delivered, its text (where the demo's links
//! wait when no SMTP server is configured). Loaded as its own piece of the wasm.

use super::{MailStatus, OutboxEntry, OutboxPage, list_outbox};
use crate::console::areas::Area;
use crate::console::{ErrorNotice, PageReady};
use crate::i18n::{Locale, t_string, td_string, use_i18n};
use crate::lang::format::use_local_time;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/outbox`, split from the rest of the console's code.
pub struct OutboxRoute;

#[lazy_route]
impl LazyRoute for OutboxRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <OutboxView /> }.into_any()
    }
}

/// The page's link for `status` (every status when `None`), from the newest message on.
fn status_href(status: Option<MailStatus>) -> String {
    match status {
        Some(status) => format!("{}?status={}", Area::Outbox.path(), status.slug()),
        None => Area::Outbox.path().to_owned(),
    }
}

fn status_label(locale: Locale, status: MailStatus) -> &'static str {
    match status {
        MailStatus::Waiting => td_string!(locale, outbox.waiting),
        MailStatus::Sent => td_string!(locale, outbox.sent),
        MailStatus::Failed => td_string!(locale, outbox.failed),
    }
}

#[component]
fn OutboxView() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let request = Memo::new(move |_| {
        let map = query.read();
        let before = map.get("before").and_then(|id| id.parse::<i64>().ok());
        (map.get("status"), before)
    });
    let page = Resource::new(
        move || request.get(),
        |(status, before)| list_outbox(status, before),
    );
    let chosen = move || request.read().0.clone().unwrap_or_default();
    let filters = std::iter::once(None)
        .chain(MailStatus::ALL.into_iter().map(Some))
        .map(|status| {
            let slug = status.map(MailStatus::slug).unwrap_or_default();
            view! {
                <a
                    class="button subtle"
                    href=status_href(status)
                    aria-current=move || (chosen() == slug).then_some("page")
                >
                    {move || match status {
                        Some(status) => status_label(i18n.get_locale(), status),
                        None => t_string!(i18n, outbox.all),
                    }}
                </a>
            }
        })
        .collect_view();
    view! {
        <section class="page" aria-labelledby="outbox-title">
            <header class="page-header">
                <div>
                    <h1 id="outbox-title">{move || Area::Outbox.title(i18n.get_locale())}</h1>
                    <p class="subtitle">{move || Area::Outbox.about(i18n.get_locale())}</p>
                </div>
            </header>
            <nav class="filters" aria-label=move || t_string!(i18n, outbox.status_filter)>
                {filters}
            </nav>
            <Transition fallback=move || view! { <p class="loading">{move || t_string!(i18n, outbox.loading)}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <OutboxTable page status=chosen() /><PageReady /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error reset_href=Area::Outbox.path() /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn OutboxTable(page: OutboxPage, status: String) -> impl IntoView {
    let i18n = use_i18n();
    let OutboxPage {
        entries,
        next,
        delivering,
    } = page;
    let status = MailStatus::from_slug(&status);
    let older_href = next.map(|id| {
        let base = status_href(status);
        let joiner = if base.contains('?') { '&' } else { '?' };
        format!("{base}{joiner}before={id}")
    });
    let empty = entries.is_empty();
    view! {
        {(!delivering).then(|| view! {
            <p class="notice info" data-testid="not-delivering">{move || t_string!(i18n, outbox.not_delivering)}</p>
        })}
        // Wide entries scroll sideways: the region takes focus so keys can scroll it.
        <div class="table-wrap" tabindex="0" role="region" aria-label=move || t_string!(i18n, outbox.entries)>
            <table class="grid outbox">
                <thead>
                    <tr>
                        <th scope="col">{move || t_string!(i18n, outbox.column_created)}</th>
                        <th scope="col">{move || t_string!(i18n, outbox.column_recipient)}</th>
                        <th scope="col">{move || t_string!(i18n, outbox.column_subject)}</th>
                        <th scope="col">{move || t_string!(i18n, outbox.column_status)}</th>
                    </tr>
                </thead>
                <tbody>
                    {entries.into_iter().map(|entry| view! { <OutboxRow entry /> }).collect_view()}
                </tbody>
            </table>
            {empty.then(|| view! { <p class="empty">{move || t_string!(i18n, outbox.empty)}</p> })}
        </div>
        <nav class="pager" aria-label=move || t_string!(i18n, audit.pages)>
            <span></span>
            <span class="pager-links">
                <a class="button" href=status_href(status)>{move || t_string!(i18n, outbox.newest)}</a>
                {match older_href {
                    Some(link) => view! {
                        <a class="button" rel="next" href=link>{move || t_string!(i18n, outbox.older)}</a>
                    }.into_any(),
                    None => view! {
                        <span class="button disabled" aria-disabled="true">{move || t_string!(i18n, outbox.older)}</span>
                    }.into_any(),
                }}
            </span>
        </nav>
    }
}

/// One message: when it was written, to whom, about what, where it stands, and its text
/// while it has one.
#[component]
fn OutboxRow(entry: OutboxEntry) -> impl IntoView {
    let i18n = use_i18n();
    let clock = use_local_time();
    let OutboxEntry {
        id,
        recipient,
        subject,
        status,
        attempts,
        created_at,
        sent_at,
        next_attempt_at,
        last_error,
        text,
    } = entry;
    let subject_cell = match text {
        Some(text) => view! {
            <details>
                <summary>{subject}</summary>
                <pre class="mail-text">{text}</pre>
            </details>
        }
        .into_any(),
        None => view! {
            {subject}
            <p class="muted small-print">{move || t_string!(i18n, outbox.not_kept)}</p>
        }
        .into_any(),
    };
    view! {
        <tr data-mail-id=id.get() data-status=status.slug()>
            <td class="muted">{move || clock.date_time(i18n.get_locale(), created_at)}</td>
            <td>{recipient}</td>
            <td>{subject_cell}</td>
            <td>
                <span class=format!("mail-status mail-{}", status.slug())>
                    {move || status_label(i18n.get_locale(), status)}
                </span>
                {sent_at.map(|at| view! {
                    <span class="muted small-print">
                        " "{move || t_string!(i18n, outbox.sent_at, at = clock.date_time(i18n.get_locale(), at))}
                    </span>
                })}
                {(attempts > 0 && status != MailStatus::Sent).then(|| view! {
                    <span class="muted small-print">" "{move || t_string!(i18n, outbox.attempts, count = attempts)}</span>
                })}
                {next_attempt_at.filter(|_| attempts > 0).map(|at| view! {
                    <span class="muted small-print">
                        " "{move || t_string!(i18n, outbox.next_attempt, at = clock.date_time(i18n.get_locale(), at))}
                    </span>
                })}
                {last_error.map(|error| view! {
                    <p class="muted small-print">{move || t_string!(i18n, outbox.last_error, error = error.clone())}</p>
                })}
            </td>
        </tr>
    }
}
