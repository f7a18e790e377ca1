//! The worker that empties the outbox: it claims the message due longest, hands it to
//! the SMTP server, and records what happened; a failed attempt waits longer each time
//! (`outbox::backoff_seconds`). Nothing is lost while the SMTP server is down: the
//! messages wait in the database, and a restarted server picks them up.

use super::outbox::{self, Claimed};
use super::smtp::Mailer;
use crate::clock::Clock;
use crate::db::Db;
use crate::error::AppError;
use std::sync::Arc;
use std::time::Duration;

/// How long the worker rests when nothing is due.
const IDLE: Duration = Duration::from_secs(1);

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Failed; it waits for another attempt.
    Retrying,
    /// Failed for good.
    GivenUp,
}

/// Delivers the message due longest, if any: `None` when nothing is due.
pub async fn deliver_next(
    db: &Db,
    mailer: &Mailer,
    clock: &dyn Clock,
) -> Result<Option<Delivery>, AppError> {
    let Some(claimed) = outbox::claim_due(db, clock.now()).await? else {
        return Ok(None);
    };
    let outcome = mailer.send(&claimed).await;
    record(db, &claimed, outcome, clock.now()).await.map(Some)
}

async fn record(
    db: &Db,
    claimed: &Claimed,
    outcome: Result<(), super::smtp::SendFailure>,
    now: i64,
) -> Result<Delivery, AppError> {
    match outcome {
        Ok(()) => {
            outbox::mark_sent(db, claimed.id, now).await?;
            tracing::info!(mail = %claimed.id, "mail delivered");
            Ok(Delivery::Sent)
        }
        Err(failure) => {
            let status =
                outbox::mark_failed(db, claimed, &failure.reason, failure.permanent, now).await?;
            tracing::warn!(
                mail = %claimed.id,
                attempts = claimed.attempts,
                permanent = failure.permanent,
                reason = %failure.reason,
                "mail not delivered"
            );
            Ok(match status {
                super::MailStatus::Failed => Delivery::GivenUp,
                _ => Delivery::Retrying,
            })
        }
    }
}

/// Delivers due messages for as long as the server runs.
pub async fn run(db: Db, mailer: Mailer, clock: Arc<dyn Clock>) {
    loop {
        match deliver_next(&db, &mailer, clock.as_ref()).await {
            Ok(Some(_)) => {}
            Ok(None) => tokio::time::sleep(IDLE).await,
            Err(error) => {
                tracing::error!(%error, "the outbox could not be read");
                tokio::time::sleep(IDLE).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Email;
    use crate::mail::MailStatus;
    use crate::mail::message::{PasswordReset, password_reset};
    use crate::testing::clock::ManualClock;
    use crate::testing::fixtures::{NOW, signed_in, test_account};
    use crate::testing::scratch::database_urls;
    use crate::testing::smtp_sink::SmtpSink;

    async fn enqueue_reset(db: &Db, account: &crate::accounts::CreatedAccount) {
        let reset = PasswordReset {
            account: "Acme",
            first_name: "Ann",
            link: "https://roster.example/reset-password?token=t0ken",
            valid_minutes: 60,
        };
        let mail = password_reset(
            crate::i18n::Locale::en,
            Email::parse("ann@example.com").unwrap(),
            &reset,
        );
        let mut tx = db.write().await.unwrap();
        outbox::enqueue(&mut tx, account.account_id, &mail, NOW)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }

    #[tokio::test]
    async fn a_message_reaches_the_smtp_server_with_its_headers_and_both_parts() {
        let sink = SmtpSink::start();
        let mailer = Mailer::from_url(&sink.url(), "Acme Console <console@acme.test>").unwrap();
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let clock = ManualClock::starting_at(NOW);
            enqueue_reset(&db, &account).await;
            let delivered = deliver_next(&db, &mailer, &clock).await.unwrap();
            assert_eq!(delivered, Some(Delivery::Sent), "{url}");
            assert_eq!(
                deliver_next(&db, &mailer, &clock).await.unwrap(),
                None,
                "{url}"
            );
        }
        let messages = sink.wait_for(2).await;
        let message = &messages[0];
        for header in [
            "From: \"Acme Console\" <console@acme.test>",
            "To: ann@example.com",
            "Subject: Reset your password for Acme",
            "Date: ",
            "Message-ID: <",
            "@acme.test>",
            "Content-Type: multipart/alternative",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Type: text/html; charset=utf-8",
        ] {
            assert!(message.contains(header), "{header} in\n{message}");
        }
        let text = message.replace("=\n", "").replace("=3D", "=");
        assert!(text.contains("reset-password?token=t0ken"), "{message}");
    }

    #[tokio::test]
    async fn while_the_smtp_server_is_down_the_message_waits_and_goes_out_once_it_is_back() {
        let mut sink = SmtpSink::start();
        let mailer = Mailer::from_url(&sink.url(), "Roster <roster@localhost>").unwrap();
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let clock = ManualClock::starting_at(NOW);
            let before = sink.messages().len();
            enqueue_reset(&db, &account).await;
            sink.stop();
            let attempt = deliver_next(&db, &mailer, &clock).await.unwrap();
            assert_eq!(attempt, Some(Delivery::Retrying), "{url}");
            let page = outbox::list(&db, &admin.grant().unwrap(), None, None)
                .await
                .unwrap();
            let waiting = &page.entries[0];
            assert_eq!(waiting.status, MailStatus::Waiting, "{url}");
            assert_eq!(waiting.attempts, 1, "{url}");
            assert_eq!(waiting.next_attempt_at, Some(NOW + 30), "{url}");
            assert!(waiting.last_error.is_some(), "{url}");
            assert_eq!(
                deliver_next(&db, &mailer, &clock).await.unwrap(),
                None,
                "{url}"
            );

            sink.resume();
            clock.advance(30);
            let retried = deliver_next(&db, &mailer, &clock).await.unwrap();
            assert_eq!(retried, Some(Delivery::Sent), "{url}");
            assert_eq!(sink.wait_for(before + 1).await.len(), before + 1, "{url}");
        }
    }
}
