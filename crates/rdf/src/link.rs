//! A link between a planned dataset and a deposit, as RDF.
//!
//! Each link is its own record graph, `{base}link/{id}`:
//!
//! ```text
//! <{plan}#dataset-2> dcat:qualifiedRelation <{link}#link> .
//! <{link}#link> a dcat:Relationship, prov:Entity ;
//!     dcterms:relation <{base}deposit/doi%3A10.…#dataset> ;
//!     dcat:hadRole dmpg:IsDepositOf ;            # or dmpg:IsPartOf, … via another deposit
//!     dmpg:linkMethod "funding" ; dmpg:score 0.97 ;
//!     dmpg:linkStatus "accepted" ; dmpg:decidedBy "system" ;
//!     prov:generatedAtTime "2026-12-01T00:00:00Z"^^xsd:dateTime ;
//!     dmpg:via <{base}deposit/…#dataset> ;        # hierarchy links
//!     dmpg:evidence [ dmpg:feature "award" ; dmpg:planned "21ek0109555h0001" ;
//!                     dmpg:deposited "JP22ek0109555" ; dmpg:weight 1.0 ] .
//! <{plan}#dataset-2> dmpg:depositStatus … # (the deposit report's, see the pipeline)
//! ```
//!
//! The graph also keeps the link as JSON ([`LINK_DOCUMENT`]) for reading
//! back. Everything in a link is public: its evidence quotes only public
//! fields of the plan.

use crate::{Base, DMPG};
use dmpgraph_link::Link;
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term};

/// The property of a link record's graph holding the link as JSON.
pub const LINK_DOCUMENT: &str = "https://w3id.org/dmpgraph/ns#linkDocument";

const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCTERMS: &str = "http://purl.org/dc/terms/";
const PROV: &str = "http://www.w3.org/ns/prov#";
const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";

fn iri(ns: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ns}{local}"))
}

/// The IRI of a plan's dataset entry (`{base}record/{plan}#dataset-{No.}`).
pub fn entry_iri(base: &Base, entry: &dmpgraph_link::EntryRef) -> NamedNode {
    NamedNode::new_unchecked(format!(
        "{}#dataset-{}",
        base.record_iri(&entry.plan).as_str(),
        entry.dataset
    ))
}

/// The IRI of a deposit's dataset (`{base}deposit/{id}#dataset`).
pub fn deposit_dataset_iri(base: &Base, id: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{}#dataset", base.deposit_iri(id).as_str()))
}

/// A link's graph IRI and quads.
pub fn link_graph(link: &Link, base: &Base) -> (NamedNode, Vec<Quad>) {
    let graph = base.link_iri(&link.id);
    let g = GraphName::NamedNode(graph.clone());
    let node = NamedNode::new_unchecked(format!("{}#link", graph.as_str()));
    let mut quads = Vec::new();
    let mut add =
        |s: &NamedNode, p: NamedNode, o: Term| quads.push(Quad::new(s.clone(), p, o, g.clone()));
    let text = |t: &str| -> Term { Literal::new_simple_literal(t).into() };
    let decimal =
        |v: f64| -> Term { Literal::new_typed_literal(format!("{v:.4}"), xsd::DECIMAL).into() };
    add(
        &entry_iri(base, &link.entry),
        iri(DCAT, "qualifiedRelation"),
        node.clone().into(),
    );
    add(&node, rdf::TYPE.into(), iri(DCAT, "Relationship").into());
    add(&node, rdf::TYPE.into(), iri(PROV, "Entity").into());
    add(
        &node,
        iri(DCTERMS, "relation"),
        deposit_dataset_iri(base, &link.deposit.to_string()).into(),
    );
    add(&node, iri(DCTERMS, "identifier"), text(&link.id));
    add(
        &node,
        iri(DCAT, "hadRole"),
        iri(DMPG, &link.relation).into(),
    );
    add(&node, iri(DMPG, "linkMethod"), text(link.method.as_str()));
    add(&node, iri(DMPG, "score"), decimal(link.score));
    add(&node, iri(DMPG, "linkStatus"), text(link.status.as_str()));
    add(
        &node,
        iri(DMPG, "decidedBy"),
        text(match link.decided_by {
            dmpgraph_link::Decider::System => "system",
            dmpgraph_link::Decider::Curator => "curator",
        }),
    );
    add(
        &node,
        iri(PROV, "generatedAtTime"),
        Literal::new_typed_literal(
            link.made.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            xsd::DATE_TIME,
        )
        .into(),
    );
    add(
        &node,
        iri(DMPG, "depositIdentifier"),
        text(&link.deposit.to_string()),
    );
    if let Some(v) = &link.via {
        add(
            &node,
            iri(DMPG, "via"),
            deposit_dataset_iri(base, &v.to_string()).into(),
        );
    }
    if let Some(n) = &link.note {
        add(&node, iri(RDFS, "comment"), text(n));
    }
    for (k, e) in link.evidence.iter().enumerate() {
        let ev = NamedNode::new_unchecked(format!("{}#evidence-{}", graph.as_str(), k + 1));
        add(&node, iri(DMPG, "evidence"), ev.clone().into());
        let feature = serde_json::to_value(e.feature)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        add(&ev, iri(DMPG, "feature"), text(&feature));
        add(&ev, iri(DMPG, "planned"), text(&e.planned));
        add(&ev, iri(DMPG, "deposited"), text(&e.deposited));
        add(&ev, iri(DMPG, "weight"), decimal(e.weight));
    }
    if let Ok(json) = serde_json::to_string(link) {
        add(
            &graph,
            NamedNode::new_unchecked(LINK_DOCUMENT),
            Literal::new_typed_literal(json, NamedNode::new_unchecked(RDF_JSON)).into(),
        );
    }
    (graph, quads)
}

/// The link a record's graph holds; `None` when it holds none.
pub fn link_document(quads: &[Quad]) -> Option<Result<Link, serde_json::Error>> {
    quads.iter().find_map(|q| match &q.object {
        Term::Literal(l) if q.predicate.as_str() == LINK_DOCUMENT => {
            Some(serde_json::from_str(l.value()))
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use dmpgraph_link::{Decider, EntryRef, Evidence, Feature, Method, Status};
    use dmpgraph_model::identity::Identifier;

    #[test]
    fn a_link_is_a_qualified_relation_and_reads_back() {
        let entry = EntryRef::new("21ek0109555h0001", 2);
        let deposit = Identifier::parse("10.99999/X");
        let link = Link {
            id: dmpgraph_link::link_id(&entry, &deposit),
            entry,
            deposit,
            method: Method::Funding,
            relation: dmpgraph_link::IS_DEPOSIT_OF.into(),
            via: None,
            score: 0.97,
            evidence: vec![Evidence {
                feature: Feature::Award,
                planned: "21ek0109555h0001".into(),
                deposited: "JP22ek0109555".into(),
                weight: 1.0,
            }],
            status: Status::Accepted,
            decided_by: Decider::System,
            made: "2026-12-01T00:00:00Z".parse().unwrap(),
            note: None,
        };
        let base = Base::default();
        let (graph, quads) = link_graph(&link, &base);
        assert!(graph
            .as_str()
            .ends_with(&format!("link/{}", link.id.replace(':', "%3A"))));
        let has = |p: &str, o: &str| {
            quads
                .iter()
                .any(|q| q.predicate.as_str() == p && q.object.to_string().contains(o))
        };
        assert!(has("http://www.w3.org/ns/dcat#qualifiedRelation", "#link"));
        assert!(has(
            "http://purl.org/dc/terms/relation",
            "deposit/doi%3A10.99999%2Fx#dataset"
        ));
        assert!(has("https://w3id.org/dmpgraph/ns#linkStatus", "accepted"));
        assert!(has(
            "https://w3id.org/dmpgraph/ns#deposited",
            "JP22ek0109555"
        ));
        assert_eq!(link_document(&quads).unwrap().unwrap(), link);
    }
}
