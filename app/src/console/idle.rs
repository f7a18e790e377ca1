//! The warning a minute before a session ends for inactivity: "Stay signed in" keeps it,
//! "Sign out" ends it now, and at zero the page goes to sign-in (returning here after).
//! The page asks the server how long the session has left (asking is not activity), so
//! requests from other tabs and pages count: the warning shows only when the session
//! really is about to end.

use super::{focus_when_shown, sign_in_path};
use crate::auth::{Logout, session_time_left, stay_signed_in};
use crate::error::AppError;
use crate::i18n::{t_string, use_i18n};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

/// Seconds before the end at which the warning shows.
const WARN_BEFORE_SECS: f64 = 60.0;

/// Milliseconds since the page loaded (0 on the server, which never counts down).
fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        window().performance().map_or(0.0, |clock| clock.now())
    }
    #[cfg(not(feature = "hydrate"))]
    0.0
}

/// The warning, shown over the page when the session has a minute left.
#[component]
pub fn IdleWarning() -> impl IntoView {
    let i18n = use_i18n();
    // When the session ends, in `now_ms` time; unknown until the server says.
    let ends_at = RwSignal::new(None::<f64>);
    let now = RwSignal::new(0.0);
    let shown = RwSignal::new(false);
    let asking = RwSignal::new(false);
    let logout = ServerAction::<Logout>::new();
    let learn = move |answer: Result<i64, AppError>| match answer {
        Ok(secs) => {
            ends_at.set(Some(now_ms() + secs as f64 * 1000.0));
            shown.set(secs as f64 <= WARN_BEFORE_SECS);
        }
        Err(AppError::Unauthenticated) => ends_at.set(Some(now_ms())),
        Err(_) => {}
    };
    let ask = move || {
        asking.set(true);
        spawn_local(async move {
            learn(session_time_left().await);
            asking.set(false);
        });
    };
    Effect::new(move |started: Option<()>| {
        if started.is_none() {
            ask();
            let _ = set_interval_with_handle(move || now.set(now_ms()), Duration::from_secs(1));
        }
    });
    Effect::new(move |_| {
        let (Some(end), now) = (ends_at.get(), now.get()) else {
            return;
        };
        let left = (end - now) / 1000.0;
        if left <= 0.0 {
            let _ = window().location().assign(&sign_in_path());
        } else if left <= WARN_BEFORE_SECS && !shown.get_untracked() && !asking.get_untracked() {
            // Another tab may have kept the session alive meanwhile.
            ask();
        }
    });
    let stay = move || {
        spawn_local(async move { learn(stay_signed_in().await) });
    };
    let seconds_left = move || {
        let left = ends_at.get().map_or(0.0, |end| (end - now.get()) / 1000.0);
        left.max(0.0).ceil() as i64
    };
    let stay_button = NodeRef::<leptos::html::Button>::new();
    focus_when_shown(stay_button);
    move || {
        shown.get().then(|| {
            view! {
                <div
                    class="modal-backdrop"
                    on:keydown=move |event: leptos::ev::KeyboardEvent| {
                        if event.key() == "Escape" {
                            stay();
                        }
                    }
                >
                    <div class="modal" role="alertdialog" aria-modal="true" aria-labelledby="idle-title" aria-describedby="idle-text" data-testid="idle-warning">
                        <h2 id="idle-title">{move || t_string!(i18n, idle.title)}</h2>
                        <p id="idle-text">{move || t_string!(i18n, idle.text, seconds = seconds_left())}</p>
                        <div class="modal-actions">
                            <button type="button" class="button" on:click=move |_| { logout.dispatch(Logout {}); }>
                                {move || t_string!(i18n, console.sign_out)}
                            </button>
                            <button type="button" class="button primary" node_ref=stay_button on:click=move |_| stay()>
                                {move || t_string!(i18n, idle.stay)}
                            </button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
