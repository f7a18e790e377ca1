//! `roster-mail-bench`: how fast the outbox is delivered to a local SMTP server
//! (`aiosmtpd`, started on a loopback port), by one worker and by several at once, on
//! SQLite and, when `ROSTER_TEST_POSTGRES_URL` is set, on PostgreSQL.

use app::db::Db;
use app::domain::Email;
use app::i18n::Locale;
use app::mail::delivery::deliver_next;
use app::mail::message::{PasswordReset, password_reset};
use app::mail::outbox::enqueue;
use app::mail::smtp::{DEFAULT_FROM, Mailer};
use app::testing::clock::ManualClock;
use app::testing::fixtures::{NOW, test_account};
use app::testing::scratch::{postgres_url, sqlite_url};
use app::testing::smtp_sink::SmtpSink;
use clap::Parser;
use std::time::Instant;

#[derive(Parser)]
#[command(about = "Measure the outbox's delivery rate to a local SMTP server")]
struct Args {
    /// Messages delivered in each run.
    #[arg(long, default_value_t = 2_000)]
    messages: usize,
    /// Workers of the concurrent run (as several servers on one database would be).
    #[arg(long, default_value_t = 4)]
    workers: usize,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let sink = SmtpSink::start();
    let mailer = Mailer::from_url(&sink.url(), DEFAULT_FROM).expect("the sink's URL is valid");
    println!("| engine | workers | messages | seconds | messages/s |");
    println!("|---|---|---|---|---|");
    for (engine, postgres) in [("SQLite", false), ("PostgreSQL", true)] {
        for workers in [1, args.workers] {
            let url = if postgres {
                match postgres_url().await {
                    Some(url) => url,
                    None => continue,
                }
            } else {
                sqlite_url()
            };
            let db = Db::connect(&url, workers as u32 + 1)
                .await
                .expect("the database opens");
            fill_outbox(&db, args.messages).await;
            let started = Instant::now();
            let runs = (0..workers).map(|_| {
                let (db, mailer) = (db.clone(), mailer.clone());
                tokio::spawn(async move {
                    let clock = ManualClock::starting_at(NOW);
                    while deliver_next(&db, &mailer, &clock)
                        .await
                        .expect("the outbox reads")
                        .is_some()
                    {}
                })
            });
            for run in runs.collect::<Vec<_>>() {
                run.await.expect("a worker finishes");
            }
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "| {engine} | {workers} | {} | {seconds:.2} | {:.0} |",
                args.messages,
                args.messages as f64 / seconds
            );
        }
    }
    let delivered = sink.messages().len();
    println!("\nThe sink holds {delivered} messages.");
}

/// `count` password reset e-mails, due at once.
async fn fill_outbox(db: &Db, count: usize) {
    let account = test_account(db).await;
    let reset = PasswordReset {
        account: "Acme",
        first_name: "Ann",
        link: "https://roster.example/reset-password?token=0123456789abcdef",
        valid_minutes: 60,
    };
    let mut tx = db.write().await.expect("a transaction starts");
    for n in 0..count {
        let to = Email::parse(&format!("user{n}@example.com")).expect("a valid address");
        let mail = password_reset(Locale::en, to, &reset);
        enqueue(&mut tx, account.account_id, &mail, NOW)
            .await
            .expect("the message is written");
    }
    tx.commit().await.expect("the outbox is filled");
}
