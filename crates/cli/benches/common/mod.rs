//! What the benches share: a plan as `dmpgraph ingest` stores it.

use dmpgraph_dev::linkset::{linkset, LinkSetOptions};
use dmpgraph_harvest::client::Validators;
use dmpgraph_harvest::run::Harvested;
use dmpgraph_model::{CatalogConfig, Dmp};
use dmpgraph_pipeline::harvest::deposit_write;
use dmpgraph_pipeline::records::{self, Context};
use dmpgraph_rdf::Base;
use dmpgraph_store::{Change, Stores, WriterOptions};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A plan read from the workbook `source`, as `dmpgraph ingest` writes it
/// (the pipeline's own record write).
#[allow(dead_code)] // not every bench uses it
pub fn plan_write(dmp: &Dmp, base: &Base, catalog: &CatalogConfig, source: &str) -> Change {
    Change::Put(records::plan_write(
        dmp,
        Path::new(source),
        Context {
            base,
            config: catalog,
        },
    ))
}

/// The value after `name` on the bench's command line, or `default`.
#[allow(dead_code)] // not every bench takes options
pub fn arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[allow(dead_code)] // not every bench uses it
/// A server child process, killed when dropped (also on panic).
pub struct Server {
    pub name: &'static str,
    pub child: Child,
    /// The query URL.
    pub url: String,
    /// Its stderr (logs).
    pub log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        eprintln!("stopped {} (pid {})", self.name, self.child.id());
        if std::thread::panicking() {
            eprintln!("{}", log_tail(&self.log));
        }
    }
}

impl Server {
    /// Lines and bytes the server has logged so far.
    #[allow(dead_code)] // not every bench uses it
    pub fn logged(&self) -> (usize, u64) {
        let text = std::fs::read(&self.log).unwrap_or_default();
        (
            text.iter().filter(|&&b| b == b'\n').count(),
            text.len() as u64,
        )
    }
}

/// The last lines of a log, to show why a server failed.
pub fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(20)..].join("\n");
    format!("--- {} (last lines) ---\n{tail}", log.display())
}

/// A server's stderr goes to a file, as a service's log would: the bench
/// process spends no time on it while it measures.
#[allow(dead_code)] // not every bench uses it
pub fn log_file(log: &Path) -> Stdio {
    std::fs::File::create(log)
        .map(Stdio::from)
        .expect("cannot create a log file")
}

#[allow(dead_code)] // not every bench uses it
pub fn start_dmpgraph(store: &Path, log: PathBuf) -> Server {
    start_dmpgraph_with(store, log, &[])
}

/// `dmpgraph serve` with more arguments (before `DMPGRAPH_BENCH_SERVE_ARGS`).
#[allow(dead_code)] // not every bench uses it
pub fn start_dmpgraph_with(store: &Path, log: PathBuf, args: &[&str]) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dmpgraph"));
    command
        .arg("serve")
        .arg("--store")
        .arg(store)
        .args(["--addr", "127.0.0.1:0"])
        .args(args);
    if let Ok(extra) = std::env::var("DMPGRAPH_BENCH_SERVE_ARGS") {
        command.args(extra.split_whitespace());
    }
    // `serve` logs every request by default; DMPGRAPH_BENCH_RUST_LOG (e.g.
    // `warn`) measures without access logs.
    command.env_remove("RUST_LOG");
    if let Ok(filter) = std::env::var("DMPGRAPH_BENCH_RUST_LOG") {
        command.env("RUST_LOG", filter);
    }
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file(&log))
        .spawn()
        .expect("cannot start dmpgraph serve");
    let mut server = Server {
        name: "dmpgraph serve",
        child,
        url: String::new(),
        log,
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    let addr = loop {
        let text = std::fs::read_to_string(&server.log).unwrap_or_default();
        if let Some(rest) = text
            .lines()
            .find(|l| l.starts_with("dmpgraph: serving"))
            .and_then(|l| l.split("on http://").nth(1))
        {
            break rest.split('/').next().unwrap().to_string();
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!("dmpgraph serve stopped: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "dmpgraph serve did not say where it listens"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    server.url = format!("http://{addr}/sparql");
    server
}

/// A response's status and whole body (no size limit: benches read large
/// answers).
#[allow(dead_code)] // not every bench asks over HTTP
pub fn status_and_body(
    response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<(u16, Vec<u8>), String> {
    let mut response = response.map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(u64::MAX)
        .read_to_vec()
        .map_err(|e| e.to_string())?;
    Ok((status, body))
}

/// The plans and deposits, written as ingest and harvest write them; the
/// example plans through `dmpgraph ingest`.
#[allow(dead_code)] // not every bench uses it
pub fn build_linked_store(dir: &Path, plans: usize, records: usize) -> (usize, usize) {
    build_store_of(dir, plans, records, true)
}

/// [`build_linked_store`], with or without the deposits (the plans alone:
/// the catalog before any harvest).
#[allow(dead_code)] // not every bench uses it
pub fn build_store_of(dir: &Path, plans: usize, records: usize, deposits: bool) -> (usize, usize) {
    let t0 = Instant::now();
    let set = linkset(&LinkSetOptions {
        plans,
        records,
        seed: 7,
    });
    let entries: usize = set.plans.iter().map(|p| p.datasets.len()).sum();
    eprintln!(
        "generated {} plans ({entries} entries) and {} deposits in {:.1} s",
        set.plans.len(),
        set.deposits.len(),
        t0.elapsed().as_secs_f64()
    );
    let t0 = Instant::now();
    let base = Base::default();
    let catalog = CatalogConfig::builtin();
    let stores = Stores::open(dir).unwrap().start_writer(WriterOptions {
        offline: true,
        ..WriterOptions::default()
    });
    for (n, chunk) in set.plans.chunks(256).enumerate() {
        let batch = chunk
            .iter()
            .enumerate()
            .map(|(i, dmp)| plan_write(dmp, &base, catalog, &format!("plan-{}.xlsx", n * 256 + i)))
            .collect();
        stores.submit(batch).unwrap();
    }
    let retrieved = "2026-11-01T00:00:00Z".parse().unwrap();
    let stored = if deposits {
        set.deposits.as_slice()
    } else {
        &[]
    };
    for chunk in stored.chunks(1000) {
        let batch = chunk
            .iter()
            .map(|d| {
                Change::Put(deposit_write(
                    &Harvested {
                        deposit: d.clone(),
                        content_hash: format!("{}", d.id),
                        url: format!("http://127.0.0.1:1/{}", d.id),
                        validators: Validators::default(),
                        retrieved,
                    },
                    &base,
                ))
            })
            .collect();
        stores.submit(batch).unwrap();
    }
    stores.shutdown().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let status = Command::new(env!("CARGO_BIN_EXE_dmpgraph"))
        .env_remove("RUST_LOG")
        .arg("ingest")
        .arg("--store")
        .arg(dir)
        .arg(&examples)
        .stdout(Stdio::null())
        .status()
        .expect("cannot run dmpgraph ingest");
    assert!(status.success(), "dmpgraph ingest examples: {status}");
    // Compacted, as `dmpgraph ingest` leaves a large ingest.
    Stores::open(dir).unwrap().optimize().unwrap();
    eprintln!("stored in {:.1} s", t0.elapsed().as_secs_f64());
    (entries, set.deposits.len())
}

/// Whether the query is a CONSTRUCT or DESCRIBE, as the server reads it.
#[allow(dead_code)] // not every bench asks SPARQL
pub fn is_graph_query(text: &str) -> bool {
    dmpgraph_server::query::ParsedQuery::parse(text)
        .is_ok_and(|q| q.offer() == dmpgraph_server::Offer::Rdf)
}

/// A client that keeps one connection per host and waits `timeout` for a
/// whole answer; statuses are answers, not errors.
#[allow(dead_code)] // not every bench asks over HTTP
pub fn sparql_agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::config::Config::builder()
            .http_status_as_error(false)
            .max_idle_connections_per_host(1)
            .timeout_global(Some(timeout))
            .build(),
    )
}

/// Rows of a SPARQL JSON answer (1 for ASK), or triples of N-Triples
/// (`graph`).
#[allow(dead_code)] // not every bench asks SPARQL
pub fn count_results(graph: bool, body: &[u8]) -> Result<usize, String> {
    if graph {
        return Ok(body
            .split(|&b| b == b'\n')
            .filter(|l| {
                let l = l.trim_ascii();
                !l.is_empty() && !l.starts_with(b"#")
            })
            .count());
    }
    let json: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("not SPARQL JSON: {e}"))?;
    if json.get("boolean").is_some() {
        return Ok(1);
    }
    json.pointer("/results/bindings")
        .and_then(|b| b.as_array())
        .map(Vec::len)
        .ok_or_else(|| "no results.bindings".to_string())
}

/// Runs `dmpgraph ARGS --store STORE`, checks it succeeded: its stdout and
/// the time it took.
#[allow(dead_code)] // not every bench runs the binary
pub fn dmpgraph_timed(args: &[&str], store: &Path) -> (Vec<u8>, f64) {
    let t0 = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_dmpgraph"))
        .env_remove("RUST_LOG")
        .args(args)
        .arg("--store")
        .arg(store)
        .stdin(Stdio::null())
        .output()
        .expect("cannot run dmpgraph");
    let secs = t0.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "dmpgraph {args:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    (out.stdout, secs)
}
