//! Workbooks per second: parsing alone, and parsing + mapping + storing, over
//! generated AMED workbooks, measured side by side in one run.
//!
//! `cargo bench -p dmpgraph --bench ingest [-- COUNT]` (default 1,000).

mod common;

use dmpgraph_rdf::{dmp_to_graphs, Base};
use dmpgraph_store::{Stores, WriterOptions};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let count: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1000);
    // Records per write, as `dmpgraph ingest --batch-size` (same default).
    let batch: usize = std::env::var("DMPGRAPH_BENCH_BATCH")
        .ok()
        .and_then(|b| b.parse().ok())
        .unwrap_or(256);
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let files: Vec<PathBuf> = (0..count)
        .map(|i| {
            let path = dir.path().join(format!("gen-{i:06}.xlsx"));
            dmpgraph_dev::write_xlsx(
                &dmpgraph_dev::generated_dmp(i),
                &dmpgraph_dev::generated_style(i),
                &path,
            )
            .unwrap();
            path
        })
        .collect();
    eprintln!(
        "generated {count} workbooks in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let base = Base::default();

    // Single-threaded both ways, so the ratio is the cost of storing.
    let parse = || {
        let t = Instant::now();
        let mut datasets = 0;
        for f in &files {
            let r = dmpgraph_amed_excel::read_path(f, today).unwrap();
            assert!(!r.is_rejected(), "{}: {:?}", f.display(), r.problems);
            datasets += r.dmp.datasets.len();
        }
        (t.elapsed().as_secs_f64(), datasets)
    };
    let store_dir = tempfile::tempdir().unwrap();
    let stores = Stores::open(store_dir.path())
        .unwrap()
        .start_writer(WriterOptions {
            offline: true,
            ..WriterOptions::default()
        });
    let catalog = dmpgraph_model::CatalogConfig::builtin();
    let parse_and_store = || {
        let t = Instant::now();
        let mut quads = 0;
        for chunk in files.chunks(batch) {
            let mut batch = Vec::with_capacity(chunk.len());
            for f in chunk {
                let r = dmpgraph_amed_excel::read_path(f, today).unwrap();
                let w = common::plan_write(&r.dmp, &base, catalog, &f.display().to_string());
                if let dmpgraph_store::Change::Put(p) = &w {
                    quads += p.public.len() + p.private.len();
                }
                batch.push(w);
            }
            stores.submit(batch).unwrap();
        }
        stores.handle().checkpoint().unwrap();
        (t.elapsed().as_secs_f64(), quads)
    };
    let (p, datasets) = parse();
    // Where storing spends its time: mapping and canonical hashing alone.
    let readings: Vec<_> = files
        .iter()
        .map(|f| dmpgraph_amed_excel::read_path(f, today).unwrap())
        .collect();
    let t = Instant::now();
    let graphs: Vec<_> = readings
        .iter()
        .map(|r| dmp_to_graphs(&r.dmp, &base))
        .collect();
    let map_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for g in &graphs {
        std::hint::black_box(dmpgraph_store::canonical_hash(&g.public));
        std::hint::black_box(dmpgraph_store::canonical_hash(&g.private));
    }
    let hash_s = t.elapsed().as_secs_f64();
    drop((readings, graphs));
    let (ps, quads) = parse_and_store();
    let n = count as f64;
    println!("workbooks: {count} ({datasets} datasets, {quads} quads), {batch} per batch");
    println!(
        "parse only:          {:>8.1} workbooks/s  ({:.3} ms each)",
        n / p,
        p * 1000.0 / n
    );
    println!(
        "parse + map + store: {:>8.1} workbooks/s  ({:.3} ms each)",
        n / ps,
        ps * 1000.0 / n
    );
    println!("store cost / parse cost: {:.2}", (ps - p) / p);
    println!(
        "  of which mapping {:.3} ms, canonical hashing {:.3} ms per workbook",
        map_s * 1000.0 / n,
        hash_s * 1000.0 / n
    );
    let st = stores.public().stats(Some(&stores.private())).unwrap();
    println!(
        "stored: {:?} records, {} public quads, {} private quads",
        st.records, st.public_quads, st.private_quads
    );
}
