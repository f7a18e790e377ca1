//! The routes of profile pictures, outside the server functions because they carry an
//! image's bytes: an admin's upload or removal for a user of their account
//! (`users.update`), a user's own (when the policy of their session lets them edit
//! Profile Picture), and the picture itself, for its user and the admins who may read
//! users. Uploads may be larger than other requests, up to `MAX_UPLOAD_BYTES`.

use crate::error_status::error_response;
use app::auth::principal::{Principal, UsersRead, UsersUpdate};
use app::domain::UserId;
use app::domain::ids::request_id;
use app::error::{AppError, Problem};
use app::pictures::thumbnail::thumbnail;
use app::pictures::{MAX_UPLOAD_BYTES, PictureSaved, store};
use app::settings::profile_fields::ProfileField;
use app::settings::profile_fields::store::session_policy;
use app::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Extension, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, put};
use tower_http::limit::RequestBodyLimitLayer;

/// What a picture request may send: the largest upload, and room for a refusal to name
/// it rather than a bare 413.
const MAX_BODY: usize = MAX_UPLOAD_BYTES + 64 * 1024;

pub fn routes(state: AppState) -> Router {
    Router::new()
        .route(
            "/api/users/{id}/picture",
            put(upload_for_user).delete(remove_for_user),
        )
        .route("/api/me/picture", put(upload_mine).delete(remove_mine))
        // One limit, this one: not also axum's default for extracted bodies.
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .route("/pictures/{id}", get(serve))
        .with_state(state)
}

fn answer(result: Result<PictureSaved, AppError>) -> Response {
    match result {
        Ok(saved) => Json(saved).into_response(),
        Err(error) => error_response(&error),
    }
}

fn signed_in(principal: Option<Extension<Principal>>) -> Result<Principal, AppError> {
    principal
        .map(|Extension(principal)| principal)
        .ok_or(AppError::Unauthenticated)
}

/// The thumbnail of `upload`, made off the async threads: decoding is CPU work.
async fn thumbnail_of(upload: Bytes) -> Result<Vec<u8>, AppError> {
    tokio::task::spawn_blocking(move || thumbnail(&upload))
        .await
        .map_err(|_| AppError::Internal)?
}

/// 400 unless the policy of the principal's session lets them change their picture.
async fn may_change_own(state: &AppState, principal: &Principal) -> Result<UserId, AppError> {
    let mut conn = state.db.pool().acquire().await?;
    let session = app::users::sessions::current_session(principal);
    let policy = session_policy(&mut conn, principal.account_id(), session).await?;
    if !policy.settings.user_may_edit(ProfileField::Picture) {
        return Err(AppError::invalid("picture", Problem::ReadOnly));
    }
    Ok(principal.user_id())
}

async fn upload_for_user(
    State(state): State<AppState>,
    principal: Option<Extension<Principal>>,
    Path(id): Path<i64>,
    upload: Bytes,
) -> Response {
    answer(
        async {
            let grant = signed_in(principal)?.grant::<UsersUpdate>()?;
            let user = request_id("id", id)?;
            let png = thumbnail_of(upload).await?;
            let at = store::set_picture(&state.db, grant.actor(), user, &png, state.clock.now());
            Ok(PictureSaved {
                picture_at: Some(at.await?),
            })
        }
        .await,
    )
}

async fn remove_for_user(
    State(state): State<AppState>,
    principal: Option<Extension<Principal>>,
    Path(id): Path<i64>,
) -> Response {
    answer(
        async {
            let grant = signed_in(principal)?.grant::<UsersUpdate>()?;
            let user = request_id("id", id)?;
            store::remove_picture(&state.db, grant.actor(), user, state.clock.now()).await?;
            Ok(PictureSaved { picture_at: None })
        }
        .await,
    )
}

async fn upload_mine(
    State(state): State<AppState>,
    principal: Option<Extension<Principal>>,
    upload: Bytes,
) -> Response {
    answer(
        async {
            let principal = signed_in(principal)?;
            let user = may_change_own(&state, &principal).await?;
            let png = thumbnail_of(upload).await?;
            let grant = principal.own_account_grant();
            let at = store::set_picture(&state.db, grant.actor(), user, &png, state.clock.now());
            Ok(PictureSaved {
                picture_at: Some(at.await?),
            })
        }
        .await,
    )
}

async fn remove_mine(
    State(state): State<AppState>,
    principal: Option<Extension<Principal>>,
) -> Response {
    answer(
        async {
            let principal = signed_in(principal)?;
            let user = may_change_own(&state, &principal).await?;
            let grant = principal.own_account_grant();
            store::remove_picture(&state.db, grant.actor(), user, state.clock.now()).await?;
            Ok(PictureSaved { picture_at: None })
        }
        .await,
    )
}

/// The picture of user `id`: for the user, and for admins who may read users of their
/// account; 404 for anyone else, as for a user without a picture. Its address changes
/// with it, so it is cached for good.
async fn serve(
    State(state): State<AppState>,
    principal: Option<Extension<Principal>>,
    Path(id): Path<i64>,
) -> Response {
    let found = async {
        let principal = signed_in(principal)?;
        let user: UserId = request_id("id", id)?;
        let hidden = AppError::unknown_user(id);
        if user != principal.user_id() && principal.grant::<UsersRead>().is_err() {
            return Err(hidden);
        }
        store::picture(&state.db, principal.account_id(), user)
            .await?
            .ok_or(hidden)
    }
    .await;
    match found {
        Ok(png) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, max-age=31536000, immutable"),
                ),
            ],
            png,
        )
            .into_response(),
        Err(error) => error_response(&error),
    }
}
