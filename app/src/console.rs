//! The console frame around every signed-in page: the table of console areas (`areas`)
//! that both the navigation and the routes read, the layout with its header
//! (`layout`), the language the console speaks (`language`), and the notices pages
//! share (`notices`).

pub mod areas;
pub mod idle;
pub mod language;
pub mod layout;
pub mod notices;

pub use idle::IdleWarning;
pub use language::LanguageSwitch;
pub use layout::{AdminContext, ConsoleLayout};
pub use notices::{AreaPlaceholder, ErrorNotice, NotFound};

use crate::query_string::encode_component;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};

/// The page's `:id` path segment as a number: 0 when it is not one, which the server
/// answers as an unknown id.
pub fn path_id() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    })
}

/// Marks the page as ready to use (`<body data-hydrated>`) once the part it closes is
/// hydrated: each page places it after its last interactive part, so end-to-end tests
/// wait for that instead of sleeping. Renders nothing.
#[component]
pub fn PageReady() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// Moves the focus to `button` once it is on the page: a dialog opens on its safest
/// choice, so Enter never confirms by accident.
pub fn focus_when_shown(button: NodeRef<leptos::html::Button>) {
    Effect::new(move |_| {
        if let Some(button) = button.get() {
            let _ = button.focus();
        }
    });
}

/// The sign-in path that returns to the current page afterwards.
pub fn sign_in_path() -> String {
    let location = use_location();
    let path = location.pathname.get_untracked();
    let search = location.search.get_untracked();
    let here = match search.trim_start_matches('?') {
        "" => path,
        query => format!("{path}?{query}"),
    };
    format!("/login?next={}", encode_component(&here))
}

/// An on/off switch with its label: the Profile tab's access and the settings' choices.
#[component]
pub fn Switch(
    id: &'static str,
    label: Signal<&'static str>,
    on: Signal<bool>,
    set: Callback<bool>,
    #[prop(into)] disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <label class="toggle" for=id>
            <input
                id=id
                type="checkbox"
                role="switch"
                disabled=disabled
                prop:checked=move || on.get()
                on:change=move |event| set.run(event_target_checked(&event))
            />
            <span>{label}</span>
        </label>
    }
}
