//! The SPARQL endpoint against oxigraph's own server, side by side in one
//! run: `dmpgraph serve` and `oxigraph serve --union-default-graph` over the
//! same data (generated plans, the catalog and the vocabulary graph, loaded
//! into dmpgraph's public store, dumped to N-Quads and loaded with
//! `oxigraph load`), asked the same queries with the same `Accept` headers.
//!
//! ```sh
//! CARGO_TARGET_DIR=/root/.cache/dmpgraph-bench-target cargo bench --workspace --bench sparql [-- COUNT]
//! ```
//!
//! COUNT is the number of generated plans (default 1,000, about 225,000
//! quads), stored as `dmpgraph ingest` stores them, plus the example plans of
//! `examples/` (ingested by `dmpgraph ingest`). The queries are the
//! librarians' `examples/queries/*.rq`, read at run time; the bench's own
//! queries (`bench:` in the table) are added when there are fewer than 12
//! files, or with `DMPGRAPH_BENCH_BUILTIN=1`. `NOW()` is replaced by the
//! fixed `"2026-11-01T00:00:00Z"^^xsd:dateTime` in every query, for both
//! servers. Before any timing, both servers must return the same number of rows (or
//! triples) for a query; a query they disagree on, or that either refuses,
//! is reported and left out.
//!
//! - **Latency**: per query a warm-up, then K requests alternating between
//!   the servers (A, B, A, B, …) from one client thread over keep-alive
//!   connections; the median of each server, their ratio
//!   (dmpgraph / oxigraph), and over the queries the median, geometric mean
//!   and 90th percentile of the ratios. The target: median ratio ≤ 1.10.
//! - **Throughput**: 16 client threads, each with its own keep-alive
//!   connection, cycling through the interactive queries (single-client
//!   median ≤ 1 s) for T seconds against one server, then the other:
//!   queries per second and errors.
//!
//! Settings (environment): `DMPGRAPH_BENCH_K` (requests per server and query,
//! default 50), `DMPGRAPH_BENCH_BUDGET` (seconds per query: a slow query
//! stops after this time once it has 5 pairs, default 60; the table's `n`),
//! `DMPGRAPH_BENCH_WARMUP` (default 3; a slow query warms up once), `DMPGRAPH_BENCH_SECONDS`
//! (T, default 10), `DMPGRAPH_BENCH_CLIENTS` (default 16),
//! `DMPGRAPH_BENCH_METHOD` (`get`, default, or `post`: a direct POST of
//! `application/sparql-query`), `DMPGRAPH_BENCH_SERVE_ARGS` (more arguments
//! for `dmpgraph serve`, e.g. `--max-concurrent 16`), `DMPGRAPH_BENCH_QUERIES`
//! (another folder of `.rq` files), `DMPGRAPH_BENCH_OPTIMIZE` (`1`, default:
//! both stores compacted, as `dmpgraph ingest` leaves a large ingest and as
//! `oxigraph load` advises; `0`: as the bulk loads wrote them),
//! `DMPGRAPH_BENCH_BUILTIN` (`1`: add the
//! bench's own queries, `0`: leave them out), `OXIGRAPH` (the `oxigraph`
//! program, default `oxigraph` on the PATH). Both servers listen on loopback only and are
//! killed at the end, also when the bench panics.

use dmpgraph_model::CatalogConfig;
use dmpgraph_rdf::Base;
use dmpgraph_store::{Stores, WriterOptions};
use oxigraph::io::{RdfFormat, RdfSerializer};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use std::io::{BufWriter, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

mod common;

use common::{count_results, is_graph_query, log_file, sparql_agent, start_dmpgraph, Server};

/// The client of the run: five minutes for a whole answer.
fn agent() -> ureq::Agent {
    sparql_agent(Duration::from_secs(300))
}

/// Pairs of requests a query gets even past its time budget.
const MIN_PAIRS: usize = 5;

/// `NOW()` in every query: a fixed instant, so both servers (and every run)
/// answer the same.
const FIXED_NOW: &str = "\"2026-11-01T00:00:00Z\"^^<http://www.w3.org/2001/XMLSchema#dateTime>";

const PREFIXES: &str = "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcso: <https://w3id.org/dcso/ns/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dmpg: <https://w3id.org/dmpgraph/ns#>
";

/// The bench's own queries, over the mapping of `mappings/rdf.toml`:
/// what a librarian asks of the catalog. `%RECORD%` is the IRI of a stored
/// plan.
const BUILTIN: &[(&str, &str)] = &[
    (
        "bench:datasets-by-sharing-method",
        "SELECT ?method ?label (COUNT(?ds) AS ?datasets) WHERE {
  ?ds dmpg:sharingMethod ?method .
  OPTIONAL { ?method skos:prefLabel ?label FILTER(LANG(?label) = \"ja\") }
} GROUP BY ?method ?label ORDER BY DESC(?datasets)",
    ),
    (
        "bench:overdue-without-doi",
        "SELECT ?plan ?title ?ds ?name ?deadline WHERE {
  ?ds dmpg:publicationDeadline ?deadline .
  FILTER(?deadline < xsd:date(NOW()))
  FILTER NOT EXISTS { ?ds dcso:hasDatasetId ?id }
  ?plan dcso:hasDataset ?ds ; dcso:hasProject/dcterms:title ?title .
  ?ds dcterms:title ?name .
} ORDER BY ?deadline ?ds LIMIT 100",
    ),
    (
        "bench:plans-by-institution",
        "SELECT ?institution (COUNT(DISTINCT ?plan) AS ?plans) (COUNT(?ds) AS ?datasets) WHERE {
  ?plan a dcso:DMP ; dcso:hasContact/vcard:organization-name ?institution ; dcso:hasDataset ?ds .
} GROUP BY ?institution ORDER BY DESC(?plans)",
    ),
    (
        "bench:title-search",
        "SELECT ?plan ?title ?start ?end WHERE {
  ?plan dcso:hasProject ?p .
  ?p dcterms:title ?title ; dcso:start ?start ; dcso:end ?end .
  FILTER(CONTAINS(STR(?title), \"大腸\"))
  FILTER(?end >= \"2024-01-01\"^^xsd:date)
} ORDER BY DESC(?start) ?plan LIMIT 50",
    ),
    (
        "bench:human-data-repositories",
        "SELECT ?repository (COUNT(?ds) AS ?datasets) WHERE {
  ?ds dmpg:dataSubject <https://w3id.org/dmpgraph/ns/data-subject/human-individual> ;
      dcso:hasDistribution/dcso:hasHost/dcterms:title ?repository .
} GROUP BY ?repository ORDER BY ?repository",
    ),
    (
        "bench:ask-open-data-without-doi",
        "ASK {
  ?ds dmpg:sharingMethod <https://w3id.org/dmpgraph/ns/sharing-method/unrestricted-publication> .
  FILTER NOT EXISTS { ?ds dcso:hasDatasetId ?id }
}",
    ),
    (
        "bench:construct-one-plan",
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <%RECORD%> { ?s ?p ?o } }",
    ),
    (
        "bench:describe-one-dataset",
        "DESCRIBE <%RECORD%#dataset-1>",
    ),
];

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// A query of the run.
struct Query {
    name: String,
    text: String,
    /// The `Accept` header: SPARQL JSON results, or N-Triples.
    accept: &'static str,
    /// The URL-encoded text (GET).
    encoded: String,
}

impl Query {
    fn new(name: String, text: &str) -> Query {
        let text = replace_now(text);
        let accept = if is_graph_query(&text) {
            "application/n-triples"
        } else {
            "application/sparql-results+json"
        };
        let encoded = utf8_percent_encode(&text, NON_ALPHANUMERIC).to_string();
        Query {
            name,
            text,
            accept,
            encoded,
        }
    }
}

/// Replaces every `NOW()` (any case, spaces allowed) outside strings,
/// IRIs and comments by [`FIXED_NOW`].
fn replace_now(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    out.push(chars[i]);
                    i += 1;
                }
                continue;
            }
            '<' => {
                // An IRI (no spaces inside) or the operator <, <=.
                let end = chars[i + 1..]
                    .iter()
                    .position(|&x| x == '>' || x.is_whitespace())
                    .map(|p| i + 1 + p);
                if let Some(end) = end.filter(|&e| chars[e] == '>') {
                    out.extend(&chars[i..=end]);
                    i = end + 1;
                    continue;
                }
            }
            '"' | '\'' => {
                let long = chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c);
                let open = if long { 3 } else { 1 };
                out.extend(&chars[i..i + open]);
                i += open;
                while i < chars.len() {
                    if chars[i] == '\\' {
                        out.extend(&chars[i..(i + 2).min(chars.len())]);
                        i += 2;
                        continue;
                    }
                    let closes = if long {
                        chars[i] == c
                            && chars.get(i + 1) == Some(&c)
                            && chars.get(i + 2) == Some(&c)
                    } else {
                        chars[i] == c
                    };
                    if closes {
                        out.extend(&chars[i..i + open]);
                        i += open;
                        break;
                    }
                    out.push(chars[i]);
                    i += 1;
                }
                continue;
            }
            'n' | 'N' => {
                let word: String = chars[i..(i + 3).min(chars.len())].iter().collect();
                let before_ok =
                    i == 0 || !(chars[i - 1].is_alphanumeric() || "_:?$".contains(chars[i - 1]));
                if word.eq_ignore_ascii_case("now") && before_ok {
                    let mut j = i + 3;
                    while j < chars.len() && chars[j].is_whitespace() {
                        j += 1;
                    }
                    if chars.get(j) == Some(&'(') {
                        let mut k = j + 1;
                        while k < chars.len() && chars[k].is_whitespace() {
                            k += 1;
                        }
                        if chars.get(k) == Some(&')') {
                            out.push_str(FIXED_NOW);
                            i = k + 1;
                            continue;
                        }
                    }
                }
            }
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The queries of the run: the librarians' files, then the bench's own.
fn load_queries(record: &str) -> Vec<Query> {
    let dir = std::env::var_os("DMPGRAPH_BENCH_QUERIES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/queries"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "rq"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    eprintln!(
        "queries: {} file(s) in {}",
        files.len(),
        dir.canonicalize().unwrap_or(dir.clone()).display()
    );
    let mut queries: Vec<Query> = files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", f.display()));
            let name = f
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            Query::new(name, &text)
        })
        .collect();
    // The bench's own queries stand in when the librarians' are few.
    let builtin = env_or("DMPGRAPH_BENCH_BUILTIN", u8::from(files.len() < 12));
    if builtin != 0 {
        for (name, text) in BUILTIN {
            let text = format!("{PREFIXES}{}", text.replace("%RECORD%", record));
            queries.push(Query::new(name.to_string(), &text));
        }
    }
    queries
}

// ---------------------------------------------------------------------------
// Data

/// Writes `count` generated plans into a dmpgraph store at `dir`, ingests
/// the example plans (`examples/`) with `dmpgraph ingest` (which writes the
/// catalog and vocabulary graphs too), and dumps the public store to `dump`.
/// Returns the number of public quads.
fn build_store(dir: &Path, dump: &Path, count: u64, optimize: bool) -> usize {
    let base = Base::default();
    let catalog = CatalogConfig::builtin();
    let stores = Stores::open(dir).unwrap().start_writer(WriterOptions {
        offline: true,
        ..WriterOptions::default()
    });
    let ids: Vec<u64> = (0..count).collect();
    for chunk in ids.chunks(256) {
        let batch = chunk
            .iter()
            .map(|&i| {
                let dmp = dmpgraph_dev::generated_dmp(i);
                common::plan_write(&dmp, &base, catalog, &format!("gen-{i:06}.xlsx"))
            })
            .collect();
        stores.submit(batch).unwrap();
    }
    // Closing the stores releases RocksDB's lock for `dmpgraph ingest`.
    stores.shutdown().unwrap();
    // The example plans too (AMED workbooks and maDMP JSON of other funders),
    // through dmpgraph's own ingest: the librarians' queries name some of
    // their values (a grant number, a PI).
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let status = Command::new(env!("CARGO_BIN_EXE_dmpgraph"))
        .arg("ingest")
        .arg("--store")
        .arg(dir)
        .arg(&examples)
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .status()
        .expect("cannot run dmpgraph ingest");
    if !status.success() {
        eprintln!(
            "dmpgraph ingest of {}: {status} (some files rejected; the others are stored)",
            examples.display()
        );
    }
    let stores = Stores::open(dir).unwrap();
    if optimize {
        // RocksDB compaction, as `oxigraph optimize` on the other side.
        let t = Instant::now();
        stores.optimize().unwrap();
        eprintln!(
            "optimized dmpgraph's public store in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let quads = stores.public().len().unwrap();
    let file = BufWriter::new(std::fs::File::create(dump).unwrap());
    stores
        .public()
        .dump_to_writer(RdfSerializer::from_format(RdfFormat::NQuads), file)
        .unwrap()
        .flush()
        .unwrap();
    // Released again, for `dmpgraph serve`.
    drop(stores);
    quads
}

// ---------------------------------------------------------------------------
// Servers

/// `oxigraph --version`.
fn oxigraph_version() -> String {
    let program = std::env::var("OXIGRAPH").unwrap_or_else(|_| "oxigraph".into());
    Command::new(&program)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or(program)
}

fn free_port() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("cannot bind a loopback port")
}

fn start_oxigraph(location: &Path, log: PathBuf) -> Server {
    let program = std::env::var("OXIGRAPH").unwrap_or_else(|_| "oxigraph".into());
    let addr = free_port();
    let child = Command::new(&program)
        .arg("serve")
        .arg("--location")
        .arg(location)
        .args(["--bind", &addr.to_string(), "--union-default-graph"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file(&log))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program} serve: {e}"));
    let mut server = Server {
        name: "oxigraph serve",
        child,
        url: format!("http://{addr}/query"),
        log,
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    while TcpStream::connect(addr).is_err() {
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!("oxigraph serve stopped: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "oxigraph serve does not listen on {addr}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

// ---------------------------------------------------------------------------
// HTTP

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
}

/// One request: the status and the body.
fn ask(
    agent: &ureq::Agent,
    url: &str,
    q: &Query,
    method: Method,
) -> Result<(u16, Vec<u8>), String> {
    let response = match method {
        Method::Get => agent
            .get(&format!("{url}?query={}", q.encoded))
            .header("Accept", q.accept)
            .call(),
        Method::Post => agent
            .post(url)
            .header("Accept", q.accept)
            .header("Content-Type", "application/sparql-query")
            .send(q.text.as_bytes()),
    };
    common::status_and_body(response)
}

// ---------------------------------------------------------------------------
// Statistics

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

struct Latency {
    name: String,
    rows: usize,
    bytes: (usize, usize),
    dmpgraph: Vec<f64>,
    oxigraph: Vec<f64>,
}

struct Throughput {
    ok: u64,
    errors: u64,
    seconds: f64,
    latencies: Vec<f64>,
}

fn throughput(
    url: &str,
    queries: &[&Query],
    clients: usize,
    seconds: f64,
    method: Method,
) -> Throughput {
    let ok = AtomicU64::new(0);
    let errors = AtomicU64::new(0);
    let first_error = std::sync::Mutex::new(None::<String>);
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(seconds);
    let latencies: Vec<Vec<f64>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let (ok, errors, first_error) = (&ok, &errors, &first_error);
                s.spawn(move || {
                    let agent = agent();
                    let mut lat = Vec::new();
                    let mut i = c;
                    while Instant::now() < deadline {
                        let q = &queries[i % queries.len()];
                        i += 1;
                        let t = Instant::now();
                        match ask(&agent, url, q, method) {
                            Ok((200, _)) => {
                                lat.push(t.elapsed().as_secs_f64());
                                ok.fetch_add(1, Ordering::Relaxed);
                            }
                            other => {
                                errors.fetch_add(1, Ordering::Relaxed);
                                let message = match other {
                                    Ok((status, body)) => format!(
                                        "{}: HTTP {status}: {}",
                                        q.name,
                                        String::from_utf8_lossy(&body).trim()
                                    ),
                                    Err(e) => format!("{}: {e}", q.name),
                                };
                                first_error.lock().unwrap().get_or_insert(message);
                            }
                        }
                    }
                    lat
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let seconds = start.elapsed().as_secs_f64();
    if let Some(e) = first_error.into_inner().unwrap() {
        eprintln!("  first error: {e}");
    }
    Throughput {
        ok: ok.into_inner(),
        errors: errors.into_inner(),
        seconds,
        latencies: sorted(latencies.into_iter().flatten().collect()),
    }
}

fn ms(s: f64) -> String {
    format!("{:.3}", s * 1000.0)
}

// ---------------------------------------------------------------------------

fn main() {
    let count: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1000);
    let k: usize = env_or("DMPGRAPH_BENCH_K", 50);
    let warmup: usize = env_or("DMPGRAPH_BENCH_WARMUP", 3);
    let budget: f64 = env_or("DMPGRAPH_BENCH_BUDGET", 60.0);
    let tp_max_ms: f64 = env_or("DMPGRAPH_BENCH_TP_MAX_MS", 1000.0);
    // Both stores compacted, as `dmpgraph ingest` leaves a large ingest and
    // as `oxigraph load` recommends (`oxigraph optimize`); 0 measures both
    // as their bulk loads wrote them.
    let optimize = env_or("DMPGRAPH_BENCH_OPTIMIZE", 1u8) != 0;
    let seconds: f64 = env_or("DMPGRAPH_BENCH_SECONDS", 10.0);
    let clients: usize = env_or("DMPGRAPH_BENCH_CLIENTS", 16);
    let method = match std::env::var("DMPGRAPH_BENCH_METHOD").as_deref() {
        Ok("post") | Ok("POST") => Method::Post,
        _ => Method::Get,
    };

    let work = tempfile::tempdir().unwrap();
    let store_dir = work.path().join("dmpgraph");
    let dump = work.path().join("public.nq");
    let oxi_dir = work.path().join("oxigraph");

    let t = Instant::now();
    let quads = build_store(&store_dir, &dump, count, optimize);
    eprintln!(
        "stored {count} plans + catalog + vocabulary: {quads} public quads in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let program = std::env::var("OXIGRAPH").unwrap_or_else(|_| "oxigraph".into());
    let status = Command::new(&program)
        .arg("load")
        .arg("--location")
        .arg(&oxi_dir)
        .arg("--file")
        .arg(&dump)
        .stdout(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("cannot run {program} load: {e}"));
    assert!(status.success(), "{program} load failed: {status}");
    eprintln!(
        "oxigraph load of the N-Quads dump: {:.1} s",
        t.elapsed().as_secs_f64()
    );
    if optimize {
        let status = Command::new(&program)
            .arg("optimize")
            .arg("--location")
            .arg(&oxi_dir)
            .stdout(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("cannot run {program} optimize: {e}"));
        assert!(status.success(), "{program} optimize failed: {status}");
    }

    let dmpgraph = start_dmpgraph(&store_dir, work.path().join("dmpgraph.log"));
    let oxigraph = start_oxigraph(&oxi_dir, work.path().join("oxigraph.log"));
    eprintln!("dmpgraph: {}\noxigraph: {}", dmpgraph.url, oxigraph.url);

    let record = Base::default()
        .record_iri(dmpgraph_dev::generated_dmp(count / 2).id())
        .as_str()
        .to_string();
    let all = load_queries(&record);
    let agent = agent();

    // Sanity: the same answers (by size) from both, before any timing.
    let mut queries = Vec::new();
    let mut left_out = Vec::new();
    let mut rows_of = Vec::new();
    for q in all {
        let a = ask(&agent, &dmpgraph.url, &q, method);
        let b = ask(&agent, &oxigraph.url, &q, method);
        let verdict = match (&a, &b) {
            (Ok((200, ba)), Ok((200, bb))) => {
                match (
                    count_results(q.accept == "application/n-triples", ba),
                    count_results(q.accept == "application/n-triples", bb),
                ) {
                    (Ok(ra), Ok(rb)) if ra == rb => Ok(ra),
                    (ra, rb) => Err(format!("dmpgraph {ra:?} rows, oxigraph {rb:?} rows")),
                }
            }
            _ => {
                let show = |r: &Result<(u16, Vec<u8>), String>| match r {
                    Ok((s, body)) => format!(
                        "HTTP {s} {}",
                        String::from_utf8_lossy(&body[..body.len().min(300)]).trim()
                    ),
                    Err(e) => e.clone(),
                };
                Err(format!("dmpgraph: {}; oxigraph: {}", show(&a), show(&b)))
            }
        };
        match verdict {
            Ok(rows) => {
                rows_of.push(rows);
                queries.push(q);
            }
            Err(why) => {
                eprintln!("LEFT OUT {}: {why}", q.name);
                left_out.push((q.name, why));
            }
        }
    }
    assert!(
        !queries.is_empty(),
        "no query that both servers answer alike"
    );

    // (a) Latency, alternating A, B, A, B … per query, one client thread.
    let mut results = Vec::new();
    for (q, &rows) in queries.iter().zip(&rows_of) {
        let mut bytes = (0, 0);
        let t = Instant::now();
        for i in 0..warmup {
            // A slow query warms up once: its caches are warm after that.
            if i > 0 && t.elapsed().as_secs_f64() > budget / 10.0 {
                break;
            }
            bytes.0 = ask(&agent, &dmpgraph.url, q, method).unwrap().1.len();
            bytes.1 = ask(&agent, &oxigraph.url, q, method).unwrap().1.len();
        }
        let mut r = Latency {
            name: q.name.clone(),
            rows,
            bytes,
            dmpgraph: Vec::with_capacity(k),
            oxigraph: Vec::with_capacity(k),
        };
        let t = Instant::now();
        for i in 0..k {
            // Slow queries stop at the time budget, after MIN_PAIRS pairs.
            if i >= MIN_PAIRS && t.elapsed().as_secs_f64() > budget {
                break;
            }
            for (url, into) in [
                (&dmpgraph.url, &mut r.dmpgraph),
                (&oxigraph.url, &mut r.oxigraph),
            ] {
                let t = Instant::now();
                let (status, _) = ask(&agent, url, q, method).unwrap();
                into.push(t.elapsed().as_secs_f64());
                assert_eq!(status, 200, "{}: HTTP {status} from {url}", q.name);
            }
        }
        r.dmpgraph = sorted(r.dmpgraph);
        r.oxigraph = sorted(r.oxigraph);
        eprintln!(
            "  {:<40} dmpgraph {:>9} ms  oxigraph {:>9} ms",
            q.name,
            ms(quantile(&r.dmpgraph, 0.5)),
            ms(quantile(&r.oxigraph, 0.5))
        );
        results.push(r);
    }

    // (b) Throughput: `clients` threads against one server, then the other,
    // over the interactive queries (single-client median ≤ tp_max_ms on
    // both servers): a query of many seconds would fill the whole window.
    let interactive: Vec<bool> = results
        .iter()
        .map(|r| quantile(&r.dmpgraph, 0.5).max(quantile(&r.oxigraph, 0.5)) * 1000.0 <= tp_max_ms)
        .collect();
    let mix: Vec<&Query> = queries
        .iter()
        .zip(&interactive)
        .filter_map(|(q, &fast)| fast.then_some(q))
        .collect();
    let slow: Vec<&str> = queries
        .iter()
        .zip(&interactive)
        .filter_map(|(q, &fast)| (!fast).then_some(q.name.as_str()))
        .collect();
    eprintln!(
        "throughput: {clients} clients × {seconds} s over {} queries, dmpgraph first",
        mix.len()
    );
    let (tp_dmpgraph, tp_oxigraph) = if mix.is_empty() {
        (None, None)
    } else {
        (
            Some(throughput(&dmpgraph.url, &mix, clients, seconds, method)),
            Some(throughput(&oxigraph.url, &mix, clients, seconds, method)),
        )
    };
    let logged = [dmpgraph.logged(), oxigraph.logged()];
    drop(dmpgraph);
    drop(oxigraph);

    // The table.
    println!();
    println!(
        "dmpgraph serve {} vs {}: {count} plans, {quads} public quads; {} queries ({} left out); {k} requests per server and query (n: fewer past {budget} s) after {warmup} warm-up, alternating; {} over keep-alive HTTP/1.1; {} cores",
        env!("CARGO_PKG_VERSION"),
        oxigraph_version(),
        queries.len(),
        left_out.len(),
        match method {
            Method::Get => "GET ?query=",
            Method::Post => "POST application/sparql-query",
        },
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    if let Ok(extra) = std::env::var("DMPGRAPH_BENCH_SERVE_ARGS") {
        println!("dmpgraph serve {extra}");
    }
    if let Ok(filter) = std::env::var("DMPGRAPH_BENCH_RUST_LOG") {
        println!("dmpgraph serve with RUST_LOG={filter}");
    }
    println!(
        "stores: {}",
        if optimize {
            "both compacted (dmpgraph ingest does it after 256 records or more; oxigraph optimize)"
        } else {
            "not compacted (DMPGRAPH_BENCH_OPTIMIZE=0): dmpgraph's as its batches wrote it; oxigraph's as `oxigraph load` wrote it"
        }
    );
    println!();
    println!(
        "{:<40} {:>7} {:>9} {:>4} {:>11} {:>11} {:>11} {:>11} {:>7}",
        "query",
        "rows",
        "bytes",
        "n",
        "dmpg med ms",
        "dmpg p90 ms",
        "oxi med ms",
        "oxi p90 ms",
        "ratio"
    );
    let mut ratios = Vec::new();
    let mut own_ratios = Vec::new();
    for r in &results {
        let (a, b) = (quantile(&r.dmpgraph, 0.5), quantile(&r.oxigraph, 0.5));
        let ratio = a / b;
        ratios.push(ratio);
        if !r.name.starts_with("bench:") {
            own_ratios.push(ratio);
        }
        let bytes = if r.bytes.0 == r.bytes.1 {
            r.bytes.0.to_string()
        } else {
            format!("{}/{}", r.bytes.0, r.bytes.1)
        };
        println!(
            "{:<40} {:>7} {:>9} {:>4} {:>11} {:>11} {:>11} {:>11} {:>7.3}",
            r.name,
            r.rows,
            bytes,
            r.dmpgraph.len(),
            ms(a),
            ms(quantile(&r.dmpgraph, 0.9)),
            ms(b),
            ms(quantile(&r.oxigraph, 0.9)),
            ratio
        );
    }
    let summary = |label: &str, ratios: &[f64]| {
        if ratios.is_empty() {
            return;
        }
        let s = sorted(ratios.to_vec());
        let geo = (s.iter().map(|r| r.ln()).sum::<f64>() / s.len() as f64).exp();
        let median = quantile(&s, 0.5);
        println!(
            "{label:<40} median ratio {median:.3}  geometric mean {geo:.3}  p90 {:.3}  (target median ≤ 1.10: {})",
            quantile(&s, 0.9),
            if median <= 1.10 { "met" } else { "NOT met" }
        );
    };
    println!();
    summary(&format!("all {} queries", ratios.len()), &ratios);
    if own_ratios.len() != ratios.len() {
        summary(
            &format!("examples/queries ({})", own_ratios.len()),
            &own_ratios,
        );
    }
    println!();
    println!(
        "throughput, {clients} concurrent clients (keep-alive, one connection each), {seconds} s each, cycling through the {} queries of median ≤ {tp_max_ms} ms:",
        mix.len()
    );
    if !slow.is_empty() {
        println!("  (not in the mix, slower: {})", slow.join(", "));
    }
    if let (Some(a), Some(b)) = (&tp_dmpgraph, &tp_oxigraph) {
        for (name, tp) in [("dmpgraph", a), ("oxigraph", b)] {
            println!(
                "  {name:<9} {:>9.1} queries/s  {:>7} answered  {:>4} errors  in {:.1} s  latency median {} ms, p90 {} ms",
                tp.ok as f64 / tp.seconds,
                tp.ok,
                tp.errors,
                tp.seconds,
                ms(quantile(&tp.latencies, 0.5)),
                ms(quantile(&tp.latencies, 0.9)),
            );
        }
        println!(
            "  ratio dmpgraph / oxigraph: {:.3}",
            (a.ok as f64 / a.seconds) / (b.ok as f64 / b.seconds)
        );
    }
    println!(
        "server logs (stderr to a file) over the run: dmpgraph {} lines, {:.1} MB; oxigraph {} lines, {:.1} MB",
        logged[0].0,
        logged[0].1 as f64 / 1e6,
        logged[1].0,
        logged[1].1 as f64 / 1e6
    );
    for (name, why) in &left_out {
        println!("left out {name}: {why}");
    }
    if std::env::var_os("DMPGRAPH_BENCH_KEEP").is_some() {
        println!("kept: {}", work.keep().display());
    }
}
