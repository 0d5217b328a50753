//! The linker: proposals from plans and deposits, near-linear in their
//! number. Deposits are indexed once (by identifier, by the AMED project an
//! award belongs to, by relation); each plan then meets only the deposits
//! its own entries name or its own grant funded, and compares those with
//! its entries. No pair of a plan and a deposit is looked at otherwise.

use crate::text::{tokens, Glossary, Weights};
use crate::{EntryRef, Evidence, Feature, Inputs, Method, Proposal, IS_DEPOSIT_OF};
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

/// The deposits, indexed.
struct Index<'a> {
    deposits: &'a [Deposit],
    by_id: HashMap<String, usize>,
    /// Project key (`ek0109555`) → deposits whose funding cites it.
    by_project: HashMap<String, Vec<(usize, Award)>>,
    /// Deposit → (deposit under it, relation of that one to it).
    children: HashMap<usize, Vec<(usize, String)>>,
    /// Paper → datasets it cites as supplements.
    supplements: HashMap<usize, Vec<usize>>,
}

/// Relations that put the subject under the object (the object's link
/// goes down to the subject).
const UNDER: &[&str] = &["IsPartOf", "IsVersionOf"];
/// Their inverses (the object is under the subject).
const OVER: &[(&str, &str)] = &[("HasPart", "IsPartOf"), ("HasVersion", "IsVersionOf")];

impl<'a> Index<'a> {
    fn new(deposits: &'a [Deposit], funder: &dmpgraph_model::Funder) -> Index<'a> {
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
                if UNDER.contains(&r.relation.as_str()) {
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
        for v in supplements.values_mut() {
            v.sort();
            v.dedup();
        }
        Index {
            deposits,
            by_id,
            by_project,
            children,
            supplements,
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
        out.extend(propose_plan(plan, &index, glossary));
    }
    out
}

fn id_of(index: &Index<'_>, i: usize) -> Identifier {
    index.deposits[i].id.clone()
}

fn propose_plan(plan: &Dmp, index: &Index<'_>, glossary: &Glossary) -> Vec<Proposal> {
    let plan_id = plan.id().to_string();
    let mut out: Vec<Proposal> = Vec::new();
    // Deposit → entries it is linked to directly, and the score.
    let mut placed: HashMap<usize, Vec<(u32, f64)>> = HashMap::new();

    // 1. Explicit: what each entry names.
    for ds in &plan.datasets {
        let entry = EntryRef::new(&plan_id, ds.number);
        let fields: [(&str, Option<&String>, f64); 3] = [
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
        ];
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
    if let Some(grant) = AwardNumber::parse(plan.id()) {
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
                planned: plan.id().to_string(),
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
        for (child, relation) in index.children.get(&parent).into_iter().flatten() {
            if placed.contains_key(child) || !reached.insert((*child, number)) {
                continue;
            }
            let s = score * scores::HIERARCHY_DECAY;
            out.push(Proposal {
                entry: EntryRef::new(&plan_id, number),
                deposit: id_of(index, *child),
                method: Method::Hierarchy,
                relation: relation.clone(),
                via: Some(id_of(index, parent)),
                score: round(s),
                evidence: vec![Evidence {
                    feature: Feature::Relation,
                    planned: index.deposits[parent].id.to_string(),
                    deposited: format!(
                        "{} {relation} {}",
                        index.deposits[*child].id, index.deposits[parent].id
                    ),
                    weight: 1.0,
                }],
            });
            queue.push((*child, number, s));
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
    use super::numbers;

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
