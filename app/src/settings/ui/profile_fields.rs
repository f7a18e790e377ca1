//! The Profile fields section: for each field, whether profiles show it and whether
//! users may edit it themselves (the default fields are always shown); which version is
//! live, and who still signed in under an older one.

use super::{SaveRow, SettingsSection};
use crate::i18n::{t_string, td_string, use_i18n};
use crate::lang::field_label;
use crate::settings::profile_fields::{FieldRule, ProfileField, ProfilePolicy};
use crate::settings::{PolicyReaders, SaveProfileFields, Versioned};
use leptos::prelude::*;

/// The section over the policy `saved`, read-only without `settings.manage`.
#[component]
pub(super) fn ProfileFieldsSection(
    saved: Versioned<ProfilePolicy>,
    readers: PolicyReaders,
    can_manage: bool,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(saved.version);
    let rules: Vec<(ProfileField, RwSignal<bool>, RwSignal<bool>)> = ProfileField::ALL
        .into_iter()
        .map(|field| {
            let rule = saved.settings.rule(field);
            (
                field,
                RwSignal::new(rule.enabled),
                RwSignal::new(rule.editable),
            )
        })
        .collect();
    let save = ServerAction::<SaveProfileFields>::new();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            version.set(saved.version);
        }
    });
    let policy_rules = rules.clone();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let policy = policy_rules.iter().fold(
            ProfilePolicy::default(),
            |policy, (field, shown, editable)| {
                let rule = FieldRule {
                    enabled: shown.get_untracked(),
                    editable: editable.get_untracked(),
                };
                policy.with(*field, rule)
            },
        );
        save.dispatch(SaveProfileFields {
            settings: policy,
            version: version.get_untracked(),
        });
    };
    let rows = rules
        .into_iter()
        .map(|(field, shown, editable)| view! { <FieldRow field shown editable can_manage /> })
        .collect_view();
    let title = Signal::derive(move || td_string!(i18n.get_locale(), settings.profile_fields));
    let about =
        Signal::derive(move || td_string!(i18n.get_locale(), settings.profile_fields_about));
    view! {
        <SettingsSection id="profile-fields" title about>
            <p data-testid="profile-fields-version">
                {move || t_string!(i18n, settings.live_version, version = version.get())}
            </p>
            <Readers readers />
            <form class="settings-form" on:submit=submit>
                <div class="table-wrap">
                    <table class="grid">
                        <caption class="sr-only">{title}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{move || t_string!(i18n, settings.column_field)}</th>
                                <th scope="col">{move || t_string!(i18n, settings.column_shown)}</th>
                                <th scope="col">{move || t_string!(i18n, settings.column_allow_edits)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <SaveRow
                    answer=save.value()
                    pending=save.pending()
                    blocked=!can_manage
                    saved=|locale| td_string!(locale, settings.saved_profile_fields)
                    test_id="profile-fields-outcome"
                    reload
                />
            </form>
        </SettingsSection>
    }
}

/// One field's row: its name, Shown (fixed for the default fields) and Allow Edits (only
/// for a shown field).
#[component]
fn FieldRow(
    field: ProfileField,
    shown: RwSignal<bool>,
    editable: RwSignal<bool>,
    can_manage: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = move || field_label(i18n.get_locale(), field.key());
    let fixed = field.is_default();
    view! {
        <tr data-field=field.key()>
            <th scope="row">
                {name}
                {fixed.then(|| view! { <span class="muted">" · "{move || t_string!(i18n, settings.always_shown)}</span> })}
            </th>
            <td>
                <input type="checkbox" disabled=fixed || !can_manage
                    aria-label=move || t_string!(i18n, settings.show_field, field = name())
                    prop:checked=move || shown.get()
                    on:change=move |event| {
                        let on = event_target_checked(&event);
                        shown.set(on);
                        if !on {
                            editable.set(false);
                        }
                    } />
            </td>
            <td>
                <input type="checkbox" disabled=move || !can_manage || !shown.get()
                    aria-label=move || t_string!(i18n, settings.edit_field, field = name())
                    prop:checked=move || editable.get()
                    on:change=move |event| editable.set(event_target_checked(&event)) />
            </td>
        </tr>
    }
}

/// Who still signed in under an older version, by name; none once everyone has signed
/// in again.
#[component]
fn Readers(readers: PolicyReaders) -> impl IntoView {
    let i18n = use_i18n();
    if readers.behind.is_empty() {
        return view! { <p class="hint" data-testid="profile-readers">{move || t_string!(i18n, settings.readers_none)}</p> }
            .into_any();
    }
    let more = readers.more;
    let names = readers
        .behind
        .into_iter()
        .map(|reader| {
            let (name, version) = (reader.name, reader.version);
            view! {
                <li>
                    <a href=crate::users::ui::details::details_href(reader.id, "profile")>
                        {move || t_string!(i18n, settings.reader, name = name.clone(), version = version)}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="hint" data-testid="profile-readers">
            <p>{move || t_string!(i18n, settings.readers_behind)}</p>
            <ul>{names}</ul>
            {more.then(|| view! { <p>{move || t_string!(i18n, settings.readers_more)}</p> })}
        </div>
    }
    .into_any()
}
