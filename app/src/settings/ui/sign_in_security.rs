//! The Sign-in security section: who must give an e-mailed code after their password,
//! how long sessions last, how many failed sign-ins within how many minutes lock a
//! user, and whether the lock lifts by itself. Each box is checked as it is typed by the
//! rules the server applies; a save over another admin's newer one offers to reload.

use super::{SaveRow, SettingsSection};
use crate::auth::ui::ConfirmPasswordDialog;
use crate::error::{AppError, Denied};
use crate::i18n::{Locale, t_string, td_string, use_i18n};
use crate::lang::errors::error_text;
use crate::settings::sign_in_security::{
    IDLE_TIMEOUT_MINUTES, LOCK_AFTER, LOCK_WINDOW_MINUTES, SESSION_LIFETIME_HOURS, SignInSecurity,
    TwoFactor, UNLOCK_AFTER_MINUTES, parse_within,
};
use crate::settings::{SaveSignInSecurity, Versioned};
use leptos::prelude::*;
use std::ops::RangeInclusive;

fn saved_text(locale: Locale) -> &'static str {
    td_string!(locale, settings.saved)
}

fn two_factor_text(locale: Locale, policy: TwoFactor) -> &'static str {
    match policy {
        TwoFactor::Off => td_string!(locale, settings.two_factor_off),
        TwoFactor::Admins => td_string!(locale, settings.two_factor_admins),
        TwoFactor::Everyone => td_string!(locale, settings.two_factor_everyone),
    }
}

/// One number box with its limits and the problem its text has, if any.
#[component]
fn NumberField(
    id: &'static str,
    field: &'static str,
    label: Signal<&'static str>,
    range: RangeInclusive<u32>,
    text: RwSignal<String>,
    #[prop(into)] disabled: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (min, max) = (*range.start(), *range.end());
    let error = Memo::new(move |_| {
        if disabled.get() {
            return None;
        }
        parse_within(field, &text.read(), &range)
            .err()
            .map(|error| error_text(i18n.get_locale(), &error))
    });
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                name=field
                type="number"
                inputmode="numeric"
                min=min
                max=max
                step="1"
                required
                disabled=disabled
                prop:value=move || text.get()
                aria-invalid=move || error.read().is_some().then_some("true")
                aria-describedby=error_id.clone()
                on:input=move |event| text.set(event_target_value(&event))
            />
            <p class="field-error" id=error_id>{move || error.get()}</p>
        </div>
    }
}

/// The section over the settings `saved`, read-only without `settings.manage`.
#[component]
pub(super) fn SignInSecuritySection(
    saved: Versioned<SignInSecurity>,
    can_manage: bool,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let policy = saved.settings;
    let version = RwSignal::new(saved.version);
    let two_factor = RwSignal::new(policy.two_factor);
    let idle = RwSignal::new(policy.idle_timeout_minutes.to_string());
    let lifetime = RwSignal::new(policy.session_lifetime_hours.to_string());
    let lock_after = RwSignal::new(policy.lock_after.to_string());
    let window = RwSignal::new(policy.lock_window_minutes.to_string());
    let unlocks_by_itself = RwSignal::new(policy.unlock_after_minutes.is_some());
    let unlock_after = RwSignal::new(
        policy
            .unlock_after_minutes
            .or(SignInSecurity::default().unlock_after_minutes)
            .unwrap_or_default()
            .to_string(),
    );
    let typed = move || -> Result<SignInSecurity, AppError> {
        Ok(SignInSecurity {
            two_factor: two_factor.get(),
            idle_timeout_minutes: parse_within(
                "idle_timeout_minutes",
                &idle.read(),
                &IDLE_TIMEOUT_MINUTES,
            )?,
            session_lifetime_hours: parse_within(
                "session_lifetime_hours",
                &lifetime.read(),
                &SESSION_LIFETIME_HOURS,
            )?,
            lock_after: parse_within("lock_after", &lock_after.read(), &LOCK_AFTER)?,
            lock_window_minutes: parse_within(
                "lock_window_minutes",
                &window.read(),
                &LOCK_WINDOW_MINUTES,
            )?,
            unlock_after_minutes: if unlocks_by_itself.get() {
                Some(parse_within(
                    "unlock_after_minutes",
                    &unlock_after.read(),
                    &UNLOCK_AFTER_MINUTES,
                )?)
            } else {
                None
            },
        })
    };
    let save = ServerAction::<SaveSignInSecurity>::new();
    // A change of the two-factor policy may first need the password again.
    let asking_password = RwSignal::new(false);
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => version.set(saved.version),
        Some(Err(AppError::Forbidden {
            denied: Denied::RecentSignInNeeded,
        })) => asking_password.set(true),
        _ => {}
    });
    let pending = save.pending();
    let send = move || {
        if let Ok(settings) = typed() {
            save.dispatch(SaveSignInSecurity {
                settings,
                version: version.get_untracked(),
            });
        }
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        send();
    };
    let disabled = !can_manage;
    view! {
        <SettingsSection
            id="sign-in-security"
            title=Signal::derive(move || t_string!(i18n, settings.sign_in_security))
            about=Signal::derive(move || t_string!(i18n, settings.sign_in_security_about))
        >
        <form class="settings-form" on:submit=submit novalidate>
            <fieldset>
                <legend>{move || t_string!(i18n, settings.two_factor)}</legend>
                <p class="hint">{move || t_string!(i18n, settings.two_factor_about)}</p>
                {TwoFactor::ALL
                    .into_iter()
                    .map(|policy| view! {
                        <label class="choice">
                            <input
                                type="radio"
                                name="two_factor"
                                value=policy.key()
                                disabled=disabled
                                prop:checked=move || two_factor.get() == policy
                                on:change=move |_| two_factor.set(policy)
                            />
                            <span>{move || two_factor_text(i18n.get_locale(), policy)}</span>
                        </label>
                    })
                    .collect_view()}
            </fieldset>
            <fieldset>
                <legend>{move || t_string!(i18n, settings.sessions)}</legend>
                <NumberField
                    id="idle-timeout"
                    field="idle_timeout_minutes"
                    label=Signal::derive(move || t_string!(i18n, settings.idle_timeout))
                    range=IDLE_TIMEOUT_MINUTES
                    text=idle
                    disabled=disabled
                />
                <NumberField
                    id="session-lifetime"
                    field="session_lifetime_hours"
                    label=Signal::derive(move || t_string!(i18n, settings.session_lifetime))
                    range=SESSION_LIFETIME_HOURS
                    text=lifetime
                    disabled=disabled
                />
            </fieldset>
            <fieldset>
                <legend>{move || t_string!(i18n, settings.when_to_lock)}</legend>
                <NumberField
                    id="lock-after"
                    field="lock_after"
                    label=Signal::derive(move || t_string!(i18n, settings.lock_after))
                    range=LOCK_AFTER
                    text=lock_after
                    disabled=disabled
                />
                <NumberField
                    id="lock-window"
                    field="lock_window_minutes"
                    label=Signal::derive(move || t_string!(i18n, settings.lock_window))
                    range=LOCK_WINDOW_MINUTES
                    text=window
                    disabled=disabled
                />
            </fieldset>
            <fieldset>
                <legend>{move || t_string!(i18n, settings.when_to_unlock)}</legend>
                <label class="choice">
                    <input
                        type="radio"
                        name="unlock"
                        value="after"
                        disabled=disabled
                        prop:checked=move || unlocks_by_itself.get()
                        on:change=move |_| unlocks_by_itself.set(true)
                    />
                    <span>{move || t_string!(i18n, settings.unlock_by_itself)}</span>
                </label>
                <div class="indented">
                    <NumberField
                        id="unlock-after"
                        field="unlock_after_minutes"
                        label=Signal::derive(move || t_string!(i18n, settings.unlock_after))
                        range=UNLOCK_AFTER_MINUTES
                        text=unlock_after
                        disabled=Signal::derive(move || disabled || !unlocks_by_itself.get())
                    />
                </div>
                <label class="choice">
                    <input
                        type="radio"
                        name="unlock"
                        value="admin"
                        disabled=disabled
                        prop:checked=move || !unlocks_by_itself.get()
                        on:change=move |_| unlocks_by_itself.set(false)
                    />
                    <span>{move || t_string!(i18n, settings.unlock_by_admin)}</span>
                </label>
            </fieldset>
            <p class="hint">{move || t_string!(i18n, settings.applies_at_once)}</p>
            <SaveRow
                answer=save.value()
                pending
                blocked=Signal::derive(move || disabled || typed().is_err())
                saved=saved_text
                test_id="sign-in-security-outcome"
                reload
            />
        </form>
        {move || asking_password.get().then(|| view! {
            <ConfirmPasswordDialog
                open=asking_password
                reason=Signal::derive(move || t_string!(i18n, reauth.text).to_owned())
                confirmed=move |()| send()
            />
        })}
        </SettingsSection>
    }
}
