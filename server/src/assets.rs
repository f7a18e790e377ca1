//! The site cargo-leptos builds (wasm, JS, CSS, public files), served from inside the
//! binary: embedded in release builds, read from `target/site` in debug builds.
//! Precompressed `.br`/`.gz` twins are served to browsers that accept them.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

#[derive(rust_embed::Embed)]
#[folder = "$CARGO_MANIFEST_DIR/../target/site"]
#[allow_missing = true]
struct Site;

/// The file at `path`, or `None` when the site has no such file.
pub fn serve(path: &str, request_headers: &HeaderMap) -> Option<Response> {
    let path = path.trim_start_matches('/');
    if path.is_empty() || path.ends_with(".br") || path.ends_with(".gz") {
        return None;
    }
    let original = Site::get(path)?;
    let etag = format!("\"{}\"", hex::encode(original.metadata.sha256_hash()));
    let mime = original.metadata.mimetype().to_owned();

    if request_headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|value| value.as_bytes() == etag.as_bytes())
    {
        return Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, &etag)
            .header(header::CACHE_CONTROL, "no-cache")
            .body(Body::empty())
            .ok();
    }

    let accepted = request_headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let (file, encoding) = ["br", "gzip"]
        .into_iter()
        .filter(|encoding| accepted.contains(encoding))
        .find_map(|encoding| {
            let suffix = if encoding == "br" { "br" } else { "gz" };
            Site::get(&format!("{path}.{suffix}")).map(|file| (file, Some(encoding)))
        })
        .unwrap_or((original, None));

    let mut response = Response::builder()
        .header(header::CONTENT_TYPE, mime)
        .header(header::ETAG, etag)
        // File names are not hashed: browsers revalidate with the ETag every time.
        .header(header::CACHE_CONTROL, "no-cache")
        .header(header::VARY, "Accept-Encoding");
    if let Some(encoding) = encoding {
        response = response.header(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response.body(Body::from(file.data.into_owned())).ok()
}
