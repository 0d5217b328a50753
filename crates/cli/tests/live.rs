//! The live store over real HTTP: `dmpgraph ingest` and `delete` against a
//! store a running `dmpgraph serve` holds, readers that never see a record
//! half-written or missing while the writer replaces and deletes records,
//! and a SIGKILL at every step of a write under that load.

mod common;

use common::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BASE: &str = "http://localhost:8080/";

/// Plan `i` at revision `rev`: every title, dataset name and description
/// carries `rev{rev}:`, and its DMP作成年月日 grows with the revision, so
/// each revision replaces the one before.
fn revision(i: u64, rev: u32) -> dmpgraph_model::Dmp {
    let mut dmp = dmpgraph_dev::generated_dmp(5000 + i);
    dmp.created =
        chrono::NaiveDate::from_ymd_opt(2024, 1, 1).map(|d| d + chrono::Days::new(u64::from(rev)));
    dmp.project.title = format!("rev{rev}: {}", dmp.project.title);
    for d in &mut dmp.datasets {
        d.name = Some(format!("rev{rev}: データ{}", d.number));
        d.description = Some(format!("rev{rev}: 説明{}", d.number));
    }
    dmp
}

/// Writes revision `rev` of plans `0..count` as workbooks into a fresh folder.
fn write_revision(root: &Path, count: u64, rev: u32) -> PathBuf {
    let dir = root.join(format!("rev{rev}"));
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..count {
        let dmp = revision(i, rev);
        dmpgraph_dev::write_xlsx(
            &dmp,
            &dmpgraph_dev::generated_style(5000 + i),
            &dir.join(format!("plan-{i}.xlsx")),
        )
        .unwrap();
    }
    dir
}

/// What one read of a record saw.
#[derive(Debug, PartialEq)]
enum Seen {
    /// The record is not there.
    Absent,
    /// Wholly this revision.
    Revision(u32),
}

/// The revision tags of `text`'s literals (`rev3: …`), with how many.
fn revisions_in(text: &str) -> HashMap<u32, usize> {
    let mut out = HashMap::new();
    for part in text.split("rev").skip(1) {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        if part[digits.len()..].starts_with(':') {
            if let Ok(n) = digits.parse() {
                *out.entry(n).or_insert(0) += 1;
            }
        }
    }
    out
}

/// Reads plan `i` once over SPARQL (alternately its record page), and says
/// what it saw; a mixed or partial record is an error.
fn read_once(
    agent: &ureq::Agent,
    base: &str,
    i: u64,
    expected_literals: usize,
    page: bool,
) -> Result<Seen, String> {
    let id = revision(i, 0).id().to_string();
    let (status, body) = if page {
        let url = format!("{base}/record/{id}?format=ntriples");
        let mut r = agent.get(&url).call().map_err(|e| e.to_string())?;
        (
            r.status().as_u16(),
            r.body_mut().read_to_string().unwrap_or_default(),
        )
    } else {
        let q = format!(
            "SELECT ?o WHERE {{ GRAPH <{BASE}record/{id}> {{ ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(STR(?o), \"rev\")) }} }}"
        );
        let mut r = agent
            .get(&format!("{base}/sparql?query={}", enc(&q)))
            .header("Accept", "text/tab-separated-values")
            .call()
            .map_err(|e| e.to_string())?;
        (
            r.status().as_u16(),
            r.body_mut().read_to_string().unwrap_or_default(),
        )
    };
    if page && (status == 404 || status == 410) {
        return Ok(Seen::Absent);
    }
    if status != 200 {
        return Err(format!("status {status}: {body}"));
    }
    let revs = revisions_in(&body);
    match revs.len() {
        0 => Ok(Seen::Absent),
        1 => {
            let (rev, n) = revs.into_iter().next().unwrap();
            if n == expected_literals {
                Ok(Seen::Revision(rev))
            } else {
                Err(format!(
                    "plan {i}: {n} of its {expected_literals} revision-{rev} values (half-written)"
                ))
            }
        }
        _ => Err(format!("plan {i}: revisions mixed: {revs:?}")),
    }
}

/// Sixteen readers querying plans `0..count` until stopped. Each checks
/// that a record is wholly one revision, never a mix, never partial; that
/// it is never missing (but for those in `may_vanish`, and, when
/// `appearing`, before the reader first saw it); and that what one reader
/// sees never goes back to an older revision.
struct Readers {
    stop: Arc<AtomicBool>,
    reads: Arc<AtomicU64>,
    errors: Arc<Mutex<Vec<String>>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Readers {
    fn start(base: &str, count: u64, may_vanish: &[u64]) -> Readers {
        Readers::start_with(base, count, may_vanish, false)
    }

    fn start_with(base: &str, count: u64, may_vanish: &[u64], appearing: bool) -> Readers {
        let expected: Vec<usize> = (0..count)
            .map(|i| 1 + 2 * revision(i, 0).datasets.len())
            .collect();
        let stop = Arc::new(AtomicBool::new(false));
        let reads = Arc::new(AtomicU64::new(0));
        let errors = Arc::new(Mutex::new(Vec::new()));
        let threads = (0..16)
            .map(|r| {
                let (stop, reads, errors) = (stop.clone(), reads.clone(), errors.clone());
                let base = base.to_string();
                let expected = expected.clone();
                let may_vanish = may_vanish.to_vec();
                std::thread::spawn(move || {
                    let agent = agent();
                    let mut last: HashMap<u64, u32> = HashMap::new();
                    let mut k = r as u64;
                    while !stop.load(Ordering::SeqCst) {
                        let i = k % count;
                        k += 1;
                        let page = k.is_multiple_of(3);
                        match read_once(&agent, &base, i, expected[i as usize], page) {
                            Ok(Seen::Revision(rev)) => {
                                if let Some(&before) = last.get(&i) {
                                    if rev < before {
                                        errors.lock().unwrap().push(format!(
                                            "plan {i}: revision {rev} read after {before}"
                                        ));
                                    }
                                }
                                last.insert(i, rev);
                            }
                            Ok(Seen::Absent) if may_vanish.contains(&i) => {}
                            Ok(Seen::Absent) if appearing && !last.contains_key(&i) => {}
                            Ok(Seen::Absent) => {
                                errors.lock().unwrap().push(format!("plan {i}: missing"))
                            }
                            // A connection cut by a killed server is not a read.
                            Err(e) if stop.load(Ordering::SeqCst) => drop(e),
                            Err(e) if e.contains("onnection") || e.contains("io:") => {
                                std::thread::sleep(Duration::from_millis(20));
                                continue;
                            }
                            Err(e) => errors.lock().unwrap().push(e),
                        }
                        reads.fetch_add(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        Readers {
            stop,
            reads,
            errors,
            threads,
        }
    }

    /// Stops the readers; returns how many reads they made, after checking
    /// that none saw a record mixed, partial, missing or going back.
    fn finish(self) -> u64 {
        self.stop.store(true, Ordering::SeqCst);
        for t in self.threads {
            t.join().unwrap();
        }
        let errors = self.errors.lock().unwrap();
        assert!(
            errors.is_empty(),
            "readers saw: {:#?}",
            &errors[..errors.len().min(20)]
        );
        self.reads.load(Ordering::SeqCst)
    }
}

fn ingest_json(store: &Path, path: &Path) -> serde_json::Value {
    json(&ingest_ok(store, &["--json"], path))
}

fn statuses(report: &serde_json::Value) -> Vec<String> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["status"].as_str().unwrap().to_string())
        .collect()
}

fn stats(store: &Path) -> serde_json::Value {
    let out = run(&["stats", "--store", s(store), "--verify", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let doc = json(&out);
    assert_eq!(doc["inconsistencies"], serde_json::json!([]), "{doc}");
    doc["stats"].clone()
}

#[test]
fn ingest_and_delete_reach_a_running_server_and_the_change_log() {
    let store = ingested_examples();
    let inputs = tempfile::tempdir().unwrap();
    let v0 = write_revision(inputs.path(), 1, 0);
    let id = revision(0, 0).id().to_string();
    let server = Server::start(store.path(), &[]);
    let ask = |server: &Server| {
        let q = format!("ASK {{ GRAPH <{BASE}record/{id}> {{ ?s ?p ?o }} }}");
        get(
            server,
            &format!("/sparql?query={}", enc(&q)),
            "application/json",
        )
        .body
    };
    assert!(ask(&server).contains("false"));
    let before = stats(store.path())["last_seq"].as_u64().unwrap();

    // Ingest while the server holds the store: handed to it, answered at once.
    let report = ingest_json(store.path(), &v0);
    assert_eq!(statuses(&report), ["created"]);
    assert!(
        ask(&server).contains("true"),
        "the next query shows the change"
    );
    let st = stats(store.path());
    assert_eq!(st["last_seq"].as_u64().unwrap(), before + 1, "{st}");
    let shown = json(&run(&["show", "--store", s(store.path()), "--json", &id]));
    assert_eq!(shown["record"]["seq"].as_u64(), Some(before + 1));
    assert_eq!(shown["record"]["key"], format!("dmp:{id}"));

    // Delete: gone from every view, a tombstone and a new change stay.
    let out = run(&["delete", "--store", s(store.path()), &id]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("deleted"), "{}", stdout(&out));
    assert!(ask(&server).contains("false"));
    let page = get(&server, &format!("/record/{id}"), "text/html");
    assert_eq!(page.status, 410, "{}", page.body);
    let shown = run(&["show", "--store", s(store.path()), &id]);
    assert_eq!(shown.status.code(), Some(0), "{}", stderr(&shown));
    assert!(stdout(&shown).contains("deleted  20"), "{}", stdout(&shown));
    let st = stats(store.path());
    assert_eq!(st["last_seq"].as_u64().unwrap(), before + 2);
    assert_eq!(st["deleted"].as_u64(), Some(1));
    let again = run(&["delete", "--store", s(store.path()), &id]);
    assert!(
        stdout(&again).contains("already deleted"),
        "{}",
        stdout(&again)
    );
    let unknown = run(&["delete", "--store", s(store.path()), "99zz9999999h9999"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stdout(&unknown).contains("no record"),
        "{}",
        stdout(&unknown)
    );

    // Ingesting the deleted plan again revives it, as a new change.
    let report = ingest_json(store.path(), &v0);
    assert_eq!(statuses(&report), ["revived"]);
    assert!(ask(&server).contains("true"));
    assert_eq!(
        stats(store.path())["last_seq"].as_u64().unwrap(),
        before + 3
    );
    drop(server);
    // And the store is consistent once the server is gone.
    assert_eq!(stats(store.path())["deleted"].as_u64(), Some(0));
}

#[test]
fn sixteen_readers_never_see_a_record_half_written_or_missing() {
    const PLANS: u64 = 6;
    const ROUNDS: u32 = 8;
    let inputs = tempfile::tempdir().unwrap();
    let store = tempfile::tempdir().unwrap();
    ingest_ok(store.path(), &[], &write_revision(inputs.path(), PLANS, 0));
    let server = Server::start(store.path(), &[]);
    // Plan 0 is deleted and revived along the way: it may be absent.
    let readers = Readers::start(&server.base, PLANS, &[0]);
    let started = Instant::now();
    let mut writes = 0;
    for rev in 1..=ROUNDS {
        let dir = write_revision(inputs.path(), PLANS, rev);
        let report = ingest_json(store.path(), &dir);
        let st = statuses(&report);
        assert!(
            st.iter().all(|s| s == "updated" || s == "revived"),
            "{st:?}"
        );
        writes += PLANS;
        if rev.is_multiple_of(3) {
            let id = revision(0, 0).id().to_string();
            let out = run(&["delete", "--store", s(store.path()), &id]);
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            writes += 1;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let reads = readers.finish();
    println!(
        "16 readers made {reads} reads over HTTP (SPARQL and record pages) while {writes} records were replaced or deleted in {seconds:.1} s: none saw a record half-written, mixed, missing or going back"
    );
    assert!(reads >= 16 * u64::from(ROUNDS), "{reads} reads");
    drop(server);
    stats(store.path());
}

#[test]
fn new_records_arrive_whole_under_sixteen_readers() {
    // 120 new plans handed to a running server in one ingest, in two rounds
    // (32 plans, then 88: some 20,000 quads in one write batch): each record
    // appears to readers whole or not at all, and once seen, stays.
    const PLANS: u64 = 120;
    let inputs = tempfile::tempdir().unwrap();
    let store = tempfile::tempdir().unwrap();
    // The store holds one other plan (so it is not empty, and is served).
    let other = inputs.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    dmpgraph_dev::write_xlsx(
        &revision(PLANS, 0),
        &dmpgraph_dev::generated_style(5000 + PLANS),
        &other.join("plan.xlsx"),
    )
    .unwrap();
    ingest_ok(store.path(), &[], &other);
    let server = Server::start(store.path(), &[]);
    let dir = write_revision(inputs.path(), PLANS, 0);
    let readers = Readers::start_with(&server.base, PLANS, &[], true);
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let report = ingest_json(store.path(), &dir);
    let seconds = started.elapsed().as_secs_f64();
    assert!(statuses(&report).iter().all(|s| s == "created"), "{report}");
    // A last look: every plan is there, whole.
    std::thread::sleep(Duration::from_millis(300));
    let reads = readers.finish();
    let agent = agent();
    let expected = |i: u64| 1 + 2 * revision(i, 0).datasets.len();
    for i in 0..PLANS {
        assert_eq!(
            read_once(&agent, &server.base, i, expected(i), false),
            Ok(Seen::Revision(0)),
            "plan {i}"
        );
    }
    println!(
        "16 readers made {reads} reads over HTTP while {PLANS} new records were written in {seconds:.1} s: none saw one half-written or vanishing"
    );
    drop(server);
    stats(store.path());
}

#[test]
fn a_sigkill_at_every_step_of_a_write_under_load_loses_nothing() {
    const PLANS: u64 = 4;
    let inputs = tempfile::tempdir().unwrap();
    let v0 = write_revision(inputs.path(), PLANS, 0);
    let v1 = write_revision(inputs.path(), PLANS, 1);
    for stage in FAULT_STAGES {
        let store = tempfile::tempdir().unwrap();
        ingest_ok(store.path(), &[], &v0);
        let mut server = Server::start_with_env(store.path(), &[], &[("DMPGRAPH_FAULT", stage)]);
        let readers = Readers::start(&server.base, PLANS, &[]);
        let ingest = bin()
            .args(["ingest", "--store", s(store.path()), "--json", s(&v1)])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let t = Instant::now();
        while !server
            .log
            .lock()
            .unwrap()
            .contains(&format!("DMPGRAPH_FAULT={stage}"))
        {
            assert!(
                t.elapsed() < Duration::from_secs(60),
                "{stage}: never reached: {}",
                server.log.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        // Let the readers read the stopped server for a moment, then kill it.
        std::thread::sleep(Duration::from_millis(300));
        server.child.kill().unwrap(); // SIGKILL
        server.child.wait().unwrap();
        let ingest = ingest.wait_with_output().unwrap();
        let reads = readers.finish();
        let acknowledged = ingest.status.success();
        println!(
            "{stage}: killed; {reads} consistent reads under load; the ingest was {}",
            if acknowledged {
                "answered before the kill"
            } else {
                "cut off"
            }
        );
        // Opening the store replays the journal: nothing half-applied, and
        // the round (journaled before this step) wholly there.
        let st = stats(store.path());
        assert_eq!(st["records"]["dmp"].as_u64(), Some(PLANS), "{stage}: {st}");
        let restarted = Server::start(store.path(), &[]);
        let readers = Readers::start(&restarted.base, PLANS, &[]);
        let expected: Vec<usize> = (0..PLANS)
            .map(|i| 1 + 2 * revision(i, 0).datasets.len())
            .collect();
        let agent = agent();
        for i in 0..PLANS {
            assert_eq!(
                read_once(&agent, &restarted.base, i, expected[i as usize], false),
                Ok(Seen::Revision(1)),
                "{stage}: plan {i}"
            );
        }
        // Writing the same again changes nothing: the change is whole.
        let report = ingest_json(store.path(), &v1);
        assert!(
            statuses(&report).iter().all(|s| s == "unchanged"),
            "{stage}: {report}"
        );
        readers.finish();
        drop(restarted);
        stats(store.path());
    }
}
