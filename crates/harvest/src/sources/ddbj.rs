//! The DDBJ Search API: JGA, DRA (SRA), BioProject and BioSample entries
//! (`/entries/{type}/{id}.json`) and searches by grant title.
//!
//! Entries are read in the current API's shape (`JgaDetailResponse`,
//! `SraDetailResponse`, BioProject and BioSample details: `grant[]`,
//! `publication[]`, `accessibility`) and in the older release's
//! (`visibility`, grants, publications, secondary ids and the NBDC number
//! only under `properties`). A search page's items are the lighter
//! `EntryListItem`, mapped with the same function.

use super::{guess_lang, names_funder, names_funder_text, Item, Next, Page, ParseError};
use dmpgraph_model::award;
use dmpgraph_model::deposit::{
    Access, Creator, Deposit, DepositDate, Funding, LangText, Related, Source,
};
use dmpgraph_model::identity::{normalize_doi, Accession, Archive, Identifier};
use dmpgraph_model::Funder;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{Map, Value};

/// Records a search reaches by page number (`page × perPage ≤ 10,000`);
/// beyond, DDBJ pages by cursor.
pub const DEEP_PAGING_LIMIT: u32 = 10_000;

/// The largest page the API serves (`perPage` is 1–100).
const MAX_PER_PAGE: u32 = 100;

/// The DDBJ entry type of an accession (`jga-study`, `sra-run`, …);
/// `None` for an NBDC Human Database id, which is no DDBJ entry.
///
/// JGA samples, experiments, data and analyses (`JGAN`, `JGAX`, `JGAR`,
/// `JGAZ`) are no entries of the API either (its types are
/// `jga-study`, `jga-dataset`, `jga-dac` and `jga-policy`): `None`.
pub fn entry_type(a: &Accession) -> Option<&'static str> {
    match a.archive {
        Archive::Jga => match a.number.get(..4)? {
            "JGAS" => Some("jga-study"),
            "JGAD" => Some("jga-dataset"),
            "JGAC" => Some("jga-dac"),
            "JGAP" => Some("jga-policy"),
            _ => None,
        },
        Archive::Dra => match a.number.get(..3)? {
            "DRA" => Some("sra-submission"),
            "DRP" => Some("sra-study"),
            "DRX" => Some("sra-experiment"),
            "DRR" => Some("sra-run"),
            "DRS" => Some("sra-sample"),
            "DRZ" => Some("sra-analysis"),
            _ => None,
        },
        Archive::BioProject => Some("bioproject"),
        Archive::BioSample => Some("biosample"),
        Archive::NbdcHuman => None,
    }
}

/// What a path segment or a query value keeps literal: unreserved characters.
const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn enc(s: &str) -> percent_encoding::PercentEncode<'_> {
    utf8_percent_encode(s, STRICT)
}

/// The URL of one entry.
pub fn entry_url(base: &str, entry_type: &str, id: &str) -> String {
    format!(
        "{}/entries/{}/{}.json",
        base.trim_end_matches('/'),
        enc(entry_type.trim()),
        enc(id.trim())
    )
}

/// The `grant` filter's value for one title, as a phrase: the API splits
/// a value at commas (OR) and at spaces (AND) outside double quotes, and
/// has no escape inside them (a quote only opens or closes a phrase), so
/// the title's own double quotes become spaces (the analyser drops them
/// anyway) and the whole is quoted.
fn grant_phrase(grant: &str) -> String {
    let inner: String = grant
        .trim()
        .chars()
        .map(|c| {
            if matches!(c, '"' | '\u{201C}' | '\u{201D}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    format!(
        "\"{}\"",
        inner.split_whitespace().collect::<Vec<_>>().join(" ")
    )
}

/// The URL of page `page` (1-based) of entries of `entry_type` whose grant title matches `grant`.
///
/// The title is sent as one phrase (see the API's search semantics: spaces
/// are AND, commas OR, double quotes a phrase); `per_page` is clamped to
/// 1–100 and `page` to at least 1.
pub fn search_url(base: &str, entry_type: &str, grant: &str, per_page: u32, page: u32) -> String {
    format!(
        "{}/entries/{}/?grant={}&perPage={}&page={}",
        base.trim_end_matches('/'),
        enc(entry_type.trim()),
        enc(&grant_phrase(grant)),
        per_page.clamp(1, MAX_PER_PAGE),
        page.max(1)
    )
}

/// The URL of the page at `cursor` of a search of `entry_type`.
///
/// A cursor request takes no search parameters (they are in the cursor);
/// `perPage` may be repeated but need not be, and without it the API
/// serves its default page of 10 ([`cursor_page_url`] repeats it).
pub fn cursor_url(base: &str, entry_type: &str, cursor: &str) -> String {
    format!(
        "{}/entries/{}/?cursor={}",
        base.trim_end_matches('/'),
        enc(entry_type.trim()),
        enc(cursor)
    )
}

/// [`cursor_url`] with the page size repeated (`perPage`, clamped to
/// 1–100), which the API allows with a cursor.
pub fn cursor_page_url(base: &str, entry_type: &str, cursor: &str, per_page: u32) -> String {
    format!(
        "{}&perPage={}",
        cursor_url(base, entry_type, cursor),
        per_page.clamp(1, MAX_PER_PAGE)
    )
}

/// Maps one entry.
pub fn parse_entry(body: &[u8]) -> Result<Item, ParseError> {
    let v = super::json(body)?;
    let o = object(&v, "")?;
    if let Some(e) = problem(o) {
        return Err(e);
    }
    item(&v, "")
}

/// Maps a search page.
pub fn parse_search(body: &[u8]) -> Result<Page, ParseError> {
    let v = super::json(body)?;
    let o = object(&v, "")?;
    if let Some(e) = problem(o) {
        return Err(e);
    }
    let pagination = match o.get("pagination") {
        Some(p @ Value::Object(_)) => object(p, "/pagination")?,
        _ => return Err(ParseError::shape("/pagination", "the pagination object")),
    };
    let items = match o.get("items") {
        Some(Value::Array(a)) => a,
        _ => return Err(ParseError::shape("/items", "an array of entries")),
    };
    let page = uint(pagination, "page", "/pagination")?;
    let per_page = uint(pagination, "perPage", "/pagination")?;
    let total = uint(pagination, "total", "/pagination")?;
    let has_next = match pagination.get("hasNext") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(ParseError::shape("/pagination/hasNext", "a boolean")),
    };
    let cursor = text(pagination, "nextCursor", "/pagination")?;
    let next = if !has_next {
        None
    } else {
        let following = page.and_then(|p| p.checked_add(1));
        let by_page = match (following, per_page) {
            (Some(p), Some(n)) if n > 0 && p.saturating_mul(n) <= u64::from(DEEP_PAGING_LIMIT) => {
                u32::try_from(p).ok().map(Next::Page)
            }
            _ => None,
        };
        by_page.or(cursor.map(Next::Cursor))
    };
    let items = items
        .iter()
        .enumerate()
        .map(|(i, e)| item(e, &format!("/items/{i}")))
        .collect();
    Ok(Page { items, next, total })
}

/// Whether an entry's grants name `funder` (the grant filter matches
/// titles, so a search returns others' grants too).
pub fn grant_names_funder(d: &Deposit, funder: &Funder) -> bool {
    d.funding.iter().any(|f| {
        names_funder(f, funder)
            || f.award_title
                .as_deref()
                .is_some_and(|t| names_funder_text(t, funder))
            || (f.award_normalised.is_some() && f.funder_name.is_none())
    })
}

// ---------------------------------------------------------------------------
// JSON access with pointers

/// A JSON object.
type Obj = Map<String, Value>;

fn child(at: &str, key: &str) -> String {
    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"))
}

fn object<'a>(v: &'a Value, at: &str) -> Result<&'a Obj, ParseError> {
    v.as_object()
        .ok_or_else(|| ParseError::shape(at, "an object"))
}

/// A text value (trimmed; a number as written); `None` when absent, null or blank.
fn text(o: &Obj, key: &str, at: &str) -> Result<Option<String>, ParseError> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(ParseError::shape(child(at, key), "a string")),
    }
}

/// A non-negative integer; `None` when absent or null.
fn uint(o: &Obj, key: &str, at: &str) -> Result<Option<u64>, ParseError> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| ParseError::shape(child(at, key), "a non-negative integer")),
        Some(_) => Err(ParseError::shape(child(at, key), "an integer")),
    }
}

/// The elements of a list (one object standing for a list of one, as the
/// XML-converted `properties` write it), each with its pointer.
fn list<'a>(o: &'a Obj, key: &str, at: &str) -> Result<Vec<(&'a Value, String)>, ParseError> {
    let at = child(at, key);
    match o.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => Ok(a
            .iter()
            .enumerate()
            .map(|(i, e)| (e, format!("{at}/{i}")))
            .collect()),
        Some(v @ Value::Object(_)) => Ok(vec![(v, at)]),
        Some(_) => Err(ParseError::shape(at, "an array")),
    }
}

/// The elements of a typed list (an array, or absent or null), each with its pointer.
fn array<'a>(o: &'a Obj, key: &str, at: &str) -> Result<Vec<(&'a Value, String)>, ParseError> {
    match o.get(key) {
        None | Some(Value::Null) | Some(Value::Array(_)) => list(o, key, at),
        Some(_) => Err(ParseError::shape(child(at, key), "an array")),
    }
}

/// The objects of a typed list, each with its pointer.
fn objects<'a>(o: &'a Obj, key: &str, at: &str) -> Result<Vec<(&'a Obj, String)>, ParseError> {
    array(o, key, at)?
        .into_iter()
        .map(|(v, p)| object(v, &p).map(|o| (o, p)))
        .collect()
}

/// The objects of a list in `properties` (one object standing for a list of one).
fn xml_objects<'a>(o: &'a Obj, key: &str, at: &str) -> Result<Vec<(&'a Obj, String)>, ParseError> {
    list(o, key, at)?
        .into_iter()
        .map(|(v, p)| object(v, &p).map(|o| (o, p)))
        .collect()
}

/// An RFC 7807 problem document (`{type, title, status: 404, detail}`) as
/// a report; `None` for anything else (an entry's `status` is a string).
fn problem(o: &Obj) -> Option<ParseError> {
    if o.contains_key("identifier") || !o.get("status").is_some_and(Value::is_u64) {
        return None;
    }
    let title = o.get("title").and_then(Value::as_str).map(str::trim);
    let detail = o.get("detail").and_then(Value::as_str).map(str::trim);
    if title.is_none() && detail.is_none() {
        return None;
    }
    let status = o.get("status").and_then(Value::as_u64).unwrap_or_default();
    let message = match (title, detail) {
        (Some(t), Some(d)) if !d.is_empty() => format!("{t} ({status}): {d}"),
        (Some(t), _) => format!("{t} ({status})"),
        (None, Some(d)) => format!("{d} ({status})"),
        (None, None) => status.to_string(),
    };
    Some(ParseError::Reported {
        pointer: String::new(),
        message,
    })
}

// ---------------------------------------------------------------------------
// The mapping

fn item(v: &Value, at: &str) -> Result<Item, ParseError> {
    let deposit = entry(object(v, at)?, at)?;
    let raw = serde_json::to_string(v).map_err(ParseError::Json)?;
    Ok(Item { deposit, raw })
}

fn entry(o: &Obj, at: &str) -> Result<Deposit, ParseError> {
    let identifier = text(o, "identifier", at)?
        .ok_or_else(|| ParseError::shape(child(at, "identifier"), "the entry's accession"))?;
    let kind = text(o, "type", at)?
        .ok_or_else(|| ParseError::shape(child(at, "type"), "the entry's type"))?;
    let mut d = Deposit::new(Source::Ddbj, Identifier::parse(&identifier));
    d.entry_type = kind.clone();
    d.resource_type_general = Some("Dataset".into());
    d.resource_type = Some(kind.clone());

    if let Some(t) = text(o, "title", at)? {
        let lang = guess_lang(&t);
        d.titles.push(LangText::new(t, lang));
    }
    if let Some(t) = text(o, "description", at)? {
        let lang = guess_lang(&t);
        d.descriptions.push(LangText::new(t, lang));
    }
    d.organism = match o.get("organism") {
        Some(Value::Object(org)) => text(org, "name", &child(at, "organism"))?,
        Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        None | Some(Value::Null) => None,
        Some(_) => return Err(ParseError::shape(child(at, "organism"), "an object")),
    };
    d.state = text(o, "status", at)?;

    // Access: JGA is controlled access whatever an entry says.
    let jga = kind.starts_with("jga-") || text(o, "isPartOf", at)?.is_some_and(|p| p == "jga");
    let accessibility = match text(o, "accessibility", at)? {
        Some(a) => Some(a),
        None => text(o, "visibility", at)?,
    };
    d.access = if jga {
        Some(Access::Restricted)
    } else {
        match accessibility.as_deref() {
            Some("controlled-access") => Some(Access::Restricted),
            Some("public-access" | "unrestricted-access") => Some(Access::Open),
            _ => None,
        }
    };

    for (key, kind) in [
        ("dateCreated", "Created"),
        ("dateModified", "Updated"),
        ("datePublished", "Issued"),
    ] {
        if let Some(value) = text(o, key, at)? {
            if kind == "Issued" {
                d.publication_year = value.get(..4).and_then(|y| y.parse().ok());
            }
            d.dates.push(DepositDate {
                kind: kind.into(),
                value,
            });
        }
    }

    d.url = Some(match text(o, "url", at)? {
        Some(u) => u,
        None => format!(
            "https://ddbj.nig.ac.jp/search/entry/{}/{}",
            enc(&kind),
            enc(&identifier)
        ),
    });

    for (org, p) in objects(o, "organization", at)? {
        if text(org, "role", &p)?.as_deref() == Some("broker") {
            continue;
        }
        let name = text(org, "name", &p)?;
        let abbr = text(org, "abbreviation", &p)?;
        let Some(name) = name.or(abbr.clone()) else {
            continue;
        };
        let mut c = Creator {
            name,
            organisation: true,
            ..Creator::default()
        };
        if let Some(a) = abbr.filter(|a| *a != c.name) {
            c.other_names.push(LangText::new(a, None));
        }
        if !d.creators.contains(&c) {
            d.creators.push(c);
        }
    }

    let props = match o.get("properties") {
        Some(Value::Object(p)) => Some(p),
        _ => None,
    };
    let props_at = child(at, "properties");

    // Grants: the current `grant[]`, else the older release's `properties.GRANTS`.
    if o.get("grant").is_some_and(|g| !g.is_null()) {
        for (g, p) in objects(o, "grant", at)? {
            let mut agencies = Vec::new();
            for (a, q) in objects(g, "agency", &p)? {
                agencies.extend(agency_name(
                    text(a, "name", &q)?,
                    text(a, "abbreviation", &q)?,
                ));
            }
            push_funding(&mut d, text(g, "id", &p)?, text(g, "title", &p)?, agencies);
        }
    } else if let Some(props) = props {
        // `properties` is schema-free: what is not in the expected shape is passed over.
        let _ = older_grants(&mut d, props, &props_at);
    }

    // Publications: the current `publication[]`, else `properties.PUBLICATIONS`.
    if o.get("publication").is_some_and(|g| !g.is_null()) {
        for (pb, p) in objects(o, "publication", at)? {
            let db = match text(pb, "dbType", &p)? {
                Some(t) => Some(t),
                None => text(pb, "DbType", &p)?,
            };
            push_publication(&mut d, text(pb, "id", &p)?, db, text(pb, "url", &p)?);
        }
    } else if let Some(props) = props {
        let _ = older_publications(&mut d, props, &props_at);
    }

    for (x, p) in objects(o, "dbXrefs", at)? {
        let Some(id) = text(x, "identifier", &p)? else {
            continue;
        };
        let to = text(x, "type", &p)?.unwrap_or_default();
        match to.as_str() {
            "pubmed" => push_publication(&mut d, Some(id), Some("pubmed".into()), None),
            "taxonomy" => {}
            "humandbs" => push_alternate(&mut d, &id),
            _ => {
                let (identifier, scheme) = accession_scheme(&id, &to);
                push_related(&mut d, identifier, scheme, relation(&kind, &to));
            }
        }
    }

    for (v, p) in array(o, "sameAs", at)? {
        match v {
            Value::Object(x) => {
                if let Some(id) = text(x, "identifier", &p)? {
                    push_alternate(&mut d, &id);
                }
            }
            Value::String(s) => push_alternate(&mut d, s),
            _ => return Err(ParseError::shape(p, "an object")),
        }
    }

    for (l, p) in objects(o, "externalLink", at)? {
        let url = text(l, "url", &p)?;
        let label = text(l, "label", &p)?;
        // A link to the NBDC Human Database names its hum id.
        for s in [
            label.as_deref(),
            url.as_deref()
                .and_then(|u| u.trim_end_matches('/').rsplit('/').next()),
        ]
        .into_iter()
        .flatten()
        {
            if let Some(a) = Accession::parse(s).filter(|a| a.archive == Archive::NbdcHuman) {
                push_alternate(&mut d, &a.number);
            }
        }
        if let Some(u) = url {
            push_related(&mut d, u, "URL".into(), "References");
        }
    }

    if let Some(props) = props {
        // `properties` is schema-free: what is not in the expected shape is passed over.
        let _ = older_properties(&mut d, props, &props_at);
    }
    Ok(d)
}

/// The older release's grants (`properties.GRANTS.GRANT[{AGENCY, grant_id, TITLE}]`).
fn older_grants(d: &mut Deposit, props: &Obj, props_at: &str) -> Result<(), ParseError> {
    if let Some(Value::Object(grants)) = props.get("GRANTS") {
        let gat = child(props_at, "GRANTS");
        for (g, p) in xml_objects(grants, "GRANT", &gat)? {
            let mut agencies = Vec::new();
            for (a, q) in list(g, "AGENCY", &p)? {
                match a {
                    Value::Object(a) => {
                        agencies.extend(agency_name(text(a, "content", &q)?, text(a, "abbr", &q)?))
                    }
                    Value::String(s) => agencies.extend(agency_name(Some(s.trim().into()), None)),
                    _ => {}
                }
            }
            push_funding(d, text(g, "grant_id", &p)?, text(g, "TITLE", &p)?, agencies);
        }
    }
    Ok(())
}

/// The older release's publications (`properties.PUBLICATIONS.PUBLICATION[{DB_TYPE, id}]`).
fn older_publications(d: &mut Deposit, props: &Obj, props_at: &str) -> Result<(), ParseError> {
    if let Some(Value::Object(pubs)) = props.get("PUBLICATIONS") {
        let pat = child(props_at, "PUBLICATIONS");
        for (pb, p) in xml_objects(pubs, "PUBLICATION", &pat)? {
            push_publication(d, text(pb, "id", &p)?, text(pb, "DB_TYPE", &p)?, None);
        }
    }
    Ok(())
}

/// What only the XML-converted `properties` tell: secondary ids and the
/// NBDC number of a JGA study.
fn older_properties(d: &mut Deposit, props: &Obj, at: &str) -> Result<(), ParseError> {
    if let Some(Value::Object(ids)) = props.get("IDENTIFIERS") {
        let one = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Object(x) => x.get("content").and_then(Value::as_str).map(String::from),
            _ => None,
        };
        let ids: Vec<String> = match ids.get("SECONDARY_ID") {
            Some(Value::Array(a)) => a.iter().filter_map(one).collect(),
            Some(v) => one(v).into_iter().collect(),
            None => Vec::new(),
        };
        for id in ids {
            push_alternate(d, &id);
        }
    }
    if let Some(Value::Object(attrs)) = props.get("STUDY_ATTRIBUTES") {
        let aat = child(at, "STUDY_ATTRIBUTES");
        for (a, p) in xml_objects(attrs, "STUDY_ATTRIBUTE", &aat)? {
            let tag = text(a, "TAG", &p)?.unwrap_or_default();
            if tag.eq_ignore_ascii_case("NBDC Number") {
                if let Some(v) = text(a, "VALUE", &p)? {
                    push_alternate(d, &v);
                }
            }
        }
    }
    Ok(())
}

/// An agency's name as written, with its abbreviation when that adds one
/// (`Japan Agency for Medical Research and Development (AMED)`).
fn agency_name(name: Option<String>, abbr: Option<String>) -> Option<String> {
    match (name, abbr) {
        (Some(n), Some(a)) if !n.contains(&a) => Some(format!("{n} ({a})")),
        (Some(n), _) => Some(n),
        (None, a) => a,
    }
}

fn push_funding(d: &mut Deposit, id: Option<String>, title: Option<String>, agencies: Vec<String>) {
    let first_award = |t: &str| {
        award::find_all(t)
            .into_iter()
            .next()
            .map(|(a, _)| a.acknowledgement())
    };
    let award_normalised = id
        .as_deref()
        .and_then(|i| award::normalise(i).or_else(|| first_award(i)))
        .or_else(|| title.as_deref().and_then(first_award));
    let f = Funding {
        funder_name: Some(agencies.join("; ")).filter(|n| !n.is_empty()),
        award_number: id,
        award_normalised,
        award_title: title,
        ..Funding::default()
    };
    if f != Funding::default() && !d.funding.contains(&f) {
        d.funding.push(f);
    }
}

/// A publication as a related work: a PubMed id, a DOI, a PMC id, or its URL.
fn push_publication(d: &mut Deposit, id: Option<String>, db: Option<String>, url: Option<String>) {
    let db = db.unwrap_or_default().to_ascii_lowercase();
    let related = match id {
        Some(id)
            if db.contains("pubmed")
                || (db.is_empty() && id.chars().all(|c| c.is_ascii_digit())) =>
        {
            Some((id, "PubMed"))
        }
        Some(id) if db.contains("pmc") => Some((id, "PMC")),
        Some(id) if normalize_doi(&id).is_some() => normalize_doi(&id).map(|doi| (doi, "DOI")),
        _ => None,
    };
    match related {
        Some((id, scheme)) => push_related(d, id, scheme.into(), "IsCitedBy"),
        None => {
            if let Some(u) = url {
                push_related(d, u, "URL".into(), "IsCitedBy");
            }
        }
    }
}

fn push_related(d: &mut Deposit, identifier: String, scheme: String, relation: &str) {
    let r = Related {
        identifier,
        scheme,
        relation: relation.into(),
    };
    if !d.related.contains(&r) {
        d.related.push(r);
    }
}

fn push_alternate(d: &mut Deposit, id: &str) {
    let id = match Accession::parse(id) {
        Some(a) => a.number,
        None => id.trim().to_string(),
    };
    let own = match &d.id {
        Identifier::Accession(a) => a.number == id,
        other => other.to_string() == id,
    };
    if !id.is_empty() && !own && !d.alternate_ids.contains(&id) {
        d.alternate_ids.push(id);
    }
}

/// A cross-reference's accession in its normal form and its scheme: the
/// archive's when dmpgraph knows the accession (`JGA`, `DRA`,
/// `BioProject`, `BioSample`), else from the entry type (`SRA` for
/// NCBI's and EBI's runs that DDBJ mirrors).
fn accession_scheme(id: &str, to: &str) -> (String, String) {
    if let Some(a) = Accession::parse(id) {
        let scheme = match a.archive {
            Archive::Jga => "JGA",
            Archive::Dra => "DRA",
            Archive::BioProject => "BioProject",
            Archive::BioSample => "BioSample",
            Archive::NbdcHuman => "NBDC",
        };
        return (a.number, scheme.into());
    }
    let scheme = match to {
        t if t.starts_with("jga-") => "JGA",
        t if t.starts_with("sra-") => "SRA",
        "bioproject" => "BioProject",
        "biosample" => "BioSample",
        "insdc" | "insdc-assembly" | "insdc-master" | "assemblies" => "INSDC",
        "geo" => "GEO",
        "gea" => "GEA",
        "metabobank" => "MetaboBank",
        "" => "Other",
        other => other,
    };
    (id.to_string(), scheme.into())
}

/// Where an entry type sits: a container of others (a study, a project,
/// a submission) or a part (a dataset, an experiment, a run, a sample).
fn level(t: &str) -> Option<u8> {
    match t {
        "sra-submission" => Some(0),
        "jga-study" | "sra-study" | "bioproject" => Some(1),
        "jga-dataset" | "sra-experiment" | "sra-analysis" | "sra-sample" | "biosample" => Some(2),
        "sra-run" => Some(3),
        _ => None,
    }
}

/// The relation, in DataCite's terms, from an entry of type `from` to a
/// cross-referenced one of type `to`: containers have their parts
/// (`HasPart`), parts are of their containers (`IsPartOf`), samples are
/// referenced, a DAC or policy is referenced.
fn relation(from: &str, to: &str) -> &'static str {
    let sample = |t: &str| matches!(t, "sra-sample" | "biosample");
    let governs = |t: &str| matches!(t, "jga-dac" | "jga-policy");
    if governs(to) {
        return "References";
    }
    if governs(from) {
        return "IsReferencedBy";
    }
    match (from, to) {
        ("sra-sample", "biosample") | ("biosample", "sra-sample") => return "IsIdenticalTo",
        ("sra-study", "bioproject") | ("bioproject", "sra-study") => return "IsIdenticalTo",
        // A submission is a deposit of SRA objects; the project and the
        // samples it uses are not its parts.
        ("sra-submission", t) if !t.starts_with("sra-") => return "References",
        (f, "sra-submission") if !f.starts_with("sra-") => return "IsReferencedBy",
        _ => {}
    }
    // Samples are used by experiments and runs, not parts of them.
    if sample(to) && matches!(from, "sra-experiment" | "sra-run" | "sra-analysis") {
        return "References";
    }
    if sample(from) && matches!(to, "sra-experiment" | "sra-run" | "sra-analysis") {
        return "IsReferencedBy";
    }
    match (level(from), level(to)) {
        (Some(a), Some(b)) if a < b => "HasPart",
        (Some(a), Some(b)) if a > b => "IsPartOf",
        _ => "References",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Option<Vec<u8>> {
        let dir = dmpgraph_dev::testing::fixtures_dir()?;
        Some(std::fs::read(dir.join("external/ddbj").join(name)).expect("fixture"))
    }

    fn has(d: &Deposit, id: &str, scheme: &str, relation: &str) -> bool {
        d.related
            .iter()
            .any(|r| r.identifier == id && r.scheme == scheme && r.relation == relation)
    }

    fn amed() -> Funder {
        dmpgraph_model::CatalogConfig::builtin().funder.clone()
    }

    #[test]
    fn jga_study() {
        let Some(body) = fixture("jga-study1.json") else {
            return;
        };
        let item = parse_entry(&body).unwrap();
        let d = &item.deposit;
        assert_eq!(d.source, Source::Ddbj);
        assert_eq!(d.id.to_string(), "jga:JGAS000004");
        assert_eq!(d.entry_type, "jga-study");
        assert_eq!(
            d.title("en"),
            Some("Genomic and Genetic Analysis of Brain Tumors and Analysis of Their Clinicopathological Significance")
        );
        assert!(d.descriptions[0]
            .text
            .starts_with("The treatment outcome of glioma patients"));
        assert_eq!(d.descriptions[0].lang, None);
        assert_eq!(d.organism.as_deref(), Some("Homo sapiens"));
        // The fixture says public-access; JGA is controlled access all the same.
        assert_eq!(d.access, Some(Access::Restricted));
        assert_eq!(d.state.as_deref(), Some("public"));
        for ds in ["JGAD000004", "JGAD000106", "JGAD000107"] {
            assert!(has(d, ds, "JGA", "HasPart"), "{ds}");
        }
        assert!(has(d, "JGAP000004", "JGA", "References"));
        assert!(has(d, "JGAC000001", "JGA", "References"));
        assert!(has(d, "24336570", "PubMed", "IsCitedBy"));
        assert!(has(d, "28270234", "PubMed", "IsCitedBy"));
        assert!(
            d.alternate_ids.contains(&"hum0006".to_string()),
            "{:?}",
            d.alternate_ids
        );
        assert!(d.alternate_ids.contains(&"JGAS00000000004".to_string()));
        assert_eq!(d.funding.len(), 1);
        let f = &d.funding[0];
        assert_eq!(
            f.funder_name.as_deref(),
            Some("Ministry of Education, Culture, Sports, Science and Technology (MEXT)")
        );
        assert_eq!(f.award_number, None);
        assert_eq!(
            f.award_title.as_deref(),
            Some("P-DIRECT: Project for Development of Innovative Research on Cancer Therapeutics")
        );
        assert!(!grant_names_funder(d, &amed()));
        assert_eq!(d.publication_year, Some(2020));
        assert!(d.dates.contains(&DepositDate {
            kind: "Issued".into(),
            value: "2020-09-28T02:15:20+09:00".into()
        }));
        assert!(d.dates.contains(&DepositDate {
            kind: "Created".into(),
            value: "2014-09-08T08:23:12+09:00".into()
        }));
        assert!(d.dates.contains(&DepositDate {
            kind: "Updated".into(),
            value: "2020-09-24T07:29:49+09:00".into()
        }));
        assert_eq!(
            d.url.as_deref(),
            Some("https://ddbj.nig.ac.jp/resource/jga-study/JGAS000004")
        );
        assert_eq!(d.resource_type_general.as_deref(), Some("Dataset"));
        assert_eq!(d.resource_type.as_deref(), Some("jga-study"));
        let raw: Value = serde_json::from_str(&item.raw).unwrap();
        assert_eq!(raw["identifier"], "JGAS000004");
    }

    #[test]
    fn jga_dataset_is_part_of_its_study() {
        let Some(body) = fixture("jga-dataset1.json") else {
            return;
        };
        let d = parse_entry(&body).unwrap().deposit;
        assert_eq!(d.id.to_string(), "jga:JGAD000001");
        assert_eq!(d.entry_type, "jga-dataset");
        assert_eq!(
            d.title("en"),
            Some("whole-exome sequencing data from 97 Japanese lung adenocarcinomapatients")
        );
        assert!(has(&d, "JGAS000001", "JGA", "IsPartOf"));
        assert!(has(&d, "JGAP000002", "JGA", "References"));
        assert_eq!(d.access, Some(Access::Restricted));
        assert!(d.alternate_ids.contains(&"JGAD00000000001".to_string()));
    }

    #[test]
    fn bioproject_has_its_samples() {
        let Some(body) = fixture("bioproject1.json") else {
            return;
        };
        let d = parse_entry(&body).unwrap().deposit;
        // PRJNA is NCBI's; DDBJ mirrors it, dmpgraph has no accession form for it.
        assert_eq!(d.id.to_string(), "PRJNA16");
        assert_eq!(d.entry_type, "bioproject");
        assert_eq!(d.title("en"), Some("Nitrogen-fixing bacterium"));
        assert_eq!(d.organism.as_deref(), Some("Azotobacter vinelandii DJ"));
        assert_eq!(d.access, Some(Access::Open));
        assert!(has(&d, "SAMN19513674", "BioSample", "HasPart"));
        assert!(has(&d, "SAMN02604349", "BioSample", "HasPart"));
        assert!(has(&d, "GCA_000021045", "INSDC", "References"));
        assert!(has(&d, "19429624", "PubMed", "IsCitedBy"));
        assert!(has(&d, "http://www.azotobacter.org", "URL", "References"));
        let names: Vec<_> = d.creators.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names[0], "DOE Joint Genome Institute");
        assert_eq!(names[1], "US DOE Joint Genome Institute (JGI-PGF)");
        assert!(d.creators.iter().all(|c| c.organisation));
        assert_eq!(
            d.url.as_deref(),
            Some("https://ddbj.nig.ac.jp/search/entry/bioproject/PRJNA16")
        );
        assert!(d.funding.is_empty());
        assert_eq!(d.publication_year, Some(2009));
    }

    #[test]
    fn sra_hierarchy() {
        let Some(body) = fixture("sraSubmission.json") else {
            return;
        };
        let d = parse_entry(&body).unwrap().deposit;
        assert_eq!(d.id.to_string(), "SRA174011");
        assert_eq!(d.entry_type, "sra-submission");
        assert_eq!(d.access, Some(Access::Open));
        assert!(d.titles.is_empty());
        for (id, rel) in [
            ("SRP038995", "HasPart"),
            ("SRX644919", "HasPart"),
            ("SRR1505384", "HasPart"),
            ("SRS653106", "HasPart"),
            ("PRJNA230968", "References"),
            ("SAMN02628689", "References"),
        ] {
            assert!(
                d.related
                    .iter()
                    .any(|r| r.identifier == id && r.relation == rel),
                "{id} {rel}"
            );
        }
        assert!(has(&d, "SRP038995", "SRA", "HasPart"));

        let d = parse_entry(&fixture("sraRun1.json").expect("fixture"))
            .unwrap()
            .deposit;
        assert_eq!(d.id.to_string(), "SRR885622");
        assert_eq!(d.access, Some(Access::Restricted));
        assert!(has(&d, "SRX296737", "SRA", "IsPartOf"));
        assert!(has(&d, "SRP023780", "SRA", "IsPartOf"));
        assert!(has(&d, "SRA088679", "SRA", "IsPartOf"));
        assert!(has(&d, "PRJNA206213", "BioProject", "IsPartOf"));
        assert!(has(&d, "SAMN02185819", "BioSample", "References"));
        assert!(has(&d, "SRS437492", "SRA", "References"));

        let d = parse_entry(&fixture("sraStudy1.json").expect("fixture"))
            .unwrap()
            .deposit;
        assert_eq!(d.title("en"), Some("gut microbiota sequencing"));
        assert!(has(&d, "SRX13635739", "SRA", "HasPart"));
        assert!(has(&d, "SRR17464559", "SRA", "HasPart"));
        assert!(has(&d, "SAMN24667461", "BioSample", "HasPart"));
        assert!(has(&d, "SRA1352854", "SRA", "IsPartOf"));
        assert!(has(&d, "PRJNA794982", "BioProject", "IsIdenticalTo"));
        assert_eq!(d.alternate_ids, vec!["PRJNA794982".to_string()]);

        let d = parse_entry(&fixture("sraExperiment1.json").expect("fixture"))
            .unwrap()
            .deposit;
        assert_eq!(d.id.to_string(), "SRX15301329");
        assert!(has(&d, "SRR19240564", "SRA", "HasPart"));
        assert!(has(&d, "SRP375608", "SRA", "IsPartOf"));
        assert!(has(&d, "SRA1421433", "SRA", "IsPartOf"));
        assert!(has(&d, "SRS13027464", "SRA", "References"));
    }

    const CURRENT: &str = r#"{
        "identifier": "PRJDB12345", "type": "bioproject", "isPartOf": "bioproject",
        "title": "難治性疾患のゲノム解析", "description": null, "organism": {"identifier": "9606", "name": "Homo sapiens"},
        "accessibility": "public-access", "status": "public", "datePublished": "2023-04-01",
        "organization": [{"name": "Kyoto University", "abbreviation": "KU", "role": "owner"},
                         {"name": "Broker Inc.", "role": "broker"}],
        "publication": [{"id": "10.1234/ABC", "dbType": "doi"}, {"id": "PMC123", "dbType": "pmc"},
                        {"id": "x", "dbType": "other", "url": "https://example.org/paper"}],
        "grant": [{"id": "JP21ek0109555", "title": "Rare disease genomics", "agency": [{"name": "Japan Agency for Medical Research and Development", "abbreviation": "AMED"}]},
                  {"id": null, "title": "ゲノム研究 課題番号 21ek0109555h0001", "agency": [{"name": "日本医療研究開発機構"}]},
                  {"id": "JP19K12345", "title": "Kakenhi", "agency": [{"name": "Japan Society for the Promotion of Science", "abbreviation": "JSPS"}]}],
        "externalLink": [{"label": "hum0014", "url": "https://humandbs.dbcls.jp/hum0014"}],
        "dbXrefs": [{"identifier": "DRR000001", "type": "sra-run", "url": "u"}, {"identifier": "SAMD00000001", "type": "biosample", "url": "u"},
                    {"identifier": "hum0014", "type": "humandbs", "url": "u"}, {"identifier": "9606", "type": "taxonomy", "url": "u"}],
        "sameAs": [{"identifier": "GSE1", "type": "geo", "url": "u"}]
    }"#;

    #[test]
    fn current_shape_with_grants() {
        let d = parse_entry(CURRENT.as_bytes()).unwrap().deposit;
        assert_eq!(d.id.to_string(), "bioproject:PRJDB12345");
        assert_eq!(
            d.titles,
            vec![LangText::new("難治性疾患のゲノム解析", Some("ja"))]
        );
        assert!(d.descriptions.is_empty());
        assert_eq!(d.publication_year, Some(2023));
        assert_eq!(
            d.url.as_deref(),
            Some("https://ddbj.nig.ac.jp/search/entry/bioproject/PRJDB12345")
        );
        assert_eq!(d.creators.len(), 1);
        assert_eq!(d.creators[0].other_names, vec![LangText::new("KU", None)]);
        assert!(has(&d, "10.1234/abc", "DOI", "IsCitedBy"));
        assert!(has(&d, "PMC123", "PMC", "IsCitedBy"));
        assert!(has(&d, "https://example.org/paper", "URL", "IsCitedBy"));
        assert!(has(&d, "DRR000001", "DRA", "HasPart"));
        assert!(has(&d, "SAMD00000001", "BioSample", "HasPart"));
        assert!(has(
            &d,
            "https://humandbs.dbcls.jp/hum0014",
            "URL",
            "References"
        ));
        assert_eq!(
            d.alternate_ids,
            vec!["hum0014".to_string(), "GSE1".to_string()]
        );
        assert_eq!(d.funding.len(), 3);
        let f = &d.funding[0];
        assert_eq!(
            f.funder_name.as_deref(),
            Some("Japan Agency for Medical Research and Development (AMED)")
        );
        assert_eq!(f.award_number.as_deref(), Some("JP21ek0109555"));
        assert_eq!(f.award_normalised.as_deref(), Some("JP21ek0109555"));
        assert_eq!(f.award_title.as_deref(), Some("Rare disease genomics"));
        // No id: the number found in the title.
        assert_eq!(d.funding[1].award_number, None);
        assert_eq!(
            d.funding[1].award_normalised.as_deref(),
            Some("JP21ek0109555")
        );
        assert_eq!(d.funding[2].award_normalised, None);
    }

    #[test]
    fn grants_name_the_funder_or_not() {
        let f = amed();
        let with = |agency: &str, title: &str| {
            let body = format!(
                r#"{{"identifier":"JGAS000001","type":"jga-study","grant":[{{"id":"X1","title":"{title}","agency":[{agency}]}}]}}"#
            );
            let d = parse_entry(body.as_bytes()).unwrap().deposit;
            grant_names_funder(&d, &f)
        };
        assert!(with(
            r#"{"name":"Japan Agency for Medical Research and Development"}"#,
            "Rare"
        ));
        assert!(with(r#"{"name":"日本医療研究開発機構"}"#, "Rare"));
        assert!(with(
            r#"{"name":"国立研究開発法人日本医療研究開発機構"}"#,
            "Rare"
        ));
        assert!(with(r#"{"name":"AMED"}"#, "Rare"));
        assert!(with(r#"{"abbreviation":"AMED"}"#, "Rare"));
        assert!(with(
            r#"{"name":"Some Ministry"}"#,
            "AMED Project for rare diseases"
        ));
        assert!(!with(
            r#"{"name":"Japan Society for the Promotion of Science","abbreviation":"JSPS"}"#,
            "KAKENHI"
        ));
        assert!(!with(r#"{"name":"Amedical Foundation"}"#, "Rare"));
        // An AMED number with no agency named.
        let bare = parse_entry(br#"{"identifier":"JGAS000001","type":"jga-study","grant":[{"id":"JP21ek0109555","agency":[]}]}"#)
            .unwrap()
            .deposit;
        assert!(grant_names_funder(&bare, &f));
        let none = parse_entry(br#"{"identifier":"JGAS000001","type":"jga-study","grant":[]}"#)
            .unwrap()
            .deposit;
        assert!(!grant_names_funder(&none, &f));
    }

    #[test]
    fn properties_out_of_shape_are_passed_over() {
        let d = parse_entry(
            br#"{"identifier":"JGAS000001","type":"jga-study","properties":{"GRANTS":{"GRANT":[{"TITLE":{"x":1}}]},
                 "PUBLICATIONS":{"PUBLICATION":7},"IDENTIFIERS":{"SECONDARY_ID":[1,{"content":"JGAS00000000001"}]},
                 "STUDY_ATTRIBUTES":{"STUDY_ATTRIBUTE":{"TAG":"NBDC Number","VALUE":"hum0001"}}}}"#,
        )
        .unwrap()
        .deposit;
        assert!(d.funding.is_empty());
        assert_eq!(
            d.alternate_ids,
            vec!["JGAS00000000001".to_string(), "hum0001".to_string()]
        );
        let d = parse_entry(br#"{"identifier":"JGAS000001","type":"jga-study","properties":"x"}"#)
            .unwrap()
            .deposit;
        assert!(d.alternate_ids.is_empty());
    }

    #[test]
    fn visibility_of_the_older_release_and_defaults() {
        let d = parse_entry(
            br#"{"identifier":"DRR000001","type":"sra-run","visibility":"controlled-access"}"#,
        )
        .unwrap()
        .deposit;
        assert_eq!(d.id.to_string(), "dra:DRR000001");
        assert_eq!(d.access, Some(Access::Restricted));
        assert_eq!(
            d.url.as_deref(),
            Some("https://ddbj.nig.ac.jp/search/entry/sra-run/DRR000001")
        );
        let d = parse_entry(
            br#"{"identifier":"SAMD00000001","type":"biosample","visibility":"public-access"}"#,
        )
        .unwrap()
        .deposit;
        assert_eq!(d.access, Some(Access::Open));
        let d = parse_entry(br#"{"identifier":"SAMD00000001","type":"biosample"}"#)
            .unwrap()
            .deposit;
        assert_eq!(d.access, None);
        let d = parse_entry(
            br#"{"identifier":"JGAC000001","type":"jga-dac","visibility":"unrestricted-access"}"#,
        )
        .unwrap()
        .deposit;
        assert_eq!(d.access, Some(Access::Restricted));
    }

    #[test]
    fn problems_and_shapes() {
        let body = br#"{"type":"about:blank","title":"Not Found","status":404,"detail":"The requested jga-study entry was not found.","instance":"/entries/jga-study/JGAS999999.json"}"#;
        for r in [parse_entry(body).err(), parse_search(body).err()] {
            match r {
                Some(ParseError::Reported { message, .. }) => {
                    assert_eq!(
                        message,
                        "Not Found (404): The requested jga-study entry was not found."
                    )
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!(
            parse_entry(br#"{"identifier":"JGAS0"#),
            Err(ParseError::Json(_))
        ));
        assert!(matches!(
            parse_search(b"{\"pagination\":"),
            Err(ParseError::Json(_))
        ));
        let shape = |r: Result<Item, ParseError>| match r {
            Err(ParseError::Shape { pointer, .. }) => pointer,
            other => panic!("{other:?}"),
        };
        assert_eq!(shape(parse_entry(b"[]")), "");
        assert_eq!(
            shape(parse_entry(br#"{"type":"jga-study"}"#)),
            "/identifier"
        );
        assert_eq!(
            shape(parse_entry(br#"{"identifier":"JGAS000001"}"#)),
            "/type"
        );
        assert_eq!(
            shape(parse_entry(
                br#"{"identifier":["JGAS000001"],"type":"jga-study"}"#
            )),
            "/identifier"
        );
        assert_eq!(
            shape(parse_entry(
                br#"{"identifier":"JGAS000001","type":"jga-study","dbXrefs":{"a":1}}"#
            )),
            "/dbXrefs"
        );
        assert_eq!(shape(parse_entry(br#"{"identifier":"JGAS000001","type":"jga-study","dbXrefs":[{"identifier":"x","type":"y"},5]}"#)), "/dbXrefs/1");
        assert_eq!(
            shape(parse_entry(
                br#"{"identifier":"JGAS000001","type":"jga-study","grant":[{"agency":"AMED"}]}"#
            )),
            "/grant/0/agency"
        );
        assert_eq!(
            shape(parse_entry(
                br#"{"identifier":"JGAS000001","type":"jga-study","title":{"en":"x"}}"#
            )),
            "/title"
        );
        let page_shape = |body: &[u8]| match parse_search(body) {
            Err(ParseError::Shape { pointer, .. }) => pointer,
            other => panic!("{other:?}"),
        };
        assert_eq!(page_shape(br#"{"items":[]}"#), "/pagination");
        assert_eq!(
            page_shape(br#"{"pagination":{"page":1,"perPage":10,"total":0,"hasNext":false}}"#),
            "/items"
        );
        assert_eq!(
            page_shape(
                br#"{"pagination":{"page":"1","perPage":10,"total":0,"hasNext":false},"items":[]}"#
            ),
            "/pagination/page"
        );
        assert_eq!(
            page_shape(
                br#"{"pagination":{"page":1,"perPage":10,"total":0,"hasNext":"yes"},"items":[]}"#
            ),
            "/pagination/hasNext"
        );
    }

    fn page(page: &str, per_page: u32, has_next: bool, cursor: &str) -> String {
        format!(
            r#"{{"pagination":{{"page":{page},"perPage":{per_page},"total":12345,"nextCursor":{cursor},"hasNext":{has_next}}},
               "items":[{{"identifier":"JGAS000001","type":"jga-study","title":"A","accessibility":"controlled-access","dbXrefs":[{{"identifier":"JGAD000001","type":"jga-dataset","url":"u"}}]}},
                        {{"identifier":"JGAS000002"}},
                        {{"identifier":"PRJDB1","type":"bioproject","organism":{{}},"dbXrefsCount":{{"biosample":5}}}}]}}"#
        )
    }

    #[test]
    fn a_search_page() {
        let p = parse_search(page("1", 100, true, "\"c1\"").as_bytes()).unwrap();
        assert_eq!(p.total, Some(12345));
        assert_eq!(p.next, Some(Next::Page(2)));
        assert_eq!(p.items.len(), 3);
        let first = p.items[0].as_ref().unwrap();
        assert_eq!(first.deposit.id.to_string(), "jga:JGAS000001");
        assert_eq!(first.deposit.access, Some(Access::Restricted));
        assert!(has(&first.deposit, "JGAD000001", "JGA", "HasPart"));
        let raw: Value = serde_json::from_str(&first.raw).unwrap();
        assert_eq!(raw["identifier"], "JGAS000001");
        match &p.items[1] {
            Err(ParseError::Shape { pointer, .. }) => assert_eq!(pointer, "/items/1/type"),
            other => panic!("{other:?}"),
        }
        let third = p.items[2].as_ref().unwrap();
        assert_eq!(third.deposit.id.to_string(), "bioproject:PRJDB1");
        assert_eq!(third.deposit.organism, None);
    }

    #[test]
    fn paging_by_page_then_by_cursor() {
        // Page 99 of 100: page 100 still within 10,000.
        let p = parse_search(page("99", 100, true, "\"c\"").as_bytes()).unwrap();
        assert_eq!(p.next, Some(Next::Page(100)));
        // Page 100 of 100: beyond, the cursor.
        let p = parse_search(page("100", 100, true, "\"c100\"").as_bytes()).unwrap();
        assert_eq!(p.next, Some(Next::Cursor("c100".into())));
        // In cursor mode page is null.
        let p = parse_search(page("null", 100, true, "\"c101\"").as_bytes()).unwrap();
        assert_eq!(p.next, Some(Next::Cursor("c101".into())));
        // Beyond the limit with no cursor: nowhere to go.
        let p = parse_search(page("100", 100, true, "null").as_bytes()).unwrap();
        assert_eq!(p.next, None);
        // The last page.
        let p = parse_search(page("3", 100, false, "\"c\"").as_bytes()).unwrap();
        assert_eq!(p.next, None);
        let p = parse_search(page("null", 100, false, "null").as_bytes()).unwrap();
        assert_eq!(p.next, None);
        // The documented example: hasNext without a cursor, offset mode.
        let p = parse_search(
            br#"{"pagination":{"page":1,"perPage":10,"total":1234,"hasNext":true},"items":[]}"#,
        )
        .unwrap();
        assert_eq!(p.next, Some(Next::Page(2)));
        assert_eq!(p.total, Some(1234));
    }

    #[test]
    fn no_input_panics() {
        let Some(dir) = dmpgraph_dev::testing::fixtures_dir() else {
            return;
        };
        for name in ["jga-study1.json", "sraRun1.json", "sraSubmission.json"] {
            let body = std::fs::read(dir.join("external/ddbj").join(name)).expect("fixture");
            for cut in (0..body.len()).step_by(7) {
                let _ = parse_entry(&body[..cut]);
                let _ = parse_search(&body[..cut]);
            }
        }
        for body in [
            r#"{"pagination":{"page":18446744073709551615,"perPage":0,"total":1,"hasNext":true},"items":[]}"#,
            r#"{"pagination":{"page":18446744073709551615,"perPage":18446744073709551615,"total":1,"hasNext":true},"items":[null,1,"x",[]]}"#,
            r#"{"identifier":"é","type":"ü","datePublished":"20é","dbXrefs":[{"identifier":"","type":""}],"sameAs":["", 3]}"#,
        ] {
            let _ = parse_search(body.as_bytes());
            let _ = parse_entry(body.as_bytes());
        }
    }

    #[test]
    fn urls() {
        let base = "https://ddbj.nig.ac.jp/search/api/";
        assert_eq!(
            entry_url(base, "jga-study", "JGAS000004"),
            "https://ddbj.nig.ac.jp/search/api/entries/jga-study/JGAS000004.json"
        );
        assert_eq!(
            entry_url("http://127.0.0.1:8", "bioproject", "PRJDB1"),
            "http://127.0.0.1:8/entries/bioproject/PRJDB1.json"
        );
        assert_eq!(
            search_url(base, "jga-study", "Rare disease genomics", 100, 1),
            "https://ddbj.nig.ac.jp/search/api/entries/jga-study/?grant=%22Rare%20disease%20genomics%22&perPage=100&page=1"
        );
        assert_eq!(
            search_url(base, "bioproject", "Cancer, \"P-DIRECT\" project", 500, 0),
            "https://ddbj.nig.ac.jp/search/api/entries/bioproject/?grant=%22Cancer%2C%20P-DIRECT%20project%22&perPage=100&page=1"
        );
        assert_eq!(
            search_url("http://127.0.0.1:8", "jga-study", "難病 ゲノム", 0, 3),
            "http://127.0.0.1:8/entries/jga-study/?grant=%22%E9%9B%A3%E7%97%85%20%E3%82%B2%E3%83%8E%E3%83%A0%22&perPage=1&page=3"
        );
        assert_eq!(
            cursor_url(base, "jga-study", "eyJ+a/b=="),
            "https://ddbj.nig.ac.jp/search/api/entries/jga-study/?cursor=eyJ%2Ba%2Fb%3D%3D"
        );
        assert_eq!(
            cursor_page_url(base, "bioproject", "c", 250),
            "https://ddbj.nig.ac.jp/search/api/entries/bioproject/?cursor=c&perPage=100"
        );
    }

    #[test]
    fn entry_types_of_accessions() {
        let t = |s: &str| entry_type(&Accession::parse(s).unwrap());
        for (acc, ty) in [
            ("JGAS000001", Some("jga-study")),
            ("JGAD000001", Some("jga-dataset")),
            ("JGAC000001", Some("jga-dac")),
            ("JGAP000001", Some("jga-policy")),
            ("JGAN000001", None),
            ("JGAX000001", None),
            ("JGAR000001", None),
            ("JGAZ000001", None),
            ("DRA000001", Some("sra-submission")),
            ("DRP000001", Some("sra-study")),
            ("DRX000001", Some("sra-experiment")),
            ("DRR000001", Some("sra-run")),
            ("DRS000001", Some("sra-sample")),
            ("DRZ000001", Some("sra-analysis")),
            ("PRJDB1", Some("bioproject")),
            ("SAMD00000001", Some("biosample")),
            ("hum0014", None),
        ] {
            assert_eq!(t(acc), ty, "{acc}");
        }
    }
}
