//! The Email Notifications section: which ways of adding a user send them a welcome
//! e-mail, one switch each.

use super::{SaveRow, SettingsSection, Switches};
use crate::i18n::{Locale, t_string, td_string, use_i18n};
use crate::settings::welcome_emails::WelcomeEmails;
use crate::settings::{SaveWelcomeEmails, Versioned};
use leptos::prelude::*;

fn saved_text(locale: Locale) -> &'static str {
    td_string!(locale, settings.saved_welcome_emails)
}

/// The section over the settings `saved`, read-only without `settings.manage`.
#[component]
pub(super) fn WelcomeEmailsSection(
    saved: Versioned<WelcomeEmails>,
    can_manage: bool,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(saved.version);
    let invited = RwSignal::new(saved.settings.when_invited);
    let synced = RwSignal::new(saved.settings.when_synced);
    let by_api = RwSignal::new(saved.settings.when_added_by_api);
    let save = ServerAction::<SaveWelcomeEmails>::new();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            version.set(saved.version);
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        save.dispatch(SaveWelcomeEmails {
            settings: WelcomeEmails {
                when_invited: invited.get_untracked(),
                when_synced: synced.get_untracked(),
                when_added_by_api: by_api.get_untracked(),
            },
            version: version.get_untracked(),
        });
    };
    let label = |text: fn(Locale) -> &'static str| Signal::derive(move || text(i18n.get_locale()));
    let switches = vec![
        (
            "welcome-when-invited",
            label(|locale| td_string!(locale, settings.when_invited)),
            invited,
        ),
        (
            "welcome-when-synced",
            label(|locale| td_string!(locale, settings.when_synced)),
            synced,
        ),
        (
            "welcome-when-added-by-api",
            label(|locale| td_string!(locale, settings.when_added_by_api)),
            by_api,
        ),
    ];
    view! {
        <SettingsSection
            id="email-notifications"
            title=Signal::derive(move || t_string!(i18n, settings.email_notifications))
            about=Signal::derive(move || t_string!(i18n, settings.email_notifications_about))
        >
            <form class="settings-form" on:submit=submit>
                <Switches
                    legend=Signal::derive(move || t_string!(i18n, settings.email_notifications))
                    switches
                    disabled=!can_manage
                />
                <SaveRow
                    answer=save.value()
                    pending=save.pending()
                    blocked=!can_manage
                    saved=saved_text
                    test_id="email-notifications-outcome"
                    reload
                />
            </form>
        </SettingsSection>
    }
}
