//! Harvesting against a local server (dmpgraph-dev's fixture server on
//! 127.0.0.1, the services' real shapes), one command, two figures:
//!
//! 1. **Politeness**: `--requests` (default 600) DOIs harvested from one
//!    host limited to `--rate` requests per second (default 50), each DOI
//!    a registry look-up and a record, both asked of that host: the rate
//!    the server saw, against the configured one (target ≥ 95 %), and the
//!    violations (any second holding more than rate + burst requests;
//!    target 0).
//! 2. **Throughput**: a funder search over `--records` (default 100,000)
//!    DataCite records, 1,000 per page, fetched, mapped into deposits and
//!    RDF and stored in a real store through its single writer; records
//!    per second end to end, and mapping alone (parse + RDF) per second.
//!
//! `cargo bench --workspace --bench harvest [-- --requests 600] [--rate 50] [--records 100000]`

mod common;

use common::arg;
use dmpgraph_dev::fixture_server::{FixtureServer, ServeOptions, Service as S, World};
use dmpgraph_harvest::config::HarvestConfig;
use dmpgraph_harvest::run::{Harvested, Harvester, StoreFailure, Target, Written};
use dmpgraph_harvest::state::State;
use dmpgraph_pipeline::harvest::DepositStore;
use dmpgraph_rdf::Base;
use std::time::Instant;

fn config(server: &FixtureServer, datacite_rate: &str, page: u32) -> HarvestConfig {
    let mut t = format!("[harvest]\ncontact = \"bench@example.org\"\npage_size = {page}\n");
    for (name, prefix) in [
        ("datacite", "datacite"),
        ("crossref", "crossref"),
        ("jalc", "jalc"),
        ("doi_ra", "doi-ra"),
        ("ddbj", "ddbj"),
    ] {
        let rate = if name == "datacite" {
            datacite_rate
        } else {
            "100000/1s"
        };
        t.push_str(&format!(
            "[sources.{name}]\nbase_url = \"{}\"\nrate = \"{rate}\"\nconcurrency = 8\n",
            server.base(prefix)
        ));
    }
    HarvestConfig::from_toml(&t, "bench", &|_| None).unwrap()
}

struct Null;
impl dmpgraph_harvest::run::Store for Null {
    fn put(&mut self, r: &[Harvested]) -> Result<Vec<Written>, StoreFailure> {
        Ok(vec![Written::New; r.len()])
    }
    fn gone(&mut self, _: &str) -> Result<bool, StoreFailure> {
        Ok(false)
    }
}

fn main() {
    let requests: usize = arg("--requests", 600);
    let rate: u32 = arg("--rate", 50);
    let records: usize = arg("--records", 100_000);
    let funder = dmpgraph_model::CatalogConfig::builtin().funder.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();

    // 1. Politeness.
    let world = World::generated_datacite(requests, 1.0);
    let targets: Vec<Target> = world
        .ids(S::Datacite)
        .iter()
        .filter_map(|d| Target::parse(d))
        .collect();
    let server = FixtureServer::start(world, ServeOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let h = Harvester::new(
        config(&server, &format!("{rate}/1s"), 100),
        funder.clone(),
        State::open(dir.path()).unwrap(),
    )
    .unwrap();
    let s = runtime
        .block_on(h.records(&mut Null, "bench", &targets))
        .unwrap();
    assert_eq!(s.failed.len(), 0, "{:?}", s.failed.first());
    // The limit is the host's: every request it saw counts, the registry
    // look-ups (doi.org's, served by the same host here) with the records.
    let records_asked = server.log_for("/datacite/dois/").len();
    let mut t: Vec<f64> = server.log().iter().map(|l| l.t_ms).collect();
    t.sort_by(f64::total_cmp);
    let achieved = (t.len() - 1) as f64 / ((t[t.len() - 1] - t[0]) / 1000.0);
    let limit = rate as usize + 1; // the rate plus a burst of one
    let violations = t
        .windows(limit + 1)
        .filter(|w| w[limit] - w[0] < 1000.0)
        .count();
    println!(
        "politeness: {} requests ({records_asked} records and their registry look-ups) to one host limited to {rate}/s: achieved {achieved:.2}/s = {:.1} % of the allowed rate, {violations} violations",
        t.len(),
        100.0 * achieved / rate as f64
    );
    drop(server);

    // 2. Throughput: 100,000 DataCite search records into a real store.
    let t0 = Instant::now();
    let server = FixtureServer::start(
        World::generated_datacite(records, 1.0),
        ServeOptions::default(),
    );
    println!(
        "throughput: {records} generated records served from {} (generated in {:.1} s)",
        server.base("datacite"),
        t0.elapsed().as_secs_f64()
    );
    let store_dir = tempfile::tempdir().unwrap();
    let local = dmpgraph_pipeline::Local::open(store_dir.path(), true).unwrap();
    let h = Harvester::new(
        config(&server, "100000/1s", 1000),
        funder.clone(),
        State::open(store_dir.path()).unwrap(),
    )
    .unwrap();
    let base = Base::default();
    let t0 = Instant::now();
    let s = runtime
        .block_on(async {
            let mut sink = local.sink();
            let mut store = DepositStore::new(&mut sink, base.clone());
            h.funder(&mut store, &[], &[]).await
        })
        .unwrap();
    let secs = t0.elapsed().as_secs_f64();
    assert_eq!(s.new as usize, records, "{s:?}");
    local.shutdown().unwrap();
    println!(
        "throughput: {} records fetched (1,000 per page), mapped and stored in {secs:.1} s: {:.0} records/s",
        s.new,
        s.new as f64 / secs
    );

    // Mapping alone: the same records' JSON parsed and mapped into RDF.
    let pages: Vec<Vec<u8>> = (0..10)
        .map(|i| {
            let items: Vec<serde_json::Value> = (0..1000)
                .map(|j| dmpgraph_dev::fixture_server::generated_datacite_record(i * 1000 + j, 1.0))
                .collect();
            serde_json::to_vec(
                &serde_json::json!({"data": items, "meta": {"total": 10000}, "links": {}}),
            )
            .unwrap()
        })
        .collect();
    let t0 = Instant::now();
    let mut quads = 0;
    for p in &pages {
        let page = dmpgraph_harvest::sources::datacite::parse_search(p).unwrap();
        for item in page.items {
            let item = item.unwrap();
            let prov = dmpgraph_rdf::deposit::Provenance {
                url: "http://127.0.0.1/x".into(),
                retrieved: chrono::Utc::now(),
                etag: None,
                content_hash: item.content_hash(),
            };
            quads += dmpgraph_rdf::deposit::deposit_graph(&item.deposit, &prov, &base)
                .1
                .len();
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    println!("mapping alone: 10,000 records parsed and mapped ({quads} quads) in {secs:.2} s: {:.0} records/s", 10_000.0 / secs);
}
