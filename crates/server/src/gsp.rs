//! The SPARQL 1.1 Graph Store HTTP Protocol at `/store`, read-only:
//! `GET /store?graph=IRI` (a record's named graph) and `GET /store?default`
//! (the default graph, i.e. the union of the public graphs, as `/sparql`
//! sees it). Writing methods get 405.

use crate::formats::Offer;
use crate::query::{self, Dataset, ParsedQuery};
use crate::sparql::{choose_format, ok};
use crate::{AppState, HttpError};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use oxigraph::model::NamedNode;

/// `GET /store`.
pub(crate) async fn get(
    State(app): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    match answer(app, &headers, raw.as_deref().unwrap_or("")).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn answer(app: AppState, headers: &HeaderMap, raw: &str) -> Result<Response, HttpError> {
    let mut graph = None;
    let mut default = false;
    let mut format = None;
    for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
        match key.as_ref() {
            "graph" if graph.is_none() => graph = Some(value.into_owned()),
            "graph" => {
                return Err(HttpError::new(
                    StatusCode::BAD_REQUEST,
                    "'graph' is given more than once",
                ))
            }
            "default" => default = true,
            "format" => format = Some(value.into_owned()),
            _ => {}
        }
    }
    let text = match (graph, default) {
        (Some(iri), false) => {
            let node = NamedNode::new(&iri).map_err(|e| {
                HttpError::new(
                    StatusCode::BAD_REQUEST,
                    format!("graph <{iri}> is not an IRI: {e}"),
                )
            })?;
            let public = app.public.clone();
            let exists = app
                .gate
                .run(move |_| {
                    public
                        .contains_named_graph(node.as_str())
                        .map_err(|e| query::QueryError::Evaluation(e.to_string()))
                })
                .await?;
            if !exists {
                return Err(HttpError::new(
                    StatusCode::NOT_FOUND,
                    format!("no graph <{iri}> in the public store"),
                ));
            }
            // A parsed NamedNode cannot contain '>' or spaces: safe to embed.
            format!("CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
        }
        (None, true) => "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }".to_string(),
        _ => {
            return Err(HttpError::new(
                StatusCode::BAD_REQUEST,
                "ask for one graph: GET /store?graph=IRI or GET /store?default",
            ))
        }
    };
    let format = choose_format(headers, format.as_deref(), Offer::Rdf)?;
    let parsed = ParsedQuery::parse(&text)?;
    let public = app.public.clone();
    let body = app
        .gate
        .run(move |limits| {
            query::evaluate(
                |p| public.query(p),
                parsed,
                &Dataset::default(),
                format,
                limits,
            )
        })
        .await?;
    Ok(ok(format, body))
}
