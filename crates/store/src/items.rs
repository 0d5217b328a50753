//! The items a plan's record is served as (OAI-PMH): the plan itself and
//! each dataset it describes, each with its own hash, datestamp, sets and
//! tombstone, so that a harvester fetches again only what changed.
//!
//! A plan's items are read from its public graph, by the mapping's IRI
//! conventions: an AMED plan's `{graph}#dataset-{No.}` (item No.), a maDMP
//! plan's `{graph}#dmp/dataset/{i}` (item i + 1). A dataset item's content
//! is its own nodes (its IRI and those under it, `#dataset-{No.}-…`,
//! `#dmp/dataset/{i}/…`) and the plan-level nodes its records repeat (the
//! plan's title, the project and its funding, the principal investigator
//! or contact):
//! adding a dataset to a plan, or editing another, leaves its datestamp
//! where it was.
//!
//! Item sets (OAI-PMH `setSpec`s, stable; parents are sets too):
//!
//! ```text
//! type  type:dmp  type:dataset               what the item is
//! source  source:amed  source:madmp          what a plan was read from
//! programme  programme:{code}                AMED funding programme (事業名)
//! sharing  sharing:{method}                  a dataset's sharing method
//! subject  subject:{subject}                 a dataset's data subject
//! ```
//!
//! `{code}` is the first 10 hex digits of the SHA-256 of the programme's
//! name in Unicode NFKC with its spaces removed (full-width and half-width
//! spellings are one programme); `{method}` and `{subject}` are the last
//! segment of the concept's IRI in dmpgraph's vocabulary
//! (`sharing:unrestricted-publication`, `subject:human-individual`).
//!
//! A dataset whose `dcterms:accessRights` is public and whose planned
//! publication date (`dcterms:issued`) is later than the writer's day is
//! under embargo until that day; the writer lifts it when the day comes
//! (see [`crate::WriteHandle::release_embargoes`]).

use crate::key::SourceFormat;
use chrono::{DateTime, NaiveDate, Utc};
use oxigraph::model::{NamedOrBlankNode, Quad, Term};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const DCSO_DATASET: &str = "https://w3id.org/dcso/ns/core#Dataset";
const DCTERMS_TITLE: &str = "http://purl.org/dc/terms/title";
const DCTERMS_ISSUED: &str = "http://purl.org/dc/terms/issued";
const DMPG: &str = "https://w3id.org/dmpgraph/ns#";
const SHARING: &str = "https://w3id.org/dmpgraph/ns/sharing-method/";
const SUBJECT: &str = "https://w3id.org/dmpgraph/ns/data-subject/";
const ACCESS_RIGHTS: &str = "http://purl.org/dc/terms/accessRights";
/// The access right under which a dataset opens on its planned date.
pub const PUBLIC: &str = "http://publications.europa.eu/resource/authority/access-right/PUBLIC";

/// An item as read from a record's graph, before the writer stamps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemDraft {
    /// 0: the plan itself; otherwise the dataset's number (No.).
    pub n: u32,
    /// Hash of what the item's records are written from.
    pub hash: String,
    /// Its sets, parents included.
    pub sets: Vec<String>,
    /// Names of its sets that only the data can name (a programme's).
    pub set_names: Vec<(String, String)>,
    /// The day it opens, when it is shared openly from a planned date.
    pub opens_on: Option<NaiveDate>,
}

/// An item as the registry keeps it (inside its record's entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// 0: the plan itself; otherwise the dataset's number.
    pub n: u32,
    /// Hash of its content.
    pub hash: String,
    /// Its sets.
    pub sets: Vec<String>,
    /// Its OAI-PMH datestamp: when its public content last changed, or its
    /// embargo lifted (kept as seconds: lists read it for every item).
    #[serde(with = "chrono::serde::ts_seconds")]
    pub datestamp: DateTime<Utc>,
    /// When it was deleted (the plan deleted, or the dataset gone from it).
    #[serde(with = "chrono::serde::ts_seconds_option")]
    pub deleted: Option<DateTime<Utc>>,
    /// Under embargo until this day (open from it), as of its datestamp.
    pub embargoed_until: Option<NaiveDate>,
    /// Hash of what other records say of it and its records show (the
    /// deposits linked to a dataset): kept by
    /// [`crate::WriteHandle::annotate_items`], its change a change of the
    /// item's datestamp as much as a change of its own content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annex: Option<String>,
}

impl Item {
    /// The item's key: the record's key for the plan, `dataset:{id}:{n}`
    /// for a dataset.
    pub fn key(&self, record: &crate::RecordKey) -> String {
        item_key(record, self.n)
    }

    /// Whether it is a tombstone.
    pub fn is_deleted(&self) -> bool {
        self.deleted.is_some()
    }
}

/// The key of item `n` of `record`.
pub fn item_key(record: &crate::RecordKey, n: u32) -> String {
    if n == 0 {
        record.to_string()
    } else {
        format!("dataset:{}:{n}", record.id)
    }
}

/// The record and item number an item key names.
pub fn parse_item_key(key: &str) -> Option<(crate::RecordKey, u32)> {
    if let Some(rest) = key.strip_prefix("dataset:") {
        let (id, n) = rest.rsplit_once(':')?;
        let n: u32 = n.parse().ok().filter(|n| *n > 0)?;
        return Some((
            crate::RecordKey::new(crate::RecordKind::Dmp, id.to_string()),
            n,
        ));
    }
    let key: crate::RecordKey = key.parse().ok()?;
    (key.kind == crate::RecordKind::Dmp).then_some((key, 0))
}

/// The set code of a programme name.
pub fn programme_code(name: &str) -> String {
    let folded: String = name.nfkc().filter(|c| !c.is_whitespace()).collect();
    let digest = Sha256::digest(folded.as_bytes());
    digest[..5].iter().map(|b| format!("{b:02x}")).collect()
}

fn subject_of(q: &Quad) -> Option<&str> {
    match &q.subject {
        NamedOrBlankNode::NamedNode(n) => Some(n.as_str()),
        _ => None,
    }
}

/// The fragment of a quad's subject under `prefix` (`{graph}#`).
fn fragment<'q>(q: &'q Quad, prefix: &str) -> Option<&'q str> {
    subject_of(q).and_then(|s| s.strip_prefix(prefix))
}

fn iri_object(q: &Quad) -> Option<&str> {
    match &q.object {
        Term::NamedNode(n) => Some(n.as_str()),
        _ => None,
    }
}

fn literal_object(q: &Quad) -> Option<&str> {
    match &q.object {
        Term::Literal(l) => Some(l.value()),
        _ => None,
    }
}

/// The items of a plan's public graph `graph` read from `format`.
pub fn drafts(graph: &str, format: SourceFormat, quads: &[Quad]) -> Vec<ItemDraft> {
    let prefix = format!("{graph}#");
    let prefix = prefix.as_str();
    // The plan-level nodes a dataset's records repeat.
    let context: Vec<&Quad> = quads
        .iter()
        .filter(|q| match fragment(q, prefix) {
            Some("dmp") => q.predicate.as_str() == DCTERMS_TITLE,
            Some(f) => {
                f == "pi"
                    || f == "project"
                    || f.starts_with("project-")
                    || f.starts_with("dmp/project")
                    || f.starts_with("dmp/contact")
            }
            None => false,
        })
        .collect();
    let programmes: Vec<String> = context
        .iter()
        .filter(|q| {
            fragment(q, prefix) == Some("project")
                && q.predicate.as_str() == format!("{DMPG}fundingProgramme")
        })
        .filter_map(|q| literal_object(q))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let mut programme_sets = Vec::new();
    let mut set_names = Vec::new();
    if !programmes.is_empty() {
        programme_sets.push("programme".to_string());
        for p in &programmes {
            let spec = format!("programme:{}", programme_code(p));
            set_names.push((spec.clone(), p.clone()));
            programme_sets.push(spec);
        }
    }
    let mut plan_sets = vec!["type".to_string(), "type:dmp".to_string()];
    plan_sets.push("source".into());
    plan_sets.push(match format {
        SourceFormat::Madmp => "source:madmp".into(),
        _ => "source:amed".into(),
    });
    plan_sets.extend(programme_sets.iter().cloned());
    let mut out = vec![ItemDraft {
        n: 0,
        hash: crate::canonical_hash(quads),
        sets: normal(plan_sets),
        set_names: set_names.clone(),
        opens_on: None,
    }];
    let mut numbers: Vec<(u32, &str)> = quads
        .iter()
        .filter(|q| q.predicate.as_str() == RDF_TYPE && iri_object(q) == Some(DCSO_DATASET))
        .filter_map(|q| fragment(q, prefix))
        .filter_map(|f| dataset_number(f).map(|n| (n, f)))
        .collect();
    numbers.sort_unstable();
    numbers.dedup_by_key(|(n, _)| *n);
    for (n, own) in numbers {
        let mine = |q: &&Quad| {
            fragment(q, prefix).is_some_and(|f| {
                f == own
                    || f.strip_prefix(own)
                        .is_some_and(|rest| rest.starts_with('-') || rest.starts_with('/'))
            })
        };
        let mut content: Vec<Quad> = quads.iter().filter(mine).cloned().collect();
        let node = format!("{prefix}{own}");
        let of = |predicate: &str| {
            content
                .iter()
                .filter(|q| {
                    subject_of(q) == Some(node.as_str()) && q.predicate.as_str() == predicate
                })
                .filter_map(|q| {
                    iri_object(q)
                        .map(str::to_owned)
                        .or_else(|| literal_object(q).map(str::to_owned))
                })
                .collect::<Vec<String>>()
        };
        let sharing: Vec<String> = of(&format!("{DMPG}sharingMethod"))
            .iter()
            .filter_map(|i| i.strip_prefix(SHARING).map(str::to_owned))
            .collect();
        let subjects: Vec<String> = of(&format!("{DMPG}dataSubject"))
            .iter()
            .filter_map(|i| i.strip_prefix(SUBJECT).map(str::to_owned))
            .collect();
        let issued = of(DCTERMS_ISSUED)
            .iter()
            .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .min();
        let mut sets = vec!["type".to_string(), "type:dataset".to_string()];
        sets.extend(programme_sets.iter().cloned());
        if !sharing.is_empty() {
            sets.push("sharing".into());
            sets.extend(sharing.iter().map(|s| format!("sharing:{s}")));
        }
        if !subjects.is_empty() {
            sets.push("subject".into());
            sets.extend(subjects.iter().map(|s| format!("subject:{s}")));
        }
        let opens_on = issued.filter(|_| of(ACCESS_RIGHTS).iter().any(|a| a == PUBLIC));
        content.extend(context.iter().map(|q| (*q).clone()));
        out.push(ItemDraft {
            n,
            hash: crate::canonical_hash(&content),
            sets: normal(sets),
            set_names: set_names.clone(),
            opens_on,
        });
    }
    out
}

/// A dataset node's item number: `dataset-{No.}` (AMED), `dmp/dataset/{i}`
/// (maDMP, item i + 1).
pub fn dataset_number(fragment: &str) -> Option<u32> {
    let (digits, offset) = fragment
        .strip_prefix("dataset-")
        .map(|d| (d, 0))
        .or_else(|| fragment.strip_prefix("dmp/dataset/").map(|d| (d, 1)))?;
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits
        .parse::<u32>()
        .ok()?
        .checked_add(offset)
        .filter(|n| *n > 0)
}

fn normal(mut sets: Vec<String>) -> Vec<String> {
    sets.retain(|s| valid_spec(s));
    sets.sort();
    sets.dedup();
    sets
}

/// Whether `spec` is a valid OAI-PMH setSpec.
fn valid_spec(spec: &str) -> bool {
    spec.split(':').all(|part| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.!~*'()".contains(c))
    })
}

/// The items after a record changes at `at`: unchanged items keep their
/// datestamps; changed and new ones take `at`; items no longer read from
/// it become tombstones (kept forever). `drafts` empty: the record was
/// deleted. Embargoes are decided as of `today`.
pub fn stamp(old: &[Item], drafts: &[ItemDraft], at: DateTime<Utc>, today: NaiveDate) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::with_capacity(drafts.len().max(old.len()));
    for d in drafts {
        let embargoed_until = d.opens_on.filter(|day| *day > today);
        let before = old.iter().find(|i| i.n == d.n);
        let same = before.is_some_and(|b| {
            !b.is_deleted()
                && b.hash == d.hash
                && b.sets == d.sets
                && b.embargoed_until == embargoed_until
        });
        out.push(match (same, before) {
            (true, Some(b)) => b.clone(),
            _ => Item {
                n: d.n,
                hash: d.hash.clone(),
                sets: d.sets.clone(),
                datestamp: at,
                deleted: None,
                embargoed_until,
                // What other records say of it outlives its own changes.
                annex: before.and_then(|b| b.annex.clone()),
            },
        });
    }
    for b in old {
        if out.iter().any(|i| i.n == b.n) {
            continue;
        }
        let mut gone = b.clone();
        if !gone.is_deleted() {
            gone.deleted = Some(at);
            gone.datestamp = at;
            gone.embargoed_until = None;
        }
        out.push(gone);
    }
    out.sort_by_key(|i| i.n);
    out
}

/// The items after what other records say of them changes at `at`:
/// `annex` maps an item's number to the hash of what is said of it (absent:
/// nothing). An item whose annex changes takes `at` as its datestamp;
/// tombstones and the others stay as they were. Returns the items and how
/// many changed.
pub fn annotate(old: &[Item], annex: &[(u32, String)], at: DateTime<Utc>) -> (Vec<Item>, usize) {
    let mut changed = 0;
    let items = old
        .iter()
        .map(|i| {
            let new = annex
                .iter()
                .find(|(n, _)| *n == i.n)
                .map(|(_, h)| h.clone());
            if i.is_deleted() || i.annex == new {
                return i.clone();
            }
            changed += 1;
            Item {
                annex: new,
                // Later than its last, so that a harvest from then sees it.
                datestamp: at.max(i.datestamp + chrono::Duration::seconds(1)),
                ..i.clone()
            }
        })
        .collect();
    (items, changed)
}

/// Today in Japan (AMED's rules count days in JST).
pub fn today_in_japan() -> NaiveDate {
    let jst =
        chrono::FixedOffset::east_opt(9 * 3600).unwrap_or_else(|| unreachable!("valid offset"));
    Utc::now().with_timezone(&jst).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{GraphName, Literal, NamedNode};

    fn q(s: &str, p: &str, o: Term) -> Quad {
        Quad::new(
            NamedNode::new(s).unwrap(),
            NamedNode::new(p).unwrap(),
            o,
            GraphName::DefaultGraph,
        )
    }

    fn plan(datasets: &[(u32, &str, &str)]) -> Vec<Quad> {
        let g = "http://x.org/record/A";
        let mut out = vec![
            q(
                &format!("{g}#project"),
                &format!("{DMPG}fundingProgramme"),
                Literal::new_simple_literal("革新的がん医療実用化研究事業").into(),
            ),
            q(
                &format!("{g}#dmp"),
                DCTERMS_TITLE,
                Literal::new_simple_literal("計画").into(),
            ),
        ];
        for (n, title, date) in datasets {
            let s = format!("{g}#dataset-{n}");
            out.push(q(
                &s,
                RDF_TYPE,
                NamedNode::new(DCSO_DATASET).unwrap().into(),
            ));
            out.push(q(
                &s,
                DCTERMS_TITLE,
                Literal::new_simple_literal(*title).into(),
            ));
            out.push(q(
                &s,
                &format!("{DMPG}sharingMethod"),
                NamedNode::new(format!("{SHARING}unrestricted-publication"))
                    .unwrap()
                    .into(),
            ));
            out.push(q(&s, ACCESS_RIGHTS, NamedNode::new(PUBLIC).unwrap().into()));
            out.push(q(
                &s,
                DCTERMS_ISSUED,
                Literal::new_typed_literal(
                    *date,
                    NamedNode::new("http://www.w3.org/2001/XMLSchema#date").unwrap(),
                )
                .into(),
            ));
            out.push(q(
                &format!("{s}-distribution"),
                DCTERMS_TITLE,
                Literal::new_simple_literal("d").into(),
            ));
        }
        out
    }

    #[test]
    fn each_dataset_is_an_item_that_moves_only_when_it_changes() {
        let g = "http://x.org/record/A";
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let t0 = DateTime::from_timestamp(1_000, 0).unwrap();
        let t1 = DateTime::from_timestamp(2_000, 0).unwrap();
        let d0 = drafts(
            g,
            SourceFormat::AmedExcel,
            &plan(&[(1, "a", "2030-01-01"), (2, "b", "2020-01-01")]),
        );
        assert_eq!(d0.iter().map(|d| d.n).collect::<Vec<_>>(), [0, 1, 2]);
        assert!(d0[1].sets.contains(&"type:dataset".to_string()));
        assert!(d0[1].sets.iter().any(|s| s.starts_with("programme:")));
        assert!(d0[0].sets.contains(&"source:amed".to_string()));
        let items = stamp(&[], &d0, t0, day("2026-01-01"));
        assert_eq!(items[1].embargoed_until, Some(day("2030-01-01")));
        assert_eq!(items[2].embargoed_until, None);
        // Dataset 2 edited, dataset 3 added: dataset 1 keeps its datestamp.
        let d1 = drafts(
            g,
            SourceFormat::AmedExcel,
            &plan(&[
                (1, "a", "2030-01-01"),
                (2, "b2", "2020-01-01"),
                (3, "c", "2020-01-01"),
            ]),
        );
        let items = stamp(&items, &d1, t1, day("2026-01-01"));
        assert_eq!(items[1].datestamp, t0);
        assert_eq!(items[2].datestamp, t1);
        assert_eq!(items[3].datestamp, t1);
        // Dataset 3 dropped: a tombstone.
        let items = stamp(&items, &d0, t1, day("2026-01-01"));
        assert!(items[3].is_deleted());
        // Deleted plan: every item a tombstone.
        let gone = stamp(&items, &[], t1, day("2026-01-01"));
        assert!(gone.iter().all(Item::is_deleted));
    }

    #[test]
    fn item_keys_round_trip_and_programme_codes_fold_width() {
        let k = crate::RecordKey::new(crate::RecordKind::Dmp, "https://dmp.example.org/plans/x:1");
        assert_eq!(parse_item_key(&item_key(&k, 3)), Some((k.clone(), 3)));
        assert_eq!(parse_item_key(&item_key(&k, 0)), Some((k, 0)));
        assert_eq!(programme_code("ＡＢＣ 事業"), programme_code("ABC事業"));
        assert_eq!(programme_code("x").len(), 10);
    }

    #[test]
    fn an_annex_moves_only_its_item_and_outlives_the_plans_own_changes() {
        let g = "http://x.org/record/A";
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let t = |s| DateTime::from_timestamp(s, 0).unwrap();
        let d = drafts(
            g,
            SourceFormat::AmedExcel,
            &plan(&[(1, "a", "2020-01-01"), (2, "b", "2020-01-01")]),
        );
        let items = stamp(&[], &d, t(1_000), today);
        // Dataset 2 gets a deposit: only its datestamp moves.
        let (a, changed) = annotate(&items, &[(2, "h1".into())], t(1_000));
        assert_eq!(changed, 1);
        assert_eq!(a[2].annex.as_deref(), Some("h1"));
        assert!(
            a[2].datestamp > items[2].datestamp,
            "later than its last, even in the same second"
        );
        assert_eq!(a[1], items[1]);
        assert_eq!(a[0], items[0]);
        // The same annex again: nothing moves.
        let (b, changed) = annotate(&a, &[(2, "h1".into())], t(3_000));
        assert_eq!((changed, &b), (0, &a));
        // The plan changes dataset 1: dataset 2 keeps its annex and datestamp.
        let d2 = drafts(
            g,
            SourceFormat::AmedExcel,
            &plan(&[(1, "a2", "2020-01-01"), (2, "b", "2020-01-01")]),
        );
        let c = stamp(&b, &d2, t(4_000), today);
        assert_eq!(c[2], b[2]);
        assert_eq!(c[1].datestamp, t(4_000));
        // Dataset 2 changes itself: it keeps what is said of it.
        let d3 = drafts(
            g,
            SourceFormat::AmedExcel,
            &plan(&[(1, "a2", "2020-01-01"), (2, "b2", "2020-01-01")]),
        );
        let e = stamp(&c, &d3, t(5_000), today);
        assert_eq!(e[2].annex.as_deref(), Some("h1"));
        // The deposit is unlinked: the annex goes, the datestamp moves.
        let (f, changed) = annotate(&e, &[], t(6_000));
        assert_eq!(changed, 1);
        assert_eq!(f[2].annex, None);
        assert_eq!(f[2].datestamp, t(6_000));
        // A tombstone is left as it is.
        let gone = stamp(&f, &[], t(7_000), today);
        let (h, changed) = annotate(&gone, &[(2, "h2".into())], t(8_000));
        assert_eq!((changed, h), (0, gone));
    }
}
