//! A fixture server for the harvester's tests and benchmarks: DataCite,
//! Crossref, JaLC, doi.org's RA look-up and the DDBJ Search API, in their
//! real response shapes, on one real HTTP server on `127.0.0.1`, each
//! service under its own path prefix:
//!
//! | request | answer |
//! | --- | --- |
//! | `GET /datacite/dois/{doi}` | `{"data": {…}}`; 404 with DataCite's JSON:API error |
//! | `GET /datacite/dois?query=…&page[size]=N&page[cursor]=1` | `{"data": […], "meta": {"total", "totalPages", "page"}, "links": {"self", "next"}}`; `next` (an absolute URL on this server) absent on the last page; `page[number]` paging without a cursor |
//! | `GET /crossref/works/{doi}` | `{"status": "ok", "message-type": "work", …}`; 404 `Resource not found.` (text/plain) |
//! | `GET /crossref/works?filter=…&rows=N&cursor=*` | `work-list` with `items`, `total-results`, `items-per-page`, `next-cursor` (sent even on the short last page, then an empty page), `query`; `offset=` paging without a cursor |
//! | `GET /jalc/dois/{doi}` | `{"status": "OK", "data": {…}}`; 404 `{"status": "NG", …}` |
//! | `GET /doi-ra/doiRA/{doi}[,{doi}…]` | `[{"DOI", "RA"}]`, the RA being the service whose world holds the DOI; `[{"DOI", "status": "DOI does not exist"}]` |
//! | `GET /ddbj/entries/{type}/{id}.json` | the entry; 404 `application/problem+json` |
//! | `GET /ddbj/entries/{type}/?grant=…&page=P&perPage=N` or `?cursor=…` | `{"pagination": {page, perPage, total, nextCursor, hasNext}, "items": […]}`; `page * perPage > 10000` → 400, `perPage` outside 1–100 → 422, a cursor with `page` or filters → 400 (all problem+json) |
//!
//! Searches do not implement the services' query languages: a search
//! answers every record of the service (for DDBJ, of the entry type) in a
//! stable order (the order records were put), paged; only DDBJ's `grant`
//! filter is applied (entries with a grant whose title contains the
//! unquoted text, ignoring case), so tests can check it was sent. What was
//! asked is in the [request log](FixtureServer::log).
//!
//! Every 200 carries a strong `ETag` (a hash of the body; `-gz` appended
//! when gzipped) and `Last-Modified` (the record's own modification date,
//! the newest of a page's, or the server's start); `If-None-Match` and
//! `If-Modified-Since` give 304. `Accept-Encoding: gzip` gets gzip.
//! Faults ([`Fault`]) and withdrawn records ([`FixtureServer::gone`]) are
//! injected while it runs, from the test or over the control API.
//!
//! ## From a test (sync or async: the server owns its runtime)
//!
//! ```
//! use dmpgraph_dev::fixture_server::{FixtureServer, ServeOptions, Service, World};
//! let mut world = World::new();
//! world.put(Service::Jalc, serde_json::json!({"doi": "10.99999/X", "ra": "JaLC"})).unwrap();
//! let server = FixtureServer::start(world, ServeOptions::default());
//! let base = server.base("jalc"); // http://127.0.0.1:PORT/jalc
//! # let _ = base;
//! assert_eq!(server.log().len(), 0);
//! ```
//!
//! ## The control API (for a server run by `dmpgraph-dev fixtures serve`)
//!
//! Requests under `/_control/` steer the server and are not logged:
//!
//! - `POST /_control/fault` with a [`Fault`] as JSON, e.g.
//!   `{"path_prefix": "/datacite", "times": 2, "action": {"kind": "status", "code": 429, "retry_after": "1"}}`;
//!   the action kinds: `status` (`code`, optional `retry_after`, `body`),
//!   `delay` (`ms`), `truncate`, `malformed`, `hold` → 204
//! - `DELETE /_control/faults`: drops the faults not yet used up → 204
//! - `POST /_control/release`: answers every held request → 204
//! - `POST /_control/expire-cursors`: every cursor issued so far is refused from now on (the service's own 400), as an expired one is → 204
//! - `GET /_control/held` → `{"held": N}`, the requests held now
//! - `GET /_control/log[?prefix=/crossref]` → a JSON array of [`Logged`];
//!   `DELETE /_control/log` empties it
//! - `POST /_control/gone` `{"service": "datacite", "id": "10.…", "status": 410}` → 204
//! - `POST /_control/put` `{"service": "crossref", "record": {…}}` → 204;
//!   `POST /_control/remove` `{"service": …, "id": …}` → 204 or 404
//!
//! Service names are the path prefixes: `datacite`, `crossref`, `jalc`,
//! `doi-ra`, `ddbj`.

use anyhow::{anyhow, bail, Context as _};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State as AxState};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime};

// ---------------------------------------------------------------------------
// Services and the world

/// One of the services the server imitates; its name is its path prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Service {
    /// DataCite REST API (`/datacite`).
    #[serde(rename = "datacite")]
    Datacite,
    /// Crossref REST API (`/crossref`).
    #[serde(rename = "crossref")]
    Crossref,
    /// JaLC REST API (`/jalc`).
    #[serde(rename = "jalc")]
    Jalc,
    /// doi.org's registration agency look-up (`/doi-ra`).
    #[serde(rename = "doi-ra")]
    DoiRa,
    /// DDBJ Search API (`/ddbj`).
    #[serde(rename = "ddbj")]
    Ddbj,
}

impl Service {
    /// Every service.
    pub const ALL: [Service; 5] = [
        Service::Datacite,
        Service::Crossref,
        Service::Jalc,
        Service::DoiRa,
        Service::Ddbj,
    ];

    /// The path prefix, without slashes (`datacite`, `doi-ra`, …).
    pub fn prefix(self) -> &'static str {
        match self {
            Service::Datacite => "datacite",
            Service::Crossref => "crossref",
            Service::Jalc => "jalc",
            Service::DoiRa => "doi-ra",
            Service::Ddbj => "ddbj",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix())
    }
}

impl FromStr for Service {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> anyhow::Result<Service> {
        let s = s.trim_matches('/');
        Service::ALL
            .into_iter()
            .find(|x| x.prefix().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                anyhow!("unknown service {s:?} (datacite, crossref, jalc, doi-ra, ddbj)")
            })
    }
}

/// The DDBJ entry types the search API knows.
pub const DDBJ_TYPES: &[&str] = &[
    "bioproject",
    "biosample",
    "sra-submission",
    "sra-study",
    "sra-experiment",
    "sra-run",
    "sra-sample",
    "sra-analysis",
    "jga-study",
    "jga-dataset",
    "jga-dac",
    "jga-policy",
    "gea",
    "metabobank",
];

/// One stored record: its compact JSON and what the server needs from it.
#[derive(Debug, Clone)]
struct Record {
    body: Bytes,
    modified: Option<SystemTime>,
    /// DDBJ only: the grant titles, lower case.
    grant_titles: Vec<String>,
}

/// The records of every service, in the order they were put (the order of
/// every search).
#[derive(Debug, Clone, Default)]
pub struct World {
    datacite: IndexMap<String, Record>,
    crossref: IndexMap<String, Record>,
    jalc: IndexMap<String, Record>,
    /// Entry type → accession → entry.
    ddbj: IndexMap<String, IndexMap<String, Record>>,
    /// DOI (lower case) → RA, answered before the derived ones.
    doi_ra: IndexMap<String, String>,
}

/// The DOI-keyed maps of a world.
fn doi_map(world: &World, service: Service) -> Option<&IndexMap<String, Record>> {
    match service {
        Service::Datacite => Some(&world.datacite),
        Service::Crossref => Some(&world.crossref),
        Service::Jalc => Some(&world.jalc),
        _ => None,
    }
}

fn parse_modified(text: Option<&Value>) -> Option<SystemTime> {
    let text = text?.as_str()?;
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&chrono::Utc).into());
    }
    let date = chrono::NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().into())
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

impl World {
    /// An empty world.
    pub fn new() -> World {
        World::default()
    }

    /// The example responses in the shared fixtures folder
    /// ([`crate::testing::fixtures_dir`]), or `None` when
    /// `DMPGRAPH_FIXTURES` is not set (the test is then skipped loudly).
    /// Panics when the folder cannot be read: a fixture test cannot go on.
    pub fn from_fixtures() -> Option<World> {
        let dir = crate::testing::fixtures_dir()?;
        Some(World::from_fixtures_dir(&dir).unwrap_or_else(|e| panic!("{e:#}")))
    }

    /// The example responses under `dir/external`: DataCite `doi.json` and
    /// the records of `search-page1/2.json`, Crossref `work.json` and the
    /// items of `works-filter-award.json`, JaLC `doi.json`, every DDBJ entry
    /// and the RA answers of `doi-ra/` (the others are derived).
    pub fn from_fixtures_dir(dir: &Path) -> anyhow::Result<World> {
        let ext = dir.join("external");
        let read = |rel: &str| -> anyhow::Result<Value> {
            let path = ext.join(rel);
            let text =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_slice(&text).with_context(|| format!("parsing {}", path.display()))
        };
        let mut world = World::new();
        world.put(Service::Datacite, read("datacite/doi.json")?)?;
        for page in ["datacite/search-page1.json", "datacite/search-page2.json"] {
            for record in array(&read(page)?["data"]) {
                world.put(Service::Datacite, record.clone())?;
            }
        }
        world.put(Service::Crossref, read("crossref/work.json")?)?;
        for record in array(&read("crossref/works-filter-award.json")?["message"]["items"]) {
            world.put(Service::Crossref, record.clone())?;
        }
        world.put(Service::Jalc, read("jalc/doi.json")?)?;
        let mut names = Vec::new();
        for sub in ["ddbj", "doi-ra"] {
            let folder = ext.join(sub);
            for entry in std::fs::read_dir(&folder)
                .with_context(|| format!("listing {}", folder.display()))?
            {
                let name = entry?.file_name().to_string_lossy().into_owned();
                if name.ends_with(".json") && name != "openapi.json" {
                    names.push(format!("{sub}/{name}"));
                }
            }
        }
        names.sort();
        for name in names {
            let value = read(&name)?;
            if name.starts_with("ddbj/") {
                world.put(Service::Ddbj, value)?;
            } else {
                for answer in array(&value) {
                    if answer.get("RA").is_some() {
                        world.put(Service::DoiRa, answer.clone())?;
                    }
                }
            }
        }
        Ok(world)
    }

    /// Adds a record, or replaces the one with the same identifier (in
    /// place: the search order stays). Returns its identifier. Accepted:
    /// DataCite `{"data": {…}}` or the bare `data` object (its `id` or
    /// `attributes.doi`); Crossref `{"message": {…}}` or the bare work (its
    /// `DOI`); JaLC `{"data": {…}}` or the bare `data` (its `doi`); a DDBJ
    /// entry (its `type` and `identifier`); for doi-ra, `{"DOI", "RA"}`,
    /// which overrides the RA derived from the world.
    pub fn put(&mut self, service: Service, record: Value) -> anyhow::Result<String> {
        let unwrap = |mut v: Value, key: &str| match v.get_mut(key) {
            Some(inner) if inner.is_object() => inner.take(),
            _ => v,
        };
        let to_record = |v: &Value, modified: Option<SystemTime>, grant_titles| Record {
            body: compact(v),
            modified,
            grant_titles,
        };
        match service {
            Service::Datacite => {
                let v = unwrap(record, "data");
                let attributes = &v["attributes"];
                let doi = str_field(&v, "id")
                    .or_else(|| str_field(attributes, "doi"))
                    .ok_or_else(|| anyhow!("a DataCite record needs id or attributes.doi"))?
                    .to_lowercase();
                let r = to_record(&v, parse_modified(attributes.get("updated")), Vec::new());
                self.datacite.insert(doi.clone(), r);
                Ok(doi)
            }
            Service::Crossref => {
                let v = unwrap(record, "message");
                let doi = str_field(&v, "DOI")
                    .ok_or_else(|| anyhow!("a Crossref work needs DOI"))?
                    .to_lowercase();
                let modified = ["indexed", "deposited", "created"]
                    .iter()
                    .find_map(|k| parse_modified(v.get(k).and_then(|d| d.get("date-time"))));
                self.crossref
                    .insert(doi.clone(), to_record(&v, modified, Vec::new()));
                Ok(doi)
            }
            Service::Jalc => {
                let v = unwrap(record, "data");
                let doi = str_field(&v, "doi")
                    .ok_or_else(|| anyhow!("a JaLC record needs doi"))?
                    .to_lowercase();
                let r = to_record(&v, parse_modified(v.get("updated_date")), Vec::new());
                self.jalc.insert(doi.clone(), r);
                Ok(doi)
            }
            Service::Ddbj => {
                let (Some(kind), Some(id)) =
                    (str_field(&record, "type"), str_field(&record, "identifier"))
                else {
                    bail!("a DDBJ entry needs type and identifier");
                };
                if !DDBJ_TYPES.contains(&kind) {
                    bail!("unknown DDBJ entry type {kind:?}");
                }
                let (kind, id) = (kind.to_owned(), id.to_owned());
                let grants = array(&record["grant"])
                    .iter()
                    .filter_map(|g| g.get("title").and_then(Value::as_str))
                    .map(str::to_lowercase)
                    .collect();
                let r = to_record(&record, parse_modified(record.get("dateModified")), grants);
                self.ddbj
                    .entry(kind.clone())
                    .or_default()
                    .insert(id.clone(), r);
                Ok(format!("{kind}/{id}"))
            }
            Service::DoiRa => {
                let (Some(doi), Some(ra)) = (str_field(&record, "DOI"), str_field(&record, "RA"))
                else {
                    bail!("a doi-ra answer needs DOI and RA");
                };
                let doi = doi.to_lowercase();
                self.doi_ra.insert(doi.clone(), ra.to_owned());
                Ok(doi)
            }
        }
    }

    /// Removes a record (a DOI, any case; for DDBJ the accession or
    /// `type/accession`); whether there was one.
    pub fn remove(&mut self, service: Service, id: &str) -> bool {
        let doi = id.to_lowercase();
        match service {
            Service::Datacite => self.datacite.shift_remove(&doi).is_some(),
            Service::Crossref => self.crossref.shift_remove(&doi).is_some(),
            Service::Jalc => self.jalc.shift_remove(&doi).is_some(),
            Service::DoiRa => self.doi_ra.shift_remove(&doi).is_some(),
            Service::Ddbj => {
                let (kind, acc) = match id.split_once('/') {
                    Some((k, a)) => (Some(k), a),
                    None => (None, id),
                };
                let mut removed = false;
                for (k, entries) in self.ddbj.iter_mut() {
                    if kind.is_none_or(|kind| kind == k) {
                        removed |= entries.shift_remove(acc).is_some();
                    }
                }
                removed
            }
        }
    }

    /// Puts every record of `other` into this world (replacing those with
    /// the same identifiers).
    pub fn merge(&mut self, other: World) {
        self.datacite.extend(other.datacite);
        self.crossref.extend(other.crossref);
        self.jalc.extend(other.jalc);
        self.doi_ra.extend(other.doi_ra);
        for (kind, entries) in other.ddbj {
            self.ddbj.entry(kind).or_default().extend(entries);
        }
    }

    /// How many records a service has (doi-ra: the explicit answers).
    pub fn len(&self, service: Service) -> usize {
        match service {
            Service::Ddbj => self.ddbj.values().map(IndexMap::len).sum(),
            Service::DoiRa => self.doi_ra.len(),
            s => doi_map(self, s).map_or(0, IndexMap::len),
        }
    }

    /// Whether the world holds no record at all.
    pub fn is_empty(&self) -> bool {
        Service::ALL.iter().all(|s| self.len(*s) == 0)
    }

    /// The identifiers of a service's records in search order (DOIs in
    /// lower case; DDBJ `type/accession`).
    pub fn ids(&self, service: Service) -> Vec<String> {
        match service {
            Service::Ddbj => self
                .ddbj
                .iter()
                .flat_map(|(k, e)| e.keys().map(move |id| format!("{k}/{id}")))
                .collect(),
            Service::DoiRa => self.doi_ra.keys().cloned().collect(),
            s => doi_map(self, s).map_or_else(Vec::new, |m| m.keys().cloned().collect()),
        }
    }

    /// A record as stored (the inner object: DataCite's `data`, Crossref's
    /// `message`, JaLC's `data`, the DDBJ entry).
    pub fn get(&self, service: Service, id: &str) -> Option<Value> {
        let record = match service {
            Service::Ddbj => {
                let (kind, acc) = id.split_once('/')?;
                self.ddbj.get(kind)?.get(acc)?
            }
            Service::DoiRa => {
                let doi = id.to_lowercase();
                return self.ra_of(&doi).map(|ra| json!({"DOI": id, "RA": ra}));
            }
            s => doi_map(self, s)?.get(&id.to_lowercase())?,
        };
        serde_json::from_slice(&record.body).ok()
    }

    /// The RA answering for a DOI (lower case): an explicit answer, else
    /// the service whose world holds it.
    fn ra_of(&self, doi: &str) -> Option<&str> {
        if let Some(ra) = self.doi_ra.get(doi) {
            return Some(ra);
        }
        [
            (&self.datacite, "DataCite"),
            (&self.crossref, "Crossref"),
            (&self.jalc, "JaLC"),
        ]
        .into_iter()
        .find(|(m, _)| m.contains_key(doi))
        .map(|(_, ra)| ra)
    }

    /// The example plans' deposits (DataCite records and DDBJ entries):
    /// see [`crate::example_deposits`].
    pub fn example_deposits() -> World {
        crate::example_deposits::example_deposits()
    }

    /// `n` synthetic DataCite records in the real shape, deterministic:
    /// record `i` is the same whatever `n`. A share `amed_fraction` of them
    /// (evenly spread, `floor(n * amed_fraction)` in all) is funded by AMED
    /// with the award written in varied ways; the others by JSPS (KAKENHI
    /// numbers) or nobody. See [`generated_datacite_record`].
    pub fn generated_datacite(n: usize, amed_fraction: f64) -> World {
        let mut world = World::new();
        world.datacite.reserve(n);
        let mut last_dmp: Option<(u64, String)> = None;
        for i in 0..n {
            let (doi, body, modified) = generate_record(i as u64, amed_fraction, &mut last_dmp);
            world.datacite.insert(
                doi,
                Record {
                    body,
                    modified: Some(modified),
                    grant_titles: Vec::new(),
                },
            );
        }
        world
    }
}

/// Compact JSON, without the spare capacity `to_vec` leaves (a third of
/// the memory of 100,000 records).
fn compact(v: &Value) -> Bytes {
    let mut body = serde_json::to_vec(v).unwrap_or_default();
    body.shrink_to_fit();
    Bytes::from(body)
}

fn array(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

// ---------------------------------------------------------------------------
// The synthetic DataCite records

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Whether generated record `i` is AMED-funded, and then its rank among
/// the AMED-funded ones.
fn amed_rank(i: u64, fraction: f64) -> Option<u64> {
    let f = fraction.clamp(0.0, 1.0);
    let before = (i as f64 * f).floor();
    ((i + 1) as f64 * f)
        .floor()
        .gt(&before)
        .then_some(before as u64)
}

/// The AMED funding of generated DataCite record `i`: the index of the
/// [`crate::generated_dmp`] whose project it comes from (two records per
/// plan) and the acknowledgement number it cites (`JP` + 11 characters; the
/// fiscal year may be a later one of the same project), whatever way the
/// record writes it. `None` for the records AMED does not fund.
pub fn generated_datacite_award(i: u64, amed_fraction: f64) -> Option<(u64, String)> {
    let rank = amed_rank(i, amed_fraction)?;
    let dmp = rank / 2;
    let grant = crate::generated_dmp(dmp).id().to_owned();
    let year_shift = Rng::new(i).below(3);
    Some((dmp, acknowledgement(&grant, year_shift)))
}

/// `JP` + the first 11 characters of the 課題管理番号, its year moved on.
fn acknowledgement(grant: &str, year_shift: u64) -> String {
    let year: u64 = grant.get(..2).and_then(|y| y.parse().ok()).unwrap_or(21);
    format!(
        "JP{:02}{}",
        (year + year_shift).min(99),
        grant.get(2..11).unwrap_or("")
    )
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// ORCID iD with its ISO 7064 11,2 check character.
fn orcid(rng: &mut Rng) -> String {
    let digits: Vec<u32> = format!("00000002{:07}", rng.below(10_000_000))
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    let total = digits.iter().fold(0u32, |t, d| (t + d) * 2);
    let check = (12 - total % 11) % 11;
    let check = if check == 10 {
        'X'
    } else {
        char::from_digit(check, 10).unwrap_or('0')
    };
    let s: String = digits
        .iter()
        .filter_map(|d| char::from_digit(*d, 10))
        .collect();
    format!(
        "https://orcid.org/{}-{}-{}-{}{check}",
        &s[..4],
        &s[4..8],
        &s[8..12],
        &s[12..15]
    )
}

/// A ROR ID: `0`, six Crockford base32 characters and the ISO 7064
/// mod 97-10 checksum of the seven.
fn ror(six: &str) -> String {
    const ALPHABET: &str = "0123456789abcdefghjkmnpqrstvwxyz";
    let value = format!("0{six}")
        .chars()
        .fold(0u64, |n, c| n * 32 + ALPHABET.find(c).unwrap_or(0) as u64);
    format!("https://ror.org/0{six}{:02}", 98 - (value * 100) % 97)
}

const PEOPLE: &[(&str, &str, &str, &str)] = &[
    ("Yamada", "Hanako", "山田", "花子"),
    ("Sato", "Taro", "佐藤", "太郎"),
    ("Suzuki", "Ichiro", "鈴木", "一郎"),
    ("Takahashi", "Yuki", "高橋", "由紀"),
    ("Tanaka", "Aoi", "田中", "葵"),
    ("Watanabe", "Ren", "渡辺", "蓮"),
    ("Ito", "Sakura", "伊藤", "さくら"),
    ("Nakamura", "Haruto", "中村", "陽翔"),
    ("Kobayashi", "Mei", "小林", "芽衣"),
    ("Kato", "Sota", "加藤", "蒼太"),
];

const INSTITUTIONS: &[(&str, &str)] = &[
    ("Example Medical University", "exmd4k"),
    ("Tokyo Example University", "tk7q2m"),
    ("Osaka Example Medical Center", "os3v8n"),
    ("Kyoto Example Institute of Science", "ky5r1p"),
    ("Hokkaido Example University Hospital", "hk9w6t"),
    (
        "National Example Research Center for Child Health",
        "nc2e4b",
    ),
];

const SUBJECTS: &[(&str, &str)] = &[
    ("intractable disease", "難治性疾患"),
    ("pancreatic cancer", "膵臓がん"),
    ("idiopathic pulmonary fibrosis", "特発性肺線維症"),
    ("Alzheimer's disease", "アルツハイマー病"),
    ("childhood asthma", "小児喘息"),
    ("heart failure", "心不全"),
    ("type 2 diabetes", "2型糖尿病"),
    ("COVID-19", "新型コロナウイルス感染症"),
];

const DATA_KINDS: &[(&str, &str, &str)] = &[
    ("Whole-genome sequencing", "全ゲノム解析データ", "FASTQ"),
    ("Single-cell RNA-seq", "シングルセルRNA-seqデータ", "H5AD"),
    ("Clinical imaging", "臨床画像データ", "DICOM"),
    ("Proteomics", "プロテオーム解析データ", "mzML"),
    ("Registry questionnaire", "レジストリ調査票データ", "CSV"),
];

const AMED_NAMES: &[&str] = &[
    "Japan Agency for Medical Research and Development",
    "Japan Agency for Medical Research and Development",
    "Japan Agency for Medical Research and Development (AMED)",
    "AMED",
    "国立研究開発法人日本医療研究開発機構",
];

/// The award as written by record `i` (`form` 0–9), and an award title.
fn written_award(form: u64, ack: &str, grant: &str, subject: &str) -> (Option<String>, String) {
    let bare = &ack[2..]; // 21ek0109555
    let title = format!("Research on {subject}");
    let number = match form {
        0..=2 => ack.to_owned(),
        3 => full_width(ack),
        4 => format!("JP {bare}"),
        5 => format!("JP{}-{}-{}", &bare[..2], &bare[2..4], &bare[4..]),
        6 if bare[..2] == grant[..2] => grant.to_owned(),
        6 => bare.to_owned(),
        7 => format!(
            "JP{}{}{}",
            &bare[..2],
            bare[2..4].to_uppercase(),
            &bare[4..]
        ),
        8 => {
            let next = format!(
                "JP{:02}{}",
                bare[..2].parse::<u32>().unwrap_or(21) + 1,
                &bare[2..]
            );
            format!("{ack}, {next}")
        }
        _ => return (None, format!("{title} ({ack})")),
    };
    (Some(number), title)
}

/// Generated DataCite record `i` (its `data` object) as compact JSON.
pub fn generated_datacite_record(i: u64, amed_fraction: f64) -> Value {
    let (_, body, _) = generate_record(i, amed_fraction, &mut None);
    serde_json::from_slice(&body).unwrap_or(Value::Null)
}

// The generated record's parts, serialised straight to bytes (building
// `serde_json::Value`s made 100,000 records take seconds).

#[derive(Serialize)]
struct GenText {
    title: String,
    lang: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GenDescription {
    description: String,
    description_type: &'static str,
    lang: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GenFunding {
    funder_name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    funder_identifier: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    funder_identifier_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    award_number: Option<String>,
    award_title: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GenNameIdentifier {
    name_identifier: String,
    name_identifier_scheme: &'static str,
    scheme_uri: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GenAffiliation {
    name: &'static str,
    affiliation_identifier: String,
    affiliation_identifier_scheme: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GenCreator {
    name: String,
    name_type: &'static str,
    given_name: &'static str,
    family_name: &'static str,
    name_identifiers: [GenNameIdentifier; 1],
    affiliation: [GenAffiliation; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GenRelated {
    related_identifier: String,
    related_identifier_type: &'static str,
    relation_type: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GenTypes {
    resource_type_general: &'static str,
    resource_type: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GenDate<'a> {
    date: &'a str,
    date_type: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GenRights {
    rights: &'static str,
    rights_uri: &'static str,
    rights_identifier: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GenAttributes<'a> {
    doi: &'a str,
    identifiers: [(); 0],
    prefix: &'static str,
    suffix: &'a str,
    creators: Vec<GenCreator>,
    titles: [GenText; 2],
    publisher: &'static str,
    publication_year: u64,
    types: GenTypes,
    dates: [GenDate<'a>; 1],
    language: &'static str,
    rights_list: [GenRights; 1],
    descriptions: Vec<GenDescription>,
    funding_references: Vec<GenFunding>,
    related_identifiers: Vec<GenRelated>,
    formats: [&'static str; 1],
    version: &'static str,
    url: String,
    state: &'static str,
    created: &'a str,
    registered: &'a str,
    updated: &'a str,
}

#[derive(Serialize)]
struct GenRecord<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    attributes: GenAttributes<'a>,
    relationships: GenRelationships,
}

#[derive(Serialize)]
struct GenRelationships {
    client: GenClient,
}

#[derive(Serialize)]
struct GenClient {
    data: GenClientData,
}

#[derive(Serialize)]
struct GenClientData {
    id: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
}

fn generate_record(
    i: u64,
    amed_fraction: f64,
    last_dmp: &mut Option<(u64, String)>,
) -> (String, Bytes, SystemTime) {
    let mut rng = Rng::new(i);
    let year_shift = rng.below(3);
    let suffix = format!("dmpgraph.gen.{i}");
    let doi = format!("10.99999/{suffix}");
    let (subject_en, subject_ja) = *rng.pick(SUBJECTS);
    let (kind_en, kind_ja, format) = *rng.pick(DATA_KINDS);
    let mut funding = Vec::new();
    let mut descriptions = vec![GenDescription {
        description: format!(
            "{kind_en} data of a {subject_en} cohort ({} participants).",
            20 + rng.below(2000)
        ),
        description_type: "Abstract",
        lang: "en",
    }];
    let mut year = 2019 + rng.below(6);
    if let Some(rank) = amed_rank(i, amed_fraction) {
        let dmp = rank / 2;
        let grant = match last_dmp {
            Some((k, g)) if *k == dmp => g.clone(),
            _ => {
                let g = crate::generated_dmp(dmp).id().to_owned();
                *last_dmp = Some((dmp, g.clone()));
                g
            }
        };
        let ack = acknowledgement(&grant, year_shift);
        year = 2000 + ack[2..4].parse::<u64>().unwrap_or(21);
        let form = rng.below(10);
        let (award_number, award_title) = written_award(form, &ack, &grant, subject_en);
        let funder_name = *rng.pick(AMED_NAMES);
        let identified = rng.below(5) != 0;
        funding.push(GenFunding {
            funder_name,
            funder_identifier: identified.then_some("https://doi.org/10.13039/EXAMPLE-AMED"),
            funder_identifier_type: identified.then_some("Crossref Funder ID"),
            award_number,
            award_title,
        });
        if rng.below(8) == 0 {
            descriptions.push(GenDescription {
                description: format!("本研究はAMEDの課題番号{ack}の支援を受けた。"),
                description_type: "Other",
                lang: "ja",
            });
        }
    }
    if funding.is_empty() && rng.below(4) != 0 || rng.below(5) == 0 {
        let letter = *rng.pick(&["H", "K", "J", "A", "B"]);
        funding.push(GenFunding {
            funder_name: "Japan Society for the Promotion of Science",
            funder_identifier: Some("https://doi.org/10.13039/EXAMPLE-JSPS"),
            funder_identifier_type: Some("Crossref Funder ID"),
            award_number: Some(format!(
                "JP{:02}{letter}{:05}",
                year % 100,
                rng.below(100_000)
            )),
            award_title: format!("Grant-in-Aid for Scientific Research on {subject_en}"),
        });
    }
    let creators: Vec<GenCreator> = (0..1 + rng.below(3))
        .map(|_| {
            let (family, given, _, _) = *rng.pick(PEOPLE);
            let (institution, ror_six) = *rng.pick(INSTITUTIONS);
            GenCreator {
                name: format!("{family}, {given}"),
                name_type: "Personal",
                given_name: given,
                family_name: family,
                name_identifiers: [GenNameIdentifier {
                    name_identifier: orcid(&mut rng),
                    name_identifier_scheme: "ORCID",
                    scheme_uri: "https://orcid.org",
                }],
                affiliation: [GenAffiliation {
                    name: institution,
                    affiliation_identifier: ror(ror_six),
                    affiliation_identifier_scheme: "ROR",
                }],
            }
        })
        .collect();
    let (month, day) = (1 + rng.below(12), 1 + rng.below(28));
    let created = format!("{year}-{month:02}-{day:02}T08:00:00.000Z");
    let updated_month = (month + rng.below(3)).min(12);
    let updated = format!("{year}-{updated_month:02}-{day:02}T12:00:00.000Z");
    let modified = chrono::DateTime::parse_from_rfc3339(&updated)
        .map_or(SystemTime::UNIX_EPOCH, |t| {
            t.with_timezone(&chrono::Utc).into()
        });
    let mut related = Vec::new();
    if rng.below(3) == 0 {
        related.push(GenRelated {
            related_identifier: format!("10.99999/dmpgraph.gen.article.{}", i / 3),
            related_identifier_type: "DOI",
            relation_type: "IsSupplementTo",
        });
    }
    let record = GenRecord {
        id: &doi,
        kind: "dois",
        attributes: GenAttributes {
            doi: &doi,
            identifiers: [],
            prefix: "10.99999",
            suffix: &suffix,
            creators,
            titles: [
                GenText {
                    title: format!("{kind_en} of a {subject_en} cohort, set {i}"),
                    lang: "en",
                },
                GenText {
                    title: format!("{subject_ja}コホートの{kind_ja}（第{i}版）"),
                    lang: "ja",
                },
            ],
            publisher: "Example Data Repository",
            publication_year: year,
            types: GenTypes {
                resource_type_general: "Dataset",
                resource_type: kind_en,
            },
            dates: [GenDate {
                date: &created[..10],
                date_type: "Issued",
            }],
            language: "en",
            rights_list: [GenRights {
                rights: "Creative Commons Attribution 4.0 International",
                rights_uri: "https://creativecommons.org/licenses/by/4.0/legalcode",
                rights_identifier: "cc-by-4.0",
            }],
            descriptions,
            funding_references: funding,
            related_identifiers: related,
            formats: [format],
            version: "1.0",
            url: format!("https://repository.example.org/records/gen-{i}"),
            state: "findable",
            created: &created,
            registered: &created,
            updated: &updated,
        },
        relationships: GenRelationships {
            client: GenClient {
                data: GenClientData {
                    id: "example.repo",
                    kind: "clients",
                },
            },
        },
    };
    let mut body = Vec::with_capacity(2048);
    let _ = serde_json::to_writer(&mut body, &record);
    body.shrink_to_fit();
    (doi, Bytes::from(body), modified)
}

// ---------------------------------------------------------------------------
// Options, faults, the log

/// How the server answers, set at start.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// Crossref's `x-rate-limit-limit` and `x-rate-limit-interval` headers
    /// (`(50, "1s")`), sent on every Crossref answer.
    pub crossref_rate_limit: Option<(u32, String)>,
    /// A delay before every answer.
    pub delay: Option<Duration>,
    /// Further delays for paths starting with a prefix (`"/ddbj"`).
    pub per_prefix_delay: Vec<(String, Duration)>,
    /// Every request also appended to this file as a JSON line.
    pub log_file: Option<PathBuf>,
}

/// What a fault does instead of (or before) the normal answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "WireAction", from = "WireAction")]
pub enum FaultAction {
    /// This status (429, 503, …) with an optional `Retry-After` (seconds or
    /// an HTTP date) and a body (JSON when it starts with `{` or `[`).
    Status {
        /// The status code.
        code: u16,
        /// The `Retry-After` header.
        retry_after: Option<String>,
        /// The body.
        body: String,
    },
    /// Waits this long, then answers normally (for client timeouts).
    Delay(Duration),
    /// A 200 announcing the whole body's `Content-Length`, sending half of
    /// it, then closing the connection.
    Truncate,
    /// A complete 200 whose body is the first half of the real one: not
    /// JSON, with a matching `Content-Length`.
    Malformed,
    /// No answer until [`FixtureServer::release`] (then the normal one).
    Hold,
}

/// The JSON form of a [`FaultAction`]: `{"kind": "status", "code": 429,
/// "retry_after": "1", "body": ""}`, `{"kind": "delay", "ms": 1500}`,
/// `{"kind": "truncate"}`, `{"kind": "malformed"}`, `{"kind": "hold"}`.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum WireAction {
    Status {
        code: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<String>,
        #[serde(default)]
        body: String,
    },
    Delay {
        ms: u64,
    },
    Truncate,
    Malformed,
    Hold,
}

impl From<FaultAction> for WireAction {
    fn from(a: FaultAction) -> WireAction {
        match a {
            FaultAction::Status {
                code,
                retry_after,
                body,
            } => WireAction::Status {
                code,
                retry_after,
                body,
            },
            FaultAction::Delay(d) => WireAction::Delay {
                ms: d.as_millis() as u64,
            },
            FaultAction::Truncate => WireAction::Truncate,
            FaultAction::Malformed => WireAction::Malformed,
            FaultAction::Hold => WireAction::Hold,
        }
    }
}

impl From<WireAction> for FaultAction {
    fn from(a: WireAction) -> FaultAction {
        match a {
            WireAction::Status {
                code,
                retry_after,
                body,
            } => FaultAction::Status {
                code,
                retry_after,
                body,
            },
            WireAction::Delay { ms } => FaultAction::Delay(Duration::from_millis(ms)),
            WireAction::Truncate => FaultAction::Truncate,
            WireAction::Malformed => FaultAction::Malformed,
            WireAction::Hold => FaultAction::Hold,
        }
    }
}

/// A fault for the first `times` requests whose path starts with
/// `path_prefix` (`"/datacite/dois"`); the later ones are answered normally.
/// Faults are tried in the order they were added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// Which requests: their path (without the query) starts with this.
    pub path_prefix: String,
    /// How many of them.
    pub times: u32,
    /// What happens to them.
    pub action: FaultAction,
}

impl Fault {
    /// A fault from its parts.
    pub fn new(path_prefix: impl Into<String>, times: u32, action: FaultAction) -> Fault {
        Fault {
            path_prefix: path_prefix.into(),
            times,
            action,
        }
    }

    /// `times` answers with status `code`, an optional `Retry-After` and an
    /// empty body.
    pub fn status(
        path_prefix: impl Into<String>,
        times: u32,
        code: u16,
        retry_after: Option<&str>,
    ) -> Fault {
        Fault::new(
            path_prefix,
            times,
            FaultAction::Status {
                code,
                retry_after: retry_after.map(str::to_owned),
                body: String::new(),
            },
        )
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logged {
    /// Milliseconds from the server's start to the request's arrival (to
    /// the microsecond).
    pub t_ms: f64,
    /// `GET`, `HEAD`, …
    pub method: String,
    /// The path as sent (percent-encoded), with the service prefix.
    pub path: String,
    /// The query string as sent (percent-encoded; empty when none).
    pub query: String,
    /// The status answered; 0 when the request was dropped unanswered (a
    /// held request whose client went away, or the server stopping).
    pub status: u16,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
    /// The `If-None-Match` header.
    pub if_none_match: Option<String>,
    /// The `Accept-Encoding` header.
    pub accept_encoding: Option<String>,
}

impl Logged {
    /// A query parameter, decoded (the first when repeated).
    pub fn param(&self, name: &str) -> Option<String> {
        form_urlencoded::parse(self.query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

// ---------------------------------------------------------------------------
// The server

/// What changes while the server runs: the world and the withdrawn records.
struct Live {
    world: World,
    /// Per service: id (lower-case DOI, or DDBJ accession) → 404 or 410.
    gone: [HashMap<String, u16>; 5],
}

struct State {
    live: RwLock<Live>,
    opts: ServeOptions,
    faults: Mutex<Vec<Fault>>,
    log: Mutex<Vec<Logged>>,
    log_file: Option<Mutex<std::fs::File>>,
    release: tokio::sync::watch::Sender<u64>,
    held: AtomicUsize,
    /// Cursors carry the epoch they were issued in; [`FixtureServer::expire_cursors`]
    /// moves it on, and older cursors are refused (as the services refuse
    /// expired ones).
    cursor_epoch: AtomicU64,
    started: Instant,
    started_at: SystemTime,
    origin: String,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl State {
    fn record(&self, entry: Logged) {
        if let Some(file) = &self.log_file {
            if let Ok(mut line) = serde_json::to_vec(&entry) {
                line.push(b'\n');
                let _ = lock(file).write_all(&line);
            }
        }
        lock(&self.log).push(entry);
    }

    fn take_fault(&self, path: &str) -> Option<FaultAction> {
        let mut faults = lock(&self.faults);
        let index = faults
            .iter()
            .position(|f| f.times > 0 && path.starts_with(&f.path_prefix))?;
        let fault = &mut faults[index];
        fault.times -= 1;
        let action = fault.action.clone();
        if fault.times == 0 {
            faults.remove(index);
        }
        Some(action)
    }

    fn live(&self) -> std::sync::RwLockReadGuard<'_, Live> {
        self.live.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn live_mut(&self) -> std::sync::RwLockWriteGuard<'_, Live> {
        self.live.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn log_for(&self, prefix: &str) -> Vec<Logged> {
        let prefix = if prefix.starts_with('/') || prefix.is_empty() {
            prefix.to_owned()
        } else {
            format!("/{prefix}")
        };
        lock(&self.log)
            .iter()
            .filter(|l| l.path.starts_with(&prefix))
            .cloned()
            .collect()
    }

    fn gone(&self, service: Service, id: &str, status: u16) {
        let key = gone_key(service, id);
        self.live_mut().gone[service.index()].insert(key, status);
    }
}

fn gone_key(service: Service, id: &str) -> String {
    match service {
        Service::Ddbj => id.rsplit('/').next().unwrap_or(id).to_owned(),
        _ => id.to_lowercase(),
    }
}

/// A running fixture server; stops when dropped.
pub struct FixtureServer {
    addr: SocketAddr,
    state: Arc<State>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl fmt::Debug for FixtureServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FixtureServer")
            .field("addr", &self.addr)
            .finish()
    }
}

impl FixtureServer {
    /// Starts a server on `127.0.0.1` at a free port, on a runtime of its
    /// own (two threads), so it serves sync and async tests alike. Panics
    /// when it cannot (no port, an unwritable log file).
    pub fn start(world: World, opts: ServeOptions) -> FixtureServer {
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        FixtureServer::start_on(addr, world, opts)
            .unwrap_or_else(|e| panic!("the fixture server cannot start: {e:#}"))
    }

    /// Starts a server on `addr` (port 0: a free one).
    pub fn start_on(
        addr: SocketAddr,
        world: World,
        opts: ServeOptions,
    ) -> anyhow::Result<FixtureServer> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("fixture-server")
            .enable_all()
            .build()
            .context("building the fixture server's runtime")?;
        let std_listener =
            std::net::TcpListener::bind(addr).with_context(|| format!("binding {addr}"))?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let log_file = match &opts.log_file {
            Some(path) => Some(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .with_context(|| format!("opening {}", path.display()))?,
            )),
            None => None,
        };
        let state = Arc::new(State {
            live: RwLock::new(Live {
                world,
                gone: Default::default(),
            }),
            opts,
            faults: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            log_file,
            release: tokio::sync::watch::Sender::new(0),
            held: AtomicUsize::new(0),
            cursor_epoch: AtomicU64::new(0),
            started: Instant::now(),
            started_at: SystemTime::now(),
            origin: format!("http://{addr}"),
        });
        let listener = {
            let _entered = runtime.enter();
            tokio::net::TcpListener::from_std(std_listener)?
        };
        let app = Router::new().fallback(handle).with_state(state.clone());
        runtime.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(FixtureServer {
            addr,
            state,
            runtime: Some(runtime),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.state.origin.clone()
    }

    /// A service's base URL, `http://127.0.0.1:PORT/datacite` (`service`
    /// is a path prefix: `datacite`, `crossref`, `jalc`, `doi-ra`, `ddbj`).
    pub fn base(&self, service: &str) -> String {
        format!("{}/{}", self.state.origin, service.trim_matches('/'))
    }

    /// Adds a fault (after those already waiting).
    pub fn fault(&self, fault: Fault) {
        lock(&self.state.faults).push(fault);
    }

    /// Drops the faults not used up yet.
    pub fn clear_faults(&self) {
        lock(&self.state.faults).clear();
    }

    /// Answers every request held by a [`FaultAction::Hold`] (with the
    /// normal answer). Later `Hold` faults hold again.
    pub fn release(&self) {
        self.state.release.send_modify(|g| *g += 1);
    }

    /// Expires every cursor issued so far (DataCite's, Crossref's, DDBJ's):
    /// asked again, they are refused with the service's own 400.
    pub fn expire_cursors(&self) {
        self.state.cursor_epoch.fetch_add(1, Ordering::SeqCst);
    }

    /// How many requests are held now.
    pub fn held(&self) -> usize {
        self.state.held.load(Ordering::SeqCst)
    }

    /// From now on the record answers `status` (404, or 410 Gone) and is
    /// left out of searches. `id`: a DOI (any case), a DDBJ accession.
    pub fn gone(&self, service: Service, id: &str, status: u16) {
        self.state.gone(service, id, status);
    }

    /// Adds or replaces a record while serving (see [`World::put`]).
    pub fn put(&self, service: Service, record: Value) -> anyhow::Result<String> {
        self.state.live_mut().world.put(service, record)
    }

    /// Removes a record while serving (it then answers 404).
    pub fn remove(&self, service: Service, id: &str) -> bool {
        self.state.live_mut().world.remove(service, id)
    }

    /// Every request so far (control requests left out), in the order they
    /// were answered (`t_ms` is when each arrived).
    pub fn log(&self) -> Vec<Logged> {
        lock(&self.state.log).clone()
    }

    /// The requests whose path starts with `prefix` (`"/datacite"` or
    /// `"datacite"`).
    pub fn log_for(&self, prefix: &str) -> Vec<Logged> {
        self.state.log_for(prefix)
    }

    /// Empties the log (not the log file).
    pub fn clear_log(&self) {
        lock(&self.state.log).clear();
    }
}

impl Drop for FixtureServer {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            // Does not wait, so dropping inside another runtime is fine.
            runtime.shutdown_background();
        }
    }
}

// ---------------------------------------------------------------------------
// Answering

/// Records the request when dropped: answered, or dropped unanswered.
struct LogGuard {
    state: Arc<State>,
    entry: Option<Logged>,
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        if let Some(entry) = self.entry.take() {
            self.state.record(entry);
        }
    }
}

struct HeldGuard<'a>(&'a AtomicUsize);

impl Drop for HeldGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A normal answer, before conditional requests, compression and faults.
struct Answer {
    status: StatusCode,
    content_type: &'static str,
    body: Vec<u8>,
    /// For a 200: the representation's modification time.
    modified: Option<SystemTime>,
    headers: Vec<(&'static str, String)>,
}

impl Answer {
    fn ok(content_type: &'static str, body: Vec<u8>, modified: SystemTime) -> Answer {
        Answer {
            status: StatusCode::OK,
            content_type,
            body,
            modified: Some(modified),
            headers: Vec::new(),
        }
    }

    fn error(status: u16, content_type: &'static str, body: Vec<u8>) -> Answer {
        Answer {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            content_type,
            body,
            modified: None,
            headers: Vec::new(),
        }
    }

    fn json_error(status: u16, content_type: &'static str, body: &Value) -> Answer {
        Answer::error(status, content_type, body.to_string().into_bytes())
    }
}

const JSON: &str = "application/json; charset=utf-8";
const JSON_API: &str = "application/vnd.api+json; charset=utf-8";
const PROBLEM: &str = "application/problem+json";
const TEXT: &str = "text/plain; charset=utf-8";

async fn handle(AxState(state): AxState<Arc<State>>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    if path == "/_control" || path.starts_with("/_control/") {
        return control(&state, req).await;
    }
    // Only the head: the body is not Sync, and the future must be Send.
    let (req, _) = req.into_parts();
    let header = |name: header::HeaderName| {
        req.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let mut guard = LogGuard {
        state: state.clone(),
        entry: Some(Logged {
            t_ms: state.started.elapsed().as_micros() as f64 / 1000.0,
            method: req.method.to_string(),
            path: path.clone(),
            query: req.uri.query().unwrap_or("").to_owned(),
            status: 0,
            user_agent: header(header::USER_AGENT),
            if_none_match: header(header::IF_NONE_MATCH),
            accept_encoding: header(header::ACCEPT_ENCODING),
        }),
    };
    let mut delay = state.opts.delay.unwrap_or_default();
    for (prefix, d) in &state.opts.per_prefix_delay {
        if path.starts_with(prefix.as_str()) {
            delay += *d;
        }
    }
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let action = state.take_fault(&path);
    let response = match action {
        Some(FaultAction::Status {
            code,
            retry_after,
            body,
        }) => {
            let json = body.starts_with('{') || body.starts_with('[');
            let mut answer = Answer::error(code, if json { JSON } else { TEXT }, body.into_bytes());
            if let Some(after) = retry_after {
                answer.headers.push(("retry-after", after));
            }
            finish(&state, answer, &req.headers, None)
        }
        other => {
            match &other {
                Some(FaultAction::Delay(d)) => tokio::time::sleep(*d).await,
                Some(FaultAction::Hold) => {
                    let mut release = state.release.subscribe();
                    state.held.fetch_add(1, Ordering::SeqCst);
                    let _held = HeldGuard(&state.held);
                    release.borrow_and_update();
                    let _ = release.changed().await;
                }
                _ => {}
            }
            let answer = if req.method == Method::GET || req.method == Method::HEAD {
                answer(&state, &path, req.uri.query().unwrap_or(""))
            } else {
                let mut a = Answer::error(405, TEXT, b"Method Not Allowed".to_vec());
                a.headers.push(("allow", "GET, HEAD".into()));
                a
            };
            finish(&state, answer, &req.headers, other.as_ref())
        }
    };
    if let Some(entry) = guard.entry.as_mut() {
        entry.status = response.status().as_u16();
    }
    response
}

fn etag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                let p = p.trim().replace(' ', "");
                p == "q=0" || p == "q=0.0" || p == "q=0.00" || p == "q=0.000"
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
}

/// Whether `If-None-Match` names this body's tag (in either encoding).
fn none_match(headers: &HeaderMap, etag: &str) -> Option<bool> {
    let value = headers.get(header::IF_NONE_MATCH)?.to_str().ok()?;
    let bare = etag.trim_matches('"');
    Some(value.split(',').any(|tag| {
        let tag = tag.trim();
        let tag = tag.strip_prefix("W/").unwrap_or(tag).trim_matches('"');
        tag == "*" || tag == bare || tag.strip_suffix("-gz") == Some(bare)
    }))
}

fn finish(
    state: &State,
    answer: Answer,
    request: &HeaderMap,
    fault: Option<&FaultAction>,
) -> Response {
    let mut builder = Response::builder()
        .status(answer.status)
        .header(header::CONTENT_TYPE, answer.content_type);
    for (name, value) in &answer.headers {
        builder = builder.header(*name, value.as_str());
    }
    let mut body = answer.body;
    let ok = answer.status == StatusCode::OK;
    if ok {
        match fault {
            Some(FaultAction::Truncate) => {
                let full = body.len();
                let half = Bytes::from(body[..full / 2].to_vec());
                // The half is flushed before the connection is cut.
                let cut = futures_util::stream::once(async {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Err::<Bytes, _>(std::io::Error::new(
                        std::io::ErrorKind::ConnectionAborted,
                        "truncated by a fault",
                    ))
                });
                let chunks = futures_util::StreamExt::chain(
                    futures_util::stream::once(async move { Ok(half) }),
                    cut,
                );
                return builder
                    .header(header::CONTENT_LENGTH, full)
                    .body(Body::from_stream(chunks))
                    .unwrap_or_default();
            }
            Some(FaultAction::Malformed) => {
                body.truncate(body.len() / 2);
                return builder
                    .header(header::CONTENT_LENGTH, body.len())
                    .body(Body::from(body))
                    .unwrap_or_default();
            }
            _ => {}
        }
        let etag = etag_of(&body);
        let modified = answer.modified.unwrap_or(state.started_at);
        let last_modified = httpdate::fmt_http_date(modified);
        let not_modified = match none_match(request, &etag) {
            Some(matched) => matched,
            None => request
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| httpdate::parse_http_date(v).ok())
                .is_some_and(|since| {
                    let secs = |t: SystemTime| {
                        t.duration_since(SystemTime::UNIX_EPOCH)
                            .map_or(0, |d| d.as_secs())
                    };
                    secs(modified) <= secs(since)
                }),
        };
        let gzip = accepts_gzip(request);
        let etag = if gzip {
            format!("{}-gz\"", etag.trim_end_matches('"'))
        } else {
            etag
        };
        builder = builder
            .header(header::ETAG, etag)
            .header(header::LAST_MODIFIED, last_modified)
            .header(header::VARY, "Accept-Encoding");
        if not_modified {
            return builder
                .status(StatusCode::NOT_MODIFIED)
                .body(Body::empty())
                .unwrap_or_default();
        }
    }
    if accepts_gzip(request) && !body.is_empty() {
        let mut encoder = flate2::write::GzEncoder::new(
            Vec::with_capacity(body.len() / 4),
            flate2::Compression::fast(),
        );
        if encoder.write_all(&body).is_ok() {
            if let Ok(zipped) = encoder.finish() {
                body = zipped;
                builder = builder.header(header::CONTENT_ENCODING, "gzip");
            }
        }
    }
    builder.body(Body::from(body)).unwrap_or_default()
}

fn params(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

fn encode_cursor(state: &State, offset: usize, extra: &str) -> String {
    let epoch = state.cursor_epoch.load(Ordering::SeqCst);
    URL_SAFE_NO_PAD.encode(format!("o:{epoch}:{offset}:{extra}"))
}

/// A cursor's offset and extra, `None` when it is not one of ours or was
/// issued before the cursors last expired.
fn decode_cursor(state: &State, cursor: &str) -> Option<(usize, String)> {
    let text =
        String::from_utf8(URL_SAFE_NO_PAD.decode(cursor.trim_end_matches('=')).ok()?).ok()?;
    let rest = text.strip_prefix("o:")?;
    let (epoch, rest) = rest.split_once(':')?;
    if epoch.parse::<u64>().ok()? != state.cursor_epoch.load(Ordering::SeqCst) {
        return None;
    }
    let (offset, extra) = rest.split_once(':')?;
    Some((offset.parse().ok()?, extra.to_owned()))
}

/// One page of a service's records, leaving out the gone ones: the total
/// and the page's records.
fn page<'a>(
    records: impl Iterator<Item = (&'a String, &'a Record)>,
    gone: &HashMap<String, u16>,
    keep: impl Fn(&Record) -> bool,
    offset: usize,
    size: usize,
) -> (usize, Vec<&'a Record>) {
    let mut total = 0;
    let mut out = Vec::new();
    for (key, record) in records {
        if gone.contains_key(key) || !keep(record) {
            continue;
        }
        if total >= offset && out.len() < size {
            out.push(record);
        }
        total += 1;
    }
    (total, out)
}

/// Fast paging when nothing is left out.
fn page_indexed<'a>(
    records: &'a IndexMap<String, Record>,
    gone: &HashMap<String, u16>,
    offset: usize,
    size: usize,
) -> (usize, Vec<&'a Record>) {
    if gone.is_empty() {
        let end = offset.saturating_add(size).min(records.len());
        let items = (offset.min(end)..end)
            .filter_map(|i| records.get_index(i).map(|(_, r)| r))
            .collect();
        (records.len(), items)
    } else {
        page(records.iter(), gone, |_| true, offset, size)
    }
}

fn newest(records: &[&Record], fallback: SystemTime) -> SystemTime {
    records
        .iter()
        .filter_map(|r| r.modified)
        .max()
        .unwrap_or(fallback)
}

fn join(records: &[&Record], out: &mut Vec<u8>) {
    out.push(b'[');
    for (i, r) in records.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&r.body);
    }
    out.push(b']');
}

fn answer(state: &State, path: &str, query: &str) -> Answer {
    let live = state.live();
    let (service, rest) = match path.trim_start_matches('/').split_once('/') {
        Some((s, rest)) => (s, rest),
        None => (path.trim_start_matches('/'), ""),
    };
    match service {
        "datacite" => datacite(state, &live, rest, query),
        "crossref" => crossref(state, &live, rest, query),
        "jalc" => jalc(state, &live, rest),
        "doi-ra" => doi_ra(state, &live, rest),
        "ddbj" => ddbj(state, &live, path, rest, query),
        _ => Answer::error(404, TEXT, b"Not Found".to_vec()),
    }
}

fn wrap(prefix: &[u8], body: &[u8], suffix: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(prefix.len() + body.len() + suffix.len());
    out.extend_from_slice(prefix);
    out.extend_from_slice(body);
    out.extend_from_slice(suffix);
    out
}

fn datacite_error(status: u16, title: &str) -> Answer {
    Answer::json_error(
        status,
        JSON_API,
        &json!({"errors": [{"status": status.to_string(), "title": title}]}),
    )
}

fn datacite(state: &State, live: &Live, rest: &str, query: &str) -> Answer {
    let gone = &live.gone[Service::Datacite.index()];
    let records = &live.world.datacite;
    if let Some(doi) = rest.strip_prefix("dois/").filter(|d| !d.is_empty()) {
        let doi = decode(doi).to_lowercase();
        if let Some(status) = gone.get(&doi) {
            return match status {
                410 => datacite_error(410, "The resource you are looking for has been removed."),
                s => datacite_error(*s, "The resource you are looking for doesn't exist."),
            };
        }
        return match records.get(&doi) {
            Some(r) => Answer::ok(
                JSON_API,
                wrap(b"{\"data\":", &r.body, b"}"),
                r.modified.unwrap_or(state.started_at),
            ),
            None => datacite_error(404, "The resource you are looking for doesn't exist."),
        };
    }
    if rest != "dois" && rest != "dois/" {
        return datacite_error(404, "The resource you are looking for doesn't exist.");
    }
    let ps = params(query);
    let size = match param(&ps, "page[size]").map(str::parse::<usize>) {
        None => 25,
        Some(Ok(n)) if n <= 1000 => n,
        Some(_) => return datacite_error(400, "page[size] must be an integer from 0 to 1000"),
    };
    let (offset, cursor) = match param(&ps, "page[cursor]") {
        Some("1") | Some("") => (0, true),
        Some(c) => match decode_cursor(state, c) {
            Some((o, _)) => (o, true),
            None => return datacite_error(400, "Invalid page[cursor]"),
        },
        None => match param(&ps, "page[number]").map(str::parse::<usize>) {
            None => (0, false),
            Some(Ok(n)) if n >= 1 => ((n - 1).saturating_mul(size), false),
            Some(_) => return datacite_error(400, "page[number] must be a positive integer"),
        },
    };
    let (total, items) = page_indexed(records, gone, offset, size);
    let mut body = Vec::with_capacity(items.iter().map(|r| r.body.len() + 1).sum::<usize>() + 512);
    body.extend_from_slice(b"{\"data\":");
    join(&items, &mut body);
    let total_pages = if size == 0 { 0 } else { total.div_ceil(size) };
    let this_page = offset.checked_div(size).unwrap_or(0) + 1;
    let own = format!("{}/datacite/dois", state.origin);
    let mut links = json!({
        "self": if query.is_empty() { own.clone() } else { format!("{own}?{query}") }
    });
    if size > 0 && offset + items.len() < total {
        let mut next = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &ps {
            if !matches!(k.as_str(), "page[cursor]" | "page[number]" | "page[size]") {
                next.append_pair(k, v);
            }
        }
        if cursor {
            next.append_pair(
                "page[cursor]",
                &encode_cursor(state, offset + items.len(), ""),
            );
        } else {
            next.append_pair("page[number]", &(this_page + 1).to_string());
        }
        next.append_pair("page[size]", &size.to_string());
        links["next"] = json!(format!("{own}?{}", next.finish()));
    }
    let tail = json!({"totalPages": total_pages, "page": this_page, "total": total});
    body.extend_from_slice(b",\"meta\":");
    let _ = serde_json::to_writer(&mut body, &tail);
    body.extend_from_slice(b",\"links\":");
    let _ = serde_json::to_writer(&mut body, &links);
    body.push(b'}');
    Answer::ok(JSON_API, body, newest(&items, state.started_at))
}

fn crossref(state: &State, live: &Live, rest: &str, query: &str) -> Answer {
    let mut answer = crossref_answer(state, live, rest, query);
    if let Some((limit, interval)) = &state.opts.crossref_rate_limit {
        answer
            .headers
            .push(("x-rate-limit-limit", limit.to_string()));
        answer
            .headers
            .push(("x-rate-limit-interval", interval.clone()));
    }
    answer
}

fn crossref_invalid(kind: &str, value: &str, message: &str) -> Answer {
    Answer::json_error(
        400,
        JSON,
        &json!({
            "status": "failed",
            "message-type": "validation-failure",
            "message": [{"type": kind, "value": value, "message": message}]
        }),
    )
}

fn crossref_answer(state: &State, live: &Live, rest: &str, query: &str) -> Answer {
    let gone = &live.gone[Service::Crossref.index()];
    let records = &live.world.crossref;
    let not_found = || Answer::error(404, TEXT, b"Resource not found.".to_vec());
    if let Some(doi) = rest.strip_prefix("works/").filter(|d| !d.is_empty()) {
        let doi = decode(doi).to_lowercase();
        if let Some(status) = gone.get(&doi) {
            return match status {
                410 => Answer::error(410, TEXT, b"Resource gone.".to_vec()),
                s => Answer::error(*s, TEXT, b"Resource not found.".to_vec()),
            };
        }
        return match records.get(&doi) {
            Some(r) => Answer::ok(
                JSON,
                wrap(
                    br#"{"status":"ok","message-type":"work","message-version":"1.0.0","message":"#,
                    &r.body,
                    b"}",
                ),
                r.modified.unwrap_or(state.started_at),
            ),
            None => not_found(),
        };
    }
    if rest != "works" && rest != "works/" {
        return not_found();
    }
    let ps = params(query);
    let rows = match param(&ps, "rows") {
        None => 20,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if n <= 1000 => n,
            _ => {
                return crossref_invalid(
                    "integer-not-valid",
                    v,
                    &format!("Integer specified as {v} but must be a positive integer less than or equal to 1000."),
                )
            }
        },
    };
    let (offset, cursor) = match param(&ps, "cursor") {
        Some("*") => (0, true),
        Some(c) => match decode_cursor(state, c) {
            Some((o, _)) => (o, true),
            None => {
                return crossref_invalid("cursor-not-valid", c, "Cursor specified is not valid.")
            }
        },
        None => match param(&ps, "offset").map(str::parse::<usize>) {
            None => (0, false),
            Some(Ok(n)) if n <= 10_000 => (n, false),
            Some(_) => {
                return crossref_invalid(
                    "integer-not-valid",
                    param(&ps, "offset").unwrap_or(""),
                    "Offset must be a positive integer less than or equal to 10000.",
                )
            }
        },
    };
    let (total, items) = page_indexed(records, gone, offset, rows);
    let mut body = Vec::with_capacity(items.iter().map(|r| r.body.len() + 1).sum::<usize>() + 512);
    body.extend_from_slice(
        br#"{"status":"ok","message-type":"work-list","message-version":"1.0.0","message":{"facets":{},"#,
    );
    if cursor {
        let next = encode_cursor(state, offset + items.len(), "");
        body.extend_from_slice(format!("\"next-cursor\":\"{next}\",").as_bytes());
    }
    body.extend_from_slice(format!("\"total-results\":{total},\"items\":").as_bytes());
    join(&items, &mut body);
    let q = json!({"start-index": offset, "search-terms": param(&ps, "query")});
    body.extend_from_slice(format!(",\"items-per-page\":{rows},\"query\":").as_bytes());
    let _ = serde_json::to_writer(&mut body, &q);
    body.extend_from_slice(b"}}");
    Answer::ok(JSON, body, newest(&items, state.started_at))
}

fn jalc_error(status: u16, message: &str) -> Answer {
    Answer::json_error(
        status,
        JSON,
        &json!({
            "status": "NG",
            "apiType": "doi",
            "apiVersion": "1.0.0",
            "message": {"errors": [{"code": status.to_string(), "message": message}]}
        }),
    )
}

fn jalc(state: &State, live: &Live, rest: &str) -> Answer {
    let Some(doi) = rest.strip_prefix("dois/").filter(|d| !d.is_empty()) else {
        return jalc_error(404, "Not Found");
    };
    let doi = decode(doi).to_lowercase();
    if let Some(status) = live.gone[Service::Jalc.index()].get(&doi) {
        return match status {
            410 => jalc_error(410, "The DOI has been withdrawn"),
            s => jalc_error(*s, "DOI not found"),
        };
    }
    match live.world.jalc.get(&doi) {
        Some(r) => Answer::ok(
            JSON,
            wrap(
                br#"{"status":"OK","apiType":"doi","apiVersion":"1.0.0","message":{"total":1,"rows":1,"totalPages":1,"page":1},"data":"#,
                &r.body,
                b"}",
            ),
            r.modified.unwrap_or(state.started_at),
        ),
        None => jalc_error(404, "DOI not found"),
    }
}

fn doi_ra(state: &State, live: &Live, rest: &str) -> Answer {
    let Some(dois) = rest.strip_prefix("doiRA/").filter(|d| !d.is_empty()) else {
        return Answer::error(404, TEXT, b"Not Found".to_vec());
    };
    let decoded = decode(dois);
    let answers: Vec<Value> = decoded
        .split(',')
        .map(|doi| {
            let doi = doi.trim();
            let lower = doi.to_lowercase();
            if !lower.starts_with("10.") || !lower.contains('/') {
                return json!({"DOI": doi, "status": "Invalid DOI"});
            }
            match live.world.ra_of(&lower) {
                Some(ra) if !live.gone[Service::DoiRa.index()].contains_key(&lower) => {
                    json!({"DOI": doi, "RA": ra})
                }
                _ => json!({"DOI": doi, "status": "DOI does not exist"}),
            }
        })
        .collect();
    Answer::ok(
        JSON,
        serde_json::to_vec_pretty(&answers).unwrap_or_default(),
        state.started_at,
    )
}

fn problem(status: u16, title: &str, detail: &str, instance: &str) -> Answer {
    let kind = match status {
        400 => "https://ddbj.nig.ac.jp/problems/bad-request",
        422 => "https://ddbj.nig.ac.jp/problems/validation-error",
        _ => "about:blank",
    };
    Answer::json_error(
        status,
        PROBLEM,
        &json!({
            "type": kind,
            "title": title,
            "status": status,
            "detail": detail,
            "instance": instance,
            "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "requestId": null
        }),
    )
}

/// Search parameters DDBJ refuses with a cursor (the filters and `page`).
const DDBJ_FILTERS: &[&str] = &[
    "page",
    "keywords",
    "keywordFields",
    "keywordOperator",
    "organism",
    "accessibility",
    "organization",
    "publication",
    "grant",
    "datePublishedFrom",
    "datePublishedTo",
    "dateModifiedFrom",
    "dateModifiedTo",
    "sort",
    "objectTypes",
    "externalLinkLabel",
    "projectType",
    "relevance",
];

fn ddbj(state: &State, live: &Live, path: &str, rest: &str, query: &str) -> Answer {
    let Some(rest) = rest.strip_prefix("entries/") else {
        return problem(404, "Not Found", "No such endpoint.", path);
    };
    let (kind, tail) = rest.split_once('/').unwrap_or((rest, ""));
    if !DDBJ_TYPES.contains(&kind) {
        return problem(
            404,
            "Not Found",
            &format!("Unknown entry type {kind:?}."),
            path,
        );
    }
    let entries = live.world.ddbj.get(kind);
    let gone = &live.gone[Service::Ddbj.index()];
    if !tail.is_empty() {
        let Some(id) = tail.strip_suffix(".json").filter(|id| !id.contains('/')) else {
            return problem(404, "Not Found", "No such endpoint.", path);
        };
        let id = decode(id);
        let missing = || {
            problem(
                404,
                "Not Found",
                &format!("The requested {kind} entry was not found."),
                path,
            )
        };
        if let Some(status) = gone.get(&id) {
            return match status {
                410 => problem(
                    410,
                    "Gone",
                    &format!("The {kind} entry {id} was withdrawn."),
                    path,
                ),
                _ => missing(),
            };
        }
        return match entries.and_then(|e| e.get(&id)) {
            Some(r) => Answer::ok(
                JSON,
                r.body.to_vec(),
                r.modified.unwrap_or(state.started_at),
            ),
            None => missing(),
        };
    }
    let ps = params(query);
    let per_page = match param(&ps, "perPage").map(str::parse::<usize>) {
        None => 10,
        Some(Ok(n)) if (1..=100).contains(&n) => n,
        Some(_) => {
            return problem(
                422,
                "Unprocessable Entity",
                "perPage: Input should be an integer from 1 to 100.",
                path,
            )
        }
    };
    let (page_no, offset, grant) = if let Some(cursor) = param(&ps, "cursor") {
        if let Some((k, _)) = ps.iter().find(|(k, _)| DDBJ_FILTERS.contains(&k.as_str())) {
            return problem(
                400,
                "Bad Request",
                &format!("cursor cannot be combined with {k}."),
                path,
            );
        }
        match decode_cursor(state, cursor) {
            Some((o, g)) => (None, o, g),
            None => return problem(400, "Bad Request", "Invalid cursor token.", path),
        }
    } else {
        let page_no = match param(&ps, "page").map(str::parse::<usize>) {
            None => 1,
            Some(Ok(n)) if n >= 1 => n,
            Some(_) => {
                return problem(
                    422,
                    "Unprocessable Entity",
                    "page: Input should be an integer greater than or equal to 1.",
                    path,
                )
            }
        };
        if page_no.saturating_mul(per_page) > 10_000 {
            return problem(
                400,
                "Bad Request",
                &format!(
                    "Deep paging limit exceeded: page ({page_no}) * perPage ({per_page}) must be <= 10000. Use cursor-based pagination for deeper results."
                ),
                path,
            );
        }
        let grant = param(&ps, "grant")
            .unwrap_or("")
            .trim()
            .trim_matches('"')
            .to_lowercase();
        (Some(page_no), (page_no - 1) * per_page, grant)
    };
    let empty = IndexMap::new();
    let entries = entries.unwrap_or(&empty);
    let keep = |r: &Record| grant.is_empty() || r.grant_titles.iter().any(|t| t.contains(&grant));
    let (total, items) = page(entries.iter(), gone, keep, offset, per_page);
    let has_next = offset + items.len() < total;
    let next_cursor = has_next.then(|| encode_cursor(state, offset + items.len(), &grant));
    let mut body = Vec::with_capacity(items.iter().map(|r| r.body.len() + 1).sum::<usize>() + 256);
    body.extend_from_slice(b"{\"pagination\":");
    let pagination = json!({
        "page": page_no,
        "perPage": per_page,
        "total": total,
        "nextCursor": next_cursor,
        "hasNext": has_next
    });
    let _ = serde_json::to_writer(&mut body, &pagination);
    body.extend_from_slice(b",\"items\":");
    join(&items, &mut body);
    body.push(b'}');
    Answer::ok(JSON, body, newest(&items, state.started_at))
}

// ---------------------------------------------------------------------------
// The control API

#[derive(Deserialize)]
struct GoneRequest {
    service: Service,
    id: String,
    #[serde(default = "default_gone")]
    status: u16,
}

fn default_gone() -> u16 {
    410
}

#[derive(Deserialize)]
struct PutRequest {
    service: Service,
    record: Value,
}

#[derive(Deserialize)]
struct RemoveRequest {
    service: Service,
    id: String,
}

fn plain(status: StatusCode, text: &str) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, TEXT)
        .body(Body::from(text.to_owned()))
        .unwrap_or_default()
}

fn json_response(value: &Value) -> Response {
    Response::builder()
        .header(header::CONTENT_TYPE, HeaderValue::from_static(JSON))
        .body(Body::from(value.to_string()))
        .unwrap_or_default()
}

async fn control(state: &Arc<State>, req: Request) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let body = match axum::body::to_bytes(req.into_body(), 256 << 20).await {
        Ok(b) => b,
        Err(e) => return plain(StatusCode::BAD_REQUEST, &format!("reading the body: {e}")),
    };
    fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, String> {
        serde_json::from_slice(body).map_err(|e| format!("bad JSON: {e}"))
    }
    let done = || plain(StatusCode::NO_CONTENT, "");
    let result: Result<Response, String> = (|| {
        Ok(match (method, path.trim_start_matches("/_control")) {
            (Method::POST, "/fault") => {
                lock(&state.faults).push(parse::<Fault>(&body)?);
                done()
            }
            (Method::DELETE, "/faults") => {
                lock(&state.faults).clear();
                done()
            }
            (Method::POST, "/release") => {
                state.release.send_modify(|g| *g += 1);
                done()
            }
            (Method::POST, "/expire-cursors") => {
                state.cursor_epoch.fetch_add(1, Ordering::SeqCst);
                done()
            }
            (Method::GET, "/held") => json_response(&json!({"held": state.held.load(Ordering::SeqCst)})),
            (Method::GET, "/log") => {
                let ps = params(&query);
                let entries = state.log_for(param(&ps, "prefix").unwrap_or(""));
                json_response(&serde_json::to_value(entries).unwrap_or_default())
            }
            (Method::DELETE, "/log") => {
                lock(&state.log).clear();
                done()
            }
            (Method::POST, "/gone") => {
                let r: GoneRequest = parse(&body)?;
                if r.status != 404 && r.status != 410 {
                    return Err("status must be 404 or 410".into());
                }
                state.gone(r.service, &r.id, r.status);
                done()
            }
            (Method::POST, "/put") => {
                let r: PutRequest = parse(&body)?;
                match state.live_mut().world.put(r.service, r.record) {
                    Ok(_) => done(),
                    Err(e) => plain(StatusCode::BAD_REQUEST, &format!("{e:#}")),
                }
            }
            (Method::POST, "/remove") => {
                let r: RemoveRequest = parse(&body)?;
                if state.live_mut().world.remove(r.service, &r.id) {
                    done()
                } else {
                    plain(StatusCode::NOT_FOUND, "no such record")
                }
            }
            _ => plain(
                StatusCode::NOT_FOUND,
                "control API: POST fault, DELETE faults, POST release, GET held, GET/DELETE log, POST gone, POST put, POST remove",
            ),
        })
    })();
    result.unwrap_or_else(|e| plain(StatusCode::BAD_REQUEST, &e))
}
