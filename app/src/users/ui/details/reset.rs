//! The More menu's resets that reach the user by e-mail (Reset Password, Reset second
//! factor): a confirmation that names who is e-mailed, then a line saying it was done,
//! or why not.

use crate::console::focus_when_shown;
use crate::error::AppError;
use crate::i18n::{t_string, use_i18n};
use crate::lang::errors::error_text;
use leptos::prelude::*;

/// The dialog that asks before the reset. Focus starts on Cancel; Escape cancels.
#[component]
pub(super) fn ConfirmReset(
    /// Names the dialog; `id` prefixes its parts' ids.
    id: &'static str,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] text: Signal<String>,
    #[prop(into)] confirm_label: Signal<String>,
    open: RwSignal<bool>,
    #[prop(into)] confirmed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    focus_when_shown(cancel_button);
    let (title_id, text_id) = (format!("{id}-title"), format!("{id}-text"));
    let (labelled_by, described_by) = (title_id.clone(), text_id.clone());
    view! {
        <div
            class="modal-backdrop"
            on:keydown=move |event: leptos::ev::KeyboardEvent| {
                if event.key() == "Escape" {
                    open.set(false);
                }
            }
        >
            <div class="modal" role="alertdialog" aria-modal="true" aria-labelledby=labelled_by aria-describedby=described_by>
                <h2 id=title_id>{move || title.get()}</h2>
                <p id=text_id>{move || text.get()}</p>
                <div class="modal-actions">
                    <button type="button" class="button" node_ref=cancel_button on:click=move |_| open.set(false)>
                        {move || t_string!(i18n, delete.cancel)}
                    </button>
                    <button type="button" class="button primary" on:click=move |_| {
                        open.set(false);
                        confirmed.run(());
                    }>
                        {move || confirm_label.get()}
                    </button>
                </div>
            </div>
        </div>
    }
}

/// What a reset answered: `done` says it for the address it reached, or the refusal.
#[component]
pub(super) fn ResetOutcome(
    #[prop(into)] answer: Signal<Option<Result<String, AppError>>>,
    #[prop(into)] done: Callback<String, String>,
    test_id: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        answer.get().map(|answer| match answer {
            Ok(email) => view! {
                <div class="notice success" role="status" data-testid=test_id>
                    {move || done.run(email.clone())}
                </div>
            }
            .into_any(),
            Err(error) => view! {
                <div class="notice error" role="alert" data-testid=test_id>
                    {move || error_text(i18n.get_locale(), &error)}
                </div>
            }
            .into_any(),
        })
    }
}
