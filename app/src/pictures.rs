//! Profile pictures: an upload (PNG, JPEG or WebP, at most 2 MB) is decoded, whatever
//! its request claims, cropped to a square and re-encoded as a 256-pixel PNG; only that
//! thumbnail is kept. An admin with `users.update` sets anyone's; a user sets their own
//! when their session's profile-field policy lets them edit Profile Picture. Pictures
//! are shown in the grid, the details page, "My account" and the top bar. The rules
//! live here; the decoding in `thumbnail`, the SQL in `store` (server-only), the
//! picture and its upload control in `ui`.

#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod thumbnail;
pub mod ui;

use crate::domain::UserId;
use serde::{Deserialize, Serialize};

/// The largest upload, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 2 * 1024 * 1024;
/// The side of a stored picture, in pixels.
pub const SIDE: u32 = 256;

/// Where user `user`'s picture is served; `at` (when it changed) makes a new picture a
/// new address, so browsers may cache each one for good.
pub fn picture_href(user: UserId, at: i64) -> String {
    format!("/pictures/{user}?v={at}")
}

/// Where an admin uploads or removes user `user`'s picture.
pub fn user_picture_api(user: UserId) -> String {
    format!("/api/users/{user}/picture")
}

/// Where a user uploads or removes their own picture.
pub const MY_PICTURE_API: &str = "/api/me/picture";

/// What an upload or a removal answers: when the picture changed, if there is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PictureSaved {
    pub picture_at: Option<i64>,
}
