//! The `roster` command: serve the console, create the first admin, or load users.

use app::clock::{Clock, SystemClock};
use app::db::{Db, redact};
use app::seed;
use clap::{Parser, Subcommand};
use server::startup::{Application, Settings};
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

#[derive(clap::Args, Default)]
struct ServeArgs {
    /// Address to listen on [default: $LEPTOS_SITE_ADDR or 127.0.0.1:3000]
    #[arg(long, env = "ROSTER_ADDR")]
    addr: Option<SocketAddr>,
    /// Fill an empty database with the demo organisation and print its sign-in.
    #[arg(long, env = "ROSTER_DEMO")]
    demo: bool,
    /// Mark cookies Secure: set when users reach the console over https.
    #[arg(long, env = "ROSTER_SECURE_COOKIES")]
    secure_cookies: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    server::telemetry::init();
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(&cli.database_url, cli.db_connections, args).await,
        Command::CreateAdmin {
            email,
            first_name,
            last_name,
            account_name,
        } => {
            create_admin(
                &cli.database_url,
                &email,
                &first_name,
                &last_name,
                &account_name,
            )
            .await
        }
        Command::Seed { users } => seed_users(&cli.database_url, cli.db_connections, users).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("roster: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(database_url: &str, db_connections: u32, args: ServeArgs) -> Result<(), String> {
    let addr = match args.addr {
        Some(addr) => addr,
        None => std::env::var("LEPTOS_SITE_ADDR")
            .ok()
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000))),
    };
    let settings = Settings {
        addr,
        database_url: database_url.to_owned(),
        max_connections: db_connections,
        secure_cookies: args.secure_cookies,
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let application = Application::build(&settings, clock.clone())
        .await
        .map_err(|error| error.to_string())?;
    let url = format!("http://{}", application.address());
    if args.demo
        && seed::seed_demo(application.db(), clock.now())
            .await
            .map_err(|e| e.to_string())?
    {
        tracing::info!("demo organisation created");
    }
    let accounts = app::accounts::count_accounts(application.db())
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(%url, database = %redact(database_url), "Roster is serving");
    println!("Roster is serving at {url}/users");
    if args.demo {
        println!(
            "Demo sign-in: {} / {}",
            seed::DEMO_ADMIN_EMAIL,
            seed::DEMO_ADMIN_PASSWORD
        );
    } else if accounts == 0 {
        println!(
            "No admin yet. Create the Primary Admin with:\n  roster create-admin --email you@example.com --first-name You --last-name Admin"
        );
    }
    application.run().await.map_err(|error| error.to_string())
}

async fn create_admin(
    database_url: &str,
    email: &str,
    first_name: &str,
    last_name: &str,
    account_name: &str,
) -> Result<(), String> {
    let db = Db::connect(database_url, 2)
        .await
        .map_err(|e| e.to_string())?;
    if app::accounts::count_accounts(&db)
        .await
        .map_err(|e| e.to_string())?
        > 0
    {
        return Err("this database already has an account and its Primary Admin".into());
    }
    let email = app::email::Email::parse(email).map_err(|e| e.to_string())?;
    let password = match std::env::var("ROSTER_ADMIN_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            eprintln!("Password for {email} (one line):");
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| e.to_string())?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let admin = app::accounts::NewPrimaryAdmin {
        email: email.clone(),
        first_name: first_name.to_owned(),
        last_name: last_name.to_owned(),
        password,
    };
    app::accounts::create_account(&db, account_name, admin, SystemClock.now())
        .await
        .map_err(|e| e.to_string())?;
    println!("Created the account '{account_name}' with Primary Admin {email}.");
    Ok(())
}

async fn seed_users(database_url: &str, db_connections: u32, users: u64) -> Result<(), String> {
    let db = Db::connect(database_url, db_connections)
        .await
        .map_err(|e| e.to_string())?;
    let (account_id, role_id) = seed::first_account(&db)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no account yet: run `roster create-admin` or `roster serve --demo` first")?;
    let serial = seed::next_serial(&db).await.map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    let added = seed::add_users(&db, account_id, role_id, users, serial, SystemClock.now())
        .await
        .map_err(|e| e.to_string())?;
    db.analyze().await.map_err(|e| e.to_string())?;
    println!(
        "Added {added} users in {:.1} s.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
