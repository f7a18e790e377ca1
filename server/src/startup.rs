//! Builds the HTTP application from its settings: the database, the routes of pages,
//! server functions, health and static files, and the layers around them.

use crate::origin::{OriginError, PublicOrigin};
use crate::{assets, csrf, error_status, origin, principal};
use app::auth::attempts::AttemptLimit;
use app::auth::lockout::unlock_due;
use app::auth::session::sweep_expired_sessions;
use app::clock::Clock;
use app::db::{Db, DbSetupError};
use app::mail::smtp::{DEFAULT_FROM, Mailer, MailerError};
use app::secret_box::SecretKey;
use app::state::{AppState, PasswordSettings};
use app::{App, shell};
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// The largest request body accepted (413 beyond): a Delete Selected of 10,000 ids is
/// about 100 KB.
pub const MAX_REQUEST_BODY: usize = 512 * 1024;

/// Browsers reach a console with Secure cookies over https only, for a year from its
/// last answer.
const HSTS: &str = "max-age=31536000";

/// How often ended sessions are swept from the database.
const SESSION_SWEEP_INTERVAL: Duration = Duration::from_secs(60);

/// What the server needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    pub database_url: String,
    pub max_connections: u32,
    /// Leave the `Secure` mark off cookies although the console is reached over the
    /// network (served over plain http on purpose).
    pub insecure_cookies: bool,
    /// The SMTP server mail goes out through (see `app::mail::smtp`); without one, mail
    /// waits in the outbox.
    pub smtp_url: Option<String>,
    /// The `From` of every message, e.g. `Roster <roster@example.com>`.
    pub mail_from: Option<String>,
    /// Where people reach the console (see `origin`); needed unless it listens on a
    /// loopback address, where it is `http://` and that address.
    pub public_url: Option<String>,
    pub passwords: PasswordSettings,
    /// Sign-ins and password resets a minute from one address (0: no limit).
    pub attempts_per_minute: u32,
    /// The key secrets kept for third parties (an SSO client secret) are sealed with.
    pub secret_key: Option<SecretKey>,
}

/// A server bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    mailer: Option<Mailer>,
    /// Told when the server begins to stop, so that endless responses end.
    stopping: watch::Sender<bool>,
}

impl Application {
    /// Opens and migrates the database, then binds the listener.
    pub async fn build(settings: &Settings, clock: Arc<dyn Clock>) -> Result<Self, StartupError> {
        let db = Db::connect(&settings.database_url, settings.max_connections).await?;
        let filled = app::users::store::backfill_search_keys(&db)
            .await
            .map_err(StartupError::Backfill)?;
        if filled > 0 {
            tracing::info!(
                filled,
                "search keys computed for users stored before search"
            );
        }
        let folded = app::apps::store::backfill_name_keys(&db)
            .await
            .map_err(StartupError::Backfill)?;
        if folded > 0 {
            tracing::info!(
                folded,
                "name keys computed for apps stored before the Apps page"
            );
        }
        let mailer = settings
            .smtp_url
            .as_deref()
            .map(|url| {
                let from = settings.mail_from.as_deref().unwrap_or(DEFAULT_FROM);
                Mailer::from_url(url, from)
            })
            .transpose()?;
        let listener = TcpListener::bind(settings.addr)
            .await
            .map_err(StartupError::Bind)?;
        let addr = listener.local_addr().map_err(StartupError::Bind)?;
        let origin = PublicOrigin::resolve(
            settings.public_url.as_deref(),
            addr,
            settings.insecure_cookies,
        )?;
        let state = AppState {
            db,
            clock,
            secure_cookies: origin.secure_cookies,
            mail_delivery: mailer.is_some(),
            public_url: origin.url.clone(),
            passwords: settings.passwords,
            attempts: AttemptLimit::per_minute(settings.attempts_per_minute),
            secret_key: settings.secret_key.clone(),
        };
        let (stopping, stop) = watch::channel(false);
        Ok(Self {
            listener,
            router: router(state.clone(), addr, origin, stop),
            state,
            mailer,
            stopping,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// Serves until the process is stopped, sweeping ended sessions, lifting locks whose
    /// time is up, and delivering mail meanwhile.
    pub async fn run(self) -> std::io::Result<()> {
        tokio::spawn(sweep_sessions(self.state.clone()));
        if let Some(mailer) = self.mailer {
            let state = self.state.clone();
            tokio::spawn(app::mail::delivery::run(state.db, mailer, state.clock));
        }
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let stopping = self.stopping;
        axum::serve(self.listener, service)
            .with_graceful_shutdown(async move {
                shutdown_signal().await;
                // Live streams end now: the requests under way are waited for.
                stopping.send_replace(true);
            })
            .await
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] DbSetupError),
    #[error("cannot listen: {0}")]
    Bind(#[source] std::io::Error),
    #[error("computing the search keys of stored users failed: {0}")]
    Backfill(#[source] app::error::AppError),
    #[error(transparent)]
    Mail(#[from] MailerError),
    #[error(transparent)]
    Origin(#[from] OriginError),
}

fn leptos_options(addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("roster")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

/// Every route of the console, answering for `origin` only.
pub fn router(
    state: AppState,
    addr: SocketAddr,
    origin: PublicOrigin,
    stop: watch::Receiver<bool>,
) -> Router {
    let secure = origin.secure_cookies;
    let options = leptos_options(addr);
    let routes = generate_route_list(App);
    let page_context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let fallback = {
        let render = leptos_axum::render_app_to_stream_with_context(page_context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        });
        move |request: Request| async move {
            match assets::serve(request.uri().path(), request.headers()) {
                Some(file) => file,
                None => {
                    let mut response = render(request).await;
                    *response.status_mut() = StatusCode::NOT_FOUND;
                    response
                }
            }
        }
    };
    let pages = Router::<LeptosOptions>::new()
        .leptos_routes_with_context(&options, routes, page_context, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .with_state(options);

    let limited = Router::new()
        .route("/healthz", get(healthz))
        // A file at the top level, which the console's `/{area}` route would catch.
        .route("/favicon.svg", get(site_file))
        .with_state(state.clone())
        .merge(pages)
        .fallback(fallback)
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BODY));
    // Pictures take larger bodies, under a limit of their own.
    Router::new()
        .merge(crate::pictures::routes(state.clone()))
        .merge(crate::activity::routes(state.clone(), stop))
        .merge(crate::sso::routes(state.clone()))
        .merge(limited)
        .layer(axum::middleware::from_fn(
            error_status::status_from_app_error,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state,
            principal::resolve_principal,
        ))
        .layer(axum::middleware::from_fn(csrf::refuse_cross_origin))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(origin),
            origin::refuse_other_hosts,
        ))
        .layer(CompressionLayer::new())
        // Pages and API answers carry personal data: no cache keeps them. The site's
        // files and pictures say how they are cached themselves.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &Response| secure.then_some(HeaderValue::from_static(HSTS)),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request| {
                let route = request
                    .extensions()
                    .get::<MatchedPath>()
                    .map_or(request.uri().path(), MatchedPath::as_str);
                tracing::info_span!("request", method = %request.method(), route)
            }),
        )
}

/// Removes sessions idle past the timeout, so they do not wait to be presented again.
async fn sweep_sessions(state: AppState) {
    let mut interval = tokio::time::interval(SESSION_SWEEP_INTERVAL);
    loop {
        interval.tick().await;
        match sweep_expired_sessions(&state.db, state.clock.now()).await {
            Ok(0) => {}
            Ok(swept) => tracing::debug!(swept, "ended sessions swept"),
            Err(error) => tracing::warn!(%error, "sweeping ended sessions failed"),
        }
        // Locks lift on time even for users who do not try again (a sign-in lifts its
        // own user's lock first anyway).
        state.attempts.forget_idle();
        match unlock_due(&state.db, None, state.clock.now()).await {
            Ok(0) => {}
            Ok(lifted) => tracing::info!(lifted, "locks lifted on time"),
            Err(error) => tracing::warn!(%error, "lifting locks failed"),
        }
    }
}

async fn site_file(request: Request) -> Response {
    assets::serve(request.uri().path(), request.headers())
        .unwrap_or_else(|| StatusCode::NOT_FOUND.into_response())
}

async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.db.is_reachable().await {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}

/// Ctrl-C or SIGTERM: finish the requests under way, then stop.
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}
