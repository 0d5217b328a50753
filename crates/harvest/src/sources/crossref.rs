//! Crossref's REST API: one work (`/works/{doi}`) and `works` filtered by
//! funder and award, deep-paged by `next-cursor`.

use super::{
    award_pieces, canonical, encode, guess_lang, lang_text, name_key, names_funder,
    normalize_orcid, normalize_ror, trim_base, At, DOI_PATH, QUERY_VALUE,
};
use super::{Item, Next, Page, ParseError};
use dmpgraph_model::deposit::{
    Affiliation, Creator, Deposit, DepositDate, Funding, LangText, Related, Source,
};
use dmpgraph_model::identity::{normalize_doi, Identifier};
use dmpgraph_model::{CatalogConfig, Funder};

/// A cursor's characters that are escaped: as a query value, but `*` (the
/// first page's cursor) stays as it is.
const CURSOR: &percent_encoding::AsciiSet = &QUERY_VALUE.remove(b'*');

/// The scheme of Crossref Funder IDs as DataCite names it.
const FUNDER_ID_TYPE: &str = "Crossref Funder ID";

/// The URL of one work (`mailto` for Crossref's polite pool).
///
/// The DOI as a path, `/` literal, other reserved characters (`<`, `;`,
/// `#`, …) percent-encoded; a resolver URL or `doi:` form is reduced to the
/// bare DOI first.
pub fn work_url(base: &str, doi: &str, mailto: Option<&str>) -> String {
    let doi = normalize_doi(doi).unwrap_or_else(|| doi.trim().to_string());
    let mut url = format!("{}/works/{}", trim_base(base), encode(&doi, DOI_PATH));
    if let Some(m) = mailto.map(str::trim).filter(|m| !m.is_empty()) {
        url.push_str("?mailto=");
        url.push_str(&encode(m, QUERY_VALUE));
    }
    url
}

/// The filters for works funded by `funder` (and, given, the award as written).
///
/// `funder` (the bare Crossref Funder ID, `10.13039/100009619`: works whose
/// funder list carries that DOI anywhere), then, given, `award.number` (the
/// award as written; Crossref matches it whole). `award.funder` is not used:
/// it ties the award to the funder entry it is listed under, and Crossref's
/// funder lists often put the award under another entry (see
/// [`parse_work`]), so it would lose works `funder` + `award.number` find.
pub fn funder_filters(funder: &Funder, award: Option<&str>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let id = bare_doi(&funder.crossref_funder_id);
    if !id.is_empty() {
        out.push(("funder".to_string(), id));
    }
    if let Some(a) = award.map(str::trim).filter(|a| !a.is_empty()) {
        out.push(("award.number".to_string(), a.to_string()));
    }
    out
}

/// The URL of a page of works with `filters`, `rows` per page, at `cursor` (`*` first).
pub fn works_url(
    base: &str,
    filters: &[(String, String)],
    rows: u32,
    cursor: &str,
    mailto: Option<&str>,
) -> String {
    let filter = filters
        .iter()
        .map(|(k, v)| format!("{}:{}", encode(k, QUERY_VALUE), encode(v, QUERY_VALUE)))
        .collect::<Vec<_>>()
        .join(",");
    let mut url = format!("{}/works?", trim_base(base));
    if !filter.is_empty() {
        url.push_str("filter=");
        url.push_str(&filter);
        url.push('&');
    }
    url.push_str(&format!("rows={rows}&cursor={}", encode(cursor, CURSOR)));
    if let Some(m) = mailto.map(str::trim).filter(|m| !m.is_empty()) {
        url.push_str("&mailto=");
        url.push_str(&encode(m, QUERY_VALUE));
    }
    url
}

/// Maps a `/works/{doi}` response.
///
/// Funder lists are tidied: entries of one funder (the same DOI, or the
/// same name where one has no DOI) are merged; awards are de-duplicated by
/// their normalised form (the first written form kept); an AMED award
/// number listed under another funder's entry, when an entry names AMED
/// (the built-in catalog configuration's funder), is moved to AMED; one
/// [`Funding`] per funder and award, one without an award for a funder
/// that has none.
pub fn parse_work(body: &[u8]) -> Result<Item, ParseError> {
    let v = super::json(body)?;
    let message = checked_message(&v, "work")?;
    if message.object("the work (an object)")?.is_none() {
        return Err(message.shape("the work (an object)"));
    }
    map_work(&message)
}

/// Maps a page of `works` asked with `rows` per page (a page with fewer is the last).
///
/// A work that cannot be mapped is an `Err` among the items; the page's
/// other works are still mapped.
pub fn parse_works(body: &[u8], rows: u32) -> Result<Page, ParseError> {
    let v = super::json(body)?;
    let message = checked_message(&v, "work-list")?;
    if message.object("the list of works (an object)")?.is_none() {
        return Err(message.shape("the list of works (an object)"));
    }
    let items_at = message.get("items");
    if !items_at.v.is_array() {
        return Err(items_at.shape("an array of works"));
    }
    let items: Vec<Result<Item, ParseError>> = items_at.items()?.iter().map(map_work).collect();
    let total_at = message.get("total-results");
    let total = match total_at.v {
        serde_json::Value::Null => None,
        serde_json::Value::Number(n) => Some(n.as_u64().ok_or_else(|| total_at.shape("a count"))?),
        _ => return Err(total_at.shape("a count")),
    };
    // Crossref sends a cursor with every page, the last one too.
    let full = rows > 0 && items.len() >= rows as usize;
    let next = match message.get("next-cursor").text()? {
        Some(c) if full => Some(Next::Cursor(c)),
        _ => None,
    };
    Ok(Page { items, next, total })
}

/// The `message` of a body whose `status` is `ok` (and whose
/// `message-type`, when given, is `kind`); a failed status is the
/// service's report.
fn checked_message<'a>(v: &'a serde_json::Value, kind: &str) -> Result<At<'a>, ParseError> {
    let root = At::new(v, "");
    if root.object("a Crossref response (an object)")?.is_none() {
        return Err(root.shape("a Crossref response (an object)"));
    }
    let message = root.get("message");
    match root.get("status").text()?.as_deref() {
        None | Some("ok") => {}
        Some(status) => return Err(reported(&message, status)),
    }
    let mt = root.get("message-type");
    if let Some(t) = mt.text()? {
        if t != kind {
            return Err(mt.shape(&format!("\"{kind}\"")));
        }
    }
    Ok(message)
}

/// The service's own report of a failure.
fn reported(message: &At<'_>, status: &str) -> ParseError {
    let (pointer, text) = match message.v {
        serde_json::Value::Array(_) => {
            let first = message.items().ok().and_then(|i| i.into_iter().next());
            match first {
                Some(f) => {
                    let text = ["message", "type", "value"]
                        .iter()
                        .find_map(|k| f.get(k).text().ok().flatten())
                        .or_else(|| f.text().ok().flatten());
                    (f.ptr.clone(), text)
                }
                None => (message.ptr.clone(), None),
            }
        }
        serde_json::Value::Object(_) => (
            message.ptr.clone(),
            message.get("message").text().ok().flatten(),
        ),
        _ => (message.ptr.clone(), message.text().ok().flatten()),
    };
    ParseError::Reported {
        pointer,
        message: text.unwrap_or_else(|| format!("status {status}")),
    }
}

/// Maps one work.
fn map_work(m: &At<'_>) -> Result<Item, ParseError> {
    if m.object("a work (an object)")?.is_none() {
        return Err(m.shape("a work (an object)"));
    }
    let doi_at = m.get("DOI");
    let written = doi_at.text()?.ok_or_else(|| doi_at.shape("a DOI"))?;
    let doi = normalize_doi(&written).ok_or_else(|| doi_at.shape("a DOI"))?;
    let mut d = Deposit::new(Source::Crossref, Identifier::parse(&written));
    d.entry_type = "work".to_string();
    let declared = m.get("language").text()?;
    let declared = declared.as_deref();

    for key in ["title", "subtitle", "original-title"] {
        for t in m.get(key).texts()? {
            // Titles may carry inline markup (`<i>`, `<sub>`) and entities.
            let (t, _) = jats_text(&t);
            if t.is_empty() {
                continue;
            }
            let lt = text_in(t, declared);
            if !d.titles.contains(&lt) {
                d.titles.push(lt);
            }
        }
    }
    if let Some(a) = m.get("abstract").text()? {
        let (text, lang) = jats_text(&a);
        if !text.is_empty() {
            d.descriptions.push(match lang {
                Some(l) => LangText::new(text, Some(&l)),
                None => text_in(text, declared),
            });
        }
    }
    for a in m.get("author").items()? {
        if let Some(c) = author(&a)? {
            d.creators.push(c);
        }
    }
    d.publisher = m.get("publisher").text()?;
    if let Some(t) = m.get("type").text()? {
        d.resource_type_general = resource_type_general(&t).map(String::from);
        d.resource_type = Some(t);
    }
    let created = m.get("created");
    if let Some(v) = date_time(&created)? {
        push_date(&mut d.dates, "Created", v);
    }
    let issued = date_parts(&m.get("issued"))?;
    if let Some(v) = &issued {
        push_date(&mut d.dates, "Issued", v.clone());
    }
    for key in ["published-online", "published-print"] {
        if let Some(v) = date_parts(&m.get(key))? {
            push_date(&mut d.dates, "Available", v);
        }
    }
    if let Some(v) = date_time(&m.get("deposited"))? {
        push_date(&mut d.dates, "Updated", v);
    }
    let mut year = issued;
    for key in ["published", "published-print", "published-online"] {
        if year.is_none() {
            year = date_parts(&m.get(key))?;
        }
    }
    d.publication_year = year.and_then(|y| y.get(..4).and_then(|y| y.parse().ok()));

    for l in m.get("license").items()? {
        if l.object("a licence (an object)")?.is_none() {
            return Err(l.shape("a licence (an object)"));
        }
        if let Some(u) = l.get("URL").text()? {
            if !d.licences.contains(&u) {
                d.licences.push(u);
            }
        }
    }
    d.url = match m.get("resource").get("primary").get("URL").text()? {
        Some(u) => Some(u),
        None => m.get("URL").text()?,
    };
    for s in m.get("subject").texts()? {
        d.subjects.push(lang_text(s, None));
    }
    d.funding = fundings(&m.get("funder"))?;
    related(m, &mut d.related)?;
    for id in m.get("alternative-id").texts()? {
        if normalize_doi(&id).as_deref() != Some(doi.as_str()) && !d.alternate_ids.contains(&id) {
            d.alternate_ids.push(id);
        }
    }
    Ok(Item {
        deposit: d,
        raw: canonical(m.v)?,
    })
}

/// A text in the work's declared `language`, unless the text says
/// otherwise: a work declared `ja` often has its English title too, and
/// one declared `en` its Japanese one.
fn text_in(text: String, declared: Option<&str>) -> LangText {
    let guessed = guess_lang(&text);
    let lang = match declared.map(|l| l.trim().to_ascii_lowercase()) {
        None => guessed.map(String::from),
        Some(l) if l.starts_with("ja") => guessed.map(|_| l),
        Some(l) if guessed.is_some() && !(l.starts_with("zh") || l.starts_with("ko")) => {
            guessed.map(String::from)
        }
        Some(l) => Some(l),
    };
    LangText::new(text, lang.as_deref())
}

/// An author; `None` when it has no name at all.
fn author(a: &At<'_>) -> Result<Option<Creator>, ParseError> {
    if a.object("an author (an object)")?.is_none() {
        return Err(a.shape("an author (an object)"));
    }
    let given = a.get("given").text()?;
    let family = a.get("family").text()?;
    let written = a.get("name").text()?;
    let organisation = written.is_some() && given.is_none() && family.is_none();
    let name = match (written, &family, &given) {
        (Some(n), _, _) => n,
        (None, Some(f), Some(g)) => format!("{f}, {g}"),
        (None, Some(n), None) | (None, None, Some(n)) => n.clone(),
        (None, None, None) => return Ok(None),
    };
    let orcid = a.get("ORCID").text()?.and_then(|o| normalize_orcid(&o));
    let mut affiliations = Vec::new();
    for x in a.get("affiliation").items()? {
        let aff = match x.v {
            serde_json::Value::Object(_) => {
                let mut ror = None;
                for id in x.get("id").items_or_one()? {
                    let (value, kind) = match id.v {
                        serde_json::Value::Object(_) => {
                            (id.get("id").text()?, id.get("id-type").text()?)
                        }
                        _ => (id.text()?, None),
                    };
                    let Some(value) = value else { continue };
                    let is_ror = match kind {
                        Some(k) => k.eq_ignore_ascii_case("ROR"),
                        None => value.to_ascii_lowercase().contains("ror.org"),
                    };
                    if is_ror && ror.is_none() {
                        ror = normalize_ror(&value);
                    }
                }
                match x.get("name").text()?.or_else(|| ror.clone()) {
                    Some(name) => Affiliation { name, ror },
                    None => continue,
                }
            }
            _ => match x.text()? {
                Some(name) => Affiliation { name, ror: None },
                None => continue,
            },
        };
        if !affiliations.contains(&aff) {
            affiliations.push(aff);
        }
    }
    Ok(Some(Creator {
        name,
        other_names: Vec::new(),
        given_name: given,
        family_name: family,
        organisation,
        orcid,
        affiliations,
    }))
}

/// One funder of a work, its entries merged.
#[derive(Debug)]
struct FunderEntry {
    name: Option<String>,
    /// The bare funder DOI as written.
    doi: Option<String>,
    /// Awards, as written and normalised.
    awards: Vec<(String, Option<String>)>,
}

impl FunderEntry {
    fn funder_id(&self) -> Option<String> {
        self.doi.as_ref().map(|d| format!("https://doi.org/{d}"))
    }

    fn funding(&self, award: Option<&(String, Option<String>)>) -> Funding {
        Funding {
            funder_name: self.name.clone(),
            funder_id: self.funder_id(),
            funder_id_type: self.doi.as_ref().map(|_| FUNDER_ID_TYPE.to_string()),
            award_number: award.map(|a| a.0.clone()),
            award_normalised: award.and_then(|a| a.1.clone()),
            award_title: None,
            award_uri: None,
        }
    }

    /// Whether an entry with this DOI and name key is of this funder: the
    /// same DOI, or the same name where one of them has no DOI.
    fn is(&self, doi: Option<&str>, name: Option<&str>) -> bool {
        match (self.doi.as_deref(), doi) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => {
                let mine = self.name.as_deref().map(name_key).filter(|k| !k.is_empty());
                matches!((mine, name), (Some(a), Some(b)) if a == b)
            }
        }
    }
}

/// The fundings of a work's `funder` list, tidied (see [`parse_work`]).
fn fundings(list: &At<'_>) -> Result<Vec<Funding>, ParseError> {
    let mut funders: Vec<FunderEntry> = Vec::new();
    for f in list.items()? {
        if f.object("a funder (an object)")?.is_none() {
            return Err(f.shape("a funder (an object)"));
        }
        let doi = f
            .get("DOI")
            .text()?
            .map(|d| bare_doi(&d))
            .filter(|d| !d.is_empty());
        let name = f.get("name").text()?;
        let mut awards = Vec::new();
        for a in f.get("award").texts()? {
            awards.extend(award_pieces(&a));
        }
        let key = name.as_deref().map(name_key).filter(|k| !k.is_empty());
        match funders
            .iter_mut()
            .find(|e| e.is(doi.as_deref(), key.as_deref()))
        {
            Some(e) => {
                if e.name.is_none() {
                    e.name = name;
                }
                if e.doi.is_none() {
                    e.doi = doi;
                }
                e.awards.extend(awards);
            }
            None => funders.push(FunderEntry { name, doi, awards }),
        }
    }
    // AMED numbers listed under another funder's entry belong to AMED, when an entry names it.
    let amed: &Funder = &CatalogConfig::builtin().funder;
    let is_amed: Vec<bool> = funders
        .iter()
        .map(|e| names_funder(&e.funding(None), amed))
        .collect();
    if let Some(target) = is_amed.iter().position(|a| *a) {
        let mut moved = Vec::new();
        for (e, _) in funders.iter_mut().zip(&is_amed).filter(|(_, a)| !**a) {
            let (amed_awards, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut e.awards)
                .into_iter()
                .partition(|(_, n)| n.is_some());
            e.awards = kept;
            moved.extend(amed_awards);
        }
        if let Some(t) = funders.get_mut(target) {
            t.awards.extend(moved);
        }
    }
    let mut out = Vec::new();
    for e in &mut funders {
        let mut seen: Vec<String> = Vec::new();
        e.awards.retain(|(w, n)| {
            let key = n.clone().unwrap_or_else(|| name_key(w));
            let new = !seen.contains(&key);
            seen.push(key);
            new
        });
        if e.awards.is_empty() {
            out.push(e.funding(None));
        } else {
            out.extend(e.awards.iter().map(|a| e.funding(Some(a))));
        }
    }
    Ok(out)
}

/// The work's relations (`relation`, and the `reference`s that carry a DOI).
fn related(m: &At<'_>, out: &mut Vec<Related>) -> Result<(), ParseError> {
    let mut push = |r: Related| {
        if !out.contains(&r) {
            out.push(r);
        }
    };
    let rel = m.get("relation");
    if let Some(map) = rel.object("the relations (an object)")? {
        for key in map.keys() {
            let relation = relation_term(key);
            for r in rel.get(key).items_or_one()? {
                if r.object("a relation (an object)")?.is_none() {
                    return Err(r.shape("a relation (an object)"));
                }
                let Some(identifier) = r.get("id").text()? else {
                    continue;
                };
                let scheme = match r.get("id-type").text()? {
                    Some(t) => scheme_name(&t),
                    None if normalize_doi(&identifier).is_some() => "DOI".to_string(),
                    None => "Other".to_string(),
                };
                push(Related {
                    identifier,
                    scheme,
                    relation: relation.clone(),
                });
            }
        }
    }
    for r in m.get("reference").items()? {
        if r.object("a reference (an object)")?.is_none() {
            return Err(r.shape("a reference (an object)"));
        }
        if let Some(identifier) = r.get("DOI").text()? {
            push(Related {
                identifier,
                scheme: "DOI".to_string(),
                relation: "References".to_string(),
            });
        }
    }
    Ok(())
}

/// A Crossref relation type in DataCite's terms: kebab case to upper camel
/// case (`is-supplemented-by` → `IsSupplementedBy`), with the few whose
/// DataCite names differ.
fn relation_term(kebab: &str) -> String {
    let special = match kebab {
        "is-review-of" => Some("Reviews"),
        "has-review" => Some("IsReviewedBy"),
        "has-derivation" => Some("IsSourceOf"),
        "is-replaced-by" => Some("IsObsoletedBy"),
        "replaces" => Some("Obsoletes"),
        "is-same-as" => Some("IsIdenticalTo"),
        _ => None,
    };
    if let Some(s) = special {
        return s.to_string();
    }
    kebab
        .split(['-', '_'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut cs = p.chars();
            match cs.next() {
                Some(c) => c.to_uppercase().chain(cs).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// A Crossref `id-type` as DataCite names the scheme.
fn scheme_name(id_type: &str) -> String {
    match id_type.trim().to_ascii_lowercase().as_str() {
        "uri" | "url" => "URL".into(),
        "other" => "Other".into(),
        "arxiv" => "arXiv".into(),
        t => t.to_ascii_uppercase(),
    }
}

/// The general resource type (DataCite's `resourceTypeGeneral`) of a Crossref work type.
pub fn resource_type_general(t: &str) -> Option<&'static str> {
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    Some(match t.to_ascii_lowercase().as_str() {
        "dataset" => "Dataset",
        "journal-article" => "JournalArticle",
        "posted-content" => "Preprint",
        "report" => "Report",
        "book" => "Book",
        "book-chapter" => "BookChapter",
        "proceedings-article" => "ConferencePaper",
        "dissertation" => "Dissertation",
        "component" => "Other",
        "peer-review" => "PeerReview",
        _ => "Text",
    })
}

/// A funder DOI without its resolver (`https://doi.org/10.13039/…` →
/// `10.13039/…`), its letter case kept.
fn bare_doi(id: &str) -> String {
    let t = id.trim();
    let lower = t.to_ascii_lowercase();
    for p in [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ] {
        if lower.starts_with(p) {
            return t.get(p.len()..).unwrap_or(t).trim().to_string();
        }
    }
    t.to_string()
}

/// A date's `date-time`, else its `date-parts`.
fn date_time(d: &At<'_>) -> Result<Option<String>, ParseError> {
    if d.object("a date (an object)")?.is_none() {
        return Ok(None);
    }
    match d.get("date-time").text()? {
        Some(t) => Ok(Some(t)),
        None => date_parts(d),
    }
}

/// A date's `date-parts` (`[[2024, 3, 31]]`) as `2024`, `2024-03` or
/// `2024-03-31`; `None` when its year is unknown (`[[null]]`).
fn date_parts(d: &At<'_>) -> Result<Option<String>, ParseError> {
    if d.object("a date (an object)")?.is_none() {
        return Ok(None);
    }
    let parts = d.get("date-parts").items()?;
    let Some(first) = parts.first() else {
        return Ok(None);
    };
    let mut nums = Vec::new();
    for p in first.items()?.iter().take(3) {
        let n = match p.v {
            serde_json::Value::Number(n) => n.as_u64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        match n {
            Some(n) => nums.push(n),
            None => break,
        }
    }
    let ok = |i: usize, lo: u64, hi: u64| nums.get(i).filter(|n| (lo..=hi).contains(*n)).copied();
    let Some(year) = ok(0, 1, 9999) else {
        return Ok(None);
    };
    let mut out = format!("{year:04}");
    if let Some(month) = ok(1, 1, 12) {
        out.push_str(&format!("-{month:02}"));
        if let Some(day) = ok(2, 1, 31) {
            out.push_str(&format!("-{day:02}"));
        }
    }
    Ok(Some(out))
}

fn push_date(dates: &mut Vec<DepositDate>, kind: &str, value: String) {
    let d = DepositDate {
        kind: kind.to_string(),
        value,
    };
    if !dates.contains(&d) {
        dates.push(d);
    }
}

/// The text of a JATS abstract (`<jats:p>…</jats:p>`): tags stripped,
/// entities decoded, one line per paragraph, a leading "Abstract" heading
/// dropped; with the abstract's `xml:lang` when it has one.
fn jats_text(xml: &str) -> (String, Option<String>) {
    const BLOCKS: [&str; 10] = [
        "p",
        "title",
        "sec",
        "abstract",
        "list",
        "list-item",
        "break",
        "disp-quote",
        "caption",
        "trans-abstract",
    ];
    let mut blocks: Vec<(bool, String)> = Vec::new();
    let mut cur = String::new();
    let mut in_title = false;
    let mut lang = None;
    let flush = |blocks: &mut Vec<(bool, String)>, cur: &mut String, title: bool| {
        let text = decode_entities(cur)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !text.is_empty() {
            blocks.push((title, text));
        }
        cur.clear();
    };
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        cur.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i + 1..).unwrap_or("");
        let is_tag =
            after.starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
        let close = after.find('>');
        let (Some(j), true) = (close, is_tag) else {
            // A `<` that opens no tag is text.
            cur.push('<');
            rest = after;
            continue;
        };
        let tag = after.get(..j).unwrap_or("");
        rest = after.get(j + 1..).unwrap_or("");
        let closing = tag.starts_with('/');
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        let local = name.rsplit(':').next().unwrap_or(name).to_ascii_lowercase();
        if local == "abstract" && !closing && lang.is_none() {
            lang = attribute(tag, "xml:lang");
        }
        if BLOCKS.contains(&local.as_str()) {
            flush(&mut blocks, &mut cur, in_title);
            in_title = local == "title" && !closing;
        } else if !cur.ends_with(char::is_whitespace)
            && matches!(local.as_str(), "td" | "th" | "tr" | "br")
        {
            cur.push(' ');
        }
    }
    cur.push_str(rest);
    flush(&mut blocks, &mut cur, in_title);
    if let Some((true, first)) = blocks.first() {
        let heading = first.trim_end_matches([':', '.', '：']).to_lowercase();
        if ["abstract", "summary", "要旨", "抄録", "概要", "要約"].contains(&heading.as_str())
        {
            blocks.remove(0);
        }
    }
    let text = blocks
        .into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join("\n");
    (text, lang)
}

/// An attribute's value in a start tag's text.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!("{name}="))?;
    let rest = tag.get(at + name.len() + 1..)?;
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = rest.get(1..)?;
    let end = value.find(quote)?;
    let v = value.get(..end)?.trim();
    (!v.is_empty()).then(|| v.to_string())
}

/// XML's entities and character references decoded.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i + 1..).unwrap_or("");
        let semi = after.find(';').filter(|j| *j <= 10);
        let decoded = semi.and_then(|j| {
            let name = after.get(..j)?;
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, j))
        });
        match decoded {
            Some((c, j)) => {
                out.push(c);
                rest = after.get(j + 1..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Option<Vec<u8>> {
        let dir = dmpgraph_dev::testing::fixtures_dir()?;
        let path = dir.join("external/crossref").join(name);
        Some(std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
    }

    fn amed() -> Funder {
        CatalogConfig::builtin().funder.clone()
    }

    fn work(message: serde_json::Value) -> Vec<u8> {
        serde_json::to_vec(
            &serde_json::json!({"status": "ok", "message-type": "work", "message": message}),
        )
        .unwrap()
    }

    /// `(funder name, funder id, award as written, normalised)` of each funding.
    type Row<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
    );

    fn awards(d: &Deposit) -> Vec<Row<'_>> {
        d.funding
            .iter()
            .map(|f| {
                (
                    f.funder_name.as_deref(),
                    f.funder_id.as_deref(),
                    f.award_number.as_deref(),
                    f.award_normalised.as_deref(),
                )
            })
            .collect()
    }

    const AMED_NAME: &str = "Japan Agency for Medical Research and Development";
    const AMED_ID: &str = "https://doi.org/10.13039/100009619";

    #[test]
    fn one_work_maps_every_field() {
        let Some(body) = fixture("work.json") else {
            return;
        };
        let item = parse_work(&body).unwrap();
        let d = &item.deposit;
        assert_eq!(d.source, Source::Crossref);
        assert_eq!(d.id.to_string(), "doi:10.99999/example.article.7");
        assert_eq!(d.entry_type, "work");
        assert_eq!(
            d.titles,
            vec![LangText::new(
                "Germline variants in an intractable disease cohort",
                None
            )]
        );
        let c = &d.creators[0];
        assert_eq!(c.name, "Yamada, Hanako");
        assert_eq!(c.given_name.as_deref(), Some("Hanako"));
        assert!(!c.organisation);
        assert_eq!(
            c.orcid.as_deref(),
            Some("https://orcid.org/0000-0002-1825-0097")
        );
        assert_eq!(
            c.affiliations,
            vec![Affiliation {
                name: "Example Medical University".into(),
                ror: None
            }]
        );
        assert_eq!(d.publisher.as_deref(), Some("Example Publisher"));
        assert_eq!(d.resource_type.as_deref(), Some("journal-article"));
        assert_eq!(d.resource_type_general.as_deref(), Some("JournalArticle"));
        let dates: Vec<(&str, &str)> = d
            .dates
            .iter()
            .map(|x| (x.kind.as_str(), x.value.as_str()))
            .collect();
        assert_eq!(
            dates,
            vec![
                ("Created", "2024-05-02T03:04:05Z"),
                ("Issued", "2024-05-01")
            ]
        );
        assert_eq!(d.publication_year, Some(2024));
        assert_eq!(
            awards(d),
            vec![
                (
                    Some(AMED_NAME),
                    Some("https://doi.org/10.13039/EXAMPLE-AMED"),
                    Some("JP23ek0109555"),
                    Some("JP23ek0109555")
                ),
                (
                    Some(AMED_NAME),
                    Some("https://doi.org/10.13039/EXAMPLE-AMED"),
                    Some("ＪＰ２２ｅｋ０１０９５５５"),
                    Some("JP22ek0109555")
                ),
            ]
        );
        assert_eq!(
            d.funding[0].funder_id_type.as_deref(),
            Some("Crossref Funder ID")
        );
        assert_eq!(
            d.related,
            vec![Related {
                identifier: "10.99999/example.dataset.1".into(),
                scheme: "DOI".into(),
                relation: "IsSupplementedBy".into()
            }]
        );
        assert_eq!(
            d.licences,
            vec!["https://creativecommons.org/licenses/by/4.0/".to_string()]
        );
        assert_eq!(
            d.url.as_deref(),
            Some("https://doi.org/10.99999/example.article.7")
        );
        assert_eq!(d.access, None);
        let raw: serde_json::Value = serde_json::from_str(&item.raw).unwrap();
        assert_eq!(raw["DOI"], "10.99999/example.article.7");
        assert!(raw.get("message").is_none());
    }

    #[test]
    fn a_page_has_a_next_cursor_only_when_full() {
        let Some(body) = fixture("works-filter-award.json") else {
            return;
        };
        let page = parse_works(&body, 20).unwrap();
        assert_eq!(page.total, Some(1));
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.next, None, "one work of 20 asked is the last page");
        let first = page.items[0].as_ref().unwrap();
        assert_eq!(
            first.deposit.id.to_string(),
            "doi:10.99999/example.article.7"
        );
        assert_eq!(
            first.deposit.funding[1].award_normalised.as_deref(),
            Some("JP22ek0109555")
        );
        let page = parse_works(&body, 1).unwrap();
        assert_eq!(
            page.next,
            Some(Next::Cursor("DnF1ZXJ5VGhlbkZldGNoBgAAAAAA".into()))
        );
        assert_eq!(parse_works(&body, 0).unwrap().next, None);
    }

    #[test]
    fn messy_funder_lists_are_tidied() {
        let body = work(serde_json::json!({
            "DOI": "10.99999/messy",
            "funder": [
                {"DOI": "10.13039/100009619", "name": AMED_NAME, "doi-asserted-by": "crossref", "award": ["JP21ek0109555"]},
                // The same funder again, the award in full width.
                {"DOI": "10.13039/100009619", "name": AMED_NAME, "doi-asserted-by": "publisher", "award": ["ＪＰ２１ｅｋ０１０９５５５", "JP22ek0109555"]},
                // The same funder by name only, its name in another case and spacing.
                {"name": "japan agency for medical research and  development", "award": ["JP 23-ek-0109555"]},
                // Another funder, with AMED's award in its entry and its own.
                {"DOI": "10.13039/501100001691", "name": "Japan Society for the Promotion of Science", "award": ["JP22ck0106543", "21K12345", "21k12345"]},
                // A funder with no award.
                {"name": "Example Foundation", "award": []}
            ]
        }));
        let d = parse_work(&body).unwrap().deposit;
        let jsps = "Japan Society for the Promotion of Science";
        let jsps_id = "https://doi.org/10.13039/501100001691";
        assert_eq!(
            awards(&d),
            vec![
                (
                    Some(AMED_NAME),
                    Some(AMED_ID),
                    Some("JP21ek0109555"),
                    Some("JP21ek0109555")
                ),
                (
                    Some(AMED_NAME),
                    Some(AMED_ID),
                    Some("JP22ek0109555"),
                    Some("JP22ek0109555")
                ),
                (
                    Some(AMED_NAME),
                    Some(AMED_ID),
                    Some("JP 23-ek-0109555"),
                    Some("JP23ek0109555")
                ),
                (
                    Some(AMED_NAME),
                    Some(AMED_ID),
                    Some("JP22ck0106543"),
                    Some("JP22ck0106543")
                ),
                (Some(jsps), Some(jsps_id), Some("21K12345"), None),
                (Some("Example Foundation"), None, None, None),
            ]
        );
        assert!(names_funder(&d.funding[0], &amed()));
        assert_eq!(d.funding[5].funder_id_type, None);
    }

    #[test]
    fn a_name_without_a_doi_gets_the_doi_of_its_other_entry() {
        let body = work(serde_json::json!({
            "DOI": "10.99999/names",
            "funder": [
                {"name": "AMED", "award": ["21ek0109555h0001"]},
                {"name": "ＡＭＥＤ", "DOI": "https://doi.org/10.13039/100009619"},
                {"name": "Other Agency", "award": ["JP21ek0109555"]}
            ]
        }));
        let d = parse_work(&body).unwrap().deposit;
        assert_eq!(
            awards(&d),
            vec![
                (
                    Some("AMED"),
                    Some(AMED_ID),
                    Some("21ek0109555h0001"),
                    Some("JP21ek0109555")
                ),
                (Some("Other Agency"), None, None, None),
            ]
        );
        // No entry names AMED: an AMED-shaped number stays where it is.
        let body = work(
            serde_json::json!({"DOI": "10.99999/stays", "funder": [{"name": "Other Agency", "award": ["JP21ek0109555, JP22ek0109555"]}]}),
        );
        let d = parse_work(&body).unwrap().deposit;
        assert_eq!(
            awards(&d),
            vec![
                (
                    Some("Other Agency"),
                    None,
                    Some("JP21ek0109555"),
                    Some("JP21ek0109555")
                ),
                (
                    Some("Other Agency"),
                    None,
                    Some("JP22ek0109555"),
                    Some("JP22ek0109555")
                ),
            ]
        );
    }

    #[test]
    fn the_other_fields_map_too() {
        let body = work(serde_json::json!({
            "DOI": "10.99999/X",
            "type": "posted-content",
            "language": "ja",
            "title": ["難病の全ゲノム解析", "Whole genomes of intractable diseases"],
            "subtitle": ["予備的報告", "<i>E. coli</i> &amp; <sub>2</sub>"],
            "abstract": "<jats:abstract xml:lang=\"ja\"><jats:title>Abstract</jats:title><jats:p>全ゲノム &amp; 多層<jats:italic>オミクス</jats:italic>解析。</jats:p>\n<jats:p>p < 0.05 &lt;a&gt; &#x3042;&#12354;</jats:p></jats:abstract>",
            "author": [
                {"name": "Example Consortium", "sequence": "additional", "affiliation": []},
                {"given": "Taro", "family": "Suzuki", "ORCID": "http://orcid.org/0000-0002-1694-233X",
                 "affiliation": [{"name": "AMED", "id": [{"id": "https://ror.org/01b9y6c26", "id-type": "ROR", "asserted-by": "publisher"}]}, {"name": "Example University"}]},
                {"sequence": "additional"}
            ],
            "created": {"date-parts": [[2024, 1, 2]], "date-time": "2024-01-02T00:00:00Z"},
            "issued": {"date-parts": [[2023, 12]]},
            "published-online": {"date-parts": [[2023]]},
            "published-print": {"date-parts": [[null]]},
            "deposited": {"date-parts": [[2024, 2, 3]], "date-time": "2024-02-03T04:05:06Z"},
            "URL": "https://doi.org/10.99999/x",
            "resource": {"primary": {"URL": "https://example.org/preprints/x"}},
            "subject": ["Genetics", "遺伝学"],
            "relation": {
                "is-preprint-of": [{"id-type": "doi", "id": "10.99999/article", "asserted-by": "subject"}],
                "has-version": [{"id-type": "uri", "id": "https://example.org/v2", "asserted-by": "subject"}],
                "is-identical-to": {"id-type": "doi", "id": "10.99999/copy", "asserted-by": "object"},
                "is-review-of": []
            },
            "reference": [
                {"key": "ref1", "DOI": "10.99999/cited", "doi-asserted-by": "crossref"},
                {"key": "ref2", "unstructured": "A book."}
            ],
            "alternative-id": ["10.99999/x", "S1234"]
        }));
        let d = parse_work(&body).unwrap().deposit;
        assert_eq!(
            d.titles,
            vec![
                LangText::new("難病の全ゲノム解析", Some("ja")),
                LangText::new("Whole genomes of intractable diseases", None),
                LangText::new("予備的報告", Some("ja")),
                LangText::new("E. coli & 2", None),
            ]
        );
        assert_eq!(
            d.descriptions,
            vec![LangText::new(
                "全ゲノム & 多層オミクス解析。\np < 0.05 <a> ああ",
                Some("ja")
            )]
        );
        assert_eq!(d.creators.len(), 2);
        assert!(d.creators[0].organisation);
        assert_eq!(d.creators[0].name, "Example Consortium");
        assert_eq!(d.creators[1].name, "Suzuki, Taro");
        assert_eq!(
            d.creators[1].orcid.as_deref(),
            Some("https://orcid.org/0000-0002-1694-233X")
        );
        assert_eq!(
            d.creators[1].affiliations,
            vec![
                Affiliation {
                    name: "AMED".into(),
                    ror: Some("https://ror.org/01b9y6c26".into())
                },
                Affiliation {
                    name: "Example University".into(),
                    ror: None
                },
            ]
        );
        assert_eq!(d.resource_type_general.as_deref(), Some("Preprint"));
        let dates: Vec<(&str, &str)> = d
            .dates
            .iter()
            .map(|x| (x.kind.as_str(), x.value.as_str()))
            .collect();
        assert_eq!(
            dates,
            vec![
                ("Created", "2024-01-02T00:00:00Z"),
                ("Issued", "2023-12"),
                ("Available", "2023"),
                ("Updated", "2024-02-03T04:05:06Z")
            ]
        );
        assert_eq!(d.publication_year, Some(2023));
        assert_eq!(d.url.as_deref(), Some("https://example.org/preprints/x"));
        assert_eq!(
            d.subjects,
            vec![
                LangText::new("Genetics", None),
                LangText::new("遺伝学", Some("ja"))
            ]
        );
        let rel: Vec<(&str, &str, &str)> = d
            .related
            .iter()
            .map(|r| {
                (
                    r.relation.as_str(),
                    r.scheme.as_str(),
                    r.identifier.as_str(),
                )
            })
            .collect();
        for want in [
            ("IsPreprintOf", "DOI", "10.99999/article"),
            ("HasVersion", "URL", "https://example.org/v2"),
            ("IsIdenticalTo", "DOI", "10.99999/copy"),
            ("References", "DOI", "10.99999/cited"),
        ] {
            assert!(rel.contains(&want), "{want:?} in {rel:?}");
        }
        assert_eq!(rel.len(), 4);
        assert_eq!(d.alternate_ids, vec!["S1234".to_string()]);
    }

    #[test]
    fn relation_and_type_names_are_datacite_s() {
        for (k, v) in [
            ("is-supplemented-by", "IsSupplementedBy"),
            ("is-supplement-to", "IsSupplementTo"),
            ("references", "References"),
            ("is-referenced-by", "IsReferencedBy"),
            ("has-part", "HasPart"),
            ("is-part-of", "IsPartOf"),
            ("has-preprint", "HasPreprint"),
            ("is-version-of", "IsVersionOf"),
            ("cites", "Cites"),
            ("is-cited-by", "IsCitedBy"),
            ("is-review-of", "Reviews"),
        ] {
            assert_eq!(relation_term(k), v);
        }
        for (t, g) in [
            ("dataset", "Dataset"),
            ("journal-article", "JournalArticle"),
            ("posted-content", "Preprint"),
            ("report", "Report"),
            ("book", "Book"),
            ("book-chapter", "BookChapter"),
            ("proceedings-article", "ConferencePaper"),
            ("dissertation", "Dissertation"),
            ("component", "Other"),
            ("peer-review", "PeerReview"),
            ("monograph", "Text"),
        ] {
            assert_eq!(resource_type_general(t), Some(g), "{t}");
        }
        assert_eq!(resource_type_general(" "), None);
        assert_eq!(scheme_name("doi"), "DOI");
        assert_eq!(scheme_name("uri"), "URL");
        assert_eq!(scheme_name("pmid"), "PMID");
    }

    #[test]
    fn dates_have_one_to_three_parts() {
        let at = |v: serde_json::Value| date_parts(&At::new(&v, "/issued")).unwrap();
        assert_eq!(
            at(serde_json::json!({"date-parts": [[2024]]})).as_deref(),
            Some("2024")
        );
        assert_eq!(
            at(serde_json::json!({"date-parts": [[2024, 3]]})).as_deref(),
            Some("2024-03")
        );
        assert_eq!(
            at(serde_json::json!({"date-parts": [[2024, 3, 31]]})).as_deref(),
            Some("2024-03-31")
        );
        assert_eq!(
            at(serde_json::json!({"date-parts": [["2024", "3"]]})).as_deref(),
            Some("2024-03")
        );
        assert_eq!(at(serde_json::json!({"date-parts": [[null]]})), None);
        assert_eq!(at(serde_json::json!({"date-parts": []})), None);
        assert_eq!(
            at(serde_json::json!({"date-parts": [[2024, 13, 1]]})).as_deref(),
            Some("2024")
        );
        assert!(
            matches!(date_parts(&At::new(&serde_json::json!({"date-parts": 5}), "/issued")), Err(ParseError::Shape { pointer, .. }) if pointer == "/issued/date-parts")
        );
    }

    #[test]
    fn jats_becomes_text() {
        assert_eq!(jats_text("plain text"), ("plain text".to_string(), None));
        assert_eq!(
            jats_text("<jats:sec><jats:title>Background</jats:title><jats:p>One  <jats:sup>2</jats:sup>.</jats:p></jats:sec>").0,
            "Background\nOne 2."
        );
        assert_eq!(jats_text("<abstract xml:lang='en'><title>Summary:</title><p>x &unknown; &#xZZ; & y</p></abstract>"), ("x &unknown; &#xZZ; & y".to_string(), Some("en".to_string())));
        assert_eq!(jats_text("<p>cut <jats:italic").0, "cut <jats:italic");
    }

    #[test]
    fn failures_are_reported_and_wrong_shapes_refused() {
        let failed = br#"{"status": "failed", "message-type": "validation-failure", "message": [{"type": "parameter-not-allowed", "value": "fliter", "message": "This route does not support fliter"}]}"#;
        for r in [
            parse_work(failed).map(|_| ()),
            parse_works(failed, 20).map(|_| ()),
        ] {
            match r {
                Err(ParseError::Reported { pointer, message }) => {
                    assert_eq!(pointer, "/message/0");
                    assert_eq!(message, "This route does not support fliter");
                }
                other => panic!("{other:?}"),
            }
        }
        match parse_work(br#"{"status": "error", "message": "Resource not found."}"#) {
            Err(ParseError::Reported { pointer, message }) => assert_eq!(
                (pointer.as_str(), message.as_str()),
                ("/message", "Resource not found.")
            ),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_work(b"Resource not found."),
            Err(ParseError::Json(_))
        ));
        if let Some(body) = fixture("work.json") {
            assert!(matches!(
                parse_work(&body[..body.len() - 10]),
                Err(ParseError::Json(_))
            ));
        }
        match parse_work(br#"{"status": "ok", "message": 5}"#) {
            Err(ParseError::Shape { pointer, .. }) => assert_eq!(pointer, "/message"),
            other => panic!("{other:?}"),
        }
        match parse_work(br#"{"status": "ok", "message-type": "work-list", "message": {}}"#) {
            Err(ParseError::Shape { pointer, .. }) => assert_eq!(pointer, "/message-type"),
            other => panic!("{other:?}"),
        }
        match parse_works(br#"{"status": "ok", "message": {"items": {}}}"#, 20) {
            Err(ParseError::Shape { pointer, .. }) => assert_eq!(pointer, "/message/items"),
            other => panic!("{other:?}"),
        }
        match parse_work(&work(
            serde_json::json!({"DOI": "10.99999/x", "funder": [{"name": "A", "award": [{}]}]}),
        )) {
            Err(ParseError::Shape { pointer, .. }) => {
                assert_eq!(pointer, "/message/funder/0/award/0")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn one_bad_work_does_not_spoil_its_page() {
        let body = serde_json::json!({
            "status": "ok", "message-type": "work-list",
            "message": {"total-results": 30, "next-cursor": "AoJ+/x==", "items": [
                {"DOI": "10.99999/a", "title": ["A"]},
                {"DOI": "10.99999/b", "title": [{"no": "string"}]},
                {"title": ["no DOI"]}
            ]}
        });
        let page = parse_works(&serde_json::to_vec(&body).unwrap(), 3).unwrap();
        assert_eq!(page.total, Some(30));
        assert_eq!(page.next, Some(Next::Cursor("AoJ+/x==".into())));
        assert_eq!(
            page.items[0].as_ref().unwrap().deposit.titles,
            vec![LangText::new("A", None)]
        );
        match &page.items[1] {
            Err(ParseError::Shape { pointer, .. }) => {
                assert_eq!(pointer, "/message/items/1/title/0")
            }
            other => panic!("{other:?}"),
        }
        match &page.items[2] {
            Err(ParseError::Shape { pointer, .. }) => assert_eq!(pointer, "/message/items/2/DOI"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn urls_and_filters() {
        assert_eq!(
            work_url(
                "https://api.crossref.org",
                "10.99999/example.article.7",
                None
            ),
            "https://api.crossref.org/works/10.99999/example.article.7"
        );
        assert_eq!(
            work_url("http://127.0.0.1:8082/crossref/", "10.1002/(SICI)1097-4571<a>;2-#", Some("dmp@example.org")),
            "http://127.0.0.1:8082/crossref/works/10.1002/%28sici%291097-4571%3Ca%3E%3B2-%23?mailto=dmp%40example.org"
        );
        let f = amed();
        assert_eq!(
            funder_filters(&f, None),
            vec![("funder".to_string(), "10.13039/100009619".to_string())]
        );
        let filters = funder_filters(&f, Some("JP21ek0109555"));
        assert_eq!(
            filters,
            vec![
                ("funder".to_string(), "10.13039/100009619".to_string()),
                ("award.number".to_string(), "JP21ek0109555".to_string())
            ]
        );
        assert_eq!(
            works_url("https://api.crossref.org/", &filters, 100, "*", Some("dmp@example.org")),
            "https://api.crossref.org/works?filter=funder:10.13039%2F100009619,award.number:JP21ek0109555&rows=100&cursor=*&mailto=dmp%40example.org"
        );
        assert_eq!(
            works_url("http://127.0.0.1:1", &[], 20, "AoJ+/x==", None),
            "http://127.0.0.1:1/works?rows=20&cursor=AoJ%2B%2Fx%3D%3D"
        );
    }

    #[test]
    fn the_content_hash_is_stable() {
        let a = br#"{"status": "ok", "message": {"DOI": "10.99999/x", "title": ["T"], "issued": {"date-parts": [[2024]]}}}"#;
        let b = br#"{"message": {"issued": {"date-parts": [[2024]]}, "title": ["T"], "DOI": "10.99999/x"}, "status": "ok"}"#;
        let (x, y, z) = (
            parse_work(a).unwrap(),
            parse_work(a).unwrap(),
            parse_work(b).unwrap(),
        );
        assert_eq!(x.content_hash(), y.content_hash());
        assert_eq!(x.content_hash(), z.content_hash());
        if let Some(body) = fixture("work.json") {
            assert_eq!(
                parse_work(&body).unwrap().content_hash(),
                parse_work(&body).unwrap().content_hash()
            );
        }
    }

    #[test]
    fn no_input_panics() {
        let inputs: [&[u8]; 11] = [
            b"",
            b"[]",
            br#"{"status": "failed"}"#,
            br#"{"status": "failed", "message": []}"#,
            br#"{"status": "failed", "message": [5]}"#,
            br#"{"status": 5}"#,
            br#"{"message": {"items": [null, 1, {"DOI": 10}]}}"#,
            br#"{"message": {"DOI": "10.99999/x", "issued": {"date-parts": [[99999999999999999999]]}, "abstract": "<<<&&&;;<a"}}"#,
            br#"{"message": {"DOI": "10.99999/x", "relation": {"cites": [5]}}}"#,
            br#"{"message": {"DOI": "10.99999/x", "funder": [{"award": "JP21ek0109555"}, {}]}}"#,
            br#"{"message": {"DOI": "10.99999/x", "created": 5, "author": [{"affiliation": [{"id": [{"id": 5}]}]}]}}"#,
        ];
        for i in inputs {
            let _ = parse_work(i);
            let _ = parse_works(i, 1);
        }
    }
}
