//! A bar chart of one figure per day, drawn as SVG when the page is rendered on the
//! server, so it reads without JavaScript: each bar carries its day and value as a
//! tooltip, the chart a one-line summary for screen readers, and the figures are also
//! there as a table.

use crate::i18n::{t_string, td_string, use_i18n};
use crate::lang::format;
use leptos::prelude::*;

/// The chart's drawing area, in its own units (the SVG scales to the page).
pub const WIDTH: u32 = 600;
pub const HEIGHT: u32 = 120;
/// Room left of the bars for the scale's label.
const LEFT: u32 = 40;
const GAP: u32 = 2;

/// One bar, in the chart's units: `y` is its top, measured from the top edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub day: i64,
    pub value: u64,
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// The top of the scale: the smallest of 1, 2 or 5 times a power of ten that is at
/// least `max` (at least 1, so an empty chart has a scale).
pub fn scale_top(max: u64) -> u64 {
    let mut power = 1_u64;
    loop {
        for step in [1, 2, 5] {
            let top = step * power;
            if top >= max {
                return top;
            }
        }
        power = power.saturating_mul(10);
    }
}

/// The bars of `days`, oldest first, side by side over the chart's width.
pub fn bars(days: &[(i64, u64)]) -> Vec<Bar> {
    let top = scale_top(days.iter().map(|(_, value)| *value).max().unwrap_or(0));
    let slot = (WIDTH - LEFT) / (days.len().max(1) as u32);
    days.iter()
        .enumerate()
        .map(|(index, &(day, value))| {
            let height = ((value.min(top) * u64::from(HEIGHT)) / top) as u32;
            Bar {
                day,
                value,
                x: LEFT + index as u32 * slot,
                y: HEIGHT - height,
                width: slot.saturating_sub(GAP).max(1),
                height,
            }
        })
        .collect()
}

/// A chart titled `title` of one value per day; `id` names its parts for assistive
/// technology.
#[component]
pub fn DayChart(id: &'static str, title: Signal<String>, days: Vec<(i64, u64)>) -> impl IntoView {
    let i18n = use_i18n();
    let total: u64 = days.iter().map(|(_, value)| value).sum();
    let top = scale_top(days.iter().map(|(_, value)| *value).max().unwrap_or(0));
    let caption_id = format!("{id}-caption");
    let summary_id = format!("{id}-summary");
    let labelled_by = format!("{caption_id} {summary_id}");
    let peak = days
        .iter()
        .copied()
        .max_by_key(|&(day, value)| (value, day))
        .filter(|&(_, value)| value > 0);
    let summary = move || {
        let locale = i18n.get_locale();
        match peak {
            Some((day, value)) => td_string!(
                locale,
                dashboard.chart_summary,
                total = format::count(locale, total),
                most = format::count(locale, value),
                day = format::day(locale, day)
            ),
            None => td_string!(locale, dashboard.chart_empty).to_owned(),
        }
    };
    let drawn = bars(&days)
        .into_iter()
        .map(|bar| {
            let Bar {
                day,
                value,
                x,
                y,
                width,
                height,
            } = bar;
            view! {
                <rect class="bar" x=x y=y width=width height=height>
                    <title>{move || format!("{}: {}", format::day(i18n.get_locale(), day), format::count(i18n.get_locale(), value))}</title>
                </rect>
            }
        })
        .collect_view();
    let rows = days
        .iter()
        .rev()
        .map(|&(day, value)| {
            view! {
                <tr>
                    <th scope="row">{move || format::day(i18n.get_locale(), day)}</th>
                    <td>{move || format::count(i18n.get_locale(), value)}</td>
                </tr>
            }
        })
        .collect_view();
    let view_box = format!("0 0 {WIDTH} {}", HEIGHT + 2);
    view! {
        <figure class="chart">
            <figcaption id=caption_id>{title}</figcaption>
            <svg viewBox=view_box role="img" aria-labelledby=labelled_by>
                <desc id=summary_id>{summary}</desc>
                <line class="axis" x1=LEFT y1=HEIGHT x2=WIDTH y2=HEIGHT />
                <text class="scale" x="0" y="10">{move || format::count(i18n.get_locale(), top)}</text>
                <text class="scale" x="0" y=HEIGHT>"0"</text>
                {drawn}
            </svg>
            <details>
                <summary>{move || t_string!(i18n, dashboard.as_table)}</summary>
                <table class="grid compact">
                    <caption class="sr-only">{title}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{move || t_string!(i18n, dashboard.column_day)}</th>
                            <th scope="col">{move || t_string!(i18n, dashboard.column_value)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_rounds_up_to_one_two_or_five_times_a_power_of_ten() {
        let tops: Vec<u64> = [0, 1, 2, 3, 7, 10, 11, 180, 1_000_001]
            .into_iter()
            .map(scale_top)
            .collect();
        assert_eq!(tops, [1, 1, 2, 5, 10, 10, 20, 200, 2_000_000]);
    }

    #[test]
    fn bars_stand_side_by_side_as_tall_as_their_share_of_the_scale() {
        let drawn = bars(&[(1, 0), (2, 5), (3, 10)]);
        let slot = (WIDTH - LEFT) / 3;
        let heights: Vec<u32> = drawn.iter().map(|bar| bar.height).collect();
        assert_eq!(heights, [0, HEIGHT / 2, HEIGHT]);
        assert_eq!(drawn[2].x, LEFT + 2 * slot);
        assert_eq!(drawn[2].y, 0);
        assert_eq!(drawn[0].y, HEIGHT);
        assert!(drawn.iter().all(|bar| bar.width == slot - GAP));
    }
}
