//! The line under the toolbar that says what the last bulk action did, or why it was
//! refused: one component for Delete Selected and status changes alike.

use crate::error::AppError;
use crate::i18n::{Locale, use_i18n};
use crate::lang::errors::error_text;
use leptos::prelude::*;

/// A bulk action's answer, as its outcome line reads it.
pub(super) trait Report: Clone + Send + Sync + 'static {
    /// One line for the admin in `locale`.
    fn summary(&self, locale: Locale) -> String;
    /// Whether every selected user was acted on (else the line is a warning).
    fn is_complete(&self) -> bool;
}

/// What the last action answered: its report, or the error in the admin's language.
#[component]
pub(super) fn ActionOutcome<R: Report>(
    #[prop(into)] answer: Signal<Option<Result<R, AppError>>>,
    test_id: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        answer.get().map(|outcome| match outcome {
            Ok(report) => {
                let class = if report.is_complete() {
                    "notice success"
                } else {
                    "notice warning"
                };
                view! {
                    <div class=class role="status" data-testid=test_id>
                        {move || report.summary(i18n.get_locale())}
                    </div>
                }
                .into_any()
            }
            Err(error) => view! {
                <div class="notice error" role="alert" data-testid=test_id>
                    {move || error_text(i18n.get_locale(), &error)}
                </div>
            }
            .into_any(),
        })
    }
}
