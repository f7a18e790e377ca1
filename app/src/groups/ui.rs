//! The Groups pages: the list (search, sort, keyset pages, create) and one group (rename,
//! delete with a confirmation naming how many members lose it, members added by name or
//! e-mail and removed). The URL holds the view. Each page is its own piece of the wasm.

use super::query::{GroupParams, GroupSort};
use super::{
    ChangeGroupMembers, CreateGroup, DeleteGroup, GroupPage, MemberPage, RenameGroup,
    list_group_members, list_groups,
};
use crate::console::areas::Area;
use crate::console::{AdminContext, ErrorNotice, PageReady, path_id};
use crate::domain::{GroupId, Permission, UserId};
use crate::error::AppError;
use crate::i18n::{Locale, t_string, td_string, use_i18n};
use crate::lang::errors::error_text;
use crate::lang::format;
use crate::users::query::GridParams;
use crate::users::ui::people::{ForwardPager, PeopleTable, Person};
use crate::users::ui::picker::{PickerWords, UserPicker};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::{LazyRoute, lazy_route};

/// `/groups`, split from the rest of the console's code.
pub struct GroupsRoute;

#[lazy_route]
impl LazyRoute for GroupsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <GroupsPage /> }.into_any()
    }
}

/// `/groups/{id}`, split from the rest of the console's code.
pub struct GroupRoute;

#[lazy_route]
impl LazyRoute for GroupRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <GroupDetailsPage /> }.into_any()
    }
}

fn href(params: &GroupParams) -> String {
    format!("{}{}", Area::Groups.path(), params.to_query_string())
}

/// The page of group `id`.
pub fn group_href(id: GroupId) -> String {
    format!("{}/{id}", Area::Groups.path())
}

/// An error in the admin's language, as an alert line.
fn failure(locale: Locale, error: &AppError) -> String {
    error_text(locale, error)
}

/// User Management > Groups.
#[component]
pub fn GroupsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query_map = use_query_map();
    let params = Memo::new(move |_| {
        let map = query_map.read();
        GroupParams {
            q: map.get("q"),
            sort: map.get("sort"),
            dir: map.get("dir"),
            after: map.get("after"),
            before: map.get("before"),
        }
    });
    let create = ServerAction::<CreateGroup>::new();
    let groups = Resource::new(
        move || (params.get(), create.version().get()),
        |(params, _)| list_groups(params),
    );
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(group)) = create.value().get() {
            navigate(&group_href(group.id), Default::default());
        }
    });
    let name_box = NodeRef::<leptos::html::Input>::new();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(input) = name_box.get() {
            create.dispatch(CreateGroup {
                name: input.value(),
            });
        }
    };
    let current = params.get_untracked();
    view! {
        <section class="page" aria-labelledby="groups-title">
            <header class="page-header">
                <div>
                    <h1 id="groups-title">{move || Area::Groups.title(i18n.get_locale())}</h1>
                    <p class="subtitle">{move || Area::Groups.about(i18n.get_locale())}</p>
                </div>
            </header>
            <div class="toolbar">
                <form method="get" action=Area::Groups.path() class="filters" role="search">
                    <label for="group-search" class="sr-only">{move || t_string!(i18n, groups.search_label)}</label>
                    <input id="group-search" class="search" type="search" name="q" maxlength="100"
                        placeholder=move || t_string!(i18n, groups.search_label)
                        value=current.q.clone().unwrap_or_default() />
                    <button class="button" type="submit">{move || t_string!(i18n, users.search)}</button>
                </form>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let can_manage = AdminContext::can(Permission::GroupsManage).await;
                        view! {
                            <form class="filters" on:submit=submit>
                                <label for="new-group" class="sr-only">{move || t_string!(i18n, groups.new_name)}</label>
                                <input id="new-group" type="text" maxlength="200" node_ref=name_box
                                    placeholder=move || t_string!(i18n, groups.new_name)
                                    disabled=!can_manage />
                                <button class="button primary" type="submit" disabled=move || !can_manage || create.pending().get()>
                                    {move || t_string!(i18n, groups.create)}
                                </button>
                            </form>
                        }
                    })}
                </Transition>
            </div>
            {move || match create.value().get() {
                Some(Err(error)) => Some(view! {
                    <div class="notice error" role="alert" data-testid="group-outcome">
                        {failure(i18n.get_locale(), &error)}
                    </div>
                }),
                _ => None,
            }}
            <Transition fallback=move || view! { <p class="loading">{move || t_string!(i18n, groups.loading)}</p> }>
                {move || Suspend::new(async move {
                    match groups.await {
                        Ok(page) => view! { <GroupTable page params /><PageReady /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error reset_href=Area::Groups.path() /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn GroupTable(page: GroupPage, params: Memo<GroupParams>) -> impl IntoView {
    let i18n = use_i18n();
    let current = params.get_untracked();
    let sorted = super::query::GroupQuery::parse(&current).ok();
    let header = |sort: GroupSort| {
        let (aria, arrow) = match &sorted {
            Some(query) if query.sort == sort && query.descending => ("descending", " ▼"),
            Some(query) if query.sort == sort => ("ascending", " ▲"),
            _ => ("none", ""),
        };
        let link = href(&current.sorted_by(sort));
        view! {
            <th scope="col" aria-sort=aria>
                <a href=link>
                    {move || match sort {
                        GroupSort::Name => t_string!(i18n, groups.column_name),
                        GroupSort::Members => t_string!(i18n, groups.column_members),
                    }}
                    <span aria-hidden="true">{arrow}</span>
                </a>
            </th>
        }
    };
    let prev_href = page.prev.map(|cursor| href(&current.before(&cursor)));
    let next_href = page.next.map(|cursor| href(&current.after(&cursor)));
    let first_href = href(&current.first_page());
    let empty = page.rows.is_empty();
    let rows = page
        .rows
        .into_iter()
        .map(|group| {
            let count = group.member_count;
            view! {
                <tr data-group-id=group.id.get()>
                    <td><a class="name" href=group_href(group.id)>{group.name}</a></td>
                    <td>{move || format::count(i18n.get_locale(), count)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="grid">
                <thead>
                    <tr>{header(GroupSort::Name)}{header(GroupSort::Members)}</tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {empty.then(|| view! { <p class="empty">{move || t_string!(i18n, groups.empty)}</p> })}
        </div>
        <nav class="pager" aria-label=move || t_string!(i18n, groups.pages)>
            <span></span>
            <span class="pager-links">
                {(!page.is_first_page).then(|| view! {
                    <a class="button" href=first_href.clone()>{move || t_string!(i18n, users.first)}</a>
                })}
                {match prev_href {
                    Some(link) => view! { <a class="button" rel="prev" href=link>{move || t_string!(i18n, users.previous)}</a> }.into_any(),
                    None => view! { <span class="button disabled" aria-disabled="true">{move || t_string!(i18n, users.previous)}</span> }.into_any(),
                }}
                {match next_href {
                    Some(link) => view! { <a class="button" rel="next" href=link>{move || t_string!(i18n, users.next)}</a> }.into_any(),
                    None => view! { <span class="button disabled" aria-disabled="true">{move || t_string!(i18n, users.next)}</span> }.into_any(),
                }}
            </span>
        </nav>
    }
}

/// One group: rename, delete, members.
#[component]
pub fn GroupDetailsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let id = path_id();
    let after = Memo::new(move |_| {
        query
            .read()
            .get("after")
            .and_then(|after| after.parse::<i64>().ok())
    });
    let rename = ServerAction::<RenameGroup>::new();
    let delete = ServerAction::<DeleteGroup>::new();
    let members = ServerAction::<ChangeGroupMembers>::new();
    let page = Resource::new(
        move || {
            (
                id.get(),
                after.get(),
                rename.version().get(),
                members.version().get(),
            )
        },
        |(id, after, _, _)| list_group_members(id, after),
    );
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = delete.value().get() {
            navigate(Area::Groups.path(), Default::default());
        }
    });
    let outcome = move || {
        let locale = i18n.get_locale();
        let error = [
            rename.value().get().and_then(Result::err),
            delete.value().get().and_then(Result::err),
            members.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next();
        if let Some(error) = error {
            return Some(view! { <div class="notice error" role="alert" data-testid="group-outcome">{failure(locale, &error)}</div> }.into_any());
        }
        members.value().get().and_then(Result::ok).map(|changed| {
            view! {
                <div class="notice success" role="status" data-testid="group-outcome">
                    {td_string!(locale, groups.members_changed, changed = changed.changed, unchanged = changed.unchanged)}
                </div>
            }
            .into_any()
        })
    };
    view! {
        <section class="page" aria-labelledby="group-title">
            <p class="back-link"><a href=Area::Groups.path()>{move || t_string!(i18n, groups.back)}</a></p>
            {outcome}
            <Transition fallback=move || view! { <p class="loading">{move || t_string!(i18n, groups.loading)}</p> }>
                {move || Suspend::new(async move {
                    let can_manage = AdminContext::can(Permission::GroupsManage).await;
                    match page.await {
                        Ok(page) => view! {
                            <GroupView page can_manage rename delete members after=after.get_untracked() />
                            <PageReady />
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error reset_href=Area::Groups.path() /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn GroupView(
    page: MemberPage,
    can_manage: bool,
    rename: ServerAction<RenameGroup>,
    delete: ServerAction<DeleteGroup>,
    members: ServerAction<ChangeGroupMembers>,
    after: Option<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let MemberPage {
        group,
        members: list,
        next,
    } = page;
    let id = group.id;
    let count = group.member_count;
    let confirming = RwSignal::new(false);
    let name_box = NodeRef::<leptos::html::Input>::new();
    let submit_rename = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(input) = name_box.get() {
            rename.dispatch(RenameGroup {
                id: id.get(),
                name: input.value(),
            });
        }
    };
    let grid_href = format!(
        "{}{}",
        Area::Users.path(),
        GridParams {
            group: Some(id.get().to_string()),
            ..GridParams::default()
        }
        .to_query_string()
    );
    let remove = move |user: UserId| {
        members.dispatch(ChangeGroupMembers {
            id: id.get(),
            users: vec![user.get()],
            join: false,
        });
    };
    let people = list
        .into_iter()
        .map(|member| {
            let name = format!("{} {}", member.first_name, member.last_name);
            let label = name.clone();
            let user = member.id;
            let action = view! {
                <button type="button" class="button small" disabled=!can_manage
                    aria-label=move || t_string!(i18n, groups.remove_member, name = label.as_str())
                    on:click=move |_| remove(user)>
                    {move || t_string!(i18n, details.remove)}
                </button>
            }
            .into_any();
            Person {
                id: user,
                name,
                email: member.email.to_string(),
                status: member.status,
                action,
            }
        })
        .collect();
    let next_href = next.map(|last| format!("{}?after={last}", group_href(id)));
    let first_href = after.map(|_| group_href(id));
    view! {
        <header class="page-header details-header">
            <div>
                <h1 id="group-title">{group.name.clone()}</h1>
                <p class="subtitle" data-testid="member-count">
                    {move || td_string!(i18n.get_locale(), groups.member_count, count = format::count(i18n.get_locale(), count))}
                </p>
                <p><a href=grid_href>{move || t_string!(i18n, groups.show_in_grid)}</a></p>
            </div>
            <button type="button" class="button danger" disabled=!can_manage on:click=move |_| confirming.set(true)>
                {move || t_string!(i18n, groups.delete)}
            </button>
        </header>
        <form class="filters" on:submit=submit_rename>
            <label for="group-name">{move || t_string!(i18n, groups.rename_label)}</label>
            <input id="group-name" type="text" maxlength="200" node_ref=name_box value=group.name.clone() disabled=!can_manage />
            <button type="submit" class="button" disabled=move || !can_manage || rename.pending().get()>
                {move || t_string!(i18n, groups.rename)}
            </button>
        </form>
        {can_manage.then(|| view! { <AddMember group=id members /> })}
        <PeopleTable caption=move || t_string!(i18n, groups.members).to_owned()
            empty_text=move || t_string!(i18n, groups.no_members).to_owned() people />
        <ForwardPager label=move || t_string!(i18n, groups.pages).to_owned() first_href next_href />
        <Show when=move || confirming.get()>
            <div class="modal-backdrop" on:keydown=move |event: leptos::ev::KeyboardEvent| {
                if event.key() == "Escape" { confirming.set(false); }
            }>
                <div class="modal" role="alertdialog" aria-modal="true" aria-labelledby="delete-group-title" aria-describedby="delete-group-text">
                    <h2 id="delete-group-title">{move || t_string!(i18n, groups.delete_title)}</h2>
                    <p id="delete-group-text">{move || td_string!(i18n.get_locale(), groups.delete_text, count = count)}</p>
                    <div class="modal-actions">
                        <CancelButton on_cancel=Callback::new(move |()| confirming.set(false)) />
                        <button type="button" class="button danger" on:click=move |_| {
                            confirming.set(false);
                            delete.dispatch(DeleteGroup { id: id.get() });
                        }>
                            {move || t_string!(i18n, groups.delete)}
                        </button>
                    </div>
                </div>
            </div>
        </Show>
    }
}

/// The dialog's Cancel, which has the focus when the dialog opens.
#[component]
fn CancelButton(on_cancel: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = button.get() {
            let _ = button.focus();
        }
    });
    view! {
        <button type="button" class="button" node_ref=button on:click=move |_| on_cancel.run(())>
            {move || t_string!(i18n, details.cancel)}
        </button>
    }
}

/// Find users by name or e-mail and add the chosen one.
#[component]
fn AddMember(group: GroupId, members: ServerAction<ChangeGroupMembers>) -> impl IntoView {
    let i18n = use_i18n();
    let words = PickerWords {
        find: |locale| td_string!(locale, groups.find_member),
        choose: |locale| td_string!(locale, groups.choose_member),
        none_found: |locale| td_string!(locale, groups.no_user_found),
        submit: |locale| td_string!(locale, groups.add),
    };
    let add = Callback::new(move |user: i64| {
        members.dispatch(ChangeGroupMembers {
            id: group.get(),
            users: vec![user],
            join: true,
        });
    });
    view! {
        <UserPicker id="member" words offered=Callback::new(|_| true) on_choose=add
            pending=members.pending()>
            <h2>{move || t_string!(i18n, groups.add_title)}</h2>
        </UserPicker>
    }
}
