//! The Delete Selected confirmation and the words of its report.

use super::outcome::Report;
use crate::console::focus_when_shown;
use crate::domain::UserId;
use crate::i18n::{Locale, t_string, td_string, use_i18n};
use crate::users::DeleteUsers;
use crate::users::deletion::{DeleteReport, KeptReason, KeptUser};
use leptos::prelude::*;

/// The dialog that names how many users will be deleted and asks to confirm. Focus
/// starts on Cancel; Escape cancels.
#[component]
pub(super) fn ConfirmDelete(
    confirming: RwSignal<Option<Vec<UserId>>>,
    action: ServerAction<DeleteUsers>,
) -> impl IntoView {
    let i18n = use_i18n();
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    focus_when_shown(cancel_button);
    let count = move || confirming.read().as_ref().map(Vec::len).unwrap_or(0);
    let title = move || match count() {
        1 => t_string!(i18n, delete.confirm_title_one).to_owned(),
        count => t_string!(i18n, delete.confirm_title, count = count),
    };
    let confirm_label = move || match count() {
        1 => t_string!(i18n, delete.confirm_one).to_owned(),
        count => t_string!(i18n, delete.confirm, count = count),
    };
    let cancel = move || confirming.set(None);
    let confirm = move |_| {
        if let Some(ids) = confirming.get() {
            action.dispatch(DeleteUsers {
                ids: ids.into_iter().map(UserId::get).collect(),
            });
        }
        confirming.set(None);
    };
    view! {
        <Show when=move || confirming.read().is_some()>
            <div
                class="modal-backdrop"
                on:keydown=move |event: leptos::ev::KeyboardEvent| {
                    if event.key() == "Escape" {
                        cancel();
                    }
                }
            >
                <div class="modal" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-text">
                    <h2 id="confirm-title">{title}</h2>
                    <p id="confirm-text">{move || t_string!(i18n, delete.confirm_text)}</p>
                    <div class="modal-actions">
                        <button type="button" class="button" node_ref=cancel_button on:click=move |_| cancel()>
                            {move || t_string!(i18n, delete.cancel)}
                        </button>
                        <button type="button" class="button danger" on:click=confirm>
                            {confirm_label}
                        </button>
                    </div>
                </div>
            </div>
        </Show>
    }
}

/// One line for the admin, e.g. "2 deleted · 1 kept: ann@example.com owns the app
/// 'HR Bot' — transfer ownership first".
pub fn report_summary(locale: Locale, report: &DeleteReport) -> String {
    let deleted = td_string!(locale, delete.deleted, count = report.deleted.len());
    if report.kept.is_empty() {
        return deleted;
    }
    let kept = td_string!(locale, delete.kept, count = report.kept.len());
    let reasons: Vec<String> = report
        .kept
        .iter()
        .map(|user| kept_text(locale, user))
        .collect();
    format!("{deleted} · {kept}: {}", reasons.join("; "))
}

fn kept_text(locale: Locale, user: &KeptUser) -> String {
    let email = user.email.as_str();
    match &user.reason {
        KeptReason::IsYou => td_string!(locale, delete.kept_is_you, email = email),
        KeptReason::IsPrimaryAdmin => td_string!(locale, delete.kept_primary_admin, email = email),
        KeptReason::OwnsApps { apps } => {
            let names: Vec<String> = apps.iter().map(|name| format!("'{name}'")).collect();
            let apps = names.join(", ");
            if names.len() == 1 {
                td_string!(locale, delete.kept_owns_app, email = email, apps = apps)
            } else {
                td_string!(locale, delete.kept_owns_apps, email = email, apps = apps)
            }
        }
    }
}

impl Report for DeleteReport {
    fn summary(&self, locale: Locale) -> String {
        report_summary(locale, self)
    }

    fn is_complete(&self) -> bool {
        self.kept.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Email;

    #[test]
    fn the_summary_names_every_kept_user_with_its_reason() {
        let report = DeleteReport {
            deleted: vec![UserId::parse(1).unwrap(), UserId::parse(2).unwrap()],
            kept: vec![KeptUser {
                id: UserId::parse(3).unwrap(),
                email: Email::parse("ann@example.com").unwrap(),
                reason: KeptReason::OwnsApps {
                    apps: vec!["HR Bot".into()],
                },
            }],
        };
        assert_eq!(
            report_summary(Locale::en, &report),
            "2 deleted · 1 kept: ann@example.com owns the app 'HR Bot' — transfer ownership first"
        );
        assert_eq!(
            report_summary(Locale::ja, &report),
            "2人を削除しました · 1人は削除されませんでした: ann@example.com はアプリ 'HR Bot' のオーナーです — 先にオーナーを変更してください"
        );
        let clean = DeleteReport {
            deleted: vec![UserId::parse(1).unwrap()],
            kept: vec![],
        };
        assert_eq!(report_summary(Locale::en, &clean), "1 deleted");
    }
}
