//! Linking at scale, one command: 10,000 dataset entries (generated plans,
//! `dmpgraph-dev`'s linkset generator) against 100,000 and against
//! 1,000,000 harvested records. The linker indexes the deposits once and
//! compares each plan only with what its entries name or its grant funded,
//! so the time grows with the records (an index entry each) and with the
//! candidates a plan meets, never with entries × records: the ratio of the
//! two times is printed beside the ratio of the records.
//! Also the deposit report over the larger run, and its precision and
//! recall against the generated truth.
//!
//! `cargo bench --workspace --bench link [-- --entries 10000] [--records 100000,1000000]`

mod common;

use common::arg;
use dmpgraph_dev::linkset::{linkset, LinkSetOptions};
use dmpgraph_link::text::Glossary;
use dmpgraph_link::{Inputs, LinkConfig, Status};
use std::collections::HashSet;
use std::time::Instant;

fn main() {
    let entries: usize = arg("--entries", 10_000);
    let records: String = arg("--records", "100000,1000000".to_string());
    let records: Vec<usize> = records
        .split(',')
        .filter_map(|r| r.trim().parse().ok())
        .collect();
    let funder = dmpgraph_model::CatalogConfig::builtin().funder.clone();
    // About three entries a plan.
    let plans = entries.div_ceil(3);
    let mut times = Vec::new();
    for &n in &records {
        let t0 = Instant::now();
        let set = linkset(&LinkSetOptions {
            plans,
            records: n,
            seed: 7,
        });
        let made = t0.elapsed().as_secs_f64();
        let entries: usize = set.plans.iter().map(|p| p.datasets.len()).sum();
        let t0 = Instant::now();
        let links = dmpgraph_link::run(
            &Inputs {
                plans: &set.plans,
                deposits: &set.deposits,
                funder: &funder,
            },
            Glossary::builtin(),
            &[],
            &LinkConfig::default(),
            chrono::Utc::now(),
        );
        let secs = t0.elapsed().as_secs_f64();
        let truth: HashSet<(String, u32, String)> = set
            .truth
            .iter()
            .map(|t| (t.entry.plan.clone(), t.entry.dataset, t.deposit.to_string()))
            .collect();
        let got: HashSet<(String, u32, String)> = links
            .iter()
            .filter(|l| l.status == Status::Accepted)
            .map(|l| (l.entry.plan.clone(), l.entry.dataset, l.deposit.to_string()))
            .collect();
        let hit = got.intersection(&truth).count();
        println!(
            "link: {entries} entries of {} plans against {} records (generated in {made:.1} s): linked in {secs:.2} s, {} links; precision {:.4}, recall {:.4}",
            set.plans.len(),
            set.deposits.len(),
            links.len(),
            hit as f64 / got.len().max(1) as f64,
            hit as f64 / truth.len().max(1) as f64
        );
        let t0 = Instant::now();
        let r = dmpgraph_link::report::report(&set.plans, &set.deposits, &links, set.today);
        println!(
            "report: {} entries in {:.2} s",
            r.rows.len(),
            t0.elapsed().as_secs_f64()
        );
        times.push((set.deposits.len(), secs));
    }
    if let [(n0, t0), .., (n1, t1)] = times[..] {
        println!(
            "growth: {:.1}× the records took {:.1}× the time",
            n1 as f64 / n0 as f64,
            t1 / t0
        );
    }
}
