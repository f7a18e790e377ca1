//! The "My account" page: a member's whole view of Roster. An ended session goes to the
//! sign-in page, here as in the console. Loaded as its own piece of the wasm.

use super::{EndMySession, MyAccount, SaveMyProfile, load_my_account};
use crate::auth::Logout;
use crate::authenticator::ui::AuthenticatorSection;
use crate::console::{ErrorNotice, IdleWarning, LanguageSwitch, PageReady};
use crate::domain::SessionId;
use crate::i18n::{t_string, use_i18n};
use crate::lang::errors::error_text;
use crate::lang::format::use_local_time;
use crate::lang::{app_role_label, status_label};
use crate::pictures::MY_PICTURE_API;
use crate::pictures::ui::{Avatar, PictureControl};
use crate::settings::profile_fields::inputs::FieldInputs;
use crate::settings::profile_fields::{FieldValues, ProfileField, ProfilePolicy};
use crate::users::ui::details::{browser_and_os, device_label};
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// `/me`, split from the rest of the code.
pub struct MyAccountRoute;

#[lazy_route]
impl LazyRoute for MyAccountRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <MyAccountPage /> }.into_any()
    }
}

#[component]
pub fn MyAccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let end = ServerAction::<EndMySession>::new();
    let logout = ServerAction::<Logout>::new();
    let account = Resource::new(move || end.version().get(), |_| load_my_account());
    // This session ended here, or one ended elsewhere: the next page is the sign-in.
    let ending_yours = RwSignal::new(false);
    Effect::new(move |_| {
        let signed_out = match end.value().get() {
            Some(Ok(_)) => ending_yours.get_untracked(),
            Some(Err(crate::error::AppError::Unauthenticated)) => true,
            _ => false,
        };
        if signed_out {
            let _ = window().location().set_href("/login");
        }
    });
    view! {
        <div class="own-account">
            <header class="topbar">
                <a class="brand brand-large" href="/me">
                    <span class="brand-mark" aria-hidden="true">"R"</span>
                    <span>{move || t_string!(i18n, brand)}</span>
                </a>
                <div class="topbar-end">
                    <LanguageSwitch />
                    <ActionForm action=logout>
                        <button class="button subtle" type="submit">{move || t_string!(i18n, console.sign_out)}</button>
                    </ActionForm>
                </div>
            </header>
            <main class="content" id="content">
                <Transition fallback=move || view! { <p class="loading">{move || t_string!(i18n, me.loading)}</p> }>
                    {move || Suspend::new(async move {
                        match account.await {
                            Ok(mine) => view! {
                                <AccountView mine end ending_yours />
                                <IdleWarning />
                                <PageReady />
                            }
                            .into_any(),
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                        }
                    })}
                </Transition>
            </main>
        </div>
    }
}

#[component]
fn AccountView(
    mine: MyAccount,
    end: ServerAction<EndMySession>,
    ending_yours: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let MyAccount {
        id,
        picture_at,
        first_name,
        last_name,
        email,
        status,
        role_name,
        is_admin,
        sessions,
        apps,
        policy,
        policy_version: _,
        fields,
    } = mine;
    let picture = RwSignal::new(picture_at);
    let may_change_picture = policy.user_may_edit(ProfileField::Picture);
    let failure = move || match end.value().get() {
        Some(Err(error)) => Some(error_text(i18n.get_locale(), &error)),
        _ => None,
    };
    let pending = end.pending();
    let clock = use_local_time();
    let session_rows = sessions
        .into_iter()
        .map(|session| {
            let id: SessionId = session.id;
            let yours = session.is_yours;
            let details = browser_and_os(&session);
            view! {
                <tr>
                    <td>
                        {move || device_label(i18n.get_locale(), session.device)}
                        <span class="muted">" "{details}</span>
                        {yours.then(|| view! { <span class="badge">{move || t_string!(i18n, me.this_session)}</span> })}
                    </td>
                    <td>{session.ip.clone().unwrap_or_else(|| "—".to_owned())}</td>
                    <td class="muted">{move || clock.date_time(i18n.get_locale(), session.last_seen_at)}</td>
                    <td class="col-actions">
                        <button
                            type="button"
                            class="button small"
                            aria-label=move || t_string!(i18n, me.sign_out_session_number, id = id.get())
                            disabled=move || pending.get()
                            on:click=move |_| {
                                ending_yours.set(yours);
                                end.dispatch(EndMySession { session: id.get() });
                            }
                        >
                            {move || t_string!(i18n, me.sign_out_session)}
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let no_apps = apps.is_empty();
    let app_rows = apps
        .into_iter()
        .map(|app| {
            view! {
                <tr>
                    <td>{app.name}</td>
                    <td>{move || app_role_label(i18n.get_locale(), app.role)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="page" aria-labelledby="me-title">
            <header class="page-header">
                <div class="header-who">
                    <Avatar user=id picture_at=picture name=format!("{first_name} {last_name}") large=true />
                    <div>
                        <h1 id="me-title">{format!("{first_name} {last_name}")}</h1>
                        <p class="subtitle">{move || t_string!(i18n, me.title)}</p>
                    </div>
                </div>
                {is_admin.then(|| view! { <a class="button" href="/dashboard">{move || t_string!(i18n, me.to_console)}</a> })}
            </header>
            {move || failure().map(|text| view! { <div class="notice error" role="alert">{text}</div> })}
            <h2>{move || t_string!(i18n, me.profile)}</h2>
            <PictureControl api=MY_PICTURE_API.to_owned() picture_at=picture allowed=may_change_picture />
            <OwnProfileForm first_name=first_name.clone() last_name=last_name.clone() policy fields />
            <dl class="facts">
                <dt>{move || t_string!(i18n, details.email)}</dt>
                <dd data-testid="my-email">{email.to_string()}</dd>
                <dt>{move || t_string!(i18n, users.column_status)}</dt>
                <dd>{move || status_label(i18n.get_locale(), status)}</dd>
                <dt>{move || t_string!(i18n, users.column_role)}</dt>
                <dd>{role_name}</dd>
            </dl>
            <h2>{move || t_string!(i18n, me.sessions)}</h2>
            <p class="muted" data-testid="sessions-privacy-note">
                {move || t_string!(i18n, me.sessions_privacy_note)}
            </p>
            <div class="table-wrap">
                <table class="grid" data-testid="my-sessions">
                    <thead>
                        <tr>
                            <th scope="col">{move || t_string!(i18n, details.column_device)}</th>
                            <th scope="col">{move || t_string!(i18n, details.column_ip)}</th>
                            <th scope="col">{move || t_string!(i18n, details.column_last_activity)}</th>
                            <th scope="col" class="col-actions">
                                <span class="sr-only">{move || t_string!(i18n, users.column_actions)}</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>{session_rows}</tbody>
                </table>
            </div>
            <AuthenticatorSection />
            <h2>{move || t_string!(i18n, me.apps)}</h2>
            {if no_apps {
                view! { <p class="empty">{move || t_string!(i18n, details.no_apps)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="grid">
                            <thead>
                                <tr>
                                    <th scope="col">{move || t_string!(i18n, details.column_app)}</th>
                                    <th scope="col">{move || t_string!(i18n, details.column_app_role)}</th>
                                </tr>
                            </thead>
                            <tbody>{app_rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </section>
    }
}

/// The user's own name and controlled fields, each editable as the policy of this
/// session allows.
#[component]
fn OwnProfileForm(
    first_name: String,
    last_name: String,
    policy: ProfilePolicy,
    fields: FieldValues,
) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveMyProfile>::new();
    let first = RwSignal::new(first_name);
    let last = RwSignal::new(last_name);
    let inputs: Vec<_> = policy
        .shown_controlled()
        .into_iter()
        .map(|field| {
            let value = fields.get(&field).cloned().unwrap_or_default();
            (field, RwSignal::new(value), policy.user_may_edit(field))
        })
        .collect();
    let values = inputs.clone();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        save.dispatch(SaveMyProfile {
            first_name: first.get_untracked(),
            last_name: last.get_untracked(),
            fields: values
                .iter()
                .filter(|(_, _, editable)| *editable)
                .map(|(field, value, _)| (*field, value.get_untracked()))
                .collect(),
        });
    };
    let outcome = move || {
        save.value().get().map(|answer| match answer {
            Ok(()) => view! {
                <div class="notice success" role="status" data-testid="my-profile-outcome">
                    {move || t_string!(i18n, me.profile_saved)}
                </div>
            }
            .into_any(),
            Err(error) => view! {
                <div class="notice error" role="alert" data-testid="my-profile-outcome">
                    {move || error_text(i18n.get_locale(), &error)}
                </div>
            }
            .into_any(),
        })
    };
    let name_box = move |id: &'static str, field: ProfileField, value: RwSignal<String>| {
        let editable = policy.user_may_edit(field);
        view! {
            <label for=id>{move || crate::lang::field_label(i18n.get_locale(), field.key())}</label>
            <input id=id type="text" maxlength="100" required readonly=!editable
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event)) />
            {(!editable).then(|| view! { <p class="hint">{move || t_string!(i18n, me.not_editable)}</p> })}
        }
    };
    view! {
        <form class="stack profile-form" on:submit=submit data-testid="my-profile">
            {name_box("my-first-name", ProfileField::FirstName, first)}
            {name_box("my-last-name", ProfileField::LastName, last)}
            <FieldInputs fields=inputs id_prefix="my" />
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || save.pending().get()>
                    {move || t_string!(i18n, me.save_profile)}
                </button>
                {outcome}
            </div>
        </form>
    }
}
