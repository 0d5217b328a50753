//! A crash in the middle of an ingest leaves every finished record intact
//! and no half-written record. (Under a running server's load:
//! `live.rs`.)

mod common;

use common::*;
use std::path::Path;

/// Writes `n` generated workbooks (from `first` on) into `dir`.
fn generate(dir: &Path, first: u64, n: u64) {
    for i in first..first + n {
        let path = dir.join(format!("gen-{i:05}.xlsx"));
        dmpgraph_dev::write_xlsx(
            &dmpgraph_dev::generated_dmp(i),
            &dmpgraph_dev::generated_style(i),
            &path,
        )
        .unwrap();
    }
}

fn verify(store: &Path) -> serde_json::Value {
    let out = run(&["stats", "--store", s(store), "--verify", "--json"]);
    let doc = json(&out);
    assert_eq!(
        doc["inconsistencies"],
        serde_json::json!([]),
        "half-written records after a crash: {doc}"
    );
    assert_eq!(out.status.code(), Some(0));
    doc
}

fn records(doc: &serde_json::Value) -> u64 {
    doc["stats"]["records"]["dmp"].as_u64().unwrap_or(0)
}

#[test]
fn an_abort_at_every_step_of_a_batch_is_recovered_on_open() {
    let inputs = tempfile::tempdir().unwrap();
    let (a, b) = (inputs.path().join("a"), inputs.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    generate(&a, 0, 6);
    generate(&b, 100, 6);
    // b also carries a changed version of a record of a.
    let mut changed = dmpgraph_dev::generated_dmp(0);
    changed.project.title = "改訂された課題名".into();
    changed.created = changed.created.map(|d| d + chrono::Days::new(30));
    dmpgraph_dev::write_xlsx(
        &changed,
        &dmpgraph_dev::generated_style(0),
        &b.join("gen-00000-v2.xlsx"),
    )
    .unwrap();

    for stage in FAULT_STAGES {
        let store = tempfile::tempdir().unwrap();
        assert_eq!(
            run(&["ingest", "--store", s(store.path()), s(&a)])
                .status
                .code(),
            Some(0)
        );
        let before = dump(store.path());
        // The writer stops at the stage and waits; SIGKILL it there.
        let mut child = bin()
            .env("DMPGRAPH_FAULT", stage)
            .args([
                "ingest",
                "--store",
                s(store.path()),
                "--batch-size",
                "100",
                s(&b),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        kill_at_fault(&mut child, stage);
        // Opening the store finishes the journaled batch: all of b is there,
        // and the changed record is wholly its new version.
        let doc = verify(store.path());
        assert_eq!(records(&doc), 12, "{stage}: {doc}");
        let (public, private, registry) = dump(store.path());
        assert!(
            public.iter().any(|q| q.contains("改訂された課題名")),
            "{stage}"
        );
        let old_title = dmpgraph_dev::generated_dmp(0).project.title;
        assert!(
            !public.iter().any(|q| q.contains(&old_title)),
            "{stage}: old and new versions mixed"
        );
        assert!(public.len() > before.0.len() && private.len() > before.1.len());
        let entry = registry.iter().find(|e| e.id() == changed.id()).unwrap();
        assert_eq!(
            entry.version,
            changed.created.map(|d| d.to_string()),
            "{stage}"
        );
        // The rest of the run is done by running it again.
        let rerun = json(&run(&[
            "ingest",
            "--store",
            s(store.path()),
            "--json",
            s(&b),
        ]));
        assert!(
            rerun["files"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["status"] == "unchanged"),
            "{stage}: {rerun}"
        );
    }
}

/// Waits until the child says it stopped at `stage`, then SIGKILLs it.
fn kill_at_fault(child: &mut std::process::Child, stage: &str) {
    use std::io::BufRead;
    let stderr = child.stderr.take().unwrap();
    let mut reached = false;
    for line in std::io::BufReader::new(stderr).lines() {
        let line = line.unwrap();
        if line.contains(&format!("DMPGRAPH_FAULT={stage}")) {
            reached = true;
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL: no destructor, no flush
    let status = child.wait().unwrap();
    assert!(
        reached,
        "{stage}: the fault point was not reached ({status})"
    );
}

#[test]
fn killing_ingest_mid_folder_leaves_finished_records_intact() {
    use std::io::BufRead;
    let inputs = tempfile::tempdir().unwrap();
    generate(inputs.path(), 1000, 160);
    for kill_after in [8usize, 40, 100] {
        let store = tempfile::tempdir().unwrap();
        let mut child = bin()
            .args([
                "-v",
                "ingest",
                "--store",
                s(store.path()),
                "--batch-size",
                "4",
                s(inputs.path()),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until `kill_after` records are reported stored, then kill: the
        // process is then reading or writing the next batches.
        let mut seen = 0;
        for line in std::io::BufReader::new(child.stderr.take().unwrap()).lines() {
            if line.unwrap().contains(" stored") {
                seen += 1;
                if seen == kill_after {
                    break;
                }
            }
        }
        child.kill().unwrap(); // SIGKILL: no destructor, no flush
        child.wait().unwrap();
        let doc = verify(store.path());
        let stored = records(&doc);
        assert!(
            stored >= kill_after as u64 && stored < 160,
            "killed after {kill_after}: {stored} stored"
        );
        // Every record the registry names is whole (verify checked its hashes);
        // running the same command again completes the folder.
        let out = run(&[
            "ingest",
            "--store",
            s(store.path()),
            "--json",
            s(inputs.path()),
        ]);
        assert_eq!(out.status.code(), Some(0));
        let report = json(&out);
        let unchanged = report["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["status"] == "unchanged")
            .count() as u64;
        assert_eq!(
            unchanged, stored,
            "records finished before the kill are exactly those found unchanged"
        );
        assert_eq!(records(&verify(store.path())), 160);
    }
}
