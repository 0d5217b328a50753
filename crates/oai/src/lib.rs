//! dmpgraph's OAI-PMH 2.0 data provider: the six verbs over the registry's
//! items (datestamps, tombstones, sets) and the public store, so that a
//! standard harvester takes every public plan and every planned dataset
//! with no special handling.
//!
//! - Items: each stored plan (`oai:{repo}:dmp:{id}`) and each dataset it
//!   describes (`oai:{repo}:dataset:{id}:{No.}`), each with its own
//!   datestamp and tombstone (see [`dmpgraph_store::items`]).
//! - Formats: `oai_dc`, `jpcoar_2.0` (JPCOAR schema 2.0, what IRDB
//!   harvests), `oai_datacite` (DataCite kernel-4) and `rdf` (the item's
//!   DCAT graph as RDF/XML), all from one reading of the item
//!   ([`meta::ItemMeta`]).
//! - Persistent deletes; resumption tokens that need no server state and
//!   never expire (see [`token`]), with `completeListSize` and `cursor`.
//! - Responses are written as they are made ([`Provider::respond_to`]).
//!
//! It reads a [`PublicView`] only: no private value can reach a response.

mod cache;
mod datacite;
mod dc;
mod extract;
mod jpcoar;
pub mod meta;
pub mod request;
pub mod token;
mod xml;

pub use request::{parse, ErrorCode, List, ListArgs, OaiError, Request};

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use dmpgraph_store::items::{item_key, Item};
use dmpgraph_store::{
    Cursor, Listing, PublicSnapshot, PublicView, RecordEntry, RecordKey, RecordKind, StoreError,
};
use extract::PlanGraph;
use meta::{ItemMeta, Related, Text};
use oxigraph::model::{NamedOrBlankNode, Quad, Term, Triple};
use std::io::Write;
use std::ops::Bound;
use std::path::Path;
use token::{Signer, TokenState};
use xml::Xml;

/// How the repository describes itself.
#[derive(Debug, Clone)]
pub struct OaiConfig {
    /// `repositoryName`.
    pub repository_name: String,
    /// The repository identifier of `oai:{repositoryIdentifier}:{record}`.
    pub repository_identifier: String,
    /// `adminEmail`: the catalog's public contact.
    pub admin_email: String,
    /// Items per list page.
    pub page_size: usize,
}

impl Default for OaiConfig {
    fn default() -> Self {
        OaiConfig {
            repository_name: "AMED DMP catalog (dmpgraph)".into(),
            repository_identifier: "localhost".into(),
            admin_email: "dmp-catalog@example.org".into(),
            page_size: 100,
        }
    }
}

/// Why a response could not be made (the store failed, or the client went
/// away: not a protocol error).
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The store.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The token key could not be read or made.
    #[error("OAI-PMH token key {path}")]
    Key {
        /// Its path.
        path: std::path::PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The response could not be written (the client went away).
    #[error("writing the OAI-PMH response")]
    Write(#[source] std::io::Error),
    /// The kept records could not be read or written.
    #[error("OAI-PMH record cache {path}")]
    Cache {
        /// Its path.
        path: std::path::PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

/// A metadata format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    OaiDc,
    Jpcoar,
    Datacite,
    Rdf,
}

/// The metadata formats served: (format, prefix, schema, namespace).
const FORMATS: &[(Format, &str, &str, &str)] = &[
    (
        Format::OaiDc,
        "oai_dc",
        "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        "http://www.openarchives.org/OAI/2.0/oai_dc/",
    ),
    (
        Format::Jpcoar,
        "jpcoar_2.0",
        jpcoar::JPCOAR_SCHEMA,
        jpcoar::JPCOAR_NS,
    ),
    (
        Format::Datacite,
        "oai_datacite",
        datacite::DATACITE_SCHEMA,
        datacite::DATACITE_NS,
    ),
    (
        Format::Rdf,
        "rdf",
        "http://www.openarchives.org/OAI/2.0/rdf.xsd",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    ),
];

/// Bytes gathered before they are handed to the connection (a usual page
/// goes in one piece).
const CHUNK: usize = 1 << 20;

/// The data provider.
#[derive(Clone)]
pub struct Provider {
    public: PublicView,
    config: OaiConfig,
    signer: Signer,
    cache: Option<std::sync::Arc<cache::RecordCache>>,
    /// Read-ahead: the next page of a `ListRecords` list (its token), made
    /// while the harvester takes this one …
    ahead: Option<std::sync::mpsc::SyncSender<String>>,
    /// … and kept here until asked for. A few pages, the oldest dropped
    /// first; one older than [`MADE_FRESH`] is made again on request.
    made: std::sync::Arc<std::sync::Mutex<std::collections::VecDeque<MadePage>>>,
}

/// A page made ahead: its token, its list element, its own next token,
/// when it was made.
type MadePage = (String, Vec<u8>, Option<String>, std::time::Instant);

/// How long a page made ahead may wait to be asked for.
const MADE_FRESH: std::time::Duration = std::time::Duration::from_secs(30);

/// Pages made ahead and not yet asked for, at most.
const MADE_AHEAD: usize = 4;

/// Where [`Provider::warm_changes`] was.
#[derive(Debug, Clone, Default)]
pub struct WarmState {
    started: bool,
    seq: u64,
    latest: Option<DateTime<Utc>>,
}

/// What a background pass over the items did ([`Provider::warm`]).
#[derive(Debug, Clone, Default)]
pub struct Warmed {
    /// Items looked at.
    pub items: usize,
    /// Records rendered and kept.
    pub rendered: usize,
    /// The latest item datestamp seen.
    pub latest: Option<DateTime<Utc>>,
}

/// What one response reads more than once: the graph of the last plan
/// rendered (a plan's items are usually neighbours in a list) and the
/// catalog's publisher.
struct Reading<'s> {
    snapshot: &'s PublicSnapshot<'s>,
    graph: Option<(String, Vec<Quad>)>,
    publisher: Option<Vec<Text>>,
    catalog_hash: String,
    cache: Option<cache::CacheRead>,
    entry: Option<RecordEntry>,
}

impl Reading<'_> {
    fn quads(&mut self, graph: &str) -> Result<&[Quad], StoreError> {
        if self.graph.as_ref().is_none_or(|(g, _)| g != graph) {
            let quads = self.snapshot.graph(graph)?;
            self.graph = Some((graph.to_string(), quads));
        }
        Ok(self.graph.as_ref().map_or(&[][..], |(_, q)| q.as_slice()))
    }

    fn publisher(&mut self) -> Result<Vec<Text>, StoreError> {
        if self.publisher.is_none() {
            let catalog = RecordKey::new(RecordKind::Catalog, "catalog");
            let names = match self.snapshot.record(&catalog)? {
                Some((_, quads)) => extract::publisher(&quads),
                None => Vec::new(),
            };
            self.publisher = Some(names);
        }
        Ok(self.publisher.clone().unwrap_or_default())
    }

    /// What every record's fingerprint starts with: the renderer's version
    /// and the catalog's hash.
    fn tag(&self) -> String {
        format!("{}:{}", cache::RENDER_VERSION, self.catalog_hash)
    }

    /// What a record of `item` is written from, all of it (the plan's
    /// version is in its graph, so in the item's hash).
    fn fingerprint(&self, item: &Item) -> String {
        format!(
            "{}|{}|{}|{}|{:?}|{}",
            cache::RENDER_VERSION,
            self.catalog_hash,
            item.hash,
            item.datestamp.timestamp(),
            item.embargoed_until,
            item.annex.as_deref().unwrap_or(""),
        )
    }

    /// The entry of a record, read once for its neighbouring items.
    fn entry(&mut self, key: &RecordKey) -> Result<Option<RecordEntry>, StoreError> {
        if self.entry.as_ref().is_none_or(|e| &e.key != key) {
            self.entry = self.snapshot.registry.get(key)?;
        }
        Ok(self.entry.clone())
    }
}

impl Provider {
    /// A provider over `public`; the key that signs resumption tokens is
    /// `DIR/oai-token.key` (made on first use, owner-only), so tokens stay
    /// valid across restarts.
    pub fn new(public: PublicView, config: OaiConfig) -> Result<Provider, ProviderError> {
        let key = token_key(&public.dir().join("oai-token.key"))?;
        let path = public.dir().join("public").join("oai-cache.redb");
        let cache = match cache::RecordCache::open(&path) {
            Ok(c) => Some(std::sync::Arc::new(c)),
            Err(e) => {
                tracing::warn!(error = %e, "OAI-PMH records are rendered on every request: {e}");
                None
            }
        };
        let mut provider = Provider {
            public,
            config,
            signer: Signer::new(key),
            cache,
            ahead: None,
            made: Default::default(),
        };
        {
            let (tx, rx) = std::sync::mpsc::sync_channel::<String>(1);
            let maker = provider.clone();
            let started = std::thread::Builder::new()
                .name("dmpgraph-oai-ahead".into())
                .spawn(move || {
                    // Ends when the last provider that can send is dropped.
                    while let Ok(token) = rx.recv() {
                        maker.make_ahead(&token);
                    }
                });
            if started.is_ok() {
                provider.ahead = Some(tx);
            }
        }
        Ok(provider)
    }

    /// Makes the `ListRecords` page a token asks for, and keeps it.
    fn make_ahead(&self, token: &str) {
        let known = self
            .made
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .any(|(t, _, _, _)| t == token);
        if known {
            return;
        }
        let mut out: Vec<u8> = Vec::new();
        let mut x = Xml::new();
        let next = {
            let mut sink = Sink {
                out: &mut out,
                x: &mut x,
            };
            match self.list(&List::Resume(token.to_string()), true, &mut sink) {
                Ok(next) => next,
                // A protocol error or a store failure: the request itself
                // will meet it and answer it.
                Err(_) => return,
            }
        };
        out.extend_from_slice(&x.take());
        let mut made = self.made.lock().unwrap_or_else(|p| p.into_inner());
        while made.len() >= MADE_AHEAD {
            made.pop_front();
        }
        made.push_back((token.to_string(), out, next, std::time::Instant::now()));
    }

    /// The page made ahead for `token`, if any (taken out: a page is asked
    /// for once), after asking for the one that follows it.
    fn made_ahead(&self, token: &str) -> Option<Vec<u8>> {
        let (body, next) = {
            let mut made = self.made.lock().unwrap_or_else(|p| p.into_inner());
            let at = made.iter().position(|(t, _, _, _)| t == token)?;
            let (_, body, next, when) = made.remove(at)?;
            if when.elapsed() > MADE_FRESH {
                return None;
            }
            (body, next)
        };
        if let (Some(next), Some(ahead)) = (next, &self.ahead) {
            let _ = ahead.try_send(next);
        }
        Some(body)
    }

    /// A reading of `snapshot` for one response (or one pass of
    /// [`warm`](Self::warm)).
    fn reading<'s>(&self, snapshot: &'s PublicSnapshot<'s>) -> Result<Reading<'s>, StoreError> {
        let catalog = RecordKey::new(RecordKind::Catalog, "catalog");
        let catalog_hash = snapshot
            .registry
            .get(&catalog)?
            .map(|e| e.public_hash)
            .unwrap_or_default();
        Ok(Reading {
            snapshot,
            graph: None,
            publisher: None,
            catalog_hash,
            cache: self.cache.as_ref().and_then(|c| c.reader()),
            entry: None,
        })
    }

    /// Renders and keeps every record not kept yet (or kept from an older
    /// state) of the items with datestamps from `from` (all: `None`), in
    /// every format, a page of items at a time, each page on a fresh
    /// snapshot. The server runs it in the background, at start and as
    /// items change, so that harvests read records already written.
    pub fn warm(&self, from: Option<DateTime<Utc>>) -> Result<Warmed, ProviderError> {
        let Some(cache) = self.cache.clone() else {
            return Ok(Warmed::default());
        };
        let mut done = Warmed::default();
        let mut after: Option<Cursor> = None;
        loop {
            let snapshot = self.public.snapshot()?;
            let page = snapshot.registry.list_items(&Listing {
                set: None,
                from: from.map(Bound::Included),
                until: None,
                after: after.clone(),
                limit: 500,
            })?;
            let mut reading = self.reading(&snapshot)?;
            let mut rows = Vec::new();
            let mut gone = Vec::new();
            for (record, item) in &page.items {
                done.items += 1;
                done.latest = done.latest.max(Some(item.datestamp));
                if item.is_deleted() {
                    gone.push(item_key(record, item.n));
                    continue;
                }
                let key = item_key(record, item.n);
                let fingerprint = reading.fingerprint(item);
                for (format, prefix, _, _) in FORMATS {
                    let kept = reading.cache.as_ref().is_some_and(|c| {
                        c.has(&key, item.datestamp.timestamp(), prefix, &fingerprint)
                    });
                    if !kept {
                        let Some(entry) = reading.entry(record)? else {
                            continue;
                        };
                        let xml = self.render(&entry, item, *format, &mut reading)?;
                        rows.push((
                            key.clone(),
                            item.datestamp.timestamp(),
                            *prefix,
                            fingerprint.clone(),
                            xml,
                        ));
                    }
                }
            }
            done.rendered += rows.len();
            drop(reading);
            let prefixes: Vec<&str> = FORMATS.iter().map(|f| f.1).collect();
            cache.put(&rows, &prefixes)?;
            cache.forget(&gone, &prefixes)?;
            match page.next {
                Some(next) => after = Some(next),
                None => {
                    if let Some(latest) = done.latest {
                        let tag = self.reading(&self.public.snapshot()?)?.tag();
                        cache.set_kept_until(&tag, latest.timestamp())?;
                    }
                    return Ok(done);
                }
            }
        }
    }

    /// Renders what changed since the last call (`state` keeps where it
    /// was): nothing is read but two registry lookups when nothing changed.
    /// A change (a record written or deleted: the change log moved) or an
    /// embargo lifted (an item datestamped after the latest seen) starts a
    /// pass from the earliest such datestamp. The first call resumes where
    /// the kept records end.
    pub fn warm_changes(&self, state: &mut WarmState) -> Result<Warmed, ProviderError> {
        const MARGIN: chrono::Duration = chrono::Duration::seconds(5);
        let reg = self.public.registry()?;
        let seq = reg.last_seq()?;
        let from = if !state.started {
            Some(self.kept_until()?.map(|t| t - MARGIN))
        } else {
            let changed = if seq > state.seq {
                reg.changes_after(state.seq, 1)?
                    .first()
                    .map(|c| c.datestamp)
            } else {
                None
            };
            let after_latest = state.latest.map(|l| l + chrono::Duration::seconds(1));
            let newer = reg
                .list_items(&Listing {
                    from: after_latest.map(Bound::Included),
                    limit: 1,
                    ..Listing::default()
                })?
                .items
                .first()
                .map(|(_, i)| i.datestamp);
            match (changed, newer) {
                (None, None) => None,
                (a, b) => Some(a.into_iter().chain(b).min().map(|t| t - MARGIN)),
            }
        };
        drop(reg);
        let Some(from) = from else {
            return Ok(Warmed::default());
        };
        let done = self.warm(from)?;
        state.started = true;
        state.seq = seq;
        state.latest = state.latest.max(done.latest);
        Ok(done)
    }

    /// The datestamp up to which every item's records are kept, in every
    /// format, by this renderer for this catalog: where a restarted server
    /// resumes [`warm`](Self::warm).
    pub fn kept_until(&self) -> Result<Option<DateTime<Utc>>, ProviderError> {
        let Some(cache) = &self.cache else {
            return Ok(None);
        };
        let tag = self.reading(&self.public.snapshot()?)?.tag();
        Ok(cache
            .kept_until(&tag)
            .and_then(|s| Utc.timestamp_opt(s, 0).single()))
    }

    /// The response to a request (its arguments in order), as an OAI-PMH
    /// document; protocol errors are in the document, as the protocol says.
    pub fn respond(
        &self,
        pairs: &[(String, String)],
        base_url: &str,
    ) -> Result<Vec<u8>, ProviderError> {
        let mut out = Vec::new();
        self.respond_to(pairs, base_url, &mut out)?;
        Ok(out)
    }

    /// Writes the response to `out` as it is made, in chunks of about
    /// 1 MiB: however long the list, memory holds one page's entries and
    /// one chunk. Protocol errors are found before anything of the answer
    /// is written.
    pub fn respond_to(
        &self,
        pairs: &[(String, String)],
        base_url: &str,
        out: &mut dyn Write,
    ) -> Result<(), ProviderError> {
        let now = Utc::now();
        let mut x = Xml::new();
        x.declaration();
        x.open(
            "OAI-PMH",
            &[
                ("xmlns", "http://www.openarchives.org/OAI/2.0/"),
                ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
                (
                    "xsi:schemaLocation",
                    "http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd",
                ),
            ],
        );
        x.text_element("responseDate", &[], &stamp(now));
        let parsed = parse(pairs);
        // The request element echoes the arguments only when they were valid.
        match &parsed {
            Ok(_) => {
                let attrs: Vec<(&str, &str)> = pairs
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                x.text_element("request", &attrs, base_url);
            }
            Err(_) => x.text_element("request", &[], base_url),
        }
        let answered = match parsed {
            Ok(Request::ListRecords(List::Resume(token)))
                if {
                    if let Some(body) = self.made_ahead(&token) {
                        x.raw(body);
                        true
                    } else {
                        false
                    }
                } =>
            {
                Ok(())
            }
            Ok(request) => {
                let mut sink = Sink { out, x: &mut x };
                match self.answer(&request, base_url, &mut sink) {
                    Ok(()) => Ok(()),
                    Err(Failure::Protocol(e)) => Err(e),
                    Err(Failure::Provider(e)) => return Err(e),
                }
            }
            Err(e) => Err(e),
        };
        if let Err(e) = answered {
            x.text_element("error", &[("code", e.code.as_str())], &e.message);
        }
        x.close("OAI-PMH");
        out.write_all(&x.take()).map_err(ProviderError::Write)?;
        out.flush().map_err(ProviderError::Write)
    }

    fn answer(&self, request: &Request, base_url: &str, x: &mut Sink<'_>) -> Result<(), Failure> {
        match request {
            Request::Identify => self.identify(base_url, x.x),
            Request::ListMetadataFormats { identifier } => self.formats(identifier.as_deref(), x.x),
            Request::ListSets { token } => self.sets(token.as_deref(), x.x),
            Request::GetRecord { identifier, prefix } => self.get_record(identifier, prefix, x),
            Request::ListIdentifiers(list) => self.list(list, false, x).map(|_| ()),
            Request::ListRecords(list) => {
                let next = self.list(list, true, x)?;
                // The next page is made while the harvester takes this one
                // (busy making one for another harvest: not this time).
                if let (Some(next), Some(ahead)) = (next, &self.ahead) {
                    let _ = ahead.try_send(next);
                }
                Ok(())
            }
        }
    }

    fn identify(&self, base_url: &str, x: &mut Xml) -> Result<(), Failure> {
        let earliest = self
            .public
            .registry()?
            .earliest_item_datestamp()?
            .unwrap_or_else(|| Utc.timestamp_opt(0, 0).single().unwrap_or_default());
        x.open("Identify", &[]);
        x.text_element("repositoryName", &[], &self.config.repository_name);
        x.text_element("baseURL", &[], base_url);
        x.text_element("protocolVersion", &[], "2.0");
        x.text_element("adminEmail", &[], &self.config.admin_email);
        x.text_element("earliestDatestamp", &[], &stamp(earliest));
        x.text_element("deletedRecord", &[], "persistent");
        x.text_element("granularity", &[], "YYYY-MM-DDThh:mm:ssZ");
        x.open("description", &[]);
        x.open(
            "oai-identifier",
            &[
                ("xmlns", "http://www.openarchives.org/OAI/2.0/oai-identifier"),
                (
                    "xsi:schemaLocation",
                    "http://www.openarchives.org/OAI/2.0/oai-identifier http://www.openarchives.org/OAI/2.0/oai-identifier.xsd",
                ),
            ],
        );
        x.text_element("scheme", &[], "oai");
        x.text_element(
            "repositoryIdentifier",
            &[],
            &self.config.repository_identifier,
        );
        x.text_element("delimiter", &[], ":");
        x.text_element(
            "sampleIdentifier",
            &[],
            &format!(
                "oai:{}:dataset:21ek0109555h0001:1",
                self.config.repository_identifier
            ),
        );
        x.close("oai-identifier");
        x.close("description");
        x.close("Identify");
        Ok(())
    }

    fn formats(&self, identifier: Option<&str>, x: &mut Xml) -> Result<(), Failure> {
        if let Some(id) = identifier {
            let key = self.key_of(id)?;
            let Some((entry, item)) = self.public.registry()?.item(&key)? else {
                return Err(no_such_item(id));
            };
            if item.is_deleted() || entry.is_deleted() {
                return Err(Failure::Protocol(OaiError::new(
                    ErrorCode::NoMetadataFormats,
                    format!("item '{id}' was deleted: its header stays, no metadata is served"),
                )));
            }
        }
        x.open("ListMetadataFormats", &[]);
        for (_, prefix, schema, namespace) in FORMATS {
            x.open("metadataFormat", &[]);
            x.text_element("metadataPrefix", &[], prefix);
            x.text_element("schema", &[], schema);
            x.text_element("metadataNamespace", &[], namespace);
            x.close("metadataFormat");
        }
        x.close("ListMetadataFormats");
        Ok(())
    }

    fn sets(&self, token: Option<&str>, x: &mut Xml) -> Result<(), Failure> {
        if let Some(t) = token {
            return Err(Failure::Protocol(OaiError::new(
                ErrorCode::BadResumptionToken,
                format!("ListSets is answered in one page: no resumption token '{t}' was issued"),
            )));
        }
        let sets = self.public.registry()?.item_sets()?;
        let sets: Vec<(String, Option<String>)> =
            sets.into_iter().filter(|(s, _)| !s.is_empty()).collect();
        if sets.is_empty() {
            return Err(Failure::Protocol(OaiError::new(
                ErrorCode::NoSetHierarchy,
                "the repository holds no records yet, so no sets",
            )));
        }
        x.open("ListSets", &[]);
        for (spec, name) in sets {
            x.open("set", &[]);
            x.text_element("setSpec", &[], &spec);
            x.text_element("setName", &[], &set_name(&spec, name.as_deref()));
            x.close("set");
        }
        x.close("ListSets");
        Ok(())
    }

    fn get_record(&self, identifier: &str, prefix: &str, x: &mut Sink<'_>) -> Result<(), Failure> {
        let key = self.key_of(identifier)?;
        let snapshot = self.public.snapshot()?;
        let Some((entry, item)) = snapshot.registry.item(&key)? else {
            return Err(no_such_item(identifier));
        };
        let format = format_of(prefix)?;
        let mut reading = self.reading(&snapshot)?;
        x.x.open("GetRecord", &[]);
        reading.entry = Some(entry.clone());
        self.record(&entry.key, &item, format, &mut reading, x.x)?;
        x.x.close("GetRecord");
        Ok(())
    }

    /// A list page; returns the token it ends with, if not the last.
    fn list(
        &self,
        list: &List,
        records: bool,
        x: &mut Sink<'_>,
    ) -> Result<Option<String>, Failure> {
        let verb = if records {
            "ListRecords"
        } else {
            "ListIdentifiers"
        };
        let at = |s: i64| Utc.timestamp_opt(s, 0).single().unwrap_or_default();
        let snapshot = self.public.snapshot()?;
        let state = match list {
            List::Start(args) => {
                format_of(&args.prefix)?;
                if args.set.is_some() && snapshot.registry.item_count(None, None, None)? == 0 {
                    return Err(Failure::Protocol(OaiError::new(
                        ErrorCode::NoSetHierarchy,
                        "the repository holds no records yet, so no sets",
                    )));
                }
                let from = args.from.map(|b| Bound::Included(b.at));
                let until = args.until.map(|b| Bound::Included(b.at));
                TokenState {
                    verb: verb.into(),
                    prefix: args.prefix.clone(),
                    set: args.set.clone(),
                    from: args.from.map(|b| (b.at.timestamp(), b.day)),
                    until: args.until.map(|b| (b.at.timestamp(), b.day)),
                    after: (i64::MIN, String::new()),
                    cursor: 0,
                    size: snapshot.registry.item_count(
                        args.set.as_deref(),
                        from.as_ref(),
                        until.as_ref(),
                    )?,
                }
            }
            List::Resume(token) => self.signer.check(token, verb)?,
        };
        let format = format_of(&state.prefix)?;
        let listing = Listing {
            set: state.set.clone(),
            from: state.from.map(|(s, _)| Bound::Included(at(s))),
            until: state.until.map(|(s, _)| Bound::Included(at(s))),
            after: (state.after.0 != i64::MIN).then(|| Cursor {
                datestamp: at(state.after.0),
                key: state.after.1.clone(),
            }),
            limit: self.config.page_size.max(1),
        };
        let page = snapshot.registry.list_items(&listing)?;
        if page.items.is_empty() {
            // Also a resumed list whose remaining items have all moved past
            // `until` since (an item only ever moves later): a list element
            // with no item is not valid OAI-PMH.
            return Err(Failure::Protocol(OaiError::new(
                ErrorCode::NoRecordsMatch,
                "no record matches these arguments",
            )));
        }
        let mut reading = self.reading(&snapshot)?;
        x.x.open(verb, &[]);
        for (record, item) in &page.items {
            if records {
                self.record(record, item, format, &mut reading, x.x)?;
            } else {
                self.header(record, item, x.x);
            }
            x.flush_if_full()?;
        }
        let cursor = state.cursor.to_string();
        let seen = state.cursor + page.items.len() as u64;
        // The list may have grown since it started.
        let size = state.size.max(seen).to_string();
        let attrs = [
            ("completeListSize", size.as_str()),
            ("cursor", cursor.as_str()),
        ];
        let mut issued = None;
        match page.next {
            Some(next) => {
                let next_state = TokenState {
                    after: (next.datestamp.timestamp(), next.key),
                    cursor: seen,
                    ..state.clone()
                };
                let token = self.signer.issue(&next_state);
                x.x.text_element("resumptionToken", &attrs, &token);
                issued = Some(token);
            }
            // The last page of a resumed list ends with an empty token.
            None if matches!(list, List::Resume(_)) => {
                x.x.text_element("resumptionToken", &attrs, "");
            }
            None => {}
        }
        x.x.close(verb);
        Ok(issued)
    }

    fn header(&self, record: &RecordKey, item: &Item, x: &mut Xml) {
        let attrs: &[(&str, &str)] = if item.is_deleted() {
            &[("status", "deleted")]
        } else {
            &[]
        };
        x.open("header", attrs);
        x.text_element(
            "identifier",
            &[],
            &format!(
                "oai:{}:{}",
                self.config.repository_identifier,
                item_key(record, item.n)
            ),
        );
        x.text_element("datestamp", &[], &stamp(item.datestamp));
        for set in &item.sets {
            x.text_element("setSpec", &[], set);
        }
        x.close("header");
    }

    fn record(
        &self,
        record: &RecordKey,
        item: &Item,
        format: Format,
        reading: &mut Reading<'_>,
        x: &mut Xml,
    ) -> Result<(), Failure> {
        x.open("record", &[]);
        self.header(record, item, x);
        // A deleted plan's items are all tombstones (the writer stamps them).
        if !item.is_deleted() {
            x.open("metadata", &[]);
            let fingerprint = reading.fingerprint(item);
            let kept = reading.cache.as_ref().and_then(|c| {
                c.get(
                    &item_key(record, item.n),
                    item.datestamp.timestamp(),
                    prefix_of(format),
                    &fingerprint,
                )
            });
            let xml = match kept {
                Some(xml) => xml,
                None => match reading.entry(record)? {
                    Some(entry) => self.render(&entry, item, format, reading)?,
                    None => Vec::new(),
                },
            };
            x.raw(xml);
            x.close("metadata");
        }
        x.close("record");
        Ok(())
    }

    /// An item's metadata element in `format`, from its plan's graph.
    fn render(
        &self,
        entry: &RecordEntry,
        item: &Item,
        format: Format,
        reading: &mut Reading<'_>,
    ) -> Result<Vec<u8>, StoreError> {
        let mut x = Xml::new();
        let publisher = reading.publisher()?;
        let quads = reading.quads(&entry.graph)?;
        let plan = PlanGraph::new(&entry.graph, quads);
        let mut meta = match item.n {
            0 => Some(plan.plan(&publisher, entry.version.as_deref())),
            n => plan.dataset(n, item, &publisher),
        };
        // The deposits linked to a dataset (only an annotated item has any).
        let node = plan
            .datasets()
            .into_iter()
            .find(|(n, _)| *n == item.n)
            .map(|(_, node)| node);
        if let (Some(m), Some(_), true) = (meta.as_mut(), &node, item.annex.is_some()) {
            let status = RecordKey::new(
                RecordKind::Link,
                dmpgraph_rdf::link::status_id(&entry.key.id),
            );
            let facts = match reading.snapshot.record(&status)? {
                Some((_, quads)) => dmpgraph_rdf::link::status_facts(&quads),
                None => Default::default(),
            };
            if let Some(facts) = facts.get(&item.n) {
                for r in extract::deposits_of(facts) {
                    let same = |o: &Related| {
                        jpcoar::related_id(o.id_type, &o.identifier)
                            == jpcoar::related_id(r.id_type, &r.identifier)
                    };
                    if !m.relations.iter().any(same) {
                        m.relations.push(r);
                    }
                }
            }
        }
        // The plan's graph again: cached, a second borrow, not a second read.
        let quads = reading.quads(&entry.graph)?;
        let plan = PlanGraph::new(&entry.graph, quads);
        match (format, meta) {
            (Format::Rdf, _) => {
                rdf(
                    &entry.graph,
                    node.as_deref().filter(|_| item.n > 0),
                    quads,
                    &mut x,
                );
            }
            (_, None) => {
                // The registry names a dataset its graph lacks: the
                // store's checks report it; the harvester gets the plan.
                tracing::error!(record = %entry.key, item = item.n, "item not in its record's graph");
                let meta = plan.plan(&publisher, entry.version.as_deref());
                write_format(format, &meta, &mut x);
            }
            (_, Some(meta)) => write_format(format, &meta, &mut x),
        }
        Ok(x.take())
    }

    /// The item an identifier names: `oai:{repo}:{item key}`.
    fn key_of(&self, identifier: &str) -> Result<String, Failure> {
        let prefix = format!("oai:{}:", self.config.repository_identifier);
        identifier
            .strip_prefix(&prefix)
            .filter(|rest| dmpgraph_store::items::parse_item_key(rest).is_some())
            .map(str::to_owned)
            .ok_or_else(|| no_such_item(identifier))
    }
}

/// The response being written, and where it goes.
struct Sink<'o> {
    out: &'o mut dyn Write,
    x: &'o mut Xml,
}

impl Sink<'_> {
    fn flush_if_full(&mut self) -> Result<(), Failure> {
        if self.x.len() >= CHUNK {
            self.out
                .write_all(&self.x.take())
                .map_err(|e| Failure::Provider(ProviderError::Write(e)))?;
        }
        Ok(())
    }
}

fn prefix_of(format: Format) -> &'static str {
    FORMATS
        .iter()
        .find(|f| f.0 == format)
        .map_or("oai_dc", |f| f.1)
}

fn write_format(format: Format, meta: &ItemMeta, x: &mut Xml) {
    match format {
        Format::OaiDc => dc::oai_dc(meta, x),
        Format::Jpcoar => jpcoar::jpcoar(meta, x),
        Format::Datacite => datacite::datacite(meta, x),
        Format::Rdf => {}
    }
}

/// An item's DCAT graph as RDF/XML: a plan's whole public graph (`node`
/// `None`); a dataset's own nodes (`node` and the nodes under it) and the
/// plan's link to it.
fn rdf(graph: &str, node: Option<&str>, quads: &[Quad], x: &mut Xml) {
    let dmp = format!("{graph}#dmp");
    let own = |q: &Quad| -> bool {
        let Some(node) = node else { return true };
        let NamedOrBlankNode::NamedNode(s) = &q.subject else {
            return false;
        };
        let s = s.as_str();
        s == node
            || s.strip_prefix(node)
                .is_some_and(|rest| rest.starts_with('-') || rest.starts_with('/'))
            || (s == dmp && matches!(&q.object, Term::NamedNode(o) if o.as_str() == node))
    };
    let mut serializer = oxigraph::io::RdfSerializer::from_format(oxigraph::io::RdfFormat::RdfXml);
    for (p, iri) in [
        ("dcat", "http://www.w3.org/ns/dcat#"),
        ("dcterms", "http://purl.org/dc/terms/"),
        ("dcso", "https://w3id.org/dcso/ns/core#"),
        ("dmpg", "https://w3id.org/dmpgraph/ns#"),
        ("foaf", "http://xmlns.com/foaf/0.1/"),
        ("vcard", "http://www.w3.org/2006/vcard/ns#"),
        ("prov", "http://www.w3.org/ns/prov#"),
    ] {
        serializer = serializer
            .with_prefix(p, iri)
            .unwrap_or_else(|_| unreachable!("the prefixes are valid"));
    }
    let mut writer = serializer.for_writer(Vec::new());
    let mut selected: Vec<&Quad> = quads.iter().filter(|q| own(q)).collect();
    selected.sort_by_key(|q| q.to_string());
    for q in selected {
        let t = Triple::new(q.subject.clone(), q.predicate.clone(), q.object.clone());
        // Writing into a Vec fails only on a triple RDF/XML cannot write
        // (a predicate with no local name): left out.
        let _ = writer.serialize_triple(&t);
    }
    let bytes = writer.finish().unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    // The document's declaration is the response's, not the record's.
    let body = match text.find("?>") {
        Some(end) if text.starts_with("<?xml") => &text[end + 2..],
        _ => &text[..],
    };
    x.raw(xml::clean(body.trim()).as_bytes().to_vec());
}

/// A failure while answering: a protocol error, or the provider's.
enum Failure {
    Protocol(OaiError),
    Provider(ProviderError),
}

impl From<OaiError> for Failure {
    fn from(e: OaiError) -> Failure {
        Failure::Protocol(e)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure::Provider(ProviderError::Store(e))
    }
}

fn no_such_item(identifier: &str) -> Failure {
    Failure::Protocol(OaiError::new(
        ErrorCode::IdDoesNotExist,
        format!("no item '{identifier}' in this repository"),
    ))
}

fn format_of(prefix: &str) -> Result<Format, Failure> {
    FORMATS
        .iter()
        .find(|(_, p, _, _)| *p == prefix)
        .map(|(f, _, _, _)| *f)
        .ok_or_else(|| {
            Failure::Protocol(OaiError::new(
                ErrorCode::CannotDisseminateFormat,
                format!(
                    "metadataPrefix '{prefix}' is not served (served: {})",
                    FORMATS.iter().map(|f| f.1).collect::<Vec<_>>().join(", ")
                ),
            ))
        })
}

/// A set's name, in Japanese and English.
fn set_name(spec: &str, named: Option<&str>) -> String {
    let fixed = match spec {
        "type" => "種別 / Record types",
        "type:dmp" => "データマネジメント計画 / Data management plans",
        "type:dataset" => "計画されたデータセット / Planned datasets",
        "source" => "受け取った形式 / Source formats",
        "source:amed" => "AMED様式（別紙1） / AMED's DMP form",
        "source:madmp" => "maDMP JSON（RDA DMP Common Standard） / maDMP JSON",
        "programme" => "AMEDの事業 / AMED funding programmes",
        "sharing" => "データシェアリング方法 / Sharing methods",
        "sharing:unrestricted-publication" => "非制限公開 / Unrestricted open sharing",
        "sharing:restricted-publication" => "制限公開 / Restricted open sharing",
        "sharing:restricted-sharing-external" => {
            "制限共有（外部関係者と共有） / Restricted sharing with external parties"
        }
        "sharing:restricted-sharing-internal" => {
            "制限共有（内部関係者と共有） / Restricted sharing within the project"
        }
        "sharing:not-published" => "非公開 / Not published",
        "sharing:other" => "その他 / Other",
        "subject" => "データの対象 / Data subjects",
        "subject:human-individual" => "ヒト個人 / Human individuals",
        "subject:non-human-organism" => "ヒト以外の生物由来 / Non-human organisms",
        "subject:other" => "その他 / Other",
        _ => "",
    };
    if !fixed.is_empty() {
        return fixed.to_string();
    }
    match (spec.split_once(':'), named) {
        (Some(("programme", _)), Some(name)) => format!("事業: {name} / AMED programme: {name}"),
        (_, Some(name)) => name.to_string(),
        _ => spec.to_string(),
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Reads the token key, or makes one (32 random bytes, owner-only).
fn token_key(path: &Path) -> Result<Vec<u8>, ProviderError> {
    let err = |source| ProviderError::Key {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::read(path) {
        Ok(key) if key.len() >= 32 => return Ok(key),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(err(e)),
    }
    let mut key = vec![0u8; 32];
    getrandom::fill(&mut key).map_err(|e| err(std::io::Error::other(e.to_string())))?;
    let tmp = path.with_extension("key.tmp");
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(&tmp).map_err(err)?;
        f.write_all(&key).map_err(err)?;
        f.sync_all().map_err(err)?;
    }
    std::fs::rename(&tmp, path).map_err(err)?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    #[test]
    fn set_names_are_bilingual() {
        assert!(super::set_name("source:amed", None).contains(" / "));
        assert!(super::set_name("programme:0123456789", Some("事業X"))
            .contains("AMED programme: 事業X"));
    }
}
