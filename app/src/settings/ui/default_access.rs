//! The Default User Permissions section: the product access every new user starts with,
//! one switch each.

use super::{SwitchTexts, switch_section};
use crate::domain::ProductAccess;
use crate::i18n::{Locale, td_string, use_i18n};
use crate::settings::default_access::DefaultAccess;
use crate::settings::{SaveDefaultAccess, Versioned};
use leptos::prelude::*;

/// The section over the settings `saved`, read-only without `settings.manage`.
#[component]
pub(super) fn DefaultAccessSection(
    saved: Versioned<DefaultAccess>,
    can_manage: bool,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let access = saved.settings.access;
    let app_creation = RwSignal::new(access.app_creation);
    let data_tables = RwSignal::new(access.data_tables);
    let builder = RwSignal::new(access.builder);
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
    let texts = SwitchTexts {
        id: "default-permissions",
        title: |locale| td_string!(locale, settings.default_permissions),
        about: |locale| td_string!(locale, settings.default_permissions_about),
        saved: |locale| td_string!(locale, settings.saved_default_access),
        test_id: "default-permissions-outcome",
    };
    switch_section(
        texts,
        switches,
        saved.version,
        can_manage,
        reload,
        move |version| SaveDefaultAccess {
            settings: DefaultAccess {
                access: ProductAccess {
                    builder: builder.get_untracked(),
                    app_creation: app_creation.get_untracked(),
                    data_tables: data_tables.get_untracked(),
                },
            },
            version,
        },
    )
}
