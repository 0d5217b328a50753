//! `GET {prefix}`: the list of plans, paged (`offset`, `count`), sorted
//! (`sort[]`, `created,desc` by default, the system id breaking ties in the
//! first key's direction, so that pages are stable and a descending order
//! is the ascending one reversed) and filtered by the specification's parameters:
//! AND across parameters, OR within one (a repeated parameter). Anything
//! malformed is 400 `invalid_query_string`, naming the parameter.
//!
//! `created` and `modified` are the store's: when it first held the plan
//! and when the plan (or what its document shows of its deposits) last
//! changed, as `Last-Modified` says. `*_before` is inclusive, `*_after`
//! exclusive; their date-times need a time zone.

use crate::error::ApiError;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde_json::Value;

/// The longest page.
pub const MAX_COUNT: usize = 100;
/// The page size when the client names none.
pub const DEFAULT_COUNT: usize = 20;

/// What a plan is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// `dmp.title`.
    Title,
    /// When the store first held it.
    Created,
    /// Its last change.
    Modified,
    /// `dmp.language`.
    Language,
    /// The latest licence start date of its distributions (an embargo's end).
    Embargo,
    /// Its datasets' first keyword, alphabetically.
    Keyword,
}

impl SortKey {
    /// Whether the key is read from the document (not the registry).
    pub fn needs_document(self) -> bool {
        !matches!(self, SortKey::Created | SortKey::Modified)
    }
}

/// A list request.
#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    /// Items skipped.
    pub offset: usize,
    /// Items on the page.
    pub count: usize,
    /// Sort keys, each ascending (`true`) or descending.
    pub sort: Vec<(SortKey, bool)>,
    /// `created_before` (inclusive), `created_after` (exclusive).
    pub created: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    /// `modified_before`, `modified_after`.
    pub modified: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    /// The filters read from the document.
    pub document: DocumentFilters,
}

/// The filters that need a plan's document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DocumentFilters {
    /// `languages[]`.
    pub languages: Vec<String>,
    /// `contact_ids[]`.
    pub contact_ids: Vec<String>,
    /// `contributor_ids[]`.
    pub contributor_ids: Vec<String>,
    /// `dataset_ids[]`.
    pub dataset_ids: Vec<String>,
    /// `metadata_standard_ids[]`.
    pub metadata_standard_ids: Vec<String>,
    /// `dmp_ids[]` (the document's `dmp_id`, or the system id).
    pub dmp_ids: Vec<String>,
    /// `funder_ids[]`.
    pub funder_ids: Vec<String>,
    /// `grant_ids[]` (an AMED plan also by its acknowledgement number).
    pub grant_ids: Vec<String>,
    /// `query`: words in the titles and descriptions.
    pub query: Option<String>,
    /// `ethical_issues_exist`.
    pub ethical_issues_exist: Option<bool>,
    /// `embargo_before` (inclusive), `embargo_after` (exclusive).
    pub embargo: (Option<NaiveDate>, Option<NaiveDate>),
}

impl DocumentFilters {
    /// Whether any filter is set.
    pub fn any(&self) -> bool {
        *self != DocumentFilters::default()
    }
}

fn date_time(name: &str, value: &str) -> Result<DateTime<Utc>, ApiError> {
    // An offset's `+` sent unencoded arrives as a space.
    DateTime::<FixedOffset>::parse_from_rfc3339(&value.trim().replace(' ', "+"))
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| {
            ApiError::query(format!(
                "{name}={value}: expected an RFC 3339 date-time with a time zone (2026-04-01T00:00:00+09:00)"
            ))
        })
}

fn date(name: &str, value: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::query(format!("{name}={value}: expected a date (YYYY-MM-DD)")))
}

fn once<T>(slot: &mut Option<T>, name: &str, value: T) -> Result<(), ApiError> {
    if slot.is_some() {
        return Err(ApiError::query(format!("{name} is given twice")));
    }
    *slot = Some(value);
    Ok(())
}

impl ListQuery {
    /// Reads a query string (`a=1&b=2`, decoded).
    pub fn parse(query: Option<&str>) -> Result<ListQuery, ApiError> {
        let mut offset = None;
        let mut count = None;
        let mut sort: Vec<(SortKey, bool)> = Vec::new();
        let mut created = (None, None);
        let mut modified = (None, None);
        let mut f = DocumentFilters::default();
        let mut query_text = None;
        let mut ethical = None;
        let mut embargo = (None, None);
        for (name, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let (name, value) = (name.as_ref(), value.as_ref());
            match name {
                "offset" => {
                    // Beyond the last plan is an empty page, however far.
                    let digits = value.trim();
                    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(ApiError::query(format!(
                            "offset={value}: expected an integer ≥ 0"
                        )));
                    }
                    let n = digits.parse::<usize>().unwrap_or(usize::MAX);
                    once(&mut offset, name, n)?;
                }
                "count" => {
                    let n = value
                        .trim()
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=MAX_COUNT).contains(n))
                        .ok_or_else(|| {
                            ApiError::query(format!(
                                "count={value}: expected an integer from 1 to {MAX_COUNT}"
                            ))
                        })?;
                    once(&mut count, name, n)?;
                }
                "sort[]" | "sort" => {
                    for item in value.split(';') {
                        if item.trim().is_empty() {
                            return Err(ApiError::query(format!(
                                "{name}={value}: a sort key is empty (expected title,asc, created,desc, …)"
                            )));
                        }
                        sort.push(sort_key(name, item)?);
                    }
                }
                "created_before" => once(&mut created.0, name, date_time(name, value)?)?,
                "created_after" => once(&mut created.1, name, date_time(name, value)?)?,
                "modified_before" => once(&mut modified.0, name, date_time(name, value)?)?,
                "modified_after" => once(&mut modified.1, name, date_time(name, value)?)?,
                "embargo_before" => once(&mut embargo.0, name, date(name, value)?)?,
                "embargo_after" => once(&mut embargo.1, name, date(name, value)?)?,
                "languages[]" => {
                    let code = non_empty(name, value)?;
                    if code.parse::<dmpgraph_madmp::LanguageCode>().is_err() {
                        return Err(ApiError::query(format!(
                            "{name}={value}: expected {}",
                            dmpgraph_madmp::LanguageCode::EXPECTED
                        )));
                    }
                    f.languages.push(code)
                }
                "contact_ids[]" => f.contact_ids.push(non_empty(name, value)?),
                "contributor_ids[]" => f.contributor_ids.push(non_empty(name, value)?),
                "dataset_ids[]" => f.dataset_ids.push(non_empty(name, value)?),
                "metadata_standard_ids[]" => f.metadata_standard_ids.push(non_empty(name, value)?),
                "dmp_ids[]" => f.dmp_ids.push(non_empty(name, value)?),
                "funder_ids[]" => f.funder_ids.push(non_empty(name, value)?),
                "grant_ids[]" => f.grant_ids.push(non_empty(name, value)?),
                "query" => once(&mut query_text, name, non_empty(name, value)?)?,
                "ethical_issues_exist" => {
                    let b = match value.trim() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(ApiError::query(format!(
                                "ethical_issues_exist={value}: expected true or false"
                            )))
                        }
                    };
                    once(&mut ethical, name, b)?;
                }
                other => {
                    return Err(ApiError::query(format!(
                        "{other}: not a parameter of the list (offset, count, sort[], created_before, created_after, modified_before, modified_after, languages[], contact_ids[], contributor_ids[], dataset_ids[], metadata_standard_ids[], dmp_ids[], funder_ids[], grant_ids[], query, ethical_issues_exist, embargo_before, embargo_after)"
                    )))
                }
            }
        }
        // An empty range (`*_before` not after `*_after`) is a question
        // with no answer, not a malformed one: it lists nothing.
        if sort.is_empty() {
            sort.push((SortKey::Created, false));
        }
        f.query = query_text;
        f.ethical_issues_exist = ethical;
        f.embargo = embargo;
        Ok(ListQuery {
            offset: offset.unwrap_or(0),
            count: count.unwrap_or(DEFAULT_COUNT),
            sort,
            created,
            modified,
            document: f,
        })
    }

    /// Whether sorting or filtering reads the plans' documents.
    pub fn needs_documents(&self) -> bool {
        self.document.any() || self.sort.iter().any(|(k, _)| k.needs_document())
    }
}

/// A filter's value: not empty (the description's `minLength: 1`), spaces
/// around it dropped (a value of spaces only matches nothing).
fn non_empty(name: &str, value: &str) -> Result<String, ApiError> {
    if value.is_empty() {
        return Err(ApiError::query(format!("{name} is empty")));
    }
    Ok(value.trim().to_string())
}

fn sort_key(name: &str, item: &str) -> Result<(SortKey, bool), ApiError> {
    let (field, order) = item.trim().split_once(',').unwrap_or((item.trim(), "asc"));
    let key = match field.trim() {
        "title" => SortKey::Title,
        "created" => SortKey::Created,
        "modified" => SortKey::Modified,
        "language" => SortKey::Language,
        "embargo" => SortKey::Embargo,
        "keyword" => SortKey::Keyword,
        _ => {
            return Err(ApiError::query(format!(
                "{name}={item}: expected FIELD,asc or FIELD,desc with FIELD one of title, created, modified, language, embargo, keyword"
            )))
        }
    };
    let asc = match order.trim() {
        "asc" => true,
        "desc" => false,
        _ => {
            return Err(ApiError::query(format!(
                "{name}={item}: the order is asc or desc"
            )))
        }
    };
    Ok((key, asc))
}

/// Strings at `path` in `doc`: `*` steps into every array item, a key that
/// holds an array of objects where an object is expected (1.2's
/// `contact_id` arrays) is stepped into too.
fn strings<'a>(v: &'a Value, path: &[&str], out: &mut Vec<&'a str>) {
    match path.split_first() {
        None => match v {
            Value::String(s) => out.push(s),
            Value::Array(a) => a.iter().for_each(|x| strings(x, path, out)),
            _ => {}
        },
        Some((&"*", rest)) => {
            if let Value::Array(a) = v {
                a.iter().for_each(|x| strings(x, rest, out));
            }
        }
        Some((key, rest)) => match v {
            Value::Object(m) => {
                if let Some(x) = m.get(*key) {
                    strings(x, rest, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| strings(x, path, out)),
            _ => {}
        },
    }
}

fn all<'a>(doc: &'a Value, path: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    strings(doc, path, &mut out);
    out
}

/// Resolvers whose URL only wraps an identifier (`https://ror.org/01b9y6c26`
/// is ROR `01b9y6c26`).
const RESOLVERS: &[&str] = &[
    "ror.org/",
    "orcid.org/",
    "doi.org/",
    "dx.doi.org/",
    "hdl.handle.net/",
    "n2t.net/",
    "identifiers.org/",
];

/// Two identifiers are the same when their normal forms are (a DOI in any
/// spelling, a ROR or ORCID with or without its resolver), case aside.
fn same_id(a: &str, b: &str) -> bool {
    let n = |s: &str| {
        let id = dmpgraph_model::identity::Identifier::parse(s).to_string();
        let bare = id
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_start_matches("www.")
            .trim_end_matches('/')
            .to_lowercase();
        RESOLVERS
            .iter()
            .find_map(|r| bare.strip_prefix(r))
            .map(str::to_string)
            .unwrap_or(bare)
    };
    n(a) == n(b)
}

/// Whether the grant `asked` is `written`: the same identifier, or, for an
/// AMED grant, the same project (a 課題管理番号 and its acknowledgement
/// number `JP` + its first 11 characters, any fiscal year's).
fn same_grant(asked: &str, written: &str) -> bool {
    if same_id(asked, written) {
        return true;
    }
    use dmpgraph_model::award::AwardNumber;
    match (AwardNumber::parse(asked), AwardNumber::parse(written)) {
        (Some(a), Some(w)) => a.project() == w.project(),
        _ => false,
    }
}

/// Whether a served plan (`{"id", "dmp"}`, 1.3) passes the document filters.
pub fn passes(f: &DocumentFilters, body: &Value) -> bool {
    let doc = &body["dmp"];
    let any_of = |asked: &[String], found: Vec<&str>, same: &dyn Fn(&str, &str) -> bool| {
        asked.is_empty() || asked.iter().any(|a| found.iter().any(|w| same(a, w)))
    };
    let exact = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    let mut dmp_ids = all(doc, &["dmp_id", "identifier"]);
    if let Some(id) = body["id"].as_str() {
        dmp_ids.push(id);
    }
    let ok = any_of(&f.languages, all(doc, &["language"]), &exact)
        && any_of(
            &f.contact_ids,
            all(doc, &["contact", "contact_id", "identifier"]),
            &same_id,
        )
        && any_of(
            &f.contributor_ids,
            all(doc, &["contributor", "*", "contributor_id", "identifier"]),
            &same_id,
        )
        && any_of(
            &f.dataset_ids,
            all(doc, &["dataset", "*", "dataset_id", "identifier"]),
            &same_id,
        )
        && any_of(
            &f.metadata_standard_ids,
            all(
                doc,
                &[
                    "dataset",
                    "*",
                    "metadata",
                    "*",
                    "metadata_standard_id",
                    "identifier",
                ],
            ),
            &same_id,
        )
        && any_of(&f.dmp_ids, dmp_ids, &same_id)
        && any_of(
            &f.funder_ids,
            all(
                doc,
                &["project", "*", "funding", "*", "funder_id", "identifier"],
            ),
            &same_id,
        )
        && any_of(
            &f.grant_ids,
            all(
                doc,
                &["project", "*", "funding", "*", "grant_id", "identifier"],
            ),
            &same_grant,
        );
    if !ok {
        return false;
    }
    if let Some(e) = f.ethical_issues_exist {
        let v = doc["ethical_issues_exist"].as_str().unwrap_or("unknown");
        if (v == "yes") != e || (!e && v != "no") {
            return false;
        }
    }
    if let Some(q) = &f.query {
        let text = [
            all(doc, &["title"]),
            all(doc, &["description"]),
            all(doc, &["project", "*", "title"]),
            all(doc, &["dataset", "*", "title"]),
            all(doc, &["dataset", "*", "description"]),
            all(doc, &["dataset", "*", "keyword", "*"]),
        ]
        .concat()
        .join("\n")
        .to_lowercase();
        if !q
            .to_lowercase()
            .split_whitespace()
            .all(|w| text.contains(w))
        {
            return false;
        }
    }
    if f.embargo != (None, None) {
        let dates = embargo_dates(doc);
        let (before, after) = f.embargo;
        if !dates
            .iter()
            .any(|d| before.is_none_or(|b| *d <= b) && after.is_none_or(|a| *d > a))
        {
            return false;
        }
    }
    true
}

/// The licence start dates of a plan's distributions.
fn embargo_dates(doc: &Value) -> Vec<NaiveDate> {
    all(
        doc,
        &[
            "dataset",
            "*",
            "distribution",
            "*",
            "license",
            "*",
            "start_date",
        ],
    )
    .into_iter()
    .filter_map(|d| NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok())
    .collect()
}

/// A plan's value of a document sort key (a text that sorts as the key
/// does; empty when the plan has none).
pub fn sort_value(key: SortKey, body: &Value) -> String {
    let doc = &body["dmp"];
    match key {
        SortKey::Title => doc["title"].as_str().unwrap_or("").to_lowercase(),
        SortKey::Language => doc["language"].as_str().unwrap_or("").to_string(),
        SortKey::Embargo => embargo_dates(doc)
            .into_iter()
            .max()
            .map(|d| d.to_string())
            .unwrap_or_default(),
        SortKey::Keyword => all(doc, &["dataset", "*", "keyword", "*"])
            .into_iter()
            .map(str::to_lowercase)
            .min()
            .unwrap_or_default(),
        SortKey::Created | SortKey::Modified => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parameters_are_read_and_malformed_ones_named() {
        let q = ListQuery::parse(Some(
            "offset=20&count=5&sort[]=title,asc&sort[]=modified,desc&grant_ids[]=JP23ck0106789&grant_ids[]=24H01234&modified_after=2026-01-01T00:00:00%2B09:00",
        ))
        .unwrap();
        assert_eq!((q.offset, q.count), (20, 5));
        assert_eq!(q.sort, [(SortKey::Title, true), (SortKey::Modified, false)]);
        assert_eq!(q.document.grant_ids.len(), 2);
        assert_eq!(
            q.modified.1.unwrap().to_rfc3339(),
            "2025-12-31T15:00:00+00:00"
        );
        let d = ListQuery::parse(None).unwrap();
        assert_eq!(
            (d.offset, d.count, d.sort),
            (0, 20, vec![(SortKey::Created, false)])
        );
        for (bad, named) in [
            ("count=0", "count"),
            ("count=101", "count"),
            ("offset=-1", "offset"),
            ("sort[]=size,asc", "sort[]"),
            ("sort=title,up", "sort"),
            ("modified_after=2026-01-01T00:00:00", "modified_after"),
            ("created_before=yesterday", "created_before"),
            ("embargo_before=2026-13-01", "embargo_before"),
            ("ethical_issues_exist=yes", "ethical_issues_exist"),
            ("colour=red", "colour"),
            ("offset=1&offset=2", "offset"),
            ("sort[]=", "sort[]"),
        ] {
            let e = ListQuery::parse(Some(bad)).unwrap_err();
            assert_eq!(
                (e.status.as_u16(), e.code),
                (400, "invalid_query_string"),
                "{bad}"
            );
            assert!(e.message.contains(named), "{bad}: {}", e.message);
        }
    }

    #[test]
    fn document_filters_match_ids_in_any_spelling_and_amed_grants_by_project() {
        let body = json!({"id": "23ck0106789h0001", "dmp": {
            "title": "膵臓がんゲノム", "language": "jpn", "ethical_issues_exist": "yes",
            "dmp_id": {"identifier": "http://localhost:8080/record/23ck0106789h0001", "type": "url"},
            "contact": {"contact_id": [{"identifier": "https://orcid.org/0000-0002-1825-0097", "type": "orcid"}]},
            "project": [{"title": "p", "funding": [{"funder_id": {"identifier": "https://ror.org/01b9y6c26", "type": "ror"},
                "grant_id": {"identifier": "23ck0106789h0001", "type": "other"}}]}],
            "dataset": [{"title": "WGS", "keyword": ["genome"], "dataset_id": {"identifier": "10.1234/ABC", "type": "doi"},
                "distribution": [{"license": [{"license_ref": "https://x", "start_date": "2027-04-01"}]}]}]
        }});
        let f = |q: &str| passes(&ListQuery::parse(Some(q)).unwrap().document, &body);
        assert!(f("grant_ids[]=JP23ck0106789"));
        assert!(
            f("grant_ids[]=JP25ck0106789"),
            "another fiscal year of the project"
        );
        assert!(f("grant_ids[]=23ck0106789h0001"));
        assert!(!f("grant_ids[]=JP23ck0106790"));
        assert!(
            f("grant_ids[]=nope&grant_ids[]=JP23ck0106789"),
            "OR within one"
        );
        assert!(
            !f("grant_ids[]=JP23ck0106789&languages[]=eng"),
            "AND across"
        );
        assert!(f("funder_ids[]=01b9y6c26") && f("funder_ids[]=https://ror.org/01B9Y6C26/"));
        assert!(f("dataset_ids[]=https://doi.org/10.1234/abc"));
        assert!(f("contact_ids[]=https://orcid.org/0000-0002-1825-0097"));
        assert!(f("dmp_ids[]=23ck0106789h0001"));
        assert!(f("query=ゲノム") && f("query=GENOME") && !f("query=mouse"));
        assert!(f("ethical_issues_exist=true") && !f("ethical_issues_exist=false"));
        assert!(f("embargo_after=2027-03-31") && !f("embargo_after=2027-04-01"));
        assert!(f("embargo_before=2027-04-01") && !f("embargo_before=2027-03-31"));
        assert_eq!(sort_value(SortKey::Embargo, &body), "2027-04-01");
        assert_eq!(sort_value(SortKey::Keyword, &body), "genome");
    }
}
