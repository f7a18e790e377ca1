//! "Confirm it is you": the password asked again before a change that needs a recent
//! sign-in. On the right password the change is sent again; a wrong one is said under
//! the box and counts towards the lock, as at sign-in.

use crate::auth::ConfirmPassword;
use crate::console::focus_when_shown;
use crate::i18n::{t_string, use_i18n};
use crate::lang::errors::error_text;
use leptos::prelude::*;

/// The dialog, over the page while `open`; `confirmed` runs once the password is right.
#[component]
pub fn ConfirmPasswordDialog(
    open: RwSignal<bool>,
    /// Why the password is asked, in the admin's language.
    #[prop(into)]
    reason: Signal<String>,
    #[prop(into)] confirmed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let confirm = ServerAction::<ConfirmPassword>::new();
    let password = RwSignal::new(String::new());
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    focus_when_shown(cancel_button);
    Effect::new(move |_| {
        if let Some(Ok(())) = confirm.value().get() {
            open.set(false);
            password.set(String::new());
            confirmed.run(());
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
        confirm.dispatch(ConfirmPassword {
            password: password.get_untracked(),
        });
    };
    view! {
        <div
            class="modal-backdrop"
            on:keydown=move |event: leptos::ev::KeyboardEvent| {
                if event.key() == "Escape" {
                    open.set(false);
                }
            }
        >
            <form class="modal stack" role="alertdialog" aria-modal="true" aria-labelledby="reauth-title" aria-describedby="reauth-text" on:submit=submit>
                <h2 id="reauth-title">{move || t_string!(i18n, reauth.title)}</h2>
                <p id="reauth-text">{move || reason.get()}</p>
                <label for="reauth-password">{move || t_string!(i18n, reauth.password)}</label>
                <input
                    id="reauth-password"
                    type="password"
                    autocomplete="current-password"
                    required
                    maxlength="1024"
                    aria-describedby="reauth-error"
                    prop:value=move || password.get()
                    on:input=move |event| password.set(event_target_value(&event))
                />
                <p class="field-error" id="reauth-error" role="alert">{error}</p>
                <div class="modal-actions">
                    <button type="button" class="button" node_ref=cancel_button on:click=move |_| open.set(false)>
                        {move || t_string!(i18n, delete.cancel)}
                    </button>
                    <button type="submit" class="button primary" disabled=move || confirm.pending().get()>
                        {move || t_string!(i18n, reauth.confirm)}
                    </button>
                </div>
            </form>
        </div>
    }
}
