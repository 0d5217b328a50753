//! Harvest runs: single records (DOIs, accessions) and paged searches
//! (DataCite's `links.next`, Crossref's `next-cursor`, DDBJ's pages), each
//! resumable.
//!
//! A run has an id made of what it asks for; running the same command
//! again after an interruption resumes it: targets done are skipped, a
//! search goes on from its checkpointed page, and a page received but not
//! stored when the run died is stored from the state, not asked again.
//! A run that ends forgets its checkpoint: the next run of the same
//! command asks again, conditionally (an unchanged record costs a 304).

use crate::client::{FetchError, Fetched, PoliteClient, Response, Validators};
use crate::config::{HarvestConfig, Service};
use crate::sources::{self, doira::Registry, Item, Next, Page, ParseError};
use crate::state::{Checkpoint, PageState, Pending, RecordState, State, Stored};
use crate::HarvestError;
use dmpgraph_model::award::AwardNumber;
use dmpgraph_model::deposit::{Deposit, Source};
use dmpgraph_model::identity::{normalize_doi, Accession};
use dmpgraph_model::Funder;
use futures_util::StreamExt;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A record harvested and mapped, ready to store.
#[derive(Debug, Clone)]
pub struct Harvested {
    /// The deposit.
    pub deposit: Deposit,
    /// The hash of the record's own JSON.
    pub content_hash: String,
    /// The URL it was received from.
    pub url: String,
    /// That response's validators.
    pub validators: Validators,
    /// When this content was first received.
    pub retrieved: chrono::DateTime<chrono::Utc>,
}

impl Harvested {
    /// The record id (`doi:10.…`, `jga:JGAD…`).
    pub fn id(&self) -> String {
        self.deposit.id.to_string()
    }
}

/// What storing a record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// It was not stored before.
    New,
    /// Its content changed.
    Changed,
    /// Its content is what was stored.
    Unchanged,
}

/// A boxed error from the store.
pub type StoreFailure = Box<dyn std::error::Error + Send + Sync>;

/// Where a run's records go.
pub trait Store: Send {
    /// Stores records; one outcome per record, in order.
    fn put(&mut self, records: &[Harvested]) -> Result<Vec<Written>, StoreFailure>;
    /// A record the source says is gone: its tombstone. Whether a stored
    /// record was deleted.
    fn gone(&mut self, id: &str) -> Result<bool, StoreFailure>;
}

/// A target that could not be harvested, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Failure {
    /// The DOI, accession, or page.
    pub target: String,
    /// The service asked.
    pub source: String,
    /// The URL asked, if any.
    pub url: Option<String>,
    /// What went wrong.
    pub reason: String,
}

/// What a run did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Bodies received (200).
    pub fetched: u64,
    /// Records unchanged (a 304, or the same content).
    pub unchanged: u64,
    /// Records new to the store.
    pub new: u64,
    /// Records whose content changed.
    pub changed: u64,
    /// Records the source says are gone, now tombstones.
    pub deleted: u64,
    /// Records a search found but that are not funded by the funder (not stored).
    pub skipped: u64,
    /// Targets an interrupted run had already done (not asked again).
    pub resumed: u64,
    /// Searches started again from their first page because the source
    /// refused the checkpointed cursor (expired).
    pub restarted: u64,
    /// What failed.
    pub failed: Vec<Failure>,
}

impl Summary {
    fn add(&mut self, o: &Summary) {
        self.fetched += o.fetched;
        self.unchanged += o.unchanged;
        self.new += o.new;
        self.changed += o.changed;
        self.deleted += o.deleted;
        self.skipped += o.skipped;
        self.resumed += o.resumed;
        self.restarted += o.restarted;
        self.failed.extend(o.failed.iter().cloned());
    }

    fn count(&mut self, w: Written) {
        match w {
            Written::New => self.new += 1,
            Written::Changed => self.changed += 1,
            Written::Unchanged => self.unchanged += 1,
        }
    }
}

/// Whether a search page was refused the way an expired cursor is: 400
/// (DataCite, Crossref, DDBJ), 404 or 410.
fn cursor_refused(got: &Result<Fetched, FetchError>) -> bool {
    matches!(
        got,
        Ok(Fetched::Gone(_)) | Err(FetchError::Status { status: 400, .. })
    )
}

/// A DOI or an accession to harvest.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A DOI, normalised.
    Doi(String),
    /// An accession number.
    Accession(Accession),
}

impl Target {
    /// A DOI or an accession in any written form.
    pub fn parse(text: &str) -> Option<Target> {
        if let Some(d) = normalize_doi(text) {
            return Some(Target::Doi(d));
        }
        Accession::parse(text).map(Target::Accession)
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Doi(d) => f.write_str(d),
            Target::Accession(a) => f.write_str(&a.number),
        }
    }
}

static DOI_IN_TEXT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"10\.\d{4,9}/[\x21-\x7E&&[^"'<>]]+"#).expect("valid DOI pattern")
});

static ACCESSION_IN_TEXT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)(?:^|[^0-9A-Za-z])(JGA[SDCPNXRZ][\s-]?\d{6}|hum[\s-]?\d{4}(?:[.-]v\d+)?|DR[APXRSZ]\d{6,}|PRJDB\d+|SAMD\d+)(?:$|[^0-9A-Za-z])",
    )
    .expect("valid accession pattern")
});

/// Every DOI and accession in a text (a DOI link, a repository URL, a
/// description), in any written form (full width, `doi:`, a resolver or
/// archive URL); Funder Registry DOIs (`10.13039/…`) are funders, not works.
pub fn targets_in(text: &str) -> Vec<Target> {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = text.nfkc().collect();
    let mut out = Vec::new();
    for m in DOI_IN_TEXT.find_iter(&folded) {
        let doi = m
            .as_str()
            .trim_end_matches(['.', ',', ';', ':', ')', ']', '」', '）', '。', '、']);
        if doi.starts_with("10.13039/") {
            continue;
        }
        if let Some(d) = normalize_doi(doi) {
            out.push(Target::Doi(d));
        }
    }
    // DOIs' suffixes may hold accession-like text; do not read those twice.
    let rest = DOI_IN_TEXT.replace_all(&folded, " ");
    let mut at = 0;
    while let Some(c) = ACCESSION_IN_TEXT.captures_at(&rest, at) {
        let m = c.get(1).expect("group 1 always matches");
        if let Some(a) = Accession::parse(m.as_str()) {
            out.push(Target::Accession(a));
        }
        at = m.end();
    }
    out.sort();
    out.dedup();
    out
}

/// Progress of a run, for a progress bar.
#[derive(Debug, Clone)]
pub struct Progress {
    /// What is being harvested.
    pub label: String,
    /// Targets or records done.
    pub done: u64,
    /// How many there are, when known.
    pub total: Option<u64>,
}

/// Runs harvests against the configured services.
pub struct Harvester {
    client: Arc<PoliteClient>,
    config: HarvestConfig,
    funder: Funder,
    state: State,
    progress: Arc<dyn Fn(&Progress) + Send + Sync>,
    stop: Arc<AtomicBool>,
}

/// Records in flight at once in a single-record run.
const IN_FLIGHT: usize = 8;

impl Harvester {
    /// A harvester with `config`, recognising `funder`, remembering in `state`.
    pub fn new(
        config: HarvestConfig,
        funder: Funder,
        state: State,
    ) -> Result<Harvester, HarvestError> {
        let client = PoliteClient::new(config.client.clone())?;
        for s in Service::ALL {
            let settings = config.source(s);
            client.set_policy(&settings.base_url, settings.policy)?;
        }
        Ok(Harvester {
            client: Arc::new(client),
            config,
            funder,
            state,
            progress: Arc::new(|_| {}),
            stop: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Tells `f` how the run goes.
    pub fn on_progress(&mut self, f: impl Fn(&Progress) + Send + Sync + 'static) {
        self.progress = Arc::new(f);
    }

    /// A flag that, once set, stops the run at the next record or page,
    /// its checkpoint kept.
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stop)
    }

    /// The state.
    pub fn state(&self) -> &State {
        &self.state
    }

    fn base(&self, s: Service) -> &str {
        &self.config.source(s).base_url
    }

    fn stopped(&self) -> Result<(), HarvestError> {
        if self.stop.load(Ordering::Relaxed) {
            Err(HarvestError::Interrupted)
        } else {
            Ok(())
        }
    }

    /// Harvests single records (DOIs through their registry, accessions
    /// from DDBJ). `run` names the run (resumed when it was interrupted).
    pub async fn records(
        &self,
        store: &mut dyn Store,
        run: &str,
        targets: &[Target],
    ) -> Result<Summary, HarvestError> {
        let mut targets = targets.to_vec();
        targets.sort();
        targets.dedup();
        let run_id = format!(
            "records:{run}:{}",
            digest(targets.iter().map(|t| t.to_string()))
        );
        let store = Mutex::new(store);
        let summary = Mutex::new(Summary::default());
        let done = AtomicU64::new(0);
        let total = targets.len() as u64;
        let label = format!("{} records", targets.len());
        // Records received and not stored by an interrupted run: stored
        // now, not asked again.
        for p in self.state.pendings(&run_id)? {
            match p.target.as_deref().and_then(Target::parse) {
                Some(t) => {
                    let s = self
                        .store_record(&store, &run_id, &t, Got::Pending(p))
                        .await?;
                    lock(&summary).add(&s);
                }
                None => self.state.drop_pending(&run_id, p.target.as_deref())?,
            }
        }
        let work = futures_util::stream::iter(targets.iter())
            .map(|t| async {
                let key = t.to_string();
                let r = if self.state.is_done(&run_id, &key)? {
                    Ok(Summary {
                        resumed: 1,
                        ..Summary::default()
                    })
                } else {
                    self.stopped()?;
                    self.one(&store, &run_id, t).await
                };
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                (self.progress)(&Progress {
                    label: label.clone(),
                    done: n,
                    total: Some(total),
                });
                r
            })
            .buffer_unordered(IN_FLIGHT);
        futures_util::pin_mut!(work);
        let mut first_error = None;
        while let Some(r) = work.next().await {
            match r {
                Ok(s) => lock(&summary).add(&s),
                Err(e) => {
                    // Stop asking; what is in flight finishes and is kept.
                    self.stop.store(true, Ordering::Relaxed);
                    first_error.get_or_insert(e);
                }
            }
        }
        if let Some(e) = first_error {
            return Err(e);
        }
        self.state.finish(&run_id)?;
        Ok(summary.into_inner().unwrap_or_else(|p| p.into_inner()))
    }

    async fn one(
        &self,
        store: &Mutex<&mut dyn Store>,
        run: &str,
        target: &Target,
    ) -> Result<Summary, HarvestError> {
        let (service, url) = match self.where_is(target).await {
            Ok(w) => w,
            Err(f) => {
                return Ok(Summary {
                    failed: vec![f],
                    ..Summary::default()
                })
            }
        };
        let id = target_id(target);
        let known = self.state.record(&id)?;
        let validators = known
            .as_ref()
            .filter(|k| k.url == url && k.gone.is_none())
            .map(|k| k.validators.clone());
        match self.client.get(&url, validators.as_ref()).await {
            Ok(Fetched::Body(r)) => {
                self.state
                    .put_pending(run, &Pending::of(&r, Some(target.to_string())))?;
                self.store_record(store, run, target, Got::Body(service, r))
                    .await
            }
            Ok(Fetched::NotModified) => {
                let s = Summary {
                    unchanged: 1,
                    ..Summary::default()
                };
                let records: Vec<(String, RecordState)> = known
                    .map(|mut k| {
                        k.checked = chrono::Utc::now();
                        (id.clone(), k)
                    })
                    .into_iter()
                    .collect();
                let key = target.to_string();
                self.state.stored(
                    run,
                    &Stored {
                        records: &records,
                        target: Some(&key),
                        ..Stored::default()
                    },
                )?;
                Ok(s)
            }
            Ok(Fetched::Gone(status)) => {
                let deleted = tokio::task::block_in_place(|| lock(store).gone(&id))
                    .map_err(HarvestError::Store)?;
                let now = chrono::Utc::now();
                let record = RecordState {
                    source: service.as_str().to_string(),
                    url: url.clone(),
                    validators: Validators::default(),
                    content_hash: String::new(),
                    retrieved: known.as_ref().map_or(now, |k| k.retrieved),
                    checked: now,
                    gone: Some(status),
                    provenance_url: None,
                    provenance_validators: None,
                };
                let key = target.to_string();
                self.state.stored(
                    run,
                    &Stored {
                        records: &[(id, record)],
                        target: Some(&key),
                        ..Stored::default()
                    },
                )?;
                let mut s = Summary::default();
                if deleted {
                    s.deleted = 1;
                } else {
                    s.failed.push(Failure {
                        target: key,
                        source: service.as_str().into(),
                        url: Some(url),
                        reason: format!("HTTP {status}: the source has no such record"),
                    });
                }
                Ok(s)
            }
            Err(e) => Ok(Summary {
                failed: vec![fetch_failure(&target.to_string(), service, &url, &e)],
                ..Summary::default()
            }),
        }
    }

    /// The service and URL of a target: a DOI's registry (asked of doi.org
    /// once, then remembered), an accession's DDBJ entry.
    async fn where_is(&self, target: &Target) -> Result<(Service, String), Failure> {
        match target {
            Target::Accession(a) => {
                let t = sources::ddbj::entry_type(a).ok_or_else(|| Failure {
                    target: a.number.clone(),
                    source: Service::Ddbj.as_str().into(),
                    url: None,
                    reason: "an NBDC Human Database id is not a DDBJ entry; harvest the JGA study or dataset it lists".into(),
                })?;
                Ok((
                    Service::Ddbj,
                    sources::ddbj::entry_url(self.base(Service::Ddbj), t, &a.number),
                ))
            }
            Target::Doi(doi) => {
                let registry = match self.state.registry(doi).ok().flatten() {
                    Some(r) => r,
                    None => {
                        let url = sources::doira::url(self.base(Service::DoiRa), doi);
                        let fail = |reason: String| Failure {
                            target: doi.clone(),
                            source: Service::DoiRa.as_str().into(),
                            url: Some(url.clone()),
                            reason,
                        };
                        let r = match self.client.get(&url, None).await {
                            Ok(Fetched::Body(r)) => r,
                            Ok(Fetched::Gone(s)) => return Err(fail(format!("HTTP {s}"))),
                            Ok(Fetched::NotModified) => {
                                return Err(fail("HTTP 304 to an unconditional request".into()))
                            }
                            Err(e) => return Err(fetch_failure(doi, Service::DoiRa, &url, &e)),
                        };
                        let name = match sources::doira::parse(&r.body) {
                            Ok(Some(reg)) => registry_name(&reg),
                            Ok(None) => return Err(fail("doi.org: DOI does not exist".into())),
                            Err(e) => return Err(fail(e.to_string())),
                        };
                        let _ = self.state.put_registry(doi, &name);
                        name
                    }
                };
                let mailto = self.config.contact.as_deref();
                match registry.as_str() {
                    "DataCite" => Ok((Service::DataCite, sources::datacite::doi_url(self.base(Service::DataCite), doi))),
                    "Crossref" => Ok((Service::Crossref, sources::crossref::work_url(self.base(Service::Crossref), doi, mailto))),
                    "JaLC" => Ok((Service::Jalc, sources::jalc::doi_url(self.base(Service::Jalc), doi))),
                    other => Err(Failure {
                        target: doi.clone(),
                        source: Service::DoiRa.as_str().into(),
                        url: None,
                        reason: format!("registered with {other}, which dmpgraph does not harvest (DataCite, Crossref and JaLC are harvested)"),
                    }),
                }
            }
        }
    }

    /// Maps a body received for a target, stores it, then records it in
    /// the state; a body that does not parse is a failure, nothing stored.
    async fn store_record(
        &self,
        store: &Mutex<&mut dyn Store>,
        run: &str,
        target: &Target,
        got: Got,
    ) -> Result<Summary, HarvestError> {
        let (service, r) = match got {
            Got::Body(s, r) => (s, r),
            Got::Pending(p) => (service_of_url(&self.config, &p.url), p.into_response()),
        };
        let mut s = Summary {
            fetched: 1,
            ..Summary::default()
        };
        let parsed = match service {
            Service::DataCite => sources::datacite::parse_doi(&r.body),
            Service::Crossref => sources::crossref::parse_work(&r.body),
            Service::Jalc => sources::jalc::parse_doi(&r.body),
            Service::Ddbj => sources::ddbj::parse_entry(&r.body),
            Service::DoiRa => Err(ParseError::Shape {
                pointer: String::new(),
                expected: "a record, not a registry look-up".into(),
            }),
        };
        let key = target.to_string();
        let item = match parsed {
            Ok(i) => i,
            Err(e) => {
                s.failed.push(parse_failure(&key, service, &r.url, &e));
                self.state.drop_pending(run, Some(&key))?;
                return Ok(s);
            }
        };
        let h = self.harvested(item, &r)?;
        let id = h.id();
        let written = tokio::task::block_in_place(|| lock(store).put(std::slice::from_ref(&h)))
            .map_err(HarvestError::Store)?;
        written.iter().for_each(|w| s.count(*w));
        let record = record_state(service, &h, &r);
        self.state.stored(
            run,
            &Stored {
                records: &[(id, record)],
                target: Some(&key),
                ..Stored::default()
            },
        )?;
        Ok(s)
    }

    /// A mapped item with its provenance: the response that first brought
    /// this content (kept while the content stays the same, so that the
    /// stored graph, and its datestamp, stay the same).
    fn harvested(&self, item: Item, r: &Response) -> Result<Harvested, HarvestError> {
        let content_hash = sources::content_hash(&item.raw);
        let id = item.deposit.id.to_string();
        let (url, validators, retrieved) = match self.state.record(&id)? {
            Some(k) if k.content_hash == content_hash && k.gone.is_none() => (
                k.provenance_url.unwrap_or(k.url),
                k.provenance_validators.unwrap_or(k.validators),
                k.retrieved,
            ),
            _ => (r.url.clone(), r.validators.clone(), r.retrieved),
        };
        Ok(Harvested {
            deposit: item.deposit,
            content_hash,
            url,
            validators,
            retrieved,
        })
    }

    /// Everything the funder funded: DataCite's funding references (by
    /// name, ROR and Crossref Funder ID; awards with wildcards), Crossref's
    /// works filtered by funder (and award), and DDBJ's entries whose grant
    /// names the funder, searched by each of `grant_titles` (the stored
    /// plans' 研究開発課題名).
    pub async fn funder(
        &self,
        store: &mut dyn Store,
        awards: &[AwardNumber],
        grant_titles: &[String],
    ) -> Result<Summary, HarvestError> {
        let mut total = Summary::default();
        let size = self.config.page_size;
        // DataCite.
        let query = sources::datacite::funder_query(&self.funder, awards);
        let first = sources::datacite::search_url(self.base(Service::DataCite), &query, size);
        let s = self
            .paged(
                store,
                Service::DataCite,
                &format!("DataCite {query}"),
                first,
                &|_, n| match n {
                    Next::Url(u) => Some(rebase(u, self.base(Service::DataCite))),
                    _ => None,
                },
            )
            .await?;
        total.add(&s);
        // Crossref: one filter per award (and its other years), or the funder alone.
        let mailto = self.config.contact.as_deref();
        let mut award_texts: Vec<Option<String>> = awards
            .iter()
            .flat_map(crossref_award_forms)
            .map(Some)
            .collect();
        if award_texts.is_empty() {
            award_texts.push(None);
        }
        for award in award_texts {
            let filters = sources::crossref::funder_filters(&self.funder, award.as_deref());
            let base = self.base(Service::Crossref).to_string();
            let first = sources::crossref::works_url(&base, &filters, size, "*", mailto);
            let label = format!(
                "Crossref {}",
                filters
                    .iter()
                    .map(|(k, v)| format!("{k}:{v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            let s = self
                .paged(store, Service::Crossref, &label, first, &|_, n| match n {
                    Next::Cursor(c) => Some(sources::crossref::works_url(
                        &base, &filters, size, c, mailto,
                    )),
                    _ => None,
                })
                .await?;
            total.add(&s);
        }
        // DDBJ: its grant filter matches grant titles, not award numbers.
        let base = self.base(Service::Ddbj).to_string();
        for title in grant_titles.iter().filter(|t| !t.trim().is_empty()) {
            for entry_type in ["jga-study", "bioproject"] {
                let first = sources::ddbj::search_url(&base, entry_type, title, size, 1);
                let label = format!("DDBJ {entry_type} grant \"{title}\"");
                let s = self
                    .paged(store, Service::Ddbj, &label, first, &|_, n| match n {
                        Next::Page(page) => Some(sources::ddbj::search_url(
                            &base, entry_type, title, size, *page,
                        )),
                        Next::Cursor(c) => {
                            Some(sources::ddbj::cursor_page_url(&base, entry_type, c, size))
                        }
                        Next::Url(_) => None,
                    })
                    .await?;
                total.add(&s);
            }
        }
        Ok(total)
    }

    /// A paged search, resumable: the checkpoint holds the next page.
    async fn paged(
        &self,
        store: &mut dyn Store,
        service: Service,
        label: &str,
        first: String,
        next_url: &(dyn Fn(&str, &Next) -> Option<String> + Sync),
    ) -> Result<Summary, HarvestError> {
        let run = format!("search:{}:{}", service.as_str(), digest([first.clone()]));
        let mut checkpoint = match self.state.checkpoint(&run)? {
            Some(c) => c,
            None => Checkpoint {
                label: label.to_string(),
                next: Some(first.clone()),
                pages: 0,
                records: 0,
                started: chrono::Utc::now(),
            },
        };
        let mut summary = Summary::default();
        let mut total = None;
        let resumed_from = checkpoint.records;
        summary.resumed = resumed_from;
        if let Some(p) = self.state.pending(&run)? {
            let r = p.into_response();
            if !self.page(
                store,
                service,
                &run,
                &mut checkpoint,
                &mut summary,
                &mut total,
                r,
                next_url,
            )? {
                return Ok(summary);
            }
        }
        let mut restarted = false;
        while let Some(url) = checkpoint.next.clone() {
            self.stopped()?;
            let known = self.state.page(&url)?;
            let got = self
                .client
                .get(&url, known.as_ref().map(|k| &k.validators))
                .await;
            if url != first && !restarted && cursor_refused(&got) {
                // Cursors expire (Crossref's after five minutes unused):
                // a refused one restarts the search from its first page,
                // once; what is stored already comes back unchanged.
                tracing::warn!(
                    url,
                    "the source refused the checkpointed page (an expired cursor); restarting from the first page"
                );
                restarted = true;
                checkpoint.next = Some(first.clone());
                summary.restarted += 1;
                continue;
            }
            match got {
                Ok(Fetched::Body(r)) => {
                    self.state.put_pending(&run, &Pending::of(&r, None))?;
                    if !self.page(
                        store,
                        service,
                        &run,
                        &mut checkpoint,
                        &mut summary,
                        &mut total,
                        r,
                        next_url,
                    )? {
                        return Ok(summary);
                    }
                }
                Ok(Fetched::NotModified) => {
                    // The page is what it was: so are its records.
                    let k = known.expect("a 304 answers validators sent");
                    checkpoint.next = k.next.clone();
                    checkpoint.pages += 1;
                    self.state.stored(
                        &run,
                        &Stored {
                            checkpoint: Some(&checkpoint),
                            ..Stored::default()
                        },
                    )?;
                    summary.unchanged += 1;
                }
                Ok(Fetched::Gone(status)) => {
                    summary.failed.push(Failure {
                        target: label.to_string(),
                        source: service.as_str().into(),
                        url: Some(url),
                        reason: format!("HTTP {status} for a search page"),
                    });
                    return Ok(summary);
                }
                Err(e) => {
                    // The checkpoint stays: the same command resumes here.
                    summary.failed.push(fetch_failure(label, service, &url, &e));
                    return Ok(summary);
                }
            }
            (self.progress)(&Progress {
                label: label.to_string(),
                done: checkpoint.records,
                total,
            });
        }
        self.state.finish(&run)?;
        Ok(summary)
    }

    /// Stores one search page; false when the page did not parse (the run
    /// stops, its checkpoint at that page).
    #[allow(clippy::too_many_arguments)]
    fn page(
        &self,
        store: &mut dyn Store,
        service: Service,
        run: &str,
        checkpoint: &mut Checkpoint,
        summary: &mut Summary,
        total: &mut Option<u64>,
        r: Response,
        next_url: &(dyn Fn(&str, &Next) -> Option<String> + Sync),
    ) -> Result<bool, HarvestError> {
        summary.fetched += 1;
        let parsed: Result<Page, ParseError> = match service {
            Service::DataCite => sources::datacite::parse_search(&r.body),
            Service::Crossref => sources::crossref::parse_works(&r.body, self.config.page_size),
            Service::Ddbj => sources::ddbj::parse_search(&r.body),
            _ => Err(ParseError::Shape {
                pointer: String::new(),
                expected: "a search page".into(),
            }),
        };
        let page = match parsed {
            Ok(p) => p,
            Err(e) => {
                summary
                    .failed
                    .push(parse_failure(&checkpoint.label, service, &r.url, &e));
                self.state.stored(run, &Stored::default())?;
                return Ok(false);
            }
        };
        *total = page.total.or(*total);
        let mut records = Vec::new();
        for item in page.items {
            match item {
                Ok(i) if self.funded(service, &i.deposit) => records.push(self.harvested(i, &r)?),
                Ok(_) => summary.skipped += 1,
                Err(e) => {
                    summary
                        .failed
                        .push(parse_failure(&checkpoint.label, service, &r.url, &e))
                }
            }
        }
        let written =
            tokio::task::block_in_place(|| store.put(&records)).map_err(HarvestError::Store)?;
        written.iter().for_each(|w| summary.count(*w));
        let states: Vec<(String, RecordState)> = records
            .iter()
            .map(|h| (h.id(), record_state(service, h, &r)))
            .collect();
        let next = page.next.as_ref().and_then(|n| next_url(&r.url, n));
        checkpoint.next = next.clone();
        checkpoint.pages += 1;
        checkpoint.records += records.len() as u64;
        let page_state = PageState {
            validators: r.validators.clone(),
            next,
        };
        self.state.stored(
            run,
            &Stored {
                records: &states,
                page: Some((&r.url, &page_state)),
                checkpoint: Some(checkpoint),
                target: None,
            },
        )?;
        Ok(true)
    }

    /// Whether a record a search found is the funder's: searches match
    /// loosely (DataCite's text query, DDBJ's grant titles).
    fn funded(&self, service: Service, d: &Deposit) -> bool {
        match service {
            Service::Ddbj => sources::ddbj::grant_names_funder(d, &self.funder),
            _ => d
                .funding
                .iter()
                .any(|f| sources::names_funder(f, &self.funder)),
        }
    }
}

enum Got {
    Body(Service, Response),
    Pending(Pending),
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The record id a target is stored under.
fn target_id(t: &Target) -> String {
    match t {
        Target::Doi(d) => format!("doi:{d}"),
        Target::Accession(a) => {
            dmpgraph_model::identity::Identifier::Accession(a.clone()).to_string()
        }
    }
}

/// A record's state after `r` brought it: the response's URL and
/// validators (for the next conditional request), the content's hash and
/// first retrieval.
fn record_state(service: Service, h: &Harvested, r: &Response) -> RecordState {
    RecordState {
        source: service.as_str().to_string(),
        url: r.url.clone(),
        validators: r.validators.clone(),
        content_hash: h.content_hash.clone(),
        retrieved: h.retrieved,
        checked: chrono::Utc::now(),
        gone: None,
        provenance_url: Some(h.url.clone()),
        provenance_validators: Some(h.validators.clone()),
    }
}

fn registry_name(r: &Registry) -> String {
    match r {
        Registry::DataCite => "DataCite".into(),
        Registry::Crossref => "Crossref".into(),
        Registry::Jalc => "JaLC".into(),
        Registry::Other(o) => o.clone(),
    }
}

/// Which configured service a URL belongs to.
fn service_of_url(config: &HarvestConfig, url: &str) -> Service {
    Service::ALL
        .into_iter()
        .filter(|s| url.starts_with(&config.source(*s).base_url))
        .max_by_key(|s| config.source(*s).base_url.len())
        .unwrap_or(Service::DataCite)
}

/// A next link on another origin than the configured base (DataCite
/// writes its public address even behind a proxy) goes to the base.
fn rebase(link: &str, base: &str) -> String {
    let (Ok(l), Ok(b)) = (url::Url::parse(link), url::Url::parse(base)) else {
        return link.to_string();
    };
    if l.origin() == b.origin() {
        return link.to_string();
    }
    let mut out = base.trim_end_matches('/').to_string();
    out.push_str(l.path());
    if let Some(q) = l.query() {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// The award as Crossref's exact `award.number` filter needs it: the
/// acknowledgement form of each year a project may have cited.
fn crossref_award_forms(a: &AwardNumber) -> Vec<String> {
    let mut forms = vec![a.acknowledgement()];
    if let Some(_suffix) = &a.suffix {
        // A 課題管理番号 is the first year's: the project cites later years' too.
        for later in 1..=5u8 {
            let y = a.year.saturating_add(later);
            if y <= 99 {
                forms.push(format!("JP{y:02}{}{}", a.programme, a.serial));
            }
        }
    }
    forms
}

fn fetch_failure(target: &str, service: Service, url: &str, e: &FetchError) -> Failure {
    Failure {
        target: target.to_string(),
        source: service.as_str().into(),
        url: Some(url.to_string()),
        reason: error_chain(e),
    }
}

fn parse_failure(target: &str, service: Service, url: &str, e: &ParseError) -> Failure {
    Failure {
        target: target.to_string(),
        source: service.as_str().into(),
        url: Some(url.to_string()),
        reason: error_chain(e),
    }
}

/// An error and its sources, in one line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let m = c.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        cur = c.source();
    }
    s
}

fn digest(parts: impl IntoIterator<Item = String>) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    hex::encode(&h.finalize()[..8])
}

/// The source of a service's records.
pub fn source_of(s: Service) -> Option<Source> {
    match s {
        Service::DataCite => Some(Source::DataCite),
        Service::Crossref => Some(Source::Crossref),
        Service::Jalc => Some(Source::Jalc),
        Service::Ddbj => Some(Source::Ddbj),
        Service::DoiRa => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_on_another_origin_go_to_the_base() {
        assert_eq!(
            rebase(
                "https://api.datacite.org/dois?page%5Bcursor%5D=x",
                "http://127.0.0.1:9/datacite"
            ),
            "http://127.0.0.1:9/datacite/dois?page%5Bcursor%5D=x"
        );
        assert_eq!(
            rebase(
                "http://127.0.0.1:9/datacite/dois?a=1",
                "http://127.0.0.1:9/datacite"
            ),
            "http://127.0.0.1:9/datacite/dois?a=1"
        );
    }

    #[test]
    fn targets_are_found_in_text() {
        let t = "JGA: https://ddbj.nig.ac.jp/resource/jga-study/JGAS000123 と ｈｕｍ００１４-v2、DOI https://doi.org/10.99999/ABC.1。DRR000001 PRJDB12345, funder 10.13039/100009619";
        let got: Vec<String> = targets_in(t).iter().map(target_id).collect();
        assert_eq!(
            got,
            [
                "doi:10.99999/abc.1",
                "jga:JGAS000123",
                "nbdc:hum0014.v2",
                "dra:DRR000001",
                "bioproject:PRJDB12345"
            ]
        );
        assert!(targets_in("no ids; XJGAS000123 is glued").is_empty());
    }

    #[test]
    fn targets_are_dois_or_accessions_in_any_written_form() {
        assert_eq!(
            Target::parse("https://doi.org/10.99999/ABC"),
            Some(Target::Doi("10.99999/abc".into()))
        );
        assert!(matches!(
            Target::parse("ｊｇａｓ０００００１"),
            Some(Target::Accession(_))
        ));
        assert_eq!(Target::parse("not an id"), None);
        assert_eq!(
            target_id(&Target::parse("JGAD000001").unwrap()),
            "jga:JGAD000001"
        );
    }
}
