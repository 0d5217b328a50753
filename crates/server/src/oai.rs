//! `/oai`: the OAI-PMH 2.0 data provider (`dmpgraph-oai`), over GET and
//! POST (`application/x-www-form-urlencoded`). Protocol errors are OAI-PMH
//! documents with HTTP 200, as the protocol says.

use crate::AppState;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

fn pairs(text: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(text.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}/oai")
}

async fn answer(state: AppState, pairs: Vec<(String, String)>, base: String) -> Response {
    let Some(provider) = state.oai.clone() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "OAI-PMH is not available on this server\n",
        )
            .into_response();
    };
    match tokio::task::spawn_blocking(move || provider.respond(&pairs, &base)).await {
        Ok(Ok(body)) => ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response(),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "OAI-PMH: the store failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the store failed; see the server's log\n",
            )
                .into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}

pub(crate) async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let pairs = pairs(raw.as_deref().unwrap_or(""));
    answer(state, pairs, base_url(&headers)).await
}

pub(crate) async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "POST to /oai takes application/x-www-form-urlencoded\n",
        )
            .into_response();
    }
    let text = String::from_utf8_lossy(&body).into_owned();
    answer(state, pairs(&text), base_url(&headers)).await
}
