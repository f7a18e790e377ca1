//! The boxes of a profile's controlled fields, shared by "My account" and the Profile
//! tab: a text box per field (a phone box for numbers), the list of countries for
//! Country, each read-only where its editor may not change it.

use super::{ProfileField, countries};
use crate::i18n::{Locale, t_string, use_i18n};
use crate::lang::field_label;
use leptos::prelude::*;

/// One field's box: the field, its value as typed, and whether it may be changed.
pub type FieldInput = (ProfileField, RwSignal<String>, bool);

/// A country's name in `locale`.
fn country_name(locale: Locale, english: &'static str, japanese: &'static str) -> &'static str {
    match locale {
        Locale::ja => japanese,
        _ => english,
    }
}

/// The boxes of `fields`, their ids starting with `id_prefix`.
#[component]
pub fn FieldInputs(fields: Vec<FieldInput>, id_prefix: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    fields
        .into_iter()
        .map(|(field, value, editable)| {
            let id = format!("{id_prefix}-{}", field.key());
            let label = move || field_label(i18n.get_locale(), field.key());
            let input = if field.is_country() {
                let options = move || {
                    let locale = i18n.get_locale();
                    countries()
                        .map(|(code, english, japanese)| {
                            view! {
                                <option value=code selected=move || value.get() == code>
                                    {country_name(locale, english, japanese)}
                                </option>
                            }
                        })
                        .collect_view()
                };
                view! {
                    <select id=id.clone() disabled=!editable
                        on:change=move |event| value.set(event_target_value(&event))>
                        <option value="" selected=move || value.get().is_empty()>"—"</option>
                        {options}
                    </select>
                }
                .into_any()
            } else {
                let kind = match field {
                    ProfileField::MobilePhone | ProfileField::WorkPhone => "tel",
                    _ => "text",
                };
                view! {
                    <input id=id.clone() type=kind maxlength="200" readonly=!editable
                        prop:value=move || value.get()
                        on:input=move |event| value.set(event_target_value(&event)) />
                }
                .into_any()
            };
            view! {
                <label for=id>{label}</label>
                {input}
                {(!editable).then(|| view! { <p class="hint">{move || t_string!(i18n, me.not_editable)}</p> })}
            }
        })
        .collect_view()
}
