//! `Stores::write_batch` over real oxigraph stores: what a batch leaves in
//! the public store, the private store and the registry.

use dmpgraph_store::{RecordKind, RecordWrite, Stores, WriteOutcome};
use oxigraph::model::{GraphNameRef, Literal, NamedNode, Quad};

const GRAPH: &str = "http://localhost:8080/record/";

fn quad(graph: &str, s: &str, value: &str) -> Quad {
    Quad::new(
        NamedNode::new(format!("{graph}#{s}")).unwrap(),
        NamedNode::new("http://purl.org/dc/terms/title").unwrap(),
        Literal::new_simple_literal(value),
        NamedNode::new(graph).unwrap(),
    )
}

/// A record `id` with one public and one private value.
fn record(id: &str, version: &str, value: &str) -> RecordWrite {
    let graph = format!("{GRAPH}{id}");
    RecordWrite {
        id: id.to_string(),
        kind: RecordKind::Dmp,
        graph: NamedNode::new(&graph).unwrap(),
        public: vec![quad(&graph, "dmp", value)],
        private: vec![quad(&graph, "pi", &format!("{value}@example.jp"))],
        version: Some(version.to_string()),
        source: Some(format!("{id}.xlsx")),
        summary: serde_json::json!({ "title": value }),
    }
}

/// The object values of a record's graph in one store, sorted.
fn values(store: &oxigraph::store::Store, id: &str) -> Vec<String> {
    let graph = NamedNode::new(format!("{GRAPH}{id}")).unwrap();
    let mut v: Vec<String> = store
        .quads_for_pattern(None, None, None, Some(GraphNameRef::from(&graph)))
        .map(|q| q.unwrap().object.to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn new_records_are_written_to_both_stores_and_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    let stores = Stores::open(dir.path()).unwrap();
    let outcomes = stores
        .write_batch(vec![
            record("a", "2026-01-01", "A"),
            record("b", "2026-01-01", "B"),
        ])
        .unwrap();
    assert_eq!(outcomes, vec![WriteOutcome::Created, WriteOutcome::Created]);
    assert_eq!(values(stores.public(), "a"), vec!["\"A\""]);
    assert_eq!(values(stores.private(), "b"), vec!["\"B@example.jp\""]);
    assert_eq!(stores.records().unwrap().len(), 2);
    assert!(stores.verify().unwrap().is_empty());
}

#[test]
fn an_update_replaces_the_whole_graph() {
    let dir = tempfile::tempdir().unwrap();
    let stores = Stores::open(dir.path()).unwrap();
    stores
        .write_batch(vec![record("a", "2026-01-01", "old")])
        .unwrap();
    let outcomes = stores
        .write_batch(vec![record("a", "2026-02-01", "new")])
        .unwrap();
    assert_eq!(outcomes, vec![WriteOutcome::Updated]);
    assert_eq!(values(stores.public(), "a"), vec!["\"new\""]);
    assert_eq!(values(stores.private(), "a"), vec!["\"new@example.jp\""]);
    let outcomes = stores
        .write_batch(vec![record("a", "2026-02-01", "new")])
        .unwrap();
    assert_eq!(outcomes, vec![WriteOutcome::Unchanged]);
    assert!(stores.verify().unwrap().is_empty());
}

#[test]
fn a_record_twice_in_one_batch_is_stored_as_the_later_one_only() {
    let dir = tempfile::tempdir().unwrap();
    let stores = Stores::open(dir.path()).unwrap();
    stores
        .write_batch(vec![record("a", "2026-01-01", "stored")])
        .unwrap();
    // Two files of the same plan in one ingest: the later version wins, and
    // nothing of the earlier one (nor of the stored one) remains.
    let outcomes = stores
        .write_batch(vec![
            record("a", "2026-02-01", "first"),
            record("b", "2026-02-01", "B"),
            record("a", "2026-03-01", "second"),
        ])
        .unwrap();
    assert_eq!(
        outcomes,
        vec![
            WriteOutcome::Updated,
            WriteOutcome::Created,
            WriteOutcome::Updated
        ]
    );
    assert_eq!(values(stores.public(), "a"), vec!["\"second\""]);
    assert_eq!(values(stores.private(), "a"), vec!["\"second@example.jp\""]);
    let entry = stores.record("a").unwrap().unwrap();
    assert_eq!(entry.version.as_deref(), Some("2026-03-01"));
    assert!(stores.verify().unwrap().is_empty());

    // The same for a record new to the store.
    let outcomes = stores
        .write_batch(vec![
            record("c", "2026-02-01", "first"),
            record("c", "2026-03-01", "second"),
        ])
        .unwrap();
    assert_eq!(outcomes, vec![WriteOutcome::Created, WriteOutcome::Updated]);
    assert_eq!(values(stores.public(), "c"), vec!["\"second\""]);
    assert!(stores.verify().unwrap().is_empty());
}

#[test]
fn an_older_version_is_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let stores = Stores::open(dir.path()).unwrap();
    stores
        .write_batch(vec![record("a", "2026-02-01", "newer")])
        .unwrap();
    let outcomes = stores
        .write_batch(vec![record("a", "2026-01-01", "older")])
        .unwrap();
    assert!(matches!(outcomes[0], WriteOutcome::OlderThanStored { .. }));
    assert_eq!(values(stores.public(), "a"), vec!["\"newer\""]);
}
