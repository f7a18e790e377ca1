//! The keys a user is sorted and found by, computed here and nowhere else: the name
//! sort key, the last-name key, and the search text that substring search looks in.
//! All of them are folded the same way as a search is, so a search for "jose" finds
//! "José" and "ＪＯＳＥ" alike.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Whether `c` is a Latin, Greek or Cyrillic letter, whose accents are dropped. Other
/// scripts keep their marks (a Japanese voiced mark changes the letter; it is no accent).
fn drops_accents(c: char) -> bool {
    matches!(c, '\0'..='\u{052F}' | '\u{1E00}'..='\u{1FFF}')
}

/// `text` folded for matching: compatibility forms unified (full-width letters become
/// ASCII), accents of Latin, Greek and Cyrillic letters dropped, lower-cased.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.nfkc() {
        if drops_accents(c) {
            folded.extend(
                c.to_string()
                    .nfd()
                    .filter(|part| !is_combining_mark(*part))
                    .flat_map(char::to_lowercase),
            );
        } else {
            folded.extend(c.to_lowercase());
        }
    }
    folded
}

/// The sort and search keys of one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserKeys {
    /// "first last", folded: the name sort key and a prefix-search key.
    pub name_key: String,
    /// The last name, folded: a prefix-search key.
    pub last_key: String,
    /// "first last", a line break, and the e-mail, folded: what substring search looks
    /// in. The line break cannot be typed into a search, so no match spans both.
    pub search_text: String,
}

impl UserKeys {
    pub fn of(first_name: &str, last_name: &str, email: &str) -> Self {
        let name_key = fold(&format!("{first_name} {last_name}"));
        Self {
            search_text: format!("{name_key}\n{}", fold(email)),
            last_key: fold(last_name),
            name_key,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accents_case_and_full_width_letters_fold_away() {
        assert_eq!(fold("José Müller"), "jose muller");
        assert_eq!(fold("ＪＯＳＥ"), "jose");
        assert_eq!(fold("Łukasz Dvořák"), "łukasz dvorak");
        assert_eq!(fold("Ἀθηνᾶ"), "αθηνα");
    }

    #[test]
    fn japanese_keeps_its_voiced_marks() {
        assert_eq!(fold("ガ"), "ガ");
        assert_ne!(fold("ガ"), fold("カ"));
        assert_eq!(
            fold("ｶﾞ"),
            "ガ",
            "half-width kana become their full-width letter"
        );
        assert_eq!(fold("佐藤"), "佐藤");
    }

    #[test]
    fn the_search_text_holds_the_full_name_and_the_email_on_two_lines() {
        let keys = UserKeys::of("Zoë", "Ramírez", "zoe.ramirez@example.com");
        assert_eq!(keys.name_key, "zoe ramirez");
        assert_eq!(keys.last_key, "ramirez");
        assert_eq!(keys.search_text, "zoe ramirez\nzoe.ramirez@example.com");
    }

    proptest! {
        #[test]
        fn folding_twice_changes_nothing_more(text in "\\PC{0,30}") {
            let once = fold(&text);
            prop_assert_eq!(fold(&once), once.clone());
        }
    }
}
