//! The outbox's SQL: a message written in the transaction of the change that causes it,
//! claimed by one worker at a time, then marked sent or failed; and the Outbox page's
//! list, newest first.

use super::message::Mail;
use super::{MailStatus, OutboxEntry, OutboxPage};
use crate::auth::principal::{Grant, OutboxRead};
use crate::db::sql::Sql;
use crate::db::{Backend, Db};
use crate::domain::{AccountId, MailId};
use crate::error::AppError;
use sqlx::{Any, Transaction};

/// Messages on one page of the Outbox.
const PAGE_SIZE: i64 = 25;
/// How long a worker holds a message it claimed: well past the SMTP transport's own
/// timeout, so a message is never handed to a second worker while the first still
/// talks to the server.
pub const CLAIM_SECONDS: i64 = 120;
/// Attempts before a message that keeps failing is given up.
pub const MAX_ATTEMPTS: i64 = 8;
/// The longest wait between two attempts.
const MAX_BACKOFF_SECONDS: i64 = 60 * 60;
/// The most of an SMTP server's answer kept with a failed attempt.
const MAX_ERROR_CHARS: usize = 500;

/// Writes `mail` to the outbox in `tx`, due at once.
pub async fn enqueue(
    tx: &mut Transaction<'_, Any>,
    account_id: AccountId,
    mail: &Mail,
    now: i64,
) -> Result<MailId, AppError> {
    let (id,): (MailId,) = sqlx::query_as(
        "INSERT INTO outbox (account_id, recipient, subject, text_body, html_body, message_id,
                             next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(account_id)
    .bind(mail.to.as_str())
    .bind(&mail.subject)
    .bind(&mail.text)
    .bind(&mail.html)
    .bind(&mail.message_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// A message a worker holds until it is sent or its claim runs out.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: MailId,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// The left part of the `Message-ID`, the same on every attempt.
    pub message_id: String,
    /// Attempts including this one.
    pub attempts: i64,
}

/// Claims the message that has been due longest, counting the attempt; `None` when
/// nothing is due. On PostgreSQL, workers on other servers skip the row this one
/// locked; the claim itself is checked again as the row is updated, so two workers
/// never hold one message.
pub async fn claim_due(db: &Db, now: i64) -> Result<Option<Claimed>, AppError> {
    let skip_locked = match db.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let mut tx = db.write().await?;
    let claimed = sqlx::query_as(&format!(
        "UPDATE outbox SET claimed_until = $1, attempts = attempts + 1
         WHERE id = (SELECT id FROM outbox
                     WHERE status = 1 AND next_attempt_at <= $2
                       AND (claimed_until IS NULL OR claimed_until <= $2)
                     ORDER BY next_attempt_at, id LIMIT 1{skip_locked})
           AND (claimed_until IS NULL OR claimed_until <= $2)
         RETURNING id, recipient, subject, text_body, html_body, message_id, attempts"
    ))
    .bind(now + CLAIM_SECONDS)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(claimed)
}

/// Records that `id` was delivered, and empties its bodies: they may hold a one-time
/// link, which nobody needs to read again.
pub async fn mark_sent(db: &Db, id: MailId, now: i64) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    sqlx::query(
        "UPDATE outbox SET status = $1, sent_at = $2, claimed_until = NULL, last_error = NULL,
                           text_body = '', html_body = ''
         WHERE id = $3",
    )
    .bind(MailStatus::Sent.code())
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How long to wait after the `attempts`th failure: 30 s, doubling, at most an hour.
pub fn backoff_seconds(attempts: i64) -> i64 {
    let doublings = attempts.clamp(1, 20) - 1;
    (30_i64 << doublings).min(MAX_BACKOFF_SECONDS)
}

/// Records a failed attempt: the message waits for the next one, or is given up when
/// the refusal is `permanent` or the attempts are spent.
pub async fn mark_failed(
    db: &Db,
    claimed: &Claimed,
    reason: &str,
    permanent: bool,
    now: i64,
) -> Result<MailStatus, AppError> {
    let status = if permanent || claimed.attempts >= MAX_ATTEMPTS {
        MailStatus::Failed
    } else {
        MailStatus::Waiting
    };
    let reason: String = reason.chars().take(MAX_ERROR_CHARS).collect();
    let mut tx = db.write().await?;
    sqlx::query(
        "UPDATE outbox SET status = $1, next_attempt_at = $2, claimed_until = NULL,
                           last_error = $3
         WHERE id = $4",
    )
    .bind(status.code())
    .bind(now + backoff_seconds(claimed.attempts))
    .bind(reason)
    .bind(claimed.id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(status)
}

#[derive(sqlx::FromRow)]
struct OutboxRow {
    id: MailId,
    recipient: String,
    subject: String,
    status: i64,
    attempts: i64,
    created_at: i64,
    sent_at: Option<i64>,
    next_attempt_at: i64,
    last_error: Option<String>,
    text_body: String,
}

impl OutboxRow {
    fn entry(self) -> Result<OutboxEntry, AppError> {
        let status = MailStatus::from_code(self.status).ok_or_else(|| {
            tracing::error!(id = %self.id, code = self.status, "an outbox row has an unknown status");
            AppError::Internal
        })?;
        Ok(OutboxEntry {
            id: self.id,
            recipient: self.recipient,
            subject: self.subject,
            status,
            attempts: u32::try_from(self.attempts).unwrap_or(u32::MAX),
            created_at: self.created_at,
            sent_at: self.sent_at,
            next_attempt_at: (status == MailStatus::Waiting).then_some(self.next_attempt_at),
            last_error: self.last_error,
            text: (status != MailStatus::Sent).then_some(self.text_body),
        })
    }
}

/// One page of the grant's account's outbox, newest first, from before `before`.
pub async fn list(
    db: &Db,
    grant: &Grant<OutboxRead>,
    status: Option<MailStatus>,
    before: Option<MailId>,
) -> Result<OutboxPage, AppError> {
    let mut sql = Sql::new(
        "SELECT id, recipient, subject, status, attempts, created_at, sent_at, next_attempt_at,
                last_error, text_body
         FROM outbox WHERE account_id = ",
    );
    let account = sql.int(grant.account_id().get());
    sql.push(&account);
    if let Some(status) = status {
        let status = sql.int(status.code());
        sql.push(&format!(" AND status = {status}"));
    }
    if let Some(before) = before {
        let before = sql.int(before.get());
        sql.push(&format!(" AND id < {before}"));
    }
    let limit = sql.int(PAGE_SIZE + 1);
    sql.push(&format!(" ORDER BY id DESC LIMIT {limit}"));
    let mut rows: Vec<OutboxRow> = sql.query_as().fetch_all(db.pool()).await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let next = more.then(|| rows.last().map(|row| row.id)).flatten();
    let entries = rows
        .into_iter()
        .map(OutboxRow::entry)
        .collect::<Result<_, _>>()?;
    Ok(OutboxPage {
        entries,
        next,
        delivering: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Email;
    use crate::testing::fixtures::{NOW, other_account, signed_in, test_account};
    use crate::testing::scratch::database_urls;
    use std::collections::HashSet;

    fn mail(to: &str, subject: &str) -> Mail {
        Mail {
            to: Email::parse(to).unwrap(),
            subject: subject.to_owned(),
            text: format!("{subject}: https://roster.example/link?token=secret"),
            html: format!("<p>{subject}</p>"),
            message_id: format!("id-{subject}"),
        }
    }

    async fn enqueue_one(db: &Db, account_id: AccountId, subject: &str) -> MailId {
        let mut tx = db.write().await.unwrap();
        let id = enqueue(&mut tx, account_id, &mail("ann@example.com", subject), NOW)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }

    #[tokio::test]
    async fn a_message_is_held_by_one_worker_until_its_claim_runs_out() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let id = enqueue_one(&db, account.account_id, "Hello").await;
            let first = claim_due(&db, NOW).await.unwrap().expect("due at once");
            assert_eq!((first.id, first.attempts), (id, 1), "{url}");
            assert!(
                claim_due(&db, NOW + 10).await.unwrap().is_none(),
                "{url}: held"
            );
            let again = claim_due(&db, NOW + CLAIM_SECONDS).await.unwrap();
            assert_eq!(
                again.map(|claimed| (claimed.id, claimed.attempts)),
                Some((id, 2)),
                "{url}: a claim that ran out (its worker died) is taken over"
            );
        }
    }

    #[tokio::test]
    async fn a_failed_attempt_waits_longer_each_time_and_the_last_gives_up() {
        assert_eq!(
            (1..=9).map(backoff_seconds).collect::<Vec<_>>(),
            [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
        );
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            enqueue_one(&db, account.account_id, "Hello").await;
            let mut now = NOW;
            for attempt in 1..=MAX_ATTEMPTS {
                let claimed = claim_due(&db, now).await.unwrap().expect("due");
                assert_eq!(claimed.attempts, attempt, "{url}");
                let status = mark_failed(&db, &claimed, "421 try later", false, now)
                    .await
                    .unwrap();
                let expected = if attempt < MAX_ATTEMPTS {
                    MailStatus::Waiting
                } else {
                    MailStatus::Failed
                };
                assert_eq!(status, expected, "{url}: attempt {attempt}");
                assert!(
                    claim_due(&db, now + backoff_seconds(attempt) - 1)
                        .await
                        .unwrap()
                        .is_none(),
                    "{url}: not before its time"
                );
                now += backoff_seconds(attempt);
            }
            assert!(
                claim_due(&db, now + 86_400).await.unwrap().is_none(),
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn a_permanent_refusal_gives_up_at_once_and_a_delivered_message_keeps_no_body() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let refused = enqueue_one(&db, account.account_id, "Refused").await;
            let delivered = enqueue_one(&db, account.account_id, "Delivered").await;
            let claimed = claim_due(&db, NOW).await.unwrap().unwrap();
            assert_eq!(claimed.id, refused, "{url}: oldest first");
            let status = mark_failed(&db, &claimed, "550 no such mailbox", true, NOW)
                .await
                .unwrap();
            assert_eq!(status, MailStatus::Failed, "{url}");
            let claimed = claim_due(&db, NOW).await.unwrap().unwrap();
            mark_sent(&db, claimed.id, NOW + 1).await.unwrap();

            let page = list(&db, &admin.grant().unwrap(), None, None)
                .await
                .unwrap();
            let by_id = |id| page.entries.iter().find(|entry| entry.id == id).unwrap();
            assert_eq!(by_id(delivered).status, MailStatus::Sent, "{url}");
            assert_eq!(by_id(delivered).text, None, "{url}: the link is gone");
            assert_eq!(by_id(delivered).sent_at, Some(NOW + 1), "{url}");
            assert_eq!(by_id(refused).status, MailStatus::Failed, "{url}");
            assert_eq!(
                by_id(refused).last_error.as_deref(),
                Some("550 no such mailbox"),
                "{url}"
            );
            let (body,): (String,) = sqlx::query_as("SELECT text_body FROM outbox WHERE id = $1")
                .bind(delivered)
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert_eq!(body, "", "{url}: nor is it stored");
        }
    }

    #[tokio::test]
    async fn the_outbox_lists_the_account_s_own_messages_newest_first_in_pages() {
        for url in database_urls().await {
            let db = Db::connect(&url, 2).await.unwrap();
            let account = test_account(&db).await;
            let other = other_account(&db, "Other Org", "boss@other.example").await;
            let (_, admin) = signed_in(&db, &account, account.primary_admin_id).await;
            let grant = admin.grant().unwrap();
            let mut mine = Vec::new();
            for n in 0..30 {
                mine.push(enqueue_one(&db, account.account_id, &format!("m{n}")).await);
            }
            enqueue_one(&db, other.account_id, "theirs").await;
            let first = list(&db, &grant, None, None).await.unwrap();
            let second = list(&db, &grant, None, first.next).await.unwrap();
            let listed: Vec<MailId> = first
                .entries
                .iter()
                .chain(&second.entries)
                .map(|entry| entry.id)
                .collect();
            mine.reverse();
            assert_eq!(listed, mine, "{url}");
            assert_eq!(second.next, None, "{url}");
            let sent = list(&db, &grant, Some(MailStatus::Sent), None)
                .await
                .unwrap();
            assert!(sent.entries.is_empty(), "{url}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn workers_racing_for_the_outbox_never_hold_the_same_message() {
        for url in database_urls().await {
            let db = Db::connect(&url, 8).await.unwrap();
            let account = test_account(&db).await;
            for n in 0..24 {
                enqueue_one(&db, account.account_id, &format!("m{n}")).await;
            }
            let workers = (0..6).map(|_| {
                let db = db.clone();
                tokio::spawn(async move {
                    let mut held = Vec::new();
                    while let Some(claimed) = claim_due(&db, NOW).await.unwrap() {
                        held.push(claimed.id);
                    }
                    held
                })
            });
            let mut all = Vec::new();
            for worker in workers {
                all.extend(worker.await.unwrap());
            }
            let distinct: HashSet<MailId> = all.iter().copied().collect();
            assert_eq!((all.len(), distinct.len()), (24, 24), "{url}");
        }
    }
}
