//! Hostile workbooks end to end: each is refused with a message naming the
//! file and what is wrong, the process does not abort, the good files of the
//! same run are stored, and the peak memory (resident set) of the
//! `dmpgraph` process stays under [`PEAK_LIMIT_KIB`]. Peak RSS is measured
//! by GNU time (`/usr/bin/time -f %M`, Debian package `time`) around the
//! child process and printed.

mod common;

use common::*;
use dmpgraph_dev::{generated_dmp, generated_style, write_hostile, write_xlsx, Hostile};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The most memory a run over hostile files may take.
const PEAK_LIMIT_KIB: u64 = 300 * 1024;
const GNU_TIME: &str = "/usr/bin/time";

/// What the message about each hostile file must say.
fn expected(kind: Hostile) -> &'static str {
    match kind {
        Hostile::VastXlsx | Hostile::VastXlsxLyingDimension | Hostile::VastOds => {
            "sheet 'DMP' spans A1:XFD1048576 (17,179,869,184 cells)"
        }
        Hostile::RepeatedOds => "sheet 'DMP' spans A1:XFD6000 (98,304,000 cells)",
        // Its DIMENSIONS record declares what its cells span.
        Hostile::VastXls => "sheet 'DMP' declares A1:IV65536 (16,777,216 cells)",
        Hostile::LyingDimensionsXls => {
            "sheet 'DMP' declares A1:IU4294967295 (1,095,216,660,225 cells)"
        }
        Hostile::RepeatedStringXlsx | Hostile::RepeatedStringXls => {
            "sheet 'DMP' brings the text of the workbook's cells past 16 MiB"
        }
        Hostile::InflatingXlsx => "xl/worksheets/sheet1.xml declares 1 GiB uncompressed",
        Hostile::InflatingXlsxLyingSize => "xl/worksheets/sheet1.xml inflates past 16 MiB",
    }
}

/// Whether GNU time is there; on CI (`CI=true`) its absence fails the test,
/// elsewhere the test is skipped loudly.
fn gnu_time_ready() -> bool {
    if Path::new(GNU_TIME).exists() {
        return true;
    }
    let message = format!(
        "peak RSS is measured with GNU time, and {GNU_TIME} is missing (Debian package `time`; .ci/run installs it)"
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{message}");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED: {message}");
    false
}

/// Runs `dmpgraph ARGS…` under GNU time: its output and its peak resident
/// set in KiB. Asserts that it was not ended by a signal (an abort).
fn measured(args: &[&str]) -> (Output, u64) {
    let report = tempfile::NamedTempFile::new().unwrap();
    let out = Command::new(GNU_TIME)
        .args(["-f", "%M", "-o"])
        .arg(report.path())
        .arg(env!("CARGO_BIN_EXE_dmpgraph"))
        .args(args)
        .env("DMPGRAPH_TODAY", TODAY)
        .env_remove("DMPGRAPH_STORE")
        .env_remove("DMPGRAPH_FAULT")
        .env_remove("RUST_LOG")
        .output()
        .expect("GNU time runs dmpgraph");
    let report = std::fs::read_to_string(report.path()).unwrap();
    assert!(
        !report.contains("terminated by signal"),
        "dmpgraph {args:?} was killed: {report}\n{}",
        stderr(&out)
    );
    let kib = report
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak RSS in GNU time's report: {report:?}"));
    (out, kib)
}

fn print_peak(what: &str, kib: u64) {
    // Written to the stderr handle, not with `eprintln!`, which the test
    // harness hides for a passing test.
    let _ = writeln!(
        std::io::stderr(),
        "peak RSS of {what}: {:.1} MiB",
        kib as f64 / 1024.0
    );
}

/// Every hostile kind this machine can write (the .xls ones need xlwt).
fn hostile_files(dir: &Path) -> Vec<(Hostile, PathBuf)> {
    let xlwt = python_ready("xlwt");
    Hostile::ALL
        .into_iter()
        .filter(|k| xlwt || !k.needs_xlwt())
        .map(|kind| {
            let path = dir.join(kind.file_name());
            write_hostile(kind, &path).unwrap();
            (kind, path)
        })
        .collect()
}

fn good_files(dir: &Path) -> Vec<PathBuf> {
    (0..2)
        .map(|i| {
            let path = dir.join(format!("good-{i}.xlsx"));
            write_xlsx(&generated_dmp(i), &generated_style(i), &path).unwrap();
            path
        })
        .collect()
}

#[test]
fn validate_refuses_each_hostile_workbook_naming_it_within_bounded_memory() {
    if !gnu_time_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let good = good_files(dir.path());
    let (out, baseline) = measured(&["validate", s(&good[0])]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    print_peak("validate of a good workbook", baseline);
    for (kind, path) in hostile_files(dir.path()) {
        let (out, kib) = measured(&["validate", s(&path)]);
        print_peak(&format!("validate {}", kind.file_name()), kib);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{kind:?}: {}\n{}",
            stdout(&out),
            stderr(&out)
        );
        let want = format!("error: {}: {}", path.display(), expected(kind));
        assert!(
            stdout(&out).contains(&want),
            "want {want}\n{}",
            stdout(&out)
        );
        assert!(
            kib < PEAK_LIMIT_KIB,
            "validate {}: peak RSS {kib} KiB",
            kind.file_name()
        );
    }
}

#[test]
fn ingest_of_a_folder_with_hostile_workbooks_stores_the_good_ones_within_bounded_memory() {
    if !gnu_time_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let good = good_files(dir.path());
    let hostile = hostile_files(dir.path());

    // The good files alone, for comparison.
    let only_good = tempfile::tempdir().unwrap();
    let baseline_store = tempfile::tempdir().unwrap();
    for path in &good {
        std::fs::copy(path, only_good.path().join(path.file_name().unwrap())).unwrap();
    }
    let (out, baseline) = measured(&[
        "ingest",
        "--store",
        s(baseline_store.path()),
        "--json",
        s(only_good.path()),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    print_peak("ingest of the two good workbooks", baseline);

    let store = tempfile::tempdir().unwrap();
    let (out, kib) = measured(&[
        "ingest",
        "--store",
        s(store.path()),
        "--json",
        s(dir.path()),
    ]);
    print_peak(
        &format!(
            "ingest of {} hostile and {} good workbooks",
            hostile.len(),
            good.len()
        ),
        kib,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    let files = report["files"].as_array().unwrap();
    let entry = |path: &Path| {
        files
            .iter()
            .find(|f| {
                let name = path.file_name().unwrap().to_str().unwrap();
                f["file"]
                    .as_str()
                    .is_some_and(|f| f.ends_with(&format!("/{name}")))
            })
            .unwrap_or_else(|| panic!("{} not in the report: {report:#}", path.display()))
    };
    for (kind, path) in &hostile {
        let f = entry(path);
        assert_eq!(f["status"], "rejected", "{kind:?}: {f:#}");
        let messages: Vec<&str> = f["problems"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["severity"] == "error")
            .filter_map(|p| p["message"].as_str())
            .collect();
        assert!(
            messages.iter().any(|m| m.contains(expected(*kind))),
            "{kind:?}: want {:?} in {messages:?}",
            expected(*kind)
        );
    }
    for path in &good {
        assert_eq!(entry(path)["status"], "created", "{}", path.display());
    }
    assert_eq!(
        report["totals"]["rejected"].as_u64(),
        Some(hostile.len() as u64)
    );

    let stats = json(&run(&["stats", "--store", s(store.path()), "--json"]));
    assert_eq!(
        stats["stats"]["records"]["dmp"].as_u64(),
        Some(good.len() as u64),
        "{stats:#}"
    );
    assert!(kib < PEAK_LIMIT_KIB, "ingest: peak RSS {kib} KiB");
}
