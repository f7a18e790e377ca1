//! The "Authenticator app" section of "My account": set an app up from its QR code (or
//! its key typed in) and a first code, see the recovery codes once, renew them, or
//! remove the app. A change the server wants a recent sign-in for asks the password
//! and is sent again.

use super::{
    AuthenticatorStatus, BeginAuthenticator, ConfirmAuthenticator, NewAuthenticator,
    RemoveMyAuthenticator, RenewRecoveryCodes, my_authenticator,
};
use crate::auth::ui::ConfirmPasswordDialog;
use crate::console::ErrorNotice;
use crate::error::AppError;
use crate::i18n::{t_string, use_i18n};
use crate::lang::errors::error_text;
use crate::lang::format::use_local_time;
use leptos::prelude::*;

/// A change that waits for the password before it is sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Begin,
    Renew,
    Remove,
}

fn needs_password<T>(answer: &Option<Result<T, AppError>>) -> bool {
    matches!(answer, Some(Err(error)) if error.asks_recent_sign_in())
}

#[component]
pub fn AuthenticatorSection() -> impl IntoView {
    let i18n = use_i18n();
    let begin = ServerAction::<BeginAuthenticator>::new();
    let confirm = ServerAction::<ConfirmAuthenticator>::new();
    let renew = ServerAction::<RenewRecoveryCodes>::new();
    let remove = ServerAction::<RemoveMyAuthenticator>::new();
    let status = Resource::new(
        move || {
            (
                confirm.version().get(),
                renew.version().get(),
                remove.version().get(),
            )
        },
        |_| my_authenticator(),
    );
    let setting_up = RwSignal::new(None::<NewAuthenticator>);
    let shown_codes = RwSignal::new(None::<Vec<String>>);
    let asking_password = RwSignal::new(false);
    let waiting = StoredValue::new(None::<Change>);
    let send = move |change: Change| {
        waiting.set_value(Some(change));
        match change {
            Change::Begin => {
                begin.dispatch(BeginAuthenticator {});
            }
            Change::Renew => {
                renew.dispatch(RenewRecoveryCodes {});
            }
            Change::Remove => {
                remove.dispatch(RemoveMyAuthenticator {});
            }
        }
    };
    Effect::new(move |_| {
        let (began, renewed, removed) = (
            begin.value().get(),
            renew.value().get(),
            remove.value().get(),
        );
        if needs_password(&began) || needs_password(&renewed) || needs_password(&removed) {
            asking_password.set(true);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(new)) = begin.value().get() {
            setting_up.set(Some(new));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(codes)) = confirm.value().get() {
            setting_up.set(None);
            shown_codes.set(Some(codes));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(codes)) = renew.value().get() {
            shown_codes.set(Some(codes));
        }
    });
    let problem = move || {
        [
            begin.value().get().and_then(Result::err),
            renew.value().get().and_then(Result::err),
            remove.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .find(|error| !error.asks_recent_sign_in())
        .map(|error| error_text(i18n.get_locale(), &error))
    };
    let send = Callback::new(send);
    view! {
        <section class="authenticator" aria-labelledby="authenticator-title" data-testid="authenticator">
            <h2 id="authenticator-title">{move || t_string!(i18n, me.authenticator)}</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(mine) => view! {
                            <AuthenticatorState mine setting_up shown_codes confirm send />
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
            {move || problem().map(|text| view! {
                <p class="notice error" role="alert" data-testid="authenticator-problem">{text}</p>
            })}
            {move || asking_password.get().then(|| view! {
                <ConfirmPasswordDialog
                    open=asking_password
                    reason=Signal::derive(move || t_string!(i18n, me.authenticator_reauth).to_owned())
                    confirmed=move |()| {
                        if let Some(change) = waiting.get_value() {
                            send.run(change);
                        }
                    }
                />
            })}
        </section>
    }
}

/// The section's body for the app's state: the codes just issued, the app on, the app
/// being set up, or none.
#[component]
fn AuthenticatorState(
    mine: AuthenticatorStatus,
    setting_up: RwSignal<Option<NewAuthenticator>>,
    shown_codes: RwSignal<Option<Vec<String>>>,
    confirm: ServerAction<ConfirmAuthenticator>,
    send: Callback<Change>,
) -> impl IntoView {
    let i18n = use_i18n();
    let clock = use_local_time();
    let removing = RwSignal::new(false);
    move || {
        if let Some(codes) = shown_codes.get() {
            return view! { <RecoveryCodes codes shown_codes /> }.into_any();
        }
        if let Some(since) = mine.on_since {
            let left = mine.recovery_codes_left;
            return view! {
                <p data-testid="authenticator-state">
                    {move || t_string!(i18n, me.authenticator_on, date = clock.date_time(i18n.get_locale(), since))}
                </p>
                <p class="muted" data-testid="recovery-left">{move || t_string!(i18n, me.recovery_left, count = left)}</p>
                <div class="actions">
                    <button type="button" class="button" on:click=move |_| send.run(Change::Renew)>
                        {move || t_string!(i18n, me.recovery_renew)}
                    </button>
                    <button type="button" class="button danger" on:click=move |_| removing.set(true)>
                        {move || t_string!(i18n, me.authenticator_remove)}
                    </button>
                </div>
                {move || removing.get().then(|| view! {
                    <div class="notice warning" role="group" aria-labelledby="remove-app-text">
                        <p id="remove-app-text">{move || t_string!(i18n, me.authenticator_remove_confirm)}</p>
                        <div class="actions">
                            <button type="button" class="button" on:click=move |_| removing.set(false)>
                                {move || t_string!(i18n, me.authenticator_cancel)}
                            </button>
                            <button type="button" class="button danger" on:click=move |_| {
                                removing.set(false);
                                send.run(Change::Remove);
                            }>
                                {move || t_string!(i18n, me.authenticator_remove_do)}
                            </button>
                        </div>
                    </div>
                })}
            }
            .into_any();
        }
        if let Some(new) = setting_up.get() {
            return view! { <SetUp new setting_up confirm /> }.into_any();
        }
        let can_keep_secrets = mine.can_keep_secrets;
        view! {
            <p data-testid="authenticator-state">{move || t_string!(i18n, me.authenticator_off)}</p>
            {(!can_keep_secrets).then(|| view! {
                <p class="hint">{move || t_string!(i18n, errors.no_secret_key)}</p>
            })}
            <button type="button" class="button primary" disabled=!can_keep_secrets on:click=move |_| send.run(Change::Begin)>
                {move || t_string!(i18n, me.authenticator_set_up)}
            </button>
        }
        .into_any()
    }
}

/// The QR code, the key, and the first code that turns the app on.
#[component]
fn SetUp(
    new: NewAuthenticator,
    setting_up: RwSignal<Option<NewAuthenticator>>,
    confirm: ServerAction<ConfirmAuthenticator>,
) -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let code_box = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = code_box.get() {
            let _ = input.focus();
        }
    });
    let error = move || {
        confirm
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| error_text(i18n.get_locale(), &error))
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        confirm.dispatch(ConfirmAuthenticator {
            code: code.get_untracked(),
        });
    };
    // Four letters at a time, as apps show keys.
    let key = new
        .key
        .as_bytes()
        .chunks(4)
        .map(|group| String::from_utf8_lossy(group).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <form class="stack set-up-app" on:submit=submit>
            <p id="set-up-text">{move || t_string!(i18n, me.authenticator_scan)}</p>
            <img class="qr" src=new.qr_image width="200" height="200" alt=move || t_string!(i18n, me.authenticator_qr) />
            <p>
                {move || t_string!(i18n, me.authenticator_key)}": "
                <code data-testid="authenticator-key" data-address=new.address>{key}</code>
            </p>
            <label for="app-code">{move || t_string!(i18n, me.authenticator_code)}</label>
            <input
                id="app-code"
                type="text"
                inputmode="numeric"
                autocomplete="one-time-code"
                maxlength="8"
                required
                node_ref=code_box
                aria-describedby="set-up-text app-code-error"
                prop:value=move || code.get()
                on:input=move |event| code.set(event_target_value(&event))
            />
            <p class="field-error" id="app-code-error" role="alert">{error}</p>
            <div class="actions">
                <button type="button" class="button" on:click=move |_| setting_up.set(None)>
                    {move || t_string!(i18n, me.authenticator_cancel)}
                </button>
                <button type="submit" class="button primary" disabled=move || confirm.pending().get()>
                    {move || t_string!(i18n, me.authenticator_turn_on)}
                </button>
            </div>
        </form>
    }
}

/// Recovery codes just issued, shown this once.
#[component]
fn RecoveryCodes(codes: Vec<String>, shown_codes: RwSignal<Option<Vec<String>>>) -> impl IntoView {
    let i18n = use_i18n();
    let done_button = NodeRef::<leptos::html::Button>::new();
    crate::console::focus_when_shown(done_button);
    view! {
        <div class="notice info" role="group" aria-labelledby="recovery-title">
            <h3 id="recovery-title">{move || t_string!(i18n, me.recovery_title)}</h3>
            <p>{move || t_string!(i18n, me.recovery_text)}</p>
            <ul class="recovery-codes" data-testid="recovery-codes">
                {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ul>
            <button type="button" class="button primary" node_ref=done_button on:click=move |_| shown_codes.set(None)>
                {move || t_string!(i18n, me.recovery_done)}
            </button>
        </div>
    }
}
