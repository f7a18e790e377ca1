//! The Email Notifications section: which ways of adding a user send them a welcome
//! e-mail, one switch each.

use super::{SwitchTexts, switch_section};
use crate::i18n::{Locale, td_string, use_i18n};
use crate::settings::welcome_emails::WelcomeEmails;
use crate::settings::{SaveWelcomeEmails, Versioned};
use leptos::prelude::*;

/// The section over the settings `saved`, read-only without `settings.manage`.
#[component]
pub(super) fn WelcomeEmailsSection(
    saved: Versioned<WelcomeEmails>,
    can_manage: bool,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let invited = RwSignal::new(saved.settings.when_invited);
    let synced = RwSignal::new(saved.settings.when_synced);
    let by_api = RwSignal::new(saved.settings.when_added_by_api);
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
    let texts = SwitchTexts {
        id: "email-notifications",
        title: |locale| td_string!(locale, settings.email_notifications),
        about: |locale| td_string!(locale, settings.email_notifications_about),
        saved: |locale| td_string!(locale, settings.saved_welcome_emails),
        test_id: "email-notifications-outcome",
    };
    switch_section(
        texts,
        switches,
        saved.version,
        can_manage,
        reload,
        move |version| SaveWelcomeEmails {
            settings: WelcomeEmails {
                when_invited: invited.get_untracked(),
                when_synced: synced.get_untracked(),
                when_added_by_api: by_api.get_untracked(),
            },
            version,
        },
    )
}
