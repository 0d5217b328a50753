//! Derived facts: what the librarians' questions ask of every planned
//! dataset, written on the dataset itself so that a question over 30,000
//! plans is a scan of one predicate instead of a walk of five.
//!
//! They are computed from the record's **public** quads alone, after the
//! mapping, the same way for AMED plans and maDMP plans, and stored in the
//! record's public graph, so the writer keeps them in step with the record
//! (a new version replaces them, a delete removes them), every export and
//! every replica carries them, and no private value can reach them.
//!
//! On the plan (`dcso:DMP`) and on each of its datasets:
//! - `dmpg:grantNumber`: each grant identifier of the plan's projects
//!   (`dcso:hasProject/dcso:hasFunding/dcso:hasGrantId/dcso:identifier`),
//!   as written there.
//!
//! On each dataset (`?dmp dcso:hasDataset ?d`):
//! - `dmpg:planFundingProgramme`: the project's 事業名
//!   (`dcso:hasProject/dmpg:fundingProgramme`), language tag kept;
//! - `dmpg:hasDoi`: whether a dataset identifier is a DOI (identifier type
//!   `doi`, or a value `10.NNNN/…`, `doi:10.…`, `https://doi.org/10.…`);
//! - `dmpg:publicByPlan`: whether the plan makes the dataset public: false
//!   when a sharing method is other than 非制限公開 or 制限公開, when a
//!   distribution's `data_access` is `closed`, or when the dataset has
//!   neither an access URL nor a DOI identifier (type `doi`).
//!
//! The vocabulary (`ontologies/dmpgraph.ttl`) defines each of them.

use crate::{ns, DCAT, DCSO, DMPG, DMPG_CONCEPTS};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// A DOI as a librarian writes it (the same rule as the query
/// `03-dmps-without-doi.rq` of the examples).
static DOI: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(https?://(dx\.)?doi\.org/|doi:)?10\.[0-9]{4,9}/").expect("a valid regex")
});

/// The derived facts of a record's public quads (all in `graph`), to be
/// added to them.
pub fn derived_facts(graph: &GraphName, public: &[Quad]) -> Vec<Quad> {
    let mut by_subject: HashMap<&NamedOrBlankNode, Vec<&Quad>> = HashMap::new();
    for q in public.iter().filter(|q| &q.graph_name == graph) {
        by_subject.entry(&q.subject).or_default().push(q);
    }
    let objects = |s: &NamedOrBlankNode, p: &NamedNode| -> Vec<Term> {
        by_subject
            .get(s)
            .map(|qs| {
                qs.iter()
                    .filter(|q| &q.predicate == p)
                    .map(|q| q.object.clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    let nodes = |s: &NamedOrBlankNode, p: &NamedNode| -> Vec<NamedOrBlankNode> {
        objects(s, p)
            .into_iter()
            .filter_map(|o| match o {
                Term::NamedNode(n) => Some(NamedOrBlankNode::NamedNode(n)),
                Term::BlankNode(b) => Some(NamedOrBlankNode::BlankNode(b)),
                _ => None,
            })
            .collect()
    };
    let has_project = ns(DCSO, "hasProject");
    let has_funding = ns(DCSO, "hasFunding");
    let has_grant_id = ns(DCSO, "hasGrantId");
    let identifier = ns(DCSO, "identifier");
    let identifier_type = ns(DCSO, "identifierType");
    let has_dataset = ns(DCSO, "hasDataset");
    let has_dataset_id = ns(DCSO, "hasDatasetId");
    let has_distribution = ns(DCSO, "hasDistribution");
    let data_access = ns(DCSO, "dataAccess");
    let access_url = ns(DCAT, "accessURL");
    let sharing_method = ns(DMPG, "sharingMethod");
    let funding_programme = ns(DMPG, "fundingProgramme");
    let grant_number = ns(DMPG, "grantNumber");
    let plan_programme = ns(DMPG, "planFundingProgramme");
    let has_doi = ns(DMPG, "hasDoi");
    let public_by_plan = ns(DMPG, "publicByPlan");
    let dmp_class: Term = ns(DCSO, "DMP").into();
    let published = [
        format!("{DMPG_CONCEPTS}sharing-method/unrestricted-publication"),
        format!("{DMPG_CONCEPTS}sharing-method/restricted-publication"),
    ];

    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut add = |s: &NamedOrBlankNode, p: &NamedNode, o: Term| {
        let quad = Quad::new(s.clone(), p.clone(), o, graph.clone());
        if seen.insert(quad.clone()) {
            out.push(quad);
        }
    };
    // In the order the mapping wrote them, so the facts come out the same
    // every time.
    let plans: Vec<&NamedOrBlankNode> = public
        .iter()
        .filter(|q| &q.graph_name == graph && q.predicate == rdf::TYPE && q.object == dmp_class)
        .map(|q| &q.subject)
        .collect();
    for dmp in plans {
        let projects = nodes(dmp, &has_project);
        let grants: Vec<Term> = projects
            .iter()
            .flat_map(|p| nodes(p, &has_funding))
            .flat_map(|f| nodes(&f, &has_grant_id))
            .flat_map(|g| objects(&g, &identifier))
            .collect();
        let programmes: Vec<Term> = projects
            .iter()
            .flat_map(|p| objects(p, &funding_programme))
            .collect();
        for g in &grants {
            add(dmp, &grant_number, g.clone());
        }
        for d in nodes(dmp, &has_dataset) {
            for g in &grants {
                add(&d, &grant_number, g.clone());
            }
            for p in &programmes {
                add(&d, &plan_programme, p.clone());
            }
            let ids = nodes(&d, &has_dataset_id);
            let typed_doi = ids.iter().any(|id| {
                objects(id, &identifier_type)
                    .iter()
                    .any(|t| matches!(t, Term::Literal(l) if l.value() == "doi"))
            });
            let doi = typed_doi
                || ids.iter().any(|id| {
                    objects(id, &identifier).iter().any(|v| match v {
                        Term::Literal(l) => DOI.is_match(l.value()),
                        Term::NamedNode(n) => DOI.is_match(n.as_str()),
                        _ => false,
                    })
                });
            add(&d, &has_doi, Literal::from(doi).into());
            let distributions = nodes(&d, &has_distribution);
            let unpublished_method = objects(&d, &sharing_method).iter().any(
                |m| !matches!(m, Term::NamedNode(n) if published.iter().any(|p| p == n.as_str())),
            );
            let closed = distributions.iter().any(|dist| {
                objects(dist, &data_access)
                    .iter()
                    .any(|a| matches!(a, Term::Literal(l) if l.value() == "closed"))
            });
            let reachable = typed_doi
                || distributions
                    .iter()
                    .any(|dist| !objects(dist, &access_url).is_empty());
            let public = !(unpublished_method || closed || !reachable);
            add(&d, &public_by_plan, Literal::from(public).into());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nn(s: &str) -> NamedNode {
        NamedNode::new_unchecked(s)
    }

    #[test]
    fn a_dataset_gets_its_plans_grant_programme_doi_and_public_status() {
        let g = GraphName::NamedNode(nn("http://x/r/1"));
        let q = |s: &str, p: NamedNode, o: Term| Quad::new(nn(s), p, o, g.clone());
        let lit = |v: &str| -> Term { Literal::new_simple_literal(v).into() };
        let node = |v: &str| -> Term { nn(v).into() };
        let public = vec![
            q(
                "http://x/r/1#dmp",
                rdf::TYPE.into_owned(),
                ns(DCSO, "DMP").into(),
            ),
            q(
                "http://x/r/1#dmp",
                ns(DCSO, "hasProject"),
                node("http://x/r/1#p"),
            ),
            q(
                "http://x/r/1#p",
                ns(DCSO, "hasFunding"),
                node("http://x/r/1#f"),
            ),
            q(
                "http://x/r/1#p",
                ns(DMPG, "fundingProgramme"),
                Literal::new_language_tagged_literal_unchecked("事業", "ja").into(),
            ),
            q(
                "http://x/r/1#f",
                ns(DCSO, "hasGrantId"),
                node("http://x/r/1#g"),
            ),
            q(
                "http://x/r/1#g",
                ns(DCSO, "identifier"),
                lit("23bm1123045h0001"),
            ),
            q(
                "http://x/r/1#dmp",
                ns(DCSO, "hasDataset"),
                node("http://x/r/1#d1"),
            ),
            q(
                "http://x/r/1#dmp",
                ns(DCSO, "hasDataset"),
                node("http://x/r/1#d2"),
            ),
            // d1: published, reachable by a DOI written as a value only.
            q(
                "http://x/r/1#d1",
                ns(DMPG, "sharingMethod"),
                node(&format!(
                    "{DMPG_CONCEPTS}sharing-method/unrestricted-publication"
                )),
            ),
            q(
                "http://x/r/1#d1",
                ns(DCSO, "hasDatasetId"),
                node("http://x/r/1#d1id"),
            ),
            q(
                "http://x/r/1#d1id",
                ns(DCSO, "identifier"),
                lit("https://doi.org/10.1234/abc"),
            ),
            q(
                "http://x/r/1#d1",
                ns(DCSO, "hasDistribution"),
                node("http://x/r/1#d1x"),
            ),
            q(
                "http://x/r/1#d1x",
                ns(DCAT, "accessURL"),
                node("https://repo.example/1"),
            ),
            // d2: restricted sharing, no URL.
            q(
                "http://x/r/1#d2",
                ns(DMPG, "sharingMethod"),
                node(&format!(
                    "{DMPG_CONCEPTS}sharing-method/restricted-sharing-internal"
                )),
            ),
        ];
        let facts = derived_facts(&g, &public);
        let has = |s: &str, p: &str, o: Term| {
            facts.contains(&Quad::new(nn(s), ns(DMPG, p), o, g.clone()))
        };
        assert!(has(
            "http://x/r/1#dmp",
            "grantNumber",
            lit("23bm1123045h0001")
        ));
        assert!(has(
            "http://x/r/1#d1",
            "grantNumber",
            lit("23bm1123045h0001")
        ));
        assert!(has(
            "http://x/r/1#d2",
            "planFundingProgramme",
            Literal::new_language_tagged_literal_unchecked("事業", "ja").into()
        ));
        assert!(has("http://x/r/1#d1", "hasDoi", Literal::from(true).into()));
        assert!(has(
            "http://x/r/1#d2",
            "hasDoi",
            Literal::from(false).into()
        ));
        assert!(has(
            "http://x/r/1#d1",
            "publicByPlan",
            Literal::from(true).into()
        ));
        assert!(has(
            "http://x/r/1#d2",
            "publicByPlan",
            Literal::from(false).into()
        ));
        assert_eq!(facts.len(), 9, "{facts:#?}");
    }
}
