//! Notices every page shares: an error from the server, an area not built yet, and a
//! path that names nothing.

use super::areas::Area;
use super::sign_in_path;
use crate::error::AppError;
use crate::i18n::{t_string, use_i18n};
use crate::lang::errors::error_text;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;

/// Shows an error from the server in the admin's language; an ended session goes to
/// the sign-in page.
#[component]
pub fn ErrorNotice(
    error: AppError,
    /// Where "Back to the default view" leads, if anywhere.
    #[prop(optional)]
    reset_href: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    match error {
        AppError::Unauthenticated => view! { <Redirect path=sign_in_path() /> }.into_any(),
        error => view! {
            <div class="notice error" role="alert">
                <p>{move || error_text(i18n.get_locale(), &error)}</p>
                {reset_href.map(|href| view! {
                    <a href=href>{move || t_string!(i18n, console.back_to_default)}</a>
                })}
                <super::PageReady />
            </div>
        }
        .into_any(),
    }
}

/// The page of an area that a later release fills in.
#[component]
pub fn AreaPlaceholder() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let area = move || {
        params
            .read()
            .get("area")
            .and_then(|segment| Area::from_segment(&segment))
    };
    move || match area().filter(|area| !area.is_built()) {
        Some(area) => view! {
            <section class="page" aria-labelledby="area-title">
                <header class="page-header">
                    <div>
                        <h1 id="area-title">{move || area.title(i18n.get_locale())}</h1>
                        <p class="subtitle">{move || area.about(i18n.get_locale())}</p>
                    </div>
                </header>
                <div class="notice info">{move || t_string!(i18n, console.coming_soon)}</div>
                <super::PageReady />
            </section>
        }
        .into_any(),
        None => view! { <NotFound /> }.into_any(),
    }
}

/// Any path the console does not know: answered with 404. The caller provides the
/// landmark around it.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <div class="signin">
            <div class="signin-card">
                <h1>{move || t_string!(i18n, console.not_found_title)}</h1>
                <p>{move || t_string!(i18n, console.not_found_text)}</p>
                <a class="button primary" href=Area::Users.path()>
                    {move || t_string!(i18n, console.go_to_users)}
                </a>
            </div>
            <super::PageReady />
        </div>
    }
}
