//! The Default User Permissions section: the product access every new user starts with,
//! one switch each.

use super::{SaveRow, SettingsSection, Switches};
use crate::domain::ProductAccess;
use crate::i18n::{Locale, t_string, td_string, use_i18n};
use crate::settings::default_access::DefaultAccess;
use crate::settings::{SaveDefaultAccess, Versioned};
use leptos::prelude::*;

fn saved_text(locale: Locale) -> &'static str {
    td_string!(locale, settings.saved_default_access)
}

/// The section over the settings `saved`, read-only without `settings.manage`.
#[component]
pub(super) fn DefaultAccessSection(
    saved: Versioned<DefaultAccess>,
    can_manage: bool,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(saved.version);
    let access = saved.settings.access;
    let app_creation = RwSignal::new(access.app_creation);
    let data_tables = RwSignal::new(access.data_tables);
    let builder = RwSignal::new(access.builder);
    let save = ServerAction::<SaveDefaultAccess>::new();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            version.set(saved.version);
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        save.dispatch(SaveDefaultAccess {
            settings: DefaultAccess {
                access: ProductAccess {
                    builder: builder.get_untracked(),
                    app_creation: app_creation.get_untracked(),
                    data_tables: data_tables.get_untracked(),
                },
            },
            version: version.get_untracked(),
        });
    };
    let label = |text: fn(Locale) -> &'static str| Signal::derive(move || text(i18n.get_locale()));
    let switches = vec![
        (
            "default-app-creation",
            label(|locale| td_string!(locale, settings.create_apps)),
            app_creation,
        ),
        (
            "default-data-tables",
            label(|locale| td_string!(locale, settings.manage_data_tables)),
            data_tables,
        ),
        (
            "default-builder",
            label(|locale| td_string!(locale, settings.access_builder)),
            builder,
        ),
    ];
    view! {
        <SettingsSection
            id="default-permissions"
            title=Signal::derive(move || t_string!(i18n, settings.default_permissions))
            about=Signal::derive(move || t_string!(i18n, settings.default_permissions_about))
        >
            <form class="settings-form" on:submit=submit>
                <Switches
                    legend=Signal::derive(move || t_string!(i18n, settings.default_permissions))
                    switches
                    disabled=!can_manage
                />
                <SaveRow
                    answer=save.value()
                    pending=save.pending()
                    blocked=!can_manage
                    saved=saved_text
                    test_id="default-permissions-outcome"
                    reload
                />
            </form>
        </SettingsSection>
    }
}
