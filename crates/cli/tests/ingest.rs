//! `dmpgraph ingest`, `validate`, `show` and `stats` end to end.

mod common;

use common::*;
use dmpgraph_dev::{write_broken, Broken};
use dmpgraph_model::Visibility;
use dmpgraph_rdf::{graphs_to_dmp, Base};

#[test]
fn ingest_examples_twice_changes_nothing() {
    let store = tempfile::tempdir().unwrap();
    // The whole examples folder: every file in it is a valid plan.
    let amed = examples();
    let first = run(&["ingest", "--store", s(store.path()), "--json", s(&amed)]);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&first),
        stderr(&first)
    );
    let report = json(&first);
    let files = report["files"].as_array().unwrap();
    assert!(files.len() >= 6, "{report}");
    assert!(
        files
            .iter()
            .all(|f| f["status"] == "created" || f["status"] == "unchanged"),
        "{report}"
    );
    let before = dump(store.path());
    assert!(before.0.len() > 100 && before.1.len() > 10);

    let second = run(&["ingest", "--store", s(store.path()), "--json", s(&amed)]);
    assert_eq!(second.status.code(), Some(0));
    let again = json(&second);
    assert!(
        again["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["status"] == "unchanged"),
        "{again}"
    );
    let after = dump(store.path());
    assert_eq!(before.0, after.0, "public store changed");
    assert_eq!(before.1, after.1, "private store changed");
    assert_eq!(before.2, after.2, "registry changed (datestamps must stay)");

    let stats = run(&["stats", "--store", s(store.path()), "--verify", "--json"]);
    assert_eq!(stats.status.code(), Some(0), "{}", stdout(&stats));
    let stats = json(&stats);
    assert_eq!(stats["inconsistencies"], serde_json::json!([]));
    assert_eq!(
        stats["stats"]["public_quads"].as_u64().unwrap() as usize,
        before.0.len()
    );
}

#[test]
fn every_field_survives_workbook_to_store_and_back() {
    let (_dir, store, samples) = ingested_samples();
    let stores = dmpgraph_store::Stores::open(store.path()).unwrap();
    for (path, sample) in samples {
        let key = dmpgraph_store::RecordKey::new(dmpgraph_store::RecordKind::Dmp, sample.dmp.id());
        let entry = stores
            .public()
            .record(&key)
            .unwrap()
            .unwrap_or_else(|| panic!("{} not stored", path.display()));
        let mut quads = stores.public().graph(&entry.graph).unwrap();
        quads.extend(stores.private().graph(&entry.graph).unwrap());
        let back = graphs_to_dmp(&quads, &Base::default()).unwrap();
        assert_eq!(back, sample.dmp, "{}", path.display());
    }
}

#[test]
fn no_private_value_reaches_the_public_store() {
    let (_dir, store, samples) = ingested_samples();
    let (public, private, registry) = dump(store.path());
    let public = public.join("\n");
    let registry = serde_json::to_string(&registry).unwrap();
    let private = private.join("\n");
    // A private value may equal a public one (a hidden staff member's 役職
    // can be another member's too): only values that are private everywhere count.
    let public_texts: std::collections::HashSet<String> = samples
        .iter()
        .flat_map(|(_, s)| s.dmp.fields())
        .filter(|f| f.visibility == Visibility::Public)
        .map(|f| f.value.to_string())
        .collect();
    let mut checked = 0;
    for (_, sample) in &samples {
        for fv in sample
            .dmp
            .fields()
            .into_iter()
            .filter(|f| f.visibility == Visibility::Private)
        {
            let dmpgraph_model::Value::Text(text) = &fv.value else {
                continue;
            };
            // Short values such as an extension "12" may occur by chance in public text.
            if text.chars().count() < 5 || public_texts.contains(text) {
                continue;
            }
            assert!(
                !public.contains(text.as_str()),
                "private {} '{}' in the public store",
                fv.field.key(),
                text
            );
            assert!(
                !registry.contains(text.as_str()),
                "private {} '{}' in the registry",
                fv.field.key(),
                text
            );
            assert!(
                private.contains(text.as_str()),
                "private {} '{}' missing from the private store",
                fv.field.key(),
                text
            );
            checked += 1;
        }
    }
    assert!(checked > 30, "only {checked} private values checked");
}

#[test]
fn show_prints_every_field_with_its_mark() {
    let (_dir, store, samples) = ingested_samples();
    let (_, sample) = &samples[0];
    let out = run(&["show", "--store", s(store.path()), sample.dmp.id()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let email = sample.dmp.pi.contact.email.clone().unwrap();
    let line = text
        .lines()
        .find(|l| l.contains(&email))
        .unwrap_or_else(|| panic!("{email} not shown:\n{text}"));
    assert!(
        line.contains("PRIVATE") && line.contains("pi.email"),
        "{line}"
    );
    let title_line = text
        .lines()
        .find(|l| l.contains(&sample.dmp.project.title))
        .unwrap();
    assert!(
        title_line.contains("public") && title_line.contains("研究開発課題名"),
        "{title_line}"
    );
    for f in sample.dmp.fields() {
        assert!(text.contains(f.field.key()), "{} not shown", f.field.key());
    }

    let public_only = stdout(&run(&[
        "show",
        "--store",
        s(store.path()),
        "--public-only",
        sample.dmp.id(),
    ]));
    assert!(!public_only.contains(&email) && !public_only.contains("PRIVATE"));

    let missing = run(&["show", "--store", s(store.path()), "99xx0000000x0000"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("no record '99xx0000000x0000'"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn broken_files_are_rejected_with_their_cell_and_the_rest_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let store = tempfile::tempdir().unwrap();
    let samples = write_samples(dir.path());
    for kind in Broken::ALL {
        write_broken(kind, &dir.path().join(format!("{}.xlsx", kind.file_stem()))).unwrap();
    }
    let out = run(&[
        "ingest",
        "--store",
        s(store.path()),
        "--json",
        s(dir.path()),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    let files = report["files"].as_array().unwrap();
    for kind in Broken::ALL {
        let name = format!("{}.xlsx", kind.file_stem());
        let f = files
            .iter()
            .find(|f| f["file"].as_str().unwrap().ends_with(&name))
            .unwrap();
        assert_eq!(f["status"], "rejected", "{name}");
        let problems = f["problems"].as_array().unwrap();
        let first_error = problems.iter().find(|p| p["severity"] == "error").unwrap();
        if let Some(cell) = kind.bad_cell() {
            let (sheet, address) = cell.split_once('!').unwrap();
            let address = address.split(':').next().unwrap();
            let found = problems.iter().any(|p| {
                p["sheet"] == sheet
                    && p["cell"]
                        .as_str()
                        .is_some_and(|c| c == address || kind == Broken::NoDataset)
            });
            assert!(found, "{name}: no problem at {cell}: {problems:#?}");
        }
        assert!(!first_error["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(
        report["totals"]["rejected"].as_u64(),
        Some(Broken::ALL.len() as u64)
    );
    let stores = dmpgraph_store::Stores::open(store.path()).unwrap();
    assert_eq!(
        plans(&stores.public().records().unwrap()).len(),
        samples.len(),
        "every valid file is stored"
    );
}

#[test]
fn validate_prints_file_sheet_cell_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad-date.xlsx");
    write_broken(Broken::BadDate, &bad).unwrap();
    let out = run(&["validate", s(&bad)]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let want = format!(
        "error: {}: sheet 'DMP' C14: 研究開始日 '2023/13/40' is not a date",
        bad.display()
    );
    assert!(text.contains(&want), "want {want}\n{text}");
    let empty = dir.path().join("empty.xlsx");
    write_broken(Broken::Empty, &empty).unwrap();
    let text = stdout(&run(&["validate", s(&empty)]));
    assert!(
        text.contains(&format!("error: {}: the file is empty", empty.display())),
        "{text}"
    );
    assert!(!dir.path().join("dmpgraph-data").exists());
}

#[test]
fn a_newer_version_replaces_and_an_older_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = tempfile::tempdir().unwrap();
    let mut sample = dmpgraph_dev::sample_dmps().remove(0);
    let v1 = dir.path().join("v1.xlsx");
    let v2 = dir.path().join("v2.xlsx");
    sample.dmp.created = chrono::NaiveDate::from_ymd_opt(2023, 4, 1);
    dmpgraph_dev::write_xlsx(&sample.dmp, &sample.style, &v1).unwrap();
    let mut newer = sample.dmp.clone();
    newer.created = chrono::NaiveDate::from_ymd_opt(2024, 4, 1);
    newer.project.title = format!("{}（第2版）", newer.project.title);
    dmpgraph_dev::write_xlsx(&newer, &sample.style, &v2).unwrap();

    let status = |path: &std::path::Path| {
        json(&run(&[
            "ingest",
            "--store",
            s(store.path()),
            "--json",
            s(path),
        ]))["files"][0]["status"]
            .clone()
    };
    assert_eq!(status(&v1), "created");
    let (_, _, reg1) = dump(store.path());
    let reg1 = plans(&reg1);
    assert_eq!(status(&v2), "updated");
    let (public, _, reg2) = dump(store.path());
    let reg2 = plans(&reg2);
    assert_eq!(reg2.len(), 1, "one record identity");
    assert_eq!(reg1[0].graph, reg2[0].graph);
    assert!(reg2[0].datestamp > reg1[0].datestamp);
    assert_eq!(reg2[0].version.as_deref(), Some("2024-04-01"));
    assert!(public.iter().any(|q| q.contains("（第2版）")));
    assert_eq!(status(&v1), "older_than_stored");
    let (public_after, _, _) = dump(store.path());
    assert_eq!(public, public_after);
}

#[test]
fn a_second_writer_is_refused_clearly() {
    let store = tempfile::tempdir().unwrap();
    let missing = run(&["stats", "--store", s(&store.path().join("nope"))]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("no store at"),
        "{}",
        stderr(&missing)
    );
    let _held = dmpgraph_store::Stores::open(store.path()).unwrap();
    let out = run(&["stats", "--store", s(store.path())]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("in use by another process"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn committed_broken_fixtures_are_each_rejected_at_their_cell() {
    let fixtures = examples().join("../tests/fixtures/broken");
    for kind in Broken::ALL {
        let path = fixtures.join(format!("{}.xlsx", kind.file_stem()));
        let out = run(&["validate", "--json", s(&path)]);
        assert_eq!(out.status.code(), Some(1), "{}", path.display());
        let report = json(&out);
        let problems = report["files"][0]["problems"].as_array().unwrap().clone();
        assert!(
            problems.iter().any(|p| p["severity"] == "error"),
            "{}",
            path.display()
        );
        if let Some(cell) = kind.bad_cell() {
            let (sheet, address) = cell.split_once('!').unwrap();
            let address = address.split(':').next().unwrap();
            assert!(
                problems
                    .iter()
                    .any(|p| p["sheet"] == sheet
                        && (p["cell"] == address || kind == Broken::NoDataset)),
                "{}: nothing at {cell}: {problems:#?}",
                path.display()
            );
        }
    }
}

#[test]
fn a_new_base_iri_moves_records_without_leaving_old_graphs() {
    let store = tempfile::tempdir().unwrap();
    let amed = examples().join("amed");
    for base in ["http://localhost:8080/", "https://dmp.example.jp/catalog/"] {
        let out = run(&[
            "ingest",
            "--store",
            s(store.path()),
            "--base-iri",
            base,
            s(&amed),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let (public, private, registry) = dump(store.path());
    assert!(public.iter().all(|q| !q.contains("http://localhost:8080/")));
    assert!(private
        .iter()
        .all(|q| !q.contains("http://localhost:8080/")));
    assert!(plans(&registry).iter().all(|e| e
        .graph
        .starts_with("https://dmp.example.jp/catalog/record/")));
    let stats = run(&["stats", "--store", s(store.path()), "--verify"]);
    assert_eq!(stats.status.code(), Some(0), "{}", stdout(&stats));
}

#[test]
fn both_write_paths_keep_every_record() {
    // Offline, records new to the store go through the bulk loader; records
    // that replace others, through transactions that replace each whole.
    let files = tempfile::tempdir().unwrap();
    let store = tempfile::tempdir().unwrap();
    for i in 0..256u64 {
        dmpgraph_dev::write_xlsx(
            &dmpgraph_dev::generated_dmp(i),
            &dmpgraph_dev::generated_style(i),
            &files.path().join(format!("gen-{i:03}.xlsx")),
        )
        .unwrap();
    }
    let first = json(&ingest_ok(
        store.path(),
        &["--batch-size", "64", "--json"],
        files.path(),
    ));
    assert_eq!(first["totals"]["stored"].as_u64(), Some(256));
    // 20 plans change, 20 are new; the rest are unchanged.
    let second = tempfile::tempdir().unwrap();
    for i in 0..20u64 {
        let mut changed = dmpgraph_dev::generated_dmp(i);
        changed.project.title = format!("改訂 {i}");
        changed.created = changed.created.map(|d| d + chrono::Days::new(1));
        dmpgraph_dev::write_xlsx(
            &changed,
            &dmpgraph_dev::generated_style(i),
            &second.path().join(format!("changed-{i:03}.xlsx")),
        )
        .unwrap();
        let new = 1000 + i;
        dmpgraph_dev::write_xlsx(
            &dmpgraph_dev::generated_dmp(new),
            &dmpgraph_dev::generated_style(new),
            &second.path().join(format!("new-{new}.xlsx")),
        )
        .unwrap();
    }
    let report = json(&ingest_ok(
        store.path(),
        &["--batch-size", "7", "--json"],
        second.path(),
    ));
    let count = |status: &str| {
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["status"] == status)
            .count()
    };
    assert_eq!((count("updated"), count("created")), (20, 20), "{report}");
    let stats = run(&["stats", "--store", s(store.path()), "--verify", "--json"]);
    assert_eq!(stats.status.code(), Some(0), "{}", stdout(&stats));
    let (public, _, registry) = dump(store.path());
    assert_eq!(plans(&registry).len(), 276);
    assert!(public.iter().any(|q| q.contains("改訂 19")));
    // Each changed plan is wholly its new version: its old title is gone.
    let old = dmpgraph_dev::generated_dmp(0).project.title;
    assert!(
        !public
            .iter()
            .any(|q| q.contains(&old) && q.contains(dmpgraph_dev::generated_dmp(0).id())),
        "{old}"
    );
}
