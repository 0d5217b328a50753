//! Pages for people: the landing page, the query page of `/sparql`, and
//! `/record/{id}`, which dereferences a record IRI (HTML for people,
//! Turtle, JSON-LD, N-Triples, RDF/XML for machines).

use crate::formats::{Offer, OutputFormat};
use crate::query::{rdf_serializer, QueryError, PREFIXES};
use crate::sparql::{choose_format, ok};
use crate::{AppState, HttpError};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use dmpgraph_model::identity::Identifier;
use dmpgraph_rdf::link::EntryFacts;
use dmpgraph_store::{RecordKey, RecordKind};
use maud::{html, Markup, DOCTYPE};
use oxigraph::model::{Quad, Term};
use std::collections::BTreeMap;

include!(concat!(env!("OUT_DIR"), "/librarian_queries.rs"));

fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}textarea{width:100%;font-family:monospace}pre{background:#f4f4f4;padding:.5rem;overflow:auto}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}" }
            }
            body { (body) }
        }
    }
}

/// `GET /`.
pub(crate) async fn index() -> Html<String> {
    Html(
        layout(
            "dmpgraph",
            html! {
                h1 { "dmpgraph" }
                p { "AMED research Data Management Plans as RDF (public facts only)." }
                ul {
                    li { a href="/sparql" { "/sparql" } " — SPARQL 1.1 query endpoint (query page in a browser)" }
                    li { code { "/store?graph=IRI" } " — a record's named graph (Graph Store Protocol, read-only)" }
                    li { code { "/record/{id}" } " — a record, by its grant number (課題管理番号)" }
                    li { a href="/health" { "/health" } }
                }
            },
        )
        .into_string(),
    )
}

/// The query page of `GET /sparql` for a browser.
pub(crate) fn query_page() -> Html<String> {
    Html(
        layout(
            "dmpgraph SPARQL endpoint",
            html! {
                h1 { "SPARQL endpoint" }
                p {
                    "SPARQL 1.1 over the public facts of the stored plans. The default graph is the union of the record graphs; each record is the named graph "
                    code { "<…/record/{id}>" } ". Read-only; SERVICE is disabled."
                }
                form method="get" action="/sparql" {
                    textarea id="query" name="query" rows="12" {
                        // The build fails without librarians' queries.
                        (LIBRARIAN_QUERIES.first().map_or("", |(_, q)| *q))
                    }
                    p {
                        label { "Format " select name="format" {
                            option value="" { "by Accept header" }
                            option value="json" { "SPARQL JSON" }
                            option value="xml" { "SPARQL XML" }
                            option value="csv" { "CSV" }
                            option value="tsv" { "TSV" }
                            option value="turtle" { "Turtle (CONSTRUCT/DESCRIBE)" }
                            option value="jsonld" { "JSON-LD (CONSTRUCT/DESCRIBE)" }
                        } }
                        " "
                        button type="submit" { "Run" }
                    }
                }
                h2 { "Librarians' queries" }
                p { "From " code { "examples/queries/" } " of dmpgraph: each one runs as it is." }
                @for (title, text) in LIBRARIAN_QUERIES {
                    h3 { (title) }
                    pre { (text) }
                    p { a href={ "/sparql?format=tsv&query=" (form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>()) } { "run" } }
                }
            },
        )
        .into_string(),
    )
}

/// `GET /record/{id}`.
pub(crate) async fn record(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    match answer(app, &id, &headers, raw.as_deref().unwrap_or("")).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn answer(
    app: AppState,
    id: &str,
    headers: &HeaderMap,
    raw: &str,
) -> Result<Response, HttpError> {
    let format_param = form_urlencoded::parse(raw.as_bytes())
        .find(|(k, _)| k == "format")
        .map(|(_, v)| v.into_owned());
    let format = choose_format(headers, format_param.as_deref(), Offer::Page)?;
    let public = app.public.clone();
    let wanted = id.to_string();
    let found = app
        .gate
        .run(move |_| {
            // The registry entry and the graph from one snapshot: never a
            // new entry with an old graph, or the other way round.
            let snapshot = public
                .snapshot()
                .map_err(|e| QueryError::Evaluation(e.to_string()))?;
            let mut found = None;
            for key in record_keys(&wanted) {
                found = snapshot
                    .record(&key)
                    .map_err(|e| QueryError::Evaluation(e.to_string()))?;
                if found.is_some() {
                    break;
                }
            }
            // A plan's deposits, as the linker's facts keep them.
            let mut facts = BTreeMap::new();
            if let Some((entry, _)) = &found {
                let key = RecordKey::new(
                    RecordKind::Link,
                    dmpgraph_rdf::link::status_id(&entry.key.id),
                );
                if let Some((_, quads)) = snapshot
                    .record(&key)
                    .map_err(|e| QueryError::Evaluation(e.to_string()))?
                {
                    facts = dmpgraph_rdf::link::status_facts(&quads);
                }
            }
            Ok(found.map(|(e, q)| (e, q, facts)))
        })
        .await?;
    let Some((entry, quads, facts)) = found else {
        return Err(HttpError::new(
            StatusCode::NOT_FOUND,
            format!("no record '{id}' here"),
        ));
    };
    if let Some(when) = entry.deleted {
        return Err(HttpError::new(
            StatusCode::GONE,
            format!("record '{id}' was deleted on {}", when.to_rfc3339()),
        ));
    }
    match format {
        OutputFormat::Rdf(f) => {
            let mut out = rdf_serializer(f).for_writer(Vec::new());
            for q in &quads {
                out.serialize_triple(q.as_ref())
                    .map_err(QueryError::Output)?;
            }
            Ok(ok(format, out.finish().map_err(QueryError::Output)?))
        }
        _ => {
            let title = entry.title.clone().unwrap_or_else(|| id.to_string());
            Ok(ok(
                OutputFormat::Html,
                record_page(id, &title, &entry.graph, &quads, &facts)
                    .into_string()
                    .into_bytes(),
            ))
        }
    }
}

/// The records `/record/{id}` may name: a plan by its id as written, or by
/// its normal form (a DOI written another way).
fn record_keys(id: &str) -> Vec<RecordKey> {
    let mut keys = vec![RecordKey::new(RecordKind::Dmp, id)];
    let normal = Identifier::parse(id).to_string();
    if normal != id {
        keys.push(RecordKey::new(RecordKind::Dmp, normal));
    }
    keys
}

/// A compact name for an IRI (`dcterms:title`) when a prefix fits.
fn short(iri: &str) -> String {
    PREFIXES
        .iter()
        .find_map(|(name, ns)| iri.strip_prefix(ns).map(|local| format!("{name}:{local}")))
        .unwrap_or_else(|| iri.to_string())
}

fn term(t: &Term, graph: &str) -> Markup {
    match t {
        Term::NamedNode(n) => {
            let iri = n.as_str();
            let label = match iri.strip_prefix(graph) {
                Some(fragment) if fragment.starts_with('#') => fragment.to_string(),
                _ => short(iri),
            };
            html! { a href=(iri) { (label) } }
        }
        Term::Literal(l) => html! {
            (l.value())
            @if let Some(lang) = l.language() { small { " @" (lang) } }
        },
        other => html! { (other.to_string()) },
    }
}

/// What the linker found of each dataset: its outcome, due date and the
/// deposits accepted as it.
fn deposits_section(graph: &str, facts: &BTreeMap<u32, EntryFacts>) -> Markup {
    html! {
        @if facts.values().any(|f| !f.deposits.is_empty() || f.outcome == "not_deposited") {
            h2 id="deposits" { "Deposits" }
            table {
                tr { th { "dataset" } th { "outcome" } th { "due" } th { "deposited as" } }
                @for (n, f) in facts {
                    tr {
                        td { a href={ (graph) "#dataset-" (n) } { "dataset-" (n) } }
                        td { (f.outcome) }
                        td { @if let Some(d) = f.due { (d) } }
                        td {
                            @for d in &f.deposits {
                                div {
                                    @match d.resolvable.as_deref().or(d.landing.as_deref()) {
                                        Some(u) => a href=(u) { (d.id) },
                                        None => (d.id),
                                    }
                                    " — " (d.relation)
                                    @if let Some(a) = &d.access { ", " (short(a)) }
                                    @if let Some(i) = d.issued { ", " (i) }
                                    ", " a href=(d.repository.url) { (d.repository.name) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn record_page(
    id: &str,
    title: &str,
    graph: &str,
    quads: &[Quad],
    facts: &BTreeMap<u32, EntryFacts>,
) -> Markup {
    let mut subjects: BTreeMap<String, Vec<&Quad>> = BTreeMap::new();
    for q in quads {
        subjects.entry(q.subject.to_string()).or_default().push(q);
    }
    layout(
        title,
        html! {
            h1 { (title) }
            p {
                "Record " code { (id) } " — graph " code { (graph) } ". Machine-readable: "
                a href="?format=turtle" { "Turtle" } ", "
                a href="?format=jsonld" { "JSON-LD" } ", "
                a href="?format=ntriples" { "N-Triples" } ", "
                a href="?format=rdfxml" { "RDF/XML" } "."
            }
            @for (subject, quads) in &subjects {
                h2 id=(subject.rsplit('#').next().unwrap_or(subject).trim_end_matches('>')) {
                    (subject.trim_start_matches('<').trim_end_matches('>').strip_prefix(graph).unwrap_or(subject))
                }
                table {
                    @for q in quads {
                        tr {
                            th { (short(q.predicate.as_str())) }
                            td { (term(&q.object, graph)) }
                        }
                    }
                }
            }
            (deposits_section(graph, facts))
        },
    )
}
