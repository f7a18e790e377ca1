//! `roster-fixture`: adds the users and apps a browser journey needs to the first
//! account of a database (or another account of its own), through the product's own
//! code, and prints their ids. Each
//! journey adds its own people (with a unique suffix), so journeys can run again and
//! again on the same database. It also moves a user's sessions back in time, so a
//! journey can reach the end of an idle timeout without waiting for it.

use app::accounts::{NewPrimaryAdmin, create_account};
use app::apps::MemberRole;
use app::apps::store::{NewApp, insert_app};
use app::clock::{Clock, SystemClock};
use app::db::Db;
use app::domain::ProductAccess;
use app::domain::{Email, PersonName, UserStatus};
use app::loader::first_account;
use app::users::new_user::{NewUser, insert_user};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(about = "Prepare the first account of a database for browser journeys")]
struct Cli {
    #[arg(long, env = "ROSTER_DATABASE_URL")]
    database_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Add a user (and the app they own); prints their id.
    User(NewUserArgs),
    /// Create another account with its Primary Admin; prints the account's id.
    Account {
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long)]
        password: String,
    },
    /// Move every session of a user SECONDS into the past: its start, its last
    /// activity and its last proof of who they are.
    IdleSessions {
        #[arg(long)]
        email: String,
        #[arg(long)]
        seconds: i64,
    },
}

#[derive(clap::Args)]
struct NewUserArgs {
    #[arg(long)]
    email: String,
    #[arg(long)]
    first_name: String,
    #[arg(long)]
    last_name: String,
    #[arg(long, value_enum, default_value = "active")]
    status: Status,
    /// Name of an app this user owns (created with them).
    #[arg(long)]
    owns_app: Option<String>,
    /// A password the user signs in with (else they have none).
    #[arg(long)]
    password: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Status {
    Active,
    NotActive,
    Suspended,
    Locked,
}

#[derive(Debug, thiserror::Error)]
enum FixtureError {
    #[error("{0}")]
    Setup(#[from] app::db::DbSetupError),
    #[error("{0}")]
    Refused(#[from] app::error::AppError),
    #[error("{0}")]
    Database(#[from] sqlx::Error),
    #[error("bad input: {0}")]
    Input(String),
}

#[tokio::main]
async fn main() -> Result<(), FixtureError> {
    let cli = Cli::parse();
    let db = Db::connect(&cli.database_url, 2).await?;
    match cli.command {
        Command::User(args) => add_user(&db, args).await,
        Command::Account {
            name,
            admin_email,
            password,
        } => {
            let admin = NewPrimaryAdmin {
                email: Email::parse(&admin_email)
                    .map_err(|_| FixtureError::Input(format!("not an e-mail: {admin_email}")))?,
                first_name: PersonName::parse("Pat")
                    .map_err(|e| FixtureError::Input(e.to_string()))?,
                last_name: PersonName::parse("Primary")
                    .map_err(|e| FixtureError::Input(e.to_string()))?,
                password,
            };
            let created = create_account(&db, &name, admin, SystemClock.now()).await?;
            println!("{}", created.account_id.get());
            Ok(())
        }
        Command::IdleSessions { email, seconds } => {
            sqlx::query(
                "UPDATE sessions SET last_seen_at = last_seen_at - $1,
                                     created_at = created_at - $1,
                                     verified_at = verified_at - $1
                 WHERE user_id IN (SELECT id FROM users WHERE email = $2)",
            )
            .bind(seconds)
            .bind(email)
            .execute(db.pool())
            .await?;
            Ok(())
        }
    }
}

async fn add_user(db: &Db, args: NewUserArgs) -> Result<(), FixtureError> {
    let (account_id, role_id) = first_account(db)
        .await?
        .ok_or_else(|| FixtureError::Input("the database has no account".into()))?;
    let input = |error: String| FixtureError::Input(error);
    let now = SystemClock.now();
    let status = match args.status {
        Status::Active => UserStatus::Active,
        Status::NotActive => UserStatus::NotActive,
        Status::Suspended => UserStatus::Suspended,
        Status::Locked => UserStatus::Locked,
    };
    let user = NewUser {
        account_id,
        email: Email::parse(&args.email).map_err(|e| input(e.to_string()))?,
        first_name: Some(PersonName::parse(&args.first_name).map_err(|e| input(e.to_string()))?),
        last_name: Some(PersonName::parse(&args.last_name).map_err(|e| input(e.to_string()))?),
        status,
        role_id,
        is_primary_admin: false,
        access: ProductAccess::default(),
        password_hash: match args.password {
            Some(password) => Some(app::auth::password::hash_password(password).await?),
            None => None,
        },
        created_at: now,
        invited_at: Some(now),
        last_login_at: (status != UserStatus::NotActive).then_some(now),
    };
    let mut tx = db.write().await?;
    let id = insert_user(&mut *tx, &user).await?;
    if let Some(name) = args.owns_app {
        let app = NewApp {
            account_id,
            name,
            owner_id: id,
            published: true,
            members: Vec::<(_, MemberRole)>::new(),
            created_at: now,
        };
        insert_app(&mut tx, &app).await?;
    }
    tx.commit().await?;
    println!("{id}");
    Ok(())
}
