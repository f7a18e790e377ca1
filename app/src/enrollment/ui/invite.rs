//! Enrollment > Invite: up to five addresses (one per line, or separated by commas),
//! the role and the groups they get, and each address's result once sent, with Resend
//! for someone invited before. The addresses are checked as they are typed by the rules
//! the server applies.

use crate::console::areas::Area;
use crate::console::{ErrorNotice, PageReady};
use crate::domain::GroupId;
use crate::enrollment::batch::InviteBatch;
use crate::enrollment::{
    InviteOptions, InviteOutcome, InviteUsers, Invited, ResendInvitations, invite_choices,
};
use crate::i18n::{Locale, t_string, td_string, use_i18n};
use crate::lang::errors::error_text;
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// `/invite`, split from the rest of the console's code.
pub struct InviteRoute;

#[lazy_route]
impl LazyRoute for InviteRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <InvitePage /> }.into_any()
    }
}

/// The addresses in `text`: one per line, or separated by commas, semicolons or spaces.
fn addresses(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect()
}

fn result_text(locale: Locale, result: Invited) -> &'static str {
    match result {
        Invited::Invited => td_string!(locale, invite.result_invited),
        Invited::AlreadyMember => td_string!(locale, invite.result_member),
        Invited::AlreadyInvited => td_string!(locale, invite.result_already_invited),
        Invited::InvalidAddress => td_string!(locale, invite.result_invalid),
    }
}

#[component]
fn InvitePage() -> impl IntoView {
    let i18n = use_i18n();
    let options = Resource::new(|| (), |_| invite_choices());
    view! {
        <section class="page" aria-labelledby="invite-title">
            <header class="page-header">
                <div>
                    <h1 id="invite-title">{move || Area::Invite.title(i18n.get_locale())}</h1>
                    <p class="subtitle">{move || Area::Invite.about(i18n.get_locale())}</p>
                </div>
            </header>
            <Transition fallback=move || view! { <p class="loading">{move || t_string!(i18n, invite.loading)}</p> }>
                {move || Suspend::new(async move {
                    match options.await {
                        Ok(options) => view! { <InviteForm options /><PageReady /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn InviteForm(options: InviteOptions) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    // New people start as members: the first role that is not an admin role.
    let first_role = options
        .roles
        .iter()
        .find(|role| !role.is_admin)
        .or(options.roles.first())
        .map(|role| role.id.get())
        .unwrap_or_default();
    let role = RwSignal::new(first_role);
    let groups = RwSignal::new(Vec::<GroupId>::new());
    let batch = move || {
        let ids: Vec<i64> = groups.read().iter().map(|id| id.get()).collect();
        InviteBatch::parse(&addresses(&text.read()), role.get(), &ids)
    };
    let problem = move || {
        batch()
            .err()
            .filter(|_| touched.get())
            .map(|error| error_text(i18n.get_locale(), &error))
    };
    let invite = ServerAction::<InviteUsers>::new();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        touched.set(true);
        if batch().is_ok() {
            invite.dispatch(InviteUsers {
                emails: addresses(&text.get_untracked()),
                role_id: role.get_untracked(),
                groups: groups.get_untracked().iter().map(|id| id.get()).collect(),
            });
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = invite.value().get() {
            text.set(String::new());
            touched.set(false);
        }
    });
    let no_groups = options.groups.is_empty();
    let group_boxes = options
        .groups
        .into_iter()
        .map(|group| {
            let id = group.id;
            let box_id = format!("invite-group-{}", id.get());
            view! {
                <label class="choice">
                    <input
                        id=box_id
                        type="checkbox"
                        prop:checked=move || groups.read().contains(&id)
                        on:change=move |event| {
                            let on = event_target_checked(&event);
                            groups.update(|chosen| {
                                chosen.retain(|kept| *kept != id);
                                if on {
                                    chosen.push(id);
                                }
                            });
                        }
                    />
                    <span>{group.name}</span>
                </label>
            }
        })
        .collect_view();
    let roles = options
        .roles
        .into_iter()
        .map(|choice| view! {
            <option value=choice.id.get() selected=choice.id.get() == first_role>{choice.name}</option>
        })
        .collect_view();
    view! {
        <form class="settings-form" on:submit=submit novalidate>
            <fieldset>
                <legend>{move || t_string!(i18n, invite.who)}</legend>
                <div class="field">
                    <label for="invite-emails">{move || t_string!(i18n, invite.emails)}</label>
                    <textarea
                        id="invite-emails"
                        name="emails"
                        rows="5"
                        autocomplete="off"
                        aria-describedby="invite-emails-hint invite-emails-error"
                        aria-invalid=move || problem().is_some().then_some("true")
                        prop:value=move || text.get()
                        on:input=move |event| {
                            touched.set(true);
                            text.set(event_target_value(&event));
                        }
                    ></textarea>
                    <p class="hint" id="invite-emails-hint">{move || t_string!(i18n, invite.emails_hint)}</p>
                    <p class="field-error" id="invite-emails-error">{problem}</p>
                </div>
                <div class="field">
                    <label for="invite-role">{move || t_string!(i18n, details.admin_role)}</label>
                    <select
                        id="invite-role"
                        on:change=move |event| {
                            if let Ok(id) = event_target_value(&event).parse() {
                                role.set(id);
                            }
                        }
                    >
                        {roles}
                    </select>
                </div>
            </fieldset>
            <fieldset>
                <legend>{move || t_string!(i18n, invite.groups)}</legend>
                {no_groups.then(|| view! { <p class="hint">{move || t_string!(i18n, invite.no_groups)}</p> })}
                {group_boxes}
            </fieldset>
            <div class="form-actions">
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || invite.pending().get() || (touched.get() && batch().is_err())
                >
                    {move || t_string!(i18n, invite.send)}
                </button>
            </div>
        </form>
        {move || invite.value().get().map(|answer| match answer {
            Ok(outcomes) => view! { <InviteResults outcomes /> }.into_any(),
            Err(error) => view! {
                <div class="notice error" role="alert" data-testid="invite-outcome">
                    {move || error_text(i18n.get_locale(), &error)}
                </div>
            }
            .into_any(),
        })}
    }
}

/// Each address of the last invitation and what became of it.
#[component]
fn InviteResults(outcomes: Vec<InviteOutcome>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = outcomes
        .into_iter()
        .map(|outcome| view! { <InviteResultRow outcome /> })
        .collect_view();
    view! {
        <div class="table-wrap" role="status" data-testid="invite-results">
            <table class="grid">
                <caption class="sr-only">{move || t_string!(i18n, invite.results)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || t_string!(i18n, details.email)}</th>
                        <th scope="col">{move || t_string!(i18n, invite.result)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn InviteResultRow(outcome: InviteOutcome) -> impl IntoView {
    let i18n = use_i18n();
    let resend = ServerAction::<ResendInvitations>::new();
    let result = outcome.result;
    let user = outcome.user;
    let resend_button = (result == Invited::AlreadyInvited)
        .then_some(user)
        .flatten()
        .map(|user| {
            view! {
                " "
                <button
                    type="button"
                    class="button subtle"
                    disabled=move || resend.pending().get() || matches!(resend.value().get(), Some(Ok(_)))
                    on:click=move |_| {
                        resend.dispatch(ResendInvitations { ids: vec![user.get()] });
                    }
                >
                    {move || t_string!(i18n, invite.resend)}
                </button>
                {move || resend.value().get().map(|answer| match answer {
                    Ok(_) => t_string!(i18n, invite.resent).to_owned(),
                    Err(error) => error_text(i18n.get_locale(), &error),
                })}
            }
        });
    view! {
        <tr data-result=format!("{result:?}")>
            <td class="email">{outcome.email}</td>
            <td>{move || result_text(i18n.get_locale(), result)}{resend_button}</td>
        </tr>
    }
}
