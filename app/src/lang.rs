//! Saying things in the admin's language. The texts themselves are in
//! `locales/{en,ja}.json` (compiled into the `i18n` module); this module adds what a
//! translation file cannot hold: dates and numbers for a language, the words for a
//! status, and the sentence for each error code.

pub mod errors;
pub mod format;

use crate::domain::UserStatus;
use crate::i18n::{Locale, td_string};

/// The seeds' word for a status: Active / アクティブ, Not Active / 非アクティブ…
pub fn status_label(locale: Locale, status: UserStatus) -> &'static str {
    match status {
        UserStatus::Active => td_string!(locale, status.active),
        UserStatus::NotActive => td_string!(locale, status.not_active),
        UserStatus::Suspended => td_string!(locale, status.suspended),
        UserStatus::Locked => td_string!(locale, status.locked),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_use_the_seeds_words_in_both_languages() {
        assert_eq!(
            status_label(Locale::en, UserStatus::NotActive),
            "Not Active"
        );
        assert_eq!(status_label(Locale::ja, UserStatus::Active), "アクティブ");
        assert_eq!(
            status_label(Locale::ja, UserStatus::NotActive),
            "非アクティブ"
        );
        assert_eq!(status_label(Locale::ja, UserStatus::Suspended), "停止中");
        assert_eq!(status_label(Locale::ja, UserStatus::Locked), "ロック");
    }
}
