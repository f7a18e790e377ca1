//! The User Settings page: one section per part of the account's settings, each its
//! own form, saved on its own. Loaded as its own piece of the wasm.

mod sign_in_security;

use crate::console::areas::Area;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};
use sign_in_security::SignInSecuritySection;

/// `/user-settings`, split from the rest of the console's code.
pub struct UserSettingsRoute;

#[lazy_route]
impl LazyRoute for UserSettingsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <UserSettingsPage /> }.into_any()
    }
}

/// User Management > User Settings.
#[component]
fn UserSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page" aria-labelledby="user-settings-title">
            <header class="page-header">
                <div>
                    <h1 id="user-settings-title">{move || Area::UserSettings.title(i18n.get_locale())}</h1>
                    <p class="subtitle">{move || Area::UserSettings.about(i18n.get_locale())}</p>
                </div>
            </header>
            <SignInSecuritySection />
        </section>
    }
}
