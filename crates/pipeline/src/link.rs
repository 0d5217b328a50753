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
use dmpgraph_link::{Decider, Link, LinkConfig, Status};
use dmpgraph_madmp::view::PlanFunding;
use dmpgraph_model::deposit::Deposit;
use dmpgraph_model::{Dmp, Funder};
use dmpgraph_rdf::link::{
    link_document, link_graph, status_id, DatasetNaming, EntryDeposit, EntryFacts,
};
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

/// The registry set of a link's method (`link-method:explicit`), which a
/// run counts links by without reading them.
const METHOD_SET: &str = "link-method:";

/// How the record of a plan names its datasets.
pub fn naming_of(plan: &RecordEntry) -> DatasetNaming {
    match plan.format {
        SourceFormat::Madmp => DatasetNaming::Madmp,
        _ => DatasetNaming::Amed,
    }
}

/// A link as the store takes it (`naming`: that of its plan's record).
pub fn link_write(
    link: &Link,
    base: &Base,
    naming: DatasetNaming,
    conditions: Vec<Condition>,
) -> RecordWrite {
    let (graph, public) = link_graph(link, base, naming);
    let mut sets = default_sets(RecordKind::Link, SourceFormat::Linker);
    sets.push(format!("link:{}", link.status.as_str()));
    sets.push(format!("{METHOD_SET}{}", link.method.as_str()));
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
                Ok((p, _)) => out.plans.push(p),
                Err(e) => out.unreadable.push((entry.key.to_string(), e)),
            },
            RecordKind::Deposit => match stored_deposit(catalog, &entry)? {
                Ok(d) => out.deposits.push(d),
                Err(why) => out.unreadable.push((entry.key.to_string(), why)),
            },
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
/// field, so no link's evidence can quote one): an AMED plan's from its
/// graph, a maDMP plan's from its public document
/// ([`dmpgraph_madmp::view::as_amed`]), with the funding the document
/// names (none for an AMED plan: AMED funds it).
fn plan_of(
    catalog: &dyn Catalog,
    entry: &RecordEntry,
) -> Result<(Dmp, Option<Vec<PlanFunding>>), String> {
    let quads = catalog
        .public_graph(&entry.graph)
        .map_err(|e| e.to_string())?;
    let (mut dmp, funding) = if entry.format == SourceFormat::Madmp {
        let doc = dmpgraph_rdf::madmp_document(&quads)
            .ok_or("a maDMP record without its document; ingest it again")?
            .map_err(|e| e.to_string())?;
        (
            dmpgraph_madmp::view::as_amed(&doc),
            Some(dmpgraph_madmp::view::plan_funding(&doc)),
        )
    } else {
        let base = Base::of_record(&entry.graph)?;
        let dmp = dmpgraph_rdf::graphs_to_dmp(&quads, &base).map_err(|e| e.to_string())?;
        (dmp, None)
    };
    if dmp.project.grant_number.trim().is_empty() {
        dmp.project.grant_number = entry.key.id.clone();
    }
    Ok((dmp, funding))
}

/// Whether `funder` funds a plan: an AMED form's plan, or a maDMP plan
/// whose funding names the funder (by name or identifier) or cites an
/// award of its numbering.
fn funded_by(funding: &Option<Vec<PlanFunding>>, funder: &Funder) -> bool {
    let Some(funding) = funding else {
        return true;
    };
    funding.iter().any(|f| {
        let reference = dmpgraph_model::deposit::Funding {
            funder_name: f.funder_name.clone(),
            funder_id: f.funder_id.clone(),
            ..Default::default()
        };
        dmpgraph_model::funding::names_funder(&reference, funder)
            || f.grant
                .as_deref()
                .is_some_and(|g| dmpgraph_model::award::AwardNumber::parse(g).is_some())
    })
}

/// What a linking run did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RunSummary {
    /// Plans in the store.
    pub plans: usize,
    /// Plans linked again: new, changed, or reaching a deposit that is new
    /// or changed (or the linker's settings changed), and plans deleted.
    pub plans_linked: usize,
    /// Plans whose inputs are as when they were last linked: not read.
    pub plans_unchanged: usize,
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

/// One linking run over the store: links again only the plans whose
/// inputs changed since they were last linked, decides against their
/// stored links (curators' decisions survive), writes only what changed.
///
/// A plan's inputs are its public graph, every deposit it can reach (those
/// its entries name, those its grant funded, what lies under or is
/// identical to them: [`dmpgraph_link::linker::Index::reach`]) and the
/// linker's settings ([`dmpgraph_link::settings_fingerprint`]); their
/// fingerprint is kept in the plan's deposit facts record. A plan whose
/// fingerprint is unchanged is not read, let alone linked; its links stay
/// as they are. A plan deleted since loses its system links (tombstones);
/// curators' decisions on it are kept.
pub fn run(
    catalog: &dyn Catalog,
    sink: &mut dyn Sink,
    funder: &Funder,
    glossary: &Glossary,
    config: &LinkConfig,
    base: &Base,
    now: DateTime<Utc>,
) -> Result<RunSummary, PipelineError> {
    let entries = catalog.records()?;
    let index = ReportInputs::of(&entries);
    let mut summary = RunSummary::default();
    let deposits = load_deposits(catalog, &index, &mut summary.unreadable)?;
    let linker = dmpgraph_link::linker::Index::new(&deposits, funder);
    let settings = dmpgraph_link::settings_fingerprint(config, glossary, funder);
    summary.plans = index.plans.len();
    summary.deposits = deposits.len();

    // Which plans to link again.
    let mut relink: Vec<(&str, Option<&RecordEntry>)> = Vec::new();
    for (plan, entry) in &index.plans {
        let kept = kept_document(catalog, &index, plan)?
            .and_then(|d| d.linked)
            .filter(|l| l.plan == entry.public_hash);
        let unchanged = kept.as_ref().is_some_and(|l| {
            l.inputs == link_fingerprint(&settings, entry, &linker.reach(&l.keys), &index)
        });
        if unchanged {
            summary.plans_unchanged += 1;
            summary.entries += kept.map_or(0, |l| l.entries);
        } else {
            relink.push((plan, Some(entry)));
        }
    }
    for plan in index.links.keys() {
        if !index.plans.contains_key(plan) {
            relink.push((plan, None));
        }
    }

    // Link them, each against its own stored links.
    let mut plans: Vec<(String, Dmp, bool, Linked)> = Vec::new();
    let mut links: Vec<Link> = Vec::new();
    let mut previous: Vec<StoredLink> = Vec::new();
    for (plan, entry) in relink {
        let before = stored_links(catalog, &index, plan, &mut summary.unreadable)?;
        let proposals = match entry {
            Some(entry) => match plan_of(catalog, entry) {
                Ok((dmp, funding)) => {
                    let funded = funded_by(&funding, funder);
                    let stored = dmpgraph_link::Plan {
                        id: plan,
                        dmp: &dmp,
                        funded,
                    };
                    let keys = dmpgraph_link::linker::keys(stored);
                    let proposals: Vec<_> =
                        dmpgraph_link::linker::propose_plan(stored, &linker, glossary)
                            .into_iter()
                            .filter(|p| p.score >= config.propose_at)
                            .collect();
                    let linked = Linked {
                        plan: entry.public_hash.clone(),
                        inputs: link_fingerprint(&settings, entry, &linker.reach(&keys), &index),
                        entries: dmp.datasets.len(),
                        keys,
                    };
                    summary.entries += dmp.datasets.len();
                    plans.push((plan.to_string(), dmp, funded, linked));
                    proposals
                }
                Err(e) => {
                    // Its links stay as they are until it can be read.
                    summary.unreadable.push((entry.key.to_string(), e));
                    continue;
                }
            },
            // A plan deleted: its system links go, curators' decisions stay.
            None if before.iter().all(|s| s.link.decided_by == Decider::Curator) => continue,
            None => Vec::new(),
        };
        summary.plans_linked += 1;
        let old: Vec<Link> = before.iter().map(|s| s.link.clone()).collect();
        links.extend(dmpgraph_link::decide(proposals, &old, config, now));
        previous.extend(before);
    }

    let relinked: std::collections::HashSet<&str> =
        plans.iter().map(|(id, _, _, _)| id.as_str()).collect();

    // Write what changed.
    let before: HashMap<&str, &StoredLink> =
        previous.iter().map(|s| (s.link.id.as_str(), s)).collect();
    let mut changes = Vec::new();
    let mut ids = Vec::new();
    for l in &links {
        let naming = index
            .plans
            .get(l.entry.plan.as_str())
            .map(|e| naming_of(e))
            .unwrap_or_default();
        match before.get(l.id.as_str()) {
            Some(old) if old.link == *l && old.current => summary.unchanged += 1,
            Some(old) => {
                let cond = vec![Condition::IfMatch(old.hash.clone())];
                changes.push(Change::Put(link_write(l, base, naming, cond)));
                ids.push(l.id.clone());
            }
            None => {
                changes.push(Change::Put(link_write(
                    l,
                    base,
                    naming,
                    vec![Condition::MustNotExist],
                )));
                ids.push(l.id.clone());
            }
        }
    }
    let now_ids: std::collections::HashSet<&str> = links.iter().map(|l| l.id.as_str()).collect();
    for old in &previous {
        if !now_ids.contains(old.link.id.as_str()) {
            changes.push(Change::Delete(Delete {
                key: link_key(&old.link.id),
                conditions: vec![Condition::IfMatch(old.hash.clone())],
            }));
            ids.push(old.link.id.clone());
        }
    }
    for chunk in changes.chunks(1000).zip(ids.chunks(1000)) {
        for (id, o) in chunk.1.iter().zip(sink.write(chunk.0.to_vec())?) {
            match o {
                WriteOutcome::Created { .. } | WriteOutcome::Revived { .. } => summary.new += 1,
                WriteOutcome::Updated { .. } => summary.changed += 1,
                WriteOutcome::Unchanged => summary.unchanged += 1,
                WriteOutcome::Deleted { .. } => summary.removed += 1,
                _ => summary.conflicts.push(id.clone()),
            }
        }
    }
    // Links of the plans not linked again, as they are.
    summary.unchanged += index
        .plans
        .keys()
        .filter(|p| !relinked.contains(*p))
        .map(|p| index.links.get(p).map_or(0, Vec::len))
        .sum::<usize>();
    let mut count = |status: &str, method: &str| {
        *summary.by_status.entry(status.into()).or_default() += 1;
        *summary.by_method.entry(method.into()).or_default() += 1;
    };
    for l in &links {
        count(l.status.as_str(), l.method.as_str());
    }
    // Those of the plans not linked again, from the registry's sets.
    for (plan, kept) in &index.links {
        if !index.plans.contains_key(plan) || relinked.contains(plan) {
            continue;
        }
        for e in kept {
            let set = |prefix: &str| {
                e.sets
                    .iter()
                    .find_map(|s| s.strip_prefix(prefix))
                    .filter(|v| !v.contains(':'))
            };
            count(
                set("link:").unwrap_or("unknown"),
                set(METHOD_SET).unwrap_or("unknown"),
            );
        }
    }

    // The deposit report's facts that do not change with the day, per
    // plan linked again, where a query reads them directly; and what the
    // plans' items show of their deposits (their OAI-PMH datestamps move
    // with it).
    let dmps: Vec<dmpgraph_link::Plan<'_>> = plans
        .iter()
        .map(|(id, dmp, funded, _)| dmpgraph_link::Plan {
            id,
            dmp,
            funded: *funded,
        })
        .collect();
    let rows = dmpgraph_link::report::rows_of(&dmps, &deposits, &links, now.date_naive());
    let by_id: HashMap<String, &Deposit> = deposits.iter().map(|d| (d.id.to_string(), d)).collect();
    let linked: HashMap<&str, &Linked> =
        plans.iter().map(|(id, _, _, l)| (id.as_str(), l)).collect();
    // What each plan's rows were computed from, as the registry has it now
    // (after this run's link writes).
    let entries = catalog.records()?;
    let index = ReportInputs::of(&entries);
    write_facts(sink, &rows, &by_id, base, &index, &|plan| {
        linked.get(plan).map(|l| (*l).clone())
    })?;
    // The facts of a plan deleted since go with it.
    let gone: Vec<Change> = index
        .facts
        .iter()
        .filter(|(plan, _)| !index.plans.contains_key(*plan))
        .map(|(plan, _)| {
            Change::Delete(Delete {
                key: link_key(&status_id(plan)),
                conditions: Vec::new(),
            })
        })
        .collect();
    if !gone.is_empty() {
        sink.write(gone)?;
    }
    Ok(summary)
}

/// Every live deposit, read from its kept document; those that cannot be
/// read are named in `unreadable` and left out.
fn load_deposits(
    catalog: &dyn Catalog,
    index: &ReportInputs<'_>,
    unreadable: &mut Vec<(String, String)>,
) -> Result<Vec<Deposit>, PipelineError> {
    let mut out = Vec::with_capacity(index.deposits.len());
    let mut keys: Vec<&&RecordEntry> = index.deposits.values().collect();
    keys.sort_by(|a, b| a.key.id.cmp(&b.key.id));
    for entry in keys {
        match stored_deposit(catalog, entry)? {
            Ok(d) => out.push(d),
            Err(why) => unreadable.push((entry.key.to_string(), why)),
        }
    }
    Ok(out)
}

/// A deposit record's kept document; `Err` with the reason when it holds
/// none or it cannot be read.
fn stored_deposit(
    catalog: &dyn Catalog,
    entry: &RecordEntry,
) -> Result<Result<Deposit, String>, PipelineError> {
    let doc = catalog.public_literal(&entry.graph, dmpgraph_rdf::deposit::DEPOSIT_DOCUMENT)?;
    Ok(match doc {
        Some(json) => serde_json::from_str(&json).map_err(|e| e.to_string()),
        None => Err("harvested before deposits kept their document; harvest it again".into()),
    })
}

/// A link as stored.
struct StoredLink {
    link: Link,
    /// The hash it was read at.
    hash: String,
    /// Whether its record is as [`link_write`] writes it now (with its
    /// method's set); else it is written again even if the link is the same.
    current: bool,
}

/// A plan's links as stored.
fn stored_links(
    catalog: &dyn Catalog,
    index: &ReportInputs<'_>,
    plan: &str,
    unreadable: &mut Vec<(String, String)>,
) -> Result<Vec<StoredLink>, PipelineError> {
    let mut out = Vec::new();
    for e in index.links.get(plan).into_iter().flatten() {
        match link_document(&catalog.public_graph(&e.graph)?) {
            Some(Ok(link)) if link.entry.plan == plan => out.push(StoredLink {
                link,
                hash: e.public_hash.clone(),
                current: e.sets.iter().any(|s| s.starts_with(METHOD_SET)),
            }),
            Some(Ok(_)) => {}
            Some(Err(err)) => unreadable.push((e.key.to_string(), err.to_string())),
            None => unreadable.push((e.key.to_string(), "no link document".into())),
        }
    }
    Ok(out)
}

/// What a plan's links were last proposed from (kept in its facts record).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Linked {
    /// The plan's public hash.
    plan: String,
    /// The identifiers its entries name and its grant's project.
    keys: dmpgraph_link::linker::PlanKeys,
    /// Its dataset entries.
    entries: usize,
    /// The fingerprint of the settings, the plan and every deposit it can
    /// reach ([`link_fingerprint`]).
    inputs: String,
}

/// The fingerprint of a plan's linking inputs: the linker's settings, the
/// plan's public hash, and each deposit it can reach with its public hash.
fn link_fingerprint(
    settings: &str,
    plan: &RecordEntry,
    reach: &[&Deposit],
    index: &ReportInputs<'_>,
) -> String {
    let mut text = format!("{settings}\nplan {}\n", plan.public_hash);
    for d in reach {
        let id = d.id.to_string();
        let hash = index
            .deposits
            .get(id.as_str())
            .map_or("-", |e| e.public_hash.as_str());
        text.push_str(&format!("{id} {hash}\n"));
    }
    short_hash(&text)
}

/// A plan's kept report document (none when no link run wrote one, or it
/// cannot be read).
fn kept_document(
    catalog: &dyn Catalog,
    index: &ReportInputs<'_>,
    plan: &str,
) -> Result<Option<ReportDocument>, PipelineError> {
    let Some(f) = index.facts.get(plan) else {
        return Ok(None);
    };
    Ok(catalog
        .public_literal(&f.graph, dmpgraph_rdf::link::REPORT_DOCUMENT)?
        .and_then(|json| serde_json::from_str::<ReportDocument>(&json).ok()))
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
    /// What the plan's links were proposed from (none when its links were
    /// never proposed, or by an older dmpgraph: the next run links it).
    #[serde(default)]
    linked: Option<Linked>,
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
                    } else if let Some((plan, _)) = e
                        .title
                        .as_deref()
                        .and_then(|t| t.split_once(" → "))
                        .and_then(|(entry, _)| entry.rsplit_once('#'))
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
    funder: &Funder,
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
                kept_document(catalog, &index, plan)?.filter(|d| d.inputs == fingerprint)
            }
            _ => None,
        };
        match kept {
            Some(doc) => {
                summary.kept += 1;
                rows.extend(doc.rows);
            }
            None => match plan_rows(catalog, entry, &index, funder, today)? {
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
    funder: &Funder,
    today: chrono::NaiveDate,
) -> Result<Result<(Vec<ReportRow>, Vec<Deposit>), String>, PipelineError> {
    let (dmp, funding) = match plan_of(catalog, entry) {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    let plan = entry.key.id.as_str();
    // A link or deposit that cannot be read is left out, as the linking
    // run leaves it out (and names it).
    let links: Vec<Link> = stored_links(catalog, index, plan, &mut Vec::new())?
        .into_iter()
        .map(|s| s.link)
        .collect();
    let mut deposits = Vec::new();
    for l in links.iter().filter(|l| l.status == Status::Accepted) {
        if let Some(e) = index.deposits.get(l.deposit.to_string().as_str()) {
            if let Ok(d) = stored_deposit(catalog, e)? {
                deposits.push(d);
            }
        }
    }
    let stored = dmpgraph_link::Plan {
        id: plan,
        dmp: &dmp,
        funded: funded_by(&funding, funder),
    };
    let rows = dmpgraph_link::report::rows_of(&[stored], &deposits, &links, today);
    Ok(Ok((rows, deposits)))
}

/// Writes the deposit facts of every plan `rows` name, with what its links
/// were proposed from (`linked`), and annotates the plans' items with them.
fn write_facts(
    sink: &mut dyn Sink,
    rows: &[ReportRow],
    deposits: &HashMap<String, &Deposit>,
    base: &Base,
    index: &ReportInputs<'_>,
    linked: &dyn Fn(&str) -> Option<Linked>,
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
            linked: linked(plan),
        };
        let naming = index
            .plans
            .get(plan)
            .map(|e| naming_of(e))
            .unwrap_or_default();
        writes.push(Change::Put(status_write(plan, naming, &facts, base, &doc)));
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
    naming: DatasetNaming,
    facts: &[EntryFacts],
    base: &Base,
    doc: &ReportDocument,
) -> RecordWrite {
    let id = status_id(plan);
    let graph = base.link_iri(&id);
    let mut public = dmpgraph_rdf::link::status_quads(base, plan, naming, &graph, facts);
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
#[allow(clippy::too_many_arguments)]
pub fn decide(
    catalog: &dyn Catalog,
    sink: &mut dyn Sink,
    base: &Base,
    funder: &Funder,
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
    let naming = catalog
        .record(&RecordKey::new(RecordKind::Dmp, &link.entry.plan))?
        .map(|e| naming_of(&e))
        .unwrap_or_default();
    let write = link_write(
        &link,
        base,
        naming,
        vec![Condition::IfMatch(entry.public_hash.clone())],
    );
    match sink.write(vec![Change::Put(write)])?.first() {
        Some(WriteOutcome::Updated { .. } | WriteOutcome::Unchanged) => {}
        _ => return Err(DecisionError::Changed { id: id.to_string() }),
    }
    // The plan's deposit facts follow the decision at once (the report,
    // SPARQL's overdue question, the plan's OAI-PMH records).
    refresh_plan(catalog, sink, base, funder, &link.entry.plan, now)?;
    Ok(link)
}

/// Rewrites one plan's deposit facts from its stored links and deposits,
/// reading only what is the plan's.
pub fn refresh_plan(
    catalog: &dyn Catalog,
    sink: &mut dyn Sink,
    base: &Base,
    funder: &Funder,
    plan: &str,
    now: DateTime<Utc>,
) -> Result<(), PipelineError> {
    let entries = catalog.records()?;
    let index = ReportInputs::of(&entries);
    let Some(entry) = index.plans.get(plan) else {
        return Ok(());
    };
    let Ok((rows, deposits)) = plan_rows(catalog, entry, &index, funder, now.date_naive())? else {
        return Ok(());
    };
    let by_id: HashMap<String, &Deposit> = deposits.iter().map(|d| (d.id.to_string(), d)).collect();
    // What its links were proposed from has not changed.
    let linked = kept_document(catalog, &index, plan)?.and_then(|d| d.linked);
    write_facts(sink, &rows, &by_id, base, &index, &|_| linked.clone())
}

/// The stored links, filtered by plan and status, sorted by entry.
pub fn list(
    catalog: &dyn Catalog,
    plan: Option<&str>,
    status: Option<Status>,
) -> Result<Vec<Link>, PipelineError> {
    let entries = catalog.records()?;
    let index = ReportInputs::of(&entries);
    // A plan by its id in any written form (a maDMP plan's dmp_id as a DOI
    // URL), or as its links name it (a plan deleted since).
    let named = match plan.map(str::trim) {
        Some(p) if !index.links.contains_key(p) => match crate::catalog::resolve(catalog, p) {
            Ok(e) if e.kind() == RecordKind::Dmp => Some(e.key.id),
            _ => Some(p.to_string()),
        },
        other => other.map(str::to_string),
    };
    let plans: Vec<&str> = match &named {
        Some(p) => vec![p.as_str()],
        None => index.links.keys().copied().collect(),
    };
    let mut unreadable = Vec::new();
    let mut links = Vec::new();
    for p in plans {
        for l in stored_links(catalog, &index, p, &mut unreadable)? {
            if status.is_none_or(|s| l.link.status == s) {
                links.push(l.link);
            }
        }
    }
    for (key, why) in unreadable {
        tracing::warn!(%key, %why, "a link could not be read");
    }
    links.sort_by(|a, b| a.entry.cmp(&b.entry).then(a.deposit.cmp(&b.deposit)));
    Ok(links)
}
