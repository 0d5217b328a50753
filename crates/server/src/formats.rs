//! Output formats and HTTP content negotiation (RFC 9110 `Accept`, parsed by
//! `headers-accept`).

use headers_accept::Accept;
use mediatype::MediaType;
use oxigraph::io::{JsonLdProfileSet, RdfFormat};
use oxigraph::sparql::results::QueryResultsFormat;
use std::str::FromStr;

/// A format a response can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// A SPARQL results format (SELECT and ASK).
    Results(QueryResultsFormat),
    /// An RDF format (CONSTRUCT, DESCRIBE, graphs).
    Rdf(RdfFormat),
    /// A page for people.
    Html,
}

/// JSON-LD as oxigraph writes it (no profile asked).
pub const JSON_LD: RdfFormat = RdfFormat::JsonLd {
    profile: JsonLdProfileSet::empty(),
};

/// What a response is: decides which formats are on offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// SELECT / ASK results.
    Results,
    /// CONSTRUCT / DESCRIBE results and graphs.
    Rdf,
    /// A record: a page for people first, RDF for machines.
    Page,
}

/// Media types on offer, the server's preferred first (the answer to
/// `*/*` or to no `Accept` at all). Aliases follow their format.
const RESULTS: &[(&str, OutputFormat)] = &[
    (
        "application/sparql-results+json",
        OutputFormat::Results(QueryResultsFormat::Json),
    ),
    (
        "application/sparql-results+xml",
        OutputFormat::Results(QueryResultsFormat::Xml),
    ),
    ("text/csv", OutputFormat::Results(QueryResultsFormat::Csv)),
    (
        "text/tab-separated-values",
        OutputFormat::Results(QueryResultsFormat::Tsv),
    ),
    (
        "application/json",
        OutputFormat::Results(QueryResultsFormat::Json),
    ),
    (
        "application/xml",
        OutputFormat::Results(QueryResultsFormat::Xml),
    ),
];

const RDF: &[(&str, OutputFormat)] = &[
    ("text/turtle", OutputFormat::Rdf(RdfFormat::Turtle)),
    (
        "application/n-triples",
        OutputFormat::Rdf(RdfFormat::NTriples),
    ),
    ("application/n-quads", OutputFormat::Rdf(RdfFormat::NQuads)),
    ("application/rdf+xml", OutputFormat::Rdf(RdfFormat::RdfXml)),
    ("application/ld+json", OutputFormat::Rdf(JSON_LD)),
];

const PAGE: &[(&str, OutputFormat)] = &[
    ("text/html", OutputFormat::Html),
    ("application/xhtml+xml", OutputFormat::Html),
];

fn offered(offer: Offer) -> Vec<(&'static str, OutputFormat)> {
    match offer {
        Offer::Results => RESULTS.to_vec(),
        Offer::Rdf => RDF.to_vec(),
        Offer::Page => PAGE.iter().chain(RDF).copied().collect(),
    }
}

/// The media types on offer, for a 406 message.
pub fn offered_media_types(offer: Offer) -> Vec<&'static str> {
    offered(offer).into_iter().map(|(m, _)| m).collect()
}

/// Picks the format for an `Accept` header (None when absent). `None` back
/// means nothing acceptable is on offer (406). A header that does not parse
/// is read as `*/*`, as most servers do.
pub fn negotiate(accept: Option<&str>, offer: Offer) -> Option<OutputFormat> {
    let offered = offered(offer);
    let accept = match accept.map(str::trim).filter(|a| !a.is_empty()) {
        None => return offered.first().map(|(_, f)| *f),
        Some(a) => a,
    };
    let parsed = match Accept::from_str(&without_charset(accept)) {
        Ok(parsed) => parsed,
        Err(_) => {
            tracing::debug!(accept, "unparsable Accept header, read as */*");
            return offered.first().map(|(_, f)| *f);
        }
    };
    let types: Vec<MediaType<'static>> = offered
        .iter()
        .filter_map(|(m, _)| MediaType::parse(m).ok())
        .collect();
    let chosen = parsed.negotiate(types.iter())?;
    let chosen = chosen.to_string();
    offered
        .into_iter()
        .find(|(m, _)| *m == chosen)
        .map(|(_, f)| f)
}

/// `charset` is a parameter of the representation, not of the format: a
/// client asking for `text/csv; charset=utf-8` gets our (UTF-8) CSV.
fn without_charset(accept: &str) -> String {
    accept
        .split(',')
        .map(|range| {
            range
                .split(';')
                .filter(|p| {
                    !p.trim_start()
                        .get(..8)
                        .is_some_and(|k| k.eq_ignore_ascii_case("charset="))
                })
                .collect::<Vec<_>>()
                .join(";")
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// A format from its short name (`?format=`, `?output=`, `?results=` and
/// `dmpgraph query --format`), for a kind of response: `json` and `xml` are
/// SPARQL results for SELECT/ASK and JSON-LD / RDF/XML for CONSTRUCT/DESCRIBE,
/// as clients such as SPARQLWrapper use them. Also accepts full media types.
pub fn from_name(name: &str, offer: Offer) -> Option<OutputFormat> {
    let name = name.trim().to_ascii_lowercase();
    let rdf = offer != Offer::Results;
    Some(match name.as_str() {
        "json" | "srj" if rdf => OutputFormat::Rdf(JSON_LD),
        "xml" if rdf => OutputFormat::Rdf(RdfFormat::RdfXml),
        "json" | "srj" => OutputFormat::Results(QueryResultsFormat::Json),
        "xml" | "srx" => OutputFormat::Results(QueryResultsFormat::Xml),
        "csv" => OutputFormat::Results(QueryResultsFormat::Csv),
        "tsv" => OutputFormat::Results(QueryResultsFormat::Tsv),
        "turtle" | "ttl" | "n3" => OutputFormat::Rdf(RdfFormat::Turtle),
        "ntriples" | "n-triples" | "nt" => OutputFormat::Rdf(RdfFormat::NTriples),
        "nquads" | "n-quads" | "nq" => OutputFormat::Rdf(RdfFormat::NQuads),
        "rdfxml" | "rdf+xml" | "rdf" => OutputFormat::Rdf(RdfFormat::RdfXml),
        "jsonld" | "json-ld" => OutputFormat::Rdf(JSON_LD),
        "html" => OutputFormat::Html,
        media_type => offered(offer)
            .into_iter()
            .find(|(m, _)| *m == media_type)
            .map(|(_, f)| f)?,
    })
}

impl OutputFormat {
    /// The `Content-Type` of a response in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            OutputFormat::Results(QueryResultsFormat::Json) => "application/sparql-results+json",
            OutputFormat::Results(QueryResultsFormat::Xml) => "application/sparql-results+xml",
            OutputFormat::Results(QueryResultsFormat::Csv) => "text/csv; charset=utf-8",
            OutputFormat::Results(QueryResultsFormat::Tsv) => {
                "text/tab-separated-values; charset=utf-8"
            }
            OutputFormat::Results(_) => "application/octet-stream",
            OutputFormat::Rdf(RdfFormat::Turtle) => "text/turtle; charset=utf-8",
            OutputFormat::Rdf(f) => f.media_type(),
            OutputFormat::Html => "text/html; charset=utf-8",
        }
    }

    /// Whether this format fits a kind of response.
    pub fn fits(self, offer: Offer) -> bool {
        offered(offer).iter().any(|(_, f)| *f == self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_results_formats() {
        use QueryResultsFormat::*;
        let r = |a: Option<&str>| negotiate(a, Offer::Results);
        assert_eq!(r(None), Some(OutputFormat::Results(Json)));
        assert_eq!(r(Some("*/*")), Some(OutputFormat::Results(Json)));
        assert_eq!(
            r(Some("application/sparql-results+xml")),
            Some(OutputFormat::Results(Xml))
        );
        assert_eq!(
            r(Some("text/csv; charset=utf-8")),
            Some(OutputFormat::Results(Csv))
        );
        assert_eq!(
            r(Some("text/csv;q=0.5, text/tab-separated-values")),
            Some(OutputFormat::Results(Tsv))
        );
        assert_eq!(
            r(Some("application/sparql-results+json;q=0.1, text/*;q=0.9")),
            Some(OutputFormat::Results(Csv))
        );
        assert_eq!(r(Some("image/png")), None);
        assert_eq!(r(Some("text/turtle, */*;q=0")), None);
        // Nonsense is read as */*.
        assert_eq!(r(Some(";;;,=")), Some(OutputFormat::Results(Json)));
    }

    #[test]
    fn negotiates_rdf_and_pages() {
        assert_eq!(
            negotiate(Some("application/ld+json"), Offer::Rdf),
            Some(OutputFormat::Rdf(JSON_LD))
        );
        assert_eq!(
            negotiate(Some("*/*"), Offer::Rdf),
            Some(OutputFormat::Rdf(RdfFormat::Turtle))
        );
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert_eq!(
            negotiate(Some(browser), Offer::Page),
            Some(OutputFormat::Html)
        );
        assert_eq!(
            negotiate(Some("text/turtle"), Offer::Page),
            Some(OutputFormat::Rdf(RdfFormat::Turtle))
        );
        assert_eq!(negotiate(Some("text/csv"), Offer::Rdf), None);
    }

    #[test]
    fn short_names_follow_the_kind_of_answer() {
        use QueryResultsFormat::*;
        assert_eq!(
            from_name("json", Offer::Results),
            Some(OutputFormat::Results(Json))
        );
        assert_eq!(
            from_name("json", Offer::Rdf),
            Some(OutputFormat::Rdf(JSON_LD))
        );
        assert_eq!(
            from_name("xml", Offer::Results),
            Some(OutputFormat::Results(Xml))
        );
        assert_eq!(
            from_name("XML", Offer::Rdf),
            Some(OutputFormat::Rdf(RdfFormat::RdfXml))
        );
        assert_eq!(
            from_name("n3", Offer::Rdf),
            Some(OutputFormat::Rdf(RdfFormat::Turtle))
        );
        assert_eq!(
            from_name("text/csv", Offer::Results),
            Some(OutputFormat::Results(Csv))
        );
        assert_eq!(from_name("gif", Offer::Results), None);
    }
}
