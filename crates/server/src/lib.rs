//! dmpgraph's HTTP server over the **public** store: a SPARQL 1.1 Protocol
//! endpoint (`/sparql`), the read-only Graph Store Protocol (`/store`),
//! record pages that dereference record IRIs (`/record/{id}`) and `/health`.
//! and the OAI-PMH 2.0 data provider (`/oai`, crate `dmpgraph-oai`).
//!
//! Handlers get a [`PublicView`]: the public store and the registry,
//! read-only, with no path to the private store, so no request can reach a
//! private value whatever it asks: the separation is structural. Writes go
//! through the store's single writer, never through this server's routes.
//!
//! ```no_run
//! use dmpgraph_server::{Config, run};
//! use dmpgraph_store::{Stores, WriterOptions};
//! let writer = Stores::open(std::path::Path::new("dmpgraph-data"))?.start_writer(WriterOptions::default());
//! run(writer.public(), Config::default(), |addr| eprintln!("listening on http://{addr}/"))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod formats;
mod gsp;
mod limits;
mod oai;
mod order;
mod pages;
pub mod query;
mod remote;
mod sparql;

pub use formats::{from_name as format_from_name, Offer, OutputFormat};
pub use limits::Limits;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use dmpgraph_store::PublicView;
use limits::Gate;
use query::QueryError;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tower_http::cors::{Any, CorsLayer};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Everything that can stop the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source} (is another server running there? choose another --addr)")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The runtime or the connection loop failed.
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen.
    pub addr: SocketAddr,
    /// The query path's limits.
    pub limits: Limits,
    /// The OAI-PMH repository.
    pub oai: dmpgraph_oai::OaiConfig,
    /// The SPARQL engine that answers `/sparql` instead of the embedded
    /// store (`[backend]`); other routes read the local store.
    pub engine: Option<dmpgraph_replica::Engine>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            limits: Limits::default(),
            oai: dmpgraph_oai::OaiConfig::default(),
            engine: None,
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) public: PublicView,
    pub(crate) gate: Gate,
    pub(crate) oai: Option<dmpgraph_oai::Provider>,
    /// Where `/sparql` queries go: the embedded store when `None`.
    pub(crate) engine: Option<dmpgraph_replica::Engine>,
}

/// An error with its sources, on one line.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// An error answer: a status and a plain-text message for people.
#[derive(Debug)]
pub(crate) struct HttpError {
    status: StatusCode,
    message: String,
}

impl HttpError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> HttpError {
        HttpError {
            status,
            message: message.into(),
        }
    }
}

impl From<QueryError> for HttpError {
    fn from(e: QueryError) -> HttpError {
        let status = match &e {
            QueryError::Syntax(_) | QueryError::BadRequest(_) => StatusCode::BAD_REQUEST,
            QueryError::UpdateRefused | QueryError::ServiceRefused(_) => StatusCode::FORBIDDEN,
            QueryError::Timeout(_) | QueryError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            QueryError::TooLarge(_) => StatusCode::UNPROCESSABLE_ENTITY,
            QueryError::FormatMismatch { .. } => StatusCode::NOT_ACCEPTABLE,
            QueryError::Evaluation(_) | QueryError::Output(_) => StatusCode::INTERNAL_SERVER_ERROR,
            QueryError::Engine(_) => StatusCode::BAD_GATEWAY,
            QueryError::EngineTimeout(_) => StatusCode::GATEWAY_TIMEOUT,
        };
        HttpError::new(status, e.to_string())
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::warn!(status = %self.status, message = %self.message, "request failed");
        }
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{}\n", self.message),
        )
            .into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// The application: every route, CORS and access logs. Routes of other
/// issues (`/oai`) merge into it.
pub fn router(public: PublicView, config: &Config) -> Router {
    router_with(public, config, Router::new())
}

/// [`router`] with `extra` routes merged in (the maDMP API of
/// `dmpgraph-api`), under the same CORS and access logs.
pub fn router_with(public: PublicView, config: &Config, extra: Router) -> Router {
    let oai = match dmpgraph_oai::Provider::new(public.clone(), config.oai.clone()) {
        Ok(p) => Some(p),
        Err(e) => {
            tracing::error!(error = %e, "OAI-PMH is off: its token key cannot be read or made");
            None
        }
    };
    if let Some(provider) = oai.clone() {
        oai::keep_rendered(provider);
    }
    let state = AppState {
        public,
        gate: Gate::new(config.limits.clone()),
        oai,
        engine: config.engine.clone(),
    };
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([
            axum::http::Method::GET,
            axum::http::Method::HEAD,
            axum::http::Method::POST,
            // The maDMP API's writes.
            axum::http::Method::PUT,
            axum::http::Method::DELETE,
        ])
        .allow_headers([
            header::ACCEPT,
            header::CONTENT_TYPE,
            header::IF_NONE_MATCH,
            header::AUTHORIZATION,
            header::IF_MATCH,
            header::IF_UNMODIFIED_SINCE,
        ])
        // What a browser client of the maDMP API needs to read.
        .expose_headers([
            header::ETAG,
            header::LAST_MODIFIED,
            header::WARNING,
            header::LINK,
            header::CONTENT_LOCATION,
            header::WWW_AUTHENTICATE,
        ])
        .max_age(Duration::from_secs(3600));
    Router::new()
        .route("/", get(pages::index))
        .route("/health", get(health))
        .route("/sparql", get(sparql::get).post(sparql::post))
        .route("/store", get(gsp::get))
        .route("/record/{id}", get(pages::record))
        .route("/oai", get(oai::get).post(oai::post))
        .with_state(state)
        .merge(extra)
        .layer(cors)
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Micros),
                ),
        )
}

async fn health() -> &'static str {
    "ok\n"
}

/// Serves `app` on `listener` until `shutdown` resolves, then finishes the
/// requests under way.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    use axum::serve::ListenerExt;
    // Answers go out as soon as they are written: without TCP_NODELAY the
    // last segment of a streamed answer waits for the client's delayed ACK
    // (40 ms per OAI-PMH page, measured by the `oai` benchmark).
    let listener = listener.tap_io(|stream| {
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!("cannot set TCP_NODELAY: {e}");
        }
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(ServerError::Io)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing the requests under way");
}

/// Runs the server on its own runtime until Ctrl-C or SIGTERM. `on_listen`
/// is told the bound address (useful with port 0).
pub fn run(
    public: PublicView,
    config: Config,
    on_listen: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    run_with(public, config, Router::new(), on_listen)
}

/// [`run`] with `extra` routes ([`router_with`]).
pub fn run_with(
    public: PublicView,
    config: Config,
    extra: Router,
    on_listen: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|source| ServerError::Bind {
                addr: config.addr,
                source,
            })?;
        on_listen(listener.local_addr()?);
        serve(
            listener,
            router_with(public, &config, extra),
            shutdown_signal(),
        )
        .await
    })
}

/// Runs a query on the endpoint's query path (same parser, dataset, SERVICE
/// refusal and formats) without its limits: `dmpgraph query`, locally or
/// through a running server's admin socket. `format` is a format name
/// (`json`, `tsv`, `turtle`…); without one, TSV for SELECT and ASK, Turtle
/// for CONSTRUCT and DESCRIBE. The error is the reason, for people.
pub fn run_query(public: &PublicView, text: &str, format: Option<&str>) -> Result<Vec<u8>, String> {
    use oxigraph::io::RdfFormat;
    use oxigraph::sparql::results::QueryResultsFormat;
    let parsed = query::ParsedQuery::parse(text).map_err(|e| format!("query refused: {e}"))?;
    let format = match format {
        Some(name) => format_from_name(name, parsed.offer())
            .filter(|f| f.fits(parsed.offer()))
            .ok_or_else(|| {
                format!(
                    "--format {name}: a {} query is written as {}",
                    parsed.form(),
                    match parsed.offer() {
                        Offer::Results => "json, xml, csv or tsv",
                        _ => "turtle, ntriples, nquads, rdfxml or jsonld",
                    }
                )
            })?,
        None => match parsed.offer() {
            Offer::Results => OutputFormat::Results(QueryResultsFormat::Tsv),
            _ => OutputFormat::Rdf(RdfFormat::Turtle),
        },
    };
    query::evaluate(
        |p| public.query(p),
        parsed,
        &query::Dataset::default(),
        format,
        &query::RunLimits::rows(usize::MAX),
    )
    .map_err(|e| e.to_string())
}
