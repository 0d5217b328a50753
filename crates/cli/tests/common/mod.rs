//! Helpers for end-to-end tests over the real `dmpgraph` binary.

#![allow(dead_code)]

pub mod engines;
pub mod http;
pub mod irdb;
#[allow(unused_imports)] // each test file uses a different subset
pub use http::*;

#[allow(unused_imports)] // each test file uses a different subset
pub use dmpgraph_dev::testing::{python_ready, run_python, standards_dir, tool_ready};
use dmpgraph_dev::{write_xlsx, Sample};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const TODAY: &str = "2026-11-01";

/// The steps of a write at which `DMPGRAPH_FAULT` stops the writer (for a
/// SIGKILL there): after the journal, the private store, the public store,
/// the registry, and the checkpoint's flush.
pub const FAULT_STAGES: [&str; 5] = [
    "after-journal",
    "after-private",
    "after-public",
    "after-registry",
    "after-flush",
];

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dmpgraph"));
    c.env("DMPGRAPH_TODAY", TODAY)
        .env_remove("DMPGRAPH_STORE")
        .env_remove("DMPGRAPH_FAULT")
        .env_remove("RUST_LOG");
    c
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("dmpgraph runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

/// `dmpgraph ingest --store STORE ARGS… PATH`, asserting that every file
/// was stored (exit status 0).
pub fn ingest_ok(store: &Path, args: &[&str], path: &Path) -> Output {
    let out = bin()
        .args(["ingest", "--store", s(store)])
        .args(args)
        .arg(path)
        .output()
        .expect("dmpgraph runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    out
}

/// The repository's `examples/` folder.
pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// Writes the samples as .xlsx into `dir`.
pub fn write_samples(dir: &Path) -> Vec<(PathBuf, Sample)> {
    dmpgraph_dev::sample_dmps()
        .into_iter()
        .map(|s| {
            let path = dir.join(format!("{}.xlsx", s.file_stem));
            write_xlsx(&s.dmp, &s.style, &path).unwrap();
            (path, s)
        })
        .collect()
}

/// The samples written as workbooks into one folder and ingested into a
/// fresh store: (inputs, store, samples).
pub fn ingested_samples() -> (tempfile::TempDir, tempfile::TempDir, Vec<(PathBuf, Sample)>) {
    let dir = tempfile::tempdir().unwrap();
    let store = tempfile::tempdir().unwrap();
    let samples = write_samples(dir.path());
    ingest_ok(store.path(), &[], dir.path());
    (dir, store, samples)
}

/// Every quad of both stores as sorted N-Quads lines, and the registry.
pub fn dump(store: &Path) -> (Vec<String>, Vec<String>, Vec<dmpgraph_store::RecordEntry>) {
    let stores = dmpgraph_store::Stores::open(store).unwrap();
    let lines = |quads: Vec<oxigraph::model::Quad>| {
        let mut v: Vec<String> = quads.iter().map(|q| q.to_string()).collect();
        v.sort();
        v
    };
    (
        lines(stores.public().quads().unwrap()),
        lines(stores.private().quads().unwrap()),
        stores.public().records().unwrap(),
    )
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The registry entries of plans (not the catalog's).
pub fn plans(entries: &[dmpgraph_store::RecordEntry]) -> Vec<dmpgraph_store::RecordEntry> {
    entries
        .iter()
        .filter(|e| e.kind() == dmpgraph_store::RecordKind::Dmp)
        .cloned()
        .collect()
}

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The examples ingested into a fresh store.
pub fn ingested_examples() -> tempfile::TempDir {
    let store = tempfile::tempdir().unwrap();
    ingest_ok(store.path(), &[], &examples());
    store
}

/// Every private value of the example plans (AMED's blue cells, staff who
/// may not be published, and the e-mail addresses and the other private
/// parts of the maDMP examples, such as the KAKEN example's DMP tool key).
pub fn example_private_values() -> Vec<String> {
    let mut values = Vec::new();
    let mut public = Vec::new();
    for sample in dmpgraph_dev::sample_dmps() {
        for f in sample.dmp.fields() {
            if let dmpgraph_model::Value::Text(t) = &f.value {
                if f.visibility == dmpgraph_model::Visibility::Private {
                    values.push(t.clone());
                } else {
                    public.push(t.clone());
                }
            }
        }
    }
    for entry in std::fs::read_dir(examples().join("madmp")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        collect_mbox(&doc, &mut values);
        let parts = dmpgraph_rdf::Mapping::builtin()
            .madmp_private_parts(&doc, dmpgraph_madmp::detect_version(&doc))
            .unwrap();
        for (pointer, _) in parts.iter() {
            collect_strings(doc.pointer(pointer).unwrap(), &mut values);
        }
    }
    values.sort();
    values.dedup();
    // A private value that is also (part of) a public one — the 機関名 of an
    // unpublishable staff row, a 役職 such as 教授 — cannot be told apart.
    values.retain(|v| !public.iter().any(|p| p.contains(v.as_str())));
    assert!(values.len() > 20, "{values:?}");
    values
}

/// Checks maDMP documents (`{"name", "version", "json", "forbidden",
/// "foreign_keys"}`) with third-party tools (`check_exports.py`: the
/// official schema of each version with format checking, JSON-LD
/// expansion, RDF, private values); a missing standards folder or Python
/// tool skips, and fails under `CI=true`.
pub fn check_madmp_documents(documents: &[serde_json::Value]) {
    let Some(standards) = standards_dir() else {
        return;
    };
    if !python_ready("jsonschema, pyld, rdflib, rfc3339_validator") {
        return;
    }
    let task = serde_json::json!({
        "schemas": standards.join("madmp"),
        "context": repo_root().join("ontologies/madmp-context.jsonld"),
        "documents": documents,
    });
    let report = run_python(
        &repo_root().join("crates/madmp/tests/python/check_exports.py"),
        &task,
    );
    assert!(
        report.contains(&format!(
            "{} documents checked, 0 problems",
            documents.len()
        )),
        "{report}"
    );
}

/// Whether `text` reveals the private `value`. A value of ASCII letters and
/// digits only (a phone extension such as `4533`) turns up by chance inside
/// the random tokens of any output — blank-node labels, resumption tokens,
/// hashes, nanosecond record versions — so a match of such a value counts
/// only where it stands apart from other ASCII letters and digits, as a
/// leaked extension would (`03-1234-4533`, `内線4533`). Any other value
/// counts wherever it occurs.
pub fn reveals(text: &str, value: &str) -> bool {
    let token = |c: char| c.is_ascii_alphanumeric();
    if !value.chars().all(token) {
        return text.contains(value);
    }
    text.match_indices(value).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + value.len()..].chars().next();
        !before.is_some_and(token) && !after.is_some_and(token)
    })
}

fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Object(m) => m.values().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

fn collect_mbox(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                if k == "mbox" {
                    out.extend(v.as_str().map(str::to_owned));
                }
                collect_mbox(v, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_mbox(v, out)),
        _ => {}
    }
}

/// `dmpgraph` with every harvested service pointed at the fixture server
/// `server` (its DataCite, Crossref, JaLC, doi.org and DDBJ look-alikes).
#[allow(dead_code)] // not every test harvests
pub fn bin_against(server: &dmpgraph_dev::fixture_server::FixtureServer) -> Command {
    let mut c = bin();
    for (var, prefix) in [
        ("DMPGRAPH_DATACITE_URL", "datacite"),
        ("DMPGRAPH_CROSSREF_URL", "crossref"),
        ("DMPGRAPH_JALC_URL", "jalc"),
        ("DMPGRAPH_DOI_RA_URL", "doi-ra"),
        ("DMPGRAPH_DDBJ_URL", "ddbj"),
    ] {
        c.env(var, server.base(prefix));
    }
    c
}

/// The DOIs the example plans name that were never registered (a planned
/// dataset not deposited yet, or deposited elsewhere): `harvest referenced`
/// reports each as a failure and exits 1, storing the rest.
pub const NEVER_REGISTERED: [&str; 4] = [
    "10.14989/289123",
    "10.18908/dra.drp012345",
    "10.18908/lsdba.nbdc04560-001",
    "10.2210/pdb9xyz/pdb",
];

/// `dmpgraph harvest ARGS… --json -q` with every service pointed at
/// `server`: its exit status and its summary.
pub fn harvest(
    server: &dmpgraph_dev::fixture_server::FixtureServer,
    store: &Path,
    args: &[&str],
) -> (Option<i32>, serde_json::Value) {
    let mut c = bin_against(server);
    let out = c
        .env("DMPGRAPH_CONTACT", "queries@example.org")
        .arg("harvest")
        .args(args)
        .args(["--json", "-q", "--store", s(store)])
        .output()
        .expect("dmpgraph runs");
    (out.status.code(), json(&out))
}

/// The examples as a librarian's store holds them: ingested, the deposits
/// their plans point at harvested (`harvest referenced`), then everything
/// AMED funded (`harvest funder`), all from the fixture server serving
/// [`World::example_deposits`] on 127.0.0.1, then linked (`link run`, the
/// default thresholds).
pub fn linked_examples() -> tempfile::TempDir {
    let store = ingested_examples();
    let fixtures = dmpgraph_dev::fixture_server::FixtureServer::start(
        dmpgraph_dev::fixture_server::World::example_deposits(),
        dmpgraph_dev::fixture_server::ServeOptions::default(),
    );

    let (code, summary) = harvest(&fixtures, store.path(), &["referenced"]);
    let mut failed: Vec<&str> = summary["failed"]
        .as_array()
        .expect("a summary with its failures")
        .iter()
        .map(|f| f["target"].as_str().unwrap_or_default())
        .collect();
    failed.sort_unstable();
    assert_eq!(
        (code, failed.as_slice()),
        (Some(1), NEVER_REGISTERED.as_slice()),
        "harvest referenced: {summary:#}"
    );
    assert_eq!(summary["new"], 12, "harvest referenced: {summary:#}");

    let (code, summary) = harvest(&fixtures, store.path(), &["funder"]);
    assert_eq!(code, Some(0), "harvest funder: {summary:#}");
    // The AMED-funded records not referenced by any plan: two DataCite
    // datasets found for the plans' grants, two of other projects, a
    // registry's data dictionary, and the JGA study and BioProject found by
    // their grant titles; the JSPS-funded record is not AMED's.
    assert_eq!(
        (summary["new"].as_u64(), summary["skipped"].as_u64()),
        (Some(7), Some(1)),
        "harvest funder: {summary:#}"
    );
    drop(fixtures);

    let out = run(&["link", "run", "--json", "--store", s(store.path())]);
    assert_eq!(out.status.code(), Some(0), "link run: {}", stderr(&out));
    let summary = json(&out);
    assert_eq!(
        summary["conflicts"].as_array().map(Vec::len),
        Some(0),
        "link run: {summary:#}"
    );
    assert!(summary["new"].as_u64() > Some(0), "link run: {summary:#}");
    store
}
