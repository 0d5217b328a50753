//! An existing SPARQL engine behind `/sparql` (`[backend]`): Oxigraph's
//! server and Virtuoso 7, each the backend of a `dmpgraph serve` over the
//! examples.
//!
//! For each engine, over the examples with their deposits harvested and
//! linked (`common::linked_examples`): `/sparql` answers every librarians'
//! query as the embedded store does (`dmpgraph query`, which reads the local store even
//! while the server runs); a deleted record leaves the engine and comes
//! back when ingested again; an engine killed mid-run catches up when it
//! is back, with the position where it should be; an offline ingest is
//! caught up when `serve` starts; `/sparql` says 502 naming the engine
//! while it is down; and no private value of the store ever reaches the
//! engine (everything dumped from it, by SELECT and CONSTRUCT over
//! `GRAPH ?g`, searched for every private value of the examples).
//!
//! Compared how: SELECT answers as multisets of rows (each row its sorted
//! `?var=term` pairs, the terms in N-Triples form; row order is not
//! compared: ties of an ORDER BY may come in any order), ASK as booleans,
//! CONSTRUCT as sets of N-Triples lines. Virtuoso's literal forms
//! (`"1"^^xsd:boolean`, dateTime fractions) are made canonical by dmpgraph
//! itself before it answers, so no normalisation is needed here.

mod common;

use common::engines::{canonical, engine_ready, EngineProcess};
use common::*;
use std::path::Path;
use std::time::{Duration, Instant};

/// The instant `NOW()` stands for (as `queries.rs` fixes it).
const NOW: &str = "\"2026-11-01T00:00:00Z\"^^<http://www.w3.org/2001/XMLSchema#dateTime>";

/// Whether a query uses date arithmetic (`date - date`, `date +
/// duration`), which SPARQL 1.1 does not define: Virtuoso answers seconds
/// and no rows where oxigraph answers XPath durations. The librarians'
/// queries count days and months from YEAR/MONTH/DAY instead.
fn uses_date_arithmetic(text: &str) -> bool {
    let text: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    text.contains("STR(?today - ?")
        || text.contains("STR(?planned - ?")
        || text.contains("^^xsd:yearMonthDuration")
}

fn is_graph_query(text: &str) -> bool {
    let body: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
        .to_uppercase();
    body.contains("CONSTRUCT") || body.contains("DESCRIBE")
}

/// A query through `/sparql` (the engine's answer, written by dmpgraph).
fn through_sparql(server: &Server, query: &str, accept: &str) -> Reply {
    post(server, "/sparql", "application/sparql-query", query, accept)
}

/// `dmpgraph stats --json`: (last change, the engine's position, behind,
/// last error).
fn position(store: &Path) -> (u64, Option<u64>, Option<String>) {
    let out = run(&["stats", "--json", "--store", s(store)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    let last = v["stats"]["last_seq"].as_u64().unwrap();
    let replica = v["replicas"].as_array().and_then(|a| a.first()).cloned();
    (
        last,
        replica.as_ref().and_then(|r| r["seq"].as_u64()),
        replica.and_then(|r| r["last_error"].as_str().map(str::to_owned)),
    )
}

/// Waits until the engine has every change of the log.
fn caught_up(store: &Path) -> u64 {
    let t = Instant::now();
    loop {
        let (last, seq, error) = position(store);
        if seq == Some(last) {
            return last;
        }
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "the engine did not catch up: change {seq:?} of {last} ({error:?})"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn has_graph(engine: &EngineProcess, graph: &str) -> bool {
    let body = engine.ask(
        &format!("ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"),
        "application/sparql-results+json",
    );
    canonical(&body, false) == ["true"]
}

fn serve(store: &Path, engine: &EngineProcess, work: &Path) -> Server {
    let args = engine.serve_args(work);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Server::start(store, &args)
}

/// A maDMP plan not among the examples (another `dmp_id` and title).
fn another_plan(work: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(examples().join("madmp/jst-crest-sfts-1.2.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["dmp"]["dmp_id"]["identifier"] =
        "https://dmp.example.org/plans/while-the-engine-was-down".into();
    doc["dmp"]["title"] = "A plan stored while the engine was down 𠮷".into();
    let path = work.join("another.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    path
}

const ANOTHER_GRAPH: &str =
    "http://localhost:8080/record/https%3A%2F%2Fdmp.example.org%2Fplans%2Fwhile-the-engine-was-down";

fn exercise(mut engine: EngineProcess) {
    let kind = engine.kind;
    let work = tempfile::tempdir().unwrap();
    // The examples with their deposits harvested and linked, so that the
    // deposit queries (17–21) have rows to compare.
    let store = linked_examples();
    let server = serve(store.path(), &engine, work.path());
    let last = caught_up(store.path());
    assert!(last >= 12, "{last}");

    // Every librarians' query: the engine through /sparql, and the
    // embedded store through `dmpgraph query`.
    let mut differ = Vec::new();
    let mut compared = 0;
    let mut empty = Vec::new();
    for entry in std::fs::read_dir(repo_root().join("examples/queries")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "rq") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("NOW()", NOW);
        assert!(
            !uses_date_arithmetic(&text),
            "{name} uses date arithmetic, which engines answer differently: count days from YEAR/MONTH/DAY"
        );
        let graph = is_graph_query(&text);
        let (format, accept) = if graph {
            ("ntriples", "application/n-triples")
        } else {
            ("json", "application/sparql-results+json")
        };
        let file = work.path().join(&name);
        std::fs::write(&file, &text).unwrap();
        let embedded = run(&[
            "query",
            "--store",
            s(store.path()),
            "--format",
            format,
            &format!("@{}", s(&file)),
        ]);
        assert_eq!(
            embedded.status.code(),
            Some(0),
            "{name}: {}",
            stderr(&embedded)
        );
        let remote = through_sparql(&server, &text, accept);
        assert_eq!(remote.status, 200, "{kind:?} {name}: {}", remote.body);
        compared += 1;
        let (ours, theirs) = (
            canonical(&stdout(&embedded), graph),
            canonical(&remote.body, graph),
        );
        if ours.is_empty() {
            empty.push(name.clone());
        }
        if ours != theirs {
            let only = |a: &[String], b: &[String]| {
                a.iter()
                    .filter(|x| !b.contains(x))
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
            };
            differ.push(format!(
                "=== {name}: {} rows embedded, {} through the engine\nonly embedded: {:#?}\nonly engine: {:#?}",
                ours.len(),
                theirs.len(),
                only(&ours, &theirs),
                only(&theirs, &ours)
            ));
        }
    }
    assert!(compared >= 21, "{compared}");
    // Every query has rows over the linked examples: none compares nothing.
    assert_eq!(empty, Vec::<String>::new(), "answers without a row");
    assert!(
        differ.is_empty(),
        "{kind:?}: {} queries differ:\n{}",
        differ.len(),
        differ.join("\n")
    );

    // The formats and limits are dmpgraph's: TSV written from the engine's
    // answer; SERVICE refused before anything is sent.
    let tsv = through_sparql(
        &server,
        "SELECT ?g WHERE { GRAPH ?g { ?s a <http://www.w3.org/ns/dcat#Catalog> } }",
        "text/tab-separated-values",
    );
    assert_eq!(
        (tsv.status, tsv.body.as_str()),
        (200, "?g\n<http://localhost:8080/catalog>\n")
    );
    let service = through_sparql(
        &server,
        "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "application/sparql-results+json",
    );
    assert_eq!(service.status, 403, "{}", service.body);

    // No private value reaches the engine.
    let private = example_private_values();
    let dump = engine.dump();
    assert!(dump.contains("crest-2023-042"));
    let leaked: Vec<&String> = private.iter().filter(|v| reveals(&dump, v)).collect();
    assert!(
        leaked.is_empty(),
        "{kind:?}: private values in the engine: {leaked:?}"
    );

    // A deleted record leaves the engine; ingested again, it comes back.
    let plan = "18km0105001h0001";
    let graph = format!("http://localhost:8080/record/{plan}");
    assert!(has_graph(&engine, &graph));
    let out = run(&["delete", "--store", s(store.path()), plan]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    caught_up(store.path());
    assert!(
        !has_graph(&engine, &graph),
        "{kind:?}: a deleted record is still in the engine"
    );
    ingest_ok(
        store.path(),
        &[],
        &examples().join("amed/biobank-heisei-reiwa.xlsx"),
    );
    caught_up(store.path());
    assert!(
        has_graph(&engine, &graph),
        "{kind:?}: a revived record is not in the engine"
    );

    // default-graph-uri reaches the engine: one record's graph as the
    // default graph.
    let count = |path: &str, query: &str| {
        let r = post(
            &server,
            path,
            "application/sparql-query",
            query,
            "text/tab-separated-values",
        );
        assert_eq!(r.status, 200, "{}", r.body);
        r.body
    };
    let in_graph = count(
        "/sparql",
        &format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"),
    );
    let as_default = count(
        &format!("/sparql?default-graph-uri={}", enc(&graph)),
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    );
    let union = count("/sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }");
    assert_eq!(in_graph, as_default);
    assert_ne!(in_graph, union);

    // The engine killed mid-run: /sparql says so (502, naming it), the
    // position stays behind, and the engine catches up once it is back.
    engine.kill();
    let down = through_sparql(
        &server,
        "ASK { ?s ?p ?o }",
        "application/sparql-results+json",
    );
    assert_eq!(down.status, 502, "{}", down.body);
    assert!(down.body.contains("'backend'"), "{}", down.body);
    let before = position(store.path()).1;
    ingest_ok(store.path(), &[], &another_plan(work.path()));
    let out = run(&["delete", "--store", s(store.path()), "23bm1123045h0001"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::thread::sleep(Duration::from_secs(3));
    let (last, seq, error) = position(store.path());
    assert_eq!(seq, before, "the position moved while the engine was down");
    assert!(last > seq.unwrap());
    assert!(
        error.is_some_and(|e| e.contains("backend")),
        "no failure recorded"
    );
    engine.start();
    caught_up(store.path());
    assert!(
        has_graph(&engine, ANOTHER_GRAPH),
        "{kind:?}: a change made while it was down is missing"
    );
    assert!(!has_graph(
        &engine,
        "http://localhost:8080/record/23bm1123045h0001"
    ));
    // Above the BMP (𠮷, U+20BB7), as written.
    let title = through_sparql(&server, &format!("SELECT ?t WHERE {{ GRAPH <{ANOTHER_GRAPH}> {{ ?d <http://purl.org/dc/terms/title> ?t FILTER(CONTAINS(?t, \"engine was down\")) }} }}"), "text/tab-separated-values");
    assert!(title.body.contains("𠮷"), "{kind:?}: {}", title.body);
    let (_, _, error) = position(store.path());
    assert_eq!(error, None, "the failure is cleared once caught up");
    drop(server);

    // Offline writes (no server) are caught up when serve starts.
    let out = run(&["delete", "--store", s(store.path()), plan]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (last, seq, _) = position(store.path());
    assert!(seq < Some(last));
    let mut args = engine.serve_args(work.path());
    args.extend(["--max-rows".to_string(), "3".to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = Server::start(store.path(), &args);
    caught_up(store.path());
    assert!(!has_graph(&engine, &graph));
    // The row limit is dmpgraph's, whatever the engine answers.
    let big = through_sparql(
        &server,
        "SELECT * WHERE { ?s ?p ?o }",
        "application/sparql-results+json",
    );
    assert_eq!(big.status, 422, "{}", big.body);
}

#[test]
fn oxigraph_server_as_the_backend() {
    if !engine_ready("oxigraph") {
        return;
    }
    exercise(EngineProcess::oxigraph());
}

#[test]
fn virtuoso_as_the_backend() {
    if !engine_ready("virtuoso-t") || !engine_ready("isql-vt") {
        return;
    }
    exercise(EngineProcess::virtuoso());
}

#[test]
fn an_engine_that_does_not_answer_gives_504_naming_it() {
    // A listener that takes connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let store = ingested_examples();
    let url = format!("http://127.0.0.1:{port}");
    let server = Server::start(
        store.path(),
        &[
            "--backend-url",
            &url,
            "--backend-flavour",
            "oxigraph",
            "--query-timeout",
            "1",
        ],
    );
    let t = Instant::now();
    let r = through_sparql(
        &server,
        "ASK { ?s ?p ?o }",
        "application/sparql-results+json",
    );
    assert_eq!(r.status, 504, "{}", r.body);
    assert!(r.body.contains("'backend'"), "{}", r.body);
    assert!(t.elapsed() < Duration::from_secs(10));
    // Nothing was replicated, and stats says so.
    let (last, seq, _) = position(store.path());
    assert!(last > 0 && seq.unwrap_or(0) == 0, "{last} {seq:?}");
}
