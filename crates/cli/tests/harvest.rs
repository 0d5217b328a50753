//! `dmpgraph harvest` end to end: the binary against the fixture server on
//! 127.0.0.1 (the five services' real shapes), into a real store, with and
//! without `dmpgraph serve` holding it.

mod common;

use common::http::{query_get, Server};
use common::{bin, s, stderr, stdout};
use dmpgraph_dev::fixture_server::{Fault, FaultAction, FixtureServer, ServeOptions, World};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// `dmpgraph harvest …` with every service pointed at `server`.
fn harvest(server: &FixtureServer, store: &Path, args: &[&str]) -> Command {
    let mut c = common::bin_against(server);
    c.env("DMPGRAPH_CONTACT", "e2e@example.org");
    c.arg("harvest").args(args).args(["--store", s(store)]);
    c
}

/// A maDMP plan whose first dataset's id is a DataCite DOI and whose
/// description names a JGA study.
fn plan_pointing_at_deposits(dir: &Path) -> std::path::PathBuf {
    let src = common::repo_root().join("examples/madmp/jst-crest-sfts-1.2.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(src).unwrap()).unwrap();
    let ds = &mut doc["dmp"]["dataset"][0];
    ds["dataset_id"] = serde_json::json!({"identifier": "https://doi.org/10.99999/EXAMPLE.DATASET.1", "type": "doi"});
    ds["description"] = serde_json::json!(
        "Controlled-access genotypes, deposited as ＪＧＡＳ０００００４ (NBDC hum0004)."
    );
    let path = dir.join("plan.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    path
}

#[test]
fn harvest_referenced_through_a_running_server_then_sparql_sees_the_deposits() {
    let Some(mut world) = World::from_fixtures() else {
        return;
    };
    // The example plan's DRA submission, in DDBJ's shape.
    let fixtures_dir = dmpgraph_dev::testing::fixtures_dir().unwrap();
    let mut dra: serde_json::Value = serde_json::from_slice(
        &std::fs::read(fixtures_dir.join("external/ddbj/sraSubmission.json")).unwrap(),
    )
    .unwrap();
    dra["identifier"] = "DRA015678".into();
    world
        .put(dmpgraph_dev::fixture_server::Service::Ddbj, dra)
        .unwrap();
    let fixtures = FixtureServer::start(world, ServeOptions::default());
    let store = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    common::ingest_ok(store.path(), &[], &plan_pointing_at_deposits(files.path()));
    let server = Server::start(store.path(), &[]);
    let out = harvest(&fixtures, store.path(), &["referenced", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["new"], 3, "{summary}");
    let q = "PREFIX dmpg: <https://w3id.org/dmpgraph/ns#>
             PREFIX dcterms: <http://purl.org/dc/terms/>
             SELECT ?g ?src ?id WHERE { GRAPH ?g { ?g dmpg:harvestedFrom ?src ; <http://xmlns.com/foaf/0.1/primaryTopic> ?d . ?d dcterms:identifier ?id } } ORDER BY ?src ?id";
    let r = query_get(&server, q, "text/csv");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("datacite,10.99999/example.dataset.1"),
        "{}",
        r.body
    );
    assert!(r.body.contains("ddbj,JGAS000004"), "{}", r.body);
    assert!(r.body.contains("ddbj,DRA015678"), "{}", r.body);
    assert!(
        r.body
            .contains("/deposit/doi%3A10.99999%2Fexample.dataset.1"),
        "{}",
        r.body
    );

    // The source withdraws one: the next harvest leaves a tombstone.
    fixtures.gone(
        dmpgraph_dev::fixture_server::Service::Datacite,
        "10.99999/example.dataset.1",
        410,
    );
    let out = harvest(&fixtures, store.path(), &["referenced", "--json"])
        .output()
        .unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (summary["deleted"].as_u64(), summary["unchanged"].as_u64()),
        (Some(1), Some(2)),
        "{summary}"
    );
    let r = query_get(&server, q, "text/csv");
    assert!(!r.body.contains("datacite,"), "{}", r.body);
}

#[test]
fn a_harvest_killed_mid_request_resumes_asking_only_what_it_had_not_stored() {
    let world = World::generated_datacite(6, 1.0);
    let mut dois = world.ids(dmpgraph_dev::fixture_server::Service::Datacite);
    dois.sort();
    let fixtures = FixtureServer::start(world, ServeOptions::default());
    let store = tempfile::tempdir().unwrap();
    let config = store.path().join("harvest.toml");
    std::fs::write(
        &config,
        include_str!("../../../mappings/catalog.toml").to_string()
            + "\n[sources.datacite]\nconcurrency = 1\n[sources.doi_ra]\nconcurrency = 1\n",
    )
    .unwrap();
    // The fourth DOI's record never answers, until released.
    let held = format!("/datacite/dois/{}", dois[3]);
    fixtures.fault(Fault::new(held.clone(), 1, FaultAction::Hold));
    let mut args = vec!["doi", "--config", s(&config)];
    args.extend(dois.iter().map(String::as_str));
    let mut child = harvest(&fixtures, store.path(), &args).spawn().unwrap();
    let start = Instant::now();
    while fixtures.held() == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the held request never came: {:?}",
            fixtures.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Let what was received be stored, then SIGKILL: no chance to clean up.
    std::thread::sleep(Duration::from_millis(500));
    child.kill().unwrap();
    child.wait().unwrap();
    fixtures.release();
    let before: Vec<String> = fixtures
        .log()
        .iter()
        .filter(|l| l.path.starts_with("/datacite/dois/"))
        .map(|l| l.path.clone())
        .collect();
    let out = harvest(&fixtures, store.path(), &[&args[..], &["--json"]].concat())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let log = fixtures.log();
    let records: Vec<_> = log
        .iter()
        .filter(|l| l.path.starts_with("/datacite/dois/"))
        .collect();
    for d in &dois {
        let path = format!("/datacite/dois/{d}");
        let asked: Vec<u16> = records
            .iter()
            .filter(|l| l.path.eq_ignore_ascii_case(&path))
            .map(|l| l.status)
            .collect();
        if path == held {
            assert_eq!(
                asked.iter().filter(|s| **s == 200).count(),
                1,
                "{path}: {asked:?}"
            );
        } else {
            assert_eq!(
                asked,
                [200],
                "{path} asked again after the kill: {asked:?} (before: {before:?})"
            );
        }
    }
    // Every registry look-up once: the first run's were remembered.
    let ra = log
        .iter()
        .filter(|l| l.path.starts_with("/doi-ra/"))
        .count();
    assert_eq!(ra, 6);
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stored_before = before.iter().filter(|p| **p != held).count();
    assert!(stored_before >= 1, "{before:?}");
    assert_eq!(
        summary["resumed"].as_u64(),
        Some(stored_before as u64),
        "{summary}"
    );
    let stats = bin()
        .args(["stats", "--json", "--store", s(store.path())])
        .output()
        .unwrap();
    assert!(stdout(&stats).contains("deposit"), "{}", stdout(&stats));
}

#[test]
fn bad_arguments_are_named() {
    let fixtures = FixtureServer::start(World::new(), ServeOptions::default());
    let store = tempfile::tempdir().unwrap();
    let out = harvest(
        &fixtures,
        store.path(),
        &["doi", "10.99999/ok", "not-a-doi"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("argument 2 'not-a-doi'"),
        "{}",
        stderr(&out)
    );
    let out = harvest(
        &fixtures,
        store.path(),
        &["funder", "--award", "KAKENHI-123"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--award 'KAKENHI-123'"),
        "{}",
        stderr(&out)
    );
    let out = harvest(&fixtures, store.path(), &["accession", "JGAS000999"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("failed: JGAS000999"),
        "{}",
        stdout(&out)
    );
}
