//! maDMP JSON documents (RDA DMP Common Standard 1.0–1.3, from other funders
//! and DMP tools) as record graphs.
//!
//! The document becomes RDF through dmpgraph's JSON-LD context
//! (`ontologies/madmp-context.jsonld`, DCSO terms), parsed by oxigraph's
//! JSON-LD 1.1 processor, so a maDMP plan answers the same SPARQL as an AMED
//! plan's DCSO part. Every JSON object gets a stable IRI from its JSON
//! pointer (`{record}#dmp/dataset/0/distribution/1`) and a class from
//! `[madmp_classes]` of `mappings/rdf.toml`; there are no blank nodes.
//!
//! **Privacy.** Every `mbox` key (e-mail addresses, as the AMED form's blue
//! cells) is private: the public graph is the RDF of the document without
//! them, the private graph holds what the full document adds.
//!
//! **Lossless.** Besides the triples, the record keeps the document itself
//! as an `rdf:JSON` literal (`dmpg:madmpDocument`): the public document in
//! the public graph, the full one in the private graph, so an export
//! reproduces the document as it came, extension keys included.

use crate::{ns, MappingError, RecordContext, RecordGraphs, DCAT, DCSO, DCTERMS};
use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfParser};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use serde_json::{Map, Value};
use std::collections::HashSet;

/// dmpgraph's JSON-LD 1.1 context for maDMP JSON.
pub const MADMP_CONTEXT: &str = include_str!("../../../ontologies/madmp-context.jsonld");

/// The property that holds a maDMP record's document (`rdf:JSON`).
pub const MADMP_DOCUMENT: &str = "https://w3id.org/dmpgraph/ns#madmpDocument";

/// `rdf:JSON`, the datatype of JSON literals (RDF 1.1 JSON-LD).
const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";

/// Keys whose values are private wherever they occur: e-mail addresses.
pub const PRIVATE_KEYS: &[&str] = &["mbox"];

/// The document without its private keys: what a public view may show.
pub fn public_document(document: &Value) -> Value {
    match document {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !PRIVATE_KEYS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), public_document(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(public_document).collect()),
        other => other.clone(),
    }
}

impl crate::Mapping {
    /// The JSON-LD form of a maDMP document: the context inline, an `@id`
    /// from the JSON pointer and an `@type` from `[madmp_classes]` on every
    /// object, the root being `{record}#dmp`.
    fn madmp_json_ld(&self, document: &Value, record: &NamedNode) -> Result<Value, MappingError> {
        let context: Value = serde_json::from_str(MADMP_CONTEXT)
            .map_err(|e| MappingError(format!("madmp-context.jsonld: {e}")))?;
        let Value::Object(root) = document else {
            return Err(MappingError("a maDMP document is a JSON object".into()));
        };
        let Some(Value::Object(dmp)) = root.get("dmp") else {
            return Err(MappingError(
                "/dmp: a maDMP document has a 'dmp' object".into(),
            ));
        };
        let base = format!("{}#dmp", record.as_str());
        let mut out = Map::new();
        out.insert("@context".into(), context["@context"].clone());
        out.insert("@id".into(), Value::String(base.clone()));
        out.insert("@type".into(), Value::String(format!("{DCSO}DMP")));
        let mut nested = Map::new();
        for (key, value) in dmp {
            nested.insert(
                key.clone(),
                self.with_node_ids(value, key, &format!("{base}/{}", crate::iri_segment(key))),
            );
        }
        out.insert("dmp".into(), Value::Object(nested));
        for (key, value) in root {
            if key != "dmp" {
                out.insert(key.clone(), value.clone());
            }
        }
        Ok(Value::Object(out))
    }

    fn with_node_ids(&self, value: &Value, key: &str, iri: &str) -> Value {
        match value {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.with_node_ids(v, key, &format!("{iri}/{i}")))
                    .collect(),
            ),
            Value::Object(map) => {
                let mut out = Map::new();
                out.insert("@id".into(), Value::String(iri.to_string()));
                if let Some(class) = self.madmp_class(key) {
                    out.insert("@type".into(), Value::String(class.as_str().to_string()));
                }
                for (k, v) in map {
                    out.insert(
                        k.clone(),
                        self.with_node_ids(v, k, &format!("{iri}/{}", crate::iri_segment(k))),
                    );
                }
                Value::Object(out)
            }
            other => other.clone(),
        }
    }

    fn json_ld_quads(&self, json_ld: &Value, graph: &GraphName) -> Result<Vec<Quad>, MappingError> {
        let bytes = serde_json::to_vec(json_ld).map_err(|e| MappingError(e.to_string()))?;
        RdfParser::from_format(RdfFormat::JsonLd {
            profile: JsonLdProfileSet::empty(),
        })
        .for_slice(&bytes)
        .map(|q| {
            q.map(|q| Quad::new(q.subject, q.predicate, q.object, graph.clone()))
                .map_err(|e| MappingError(format!("maDMP document as JSON-LD: {e}")))
        })
        .collect()
    }

    /// Maps a maDMP document (already checked by `dmpgraph-madmp`) to the
    /// graphs of the record `record` (the record IRI, also the graph name).
    pub fn madmp_to_graphs(
        &self,
        document: &Value,
        record: &NamedNode,
        ctx: &RecordContext<'_>,
    ) -> Result<RecordGraphs, MappingError> {
        let graph = GraphName::NamedNode(record.clone());
        let public_doc = public_document(document);
        let mut public = self.json_ld_quads(&self.madmp_json_ld(&public_doc, record)?, &graph)?;
        let full = self.json_ld_quads(&self.madmp_json_ld(document, record)?, &graph)?;
        let seen: HashSet<&Quad> = public.iter().collect();
        let mut private: Vec<Quad> = full.iter().filter(|q| !seen.contains(q)).cloned().collect();
        let dmp = NamedNode::new_unchecked(format!("{}#dmp", record.as_str()));
        let json = |v: &Value| -> Term {
            Literal::new_typed_literal(v.to_string(), NamedNode::new_unchecked(RDF_JSON)).into()
        };
        let document_property = NamedNode::new_unchecked(MADMP_DOCUMENT);
        public.push(Quad::new(
            dmp.clone(),
            document_property.clone(),
            json(&public_doc),
            graph.clone(),
        ));
        if private.iter().any(|q| q.predicate != rdf::TYPE) {
            private.push(Quad::new(
                dmp.clone(),
                document_property,
                json(document),
                graph.clone(),
            ));
        } else {
            private.clear();
        }
        self.madmp_dcat_view(document, record, ctx, &mut public);
        // Provenance, as for AMED plans.
        crate::record_provenance(record.as_str(), &dmp, ctx.source, |s, p, o| {
            public.push(Quad::new(s.clone(), p, o, graph.clone()))
        });
        dedup(&mut public);
        dedup(&mut private);
        Ok(RecordGraphs {
            graph: record.clone(),
            public,
            private,
        })
    }
}

impl crate::Mapping {
    /// The DCAT view of a maDMP plan's datasets, as for AMED plans: each is a
    /// `dcat:Dataset` of the catalog with its contact point and landing page
    /// (a stand-in description where the document has none); a distribution
    /// with an access URL is a `dcat:Distribution`; `data_access` gives the
    /// EU access right of each distribution and, the most open, the dataset's.
    fn madmp_dcat_view(
        &self,
        document: &Value,
        record: &NamedNode,
        ctx: &RecordContext<'_>,
        public: &mut Vec<Quad>,
    ) {
        let graph = GraphName::NamedNode(record.clone());
        let mut add = |s: &NamedNode, p: NamedNode, o: Term| {
            public.push(Quad::new(s.clone(), p, o, graph.clone()))
        };
        let rdf_type = rdf::TYPE.into_owned();
        let catalog = crate::catalog_iri(ctx.base);
        // The record IRI names the page about the plan.
        add(record, rdf_type.clone(), ns(crate::FOAF, "Document").into());
        add(
            record,
            ns(crate::FOAF, "primaryTopic"),
            NamedNode::new_unchecked(format!("{}#dmp", record.as_str())).into(),
        );
        let datasets = document
            .pointer("/dmp/dataset")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (i, dataset) in datasets.iter().enumerate() {
            let ds = NamedNode::new_unchecked(format!("{}#dmp/dataset/{i}", record.as_str()));
            add(&ds, rdf_type.clone(), ns(DCAT, "Dataset").into());
            add(&catalog, ns(DCAT, "dataset"), ds.clone().into());
            add(
                &ds,
                ns(DCAT, "contactPoint"),
                crate::contact_point(ctx.base).into(),
            );
            add(&ds, ns(DCAT, "landingPage"), record.clone().into());
            if dataset.get("description").and_then(Value::as_str).is_none() {
                let title = dataset
                    .get("title")
                    .and_then(Value::as_str)
                    .unwrap_or("dataset");
                let text = format!("{title} (no description in the DMP)");
                add(
                    &ds,
                    ns(DCTERMS, "description"),
                    Literal::new_language_tagged_literal_unchecked(
                        text.clone(),
                        crate::guess_language(&text),
                    )
                    .into(),
                );
                add(
                    &ds,
                    ns(crate::DMPG, crate::GENERATED_VALUE_OF),
                    ns(DCTERMS, "description").into(),
                );
            }
            let distributions = dataset
                .get("distribution")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let mut most_open: Option<(usize, &NamedNode)> = None;
            for (j, distribution) in distributions.iter().enumerate() {
                let right = distribution
                    .get("data_access")
                    .and_then(Value::as_str)
                    .and_then(|a| self.madmp_access_right(a));
                if let Some(r) = right {
                    if most_open.is_none_or(|(rank, _)| r.0 < rank) {
                        most_open = Some(r);
                    }
                }
                // DCSO keeps `format` as text (dcterms:format "text/csv")
                // where DCAT wants a media-type IRI: the DCAT distribution is
                // a node of its own beside the DCSO one, for data reachable
                // at an access URL.
                let Some(url) = distribution
                    .get("access_url")
                    .and_then(Value::as_str)
                    .and_then(|u| NamedNode::new(u).ok())
                else {
                    continue;
                };
                let dist =
                    NamedNode::new_unchecked(format!("{}/dcat-distribution/{j}", ds.as_str()));
                add(&ds, ns(DCAT, "distribution"), dist.clone().into());
                add(&dist, rdf_type.clone(), ns(DCAT, "Distribution").into());
                add(&dist, ns(DCAT, "accessURL"), url.into());
                if let Some((_, iri)) = right {
                    add(&dist, ns(DCTERMS, "accessRights"), iri.clone().into());
                }
                let formats = distribution.get("format").and_then(Value::as_array);
                for format in formats.into_iter().flatten().filter_map(Value::as_str) {
                    if let Some((kind, sub)) = format.trim().split_once('/') {
                        let iri = format!(
                            "https://www.iana.org/assignments/media-types/{}/{}",
                            crate::iri_segment(kind),
                            crate::iri_segment(sub)
                        );
                        let media_type = NamedNode::new_unchecked(iri);
                        add(&dist, ns(DCAT, "mediaType"), media_type.clone().into());
                        add(
                            &media_type,
                            rdf_type.clone(),
                            ns(DCTERMS, "MediaType").into(),
                        );
                    }
                }
                if let Some(title) = distribution.get("title").and_then(Value::as_str) {
                    add(
                        &dist,
                        ns(DCTERMS, "title"),
                        Literal::new_language_tagged_literal_unchecked(
                            title,
                            crate::guess_language(title),
                        )
                        .into(),
                    );
                }
            }
            if let Some((_, iri)) = most_open {
                add(&ds, ns(DCTERMS, "accessRights"), iri.clone().into());
            }
        }
    }
}

fn dedup(quads: &mut Vec<Quad>) {
    let mut seen = HashSet::new();
    quads.retain(|q| seen.insert(q.clone()));
}

/// The maDMP document a record keeps (`dmpg:madmpDocument`), from its public
/// quads or, for a trusted export, its private quads. `None` for a record
/// that did not come from maDMP JSON (an AMED plan).
pub fn madmp_document(quads: &[Quad]) -> Option<Result<Value, MappingError>> {
    quads.iter().find_map(|q| {
        if q.predicate.as_str() != MADMP_DOCUMENT
            || !matches!(q.subject, NamedOrBlankNode::NamedNode(_))
        {
            return None;
        }
        let Term::Literal(l) = &q.object else {
            return None;
        };
        Some(
            serde_json::from_str(l.value())
                .map_err(|e| MappingError(format!("stored maDMP document: {e}"))),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Base, Mapping};
    use serde_json::json;

    fn doc() -> Value {
        json!({"dmp": {
            "title": "Plan", "created": "2025-04-01T09:00:00Z", "modified": "2025-04-01T09:00:00Z",
            "language": "eng", "ethical_issues_exist": "no",
            "dmp_id": {"identifier": "https://example.org/dmp/1", "type": "url"},
            "contact": {"name": "Hanako", "mbox": "hanako@example.org",
                        "contact_id": {"identifier": "0000-0002-1825-0097", "type": "orcid"}},
            "dataset": [{"title": "Interviews", "personal_data": "yes", "sensitive_data": "no",
                         "dataset_id": {"identifier": "https://example.org/ds/1", "type": "url"},
                         "x-tool:own": 3}]
        }})
    }

    #[test]
    fn e_mails_are_private_and_the_document_is_kept() {
        let base = Base::default();
        let record = base.record_iri("https://example.org/dmp/1");
        let g = Mapping::builtin()
            .madmp_to_graphs(&doc(), &record, &RecordContext::new(&base))
            .unwrap();
        let public: Vec<String> = g.public.iter().map(|q| q.to_string()).collect();
        assert!(
            public.iter().all(|q| !q.contains("hanako@example.org")),
            "{public:#?}"
        );
        assert!(public.iter().any(|q| q.contains("\"Interviews\"")));
        assert!(public
            .iter()
            .any(|q| q.contains("https://w3id.org/dcso/ns/core#Dataset")));
        assert!(g
            .private
            .iter()
            .any(|q| q.to_string().contains("hanako@example.org")));
        assert!(g
            .public
            .iter()
            .all(|q| !q.subject.is_blank_node() && !q.object.is_blank_node()));
        assert_eq!(madmp_document(&g.private).unwrap().unwrap(), doc());
        assert_eq!(
            madmp_document(&g.public).unwrap().unwrap(),
            public_document(&doc())
        );
    }

    #[test]
    fn a_document_without_e_mail_has_no_private_graph() {
        let mut d = doc();
        d["dmp"]["contact"].as_object_mut().unwrap().remove("mbox");
        let base = Base::default();
        let g = Mapping::builtin()
            .madmp_to_graphs(&d, &base.record_iri("x"), &RecordContext::new(&base))
            .unwrap();
        assert!(g.private.is_empty(), "{:?}", g.private);
    }
}
