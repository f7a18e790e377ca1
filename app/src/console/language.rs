//! Which language the console speaks: the admin's choice, remembered in a cookie the
//! server sets, else what the browser asks for. The switch is a plain form, so it works
//! on pages that carry no code (the sign-in page) as well as on hydrated ones.

use crate::error::AppError;
use crate::i18n::{Locale, t_string, use_i18n};
use leptos::prelude::*;
use leptos_i18n::Locale as _;

/// The cookie that remembers the language an admin chose.
pub const LANGUAGE_COOKIE: &str = "roster_language";
/// How long the choice is remembered: a year.
#[cfg(feature = "ssr")]
const LANGUAGE_COOKIE_MAX_AGE_SECS: i64 = 365 * 24 * 60 * 60;

/// The locale `code` names (`en`, `ja`).
#[cfg(feature = "ssr")]
fn parse_locale(code: &str) -> Option<Locale> {
    Locale::get_all()
        .iter()
        .copied()
        .find(|locale| locale.as_str() == code)
}

/// The languages this request accepts, best first, as an `Accept-Language` value: the
/// admin's choice (the cookie), then the browser's. The i18n provider asks this on the
/// server; in the browser it reads the page's `lang` instead.
#[cfg(feature = "ssr")]
pub fn accepted_languages() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let chosen = parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == LANGUAGE_COOKIE)
        .and_then(|cookie| parse_locale(cookie.value()));
    let browser = parts
        .headers
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    match (chosen, browser) {
        (Some(locale), Some(browser)) => Some(format!("{},{browser}", locale.as_str())),
        (Some(locale), None) => Some(locale.as_str().to_owned()),
        (None, browser) => browser.map(str::to_owned),
    }
}

/// The language this request is answered in: the first of `accepted_languages` that
/// the console speaks, else English. (Server-side text, such as e-mail, uses it.)
#[cfg(feature = "ssr")]
pub fn request_locale() -> Locale {
    accepted_languages()
        .into_iter()
        .flat_map(|header| {
            header
                .split(',')
                .filter_map(|part| {
                    let tag = part.split(';').next()?.trim();
                    parse_locale(tag.split('-').next()?)
                })
                .collect::<Vec<_>>()
        })
        .next()
        .unwrap_or(Locale::en)
}

/// Remembers `locale` as the language of this browser's console.
#[server(prefix = "/api", endpoint = "set_language")]
pub async fn set_language(locale: String) -> Result<(), AppError> {
    use crate::error::Problem;
    let chosen = parse_locale(&locale).ok_or_else(|| {
        let allowed = Locale::get_all()
            .iter()
            .map(|l| l.as_str().to_owned())
            .collect();
        AppError::invalid(
            "locale",
            Problem::UnknownValue {
                value: locale,
                allowed,
            },
        )
    })?;
    let secure = crate::state::app_state()?.secure_cookies;
    let cookie = cookie::Cookie::build((LANGUAGE_COOKIE, chosen.as_str()))
        .path("/")
        .max_age(cookie::time::Duration::seconds(
            LANGUAGE_COOKIE_MAX_AGE_SECS,
        ))
        .same_site(cookie::SameSite::Lax)
        .secure(secure)
        .build();
    let response = use_context::<leptos_axum::ResponseOptions>().ok_or(AppError::Internal)?;
    let value = http::HeaderValue::from_str(&cookie.to_string()).map_err(|_| AppError::Internal)?;
    response.append_header(http::header::SET_COOKIE, value);
    Ok(())
}

/// Switches the console between English and Japanese. Without code on the page, the
/// form posts and the server answers with the same page in the other language; with
/// code, the page switches at once and the server remembers the choice.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let remember = ServerAction::<SetLanguage>::new();
    let other = move || match i18n.get_locale() {
        Locale::en => Locale::ja,
        Locale::ja => Locale::en,
    };
    let other_name = move || match other() {
        Locale::en => t_string!(i18n, language.en),
        Locale::ja => t_string!(i18n, language.ja),
    };
    let switch = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let locale = other();
        remember.dispatch(SetLanguage {
            locale: locale.as_str().to_owned(),
        });
        i18n.set_locale(locale);
    };
    view! {
        <form class="language-switch" method="post" action="/api/set_language" on:submit=switch>
            <input type="hidden" name="locale" value=move || other().as_str() />
            <button
                type="submit"
                class="button subtle"
                lang=move || other().as_str()
                aria-label=move || format!("{}: {}", t_string!(i18n, language.label), other_name())
            >
                {other_name}
            </button>
        </form>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn only_the_console_languages_are_locales() {
        assert_eq!(parse_locale("ja"), Some(Locale::ja));
        assert_eq!(parse_locale("en"), Some(Locale::en));
        assert_eq!(parse_locale("fr"), None);
        assert_eq!(parse_locale("JA"), None);
    }
}
