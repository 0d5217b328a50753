//! The writer over real oxigraph stores.

use super::*;
use oxigraph::model::{GraphName, Literal, NamedNode, Quad};
use std::collections::HashSet;

fn key(id: &str) -> RecordKey {
    RecordKey::new(RecordKind::Dmp, id)
}

fn graph(id: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("http://x/record/{id}"))
}

fn quads(id: &str, title: &str, n: usize) -> Vec<Quad> {
    let s = NamedNode::new_unchecked(format!("http://x/record/{id}#dmp"));
    (0..n)
        .map(|i| {
            Quad::new(
                s.clone(),
                NamedNode::new_unchecked(format!("http://x/p{i}")),
                Literal::new_simple_literal(format!("{title} {i}")),
                GraphName::DefaultGraph,
            )
        })
        .collect()
}

fn put(id: &str, title: &str, version: &str) -> Change {
    Change::Put(RecordWrite {
        key: key(id),
        graph: graph(id),
        public: quads(id, title, 20),
        private: quads(id, &format!("private {title}"), 3),
        format: SourceFormat::AmedExcel,
        base_iri: Some("http://x/".into()),
        sets: default_sets(RecordKind::Dmp, SourceFormat::AmedExcel),
        version: Some(version.into()),
        source: Some(format!("{id}.xlsx")),
        title: Some(title.into()),
        datasets: Some(1),
        madmp_version: None,
        conditions: Vec::new(),
    })
}

fn delete(id: &str) -> Change {
    Change::Delete(Delete {
        key: key(id),
        conditions: Vec::new(),
    })
}

fn titles(view: &PublicView, id: &str) -> HashSet<String> {
    view.graph(graph(id).as_str())
        .unwrap()
        .iter()
        .map(|q| match &q.object {
            oxigraph::model::Term::Literal(l) => l.value().rsplit_once(' ').unwrap().0.to_string(),
            _ => unreachable!(),
        })
        .collect()
}

#[test]
fn create_update_unchanged_older_delete_and_revive() {
    let dir = tempfile::tempdir().unwrap();
    let w = Stores::open(dir.path())
        .unwrap()
        .start_writer(WriterOptions::default());
    let out = w.submit(vec![put("a", "one", "2024-01-01")]).unwrap();
    assert_eq!(out, [WriteOutcome::Created { seq: 1 }]);
    let out = w
        .submit(vec![
            put("a", "one", "2024-01-01"),
            put("b", "bee", "2024-01-01"),
        ])
        .unwrap();
    assert_eq!(
        out,
        [WriteOutcome::Unchanged, WriteOutcome::Created { seq: 2 }]
    );
    let out = w.submit(vec![put("a", "two", "2024-02-01")]).unwrap();
    assert_eq!(out, [WriteOutcome::Updated { seq: 3 }]);
    assert_eq!(titles(&w.public(), "a"), HashSet::from(["two".to_string()]));
    let out = w.submit(vec![put("a", "zero", "2023-12-01")]).unwrap();
    assert_eq!(
        out,
        [WriteOutcome::OlderThanStored {
            stored: "2024-02-01".into()
        }]
    );
    let out = w.submit(vec![delete("a"), delete("nope")]).unwrap();
    assert_eq!(
        out,
        [WriteOutcome::Deleted { seq: 4 }, WriteOutcome::NotFound]
    );
    assert_eq!(
        w.submit(vec![delete("a")]).unwrap(),
        [WriteOutcome::AlreadyDeleted]
    );
    let view = w.public();
    assert!(view.graph(graph("a").as_str()).unwrap().is_empty());
    assert!(w.private().graph(graph("a").as_str()).unwrap().is_empty());
    let tomb = view.record(&key("a")).unwrap().unwrap();
    assert!(tomb.is_deleted());
    assert_eq!(tomb.sets, ["dmp", "dmp:amed"]);
    // An older version revives a deleted record: the tombstone holds no version to compare.
    let out = w.submit(vec![put("a", "three", "2023-01-01")]).unwrap();
    assert_eq!(out, [WriteOutcome::Revived { seq: 5 }]);
    let log = view.registry().unwrap().changes_after(0, 100).unwrap();
    let ops: Vec<(u64, &str, ChangeOp)> = log
        .iter()
        .map(|c| (c.seq, c.key.id.as_str(), c.op))
        .collect();
    assert_eq!(
        ops,
        [
            (1, "a", ChangeOp::Created),
            (2, "b", ChangeOp::Created),
            (3, "a", ChangeOp::Updated),
            (4, "a", ChangeOp::Deleted),
            (5, "a", ChangeOp::Revived),
        ]
    );
    // No two changes of one record share a datestamp.
    let stamps: Vec<_> = log
        .iter()
        .filter(|c| c.key.id == "a")
        .map(|c| c.datestamp)
        .collect();
    assert!(stamps.windows(2).all(|w| w[0] < w[1]), "{stamps:?}");
    assert!(w.private().graph(graph("a").as_str()).unwrap().len() == 3);
    let stores_dir = dir.path().to_path_buf();
    // The store closes when the writer and every view of it are gone.
    drop(view);
    w.shutdown().unwrap();
    let stores = Stores::open(&stores_dir).unwrap();
    assert_eq!(stores.verify().unwrap(), []);
}

#[test]
fn preconditions_are_checked_when_the_writer_applies_the_change() {
    let dir = tempfile::tempdir().unwrap();
    let w = Stores::open(dir.path())
        .unwrap()
        .start_writer(WriterOptions::default());
    w.submit(vec![put("a", "one", "2024-01-01")]).unwrap();
    let hash = w.public().record(&key("a")).unwrap().unwrap().public_hash;
    let with = |c: Change, cond: Condition| match c {
        Change::Put(mut p) => {
            p.conditions.push(cond);
            Change::Put(p)
        }
        Change::Delete(mut d) => {
            d.conditions.push(cond);
            Change::Delete(d)
        }
    };
    // Two writers both holding the same ETag: only the first one wins.
    let out = w
        .submit(vec![
            with(
                put("a", "two", "2024-02-01"),
                Condition::IfMatch(hash.clone()),
            ),
            with(
                put("a", "three", "2024-03-01"),
                Condition::IfMatch(hash.clone()),
            ),
        ])
        .unwrap();
    assert!(matches!(out[0], WriteOutcome::Updated { .. }), "{out:?}");
    assert!(
        matches!(out[1], WriteOutcome::PreconditionFailed { .. }),
        "{out:?}"
    );
    assert_eq!(titles(&w.public(), "a"), HashSet::from(["two".to_string()]));
    let out = w
        .submit(vec![with(
            put("a", "x", "2025-01-01"),
            Condition::SameFormat(SourceFormat::Madmp),
        )])
        .unwrap();
    assert!(
        matches!(&out[0], WriteOutcome::PreconditionFailed { reason } if reason.contains("amed-excel")),
        "{out:?}"
    );
    let out = w
        .submit(vec![with(
            put("a", "x", "2025-01-01"),
            Condition::MustNotExist,
        )])
        .unwrap();
    assert!(matches!(out[0], WriteOutcome::PreconditionFailed { .. }));
    let out = w
        .submit(vec![with(
            put("new", "x", "2025-01-01"),
            Condition::MustExist,
        )])
        .unwrap();
    assert!(matches!(out[0], WriteOutcome::PreconditionFailed { .. }));
    let long_ago = chrono::DateTime::<chrono::Utc>::from_timestamp(0, 0).unwrap();
    let out = w
        .submit(vec![with(
            delete("a"),
            Condition::IfUnmodifiedSince(long_ago),
        )])
        .unwrap();
    assert!(matches!(out[0], WriteOutcome::PreconditionFailed { .. }));
    assert!(!w.public().record(&key("a")).unwrap().unwrap().is_deleted());
}

#[test]
fn a_record_twice_in_a_round_is_stored_as_the_later_one() {
    let dir = tempfile::tempdir().unwrap();
    let w = Stores::open(dir.path())
        .unwrap()
        .start_writer(WriterOptions::default());
    let out = w
        .submit(vec![
            put("a", "one", "2024-01-01"),
            put("a", "two", "2024-02-01"),
            put("c", "sea", "2024-01-01"),
            delete("c"),
        ])
        .unwrap();
    assert_eq!(
        out,
        [
            WriteOutcome::Created { seq: 1 },
            WriteOutcome::Updated { seq: 1 },
            WriteOutcome::Unchanged,
            WriteOutcome::Unchanged,
        ]
    );
    assert_eq!(titles(&w.public(), "a"), HashSet::from(["two".to_string()]));
    let log = w.public().registry().unwrap().changes_after(0, 10).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].op, ChangeOp::Created);
    assert_eq!(w.public().record(&key("c")).unwrap(), None);
}

#[test]
fn a_journaled_round_is_finished_on_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let w = Stores::open(dir.path())
        .unwrap()
        .start_writer(WriterOptions::default());
    w.submit(vec![put("a", "one", "2024-01-01")]).unwrap();
    w.shutdown().unwrap();
    // A round journaled but never applied (a crash right after the journal
    // commit): the next open applies it.
    {
        let stores = Stores::open(dir.path()).unwrap();
        let reader = stores.public.registry.begin_read().unwrap();
        let mut entry = reader.get(&key("a")).unwrap().unwrap();
        let Change::Put(w2) = put("a", "two", "2024-02-01") else {
            unreachable!()
        };
        let mut q = w2.public.clone();
        for x in &mut q {
            x.graph_name = graph("a").into();
        }
        entry.seq = 2;
        entry.public_hash = canonical_hash(&q);
        entry.private_hash = canonical_hash(&w2.private);
        entry.datestamp += chrono::Duration::seconds(1);
        let mut p = w2.private.clone();
        for x in &mut p {
            x.graph_name = graph("a").into();
        }
        let change = journal::JournaledChange {
            entry,
            op: ChangeOp::Updated,
            public_changed: true,
            replaces: Vec::new(),
            set_names: Vec::new(),
            public_nquads: q.iter().map(|x| format!("{x} .\n")).collect(),
            private_nquads: p.iter().map(|x| format!("{x} .\n")).collect(),
            quads: None,
        };
        stores.private.journal.append(2, &[&change]).unwrap();
    }
    let stores = Stores::open(dir.path()).unwrap();
    assert_eq!(stores.verify().unwrap(), []);
    assert!(stores.private.journal.rounds().unwrap().is_empty());
    let view = stores.public();
    assert_eq!(titles(&view, "a"), HashSet::from(["two".to_string()]));
    assert_eq!(view.registry().unwrap().last_seq().unwrap(), 2);
}

#[test]
fn readers_see_each_record_wholly_before_or_after_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let w = Stores::open(dir.path())
        .unwrap()
        .start_writer(WriterOptions::default());
    w.submit(vec![put("a", "v0", "0000")]).unwrap();
    let view = w.public();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let view = view.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut reads = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let snap = view.snapshot().unwrap();
                    let (entry, quads) = snap.record(&key("a")).unwrap().unwrap();
                    let seen: HashSet<String> = quads
                        .iter()
                        .map(|q| q.object.to_string())
                        .map(|o| o.trim_matches('"').rsplit_once(' ').unwrap().0.to_string())
                        .collect();
                    // A record is never missing, never mixed, and the
                    // registry's entry is that of the content read.
                    assert_eq!(seen.len(), 1, "mixed: {seen:?}");
                    assert_eq!(quads.len(), 20);
                    assert_eq!(Some(seen.into_iter().next().unwrap()), entry.title);
                    reads += 1;
                }
                reads
            })
        })
        .collect();
    for i in 1..=60 {
        w.submit(vec![put("a", &format!("v{i}"), &format!("{i:04}"))])
            .unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let reads: u64 = readers.into_iter().map(|r| r.join().unwrap()).sum();
    assert!(reads > 0);
}

#[test]
fn a_plan_is_stored_with_its_items() {
    let dir = tempfile::tempdir().unwrap();
    let w = Stores::open(dir.path())
        .unwrap()
        .start_writer(WriterOptions::default());
    w.submit(vec![put("a", "t", "2024-01-01")]).unwrap();
    let entry = w.public().record(&key("a")).unwrap().unwrap();
    assert_eq!(entry.items.len(), 1, "{entry:?}");
}
