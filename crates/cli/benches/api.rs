//! The RDA Common maDMP API under load, side by side in one run with the
//! same stored document fetched through `/sparql` on the same server.
//!
//! ```sh
//! cargo bench --workspace --bench api [-- --plans 2000] [--seconds 10] [--clients 16]
//! ```
//!
//! The store holds `--plans` maDMP 1.3 documents (the KAKENHI example with
//! its own `dmp_id` and title each), written as `dmpgraph ingest` writes
//! them, and the catalog. One `dmpgraph serve` answers, with a write token
//! made as `dmpgraph api-token add` makes it. For `--seconds` each, with
//! `--clients` threads on their own keep-alive connections, requests for
//! random plans:
//!
//! - `GET /api/dmps/{id}` (1.3);
//! - `GET /api/dmps?offset=…&count=20` (a list page, default order);
//! - `GET /sparql?query=SELECT ?doc …` of the same plan's stored public
//!   document (`dmpg:madmpDocument`), JSON results;
//! - `PUT /api/dmps/{id}` (a new title, the server setting `modified`), each
//!   through the store's single writer; then the same from one client.
//!
//! Before timing, every kind of request is checked once (status 200, the
//! document's title in the answer). Requests per second, latency median
//! and 90th percentile, and errors are printed as a table. The server
//! listens on loopback only and is killed at the end, also on panic.

use dmpgraph_pipeline::read::madmp_reading;
use dmpgraph_pipeline::records::{self, Context};
use dmpgraph_rdf::Base;
use dmpgraph_store::{Change, Stores, WriterOptions};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

mod common;

use common::{arg, start_dmpgraph};

const V13: &str = "application/vnd.org.rd-alliance.dmp-common.v1.3+json";

fn plan_id(n: usize) -> String {
    format!("doi:10.9999/bench-{n:06}")
}

fn document(template: &Value, n: usize, title: &str) -> Value {
    let mut d = template.clone();
    d["dmp"]["dmp_id"] =
        json!({"identifier": format!("https://doi.org/10.9999/BENCH-{n:06}"), "type": "doi"});
    d["dmp"]["title"] = json!(title);
    d
}

/// Writes `plans` documents into a new store at `dir`.
fn build(dir: &Path, plans: usize, template: &Value) {
    let base = Base::default();
    let config = dmpgraph_model::CatalogConfig::builtin().clone();
    let ctx = Context {
        base: &base,
        config: &config,
    };
    let stores = Stores::open(dir).expect("a store");
    let writer = stores.start_writer(WriterOptions::default());
    writer
        .submit(records::catalog_writes(ctx).expect("catalog"))
        .expect("catalog written");
    let t = Instant::now();
    for chunk in (0..plans).collect::<Vec<_>>().chunks(500) {
        let writes = chunk
            .iter()
            .map(|&n| {
                let doc = document(template, n, &format!("ベンチマーク計画 {n}"));
                let reading = madmp_reading(Path::new("bench.json"), doc, None).expect("valid");
                Change::Put(records::madmp_write(&reading, ctx).expect("a write"))
            })
            .collect();
        writer.submit(writes).expect("written");
    }
    writer.shutdown().expect("closed");
    eprintln!("{plans} plans stored in {:.1} s", t.elapsed().as_secs_f64());
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// A request kind: what one client sends, given a random number.
type Request<'a> = &'a (dyn Fn(&ureq::Agent, u64) -> Result<(u16, String), String> + Sync);

fn read(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Result<(u16, String), String> {
    common::status_and_body(r)
        .map(|(status, body)| (status, String::from_utf8_lossy(&body).into_owned()))
}

struct Figures {
    ok: u64,
    errors: u64,
    seconds: f64,
    latencies: Vec<f64>,
}

impl Figures {
    fn rate(&self) -> f64 {
        self.ok as f64 / self.seconds
    }
    fn quantile(&self, q: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((self.latencies.len() - 1) as f64 * q).round() as usize;
        self.latencies[i] * 1000.0
    }
}

fn load(clients: usize, seconds: f64, request: Request<'_>) -> Figures {
    let ok = AtomicU64::new(0);
    let errors = AtomicU64::new(0);
    let first = std::sync::Mutex::new(None::<String>);
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(seconds);
    let latencies: Vec<Vec<f64>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let (ok, errors, first) = (&ok, &errors, &first);
                s.spawn(move || {
                    let agent = agent();
                    let mut lat = Vec::new();
                    // A small xorshift per client: random plans, no crate.
                    let mut x = 0x9E37_79B9_7F4A_7C15u64
                        ^ (c as u64 + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                    while Instant::now() < deadline {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        let t = Instant::now();
                        match request(&agent, x) {
                            Ok((200, _)) => {
                                lat.push(t.elapsed().as_secs_f64());
                                ok.fetch_add(1, Ordering::Relaxed);
                            }
                            other => {
                                errors.fetch_add(1, Ordering::Relaxed);
                                first.lock().unwrap().get_or_insert(
                                    format!("{other:?}").chars().take(300).collect(),
                                );
                            }
                        }
                    }
                    lat
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    if let Some(e) = first.into_inner().unwrap() {
        eprintln!("  first error: {e}");
    }
    let mut latencies: Vec<f64> = latencies.into_iter().flatten().collect();
    latencies.sort_by(f64::total_cmp);
    Figures {
        ok: ok.into_inner(),
        errors: errors.into_inner(),
        seconds: start.elapsed().as_secs_f64(),
        latencies,
    }
}

fn main() {
    let plans: usize = arg("--plans", 2000);
    let seconds: f64 = arg("--seconds", 10.0);
    let clients: usize = arg("--clients", 16);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let template: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("examples/madmp/kakenhi-pancreatic-organoid-1.3.json"))
            .expect("the example"),
    )
    .expect("JSON");
    let work = tempfile::tempdir().expect("a temporary folder");
    let store = work.path().join("store");
    build(&store, plans, &template);
    let token = dmpgraph_api::auth::add_token(&store.join(dmpgraph_api::auth::TOKEN_FILE), "bench")
        .expect("a token");
    let server = start_dmpgraph(&store, work.path().join("serve.log"));
    let origin = server.url.trim_end_matches("/sparql").to_string();
    let base = Base::default();
    let one_path = |n: usize| {
        format!(
            "{origin}/api/dmps/{}",
            utf8_percent_encode(&plan_id(n), NON_ALPHANUMERIC)
        )
    };
    let sparql_url = |n: usize| {
        let q = format!(
            "SELECT ?doc WHERE {{ GRAPH <{}> {{ ?s <{}> ?doc }} }}",
            base.record_iri(&plan_id(n)).as_str(),
            dmpgraph_rdf::MADMP_DOCUMENT
        );
        format!(
            "{}?query={}",
            server.url,
            utf8_percent_encode(&q, NON_ALPHANUMERIC)
        )
    };
    let pick = |x: u64| (x % plans as u64) as usize;
    let get_one =
        |a: &ureq::Agent, x: u64| read(a.get(one_path(pick(x))).header("Accept", V13).call());
    let list_page = |a: &ureq::Agent, x: u64| {
        let offset = (x % plans.saturating_sub(20).max(1) as u64) as usize;
        read(
            a.get(format!("{origin}/api/dmps?offset={offset}&count=20"))
                .header("Accept", V13)
                .call(),
        )
    };
    let sparql = |a: &ureq::Agent, x: u64| {
        read(
            a.get(sparql_url(pick(x)))
                .header("Accept", "application/sparql-results+json")
                .call(),
        )
    };
    let auth = format!("Bearer {token}");
    let put = |a: &ureq::Agent, x: u64| {
        let n = pick(x);
        let body = document(&template, n, &format!("ベンチマーク計画 {n} 改訂 {x}")).to_string();
        read(
            a.put(one_path(n))
                .header("Authorization", &auth)
                .header("Content-Type", V13)
                .send(body),
        )
    };

    // Every kind answers, with the plan's document, before any timing.
    let a = agent();
    let (s, b) = get_one(&a, 7).expect("GET one");
    assert!(s == 200 && b.contains("ベンチマーク計画 7"), "{s} {b}");
    let (s, b) = sparql(&a, 7).expect("SPARQL");
    assert!(s == 200 && b.contains("ベンチマーク計画 7"), "{s} {b}");
    let (s, b) = list_page(&a, 0).expect("list");
    let page: Value = serde_json::from_str(&b).expect("JSON");
    assert!(
        s == 200
            && page["total_count"] == plans
            && page["items"].as_array().unwrap().len() == 20.min(plans)
    );
    let (s, b) = put(&a, 7).expect("PUT");
    assert!(s == 200 && b.contains("改訂"), "{s} {b}");

    let kinds: [(&str, usize, Request<'_>); 5] = [
        ("GET /api/dmps/{id} (1.3)", clients, &get_one),
        (
            "GET /sparql: the same plan's stored document",
            clients,
            &sparql,
        ),
        ("GET /api/dmps?offset=…&count=20", clients, &list_page),
        ("PUT /api/dmps/{id} (through the writer)", clients, &put),
        ("PUT /api/dmps/{id}, one client", 1, &put),
    ];
    println!(
        "\nmaDMP API, {plans} plans, {seconds} s each (bench profile, this machine's cores: {})\n",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("| requests | clients | per second | median ms | p90 ms | errors |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, c, request) in kinds {
        // A short warm-up.
        load(c, 1.0, request);
        let f = load(c, seconds, request);
        println!(
            "| {name} | {c} | {:.0} | {:.2} | {:.2} | {} |",
            f.rate(),
            f.quantile(0.5),
            f.quantile(0.9),
            f.errors
        );
    }
    drop(server);
}
