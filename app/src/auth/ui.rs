//! The sign-in page, loaded as its own piece of the wasm.

use super::Login;
use crate::console::{LanguageSwitch, PageReady};
use crate::i18n::{t_string, use_i18n};
use crate::lang::errors::error_text;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/login`, split from the rest of the console's code.
pub struct LoginRoute;

#[lazy_route]
impl LazyRoute for LoginRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <LoginPage /> }.into_any()
    }
}

/// The sign-in form. It posts to `/api/login` before hydration too.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = move || {
        login
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| error_text(i18n.get_locale(), &error))
    };
    view! {
        <main class="signin">
            <div class="signin-card">
                <div class="signin-top">
                    <div class="brand brand-large">
                        <span class="brand-mark" aria-hidden="true">"R"</span>
                        <span>{move || t_string!(i18n, brand)}</span>
                    </div>
                    <LanguageSwitch />
                </div>
                <h1>{move || t_string!(i18n, signin.title)}</h1>
                <ActionForm action=login attr:class="stack">
                    <label for="email">{move || t_string!(i18n, signin.email)}</label>
                    <input
                        id="email"
                        type="email"
                        name="email"
                        autocomplete="username"
                        required
                        autofocus
                        maxlength="254"
                    />
                    <label for="password">{move || t_string!(i18n, signin.password)}</label>
                    <input
                        id="password"
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                        maxlength="1024"
                    />
                    <input type="hidden" name="next" value=next />
                    {move || error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                    <button class="button primary" type="submit" disabled=move || login.pending().get()>
                        {move || if login.pending().get() {
                            t_string!(i18n, signin.pending)
                        } else {
                            t_string!(i18n, signin.submit)
                        }}
                    </button>
                </ActionForm>
                <p class="hint">{move || t_string!(i18n, signin.idle_hint)}</p>
            </div>
            <PageReady />
        </main>
    }
}
