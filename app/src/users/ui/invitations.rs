//! Resend invitation for the selected rows, and the words of its report: each Not
//! Active user gets a new sign-up link; the others are counted as left alone.

use super::GridState;
use super::outcome::Report;
use crate::enrollment::{InvitationsResent, ResendInvitations};
use crate::i18n::{Locale, t_string, td_string, use_i18n};
use leptos::prelude::*;

/// The grid's Resend invitation button, disabled without a selection or without the
/// permission.
#[component]
pub(super) fn ResendSelected(state: GridState, can_invite: bool) -> impl IntoView {
    let i18n = use_i18n();
    let selected = state.selected;
    let resend = state.resend_action;
    view! {
        <button
            class="button"
            type="button"
            data-action="resend-invitation"
            title=move || (!can_invite).then(|| t_string!(i18n, invite.no_invite_permission))
            disabled=move || !can_invite || resend.pending().get() || selected.read().is_empty()
            on:click=move |_| {
                resend.dispatch(ResendInvitations {
                    ids: selected.get().into_iter().map(|id| id.get()).collect(),
                });
            }
        >
            {move || t_string!(i18n, invite.resend)}
        </button>
    }
}

impl Report for InvitationsResent {
    /// E.g. "Invitations sent again: 2 · left alone: 1 (only Not Active users are invited)".
    fn summary(&self, locale: Locale) -> String {
        let resent = td_string!(locale, invite.resent_count, count = self.resent.len());
        if self.not_invited.is_empty() {
            return resent;
        }
        let skipped = td_string!(
            locale,
            invite.not_invited_count,
            count = self.not_invited.len()
        );
        format!("{resent} · {skipped}")
    }

    fn is_complete(&self) -> bool {
        self.not_invited.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UserId;

    #[test]
    fn the_summary_counts_the_new_links_and_the_users_left_alone() {
        let id = |n| UserId::parse(n).unwrap();
        let report = InvitationsResent {
            resent: vec![id(1), id(2)],
            not_invited: vec![id(3)],
        };
        assert_eq!(
            report.summary(Locale::en),
            "Invitations sent again: 2 · left alone: 1 (only Not Active users are invited)"
        );
        assert!(!report.is_complete());
    }
}
