//! Running one SPARQL query over the public store: parsing, the dataset, the
//! refusal of SERVICE, the row limit and the serialisation. Shared by the
//! `/sparql` endpoint, the Graph Store Protocol, record pages and
//! `dmpgraph query`.

use crate::formats::{Offer, OutputFormat};
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode};
use oxigraph::sparql::results::QueryResultsSerializer;
use oxigraph::sparql::{
    CancellationToken, DefaultServiceHandler, PreparedSparqlQuery, QueryEvaluationError,
    QueryResults, QuerySolutionIter, SparqlEvaluator,
};
use oxiri::Iri;
use spargebra::algebra::GraphPattern;
use std::time::Duration;

/// Prefixes written in Turtle and RDF/XML output, so that people can read it.
pub const PREFIXES: &[(&str, &str)] = &[
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dcso", "https://w3id.org/dcso/ns/core#"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("vcard", "http://www.w3.org/2006/vcard/ns#"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("dmpg", "https://w3id.org/dmpgraph/ns#"),
];

/// Why a query was not answered.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The query does not parse (the parser's message).
    #[error("{0}")]
    Syntax(String),
    /// An update was sent where a query was expected, or without the token.
    #[error("this endpoint is read-only: SPARQL Update is refused")]
    UpdateRefused,
    /// The query asked for a SERVICE.
    #[error("SERVICE (federated query) is disabled on this endpoint: no request leaves the server ({0})")]
    ServiceRefused(String),
    /// The query ran longer than the time limit.
    #[error("the query was stopped after the time limit of {} s; narrow it (more specific patterns, LIMIT) and try again", .0.as_secs_f64())]
    Timeout(Duration),
    /// The answer has more rows than allowed.
    #[error("the answer has more than {0} rows (or triples), the endpoint's limit; add a LIMIT (and OFFSET to page) or narrow the query")]
    TooLarge(usize),
    /// All query slots stayed busy for the whole wait.
    #[error("the server is busy (all query slots in use); try again shortly")]
    Busy,
    /// A graph IRI of the request is not an IRI.
    #[error("{0}")]
    BadRequest(String),
    /// The asked format does not fit the query's form.
    #[error("a {form} query cannot be written as {format}")]
    FormatMismatch {
        /// SELECT, ASK, CONSTRUCT or DESCRIBE.
        form: &'static str,
        /// The asked format.
        format: String,
    },
    /// Evaluation failed.
    #[error("query evaluation failed: {0}")]
    Evaluation(String),
    /// The engine behind the endpoint cannot be reached or failed.
    #[error("{0}")]
    Engine(String),
    /// The engine behind the endpoint did not answer within the time limit.
    #[error("the SPARQL engine '{0}' behind this endpoint did not answer within the time limit; narrow the query (more specific patterns, LIMIT) and try again")]
    EngineTimeout(String),
    /// Writing the answer failed.
    #[error("writing the answer failed: {0}")]
    Output(#[from] std::io::Error),
}

/// A parsed query.
#[derive(Debug, Clone)]
pub struct ParsedQuery {
    query: spargebra::Query,
}

/// The dataset of the SPARQL Protocol's `default-graph-uri` and
/// `named-graph-uri` parameters. When both are empty and the query has no
/// FROM / FROM NAMED, the default graph is the union of all named graphs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dataset {
    /// `default-graph-uri` values.
    pub default_graphs: Vec<NamedNode>,
    /// `named-graph-uri` values.
    pub named_graphs: Vec<NamedNode>,
}

impl Dataset {
    /// A dataset from the protocol's parameter values (IRIs).
    pub fn from_iris<'a>(
        default_graphs: impl IntoIterator<Item = &'a str>,
        named_graphs: impl IntoIterator<Item = &'a str>,
    ) -> Result<Dataset, QueryError> {
        let iri = |s: &str| {
            NamedNode::new(s)
                .map_err(|e| QueryError::BadRequest(format!("graph IRI <{s}> is not an IRI: {e}")))
        };
        Ok(Dataset {
            default_graphs: default_graphs
                .into_iter()
                .map(iri)
                .collect::<Result<_, _>>()?,
            named_graphs: named_graphs
                .into_iter()
                .map(iri)
                .collect::<Result<_, _>>()?,
        })
    }

    fn is_empty(&self) -> bool {
        self.default_graphs.is_empty() && self.named_graphs.is_empty()
    }
}

impl ParsedQuery {
    /// Parses a query; an update text gives [`QueryError::UpdateRefused`].
    pub fn parse(text: &str) -> Result<ParsedQuery, QueryError> {
        match spargebra::SparqlParser::new().parse_query(text) {
            Ok(query) => Ok(ParsedQuery { query }),
            Err(e) => {
                if spargebra::SparqlParser::new().parse_update(text).is_ok() {
                    Err(QueryError::UpdateRefused)
                } else {
                    Err(QueryError::Syntax(e.to_string()))
                }
            }
        }
    }

    /// SELECT, ASK, CONSTRUCT or DESCRIBE.
    pub fn form(&self) -> &'static str {
        match self.query {
            spargebra::Query::Select { .. } => "SELECT",
            spargebra::Query::Ask { .. } => "ASK",
            spargebra::Query::Construct { .. } => "CONSTRUCT",
            spargebra::Query::Describe { .. } => "DESCRIBE",
        }
    }

    /// The query's algebra.
    pub(crate) fn algebra(&self) -> &spargebra::Query {
        &self.query
    }

    /// Which formats the answer can take.
    pub fn offer(&self) -> Offer {
        match self.query {
            spargebra::Query::Select { .. } | spargebra::Query::Ask { .. } => Offer::Results,
            _ => Offer::Rdf,
        }
    }
}

/// The SERVICE handler: refuses every service, so no query makes a request.
/// Oxigraph is built without its HTTP client; this handler also holds if a
/// crate in the build ever enables it (it replaces the HTTP handler).
struct RefuseService;

#[derive(Debug, thiserror::Error)]
#[error("SERVICE {0} refused")]
struct ServiceRefused(String);

impl DefaultServiceHandler for RefuseService {
    type Error = ServiceRefused;

    fn handle(
        &self,
        service_name: &NamedNode,
        _pattern: &GraphPattern,
        _base_iri: Option<&Iri<String>>,
    ) -> Result<QuerySolutionIter<'static>, ServiceRefused> {
        tracing::info!(service = %service_name, "SERVICE refused");
        Err(ServiceRefused(service_name.to_string()))
    }
}

fn evaluation_error(e: QueryEvaluationError, timeout: Duration) -> QueryError {
    match e {
        QueryEvaluationError::Cancelled => QueryError::Timeout(timeout),
        QueryEvaluationError::Service(inner) => match inner.downcast_ref::<ServiceRefused>() {
            Some(refused) => QueryError::ServiceRefused(refused.0.clone()),
            None => QueryError::ServiceRefused(inner.to_string()),
        },
        QueryEvaluationError::UnsupportedService(name) => {
            QueryError::ServiceRefused(name.to_string())
        }
        e
        @ (QueryEvaluationError::UnboundService | QueryEvaluationError::InvalidServiceName(_)) => {
            QueryError::ServiceRefused(e.to_string())
        }
        e => QueryError::Evaluation(e.to_string()),
    }
}

/// Limits of one evaluation.
#[derive(Clone)]
pub struct RunLimits {
    /// Most rows (solutions) or triples in an answer.
    pub max_rows: usize,
    /// Cancels the evaluation (set when the time limit passes).
    pub cancel: CancellationToken,
    /// The time limit, for the message when `cancel` fires.
    pub timeout: Duration,
}

impl std::fmt::Debug for RunLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunLimits")
            .field("max_rows", &self.max_rows)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RunLimits {
    /// Limits without a time limit (the command line).
    pub fn rows(max_rows: usize) -> RunLimits {
        RunLimits {
            max_rows,
            cancel: CancellationToken::new(),
            timeout: Duration::MAX,
        }
    }
}

/// Evaluates a query with `run` (over the public view, in the server) and
/// writes its answer in `format`.
///
/// Stops with [`QueryError::TooLarge`] at the first row past the limit
/// rather than send a silently truncated answer.
pub fn evaluate(
    run: impl FnOnce(PreparedSparqlQuery) -> Result<QueryResults<'static>, QueryEvaluationError>,
    query: ParsedQuery,
    dataset: &Dataset,
    format: OutputFormat,
    limits: &RunLimits,
) -> Result<Vec<u8>, QueryError> {
    if !format.fits(query.offer()) {
        return Err(QueryError::FormatMismatch {
            form: query.form(),
            format: format.content_type().to_string(),
        });
    }
    let has_from = match &query.query {
        spargebra::Query::Select { dataset, .. }
        | spargebra::Query::Construct { dataset, .. }
        | spargebra::Query::Describe { dataset, .. }
        | spargebra::Query::Ask { dataset, .. } => dataset.is_some(),
    };
    let mut algebra = query.query;
    // Sorted here, each term decoded once (oxigraph decodes both keys of
    // every comparison).
    let order = crate::order::detach(&mut algebra);
    let mut prepared = SparqlEvaluator::new()
        .with_default_service_handler(RefuseService)
        .with_cancellation_token(limits.cancel.clone())
        .for_query(algebra);
    if !dataset.is_empty() {
        // The protocol's parameters override FROM / FROM NAMED.
        let spec = prepared.dataset_mut();
        spec.set_default_graph(
            dataset
                .default_graphs
                .iter()
                .cloned()
                .map(GraphName::from)
                .collect(),
        );
        spec.set_available_named_graphs(
            dataset
                .named_graphs
                .iter()
                .cloned()
                .map(NamedOrBlankNode::from)
                .collect(),
        );
    } else if !has_from {
        prepared.dataset_mut().set_default_graph_as_union();
    }
    let results = run(prepared).map_err(|e| evaluation_error(e, limits.timeout))?;
    write_results(results, format, limits, order.as_ref())
}

fn write_results(
    results: QueryResults<'_>,
    format: OutputFormat,
    limits: &RunLimits,
    order: Option<&crate::order::Order>,
) -> Result<Vec<u8>, QueryError> {
    let err = |e| evaluation_error(e, limits.timeout);
    match (results, format) {
        (QueryResults::Boolean(value), OutputFormat::Results(f)) => {
            Ok(QueryResultsSerializer::from_format(f)
                .serialize_boolean_to_writer(Vec::new(), value)?)
        }
        (QueryResults::Solutions(solutions), OutputFormat::Results(f)) => {
            let mut out = QueryResultsSerializer::from_format(f)
                .serialize_solutions_to_writer(Vec::new(), solutions.variables().to_vec())?;
            let mut rows = solutions.enumerate().map(|(i, solution)| {
                if i >= limits.max_rows {
                    return Err(QueryError::TooLarge(limits.max_rows));
                }
                solution.map_err(err)
            });
            match order {
                None => rows.try_for_each(|row| Ok::<_, QueryError>(out.serialize(&row?)?))?,
                Some(order) => {
                    let mut sorted = rows.collect::<Result<Vec<_>, _>>()?;
                    order.sort(&mut sorted);
                    for row in &sorted {
                        out.serialize(row)?;
                    }
                }
            }
            Ok(out.finish()?)
        }
        (QueryResults::Graph(triples), OutputFormat::Rdf(f)) => {
            let mut out = rdf_serializer(f).for_writer(Vec::new());
            for (i, triple) in triples.enumerate() {
                if i >= limits.max_rows {
                    return Err(QueryError::TooLarge(limits.max_rows));
                }
                out.serialize_triple(&triple.map_err(err)?)?;
            }
            Ok(out.finish()?)
        }
        (_, format) => Err(QueryError::FormatMismatch {
            form: "this",
            format: format.content_type().to_string(),
        }),
    }
}

/// An RDF serializer with the usual prefixes.
pub fn rdf_serializer(format: oxigraph::io::RdfFormat) -> oxigraph::io::RdfSerializer {
    let mut serializer = oxigraph::io::RdfSerializer::from_format(format);
    for (name, iri) in PREFIXES {
        serializer = match serializer.clone().with_prefix(*name, *iri) {
            Ok(s) => s,
            Err(_) => serializer,
        };
    }
    serializer
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{Literal, Quad};
    use oxigraph::sparql::results::QueryResultsFormat;
    use oxigraph::store::Store;

    fn store() -> Store {
        let store = Store::new().unwrap();
        for (g, s) in [("http://g/1", "a"), ("http://g/2", "b")] {
            store
                .insert(&Quad::new(
                    NamedNode::new(format!("http://s/{s}")).unwrap(),
                    NamedNode::new("http://p").unwrap(),
                    Literal::from(s),
                    NamedNode::new(g).unwrap(),
                ))
                .unwrap();
        }
        store
    }

    fn run(q: &str, dataset: &Dataset, max_rows: usize) -> Result<String, QueryError> {
        let store = store();
        let out = evaluate(
            |p| p.on_store(&store).execute(),
            ParsedQuery::parse(q)?,
            dataset,
            OutputFormat::Results(QueryResultsFormat::Tsv),
            &RunLimits::rows(max_rows),
        )?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn default_graph_is_the_union_unless_a_dataset_is_given() {
        let q = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o";
        assert_eq!(
            run(q, &Dataset::default(), 10).unwrap(),
            "?o\n\"a\"\n\"b\"\n"
        );
        let one = Dataset::from_iris(["http://g/2"], []).unwrap();
        assert_eq!(run(q, &one, 10).unwrap(), "?o\n\"b\"\n");
        let from = "SELECT ?o FROM <http://g/1> WHERE { ?s ?p ?o }";
        assert_eq!(run(from, &Dataset::default(), 10).unwrap(), "?o\n\"a\"\n");
    }

    #[test]
    fn refuses_updates_services_and_large_answers() {
        assert!(matches!(
            ParsedQuery::parse("INSERT DATA { <http://a> <http://b> <http://c> }"),
            Err(QueryError::UpdateRefused)
        ));
        assert!(matches!(
            ParsedQuery::parse("SELEC * WHERE {}"),
            Err(QueryError::Syntax(_))
        ));
        assert!(matches!(
            run(
                "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
                &Dataset::default(),
                10
            ),
            Err(QueryError::ServiceRefused(_))
        ));
        assert!(matches!(
            run("SELECT * WHERE { ?s ?p ?o }", &Dataset::default(), 1),
            Err(QueryError::TooLarge(1))
        ));
    }
}
