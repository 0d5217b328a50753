//! The linker on the labelled evaluation set in `tests/linking/` (written
//! by `dmpgraph-dev generate-linkset`): precision and recall of the links
//! accepted automatically, at the level of the single dataset entry, in
//! all and per method. Targets: precision ≥ 0.99, recall ≥ 0.97.
//!
//! `cargo nextest run -p dmpgraph-link --test evaluation --no-capture`
//! prints the figures.

use dmpgraph_link::text::Glossary;
use dmpgraph_link::{EntryRef, Inputs, LinkConfig, Method, Status};
use dmpgraph_model::deposit::Deposit;
use dmpgraph_model::identity::Identifier;
use dmpgraph_model::Dmp;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

#[derive(Deserialize)]
struct Truth {
    entry: EntryRef,
    deposit: Identifier,
    method: Method,
    #[serde(default)]
    traps: Vec<String>,
}

/// The set: `tests/linking/`, or another one written by `dmpgraph-dev
/// generate-linkset` (a held-out seed) named by `DMPGRAPH_LINKSET`.
fn dir() -> PathBuf {
    match std::env::var_os("DMPGRAPH_LINKSET") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/linking"),
    }
}

fn lines<T: for<'de> Deserialize<'de>>(name: &str) -> Vec<T> {
    let path = dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1))
        })
        .collect()
}

#[test]
fn precision_and_recall_of_the_automatically_accepted_links() {
    let plans: Vec<Dmp> = lines("plans.jsonl");
    let deposits: Vec<Deposit> = lines("deposits.jsonl");
    let truth: Vec<Truth> = lines("truth.jsonl");
    let entries: usize = plans.iter().map(|p| p.datasets.len()).sum();
    assert!(plans.len() >= 100 && entries >= 300 && deposits.len() >= 1000);
    let funder = dmpgraph_model::CatalogConfig::builtin().funder.clone();
    let inputs = Inputs {
        plans: &plans,
        deposits: &deposits,
        funder: &funder,
    };
    let config = LinkConfig::default();
    let now = "2026-12-01T00:00:00Z".parse().unwrap();
    let links = dmpgraph_link::run(&inputs, Glossary::builtin(), &[], &config, now);
    let accepted: Vec<_> = links
        .iter()
        .filter(|l| l.status == Status::Accepted)
        .collect();
    let key = |e: &EntryRef, d: &Identifier| (e.clone(), d.to_string());
    let true_pairs: HashSet<(EntryRef, String)> =
        truth.iter().map(|t| key(&t.entry, &t.deposit)).collect();
    let got: HashSet<(EntryRef, String)> =
        accepted.iter().map(|l| key(&l.entry, &l.deposit)).collect();
    let hit = got.intersection(&true_pairs).count();
    let precision = hit as f64 / got.len().max(1) as f64;
    let recall = hit as f64 / true_pairs.len().max(1) as f64;
    println!(
        "{} plans, {entries} entries, {} records, {} true links; {} links, {} accepted automatically",
        plans.len(),
        deposits.len(),
        true_pairs.len(),
        links.len(),
        accepted.len()
    );
    println!("all: precision {precision:.4} recall {recall:.4}");
    // Per method: precision of what each method accepted, recall of the
    // true links each method is expected to find.
    for m in Method::ALL {
        let by: Vec<_> = accepted.iter().filter(|l| l.method == m).collect();
        let ok = by
            .iter()
            .filter(|l| true_pairs.contains(&key(&l.entry, &l.deposit)))
            .count();
        let expected: Vec<_> = truth.iter().filter(|t| t.method == m).collect();
        let found = expected
            .iter()
            .filter(|t| got.contains(&key(&t.entry, &t.deposit)))
            .count();
        println!(
            "{:<10} accepted {:>4}, precision {:.4}; expected {:>4}, recall {:.4}",
            m.as_str(),
            by.len(),
            ok as f64 / by.len().max(1) as f64,
            expected.len(),
            found as f64 / expected.len().max(1) as f64
        );
    }
    // Per trap: recall.
    let mut traps: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for t in &truth {
        for trap in &t.traps {
            let e = traps.entry(trap.as_str()).or_default();
            e.0 += 1;
            if got.contains(&key(&t.entry, &t.deposit)) {
                e.1 += 1;
            }
        }
    }
    for (trap, (n, found)) in &traps {
        println!("trap {trap:<24} {found:>4}/{n:<4} found");
    }
    let wrong: Vec<_> = accepted
        .iter()
        .filter(|l| !true_pairs.contains(&key(&l.entry, &l.deposit)))
        .take(10)
        .collect();
    for l in &wrong {
        println!(
            "wrong: {} → {} ({}, {:.3}) {:?}",
            l.entry,
            l.deposit,
            l.method.as_str(),
            l.score,
            l.evidence
        );
    }
    let missed: Vec<_> = truth
        .iter()
        .filter(|t| !got.contains(&key(&t.entry, &t.deposit)))
        .take(10)
        .collect();
    for t in &missed {
        let l = links
            .iter()
            .find(|l| l.entry == t.entry && l.deposit == t.deposit);
        println!(
            "missed: {} → {} ({}, {:?}) as {:?}",
            t.entry,
            t.deposit,
            t.method.as_str(),
            t.traps,
            l.map(|l| (l.method.as_str(), l.score, l.status.as_str()))
        );
        if let Some(l) = l {
            for e in &l.evidence {
                println!(
                    "    {:?} {:.2} {} | {}",
                    e.feature, e.weight, e.planned, e.deposited
                );
            }
        }
    }
    assert!(precision >= 0.99, "precision {precision:.4}");
    assert!(recall >= 0.97, "recall {recall:.4}");
}

#[test]
fn a_second_run_changes_nothing() {
    let plans: Vec<Dmp> = lines("plans.jsonl");
    let deposits: Vec<Deposit> = lines("deposits.jsonl");
    let funder = dmpgraph_model::CatalogConfig::builtin().funder.clone();
    let inputs = Inputs {
        plans: &plans,
        deposits: &deposits,
        funder: &funder,
    };
    let config = LinkConfig::default();
    let t0 = "2026-12-01T00:00:00Z".parse().unwrap();
    let t1 = "2026-12-02T00:00:00Z".parse().unwrap();
    let first = dmpgraph_link::run(&inputs, Glossary::builtin(), &[], &config, t0);
    assert!(!first.is_empty());
    let second = dmpgraph_link::run(&inputs, Glossary::builtin(), &first, &config, t1);
    assert_eq!(first, second);
}

#[derive(Deserialize)]
struct Expected {
    entry: EntryRef,
    status: String,
}

/// The deposit report on the evaluation set, for every status: over the
/// true links (the report's rules alone), and over the links the linker
/// accepted (the whole chain).
#[test]
fn the_deposit_report_is_right_for_every_status() {
    use dmpgraph_link::report::{report, DepositStatus};
    let plans: Vec<Dmp> = lines("plans.jsonl");
    let deposits: Vec<Deposit> = lines("deposits.jsonl");
    let truth: Vec<Truth> = lines("truth.jsonl");
    let expected: Vec<Expected> = lines("statuses.jsonl");
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir().join("meta.json")).unwrap()).unwrap();
    let today: chrono::NaiveDate = meta["today"].as_str().unwrap().parse().unwrap();
    let now = "2026-12-01T00:00:00Z".parse().unwrap();
    let true_links: Vec<dmpgraph_link::Link> = dmpgraph_link::decide(
        truth
            .iter()
            .map(|t| dmpgraph_link::Proposal {
                entry: t.entry.clone(),
                deposit: t.deposit.clone(),
                method: t.method,
                relation: dmpgraph_link::IS_DEPOSIT_OF.into(),
                via: None,
                score: 1.0,
                evidence: Vec::new(),
            })
            .collect(),
        &[],
        &LinkConfig::default(),
        now,
    );
    let funder = dmpgraph_model::CatalogConfig::builtin().funder.clone();
    let linked = dmpgraph_link::run(
        &Inputs {
            plans: &plans,
            deposits: &deposits,
            funder: &funder,
        },
        Glossary::builtin(),
        &[],
        &LinkConfig::default(),
        now,
    );
    let want: BTreeMap<EntryRef, String> =
        expected.into_iter().map(|e| (e.entry, e.status)).collect();
    for (what, links) in [("true links", &true_links), ("the linker's links", &linked)] {
        let r = report(&plans, &deposits, links, today);
        assert_eq!(r.rows.len(), want.len());
        let mut wrong = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for row in &r.rows {
            seen.insert(row.status);
            if want.get(&row.entry).map(String::as_str) != Some(row.status.as_str()) {
                wrong.push(format!(
                    "{}: {} ≠ {:?}",
                    row.entry,
                    row.status.as_str(),
                    want.get(&row.entry)
                ));
            }
        }
        let share = 1.0 - wrong.len() as f64 / r.rows.len() as f64;
        println!(
            "report over {what}: {:.4} of {} entries right",
            share,
            r.rows.len()
        );
        if what == "true links" {
            assert!(wrong.is_empty(), "{what}: {wrong:#?}");
            assert_eq!(seen.len(), DepositStatus::ALL.len(), "every status occurs");
        } else {
            assert!(share >= 0.99, "{what}: {wrong:#?}");
        }
    }
}
