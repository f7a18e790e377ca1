//! The sign-in page and the password reset pages ("Forgot your password?" and the page
//! a reset link opens), each loaded as its own piece of the wasm. All three are forms
//! that work before the page is hydrated.

mod code;
mod confirm_password;

pub use code::SignInCodeRoute;
pub use confirm_password::ConfirmPasswordDialog;

use super::Login;
use super::reset::{RequestPasswordReset, ResetFor, ResetPassword, reset_link};
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
    let reset_notice = move || {
        let query = query.read();
        match (
            query.get("reset").as_deref(),
            query.get("invited").as_deref(),
            query.get("joined").as_deref(),
        ) {
            (Some("sent"), _, _) => Some(t_string!(i18n, reset.link_sent)),
            (Some("done"), _, _) => Some(t_string!(i18n, reset.done)),
            (_, Some("done"), _) => Some(t_string!(i18n, invite.accepted)),
            (_, _, Some("done")) => Some(t_string!(i18n, join.joined)),
            _ => None,
        }
    };
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
                {move || reset_notice().map(|text| view! {
                    <p class="notice info" role="status" data-testid="reset-notice">{text}</p>
                })}
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
                <p class="hint"><a href="/forgot-password">{move || t_string!(i18n, reset.forgot_title)}</a></p>
                <p class="hint"><a href="/request-access">{move || t_string!(i18n, join.link)}</a></p>
                <p class="hint">{move || t_string!(i18n, signin.idle_hint)}</p>
            </div>
            <PageReady />
        </main>
    }
}

/// The frame of the pages before sign-in: the brand, the language switch, a title.
#[component]
pub(crate) fn SignedOutCard(title: Signal<String>, children: Children) -> impl IntoView {
    let i18n = use_i18n();
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
                <h1>{move || title.get()}</h1>
                {children()}
                <p class="hint"><a href="/login">{move || t_string!(i18n, reset.back_to_sign_in)}</a></p>
            </div>
            <PageReady />
        </main>
    }
}

/// The fields of a person who joins (from an invitation or a request): their name, and
/// a new password twice, with the shortest the server takes.
#[component]
pub(crate) fn NewPersonFields(min_chars: u32) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for="first_name">{move || t_string!(i18n, details.first_name)}</label>
        <input id="first_name" type="text" name="first_name" autocomplete="given-name"
            required autofocus maxlength="100" />
        <label for="last_name">{move || t_string!(i18n, details.last_name)}</label>
        <input id="last_name" type="text" name="last_name" autocomplete="family-name"
            required maxlength="100" />
        <label for="password">{move || t_string!(i18n, invite.password)}</label>
        <input id="password" type="password" name="password" autocomplete="new-password"
            required maxlength="256" aria-describedby="password-rules" />
        <p class="hint" id="password-rules">{move || t_string!(i18n, reset.rules, min = min_chars)}</p>
        <label for="confirm">{move || t_string!(i18n, reset.confirm_password)}</label>
        <input id="confirm" type="password" name="confirm" autocomplete="new-password"
            required maxlength="256" />
    }
}

/// `/forgot-password`, split from the rest of the console's code.
pub struct ForgotPasswordRoute;

#[lazy_route]
impl LazyRoute for ForgotPasswordRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <ForgotPasswordPage /> }.into_any()
    }
}

/// "Forgot your password?": an address, and a link sent to it if it has an account.
#[component]
fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let request = ServerAction::<RequestPasswordReset>::new();
    let error = move || {
        request
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| error_text(i18n.get_locale(), &error))
    };
    let title = Signal::derive(move || t_string!(i18n, reset.forgot_title).to_owned());
    view! {
        <SignedOutCard title>
            <p>{move || t_string!(i18n, reset.forgot_intro)}</p>
            <ActionForm action=request attr:class="stack">
                <label for="email">{move || t_string!(i18n, signin.email)}</label>
                <input id="email" type="email" name="email" autocomplete="username" required autofocus maxlength="254" />
                {move || error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <button class="button primary" type="submit" disabled=move || request.pending().get()>
                    {move || t_string!(i18n, reset.send_link)}
                </button>
            </ActionForm>
        </SignedOutCard>
    }
}

/// `/reset-password?token=…`, split from the rest of the console's code.
pub struct ResetPasswordRoute;

#[lazy_route]
impl LazyRoute for ResetPasswordRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <ResetPasswordPage /> }.into_any()
    }
}

/// The page a reset link opens: the new password twice, or why the link cannot be used.
#[component]
fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let holder = Resource::new(token, reset_link);
    let reset = ServerAction::<ResetPassword>::new();
    let error = move || {
        reset
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| error_text(i18n.get_locale(), &error))
    };
    let title = Signal::derive(move || t_string!(i18n, reset.title).to_owned());
    view! {
        <SignedOutCard title>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match holder.await {
                        Ok(ResetFor { email, min_chars }) => view! {
                            <p data-testid="reset-for">{move || t_string!(i18n, reset.for_user, email = email.clone())}</p>
                            <ActionForm action=reset attr:class="stack">
                                <input type="hidden" name="token" value=token />
                                <label for="password">{move || t_string!(i18n, reset.new_password)}</label>
                                <input id="password" type="password" name="password" autocomplete="new-password"
                                    required autofocus maxlength="256" aria-describedby="password-rules" />
                                <p class="hint" id="password-rules">{move || t_string!(i18n, reset.rules, min = min_chars)}</p>
                                <label for="confirm">{move || t_string!(i18n, reset.confirm_password)}</label>
                                <input id="confirm" type="password" name="confirm" autocomplete="new-password"
                                    required maxlength="256" />
                                {move || error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                                <button class="button primary" type="submit" disabled=move || reset.pending().get()>
                                    {move || t_string!(i18n, reset.submit)}
                                </button>
                            </ActionForm>
                        }.into_any(),
                        Err(error) => view! {
                            <p class="form-error" role="alert" data-testid="reset-gone">{move || error_text(i18n.get_locale(), &error)}</p>
                            <p><a class="button" href="/forgot-password">{move || t_string!(i18n, reset.ask_again)}</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </SignedOutCard>
    }
}
