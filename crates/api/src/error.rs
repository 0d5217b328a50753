//! The API's errors: every one a JSON body `{error_code, error_message}`
//! with the status the specification gives its code.

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// An error answer of the API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The specification's `error_code` (`dmp_not_found`, …).
    pub code: &'static str,
    /// What went wrong, in English, naming the parameter, header or JSON
    /// pointer at fault.
    pub message: String,
    /// Headers the answer carries besides (`WWW-Authenticate`).
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    /// An error of `code` with its status.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            headers: Vec::new(),
        }
    }

    /// 400 `dmp_invalid`: `problem` starts with the JSON pointer of the
    /// document's first problem.
    pub fn invalid(problem: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "dmp_invalid", problem)
    }

    /// 400 `bad_request`: a header or the request itself is malformed.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 413 `bad_request`: the body is over the configured size.
    pub fn too_large(limit: usize) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "bad_request",
            format!(
                "the request body is over {limit} bytes, this server's limit (api.max_body_bytes)"
            ),
        )
    }

    /// 415 `unsupported_media_type`.
    pub fn unsupported(content_type: Option<&str>) -> ApiError {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!(
                "Content-Type: {}: this server reads {}, {} and application/json (the version the document names), in UTF-8",
                content_type.unwrap_or("(none)"),
                crate::negotiate::V1_3,
                crate::negotiate::V1_2
            ),
        )
    }

    /// 409 `dmp_stale`: a precondition (`If-Match`, `If-Unmodified-Since`)
    /// does not hold.
    pub fn stale(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "dmp_stale", message)
    }

    /// 409 `dmp_already_exists`, naming the stored DMP's id.
    pub fn exists(id: &str, path: &str) -> ApiError {
        ApiError::new(
            StatusCode::CONFLICT,
            "dmp_already_exists",
            format!("the DMP '{id}' already exists ({path}): PUT it there to replace it"),
        )
    }

    /// 409 `conflict`: the request contradicts what is stored (a document
    /// naming another DMP than its path).
    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// 403 `insufficient_permissions`.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "insufficient_permissions", message)
    }

    /// 404 `dmp_not_found`.
    pub fn not_found(id: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "dmp_not_found",
            format!("no DMP '{id}' here"),
        )
    }

    /// 400 `invalid_query_string`.
    pub fn query(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_query_string", message)
    }

    /// 406 `not_acceptable`.
    pub fn not_acceptable(accept: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            "not_acceptable",
            format!(
                "Accept: {accept}: this server writes {}, {} and application/json (1.3)",
                crate::negotiate::V1_3,
                crate::negotiate::V1_2
            ),
        )
    }

    /// 500 `generic_error` (the cause is logged, not shown).
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(%cause, "maDMP API request failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "generic_error",
            "the server failed to answer; the failure is in its log",
        )
    }
}

impl From<dmpgraph_pipeline::PipelineError> for ApiError {
    fn from(e: dmpgraph_pipeline::PipelineError) -> ApiError {
        ApiError::internal(e)
    }
}

impl From<dmpgraph_store::StoreError> for ApiError {
    fn from(e: dmpgraph_store::StoreError) -> ApiError {
        ApiError::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error_code": self.code,
            "error_message": self.message,
        });
        let mut r = (self.status, body.to_string()).into_response();
        for (name, value) in self.headers {
            r.headers_mut().append(name, value);
        }
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        r
    }
}
