//! The `roster` command: serve the console, create the first admin, or load users.

use app::accounts::{NewPrimaryAdmin, count_accounts, create_account};
use app::auth::attempts::DEFAULT_ATTEMPTS_PER_MINUTE;
use app::clock::{Clock, SystemClock};
use app::db::{Db, DbSetupError, redact};
use app::domain::email::EmailError;
use app::domain::person_name::NameError;
use app::domain::{Email, PersonName};
use app::error::AppError;
use app::secret_box::{KeyFileError, SecretKey};
use app::state::PasswordSettings;
use app::{demo, loader};
use clap::{Args, FromArgMatches, Parser, Subcommand};
use server::startup::{Application, Settings, StartupError};
use std::io::BufRead;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "roster",
    version,
    about = "Roster: a self-hosted Admin Console for your organisation's users"
)]
struct Cli {
    /// sqlite://FILE (created if missing) or postgres://USER:PASSWORD@HOST/DB
    #[arg(
        long,
        env = "ROSTER_DATABASE_URL",
        default_value = "sqlite://roster.db",
        global = true
    )]
    database_url: String,
    /// Database connections in the pool.
    #[arg(
        long,
        env = "ROSTER_DB_CONNECTIONS",
        default_value_t = 8,
        global = true
    )]
    db_connections: u32,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the Admin Console (the default).
    Serve(ServeArgs),
    /// Create an account and its Primary Admin. The password is read from
    /// ROSTER_ADMIN_PASSWORD, or else from the first line of standard input.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        first_name: String,
        #[arg(long)]
        last_name: String,
        #[arg(long, default_value = "My Organisation")]
        account_name: String,
    },
    /// Add COUNT generated users to the first account.
    Seed {
        #[arg(long)]
        users: u64,
    },
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on [default: $LEPTOS_SITE_ADDR or 127.0.0.1:3000]
    #[arg(long, env = "ROSTER_ADDR")]
    addr: Option<SocketAddr>,
    /// Fill an empty database with the demo organisation and print its sign-in.
    #[arg(long, env = "ROSTER_DEMO")]
    demo: bool,
    /// Leave the Secure mark off cookies although the console is reached over the
    /// network: only for a console served over plain http on purpose.
    #[arg(long, env = "ROSTER_INSECURE_COOKIES")]
    insecure_cookies: bool,
    /// The SMTP server for outgoing mail: smtp://USER:PASSWORD@HOST:587 (STARTTLS),
    /// smtps://HOST:465 (TLS), or smtp://127.0.0.1:PORT?tls=none (loopback only).
    /// Without it, mail waits in the console's Outbox.
    #[arg(long, env = "ROSTER_SMTP_URL")]
    smtp_url: Option<String>,
    /// The From of outgoing mail [default: Roster <roster@localhost>]
    #[arg(long, env = "ROSTER_MAIL_FROM")]
    mail_from: Option<String>,
    /// Where people reach the console, e.g. https://roster.example.com: the only host
    /// it answers for, and the address in e-mailed links. Needed unless listening on a
    /// loopback address [default: http:// and that address]
    #[arg(long, env = "ROSTER_PUBLIC_URL")]
    public_url: Option<String>,
    /// The shortest new password, 8 to 64 [default: 12]
    #[arg(long, env = "ROSTER_PASSWORD_MIN_CHARS", value_parser = clap::value_parser!(u16).range(8..=64))]
    password_min_chars: Option<u16>,
    /// Sign-ins and password resets a minute from one address, 0 for no limit [default: 30]
    #[arg(long, env = "ROSTER_SIGN_IN_ATTEMPTS_PER_MINUTE")]
    sign_in_attempts_per_minute: Option<u32>,
    /// How long a password reset link works, in minutes, 5 to 1440 [default: 60]
    #[arg(long, env = "ROSTER_RESET_LINK_MINUTES", value_parser = clap::value_parser!(u16).range(5..=1440))]
    reset_link_minutes: Option<u16>,
    /// How long an invitation's sign-up link works, in days, 1 to 30 [default: 7]
    #[arg(long, env = "ROSTER_INVITATION_DAYS", value_parser = clap::value_parser!(u16).range(1..=30))]
    invitation_days: Option<u16>,
    /// A file holding the key that seals secrets kept for others (an SSO client
    /// secret): 64 hex digits, created (readable by its owner only) when missing.
    /// Every replica on one database needs the same file; without one, SSO cannot be
    /// set up.
    #[arg(long, env = "ROSTER_SECRET_KEY_FILE")]
    secret_key_file: Option<std::path::PathBuf>,
}

/// The database every command works on.
struct Database {
    url: String,
    connections: u32,
}

/// Why a command failed, said once on standard error.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Database(#[from] DbSetupError),
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error("{0}")]
    Refused(#[from] AppError),
    #[error("--email: {0}")]
    Email(#[from] EmailError),
    #[error("{field}: {error}")]
    Name {
        field: &'static str,
        error: NameError,
    },
    #[error("this database already has an account and its Primary Admin")]
    AccountExists,
    #[error("no account yet: run `roster create-admin` or `roster serve --demo` first")]
    NoAccount,
    #[error("cannot read the password: {0}")]
    Io(#[from] std::io::Error),
    #[error("the database: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("--secret-key-file {0}")]
    SecretKey(#[from] KeyFileError),
}

#[tokio::main]
async fn main() -> ExitCode {
    server::telemetry::init();
    let Cli {
        database_url,
        db_connections,
        command,
    } = Cli::parse();
    let database = Database {
        url: database_url,
        connections: db_connections,
    };
    let result = match command.unwrap_or_else(|| Command::Serve(ServeArgs::from_environment())) {
        Command::Serve(args) => serve(&database, args).await,
        Command::CreateAdmin {
            email,
            first_name,
            last_name,
            account_name,
        } => create_admin(&database, &email, &first_name, &last_name, &account_name).await,
        Command::Seed { users } => seed_users(&database, users).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("roster: {error}");
            ExitCode::FAILURE
        }
    }
}

impl ServeArgs {
    /// `serve`'s settings when no command is given: the defaults and the environment
    /// (`ROSTER_SMTP_URL`, `ROSTER_PUBLIC_URL`…), exactly as `roster serve` reads them.
    fn from_environment() -> Self {
        let command = Self::augment_args(clap::Command::new("serve"));
        command
            .try_get_matches_from(["serve"])
            .and_then(|matches| Self::from_arg_matches(&matches))
            .unwrap_or_else(|error| error.exit())
    }
}

async fn serve(database: &Database, args: ServeArgs) -> Result<(), CliError> {
    let addr = match args.addr {
        Some(addr) => addr,
        None => std::env::var("LEPTOS_SITE_ADDR")
            .ok()
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000))),
    };
    let passwords = password_settings(&args);
    let secret_key = args
        .secret_key_file
        .as_deref()
        .map(SecretKey::from_file)
        .transpose()?;
    let settings = Settings {
        addr,
        database_url: database.url.clone(),
        max_connections: database.connections,
        insecure_cookies: args.insecure_cookies,
        smtp_url: args.smtp_url.filter(|url| !url.is_empty()),
        mail_from: args.mail_from,
        public_url: args.public_url,
        passwords,
        attempts_per_minute: args
            .sign_in_attempts_per_minute
            .unwrap_or(DEFAULT_ATTEMPTS_PER_MINUTE),
        secret_key,
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let application = Application::build(&settings, clock.clone()).await?;
    let url = format!("http://{}", application.address());
    if args.demo && demo::seed_demo(application.db(), clock.now()).await? {
        tracing::info!("demo organisation created");
    }
    let accounts = count_accounts(application.db()).await?;
    tracing::info!(%url, database = %redact(&database.url), "Roster is serving");
    println!("Roster is serving at {url}/users");
    if args.demo {
        println!(
            "Demo sign-in: {} / {}",
            demo::DEMO_ADMIN_EMAIL,
            demo::DEMO_PASSWORD
        );
    } else if accounts == 0 {
        println!(
            "No admin yet. Create the Primary Admin with:\n  roster create-admin --email you@example.com --first-name You --last-name Admin"
        );
    }
    Ok(application.run().await?)
}

fn password_settings(args: &ServeArgs) -> PasswordSettings {
    let default = PasswordSettings::default();
    PasswordSettings {
        min_chars: args
            .password_min_chars
            .map_or(default.min_chars, usize::from),
        reset_link_minutes: args
            .reset_link_minutes
            .map_or(default.reset_link_minutes, i64::from),
        invitation_days: args
            .invitation_days
            .map_or(default.invitation_days, i64::from),
    }
}

fn read_password(email: &Email) -> Result<String, CliError> {
    if let Ok(password) = std::env::var("ROSTER_ADMIN_PASSWORD") {
        return Ok(password);
    }
    eprintln!("Password for {email} (one line):");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

async fn create_admin(
    database: &Database,
    email: &str,
    first_name: &str,
    last_name: &str,
    account_name: &str,
) -> Result<(), CliError> {
    let name =
        |field, text| PersonName::parse(text).map_err(|error| CliError::Name { field, error });
    let admin_email = Email::parse(email)?;
    let first_name = name("--first-name", first_name)?;
    let last_name = name("--last-name", last_name)?;
    let db = Db::connect(&database.url, 2).await?;
    if count_accounts(&db).await? > 0 {
        return Err(CliError::AccountExists);
    }
    let admin = NewPrimaryAdmin {
        password: read_password(&admin_email)?,
        email: admin_email.clone(),
        first_name,
        last_name,
    };
    create_account(&db, account_name, admin, SystemClock.now()).await?;
    println!("Created the account '{account_name}' with Primary Admin {admin_email}.");
    Ok(())
}

async fn seed_users(database: &Database, users: u64) -> Result<(), CliError> {
    let db = Db::connect(&database.url, database.connections).await?;
    let (account_id, role_id) = loader::first_account(&db)
        .await?
        .ok_or(CliError::NoAccount)?;
    let serial = loader::next_serial(&db).await?;
    let started = std::time::Instant::now();
    let added =
        loader::add_generated_users(&db, account_id, role_id, users, serial, SystemClock.now())
            .await?;
    db.analyze().await?;
    println!(
        "Added {added} users in {:.1} s.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
