//! The live store, side by side in one run:
//!
//! 1. **Writes under load**: records/s of `dmpgraph ingest` of the same
//!    generated plans (a) offline, into an empty store (the bulk path: no
//!    reader can exist, records new to the store go through oxigraph's bulk
//!    loader) and (b) handed to a running `dmpgraph serve` (the live writer:
//!    write batches and transactions) while 16 clients query it.
//! 2. **Reads under writes**: the median latency of those 16 clients'
//!    queries during (b), against the same clients on the idle server.
//! 3. With `--scale N` (AMED's ten years: 30,000): `ingest` of N plans
//!    against `validate` of the same (reading and checking alone), and
//!    1,000 more plans into that full store against into an empty one.
//!
//! `cargo bench --workspace --bench live [-- --plans 1000] [--repeat 3] [--scale 30000]`
//!
//! Each write is timed `--repeat` times (every run on a fresh copy), and
//! each row gives the median, with every run's figure beside it: on two
//! cores a few seconds of writes under load vary from run to run.
//!
//! The clients, three scenarios, each on a fresh copy of the same store: 16
//! clients over keep-alive HTTP/1.1, each waiting `--think MS` (default 200)
//! between requests, as people and harvesters do, running in turn
//! (1) the lookups a catalog serves all day: a SPARQL query for one plan's
//! titles, its record page (Turtle); (2) the same with one whole-catalog
//! question in nine (datasets of one programme: a scan of every plan);
//! (3) the lookups with no think time (the server saturated: latency then
//! includes queueing for the cores).

mod common;

use common::arg;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dmpgraph"));
    c.env_remove("RUST_LOG")
        .env_remove("DMPGRAPH_STORE")
        .env("DMPGRAPH_TODAY", "2026-11-01");
    c
}

/// Writes plans `first..first + n` as workbooks into `dir`, in parallel.
fn generate(dir: &Path, first: u64, n: u64) -> Vec<u64> {
    use rayon::prelude::*;
    std::fs::create_dir_all(dir).unwrap();
    let ids: Vec<u64> = (first..first + n).collect();
    ids.par_iter().for_each(|&i| {
        dmpgraph_dev::write_xlsx(
            &dmpgraph_dev::generated_dmp(i),
            &dmpgraph_dev::generated_style(i),
            &dir.join(format!("gen-{i:06}.xlsx")),
        )
        .unwrap();
    });
    ids
}

/// `dmpgraph ingest --store STORE PLANS`, its wall time.
fn ingest(store: &Path, plans: &Path) -> f64 {
    timed(&[
        "ingest",
        "--store",
        store.to_str().unwrap(),
        plans.to_str().unwrap(),
    ])
}

/// Runs a dmpgraph command, returns its wall time; panics on failure.
fn timed(args: &[&str]) -> f64 {
    let t = Instant::now();
    let out = bin()
        .args(args)
        .stdout(Stdio::null())
        .output()
        .expect("dmpgraph runs");
    let s = t.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "dmpgraph {args:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    s
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM: the server checkpoints and stops.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn serve(store: &Path, log: &Path) -> Server {
    // Killed and waited for by Server's drop, also when a panic ends the bench.
    #[allow(clippy::zombie_processes)]
    let child = bin()
        .args(["serve", "--store"])
        .arg(store)
        .args(["--addr", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    let t = Instant::now();
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if let Some(rest) = text.split("on http://").nth(1) {
            let addr = rest.split('/').next().unwrap().to_string();
            return Server {
                child,
                base: format!("http://{addr}"),
            };
        }
        assert!(t.elapsed() < Duration::from_secs(120), "serve: {text}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// A request: its URL, the media type asked for, and what kind it is.
type Request = (String, &'static str, &'static str);

/// The requests the clients make, in turn.
fn requests(
    base: &str,
    ids: &[String],
    analytics: bool,
) -> Vec<(String, &'static str, &'static str)> {
    let mut out = Vec::new();
    for (k, id) in ids.iter().enumerate() {
        let titles = format!(
            "PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?t WHERE {{ GRAPH <http://localhost:8080/record/{id}> {{ ?s dcterms:title ?t }} }}"
        );
        out.push((
            format!("{base}/sparql?query={}", enc(&titles)),
            "application/sparql-results+json",
            "a plan's titles (SPARQL)",
        ));
        out.push((
            format!("{base}/record/{id}"),
            "text/turtle",
            "a record page (Turtle)",
        ));
        if analytics && k.is_multiple_of(4) {
            let programme = &id[2..4];
            let count = format!(
                "PREFIX dcso: <https://w3id.org/dcso/ns/core#> SELECT (COUNT(?d) AS ?n) WHERE {{ ?dmp dcso:hasDataset ?d ; dcso:hasProject/dcso:hasFunding/dcso:hasGrantId/dcso:identifier ?g FILTER(SUBSTR(STR(?g), 3, 2) = \"{programme}\") }}"
            );
            out.push((
                format!("{base}/sparql?query={}", enc(&count)),
                "application/sparql-results+json",
                "a programme's datasets (SPARQL, whole catalog)",
            ));
        }
    }
    out
}

/// 16 clients until `stop`; their latencies (seconds) and error count.
/// What one request took.
type Timing = (&'static str, f64);

fn load(
    requests: Arc<Vec<(String, &'static str, &'static str)>>,
    stop: Arc<AtomicBool>,
    think: Duration,
) -> std::thread::JoinHandle<(Vec<Timing>, usize)> {
    std::thread::spawn(move || {
        let latencies = Arc::new(Mutex::new(Vec::new()));
        let errors = Arc::new(Mutex::new(0usize));
        let threads: Vec<_> = (0..16)
            .map(|c| {
                let (requests, stop, latencies, errors) = (
                    requests.clone(),
                    stop.clone(),
                    latencies.clone(),
                    errors.clone(),
                );
                std::thread::spawn(move || {
                    let agent: ureq::Agent = ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .timeout_global(Some(Duration::from_secs(120)))
                        .build()
                        .into();
                    let mut k = c * 7;
                    let mut mine = Vec::new();
                    while !stop.load(Ordering::Relaxed) {
                        let (url, accept, kind) = &requests[k % requests.len()];
                        k += 1;
                        let t = Instant::now();
                        let ok = agent
                            .get(url)
                            .header("Accept", *accept)
                            .call()
                            .map(|mut r| {
                                let _ = r.body_mut().read_to_vec();
                                r.status() == 200
                            })
                            .unwrap_or(false);
                        if ok {
                            mine.push((*kind, t.elapsed().as_secs_f64()));
                        } else {
                            *errors.lock().unwrap() += 1;
                        }
                        if !think.is_zero() {
                            std::thread::sleep(think);
                        }
                    }
                    latencies.lock().unwrap().extend(mine);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let l = latencies.lock().unwrap().clone();
        let e = *errors.lock().unwrap();
        (l, e)
    })
}

/// CPU seconds the server's threads have used so far, by thread name
/// (`/proc/PID/task/*/stat`: user + system time in clock ticks).
fn thread_cpu(pid: u32) -> std::collections::BTreeMap<String, f64> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return out;
    };
    for task in tasks.filter_map(Result::ok) {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        // pid (comm) state … utime stime at fields 14 and 15.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let comm = stat[open + 1..close].to_string();
        let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
        let ticks: f64 =
            fields[11].parse::<f64>().unwrap_or(0.0) + fields[12].parse::<f64>().unwrap_or(0.0);
        // Threads of one kind share a name up to a number.
        let kind = comm
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-')
            .to_string();
        *out.entry(kind).or_insert(0.0) += ticks / 100.0;
    }
    out
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn p90(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() * 9 / 10).copied().unwrap_or(f64::NAN)
}

/// One scenario's results.
struct Run {
    name: String,
    /// The median of the repetitions' write times…
    live_s: f64,
    /// … and each repetition's, with its median read latency × idle.
    reps: Vec<(f64, f64)>,
    idle: (Vec<Timing>, usize),
    busy: (Vec<Timing>, usize),
    cpu: Vec<(String, f64)>,
}

/// The latencies of some requests (seconds), whatever their kind.
fn latencies(v: &[Timing]) -> Vec<f64> {
    v.iter().map(|(_, l)| *l).collect()
}

/// One scenario repeated: the median write time, every request pooled.
fn repeated(runs: Vec<Run>) -> Run {
    let mut runs = runs.into_iter();
    let mut all = runs.next().expect("one run at least");
    for r in runs {
        all.reps.extend(r.reps);
        all.idle.0.extend(r.idle.0);
        all.idle.1 += r.idle.1;
        all.busy.0.extend(r.busy.0);
        all.busy.1 += r.busy.1;
        for (k, used) in r.cpu {
            match all.cpu.iter_mut().find(|(kind, _)| *kind == k) {
                Some((_, total)) => *total += used,
                None => all.cpu.push((k, used)),
            }
        }
    }
    all.live_s = median(all.reps.iter().map(|(s, _)| *s).collect());
    let n = all.reps.len() as f64;
    for (_, used) in &mut all.cpu {
        *used /= n;
    }
    all
}

/// Copies a store directory (a fresh copy of the same base for each scenario).
fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A server over a fresh copy of `base`, 16 clients idle for 10 s, then the
/// same clients while `plans` are ingested through the server.
fn scenario(
    root: &Path,
    rep: usize,
    name: &str,
    base: &Path,
    plans: &Path,
    reads: impl Fn(&str) -> Vec<(String, &'static str, &'static str)>,
    think: Duration,
) -> Run {
    let slug = format!("{}-{rep}", name.replace([' ', ','], "-"));
    let store = root.join(format!("live-{slug}"));
    copy_dir(base, &store);
    let server = serve(&store, &root.join(format!("serve-{slug}.log")));
    let reqs = Arc::new(reads(&server.base));
    let window = |seconds: u64| {
        let stop = Arc::new(AtomicBool::new(false));
        let clients = load(reqs.clone(), stop.clone(), think);
        std::thread::sleep(Duration::from_secs(seconds));
        stop.store(true, Ordering::SeqCst);
        clients.join().unwrap()
    };
    window(3); // warm-up
    let idle = window(10);
    let stop = Arc::new(AtomicBool::new(false));
    let clients = load(reqs.clone(), stop.clone(), think);
    let cpu_before = thread_cpu(server.child.id());
    let live_s = ingest(&store, plans);
    let cpu_after = thread_cpu(server.child.id());
    stop.store(true, Ordering::SeqCst);
    let busy = clients.join().unwrap();
    drop(server);
    let verify = bin()
        .args(["stats", "--verify", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    let _ = std::fs::remove_dir_all(&store);
    let cpu = cpu_after
        .iter()
        .map(|(k, after)| (k.clone(), after - cpu_before.get(k).copied().unwrap_or(0.0)))
        .filter(|(_, used)| *used >= 0.01)
        .collect();
    let ratio = median(latencies(&busy.0)) / median(latencies(&idle.0));
    Run {
        name: name.to_string(),
        live_s,
        reps: vec![(live_s, ratio)],
        idle,
        busy,
        cpu,
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let plans: u64 = arg("--plans", 1000);
    let scale: u64 = arg("--scale", 0);
    let think = Duration::from_millis(arg("--think", 200));
    let work = tempfile::tempdir().unwrap();
    let root = work.path();
    eprintln!("generating {plans} workbooks…");
    generate(&root.join("plans"), 0, plans);
    let plans_dir = root.join("plans");

    let repeat: usize = arg("--repeat", 3);
    // (a) The offline bulk path, into an empty store.
    let bulk_runs: Vec<f64> = (0..repeat)
        .map(|rep| {
            let bulk_store = root.join(format!("bulk-{rep}"));
            let s = ingest(&bulk_store, &plans_dir);
            let _ = std::fs::remove_dir_all(&bulk_store);
            s
        })
        .collect();
    let bulk_s = median(bulk_runs.clone());

    // (b) The live writer: servers holding a store with another generation
    // of plans (the clients' data), each scenario on a fresh copy of it.
    let base_dir = root.join("base");
    generate(&base_dir, 100_000, plans);
    let base_store = root.join("base-store");
    ingest(&base_store, &base_dir);
    let ids: Vec<String> = (100_000..100_000 + plans.min(200))
        .map(|i| dmpgraph_dev::generated_dmp(i).id().to_string())
        .collect();
    let lookups = |base: &str| requests(base, &ids, false);
    let analytics = |base: &str| requests(base, &ids, true);
    let run = |name: &str, reads: &dyn Fn(&str) -> Vec<Request>, think: Duration| {
        repeated(
            (0..repeat)
                .map(|rep| scenario(root, rep, name, &base_store, &plans_dir, reads, think))
                .collect(),
        )
    };
    let runs = [
        run("lookups", &lookups, think),
        run("lookups and analytics", &analytics, think),
        run("lookups, no think time", &lookups, Duration::ZERO),
    ];

    let n = plans as f64;
    let bulk_rps = n / bulk_s;
    println!("live store benchmark: {plans} generated plans written into a store of {plans} others; 16 clients, each waiting {} ms between requests (but where said); every row the median of {repeat} runs (each on a fresh copy), requests pooled over them", think.as_millis());
    println!();
    let list = |v: &[f64], digits: usize| {
        v.iter()
            .map(|x| format!("{x:.digits$}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("| writes | seconds (median) | records/s | × bulk | seconds, each run |");
    println!("|---|---:|---:|---:|---|");
    println!(
        "| offline bulk path, empty store (`dmpgraph ingest`, no server) | {bulk_s:.2} | {bulk_rps:.0} | 1.00 | {} |",
        list(&bulk_runs, 2)
    );
    for r in &runs {
        let each: Vec<f64> = r.reps.iter().map(|(s, _)| *s).collect();
        println!(
            "| live writer through `dmpgraph serve`, 16 clients: {} | {:.2} | {:.0} | **{:.2}** | {} |",
            r.name,
            r.live_s,
            n / r.live_s,
            (n / r.live_s) / bulk_rps,
            list(&each, 2)
        );
    }
    println!();
    for r in &runs {
        let each: Vec<f64> = r.reps.iter().map(|(_, x)| *x).collect();
        println!(
            "median read latency during / idle, each run, {}: {}",
            r.name,
            list(&each, 2)
        );
    }
    println!();
    println!("| reads (16 clients) | requests | median ms | p90 ms | errors | median × idle |");
    println!("|---|---:|---:|---:|---:|---:|");
    for r in &runs {
        let idle_med = median(latencies(&r.idle.0));
        let row = |label: &str, v: Vec<f64>, errors: usize, vs: f64| {
            println!(
                "| {label} | {} | {:.2} | {:.2} | {errors} | {} |",
                v.len(),
                median(v.clone()) * 1e3,
                p90(v.clone()) * 1e3,
                if vs.is_nan() {
                    String::new()
                } else {
                    format!("**{:.2}**", median(v) / vs)
                }
            );
        };
        row(
            &format!("{}: idle", r.name),
            latencies(&r.idle.0),
            r.idle.1,
            f64::NAN,
        );
        row(
            &format!("{}: during the live ingest", r.name),
            latencies(&r.busy.0),
            r.busy.1,
            idle_med,
        );
        let mut kinds: Vec<&str> = r.idle.0.iter().map(|(k, _)| *k).collect();
        kinds.sort();
        kinds.dedup();
        if kinds.len() > 1 {
            for kind in kinds {
                let of = |v: &[Timing]| {
                    v.iter()
                        .filter(|(k, _)| *k == kind)
                        .map(|(_, l)| *l)
                        .collect::<Vec<f64>>()
                };
                let kind_idle = median(of(&r.idle.0));
                row(
                    &format!("&nbsp;&nbsp;{kind}: idle"),
                    of(&r.idle.0),
                    0,
                    f64::NAN,
                );
                row(
                    &format!("&nbsp;&nbsp;{kind}: during"),
                    of(&r.busy.0),
                    0,
                    kind_idle,
                );
            }
        }
    }
    println!();
    for r in &runs {
        let cpu: Vec<String> = r.cpu.iter().map(|(k, s)| format!("{k} {s:.2}")).collect();
        println!(
            "server CPU seconds during the ingest (mean of the runs), {}: {}",
            r.name,
            cpu.join(", ")
        );
    }

    if scale > 0 {
        println!();
        scale_run(root, scale);
    }
}

/// Writing costs the same whatever the store holds.
fn scale_run(root: &Path, scale: u64) {
    let full_dir: PathBuf = root.join("full-plans");
    eprintln!("generating {scale} workbooks…");
    let t = Instant::now();
    generate(&full_dir, 1_000_000, scale);
    eprintln!("generated in {:.0} s", t.elapsed().as_secs_f64());
    let more = root.join("more");
    generate(&more, 2_000_000, 1000);
    let validate_s = timed(&["validate", full_dir.to_str().unwrap()]);
    let full = root.join("full");
    let ingest_s = ingest(&full, &full_dir);
    let into_full = ingest(&full, &more);
    let empty = root.join("empty");
    let into_empty = ingest(&empty, &more);
    // Another store already holding data, but fresh: 1,000 plans into it
    // are written as a server writes them (not the bulk path of an empty
    // store).
    let small = root.join("small");
    let other = root.join("other");
    generate(&other, 3_000_000, 1000);
    ingest(&small, &other);
    let into_small = ingest(&small, &more);
    let size = dir_size(&full);
    println!("scale: {scale} plans ({:.1} GB store)", size as f64 / 1e9);
    println!();
    println!("| run | seconds |");
    println!("|---|---:|");
    println!("| `validate` {scale} plans | {validate_s:.1} |");
    println!("| `ingest` {scale} plans into an empty store | {ingest_s:.1} |");
    println!("| `ingest` 1,000 plans into an empty store (bulk path) | {into_empty:.2} |");
    println!(
        "| `ingest` 1,000 plans into a store of 1,000 (as a server writes) | {into_small:.2} |"
    );
    println!(
        "| `ingest` 1,000 plans into the store of {scale} (as a server writes) | {into_full:.2} |"
    );
    println!();
    println!(
        "ingest / validate at {scale}: **{:.2}** (target ≤ 2)",
        ingest_s / validate_s
    );
    println!(
        "1,000 into the full store / into an empty one: **{:.2}** (target ≤ 1.2)",
        into_full / into_empty
    );
    println!(
        "1,000 into the full store / into a store of 1,000: {:.2}",
        into_full / into_small
    );
}

fn dir_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}
