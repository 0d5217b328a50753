//! The SPARQL 1.1 Protocol at `/sparql`: query by GET `?query=`, by POST of
//! a form or of `application/sparql-query`; `default-graph-uri` and
//! `named-graph-uri`; answers in the negotiated format. SPARQL Update is
//! always refused (403): every write goes through the store's single writer,
//! which keeps the registry, the hashes and the change log right.

use crate::formats::{self, OutputFormat};
use crate::query::{self, Dataset, ParsedQuery, QueryError};
use crate::{pages, AppState, HttpError};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use mediatype::MediaType;

/// A protocol operation with its parameters.
#[derive(Debug, Default)]
struct ProtocolRequest {
    query: Option<String>,
    update: Option<String>,
    default_graphs: Vec<String>,
    named_graphs: Vec<String>,
    /// `format=` (json, xml, csv, tsv, turtle, …): overrides `Accept`, for
    /// links and browsers. `output=` and `results=` are its aliases (clients
    /// such as SPARQLWrapper send all three); the first one given counts.
    format: Option<String>,
}

impl ProtocolRequest {
    fn add_params(&mut self, bytes: &[u8]) -> Result<(), HttpError> {
        for (key, value) in form_urlencoded::parse(bytes) {
            let slot = match key.as_ref() {
                "query" => &mut self.query,
                "update" => &mut self.update,
                "format" | "output" | "results" => {
                    if self.format.is_none() {
                        self.format = Some(value.into_owned());
                    }
                    continue;
                }
                "default-graph-uri" => {
                    self.default_graphs.push(value.into_owned());
                    continue;
                }
                "named-graph-uri" => {
                    self.named_graphs.push(value.into_owned());
                    continue;
                }
                _ => continue,
            };
            if slot.is_some() {
                return Err(HttpError::new(
                    StatusCode::BAD_REQUEST,
                    format!("the parameter '{key}' is given more than once"),
                ));
            }
            *slot = Some(value.into_owned());
        }
        if self.query.is_some() && self.update.is_some() {
            return Err(HttpError::new(
                StatusCode::BAD_REQUEST,
                "a request carries either 'query' or 'update', not both",
            ));
        }
        Ok(())
    }

    fn dataset(&self) -> Result<Dataset, QueryError> {
        Dataset::from_iris(
            self.default_graphs.iter().map(String::as_str),
            self.named_graphs.iter().map(String::as_str),
        )
    }
}

fn accept(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok())
}

/// A browser asks for a page: its `Accept` names `text/html`.
pub(crate) fn wants_html(headers: &HeaderMap) -> bool {
    accept(headers).is_some_and(|a| a.contains("text/html"))
}

/// `GET /sparql`.
pub(crate) async fn get(
    State(app): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let mut request = ProtocolRequest::default();
    if let Err(e) = request.add_params(raw.as_deref().unwrap_or("").as_bytes()) {
        return e.into_response();
    }
    if request.update.is_some() {
        return HttpError::new(
            StatusCode::FORBIDDEN,
            "SPARQL Update is never accepted by GET (and this endpoint is read-only)",
        )
        .into_response();
    }
    if request.query.is_none() {
        if wants_html(&headers) {
            return pages::query_page().into_response();
        }
        // An RDF client asking the endpoint itself: its service description.
        if let Some(OutputFormat::Rdf(format)) = accept(&headers)
            .filter(|a| !a.trim().is_empty() && !a.contains("*/*"))
            .and_then(|a| formats::negotiate(Some(a), formats::Offer::Rdf))
        {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            return match service_description(format, &format!("http://{host}/sparql")) {
                Ok(body) => ok(OutputFormat::Rdf(format), body),
                Err(e) => HttpError::from(e).into_response(),
            };
        }
        return HttpError::new(
            StatusCode::BAD_REQUEST,
            "no query: send GET /sparql?query=…, or POST a form with 'query' or an application/sparql-query body",
        )
        .into_response();
    }
    respond(app, &headers, request).await
}

/// `POST /sparql`.
pub(crate) async fn post(
    State(app): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let mut request = ProtocolRequest::default();
    // The graph parameters of a direct POST travel in the URL.
    if let Err(e) = request.add_params(raw.as_deref().unwrap_or("").as_bytes()) {
        return e.into_response();
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| MediaType::parse(v).ok())
        .map(|m| m.essence().to_string().to_ascii_lowercase());
    let body_text = || {
        String::from_utf8(body.to_vec())
            .map_err(|_| HttpError::new(StatusCode::BAD_REQUEST, "the request body is not UTF-8"))
    };
    let in_url = request.query.is_some() || request.update.is_some();
    let outcome = match content_type.as_deref() {
        Some("application/x-www-form-urlencoded") => request.add_params(&body),
        Some(direct @ ("application/sparql-query" | "application/sparql-update")) => {
            if in_url {
                Err(HttpError::new(
                    StatusCode::BAD_REQUEST,
                    format!("a POST of {direct} carries the operation in its body, not also in the URL"),
                ))
            } else {
                body_text().map(|text| {
                    if direct == "application/sparql-query" {
                        request.query = Some(text);
                    } else {
                        request.update = Some(text);
                    }
                })
            }
        }
        other => Err(HttpError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "unsupported Content-Type {}; POST application/x-www-form-urlencoded (query=…), application/sparql-query or application/sparql-update",
                other.unwrap_or("(none)")
            ),
        )),
    };
    if let Err(e) = outcome {
        return e.into_response();
    }
    if request.update.is_some() {
        return HttpError::from(QueryError::UpdateRefused).into_response();
    }
    if request.query.is_none() {
        return HttpError::new(
            StatusCode::BAD_REQUEST,
            "no query: the form has no 'query' parameter",
        )
        .into_response();
    }
    respond(app, &headers, request).await
}

/// The format asked by `format=` or by `Accept`.
pub(crate) fn choose_format(
    headers: &HeaderMap,
    format: Option<&str>,
    offer: formats::Offer,
) -> Result<OutputFormat, HttpError> {
    let not_acceptable = || {
        HttpError::new(
            StatusCode::NOT_ACCEPTABLE,
            format!(
                "none of the accepted formats is on offer here; ask for one of: {}",
                formats::offered_media_types(offer).join(", ")
            ),
        )
    };
    match format {
        Some(name) => formats::from_name(name, offer)
            .filter(|f| f.fits(offer))
            .ok_or_else(not_acceptable),
        None => formats::negotiate(accept(headers), offer).ok_or_else(not_acceptable),
    }
}

/// Answers a query with the protocol's status codes.
async fn respond(app: AppState, headers: &HeaderMap, request: ProtocolRequest) -> Response {
    match answer(app, headers, request).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn answer(
    app: AppState,
    headers: &HeaderMap,
    request: ProtocolRequest,
) -> Result<Response, HttpError> {
    let text = request.query.as_deref().unwrap_or_default();
    let parsed = ParsedQuery::parse(text)?;
    let dataset = request.dataset()?;
    let format = choose_format(headers, request.format.as_deref(), parsed.offer())?;
    if let Some(engine) = app.engine.clone() {
        // The engine path: checked here, answered there, written again here.
        crate::remote::check(parsed.algebra())?;
        let accept = crate::remote::engine_accept(&parsed);
        let timeout = app.gate.timeout();
        let asking = engine.clone();
        let ask = async move {
            asking
                .query(
                    text,
                    &request.default_graphs,
                    &request.named_graphs,
                    accept,
                    timeout,
                )
                .await
                .map_err(crate::remote::engine_error)
        };
        let body = app
            .gate
            .run_remote(engine.name().to_string(), ask, move |answer, limits| {
                crate::remote::rewrite(&engine, &answer, format, limits)
            })
            .await?;
        return Ok(ok(format, body));
    }
    let public = app.public.clone();
    let body = app
        .gate
        .run(move |limits| query::evaluate(|p| public.query(p), parsed, &dataset, format, limits))
        .await?;
    Ok(ok(format, body))
}

/// A 200 answer in `format`.
pub(crate) fn ok(format: OutputFormat, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, format.content_type()),
            (header::VARY, "Accept"),
        ],
        body,
    )
        .into_response()
}

/// The SPARQL 1.1 Service Description of the endpoint: the languages,
/// result formats and features it supports, its default dataset (the union
/// of the named graphs), and that it is read-only.
fn service_description(
    format: oxigraph::io::RdfFormat,
    endpoint: &str,
) -> Result<Vec<u8>, QueryError> {
    use oxigraph::model::{BlankNode, Literal, NamedNode, Triple};
    const SD: &str = "http://www.w3.org/ns/sparql-service-description#";
    const FORMATS: &str = "http://www.w3.org/ns/formats/";
    let sd = |local: &str| NamedNode::new_unchecked(format!("{SD}{local}"));
    let service = BlankNode::default();
    let dataset = BlankNode::default();
    let default_graph = BlankNode::default();
    let a = oxigraph::model::vocab::rdf::TYPE.into_owned();
    let mut triples = vec![
        Triple::new(service.clone(), a.clone(), sd("Service")),
        Triple::new(
            service.clone(),
            sd("endpoint"),
            NamedNode::new(endpoint).unwrap_or_else(|_| NamedNode::new_unchecked("http://localhost/sparql")),
        ),
        Triple::new(service.clone(), sd("supportedLanguage"), sd("SPARQL11Query")),
        Triple::new(service.clone(), sd("feature"), sd("UnionDefaultGraph")),
        Triple::new(service.clone(), sd("defaultDataset"), dataset.clone()),
        Triple::new(dataset.clone(), a.clone(), sd("Dataset")),
        Triple::new(dataset.clone(), sd("defaultGraph"), default_graph.clone()),
        Triple::new(default_graph.clone(), a.clone(), sd("Graph")),
        Triple::new(
            service.clone(),
            NamedNode::new_unchecked("http://www.w3.org/2000/01/rdf-schema#comment"),
            Literal::new_language_tagged_literal_unchecked(
                "dmpgraph: the public facts of research Data Management Plans. Read-only; SERVICE is refused; the default graph is the union of the record graphs.",
                "en",
            ),
        ),
    ];
    for f in [
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "N-Quads",
        "RDF_XML",
        "JSON-LD",
    ] {
        triples.push(Triple::new(
            service.clone(),
            sd("resultFormat"),
            NamedNode::new_unchecked(format!("{FORMATS}{f}")),
        ));
    }
    let mut out = crate::query::rdf_serializer(format).for_writer(Vec::new());
    for t in &triples {
        out.serialize_triple(t)?;
    }
    Ok(out.finish()?)
}
