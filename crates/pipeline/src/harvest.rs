//! Harvested records into the store, through the single writer; and what
//! the stored plans point at, for `harvest referenced`.
//!
//! A harvested record is a [`RecordKind::Deposit`] record, public only (a
//! registry's metadata is public), in its own named graph
//! (`{base}deposit/{id}`) with its provenance: where it was asked, when the
//! content was first received, the response's `ETag` and the hash of the
//! record's JSON. A record the source says is gone (404, 410) is deleted,
//! leaving its tombstone in the change log.

use crate::catalog::Catalog;
use crate::ingest::Sink;
use crate::PipelineError;
use dmpgraph_harvest::run::{Harvested, StoreFailure, Target, Written};
use dmpgraph_rdf::deposit::{deposit_graph, Provenance};
use dmpgraph_rdf::Base;
use dmpgraph_store::{
    default_sets, Change, Delete, RecordKey, RecordKind, RecordWrite, SourceFormat, WriteOutcome,
};
use oxigraph::model::Term;
use std::collections::BTreeMap;

/// The key of a deposit's record.
pub fn deposit_key(id: &str) -> RecordKey {
    RecordKey::new(RecordKind::Deposit, id)
}

/// A harvested record as the store takes it.
pub fn deposit_write(h: &Harvested, base: &Base) -> RecordWrite {
    let provenance = Provenance {
        url: h.url.clone(),
        retrieved: h.retrieved,
        etag: h.validators.etag.clone(),
        content_hash: h.content_hash.clone(),
    };
    let (graph, public) = deposit_graph(&h.deposit, &provenance, base);
    let mut sets = default_sets(RecordKind::Deposit, SourceFormat::Harvest);
    sets.push(format!("deposit:{}", h.deposit.source.as_str()));
    RecordWrite {
        key: deposit_key(&h.id()),
        graph,
        public,
        private: Vec::new(),
        format: SourceFormat::Harvest,
        base_iri: Some(base.as_str().to_string()),
        sets,
        version: None,
        source: Some(h.url.clone()),
        title: h.deposit.title("en").map(str::to_owned),
        datasets: None,
        madmp_version: None,
        conditions: Vec::new(),
    }
}

/// The store a harvest writes to: a [`Sink`] (this process's writer, or a
/// running server's through its admin socket).
pub struct DepositStore<'a> {
    sink: &'a mut dyn Sink,
    base: Base,
}

impl<'a> DepositStore<'a> {
    /// Writes through `sink`, minting IRIs under `base`.
    pub fn new(sink: &'a mut dyn Sink, base: Base) -> DepositStore<'a> {
        DepositStore { sink, base }
    }
}

/// A write the store refused.
#[derive(Debug, thiserror::Error)]
#[error("record '{record}': {reason}")]
pub struct Refused {
    /// The record.
    pub record: String,
    /// What the writer answered.
    pub reason: String,
}

impl dmpgraph_harvest::run::Store for DepositStore<'_> {
    fn put(&mut self, records: &[Harvested]) -> Result<Vec<Written>, StoreFailure> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        let changes = records
            .iter()
            .map(|h| Change::Put(deposit_write(h, &self.base)))
            .collect();
        let outcomes = self.sink.write(changes)?;
        records
            .iter()
            .zip(outcomes)
            .map(|(h, o)| match o {
                WriteOutcome::Created { .. } | WriteOutcome::Revived { .. } => Ok(Written::New),
                WriteOutcome::Updated { .. } => Ok(Written::Changed),
                WriteOutcome::Unchanged => Ok(Written::Unchanged),
                other => Err(Box::new(Refused {
                    record: h.id(),
                    reason: format!("{other:?}"),
                }) as StoreFailure),
            })
            .collect()
    }

    fn gone(&mut self, id: &str) -> Result<bool, StoreFailure> {
        let outcomes = self.sink.write(vec![Change::Delete(Delete {
            key: deposit_key(id),
            conditions: Vec::new(),
        })])?;
        Ok(matches!(
            outcomes.first(),
            Some(WriteOutcome::Deleted { .. })
        ))
    }
}

/// A DOI or accession a stored plan points at, and where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// What to harvest.
    pub target: Target,
    /// The plans that point at it, with the text it was found in.
    pub found_in: Vec<(String, String)>,
}

/// The predicates of a planned dataset whose values may name a deposit:
/// its DOI link (dcso:identifier of its dataset id, dcterms:identifier),
/// its repository URL (dcat:accessURL, the host's dcso:url), its
/// repository's name and kind, and its description.
const POINTING: [&str; 6] = [
    "https://w3id.org/dcso/ns/core#identifier",
    "http://purl.org/dc/terms/identifier",
    "http://www.w3.org/ns/dcat#accessURL",
    "https://w3id.org/dcso/ns/core#url",
    "http://purl.org/dc/terms/description",
    "https://w3id.org/dmpgraph/ns#repositoryKind",
];

/// Every DOI and accession that the stored plans' public graphs point at
/// (DOI links, repository URLs, descriptions), each with the plans it was
/// found in; the plans' own identifiers and funder ids excluded.
pub fn referenced(catalog: &dyn Catalog) -> Result<Vec<Reference>, PipelineError> {
    let mut found: BTreeMap<Target, Vec<(String, String)>> = BTreeMap::new();
    for entry in catalog.records()? {
        if entry.is_deleted() || entry.kind() != RecordKind::Dmp {
            continue;
        }
        let plan = entry.key.id.clone();
        let own = Target::parse(&plan);
        for q in catalog.public_graph(&entry.graph)? {
            if !POINTING.contains(&q.predicate.as_str()) {
                continue;
            }
            let text = match &q.object {
                Term::NamedNode(n) => n.as_str().to_string(),
                Term::Literal(l) => l.value().to_string(),
                _ => continue,
            };
            for t in dmpgraph_harvest::run::targets_in(&text) {
                // A plan's own id is not a deposit; an NBDC Human Database
                // id is no entry of DDBJ's (its JGA study lists it).
                let nbdc = matches!(&t, Target::Accession(a) if a.archive == dmpgraph_model::identity::Archive::NbdcHuman);
                if Some(&t) == own.as_ref() || nbdc {
                    continue;
                }
                let places = found.entry(t).or_default();
                if !places.iter().any(|(p, w)| *p == plan && *w == text) {
                    places.push((plan.clone(), text.clone()));
                }
            }
        }
    }
    Ok(found
        .into_iter()
        .map(|(target, found_in)| Reference { target, found_in })
        .collect())
}

/// The grant titles (研究開発課題名) of the stored plans, for DDBJ's grant
/// search; each once.
pub fn grant_titles(catalog: &dyn Catalog) -> Result<Vec<String>, PipelineError> {
    let mut titles: Vec<String> = catalog
        .records()?
        .into_iter()
        .filter(|e| !e.is_deleted() && e.kind() == RecordKind::Dmp)
        .filter_map(|e| e.title.as_deref().map(|t| t.trim().to_string()))
        .filter(|t| !t.is_empty())
        .collect();
    titles.sort();
    titles.dedup();
    Ok(titles)
}
