//! The Sessions/Devices tab: the user's live sessions across every workspace, each with
//! Kill Session, which ends it at once and without asking (seeds 001: "immediately and
//! abruptly"); Kill all sessions ends every one. An optional reason typed above the
//! table goes with either kill to the user's e-mail and the audit log. Ending the
//! admin's own session signs them out.

use super::Actions;
use crate::domain::{SessionId, UserId};
use crate::i18n::{Locale, t_string, td_string, use_i18n};
use crate::lang::format::use_local_time;
use crate::users::sessions::{
    DeviceKind, EndSessions, MAX_KILL_REASON_CHARS, SessionInfo, list_user_sessions,
};
use crate::users::ui::outcome::ActionOutcome;
use leptos::prelude::*;

/// "Chrome 120 · Windows 10", or as much of it as the User-Agent said.
pub fn browser_and_os(session: &SessionInfo) -> String {
    [session.browser.as_str(), session.os.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A device kind's word in `locale`.
pub fn device_label(locale: Locale, kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::Desktop => td_string!(locale, details.device_desktop),
        DeviceKind::Mobile => td_string!(locale, details.device_mobile),
        DeviceKind::Tablet => td_string!(locale, details.device_tablet),
        DeviceKind::Other => td_string!(locale, details.device_other),
    }
}

#[component]
pub(super) fn SessionsTab(user: UserId, can_kill: bool, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let end = actions.end_sessions;
    let sessions = Resource::new(
        move || (end.version().get(), actions.status.version().get()),
        move |_| list_user_sessions(user.get()),
    );
    // Ending the admin's own session signs them out: the next page is the sign-in page.
    let ending_yours = RwSignal::new(false);
    Effect::new(move |_| {
        if matches!(end.value().get(), Some(Ok(_))) && ending_yours.get_untracked() {
            let _ = window().location().set_href("/login");
        }
    });
    // The reason stays typed after a refusal and is cleared once a kill that carried it
    // went through (unless the admin has typed another meanwhile).
    let reason = RwSignal::new(String::new());
    let sent = RwSignal::new(String::new());
    Effect::new(move |_| {
        if matches!(end.value().get(), Some(Ok(_)))
            && reason.get_untracked() == sent.get_untracked()
        {
            reason.set(String::new());
        }
    });
    let kill = move |session: Option<SessionId>, yours: bool| {
        ending_yours.set(yours);
        let said = reason.get_untracked();
        sent.set(said.clone());
        end.dispatch(EndSessions {
            user: user.get(),
            session: session.map(SessionId::get),
            reason: (!said.trim().is_empty()).then_some(said),
        });
    };
    let pending = end.pending();
    view! {
        <p class="muted" data-testid="sessions-platform-note">
            {move || t_string!(i18n, details.sessions_platform_note)}
        </p>
        {(!can_kill).then(|| view! {
            <p class="notice info">{move || t_string!(i18n, details.no_kill_permission)}</p>
        })}
        {can_kill.then(|| view! {
            <div class="field kill-reason">
                <label for="kill-reason">{move || t_string!(i18n, details.kill_reason)}</label>
                <textarea
                    id="kill-reason"
                    rows="2"
                    maxlength=MAX_KILL_REASON_CHARS
                    aria-describedby="kill-reason-hint"
                    prop:value=move || reason.get()
                    on:input=move |event| reason.set(event_target_value(&event))
                ></textarea>
                <p id="kill-reason-hint" class="hint">
                    {move || t_string!(i18n, details.kill_reason_hint)}
                </p>
            </div>
        })}
        <ActionOutcome answer=end.value() test_id="sessions-outcome" />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match sessions.await {
                    Ok(list) => {
                        let any_yours = list.iter().any(|session| session.is_yours);
                        let empty = list.is_empty();
                        view! {
                            <div class="tab-actions">
                                <button
                                    type="button"
                                    class="button danger"
                                    disabled=move || !can_kill || empty || pending.get()
                                    on:click=move |_| kill(None, any_yours)
                                >
                                    {move || t_string!(i18n, details.kill_all)}
                                </button>
                            </div>
                            <SessionTable list can_kill pending kill />
                        }
                        .into_any()
                    }
                    Err(error) => view! { <crate::console::ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SessionTable(
    list: Vec<SessionInfo>,
    can_kill: bool,
    pending: Memo<bool>,
    kill: impl Fn(Option<SessionId>, bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let clock = use_local_time();
    if list.is_empty() {
        return view! { <p class="empty">{move || t_string!(i18n, details.no_sessions)}</p> }
            .into_any();
    }
    let rows = list
        .into_iter()
        .map(|session| {
            let id = session.id;
            let yours = session.is_yours;
            let details = browser_and_os(&session);
            view! {
                <tr data-session-id=id.get()>
                    <td>
                        {format!("#{id}")}
                        {yours.then(|| view! {
                            <span class="badge">{move || t_string!(i18n, details.your_session)}</span>
                        })}
                    </td>
                    <td>
                        <span class="device">{move || device_label(i18n.get_locale(), session.device)}</span>
                        <span class="muted">" "{details}</span>
                    </td>
                    <td>{session.ip.clone().unwrap_or_else(|| "—".to_owned())}</td>
                    <td class="muted">{move || clock.date_time(i18n.get_locale(), session.signed_in_at)}</td>
                    <td class="muted">{move || clock.date_time(i18n.get_locale(), session.last_seen_at)}</td>
                    <td class="col-actions">
                        <button
                            type="button"
                            class="button small danger"
                            aria-label=move || t_string!(i18n, details.kill_one, id = id.get())
                            disabled=move || !can_kill || pending.get()
                            on:click=move |_| kill(Some(id), yours)
                        >
                            {move || t_string!(i18n, details.kill)}
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="grid">
                <caption class="sr-only">{move || t_string!(i18n, details.sessions_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || t_string!(i18n, details.column_session)}</th>
                        <th scope="col">{move || t_string!(i18n, details.column_device)}</th>
                        <th scope="col">{move || t_string!(i18n, details.column_ip)}</th>
                        <th scope="col">{move || t_string!(i18n, details.column_signed_in)}</th>
                        <th scope="col">{move || t_string!(i18n, details.column_last_activity)}</th>
                        <th scope="col" class="col-actions">
                            <span class="sr-only">{move || t_string!(i18n, users.column_actions)}</span>
                        </th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
