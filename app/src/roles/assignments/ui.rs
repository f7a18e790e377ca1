//! The page of one admin role: what it allows, and its Assignments: its holders by
//! name (searched, a page at a time, the view in the URL), each with a way to take the
//! role away, and Assign Role, which finds a user by name or e-mail. Its own piece of
//! the wasm.

use super::{AssignRole, HolderPage, UnassignRole, list_role_holders};
use crate::console::areas::Area;
use crate::console::{AdminContext, ErrorNotice, PageReady, path_id};
use crate::domain::{Permission, RoleId, UserId};
use crate::error::AppError;
use crate::i18n::{t_string, td_string, use_i18n};
use crate::lang::errors::error_text;
use crate::lang::format;
use crate::query_string;
use crate::roles::ui::permission_list;
use crate::users::UserSummary;
use crate::users::ui::people::{ForwardPager, PeopleTable, Person};
use crate::users::ui::picker::{PickerWords, UserPicker};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/roles/{id}`, split from the rest of the console's code.
pub struct RoleRoute;

#[lazy_route]
impl LazyRoute for RoleRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <RolePage /> }.into_any()
    }
}

/// The page of role `id`, searched for `q` from cursor `after`.
pub fn role_href(id: RoleId, q: Option<&str>, after: Option<&str>) -> String {
    let query = query_string::build([("q", q), ("after", after)]);
    format!("{}/{id}{query}", Area::Roles.path())
}

/// One admin role and its Assignments.
#[component]
pub fn RolePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let id = path_id();
    let search = Memo::new(move |_| query.read().get("q").filter(|q| !q.trim().is_empty()));
    let after = Memo::new(move |_| query.read().get("after").filter(|after| !after.is_empty()));
    let assign = ServerAction::<AssignRole>::new();
    let unassign = ServerAction::<UnassignRole>::new();
    // The answer of the action that finished last, and a count of the changes made: a
    // refusal reloads nothing, so the Assign form keeps what was typed.
    let answer = RwSignal::new(None::<Result<bool, AppError>>);
    let changes = RwSignal::new(0_u64);
    for action in [assign.value(), unassign.value()] {
        Effect::new(move |_| {
            if let Some(latest) = action.get() {
                if matches!(latest, Ok(true)) {
                    changes.update(|count| *count += 1);
                }
                answer.set(Some(latest));
            }
        });
    }
    let page = Resource::new(
        move || (id.get(), search.get(), after.get(), changes.get()),
        |(id, q, after, _)| list_role_holders(id, q, after),
    );
    let outcome = move || {
        let locale = i18n.get_locale();
        answer.get().map(|answer| {
            let (class, role, text) = match answer {
                Err(error) => ("notice error", "alert", error_text(locale, &error)),
                Ok(false) => (
                    "notice success",
                    "status",
                    t_string!(i18n, roles.held_already).to_owned(),
                ),
                Ok(true) => (
                    "notice success",
                    "status",
                    t_string!(i18n, roles.assignments_changed).to_owned(),
                ),
            };
            view! { <div class=class role=role data-testid="assignment-outcome">{text}</div> }
        })
    };
    view! {
        <section class="page" aria-labelledby="role-title">
            <p class="back-link"><a href=Area::Roles.path()>{move || t_string!(i18n, roles.back)}</a></p>
            {outcome}
            <Transition fallback=move || view! { <p class="loading">{move || t_string!(i18n, roles.loading)}</p> }>
                {move || Suspend::new(async move {
                    let can_manage = AdminContext::can(Permission::RolesManage).await;
                    match page.await {
                        Ok(page) => view! {
                            <RoleView page can_manage assign unassign search=search.get_untracked() after=after.get_untracked() />
                            <PageReady />
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error reset_href=Area::Roles.path() /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RoleView(
    page: HolderPage,
    can_manage: bool,
    assign: ServerAction<AssignRole>,
    unassign: ServerAction<UnassignRole>,
    search: Option<String>,
    after: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let HolderPage {
        role,
        holders,
        next,
    } = page;
    let id = role.id;
    let count = role.holders;
    let permissions = role.permissions.clone();
    let take_away = move |user: UserId| {
        unassign.dispatch(UnassignRole {
            id: id.get(),
            user: user.get(),
        });
    };
    let people = holders
        .into_iter()
        .map(|holder| {
            let name = holder.shown_name();
            let label = name.clone();
            let user = holder.id;
            let action = if holder.primary_admin {
                view! { <span class="hint">{move || t_string!(i18n, roles.primary_keeps)}</span> }.into_any()
            } else {
                view! {
                    <button type="button" class="button small" disabled=!can_manage
                        aria-label=move || td_string!(i18n.get_locale(), roles.take_away_named, name = label.as_str())
                        on:click=move |_| take_away(user)>
                        {move || t_string!(i18n, roles.take_away)}
                    </button>
                }.into_any()
            };
            Person {
                id: user,
                name,
                email: holder.email.to_string(),
                status: holder.status,
                action,
            }
        })
        .collect();
    let searched = search.clone();
    let next_href = next.map(|cursor| role_href(id, search.as_deref(), Some(&cursor)));
    let first_href = after.map(|_| role_href(id, search.as_deref(), None));
    view! {
        <header class="page-header details-header">
            <div>
                <h1 id="role-title">
                    {role.name.clone()}
                    {role.predefined.then(|| view! {
                        " " <span class="badge admin">{move || t_string!(i18n, roles.predefined)}</span>
                    })}
                </h1>
                <p class="subtitle">{role.description.clone()}</p>
                <p data-testid="role-permissions">
                    {move || t_string!(i18n, roles.permissions)} ": "
                    {move || permission_list(i18n.get_locale(), &permissions)}
                </p>
            </div>
        </header>
        <h2>{move || t_string!(i18n, roles.assignments)}</h2>
        <p class="subtitle" data-testid="holder-count">
            {move || td_string!(i18n.get_locale(), roles.holder_count, count = format::count(i18n.get_locale(), count))}
        </p>
        {can_manage.then(|| view! { <AssignForm role=id role_name=role.name.clone() assign /> })}
        <form class="filters" method="get" action=role_href(id, None, None)>
            <label for="holder-search">{move || t_string!(i18n, roles.search_holders)}</label>
            <input id="holder-search" type="search" name="q" maxlength="100" value=searched />
            <button type="submit" class="button">{move || t_string!(i18n, roles.search)}</button>
        </form>
        <PeopleTable caption=move || t_string!(i18n, roles.holders_caption).to_owned()
            empty_text=move || t_string!(i18n, roles.no_holders).to_owned() people />
        <ForwardPager label=move || t_string!(i18n, roles.holder_pages).to_owned() first_href next_href />
    }
}

/// Assign Role: find users by name or e-mail (those holding the role already and the
/// Primary Admin are not offered) and give the role to the chosen one.
#[component]
fn AssignForm(role: RoleId, role_name: String, assign: ServerAction<AssignRole>) -> impl IntoView {
    let i18n = use_i18n();
    let words = PickerWords {
        find: |locale| td_string!(locale, roles.find_user),
        choose: |locale| td_string!(locale, roles.choose_user),
        none_found: |locale| td_string!(locale, groups.no_user_found),
        submit: |locale| td_string!(locale, roles.assign),
    };
    let offered = Callback::new(move |user: UserSummary| {
        !user.is_primary_admin && user.role_name != role_name
    });
    let give = Callback::new(move |user: i64| {
        assign.dispatch(AssignRole {
            id: role.get(),
            user,
        });
    });
    view! {
        <UserPicker id="holder" words offered on_choose=give pending=assign.pending()>
            <h3>{move || t_string!(i18n, roles.assign_title)}</h3>
        </UserPicker>
    }
}
