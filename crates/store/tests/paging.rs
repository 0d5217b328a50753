//! The change log at a million entries: a page costs the same wherever it
//! is in the list (a range read from its cursor, never a skip).

use chrono::{DateTime, TimeZone, Utc};
use dmpgraph_store::registry::testing::{self, RawRegistry};
use dmpgraph_store::{Cursor, Listing, RecordEntry};
use std::time::Instant;

const N: u64 = 1_000_000;
const PAGE: usize = 100;

fn stamp(i: u64) -> DateTime<Utc> {
    // Ten records a second, as a busy harvest writes them.
    Utc.timestamp_opt(1_700_000_000 + (i / 10) as i64, 0)
        .unwrap()
}

fn key(i: u64) -> String {
    format!("r{i:07}")
}

fn entry(i: u64) -> RecordEntry {
    let set = if i.is_multiple_of(2) {
        "dmp:amed"
    } else {
        "dmp:madmp"
    };
    let mut e = testing::entry(&key(i), stamp(i), &["dmp", set]);
    e.seq = i + 1;
    e
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
fn the_last_page_of_a_million_costs_what_the_first_does() {
    let dir = tempfile::tempdir().unwrap();
    let reg = RawRegistry::open(&dir.path().join("registry.redb")).unwrap();
    let t = Instant::now();
    for chunk in (0..N).collect::<Vec<_>>().chunks(100_000) {
        reg.append(chunk.iter().map(|&i| entry(i)).collect())
            .unwrap();
    }
    println!("wrote {N} entries in {:.1} s", t.elapsed().as_secs_f64());
    let read = reg.read().unwrap();
    assert_eq!(read.last_seq().unwrap(), N);
    let cursor = |i: u64| Cursor {
        datestamp: stamp(i),
        key: format!("dmp:{}", key(i)),
    };
    let page = |after: Option<Cursor>, set: Option<&str>| {
        read.list(&Listing {
            set: set.map(str::to_owned),
            after,
            limit: PAGE,
            ..Listing::default()
        })
        .unwrap()
    };
    // The pages are right: first, one from the middle, the last (no cursor after it).
    let first = page(None, None);
    assert_eq!(first.entries[0].key.id, key(0));
    assert_eq!(first.entries.len(), PAGE);
    let last_start = N - PAGE as u64 - 1;
    let last = page(Some(cursor(last_start)), None);
    assert_eq!(last.entries.len(), PAGE);
    assert_eq!(last.entries.last().unwrap().key.id, key(N - 1));
    assert!(last.next.is_none(), "no cursor on the last page");
    let set_last = page(Some(cursor(N - 2 * PAGE as u64 - 1)), Some("dmp:madmp"));
    assert_eq!(set_last.entries.len(), PAGE);
    assert!(set_last
        .entries
        .iter()
        .all(|e| e.sets.contains(&"dmp:madmp".to_string())));
    // What a page reads does not grow with its position.
    for p in [&first, &last, &set_last] {
        assert!(
            p.visited <= PAGE + 1,
            "{} entries read for a page",
            p.visited
        );
    }
    // Time, the first and the last page in turn, many times each.
    let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..301 {
        let t = Instant::now();
        std::hint::black_box(page(None, None));
        a.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        std::hint::black_box(page(Some(cursor(last_start)), None));
        b.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        std::hint::black_box(page(
            Some(cursor(N - 2 * PAGE as u64 - 1)),
            Some("dmp:madmp"),
        ));
        c.push(t.elapsed().as_secs_f64());
    }
    let (first_ms, last_ms, set_ms) = (median(a) * 1e3, median(b) * 1e3, median(c) * 1e3);
    let ratio = last_ms / first_ms;
    println!(
        "pages of {PAGE} over {N} entries: first {first_ms:.3} ms, last {last_ms:.3} ms (×{ratio:.2}), last of a set {set_ms:.3} ms"
    );
    assert!(ratio <= 1.2, "the last page costs ×{ratio:.2} the first");
    // The change log reads from any sequence number alike.
    let tail = read.changes_after(N - 10, 100).unwrap();
    assert_eq!(tail.len(), 10);
    assert_eq!(tail[0].seq, N - 9);
}
