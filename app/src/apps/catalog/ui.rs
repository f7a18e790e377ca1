//! `/apps`: the account's apps by name, searched (`?q=`) and paged forward (`?after=`),
//! each with its owner (a link to their details), whether it is published and its
//! count of members.

use super::{AppListing, AppPage, list_apps};
use crate::console::areas::Area;
use crate::console::{ErrorNotice, PageReady};
use crate::i18n::{t_string, use_i18n};
use crate::lang::format;
use crate::query_string;
use crate::users::ui::details::details_href;
use crate::users::ui::people::ForwardPager;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/apps`, split from the rest of the console's code.
pub struct AppsRoute;

#[lazy_route]
impl LazyRoute for AppsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <AppsPage /> }.into_any()
    }
}

/// The Apps page searched for `q` from cursor `after`.
fn apps_href(q: Option<&str>, after: Option<&str>) -> String {
    let query = query_string::build([("q", q), ("after", after)]);
    format!("{}{query}", Area::Apps.path())
}

#[component]
pub fn AppsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let search = Memo::new(move |_| query.read().get("q").filter(|q| !q.trim().is_empty()));
    let after = Memo::new(move |_| query.read().get("after").filter(|after| !after.is_empty()));
    let page = Resource::new(
        move || (search.get(), after.get()),
        |(q, after)| list_apps(q, after),
    );
    view! {
        <section class="page" aria-labelledby="apps-title">
            <header class="page-header">
                <div>
                    <h1 id="apps-title">{move || Area::Apps.title(i18n.get_locale())}</h1>
                    <p class="subtitle">{move || Area::Apps.about(i18n.get_locale())}</p>
                </div>
            </header>
            <div class="toolbar">
                <form method="get" action=Area::Apps.path() class="filters" role="search">
                    <label for="app-search" class="sr-only">{move || t_string!(i18n, apps.search_label)}</label>
                    <input id="app-search" class="search" type="search" name="q" maxlength="100"
                        placeholder=move || t_string!(i18n, apps.search_label)
                        value=move || search.get().unwrap_or_default() />
                    <button class="button" type="submit">{move || t_string!(i18n, users.search)}</button>
                </form>
            </div>
            <Transition fallback=move || view! { <p class="loading">{move || t_string!(i18n, apps.loading)}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! {
                            <AppTable page search=search.get_untracked() after=after.get_untracked() />
                            <PageReady />
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error reset_href=Area::Apps.path() /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AppTable(page: AppPage, search: Option<String>, after: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let AppPage { apps, next } = page;
    let empty = apps.is_empty();
    let rows = apps
        .into_iter()
        .map(|app| view! { <AppRow app /> })
        .collect_view();
    let next_href = next.map(|cursor| apps_href(search.as_deref(), Some(&cursor)));
    let first_href = after.map(|_| apps_href(search.as_deref(), None));
    view! {
        <div class="table-wrap">
            <table class="grid" data-testid="apps">
                <caption class="sr-only">{move || t_string!(i18n, apps.caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || t_string!(i18n, apps.column_name)}</th>
                        <th scope="col">{move || t_string!(i18n, apps.column_owner)}</th>
                        <th scope="col">{move || t_string!(i18n, apps.column_status)}</th>
                        <th scope="col">{move || t_string!(i18n, apps.column_members)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {empty.then(|| view! { <p class="empty">{move || t_string!(i18n, apps.none)}</p> })}
        </div>
        <ForwardPager label=move || t_string!(i18n, apps.pages).to_owned() first_href next_href />
    }
}

#[component]
fn AppRow(app: AppListing) -> impl IntoView {
    let i18n = use_i18n();
    let AppListing {
        id,
        name,
        owner,
        published,
        members,
    } = app;
    let owner_href = details_href(owner.id, "apps");
    let status = move || match published {
        true => t_string!(i18n, apps.published),
        false => t_string!(i18n, apps.not_published),
    };
    view! {
        <tr data-app-id=id.get()>
            <th scope="row">{name}</th>
            <td>
                <a class="owner" href=owner_href>{owner.shown_name()}</a>
                <span class="muted">" "{owner.email.to_string()}</span>
            </td>
            <td><span class="badge">{status}</span></td>
            <td>{move || format::count(i18n.get_locale(), members)}</td>
        </tr>
    }
}
