//! DataCite's REST API (JSON:API): one DOI (`/dois/{doi}`) and searches
//! by funding reference (`/dois?query=…`, paged by `links.next`).

use super::{
    award_pieces, canonical, encode, lang_text, normalize_orcid, normalize_ror, trim_base, At,
    DOI_PATH, QUERY_VALUE,
};
use super::{Item, Next, Page, ParseError};
use dmpgraph_model::award::AwardNumber;
use dmpgraph_model::deposit::{
    Access, Affiliation, Creator, Deposit, DepositDate, Funding, Related, Source,
};
use dmpgraph_model::identity::{normalize_doi, Identifier};
use dmpgraph_model::Funder;

/// The URL of one DOI.
///
/// The DOI is written as a path (`/dois/10.1234/abc`, which DataCite
/// takes with its `/` literal); every other character outside RFC 3986's
/// unreserved ones is percent-encoded (`<`, `;`, `#`, spaces, non-ASCII).
/// A resolver URL or `doi:` form is reduced to the bare DOI first.
pub fn doi_url(base: &str, doi: &str) -> String {
    let doi = normalize_doi(doi).unwrap_or_else(|| doi.trim().to_string());
    format!("{}/dois/{}", trim_base(base), encode(&doi, DOI_PATH))
}

/// The URL of the first page of a search (`query` an Elasticsearch query string).
///
/// Cursor paging (`page[cursor]=1`, then `links.next`), with
/// `affiliation=true&publisher=true` so that affiliations come as objects
/// with their ROR ids and the publisher as an object.
pub fn search_url(base: &str, query: &str, size: u32) -> String {
    format!(
        "{}/dois?query={}&page%5Bsize%5D={size}&page%5Bcursor%5D=1&affiliation=true&publisher=true",
        trim_base(base),
        encode(query, QUERY_VALUE)
    )
}

/// The query for everything `funder` funded (by name, ROR, Crossref
/// Funder ID), or, with `awards`, for those awards in every year's form.
///
/// Without awards: the funder's names (English, Japanese with and without
/// its legal form, the abbreviation) in `fundingReferences.funderName`, its
/// Crossref Funder ID (as a URL and bare) and its ROR (as a URL and bare) in
/// `fundingReferences.funderIdentifier`, each quoted (so `/` and `:` need no
/// escaping), OR'd.
///
/// With awards: `fundingReferences.awardNumber:*ek0109555*` (programme and
/// serial between wildcards, so that every year's acknowledgement number
/// `JP21ek0109555`, `JP22ek0109555`, … and the 課題管理番号
/// `21ek0109555h0001` match; also in upper case, should the field be
/// matched case-sensitively), one per project, OR'd, and the funder is
/// *not* required: an AMED award number's shape is specific enough, while
/// DataCite drops a `funderIdentifier` of type `Other` and deposits name
/// the funder in many ways. (Full-width or hyphenated forms are not found
/// by this query; the funder query without awards finds those records by
/// funder.)
pub fn funder_query(funder: &Funder, awards: &[AwardNumber]) -> String {
    let mut clauses: Vec<String> = Vec::new();
    let mut push = |c: String| {
        if !clauses.contains(&c) {
            clauses.push(c);
        }
    };
    if awards.is_empty() {
        let short_ja = funder.name_ja.trim().trim_start_matches("国立研究開発法人");
        for name in [
            funder.name.as_str(),
            funder.name_ja.as_str(),
            short_ja,
            funder.abbreviation.as_str(),
        ] {
            let name = name.trim();
            if !name.is_empty() {
                push(format!("fundingReferences.funderName:{}", quoted(name)));
            }
        }
        for id in [funder.crossref_funder_id.as_str(), funder.ror.as_str()] {
            let id = id.trim();
            if id.is_empty() {
                continue;
            }
            push(format!("fundingReferences.funderIdentifier:{}", quoted(id)));
            let bare = strip_scheme(id);
            if !bare.is_empty() && bare != id {
                push(format!(
                    "fundingReferences.funderIdentifier:{}",
                    quoted(bare)
                ));
            }
        }
    } else {
        for a in awards {
            let project = a.project();
            for key in [project.clone(), project.to_ascii_uppercase()] {
                push(format!(
                    "fundingReferences.awardNumber:*{}*",
                    escape_term(&key)
                ));
            }
        }
    }
    clauses.join(" OR ")
}

/// `https://doi.org/10.13039/…` → `10.13039/…`, `https://ror.org/0…` → `0…`.
fn strip_scheme(id: &str) -> &str {
    let lower = id.to_ascii_lowercase();
    for p in [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "https://ror.org/",
        "http://ror.org/",
    ] {
        if lower.starts_with(p) {
            return id.get(p.len()..).unwrap_or(id);
        }
    }
    id
}

/// A phrase for an Elasticsearch query string.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A term for an Elasticsearch query string, its reserved characters escaped.
fn escape_term(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "+-=&|><!(){}[]^\"~*?:\\/ ".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Maps a `/dois/{doi}` response.
pub fn parse_doi(body: &[u8]) -> Result<Item, ParseError> {
    let v = super::json(body)?;
    let root = checked_root(&v)?;
    let data = root.get("data");
    if data.object("a DOI record (an object)")?.is_none() {
        return Err(data.shape("a DOI record (an object)"));
    }
    map_record(&data)
}

/// Maps a search page.
///
/// A record that cannot be mapped is an `Err` among the items; the page's
/// other records are still mapped. `next` is `links.next` as given (the run
/// rebases it onto the configured base URL).
pub fn parse_search(body: &[u8]) -> Result<Page, ParseError> {
    let v = super::json(body)?;
    let root = checked_root(&v)?;
    let data = root.get("data");
    if !data.v.is_array() {
        return Err(data.shape("an array of DOI records"));
    }
    let items = data.items()?.iter().map(map_record).collect();
    let total_at = root.get("meta").get("total");
    let total = match total_at.v {
        serde_json::Value::Null => None,
        serde_json::Value::Number(n) => Some(n.as_u64().ok_or_else(|| total_at.shape("a count"))?),
        serde_json::Value::String(s) => {
            Some(s.trim().parse().map_err(|_| total_at.shape("a count"))?)
        }
        _ => return Err(total_at.shape("a count")),
    };
    let next = root.get("links").get("next").text()?.map(Next::Url);
    Ok(Page { items, next, total })
}

/// The body's root object, unless it is an error document.
fn checked_root(v: &serde_json::Value) -> Result<At<'_>, ParseError> {
    let root = At::new(v, "");
    if root.object("a JSON:API document (an object)")?.is_none() {
        return Err(root.shape("a JSON:API document (an object)"));
    }
    let errors = root.get("errors").items()?;
    if let Some(first) = errors.first() {
        let title = first.get("title").text().ok().flatten();
        let detail = first.get("detail").text().ok().flatten();
        let status = first.get("status").text().ok().flatten();
        let text = match (title, detail) {
            (Some(t), Some(d)) if t != d => format!("{t}: {d}"),
            (Some(t), _) => t,
            (None, Some(d)) => d,
            (None, None) => "an error without a title".to_string(),
        };
        let message = match status {
            Some(s) => format!("{s} {text}"),
            None => text,
        };
        return Err(ParseError::Reported {
            pointer: first.ptr.clone(),
            message,
        });
    }
    Ok(root)
}

/// Maps one record (`{"id", "type": "dois", "attributes": {…}}`).
fn map_record(rec: &At<'_>) -> Result<Item, ParseError> {
    if rec.object("a DOI record (an object)")?.is_none() {
        return Err(rec.shape("a DOI record (an object)"));
    }
    let kind = rec.get("type");
    let entry_type = kind.text()?.unwrap_or_else(|| "dois".to_string());
    if entry_type != "dois" {
        return Err(kind.shape("\"dois\""));
    }
    let a = rec.get("attributes");
    if a.object("the record's attributes (an object)")?.is_none() {
        return Err(a.shape("the record's attributes (an object)"));
    }
    let doi_at = a.get("doi");
    let written = match doi_at.text()? {
        Some(d) => d,
        None => rec.get("id").text()?.ok_or_else(|| doi_at.shape("a DOI"))?,
    };
    let doi = normalize_doi(&written).ok_or_else(|| doi_at.shape("a DOI"))?;
    let mut d = Deposit::new(Source::DataCite, Identifier::parse(&written));
    d.entry_type = entry_type;

    for t in a.get("titles").items()? {
        if let Some(text) = t.get("title").text()? {
            let lang = t.get("lang").text()?;
            d.titles.push(lang_text(text, lang.as_deref()));
        }
    }
    for t in a.get("descriptions").items()? {
        let lang = t.get("lang").text()?;
        for text in t.get("description").texts()? {
            d.descriptions.push(lang_text(text, lang.as_deref()));
        }
    }
    for c in a.get("creators").items()? {
        if let Some(creator) = creator(&c)? {
            d.creators.push(creator);
        }
    }
    let publisher = a.get("publisher");
    d.publisher = match publisher.v {
        serde_json::Value::Object(_) => publisher.get("name").text()?,
        _ => publisher.text()?,
    };
    let year = a.get("publicationYear");
    d.publication_year = year.text()?.and_then(|y| leading_year(&y));

    for x in a.get("dates").items()? {
        if let Some(value) = x.get("date").text()? {
            let kind = x
                .get("dateType")
                .text()?
                .unwrap_or_else(|| "Other".to_string());
            push_date(&mut d.dates, kind, value);
        }
    }
    // The registry's own dates stand in for the record's when it gives none of that kind.
    for (key, kind) in [("created", "Created"), ("updated", "Updated")] {
        if let Some(value) = a.get(key).text()? {
            if !d.dates.iter().any(|x| x.kind == kind) {
                push_date(&mut d.dates, kind.to_string(), value);
            }
        }
    }
    let types = a.get("types");
    types.object("the resource types (an object)")?;
    d.resource_type_general = types.get("resourceTypeGeneral").text()?;
    d.resource_type = types.get("resourceType").text()?;

    for r in a.get("rightsList").items()? {
        let uri = r.get("rightsUri").text()?;
        let name = r.get("rights").text()?;
        let ident = r.get("rightsIdentifier").text()?;
        let access = [uri.as_deref(), name.as_deref()]
            .into_iter()
            .flatten()
            .find_map(access_of);
        if let Some(access) = access {
            d.access.get_or_insert(access);
            continue;
        }
        if let Some(l) = uri.or(name).or(ident) {
            if !d.licences.contains(&l) {
                d.licences.push(l);
            }
        }
    }
    for f in a.get("fundingReferences").items()? {
        d.funding.extend(fundings(&f)?);
    }
    for r in a.get("relatedIdentifiers").items()? {
        let (Some(identifier), Some(relation)) = (
            r.get("relatedIdentifier").text()?,
            r.get("relationType").text()?,
        ) else {
            continue;
        };
        let scheme = r
            .get("relatedIdentifierType")
            .text()?
            .unwrap_or_else(|| guess_scheme(&identifier));
        let rel = Related {
            identifier,
            scheme,
            relation,
        };
        if !d.related.contains(&rel) {
            d.related.push(rel);
        }
    }
    d.url = a.get("url").text()?;
    for s in a.get("subjects").items()? {
        if let Some(text) = s.get("subject").text()? {
            let lang = s.get("lang").text()?;
            d.subjects.push(lang_text(text, lang.as_deref()));
        }
    }
    d.formats = a.get("formats").texts()?;
    d.sizes = a.get("sizes").texts()?;
    d.version = a.get("version").text()?;
    d.state = a.get("state").text()?;
    for (list, key) in [
        ("identifiers", "identifier"),
        ("alternateIdentifiers", "alternateIdentifier"),
    ] {
        for x in a.get(list).items()? {
            let Some(id) = x.get(key).text()? else {
                continue;
            };
            // DataCite lists the DOI itself among the identifiers.
            if normalize_doi(&id).as_deref() == Some(doi.as_str()) || d.alternate_ids.contains(&id)
            {
                continue;
            }
            d.alternate_ids.push(id);
        }
    }
    Ok(Item {
        deposit: d,
        raw: canonical(rec.v)?,
    })
}

/// A creator; `None` when it has no name at all.
fn creator(c: &At<'_>) -> Result<Option<Creator>, ParseError> {
    if c.object("a creator (an object)")?.is_none() {
        return Err(c.shape("a creator (an object)"));
    }
    let given = c.get("givenName").text()?;
    let family = c.get("familyName").text()?;
    let name = match c.get("name").text()? {
        Some(n) => n,
        None => match (&family, &given) {
            (Some(f), Some(g)) => format!("{f}, {g}"),
            (Some(n), None) | (None, Some(n)) => n.clone(),
            (None, None) => return Ok(None),
        },
    };
    let organisation = c
        .get("nameType")
        .text()?
        .is_some_and(|t| t.eq_ignore_ascii_case("Organizational"));
    let mut orcid = None;
    for n in c.get("nameIdentifiers").items_or_one()? {
        let (id, scheme) = match n.v {
            serde_json::Value::Object(_) => (
                n.get("nameIdentifier").text()?,
                n.get("nameIdentifierScheme").text()?,
            ),
            _ => (n.text()?, None),
        };
        let Some(id) = id else { continue };
        let is_orcid = match scheme {
            Some(s) => s.eq_ignore_ascii_case("ORCID"),
            None => id.to_ascii_lowercase().contains("orcid.org"),
        };
        if is_orcid && orcid.is_none() {
            orcid = normalize_orcid(&id);
        }
    }
    let mut affiliations = Vec::new();
    for x in c.get("affiliation").items_or_one()? {
        let aff = match x.v {
            serde_json::Value::Object(_) => {
                let id = x.get("affiliationIdentifier").text()?;
                let scheme = x.get("affiliationIdentifierScheme").text()?;
                let ror = id.as_deref().filter(|id| match &scheme {
                    Some(s) => s.eq_ignore_ascii_case("ROR"),
                    None => id.to_ascii_lowercase().contains("ror.org"),
                });
                let ror = ror.and_then(normalize_ror);
                match x.get("name").text()?.or(id) {
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

/// The fundings of one funding reference: one per award number it holds
/// (an award field listing several is split), one without an award when
/// it has none; none when the reference is empty.
fn fundings(f: &At<'_>) -> Result<Vec<Funding>, ParseError> {
    if f.object("a funding reference (an object)")?.is_none() {
        return Err(f.shape("a funding reference (an object)"));
    }
    let base = Funding {
        funder_name: f.get("funderName").text()?,
        funder_id: f.get("funderIdentifier").text()?,
        funder_id_type: f.get("funderIdentifierType").text()?,
        award_number: None,
        award_normalised: None,
        award_title: f.get("awardTitle").text()?,
        award_uri: f.get("awardUri").text()?,
    };
    let pieces = match f.get("awardNumber").text()? {
        Some(a) => award_pieces(&a),
        None => Vec::new(),
    };
    if pieces.is_empty() {
        let empty = base.funder_name.is_none()
            && base.funder_id.is_none()
            && base.award_title.is_none()
            && base.award_uri.is_none();
        return Ok(if empty { Vec::new() } else { vec![base] });
    }
    Ok(pieces
        .into_iter()
        .map(|(written, normalised)| Funding {
            award_number: Some(written),
            award_normalised: normalised,
            ..base.clone()
        })
        .collect())
}

/// The access an access-rights URI states (`info:eu-repo/semantics/…`,
/// COAR access rights); `None` for any other right (a licence).
fn access_of(uri: &str) -> Option<Access> {
    let u = uri.trim().to_ascii_lowercase();
    if let Some(rest) = u.strip_prefix("info:eu-repo/semantics/") {
        return match rest.trim_end_matches('/') {
            "openaccess" => Some(Access::Open),
            "restrictedaccess" => Some(Access::Restricted),
            "embargoedaccess" => Some(Access::Embargoed),
            "closedaccess" => Some(Access::Closed),
            _ => None,
        };
    }
    let coar = u
        .strip_prefix("http://purl.org/coar/access_right/")
        .or_else(|| u.strip_prefix("https://purl.org/coar/access_right/"))?;
    match coar.trim_end_matches('/') {
        "c_abf2" => Some(Access::Open),
        "c_16ec" => Some(Access::Restricted),
        "c_f1cf" => Some(Access::Embargoed),
        "c_14cb" => Some(Access::Closed),
        _ => None,
    }
}

/// A related identifier's scheme when the record does not say it.
fn guess_scheme(id: &str) -> String {
    if normalize_doi(id).is_some() {
        "DOI".into()
    } else if id.starts_with("http://") || id.starts_with("https://") {
        "URL".into()
    } else {
        "Other".into()
    }
}

/// The year a `publicationYear` (or a date) starts with.
fn leading_year(text: &str) -> Option<i32> {
    let digits: String = text
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (digits.len() == 4).then(|| digits.parse().ok()).flatten()
}

fn push_date(dates: &mut Vec<DepositDate>, kind: String, value: String) {
    let d = DepositDate { kind, value };
    if !dates.contains(&d) {
        dates.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dmpgraph_model::deposit::LangText;

    fn fixture(name: &str) -> Option<Vec<u8>> {
        let dir = dmpgraph_dev::testing::fixtures_dir()?;
        let path = dir.join("external/datacite").join(name);
        Some(std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
    }

    fn amed() -> Funder {
        dmpgraph_model::CatalogConfig::builtin().funder.clone()
    }

    fn record(attributes: serde_json::Value) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({"data": {"id": "10.99999/x", "type": "dois", "attributes": attributes}})).unwrap()
    }

    #[test]
    fn one_doi_maps_every_attribute() {
        let Some(body) = fixture("doi.json") else {
            return;
        };
        let item = parse_doi(&body).unwrap();
        let d = &item.deposit;
        assert_eq!(d.source, Source::DataCite);
        assert_eq!(d.id.to_string(), "doi:10.99999/example.dataset.1");
        assert_eq!(d.entry_type, "dois");
        assert_eq!(
            d.titles,
            vec![
                LangText::new(
                    "Whole-genome sequencing of an intractable disease cohort",
                    Some("en")
                ),
                LangText::new("難治性疾患コホートの全ゲノム解析データ", Some("ja")),
            ]
        );
        assert_eq!(
            d.title("ja"),
            Some("難治性疾患コホートの全ゲノム解析データ")
        );
        assert_eq!(
            d.descriptions,
            vec![LangText::new(
                "Sequence reads and variant calls from 120 patients.",
                Some("en")
            )]
        );
        let c = &d.creators[0];
        assert_eq!(c.name, "Yamada, Hanako");
        assert_eq!(
            (c.given_name.as_deref(), c.family_name.as_deref()),
            (Some("Hanako"), Some("Yamada"))
        );
        assert!(!c.organisation);
        assert_eq!(
            c.orcid.as_deref(),
            Some("https://orcid.org/0000-0002-1825-0097")
        );
        // The fixture's ROR id (`00example0`) has ten characters, not a
        // ROR id's nine: it is not taken (a real one is, below).
        assert_eq!(
            c.affiliations,
            vec![Affiliation {
                name: "Example Medical University".into(),
                ror: None
            }]
        );
        assert_eq!(d.publisher.as_deref(), Some("Example Data Repository"));
        assert_eq!(d.publication_year, Some(2024));
        assert_eq!(d.resource_type_general.as_deref(), Some("Dataset"));
        assert_eq!(d.resource_type.as_deref(), Some("Sequencing data"));
        let dates: Vec<(&str, &str)> = d
            .dates
            .iter()
            .map(|x| (x.kind.as_str(), x.value.as_str()))
            .collect();
        assert_eq!(
            dates,
            vec![
                ("Issued", "2024-03-31"),
                ("Available", "2024-03-31/2026-03-31"),
                ("Created", "2024-03-30T08:00:00.000Z"),
                ("Updated", "2024-06-01T12:00:00.000Z"),
            ]
        );
        assert_eq!(
            d.licences,
            vec!["https://creativecommons.org/licenses/by/4.0/legalcode".to_string()]
        );
        assert_eq!(d.access, None);
        assert_eq!(
            d.funding,
            vec![Funding {
                funder_name: Some("Japan Agency for Medical Research and Development".into()),
                funder_id: Some("https://doi.org/10.13039/EXAMPLE-AMED".into()),
                funder_id_type: Some("Crossref Funder ID".into()),
                award_number: Some("JP23ek0109555".into()),
                award_normalised: Some("JP23ek0109555".into()),
                award_title: Some("Integrated omics of intractable diseases".into()),
                award_uri: None,
            }]
        );
        assert_eq!(
            d.related,
            vec![
                Related {
                    identifier: "10.99999/example.article.7".into(),
                    scheme: "DOI".into(),
                    relation: "IsSupplementTo".into()
                },
                Related {
                    identifier: "10.99999/example.dataset".into(),
                    scheme: "DOI".into(),
                    relation: "IsVersionOf".into()
                },
            ]
        );
        assert_eq!(
            d.url.as_deref(),
            Some("https://repository.example.org/records/1")
        );
        assert_eq!(d.formats, vec!["FASTQ", "VCF"]);
        assert_eq!(d.sizes, vec!["3 GB"]);
        assert_eq!(d.version.as_deref(), Some("1.0"));
        assert_eq!(d.state.as_deref(), Some("findable"));
        assert!(d.alternate_ids.is_empty());
        // The raw JSON is the record (`data`), not the whole body.
        let raw: serde_json::Value = serde_json::from_str(&item.raw).unwrap();
        assert_eq!(raw["id"], "10.99999/example.dataset.1");
        assert!(raw.get("data").is_none());
    }

    #[test]
    fn search_pages_link_to_the_next_and_say_the_total() {
        let (Some(p1), Some(p2)) = (fixture("search-page1.json"), fixture("search-page2.json"))
        else {
            return;
        };
        let page = parse_search(&p1).unwrap();
        assert_eq!(page.total, Some(2));
        assert_eq!(
            page.next,
            Some(Next::Url(
                "https://api.datacite.org/dois?page%5Bcursor%5D=MTcxMTg3MjAwMDAwMCwxMC45OTk5OS9leGFtcGxlLmRhdGFzZXQuMQ&page%5Bsize%5D=1&query=fundingReferences.awardNumber%3AJP23ek0109555".into()
            ))
        );
        assert_eq!(page.items.len(), 1);
        let first = page.items[0].as_ref().unwrap();
        assert_eq!(
            first.deposit.id.to_string(),
            "doi:10.99999/example.dataset.1"
        );
        let page = parse_search(&p2).unwrap();
        assert_eq!(page.next, None);
        assert_eq!(page.total, Some(2));
        let second = page.items[0].as_ref().unwrap();
        assert_eq!(
            second.deposit.id.to_string(),
            "doi:10.99999/example.dataset.2"
        );
        assert_eq!(
            second.deposit.titles,
            vec![LangText::new("Clinical imaging cohort", Some("en"))]
        );
        assert_eq!(
            second.deposit.funding[0].award_normalised.as_deref(),
            Some("JP23ek0109555")
        );
    }

    #[test]
    fn not_found_is_reported() {
        let Some(body) = fixture("not-found.json") else {
            return;
        };
        match parse_doi(&body) {
            Err(ParseError::Reported { pointer, message }) => {
                assert_eq!(pointer, "/errors/0");
                assert!(message.contains("404"), "{message}");
                assert!(message.contains("doesn't exist"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_search(&body),
            Err(ParseError::Reported { .. })
        ));
    }

    #[test]
    fn bodies_that_are_not_json_or_not_in_shape_are_refused() {
        let truncated = br#"{"data": {"id": "10.99999/x", "type": "dois", "attributes": {"titles": [{"title": "Whole"#;
        assert!(matches!(parse_doi(truncated), Err(ParseError::Json(_))));
        assert!(matches!(parse_search(truncated), Err(ParseError::Json(_))));
        if let Some(body) = fixture("doi.json") {
            assert!(matches!(
                parse_doi(&body[..body.len() / 2]),
                Err(ParseError::Json(_))
            ));
        }
        match parse_doi(br#"{"data": 5}"#) {
            Err(ParseError::Shape { pointer, .. }) => assert_eq!(pointer, "/data"),
            other => panic!("{other:?}"),
        }
        match parse_search(br#"{"data": 5}"#) {
            Err(ParseError::Shape { pointer, .. }) => assert_eq!(pointer, "/data"),
            other => panic!("{other:?}"),
        }
        match parse_doi(b"[1, 2]") {
            Err(ParseError::Shape { pointer, .. }) => assert_eq!(pointer, ""),
            other => panic!("{other:?}"),
        }
        match parse_doi(&record(
            serde_json::json!({"doi": "10.99999/x", "titles": {"title": "x"}}),
        )) {
            Err(ParseError::Shape { pointer, expected }) => {
                assert_eq!(pointer, "/data/attributes/titles");
                assert_eq!(expected, "an array");
            }
            other => panic!("{other:?}"),
        }
        match parse_doi(&record(serde_json::json!({"doi": "not a doi"}))) {
            Err(ParseError::Shape { pointer, .. }) => assert_eq!(pointer, "/data/attributes/doi"),
            other => panic!("{other:?}"),
        }
        match parse_doi(br#"{"data": {"id": "x", "type": "clients", "attributes": {}}}"#) {
            Err(ParseError::Shape { pointer, .. }) => assert_eq!(pointer, "/data/type"),
            other => panic!("{other:?}"),
        }
        match parse_search(br#"{"data": [], "meta": {"total": "many"}}"#) {
            Err(ParseError::Shape { pointer, .. }) => assert_eq!(pointer, "/meta/total"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn one_bad_record_does_not_spoil_its_page() {
        let body = serde_json::json!({
            "data": [
                {"id": "10.99999/a", "type": "dois", "attributes": {"doi": "10.99999/a", "titles": [{"title": "A"}]}},
                {"id": "10.99999/b", "type": "dois", "attributes": {"doi": "10.99999/b", "titles": 5}},
                {"id": "10.99999/c", "type": "dois", "attributes": {"doi": "10.99999/c", "creators": [{"name": "C", "affiliation": [true]}]}},
                {"id": "10.99999/d", "type": "dois", "attributes": {"doi": "10.99999/d"}}
            ],
            "meta": {"total": 4},
            "links": {"self": "https://api.datacite.org/dois?page%5Bcursor%5D=1"}
        });
        let page = parse_search(&serde_json::to_vec(&body).unwrap()).unwrap();
        assert_eq!(page.items.len(), 4);
        assert_eq!(page.next, None);
        assert_eq!(page.total, Some(4));
        assert_eq!(
            page.items[0].as_ref().unwrap().deposit.id.to_string(),
            "doi:10.99999/a"
        );
        match &page.items[1] {
            Err(ParseError::Shape { pointer, .. }) => {
                assert_eq!(pointer, "/data/1/attributes/titles")
            }
            other => panic!("{other:?}"),
        }
        match &page.items[2] {
            Err(ParseError::Shape { pointer, .. }) => {
                assert_eq!(pointer, "/data/2/attributes/creators/0/affiliation/0")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            page.items[3].as_ref().unwrap().deposit.id.to_string(),
            "doi:10.99999/d"
        );
    }

    #[test]
    fn the_other_written_forms_of_attributes_map_too() {
        let body = record(serde_json::json!({
            "doi": "10.99999/X",
            "titles": [
                {"title": "難病レジストリ"},
                {"title": "Registry of intractable diseases", "lang": "EN-us", "titleType": "TranslatedTitle"},
                {"title": "RID", "titleType": "AlternativeTitle"},
                {"title": "  "}
            ],
            "descriptions": [{"description": ["第一段落", "Second"], "descriptionType": "Methods"}],
            "creators": [
                {"name": "Example Consortium", "nameType": "Organizational", "affiliation": ["Example University"]},
                {"givenName": "Taro", "familyName": "Suzuki", "nameIdentifiers": [{"nameIdentifier": "0000-0002-1694-233x", "nameIdentifierScheme": "orcid"}],
                 "affiliation": [{"name": "AMED", "affiliationIdentifier": "01b9y6c26", "affiliationIdentifierScheme": "ROR"}]},
                {"nameIdentifiers": []}
            ],
            "publisher": {"name": "Example Repository", "publisherIdentifier": "https://ror.org/00example0"},
            "publicationYear": "2023",
            "types": {"resourceTypeGeneral": "Dataset"},
            "rightsList": [
                {"rightsUri": "info:eu-repo/semantics/restrictedAccess"},
                {"rights": "CC BY 4.0"},
                {"rightsUri": "info:eu-repo/semantics/openAccess"}
            ],
            "fundingReferences": [
                {"funderName": "国立研究開発法人日本医療研究開発機構", "funderIdentifier": "AMED", "funderIdentifierType": "Other",
                 "awardNumber": "ＪＰ２１ｅｋ０１０９５５５", "awardUri": "https://example.org/award"},
                {"funderName": "AMED", "awardNumber": "JP21ek0109555, JP22ek0109555"},
                {"funderName": "Japan Society for the Promotion of Science", "awardNumber": "21K12345"},
                {"funderName": "Example Foundation"},
                {}
            ],
            "relatedIdentifiers": [
                {"relatedIdentifier": "JGAS000123", "relatedIdentifierType": "Other", "relationType": "IsDerivedFrom"},
                {"relatedIdentifier": "https://example.org/x", "relationType": "References"},
                {"relatedIdentifier": "10.99999/lost"}
            ],
            "subjects": [{"subject": "ゲノム"}, {"subject": "genomics", "lang": "en"}],
            "version": 2,
            "identifiers": [
                {"identifier": "https://doi.org/10.99999/x", "identifierType": "DOI"},
                {"identifier": "hum0014", "identifierType": "NBDC"}
            ],
            "alternateIdentifiers": [{"alternateIdentifier": "local-42", "alternateIdentifierType": "Local"}]
        }));
        let d = parse_doi(&body).unwrap().deposit;
        assert_eq!(d.id.to_string(), "doi:10.99999/x");
        assert_eq!(
            d.titles,
            vec![
                LangText::new("難病レジストリ", Some("ja")),
                LangText::new("Registry of intractable diseases", Some("en-us")),
                LangText::new("RID", None),
            ]
        );
        assert_eq!(
            d.descriptions,
            vec![
                LangText::new("第一段落", Some("ja")),
                LangText::new("Second", None)
            ]
        );
        assert_eq!(d.creators.len(), 2);
        assert!(d.creators[0].organisation);
        assert_eq!(
            d.creators[0].affiliations,
            vec![Affiliation {
                name: "Example University".into(),
                ror: None
            }]
        );
        assert_eq!(d.creators[1].name, "Suzuki, Taro");
        assert_eq!(
            d.creators[1].orcid.as_deref(),
            Some("https://orcid.org/0000-0002-1694-233X")
        );
        assert_eq!(
            d.creators[1].affiliations[0].ror.as_deref(),
            Some("https://ror.org/01b9y6c26")
        );
        assert_eq!(d.publisher.as_deref(), Some("Example Repository"));
        assert_eq!(d.publication_year, Some(2023));
        assert_eq!(
            d.access,
            Some(Access::Restricted),
            "the first access right stated"
        );
        assert_eq!(d.licences, vec!["CC BY 4.0".to_string()]);
        let awards: Vec<(Option<&str>, Option<&str>, Option<&str>)> = d
            .funding
            .iter()
            .map(|f| {
                (
                    f.funder_name.as_deref(),
                    f.award_number.as_deref(),
                    f.award_normalised.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            awards,
            vec![
                (
                    Some("国立研究開発法人日本医療研究開発機構"),
                    Some("ＪＰ２１ｅｋ０１０９５５５"),
                    Some("JP21ek0109555")
                ),
                (Some("AMED"), Some("JP21ek0109555"), Some("JP21ek0109555")),
                (Some("AMED"), Some("JP22ek0109555"), Some("JP22ek0109555")),
                (
                    Some("Japan Society for the Promotion of Science"),
                    Some("21K12345"),
                    None
                ),
                (Some("Example Foundation"), None, None),
            ]
        );
        assert_eq!(d.funding[0].funder_id_type.as_deref(), Some("Other"));
        assert_eq!(
            d.funding[0].award_uri.as_deref(),
            Some("https://example.org/award")
        );
        assert!(super::super::names_funder(&d.funding[0], &amed()));
        assert_eq!(
            d.related,
            vec![
                Related {
                    identifier: "JGAS000123".into(),
                    scheme: "Other".into(),
                    relation: "IsDerivedFrom".into()
                },
                Related {
                    identifier: "https://example.org/x".into(),
                    scheme: "URL".into(),
                    relation: "References".into()
                },
            ]
        );
        assert_eq!(
            d.subjects,
            vec![
                LangText::new("ゲノム", Some("ja")),
                LangText::new("genomics", Some("en"))
            ]
        );
        assert_eq!(d.version.as_deref(), Some("2"));
        assert_eq!(
            d.alternate_ids,
            vec!["hum0014".to_string(), "local-42".to_string()]
        );
    }

    #[test]
    fn access_rights_uris_are_not_licences() {
        for (uri, access) in [
            ("info:eu-repo/semantics/openAccess", Access::Open),
            (
                "info:eu-repo/semantics/restrictedAccess",
                Access::Restricted,
            ),
            ("info:eu-repo/semantics/embargoedAccess", Access::Embargoed),
            ("info:eu-repo/semantics/closedAccess", Access::Closed),
            ("http://purl.org/coar/access_right/c_abf2", Access::Open),
        ] {
            let d = parse_doi(&record(
                serde_json::json!({"doi": "10.99999/x", "rightsList": [{"rightsUri": uri}]}),
            ))
            .unwrap()
            .deposit;
            assert_eq!(d.access, Some(access), "{uri}");
            assert!(d.licences.is_empty(), "{uri}");
        }
    }

    #[test]
    fn urls_are_built_on_any_base() {
        assert_eq!(
            doi_url("https://api.datacite.org", "10.99999/example.dataset.1"),
            "https://api.datacite.org/dois/10.99999/example.dataset.1"
        );
        assert_eq!(
            doi_url("http://127.0.0.1:8081/datacite/", "10.99999/a<b>;c#d e"),
            "http://127.0.0.1:8081/datacite/dois/10.99999/a%3Cb%3E%3Bc%23d%20e"
        );
        assert_eq!(
            doi_url("https://api.datacite.org/", "https://doi.org/10.99999/X"),
            "https://api.datacite.org/dois/10.99999/x"
        );
        assert_eq!(
            search_url("https://api.datacite.org/", "fundingReferences.awardNumber:*ek0109555* OR a:\"b c\"", 100),
            "https://api.datacite.org/dois?query=fundingReferences.awardNumber%3A%2Aek0109555%2A%20OR%20a%3A%22b%20c%22&page%5Bsize%5D=100&page%5Bcursor%5D=1&affiliation=true&publisher=true"
        );
        assert!(search_url("http://127.0.0.1:1", "q", 1)
            .starts_with("http://127.0.0.1:1/dois?query=q&"));
    }

    #[test]
    fn the_funder_query_names_the_funder_or_its_awards() {
        let f = amed();
        let q = funder_query(&f, &[]);
        for clause in [
            "fundingReferences.funderName:\"Japan Agency for Medical Research and Development\"",
            "fundingReferences.funderName:\"国立研究開発法人日本医療研究開発機構\"",
            "fundingReferences.funderName:\"日本医療研究開発機構\"",
            "fundingReferences.funderName:\"AMED\"",
            "fundingReferences.funderIdentifier:\"https://doi.org/10.13039/100009619\"",
            "fundingReferences.funderIdentifier:\"10.13039/100009619\"",
            "fundingReferences.funderIdentifier:\"https://ror.org/01b9y6c26\"",
            "fundingReferences.funderIdentifier:\"01b9y6c26\"",
        ] {
            assert!(q.split(" OR ").any(|c| c == clause), "{clause} in {q}");
        }
        assert!(!q.contains("awardNumber"));
        let awards = [
            AwardNumber::parse("21ek0109555h0001").unwrap(),
            AwardNumber::parse("JP23ek0109555").unwrap(),
            AwardNumber::parse("JP22ck0106543").unwrap(),
        ];
        let q = funder_query(&f, &awards);
        assert_eq!(
            q,
            "fundingReferences.awardNumber:*ek0109555* OR fundingReferences.awardNumber:*EK0109555* \
             OR fundingReferences.awardNumber:*ck0106543* OR fundingReferences.awardNumber:*CK0106543*"
        );
        assert!(
            !q.contains("funderName"),
            "an award does not require the funder"
        );
        assert_eq!(quoted("a \"b\" \\c"), "\"a \\\"b\\\" \\\\c\"");
        assert_eq!(escape_term("a/b:c*"), "a\\/b\\:c\\*");
    }

    #[test]
    fn the_content_hash_is_stable() {
        let body = br#"{"data": {"type": "dois", "id": "10.99999/x", "attributes": {"titles": [{"title": "T", "lang": "en"}], "doi": "10.99999/x"}}}"#;
        let reordered = br#"{"data": {"attributes": {"doi": "10.99999/x", "titles": [{"lang": "en", "title": "T"}]}, "id": "10.99999/x", "type": "dois"}}"#;
        let a = parse_doi(body).unwrap();
        let b = parse_doi(body).unwrap();
        let c = parse_doi(reordered).unwrap();
        assert_eq!(a.content_hash(), b.content_hash());
        assert_eq!(a.raw, c.raw);
        assert_eq!(a.content_hash(), c.content_hash());
        let changed = parse_doi(&record(
            serde_json::json!({"doi": "10.99999/x", "titles": [{"title": "U"}]}),
        ))
        .unwrap();
        assert_ne!(a.content_hash(), changed.content_hash());
        if let Some(body) = fixture("doi.json") {
            assert_eq!(
                parse_doi(&body).unwrap().content_hash(),
                parse_doi(&body).unwrap().content_hash()
            );
        }
    }

    #[test]
    fn no_input_panics() {
        let inputs: [&[u8]; 12] = [
            b"",
            b"null",
            b"{}",
            br#"{"errors": []}"#,
            br#"{"errors": 3}"#,
            br#"{"errors": [{}]}"#,
            br#"{"data": null}"#,
            br#"{"data": [null, 1, "x", {}]}"#,
            br#"{"data": {"attributes": {"doi": 10}}}"#,
            br#"{"data": {"attributes": {"doi": "10.99999/x", "publicationYear": 99999999999, "creators": [{"name": null, "affiliation": {"name": 1}}]}}}"#,
            br#"{"data": {"attributes": {"doi": "10.99999/x", "fundingReferences": [{"awardNumber": {}}]}}}"#,
            br#"{"data": [], "links": {"next": 5}}"#,
        ];
        for i in inputs {
            let _ = parse_doi(i);
            let _ = parse_search(i);
        }
    }
}
