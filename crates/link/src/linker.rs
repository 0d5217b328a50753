//! The linker: proposals from plans and deposits, near-linear in their
//! number. Deposits are indexed once (by identifier, by the AMED project an
//! award belongs to, by relation); each plan then meets only the deposits
//! its own entries name or its own grant funded, and compares those with
//! its entries. No pair of a plan and a deposit is looked at otherwise.

use crate::text::{tokens, Glossary, Weights};
use crate::{EntryRef, Evidence, Feature, Inputs, Method, Plan, Proposal, IS_DEPOSIT_OF};
use chrono::Datelike;
use dmpgraph_model::award::{find_all, AwardNumber};
use dmpgraph_model::deposit::{Access, Deposit, Source};
use dmpgraph_model::funding::names_funder;
use dmpgraph_model::identity::{identifiers_in, Archive, Identifier};
use dmpgraph_model::{DataSubject, Dataset, Dmp, SharingMethod};
use std::collections::{HashMap, HashSet};

/// Scores of the methods (see the README's table; tuned on the labelled
/// evaluation set in `tests/linking/`).
pub mod scores {
    /// The entry's DOI link is the deposit's DOI.
    pub const DOI: f64 = 0.99;
    /// An accession in the entry's repository URL.
    pub const ACCESSION_URL: f64 = 0.98;
    /// An accession in the entry's description.
    pub const ACCESSION_TEXT: f64 = 0.95;
    /// A funded deposit, the plan's only entry.
    pub const ONLY_ENTRY: f64 = 0.94;
    /// Each step down a hierarchy keeps this share of the score.
    pub const HIERARCHY_DECAY: f64 = 0.99;
}

/// Resource types that are publications, not datasets.
const PUBLICATIONS: &[&str] = &[
    "journalarticle",
    "journal-article",
    "preprint",
    "conferencepaper",
    "proceedings-article",
    "book",
    "bookchapter",
    "book-chapter",
    "posted-content",
];

/// Whether a deposit is a publication (a paper), not a dataset.
pub fn is_publication(d: &Deposit) -> bool {
    let t = |s: &Option<String>| {
        s.as_deref()
            .map(|v| v.to_ascii_lowercase().replace([' ', '_'], ""))
            .is_some_and(|v| PUBLICATIONS.contains(&v.as_str()))
    };
    t(&d.resource_type_general)
        || t(&d.resource_type)
        || PUBLICATIONS.contains(&d.entry_type.as_str())
}

/// An award of a deposit that names the plan's project.
#[derive(Debug, Clone)]
struct Award {
    written: String,
    number: AwardNumber,
    /// The funding reference names the funder (else only the number's
    /// shape says it is the funder's).
    funder_named: Option<String>,
}

/// The deposits, indexed: built once per run ([`Index::new`]); each plan
/// then meets only the deposits it can reach ([`Index::reach`]).
pub struct Index<'a> {
    deposits: &'a [Deposit],
    by_id: HashMap<String, usize>,
    /// Project key (`ek0109555`) → deposits whose funding cites it.
    by_project: HashMap<String, Vec<(usize, Award)>>,
    /// Deposit → (deposit under it, relation of that one to it).
    children: HashMap<usize, Vec<(usize, String)>>,
    /// Paper → datasets it cites as supplements.
    supplements: HashMap<usize, Vec<usize>>,
    /// Deposit → the records of the same dataset elsewhere (`IsIdenticalTo`
    /// either way: a BioProject registered for a DRA study). They follow
    /// the entry the dataset is placed on, never one of their own.
    identical: HashMap<usize, Vec<usize>>,
}

/// The relation between two records of one dataset.
const IDENTICAL: &str = "IsIdenticalTo";

/// Relations that put the subject under the object (the object's link
/// goes down to the subject).
const UNDER: &[&str] = &["IsPartOf", "IsVersionOf"];
/// Their inverses (the object is under the subject).
const OVER: &[(&str, &str)] = &[("HasPart", "IsPartOf"), ("HasVersion", "IsVersionOf")];

impl<'a> Index<'a> {
    /// `deposits`, indexed by identifier, by the AMED projects their awards
    /// cite (those of `funder`'s numbering), and by their relations.
    pub fn new(deposits: &'a [Deposit], funder: &dmpgraph_model::Funder) -> Index<'a> {
        let mut by_id = HashMap::with_capacity(deposits.len());
        for (i, d) in deposits.iter().enumerate() {
            by_id.insert(d.id.to_string(), i);
        }
        for (i, d) in deposits.iter().enumerate() {
            for alt in &d.alternate_ids {
                let id = Identifier::parse(alt);
                if !matches!(id, Identifier::Other(_)) {
                    by_id.entry(id.to_string()).or_insert(i);
                }
            }
        }
        let mut by_project: HashMap<String, Vec<(usize, Award)>> = HashMap::new();
        let mut children: HashMap<usize, Vec<(usize, String)>> = HashMap::new();
        let mut supplements: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut identical: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, d) in deposits.iter().enumerate() {
            // Crossref's funder arrays: the award in another entry than the
            // funder's name; so a record that names the funder anywhere
            // lends that name to every award of the funder's shape in it.
            let named = d.funding.iter().find(|f| names_funder(f, funder)).map(|f| {
                f.funder_name
                    .clone()
                    .or_else(|| f.funder_id.clone())
                    .unwrap_or_default()
            });
            let mut seen = HashSet::new();
            for f in &d.funding {
                let texts = [f.award_number.as_deref(), f.award_uri.as_deref()];
                for text in texts.into_iter().flatten() {
                    for (number, written) in find_all(text) {
                        if seen.insert(number.project()) {
                            by_project.entry(number.project()).or_default().push((
                                i,
                                Award {
                                    written,
                                    number,
                                    funder_named: named.clone(),
                                },
                            ));
                        }
                    }
                }
            }
            for r in &d.related {
                let other = Identifier::parse(&r.identifier).to_string();
                let Some(&j) = by_id.get(&other) else {
                    continue;
                };
                if j == i {
                    continue;
                }
                if r.relation == IDENTICAL {
                    identical.entry(i).or_default().push(j);
                    identical.entry(j).or_default().push(i);
                } else if UNDER.contains(&r.relation.as_str()) {
                    children.entry(j).or_default().push((i, r.relation.clone()));
                } else if let Some((_, inv)) = OVER.iter().find(|(o, _)| *o == r.relation) {
                    children.entry(i).or_default().push((j, (*inv).to_string()));
                } else if r.relation == "IsSupplementedBy" && is_publication(d) {
                    supplements.entry(i).or_default().push(j);
                } else if r.relation == "IsSupplementTo" && is_publication(&deposits[j]) {
                    supplements.entry(j).or_default().push(i);
                }
            }
        }
        for v in children.values_mut() {
            v.sort();
            v.dedup();
        }
        for v in supplements.values_mut().chain(identical.values_mut()) {
            v.sort();
            v.dedup();
        }
        Index {
            deposits,
            by_id,
            by_project,
            children,
            supplements,
            identical,
        }
    }
}

/// The fiscal year of a date (April to March).
fn fiscal_year(d: chrono::NaiveDate) -> i32 {
    if d.month() >= 4 {
        d.year()
    } else {
        d.year() - 1
    }
}

/// A candidate for placement on one of a plan's entries.
struct Candidate {
    deposit: usize,
    method: Method,
    relation: String,
    via: Option<usize>,
    evidence: Vec<Evidence>,
    /// How sure the grant-level match is, before placement.
    grant_score: f64,
}

/// Proposes links for every plan.
pub fn propose(inputs: &Inputs<'_>, glossary: &Glossary) -> Vec<Proposal> {
    let index = Index::new(inputs.deposits, inputs.funder);
    let mut out = Vec::new();
    for plan in inputs.plans {
        out.extend(propose_plan(Plan::of(plan), &index, glossary));
    }
    out
}

/// What a plan's links are proposed from, besides the plan's text: the
/// identifiers its entries name and the project its grant is. With
/// [`Index::reach`] they give every deposit a plan's proposals can rest
/// on, so that a plan whose text and reachable deposits did not change
/// need not be linked again.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct PlanKeys {
    /// Every identifier the entries name (DOI, accession), normalised.
    pub named: Vec<String>,
    /// The grant's project (`ck0106789`), when it is an AMED grant.
    pub project: Option<String>,
}

/// The grant of a plan: its grant number, or its record id when that is
/// the 課題管理番号.
fn grant_of(plan: Plan<'_>) -> Option<(&str, AwardNumber)> {
    [plan.dmp.id(), plan.id]
        .into_iter()
        .find_map(|t| AwardNumber::parse(t).map(|g| (t, g)))
}

/// The texts of an entry that can name its deposit, with the score a
/// deposit named there gets.
fn naming_fields(ds: &Dataset) -> [(&'static str, Option<&String>, f64); 3] {
    [
        ("doi", ds.doi.as_ref(), scores::DOI),
        (
            "repository_url",
            ds.repository_url.as_ref(),
            scores::ACCESSION_URL,
        ),
        (
            "description",
            ds.description.as_ref(),
            scores::ACCESSION_TEXT,
        ),
    ]
}

/// A plan's [`PlanKeys`].
pub fn keys(plan: Plan<'_>) -> PlanKeys {
    let mut named: Vec<String> = plan
        .dmp
        .datasets
        .iter()
        .flat_map(naming_fields)
        .filter_map(|(_, text, _)| text)
        .flat_map(|t| identifiers_in(t))
        .map(|id| id.to_string())
        .collect();
    named.sort();
    named.dedup();
    PlanKeys {
        named,
        project: grant_of(plan).map(|(_, g)| g.project()),
    }
}

impl Index<'_> {
    /// What follows deposit `i` onto the entry it is placed on, with its
    /// relation to `i`: what lies under it (`IsPartOf`, `IsVersionOf`) and
    /// the other records of the same dataset (`IsIdenticalTo`).
    fn following(&self, i: usize) -> impl Iterator<Item = (usize, &str)> {
        let under = self
            .children
            .get(&i)
            .into_iter()
            .flatten()
            .map(|(j, r)| (*j, r.as_str()));
        let same = self
            .identical
            .get(&i)
            .into_iter()
            .flatten()
            .map(|j| (*j, IDENTICAL));
        under.chain(same)
    }

    /// Every deposit a plan of `keys` can be linked to: those its entries
    /// name, those its grant funded and the datasets those cite as
    /// supplements, and everything under or identical to any of them.
    /// Sorted by identifier.
    pub fn reach(&self, keys: &PlanKeys) -> Vec<&Deposit> {
        let mut found: HashSet<usize> = keys
            .named
            .iter()
            .filter_map(|n| self.by_id.get(n).copied())
            .collect();
        for (i, _) in keys
            .project
            .as_ref()
            .and_then(|p| self.by_project.get(p))
            .into_iter()
            .flatten()
        {
            found.insert(*i);
            found.extend(self.supplements.get(i).into_iter().flatten().copied());
        }
        let mut stack: Vec<usize> = found.iter().copied().collect();
        while let Some(i) = stack.pop() {
            for (j, _) in self.following(i) {
                if found.insert(j) {
                    stack.push(j);
                }
            }
        }
        let mut out: Vec<&Deposit> = found.into_iter().map(|i| &self.deposits[i]).collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }
}

fn id_of(index: &Index<'_>, i: usize) -> Identifier {
    index.deposits[i].id.clone()
}

/// Proposes links for one plan's entries, under its record id (before the
/// [`crate::LinkConfig::propose_at`] cut).
pub fn propose_plan(stored: Plan<'_>, index: &Index<'_>, glossary: &Glossary) -> Vec<Proposal> {
    let plan_id = stored.id.to_string();
    let plan = stored.dmp;
    let mut out: Vec<Proposal> = Vec::new();
    // Deposit → entries it is linked to directly, and the score.
    let mut placed: HashMap<usize, Vec<(u32, f64)>> = HashMap::new();

    // 1. Explicit: what each entry names.
    for ds in &plan.datasets {
        let entry = EntryRef::new(&plan_id, ds.number);
        let fields = naming_fields(ds);
        let mut named: HashSet<usize> = HashSet::new();
        for (field, text, score) in fields {
            let Some(text) = text else { continue };
            for id in identifiers_in(text) {
                let Some(&i) = index.by_id.get(&id.to_string()) else {
                    continue;
                };
                if !named.insert(i) {
                    continue;
                }
                let (feature, score) = match (&id, field) {
                    (Identifier::Doi(_), _) => (
                        Feature::Doi,
                        if field == "doi" { scores::DOI } else { score },
                    ),
                    _ => (Feature::Accession, score),
                };
                out.push(Proposal {
                    entry: entry.clone(),
                    deposit: id_of(index, i),
                    method: Method::Explicit,
                    relation: IS_DEPOSIT_OF.into(),
                    via: None,
                    score,
                    evidence: vec![Evidence {
                        feature,
                        planned: format!("{field}: {text}"),
                        deposited: index.deposits[i].id.to_string(),
                        weight: 1.0,
                    }],
                });
                placed.entry(i).or_default().push((ds.number, score));
            }
        }
    }

    // 2. Funding: what the plan's grant funded.
    let mut candidates: Vec<Candidate> = Vec::new();
    if let Some((grant_text, grant)) = grant_of(stored) {
        let years = plan_years(plan, &grant);
        for (i, award) in index.by_project.get(&grant.project()).into_iter().flatten() {
            if placed.contains_key(i) {
                continue;
            }
            let d = &index.deposits[*i];
            let fy = award.number.fiscal_year();
            let in_years = years.is_none_or(|(a, b)| (a..=b).contains(&fy));
            let mut evidence = vec![Evidence {
                feature: Feature::Award,
                planned: grant_text.to_string(),
                deposited: award.written.clone(),
                // Another fiscal year of the same programme and serial is
                // the same project (a deposit acknowledges a later year's
                // number); outside the plan's years it counts a little less.
                weight: if in_years { 1.0 } else { 0.7 },
            }];
            let mut grant_score: f64 = if in_years { 1.0 } else { 0.97 };
            match &award.funder_named {
                Some(name) => evidence.push(Evidence {
                    feature: Feature::Funder,
                    planned: "AMED".into(),
                    deposited: name.clone(),
                    weight: 1.0,
                }),
                None => grant_score *= 0.9,
            }
            if is_publication(d) {
                // A funded paper: its supplements are candidates, not it.
                for &j in index.supplements.get(i).into_iter().flatten() {
                    if placed.contains_key(&j) || is_publication(&index.deposits[j]) {
                        continue;
                    }
                    let mut ev = evidence.clone();
                    ev.push(Evidence {
                        feature: Feature::Relation,
                        planned: d.id.to_string(),
                        deposited: format!("{} IsSupplementTo {}", index.deposits[j].id, d.id),
                        weight: 1.0,
                    });
                    candidates.push(Candidate {
                        deposit: j,
                        method: Method::Hierarchy,
                        relation: "IsSupplementTo".into(),
                        via: Some(*i),
                        evidence: ev,
                        grant_score: grant_score * scores::HIERARCHY_DECAY,
                    });
                }
                continue;
            }
            candidates.push(Candidate {
                deposit: *i,
                method: Method::Funding,
                relation: IS_DEPOSIT_OF.into(),
                via: None,
                evidence,
                grant_score,
            });
        }
    }
    // A deposit both funded and a paper's supplement: the direct match wins.
    candidates.sort_by_key(|c| (c.deposit, c.method != Method::Funding));
    candidates.dedup_by_key(|c| c.deposit);
    // Deposits under another funded candidate follow it down the hierarchy,
    // not on their own.
    let candidate_set: HashSet<usize> = candidates.iter().map(|c| c.deposit).collect();
    let under_candidate: HashSet<usize> = candidates
        .iter()
        .flat_map(|c| index.children.get(&c.deposit).into_iter().flatten())
        .map(|(j, _)| *j)
        .filter(|j| candidate_set.contains(j))
        .collect();
    candidates.retain(|c| !under_candidate.contains(&c.deposit));
    // A container of deposits that several entries name (a JGA study
    // holding the datasets of two entries) is the deposit of none of them.
    candidates.retain(|c| {
        let named: HashSet<u32> = index
            .children
            .get(&c.deposit)
            .into_iter()
            .flatten()
            .filter_map(|(j, _)| placed.get(j))
            .flatten()
            .map(|(n, _)| *n)
            .collect();
        named.len() < 2
    });
    // A record of a dataset placed already, or of one that another
    // candidate stands for (the first of the twins), follows it.
    let twins = |i: usize| index.identical.get(&i).into_iter().flatten().copied();
    let kept: HashSet<usize> = candidates.iter().map(|c| c.deposit).collect();
    candidates.retain(|c| {
        !twins(c.deposit).any(|j| placed.contains_key(&j) || (j < c.deposit && kept.contains(&j)))
    });

    // 3. Placement of the grant-level candidates on the plan's entries.
    if !candidates.is_empty() && !plan.datasets.is_empty() {
        let entries: Vec<EntryFeatures> = plan
            .datasets
            .iter()
            .map(|ds| EntryFeatures::new(plan, ds, glossary))
            .collect();
        let deposit_tokens: Vec<std::collections::HashSet<String>> = candidates
            .iter()
            .map(|c| deposit_tokens(&index.deposits[c.deposit], glossary))
            .collect();
        let mut weights = Weights::default();
        for e in &entries {
            weights.add(&e.tokens);
        }
        for t in &deposit_tokens {
            weights.add(t);
        }
        for (c, dt) in candidates.into_iter().zip(&deposit_tokens) {
            let d = &index.deposits[c.deposit];
            let mut scored: Vec<(f64, Vec<Evidence>, usize)> = entries
                .iter()
                .enumerate()
                .map(|(k, e)| {
                    let (s, ev) = similarity(e, d, dt, &weights);
                    (s, ev, k)
                })
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
            let (best, best_ev, k) = scored.swap_remove(0);
            let second = scored.iter().map(|s| s.0).fold(f64::NEG_INFINITY, f64::max);
            let ds = &plan.datasets[k];
            let mut evidence = c.evidence;
            evidence.extend(best_ev);
            let (method, score) = if entries.len() == 1 {
                evidence.push(Evidence {
                    feature: Feature::OnlyEntry,
                    planned: format!("{} entry", entries.len()),
                    deposited: d.id.to_string(),
                    weight: 1.0,
                });
                let method = if c.method == Method::Hierarchy {
                    Method::Hierarchy
                } else {
                    Method::Funding
                };
                (
                    method,
                    c.grant_score * (scores::ONLY_ENTRY + 0.05 * best.clamp(0.0, 1.0)),
                )
            } else {
                let method = if c.method == Method::Hierarchy {
                    Method::Hierarchy
                } else {
                    Method::Inferred
                };
                (method, c.grant_score * placement_score(best, second))
            };
            placed
                .entry(c.deposit)
                .or_default()
                .push((ds.number, score));
            out.push(Proposal {
                entry: EntryRef::new(&plan_id, ds.number),
                deposit: d.id.clone(),
                method,
                relation: c.relation,
                via: c.via.map(|v| id_of(index, v)),
                score: round(score),
                evidence,
            });
        }
    }

    // 4. Down the hierarchy from every deposit placed.
    let mut queue: Vec<(usize, u32, f64)> = placed
        .iter()
        .flat_map(|(i, es)| es.iter().map(move |(n, s)| (*i, *n, *s)))
        .collect();
    queue.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut reached: HashSet<(usize, u32)> = queue.iter().map(|(i, n, _)| (*i, *n)).collect();
    while let Some((parent, number, score)) = queue.pop() {
        for (child, relation) in index.following(parent) {
            if placed.contains_key(&child) || !reached.insert((child, number)) {
                continue;
            }
            let s = score * scores::HIERARCHY_DECAY;
            out.push(Proposal {
                entry: EntryRef::new(&plan_id, number),
                deposit: id_of(index, child),
                method: Method::Hierarchy,
                relation: relation.to_string(),
                via: Some(id_of(index, parent)),
                score: round(s),
                evidence: vec![Evidence {
                    feature: Feature::Relation,
                    planned: index.deposits[parent].id.to_string(),
                    deposited: format!(
                        "{} {relation} {}",
                        index.deposits[child].id, index.deposits[parent].id
                    ),
                    weight: 1.0,
                }],
            });
            queue.push((child, number, s));
        }
    }
    out
}

fn round(s: f64) -> f64 {
    (s.clamp(0.0, 1.0) * 10_000.0).round() / 10_000.0
}

/// The fiscal years of a project: its start and end (the grant's year
/// and four more when the plan does not say).
fn plan_years(plan: &Dmp, grant: &AwardNumber) -> Option<(i32, i32)> {
    let start = plan
        .project
        .start
        .map(fiscal_year)
        .unwrap_or(grant.fiscal_year());
    let end = plan.project.end.map(fiscal_year).unwrap_or(start + 4);
    Some((start.min(grant.fiscal_year()), end.max(start)))
}

/// How sure a placement is, from the best entry's similarity and the
/// runner-up's.
fn placement_score(best: f64, second: f64) -> f64 {
    let margin = best - second.max(0.0);
    if best <= 0.0 || margin <= 0.0 {
        return 0.4;
    }
    // Confident when the best clearly leads: margin 0.1 → 0.84, 0.2 → 0.95.
    let conf = 1.0 - (-margin * 12.0).exp();
    (0.5 + 0.49 * conf).min(0.99)
}

/// What an entry is compared by.
struct EntryFeatures {
    tokens: HashSet<String>,
    numbers: HashSet<String>,
    name_tokens: HashSet<String>,
    repository: Option<RepoKind>,
    repository_text: String,
    subject: Option<DataSubject>,
    sharing: Option<SharingMethod>,
    year: Option<i32>,
    people: Vec<String>,
}

impl EntryFeatures {
    fn new(plan: &Dmp, ds: &Dataset, glossary: &Glossary) -> EntryFeatures {
        let name = ds.name.clone().unwrap_or_default();
        let text = format!("{name} {}", ds.description.as_deref().unwrap_or(""));
        let repository_text = [
            ds.repository_name.as_deref(),
            ds.repository_url.as_deref(),
            ds.repository_info.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        let mut people: Vec<String> = [plan.pi.name.as_deref(), ds.manager.name.as_deref()]
            .into_iter()
            .flatten()
            .map(name_key)
            .filter(|n| !n.is_empty())
            .collect();
        people.extend(
            plan.staff
                .iter()
                .filter_map(|s| s.name.as_deref())
                .map(name_key),
        );
        let counted = format!("{text} {}", ds.count.as_deref().unwrap_or(""));
        EntryFeatures {
            numbers: numbers(&counted),
            tokens: tokens(&text, glossary),
            name_tokens: tokens(&name, glossary),
            repository: RepoKind::of_text(&repository_text),
            repository_text,
            subject: ds.subject,
            sharing: ds.sharing,
            year: ds.publication_date.map(|d| d.year()),
            people,
        }
    }
}

/// The numbers of three digits or more in a text that are not years
/// (sample counts: `660例`, `418匹`), which tell similar entries apart.
fn numbers(text: &str) -> HashSet<String> {
    without_thousands_separators(&crate::text::fold(text))
        .split(|c: char| !c.is_ascii_digit())
        .filter(|n| n.len() >= 3)
        .filter(|n| !(n.len() == 4 && (n.starts_with("19") || n.starts_with("20"))))
        .map(|n| n.trim_start_matches('0').to_string())
        .filter(|n| n.len() >= 3)
        .collect()
}

/// `1,200` as `1200`: a comma between a digit and a group of exactly
/// three digits separates thousands (`約1,200件`); any other comma stays.
fn without_thousands_separators(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            !(c == ','
                && i > 0
                && digit(i - 1)
                && digit(i + 1)
                && digit(i + 2)
                && digit(i + 3)
                && !digit(i + 4))
        })
        .map(|(_, &c)| c)
        .collect()
}

fn name_key(n: &str) -> String {
    crate::text::fold(n)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn deposit_tokens(d: &Deposit, glossary: &Glossary) -> HashSet<String> {
    let mut text = String::new();
    for t in d.titles.iter().chain(&d.descriptions).chain(&d.subjects) {
        text.push_str(&t.text);
        text.push(' ');
    }
    tokens(&text, glossary)
}

/// Kinds of repository a plan names and a deposit is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RepoKind {
    Jga,
    Dra,
    BioProject,
    Zenodo,
    Figshare,
    JStage,
    Dryad,
    Institutional,
    Other,
}

impl RepoKind {
    fn of_text(text: &str) -> Option<RepoKind> {
        let t = crate::text::fold(text);
        let has = |k: &str| t.contains(k);
        Some(
            if has("jga") || has("humandbs") || has("nbdc") || has("ヒトデータベース") {
                RepoKind::Jga
            } else if has("dra") || has("sra") || has("ddbj") || has("sequence read") {
                RepoKind::Dra
            } else if has("bioproject") {
                RepoKind::BioProject
            } else if has("j-stage") || has("jstage") || has("japan science and technology") {
                RepoKind::JStage
            } else if has("zenodo") {
                RepoKind::Zenodo
            } else if has("figshare") {
                RepoKind::Figshare
            } else if has("dryad") {
                RepoKind::Dryad
            } else if has("機関リポジトリ")
                || has("institutional")
                || has("repository.")
                || has("irdb")
                || has("jairo")
            {
                RepoKind::Institutional
            } else if t.trim().is_empty() {
                return None;
            } else {
                RepoKind::Other
            },
        )
    }

    fn of_deposit(d: &Deposit) -> RepoKind {
        if d.source == Source::Ddbj {
            return match d.id {
                Identifier::Accession(ref a) => match a.archive {
                    Archive::Jga | Archive::NbdcHuman => RepoKind::Jga,
                    Archive::Dra | Archive::BioSample => RepoKind::Dra,
                    Archive::BioProject => RepoKind::BioProject,
                },
                _ => RepoKind::Dra,
            };
        }
        let text = format!(
            "{} {} {}",
            d.publisher.as_deref().unwrap_or(""),
            d.url.as_deref().unwrap_or(""),
            d.id
        );
        match RepoKind::of_text(&text) {
            Some(RepoKind::Other) | None => {
                if d.id.to_string().starts_with("doi:10.5281/") {
                    RepoKind::Zenodo
                } else if d.id.to_string().starts_with("doi:10.6084/") {
                    RepoKind::Figshare
                } else if d.id.to_string().starts_with("doi:10.5061/") {
                    RepoKind::Dryad
                } else {
                    RepoKind::Other
                }
            }
            Some(k) => k,
        }
    }
}

/// The deposit's year: its issued or available date, else its publication year.
fn deposit_year(d: &Deposit) -> Option<i32> {
    ["Issued", "Available"]
        .iter()
        .find_map(|k| d.dates.iter().find(|x| x.kind == *k))
        .and_then(|x| x.value.get(..4)?.parse().ok())
        .or(d.publication_year)
}

/// How similar an entry and a deposit are (unbounded above; each feature
/// adds its weight), with the evidence.
fn similarity(
    e: &EntryFeatures,
    d: &Deposit,
    dt: &HashSet<String>,
    weights: &Weights,
) -> (f64, Vec<Evidence>) {
    let mut s = 0.0;
    let mut ev = Vec::new();
    let title = d.titles.first().map(|t| t.text.clone()).unwrap_or_default();
    let (name_overlap, shared) = weights.overlap(&e.name_tokens, dt);
    if name_overlap > 0.0 {
        s += name_overlap;
        ev.push(Evidence {
            feature: Feature::Title,
            planned: shared.join(" "),
            deposited: title.clone(),
            weight: round(name_overlap),
        });
    }
    let (all_overlap, _) = weights.overlap(&e.tokens, dt);
    if all_overlap > 0.0 {
        s += 0.5 * all_overlap;
        ev.push(Evidence {
            feature: Feature::Description,
            planned: format!("{:.0} % of the entry's words", 100.0 * all_overlap),
            deposited: title.clone(),
            weight: round(0.5 * all_overlap),
        });
    }
    if !e.numbers.is_empty() {
        let mut text = String::new();
        for t in d.titles.iter().chain(&d.descriptions) {
            text.push_str(&t.text);
            text.push(' ');
        }
        for z in &d.sizes {
            text.push_str(z);
            text.push(' ');
        }
        let theirs = numbers(&text);
        let mut shared: Vec<&String> = e.numbers.intersection(&theirs).collect();
        shared.sort();
        if !shared.is_empty() {
            let w = 0.5;
            s += w;
            ev.push(Evidence {
                feature: Feature::Description,
                planned: shared
                    .iter()
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                deposited: title.clone(),
                weight: w,
            });
        }
    }
    let kind = RepoKind::of_deposit(d);
    if let Some(planned) = e.repository {
        let w = if planned == kind { 0.6 } else { -0.3 };
        s += w;
        ev.push(Evidence {
            feature: Feature::Repository,
            planned: e.repository_text.clone(),
            deposited: format!("{kind:?}"),
            weight: w,
        });
    }
    let human = matches!(kind, RepoKind::Jga)
        || d.organism
            .as_deref()
            .is_some_and(|o| o.to_ascii_lowercase().contains("homo sapiens"));
    let non_human = d
        .organism
        .as_deref()
        .is_some_and(|o| !o.to_ascii_lowercase().contains("homo sapiens"));
    match e.subject {
        Some(DataSubject::HumanIndividual) if non_human => {
            s -= 0.3;
            ev.push(Evidence {
                feature: Feature::DataType,
                planned: "human".into(),
                deposited: d.organism.clone().unwrap_or_default(),
                weight: -0.3,
            });
        }
        Some(DataSubject::NonHumanOrganism) if human => {
            s -= 0.3;
            ev.push(Evidence {
                feature: Feature::DataType,
                planned: "non-human".into(),
                deposited: "human".into(),
                weight: -0.3,
            });
        }
        Some(DataSubject::HumanIndividual) if human => {
            s += 0.2;
            ev.push(Evidence {
                feature: Feature::DataType,
                planned: "human".into(),
                deposited: format!("{kind:?}"),
                weight: 0.2,
            });
        }
        _ => {}
    }
    if let (Some(sharing), Some(access)) = (e.sharing, d.access) {
        let fits = match sharing {
            SharingMethod::UnrestrictedPublication => access == Access::Open,
            SharingMethod::RestrictedPublication => {
                matches!(access, Access::Restricted | Access::Embargoed)
            }
            SharingMethod::RestrictedSharingExternal | SharingMethod::RestrictedSharingInternal => {
                matches!(access, Access::Open | Access::Restricted)
            }
            SharingMethod::NotPublished => false,
            SharingMethod::Other => true,
        };
        let w = if fits { 0.2 } else { -0.2 };
        s += w;
        ev.push(Evidence {
            feature: Feature::Access,
            planned: sharing.label_ja().into(),
            deposited: format!("{access:?}").to_lowercase(),
            weight: w,
        });
    }
    if let (Some(planned), Some(year)) = (e.year, deposit_year(d)) {
        let diff = (planned - year).abs();
        let w = match diff {
            0 => 0.3,
            1 => 0.15,
            _ => -0.1,
        };
        s += w;
        ev.push(Evidence {
            feature: Feature::Date,
            planned: planned.to_string(),
            deposited: year.to_string(),
            weight: w,
        });
    }
    let creators: Vec<String> = d
        .creators
        .iter()
        .flat_map(|c| {
            std::iter::once(c.name.as_str()).chain(c.other_names.iter().map(|n| n.text.as_str()))
        })
        .map(name_key)
        .collect();
    if let Some(p) = e.people.iter().find(|p| creators.contains(p)) {
        s += 0.2;
        ev.push(Evidence {
            feature: Feature::Creator,
            planned: p.clone(),
            deposited: p.clone(),
            weight: 0.2,
        });
    }
    (s, ev)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dmpgraph_model::deposit::{Funding, LangText, Related};

    fn entry(number: u32, name: &str, url: Option<&str>) -> Dataset {
        Dataset {
            number,
            name: Some(name.into()),
            repository_url: url.map(String::from),
            ..Dataset::default()
        }
    }

    fn funded(id: &str, title: &str, twin: Option<&str>) -> Deposit {
        let mut d = Deposit::new(Source::Ddbj, Identifier::parse(id));
        d.titles.push(LangText::new(title, Some("en")));
        d.funding.push(Funding {
            funder_name: Some("Japan Agency for Medical Research and Development".into()),
            award_number: Some("JP23ck0106789".into()),
            ..Funding::default()
        });
        if let Some(t) = twin {
            d.related.push(Related {
                identifier: t.into(),
                scheme: "DRA".into(),
                relation: "IsIdenticalTo".into(),
            });
        }
        d
    }

    #[test]
    fn a_record_identical_to_a_placed_one_follows_its_entry() {
        let mut plan = Dmp::default();
        plan.project.grant_number = "23ck0106789h0001".into();
        plan.datasets = vec![
            entry(
                1,
                "腸内細菌叢メタゲノム",
                Some("https://ddbj.nig.ac.jp/resource/sra-study/DRP000123"),
            ),
            entry(2, "患者由来オルガノイド画像 organoid images", None),
        ];
        let study = funded("DRP000123", "Gut microbiome metagenome", None);
        // A BioProject for the same study whose title looks like entry 2.
        let project = funded("PRJDB0456", "organoid images metagenome", Some("DRP000123"));
        // Twins that are both only funded: the first stands for both.
        let a = funded("PRJDB0457", "organoid images", None);
        let b = funded("DRP000124", "organoid images", Some("PRJDB0457"));
        let deposits = vec![study, project, a, b];
        let funder = dmpgraph_model::CatalogConfig::builtin().funder.clone();
        let inputs = Inputs {
            plans: std::slice::from_ref(&plan),
            deposits: &deposits,
            funder: &funder,
        };
        let got = propose(&inputs, Glossary::builtin());
        let on = |id: &str| -> Vec<(u32, Method, String)> {
            let id = Identifier::parse(id);
            got.iter()
                .filter(|p| p.deposit == id)
                .map(|p| (p.entry.dataset, p.method, p.relation.clone()))
                .collect()
        };
        assert_eq!(
            on("DRP000123"),
            [(1, Method::Explicit, IS_DEPOSIT_OF.into())]
        );
        assert_eq!(on("PRJDB0456"), [(1, Method::Hierarchy, IDENTICAL.into())]);
        let (pa, pb) = (on("PRJDB0457"), on("DRP000124"));
        assert_eq!(pa.len(), 1, "{got:?}");
        assert_eq!(pb.len(), 1, "{got:?}");
        // Whichever stands for the pair, the other follows onto its entry.
        assert_eq!(pa[0].0, pb[0].0);
        assert!(
            pa[0].1 == Method::Hierarchy || pb[0].1 == Method::Hierarchy,
            "{pa:?} {pb:?}"
        );
    }

    #[test]
    fn sample_counts_are_read_whole_with_thousands_separators_and_full_width() {
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        assert_eq!(numbers("約1,200件の症例"), set(&["1200"]));
        assert_eq!(numbers("１，２００例"), set(&["1200"]));
        assert_eq!(numbers("12,345,678 reads"), set(&["12345678"]));
        // Not a thousands separator: a list, a decimal-like group.
        assert_eq!(numbers("300, 418 and 1,20"), set(&["300", "418"]));
        assert_eq!(numbers("660例 (2023年)"), set(&["660"]));
    }
}
