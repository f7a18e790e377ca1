//! `/login/code`, the second step of a two-factor sign-in: the code from the e-mail, or
//! a new one; or (`?app=1`) the code from the person's authenticator app, or a recovery
//! code. Like the sign-in page, it is a plain form that needs no code in the
//! browser; the challenge it answers is in a cookie, never in the address.

use super::SignedOutCard;
use crate::auth::{ConfirmSignInCode, ResendSignInCode};
use crate::i18n::{t_string, use_i18n};
use crate::lang::errors::error_text;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/login/code`, split from the rest of the console's code.
pub struct SignInCodeRoute;

#[lazy_route]
impl LazyRoute for SignInCodeRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <SignInCodePage /> }.into_any()
    }
}

#[component]
fn SignInCodePage() -> impl IntoView {
    let i18n = use_i18n();
    let confirm = ServerAction::<ConfirmSignInCode>::new();
    let resend = ServerAction::<ResendSignInCode>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let resent = move || query.read().get("resent").is_some();
    // The person's authenticator app gives the code: no e-mail, and a recovery code
    // (letters) may stand in for it.
    let from_app = move || query.read().get("app").is_some();
    let error = move || {
        confirm
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| resend.value().get().and_then(Result::err))
            .map(|error| error_text(i18n.get_locale(), &error))
    };
    let title = Signal::derive(move || t_string!(i18n, code.title).to_owned());
    view! {
        <SignedOutCard title>
            {move || if from_app() {
                view! { <p id="code-sent">{move || t_string!(i18n, code.app_asked)}</p> }.into_any()
            } else if resent() {
                view! { <p class="notice info" role="status" data-testid="code-resent">{move || t_string!(i18n, code.resent)}</p> }.into_any()
            } else {
                view! { <p id="code-sent">{move || t_string!(i18n, code.sent)}</p> }.into_any()
            }}
            <ActionForm action=confirm attr:class="stack">
                <label for="code">
                    {move || if from_app() { t_string!(i18n, code.app_label) } else { t_string!(i18n, code.label) }}
                </label>
                <input
                    id="code"
                    type="text"
                    name="code"
                    inputmode=move || if from_app() { "text" } else { "numeric" }
                    autocomplete="one-time-code"
                    pattern=move || if from_app() { "[0-9A-Za-z \\-]{6,24}" } else { "[0-9 \\-]{6,8}" }
                    required
                    autofocus
                    maxlength=move || if from_app() { "24" } else { "8" }
                    aria-describedby="code-sent"
                />
                <input type="hidden" name="next" value=next />
                {move || error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <button class="button primary" type="submit" disabled=move || confirm.pending().get()>
                    {move || if confirm.pending().get() {
                        t_string!(i18n, code.pending)
                    } else {
                        t_string!(i18n, code.submit)
                    }}
                </button>
            </ActionForm>
            {move || (!from_app()).then(|| view! {
                <ActionForm action=resend attr:class="stack">
                    <input type="hidden" name="next" value=next />
                    <button class="button" type="submit" disabled=move || resend.pending().get()>
                        {move || t_string!(i18n, code.resend)}
                    </button>
                </ActionForm>
            })}
        </SignedOutCard>
    }
}
