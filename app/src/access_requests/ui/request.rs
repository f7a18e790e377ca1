//! `/request-access`: the address first; then, from the e-mailed link, the person's
//! name and password; and what became of the request. The forms work before the page
//! is hydrated.

use crate::access_requests::{CompleteSignUp, RequestAccess, SignUpFor, sign_up_link};
use crate::auth::ui::{NewPersonFields, SignedOutCard};
use crate::i18n::{t_string, use_i18n};
use crate::lang::errors::error_text;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/request-access`, split from the rest of the console's code.
pub struct RequestAccessRoute;

#[lazy_route]
impl LazyRoute for RequestAccessRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <RequestAccessPage /> }.into_any()
    }
}

#[component]
fn RequestAccessPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let title = Signal::derive(move || t_string!(i18n, join.title).to_owned());
    view! {
        <SignedOutCard title>
            {move || {
                let query = query.read();
                match (query.get("token"), query.get("answer").as_deref()) {
                    (Some(token), _) => view! { <CompleteForm token /> }.into_any(),
                    (None, Some("check_email")) => answer(t_string!(i18n, join.check_email)),
                    (None, Some("not_accepted")) => answer(t_string!(i18n, join.not_accepted)),
                    (None, Some("waiting")) => answer(t_string!(i18n, join.waiting)),
                    _ => view! { <AddressForm /> }.into_any(),
                }
            }}
        </SignedOutCard>
    }
}

fn answer(text: &'static str) -> AnyView {
    view! { <p class="notice info" role="status" data-testid="join-answer">{text}</p> }.into_any()
}

/// The first step: the person's work address.
#[component]
fn AddressForm() -> impl IntoView {
    let i18n = use_i18n();
    let ask = ServerAction::<RequestAccess>::new();
    let error = move || {
        ask.value()
            .get()
            .and_then(Result::err)
            .map(|error| error_text(i18n.get_locale(), &error))
    };
    view! {
        <p>{move || t_string!(i18n, join.intro)}</p>
        <ActionForm action=ask attr:class="stack">
            <label for="email">{move || t_string!(i18n, join.work_email)}</label>
            <input id="email" type="email" name="email" autocomplete="email" required autofocus maxlength="254" />
            {move || error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <button class="button primary" type="submit" disabled=move || ask.pending().get()>
                {move || t_string!(i18n, join.send_link)}
            </button>
        </ActionForm>
    }
}

/// The second step, from the e-mailed link: name and password, or why the link cannot
/// be used.
#[component]
fn CompleteForm(token: String) -> impl IntoView {
    let i18n = use_i18n();
    let hidden = token.clone();
    let link = Resource::new(move || token.clone(), sign_up_link);
    let complete = ServerAction::<CompleteSignUp>::new();
    let error = move || {
        complete
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| error_text(i18n.get_locale(), &error))
    };
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let token = hidden.clone();
                Suspend::new(async move {
                match link.await {
                    Ok(SignUpFor { email, account, min_chars, needs_approval }) => view! {
                        <p data-testid="join-for">
                            {move || t_string!(i18n, join.join_as, email = email.clone(), account = account.clone())}
                        </p>
                        {needs_approval.then(|| view! { <p class="hint">{move || t_string!(i18n, join.needs_approval)}</p> })}
                        <ActionForm action=complete attr:class="stack">
                            <input type="hidden" name="token" value=token />
                            <NewPersonFields min_chars />
                            {move || error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                            <button class="button primary" type="submit" disabled=move || complete.pending().get()>
                                {move || t_string!(i18n, join.submit)}
                            </button>
                        </ActionForm>
                    }.into_any(),
                    Err(error) => view! {
                        <p class="form-error" role="alert" data-testid="join-link-refused">{move || error_text(i18n.get_locale(), &error)}</p>
                        <p><a class="button" href="/request-access">{move || t_string!(i18n, join.ask_again)}</a></p>
                    }.into_any(),
                }
            })}}
        </Suspense>
    }
}
