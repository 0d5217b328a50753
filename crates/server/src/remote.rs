//! `/sparql` in front of an engine (`[backend]`): the query is parsed and
//! checked here first (read-only, no SERVICE, no engine-specific
//! function), sent to the engine with the protocol's dataset parameters,
//! and its answer parsed and written again in the client's format under
//! dmpgraph's own row limit, so that formats and limits behave as on the
//! embedded store.

use crate::formats::OutputFormat;
use crate::query::{ParsedQuery, QueryError, RunLimits};
use dmpgraph_replica::{Engine, Flavour, ReplicaError};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Literal, Term, Triple};
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParser, QueryResultsSerializer, SliceQueryResultsParserOutput,
};
use spargebra::algebra::{
    AggregateExpression, Expression, Function, GraphPattern, OrderExpression,
};

const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// The XSD casts of SPARQL 1.1 (§17.5), which every engine knows: any
/// other function IRI would call the engine's own extensions (Virtuoso's
/// `bif:` and `sql:` run SQL inside the engine), so it is refused.
const CASTS: &[&str] = &[
    "boolean",
    "double",
    "float",
    "decimal",
    "integer",
    "string",
    "dateTime",
    "date",
    "time",
    "duration",
    "dayTimeDuration",
    "yearMonthDuration",
];

/// Refuses what the engine must never be sent: SERVICE anywhere (also
/// SILENT, also inside EXISTS and subqueries), and calls of functions
/// other than SPARQL 1.1's own and the XSD casts.
pub(crate) fn check(query: &spargebra::Query) -> Result<(), QueryError> {
    match query {
        spargebra::Query::Select { pattern, .. }
        | spargebra::Query::Ask { pattern, .. }
        | spargebra::Query::Describe { pattern, .. }
        | spargebra::Query::Construct { pattern, .. } => pattern_ok(pattern),
    }
}

fn function_ok(iri: &str) -> Result<(), QueryError> {
    match iri.strip_prefix(XSD) {
        Some(local) if CASTS.contains(&local) => Ok(()),
        _ => Err(QueryError::BadRequest(format!(
            "the function <{iri}> is not SPARQL 1.1's: this endpoint's engine is not sent engine-specific functions"
        ))),
    }
}

fn pattern_ok(p: &GraphPattern) -> Result<(), QueryError> {
    match p {
        GraphPattern::Service { name, .. } => Err(QueryError::ServiceRefused(name.to_string())),
        GraphPattern::Bgp { .. } | GraphPattern::Path { .. } | GraphPattern::Values { .. } => {
            Ok(())
        }
        GraphPattern::Join { left, right }
        | GraphPattern::Union { left, right }
        | GraphPattern::Minus { left, right } => {
            pattern_ok(left)?;
            pattern_ok(right)
        }
        GraphPattern::LeftJoin {
            left,
            right,
            expression,
        } => {
            pattern_ok(left)?;
            pattern_ok(right)?;
            expression.as_ref().map_or(Ok(()), expression_ok)
        }
        GraphPattern::Filter { expr, inner } => {
            expression_ok(expr)?;
            pattern_ok(inner)
        }
        GraphPattern::Extend {
            inner, expression, ..
        } => {
            expression_ok(expression)?;
            pattern_ok(inner)
        }
        GraphPattern::OrderBy { inner, expression } => {
            for e in expression {
                match e {
                    OrderExpression::Asc(e) | OrderExpression::Desc(e) => expression_ok(e)?,
                }
            }
            pattern_ok(inner)
        }
        GraphPattern::Graph { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. } => pattern_ok(inner),
        GraphPattern::Group {
            inner, aggregates, ..
        } => {
            for (_, a) in aggregates {
                match a {
                    AggregateExpression::CountSolutions { .. } => {}
                    AggregateExpression::FunctionCall { name, expr, .. } => {
                        if let spargebra::algebra::AggregateFunction::Custom(iri) = name {
                            function_ok(iri.as_str())?;
                        }
                        expression_ok(expr)?;
                    }
                }
            }
            pattern_ok(inner)
        }
        // A form this build's parser knows but this check does not (a
        // SPARQL extension): not sent.
        #[allow(unreachable_patterns)]
        _ => Err(QueryError::BadRequest(
            "this query uses a SPARQL extension that is not sent to this endpoint's engine".into(),
        )),
    }
}

fn expression_ok(e: &Expression) -> Result<(), QueryError> {
    match e {
        Expression::NamedNode(_)
        | Expression::Literal(_)
        | Expression::Variable(_)
        | Expression::Bound(_) => Ok(()),
        Expression::Or(a, b)
        | Expression::And(a, b)
        | Expression::Equal(a, b)
        | Expression::SameTerm(a, b)
        | Expression::Greater(a, b)
        | Expression::GreaterOrEqual(a, b)
        | Expression::Less(a, b)
        | Expression::LessOrEqual(a, b)
        | Expression::Add(a, b)
        | Expression::Subtract(a, b)
        | Expression::Multiply(a, b)
        | Expression::Divide(a, b) => {
            expression_ok(a)?;
            expression_ok(b)
        }
        Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => {
            expression_ok(a)
        }
        Expression::In(a, list) => {
            expression_ok(a)?;
            list.iter().try_for_each(expression_ok)
        }
        Expression::If(a, b, c) => {
            expression_ok(a)?;
            expression_ok(b)?;
            expression_ok(c)
        }
        Expression::Coalesce(list) => list.iter().try_for_each(expression_ok),
        Expression::Exists(p) => pattern_ok(p),
        Expression::FunctionCall(f, args) => {
            if let Function::Custom(iri) = f {
                function_ok(iri.as_str())?;
            }
            args.iter().try_for_each(expression_ok)
        }
    }
}

/// Why the engine did not answer, as the endpoint's error.
pub(crate) fn engine_error(e: ReplicaError) -> QueryError {
    let message = crate::error_chain(&e);
    match e {
        ReplicaError::Timeout { engine, .. } => QueryError::EngineTimeout(engine),
        // The engine's own refusal of a query it cannot run: the client's
        // to change.
        ReplicaError::Refused { status, .. }
            if (400..500).contains(&status) && status != 401 && status != 403 =>
        {
            QueryError::Syntax(message)
        }
        _ => QueryError::Engine(message),
    }
}

/// What the engine is asked to answer in.
pub(crate) fn engine_accept(query: &ParsedQuery) -> &'static str {
    match query.offer() {
        crate::Offer::Results => {
            "application/sparql-results+json, application/sparql-results+xml;q=0.8"
        }
        _ => {
            "application/n-triples, text/plain;q=0.8, text/turtle;q=0.5, application/rdf+xml;q=0.3"
        }
    }
}

/// Virtuoso writes `"true"^^xsd:boolean` as `"1"` (and false as `"0"`),
/// and `xsd:dateTime` fractions with trailing zeros (`.500`): the
/// canonical forms the embedded store answers with are restored.
fn normalise(flavour: Flavour, term: Term) -> Term {
    if flavour != Flavour::Virtuoso {
        return term;
    }
    let Term::Literal(l) = &term else {
        return term;
    };
    let datatype = l.datatype().as_str();
    if datatype == "http://www.w3.org/2001/XMLSchema#boolean" {
        let v = match l.value() {
            "1" => "true",
            "0" => "false",
            _ => return term,
        };
        return Literal::new_typed_literal(v, l.datatype().into_owned()).into();
    }
    if datatype == "http://www.w3.org/2001/XMLSchema#dateTime" {
        if let Some(fixed) = trim_fraction(l.value()) {
            return Literal::new_typed_literal(fixed, l.datatype().into_owned()).into();
        }
    }
    term
}

/// `…:00.500Z` → `…:00.5Z`, `…:00.000Z` → `…:00Z`; `None` when unchanged.
fn trim_fraction(value: &str) -> Option<String> {
    let dot = value.find('.')?;
    let digits_end = value[dot + 1..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(value.len(), |i| dot + 1 + i);
    let fraction = value[dot + 1..digits_end].trim_end_matches('0');
    if fraction.len() == digits_end - dot - 1 {
        return None;
    }
    let head = if fraction.is_empty() {
        value[..dot].to_string()
    } else {
        format!("{}.{fraction}", &value[..dot])
    };
    Some(format!("{head}{}", &value[digits_end..]))
}

fn bad_answer(engine: &Engine, what: impl std::fmt::Display) -> QueryError {
    QueryError::Engine(format!(
        "engine '{}' gave an answer that cannot be read: {what}",
        engine.name()
    ))
}

/// The engine's answer written in `format`, under `limits.max_rows`.
pub(crate) fn rewrite(
    engine: &Engine,
    answer: &dmpgraph_replica::EngineAnswer,
    format: OutputFormat,
    limits: &RunLimits,
) -> Result<Vec<u8>, QueryError> {
    let flavour = engine.flavour();
    match format {
        OutputFormat::Results(out_format) => {
            let in_format =
                QueryResultsFormat::from_media_type(&answer.content_type).ok_or_else(|| {
                    bad_answer(engine, format!("results as '{}'", answer.content_type))
                })?;
            match QueryResultsParser::from_format(in_format)
                .for_slice(&answer.body)
                .map_err(|e| bad_answer(engine, e))?
            {
                SliceQueryResultsParserOutput::Boolean(value) => {
                    Ok(QueryResultsSerializer::from_format(out_format)
                        .serialize_boolean_to_writer(Vec::new(), value)?)
                }
                SliceQueryResultsParserOutput::Solutions(solutions) => {
                    let variables = solutions.variables().to_vec();
                    let mut out = QueryResultsSerializer::from_format(out_format)
                        .serialize_solutions_to_writer(Vec::new(), variables)?;
                    for (i, solution) in solutions.enumerate() {
                        if i >= limits.max_rows {
                            return Err(QueryError::TooLarge(limits.max_rows));
                        }
                        let solution = solution.map_err(|e| bad_answer(engine, e))?;
                        let row: Vec<(oxigraph::sparql::Variable, Term)> = solution
                            .iter()
                            .map(|(v, t)| (v.clone(), normalise(flavour, t.clone())))
                            .collect();
                        out.serialize(row.iter().map(|(v, t)| (v.as_ref(), t.as_ref())))?;
                    }
                    Ok(out.finish()?)
                }
            }
        }
        OutputFormat::Rdf(out_format) => {
            let in_format = match answer.content_type.as_str() {
                // Virtuoso names N-Triples text/plain.
                "text/plain" => Some(RdfFormat::NTriples),
                other => RdfFormat::from_media_type(other),
            }
            .ok_or_else(|| bad_answer(engine, format!("a graph as '{}'", answer.content_type)))?;
            let mut out = crate::query::rdf_serializer(out_format).for_writer(Vec::new());
            for (i, quad) in RdfParser::from_format(in_format)
                .for_slice(&answer.body)
                .enumerate()
            {
                if i >= limits.max_rows {
                    return Err(QueryError::TooLarge(limits.max_rows));
                }
                let q = quad.map_err(|e| bad_answer(engine, e))?;
                out.serialize_triple(&Triple::new(
                    q.subject,
                    q.predicate,
                    normalise(flavour, q.object),
                ))?;
            }
            Ok(out.finish()?)
        }
        OutputFormat::Html => Err(QueryError::FormatMismatch {
            form: "this",
            format: "text/html".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(q: &str) -> Result<(), QueryError> {
        check(&spargebra::SparqlParser::new().parse_query(q).unwrap())
    }

    #[test]
    fn service_and_engine_functions_are_refused_wherever_they_are() {
        assert!(checked(
            "SELECT * WHERE { ?s ?p ?o FILTER(<http://www.w3.org/2001/XMLSchema#integer>(?o) > 1 && STRLEN(?o) > 2) }"
        )
        .is_ok());
        for q in [
            "SELECT * WHERE { SERVICE SILENT <http://a/> { ?s ?p ?o } }",
            "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://a/> { ?s ?p ?o } } }",
            "SELECT * WHERE { { SELECT ?s WHERE { OPTIONAL { SERVICE <http://a/> { ?s ?p ?o } } } } }",
            "ASK { GRAPH ?g { MINUS { SERVICE <http://a/> {} } } }",
        ] {
            assert!(matches!(checked(q), Err(QueryError::ServiceRefused(_))), "{q}");
        }
        for q in [
            "SELECT (<bif:sprintf>('%s', 1) AS ?x) WHERE {}",
            "SELECT * WHERE { ?s ?p ?o FILTER(<sql:x>(?o)) }",
            "SELECT * WHERE { ?s ?p ?o } ORDER BY <http://example/f>(?o)",
        ] {
            assert!(matches!(checked(q), Err(QueryError::BadRequest(_))), "{q}");
        }
    }

    #[test]
    fn virtuoso_literal_forms_are_made_canonical() {
        let b = |v: &str| {
            Term::from(Literal::new_typed_literal(
                v,
                oxigraph::model::vocab::xsd::BOOLEAN,
            ))
        };
        assert_eq!(normalise(Flavour::Virtuoso, b("1")), b("true"));
        assert_eq!(normalise(Flavour::Virtuoso, b("0")), b("false"));
        assert_eq!(normalise(Flavour::Oxigraph, b("1")), b("1"));
        assert_eq!(
            trim_fraction("2024-05-01T00:00:00.500Z").as_deref(),
            Some("2024-05-01T00:00:00.5Z")
        );
        assert_eq!(
            trim_fraction("2024-05-01T00:00:00.000+09:00").as_deref(),
            Some("2024-05-01T00:00:00+09:00")
        );
        assert_eq!(trim_fraction("2024-05-01T00:00:00.25Z"), None);
        assert_eq!(trim_fraction("2024-05-01T00:00:00Z"), None);
    }
}
