//! Dates and numbers as each language writes them, computed the same way on the server
//! and in the browser so a hydrated page never disagrees with its server rendering.
//! Times are shown in UTC until admins can choose their time zone.

use crate::i18n::Locale;
use time::OffsetDateTime;

/// `1234567` as `1,234,567` (English and Japanese group digits alike).
pub fn count(_locale: Locale, value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Unix seconds as a date and time to the minute: `24 Nov 2026, 09:05 UTC` in English,
/// `2026年11月24日 09:05 UTC` in Japanese.
pub fn date_time(locale: Locale, seconds: i64) -> String {
    let Ok(at) = OffsetDateTime::from_unix_timestamp(seconds) else {
        return seconds.to_string();
    };
    let (hour, minute) = (at.hour(), at.minute());
    match locale {
        Locale::en => {
            let month = &format!("{:?}", at.month())[..3];
            format!(
                "{} {month} {}, {hour:02}:{minute:02} UTC",
                at.day(),
                at.year()
            )
        }
        Locale::ja => format!(
            "{}年{}月{}日 {hour:02}:{minute:02} UTC",
            at.year(),
            u8::from(at.month()),
            at.day()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_counts_are_grouped_by_thousands() {
        assert_eq!(count(Locale::en, 0), "0");
        assert_eq!(count(Locale::en, 999), "999");
        assert_eq!(count(Locale::ja, 1_000), "1,000");
        assert_eq!(count(Locale::en, 1_234_567), "1,234,567");
    }

    #[test]
    fn dates_are_written_the_way_each_language_writes_them() {
        assert_eq!(
            date_time(Locale::en, 1_795_511_100),
            "24 Nov 2026, 09:05 UTC"
        );
        assert_eq!(
            date_time(Locale::ja, 1_795_511_100),
            "2026年11月24日 09:05 UTC"
        );
        assert_eq!(date_time(Locale::en, 951_782_400), "29 Feb 2000, 00:00 UTC");
        assert_eq!(date_time(Locale::en, -86_400), "31 Dec 1969, 00:00 UTC");
    }
}
