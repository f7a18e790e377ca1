//! The Audit log page: filters by who acted, which user, what was done and which days;
//! the events newest first; Newer and Older pages. The URL holds the view, and the
//! filters are a plain GET form until the page is hydrated. Loaded as its own piece of
//! the wasm.

use super::query::AuditParams;
use super::{AuditAction, AuditEntry, AuditPage, FieldChange, list_audit_events};
use crate::console::areas::Area;
use crate::console::{ErrorNotice, PageReady};
use crate::i18n::{Locale, t_string, td_string, use_i18n};
use crate::lang::{field_label, field_value, format};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::{LazyRoute, lazy_route};

/// `/audit-log`, split from the rest of the console's code.
pub struct AuditLogRoute;

#[lazy_route]
impl LazyRoute for AuditLogRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <AuditLogPage /> }.into_any()
    }
}

/// The link to the log showing `params`.
fn href(params: &AuditParams) -> String {
    format!("{}{}", Area::AuditLog.path(), params.to_query_string())
}

/// How an action reads in `locale`.
pub(crate) fn action_label(locale: Locale, action: AuditAction) -> &'static str {
    match action {
        AuditAction::UserDeleted => td_string!(locale, audit.action_user_deleted),
        AuditAction::UserStatusChanged => td_string!(locale, audit.action_user_status_changed),
        AuditAction::UserUpdated => td_string!(locale, audit.action_user_updated),
        AuditAction::SessionsEnded => td_string!(locale, audit.action_sessions_ended),
        AuditAction::AppRoleAssigned => td_string!(locale, audit.action_app_role_assigned),
        AuditAction::AppRoleChanged => td_string!(locale, audit.action_app_role_changed),
        AuditAction::AppRoleRemoved => td_string!(locale, audit.action_app_role_removed),
        AuditAction::AppOwnershipTransferred => {
            td_string!(locale, audit.action_app_ownership_transferred)
        }
        AuditAction::GroupCreated => td_string!(locale, audit.action_group_created),
        AuditAction::GroupRenamed => td_string!(locale, audit.action_group_renamed),
        AuditAction::GroupDeleted => td_string!(locale, audit.action_group_deleted),
        AuditAction::GroupMembersChanged => {
            td_string!(locale, audit.action_group_members_changed)
        }
        AuditAction::PasswordResetSent => td_string!(locale, audit.action_password_reset_sent),
        AuditAction::PasswordChanged => td_string!(locale, audit.action_password_changed),
        AuditAction::SignInSecurityChanged => {
            td_string!(locale, audit.action_sign_in_security_changed)
        }
        AuditAction::WelcomeEmailsChanged => {
            td_string!(locale, audit.action_welcome_emails_changed)
        }
        AuditAction::DefaultAccessChanged => {
            td_string!(locale, audit.action_default_access_changed)
        }
        AuditAction::UserInvited => td_string!(locale, audit.action_user_invited),
        AuditAction::InvitationResent => td_string!(locale, audit.action_invitation_resent),
        AuditAction::InvitationRevoked => td_string!(locale, audit.action_invitation_revoked),
        AuditAction::InvitationAccepted => td_string!(locale, audit.action_invitation_accepted),
        AuditAction::UserSignedUp => td_string!(locale, audit.action_user_signed_up),
        AuditAction::AccessApproved => td_string!(locale, audit.action_access_approved),
        AuditAction::AccessRejected => td_string!(locale, audit.action_access_rejected),
        AuditAction::ProfileFieldsChanged => {
            td_string!(locale, audit.action_profile_fields_changed)
        }
        AuditAction::PictureChanged => td_string!(locale, audit.action_picture_changed),
        AuditAction::SsoProviderChanged => {
            td_string!(locale, audit.action_sso_provider_changed)
        }
        AuditAction::SsoTested => td_string!(locale, audit.action_sso_tested),
        AuditAction::SsoSwitched => td_string!(locale, audit.action_sso_switched),
        AuditAction::AuthenticatorAdded => td_string!(locale, audit.action_authenticator_added),
        AuditAction::AuthenticatorRemoved => {
            td_string!(locale, audit.action_authenticator_removed)
        }
        AuditAction::RecoveryCodesRenewed => {
            td_string!(locale, audit.action_recovery_codes_renewed)
        }
        AuditAction::RecoveryCodeUsed => td_string!(locale, audit.action_recovery_code_used),
        AuditAction::SecondFactorReset => td_string!(locale, audit.action_second_factor_reset),
        AuditAction::AccountChosen => td_string!(locale, audit.action_account_chosen),
        AuditAction::PrimaryAdminHandedOver => {
            td_string!(locale, audit.action_primary_admin_handed_over)
        }
        AuditAction::RoleCreated => td_string!(locale, audit.action_role_created),
        AuditAction::RoleUpdated => td_string!(locale, audit.action_role_updated),
        AuditAction::RoleDeleted => td_string!(locale, audit.action_role_deleted),
        AuditAction::SignedIn => td_string!(locale, audit.action_signed_in),
        AuditAction::SignedOut => td_string!(locale, audit.action_signed_out),
        AuditAction::SignUpChanged => td_string!(locale, audit.action_sign_up_changed),
        AuditAction::DomainAdded => td_string!(locale, audit.action_domain_added),
        AuditAction::DomainRemoved => td_string!(locale, audit.action_domain_removed),
    }
}

/// `Status: Active → Suspended; E-mail: ann@example.com → —` in `locale`.
fn describe_changes(locale: Locale, changes: &[FieldChange]) -> String {
    changes
        .iter()
        .map(|change| {
            let value = |value: &Option<String>| match value {
                Some(value) => field_value(locale, &change.field, value),
                None => "—".to_owned(),
            };
            format!(
                "{}: {} → {}",
                field_label(locale, &change.field),
                value(&change.before),
                value(&change.after)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The Audit log.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query_map = use_query_map();
    let params = Memo::new(move |_| {
        let map = query_map.read();
        AuditParams {
            actor: map.get("actor"),
            user: map.get("user"),
            action: map.get("action"),
            from: map.get("from"),
            to: map.get("to"),
            after: map.get("after"),
            before: map.get("before"),
        }
    });
    let events = Resource::new(move || params.get(), list_audit_events);
    view! {
        <section class="page" aria-labelledby="audit-title">
            <header class="page-header">
                <div>
                    <h1 id="audit-title">{move || Area::AuditLog.title(i18n.get_locale())}</h1>
                    <p class="subtitle">{move || Area::AuditLog.about(i18n.get_locale())}</p>
                </div>
            </header>
            <AuditFilters params />
            <Transition fallback=move || view! { <p class="loading">{move || t_string!(i18n, audit.loading)}</p> }>
                {move || Suspend::new(async move {
                    match events.await {
                        Ok(page) => view! { <AuditTable page params /><PageReady /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error reset_href=Area::AuditLog.path() /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The filters: a GET form before hydration, a client-side navigation after.
#[component]
fn AuditFilters(params: Memo<AuditParams>) -> impl IntoView {
    let i18n = use_i18n();
    let actor_box = NodeRef::<leptos::html::Input>::new();
    let user_box = NodeRef::<leptos::html::Input>::new();
    let action_box = NodeRef::<leptos::html::Select>::new();
    let from_box = NodeRef::<leptos::html::Input>::new();
    let to_box = NodeRef::<leptos::html::Input>::new();
    let navigate = use_navigate();
    let apply = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let input = |node: NodeRef<leptos::html::Input>| node.get().map(|input| input.value());
        let chosen = AuditParams {
            actor: input(actor_box),
            user: input(user_box),
            action: action_box.get().map(|select| select.value()),
            from: input(from_box),
            to: input(to_box),
            after: None,
            before: None,
        };
        navigate(&href(&chosen), Default::default());
    };
    let current = params.get_untracked();
    let action_value = move || params.read().action.clone().unwrap_or_default();
    view! {
        <form method="get" action=Area::AuditLog.path() class="filters audit-filters" on:submit=apply
            aria-label=move || t_string!(i18n, audit.filters)>
            <label>
                <span>{move || t_string!(i18n, audit.actor)}</span>
                <input type="email" name="actor" node_ref=actor_box autocomplete="off"
                    value=current.actor.clone().unwrap_or_default()
                    prop:value=move || params.read().actor.clone().unwrap_or_default() />
            </label>
            <label>
                <span>{move || t_string!(i18n, audit.user)}</span>
                <input type="email" name="user" node_ref=user_box autocomplete="off"
                    value=current.user.clone().unwrap_or_default()
                    prop:value=move || params.read().user.clone().unwrap_or_default() />
            </label>
            <label>
                <span>{move || t_string!(i18n, audit.action)}</span>
                <select name="action" node_ref=action_box prop:value=action_value>
                    <option value="" selected=move || action_value().is_empty()>
                        {move || t_string!(i18n, audit.any_action)}
                    </option>
                    {AuditAction::ALL
                        .into_iter()
                        .map(|action| view! {
                            <option value=action.key() selected=move || action_value() == action.key()>
                                {move || action_label(i18n.get_locale(), action)}
                            </option>
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                <span>{move || t_string!(i18n, audit.from)}</span>
                <input type="date" name="from" node_ref=from_box
                    value=current.from.clone().unwrap_or_default()
                    prop:value=move || params.read().from.clone().unwrap_or_default() />
            </label>
            <label>
                <span>{move || t_string!(i18n, audit.to)}</span>
                <input type="date" name="to" node_ref=to_box
                    value=current.to.clone().unwrap_or_default()
                    prop:value=move || params.read().to.clone().unwrap_or_default() />
            </label>
            <button class="button" type="submit">{move || t_string!(i18n, audit.apply)}</button>
            <a class="button subtle" href=Area::AuditLog.path()>{move || t_string!(i18n, audit.clear)}</a>
        </form>
        <p class="muted small-print">{move || t_string!(i18n, audit.time_zones)}</p>
    }
}

#[component]
fn AuditTable(page: AuditPage, params: Memo<AuditParams>) -> impl IntoView {
    let i18n = use_i18n();
    let AuditPage {
        entries,
        is_first_page,
        prev,
        next,
    } = page;
    let current = params.get_untracked();
    let newest_href = href(&current.first_page());
    let newer_href = prev.map(|cursor| href(&current.before(&cursor)));
    let older_href = next.map(|cursor| href(&current.after(&cursor)));
    let empty = entries.is_empty();
    view! {
        // Wide entries scroll sideways: the region takes focus so keys can scroll it.
        <div class="table-wrap" tabindex="0" role="region" aria-label=move || t_string!(i18n, audit.entries)>
            <table class="grid audit">
                <thead>
                    <tr>
                        <th scope="col">{move || t_string!(i18n, audit.column_when)}</th>
                        <th scope="col">{move || t_string!(i18n, audit.column_actor)}</th>
                        <th scope="col">{move || t_string!(i18n, audit.column_action)}</th>
                        <th scope="col">{move || t_string!(i18n, audit.column_target)}</th>
                        <th scope="col">{move || t_string!(i18n, audit.column_change)}</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || entries.clone() key=|entry| entry.id let:entry>
                        <AuditRow entry />
                    </For>
                </tbody>
            </table>
            {empty.then(|| view! { <p class="empty">{move || t_string!(i18n, audit.empty)}</p> })}
        </div>
        <nav class="pager" aria-label=move || t_string!(i18n, audit.pages)>
            <span></span>
            <span class="pager-links">
                {(!is_first_page).then(|| view! {
                    <a class="button" href=newest_href.clone()>{move || t_string!(i18n, audit.newest)}</a>
                })}
                {match newer_href {
                    Some(link) => view! {
                        <a class="button" rel="prev" href=link>{move || t_string!(i18n, audit.newer)}</a>
                    }.into_any(),
                    None => view! {
                        <span class="button disabled" aria-disabled="true">{move || t_string!(i18n, audit.newer)}</span>
                    }.into_any(),
                }}
                {match older_href {
                    Some(link) => view! {
                        <a class="button" rel="next" href=link>{move || t_string!(i18n, audit.older)}</a>
                    }.into_any(),
                    None => view! {
                        <span class="button disabled" aria-disabled="true">{move || t_string!(i18n, audit.older)}</span>
                    }.into_any(),
                }}
            </span>
        </nav>
    }
}

/// One event: when, who (and from where), what, about whom, and what changed.
#[component]
fn AuditRow(entry: AuditEntry) -> impl IntoView {
    let i18n = use_i18n();
    let clock = format::use_local_time();
    let AuditEntry {
        at,
        actor_id,
        actor_email,
        actor_addr,
        action,
        target,
        changes,
        ..
    } = entry;
    let actor = move || {
        if !actor_email.is_empty() {
            actor_email.clone()
        } else {
            let id = actor_id.map(|id| id.get()).unwrap_or_default();
            td_string!(i18n.get_locale(), audit.unknown_actor, id = id)
        }
    };
    view! {
        <tr data-action=action.key()>
            <td class="muted">{move || clock.date_time(i18n.get_locale(), at)}</td>
            <td>
                <span class="email">{actor}</span>
                {actor_addr.map(|addr| view! {
                    <span class="muted small-print">
                        " "{move || td_string!(i18n.get_locale(), audit.from_address, addr = addr.as_str())}
                    </span>
                })}
            </td>
            <td>{move || action_label(i18n.get_locale(), action)}</td>
            <td class="email">{target}</td>
            <td class="change">{move || describe_changes(i18n.get_locale(), &changes)}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_reads_field_by_field_with_a_dash_for_no_value() {
        let changes = vec![
            FieldChange {
                field: "status".into(),
                before: Some("active".into()),
                after: Some("suspended".into()),
            },
            FieldChange {
                field: "email".into(),
                before: Some("ann@example.com".into()),
                after: None,
            },
        ];
        assert_eq!(
            describe_changes(Locale::en, &changes),
            "Status: Active → Suspended; E-mail: ann@example.com → —"
        );
        assert_eq!(
            describe_changes(Locale::ja, &changes),
            "ステータス: アクティブ → 停止中; メールアドレス: ann@example.com → —"
        );
    }
}
