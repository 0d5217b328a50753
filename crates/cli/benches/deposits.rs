//! AMED's deposit questions at AMED's scale, one command. N generated plans
//! (default 30,000, AMED's volume over about ten years; `dmpgraph-dev`'s
//! linkset generator, about three dataset entries a plan) and their
//! harvested deposits (default 100,000 records) are stored as `dmpgraph
//! ingest` and `dmpgraph harvest` store them, with the example plans
//! (through `dmpgraph ingest`, which writes the catalog and vocabulary
//! graphs too). Then, each through the binary:
//!
//! 1. `dmpgraph link run` (the linker over the store, its links written
//!    through the writer), then once more with nothing changed (no plan is
//!    linked again);
//! 2. `dmpgraph report deposits --format json` (target: ≤ 10 s);
//! 3. over `dmpgraph serve`'s `/sparql`, the question "which planned
//!    datasets are overdue", asked side by side two ways: from the deposit
//!    facts `link run` keeps per plan (`dmpg:depositOutcome`,
//!    `dmpg:dueDate`; target: ≤ 1 s), and from the plans alone, as the
//!    librarians' query `examples/queries/02-overdue-not-public.rq` asks it
//!    (the peer the issue names: 2.7 s at 1,000 plans, beyond 120 s at
//!    30,000). The first must give exactly the report's overdue entries.
//!
//! `cargo bench --workspace --bench deposits [-- --plans 30000] [--records 100000] [--repeat 5] [--budget 300]`
//!
//! `--budget` is the client's timeout for one SPARQL request, in seconds
//! (a request past it is reported as such). The store is written under
//! `DMPGRAPH_BENCH_DIR` (default: the system's temporary folder; about
//! 3.5 GB at 30,000 plans) and removed at the end (kept with
//! `DMPGRAPH_BENCH_KEEP=1`).

mod common;

use common::{arg, build_linked_store, dmpgraph_timed as timed, start_dmpgraph};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use std::path::Path;
use std::time::{Duration, Instant};

/// The day the figures hold for (the generator's statuses hold for it too).
const TODAY: &str = "2026-12-01";

/// "Which planned datasets are overdue", read from the deposit facts.
const FROM_FACTS: &str = r#"PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dmpg: <https://w3id.org/dmpgraph/ns#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?entry ?dataset ?due ?days WHERE {
  BIND(xsd:date(SUBSTR(STR(NOW()), 1, 10)) AS ?today)
  ?entry dmpg:depositOutcome "not_deposited" ; dmpg:dueDate ?due .
  FILTER(?due < ?today)
  OPTIONAL { ?entry dcterms:title ?dataset }
  BIND(xsd:integer(REPLACE(STR(?today - ?due), "^P([0-9]+)D$", "$1")) AS ?days)
}
ORDER BY DESC(?days) ?entry"#;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// One SPARQL request (GET, JSON results): the rows and the time, or why
/// it failed.
fn ask(agent: &ureq::Agent, url: &str, query: &str) -> Result<(usize, f64), String> {
    let query = query.replace(
        "NOW()",
        &format!("\"{TODAY}T00:00:00Z\"^^<http://www.w3.org/2001/XMLSchema#dateTime>"),
    );
    let t0 = Instant::now();
    let (status, body) = common::status_and_body(
        agent
            .get(&format!(
                "{url}?query={}",
                utf8_percent_encode(&query, NON_ALPHANUMERIC)
            ))
            .header("Accept", "application/sparql-results+json")
            .call(),
    )?;
    let secs = t0.elapsed().as_secs_f64();
    if status != 200 {
        return Err(format!("HTTP {status}: {}", String::from_utf8_lossy(&body)));
    }
    let json: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    let rows = json
        .pointer("/results/bindings")
        .and_then(|b| b.as_array())
        .map_or(0, Vec::len);
    Ok((rows, secs))
}

fn main() {
    let plans: usize = arg("--plans", 30_000);
    let records: usize = arg("--records", 100_000);
    let repeat: usize = arg("--repeat", 5).max(1);
    let budget: u64 = arg("--budget", 300);
    let root = match std::env::var_os("DMPGRAPH_BENCH_DIR") {
        Some(d) => tempfile::tempdir_in(d),
        None => tempfile::tempdir(),
    }
    .unwrap();
    let store = root.path().join("store");
    let (entries, deposits) = build_linked_store(&store, plans, records);

    let (out, link_secs) = timed(&["link", "run", "--json"], &store);
    let summary: serde_json::Value = serde_json::from_slice(&out).unwrap();
    println!(
        "link run: {plans} plans, {entries} entries against {deposits} deposits: {link_secs:.1} s ({} links: {})",
        summary["new"],
        summary["by_status"]
    );
    // Again, nothing changed: no plan is linked again.
    let (out, again_secs) = timed(&["link", "run", "--json"], &store);
    let again: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(again["plans_linked"], 0, "{again}");
    assert_eq!(
        again["new"].as_u64().unwrap() + again["changed"].as_u64().unwrap(),
        0
    );
    println!(
        "link run again, nothing changed: {again_secs:.1} s ({} plans unchanged, {} linked again)",
        again["plans_unchanged"], again["plans_linked"]
    );

    let mut report_secs = Vec::new();
    let mut overdue = 0;
    let mut rows = 0;
    for _ in 0..repeat.min(3) {
        let (out, secs) = timed(
            &["report", "deposits", "--format", "json", "--today", TODAY],
            &store,
        );
        let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let all = report["rows"].as_array().cloned().unwrap_or_default();
        rows = all.len();
        overdue = all.iter().filter(|r| r["status"] == "overdue").count();
        report_secs.push(secs);
    }
    let report_secs = median(report_secs);
    println!(
        "report deposits: {rows} entries, {overdue} overdue, in {report_secs:.2} s (median of {}; target ≤ 10 s)",
        repeat.min(3)
    );

    let server = start_dmpgraph(&store, root.path().join("serve.log"));
    let agent = ureq::Agent::new_with_config(
        ureq::config::Config::builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(budget)))
            .build(),
    );
    let old = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/queries/02-overdue-not-public.rq"),
    )
    .unwrap();
    let mut figures = Vec::new();
    for (name, query, times) in [
        ("from the deposit facts", FROM_FACTS, repeat),
        (
            "from the plans alone (query 02)",
            old.as_str(),
            repeat.min(3),
        ),
    ] {
        // A warm-up, then the timed requests.
        let warm = ask(&agent, &server.url, query);
        let mut secs = Vec::new();
        let mut answer = warm.clone().map(|(r, _)| r);
        if warm.is_ok() {
            for _ in 0..times {
                match ask(&agent, &server.url, query) {
                    Ok((r, s)) => {
                        secs.push(s);
                        answer = Ok(r);
                    }
                    Err(e) => {
                        answer = Err(e);
                        break;
                    }
                }
            }
        }
        let line = match (&answer, secs.is_empty()) {
            (Ok(r), false) => format!(
                "{name}: {r} rows, median {:.3} s of {}",
                median(secs.clone()),
                secs.len()
            ),
            (Err(e), _) => format!("{name}: no answer within {budget} s ({e})"),
            (Ok(_), true) => format!("{name}: no timed answer"),
        };
        println!("sparql overdue, {line}");
        figures.push((answer, secs));
    }
    if let Ok(rows) = &figures[0].0 {
        assert_eq!(
            *rows, overdue,
            "the deposit facts name {rows} overdue entries, the report {overdue}"
        );
    }
    drop(server);
    if std::env::var_os("DMPGRAPH_BENCH_KEEP").is_some() {
        eprintln!("the store is kept at {}", store.display());
        let _ = root.keep();
    }
}
