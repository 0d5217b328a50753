//! The data librarians' queries of `examples/queries/`: each `.rq` runs
//! against the example store through `dmpgraph query` and must give exactly
//! the answer written next to it (`.tsv` for SELECT and ASK, `.nt` for
//! CONSTRUCT and DESCRIBE, compared as sorted lines).
//!
//! The example store is the one a librarian would have: the examples
//! ingested, their deposits harvested from the fixture server serving
//! `World::example_deposits` (`dmpgraph harvest referenced`, then
//! `dmpgraph harvest funder`), and linked (`dmpgraph link run`); see
//! `common::linked_examples`.
//!
//! `NOW()` is replaced by a fixed instant, so that the answers of the
//! date-dependent queries do not change with the day the tests run.

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// The instant `NOW()` stands for (the same day as `common::TODAY`).
const NOW: &str = "\"2026-11-01T00:00:00Z\"^^<http://www.w3.org/2001/XMLSchema#dateTime>";

/// At least this many queries are expected.
const MIN_QUERIES: usize = 21;

fn queries_dir() -> PathBuf {
    repo_root().join("examples/queries")
}

/// Every `.rq` file of `examples/queries/`, sorted by name.
fn query_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(queries_dir())
        .expect("examples/queries exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rq"))
        .collect();
    files.sort();
    files
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// How an answer is written and compared.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Answer {
    /// SELECT or ASK: the exact TSV output.
    Tsv,
    /// CONSTRUCT or DESCRIBE: N-Triples, compared as sorted lines.
    NTriples,
}

impl Answer {
    fn format(self) -> &'static str {
        match self {
            Answer::Tsv => "tsv",
            Answer::NTriples => "ntriples",
        }
    }
}

/// The expected answer file of a query and its kind: `NN-name.tsv` or
/// `NN-name.nt`, exactly one of them.
fn expected_file(query: &Path) -> (PathBuf, Answer) {
    let tsv = query.with_extension("tsv");
    let nt = query.with_extension("nt");
    match (tsv.is_file(), nt.is_file()) {
        (true, false) => (tsv, Answer::Tsv),
        (false, true) => (nt, Answer::NTriples),
        (true, true) => panic!(
            "{}: both {} and {} exist; keep the one of the query's form",
            name(query),
            name(&tsv),
            name(&nt)
        ),
        (false, false) => panic!(
            "{}: no expected answer ({} or {})",
            name(query),
            name(&tsv),
            name(&nt)
        ),
    }
}

fn sorted_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines.sort_unstable();
    lines
}

#[test]
fn every_query_is_documented_and_has_an_expected_answer() {
    let queries = query_files();
    assert!(
        queries.len() >= MIN_QUERIES,
        "expected at least {MIN_QUERIES} queries in {}, found {}: {:?}",
        queries_dir().display(),
        queries.len(),
        queries.iter().map(|q| name(q)).collect::<Vec<_>>()
    );
    for query in &queries {
        let text = std::fs::read_to_string(query).unwrap();
        assert!(
            text.starts_with('#'),
            "{} must begin with a # comment (title, question, how to adapt it)",
            name(query)
        );
        let (expected, kind) = expected_file(query);
        let answer = std::fs::read_to_string(&expected).unwrap();
        assert!(
            !answer.trim().is_empty(),
            "{}: the expected answer {} is empty",
            name(query),
            name(&expected)
        );
        let upper = text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
            .to_uppercase();
        let graph_form = upper.contains("CONSTRUCT") || upper.contains("DESCRIBE");
        assert_eq!(
            kind == Answer::NTriples,
            graph_form,
            "{}: a CONSTRUCT or DESCRIBE query is answered by a .nt file, any other by a .tsv file",
            name(query)
        );
    }
    // `dmpgraph ingest examples` reads every .json under examples/ as a maDMP
    // plan: no answer may be written as JSON here.
    for entry in std::fs::read_dir(queries_dir()).unwrap() {
        let path = entry.unwrap().path();
        assert!(
            path.extension().is_none_or(|x| x != "json"),
            "{}: examples/queries must hold no .json file (ingest would read it as a plan)",
            path.display()
        );
    }
}

#[test]
fn every_query_gives_its_expected_answer_on_the_examples() {
    let store = linked_examples();
    let work = tempfile::tempdir().unwrap();
    let queries = query_files();
    assert!(queries.len() >= MIN_QUERIES);
    let mut failures = Vec::new();
    for query in &queries {
        let (expected_path, kind) = expected_file(query);
        let text = std::fs::read_to_string(query)
            .unwrap()
            .replace("NOW()", NOW);
        let file = work.path().join(name(query));
        std::fs::write(&file, &text).unwrap();
        let out = run(&[
            "query",
            "--store",
            s(store.path()),
            "--format",
            kind.format(),
            &format!("@{}", s(&file)),
        ]);
        if out.status.code() != Some(0) {
            failures.push(format!(
                "=== {}: dmpgraph query failed ({:?})\n{}",
                name(query),
                out.status.code(),
                stderr(&out)
            ));
            continue;
        }
        let actual = stdout(&out);
        let expected = std::fs::read_to_string(&expected_path).unwrap();
        let same = match kind {
            Answer::Tsv => actual == expected,
            Answer::NTriples => sorted_lines(&actual) == sorted_lines(&expected),
        };
        if !same {
            let show = |t: &str| match kind {
                Answer::Tsv => t.to_owned(),
                Answer::NTriples => sorted_lines(t).join("\n") + "\n",
            };
            let mut diff = String::new();
            if kind == Answer::NTriples {
                let (want, got) = (sorted_lines(&expected), sorted_lines(&actual));
                for line in want.iter().filter(|l| !got.contains(l)) {
                    diff.push_str(&format!("missing:    {line}\n"));
                }
                for line in got.iter().filter(|l| !want.contains(l)) {
                    diff.push_str(&format!("unexpected: {line}\n"));
                }
            }
            failures.push(format!(
                "=== {} (expected answer: {})\n{diff}--- expected\n{}--- actual\n{}",
                name(query),
                name(&expected_path),
                show(&expected),
                show(&actual)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} queries did not give their expected answer (NOW() = {NOW}):\n\n{}",
        failures.len(),
        queries.len(),
        failures.join("\n")
    );
}

/// Starts `oxigraph serve` (oxigraph's own server, from PyPI) over a store
/// loaded from `dump`, with the union of the graphs as its default graph
/// (what `/sparql` serves); killed when dropped.
struct Mirror {
    child: std::process::Child,
    url: String,
}

impl Drop for Mirror {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn mirror(dump: &Path, location: &Path) -> Mirror {
    let load = std::process::Command::new("oxigraph")
        .args(["load", "--location", s(location), "--file", s(dump)])
        .output()
        .expect("oxigraph load runs");
    assert!(
        load.status.success(),
        "{}",
        String::from_utf8_lossy(&load.stderr)
    );
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap();
    let child = std::process::Command::new("oxigraph")
        .args([
            "serve",
            "--location",
            s(location),
            "--bind",
            &addr.to_string(),
            "--union-default-graph",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("oxigraph serve starts");
    let mirror = Mirror {
        child,
        url: format!("http://{addr}/query"),
    };
    let t = std::time::Instant::now();
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(
            t.elapsed().as_secs() < 60,
            "oxigraph serve does not listen on {addr}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    mirror
}

#[test]
fn a_mirror_of_the_public_dump_answers_every_query_alike() {
    if !tool_ready("oxigraph") {
        return;
    }
    let store = linked_examples();
    let work = tempfile::tempdir().unwrap();
    let dump = work.path().join("all.nq");
    let out = run(&[
        "export",
        "rdf",
        "--store",
        s(store.path()),
        "--all",
        "--format",
        "nquads",
        "--out",
        s(&dump),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mirror = mirror(&dump, &work.path().join("mirror"));
    let server = Server::start(store.path(), &[]);
    let ask = |url: &str, query: &str, accept: &str| {
        let mut r = agent()
            .post(url)
            .header("Content-Type", "application/sparql-query")
            .header("Accept", accept)
            .send(query)
            .expect("request sent");
        assert_eq!(r.status(), 200, "{url}: {query}");
        r.body_mut().read_to_string().unwrap()
    };
    let mut differ = Vec::new();
    let queries = query_files();
    for query in &queries {
        let (_, kind) = expected_file(query);
        let text = std::fs::read_to_string(query)
            .unwrap()
            .replace("NOW()", NOW);
        let accept = match kind {
            Answer::Tsv => "text/tab-separated-values",
            Answer::NTriples => "application/n-triples",
        };
        let ours = ask(&server.url("/sparql"), &text, accept);
        let theirs = ask(&mirror.url, &text, accept);
        assert!(
            sorted_lines(&ours).len() > 1 || kind == Answer::NTriples,
            "{}: no rows",
            name(query)
        );
        if sorted_lines(&ours) != sorted_lines(&theirs) {
            differ.push(format!(
                "=== {}\n--- /sparql\n{ours}--- oxigraph serve\n{theirs}",
                name(query)
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} queries answer differently on a mirror loaded from `export rdf --all`:\n{}",
        differ.len(),
        queries.len(),
        differ.join("\n")
    );
}

#[test]
fn a_madmp_plan_of_another_funder_is_linked_exported_with_its_deposits_and_left_out_of_amed_report()
{
    let store = linked_examples();
    let kaken = "https://doi.org/10.48321/D1KAKEN0001";
    // Its dataset_ids name its deposits: linked explicitly, under its
    // dmp_id, whichever way the dmp_id is written.
    let out = run(&[
        "link",
        "list",
        "--dmp",
        kaken,
        "--format",
        "json",
        "--store",
        s(store.path()),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let links = json(&out);
    let got: Vec<(u64, &str, &str)> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["entry"]["dataset"].as_u64().unwrap(),
                l["deposit"].as_str().unwrap(),
                l["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (1, "jga:JGAD000901", "accepted"),
            (2, "doi:10.5281/zenodo.1234567", "accepted")
        ],
        "{links:#}"
    );
    // Its export shows them: the deposit's repository as the host.
    let out = run(&[
        "export",
        "madmp",
        "--dmp",
        kaken,
        "--store",
        s(store.path()),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = json(&out);
    let hosts: Vec<&str> = doc["dmp"]["dataset"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["distribution"][0]["host"]["title"].as_str().unwrap_or(""))
        .collect();
    assert!(
        hosts[0].contains("JGA") && hosts[1].contains("Zenodo"),
        "{hosts:?}"
    );
    // SPARQL sees the two maDMP plans' four entries: another funder's, with no due date.
    let q = "PREFIX dmpg: <https://w3id.org/dmpgraph/ns#> SELECT (COUNT(?e) AS ?n) (COUNT(?due) AS ?d) \
             WHERE { ?e dmpg:depositOutcome \"other_funder\" OPTIONAL { ?e dmpg:dueDate ?due } }";
    let out = run(&["query", "--store", s(store.path()), "--format", "csv", q]);
    assert_eq!(
        stdout(&out).lines().nth(1).map(str::trim),
        Some("4,0"),
        "{}",
        stdout(&out)
    );
    // AMED's deposit report leaves the other funders' plans out.
    let out = run(&[
        "report",
        "deposits",
        "--format",
        "json",
        "--today",
        "2026-11-01",
        "--store",
        s(store.path()),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    let rows = report["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r["entry"]["plan"]
            .as_str()
            .is_some_and(|p| !p.contains("10.48321") && !p.contains("crest"))),
        "{report:#}"
    );
}
