//! Links between planned datasets and deposits, in the store: a linking
//! run over what the store holds, curators' decisions, listings. Each link
//! is a [`RecordKind::Link`] record (public: its evidence quotes only the
//! public side of a plan), written through the writer like any record, so
//! linking and curation work while a server serves.
//!
//! Concurrency: a run replaces a link only if it is still the one the run
//! read (`If-Match` on its hash) and creates one only if none exists; a
//! curator's decision is written the same way. Of two writers, one wins;
//! the other is told the link changed meanwhile and loses nothing.

use crate::catalog::Catalog;
use crate::ingest::Sink;
use crate::PipelineError;
use chrono::{DateTime, Utc};
use dmpgraph_link::report::{DepositStatus, ReportRow};
use dmpgraph_link::text::Glossary;
use dmpgraph_link::{Decider, Inputs, Link, LinkConfig, Status};
use dmpgraph_model::deposit::Deposit;
use dmpgraph_model::{Dmp, Funder};
use dmpgraph_rdf::link::{link_document, link_graph, status_id, EntryDeposit, EntryFacts};
use dmpgraph_rdf::Base;
use dmpgraph_store::{
    default_sets, Change, Condition, Delete, RecordEntry, RecordKey, RecordKind, RecordWrite,
    SourceFormat, WriteOutcome,
};
use std::collections::{BTreeMap, HashMap};

/// The key of a link's record.
pub fn link_key(id: &str) -> RecordKey {
    RecordKey::new(RecordKind::Link, id)
}

/// A link as the store takes it.
pub fn link_write(link: &Link, base: &Base, conditions: Vec<Condition>) -> RecordWrite {
    let (graph, public) = link_graph(link, base);
    let mut sets = default_sets(RecordKind::Link, SourceFormat::Linker);
    sets.push(format!("link:{}", link.status.as_str()));
    RecordWrite {
        key: link_key(&link.id),
        graph,
        public,
        private: Vec::new(),
        format: SourceFormat::Linker,
        base_iri: Some(base.as_str().to_string()),
        sets,
        version: None,
        source: None,
        title: Some(format!("{} → {}", link.entry, link.deposit)),
        datasets: None,
        madmp_version: None,
        conditions,
    }
}

/// What the store holds for linking: plans (their public side), deposits,
/// and the links made so far with their registry entries.
pub struct Stored {
    /// The plans.
    pub plans: Vec<Dmp>,
    /// The deposits.
    pub deposits: Vec<Deposit>,
    /// The links, with the hash each was read at.
    pub links: Vec<(Link, String)>,
    /// Records that could not be read back (key and reason); left out.
    pub unreadable: Vec<(String, String)>,
}

/// Reads plans, deposits and links from the store.
pub fn load(catalog: &dyn Catalog) -> Result<Stored, PipelineError> {
    let mut out = Stored {
        plans: Vec::new(),
        deposits: Vec::new(),
        links: Vec::new(),
        unreadable: Vec::new(),
    };
    for entry in catalog.records()? {
        if entry.is_deleted() {
            continue;
        }
        match entry.kind() {
            RecordKind::Dmp => match plan_of(catalog, &entry) {
                Ok(p) => out.plans.push(p),
                Err(e) => out.unreadable.push((entry.key.to_string(), e)),
            },
            RecordKind::Deposit => {
                let quads = catalog.public_graph(&entry.graph)?;
                match dmpgraph_rdf::deposit::deposit_document(&quads) {
                    Some(Ok(d)) => out.deposits.push(d),
                    Some(Err(e)) => out.unreadable.push((entry.key.to_string(), e.to_string())),
                    None => out.unreadable.push((
                        entry.key.to_string(),
                        "harvested before deposits kept their document; harvest it again".into(),
                    )),
                }
            }
            RecordKind::Link if entry.key.id.starts_with(dmpgraph_rdf::link::STATUS_PREFIX) => {}
            RecordKind::Link => {
                let quads = catalog.public_graph(&entry.graph)?;
                match link_document(&quads) {
                    Some(Ok(l)) => out.links.push((l, entry.public_hash.clone())),
                    Some(Err(e)) => out.unreadable.push((entry.key.to_string(), e.to_string())),
                    None => out
                        .unreadable
                        .push((entry.key.to_string(), "no link document".into())),
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// A plan's public side as the model has it (the linker sees no private
/// field, so no link's evidence can quote one).
fn plan_of(catalog: &dyn Catalog, entry: &RecordEntry) -> Result<Dmp, String> {
    let quads = catalog
        .public_graph(&entry.graph)
        .map_err(|e| e.to_string())?;
    let base = Base::of_record(&entry.graph)?;
    let mut dmp = dmpgraph_rdf::graphs_to_dmp(&quads, &base).map_err(|e| e.to_string())?;
    if dmp.project.grant_number.trim().is_empty() {
        dmp.project.grant_number = entry.key.id.clone();
    }
    Ok(dmp)
}

/// What a linking run did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RunSummary {
    /// Plans, dataset entries and deposits looked at.
    pub plans: usize,
    /// Dataset entries.
    pub entries: usize,
    /// Deposits.
    pub deposits: usize,
    /// Links now, by status.
    pub by_status: BTreeMap<String, usize>,
    /// Links now, by method.
    pub by_method: BTreeMap<String, usize>,
    /// Links written new.
    pub new: usize,
    /// Links whose score, evidence or status changed.
    pub changed: usize,
    /// Links as they were.
    pub unchanged: usize,
    /// System links no longer proposed, deleted (tombstones).
    pub removed: usize,
    /// Links another writer changed while the run ran (left as they are;
    /// run again).
    pub conflicts: Vec<String>,
    /// Records that could not be read back.
    pub unreadable: Vec<(String, String)>,
}

/// One linking run over the store: proposes, decides against the stored
/// links (curators' decisions survive), writes only what changed.
pub fn run(
    catalog: &dyn Catalog,
    sink: &mut dyn Sink,
    funder: &Funder,
    glossary: &Glossary,
    config: &LinkConfig,
    base: &Base,
    now: DateTime<Utc>,
) -> Result<RunSummary, PipelineError> {
    let stored = load(catalog)?;
    let previous: Vec<Link> = stored.links.iter().map(|(l, _)| l.clone()).collect();
    let hashes: HashMap<&str, &str> = stored
        .links
        .iter()
        .map(|(l, h)| (l.id.as_str(), h.as_str()))
        .collect();
    let inputs = Inputs {
        plans: &stored.plans,
        deposits: &stored.deposits,
        funder,
    };
    let links = dmpgraph_link::run(&inputs, glossary, &previous, config, now);
    let mut summary = RunSummary {
        plans: stored.plans.len(),
        entries: stored.plans.iter().map(|p| p.datasets.len()).sum(),
        deposits: stored.deposits.len(),
        unreadable: stored.unreadable.clone(),
        ..RunSummary::default()
    };
    let before: HashMap<&str, &Link> = previous.iter().map(|l| (l.id.as_str(), l)).collect();
    let mut changes = Vec::new();
    let mut ids = Vec::new();
    for l in &links {
        *summary
            .by_status
            .entry(l.status.as_str().into())
            .or_default() += 1;
        *summary
            .by_method
            .entry(l.method.as_str().into())
            .or_default() += 1;
        match before.get(l.id.as_str()) {
            Some(old) if *old == l => summary.unchanged += 1,
            Some(_) => {
                let cond = hashes
                    .get(l.id.as_str())
                    .map(|h| vec![Condition::IfMatch((*h).to_string())])
                    .unwrap_or_default();
                changes.push(Change::Put(link_write(l, base, cond)));
                ids.push((l.id.clone(), false));
            }
            None => {
                changes.push(Change::Put(link_write(
                    l,
                    base,
                    vec![Condition::MustNotExist],
                )));
                ids.push((l.id.clone(), true));
            }
        }
    }
    let now_ids: std::collections::HashSet<&str> = links.iter().map(|l| l.id.as_str()).collect();
    for old in &previous {
        if !now_ids.contains(old.id.as_str()) {
            let cond = hashes
                .get(old.id.as_str())
                .map(|h| vec![Condition::IfMatch((*h).to_string())])
                .unwrap_or_default();
            changes.push(Change::Delete(Delete {
                key: link_key(&old.id),
                conditions: cond,
            }));
            ids.push((old.id.clone(), false));
        }
    }
    if !changes.is_empty() {
        let outcomes = sink.write(changes)?;
        for ((id, _), o) in ids.into_iter().zip(outcomes) {
            match o {
                WriteOutcome::Created { .. } | WriteOutcome::Revived { .. } => summary.new += 1,
                WriteOutcome::Updated { .. } => summary.changed += 1,
                WriteOutcome::Unchanged => summary.unchanged += 1,
                WriteOutcome::Deleted { .. } => summary.removed += 1,
                _ => summary.conflicts.push(id),
            }
        }
    }
    // The deposit report's facts that do not change with the day, per
    // plan, where a query reads them directly; and what the plans' items
    // show of their deposits (their OAI-PMH datestamps move with it).
    let report =
        dmpgraph_link::report::report(&stored.plans, &stored.deposits, &links, now.date_naive());
    let deposits: HashMap<String, &Deposit> = stored
        .deposits
        .iter()
        .map(|d| (d.id.to_string(), d))
        .collect();
    // What each plan's rows were computed from, as the registry has it now
    // (after this run's link writes).
    let entries = catalog.records()?;
    let index = ReportInputs::of(&entries);
    write_facts(sink, &report.rows, &deposits, base, &index)?;
    Ok(summary)
}

/// The version of the report document a facts record keeps (a change of
/// how rows are computed makes every kept document stale).
const REPORT_VERSION: u32 = 1;

/// The report's rows of one plan as computed, and what from.
#[derive(serde::Serialize, serde::Deserialize)]
struct ReportDocument {
    /// The fingerprint of the plan, its links and their deposits.
    inputs: String,
    /// The rows, as of the day they were computed.
    rows: Vec<ReportRow>,
}

/// The registry, grouped as the deposit report needs it: each live plan,
/// the live links of each plan (a link's registry title is
/// `{plan}#{No.} → {deposit}`), the live deposits, each plan's facts
/// record.
struct ReportInputs<'a> {
    plans: BTreeMap<&'a str, &'a RecordEntry>,
    links: HashMap<&'a str, Vec<&'a RecordEntry>>,
    deposits: HashMap<&'a str, &'a RecordEntry>,
    facts: HashMap<&'a str, &'a RecordEntry>,
}

impl<'a> ReportInputs<'a> {
    fn of(entries: &'a [RecordEntry]) -> ReportInputs<'a> {
        let mut index = ReportInputs {
            plans: BTreeMap::new(),
            links: HashMap::new(),
            deposits: HashMap::new(),
            facts: HashMap::new(),
        };
        for e in entries.iter().filter(|e| !e.is_deleted()) {
            match e.kind() {
                RecordKind::Dmp => {
                    index.plans.insert(e.key.id.as_str(), e);
                }
                RecordKind::Deposit => {
                    index.deposits.insert(e.key.id.as_str(), e);
                }
                RecordKind::Link => {
                    if let Some(plan) = e.key.id.strip_prefix(dmpgraph_rdf::link::STATUS_PREFIX) {
                        index.facts.insert(plan, e);
                    } else if let Some((plan, _)) =
                        e.title.as_deref().and_then(|t| t.split_once('#'))
                    {
                        index.links.entry(plan).or_default().push(e);
                    }
                }
                _ => {}
            }
        }
        index
    }

    /// The deposit a link's registry title names.
    fn deposit_of(link: &RecordEntry) -> Option<&str> {
        link.title
            .as_deref()
            .and_then(|t| t.split_once(" → "))
            .map(|(_, d)| d.trim())
    }

    /// The fingerprint of what a plan's report rows are computed from: the
    /// plan's public graph, its links and the deposits they name, by
    /// content hash.
    fn fingerprint(&self, plan: &str) -> String {
        let mut text = format!("v{REPORT_VERSION}\n");
        if let Some(p) = self.plans.get(plan) {
            text.push_str(&format!("plan {}\n", p.public_hash));
        }
        let mut lines: Vec<String> = self
            .links
            .get(plan)
            .into_iter()
            .flatten()
            .map(|l| {
                let deposit = Self::deposit_of(l).unwrap_or("");
                let hash = self
                    .deposits
                    .get(deposit)
                    .map_or("-", |d| d.public_hash.as_str());
                format!("link {} {} {deposit} {hash}\n", l.key.id, l.public_hash)
            })
            .collect();
        lines.sort_unstable();
        text.extend(lines);
        short_hash(&text)
    }
}

/// The fingerprint a facts record's version carries (`{written at}#{fingerprint}`).
fn version_fingerprint(facts: &RecordEntry) -> Option<&str> {
    facts.version.as_deref()?.rsplit_once('#').map(|(_, f)| f)
}

/// What the deposit report read.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReportSummary {
    /// Plans whose rows were read from their deposit facts.
    pub kept: usize,
    /// Plans computed from their records (changed since the last `link
    /// run`, or never linked).
    pub computed: usize,
    /// Their ids.
    pub computed_plans: Vec<String>,
    /// Records that could not be read (key and reason); left out.
    pub unreadable: Vec<(String, String)>,
}

/// AMED's deposit report over the store, as of `today`. Each plan's rows
/// come from its deposit facts record when the plan, its links and their
/// deposits are what they were computed from (the registry says so: no
/// graph is read to know it); any other plan is computed from its records.
/// So the report reads one record per plan, whatever the number of links
/// and deposits, and is never stale.
pub fn deposit_report(
    catalog: &dyn Catalog,
    today: chrono::NaiveDate,
) -> Result<(dmpgraph_link::report::Report, ReportSummary), PipelineError> {
    let entries = catalog.records()?;
    let index = ReportInputs::of(&entries);
    let mut summary = ReportSummary::default();
    let mut rows = Vec::new();
    for (plan, entry) in &index.plans {
        let fingerprint = index.fingerprint(plan);
        let kept = match index.facts.get(plan) {
            Some(f) if version_fingerprint(f) == Some(fingerprint.as_str()) => {
                let docs = catalog.public_objects(&f.graph, dmpgraph_rdf::link::REPORT_DOCUMENT)?;
                docs.iter()
                    .find_map(|t| match t {
                        oxigraph::model::Term::Literal(l) => Some(l.value()),
                        _ => None,
                    })
                    .and_then(|json| serde_json::from_str::<ReportDocument>(json).ok())
                    .filter(|d| d.inputs == fingerprint)
            }
            _ => None,
        };
        match kept {
            Some(doc) => {
                summary.kept += 1;
                rows.extend(doc.rows);
            }
            None => match plan_rows(catalog, entry, &index, today)? {
                Ok((r, _)) => {
                    summary.computed += 1;
                    summary.computed_plans.push((*plan).to_string());
                    rows.extend(r);
                }
                Err(e) => summary.unreadable.push((entry.key.to_string(), e)),
            },
        }
    }
    Ok((dmpgraph_link::report::as_of(rows, today), summary))
}

/// One plan's report rows computed from its records (its public graph, its
/// links, their deposits), with the deposits read; `Err` with the reason
/// when the plan cannot be read.
#[allow(clippy::type_complexity)]
fn plan_rows(
    catalog: &dyn Catalog,
    entry: &RecordEntry,
    index: &ReportInputs<'_>,
    today: chrono::NaiveDate,
) -> Result<Result<(Vec<ReportRow>, Vec<Deposit>), String>, PipelineError> {
    let dmp = match plan_of(catalog, entry) {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    let plan = entry.key.id.as_str();
    let mut links = Vec::new();
    for e in index.links.get(plan).into_iter().flatten() {
        if let Some(Ok(l)) = link_document(&catalog.public_graph(&e.graph)?) {
            if l.entry.plan == plan {
                links.push(l);
            }
        }
    }
    let mut deposits = Vec::new();
    for l in links.iter().filter(|l| l.status == Status::Accepted) {
        if let Some(e) = index.deposits.get(l.deposit.to_string().as_str()) {
            if let Some(Ok(d)) =
                dmpgraph_rdf::deposit::deposit_document(&catalog.public_graph(&e.graph)?)
            {
                deposits.push(d);
            }
        }
    }
    let report =
        dmpgraph_link::report::report(std::slice::from_ref(&dmp), &deposits, &links, today);
    Ok(Ok((report.rows, deposits)))
}

/// Writes the deposit facts of every plan `rows` name, and annotates the
/// plans' items with them.
fn write_facts(
    sink: &mut dyn Sink,
    rows: &[ReportRow],
    deposits: &HashMap<String, &Deposit>,
    base: &Base,
    index: &ReportInputs<'_>,
) -> Result<(), PipelineError> {
    let mut by_plan: BTreeMap<&str, Vec<&ReportRow>> = BTreeMap::new();
    for r in rows {
        by_plan.entry(r.entry.plan.as_str()).or_default().push(r);
    }
    let mut writes = Vec::new();
    let mut annex = Vec::new();
    for (plan, rows) in &by_plan {
        let facts = entry_facts(rows, deposits);
        annex.push((
            RecordKey::new(RecordKind::Dmp, *plan),
            facts
                .iter()
                .filter(|f| !f.deposits.is_empty())
                .map(|f| (f.dataset, annex_hash(f)))
                .collect::<Vec<_>>(),
        ));
        let doc = ReportDocument {
            inputs: index.fingerprint(plan),
            // Kept as of no day: `as_of` dates what is not deposited.
            rows: rows
                .iter()
                .map(|r| {
                    let mut r = (*r).clone();
                    if r.status == DepositStatus::Overdue {
                        r.status = DepositStatus::NotYetDue;
                        r.days_overdue = None;
                    }
                    r
                })
                .collect(),
        };
        writes.push(Change::Put(status_write(plan, &facts, base, &doc)));
    }
    for chunk in writes.chunks(1000) {
        for o in sink.write(chunk.to_vec())? {
            if !matches!(
                o,
                WriteOutcome::Created { .. }
                    | WriteOutcome::Updated { .. }
                    | WriteOutcome::Revived { .. }
                    | WriteOutcome::Unchanged
            ) {
                // The report computes such a plan from its records.
                tracing::warn!(outcome = ?o, "a plan's deposit facts were not written");
            }
        }
    }
    sink.annotate(annex)?;
    Ok(())
}

/// The facts of a plan's entries, from the report's rows.
fn entry_facts(rows: &[&ReportRow], deposits: &HashMap<String, &Deposit>) -> Vec<EntryFacts> {
    rows.iter()
        .map(|r| EntryFacts {
            dataset: r.entry.dataset,
            outcome: outcome(r).to_string(),
            due: r.due,
            deposits: r
                .deposits
                .iter()
                .filter_map(|d| {
                    let full = deposits.get(&d.id)?;
                    Some(EntryDeposit::of(full, &d.relation, d.published))
                })
                .collect(),
        })
        .collect()
}

/// The hash of what an entry's records show of its deposits.
fn annex_hash(f: &EntryFacts) -> String {
    short_hash(&format!("{:?}", f.deposits))
}

/// The first 16 bytes of a text's SHA-256, in hex.
fn short_hash(text: &str) -> String {
    use sha2::Digest;
    hex::encode(&sha2::Sha256::digest(text.as_bytes())[..16])
}

/// What the deposit report says of an entry that does not change with the
/// day: `not_deposited` (then `dmpg:dueDate` says from when it is
/// overdue), or the report's status of a deposited or not applicable entry.
pub fn outcome(row: &ReportRow) -> &'static str {
    match row.status {
        DepositStatus::NotYetDue | DepositStatus::Overdue => "not_deposited",
        s => s.as_str(),
    }
}

/// A plan's deposit facts as a record (see
/// [`dmpgraph_rdf::link::status_quads`]): per entry `dmpg:depositOutcome`
/// and `dmpg:dueDate`, so that "which planned datasets are overdue" is
/// `?e dmpg:depositOutcome "not_deposited" ; dmpg:dueDate ?d FILTER(?d < today)`,
/// and its accepted deposits (`dmpg:depositedAs`).
///
/// The record also keeps the report's rows and what they were computed
/// from (`doc`, as JSON: `dmpg:reportDocument`; the fingerprint also in the
/// record's version, so that the registry tells whether it is current).
fn status_write(
    plan: &str,
    facts: &[EntryFacts],
    base: &Base,
    doc: &ReportDocument,
) -> RecordWrite {
    let id = status_id(plan);
    let graph = base.link_iri(&id);
    let mut public = dmpgraph_rdf::link::status_quads(base, plan, &graph, facts);
    // The registry orders versions: the time of writing (to the
    // nanosecond) first, so that a later write is never taken for an older
    // one, then the fingerprint.
    let version = format!(
        "{}#{}",
        Utc::now().format("%Y-%m-%dT%H:%M:%S%.9fZ"),
        doc.inputs
    );
    if let Ok(json) = serde_json::to_string(doc) {
        public.push(dmpgraph_rdf::link::report_document_quad(&graph, json));
    }
    RecordWrite {
        key: link_key(&id),
        graph,
        public,
        private: Vec::new(),
        format: SourceFormat::Linker,
        base_iri: Some(base.as_str().to_string()),
        sets: vec!["link".into(), "link:deposit-status".into()],
        version: Some(version),
        source: None,
        title: Some(format!("deposit status of {plan}")),
        datasets: None,
        madmp_version: None,
        conditions: Vec::new(),
    }
}

/// A plan's deposit facts as stored, by entry number (none when no link
/// run has written them).
pub fn stored_facts(
    catalog: &dyn Catalog,
    plan: &str,
) -> Result<BTreeMap<u32, EntryFacts>, PipelineError> {
    match catalog.record(&link_key(&status_id(plan)))? {
        Some(e) if !e.is_deleted() => Ok(dmpgraph_rdf::link::status_facts(
            &catalog.public_graph(&e.graph)?,
        )),
        _ => Ok(BTreeMap::new()),
    }
}

/// A curator's decision could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum DecisionError {
    /// No such link.
    #[error("no link {id} in the store (see `dmpgraph link list`)")]
    NoLink {
        /// The id asked.
        id: String,
    },
    /// Another writer changed the link first.
    #[error(
        "link {id} changed while the decision was being written; nothing was written, decide again"
    )]
    Changed {
        /// The link.
        id: String,
    },
    /// The store.
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
}

/// Records a curator's decision (accept or reject) on a link, with a note.
pub fn decide(
    catalog: &dyn Catalog,
    sink: &mut dyn Sink,
    base: &Base,
    id: &str,
    status: Status,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Link, DecisionError> {
    let key = link_key(id);
    let entry = catalog
        .record(&key)?
        .filter(|e| !e.is_deleted())
        .ok_or_else(|| DecisionError::NoLink { id: id.to_string() })?;
    let quads = catalog.public_graph(&entry.graph)?;
    let mut link = match link_document(&quads) {
        Some(Ok(l)) => l,
        _ => return Err(DecisionError::NoLink { id: id.to_string() }),
    };
    link.status = status;
    link.decided_by = Decider::Curator;
    link.made = now;
    if let Some(n) = note {
        link.note = Some(n.to_string());
    }
    let write = link_write(
        &link,
        base,
        vec![Condition::IfMatch(entry.public_hash.clone())],
    );
    match sink.write(vec![Change::Put(write)])?.first() {
        Some(WriteOutcome::Updated { .. } | WriteOutcome::Unchanged) => {}
        _ => return Err(DecisionError::Changed { id: id.to_string() }),
    }
    // The plan's deposit facts follow the decision at once (the report,
    // SPARQL's overdue question, the plan's OAI-PMH records).
    refresh_plan(catalog, sink, base, &link.entry.plan, now)?;
    Ok(link)
}

/// Rewrites one plan's deposit facts from its stored links and deposits,
/// reading only what is the plan's.
pub fn refresh_plan(
    catalog: &dyn Catalog,
    sink: &mut dyn Sink,
    base: &Base,
    plan: &str,
    now: DateTime<Utc>,
) -> Result<(), PipelineError> {
    let entries = catalog.records()?;
    let index = ReportInputs::of(&entries);
    let Some(entry) = index.plans.get(plan) else {
        return Ok(());
    };
    let Ok((rows, deposits)) = plan_rows(catalog, entry, &index, now.date_naive())? else {
        return Ok(());
    };
    let by_id: HashMap<String, &Deposit> = deposits.iter().map(|d| (d.id.to_string(), d)).collect();
    write_facts(sink, &rows, &by_id, base, &index)
}

/// The stored links, filtered by plan and status, sorted by entry.
pub fn list(
    catalog: &dyn Catalog,
    plan: Option<&str>,
    status: Option<Status>,
) -> Result<Vec<Link>, PipelineError> {
    let stored = load(catalog)?;
    let mut links: Vec<Link> = stored
        .links
        .into_iter()
        .map(|(l, _)| l)
        .filter(|l| plan.is_none_or(|p| l.entry.plan == p.trim()))
        .filter(|l| status.is_none_or(|s| l.status == s))
        .collect();
    links.sort_by(|a, b| a.entry.cmp(&b.entry).then(a.deposit.cmp(&b.deposit)));
    Ok(links)
}
