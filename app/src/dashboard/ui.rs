//! The Dashboard page: the user overview as tiles that lead to the users they count,
//! when the slower figures were counted, two charts of the last 30 days, and the live
//! activity (for admins who may read the audit log). Its own piece of the wasm.

use super::activity::{ActivityEntry, Subject, recent_activity};
use super::chart::DayChart;
use super::{Overview, dashboard_overview};
use crate::audit::ui::action_label;
use crate::console::areas::Area;
use crate::console::{AdminContext, ErrorNotice, PageReady};
use crate::domain::{Permission, UserStatus};
use crate::i18n::{t_string, td_string, use_i18n};
use crate::lang::format::{self, use_local_time};
use crate::lang::status_label;
use crate::users::query::GridParams;
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// `/dashboard`, split from the rest of the console's code.
pub struct DashboardRoute;

#[lazy_route]
impl LazyRoute for DashboardRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <DashboardPage /> }.into_any()
    }
}

/// The Users grid showing what a tile counts.
fn grid_href(params: GridParams) -> String {
    format!("{}{}", Area::Users.path(), params.to_query_string())
}

/// The landing page: the account's user overview.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let overview = Resource::new(|| (), |_| dashboard_overview());
    view! {
        <section class="page" aria-labelledby="dashboard-title">
            <header class="page-header">
                <div>
                    <h1 id="dashboard-title">{move || Area::Dashboard.title(i18n.get_locale())}</h1>
                    <p class="subtitle">{move || Area::Dashboard.about(i18n.get_locale())}</p>
                </div>
            </header>
            <Transition fallback=move || view! { <p class="loading">{move || t_string!(i18n, dashboard.loading)}</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(overview) => view! { <OverviewView overview /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
            <ActivityFeed />
        </section>
    }
}

/// One figure of the overview, leading to what it counts when it can.
#[component]
fn Tile(
    label: Signal<String>,
    value: u64,
    href: Option<String>,
    test_id: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let shown = move || format::count(i18n.get_locale(), value);
    view! {
        <div class="tile" data-testid=test_id>
            <dt>{label}</dt>
            <dd>
                {match href {
                    Some(href) => view! { <a href=href>{shown}</a> }.into_any(),
                    None => view! { <span>{shown}</span> }.into_any(),
                }}
            </dd>
        </div>
    }
}

#[component]
fn OverviewView(overview: Overview) -> impl IntoView {
    let i18n = use_i18n();
    let local = use_local_time();
    let status_tiles = UserStatus::ALL
        .into_iter()
        .map(|status| {
            let href = grid_href(GridParams {
                status: Some(status.slug().to_owned()),
                ..GridParams::default()
            });
            view! {
                <Tile label=Signal::derive(move || status_label(i18n.get_locale(), status).to_owned()) value=overview.users(status)
                    href=Some(href) test_id=status.slug() />
            }
        })
        .collect_view();
    let dormant_href = grid_href(GridParams {
        sort: Some("last_login".to_owned()),
        dir: Some("asc".to_owned()),
        ..GridParams::default()
    });
    let counted_at = overview.snapshot.counted_at;
    let new_users: Vec<(i64, u64)> = overview
        .days
        .iter()
        .map(|day| (day.day, day.new_users))
        .collect();
    let sign_ins: Vec<(i64, u64)> = overview
        .days
        .iter()
        .map(|day| (day.day, day.sign_ins))
        .collect();
    view! {
        <h2>{move || t_string!(i18n, dashboard.users_title)}</h2>
        <dl class="tiles">
            {status_tiles}
            <Tile label=Signal::derive(move || t_string!(i18n, dashboard.invitations_pending).to_owned())
                value=overview.users(UserStatus::NotActive)
                href=Some(Area::Invite.path().to_owned()) test_id="invitations" />
            <Tile label=Signal::derive(move || t_string!(i18n, dashboard.requests_waiting).to_owned())
                value=overview.requests_waiting href=Some(Area::Approvals.path().to_owned())
                test_id="requests" />
            <Tile label=Signal::derive(move || t_string!(i18n, dashboard.dormant).to_owned())
                value=overview.snapshot.dormant_users href=Some(dormant_href) test_id="dormant" />
            <Tile label=Signal::derive(move || t_string!(i18n, dashboard.active_sessions).to_owned())
                value=overview.snapshot.active_sessions href=None test_id="active-sessions" />
        </dl>
        <p class="hint" data-testid="counted-at">
            {move || td_string!(i18n.get_locale(), dashboard.counted_at, at = local.date_time(i18n.get_locale(), counted_at))}
        </p>
        <h2>{move || t_string!(i18n, dashboard.days_title)}</h2>
        <div class="charts">
            <DayChart id="new-users" title=Signal::derive(move || t_string!(i18n, dashboard.new_users).to_owned()) days=new_users />
            <DayChart id="sign-ins" title=Signal::derive(move || t_string!(i18n, dashboard.sign_ins).to_owned()) days=sign_ins />
        </div>
    }
}

/// The live activity, for admins who may read the audit log: the newest events, then
/// each new one at the top as the server sends it.
#[component]
fn ActivityFeed() -> impl IntoView {
    let i18n = use_i18n();
    let recent = Resource::new(|| (), |_| recent_activity());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let can_read = AdminContext::can(Permission::AuditRead).await;
                match recent.await {
                    Ok(entries) => view! {
                        <h2 id="activity-title">{move || t_string!(i18n, dashboard.activity_title)}</h2>
                        <LiveList entries />
                        <PageReady />
                    }.into_any(),
                    Err(_) if !can_read => view! { <PageReady /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn LiveList(entries: Vec<ActivityEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let local = use_local_time();
    let newest = entries.first().map_or(0, |entry| entry.id);
    let list = RwSignal::new(entries);
    Effect::new(move |started: Option<()>| {
        if started.is_none() {
            #[cfg(feature = "hydrate")]
            listen(list, newest);
            #[cfg(not(feature = "hydrate"))]
            let _ = newest;
        }
    });
    view! {
        <ol class="activity" aria-labelledby="activity-title" aria-live="polite" data-testid="activity">
            <For each=move || list.get() key=|entry| entry.id let:entry>
                <li>
                    <time>{move || local.date_time(i18n.get_locale(), entry.at)}</time>
                    " "
                    <span class="actor">{entry.actor.clone()}</span>
                    " · "
                    <span class="action">{move || action_label(i18n.get_locale(), entry.action)}</span>
                    " · "
                    {match entry.subject.and_then(Subject::href) {
                        Some(href) => view! { <a href=href>{entry.target.clone()}</a> }.into_any(),
                        None => view! { <span>{entry.target.clone()}</span> }.into_any(),
                    }}
                </li>
            </For>
        </ol>
        {move || list.read().is_empty().then(|| view! {
            <p class="empty">{move || t_string!(i18n, dashboard.no_activity)}</p>
        })}
    }
}

/// Puts each event the server streams after event `after` into `list`, keeping the
/// newest `SHOWN`; the connection is remade up to five times if it drops, and closed
/// when the page goes.
#[cfg(feature = "hydrate")]
fn listen(list: RwSignal<Vec<ActivityEntry>>, after: i64) {
    use super::activity::SHOWN;
    use codee::Decoder;
    use codee::string::JsonSerdeCodec;
    use leptos::wasm_bindgen::JsCast;
    use leptos_use::{
        ReconnectLimit, UseEventSourceOnEventReturn, UseEventSourceOptions,
        use_event_source_with_options,
    };
    let on_event = move |event: &web_sys::Event| {
        if event.type_() != "activity" {
            return UseEventSourceOnEventReturn::ProcessMessage;
        }
        let data = event
            .dyn_ref::<web_sys::MessageEvent>()
            .and_then(|message| message.data().as_string());
        if let Some(entry) =
            data.and_then(|text| <JsonSerdeCodec as Decoder<ActivityEntry>>::decode(&text).ok())
        {
            // Newest first by id, each once: a reconnection sends again what came
            // after the page was read, and what has scrolled off stays off.
            list.update(|list| {
                list.push(entry);
                list.sort_by_key(|shown| std::cmp::Reverse(shown.id));
                list.dedup_by_key(|shown| shown.id);
                list.truncate(SHOWN);
            });
        }
        UseEventSourceOnEventReturn::IgnoreProcessingMessage
    };
    let options = UseEventSourceOptions::default()
        .named_events(["activity".to_owned()])
        // A dropped connection is made again a few times, not for ever: a stream
        // refused (signed out, or no longer allowed) is not asked for again and again.
        .reconnect_limit(ReconnectLimit::Limited(5))
        .on_event(on_event);
    let url = format!("/api/activity_stream?after={after}");
    let _ = use_event_source_with_options::<ActivityEntry, JsonSerdeCodec>(url.as_str(), options);
}
