//! The Profile tab: the status with what it means, the admin role, product access and
//! the names, saved in one request. Names are checked as they are typed by the parser
//! the server uses; a save over someone else's newer change offers to reload.

use super::Actions;
use super::groups::UserGroups;
use crate::console::Switch;
use crate::domain::{PersonName, ProductAccess, UserStatus};
use crate::error::{AppError, Clash};
use crate::i18n::{t_string, td_string, use_i18n};
use crate::lang::errors::error_text;
use crate::lang::format::{LocalTime, use_local_time};
use crate::settings::profile_fields::inputs::{FieldInput, FieldInputs};
use crate::users::profile::{LockReason, ProfileEdit, SaveProfile, UserDetails, name_problem};
use crate::users::ui::outcome::ActionOutcome;
use leptos::prelude::*;

/// What the status's information icon says, in the admin's language.
fn status_info(locale: crate::i18n::Locale, clock: LocalTime, user: &UserDetails) -> String {
    let at = |seconds: i64| clock.date_time(locale, seconds);
    match user.status {
        UserStatus::Active | UserStatus::Suspended => match user.last_login_at {
            Some(seconds) => td_string!(locale, details.active_since, at = at(seconds)),
            None => td_string!(locale, details.never_signed_in).to_owned(),
        },
        UserStatus::NotActive => match user.invited_at {
            Some(seconds) => td_string!(locale, details.invited_at, at = at(seconds)),
            None => td_string!(locale, details.not_invited).to_owned(),
        },
        UserStatus::Locked => match (user.locked_at, user.lock_reason) {
            (Some(seconds), Some(reason)) => {
                let reason = match reason {
                    LockReason::FailedSignIns => td_string!(locale, details.lock_failed_sign_ins),
                    LockReason::Other => td_string!(locale, details.lock_other),
                };
                td_string!(locale, details.locked_at, at = at(seconds), reason = reason)
            }
            _ => td_string!(locale, details.locked_unknown).to_owned(),
        },
    }
}

/// One name box with the error its parser finds, shown once the box was changed.
#[component]
fn NameField(
    id: &'static str,
    label: Signal<&'static str>,
    value: RwSignal<String>,
    disabled: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let touched = RwSignal::new(false);
    let error = move || {
        let problem = PersonName::parse(&value.read()).err().map(name_problem)?;
        touched
            .get()
            .then(|| error_text(i18n.get_locale(), &AppError::invalid(id, problem)))
    };
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                name=id
                type="text"
                autocomplete="off"
                maxlength="200"
                disabled=disabled
                prop:value=move || value.get()
                aria-invalid=move || error().is_some().then_some("true")
                aria-describedby=error_id.clone()
                on:input=move |event| {
                    touched.set(true);
                    value.set(event_target_value(&event));
                }
            />
            <p class="field-error" id=error_id>{error}</p>
        </div>
    }
}

#[component]
pub(super) fn ProfileTab(
    user: UserDetails,
    can_update: bool,
    can_manage_groups: bool,
    actions: Actions,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let edit = user.edit();
    let first = RwSignal::new(edit.first_name.clone());
    let last = RwSignal::new(edit.last_name.clone());
    let role = RwSignal::new(edit.role_id);
    let access = RwSignal::new(edit.access);
    // Every field the live policy shows; an admin may edit each of them.
    let field_inputs: Vec<FieldInput> = user
        .shown_fields
        .iter()
        .map(|field| {
            let value = edit.fields.get(field).cloned().unwrap_or_default();
            (*field, RwSignal::new(value), can_update)
        })
        .collect();
    let field_values = field_inputs.clone();
    let save = actions.save;
    let pending = save.pending();
    let valid =
        move || PersonName::parse(&first.read()).is_ok() && PersonName::parse(&last.read()).is_ok();
    let user_id = user.id;
    let version = user.version;
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if !valid() {
            return;
        }
        save.dispatch(SaveProfile {
            id: user_id.get(),
            edit: ProfileEdit {
                first_name: first.get(),
                last_name: last.get(),
                role_id: role.get(),
                access: access.get(),
                version,
                email: None,
                fields: field_values
                    .iter()
                    .map(|(field, value, _)| (*field, value.get_untracked()))
                    .collect(),
            },
        });
    };
    let stale = move || {
        matches!(
            save.value().get(),
            Some(Err(AppError::Conflict {
                clash: Clash::StaleVersion
            }))
        )
    };
    let reload_now = move |_| {
        save.value().set(None);
        reload.update(|count| *count += 1);
    };
    let clock = use_local_time();
    let info = {
        let user = user.clone();
        Signal::derive(move || status_info(i18n.get_locale(), clock, &user))
    };
    let status = user.status;
    let toggle = move |pick: fn(&mut ProductAccess) -> &mut bool| {
        Callback::new(move |on: bool| access.update(|access| *pick(access) = on))
    };
    let disabled = !can_update;
    view! {
        <div class="profile-form">
            {disabled.then(|| view! {
                <p class="notice info">{move || t_string!(i18n, details.no_update_permission)}</p>
            })}
            // The groups are kept by requests of their own, with a form of their own: a
            // form may not sit inside another, or the browser's parser drops the inner one
            // and the page no longer hydrates.
            <dl class="facts">
                <dt>{move || t_string!(i18n, users.column_status)}</dt>
                <dd>
                    <span class=format!("status status-{}", status.slug())>
                        {move || crate::lang::status_label(i18n.get_locale(), status)}
                    </span>
                    " "
                    <button
                        type="button"
                        class="info-icon"
                        aria-label=move || t_string!(i18n, details.status_info)
                        aria-describedby="status-info"
                        title=info
                    >
                        "ⓘ"
                    </button>
                    <span class="status-info" id="status-info" role="tooltip" data-testid="status-info">
                        {info}
                    </span>
                </dd>
                <dt>{move || t_string!(i18n, details.groups)}</dt>
                <dd><UserGroups user=user.id can_manage=can_manage_groups /></dd>
            </dl>
            <form on:submit=submit novalidate>
                <fieldset>
                    <legend>{move || t_string!(i18n, details.admin_role)}</legend>
                    <label for="role" class="sr-only">{move || t_string!(i18n, details.admin_role)}</label>
                    <select
                        id="role"
                        name="role"
                        disabled=disabled || user.is_primary_admin
                        on:change=move |event| {
                            if let Ok(id) = event_target_value(&event).parse() {
                                role.set(id);
                            }
                        }
                    >
                        {user
                            .roles
                            .iter()
                            .map(|choice| view! {
                                <option value=choice.id.get() selected=choice.id == user.role_id>
                                    {choice.name.clone()}
                                </option>
                            })
                            .collect_view()}
                    </select>
                </fieldset>

                <fieldset>
                    <legend>{move || t_string!(i18n, details.access)}</legend>
                    <Switch
                        id="builder-access"
                        label=Signal::derive(move || t_string!(i18n, details.builder_access))
                        on=Signal::derive(move || access.get().builder)
                        set=toggle(|access| &mut access.builder)
                        disabled
                    />
                    <Switch
                        id="app-creation-access"
                        label=Signal::derive(move || t_string!(i18n, details.app_creation_access))
                        on=Signal::derive(move || access.get().app_creation)
                        set=toggle(|access| &mut access.app_creation)
                        disabled
                    />
                    <Switch
                        id="data-tables-access"
                        label=Signal::derive(move || t_string!(i18n, details.data_tables_access))
                        on=Signal::derive(move || access.get().data_tables)
                        set=toggle(|access| &mut access.data_tables)
                        disabled
                    />
                </fieldset>

                <fieldset>
                    <legend>{move || t_string!(i18n, details.user_details)}</legend>
                    <NameField
                        id="first_name"
                        label=Signal::derive(move || t_string!(i18n, details.first_name))
                        value=first
                        disabled
                    />
                    <NameField
                        id="last_name"
                        label=Signal::derive(move || t_string!(i18n, details.last_name))
                        value=last
                        disabled
                    />
                    <div class="field">
                        <label for="email">{move || t_string!(i18n, details.email)}</label>
                        <input id="email" type="email" readonly aria-describedby="email-fixed" value=user.email.to_string() />
                        <p class="hint" id="email-fixed">{move || t_string!(i18n, details.email_fixed)}</p>
                    </div>
                    <div class="field-list">
                        <FieldInputs fields=field_inputs id_prefix="profile" />
                    </div>
                </fieldset>

                <div class="form-actions">
                    <button
                        type="submit"
                        class="button primary"
                        disabled=move || disabled || pending.get() || !valid()
                    >
                        {move || if pending.get() {
                            t_string!(i18n, details.saving)
                        } else {
                            t_string!(i18n, details.save)
                        }}
                    </button>
                    <ActionOutcome answer=save.value() test_id="profile-outcome" />
                    {move || stale().then(|| view! {
                        <button type="button" class="button" on:click=reload_now>
                            {move || t_string!(i18n, details.stale_reload)}
                        </button>
                    })}
                </div>
            </form>
        </div>
    }
}
