//! Harvest runs against a real HTTP server on 127.0.0.1 that answers in
//! the real services' shapes (dmpgraph-dev's fixture server): single
//! records through doi.org's registry look-up, paged funder searches,
//! conditional requests, retries, faults, gone records, rate limits.

use dmpgraph_dev::fixture_server::{
    Fault, FaultAction, FixtureServer, Logged, ServeOptions, Service as S, World,
};
use dmpgraph_harvest::config::HarvestConfig;
use dmpgraph_harvest::run::{Harvested, Harvester, StoreFailure, Summary, Target, Written};
use dmpgraph_harvest::state::State;
use dmpgraph_model::award::AwardNumber;
use std::collections::BTreeMap;
use std::time::Duration;

/// The fixtures' world, or (outside CI, with no fixtures folder) the test
/// returns: `DMPGRAPH_FIXTURES` unset under `CI=true` fails instead.
macro_rules! fixtures {
    () => {
        match World::from_fixtures() {
            Some(w) => w,
            None => return,
        }
    };
}

/// What a test's store holds: record id → (content hash, source, title).
#[derive(Default)]
struct Mem {
    records: BTreeMap<String, Harvested>,
    tombstones: Vec<String>,
}

impl dmpgraph_harvest::run::Store for Mem {
    fn put(&mut self, records: &[Harvested]) -> Result<Vec<Written>, StoreFailure> {
        Ok(records
            .iter()
            .map(|h| {
                let w = match self.records.get(&h.id()) {
                    None => Written::New,
                    Some(old) if old.content_hash == h.content_hash => Written::Unchanged,
                    Some(_) => Written::Changed,
                };
                self.records.insert(h.id(), h.clone());
                w
            })
            .collect())
    }
    fn gone(&mut self, id: &str) -> Result<bool, StoreFailure> {
        let was = self.records.remove(id).is_some();
        if was {
            self.tombstones.push(id.to_string());
        }
        Ok(was)
    }
}

fn amed() -> dmpgraph_model::Funder {
    dmpgraph_model::CatalogConfig::builtin().funder.clone()
}

/// A configuration pointing every service at `server`, with quick retries
/// and `extra` TOML lines (rates) appended.
fn config(server: &FixtureServer, extra: &str) -> HarvestConfig {
    let mut toml = String::from(
        "[harvest]\ncontact = \"harvest-test@example.org\"\ntimeout_seconds = 2\nmax_attempts = 4\nbackoff_base_ms = 50\nbackoff_max_seconds = 1\npage_size = 1\n",
    );
    for (name, prefix) in [
        ("datacite", "datacite"),
        ("crossref", "crossref"),
        ("jalc", "jalc"),
        ("doi_ra", "doi-ra"),
        ("ddbj", "ddbj"),
    ] {
        toml.push_str(&format!(
            "[sources.{name}]\nbase_url = \"{}\"\nrate = \"1000/1s\"\nconcurrency = 4\n",
            server.base(prefix)
        ));
    }
    // `extra`'s keys replace the defaults above, table by table.
    let mut doc: toml::Table = toml.parse().unwrap();
    let extra: toml::Table = extra.parse().expect("valid extra TOML");
    fn merge(into: &mut toml::Table, from: toml::Table) {
        for (k, v) in from {
            match (into.get_mut(&k), v) {
                (Some(toml::Value::Table(a)), toml::Value::Table(b)) => merge(a, b),
                (_, v) => {
                    into.insert(k, v);
                }
            }
        }
    }
    merge(&mut doc, extra);
    HarvestConfig::from_toml(&doc.to_string(), "test", &|_| None).expect("valid test configuration")
}

fn harvester(config: HarvestConfig, dir: &std::path::Path) -> Harvester {
    Harvester::new(config, amed(), State::open(dir).expect("state")).expect("harvester")
}

fn doi(d: &str) -> Target {
    Target::parse(d).expect("a DOI")
}

fn requests(log: &[Logged], prefix: &str) -> Vec<Logged> {
    log.iter()
        .filter(|l| l.path.starts_with(prefix))
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_doi_goes_to_its_registry_and_an_unchanged_record_costs_a_304() {
    let server = FixtureServer::start(fixtures!(), ServeOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let h = harvester(config(&server, ""), dir.path());
    let mut store = Mem::default();
    let targets = [
        doi("https://doi.org/10.99999/EXAMPLE.DATASET.1"),
        doi("10.99999/example.article.7"),
        doi("doi:10.99999/example.jalc.3"),
    ];
    let s = h.records(&mut store, "doi", &targets).await.unwrap();
    assert_eq!((s.fetched, s.new, s.failed.len()), (3, 3, 0), "{s:?}");
    let sources: Vec<(&str, &str)> = store
        .records
        .iter()
        .map(|(k, v)| (k.as_str(), v.deposit.source.as_str()))
        .collect();
    assert_eq!(
        sources,
        [
            ("doi:10.99999/example.article.7", "crossref"),
            ("doi:10.99999/example.dataset.1", "datacite"),
            ("doi:10.99999/example.jalc.3", "jalc")
        ]
    );
    let log = server.log();
    assert_eq!(
        requests(&log, "/doi-ra/").len(),
        3,
        "one registry look-up per DOI"
    );
    for l in &log {
        let ua = l.user_agent.as_deref().unwrap_or_default();
        assert!(
            ua.starts_with("dmpgraph/") && ua.contains("mailto:harvest-test@example.org"),
            "{ua}"
        );
        assert!(l
            .accept_encoding
            .as_deref()
            .unwrap_or_default()
            .contains("gzip"));
    }
    let cr = requests(&log, "/crossref/works/");
    assert_eq!(
        cr[0].param("mailto").as_deref(),
        Some("harvest-test@example.org")
    );

    // Again: the registry is remembered, every record answers 304.
    server.clear_log();
    drop(h);
    let h = harvester(config(&server, ""), dir.path());
    let s = h.records(&mut store, "doi", &targets).await.unwrap();
    assert_eq!(
        (s.fetched, s.unchanged, s.new, s.changed),
        (0, 3, 0, 0),
        "{s:?}"
    );
    let log = server.log();
    assert!(requests(&log, "/doi-ra/").is_empty());
    assert_eq!(log.len(), 3);
    assert!(
        log.iter()
            .all(|l| l.status == 304 && l.if_none_match.is_some()),
        "{log:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_honour_retry_after_and_outlast_503s_and_timeouts() {
    let server = FixtureServer::start(fixtures!(), ServeOptions::default());
    let dir = tempfile::tempdir().unwrap();
    server.fault(Fault::status("/datacite/dois", 1, 429, Some("1")));
    server.fault(Fault::status("/datacite/dois", 1, 503, None));
    server.fault(Fault::new(
        "/datacite/dois",
        1,
        FaultAction::Delay(Duration::from_secs(4)),
    ));
    let h = harvester(config(&server, ""), dir.path());
    let mut store = Mem::default();
    let s = h
        .records(&mut store, "doi", &[doi("10.99999/example.dataset.1")])
        .await
        .unwrap();
    assert_eq!((s.new, s.failed.len()), (1, 0), "{s:?}");
    let tries = requests(&server.log(), "/datacite/dois");
    assert_eq!(tries.len(), 4, "{tries:?}");
    assert_eq!(tries[0].status, 429);
    assert!(
        tries[1].t_ms - tries[0].t_ms >= 1000.0,
        "Retry-After: 1 was not honoured: {tries:?}"
    );
    assert_eq!(tries[1].status, 503);
    assert_eq!(tries[3].status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_and_malformed_bodies_fail_the_record_and_store_nothing() {
    let server = FixtureServer::start(fixtures!(), ServeOptions::default());
    let dir = tempfile::tempdir().unwrap();
    server.fault(Fault::new("/datacite/dois", 100, FaultAction::Truncate));
    server.fault(Fault::new("/jalc/dois", 100, FaultAction::Malformed));
    let h = harvester(config(&server, ""), dir.path());
    let mut store = Mem::default();
    let targets = [
        doi("10.99999/example.dataset.1"),
        doi("10.99999/example.jalc.3"),
        doi("10.99999/example.article.7"),
    ];
    let s = h.records(&mut store, "doi", &targets).await.unwrap();
    assert_eq!(s.new, 1, "{s:?}");
    assert_eq!(
        store.records.keys().collect::<Vec<_>>(),
        ["doi:10.99999/example.article.7"]
    );
    let failed: BTreeMap<&str, &str> = s
        .failed
        .iter()
        .map(|f| (f.target.as_str(), f.reason.as_str()))
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(
        failed["10.99999/example.jalc.3"].contains("not JSON"),
        "{failed:?}"
    );
    assert!(!failed["10.99999/example.dataset.1"].is_empty());
    // Unknown DOIs are failures that name doi.org's answer.
    let s = h
        .records(&mut store, "doi", &[doi("10.99999/nope")])
        .await
        .unwrap();
    assert_eq!(s.failed.len(), 1);
    assert!(
        s.failed[0].reason.contains("does not exist"),
        "{:?}",
        s.failed
    );

    // The faults gone, the same command stores them.
    server.clear_faults();
    let s = h.records(&mut store, "doi", &targets).await.unwrap();
    assert_eq!((s.new, s.unchanged, s.failed.len()), (2, 1, 0), "{s:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_gone_at_its_source_becomes_a_tombstone() {
    let server = FixtureServer::start(fixtures!(), ServeOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let h = harvester(config(&server, ""), dir.path());
    let mut store = Mem::default();
    let targets = [
        doi("10.99999/example.dataset.1"),
        Target::parse("JGAS000004").unwrap(),
    ];
    let s = h.records(&mut store, "x", &targets).await.unwrap();
    assert_eq!(s.new, 2, "{s:?}");
    let jga = &store.records["jga:JGAS000004"].deposit;
    assert_eq!(
        jga.access,
        Some(dmpgraph_model::deposit::Access::Restricted)
    );
    server.gone(S::Datacite, "10.99999/example.dataset.1", 410);
    server.gone(S::Ddbj, "JGAS000004", 404);
    let s = h.records(&mut store, "x", &targets).await.unwrap();
    assert_eq!((s.deleted, s.failed.len()), (2, 0), "{s:?}");
    store.tombstones.sort();
    assert_eq!(
        store.tombstones,
        ["doi:10.99999/example.dataset.1", "jga:JGAS000004"]
    );
    assert!(store.records.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_funder_search_pages_through_every_source_and_keeps_only_the_funders_records() {
    let mut world = fixtures!();
    world.merge(World::generated_datacite(7, 0.5));
    let server = FixtureServer::start(world, ServeOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let h = harvester(config(&server, ""), dir.path());
    let mut store = Mem::default();
    let Some(jga_title) = store_title_of_fixture_jga() else {
        return;
    };
    let s = h
        .funder(&mut store, &[], std::slice::from_ref(&jga_title))
        .await
        .unwrap();
    assert!(s.failed.is_empty(), "{s:?}");
    let log = server.log();
    // DataCite: page size 1, so one request per record, through links.next.
    let dc = requests(&log, "/datacite/dois");
    assert!(dc.len() >= 9, "{}", dc.len());
    let q = dc[0].param("query").unwrap();
    assert!(
        q.contains("fundingReferences.funderName") && q.contains("10.13039"),
        "{q}"
    );
    // Crossref: deep cursor paging with the funder filter.
    let cr = requests(&log, "/crossref/works");
    assert!(cr[0]
        .param("filter")
        .unwrap()
        .contains("funder:10.13039/100009619"));
    assert_eq!(cr[0].param("cursor").as_deref(), Some("*"));
    // DDBJ: the grant title sent, the filter matching titles.
    let dd = requests(&log, "/ddbj/entries/jga-study/");
    assert!(
        dd.iter().any(|l| l
            .param("grant")
            .is_some_and(|g| g.contains(jga_title.as_str()))),
        "{dd:?}"
    );
    // Only AMED's records are kept; the others are counted as skipped.
    assert!(s.skipped > 0, "{s:?}");
    for r in store.records.values() {
        assert!(
            r.deposit
                .funding
                .iter()
                .any(|f| dmpgraph_harvest::sources::names_funder(f, &amed()))
                || r.deposit.source == dmpgraph_model::deposit::Source::Ddbj,
            "{:?}",
            r.deposit.id
        );
    }
    assert!(store.records.len() >= 4, "{:?}", store.records.keys());

    // With an award: every year's acknowledgement form, by wildcard.
    server.clear_log();
    let award = AwardNumber::parse("21ek0109555h0001").unwrap();
    h.funder(&mut Mem::default(), &[award], &[]).await.unwrap();
    let log = server.log();
    let q = requests(&log, "/datacite/dois")[0].param("query").unwrap();
    assert!(q.contains("ek0109555"), "{q}");
    let awards: Vec<String> = requests(&log, "/crossref/works")
        .iter()
        .filter_map(|l| l.param("filter"))
        .collect();
    assert!(
        awards
            .iter()
            .any(|f| f.contains("award.number:JP21ek0109555")),
        "{awards:?}"
    );
    assert!(
        awards
            .iter()
            .any(|f| f.contains("award.number:JP23ek0109555")),
        "{awards:?}"
    );
}

/// The grant title of the JGA study fixture (what a plan's 研究開発課題名 would be).
fn store_title_of_fixture_jga() -> Option<String> {
    let dir = dmpgraph_dev::testing::fixtures_dir()?.join("external/ddbj/jga-study1.json");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(dir).unwrap()).unwrap();
    let grants = v
        .pointer("/grant")
        .or_else(|| v.pointer("/properties/grants"))
        .cloned()
        .unwrap_or_default();
    grants
        .as_array()
        .and_then(|a| a.first())
        .and_then(|g| g.get("title").and_then(|t| t.as_str()).map(str::to_owned))
        .or_else(|| Some("Study".to_string()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_holds_at_the_server_and_a_slow_host_does_not_slow_another() {
    let world = World::generated_datacite(40, 1.0);
    let ids = world.ids(S::Datacite);
    let mut world = world;
    world.merge(fixtures!());
    let server = FixtureServer::start(
        world,
        ServeOptions {
            per_prefix_delay: vec![("/ddbj".into(), Duration::from_millis(1500))],
            ..ServeOptions::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let extra = "[sources.datacite]\nrate = \"20/1s\"\nburst = 1\nconcurrency = 4\n";
    let h = harvester(config(&server, extra), dir.path());
    let mut targets: Vec<Target> = ids.iter().map(|d| doi(d)).collect();
    targets.push(Target::parse("JGAS000004").unwrap());
    targets.push(Target::parse("JGAD000001").unwrap());
    let mut store = Mem::default();
    let s: Summary = h.records(&mut store, "rate", &targets).await.unwrap();
    assert_eq!((s.new, s.failed.len()), (42, 0), "{s:?}");
    let log = server.log();
    let dc: Vec<f64> = requests(&log, "/datacite/dois/")
        .iter()
        .map(|l| l.t_ms)
        .collect();
    assert_eq!(dc.len(), 40);
    // 20 per second: any 21 consecutive requests span at least a second
    // (less a scheduling tolerance of 5%).
    let mut sorted = dc.clone();
    sorted.sort_by(f64::total_cmp);
    for w in sorted.windows(21) {
        assert!(w[20] - w[0] >= 950.0, "21 requests in {} ms", w[20] - w[0]);
    }
    // The slow DDBJ answers (1.5 s each) did not hold DataCite back: its
    // requests went on arriving while DDBJ's were unanswered.
    let ddbj: Vec<f64> = requests(&log, "/ddbj/").iter().map(|l| l.t_ms).collect();
    assert_eq!(ddbj.len(), 2);
    let first = ddbj.iter().copied().fold(f64::INFINITY, f64::min);
    let meanwhile = sorted
        .iter()
        .filter(|t| **t > first && **t < first + 1400.0)
        .count();
    let after = sorted.iter().filter(|t| **t > first).count();
    assert!(
        after == 0 || meanwhile >= after.min(3),
        "{meanwhile} of the {after} DataCite requests after DDBJ's came while DDBJ was slow"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_run_resumes_without_asking_again() {
    let world = World::generated_datacite(30, 1.0);
    let ids = world.ids(S::Datacite);
    let mut world = world;
    world.merge(fixtures!());
    let server = FixtureServer::start(world, ServeOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let targets: Vec<Target> = ids.iter().map(|d| doi(d)).collect();
    let extra = "[sources.datacite]\nconcurrency = 1\n[sources.doi_ra]\nconcurrency = 1\n";
    {
        let h = harvester(config(&server, extra), dir.path());
        let stop = h.stop_flag();
        let mut store = Mem::default();
        let seen = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let mut h = h;
        let seen2 = seen.clone();
        let stop2 = stop.clone();
        h.on_progress(move |p| {
            seen2.store(p.done, std::sync::atomic::Ordering::Relaxed);
            if p.done >= 3 {
                stop2.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        });
        let r = h.records(&mut store, "resume", &targets).await;
        assert!(
            matches!(r, Err(dmpgraph_harvest::HarvestError::Interrupted)),
            "{r:?}"
        );
    }
    let first: Vec<String> = requests(&server.log(), "/datacite/dois/")
        .iter()
        .map(|l| l.path.clone())
        .collect();
    assert!(first.len() >= 3 && first.len() < 30, "{}", first.len());
    server.clear_log();
    let h = harvester(config(&server, extra), dir.path());
    let mut store = Mem::default();
    let s = h.records(&mut store, "resume", &targets).await.unwrap();
    assert!(s.resumed >= 3, "{s:?}");
    let second: Vec<String> = requests(&server.log(), "/datacite/dois/")
        .iter()
        .map(|l| l.path.clone())
        .collect();
    // What the first run finished is not asked again; the rest is.
    assert_eq!(second.len() as u64, 30 - s.resumed, "{s:?} {second:?}");
    assert_eq!(s.new + s.unchanged + s.resumed, 30, "{s:?}");
    let mut all: Vec<&String> = first.iter().chain(&second).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_resumed_after_its_cursor_expired_starts_again_from_the_first_page() {
    let server = FixtureServer::start(World::generated_datacite(12, 1.0), ServeOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let extra = "[harvest]\npage_size = 2\n";
    {
        let mut h = harvester(config(&server, extra), dir.path());
        let stop = h.stop_flag();
        h.on_progress(move |p| {
            if p.label.starts_with("DataCite") && p.done >= 4 {
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        });
        let r = h.funder(&mut Mem::default(), &[], &[]).await;
        assert!(
            matches!(r, Err(dmpgraph_harvest::HarvestError::Interrupted)),
            "{r:?}"
        );
    }
    // Time passes: the checkpointed cursor is no longer good.
    server.expire_cursors();
    server.clear_log();
    let h = harvester(config(&server, extra), dir.path());
    let mut store = Mem::default();
    let s = h.funder(&mut store, &[], &[]).await.unwrap();
    assert!(s.failed.is_empty(), "{s:?}");
    assert_eq!(s.restarted, 1, "{s:?}");
    let dc = requests(&server.log(), "/datacite/dois");
    // The checkpointed page, refused; then the first page, and on to the end.
    assert_eq!(dc[0].status, 400, "{dc:?}");
    assert_ne!(dc[0].param("page[cursor]").as_deref(), Some("1"));
    assert_eq!(dc[1].param("page[cursor]").as_deref(), Some("1"), "{dc:?}");
    assert!(dc[1..].iter().all(|l| l.status == 200), "{dc:?}");
    assert_eq!(store.records.len(), 12, "{:?}", store.records.keys());
}
