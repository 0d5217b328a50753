//! OAI-PMH harvest, side by side in one run: a full `ListRecords` harvest of
//! `--records` (default 100,000) items, in each metadata format, from
//! `dmpgraph serve` over its persistent store, and of as many oai_dc
//! records from pyoai's `BatchingServer` serving them from memory, by the
//! same client (`benches/python/harvest.py`, a plain Python harvester: one
//! keep-alive connection, one request at a time, as harvesters do; it
//! reads each page whole and follows its token).
//!
//! For each: records/s, the server's peak RSS (VmHWM) after the harvest,
//! and the time per page of the first 20 pages against the last 20 full
//! ones (each run taken `--samples` times once the harvest is over, the
//! median shown).
//!
//! The server keeps records rendered (`DIR/public/oai-cache.redb`, filled
//! in the background at start and as items change): the bench first
//! removes that file, starts a server and times the background rendering of
//! every item in every format, then harvests from a fresh server per
//! format.
//!
//! `cargo bench --workspace --bench oai [-- --records 100000] [--page 100] [--samples 21] [--repeat 3]`
//!
//! The store (generated plans: each plan and each of its datasets is an
//! item) is built once and kept in the target directory
//! (`oai-bench-{records}`), so a second run only harvests.

mod common;

use common::arg;

use dmpgraph_model::CatalogConfig;
use dmpgraph_rdf::Base;
use dmpgraph_store::{Stores, WriterOptions};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

/// A store of generated plans holding at least `records` items (a plan and
/// each of its datasets), built once.
fn store(records: usize) -> PathBuf {
    let dir = target_dir().join(format!("oai-bench-{records}"));
    let done = dir.join("bench-complete");
    if done.exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let t = Instant::now();
    let base = Base::default();
    let catalog = CatalogConfig::builtin();
    let stores = Stores::open(&dir).unwrap().start_writer(WriterOptions {
        offline: true,
        ..WriterOptions::default()
    });
    let ctx = dmpgraph_pipeline::records::Context {
        base: &base,
        config: catalog,
    };
    stores
        .submit(dmpgraph_pipeline::records::catalog_writes(ctx).unwrap())
        .unwrap();
    let mut items = 0;
    let mut next = 0u64;
    while items < records {
        let mut batch = Vec::new();
        while batch.len() < 256 && items < records {
            let dmp = dmpgraph_dev::generated_dmp(next);
            items += 1 + dmp.datasets.len();
            batch.push(common::plan_write(
                &dmp,
                &base,
                catalog,
                &format!("gen-{next:06}.xlsx"),
            ));
            next += 1;
        }
        stores.submit(batch).unwrap();
    }
    stores.shutdown().unwrap();
    // Compacted, as a store that has served a while is: the harvests
    // measure reading, not RocksDB finishing the load's compactions.
    Stores::open(&dir).unwrap().optimize().unwrap();
    std::fs::write(&done, format!("{items} items in {next} plans\n")).unwrap();
    eprintln!(
        "built the store: {items} items in {next} plans, {:.0} s",
        t.elapsed().as_secs_f64()
    );
    dir
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for(port: u16) {
    let t = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            t.elapsed() < Duration::from_secs(120),
            "the server does not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn peak_rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn dmpgraph(store: &Path, port: u16, page: usize) -> Running {
    let child = Command::new(env!("CARGO_BIN_EXE_dmpgraph"))
        .args(["serve", "--store"])
        .arg(store)
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .args(["--oai-page-size", &page.to_string()])
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(port);
    Running(child)
}

/// Starts a server on a store whose kept records were removed and waits for
/// its background rendering of every item: (records rendered, seconds).
fn render_all(store: &Path) -> (usize, f64) {
    use std::io::BufRead;
    let _ = std::fs::remove_file(store.join("public/oai-cache.redb"));
    let t = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dmpgraph"))
        .args(["serve", "-v", "--store"])
        .arg(store)
        .args(["--addr", &format!("127.0.0.1:{}", free_port())])
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut rendered = 0;
    for line in std::io::BufReader::new(stderr).lines() {
        let line = line.unwrap_or_default();
        if line.contains("OAI-PMH records rendered") {
            rendered = line
                .split("rendered=")
                .nth(1)
                .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            break;
        }
    }
    let seconds = t.elapsed().as_secs_f64();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        rendered > 0,
        "the server ended before rendering anything (does another process hold {}?)",
        store.display()
    );
    (rendered, seconds)
}

fn pyoai(records: usize, port: u16, page: usize) -> Running {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/python/pyoai_server.py");
    let child = Command::new("python3")
        .arg(script)
        .args([port.to_string(), records.to_string(), page.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 runs (pip install pyoai)");
    wait_for(port);
    Running(child)
}

struct Harvest {
    records: usize,
    seconds: f64,
    first_ms: f64,
    last_ms: f64,
    first_kib: f64,
    last_kib: f64,
    rss_mib: f64,
}

/// A whole harvest of `prefix` from the server on `port` by the bench's
/// harvester (`benches/python/harvest.py`: a plain Python client, the same
/// for every server), then its first and last pages again.
fn harvest(port: u16, prefix: &str, pid: u32, samples: usize) -> Harvest {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/python/harvest.py");
    let out = Command::new("python3")
        .arg(script)
        .args(["127.0.0.1", &port.to_string(), prefix, &samples.to_string()])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "the harvest failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rss_mib = peak_rss_mib(pid);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the harvester's JSON");
    let f = |k: &str| v[k].as_f64().unwrap_or(0.0);
    Harvest {
        records: f("records") as usize,
        seconds: f("seconds"),
        first_ms: f("first_ms"),
        last_ms: f("last_ms"),
        first_kib: f("first_kib"),
        last_kib: f("last_kib"),
        rss_mib,
    }
}

fn rate(h: &Harvest) -> f64 {
    h.records as f64 / h.seconds
}

/// The run of median records/s, with every run's figure.
fn row(name: &str, runs: Vec<Harvest>) -> Harvest {
    let mut runs = runs;
    runs.sort_by(|a, b| rate(a).total_cmp(&rate(b)));
    let all: Vec<String> = runs.iter().map(|h| format!("{:.0}", rate(h))).collect();
    let h = runs.swap_remove(runs.len() / 2);
    println!(
        "{name:<28} {:>8} {:>9.0} {:>10.1} {:>10.2} {:>10.2} {:>7.2}× {:>7.0}/{:<5.0} {:>7.2}×  runs: {}",
        h.records,
        rate(&h),
        h.rss_mib,
        h.first_ms,
        h.last_ms,
        h.last_ms / h.first_ms,
        h.first_kib,
        h.last_kib,
        (h.last_ms / h.last_kib) / (h.first_ms / h.first_kib),
        all.join(", ")
    );
    h
}

fn main() {
    // `cargo bench` passes --bench; nothing else to filter.
    let records: usize = arg("--records", 100_000);
    let page: usize = arg("--page", 100);
    let samples: usize = arg("--samples", 21);
    let repeat: usize = arg("--repeat", 3).max(1);
    let dir = store(records);
    let (rendered, seconds) = render_all(&dir);
    let cache_mib = std::fs::metadata(dir.join("public/oai-cache.redb"))
        .map_or(0.0, |m| m.len() as f64 / (1 << 20) as f64);
    println!(
        "background rendering at server start: {rendered} records (every item in 4 formats) in {seconds:.1} s, {:.0} records/s; kept records {cache_mib:.0} MiB",
        rendered as f64 / seconds
    );
    // What the rendering wrote reaches the disk before anything is timed.
    let _ = Command::new("sync").status();
    println!(
        "OAI-PMH ListRecords harvests of {records}+ items, pages of {page}, one client, each {repeat}× (the median run shown); first/last: ms per page of the first 20 and the last 20 full pages, median of {samples}"
    );
    println!(
        "{:<28} {:>8} {:>9} {:>10} {:>10} {:>10} {:>8} {:>13} {:>8}",
        "server / format",
        "records",
        "rec/s",
        "peak MiB",
        "first ms",
        "last ms",
        "last/1st",
        "KiB 1st/last",
        "per KiB"
    );
    let mut dc = None;
    for prefix in ["oai_dc", "jpcoar_2.0", "oai_datacite", "rdf"] {
        // A fresh server per harvest: its peak RSS is that harvest's.
        let runs = (0..repeat)
            .map(|_| {
                let port = free_port();
                let server = dmpgraph(&dir, port, page);
                harvest(port, prefix, server.0.id(), samples)
            })
            .collect();
        let h = row(&format!("dmpgraph {prefix}"), runs);
        if prefix == "oai_dc" {
            dc = Some(h);
        }
    }
    let n = dc.as_ref().map_or(records, |h| h.records);
    let runs = (0..repeat)
        .map(|_| {
            let port = free_port();
            let peer = pyoai(n, port, page);
            harvest(port, "oai_dc", peer.0.id(), samples)
        })
        .collect();
    let p = row("pyoai BatchingServer oai_dc", runs);
    if let Some(dc) = dc {
        println!(
            "dmpgraph oai_dc against pyoai: {:.1}× the records/s",
            rate(&dc) / rate(&p)
        );
    }
}
