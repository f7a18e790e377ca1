//! Finding one user by name or e-mail and choosing them: a search box over the Users
//! grid's own search, then a drop-down of the users found. A group's "Add a member"
//! and a role's "Assign Role" are this form, each with its own words.

use crate::console::ErrorNotice;
use crate::i18n::{Locale, use_i18n};
use crate::users::query::GridParams;
use crate::users::{UserSummary, list_users};
use leptos::prelude::*;

/// The words of one picker, in the admin's language.
#[derive(Clone, Copy)]
pub struct PickerWords {
    pub find: fn(Locale) -> &'static str,
    pub choose: fn(Locale) -> &'static str,
    pub none_found: fn(Locale) -> &'static str,
    pub submit: fn(Locale) -> &'static str,
}

/// The form: `children` head it; `id` names its fields (`find-{id}`, `{id}-choice`);
/// `offered` says which users found are offered; the chosen user's id goes to
/// `on_choose`. The drop-down holds the choice: what the admin sees chosen is what is
/// sent, and nothing when a search left no list on screen.
#[component]
pub fn UserPicker(
    id: &'static str,
    words: PickerWords,
    offered: Callback<UserSummary, bool>,
    on_choose: Callback<i64>,
    #[prop(into)] pending: Signal<bool>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let search = RwSignal::new(String::new());
    let found = Resource::new(
        move || search.get(),
        |q| {
            list_users(GridParams {
                q: Some(q),
                ..GridParams::default()
            })
        },
    );
    let user_box = NodeRef::<leptos::html::Select>::new();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let user = user_box
            .get()
            .filter(|select| select.is_connected())
            .and_then(|select| select.value().parse::<i64>().ok());
        if let Some(user) = user {
            on_choose.run(user);
        }
    };
    let (find_id, choice_id) = (format!("find-{id}"), format!("{id}-choice"));
    let find_for = find_id.clone();
    view! {
        <form class="assign-form" on:submit=submit>
            {children()}
            <div class="field">
                <label for=find_for>{move || (words.find)(i18n.get_locale())}</label>
                <input id=find_id type="search" autocomplete="off" maxlength="100"
                    on:input=move |event| search.set(event_target_value(&event)) />
            </div>
            <div class="field">
                <Transition fallback=|| ()>
                    {move || {
                        let choice_id = choice_id.clone();
                        Suspend::new(async move {
                            match found.await {
                                Ok(page) => {
                                    let users: Vec<UserSummary> =
                                        page.rows.into_iter().filter(|row| offered.run(row.clone())).collect();
                                    if users.is_empty() {
                                        return view! { <p class="hint">{move || (words.none_found)(i18n.get_locale())}</p> }.into_any();
                                    }
                                    let choice_for = choice_id.clone();
                                    view! {
                                        <label for=choice_for>{move || (words.choose)(i18n.get_locale())}</label>
                                        <select id=choice_id node_ref=user_box>
                                            {users.into_iter().map(|row| {
                                                let label = format!("{} <{}>", row.full_name(), row.email);
                                                view! { <option value=row.id.get()>{label}</option> }
                                            }).collect_view()}
                                        </select>
                                    }.into_any()
                                }
                                Err(error) => view! { <ErrorNotice error /> }.into_any(),
                            }
                        })
                    }}
                </Transition>
            </div>
            <button type="submit" class="button primary" disabled=move || pending.get()>
                {move || (words.submit)(i18n.get_locale())}
            </button>
        </form>
    }
}
