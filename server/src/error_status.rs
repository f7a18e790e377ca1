//! Errors as HTTP answers: every failed server function gets the status of its
//! `AppError` (server_fn answers all errors with 500, so a script could not tell its own
//! mistake from a server failure), and every error body gets a `message` in English
//! beside its code, for scripts and logs. The console translates the code instead.

use app::error::AppError;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

/// The largest error body read back: an error may quote what was sent, up to the
/// request limit. Anything larger is passed through untouched.
const MAX_ERROR_BODY: usize = 1024 * 1024;

/// The JSON answer for `error`: its code and parameters, and a readable message.
pub fn error_response(error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, document(error)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    add_retry_after(error, response.headers_mut());
    response
}

/// An overloaded server, or one that turns away an address trying too fast, says when
/// to come back.
fn add_retry_after(error: &AppError, headers: &mut axum::http::HeaderMap) {
    if let AppError::Busy { retry_after_secs } | AppError::TooManyAttempts { retry_after_secs } =
        error
    {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
    }
}

fn document(error: &AppError) -> String {
    let mut value = serde_json::to_value(error).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("message".into(), error.to_string().into());
    }
    value.to_string()
}

pub async fn status_from_app_error(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    match serde_json::from_slice::<AppError>(&bytes) {
        Ok(error) => {
            parts.status =
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            parts.headers.remove(header::CONTENT_LENGTH);
            add_retry_after(&error, &mut parts.headers);
            Response::from_parts(parts, Body::from(document(&error)))
        }
        Err(_) => Response::from_parts(parts, Body::from(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::error::Problem;

    #[test]
    fn an_error_document_holds_its_code_and_an_english_message() {
        let error = AppError::invalid("size", Problem::TooMany { max: 100 });
        let value: serde_json::Value = serde_json::from_str(&document(&error)).unwrap();
        assert_eq!(value["code"], "invalid");
        assert_eq!(value["field"], "size");
        assert_eq!(value["message"], "size: at most 100 items");
        assert_eq!(serde_json::from_value::<AppError>(value).unwrap(), error);
    }

    #[test]
    fn a_busy_server_answers_503_and_says_when_to_come_back() {
        let response = error_response(&AppError::Busy {
            retry_after_secs: 1,
        });
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
    }
}
