//! The Single sign-on section: the identity provider (issuer, client id and secret,
//! allowed e-mail domains), the redirect URI to register there, a test sign-in through
//! it, and the switch that turns SSO on once a test succeeded with the provider as
//! saved. The provider cannot change while SSO is on; both saving and switching ask for
//! the password again when the sign-in is not recent.

use super::SettingsSection;
use crate::auth::ui::ConfirmPasswordDialog;
use crate::error::AppError;
use crate::i18n::{Locale, t_string, td_string, use_i18n};
use crate::lang::errors::error_text;
use crate::sso::provider::ProviderEdit;
use crate::sso::{SaveSsoProvider, SsoSettings, SwitchSso, TEST_PATH, get_sso_settings};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// What the settings page says about the last test sign-in, from its address: whether
/// it went well, and the words.
fn test_outcome(locale: Locale, outcome: &str) -> Option<(bool, &'static str)> {
    match outcome {
        "ok" => Some((true, td_string!(locale, sso.test_ok))),
        "stale" => Some((false, td_string!(locale, sso.test_stale))),
        "failed" => Some((false, td_string!(locale, sso.test_failed))),
        _ => None,
    }
}

/// One box of the provider's form, with its label and, below it, a hint.
#[component]
fn ProviderField(
    id: &'static str,
    label: Signal<&'static str>,
    kind: &'static str,
    max: u32,
    value: RwSignal<String>,
    disabled: bool,
    #[prop(optional)] required: bool,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<Signal<&'static str>>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type=kind maxlength=max disabled=disabled required=required
                placeholder=placeholder autocomplete=autocomplete
                aria-describedby=hint.is_some().then(|| hint_id.clone())
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event)) />
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
        </div>
    }
}

/// The section, loading the account's SSO on its own; read-only without
/// `settings.manage`.
#[component]
pub(super) fn SingleSignOnSection(can_manage: bool) -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0_u32);
    let sso = Resource::new(move || reload.get(), |_| get_sso_settings());
    view! {
        <SettingsSection
            id="sso"
            title=Signal::derive(move || t_string!(i18n, sso.title))
            about=Signal::derive(move || t_string!(i18n, sso.about))
        >
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match sso.await {
                        Ok(settings) => view! { <SsoForm settings can_manage reload /> }.into_any(),
                        Err(error) => view! {
                            <p class="notice error" role="alert">{move || error_text(i18n.get_locale(), &error)}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </SettingsSection>
    }
}

#[component]
fn SsoForm(settings: SsoSettings, can_manage: bool, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let saved = settings.provider.clone();
    let version = saved.as_ref().map_or(0, |provider| provider.version);
    let enabled = settings.enabled;
    let tested = saved.as_ref().and_then(|provider| provider.tested.clone());
    let issuer = RwSignal::new(saved.as_ref().map(|p| p.issuer.clone()).unwrap_or_default());
    let client_id = RwSignal::new(
        saved
            .as_ref()
            .map(|p| p.client_id.clone())
            .unwrap_or_default(),
    );
    let secret = RwSignal::new(String::new());
    let domains = RwSignal::new(
        saved
            .as_ref()
            .map(|p| p.allowed_domains.join(" "))
            .unwrap_or_default(),
    );
    let has_secret = saved.is_some();
    let save = ServerAction::<SaveSsoProvider>::new();
    let switch = ServerAction::<SwitchSso>::new();
    let asking_password = RwSignal::new(false);
    // What to send again once the password is confirmed.
    let retry = StoredValue::new(None::<bool>);
    let edit = move || ProviderEdit {
        issuer: issuer.get_untracked(),
        client_id: client_id.get_untracked(),
        client_secret: Some(secret.get_untracked()).filter(|secret| !secret.is_empty()),
        allowed_domains: domains.get_untracked(),
    };
    let send_save = move || {
        retry.set_value(None);
        save.dispatch(SaveSsoProvider {
            provider: edit(),
            version,
        });
    };
    let send_switch = move |on: bool| {
        retry.set_value(Some(on));
        switch.dispatch(SwitchSso {
            enabled: on,
            version,
        });
    };
    let needs_password = |answer: &Option<Result<SsoSettings, AppError>>| matches!(answer, Some(Err(error)) if error.asks_recent_sign_in());
    Effect::new(move |_| {
        let (saved, switched) = (save.value().get(), switch.value().get());
        if needs_password(&saved) || needs_password(&switched) {
            asking_password.set(true);
        } else if matches!(saved, Some(Ok(_))) || matches!(switched, Some(Ok(_))) {
            reload.update(|count| *count += 1);
        }
    });
    let problem = move || {
        [save.value().get(), switch.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
            .filter(|error| !error.asks_recent_sign_in())
            .map(|error| error_text(i18n.get_locale(), &error))
    };
    let locked = !can_manage || enabled || !settings.can_keep_secrets;
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        send_save();
    };
    let outcome = move || {
        query
            .read()
            .get("sso_test")
            .and_then(|outcome| test_outcome(i18n.get_locale(), &outcome))
    };
    view! {
        <p class="notice info" role="status" data-testid="sso-state">
            {move || if enabled { t_string!(i18n, sso.is_on) } else { t_string!(i18n, sso.is_off) }}
        </p>
        {(!settings.can_keep_secrets).then(|| view! {
            <p class="notice error" role="alert">{move || t_string!(i18n, errors.no_secret_key)}</p>
        })}
        {move || outcome().map(|(ok, text)| view! {
            <p class=if ok { "notice success" } else { "notice error" } role="status" data-testid="sso-test-outcome">
                {text}
            </p>
        })}
        <form class="settings-form" on:submit=submit>
            <ProviderField id="sso-issuer" kind="url" max=2048 value=issuer disabled=locked required=true
                label=Signal::derive(move || t_string!(i18n, sso.issuer))
                placeholder="https://login.example.com" />
            <ProviderField id="sso-client-id" kind="text" max=255 value=client_id disabled=locked required=true
                label=Signal::derive(move || t_string!(i18n, sso.client_id))
                autocomplete="off" />
            <ProviderField id="sso-client-secret" kind="password" max=1024 value=secret disabled=locked
                required=!has_secret
                label=Signal::derive(move || t_string!(i18n, sso.client_secret))
                autocomplete="new-password"
                hint=Signal::derive(move || if has_secret {
                    t_string!(i18n, sso.secret_kept)
                } else {
                    t_string!(i18n, sso.secret_sealed)
                }) />
            <ProviderField id="sso-domains" kind="text" max=5000 value=domains disabled=locked
                label=Signal::derive(move || t_string!(i18n, sso.allowed_domains))
                placeholder="example.com example.co.jp"
                hint=Signal::derive(move || t_string!(i18n, sso.allowed_domains_hint)) />
            <div class="field">
                <label for="sso-redirect">{move || t_string!(i18n, sso.redirect_uri)}</label>
                <input id="sso-redirect" type="text" readonly value=settings.redirect_uri.clone()
                    aria-describedby="sso-redirect-hint" />
                <p class="hint" id="sso-redirect-hint">{move || t_string!(i18n, sso.redirect_uri_hint)}</p>
            </div>
            {enabled.then(|| view! { <p class="hint">{move || t_string!(i18n, errors.sso_on)}</p> })}
            <div class="form-actions">
                <button type="submit" class="button primary" data-testid="sso-save"
                    disabled=move || locked || save.pending().get()>
                    {move || t_string!(i18n, settings.save)}
                </button>
            </div>
        </form>
        {saved.is_some().then(|| view! {
            <div class="form-actions sso-switch">
                <p data-testid="sso-tested">
                    {match tested.clone() {
                        Some(test) => view! {
                            {move || t_string!(i18n, sso.tested_as, email = test.email.clone())}
                        }.into_any(),
                        None => view! { {move || t_string!(i18n, sso.not_tested)} }.into_any(),
                    }}
                </p>
                {(can_manage && !enabled).then(|| view! {
                    <a class="button" href=TEST_PATH rel="external" data-testid="sso-test">
                        {move || t_string!(i18n, sso.test)}
                    </a>
                })}
                <button type="button" class="button primary" data-testid="sso-switch"
                    disabled=move || !can_manage || (!enabled && tested.is_none()) || switch.pending().get()
                    on:click=move |_| send_switch(!enabled)>
                    {move || if enabled { t_string!(i18n, sso.turn_off) } else { t_string!(i18n, sso.turn_on) }}
                </button>
            </div>
        })}
        {move || problem().map(|text| view! {
            <p class="notice error" role="alert" data-testid="sso-problem">{text}</p>
        })}
        {move || asking_password.get().then(|| view! {
            <ConfirmPasswordDialog
                open=asking_password
                reason=Signal::derive(move || t_string!(i18n, reauth.text).to_owned())
                confirmed=move |()| match retry.get_value() {
                    Some(on) => send_switch(on),
                    None => send_save(),
                }
            />
        })}
    }
}
