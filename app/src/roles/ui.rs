//! The Role Management page: the admin roles with their permissions and holders; a form
//! to create, duplicate or change a custom role, its permissions in a grouped checklist
//! with a sentence each (those the admin does not hold cannot be given); and deleting a
//! role, with its holders moved to another when it has any. Its own piece of the wasm.

use super::assignments::ui::role_href;
use super::rules::beyond_own;
use super::{CreateRole, DeleteRole, RoleSummary, UpdateRole, list_roles};
use crate::console::areas::Area;
use crate::console::{AdminContext, ErrorNotice, PageReady};
use crate::domain::{Permission, PermissionSet, RoleId};
use crate::error::{AppError, Clash};
use crate::i18n::{Locale, t_string, td_string, use_i18n};
use crate::lang::errors::error_text;
use crate::lang::format;
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};
use std::collections::BTreeSet;

/// `/roles`, split from the rest of the console's code.
pub struct RolesRoute;

#[lazy_route]
impl LazyRoute for RolesRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <RolesPage /> }.into_any()
    }
}

/// The checklist's groups, in order, and the permissions under each.
const PERMISSION_GROUPS: [(PermissionGroup, &[Permission]); 4] = [
    (
        PermissionGroup::Users,
        &[
            Permission::UsersRead,
            Permission::UsersUpdate,
            Permission::UsersDelete,
            Permission::SessionsKill,
        ],
    ),
    (
        PermissionGroup::Enrollment,
        &[Permission::UsersInvite, Permission::UsersApprove],
    ),
    (
        PermissionGroup::Access,
        &[
            Permission::AppsAssign,
            Permission::GroupsManage,
            Permission::RolesManage,
        ],
    ),
    (
        PermissionGroup::Account,
        &[
            Permission::SettingsManage,
            Permission::AuditRead,
            Permission::OutboxRead,
        ],
    ),
];

#[derive(Clone, Copy)]
enum PermissionGroup {
    Users,
    Enrollment,
    Access,
    Account,
}

fn group_title(locale: Locale, group: PermissionGroup) -> &'static str {
    match group {
        PermissionGroup::Users => td_string!(locale, roles.group_users),
        PermissionGroup::Enrollment => td_string!(locale, roles.group_enrollment),
        PermissionGroup::Access => td_string!(locale, roles.group_access),
        PermissionGroup::Account => td_string!(locale, roles.group_account),
    }
}

/// A permission's short name.
fn permission_name(locale: Locale, permission: Permission) -> &'static str {
    match permission {
        Permission::UsersRead => td_string!(locale, roles.users_read),
        Permission::UsersUpdate => td_string!(locale, roles.users_update),
        Permission::UsersDelete => td_string!(locale, roles.users_delete),
        Permission::SessionsKill => td_string!(locale, roles.sessions_kill),
        Permission::UsersInvite => td_string!(locale, roles.users_invite),
        Permission::UsersApprove => td_string!(locale, roles.users_approve),
        Permission::AppsAssign => td_string!(locale, roles.apps_assign),
        Permission::GroupsManage => td_string!(locale, roles.groups_manage),
        Permission::RolesManage => td_string!(locale, roles.roles_manage),
        Permission::SettingsManage => td_string!(locale, roles.settings_manage),
        Permission::AuditRead => td_string!(locale, roles.audit_read),
        Permission::OutboxRead => td_string!(locale, roles.outbox_read),
    }
}

/// One sentence on what a permission allows.
fn permission_about(locale: Locale, permission: Permission) -> &'static str {
    match permission {
        Permission::UsersRead => td_string!(locale, roles.users_read_about),
        Permission::UsersUpdate => td_string!(locale, roles.users_update_about),
        Permission::UsersDelete => td_string!(locale, roles.users_delete_about),
        Permission::SessionsKill => td_string!(locale, roles.sessions_kill_about),
        Permission::UsersInvite => td_string!(locale, roles.users_invite_about),
        Permission::UsersApprove => td_string!(locale, roles.users_approve_about),
        Permission::AppsAssign => td_string!(locale, roles.apps_assign_about),
        Permission::GroupsManage => td_string!(locale, roles.groups_manage_about),
        Permission::RolesManage => td_string!(locale, roles.roles_manage_about),
        Permission::SettingsManage => td_string!(locale, roles.settings_manage_about),
        Permission::AuditRead => td_string!(locale, roles.audit_read_about),
        Permission::OutboxRead => td_string!(locale, roles.outbox_read_about),
    }
}

/// The permissions of a role as a line of names.
pub(crate) fn permission_list(locale: Locale, permissions: &PermissionSet) -> String {
    if *permissions == PermissionSet::all() {
        return td_string!(locale, roles.every_permission).to_owned();
    }
    let names: Vec<&str> = PERMISSION_GROUPS
        .iter()
        .flat_map(|(_, group)| group.iter())
        .filter(|permission| permissions.contains(**permission))
        .map(|permission| permission_name(locale, *permission))
        .collect();
    if names.is_empty() {
        td_string!(locale, roles.no_permission).to_owned()
    } else {
        names.join(", ")
    }
}

/// What the form edits: a new role (maybe a duplicate), or a custom role as read.
#[derive(Clone, PartialEq)]
enum Draft {
    New {
        name: String,
        description: String,
        permissions: PermissionSet,
    },
    Existing(RoleSummary),
}

/// User Management > Role Management.
#[component]
pub fn RolesPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateRole>::new();
    let update = ServerAction::<UpdateRole>::new();
    let delete = ServerAction::<DeleteRole>::new();
    // Read again after a change only: a refused save keeps the form as typed.
    let changed = RwSignal::new(0_u32);
    let roles = Resource::new(move || changed.get(), |_| list_roles());
    let editing = RwSignal::new(None::<Draft>);
    let deleting = RwSignal::new(None::<RoleSummary>);
    let last = RwSignal::new(None::<Outcome>);
    let finished = move |outcome: Outcome| {
        // A role changed or held meanwhile: the list is read again, and a form read at
        // the old version closes. Any other refusal keeps the form as typed.
        let stale = matches!(
            outcome,
            Outcome::Failed(AppError::Conflict {
                clash: Clash::RoleChanged | Clash::RoleInUse { .. }
            })
        );
        if stale || !matches!(outcome, Outcome::Failed(_)) {
            editing.set(None);
            changed.update(|count| *count += 1);
        }
        last.set(Some(outcome));
    };
    Effect::new(move |_| {
        if let Some(answer) = create.value().get() {
            finished(answer.map_or_else(Outcome::Failed, |role| Outcome::Saved(role.name)));
        }
    });
    Effect::new(move |_| {
        if let Some(answer) = update.value().get() {
            finished(answer.map_or_else(Outcome::Failed, |role| Outcome::Saved(role.name)));
        }
    });
    Effect::new(move |_| {
        if let Some(answer) = delete.value().get() {
            finished(answer.map_or_else(Outcome::Failed, Outcome::Deleted));
        }
    });
    let outcome = move || {
        let locale = i18n.get_locale();
        last.get().map(|outcome| match outcome {
            Outcome::Failed(error) => notice("error", "alert", error_text(locale, &error)),
            Outcome::Saved(name) => {
                let text = td_string!(locale, roles.saved, name = name.as_str());
                notice("success", "status", text)
            }
            Outcome::Deleted(moved) => {
                let count = format::count(locale, moved);
                notice(
                    "success",
                    "status",
                    td_string!(locale, roles.deleted, count = count),
                )
            }
        })
    };
    view! {
        <section class="page" aria-labelledby="roles-title">
            <header class="page-header">
                <div>
                    <h1 id="roles-title">{move || Area::Roles.title(i18n.get_locale())}</h1>
                    <p class="subtitle">{move || Area::Roles.about(i18n.get_locale())}</p>
                </div>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let can_manage = AdminContext::can(Permission::RolesManage).await;
                        view! {
                            <button type="button" class="button primary" disabled=!can_manage
                                on:click=move |_| editing.set(Some(Draft::New {
                                    name: String::new(),
                                    description: String::new(),
                                    permissions: PermissionSet::default(),
                                }))>
                                {move || t_string!(i18n, roles.new_role)}
                            </button>
                        }
                    })}
                </Transition>
            </header>
            {outcome}
            <Transition fallback=move || view! { <p class="loading">{move || t_string!(i18n, roles.loading)}</p> }>
                {move || Suspend::new(async move {
                    let held = AdminContext::permissions().await;
                    let can_manage = held.contains(Permission::RolesManage);
                    let held_too = held.clone();
                    match roles.await {
                        Ok(list) => view! {
                            {move || editing.get().map(|draft| view! {
                                <RoleForm draft held=held.clone() create update editing />
                            })}
                            <RoleTable roles=list.clone() can_manage editing deleting />
                            {move || deleting.get().map(|role| view! {
                                <DeleteRoleDialog role roles=list.clone() held=held_too.clone() delete deleting />
                            })}
                            <PageReady />
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// What the last change came to, as the notice above the table says.
#[derive(Clone)]
enum Outcome {
    Saved(String),
    Deleted(u64),
    Failed(AppError),
}

fn notice(kind: &'static str, role: &'static str, text: String) -> AnyView {
    let class = format!("notice {kind}");
    view! { <div class=class role=role data-testid="role-outcome">{text}</div> }.into_any()
}

#[component]
fn RoleTable(
    roles: Vec<RoleSummary>,
    can_manage: bool,
    editing: RwSignal<Option<Draft>>,
    deleting: RwSignal<Option<RoleSummary>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rows = roles
        .into_iter()
        .map(|role| {
            let name = role.name.clone();
            let (edit_name, copy_name, delete_name) = (name.clone(), name.clone(), name.clone());
            let holders_name = name.clone();
            let permissions = role.permissions.clone();
            let holders = role.holders;
            let predefined = role.predefined;
            let (to_edit, to_copy, to_delete) = (role.clone(), role.clone(), role.clone());
            view! {
                <tr data-role-id=role.id.get()>
                    <td>
                        <a class="name" href=role_href(role.id, None, None)>{name}</a>
                        " "
                        {predefined.then(|| view! {
                            <span class="badge admin">{move || t_string!(i18n, roles.predefined)}</span>
                        })}
                    </td>
                    <td>{role.description}</td>
                    <td>{move || permission_list(i18n.get_locale(), &permissions)}</td>
                    <td>
                        <a href=role_href(role.id, None, None) aria-label=move || td_string!(i18n.get_locale(), roles.holders_of, name = holders_name.as_str())>
                            {move || format::count(i18n.get_locale(), holders)}
                        </a>
                    </td>
                    <td class="col-actions">
                        <span class="row-actions">
                            {(!predefined).then(|| view! {
                                <button type="button" class="button small" disabled=!can_manage
                                    aria-label=move || td_string!(i18n.get_locale(), roles.edit_named, name = edit_name.as_str())
                                    on:click=move |_| editing.set(Some(Draft::Existing(to_edit.clone())))>
                                    {move || t_string!(i18n, roles.edit)}
                                </button>
                            })}
                            <button type="button" class="button small" disabled=!can_manage
                                aria-label=move || td_string!(i18n.get_locale(), roles.duplicate_named, name = copy_name.as_str())
                                on:click=move |_| editing.set(Some(Draft::New {
                                    name: td_string!(i18n.get_locale(), roles.copy_of, name = to_copy.name.as_str()),
                                    description: to_copy.description.clone(),
                                    permissions: to_copy.permissions.clone(),
                                }))>
                                {move || t_string!(i18n, roles.duplicate)}
                            </button>
                            {(!predefined).then(|| view! {
                                <button type="button" class="button small danger" disabled=!can_manage
                                    aria-label=move || td_string!(i18n.get_locale(), roles.delete_named, name = delete_name.as_str())
                                    on:click=move |_| deleting.set(Some(to_delete.clone()))>
                                    {move || t_string!(i18n, roles.delete)}
                                </button>
                            })}
                        </span>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" role="region" tabindex="0" aria-label=move || t_string!(i18n, roles.table_label)>
            <table class="grid">
                <thead>
                    <tr>
                        <th scope="col">{move || t_string!(i18n, roles.column_name)}</th>
                        <th scope="col">{move || t_string!(i18n, roles.column_description)}</th>
                        <th scope="col">{move || t_string!(i18n, roles.column_permissions)}</th>
                        <th scope="col">{move || t_string!(i18n, roles.column_holders)}</th>
                        <th scope="col" class="col-actions"><span class="sr-only">{move || t_string!(i18n, users.column_actions)}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The form of a new, duplicated or changed role, above the table; the name field has
/// the focus when it opens, and Escape or Cancel closes it with nothing saved.
#[component]
fn RoleForm(
    draft: Draft,
    held: PermissionSet,
    create: ServerAction<CreateRole>,
    update: ServerAction<UpdateRole>,
    editing: RwSignal<Option<Draft>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (existing, name, description, permissions) = match draft {
        Draft::New {
            name,
            description,
            permissions,
        } => (None, name, description, permissions),
        Draft::Existing(role) => (
            Some((role.id, role.version, role.name.clone())),
            role.name,
            role.description,
            role.permissions,
        ),
    };
    let chosen = RwSignal::new(permissions.iter().collect::<BTreeSet<Permission>>());
    let name_box = NodeRef::<leptos::html::Input>::new();
    let description_box = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move |_| {
        if let Some(input) = name_box.get() {
            let _ = input.focus();
        }
    });
    let title = existing.as_ref().map(|(_, _, name)| name.clone());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (Some(name), Some(description)) = (name_box.get(), description_box.get()) else {
            return;
        };
        let permissions: Vec<String> = chosen
            .get_untracked()
            .into_iter()
            .map(|permission| permission.key().to_owned())
            .collect();
        match existing {
            Some((id, version, _)) => {
                update.dispatch(UpdateRole {
                    id: id.get(),
                    version,
                    name: name.value(),
                    description: description.value(),
                    permissions,
                });
            }
            None => {
                create.dispatch(CreateRole {
                    name: name.value(),
                    description: description.value(),
                    permissions,
                });
            }
        }
    };
    let groups = PERMISSION_GROUPS
        .into_iter()
        .map(|(group, members)| {
            let boxes = members
                .iter()
                .map(|&permission| {
                    let id = format!("permission-{}", permission.key().replace('.', "-"));
                    let about_id = format!("{id}-about");
                    let label_for = id.clone();
                    let not_yours = !held.contains(permission);
                    view! {
                        <div class="choice-with-hint">
                            <label class="choice" for=label_for>
                                <input type="checkbox" id=id aria-describedby=about_id.clone()
                                    prop:checked=move || chosen.read().contains(&permission)
                                    // A permission the admin lacks may be taken off, never given.
                                    disabled=move || not_yours && !chosen.read().contains(&permission)
                                    on:change=move |event| {
                                        let on = event_target_checked(&event);
                                        chosen.update(|set| {
                                            if on { set.insert(permission); } else { set.remove(&permission); }
                                        });
                                    } />
                                <span>{move || permission_name(i18n.get_locale(), permission)}</span>
                            </label>
                            <p class="hint indented" id=about_id>
                                {move || permission_about(i18n.get_locale(), permission)}
                                {not_yours.then(|| view! { " " {move || t_string!(i18n, roles.not_yours)} })}
                            </p>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <fieldset>
                    <legend>{move || group_title(i18n.get_locale(), group)}</legend>
                    {boxes}
                </fieldset>
            }
        })
        .collect_view();
    let pending = move || create.pending().get() || update.pending().get();
    view! {
        <form class="settings-form role-form" on:submit=submit aria-labelledby="role-form-title"
            on:keydown=move |event: leptos::ev::KeyboardEvent| {
                if event.key() == "Escape" { editing.set(None); }
            }>
            <h2 id="role-form-title">
                {move || match &title {
                    Some(name) => td_string!(i18n.get_locale(), roles.edit_title, name = name.as_str()),
                    None => t_string!(i18n, roles.new_title).to_owned(),
                }}
            </h2>
            <div class="field">
                <label for="role-name">{move || t_string!(i18n, roles.name)}</label>
                <input id="role-name" type="text" maxlength="100" required node_ref=name_box value=name />
            </div>
            <div class="field">
                <label for="role-description">{move || t_string!(i18n, roles.description)}</label>
                <textarea id="role-description" maxlength="300" rows="2" node_ref=description_box>{description}</textarea>
            </div>
            <h3 class="subheading">{move || t_string!(i18n, roles.permissions)}</h3>
            {groups}
            <div class="modal-actions">
                <button type="button" class="button" on:click=move |_| editing.set(None)>
                    {move || t_string!(i18n, details.cancel)}
                </button>
                <button type="submit" class="button primary" disabled=pending>
                    {move || t_string!(i18n, roles.save)}
                </button>
            </div>
        </form>
    }
}

/// Asks before deleting `role`; when users hold it, which role they move to: none is
/// chosen until the admin chooses, and a role beyond the admin's own is not offered.
#[component]
fn DeleteRoleDialog(
    role: RoleSummary,
    roles: Vec<RoleSummary>,
    held: PermissionSet,
    delete: ServerAction<DeleteRole>,
    deleting: RwSignal<Option<RoleSummary>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let cancel = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = cancel.get() {
            let _ = button.focus();
        }
    });
    let id = role.id;
    let holders = role.holders;
    let name = role.name.clone();
    let others: Vec<(RoleId, String)> = roles
        .into_iter()
        .filter(|other| other.id != id && beyond_own(&held, &other.permissions).is_none())
        .map(|other| (other.id, other.name))
        .collect();
    let target = RwSignal::new(None::<i64>);
    let unchosen = move || holders > 0 && target.get().is_none();
    let confirm = move |_| {
        let move_holders_to = target.get_untracked();
        deleting.set(None);
        delete.dispatch(DeleteRole {
            id: id.get(),
            move_holders_to,
        });
    };
    let text = move || {
        let locale = i18n.get_locale();
        if holders == 0 {
            td_string!(locale, roles.delete_text, name = name.as_str())
        } else {
            let count = format::count(locale, holders);
            td_string!(
                locale,
                roles.delete_text_held,
                count = count,
                name = name.as_str()
            )
        }
    };
    view! {
        <div class="modal-backdrop" on:keydown=move |event: leptos::ev::KeyboardEvent| {
            if event.key() == "Escape" { deleting.set(None); }
        }>
            <div class="modal" role="alertdialog" aria-modal="true" aria-labelledby="delete-role-title" aria-describedby="delete-role-text">
                <h2 id="delete-role-title">{move || t_string!(i18n, roles.delete_title)}</h2>
                <p id="delete-role-text">{text}</p>
                {(holders > 0).then(|| view! {
                    <div class="field">
                        <label for="move-holders-to">{move || t_string!(i18n, roles.move_to)}</label>
                        <select id="move-holders-to" required
                            on:change=move |event| target.set(event_target_value(&event).parse().ok())>
                            <option value="" selected>{move || t_string!(i18n, roles.choose_target)}</option>
                            {others.into_iter().map(|(other, name)| view! {
                                <option value=other.get()>{name}</option>
                            }).collect_view()}
                        </select>
                    </div>
                })}
                <div class="modal-actions">
                    <button type="button" class="button" node_ref=cancel on:click=move |_| deleting.set(None)>
                        {move || t_string!(i18n, details.cancel)}
                    </button>
                    <button type="button" class="button danger" on:click=confirm
                        disabled=unchosen>
                        {move || t_string!(i18n, roles.delete)}
                    </button>
                </div>
            </div>
        </div>
    }
}
