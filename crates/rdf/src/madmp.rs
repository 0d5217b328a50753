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
//! **Privacy.** What is public is decided in one place,
//! [`dmpgraph_madmp::privacy`], by the rules of `[madmp_privacy]` in
//! `mappings/rdf.toml`: e-mail addresses (`mbox`) anywhere, persons marked
//! `dmpg:mayBePublished: false` as a whole (and wherever they are named
//! again), and every extension key the table does not list as public are
//! private. The public graph is the RDF of the document without its private
//! parts, each node keeping the IRI it has in the full document; a withheld
//! contact is the catalog's published contact point there. The private graph
//! holds what the full document adds.
//!
//! **Lossless.** Besides the triples, the record keeps the document itself
//! as an `rdf:JSON` literal (`dmpg:madmpDocument`): the public document in
//! the public graph, the full one in the private graph (when it has private
//! parts), so an export reproduces the document as it came, extension keys
//! included.

use crate::{ns, MappingError, RecordContext, RecordGraphs, DCAT, DCSO, DCTERMS};
use dmpgraph_madmp::{PrivateParts, Version};
use dmpgraph_model::CatalogConfig;
use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfParser};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use serde_json::{Map, Value};
use std::collections::HashSet;

/// dmpgraph's JSON-LD 1.1 context for maDMP JSON.
pub const MADMP_CONTEXT: &str = include_str!("../../../ontologies/madmp-context.jsonld");

/// The property that holds a maDMP record's document (`rdf:JSON`).
pub const MADMP_DOCUMENT: &str = "https://w3id.org/dmpgraph/ns#madmpDocument";

/// `rdf:JSON`, the datatype of JSON literals (RDF 1.1 JSON-LD).
const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";

/// The public form of a maDMP document, by the built-in mapping's
/// `[madmp_privacy]` and catalog, the version detected from the document:
/// what a public view may show (see [`crate::Mapping::madmp_public_document`]).
pub fn public_document(document: &Value) -> Result<Value, MappingError> {
    crate::Mapping::builtin().madmp_public_document(
        document,
        dmpgraph_madmp::detect_version(document),
        CatalogConfig::builtin(),
    )
}

impl crate::Mapping {
    /// The private parts of a maDMP document read as `version`, by
    /// `[madmp_privacy]` ([`dmpgraph_madmp::privacy`] has the rules).
    pub fn madmp_private_parts(
        &self,
        document: &Value,
        version: Version,
    ) -> Result<PrivateParts, MappingError> {
        self.madmp_privacy()
            .private_parts(document, version)
            .map_err(|e| {
                MappingError::madmp(
                    format!("the maDMP document does not read as maDMP {version}"),
                    e,
                )
            })
    }

    /// The public form of a maDMP document read as `version`: without its
    /// private parts, a withheld contact replaced by `catalog`'s published
    /// contact (without `mbox`: an export adds the published address).
    pub fn madmp_public_document(
        &self,
        document: &Value,
        version: Version,
        catalog: &CatalogConfig,
    ) -> Result<Value, MappingError> {
        Ok(self
            .madmp_private_parts(document, version)?
            .public_document(document, &catalog.contact))
    }

    /// The JSON-LD form of a maDMP document: the context inline, an `@id`
    /// from the JSON pointer and an `@type` from `[madmp_classes]` on every
    /// object, the root being `{record}#dmp`.
    fn madmp_json_ld(&self, document: &Value, record: &NamedNode) -> Result<Value, MappingError> {
        let context: Value = serde_json::from_str(MADMP_CONTEXT)
            .map_err(|e| MappingError::new(format!("madmp-context.jsonld: {e}")))?;
        let Value::Object(root) = document else {
            return Err(MappingError::new("a maDMP document is a JSON object"));
        };
        let Some(Value::Object(dmp)) = root.get("dmp") else {
            return Err(MappingError::new(
                "/dmp: a maDMP document has a 'dmp' object",
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
        let bytes = serde_json::to_vec(json_ld).map_err(|e| MappingError::new(e.to_string()))?;
        RdfParser::from_format(RdfFormat::JsonLd {
            profile: JsonLdProfileSet::empty(),
        })
        .for_slice(&bytes)
        .map(|q| {
            q.map(|q| Quad::new(q.subject, q.predicate, q.object, graph.clone()))
                .map_err(|e| MappingError::new(format!("maDMP document as JSON-LD: {e}")))
        })
        .collect()
    }

    /// Maps a maDMP document (already checked by `dmpgraph-madmp`) to the
    /// graphs of the record `record` (the record IRI, also the graph name),
    /// the document's version detected by [`dmpgraph_madmp::detect_version`].
    pub fn madmp_to_graphs(
        &self,
        document: &Value,
        record: &NamedNode,
        ctx: &RecordContext<'_>,
    ) -> Result<RecordGraphs, MappingError> {
        let version = dmpgraph_madmp::detect_version(document);
        self.madmp_to_graphs_as(document, version, record, ctx)
    }

    /// [`crate::Mapping::madmp_to_graphs`] for a document read as `version`
    /// (the version it was checked as: which keys are the standard's depends
    /// on it).
    pub fn madmp_to_graphs_as(
        &self,
        document: &Value,
        version: Version,
        record: &NamedNode,
        ctx: &RecordContext<'_>,
    ) -> Result<RecordGraphs, MappingError> {
        let graph = GraphName::NamedNode(record.clone());
        let parts = self.madmp_private_parts(document, version)?;
        let public_doc = parts.public_document(document, &ctx.catalog.contact);
        // The public graph: the JSON-LD form of the full document without
        // the private parts, so that every node keeps its IRI (a person
        // withheld from an array does not shift the IRIs of the next ones).
        let full_ld = self.madmp_json_ld(document, record)?;
        let mut public_ld = parts.strip(&full_ld);
        if parts.contact_withheld() {
            // The contact the standard requires: the catalog's published one.
            if let Some(dmp) = public_ld.get_mut("dmp").and_then(Value::as_object_mut) {
                let contact = crate::contact_point(ctx.base).as_str().to_owned();
                dmp.insert("contact".into(), serde_json::json!({ "@id": contact }));
            }
        }
        let mut public = self.json_ld_quads(&public_ld, &graph)?;
        let full = self.json_ld_quads(&full_ld, &graph)?;
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
        // The full document whenever it has private parts, also those that
        // the JSON-LD context does not map (other tools' keys), so that a
        // trusted export keeps them.
        if parts.is_empty() {
            private.clear();
        } else {
            private.push(Quad::new(
                dmp.clone(),
                document_property,
                json(document),
                graph.clone(),
            ));
        }
        // Datasets and distributions are never private parts: their
        // positions in the public document are those of the full one.
        self.madmp_dcat_view(&public_doc, record, ctx, &mut public);
        // Provenance, as for AMED plans.
        crate::record_provenance(record.as_str(), &dmp, ctx.source, ctx.client, |s, p, o| {
            public.push(Quad::new(s.clone(), p, o, graph.clone()))
        });
        let derived = crate::derive::derived_facts(&graph, &public);
        public.extend(derived);
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
            // Its number, as its OAI-PMH item and its links have it (where
            // the document does not say it: an AMED plan's export does).
            if dataset.get("dmpg:datasetNumber").is_none() {
                add(
                    &ds,
                    ns(crate::DMPG, "datasetNumber"),
                    Literal::new_typed_literal((i + 1).to_string(), xsd::INTEGER).into(),
                );
            }
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
                .map_err(|e| MappingError::new(format!("stored maDMP document: {e}"))),
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

    fn graphs(d: &Value) -> RecordGraphs {
        let base = Base::default();
        let record = base.record_iri("https://example.org/dmp/1");
        Mapping::builtin()
            .madmp_to_graphs(d, &record, &RecordContext::new(&base))
            .unwrap()
    }

    fn lines(quads: &[Quad]) -> Vec<String> {
        quads.iter().map(|q| q.to_string()).collect()
    }

    #[test]
    fn e_mails_and_extension_keys_are_private_and_the_document_is_kept() {
        let g = graphs(&doc());
        let public = lines(&g.public);
        assert!(
            public
                .iter()
                .all(|q| !q.contains("hanako@example.org") && !q.contains("x-tool")),
            "{public:#?}"
        );
        assert!(public.iter().any(|q| q.contains("\"Interviews\"")));
        assert!(public.iter().any(|q| q.contains("\"Hanako\"")));
        assert!(public
            .iter()
            .any(|q| q.contains("https://w3id.org/dcso/ns/core#Dataset")));
        assert!(lines(&g.private)
            .iter()
            .any(|q| q.contains("hanako@example.org")));
        assert!(g
            .public
            .iter()
            .all(|q| !q.subject.is_blank_node() && !q.object.is_blank_node()));
        assert_eq!(madmp_document(&g.private).unwrap().unwrap(), doc());
        let mut expected = doc();
        expected["dmp"]["contact"]
            .as_object_mut()
            .unwrap()
            .remove("mbox");
        expected["dmp"]["dataset"][0]
            .as_object_mut()
            .unwrap()
            .remove("x-tool:own");
        assert_eq!(madmp_document(&g.public).unwrap().unwrap(), expected);
        assert_eq!(public_document(&doc()).unwrap(), expected);
    }

    #[test]
    fn an_extension_key_the_context_does_not_map_is_still_kept_privately() {
        let mut d = doc();
        // Not an IRI, so JSON-LD drops it: no triple, but the document keeps it.
        d["dmp"]["x_tool:note"] = json!("kept");
        let g = graphs(&d);
        assert_eq!(madmp_document(&g.private).unwrap().unwrap(), d);
        assert!(!lines(&g.public).iter().any(|q| q.contains("kept")));
    }

    #[test]
    fn a_person_not_to_be_published_leaves_the_public_graph_whole() {
        let mut d = doc();
        let person = |name: &str, id: &str, published: bool| {
            json!({"name": name, "role": ["DataCurator"], "dmpg:mayBePublished": published,
                   "dmpg:position": format!("{name} position"),
                   "contributor_id": {"identifier": id, "type": "other"}})
        };
        d["dmp"]["contributor"] = json!([
            person("Hidden Taro", "https://example.org/p/hidden", false),
            person("Shown Jiro", "https://example.org/p/shown", true),
        ]);
        // The same hidden person as the contact, and as a dataset's manager.
        d["dmp"]["contact"] = json!({"name": "Hidden Taro", "mbox": "taro@example.org",
            "contact_id": {"identifier": "https://example.org/p/hidden", "type": "other"}});
        d["dmp"]["dataset"][0]["dmpg:dataManager"] = json!("https://example.org/p/hidden");
        let g = graphs(&d);
        let public = lines(&g.public);
        for secret in ["Hidden", "/p/hidden", "taro@"] {
            assert!(
                public.iter().all(|q| !q.contains(secret)),
                "{secret}: {public:#?}"
            );
        }
        // The published person keeps the IRI of their place in the document.
        let record = "http://localhost:8080/record/https%3A%2F%2Fexample.org%2Fdmp%2F1";
        assert!(
            public.iter().any(|q| q.starts_with(&format!(
                "<{record}#dmp/contributor/1> <http://xmlns.com/foaf/0.1/name> \"Shown Jiro\""
            ))),
            "{public:#?}"
        );
        // The withheld contact is the catalog's published contact point.
        assert!(
            public.iter().any(|q| q.starts_with(&format!(
                "<{record}#dmp> <https://w3id.org/dcso/ns/core#hasContact> <http://localhost:8080/catalog#contact>"
            ))),
            "{public:#?}"
        );
        let stored = madmp_document(&g.public).unwrap().unwrap();
        assert_eq!(
            stored["dmp"]["contact"]["name"],
            CatalogConfig::builtin().contact.name
        );
        assert_eq!(stored["dmp"]["contributor"].as_array().unwrap().len(), 1);
        // Everything is in the private graph, under the same IRIs.
        let private = lines(&g.private);
        assert!(private.iter().any(|q| q.starts_with(&format!(
            "<{record}#dmp/contributor/0> <http://xmlns.com/foaf/0.1/name> \"Hidden Taro\""
        ))));
        assert_eq!(madmp_document(&g.private).unwrap().unwrap(), d);
    }
}
