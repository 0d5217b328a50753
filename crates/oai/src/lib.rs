//! dmpgraph's OAI-PMH 2.0 data provider: the six verbs over the registry's
//! change log (datestamps, tombstones, sets) and the public store, so that
//! a standard harvester takes every public plan with no special handling.
//!
//! This first part serves each stored plan as an item in `oai_dc`, with
//! persistent deletes and resumption tokens that need no server state and
//! never expire (see [`token`]). Items for planned datasets, JPCOAR 2.0,
//! DataCite and DCAT formats, and the topical sets come next.
//!
//! It reads a [`PublicView`] only: no private value can reach a response.

mod datacite;
mod jpcoar;
pub mod meta;
pub mod request;
pub mod token;
mod xml;

pub use request::{parse, ErrorCode, List, ListArgs, OaiError, Request};

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use dmpgraph_store::{Cursor, Listing, PublicView, RecordEntry, RecordKey, RecordKind, StoreError};
use oxigraph::model::{NamedOrBlankNode, Quad, Term};
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

/// Why a response could not be made (the store failed: not a protocol error).
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
}

/// The metadata formats served: (prefix, schema, namespace).
const FORMATS: &[(&str, &str, &str)] = &[(
    "oai_dc",
    "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
    "http://www.openarchives.org/OAI/2.0/oai_dc/",
)];

/// The data provider.
#[derive(Clone)]
pub struct Provider {
    public: PublicView,
    config: OaiConfig,
    signer: Signer,
}

impl Provider {
    /// A provider over `public`; the key that signs resumption tokens is
    /// `DIR/oai-token.key` (made on first use, owner-only), so tokens stay
    /// valid across restarts.
    pub fn new(public: PublicView, config: OaiConfig) -> Result<Provider, ProviderError> {
        let key = token_key(&public.dir().join("oai-token.key"))?;
        Ok(Provider {
            public,
            config,
            signer: Signer::new(key),
        })
    }

    /// The response to a request (its arguments in order), as an OAI-PMH
    /// document; protocol errors are in the document, as the protocol says.
    pub fn respond(
        &self,
        pairs: &[(String, String)],
        base_url: &str,
    ) -> Result<Vec<u8>, ProviderError> {
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
        let result = match parsed {
            Ok(request) => {
                let mut body = Xml::new();
                match self.answer(&request, base_url, &mut body)? {
                    Ok(()) => {
                        x.raw(body.into_bytes());
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            x.text_element("error", &[("code", e.code.as_str())], &e.message);
        }
        x.close("OAI-PMH");
        Ok(x.into_bytes())
    }

    fn answer(
        &self,
        request: &Request,
        base_url: &str,
        x: &mut Xml,
    ) -> Result<Result<(), OaiError>, ProviderError> {
        let done = match request {
            Request::Identify => self.identify(base_url, x),
            Request::ListMetadataFormats { identifier } => self.formats(identifier.as_deref(), x),
            Request::ListSets { token } => self.sets(token.as_deref(), x),
            Request::GetRecord { identifier, prefix } => self.get_record(identifier, prefix, x),
            Request::ListIdentifiers(list) => self.list(list, false, x),
            Request::ListRecords(list) => self.list(list, true, x),
        };
        // A protocol error is an answer; the store's failure is not.
        match done {
            Ok(()) => Ok(Ok(())),
            Err(Failure::Protocol(e)) => Ok(Err(e)),
            Err(Failure::Store(e)) => Err(e),
        }
    }

    fn identify(&self, base_url: &str, x: &mut Xml) -> Result<(), Failure> {
        let earliest = self
            .public
            .registry()?
            .earliest_datestamp()?
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
                "oai:{}:dmp:21ek0109555h0001",
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
            if self.public.record(&key)?.is_none() {
                return Err(no_such_item(id));
            }
        }
        x.open("ListMetadataFormats", &[]);
        for (prefix, schema, namespace) in FORMATS {
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
        let sets = self.public.registry()?.sets()?;
        let sets: Vec<String> = sets
            .into_iter()
            .filter(|s| s == "dmp" || s.starts_with("dmp:"))
            .collect();
        if sets.is_empty() {
            return Err(Failure::Protocol(OaiError::new(
                ErrorCode::NoSetHierarchy,
                "the repository holds no records yet, so no sets",
            )));
        }
        x.open("ListSets", &[]);
        for spec in sets {
            x.open("set", &[]);
            x.text_element("setSpec", &[], &spec);
            x.text_element("setName", &[], set_name(&spec));
            x.close("set");
        }
        x.close("ListSets");
        Ok(())
    }

    fn get_record(&self, identifier: &str, prefix: &str, x: &mut Xml) -> Result<(), Failure> {
        let key = self.key_of(identifier)?;
        let snapshot = self.public.snapshot()?;
        let Some((entry, quads)) = snapshot.record(&key)? else {
            return Err(no_such_item(identifier));
        };
        format_of(prefix)?;
        x.open("GetRecord", &[]);
        self.record(&entry, &quads, x);
        x.close("GetRecord");
        Ok(())
    }

    fn list(&self, list: &List, records: bool, x: &mut Xml) -> Result<(), Failure> {
        let verb = if records {
            "ListRecords"
        } else {
            "ListIdentifiers"
        };
        let state = match list {
            List::Start(args) => {
                format_of(&args.prefix)?;
                TokenState {
                    verb: verb.into(),
                    prefix: args.prefix.clone(),
                    set: args.set.clone(),
                    from: args.from.map(|b| (b.at.timestamp(), b.day)),
                    until: args.until.map(|b| (b.at.timestamp(), b.day)),
                    after: (i64::MIN, String::new()),
                    cursor: 0,
                }
            }
            List::Resume(token) => self.signer.check(token, verb)?,
        };
        let at = |s: i64| Utc.timestamp_opt(s, 0).single().unwrap_or_default();
        let listing = Listing {
            set: Some(state.set.clone().unwrap_or_else(|| "dmp".into())),
            from: state.from.map(|(s, _)| Bound::Included(at(s))),
            until: state.until.map(|(s, _)| Bound::Included(at(s))),
            after: (state.after.0 != i64::MIN).then(|| Cursor {
                datestamp: at(state.after.0),
                key: state.after.1.clone(),
            }),
            limit: self.config.page_size.max(1),
        };
        let snapshot = self.public.snapshot()?;
        let page = snapshot.registry.list(&listing)?;
        if page.entries.is_empty() {
            // Also a resumed list whose remaining records have all moved past
            // `until` since (a record only ever moves later): a list element
            // with no record is not valid OAI-PMH.
            return Err(Failure::Protocol(OaiError::new(
                ErrorCode::NoRecordsMatch,
                "no record matches these arguments",
            )));
        }
        x.open(verb, &[]);
        for entry in &page.entries {
            if records {
                let quads = if entry.is_deleted() {
                    Vec::new()
                } else {
                    snapshot.graph(&entry.graph)?
                };
                self.record(entry, &quads, x);
            } else {
                self.header(entry, x);
            }
        }
        let cursor = state.cursor.to_string();
        match page.next {
            Some(next) => {
                let next_state = TokenState {
                    after: (next.datestamp.timestamp(), next.key),
                    cursor: state.cursor + page.entries.len() as u64,
                    ..state.clone()
                };
                x.text_element(
                    "resumptionToken",
                    &[("cursor", &cursor)],
                    &self.signer.issue(&next_state),
                );
            }
            // The last page of a resumed list ends with an empty token.
            None if matches!(list, List::Resume(_)) => {
                x.text_element("resumptionToken", &[("cursor", &cursor)], "");
            }
            None => {}
        }
        x.close(verb);
        Ok(())
    }

    fn header(&self, entry: &RecordEntry, x: &mut Xml) {
        let attrs: &[(&str, &str)] = if entry.is_deleted() {
            &[("status", "deleted")]
        } else {
            &[]
        };
        x.open("header", attrs);
        x.text_element("identifier", &[], &self.identifier(&entry.key));
        x.text_element("datestamp", &[], &stamp(entry.datestamp));
        for set in &entry.sets {
            x.text_element("setSpec", &[], set);
        }
        x.close("header");
    }

    fn record(&self, entry: &RecordEntry, quads: &[Quad], x: &mut Xml) {
        x.open("record", &[]);
        self.header(entry, x);
        if !entry.is_deleted() {
            x.open("metadata", &[]);
            oai_dc(&entry.graph, quads, x);
            x.close("metadata");
        }
        x.close("record");
    }

    fn identifier(&self, key: &RecordKey) -> String {
        format!("oai:{}:{key}", self.config.repository_identifier)
    }

    /// The record an item identifier names: `oai:{repo}:{kind}:{id}`, plans only.
    fn key_of(&self, identifier: &str) -> Result<RecordKey, Failure> {
        let prefix = format!("oai:{}:", self.config.repository_identifier);
        identifier
            .strip_prefix(&prefix)
            .and_then(|rest| rest.parse::<RecordKey>().ok())
            .filter(|k| k.kind == RecordKind::Dmp)
            .ok_or_else(|| no_such_item(identifier))
    }
}

/// A failure while answering: a protocol error, or the store's.
enum Failure {
    Protocol(OaiError),
    Store(ProviderError),
}

impl From<OaiError> for Failure {
    fn from(e: OaiError) -> Failure {
        Failure::Protocol(e)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure::Store(ProviderError::Store(e))
    }
}

fn no_such_item(identifier: &str) -> Failure {
    Failure::Protocol(OaiError::new(
        ErrorCode::IdDoesNotExist,
        format!("no item '{identifier}' in this repository"),
    ))
}

fn format_of(prefix: &str) -> Result<(), Failure> {
    if FORMATS.iter().any(|(p, _, _)| *p == prefix) {
        Ok(())
    } else {
        Err(Failure::Protocol(OaiError::new(
            ErrorCode::CannotDisseminateFormat,
            format!("metadataPrefix '{prefix}' is not served (served: oai_dc)"),
        )))
    }
}

fn set_name(spec: &str) -> &'static str {
    match spec {
        "dmp" => "データマネジメント計画 / Data management plans",
        "dmp:amed" => "AMED様式のデータマネジメント計画 / Data management plans on AMED's form",
        "dmp:madmp" => "maDMP JSONで受け取ったデータマネジメント計画 / Data management plans received as maDMP JSON",
        _ => "データマネジメント計画の集合 / A set of data management plans",
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

const DCTERMS: &str = "http://purl.org/dc/terms/";
const FOAF_NAME: &str = "http://xmlns.com/foaf/0.1/name";
const DMPG: &str = "https://w3id.org/dmpgraph/ns#";

/// A plan's public graph as Dublin Core (`oai_dc`).
fn oai_dc(graph: &str, quads: &[Quad], x: &mut Xml) {
    let of = |node: &str, predicate: &str| -> Vec<(String, Option<String>)> {
        let subject = format!("{graph}#{node}");
        let mut out: Vec<(String, Option<String>)> = quads
            .iter()
            .filter(|q| {
                matches!(&q.subject, NamedOrBlankNode::NamedNode(n) if n.as_str() == subject)
                    && q.predicate.as_str() == predicate
            })
            .filter_map(|q| match &q.object {
                Term::Literal(l) => Some((l.value().to_string(), l.language().map(str::to_owned))),
                Term::NamedNode(n) => Some((n.as_str().to_string(), None)),
                _ => None,
            })
            .collect();
        out.sort();
        out
    };
    x.open(
        "oai_dc:dc",
        &[
            ("xmlns:oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc/"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            (
                "xsi:schemaLocation",
                "http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
            ),
        ],
    );
    let element = |x: &mut Xml, name: &str, values: Vec<(String, Option<String>)>| {
        for (value, lang) in values {
            match &lang {
                Some(l) => x.text_element(name, &[("xml:lang", l)], &value),
                None => x.text_element(name, &[], &value),
            }
        }
    };
    let title = of("dmp", &format!("{DCTERMS}title"));
    let title = if title.is_empty() {
        of("project", &format!("{DCTERMS}title"))
    } else {
        title
    };
    element(x, "dc:title", title);
    element(x, "dc:creator", of("pi", FOAF_NAME));
    element(
        x,
        "dc:subject",
        of("project", &format!("{DMPG}fundingProgramme")),
    );
    element(
        x,
        "dc:subject",
        of("project", &format!("{DMPG}projectName")),
    );
    element(
        x,
        "dc:description",
        of("dmp", &format!("{DCTERMS}description")),
    );
    let mut dates = of("dmp", &format!("{DCTERMS}modified"));
    if dates.is_empty() {
        dates = of("dmp", &format!("{DCTERMS}created"));
    }
    element(x, "dc:date", dates);
    x.text_element("dc:type", &[], "data management plan");
    x.text_element("dc:type", &[], "http://purl.org/coar/resource_type/c_ab20");
    x.text_element("dc:identifier", &[], graph);
    x.close("oai_dc:dc");
}

#[cfg(test)]
mod tests {
    #[test]
    fn set_names_are_bilingual() {
        assert!(super::set_name("dmp:amed").contains(" / "));
    }
}
