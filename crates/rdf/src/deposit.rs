//! A harvested deposit as RDF: one DCAT model for every source
//! (`mappings/deposit.toml` holds the crosswalks), in the deposit's own
//! record graph, with the provenance of the response it came from.
//!
//! The record graph `{base}deposit/{id}` describes the deposit
//! `{graph}#dataset` (a `dcat:Dataset`, or a `dcat:Resource` for a work
//! that is not a dataset) and itself: `prov:wasDerivedFrom` the URL
//! asked, `prov:generatedAtTime` when, `dmpg:etag`, `dmpg:contentHash`,
//! `dmpg:harvestedFrom` the source.
//!
//! ```
//! use dmpgraph_model::deposit::{Deposit, LangText, Source};
//! use dmpgraph_model::identity::Identifier;
//! use dmpgraph_rdf::{deposit::{deposit_graph, Provenance}, Base};
//! let base = Base::new("http://localhost:8080/").unwrap();
//! let mut d = Deposit::new(Source::DataCite, Identifier::parse("10.99999/x"));
//! d.titles.push(LangText::new("Cohort data", Some("en")));
//! let p = Provenance { url: "https://api.datacite.org/dois/10.99999/x".into(), retrieved: chrono::Utc::now(), etag: None, content_hash: "abc".into() };
//! let (graph, quads) = deposit_graph(&d, &p, &base);
//! assert_eq!(graph.as_str(), "http://localhost:8080/deposit/doi%3A10.99999%2Fx");
//! assert!(quads.iter().any(|q| q.object.to_string() == "\"Cohort data\"@en"));
//! ```

use crate::{Base, DMPG};
use dmpgraph_model::deposit::{Access, Deposit, DepositDate, LangText};
use dmpgraph_model::identity::{normalize_doi, Accession, Identifier};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The property of a deposit record's graph that holds the deposit as
/// mapped (`rdf:JSON`: the [`Deposit`] as JSON), which the linker reads
/// back through the store's graph–predicate index.
pub const DEPOSIT_DOCUMENT: &str = "https://w3id.org/dmpgraph/ns#depositDocument";

const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";

/// The crosswalks shipped with dmpgraph.
pub const BUILTIN_DEPOSIT_TOML: &str = include_str!("../../../mappings/deposit.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    prefixes: BTreeMap<String, String>,
    dates: BTreeMap<String, String>,
    relations: BTreeMap<String, String>,
    access: BTreeMap<String, String>,
    resource_types: BTreeMap<String, String>,
    accession_pages: BTreeMap<String, String>,
}

/// The crosswalks, with every CURIE expanded.
struct Crosswalks {
    dates: BTreeMap<String, NamedNode>,
    relations: BTreeMap<String, NamedNode>,
    role_base: String,
    access: BTreeMap<String, NamedNode>,
    resource_types: BTreeMap<String, NamedNode>,
    accession_pages: BTreeMap<String, String>,
}

static CROSSWALKS: LazyLock<Crosswalks> = LazyLock::new(|| {
    crosswalks(BUILTIN_DEPOSIT_TOML).expect("mappings/deposit.toml is valid (tested)")
});

fn crosswalks(text: &str) -> Result<Crosswalks, String> {
    let mut t: Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let expand = |curie: &str| -> Result<NamedNode, String> {
        let iri = match curie.split_once(':') {
            Some((p, local)) if t.prefixes.contains_key(p) => format!("{}{local}", t.prefixes[p]),
            _ => curie.to_string(),
        };
        NamedNode::new(iri).map_err(|e| format!("'{curie}': {e}"))
    };
    let all = |m: &BTreeMap<String, String>| -> Result<BTreeMap<String, NamedNode>, String> {
        m.iter().map(|(k, v)| Ok((k.clone(), expand(v)?))).collect()
    };
    let role_base = t
        .relations
        .remove("role_base")
        .ok_or("[relations] role_base is missing")?;
    Ok(Crosswalks {
        dates: all(&t.dates)?,
        relations: all(&t.relations)?,
        role_base,
        access: all(&t.access)?,
        resource_types: all(&t.resource_types)?,
        accession_pages: t.accession_pages.clone(),
    })
}

/// Where a deposit's record came from.
#[derive(Debug, Clone)]
pub struct Provenance {
    /// The URL asked.
    pub url: String,
    /// When the content was first received.
    pub retrieved: chrono::DateTime<chrono::Utc>,
    /// The response's `ETag`.
    pub etag: Option<String>,
    /// The hash of the record's own JSON.
    pub content_hash: String,
}

const DCTERMS: &str = "http://purl.org/dc/terms/";
const DCAT: &str = "http://www.w3.org/ns/dcat#";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const PROV: &str = "http://www.w3.org/ns/prov#";
const DCSO: &str = "https://w3id.org/dcso/ns/core#";
const ORG: &str = "http://www.w3.org/ns/org#";
const VCARD: &str = "http://www.w3.org/2006/vcard/ns#";
const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";

fn iri(ns: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ns}{local}"))
}

/// The record id of a deposit (`doi:10.…`, `jga:JGAD000001`).
pub fn deposit_id(d: &Deposit) -> String {
    d.id.to_string()
}

/// The web IRI of an identifier: a DOI's resolver URL, an accession's
/// archive page, a URL itself; `None` for other text.
pub fn identifier_iri(text: &str, entry_type: Option<&str>) -> Option<NamedNode> {
    if let Some(doi) = normalize_doi(text) {
        return NamedNode::new(format!("https://doi.org/{}", doi_path(&doi))).ok();
    }
    if let Some(a) = Accession::parse(text) {
        return accession_iri(&a, entry_type);
    }
    let t = text.trim();
    if t.starts_with("http://") || t.starts_with("https://") {
        return NamedNode::new(t).ok();
    }
    None
}

/// A DOI name as an IRI path (what an IRI may not hold, escaped).
fn doi_path(doi: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'<')
        .add(b'>')
        .add(b'\\')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}')
        .add(b'#')
        .add(b'%');
    percent_encoding::utf8_percent_encode(doi, KEEP).to_string()
}

/// A deposit's access as an access right (EU authority table), per
/// `mappings/deposit.toml`.
pub fn access_right(a: Access) -> Option<NamedNode> {
    let key = match a {
        Access::Open => "open",
        Access::Restricted => "restricted",
        Access::Embargoed => "embargoed",
        Access::Closed => "closed",
    };
    CROSSWALKS.access.get(key).cloned()
}

/// The access an access right stands for, per `mappings/deposit.toml`
/// (the inverse of [`access_right`]; of the accesses that share one right,
/// the most closed: `NON_PUBLIC` is `Closed`).
pub fn access_of_right(iri: &str) -> Option<Access> {
    [
        Access::Open,
        Access::Restricted,
        Access::Closed,
        Access::Embargoed,
    ]
    .into_iter()
    .find(|a| access_right(*a).is_some_and(|r| r.as_str() == iri))
}

fn accession_iri(a: &Accession, entry_type: Option<&str>) -> Option<NamedNode> {
    let pattern = CROSSWALKS.accession_pages.get(a.archive.as_str())?;
    let t = entry_type
        .map(str::to_string)
        .unwrap_or_else(|| default_entry_type(a).to_string());
    NamedNode::new(pattern.replace("{type}", &t).replace("{id}", &a.number)).ok()
}

/// The DDBJ entry type of an accession by its prefix.
fn default_entry_type(a: &Accession) -> &'static str {
    let n = a.number.as_str();
    match &n[..n.len().min(4)] {
        "JGAS" => "jga-study",
        "JGAD" => "jga-dataset",
        "JGAC" => "jga-dac",
        "JGAP" => "jga-policy",
        _ => match &n[..n.len().min(3)] {
            "DRA" => "sra-submission",
            "DRP" => "sra-study",
            "DRX" => "sra-experiment",
            "DRR" => "sra-run",
            "DRS" => "sra-sample",
            "DRZ" => "sra-analysis",
            _ => "",
        },
    }
}

/// A source's date as a typed literal: a year, a year and month or a day as
/// written (`xsd:gYear`, `xsd:gYearMonth`, `xsd:date`), and a date-time
/// (DDBJ's `2022-05-20T04:02:21Z`) as the day it writes (`xsd:date`), so
/// that the dates of every source compare in SPARQL (an `xsd:date` and an
/// `xsd:dateTime` do not); the time itself stays in the deposit's document.
/// Anything else is a plain literal, as written.
fn date_literal(value: &str) -> Literal {
    let v = value.trim();
    let b = v.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    let is_day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok();
    let is_date_time = |t: &str| {
        let t = t.replacen(' ', "T", 1);
        chrono::DateTime::parse_from_rfc3339(&t).is_ok()
            || chrono::NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
    };
    let (text, typed) = if v.len() == 4 && digits(0..4) {
        (v, Some(xsd::G_YEAR))
    } else if v.len() == 7 && digits(0..4) && b[4] == b'-' && digits(5..7) {
        (v, Some(xsd::G_YEAR_MONTH))
    } else if v.len() == 10 && is_day(v) {
        (v, Some(xsd::DATE))
    } else if v.len() > 10 && is_day(&v[..10]) && is_date_time(v) {
        (&v[..10], Some(xsd::DATE))
    } else {
        (v, None)
    };
    match typed {
        Some(t) => Literal::new_typed_literal(text, t),
        None => Literal::new_simple_literal(text),
    }
}

fn text(t: &LangText) -> Literal {
    match t.lang.as_deref() {
        Some(l) => Literal::new_language_tagged_literal(&t.text, l)
            .unwrap_or_else(|_| Literal::new_simple_literal(&t.text)),
        None => Literal::new_simple_literal(&t.text),
    }
}

/// The record graph of a deposit: its name and its quads.
pub fn deposit_graph(d: &Deposit, p: &Provenance, base: &Base) -> (NamedNode, Vec<Quad>) {
    let graph = base.deposit_iri(&deposit_id(d));
    let g = GraphName::NamedNode(graph.clone());
    let node = |frag: &str| NamedNode::new_unchecked(format!("{}#{frag}", graph.as_str()));
    let ds = node("dataset");
    let mut quads = Vec::new();
    let mut add = |s: &NamedNode, p: NamedNode, o: Term| {
        quads.push(Quad::new(s.clone(), p, o, g.clone()));
    };
    let cw = &*CROSSWALKS;
    let general = d.resource_type_general.as_deref();
    let is_dataset = matches!(general, None | Some("Dataset"))
        || d.source == dmpgraph_model::deposit::Source::Ddbj;
    add(
        &ds,
        rdf::TYPE.into(),
        iri(DCAT, if is_dataset { "Dataset" } else { "Resource" }).into(),
    );
    // The record graph itself: what it describes, and where it came from.
    add(&graph, rdf::TYPE.into(), iri(PROV, "Entity").into());
    add(&graph, iri(FOAF, "primaryTopic"), ds.clone().into());
    add(
        &graph,
        iri(DMPG, "harvestedFrom"),
        Literal::new_simple_literal(d.source.as_str()).into(),
    );
    if let Ok(u) = NamedNode::new(&p.url) {
        add(&graph, iri(PROV, "wasDerivedFrom"), u.into());
    }
    add(
        &graph,
        iri(PROV, "generatedAtTime"),
        Literal::new_typed_literal(
            p.retrieved
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            xsd::DATE_TIME,
        )
        .into(),
    );
    if let Some(e) = &p.etag {
        add(
            &graph,
            iri(DMPG, "etag"),
            Literal::new_simple_literal(e).into(),
        );
    }
    add(
        &graph,
        iri(DMPG, "contentHash"),
        Literal::new_simple_literal(format!("sha256:{}", p.content_hash)).into(),
    );
    // The deposit as mapped, for the linker (which reads deposits back
    // without inverting this mapping); public, as the rest.
    if let Ok(json) = serde_json::to_string(d) {
        add(
            &graph,
            NamedNode::new_unchecked(DEPOSIT_DOCUMENT),
            Literal::new_typed_literal(json, NamedNode::new_unchecked(RDF_JSON)).into(),
        );
    }

    // Identifiers: the record's own (bare DOI or accession), then the others.
    let own = match &d.id {
        Identifier::Doi(x) => x.clone(),
        Identifier::Accession(a) => a.number.clone(),
        Identifier::Other(o) => o.clone(),
    };
    add(
        &ds,
        iri(DCTERMS, "identifier"),
        Literal::new_simple_literal(&own).into(),
    );
    if let Some(page) = identifier_iri(&own, Some(d.entry_type.as_str()).filter(|t| !t.is_empty()))
    {
        add(&ds, iri(FOAF, "page"), page.into());
    }
    for a in &d.alternate_ids {
        add(
            &ds,
            iri(DCTERMS, "identifier"),
            Literal::new_simple_literal(a).into(),
        );
    }
    if !d.entry_type.is_empty() {
        add(
            &ds,
            iri(DMPG, "entryType"),
            Literal::new_simple_literal(&d.entry_type).into(),
        );
    }
    for t in &d.titles {
        add(&ds, iri(DCTERMS, "title"), text(t).into());
    }
    for t in &d.descriptions {
        add(&ds, iri(DCTERMS, "description"), text(t).into());
    }
    for (i, c) in d.creators.iter().enumerate() {
        let n = node(&format!("creator-{}", i + 1));
        add(&ds, iri(DCTERMS, "creator"), n.clone().into());
        add(
            &n,
            rdf::TYPE.into(),
            iri(
                FOAF,
                if c.organisation {
                    "Organization"
                } else {
                    "Person"
                },
            )
            .into(),
        );
        add(
            &n,
            iri(FOAF, "name"),
            Literal::new_simple_literal(&c.name).into(),
        );
        for o in &c.other_names {
            add(&n, iri(FOAF, "name"), text(o).into());
        }
        if let Some(g) = &c.given_name {
            add(
                &n,
                iri(FOAF, "givenName"),
                Literal::new_simple_literal(g).into(),
            );
        }
        if let Some(f) = &c.family_name {
            add(
                &n,
                iri(FOAF, "familyName"),
                Literal::new_simple_literal(f).into(),
            );
        }
        if let Some(o) = &c.orcid {
            add(
                &n,
                iri(DCTERMS, "identifier"),
                Literal::new_simple_literal(o).into(),
            );
            if let Ok(o) = NamedNode::new(o) {
                add(&n, iri(RDFS, "seeAlso"), o.into());
            }
        }
        for (j, a) in c.affiliations.iter().enumerate() {
            let an = node(&format!("creator-{}-affiliation-{}", i + 1, j + 1));
            add(&n, iri(ORG, "memberOf"), an.clone().into());
            add(
                &n,
                iri(VCARD, "organization-name"),
                Literal::new_simple_literal(&a.name).into(),
            );
            add(&an, rdf::TYPE.into(), iri(FOAF, "Organization").into());
            add(
                &an,
                iri(FOAF, "name"),
                Literal::new_simple_literal(&a.name).into(),
            );
            if let Some(r) = &a.ror {
                add(
                    &an,
                    iri(DCTERMS, "identifier"),
                    Literal::new_simple_literal(r).into(),
                );
            }
        }
    }
    if let Some(pb) = &d.publisher {
        let n = node("publisher");
        add(&ds, iri(DCTERMS, "publisher"), n.clone().into());
        add(&n, rdf::TYPE.into(), iri(FOAF, "Agent").into());
        add(
            &n,
            iri(FOAF, "name"),
            Literal::new_simple_literal(pb).into(),
        );
    }
    let mut issued = false;
    for DepositDate { kind, value } in &d.dates {
        let p = cw
            .dates
            .get(kind)
            .cloned()
            .unwrap_or_else(|| iri(DCTERMS, "date"));
        issued |= p.as_str() == format!("{DCTERMS}issued");
        add(&ds, p, date_literal(value).into());
    }
    if let (false, Some(y)) = (issued, d.publication_year) {
        add(
            &ds,
            iri(DCTERMS, "issued"),
            Literal::new_typed_literal(format!("{y:04}"), xsd::G_YEAR).into(),
        );
    }
    if let Some(g) = general {
        if let Some(t) = cw.resource_types.get(g) {
            add(&ds, iri(DCTERMS, "type"), t.clone().into());
        }
        add(
            &ds,
            iri(DMPG, "resourceTypeGeneral"),
            Literal::new_simple_literal(g).into(),
        );
    }
    if let Some(t) = &d.resource_type {
        add(
            &ds,
            iri(DMPG, "resourceType"),
            Literal::new_simple_literal(t).into(),
        );
    }
    if let Some(r) = d.access.and_then(access_right) {
        add(&ds, iri(DCTERMS, "accessRights"), r.into());
    }
    for l in &d.licences {
        match NamedNode::new(l.trim()) {
            Ok(u) if l.contains("://") => add(&ds, iri(DCTERMS, "license"), u.into()),
            _ => add(
                &ds,
                iri(DCTERMS, "rights"),
                Literal::new_simple_literal(l).into(),
            ),
        }
    }
    for (i, f) in d.funding.iter().enumerate() {
        let n = node(&format!("funding-{}", i + 1));
        add(&ds, iri(DCSO, "hasFunding"), n.clone().into());
        add(&n, rdf::TYPE.into(), iri(DCSO, "Funding").into());
        if let Some(name) = &f.funder_name {
            add(
                &n,
                iri(DMPG, "funderName"),
                Literal::new_simple_literal(name).into(),
            );
        }
        if let Some(id) = &f.funder_id {
            let fid = node(&format!("funding-{}-funder-id", i + 1));
            add(&n, iri(DCSO, "hasFunderId"), fid.clone().into());
            add(&fid, rdf::TYPE.into(), iri(DCSO, "FunderId").into());
            add(
                &fid,
                iri(DCSO, "identifier"),
                Literal::new_simple_literal(id).into(),
            );
            if let Some(t) = &f.funder_id_type {
                add(
                    &fid,
                    iri(DCSO, "identifierType"),
                    Literal::new_simple_literal(t).into(),
                );
            }
        }
        if f.award_number.is_some() || f.award_title.is_some() {
            let gid = node(&format!("funding-{}-grant-id", i + 1));
            add(&n, iri(DCSO, "hasGrantId"), gid.clone().into());
            add(&gid, rdf::TYPE.into(), iri(DCSO, "GrantId").into());
            if let Some(a) = &f.award_number {
                add(
                    &gid,
                    iri(DCSO, "identifier"),
                    Literal::new_simple_literal(a).into(),
                );
            }
            if let Some(a) = &f.award_normalised {
                add(
                    &gid,
                    iri(DMPG, "awardNumber"),
                    Literal::new_simple_literal(a).into(),
                );
            }
            if let Some(t) = &f.award_title {
                add(
                    &gid,
                    iri(DCTERMS, "title"),
                    Literal::new_simple_literal(t).into(),
                );
            }
            if let Some(u) = f.award_uri.as_deref().and_then(|u| NamedNode::new(u).ok()) {
                add(&gid, iri(FOAF, "page"), u.into());
            }
        }
    }
    for (i, r) in d.related.iter().enumerate() {
        let target = identifier_iri(&r.identifier, None);
        let n = node(&format!("relation-{}", i + 1));
        add(&ds, iri(DCAT, "qualifiedRelation"), n.clone().into());
        add(&n, rdf::TYPE.into(), iri(DCAT, "Relationship").into());
        if let Ok(role) = NamedNode::new(format!("{}{}", cw.role_base, lower_first(&r.relation))) {
            add(&n, iri(DCAT, "hadRole"), role.into());
        }
        add(
            &n,
            iri(DMPG, "relationType"),
            Literal::new_simple_literal(&r.relation).into(),
        );
        add(
            &n,
            iri(DCTERMS, "identifier"),
            Literal::new_simple_literal(&r.identifier).into(),
        );
        add(
            &n,
            iri(DMPG, "identifierScheme"),
            Literal::new_simple_literal(&r.scheme).into(),
        );
        if let Some(t) = &target {
            add(&n, iri(DCTERMS, "relation"), t.clone().into());
            if let Some(p) = cw.relations.get(&r.relation) {
                add(&ds, p.clone(), t.clone().into());
            }
        }
    }
    if let Some(u) = d.url.as_deref().and_then(|u| NamedNode::new(u.trim()).ok()) {
        add(&ds, iri(DCAT, "landingPage"), u.into());
    }
    for s in &d.subjects {
        add(&ds, iri(DCAT, "keyword"), text(s).into());
    }
    for f in &d.formats {
        add(
            &ds,
            iri(DCTERMS, "format"),
            Literal::new_simple_literal(f).into(),
        );
    }
    for s in &d.sizes {
        add(
            &ds,
            iri(DCTERMS, "extent"),
            Literal::new_simple_literal(s).into(),
        );
    }
    if let Some(v) = &d.version {
        add(
            &ds,
            iri(DCAT, "version"),
            Literal::new_simple_literal(v).into(),
        );
    }
    if let Some(o) = &d.organism {
        add(
            &ds,
            iri(DMPG, "organism"),
            Literal::new_simple_literal(o).into(),
        );
    }
    (graph, quads)
}

/// `IsSupplementTo` → `isSupplementTo` (the DataCite ontology's spelling).
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dmpgraph_model::deposit::{Creator, Funding, Related, Source};

    #[test]
    fn every_sources_dates_are_typed_so_that_they_compare() {
        let typed = |v: &str| {
            let l = date_literal(v);
            (l.value().to_string(), l.datatype().as_str().to_string())
        };
        let date = xsd::DATE.as_str().to_string();
        // DataCite's day, DDBJ's and JaLC's date-times: one type, the day
        // as written.
        assert_eq!(typed("2024-01-15"), ("2024-01-15".into(), date.clone()));
        assert_eq!(
            typed("2022-05-20T04:02:21Z"),
            ("2022-05-20".into(), date.clone())
        );
        assert_eq!(
            typed("2020-09-28T02:15:20+09:00"),
            ("2020-09-28".into(), date.clone())
        );
        assert_eq!(
            typed("2014-07-02 22:19:07"),
            ("2014-07-02".into(), date.clone())
        );
        assert_eq!(
            typed("2021-09-01T00:00:00.000"),
            ("2021-09-01".into(), date)
        );
        // Less than a day is kept as precise as it is.
        assert_eq!(typed("2021").1, xsd::G_YEAR.as_str());
        assert_eq!(typed("2021-09").1, xsd::G_YEAR_MONTH.as_str());
        // Not a date: as written.
        assert_eq!(typed("2021-02-30T00:00:00Z").1, xsd::STRING.as_str());
        assert_eq!(typed("spring 2021").1, xsd::STRING.as_str());
    }

    #[test]
    fn the_crosswalks_load_and_every_curie_expands() {
        let c = crosswalks(BUILTIN_DEPOSIT_TOML).unwrap();
        assert_eq!(
            c.dates["Issued"].as_str(),
            "http://purl.org/dc/terms/issued"
        );
        assert_eq!(
            c.relations["IsIdenticalTo"].as_str(),
            "http://www.w3.org/2002/07/owl#sameAs"
        );
        assert!(c.relations.values().all(|v| v.as_str().starts_with("http")));
    }

    #[test]
    fn an_access_right_reads_back_as_its_access() {
        for a in [Access::Open, Access::Restricted, Access::Closed] {
            assert_eq!(access_of_right(access_right(a).unwrap().as_str()), Some(a));
        }
        // Embargoed and closed share NON_PUBLIC: it reads back as closed.
        let embargoed = access_right(Access::Embargoed).unwrap();
        assert_eq!(access_of_right(embargoed.as_str()), Some(Access::Closed));
        assert_eq!(access_of_right("http://example.org/other"), None);
    }

    #[test]
    fn a_deposit_is_one_dcat_graph_with_its_provenance() {
        let base = Base::new("http://localhost:8080/").unwrap();
        let mut d = Deposit::new(
            Source::DataCite,
            Identifier::parse("10.99999/example.dataset.1"),
        );
        d.titles
            .push(LangText::new("難治性疾患コホート", Some("ja")));
        d.creators.push(Creator {
            name: "Yamada, Hanako".into(),
            orcid: Some("https://orcid.org/0000-0002-1825-0097".into()),
            ..Creator::default()
        });
        d.funding.push(Funding {
            funder_name: Some("Japan Agency for Medical Research and Development".into()),
            award_number: Some("ＪＰ２３ｅｋ０１０９５５５".into()),
            award_normalised: Some("JP23ek0109555".into()),
            ..Funding::default()
        });
        d.related.push(Related {
            identifier: "10.99999/example.article.7".into(),
            scheme: "DOI".into(),
            relation: "IsSupplementTo".into(),
        });
        d.related.push(Related {
            identifier: "JGAS000001".into(),
            scheme: "JGA".into(),
            relation: "IsPartOf".into(),
        });
        d.dates.push(DepositDate {
            kind: "Issued".into(),
            value: "2024-03-31".into(),
        });
        d.dates.push(DepositDate {
            kind: "Available".into(),
            value: "2024-03-31/2026-03-31".into(),
        });
        d.access = Some(Access::Restricted);
        let p = Provenance {
            url: "http://127.0.0.1:1/datacite/dois/10.99999/example.dataset.1".into(),
            retrieved: "2026-12-01T00:00:00Z".parse().unwrap(),
            etag: Some("\"e1\"".into()),
            content_hash: "00ff".into(),
        };
        let (g, quads) = deposit_graph(&d, &p, &base);
        let nt: String = quads.iter().map(|q| format!("{q} .\n")).collect();
        for want in [
            "<http://www.w3.org/ns/dcat#Dataset>",
            "\"難治性疾患コホート\"@ja",
            "\"https://orcid.org/0000-0002-1825-0097\"",
            "\"JP23ek0109555\"",
            "\"ＪＰ２３ｅｋ０１０９５５５\"",
            "<http://purl.org/spar/datacite/isSupplementTo>",
            "<http://purl.org/dc/terms/isPartOf> <https://ddbj.nig.ac.jp/search/entry/jga-study/JGAS000001>",
            "\"2024-03-31\"^^<http://www.w3.org/2001/XMLSchema#date>",
            "\"2024-03-31/2026-03-31\"",
            "<http://publications.europa.eu/resource/authority/access-right/RESTRICTED>",
            "<http://www.w3.org/ns/prov#wasDerivedFrom> <http://127.0.0.1:1/datacite/dois/10.99999/example.dataset.1>",
            "\"sha256:00ff\"",
        ] {
            assert!(nt.contains(want), "{want} missing from\n{nt}");
        }
        assert!(quads
            .iter()
            .all(|q| q.graph_name == GraphName::NamedNode(g.clone())));
        // The same deposit and provenance: the same graph.
        assert_eq!(deposit_graph(&d, &p, &base).1, quads);
    }
}
