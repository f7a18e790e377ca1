//! The messages Roster sends, written from templates in the recipient's language: a
//! plain-text part and an HTML part that say the same, naming the account they come
//! from. Every value put into the HTML part is escaped.

use crate::domain::Email;
use crate::i18n::{Locale, td_string};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use html_escape::{encode_double_quoted_attribute, encode_text};
use leptos_i18n::Locale as _;

/// A message ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: Email,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The random left part of its `Message-ID`; the sender adds its domain.
    pub message_id: String,
}

impl Mail {
    /// A message whose text is `paragraphs`, then `action`'s link, then the account's
    /// signature.
    fn compose(
        locale: Locale,
        to: Email,
        subject: String,
        account: &str,
        paragraphs: &[String],
        action: Option<(&str, &str)>,
    ) -> Self {
        let signature = td_string!(locale, mail.signature, account = account);
        let mut text = String::new();
        let mut html = format!(
            "<!doctype html><html lang=\"{}\"><body style=\"font-family: sans-serif; \
             line-height: 1.5; color: #1f2933\">",
            locale.as_str()
        );
        for paragraph in paragraphs {
            text.push_str(paragraph);
            text.push_str("\n\n");
            html.push_str(&format!("<p>{}</p>", encode_text(paragraph)));
        }
        if let Some((label, link)) = action {
            text.push_str(&format!("{label}:\n{link}\n\n"));
            html.push_str(&format!(
                "<p><a href=\"{}\" style=\"display: inline-block; padding: 10px 16px; \
                 background: #2563eb; color: #ffffff; border-radius: 6px; \
                 text-decoration: none\">{}</a></p><p style=\"font-size: 13px; color: \
                 #52606d\">{}</p>",
                encode_double_quoted_attribute(link),
                encode_text(label),
                encode_text(link)
            ));
        }
        text.push_str(&format!("-- \n{signature}\n"));
        html.push_str(&format!(
            "<p style=\"font-size: 13px; color: #52606d\">{}</p></body></html>",
            encode_text(&signature)
        ));
        Self {
            to,
            subject,
            text,
            html,
            message_id: new_message_id(),
        }
    }
}

/// "Hello Ann," or, for someone without a name yet (invited), "Hello,".
fn greeting(locale: Locale, first_name: &str) -> String {
    match first_name.trim() {
        "" => td_string!(locale, mail.hello).to_owned(),
        name => td_string!(locale, mail.greeting, name = name),
    }
}

/// 128 random bits in hex: unique without coordination between servers.
fn new_message_id() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What a password reset e-mail needs to say.
pub struct PasswordReset<'a> {
    pub account: &'a str,
    pub first_name: &'a str,
    pub link: &'a str,
    /// How long the link stays valid.
    pub valid_minutes: i64,
}

/// The e-mail that carries a password reset link.
pub fn password_reset(locale: Locale, to: Email, reset: &PasswordReset<'_>) -> Mail {
    let subject = td_string!(locale, mail.reset_subject, account = reset.account);
    let paragraphs = [
        greeting(locale, reset.first_name),
        td_string!(locale, mail.reset_body, account = reset.account),
        td_string!(locale, mail.reset_expiry, minutes = reset.valid_minutes),
        td_string!(locale, mail.reset_not_you).to_owned(),
    ];
    let action = td_string!(locale, mail.reset_action);
    Mail::compose(
        locale,
        to,
        subject,
        reset.account,
        &paragraphs,
        Some((action, reset.link)),
    )
}

/// What a sign-in code e-mail needs to say.
pub struct SignInCode<'a> {
    pub account: &'a str,
    pub first_name: &'a str,
    pub code: &'a str,
    /// How long the code stays valid.
    pub valid_minutes: i64,
}

/// The e-mail that carries the code of a two-factor sign-in. It has no link: the code is
/// typed where the sign-in began, so the e-mail cannot be used to sign in elsewhere.
pub fn sign_in_code(locale: Locale, to: Email, message: &SignInCode<'_>) -> Mail {
    let subject = td_string!(locale, mail.code_subject, account = message.account);
    let paragraphs = [
        greeting(locale, message.first_name),
        td_string!(locale, mail.code_body, account = message.account),
        message.code.to_owned(),
        td_string!(locale, mail.code_expiry, minutes = message.valid_minutes),
        td_string!(locale, mail.code_not_you).to_owned(),
    ];
    Mail::compose(locale, to, subject, message.account, &paragraphs, None)
}

/// What an invitation e-mail needs to say.
pub struct Invitation<'a> {
    pub account: &'a str,
    /// Who invited them, as the account knows the admin.
    pub inviter: &'a str,
    pub link: &'a str,
    /// How long the link stays valid.
    pub valid_days: i64,
}

/// The e-mail that carries an invitation's sign-up link.
pub fn invitation(locale: Locale, to: Email, invited: &Invitation<'_>) -> Mail {
    let subject = td_string!(locale, mail.invitation_subject, account = invited.account);
    let paragraphs = [
        greeting(locale, ""),
        td_string!(
            locale,
            mail.invitation_body,
            inviter = invited.inviter,
            account = invited.account
        ),
        td_string!(locale, mail.invitation_expiry, days = invited.valid_days),
        td_string!(locale, mail.invitation_not_you).to_owned(),
    ];
    let action = td_string!(locale, mail.invitation_action);
    Mail::compose(
        locale,
        to,
        subject,
        invited.account,
        &paragraphs,
        Some((action, invited.link)),
    )
}

/// The welcome e-mail of a user who joined the account, with where to sign in.
pub fn welcome(locale: Locale, to: Email, account: &str, first_name: &str, sign_in: &str) -> Mail {
    let subject = td_string!(locale, mail.welcome_subject, account = account);
    let paragraphs = [
        greeting(locale, first_name),
        td_string!(locale, mail.welcome_body, account = account),
    ];
    let action = td_string!(locale, mail.welcome_action);
    Mail::compose(
        locale,
        to,
        subject,
        account,
        &paragraphs,
        Some((action, sign_in)),
    )
}

/// The e-mail that proves a person's address before they ask to join `account`: the
/// link to the page where they give their name and password.
pub fn address_proof(
    locale: Locale,
    to: Email,
    account: &str,
    link: &str,
    valid_hours: i64,
) -> Mail {
    let subject = td_string!(locale, mail.proof_subject, account = account);
    let paragraphs = [
        greeting(locale, ""),
        td_string!(locale, mail.proof_body, account = account),
        td_string!(locale, mail.proof_expiry, hours = valid_hours),
        td_string!(locale, mail.proof_not_you).to_owned(),
    ];
    let action = td_string!(locale, mail.proof_action);
    Mail::compose(
        locale,
        to,
        subject,
        account,
        &paragraphs,
        Some((action, link)),
    )
}

/// The e-mail that tells a person an admin approved their request to join, with where
/// to sign in.
pub fn access_approved(
    locale: Locale,
    to: Email,
    account: &str,
    first_name: &str,
    sign_in: &str,
) -> Mail {
    let subject = td_string!(locale, mail.approved_subject, account = account);
    let paragraphs = [
        greeting(locale, first_name),
        td_string!(locale, mail.approved_body, account = account),
    ];
    let action = td_string!(locale, mail.welcome_action);
    Mail::compose(
        locale,
        to,
        subject,
        account,
        &paragraphs,
        Some((action, sign_in)),
    )
}

/// The e-mail that tells a person an admin rejected their request to join.
pub fn access_rejected(locale: Locale, to: Email, account: &str, first_name: &str) -> Mail {
    let subject = td_string!(locale, mail.rejected_subject, account = account);
    let paragraphs = [
        greeting(locale, first_name),
        td_string!(locale, mail.rejected_body, account = account),
    ];
    Mail::compose(locale, to, subject, account, &paragraphs, None)
}

/// What the e-mails of a handover of the Primary Admin's role say.
pub struct PrimaryAdminHandover<'a> {
    pub account: &'a str,
    pub first_name: &'a str,
    /// The former Primary Admin's name, and the new one's.
    pub former: &'a str,
    pub heir: &'a str,
    /// Whether this e-mail goes to the new Primary Admin (else to the former).
    pub to_heir: bool,
}

/// The e-mail to each side of a handover of the Primary Admin's role.
pub fn primary_admin_handover(
    locale: Locale,
    to: Email,
    letter: &PrimaryAdminHandover<'_>,
) -> Mail {
    let account = letter.account;
    let subject = td_string!(locale, mail.handover_subject, account = account);
    let body = if letter.to_heir {
        td_string!(
            locale,
            mail.handover_to_heir,
            former = letter.former,
            account = account
        )
    } else {
        td_string!(
            locale,
            mail.handover_to_former,
            heir = letter.heir,
            account = account
        )
    };
    let paragraphs = [greeting(locale, letter.first_name), body];
    Mail::compose(locale, to, subject, account, &paragraphs, None)
}

/// The e-mail that tells a user an admin removed their authenticator app.
pub fn second_factor_reset(locale: Locale, to: Email, account: &str, first_name: &str) -> Mail {
    let subject = td_string!(locale, mail.second_factor_reset_subject, account = account);
    let paragraphs = [
        greeting(locale, first_name),
        td_string!(locale, mail.second_factor_reset_body, account = account),
        td_string!(locale, mail.second_factor_reset_not_you).to_owned(),
    ];
    Mail::compose(locale, to, subject, account, &paragraphs, None)
}

/// What the e-mail to a user whose sessions an admin ended needs to say.
pub struct SessionsEnded<'a> {
    pub account: &'a str,
    pub first_name: &'a str,
    pub ended: usize,
    /// The admin's words, when they gave any.
    pub reason: Option<&'a str>,
}

/// The e-mail that tells a user an admin ended their sessions, and why when the admin
/// said.
pub fn sessions_ended(locale: Locale, to: Email, letter: &SessionsEnded<'_>) -> Mail {
    let account = letter.account;
    let subject = td_string!(locale, mail.sessions_ended_subject, account = account);
    let body = match letter.ended {
        1 => td_string!(locale, mail.sessions_ended_one, account = account),
        count => td_string!(
            locale,
            mail.sessions_ended_many,
            account = account,
            count = count
        ),
    };
    let reason = match letter.reason {
        Some(reason) => td_string!(locale, mail.sessions_ended_reason, reason = reason),
        None => td_string!(locale, mail.sessions_ended_no_reason).to_owned(),
    };
    let paragraphs = [
        greeting(locale, letter.first_name),
        body,
        reason,
        td_string!(locale, mail.sessions_ended_not_you).to_owned(),
    ];
    Mail::compose(locale, to, subject, account, &paragraphs, None)
}

/// What the e-mail to a user locked out by failed sign-ins needs to say.
pub struct AccountLocked<'a> {
    pub account: &'a str,
    pub first_name: &'a str,
    pub failures: i64,
    /// When the lock lifts by itself (Unix seconds), if it does.
    pub unlocks_at: Option<i64>,
}

/// The e-mail that tells a user their account was locked, and how it opens again.
pub fn account_locked(locale: Locale, to: Email, locked: &AccountLocked<'_>) -> Mail {
    let subject = td_string!(locale, mail.locked_subject, account = locked.account);
    let reopens = match locked.unlocks_at {
        Some(at) => td_string!(
            locale,
            mail.locked_until,
            at = crate::lang::format::date_time(locale, at, 0)
        ),
        None => td_string!(locale, mail.locked_by_admin).to_owned(),
    };
    let paragraphs = [
        greeting(locale, locked.first_name),
        td_string!(
            locale,
            mail.locked_body,
            account = locked.account,
            count = locked.failures
        ),
        reopens,
        td_string!(locale, mail.locked_not_you).to_owned(),
    ];
    Mail::compose(locale, to, subject, locked.account, &paragraphs, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reset_for(first_name: &str) -> Mail {
        let reset = PasswordReset {
            account: "Acme <Test>",
            first_name,
            link: "https://roster.example/reset-password?token=abc&x=\"1\"",
            valid_minutes: 60,
        };
        password_reset(Locale::en, Email::parse("ann@example.com").unwrap(), &reset)
    }

    #[test]
    fn a_reset_mail_says_the_same_in_text_and_html_and_names_the_account() {
        let mail = reset_for("Ann");
        assert_eq!(mail.subject, "Reset your password for Acme <Test>");
        assert!(mail.text.contains("Hello Ann,"), "{}", mail.text);
        assert!(mail.text.contains("60 minutes"), "{}", mail.text);
        assert!(
            mail.text
                .contains("https://roster.example/reset-password?token=abc&x=\"1\""),
            "{}",
            mail.text
        );
        assert!(mail.html.contains("Acme &lt;Test&gt;"), "{}", mail.html);
        assert!(
            mail.html.contains(
                "href=\"https://roster.example/reset-password?token=abc&amp;x=&quot;1&quot;\""
            ),
            "{}",
            mail.html
        );
    }

    #[test]
    fn markup_in_a_name_is_only_text_in_the_html_part() {
        let mail = reset_for("<script>alert(1)</script>");
        assert!(!mail.html.contains("<script>"), "{}", mail.html);
        assert!(mail.html.contains("&lt;script&gt;"), "{}", mail.html);
    }

    #[test]
    fn a_lock_mail_says_when_the_lock_lifts_or_that_an_admin_lifts_it() {
        let to = || Email::parse("ann@example.com").unwrap();
        let locked = |unlocks_at| AccountLocked {
            account: "Acme",
            first_name: "Ann",
            failures: 5,
            unlocks_at,
        };
        let timed = account_locked(Locale::en, to(), &locked(Some(1_795_511_100)));
        assert_eq!(timed.subject, "Your account at Acme is locked");
        assert!(timed.text.contains("5 failed sign-ins"), "{}", timed.text);
        assert!(
            timed.text.contains("24 Nov 2026, 09:05 UTC"),
            "{}",
            timed.text
        );
        let held = account_locked(Locale::en, to(), &locked(None));
        assert!(held.text.contains("An administrator"), "{}", held.text);
    }

    #[test]
    fn every_message_has_its_own_id() {
        assert_ne!(reset_for("Ann").message_id, reset_for("Ann").message_id);
        assert_eq!(reset_for("Ann").message_id.len(), 32);
    }

    #[test]
    fn japanese_mail_is_written_in_japanese() {
        let reset = PasswordReset {
            account: "Acme",
            first_name: "花子",
            link: "https://roster.example/r",
            valid_minutes: 60,
        };
        let mail = password_reset(
            Locale::ja,
            Email::parse("hanako@example.com").unwrap(),
            &reset,
        );
        assert!(mail.subject.contains("パスワード"), "{}", mail.subject);
        assert!(mail.html.starts_with("<!doctype html><html lang=\"ja\">"));
    }
}
