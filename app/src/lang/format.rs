//! Dates and numbers as each language writes them, computed the same way on the server
//! and in the browser so a hydrated page never disagrees with its server rendering.
//! Times are shown in the browser's time zone once the page has hydrated (`LocalTime`).

use crate::i18n::Locale;
use leptos::prelude::*;
use time::{OffsetDateTime, UtcOffset};

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

/// Unix seconds as a date and time to the minute, `offset_minutes` east of UTC:
/// `24 Nov 2026, 18:05 UTC+9` in English, `2026年11月24日 18:05 UTC+9` in Japanese.
pub fn date_time(locale: Locale, seconds: i64, offset_minutes: i32) -> String {
    let offset =
        UtcOffset::from_whole_seconds(offset_minutes.saturating_mul(60)).unwrap_or(UtcOffset::UTC);
    let Ok(at) = OffsetDateTime::from_unix_timestamp(seconds).map(|at| at.to_offset(offset)) else {
        return seconds.to_string();
    };
    let (hour, minute) = (at.hour(), at.minute());
    let zone = zone_name(offset);
    match locale {
        Locale::en => {
            let month = &format!("{:?}", at.month())[..3];
            format!(
                "{} {month} {}, {hour:02}:{minute:02} {zone}",
                at.day(),
                at.year()
            )
        }
        Locale::ja => format!(
            "{}年{}月{}日 {hour:02}:{minute:02} {zone}",
            at.year(),
            u8::from(at.month()),
            at.day()
        ),
    }
}

/// A day counted from 1 January 1970 (UTC) as its date: `24 Nov` in English,
/// `11月24日` in Japanese.
pub fn day(locale: Locale, day: i64) -> String {
    let Ok(at) = OffsetDateTime::from_unix_timestamp(day.saturating_mul(86_400)) else {
        return day.to_string();
    };
    match locale {
        Locale::en => format!("{} {}", at.day(), &format!("{:?}", at.month())[..3]),
        Locale::ja => format!("{}月{}日", u8::from(at.month()), at.day()),
    }
}

/// `UTC`, `UTC+9`, `UTC+5:30`, `UTC-3:30`.
fn zone_name(offset: UtcOffset) -> String {
    let (hours, minutes, _) = offset.as_hms();
    let sign = if offset.is_negative() { '-' } else { '+' };
    match (hours.unsigned_abs(), minutes.unsigned_abs()) {
        (0, 0) => "UTC".to_owned(),
        (hours, 0) => format!("UTC{sign}{hours}"),
        (hours, minutes) => format!("UTC{sign}{hours}:{minutes:02}"),
    }
}

/// Times in the browser's time zone, which is the admin's. The server knows no zone and
/// writes UTC; the browser writes UTC too while it hydrates, so the two agree, and turns
/// to local time right after, before the page is painted.
#[derive(Clone, Copy)]
pub struct LocalTime {
    hydrated: ReadSignal<bool>,
}

/// Local time for the component that calls it, from the moment it has hydrated or mounted.
pub fn use_local_time() -> LocalTime {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    LocalTime { hydrated }
}

impl LocalTime {
    /// `seconds` as a date and time in the browser's zone (tracked: it changes once, when
    /// the component has hydrated).
    pub fn date_time(self, locale: Locale, seconds: i64) -> String {
        let offset = if self.hydrated.get() {
            browser_offset_minutes(seconds)
        } else {
            0
        };
        date_time(locale, seconds, offset)
    }
}

/// Minutes east of UTC in the browser's zone at that moment (so summer time is right).
#[cfg(feature = "hydrate")]
fn browser_offset_minutes(seconds: i64) -> i32 {
    use web_sys::js_sys::Date;
    use web_sys::wasm_bindgen::JsValue;
    let date = Date::new(&JsValue::from_f64(seconds as f64 * 1000.0));
    -(date.get_timezone_offset() as i32)
}

#[cfg(not(feature = "hydrate"))]
fn browser_offset_minutes(_seconds: i64) -> i32 {
    0
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
    fn a_day_is_its_date_without_the_year() {
        let day = 1_795_511_100 / 86_400;
        assert_eq!(super::day(Locale::en, day), "24 Nov");
        assert_eq!(super::day(Locale::ja, day), "11月24日");
    }

    #[test]
    fn dates_are_written_the_way_each_language_writes_them() {
        assert_eq!(
            date_time(Locale::en, 1_795_511_100, 0),
            "24 Nov 2026, 09:05 UTC"
        );
        assert_eq!(
            date_time(Locale::ja, 1_795_511_100, 0),
            "2026年11月24日 09:05 UTC"
        );
        assert_eq!(
            date_time(Locale::en, 951_782_400, 0),
            "29 Feb 2000, 00:00 UTC"
        );
        assert_eq!(date_time(Locale::en, -86_400, 0), "31 Dec 1969, 00:00 UTC");
    }

    #[test]
    fn a_time_zone_moves_the_clock_and_the_day_and_names_its_offset() {
        assert_eq!(
            date_time(Locale::en, 1_795_511_100, 9 * 60),
            "24 Nov 2026, 18:05 UTC+9"
        );
        assert_eq!(
            date_time(Locale::ja, 1_795_511_100, 9 * 60),
            "2026年11月24日 18:05 UTC+9"
        );
        assert_eq!(
            date_time(Locale::en, 1_795_511_100, 5 * 60 + 30),
            "24 Nov 2026, 14:35 UTC+5:30"
        );
        assert_eq!(
            date_time(Locale::en, 1_795_511_100, -(9 * 60 + 30)),
            "23 Nov 2026, 23:35 UTC-9:30"
        );
    }

    #[test]
    fn an_offset_no_zone_has_falls_back_to_utc() {
        assert_eq!(
            date_time(Locale::en, 1_795_511_100, 30 * 60),
            "24 Nov 2026, 09:05 UTC"
        );
    }
}
