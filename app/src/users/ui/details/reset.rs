//! Reset Password from the More menu: a confirmation that names who gets the e-mail,
//! then a line saying it was sent, or why not.

use crate::auth::reset::SendPasswordReset;
use crate::console::focus_when_shown;
use crate::domain::UserId;
use crate::i18n::{t_string, use_i18n};
use crate::lang::errors::error_text;
use leptos::prelude::*;

/// The dialog that asks before the e-mail goes. Focus starts on Cancel; Escape cancels.
#[component]
pub(super) fn ConfirmReset(
    user: UserId,
    email: String,
    open: RwSignal<bool>,
    action: ServerAction<SendPasswordReset>,
) -> impl IntoView {
    let i18n = use_i18n();
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    focus_when_shown(cancel_button);
    let send = move |_| {
        action.dispatch(SendPasswordReset { user: user.get() });
        open.set(false);
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
            <div class="modal" role="alertdialog" aria-modal="true" aria-labelledby="reset-title" aria-describedby="reset-text">
                <h2 id="reset-title">{move || t_string!(i18n, details.reset_password)}</h2>
                <p id="reset-text">{move || t_string!(i18n, details.reset_password_confirm, email = email.clone())}</p>
                <div class="modal-actions">
                    <button type="button" class="button" node_ref=cancel_button on:click=move |_| open.set(false)>
                        {move || t_string!(i18n, delete.cancel)}
                    </button>
                    <button type="button" class="button primary" on:click=send>
                        {move || t_string!(i18n, details.reset_password_send)}
                    </button>
                </div>
            </div>
        </div>
    }
}

/// "Password reset e-mail sent to …", or the refusal.
#[component]
pub(super) fn ResetOutcome(action: ServerAction<SendPasswordReset>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        action.value().get().map(|answer| match answer {
            Ok(email) => view! {
                <div class="notice success" role="status" data-testid="reset-outcome">
                    {move || t_string!(i18n, details.reset_password_sent, email = email.clone())}
                </div>
            }
            .into_any(),
            Err(error) => view! {
                <div class="notice error" role="alert" data-testid="reset-outcome">
                    {move || error_text(i18n.get_locale(), &error)}
                </div>
            }
            .into_any(),
        })
    }
}
