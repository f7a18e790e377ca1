//! The More menu: the status changes the state machine allows from the user's status,
//! Reset Password (an e-mailed link; not while the account has SSO on), Reset second
//! factor (for a user with an authenticator app), Transfer
//! Ownership and Make Primary Admin (the Primary Admin's alone; the handover asks the
//! password again unless they signed in within five minutes), Resend and Revoke
//! invitation for a Not Active
//! user, and Delete User, which follows Delete Selected's rule and offers the transfer
//! when the user owns apps.

use super::reset::{ConfirmReset, ResetOutcome};
use super::{Abilities, Actions};
use crate::apps::{AppRole, TransferOwnership, list_user_apps};
use crate::auth::reset::SendPasswordReset;
use crate::auth::ui::ConfirmPasswordDialog;
use crate::authenticator::ResetSecondFactor;
use crate::console::ErrorNotice;
use crate::console::areas::Area;
use crate::console::focus_when_shown;
use crate::domain::{AppId, UserId, UserStatus};
use crate::enrollment::{ResendInvitations, RevokeInvitation};
use crate::i18n::{t_string, use_i18n};
use crate::users::deletion::KeptReason;
use crate::users::primary_admin::HandOverPrimaryAdmin;
use crate::users::profile::UserDetails;
use crate::users::query::GridParams;
use crate::users::status_change::StatusAction;
use crate::users::ui::delete::ConfirmDelete;
use crate::users::ui::status::action_label;
use crate::users::{ChangeStatus, list_users};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub(super) fn MoreMenu(user: UserDetails, abilities: Abilities, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let confirming = RwSignal::new(None::<Vec<UserId>>);
    let transferring = RwSignal::new(false);
    let resetting = RwSignal::new(false);
    let reset = ServerAction::<SendPasswordReset>::new();
    let resetting_factor = RwSignal::new(false);
    let reset_factor = ServerAction::<ResetSecondFactor>::new();
    let handing_over = RwSignal::new(false);
    let hand_over = ServerAction::<HandOverPrimaryAdmin>::new();
    let asking_password = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Err(error)) = hand_over.value().get()
            && error.asks_recent_sign_in()
        {
            asking_password.set(true);
        }
    });
    let may_hand_over = abilities.primary_admin
        && !user.is_primary_admin
        && user.is_admin
        && user.status == UserStatus::Active;
    let first_item = NodeRef::<leptos::html::Button>::new();
    let toggle_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if open.get()
            && let Some(item) = first_item.get()
        {
            let _ = item.focus();
        }
    });
    let close = move || {
        open.set(false);
        if let Some(button) = toggle_button.get_untracked() {
            let _ = button.focus();
        }
    };
    let id = user.id;
    // A deleted user's page names nobody: back to the grid.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(report)) = actions.delete.value().get()
            && report.deleted.contains(&id)
        {
            navigate(Area::Users.path(), Default::default());
        }
    });
    let owns_apps = move || {
        matches!(
            actions.delete.value().get(),
            Some(Ok(report)) if report.kept.iter().any(|kept| matches!(kept.reason, KeptReason::OwnsApps { .. }))
        )
    };
    let status_items = StatusAction::ALL
        .into_iter()
        .filter(|action| action.applies_to(user.status))
        .enumerate()
        .map(|(index, action)| {
            let node = if index == 0 {
                first_item
            } else {
                NodeRef::new()
            };
            view! {
                <button
                    type="button"
                    role="menuitem"
                    node_ref=node
                    data-action=action.key()
                    disabled=!abilities.update
                    on:click=move |_| {
                        open.set(false);
                        actions.status.dispatch(ChangeStatus { ids: vec![id.get()], action });
                    }
                >
                    {move || action_label(i18n.get_locale(), action)}
                </button>
            }
        })
        .collect_view();
    let name = user.full_name();
    let email = StoredValue::new(user.email.to_string());
    let sso = user.sso_enabled;
    // Waiting on an invitation: Not Active with its date (a revoked one has none).
    let invited = user.status == UserStatus::NotActive && user.invited_at.is_some();
    view! {
        <div
            class="menu"
            on:keydown=move |event: leptos::ev::KeyboardEvent| {
                if event.key() == "Escape" && open.get_untracked() {
                    close();
                }
            }
        >
            <button
                type="button"
                class="button"
                node_ref=toggle_button
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                aria-controls="more-menu"
                aria-label=move || t_string!(i18n, details.more_label, name = name.as_str())
                on:click=move |_| open.update(|open| *open = !*open)
            >
                {move || t_string!(i18n, details.more)}
                <span aria-hidden="true">" ▾"</span>
            </button>
            <div class="menu-items" id="more-menu" role="menu" hidden=move || !open.get()>
                {status_items}
                <button
                    type="button"
                    role="menuitem"
                    data-action="reset-password"
                    disabled=!abilities.update || sso
                    title=move || sso.then(|| t_string!(i18n, errors.sso_manages_passwords))
                    on:click=move |_| {
                        open.set(false);
                        resetting.set(true);
                    }
                >
                    {move || t_string!(i18n, details.reset_password)}
                </button>
                {user.has_authenticator.then(|| view! {
                    <button
                        type="button"
                        role="menuitem"
                        data-action="reset-second-factor"
                        disabled=!abilities.update
                        on:click=move |_| {
                            open.set(false);
                            resetting_factor.set(true);
                        }
                    >
                        {move || t_string!(i18n, details.reset_second_factor)}
                    </button>
                })}
                {(user.status == UserStatus::NotActive).then(|| view! {
                    <button
                        type="button"
                        role="menuitem"
                        data-action="resend-invitation"
                        disabled=!abilities.invite
                        on:click=move |_| {
                            open.set(false);
                            actions.resend.dispatch(ResendInvitations { ids: vec![id.get()] });
                        }
                    >
                        {move || t_string!(i18n, invite.resend)}
                    </button>
                })}
                {invited.then(|| view! {
                    <button
                        type="button"
                        role="menuitem"
                        data-action="revoke-invitation"
                        disabled=!abilities.invite
                        on:click=move |_| {
                            open.set(false);
                            actions.revoke.dispatch(RevokeInvitation { user: id.get() });
                        }
                    >
                        {move || t_string!(i18n, invite.revoke)}
                    </button>
                })}
                {may_hand_over.then(|| view! {
                    <button
                        type="button"
                        role="menuitem"
                        data-action="hand-over"
                        on:click=move |_| {
                            open.set(false);
                            handing_over.set(true);
                        }
                    >
                        {move || t_string!(i18n, details.hand_over)}
                    </button>
                })}
                {abilities.primary_admin.then(|| view! {
                    <button
                        type="button"
                        role="menuitem"
                        data-action="transfer"
                        on:click=move |_| {
                            open.set(false);
                            transferring.set(true);
                        }
                    >
                        {move || t_string!(i18n, details.transfer)}
                    </button>
                })}
                <button
                    type="button"
                    role="menuitem"
                    class="danger"
                    data-action="delete"
                    disabled=!abilities.delete
                    on:click=move |_| {
                        open.set(false);
                        confirming.set(Some(vec![id]));
                    }
                >
                    {move || t_string!(i18n, details.delete_user)}
                </button>
            </div>
            {move || (owns_apps() && abilities.primary_admin).then(|| view! {
                <button type="button" class="button" on:click=move |_| transferring.set(true)>
                    {move || t_string!(i18n, details.offer_transfer)}
                </button>
            })}
        </div>
        <ResetOutcome
            answer=reset.value()
            done=move |email: String| t_string!(i18n, details.reset_password_sent, email = email)
            test_id="reset-outcome"
        />
        <ResetOutcome
            answer=reset_factor.value()
            done=move |email: String| t_string!(i18n, details.second_factor_reset_done, email = email)
            test_id="second-factor-outcome"
        />
        <ResetOutcome
            answer=Signal::derive(move || {
                hand_over
                    .value()
                    .get()
                    .filter(|answer| !matches!(answer, Err(error) if error.asks_recent_sign_in()))
            })
            done=move |email: String| t_string!(i18n, details.handed_over, email = email)
            test_id="hand-over-outcome"
        />
        <Show when=move || handing_over.get()>
            <ConfirmReset
                id="hand-over"
                title=Signal::derive(move || t_string!(i18n, details.hand_over).to_owned())
                text=Signal::derive(move || t_string!(i18n, details.hand_over_confirm, email = email.get_value()))
                confirm_label=Signal::derive(move || t_string!(i18n, details.hand_over_do).to_owned())
                open=handing_over
                confirmed=move |()| {
                    hand_over.dispatch(HandOverPrimaryAdmin { user: id.get() });
                }
            />
        </Show>
        {move || asking_password.get().then(|| view! {
            <ConfirmPasswordDialog
                open=asking_password
                reason=Signal::derive(move || t_string!(i18n, details.hand_over_reauth).to_owned())
                confirmed=move |()| {
                    hand_over.dispatch(HandOverPrimaryAdmin { user: id.get() });
                }
            />
        })}
        <ConfirmDelete confirming action=actions.delete />
        <Show when=move || resetting.get()>
            <ConfirmReset
                id="reset"
                title=Signal::derive(move || t_string!(i18n, details.reset_password).to_owned())
                text=Signal::derive(move || t_string!(i18n, details.reset_password_confirm, email = email.get_value()))
                confirm_label=Signal::derive(move || t_string!(i18n, details.reset_password_send).to_owned())
                open=resetting
                confirmed=move |()| {
                    reset.dispatch(SendPasswordReset { user: id.get() });
                }
            />
        </Show>
        <Show when=move || resetting_factor.get()>
            <ConfirmReset
                id="reset-factor"
                title=Signal::derive(move || t_string!(i18n, details.reset_second_factor).to_owned())
                text=Signal::derive(move || t_string!(i18n, details.reset_second_factor_confirm, email = email.get_value()))
                confirm_label=Signal::derive(move || t_string!(i18n, details.reset_second_factor_do).to_owned())
                open=resetting_factor
                confirmed=move |()| {
                    reset_factor.dispatch(ResetSecondFactor { user: id.get() });
                }
            />
        </Show>
        <Show when=move || transferring.get()>
            <TransferDialog user=id open=transferring actions />
        </Show>
    }
}

/// Choose one of the user's apps and its new owner among the account's active users.
#[component]
fn TransferDialog(user: UserId, open: RwSignal<bool>, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let owned = Resource::new(
        move || actions.apps_version(),
        move |_| list_user_apps(user.get()),
    );
    let search = RwSignal::new(String::new());
    let candidates = Resource::new(
        move || search.get(),
        |q| {
            list_users(GridParams {
                q: Some(q),
                status: Some("active".into()),
                ..GridParams::default()
            })
        },
    );
    let app_box = NodeRef::<leptos::html::Select>::new();
    let owner_box = NodeRef::<leptos::html::Select>::new();
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    focus_when_shown(cancel_button);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        // The drop-downs hold the choice: whatever the admin sees chosen is what is sent,
        // and nothing when a search left no list to choose from.
        let chosen = |select: NodeRef<leptos::html::Select>| {
            select
                .get()
                .filter(|select| select.is_connected())
                .and_then(|select| select.value().parse::<i64>().ok())
        };
        let app = chosen(app_box).and_then(AppId::parse);
        let new_owner = chosen(owner_box).and_then(UserId::parse);
        if let (Some(app), Some(new_owner)) = (app, new_owner) {
            actions.transfer.dispatch(TransferOwnership {
                app: app.get(),
                new_owner: new_owner.get(),
            });
            open.set(false);
        }
    };
    view! {
        <div
            class="modal-backdrop"
            on:keydown=move |event: leptos::ev::KeyboardEvent| {
                if event.key() == "Escape" {
                    open.set(false);
                }
            }
        >
            <form class="modal" role="dialog" aria-modal="true" aria-labelledby="transfer-title" aria-describedby="transfer-text" on:submit=submit>
                <h2 id="transfer-title">{move || t_string!(i18n, details.transfer_title)}</h2>
                <p id="transfer-text">{move || t_string!(i18n, details.transfer_text)}</p>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let apps = match owned.await {
                            Ok(apps) => apps,
                            Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                        };
                        let apps: Vec<_> = apps
                            .into_iter()
                            .filter(|owned| owned.role == AppRole::Owner)
                            .collect();
                        if apps.is_empty() {
                            return view! { <p class="hint">{move || t_string!(i18n, details.no_owned_apps)}</p> }.into_any();
                        }
                        view! {
                            <div class="field">
                                <label for="transfer-app">{move || t_string!(i18n, details.transfer_app)}</label>
                                <select id="transfer-app" node_ref=app_box>
                                    {apps
                                        .into_iter()
                                        .map(|owned| view! {
                                            <option value=owned.app_id.get()>
                                                {owned.name.clone()}
                                            </option>
                                        })
                                        .collect_view()}
                                </select>
                            </div>
                        }
                        .into_any()
                    })}
                </Transition>
                <div class="field">
                    <label for="find-owner">{move || t_string!(i18n, details.find_owner)}</label>
                    <input
                        id="find-owner"
                        type="search"
                        autocomplete="off"
                        maxlength="100"
                        on:input=move |event| search.set(event_target_value(&event))
                    />
                </div>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let people = match candidates.await {
                            Ok(page) => page.rows,
                            Err(error) => return view! { <ErrorNotice error /> }.into_any(),
                        };
                        let people: Vec<_> = people
                            .into_iter()
                            .filter(|row| row.id != user)
                            .collect();
                        if people.is_empty() {
                            return view! { <p class="hint">{move || t_string!(i18n, details.no_owner_found)}</p> }.into_any();
                        }
                        view! {
                            <div class="field">
                                <label for="transfer-owner">{move || t_string!(i18n, details.choose_owner)}</label>
                                <select id="transfer-owner" node_ref=owner_box>
                                    {people
                                        .into_iter()
                                        .map(|row| {
                                            let label = format!("{} <{}>", row.full_name(), row.email);
                                            view! {
                                                <option value=row.id.get()>{label}</option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </div>
                        }
                        .into_any()
                    })}
                </Transition>
                <div class="modal-actions">
                    <button type="button" class="button" node_ref=cancel_button on:click=move |_| open.set(false)>
                        {move || t_string!(i18n, details.cancel)}
                    </button>
                    <button
                        type="submit"
                        class="button primary"
                    >
                        {move || t_string!(i18n, details.transfer_confirm)}
                    </button>
                </div>
            </form>
        </div>
    }
}
