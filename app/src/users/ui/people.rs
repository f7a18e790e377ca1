//! Users as the pages of a group and of a role list them: each one's name leading to
//! their details, e-mail, status and one action, then a pager that goes a page forward
//! or back to the first.

use super::details::details_href;
use crate::domain::{UserId, UserStatus};
use crate::i18n::{t_string, use_i18n};
use crate::lang::status_label;
use leptos::prelude::*;

/// One row: who, and what may be done to them there.
pub struct Person {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub status: UserStatus,
    pub action: AnyView,
}

/// The table of `people`; `empty_text` when there is nobody.
#[component]
pub fn PeopleTable(
    #[prop(into)] caption: Signal<String>,
    #[prop(into)] empty_text: Signal<String>,
    people: Vec<Person>,
) -> impl IntoView {
    let i18n = use_i18n();
    let empty = people.is_empty();
    let rows = people
        .into_iter()
        .map(|person| {
            let status = person.status;
            view! {
                <tr data-user-id=person.id.get()>
                    <td><a class="name" href=details_href(person.id, "profile")>{person.name}</a></td>
                    <td class="email">{person.email}</td>
                    <td>{move || status_label(i18n.get_locale(), status)}</td>
                    <td class="col-actions">{person.action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="grid">
                <caption class="sr-only">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || t_string!(i18n, users.column_name)}</th>
                        <th scope="col">{move || t_string!(i18n, users.column_email)}</th>
                        <th scope="col">{move || t_string!(i18n, users.column_status)}</th>
                        <th scope="col" class="col-actions"><span class="sr-only">{move || t_string!(i18n, users.column_actions)}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {empty.then(|| view! { <p class="empty">{empty_text}</p> })}
        </div>
    }
}

/// First (when not on the first page) and Next (greyed on the last).
#[component]
pub fn ForwardPager(
    #[prop(into)] label: Signal<String>,
    first_href: Option<String>,
    next_href: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="pager" aria-label=label>
            <span></span>
            <span class="pager-links">
                {first_href.map(|link| view! { <a class="button" href=link>{move || t_string!(i18n, users.first)}</a> })}
                {match next_href {
                    Some(link) => view! { <a class="button" rel="next" href=link>{move || t_string!(i18n, users.next)}</a> }.into_any(),
                    None => view! { <span class="button disabled" aria-disabled="true">{move || t_string!(i18n, users.next)}</span> }.into_any(),
                }}
            </span>
        </nav>
    }
}
