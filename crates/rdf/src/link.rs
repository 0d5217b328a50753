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
use std::collections::{BTreeMap, HashMap};

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

/// How a plan's record names its dataset nodes: the AMED form's
/// `{record}#dataset-{No.}`, a maDMP document's `{record}#dmp/dataset/{k}`
/// (its dataset at index k is entry k + 1, as its OAI-PMH item is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DatasetNaming {
    /// `#dataset-{No.}`.
    #[default]
    Amed,
    /// `#dmp/dataset/{No. - 1}`.
    Madmp,
}

/// The IRI of a plan's dataset entry (`{base}record/{plan}#dataset-{No.}`,
/// or a maDMP plan's `#dmp/dataset/{No. - 1}`).
pub fn entry_iri(base: &Base, entry: &dmpgraph_link::EntryRef, naming: DatasetNaming) -> NamedNode {
    let record = base.record_iri(&entry.plan);
    NamedNode::new_unchecked(match naming {
        DatasetNaming::Amed => format!("{}#dataset-{}", record.as_str(), entry.dataset),
        DatasetNaming::Madmp => format!(
            "{}#dmp/dataset/{}",
            record.as_str(),
            entry.dataset.saturating_sub(1)
        ),
    })
}

/// The IRI of a deposit's dataset (`{base}deposit/{id}#dataset`).
pub fn deposit_dataset_iri(base: &Base, id: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{}#dataset", base.deposit_iri(id).as_str()))
}

/// A link's graph IRI and quads.
pub fn link_graph(link: &Link, base: &Base, naming: DatasetNaming) -> (NamedNode, Vec<Quad>) {
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
        &entry_iri(base, &link.entry, naming),
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

/// A deposit of a planned dataset as a plan's deposit facts keep it: what
/// record pages, OAI-PMH records and maDMP exports show of an accepted
/// link without reading the deposit's record.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryDeposit {
    /// Its identifier in normal form (`doi:10.…`, `jga:JGAD000001`).
    pub id: String,
    /// Its relation to the entry (`IsDepositOf`, `IsPartOf`, …).
    pub relation: String,
    /// Its identifier as a resolvable URL (`https://doi.org/…`, else its
    /// landing page).
    pub resolvable: Option<String>,
    /// Its landing page.
    pub landing: Option<String>,
    /// Its first title, with its language.
    pub title: Option<(String, Option<String>)>,
    /// Its access right (EU authority table IRI).
    pub access: Option<String>,
    /// When it was published.
    pub issued: Option<chrono::NaiveDate>,
    /// The repository that holds it.
    pub repository: dmpgraph_model::deposit::Repository,
}

impl EntryDeposit {
    /// The facts of `deposit`, linked as `relation`, published on `issued`.
    pub fn of(
        deposit: &dmpgraph_model::deposit::Deposit,
        relation: &str,
        issued: Option<chrono::NaiveDate>,
    ) -> EntryDeposit {
        EntryDeposit {
            id: deposit.id.to_string(),
            relation: relation.to_string(),
            resolvable: deposit.resolvable(),
            landing: deposit.url.clone(),
            title: deposit
                .titles
                .first()
                .map(|t| (t.text.clone(), t.lang.clone())),
            access: deposit
                .access
                .and_then(crate::deposit::access_right)
                .map(|n| n.into_string()),
            issued,
            repository: deposit.repository(),
        }
    }

    /// Whether its identifier is a DOI.
    pub fn is_doi(&self) -> bool {
        self.id.starts_with("doi:")
    }
}

/// A dataset entry's deposit facts: what the deposit report says of it that
/// does not change with the day, and its accepted deposits.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryFacts {
    /// The entry's number (No.).
    pub dataset: u32,
    /// `not_deposited`, or the report's status of a deposited or not
    /// applicable entry.
    pub outcome: String,
    /// From when it is overdue, while not deposited.
    pub due: Option<chrono::NaiveDate>,
    /// Its accepted deposits.
    pub deposits: Vec<EntryDeposit>,
}

/// A plan's deposit facts as the quads of `graph` (its record
/// `deposit-status:{plan}`):
///
/// ```text
/// <{plan}#dataset-2> dmpg:depositOutcome "not_deposited" ; dmpg:dueDate "2027-03-31"^^xsd:date ;
///     dmpg:depositedAs <{graph}#dataset-2-deposit-1> .
/// <{graph}#dataset-2-deposit-1> dcterms:identifier "doi:10.…" ; dmpg:linkRelation "IsDepositOf" ;
///     dcterms:relation <{base}deposit/…#dataset> ; dcat:landingPage <…> ; dmpg:resolvableAs <https://doi.org/…> ;
///     dcterms:title "…"@en ; dcterms:accessRights <…/PUBLIC> ; dcterms:issued "…"^^xsd:date ;
///     dmpg:hostName "Zenodo" ; dmpg:hostPage <https://zenodo.org/> .
/// ```
pub fn status_quads(
    base: &Base,
    plan: &str,
    naming: DatasetNaming,
    graph: &NamedNode,
    facts: &[EntryFacts],
) -> Vec<Quad> {
    let g = GraphName::NamedNode(graph.clone());
    let mut quads = Vec::new();
    let mut add =
        |s: &NamedNode, p: NamedNode, o: Term| quads.push(Quad::new(s.clone(), p, o, g.clone()));
    let text = |t: &str| -> Term { Literal::new_simple_literal(t).into() };
    let date = |d: chrono::NaiveDate| -> Term {
        Literal::new_typed_literal(d.to_string(), xsd::DATE).into()
    };
    let named = |u: &str| NamedNode::new(u).ok();
    for f in facts {
        let e = entry_iri(base, &dmpgraph_link::EntryRef::new(plan, f.dataset), naming);
        add(&e, iri(DMPG, "depositOutcome"), text(&f.outcome));
        if let Some(d) = f.due {
            add(&e, iri(DMPG, "dueDate"), date(d));
        }
        for (k, d) in f.deposits.iter().enumerate() {
            let node = NamedNode::new_unchecked(format!(
                "{}#dataset-{}-deposit-{}",
                graph.as_str(),
                f.dataset,
                k + 1
            ));
            add(&e, iri(DMPG, "depositedAs"), node.clone().into());
            add(&node, iri(DCTERMS, "identifier"), text(&d.id));
            add(&node, iri(DMPG, "linkRelation"), text(&d.relation));
            add(
                &node,
                iri(DCTERMS, "relation"),
                deposit_dataset_iri(base, &d.id).into(),
            );
            if let Some(u) = d.landing.as_deref().and_then(named) {
                add(&node, iri(DCAT, "landingPage"), u.into());
            }
            if let Some(u) = d.resolvable.as_deref().and_then(named) {
                add(&node, iri(DMPG, "resolvableAs"), u.into());
            }
            if let Some((t, lang)) = &d.title {
                let l = lang
                    .as_deref()
                    .and_then(|l| Literal::new_language_tagged_literal(t, l).ok())
                    .unwrap_or_else(|| Literal::new_simple_literal(t));
                add(&node, iri(DCTERMS, "title"), l.into());
            }
            if let Some(a) = d.access.as_deref().and_then(named) {
                add(&node, iri(DCTERMS, "accessRights"), a.into());
            }
            if let Some(i) = d.issued {
                add(&node, iri(DCTERMS, "issued"), date(i));
            }
            add(&node, iri(DMPG, "hostName"), text(&d.repository.name));
            if let Some(u) = named(&d.repository.url) {
                add(&node, iri(DMPG, "hostPage"), u.into());
            }
        }
    }
    quads
}

/// The record id of a plan's deposit facts (kind `link`).
pub fn status_id(plan: &str) -> String {
    format!("{STATUS_PREFIX}{plan}")
}

/// What the record ids of plans' deposit facts begin with.
pub const STATUS_PREFIX: &str = "deposit-status:";

/// The predicate of the JSON a plan's deposit facts keep for the deposit
/// report (its rows as computed, and what they were computed from), so
/// that the report reads one record per plan instead of the plan, its
/// links and their deposits.
pub const REPORT_DOCUMENT: &str = "https://w3id.org/dmpgraph/ns#reportDocument";

/// The quad that keeps `json` as the report document of the facts record
/// `graph`.
pub fn report_document_quad(graph: &NamedNode, json: String) -> Quad {
    Quad::new(
        graph.clone(),
        NamedNode::new_unchecked(REPORT_DOCUMENT),
        Literal::new_typed_literal(json, NamedNode::new_unchecked(RDF_JSON)),
        GraphName::NamedNode(graph.clone()),
    )
}

/// A plan's deposit facts read back from its record's quads, by entry
/// number (what [`status_quads`] wrote).
pub fn status_facts(quads: &[Quad]) -> BTreeMap<u32, EntryFacts> {
    let mut by_subject: HashMap<&str, Vec<&Quad>> = HashMap::new();
    for q in quads {
        if let oxigraph::model::NamedOrBlankNode::NamedNode(n) = &q.subject {
            by_subject.entry(n.as_str()).or_default().push(q);
        }
    }
    let value = |q: &Quad| -> Option<String> {
        match &q.object {
            Term::Literal(l) => Some(l.value().to_string()),
            Term::NamedNode(n) => Some(n.as_str().to_string()),
            _ => None,
        }
    };
    let first = |s: &str, p: &str| -> Option<String> {
        let p = format!("{}{p}", if p.contains(':') { "" } else { DMPG });
        by_subject
            .get(s)?
            .iter()
            .find(|q| q.predicate.as_str() == p)
            .and_then(|q| value(q))
    };
    let mut out = BTreeMap::new();
    for (s, qs) in &by_subject {
        let Some(n) = s
            .rsplit_once("#dataset-")
            .and_then(|(_, n)| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Some(outcome) = first(s, "depositOutcome") else {
            continue;
        };
        let mut nodes: Vec<&str> = qs
            .iter()
            .filter(|q| q.predicate.as_str() == format!("{DMPG}depositedAs"))
            .filter_map(|q| match &q.object {
                Term::NamedNode(n) => Some(n.as_str()),
                _ => None,
            })
            .collect();
        nodes.sort_by_key(|n| {
            n.rsplit_once("-deposit-")
                .and_then(|(_, k)| k.parse::<u32>().ok())
                .unwrap_or(u32::MAX)
        });
        let deposits = nodes
            .into_iter()
            .filter_map(|node| {
                let title = by_subject.get(node)?.iter().find_map(|q| match &q.object {
                    Term::Literal(l) if q.predicate.as_str() == format!("{DCTERMS}title") => {
                        Some((l.value().to_string(), l.language().map(str::to_owned)))
                    }
                    _ => None,
                });
                Some(EntryDeposit {
                    id: first(node, &format!("{DCTERMS}identifier"))?,
                    relation: first(node, "linkRelation")?,
                    resolvable: first(node, "resolvableAs"),
                    landing: first(node, &format!("{DCAT}landingPage")),
                    title,
                    access: first(node, &format!("{DCTERMS}accessRights")),
                    issued: first(node, &format!("{DCTERMS}issued")).and_then(|d| d.parse().ok()),
                    repository: dmpgraph_model::deposit::Repository {
                        name: first(node, "hostName")?,
                        url: first(node, "hostPage").unwrap_or_default(),
                    },
                })
            })
            .collect();
        out.insert(
            n,
            EntryFacts {
                dataset: n,
                outcome,
                due: first(s, "dueDate").and_then(|d| d.parse().ok()),
                deposits,
            },
        );
    }
    out
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
        let (graph, quads) = link_graph(&link, &base, DatasetNaming::Amed);
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

    #[test]
    fn a_plans_deposit_facts_read_back_as_written() {
        use dmpgraph_model::deposit::{Access, Deposit, LangText, Source};
        let base = Base::default();
        let mut d = Deposit::new(Source::DataCite, Identifier::parse("10.5281/zenodo.1"));
        d.publisher = Some("Zenodo".into());
        d.url = Some("https://zenodo.org/records/1".into());
        d.access = Some(Access::Open);
        d.titles = vec![LangText {
            text: "Organoid images".into(),
            lang: Some("en".into()),
        }];
        let jga = Deposit::new(Source::Ddbj, Identifier::parse("JGAD000001"));
        let day = chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
        let facts = vec![
            EntryFacts {
                dataset: 1,
                outcome: "not_deposited".into(),
                due: Some(day),
                deposits: vec![],
            },
            EntryFacts {
                dataset: 2,
                outcome: "deposited_as_planned".into(),
                due: None,
                deposits: vec![
                    EntryDeposit::of(&d, "IsDepositOf", Some(day)),
                    EntryDeposit::of(&jga, "IsPartOf", None),
                ],
            },
        ];
        let graph = base.link_iri("deposit-status:21ek0109555h0001");
        let quads = status_quads(
            &base,
            "21ek0109555h0001",
            DatasetNaming::Amed,
            &graph,
            &facts,
        );
        let back = status_facts(&quads);
        assert_eq!(back.values().cloned().collect::<Vec<_>>(), facts);
        let zenodo = &back[&2].deposits[0];
        assert_eq!(zenodo.repository.name, "Zenodo");
        assert_eq!(zenodo.repository.url, "https://zenodo.org/");
        assert_eq!(
            zenodo.resolvable.as_deref(),
            Some("https://doi.org/10.5281/zenodo.1")
        );
        assert_eq!(
            back[&2].deposits[1].repository.url,
            "https://www.ddbj.nig.ac.jp/jga/"
        );
    }
}
