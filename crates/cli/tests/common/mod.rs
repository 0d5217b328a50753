//! Helpers for end-to-end tests over the real `dmpgraph` binary.

#![allow(dead_code)]

use dmpgraph_dev::{write_xlsx, Sample};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const TODAY: &str = "2026-11-01";

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
    let out = run(&["ingest", "--store", s(store.path()), s(dir.path())]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    (dir, store, samples)
}

/// Every quad of both stores as sorted N-Quads lines, and the registry.
pub fn dump(store: &Path) -> (Vec<String>, Vec<String>, Vec<dmpgraph_store::RecordEntry>) {
    let stores = dmpgraph_store::Stores::open(store).unwrap();
    let lines = |s: &oxigraph::store::Store| {
        let mut v: Vec<String> = s.iter().map(|q| q.unwrap().to_string()).collect();
        v.sort();
        v
    };
    (
        lines(stores.public()),
        lines(stores.private()),
        stores.records().unwrap(),
    )
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}
