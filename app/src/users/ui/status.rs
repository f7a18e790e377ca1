//! Activate, Suspend and Unlock for the selected rows, and the words of their report.
//! Each is undone by another (a suspended user is activated again), so none asks to
//! confirm.

use super::GridState;
use super::outcome::Report;
use crate::domain::UserId;
use crate::i18n::{Locale, t_string, td_string, use_i18n};
use crate::lang::status_label;
use crate::users::ChangeStatus;
use crate::users::status_change::{StatusAction, StatusReport, UnchangedReason, UnchangedUser};
use leptos::prelude::*;

/// The actions the grid offers for a selection, in the order of its buttons.
const SELECTION_ACTIONS: [StatusAction; 3] = [
    StatusAction::Activate,
    StatusAction::Suspend,
    StatusAction::Unlock,
];

/// A button's label for `action` in `locale`.
pub(super) fn action_label(locale: Locale, action: StatusAction) -> &'static str {
    match action {
        StatusAction::Activate => td_string!(locale, status_change.activate),
        StatusAction::Suspend => td_string!(locale, status_change.suspend),
        StatusAction::Unlock => td_string!(locale, status_change.unlock),
        StatusAction::Deactivate => td_string!(locale, status_change.deactivate),
    }
}

/// Asks the server to apply `action` to `ids`.
pub(super) fn dispatch(state: GridState, action: StatusAction, ids: Vec<UserId>) {
    state.status_action.dispatch(ChangeStatus {
        ids: ids.into_iter().map(UserId::get).collect(),
        action,
    });
}

/// The status buttons for the selected rows, disabled without a selection or without
/// the permission.
#[component]
pub(super) fn SelectionStatusButtons(state: GridState, can_update: bool) -> impl IntoView {
    let i18n = use_i18n();
    let selected = state.selected;
    let pending = state.status_action.pending();
    view! {
        <div class="button-group" role="group" aria-label=move || t_string!(i18n, status_change.group_label)>
            {SELECTION_ACTIONS
                .into_iter()
                .map(|action| view! {
                    <button
                        class="button"
                        type="button"
                        data-action=action.key()
                        title=move || (!can_update).then(|| t_string!(i18n, status_change.no_update_permission))
                        disabled=move || !can_update || pending.get() || selected.read().is_empty()
                        on:click=move |_| dispatch(state, action, selected.get().into_iter().collect())
                    >
                        {move || action_label(i18n.get_locale(), action)}
                    </button>
                })
                .collect_view()}
        </div>
    }
}

/// One line for the admin, e.g. "2 suspended · 1 unchanged: ann@example.com is Locked".
pub fn status_summary(locale: Locale, report: &StatusReport) -> String {
    let count = report.changed.len();
    let changed = match report.action {
        StatusAction::Activate => td_string!(locale, status_change.activated, count = count),
        StatusAction::Suspend => td_string!(locale, status_change.suspended, count = count),
        StatusAction::Unlock => td_string!(locale, status_change.unlocked, count = count),
        StatusAction::Deactivate => td_string!(locale, status_change.deactivated, count = count),
    };
    if report.unchanged.is_empty() {
        return changed;
    }
    let unchanged = td_string!(
        locale,
        status_change.unchanged,
        count = report.unchanged.len()
    );
    let reasons: Vec<String> = report
        .unchanged
        .iter()
        .map(|user| unchanged_text(locale, user))
        .collect();
    format!("{changed} · {unchanged}: {}", reasons.join("; "))
}

fn unchanged_text(locale: Locale, user: &UnchangedUser) -> String {
    let email = user.email.as_str();
    match &user.reason {
        UnchangedReason::NotFrom { status } => {
            let status = status_label(locale, *status);
            td_string!(
                locale,
                status_change.unchanged_not_from,
                email = email,
                status = status
            )
        }
        UnchangedReason::IsYou => td_string!(locale, status_change.unchanged_is_you, email = email),
        UnchangedReason::IsPrimaryAdmin => {
            td_string!(locale, status_change.unchanged_primary_admin, email = email)
        }
        UnchangedReason::NoPassword => {
            td_string!(locale, status_change.unchanged_no_password, email = email)
        }
    }
}

impl Report for StatusReport {
    fn summary(&self, locale: Locale) -> String {
        status_summary(locale, self)
    }

    fn is_complete(&self) -> bool {
        self.unchanged.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Email, UserStatus};

    #[test]
    fn the_summary_names_every_unchanged_user_with_its_reason_in_both_languages() {
        let report = StatusReport {
            action: StatusAction::Suspend,
            changed: vec![UserId::parse(1).unwrap(), UserId::parse(2).unwrap()],
            unchanged: vec![UnchangedUser {
                id: UserId::parse(3).unwrap(),
                email: Email::parse("ann@example.com").unwrap(),
                reason: UnchangedReason::NotFrom {
                    status: UserStatus::Suspended,
                },
            }],
        };
        assert_eq!(
            status_summary(Locale::en, &report),
            "2 suspended · 1 unchanged: ann@example.com is Suspended"
        );
        assert_eq!(
            status_summary(Locale::ja, &report),
            "2人を停止しました · 1人は変更されませんでした: ann@example.com のステータスは「停止中」です"
        );
        let clean = StatusReport {
            action: StatusAction::Activate,
            changed: vec![UserId::parse(1).unwrap()],
            unchanged: vec![],
        };
        assert_eq!(status_summary(Locale::en, &clean), "1 activated");
    }
}
