//! `dmpgraph export rdf|madmp` and maDMP JSON input, end to end over the real
//! binary: RDF that three independent parsers read alike and that passes the
//! DCAT-AP 3 shapes, lossless round trips (workbook → store → RDF file →
//! model; maDMP → store → maDMP), schema-valid maDMP exports without private
//! values, and clear errors for malformed maDMP input with nothing stored.

mod common;

use common::*;
use dmpgraph_rdf::{graphs_to_dmp, Base};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::Quad;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn export(store: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--store", s(store)]);
    let out = run(&all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{all:?}\n{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    out
}

fn oxigraph_format(name: &str) -> RdfFormat {
    match name {
        "turtle" => RdfFormat::Turtle,
        "trig" => RdfFormat::TriG,
        "nquads" => RdfFormat::NQuads,
        "ntriples" => RdfFormat::NTriples,
        "rdfxml" => RdfFormat::RdfXml,
        _ => RdfFormat::JsonLd {
            profile: oxigraph::io::JsonLdProfileSet::empty(),
        },
    }
}

fn parse_oxigraph(path: &Path, format: &str) -> Vec<Quad> {
    let bytes = std::fs::read(path).unwrap();
    RdfParser::from_format(oxigraph_format(format))
        .for_slice(&bytes)
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("oxigraph cannot read {format}: {e}"))
}

/// Statements as sophia reads them (its Turtle-family parsers).
fn count_sophia(path: &Path, format: &str) -> usize {
    use sophia::api::source::{QuadSource, TripleSource};
    let text = std::fs::read_to_string(path).unwrap();
    let mut n = 0usize;
    let result = match format {
        "turtle" => sophia::turtle::parser::turtle::parse_str(&text)
            .for_each_triple(|_| n += 1)
            .map_err(|e| e.to_string()),
        "ntriples" => sophia::turtle::parser::nt::parse_str(&text)
            .for_each_triple(|_| n += 1)
            .map_err(|e| e.to_string()),
        "nquads" => sophia::turtle::parser::nq::parse_str(&text)
            .for_each_quad(|_| n += 1)
            .map_err(|e| e.to_string()),
        "trig" => sophia::turtle::parser::trig::parse_str(&text)
            .for_each_quad(|_| n += 1)
            .map_err(|e| e.to_string()),
        other => panic!("sophia: no parser for {other} in this test"),
    };
    result.unwrap_or_else(|e| panic!("sophia cannot read {format}: {e}"));
    n
}

#[test]
fn rdf_exports_read_alike_in_three_parsers_and_pass_dcat_ap() {
    let store = ingested_examples();
    let dir = tempfile::tempdir().unwrap();
    let formats = ["turtle", "trig", "nquads", "ntriples", "rdfxml", "jsonld"];
    let mut files = Vec::new();
    let mut quads_of = std::collections::BTreeMap::new();
    for format in formats {
        let path = dir.path().join(format!("all.{format}"));
        export(
            store.path(),
            &["rdf", "--all", "--format", format, "--out", s(&path)],
        );
        let quads = parse_oxigraph(&path, format);
        assert!(quads.len() > 1000, "{format}: {} statements", quads.len());
        quads_of.insert(format, quads);
        files.push(path);
    }
    // Datasets keep graph names; the others hold the same triples, merged.
    let triples = |qs: &[Quad]| -> BTreeSet<String> {
        qs.iter()
            .map(|q| format!("{} {} {}", q.subject, q.predicate, q.object))
            .collect()
    };
    let reference = triples(&quads_of["nquads"]);
    for format in formats {
        assert_eq!(triples(&quads_of[format]), reference, "{format}");
    }
    assert_eq!(quads_of["trig"].len(), quads_of["nquads"].len());
    for format in ["turtle", "trig", "nquads", "ntriples"] {
        let n = count_sophia(&dir.path().join(format!("all.{format}")), format);
        assert_eq!(n, quads_of[format].len(), "sophia {format}");
    }
    // Blank nodes would make "the same" statements differ between parsers:
    // record graphs have none.
    assert!(quads_of["nquads"]
        .iter()
        .all(|q| !q.subject.is_blank_node() && !q.object.is_blank_node()));

    let Some(standards) = standards_dir() else {
        return;
    };
    if !python_ready("rdflib, pyshacl") {
        return;
    }
    let shapes = standards.join("dcat");
    let task = json!({
        "files": formats.iter().zip(&files).map(|(f, p)| json!({
            "path": p,
            "format": match *f { "turtle" => "turtle", "trig" => "trig", "nquads" => "nquads",
                                 "ntriples" => "nt", "rdfxml" => "xml", _ => "json-ld" },
            "expect": quads_of[f].len(),
        })).collect::<Vec<_>>(),
        "shacl": {
            "data": files[2],
            "format": "nquads",
            "shapes": [shapes.join("dcat-ap-3.0.1-SHACL.ttl")],
        },
    });
    let script = repo_root().join("crates/cli/tests/python/check_rdf.py");
    let report = run_python(&script, &task);
    // The warnings and infos, for whoever reads the test output.
    eprintln!("{report}");
    assert!(report.contains(" 0 violations"), "{report}");
    assert!(report.contains("0 problems"), "{report}");
    // The HTML release's shapes with its class ranges: the same verdict.
    let task = json!({
        "files": [],
        "shacl": {
            "data": files[2],
            "format": "nquads",
            "shapes": [shapes.join("dcat-ap-3.0.1-shapes.ttl"), shapes.join("dcat-ap-3.0.1-range.ttl"), shapes.join("dcat-ap-3.0.1-shapes_recommended.ttl")],
        },
    });
    let report = run_python(&script, &task);
    eprintln!("{report}");
    assert!(report.contains(" 0 violations"), "{report}");
    // The controlled-vocabulary shapes want EU vocabularies: the catalog's
    // publisher (AMED, identified by its ROR) is no EU corporate body, so its
    // skos:inScheme violations are the one deliberate exception; nothing
    // else may violate them.
    let task = json!({
        "files": [],
        "shacl": {
            "data": files[2],
            "format": "nquads",
            "shapes": [shapes.join("dcat-ap-3.0.1-mdr-vocabularies.shape.ttl")],
            "allowed_violation_paths": ["http://www.w3.org/2004/02/skos/core#inScheme"],
        },
    });
    let report = run_python(&script, &task);
    eprintln!("{report}");
    assert!(report.contains("(0 not allowed)"), "{report}");
    assert!(report.contains("0 problems"), "{report}");
    for line in report.lines().filter(|l| l.contains("Violation x")) {
        assert!(
            line.contains("catalog#publisher") && line.contains("inScheme"),
            "{line}"
        );
    }
}

#[test]
fn every_field_survives_workbook_to_rdf_file_and_back() {
    let store = ingested_examples();
    let dir = tempfile::tempdir().unwrap();
    for sample in dmpgraph_dev::sample_dmps() {
        let id = sample.dmp.id().to_string();
        let path = dir.path().join(format!("{id}.trig"));
        export(
            store.path(),
            &[
                "rdf",
                "--dmp",
                &id,
                "--include-private",
                "--format",
                "trig",
                "--out",
                s(&path),
            ],
        );
        let quads = parse_oxigraph(&path, "trig");
        let back = graphs_to_dmp(&quads, &Base::default()).unwrap();
        assert_eq!(back, sample.dmp, "{id}");
        // Public only: the same plan without any private value.
        let out = export(store.path(), &["rdf", "--dmp", &id, "--format", "nquads"]);
        let public: Vec<Quad> = RdfParser::from_format(RdfFormat::NQuads)
            .for_slice(&out.stdout)
            .collect::<Result<_, _>>()
            .unwrap();
        let back = graphs_to_dmp(&public, &Base::default()).unwrap();
        let expected: Vec<_> = sample
            .dmp
            .fields()
            .into_iter()
            .filter(|f| f.visibility == dmpgraph_model::Visibility::Public)
            .collect();
        assert_eq!(back.fields(), expected, "{id}");
    }
}

fn official_examples(standards: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(standards.join("madmp"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("ex") && name.ends_with(".json")
        })
        .collect();
    found.sort();
    found
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Ingests one maDMP file into a fresh store and exports it back.
fn through_the_store(file: &Path, version: &str, include_private: bool) -> (Value, String) {
    let store = tempfile::tempdir().unwrap();
    let out = ingest_ok(store.path(), &["--json"], file);
    let id = json(&out)["files"][0]["id"].as_str().unwrap().to_string();
    let mut args = vec!["madmp", "--dmp", &id, "--version", version];
    if include_private {
        args.push("--include-private");
    }
    let out = export(store.path(), &args);
    (serde_json::from_slice(&out.stdout).unwrap(), stderr(&out))
}

#[test]
fn official_madmp_examples_round_trip_through_the_store() {
    let Some(standards) = standards_dir() else {
        return;
    };
    let examples = official_examples(&standards);
    assert!(examples.len() >= 6, "{examples:?}");
    let dir = tempfile::tempdir().unwrap();
    for file in &examples {
        let original = read_json(file);
        // 1.2 → store → 1.2: the same document, compared as JSON values.
        let (back, notes) = through_the_store(file, "1.2", true);
        assert_eq!(back, original, "{}", file.display());
        assert!(notes.is_empty(), "{notes}");
        // 1.2 → 1.3 (the hop), then 1.3 → store → 1.3: the same document.
        let (v13, _) = through_the_store(file, "1.3", true);
        let hop = dir.path().join(file.file_name().unwrap());
        std::fs::write(&hop, serde_json::to_vec(&v13).unwrap()).unwrap();
        let (again, _) = through_the_store(&hop, "1.3", true);
        assert_eq!(again, v13, "{} after the hop", file.display());
        // Public: the contact's e-mail is the catalog's published address,
        // every other value as it came, but the private parts (no other
        // e-mail address left, and ex5's misspelt `supports_versioning`, an
        // extension key, left out).
        let (public, _) = through_the_store(file, "1.2", false);
        let mut expected = dmpgraph_rdf::public_document(&original).unwrap();
        expected["dmp"]["contact"]["mbox"] =
            json!(dmpgraph_model::CatalogConfig::builtin().contact.mbox);
        assert_eq!(public, expected, "{}", file.display());
        assert!(!public.to_string().contains("supports_versioning"));
        if original.to_string().contains("supports_versioning") {
            assert!(back.to_string().contains("supports_versioning"));
        }
    }
}

#[test]
fn madmp_exports_validate_and_hold_no_private_value() {
    let store = ingested_examples();
    let dir = tempfile::tempdir().unwrap();
    let private = example_private_values();
    let mut documents = Vec::new();
    for version in ["1.3", "1.2"] {
        for include_private in [false, true] {
            let out_dir = dir.path().join(format!("{version}-{include_private}"));
            let mut args = vec!["madmp", "--all", "--version", version, "--out", s(&out_dir)];
            if include_private {
                args.push("--include-private");
            }
            export(store.path(), &args);
            let mut files: Vec<PathBuf> = std::fs::read_dir(&out_dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            // 8 AMED plans and 2 maDMP examples.
            assert_eq!(files.len(), 10, "{files:?}");
            for file in files {
                let text = std::fs::read_to_string(&file).unwrap();
                if !include_private {
                    let leaked: Vec<&String> = private
                        .iter()
                        .filter(|v| common::reveals(&text, v))
                        .collect();
                    assert!(leaked.is_empty(), "{}: {leaked:?}", file.display());
                }
                // The KAKEN example carries its DMP tool's own key, kept
                // as it came (in the private export only: an extension key
                // the mapping does not list as public) and not dmpgraph's
                // to map.
                assert_eq!(
                    text.contains("x_dmptool:template"),
                    include_private && text.contains("D1KAKEN0001"),
                    "{}",
                    file.display()
                );
                let foreign: &[&str] = if text.contains("x_dmptool:template") {
                    &["/x_dmptool:template"]
                } else {
                    &[]
                };
                documents.push(json!({
                    "name": file.display().to_string(),
                    "version": version,
                    "json": serde_json::from_str::<Value>(&text).unwrap(),
                    "forbidden": if include_private { Vec::new() } else { private.clone() },
                    "foreign_keys": foreign,
                }));
            }
        }
    }
    // A private export does hold the private values.
    let full = std::fs::read_to_string(dir.path().join("1.3-true/23ck0106789h0001.json")).unwrap();
    assert!(full.contains("koichi.tanaka@example.ac.jp"));
    // --all without --out: one document per line.
    let lines = export(store.path(), &["madmp", "--all"]);
    let lines: Vec<Value> = stdout(&lines)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 10);

    check_madmp_documents(&documents);
}

#[test]
fn malformed_madmp_is_rejected_with_its_pointer_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let good = read_json(&examples().join("madmp/kakenhi-pancreatic-organoid-1.3.json"));
    let mut wrong_type = good.clone();
    wrong_type["dmp"]["dataset"][1]["distribution"] = json!("Zenodo");
    let mut missing = good.clone();
    missing["dmp"].as_object_mut().unwrap().remove("title");
    let mut bad_access = good.clone();
    bad_access["dmp"]["dataset"][0]["distribution"][0]["data_access"] = json!("secret");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "wrong-type.json",
            serde_json::to_vec(&wrong_type).unwrap(),
            "/dmp/dataset/1/distribution",
        ),
        (
            "missing-key.json",
            serde_json::to_vec(&missing).unwrap(),
            "/dmp/title: missing required key",
        ),
        (
            "bad-access.json",
            serde_json::to_vec(&bad_access).unwrap(),
            "/dmp/dataset/0/distribution/0/data_access",
        ),
        (
            "not-json.json",
            b"{\"dmp\": {\"title\": ".to_vec(),
            "not JSON",
        ),
        (
            "nested.json",
            // 50 MB of nesting.
            format!(r#"{{"dmp": {}"#, "[".repeat(50 * 1024 * 1024)).into_bytes(),
            "nested too deeply",
        ),
        ("empty.json", Vec::new(), "not JSON"),
    ];
    for (name, bytes, _) in &cases {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let store = tempfile::tempdir().unwrap();
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
    assert_eq!(files.len(), cases.len());
    for (name, _, expected) in &cases {
        let file = files
            .iter()
            .find(|f| f["file"].as_str().unwrap().ends_with(name))
            .unwrap();
        assert_eq!(file["status"], "rejected", "{name}");
        let message = file["problems"][0]["message"].as_str().unwrap();
        assert!(message.contains(expected), "{name}: {message}");
    }
    // The table form names the file too.
    let out = run(&["validate", s(&dir.path().join("bad-access.json"))]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("bad-access.json: not a valid maDMP document: /dmp/dataset/0/distribution/0/data_access: invalid value: string \"secret\""),
        "{}",
        stdout(&out)
    );
    // Nothing of them was stored.
    let (public, private, registry) = dump(store.path());
    assert!(plans(&registry).is_empty(), "{registry:?}");
    assert!(private.is_empty());
    let strays: Vec<&String> = public
        .iter()
        .filter(|q| !q.ends_with("/catalog>") && !q.ends_with("<https://w3id.org/dmpgraph/ns>"))
        .collect();
    assert!(strays.is_empty(), "{strays:?}");
}

/// Values the schema admits although they stray from their key's `format`
/// (an annotation in JSON Schema): the document is stored as written, and
/// each value is a warning naming the file and its JSON pointer, in
/// `ingest --json`, in `validate`'s table, and in the totals.
#[test]
fn stray_format_values_are_stored_as_written_with_a_warning_each() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = read_json(&examples().join("madmp/kakenhi-pancreatic-organoid-1.3.json"));
    let stray = [
        ("/dmp/created", "2024-04-10T10:00:00"),
        (
            "/dmp/dataset/0/distribution/0/host/url",
            "10.25504/FAIRsharing.abc123",
        ),
    ];
    for (pointer, value) in stray {
        *doc.pointer_mut(pointer).unwrap() = json!(value);
    }
    // No format at all: no warning.
    doc["dmp"]["dataset"][0]["distribution"][0]["access_url"] = json!("ask the PI");
    let file = dir.path().join("stray.json");
    std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();

    let store = tempfile::tempdir().unwrap();
    let out = ingest_ok(store.path(), &["--json"], &file);
    let report = json(&out);
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{report:#}");
    assert_eq!(files[0]["status"], "created", "{report:#}");
    let problems = files[0]["problems"].as_array().unwrap();
    assert_eq!(problems.len(), stray.len(), "{problems:#?}");
    for (problem, (pointer, value)) in problems.iter().zip(stray) {
        assert_eq!(problem["severity"], "warning", "{problem}");
        assert_eq!(problem["file"], json!(s(&file)), "{problem}");
        let message = problem["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("{pointer}: {value:?} is not ")),
            "{message}"
        );
        assert!(message.ends_with("; kept as written"), "{message}");
    }
    assert_eq!(report["totals"]["warnings"], 2, "{report:#}");
    assert_eq!(report["totals"]["errors"], 0, "{report:#}");
    assert_eq!(report["totals"]["stored"], 1, "{report:#}");

    // The table form: `validate` names the file and the pointer.
    let out = run(&["validate", s(&file)]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(&format!(
            "warning: {}: /dmp/dataset/0/distribution/0/host/url: \"10.25504/FAIRsharing.abc123\" is not an absolute URI (format url",
            file.display()
        )),
        "{}",
        stdout(&out)
    );

    // Stored as written: the trusted export gives the document back.
    let id = files[0]["id"].as_str().unwrap();
    let out = export(
        store.path(),
        &[
            "madmp",
            "--dmp",
            id,
            "--version",
            "1.3",
            "--include-private",
        ],
    );
    let back: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(back, doc);
}

#[test]
fn a_madmp_document_cannot_replace_an_amed_plan_or_be_our_own_export() {
    let store = ingested_examples();
    let dir = tempfile::tempdir().unwrap();
    // An export of a stored plan, fed back.
    let out = export(store.path(), &["madmp", "--dmp", "23ck0106789h0001"]);
    let ours = dir.path().join("ours.json");
    std::fs::write(&ours, &out.stdout).unwrap();
    // A document whose dmp_id is an AMED plan's grant number.
    let mut doc = read_json(&examples().join("madmp/jst-crest-sfts-1.2.json"));
    doc["dmp"]["dmp_id"] = json!({"identifier": "23ck0106789h0001", "type": "other"});
    let clash = dir.path().join("clash.json");
    std::fs::write(&clash, serde_json::to_vec(&doc).unwrap()).unwrap();
    let before = dump(store.path());
    for (file, expected) in [
        (&ours, "dmpgraph's own record '23ck0106789h0001'"),
        (&clash, "already the id of a stored amed-excel record"),
    ] {
        let out = run(&["ingest", "--store", s(store.path()), "--json", s(file)]);
        assert_eq!(out.status.code(), Some(1));
        let report = json(&out);
        let message = report["files"][0]["problems"][0]["message"]
            .as_str()
            .unwrap();
        assert!(message.contains(expected), "{message}");
    }
    assert_eq!(dump(store.path()), before, "nothing changed");
}

#[test]
fn export_errors_name_what_is_missing() {
    let store = ingested_examples();
    let out = run(&[
        "export",
        "madmp",
        "--store",
        s(store.path()),
        "--dmp",
        "nope",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no record 'nope'"),
        "{}",
        stderr(&out)
    );
    let out = run(&["export", "rdf", "--store", "/nonexistent/store", "--all"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no store at /nonexistent/store"),
        "{}",
        stderr(&out)
    );
    // --dmp and --all exclude each other; one is needed.
    let out = run(&["export", "madmp", "--store", s(store.path())]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&[
        "export",
        "madmp",
        "--store",
        s(store.path()),
        "--all",
        "--version",
        "1.1",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn show_prints_a_madmp_plan_with_or_without_its_e_mails() {
    let store = ingested_examples();
    let id = "https://doi.org/10.48321/D1KAKEN0001";
    let full = run(&["show", "--store", s(store.path()), id]);
    assert_eq!(full.status.code(), Some(0), "{}", stderr(&full));
    assert!(
        stdout(&full).contains("format   maDMP 1.3"),
        "{}",
        stdout(&full)
    );
    assert!(stdout(&full).contains("koichi.tanaka@example.ac.jp"));
    assert!(stdout(&full).contains("x_dmptool:template"));
    let public = run(&[
        "show",
        "--store",
        s(store.path()),
        "--public-only",
        "--json",
        id,
    ]);
    let doc = json(&public);
    // The record's id is its dmp_id in normal form (one DOI, one record).
    assert_eq!(doc["record"]["key"], "dmp:doi:10.48321/d1kaken0001");
    assert!(!doc.to_string().contains("@example.ac.jp"), "{doc}");
    assert_eq!(
        doc["document"]["dmp"]["title"],
        read_json(&examples().join("madmp/kakenhi-pancreatic-organoid-1.3.json"))["dmp"]["title"]
    );
}
