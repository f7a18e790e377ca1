//! The User Settings page: one section per part of the account's settings, each its
//! own form, saved on its own over the version the page read. Loaded as its own piece
//! of the wasm.

mod default_access;
mod profile_fields;
mod self_sign_up;
mod sign_in_security;
mod single_sign_on;
mod welcome_emails;

use super::{Versioned, get_user_settings};
use crate::console::areas::Area;
use crate::console::{AdminContext, ErrorNotice, PageReady, Switch};
use crate::domain::Permission;
use crate::error::{AppError, Clash};
use crate::i18n::{Locale, t_string, use_i18n};
use crate::lang::errors::error_text;
use default_access::DefaultAccessSection;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::{LazyRoute, lazy_route};
use profile_fields::ProfileFieldsSection;
use self_sign_up::SelfSignUpSection;
use sign_in_security::SignInSecuritySection;
use single_sign_on::SingleSignOnSection;
use welcome_emails::WelcomeEmailsSection;

/// `/user-settings`, split from the rest of the console's code.
pub struct UserSettingsRoute;

#[lazy_route]
impl LazyRoute for UserSettingsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <UserSettingsPage /> }.into_any()
    }
}

/// User Management > User Settings.
#[component]
fn UserSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0_u32);
    let settings = Resource::new(move || reload.get(), |_| get_user_settings());
    view! {
        <section class="page" aria-labelledby="user-settings-title">
            <header class="page-header">
                <div>
                    <h1 id="user-settings-title">{move || Area::UserSettings.title(i18n.get_locale())}</h1>
                    <p class="subtitle">{move || Area::UserSettings.about(i18n.get_locale())}</p>
                </div>
            </header>
            <Transition fallback=move || view! { <p class="loading">{move || t_string!(i18n, settings.loading)}</p> }>
                {move || Suspend::new(async move {
                    let can_manage = AdminContext::can(Permission::SettingsManage).await;
                    match settings.await {
                        Ok(settings) => view! {
                            {(!can_manage).then(|| view! {
                                <p class="notice info">{move || t_string!(i18n, settings.no_manage_permission)}</p>
                            })}
                            <SelfSignUpSection
                                saved=settings.self_sign_up
                                domains=settings.domains
                                can_manage
                                reload
                            />
                            <SignInSecuritySection saved=settings.sign_in_security can_manage reload />
                            <SingleSignOnSection can_manage />
                            <WelcomeEmailsSection saved=settings.welcome_emails can_manage reload />
                            <DefaultAccessSection saved=settings.default_access can_manage reload />
                            <ProfileFieldsSection
                                saved=settings.profile_fields
                                readers=settings.profile_readers
                                can_manage
                                reload
                            />
                            <PageReady />
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// A section: its heading, what it is for, and its form.
#[component]
fn SettingsSection(
    id: &'static str,
    title: Signal<&'static str>,
    about: Signal<&'static str>,
    children: Children,
) -> impl IntoView {
    let heading = format!("{id}-title");
    view! {
        <section class="settings-section" aria-labelledby=format!("{id}-title")>
            <h2 id=heading>{title}</h2>
            <p class="subtitle">{about}</p>
            {children()}
        </section>
    }
}

/// A section's Save button, what its last save answered, and Reload when another
/// admin saved the section meanwhile.
#[component]
fn SaveRow<T: Clone + Send + Sync + 'static>(
    #[prop(into)] answer: Signal<Option<Result<T, AppError>>>,
    #[prop(into)] pending: Signal<bool>,
    /// True while the form may not be sent (no permission, or a box's value is wrong).
    #[prop(into)]
    blocked: Signal<bool>,
    saved: fn(Locale) -> &'static str,
    test_id: &'static str,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let stale = move || {
        matches!(
            answer.get(),
            Some(Err(AppError::Conflict {
                clash: Clash::SettingsChanged
            }))
        )
    };
    let outcome = move || {
        answer.get().map(|answer| match answer {
            Ok(_) => view! {
                <div class="notice success" role="status" data-testid=test_id>
                    {move || saved(i18n.get_locale())}
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
    };
    view! {
        <div class="form-actions">
            <button type="submit" class="button primary" disabled=move || blocked.get() || pending.get()>
                {move || if pending.get() {
                    t_string!(i18n, settings.saving)
                } else {
                    t_string!(i18n, settings.save)
                }}
            </button>
            {outcome}
            {move || stale().then(|| view! {
                <button type="button" class="button" on:click=move |_| reload.update(|count| *count += 1)>
                    {move || t_string!(i18n, settings.reload)}
                </button>
            })}
        </div>
    }
}

/// What a section of switches says: its id, heading, purpose, and the line a save
/// shows (with the test id of that line).
struct SwitchTexts {
    id: &'static str,
    title: fn(Locale) -> &'static str,
    about: fn(Locale) -> &'static str,
    saved: fn(Locale) -> &'static str,
    test_id: &'static str,
}

/// A section of switches saved as one over its version `version`: `request` makes the
/// save of the switches' values over a version.
fn switch_section<A, S>(
    texts: SwitchTexts,
    switches: Vec<SwitchOf>,
    version: i64,
    can_manage: bool,
    reload: RwSignal<u32>,
    request: impl Fn(i64) -> A + Send + Sync + 'static,
) -> impl IntoView
where
    A: ServerFn<Output = Versioned<S>, Error = AppError> + Send + Sync + Clone + 'static,
    S: Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let version = RwSignal::new(version);
    let save = ServerAction::<A>::new();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            version.set(saved.version);
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        save.dispatch(request(version.get_untracked()));
    };
    let SwitchTexts {
        id,
        title,
        about,
        saved,
        test_id,
    } = texts;
    let title = Signal::derive(move || title(i18n.get_locale()));
    view! {
        <SettingsSection id title about=Signal::derive(move || about(i18n.get_locale()))>
            <form class="settings-form" on:submit=submit>
                <Switches legend=title switches disabled=!can_manage />
                <SaveRow
                    answer=save.value()
                    pending=save.pending()
                    blocked=!can_manage
                    saved
                    test_id
                    reload
                />
            </form>
        </SettingsSection>
    }
}

/// One switch of a section: its id, its label, and its value.
type SwitchOf = (&'static str, Signal<&'static str>, RwSignal<bool>);

/// The switches of a section, in a fieldset named `legend`.
#[component]
fn Switches(
    legend: Signal<&'static str>,
    switches: Vec<SwitchOf>,
    disabled: bool,
) -> impl IntoView {
    view! {
        <fieldset>
            <legend class="sr-only">{legend}</legend>
            {switches
                .into_iter()
                .map(|(id, label, value)| view! {
                    <Switch
                        id
                        label
                        on=value.into()
                        set=Callback::new(move |on| value.set(on))
                        disabled
                    />
                })
                .collect_view()}
        </fieldset>
    }
}
