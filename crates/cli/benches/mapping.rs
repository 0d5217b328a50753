//! Mapping throughput over generated AMED plans, measured in one run:
//! triples/s mapped (model → RDF), triples/s written into a fresh store
//! (mapping + journal + canonical hashes + both stores + registry, 256
//! records per batch as `dmpgraph ingest`), and maDMP documents/s exported
//! (from the store, as `dmpgraph export madmp --all`: read the graphs, rebuild
//! the plan, map it to maDMP 1.3 and serialise it; and from the model alone).
//!
//! `cargo bench --workspace --bench mapping [-- COUNT]` (default 10,000).

use dmpgraph_madmp::{amed_to_madmp, to_json, AmedExportOptions, Version};
use dmpgraph_model::{CatalogConfig, Dmp};
use dmpgraph_rdf::{graphs_to_dmp, Base, Mapping, RecordContext};
use dmpgraph_store::{Change, Stores, WriterOptions};
use rayon::prelude::*;
use std::time::Instant;

mod common;

fn main() {
    let count: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let plans: Vec<Dmp> = (0..count).map(dmpgraph_dev::generated_dmp).collect();
    let datasets: usize = plans.iter().map(|d| d.datasets.len()).sum();
    let base = Base::default();
    let catalog = CatalogConfig::builtin();
    let ctx = RecordContext {
        base: &base,
        catalog,
        source: Some("generated.xlsx"),
        client: None,
    };
    let mapping = Mapping::builtin();
    eprintln!("{count} generated plans, {datasets} datasets");

    // 1. Mapping alone, one thread.
    let t = Instant::now();
    let mut triples = 0usize;
    for dmp in &plans {
        let g = mapping.dmp_to_graphs(dmp, &ctx);
        triples += g.public.len() + g.private.len();
    }
    let map_s = t.elapsed().as_secs_f64();

    // 2. Mapping and writing into a fresh store, as `ingest` does.
    let dir = tempfile::tempdir().unwrap();
    let stores = Stores::open(dir.path())
        .unwrap()
        .start_writer(WriterOptions {
            offline: true,
            ..WriterOptions::default()
        });
    let t = Instant::now();
    for chunk in plans.chunks(256) {
        let batch: Vec<Change> = chunk
            .par_iter()
            .map(|dmp| common::plan_write(dmp, &base, catalog, "generated.xlsx"))
            .collect();
        stores.submit(batch).unwrap();
    }
    stores.handle().checkpoint().unwrap();
    let write_s = t.elapsed().as_secs_f64();
    let stats = stores.public().stats(Some(&stores.private())).unwrap();
    let stored = stats.public_quads + stats.private_quads;

    // 3. maDMP export from the store (public, 1.3), as `export madmp --all`.
    let entries = stores.public().records().unwrap();
    let t = Instant::now();
    let mut bytes = 0usize;
    for entry in &entries {
        let quads = stores.public().graph(&entry.graph).unwrap();
        let dmp = graphs_to_dmp(&quads, &base).unwrap();
        let doc = amed_to_madmp(&dmp, &AmedExportOptions::public(&entry.graph, catalog));
        bytes += serde_json::to_vec(&to_json(&doc, Version::V1_3))
            .unwrap()
            .len();
    }
    let export_s = t.elapsed().as_secs_f64();

    // 4. maDMP export from the model alone.
    let t = Instant::now();
    let mut model_bytes = 0usize;
    for dmp in &plans {
        let iri = base.record_iri(dmp.id());
        let doc = amed_to_madmp(dmp, &AmedExportOptions::public(iri.as_str(), catalog));
        model_bytes += serde_json::to_vec(&to_json(&doc, Version::V1_3))
            .unwrap()
            .len();
    }
    let model_s = t.elapsed().as_secs_f64();

    println!("\n{count} plans, {datasets} datasets, {triples} triples ({stored} stored)\n");
    println!("| step | time (s) | throughput |");
    println!("|---|---|---|");
    println!(
        "| map to RDF (1 thread) | {map_s:.2} | {:.0} triples/s |",
        triples as f64 / map_s
    );
    println!(
        "| map + write to the store | {write_s:.2} | {:.0} triples/s written ({:.0} plans/s) |",
        stored as f64 / write_s,
        count as f64 / write_s
    );
    println!(
        "| maDMP 1.3 export from the store | {export_s:.2} | {:.0} documents/s ({:.1} MB) |",
        entries.len() as f64 / export_s,
        bytes as f64 / 1e6
    );
    println!(
        "| maDMP 1.3 export from the model | {model_s:.2} | {:.0} documents/s ({:.1} MB) |",
        count as f64 / model_s,
        model_bytes as f64 / 1e6
    );
}
