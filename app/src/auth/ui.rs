//! The sign-in page and the password reset pages ("Forgot your password?" and the page
//! a reset link opens), each loaded as its own piece of the wasm. All three are forms
//! that work before the page is hydrated.

mod choose;
mod code;
mod confirm_password;

pub use choose::{CHOOSE_ACCOUNT_PATH, ChooseAccountRoute};
pub use code::SignInCodeRoute;
pub use confirm_password::ConfirmPasswordDialog;

use super::Login;
use super::reset::{RequestPasswordReset, ResetFor, ResetPassword, reset_link};
use crate::console::{LanguageSwitch, PageReady};
use crate::i18n::{Locale, t_string, td_string, use_i18n};
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
        view! { <LoginPage admin=false /> }.into_any()
    }
}

/// `/login/admin`, the admins' sign-in with their password, also while the account
/// signs in through SSO (the seeds' bypass).
pub struct AdminLoginRoute;

#[lazy_route]
impl LazyRoute for AdminLoginRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <LoginPage admin=true /> }.into_any()
    }
}

/// What the sign-in page says after a sign-in through SSO came to nothing.
fn sso_notice(locale: Locale, why: &str) -> Option<&'static str> {
    Some(match why {
        "unknown" => td_string!(locale, sso.no_sso_for_address),
        "failed" => td_string!(locale, sso.sign_in_failed),
        "refused" => td_string!(locale, sso.sign_in_refused),
        "waiting" => td_string!(locale, sso.request_waiting),
        _ => return None,
    })
}

/// The sign-in form, and the way in through the account's SSO. Both work before
/// hydration: the password form posts to `/api/login`, the SSO form to the start.
/// With `admin`, it is the admins' page: their password only, no SSO form.
#[component]
pub fn LoginPage(admin: bool) -> impl IntoView {
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
    let sso_problem = move || {
        let why = query.read().get("sso")?;
        sso_notice(i18n.get_locale(), &why)
    };
    let title = move || {
        if admin {
            t_string!(i18n, sso.admin_sign_in_title)
        } else {
            t_string!(i18n, signin.title)
        }
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
                <h1>{title}</h1>
                {admin.then(|| view! { <p class="hint">{move || t_string!(i18n, sso.admin_sign_in_about)}</p> })}
                {move || reset_notice().map(|text| view! {
                    <p class="notice info" role="status" data-testid="reset-notice">{text}</p>
                })}
                {move || sso_problem().map(|text| view! {
                    <p class="notice error" role="alert" data-testid="sso-notice">{text}</p>
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
                    {admin.then(|| view! { <input type="hidden" name="admin" value="true" /> })}
                    {move || error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                    <button class="button primary" type="submit" disabled=move || login.pending().get()>
                        {move || if login.pending().get() {
                            t_string!(i18n, signin.pending)
                        } else {
                            t_string!(i18n, signin.submit)
                        }}
                    </button>
                </ActionForm>
                {(!admin).then(|| view! {
                    <form class="stack sso-form" method="post" action=crate::sso::START_PATH>
                        <h2 class="divider">{move || t_string!(i18n, sso.or_sign_in_with)}</h2>
                        <label for="sso-email">{move || t_string!(i18n, sso.work_email)}</label>
                        <input id="sso-email" type="email" name="email" autocomplete="username" required maxlength="254" />
                        <input type="hidden" name="next" value=next />
                        <button class="button" type="submit">{move || t_string!(i18n, sso.continue_with_sso)}</button>
                    </form>
                })}
                <p class="hint"><a href="/forgot-password">{move || t_string!(i18n, reset.forgot_title)}</a></p>
                {(!admin).then(|| view! {
                    <p class="hint"><a href="/request-access">{move || t_string!(i18n, join.link)}</a></p>
                })}
                {admin.then(|| view! {
                    <p class="hint"><a href="/login">{move || t_string!(i18n, reset.back_to_sign_in)}</a></p>
                })}
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
