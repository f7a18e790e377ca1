//! The Self Sign-Up section: whether people of the account's domains may find it and
//! ask to join (and whether an admin approves each request), and the account's domains,
//! added and removed one at a time.

use super::{SaveRow, SettingsSection};
use crate::error::AppError;
use crate::i18n::{Locale, t_string, td_string, use_i18n};
use crate::lang::errors::error_text;
use crate::settings::sign_up::{AccountDomains, SelfSignUp, SignUpMode};
use crate::settings::{AddAccountDomain, RemoveAccountDomain, SaveSelfSignUp, Versioned};
use leptos::prelude::*;

fn saved_text(locale: Locale) -> &'static str {
    td_string!(locale, settings.saved_sign_up)
}

/// One choice of mode, as a radio button.
#[component]
fn ModeChoice(
    name: &'static str,
    label: Signal<&'static str>,
    checked: Signal<bool>,
    choose: Callback<()>,
    #[prop(into)] disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <label class="choice">
            <input
                type="radio"
                name=name
                disabled=disabled
                prop:checked=move || checked.get()
                on:change=move |_| choose.run(())
            />
            <span>{label}</span>
        </label>
    }
}

/// The section over the policy `saved` and the account's `domains`, read-only without
/// `settings.manage`.
#[component]
pub(super) fn SelfSignUpSection(
    saved: Versioned<SelfSignUp>,
    domains: AccountDomains,
    can_manage: bool,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(saved.version);
    let mode = RwSignal::new(saved.settings.mode);
    let save = ServerAction::<SaveSelfSignUp>::new();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            version.set(saved.version);
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        save.dispatch(SaveSelfSignUp {
            settings: SelfSignUp {
                mode: mode.get_untracked(),
            },
            version: version.get_untracked(),
        });
    };
    let disabled = !can_manage;
    let text =
        move |text: fn(Locale) -> &'static str| Signal::derive(move || text(i18n.get_locale()));
    let is = move |wanted: SignUpMode| Signal::derive(move || mode.get() == wanted);
    let set = move |chosen: SignUpMode| Callback::new(move |()| mode.set(chosen));
    let blocked = Signal::derive(move || mode.get() == SignUpMode::Blocked);
    view! {
        <SettingsSection
            id="self-sign-up"
            title=text(|locale| td_string!(locale, settings.self_sign_up))
            about=text(|locale| td_string!(locale, settings.self_sign_up_about))
        >
            <form class="settings-form" on:submit=submit>
                <fieldset>
                    <legend class="sr-only">{move || t_string!(i18n, settings.self_sign_up)}</legend>
                    <ModeChoice
                        name="sign-up"
                        label=text(|locale| td_string!(locale, settings.block_requests))
                        checked=blocked
                        choose=set(SignUpMode::Blocked)
                        disabled
                    />
                    <ModeChoice
                        name="sign-up"
                        label=text(|locale| td_string!(locale, settings.allow_discovery))
                        checked=Signal::derive(move || !blocked.get())
                        choose=Callback::new(move |()| {
                            if mode.get_untracked() == SignUpMode::Blocked {
                                mode.set(SignUpMode::Approval);
                            }
                        })
                        disabled
                    />
                    <div class="indented">
                        <ModeChoice
                            name="approval"
                            label=text(|locale| td_string!(locale, settings.auto_approve))
                            checked=is(SignUpMode::AutoApprove)
                            choose=set(SignUpMode::AutoApprove)
                            disabled=Signal::derive(move || disabled || blocked.get())
                        />
                        <ModeChoice
                            name="approval"
                            label=text(|locale| td_string!(locale, settings.do_not_auto_approve))
                            checked=is(SignUpMode::Approval)
                            choose=set(SignUpMode::Approval)
                            disabled=Signal::derive(move || disabled || blocked.get())
                        />
                    </div>
                </fieldset>
                <SaveRow
                    answer=save.value()
                    pending=save.pending()
                    blocked=disabled
                    saved=saved_text
                    test_id="self-sign-up-outcome"
                    reload
                />
            </form>
            <Domains domains can_manage />
        </SettingsSection>
    }
}

/// The account's domains: its Primary Admin's, fixed, and the added ones, each with
/// Remove; and a box to add one.
#[component]
fn Domains(domains: AccountDomains, can_manage: bool) -> impl IntoView {
    let i18n = use_i18n();
    let domains = RwSignal::new(domains);
    let add = ServerAction::<AddAccountDomain>::new();
    let remove = ServerAction::<RemoveAccountDomain>::new();
    let typed = RwSignal::new(String::new());
    // The last answer of either action, for the line under the list.
    let answer = RwSignal::new(None::<Result<&'static str, AppError>>);
    Effect::new(move |_| {
        if let Some(result) = add.value().get() {
            if let Ok(now) = &result {
                domains.set(now.clone());
                typed.set(String::new());
            }
            answer.set(Some(result.map(|_| "added")));
        }
    });
    Effect::new(move |_| {
        if let Some(result) = remove.value().get() {
            if let Ok(now) = &result {
                domains.set(now.clone());
            }
            answer.set(Some(result.map(|_| "removed")));
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        add.dispatch(AddAccountDomain {
            domain: typed.get_untracked(),
        });
    };
    let outcome = move || {
        answer.get().map(|answer| match answer {
            Ok(done) => view! {
                <p class="notice success" role="status" data-testid="domain-outcome">
                    {move || if done == "added" {
                        t_string!(i18n, settings.domain_added)
                    } else {
                        t_string!(i18n, settings.domain_removed)
                    }}
                </p>
            }
            .into_any(),
            Err(error) => view! {
                <p class="notice error" role="alert" data-testid="domain-outcome">
                    {move || error_text(i18n.get_locale(), &error)}
                </p>
            }
            .into_any(),
        })
    };
    view! {
        <h3 class="subheading">{move || t_string!(i18n, settings.domains)}</h3>
        <ul class="domains" data-testid="domains">
            <li>{move || t_string!(i18n, settings.owner_domain, domain = domains.read().owner.clone())}</li>
            <For each=move || domains.get().added key=|domain| domain.clone() let:domain>
                <DomainRow domain can_manage remove />
            </For>
        </ul>
        <form class="filters" on:submit=submit>
            <label for="new-domain" class="sr-only">{move || t_string!(i18n, settings.new_domain)}</label>
            <input
                id="new-domain"
                type="text"
                maxlength="253"
                autocomplete="off"
                placeholder=move || t_string!(i18n, settings.new_domain)
                disabled=!can_manage
                prop:value=move || typed.get()
                on:input=move |event| typed.set(event_target_value(&event))
            />
            <button class="button" type="submit" disabled=move || !can_manage || add.pending().get()>
                {move || t_string!(i18n, settings.add_domain)}
            </button>
        </form>
        {outcome}
    }
}

/// An added domain, with its Remove button.
#[component]
fn DomainRow(
    domain: String,
    can_manage: bool,
    remove: ServerAction<RemoveAccountDomain>,
) -> impl IntoView {
    let i18n = use_i18n();
    let label = domain.clone();
    let removed = domain.clone();
    view! {
        <li>
            <span>{domain}</span>
            " "
            <button
                type="button"
                class="button subtle"
                disabled=!can_manage
                aria-label=move || t_string!(i18n, settings.remove_domain, domain = label.clone())
                on:click=move |_| {
                    remove.dispatch(RemoveAccountDomain { domain: removed.clone() });
                }
            >
                "×"
            </button>
        </li>
    }
}
