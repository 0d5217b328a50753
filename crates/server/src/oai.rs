//! `/oai`: the OAI-PMH 2.0 data provider (`dmpgraph-oai`), over GET and
//! POST (`application/x-www-form-urlencoded`). Protocol errors are OAI-PMH
//! documents with HTTP 200, as the protocol says.

use crate::AppState;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// Renders OAI-PMH records ahead of harvests, in the background, below the
/// readers' CPU priority (as the writer runs): at start from where the kept
/// records end, then what changed, looked for every two seconds (see
/// [`dmpgraph_oai::Provider::warm_changes`]).
pub(crate) fn keep_rendered(provider: dmpgraph_oai::Provider) {
    let started = std::thread::Builder::new()
        .name("dmpgraph-oai-render".into())
        .spawn(move || {
            dmpgraph_store::lower_priority(10);
            let mut state = dmpgraph_oai::WarmState::default();
            loop {
                let t = std::time::Instant::now();
                match provider.warm_changes(&mut state) {
                    Ok(w) if w.rendered > 0 => tracing::info!(
                        rendered = w.rendered,
                        items = w.items,
                        seconds = t.elapsed().as_secs_f64(),
                        "OAI-PMH records rendered"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "rendering OAI-PMH records: {e}"),
                }
                std::thread::sleep(std::time::Duration::from_secs(2));
            }
        });
    if let Err(e) = started {
        tracing::warn!(error = %e, "OAI-PMH records are rendered on request only");
    }
}

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

/// Hands the response to the connection chunk by chunk as the provider
/// writes it (a bounded channel: a slow harvester slows the writer, memory
/// stays flat).
struct ChunkWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
}

impl std::io::Write for ChunkWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.tx
            .blocking_send(Ok(Bytes::copy_from_slice(buf)))
            .map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the harvester went away")
            })?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn answer(state: AppState, pairs: Vec<(String, String)>, base: String) -> Response {
    let Some(provider) = state.oai.clone() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "OAI-PMH is not available on this server\n",
        )
            .into_response();
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let failed = tx.clone();
    tokio::task::spawn_blocking(move || {
        let mut out = ChunkWriter { tx };
        if let Err(e) = provider.respond_to(&pairs, &base, &mut out) {
            tracing::error!(error = %e, "OAI-PMH: the response failed");
            // Before any byte went out this is a 500; after, the body ends
            // with an error and the connection is cut, so that a harvester
            // never takes a truncated document for a whole one.
            let _ = failed.blocking_send(Err(std::io::Error::other(e.to_string())));
        }
    });
    // A response that ends within 1 MiB (a page of any usual size, written
    // in one piece) goes out whole, with its Content-Length; a longer one
    // streams (chunked) as it is written. Memory holds at most that much of
    // a response.
    const WHOLE: usize = 1 << 20;
    let mut head: Vec<Bytes> = Vec::new();
    let mut size = 0;
    let mut ended = false;
    while size < WHOLE {
        match rx.recv().await {
            Some(Ok(bytes)) => {
                size += bytes.len();
                head.push(bytes);
            }
            Some(Err(_)) => {
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the store failed; see the server's log\n",
                )
                    .into_response()
            }
            None => {
                ended = true;
                break;
            }
        }
    }
    if head.is_empty() {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the store failed; see the server's log\n",
        )
            .into_response();
    }
    let content_type = [(header::CONTENT_TYPE, "text/xml; charset=utf-8")];
    if ended {
        let whole = match head.len() {
            1 => head.swap_remove(0),
            _ => {
                let mut whole = Vec::with_capacity(size);
                for b in &head {
                    whole.extend_from_slice(b);
                }
                Bytes::from(whole)
            }
        };
        return (content_type, whole).into_response();
    }
    let rest = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let body = futures_util::stream::StreamExt::chain(
        futures_util::stream::iter(head.into_iter().map(Ok::<_, std::io::Error>)),
        rest,
    );
    (content_type, axum::body::Body::from_stream(body)).into_response()
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
