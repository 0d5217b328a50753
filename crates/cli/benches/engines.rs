//! The librarians' queries at AMED's scale on three engines, one command:
//! the embedded store (`dmpgraph serve`), Virtuoso 7 and oxigraph server,
//! over the same data, asked the same queries.
//!
//! ```sh
//! cargo bench --workspace --bench engines [-- --plans 30000] [--records 100000] [--no-deposits] \
//!     [--store DIR] [--load bulk|replicate] \
//!     [--repeat 5] [--seconds 10] [--clients 16] [--budget 300]
//! ```
//!
//! 1. **Data**: N generated plans (default 30,000, AMED's volume over about
//!    ten years; `dmpgraph-dev`'s linkset generator) and their harvested
//!    deposits (each plan's own, about 6.6 a plan with JGA studies and
//!    datasets, DRA submissions and runs, BioProjects and samples counted
//!    apart: about 200,000 at 30,000 plans; `--records` fills up to that
//!    many with unrelated records, default 100,000), stored as `dmpgraph ingest` and
//!    `dmpgraph harvest` store them, with the example plans (through
//!    `dmpgraph ingest`), compacted; then `dmpgraph link run`, so that the
//!    deposit queries (17–21) have links to read.
//! 2. **Engines**: Virtuoso 7 (`virtuoso-t`, its buffers sized for the data:
//!    `--virtuoso-buffers`, default 680,000 pages of 8 kB, OpenLink's
//!    setting for 8 GB) and `oxigraph serve`, each empty, on loopback, are
//!    brought up to date by `dmpgraph replicate --once`, as a deployment
//!    would (timed: quads per second).
//! 3. **Same answers**: every query of `examples/queries/` is asked of
//!    `/sparql` with the embedded store, then of `/sparql` with each engine
//!    as its `[backend]`; the three answers must be equal (rows as
//!    multisets, triples as sets: `engines::canonical`). Each engine asked
//!    directly must give as many rows. A query that differs fails the bench.
//! 4. **Latency**: per query one warm-up, then `--repeat` rounds of one
//!    request to each of the embedded store, Virtuoso and oxigraph server
//!    (their own endpoints), in turn, one client; the medians, and per
//!    query the ratio embedded / Virtuoso; over the queries their geometric
//!    means. The target: every embedded median ≤ 1 s, and the geometric mean
//!    of the embedded medians no higher than Virtuoso's (ratio ≤ 1.0). The
//!    same through dmpgraph with each engine as its backend (what a
//!    librarian of such a deployment sees: dmpgraph's checks and limits, the
//!    engine's answer parsed and written again).
//! 5. **Throughput**: `--clients` threads (16), each with its own keep-alive
//!    connection, cycling through every query for `--seconds` against each
//!    of the three in turn: queries per second, errors.
//!
//! `NOW()` is the fixed instant 2026-12-01 in every query, for every engine.
//! Everything is written under `DMPGRAPH_BENCH_DIR` (default: the system's
//! temporary folder; about 9 GB at 30,000 plans) and removed at the end
//! (kept with `DMPGRAPH_BENCH_KEEP=1`). `virtuoso-t` and `oxigraph` must be
//! on the PATH (`.ci/run` installs both).

#[path = "../tests/common/engines.rs"]
#[allow(dead_code)] // the tests use the rest
mod engines;

mod common;

use common::{
    arg, build_store_of, count_results, dmpgraph_timed, is_graph_query, sparql_agent,
    start_dmpgraph_with, Server,
};

fn agent(budget: u64) -> ureq::Agent {
    sparql_agent(Duration::from_secs(budget))
}
use engines::{canonical, EngineProcess, VirtuosoSize};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// `NOW()` in every query.
const NOW: &str = "\"2026-12-01T00:00:00Z\"^^<http://www.w3.org/2001/XMLSchema#dateTime>";

/// A librarians' query.
struct Query {
    name: String,
    graph: bool,
    accept: &'static str,
    encoded: String,
}

fn load_queries() -> Vec<Query> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/queries");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rq"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", f.display()))
                .replace("NOW()", NOW);
            let graph = is_graph_query(&text);
            Query {
                name: f
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                encoded: utf8_percent_encode(&text, NON_ALPHANUMERIC).to_string(),
                accept: if graph {
                    "application/n-triples"
                } else {
                    "application/sparql-results+json"
                },
                graph,
            }
        })
        .collect()
}

/// One GET: the body of a 200, or why not.
fn ask(agent: &ureq::Agent, url: &str, q: &Query) -> Result<Vec<u8>, String> {
    let (status, body) = common::status_and_body(
        agent
            .get(&format!("{url}?query={}", q.encoded))
            .header("Accept", q.accept)
            .call(),
    )?;
    if status == 200 {
        Ok(body)
    } else {
        Err(format!(
            "HTTP {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(400)]).trim()
        ))
    }
}

/// A timed GET.
fn timed_ask(agent: &ureq::Agent, url: &str, q: &Query) -> f64 {
    let t = Instant::now();
    if let Err(e) = ask(agent, url, q) {
        panic!("{} from {url}: {e}", q.name);
    }
    t.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn geomean(v: &[f64]) -> f64 {
    (v.iter().map(|x| x.ln()).sum::<f64>() / v.len() as f64).exp()
}

/// Queries per second and errors of `clients` threads cycling through
/// every query for `seconds`.
fn throughput(
    url: &str,
    queries: &[Query],
    clients: usize,
    seconds: f64,
    budget: u64,
) -> (f64, u64, u64) {
    let ok = AtomicU64::new(0);
    let errors = AtomicU64::new(0);
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(seconds);
    std::thread::scope(|s| {
        for c in 0..clients {
            let (ok, errors) = (&ok, &errors);
            s.spawn(move || {
                let agent = agent(budget);
                let mut i = c;
                while Instant::now() < deadline {
                    match ask(&agent, url, &queries[i % queries.len()]) {
                        Ok(_) => ok.fetch_add(1, Ordering::Relaxed),
                        Err(_) => errors.fetch_add(1, Ordering::Relaxed),
                    };
                    i += 1;
                }
            });
        }
    });
    let ok = ok.into_inner();
    (
        ok as f64 / start.elapsed().as_secs_f64(),
        ok,
        errors.into_inner(),
    )
}

/// Runs `dmpgraph ARGS --store STORE`; its stdout and the time it took.
fn dmpgraph(args: &[&str], store: &Path) -> (String, f64) {
    let (out, secs) = dmpgraph_timed(args, store);
    (String::from_utf8_lossy(&out).into_owned(), secs)
}

/// `dmpgraph serve` over `store`, with more arguments.
fn serve(store: &Path, root: &Path, name: &str, args: &[&str]) -> Server {
    let mut all = vec!["--query-timeout", "600", "--max-rows", "10000000"];
    all.extend_from_slice(args);
    start_dmpgraph_with(store, root.join(format!("serve-{name}.log")), &all)
}

/// Every query's answer through one `/sparql`, in comparable form, and
/// each one's time (one warm-up, then `repeat` requests).
fn answers_and_times(
    url: &str,
    queries: &[Query],
    repeat: usize,
    budget: u64,
) -> Vec<(Vec<String>, Vec<f64>)> {
    let agent = agent(budget);
    queries
        .iter()
        .map(|q| {
            let body = ask(&agent, url, q).unwrap_or_else(|e| panic!("{} from {url}: {e}", q.name));
            let answer = canonical(&String::from_utf8_lossy(&body), q.graph);
            let times = (0..repeat).map(|_| timed_ask(&agent, url, q)).collect();
            (answer, times)
        })
        .collect()
}

fn ms(s: f64) -> String {
    if s < 10.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{:.1} s", s)
    }
}

fn main() {
    let plans: usize = arg("--plans", 30_000);
    let records: usize = arg("--records", 100_000);
    let repeat: usize = arg("--repeat", 5).max(1);
    let seconds: f64 = arg("--seconds", 10.0);
    let clients: usize = arg("--clients", 16).max(1);
    let budget: u64 = arg("--budget", 300);
    let buffers: u32 = arg("--virtuoso-buffers", 680_000);
    for program in ["virtuoso-t", "oxigraph", "isql-vt"] {
        assert!(
            engines::engine_ready(program),
            "the bench needs {program} (.ci/run installs it)"
        );
    }
    let root = match std::env::var_os("DMPGRAPH_BENCH_DIR") {
        Some(d) => tempfile::tempdir_in(d),
        None => tempfile::tempdir(),
    }
    .unwrap();
    let store = root.path().join("store");
    let queries = load_queries();
    assert!(!queries.is_empty(), "no query in examples/queries");

    // 1. Data: built, or an earlier run's store (`--store DIR`, kept with
    // DMPGRAPH_BENCH_KEEP=1).
    let t = Instant::now();
    let reused: Option<PathBuf> = std::env::args()
        .skip_while(|a| a != "--store")
        .nth(1)
        .map(PathBuf::from);
    let store = reused.clone().unwrap_or(store);
    // `--no-deposits`: the plans alone, as the catalog holds them before
    // any harvest (`dmpgraph-dev generate`'s scale: 6.7 million quads at
    // 30,000 plans); the deposit queries (17–21) then answer nothing.
    let with_deposits = !std::env::args().any(|a| a == "--no-deposits");
    if reused.is_none() {
        build_store_of(&store, plans, records, with_deposits);
    }
    if reused.is_none() && with_deposits {
        let (out, link_secs) = dmpgraph(&["link", "run", "--json"], &store);
        let linked: serde_json::Value = serde_json::from_str(&out).unwrap();
        eprintln!("link run: {} links in {link_secs:.0} s", linked["new"]);
    }
    let stats: serde_json::Value =
        serde_json::from_str(&dmpgraph(&["stats", "--json"], &store).0).unwrap();
    let stats = &stats["stats"];
    let (quads, last_seq) = (
        stats["public_quads"].as_u64().unwrap_or(0),
        stats["last_seq"].as_u64().unwrap_or(0),
    );
    let count = |kind: &str| stats["records"][kind].as_u64().unwrap_or(0);
    let (plans, deposits, links) = (count("dmp"), count("deposit"), count("link"));
    eprintln!(
        "data: {plans} plans, {deposits} deposits, {links} link records, {quads} public quads ({:.0} s){}",
        t.elapsed().as_secs_f64(),
        reused.as_ref().map_or(String::new(), |d| format!(", reused from {}", d.display()))
    );

    // 2. Engines, brought up to date by `dmpgraph replicate --once`
    // (`--load replicate`, the default below 5,000 plans), or loaded from
    // the public store's N-Quads by each engine's own bulk loader and their
    // positions set to the store's last change (`--load bulk`, the default
    // from 5,000 plans: replication into Virtuoso runs at about 14,000
    // quads/s, half an hour at 30,000 plans with their deposits).
    let bulk = match std::env::args()
        .skip_while(|a| a != "--load")
        .nth(1)
        .as_deref()
    {
        Some("bulk") => true,
        Some("replicate") => false,
        Some(other) => panic!("--load {other}: bulk or replicate"),
        None => plans >= 5_000,
    };
    let mut virtuoso = EngineProcess::virtuoso_sized(&VirtuosoSize {
        buffers,
        max_dirty_buffers: buffers / 4 * 3,
        http_threads: (clients as u32 + 4).max(10),
        threads_per_query: std::thread::available_parallelism().map_or(2, |n| n.get() as u32),
        max_query_mem_mb: 2_000,
        in_dir: Some(root.path().to_path_buf()),
    });
    let mut oxigraph = EngineProcess::oxigraph_in(Some(root.path()));
    let mut configs = Vec::new();
    let mut loaded = Vec::new();
    let dump = virtuoso.dir().join("public.nq");
    if bulk {
        let t = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_dmpgraph"))
            .args(["export", "rdf", "--all", "--format", "nquads", "--store"])
            .arg(&store)
            .stdout(std::fs::File::create(&dump).unwrap())
            .status()
            .expect("dmpgraph export runs");
        assert!(out.success(), "dmpgraph export rdf: {out}");
        eprintln!(
            "exported the public store as N-Quads in {:.0} s",
            t.elapsed().as_secs_f64()
        );
    }
    for (name, engine) in [("virtuoso", &mut virtuoso), ("oxigraph", &mut oxigraph)] {
        let config = root.path().join(format!("{name}.toml"));
        // The catalog's configuration (`serve --config` reads both), then
        // the engine as `[backend]`.
        let catalog = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../mappings/catalog.toml"),
        )
        .unwrap();
        std::fs::write(
            &config,
            format!("{catalog}\n{}", engine.backend_toml(name, root.path())),
        )
        .unwrap();
        let t = Instant::now();
        if bulk {
            engine.bulk_load(&dump);
            // The engine holds every change up to the last: its position.
            let position = dmpgraph_replica::Position {
                name: name.to_string(),
                engine: engine.query_url(),
                seq: last_seq,
                replicated_at: Some(chrono::Utc::now()),
                last_error: None,
                failing_since: None,
            };
            let dir = store.join("public/replicas");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(
                dir.join(format!("{name}.json")),
                serde_json::to_vec_pretty(&position).unwrap(),
            )
            .unwrap();
        } else {
            dmpgraph(
                &["replicate", "--once", "--config", config.to_str().unwrap()],
                &store,
            );
        }
        let secs = t.elapsed().as_secs_f64();
        eprintln!(
            "{} {name} in {secs:.0} s ({} MB on disk)",
            if bulk { "bulk-loaded" } else { "replicated to" },
            engine.disk_bytes() / 1_000_000
        );
        loaded.push(secs);
        configs.push(config);
    }
    let _ = std::fs::remove_file(&dump);

    // 3 and 4. Answers and latency: the embedded store with both engines
    // asked directly, in turn; then dmpgraph in front of each engine.
    let embedded = serve(&store, root.path(), "embedded", &[]);
    let agent = agent(budget);
    let direct = [
        embedded.url.clone(),
        virtuoso.query_url(),
        oxigraph.query_url(),
    ];
    let mut answers = Vec::new();
    let mut row_counts_differ: Vec<String> = Vec::new();
    let mut times: Vec<[Vec<f64>; 3]> = Vec::new();
    for q in &queries {
        let mut counts = Vec::new();
        for (i, url) in direct.iter().enumerate() {
            let body = ask(&agent, url, q).unwrap_or_else(|e| panic!("{} from {url}: {e}", q.name));
            counts.push(
                count_results(q.graph, &body)
                    .unwrap_or_else(|e| panic!("{} from {url}: {e}", q.name)),
            );
            if i == 0 {
                answers.push(canonical(&String::from_utf8_lossy(&body), q.graph));
            }
        }
        if !counts.iter().all(|&c| c == counts[0]) {
            row_counts_differ.push(format!(
                "{}: rows embedded, Virtuoso, oxigraph server asked directly: {counts:?}",
                q.name
            ));
        }
        let mut t: [Vec<f64>; 3] = Default::default();
        for _ in 0..repeat {
            for (i, url) in direct.iter().enumerate() {
                t[i].push(timed_ask(&agent, url, q));
            }
        }
        eprintln!(
            "  {:<36} {:>7} rows  embedded {:>9}  Virtuoso {:>9}  oxigraph {:>9}",
            q.name,
            counts[0],
            ms(median(t[0].clone())),
            ms(median(t[1].clone())),
            ms(median(t[2].clone()))
        );
        times.push(t);
    }
    // 5. Throughput of each, asked directly.
    let mut tp = Vec::new();
    for (name, url) in ["embedded", "Virtuoso", "oxigraph server"]
        .iter()
        .zip(&direct)
    {
        let r = throughput(url, &queries, clients, seconds, budget);
        eprintln!("throughput {name}: {:.1} queries/s, {} errors", r.0, r.2);
        tp.push(r);
    }
    drop(embedded);

    let mut fronted = Vec::new();
    let mut all_differ: Vec<String> = Vec::new();
    for (name, config) in ["virtuoso", "oxigraph"].iter().zip(&configs) {
        let server = serve(
            &store,
            root.path(),
            name,
            &["--config", config.to_str().unwrap()],
        );
        let got = answers_and_times(&server.url, &queries, repeat, budget);
        let mut differ: Vec<String> = Vec::new();
        for ((q, ours), (theirs, _)) in queries.iter().zip(&answers).zip(&got) {
            if ours != theirs {
                let only = |a: &[String], b: &[String]| -> Vec<String> {
                    a.iter()
                        .filter(|x| !b.contains(x))
                        .take(3)
                        .cloned()
                        .collect()
                };
                differ.push(format!(
                    "{}: {} rows embedded, {} through dmpgraph with {name} behind it\nonly embedded: {:#?}\nonly {name}: {:#?}",
                    q.name,
                    ours.len(),
                    theirs.len(),
                    only(ours, theirs),
                    only(theirs, ours)
                ));
            }
        }
        for d in &differ {
            eprintln!("DIFFERS {d}");
        }
        let same = queries.len() - differ.len();
        all_differ.extend(differ);
        let tput = throughput(&server.url, &queries, clients, seconds, budget);
        eprintln!(
            "through dmpgraph with {name}: {} of {} answers the same; {:.1} queries/s",
            same,
            queries.len(),
            tput.0
        );
        fronted.push((
            got.into_iter().map(|(_, t)| median(t)).collect::<Vec<_>>(),
            tput,
        ));
    }

    // The table.
    println!();
    println!(
        "{plans} plans, {deposits} deposits, {links} link records, {quads} public quads; {} queries; median of {repeat} after a warm-up, one client, GET over keep-alive HTTP/1.1; {} cores",
        queries.len(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "engines: dmpgraph serve {} (embedded oxigraph/RocksDB); {} ({buffers} buffers); {}",
        env!("CARGO_PKG_VERSION"),
        virtuoso.version(),
        oxigraph.version()
    );
    println!(
        "{}: Virtuoso {:.0} s, oxigraph server {:.0} s",
        if bulk {
            "loaded from the N-Quads dump by each engine's bulk loader (ld_dir and rdf_loader_run; oxigraph load)"
        } else {
            "replicated by `dmpgraph replicate --once`"
        },
        loaded[0],
        loaded[1]
    );
    println!();
    println!(
        "| query | rows | embedded | Virtuoso | oxigraph server | embedded / Virtuoso | dmpgraph→Virtuoso | dmpgraph→oxigraph |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut medians: [Vec<f64>; 3] = Default::default();
    let mut over = Vec::new();
    for (i, (q, t)) in queries.iter().zip(&times).enumerate() {
        let m: Vec<f64> = t.iter().map(|v| median(v.clone())).collect();
        for (j, x) in m.iter().enumerate() {
            medians[j].push(*x);
        }
        if m[0] > 1.0 {
            over.push(q.name.clone());
        }
        println!(
            "| {} | {} | {} | {} | {} | {:.2} | {} | {} |",
            q.name,
            answers[i].len(),
            ms(m[0]),
            ms(m[1]),
            ms(m[2]),
            m[0] / m[1],
            ms(fronted[0].0[i]),
            ms(fronted[1].0[i]),
        );
    }
    let g: Vec<f64> = medians.iter().map(|m| geomean(m)).collect();
    let gf: Vec<f64> = fronted.iter().map(|(m, _)| geomean(m)).collect();
    println!(
        "| geometric mean | | {} | {} | {} | {:.2} | {} | {} |",
        ms(g[0]),
        ms(g[1]),
        ms(g[2]),
        g[0] / g[1],
        ms(gf[0]),
        ms(gf[1])
    );
    println!();
    println!(
        "throughput, {clients} clients × {seconds} s cycling through the {} queries: embedded {:.1}/s ({} errors), Virtuoso {:.1}/s ({} errors), oxigraph server {:.1}/s ({} errors); through dmpgraph: Virtuoso {:.1}/s ({} errors), oxigraph server {:.1}/s ({} errors)",
        queries.len(),
        tp[0].0,
        tp[0].2,
        tp[1].0,
        tp[1].2,
        tp[2].0,
        tp[2].2,
        fronted[0].1 .0,
        fronted[0].1 .2,
        fronted[1].1 .0,
        fronted[1].1 .2,
    );
    println!(
        "targets: every embedded median ≤ 1 s: {}; geometric mean embedded / Virtuoso {:.2} ≤ 1.0: {}",
        if over.is_empty() {
            "met".to_string()
        } else {
            format!("NOT met ({})", over.join(", "))
        },
        g[0] / g[1],
        if g[0] <= g[1] { "met" } else { "NOT met" }
    );
    drop(virtuoso);
    drop(oxigraph);
    if std::env::var_os("DMPGRAPH_BENCH_KEEP").is_some() {
        eprintln!("kept: {}", root.keep().display());
    }
    all_differ.extend(row_counts_differ);
    assert!(
        all_differ.is_empty(),
        "answers that differ ({}):\n{}",
        all_differ.len(),
        all_differ.join("\n")
    );
    println!("every answer the same on the three engines");
}
