//! Japan Link Center's REST API: one DOI (`/dois/{doi}`).
//!
//! The answer is `{"status": "OK", "data": {…}}` (or `"NG"` with a
//! message). Every field of `data` is optional here but the DOI itself;
//! lists may come as one object instead of an array, and numbers as
//! numbers or strings.

use super::{normalize_orcid, normalize_ror, Item, ParseError};
use dmpgraph_model::award;
use dmpgraph_model::deposit::{
    Affiliation, Creator, Deposit, DepositDate, Funding, LangText, Related, Source,
};
use dmpgraph_model::identity::Identifier;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{Map, Value};

/// What a DOI keeps literal in a URL path: unreserved characters and `/`.
const DOI_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// The URL of one DOI.
pub fn doi_url(base: &str, doi: &str) -> String {
    format!(
        "{}/dois/{}",
        base.trim_end_matches('/'),
        utf8_percent_encode(doi.trim(), DOI_PATH)
    )
}

/// Maps a `/dois/{doi}` response.
pub fn parse_doi(body: &[u8]) -> Result<Item, ParseError> {
    let v = super::json(body)?;
    let top = object(&v, "")?;
    match top.get("status") {
        Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("OK") => {}
        Some(Value::String(_)) => return Err(reported(top)),
        None | Some(Value::Null) if top.contains_key("errors") => return Err(reported(top)),
        None | Some(Value::Null) => {}
        Some(_) => return Err(ParseError::shape("/status", "\"OK\" or \"NG\"")),
    }
    let data_value = top
        .get("data")
        .filter(|d| !d.is_null())
        .ok_or_else(|| ParseError::shape("/data", "the DOI's metadata"))?;
    let data = object(data_value, "/data")?;
    let deposit = map_data(data, "/data")?;
    let raw = serde_json::to_string(data_value).map_err(ParseError::Json)?;
    Ok(Item { deposit, raw })
}

/// JaLC's own error document (`status: NG`, `message` or `errors`) as a report.
fn reported(top: &Map<String, Value>) -> ParseError {
    let (pointer, value) = match (top.get("message"), top.get("errors")) {
        (Some(m), _) if !m.is_null() => ("/message", m),
        (_, Some(e)) => ("/errors", e),
        _ => ("/status", top.get("status").unwrap_or(&Value::Null)),
    };
    let mut messages = Vec::new();
    collect_messages(value, &mut messages);
    let message = if messages.is_empty() {
        value.to_string()
    } else {
        messages.join("; ")
    };
    ParseError::Reported {
        pointer: pointer.into(),
        message,
    }
}

/// The messages (or codes) of an error document, depth first.
fn collect_messages(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
        Value::Array(a) => a.iter().for_each(|e| collect_messages(e, out)),
        Value::Object(o) => {
            if let Some(m) = o.get("message").and_then(Value::as_str) {
                let code = o.get("code").and_then(Value::as_str).map(str::trim);
                match code.filter(|c| !c.is_empty()) {
                    Some(c) => out.push(format!("{} ({c})", m.trim())),
                    None => out.push(m.trim().to_string()),
                }
            } else if let Some(e) = o.get("errors") {
                collect_messages(e, out);
            } else if let Some(c) = o.get("code").and_then(Value::as_str) {
                out.push(c.trim().to_string());
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// JSON access with pointers

/// A JSON object.
type Obj = Map<String, Value>;

fn child(at: &str, key: &str) -> String {
    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"))
}

fn object<'a>(v: &'a Value, at: &str) -> Result<&'a Map<String, Value>, ParseError> {
    v.as_object()
        .ok_or_else(|| ParseError::shape(at, "an object"))
}

/// A text value: a string (trimmed) or a number as written; `None` when
/// absent, null or blank.
fn text(obj: &Map<String, Value>, key: &str, at: &str) -> Result<Option<String>, ParseError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(ParseError::shape(child(at, key), "a string")),
    }
}

/// The elements of a list (one object standing for a list of one), each
/// with its pointer; empty when absent or null.
fn list<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<Vec<(&'a Value, String)>, ParseError> {
    let at = child(at, key);
    match obj.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => Ok(a
            .iter()
            .enumerate()
            .map(|(i, e)| (e, format!("{at}/{i}")))
            .collect()),
        Some(o @ Value::Object(_)) => Ok(vec![(o, at)]),
        Some(_) => Err(ParseError::shape(at, "an array")),
    }
}

/// The objects of a list, each with its pointer.
fn objects<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<Vec<(&'a Obj, String)>, ParseError> {
    list(obj, key, at)?
        .into_iter()
        .map(|(v, p)| object(v, &p).map(|o| (o, p)))
        .collect()
}

/// A list of language-tagged texts (`[{lang, <key>}]`, or plain strings).
fn lang_texts(
    obj: &Map<String, Value>,
    list_key: &str,
    text_key: &str,
    at: &str,
) -> Result<Vec<LangText>, ParseError> {
    let mut out = Vec::new();
    for (v, p) in list(obj, list_key, at)? {
        match v {
            Value::String(s) if !s.trim().is_empty() => {
                out.push(LangText::new(s.trim(), super::guess_lang(s)))
            }
            Value::String(_) | Value::Null => {}
            Value::Object(o) => {
                if let Some(t) = text(o, text_key, &p)? {
                    let lang = text(o, "lang", &p)?;
                    out.push(LangText::new(t, lang.as_deref()));
                }
            }
            _ => return Err(ParseError::shape(p, "an object or a string")),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// The mapping

fn map_data(data: &Map<String, Value>, at: &str) -> Result<Deposit, ParseError> {
    let doi =
        text(data, "doi", at)?.ok_or_else(|| ParseError::shape(child(at, "doi"), "the DOI"))?;
    let mut d = Deposit::new(Source::Jalc, Identifier::parse(&doi));

    let content_type = text(data, "content_type", at)?;
    d.entry_type = content_type.clone().unwrap_or_else(|| "doi".into());
    d.resource_type_general = Some(
        match content_type
            .as_deref()
            .map(str::to_ascii_uppercase)
            .as_deref()
        {
            Some("RD") => "Dataset",
            Some("JA") => "JournalArticle",
            Some("BK") => "Book",
            _ => "Text",
        }
        .into(),
    );
    d.resource_type = content_type;
    d.url = text(data, "url", at)?;

    d.titles = lang_texts(data, "title_list", "title", at)?;
    for key in ["description_list", "abstract_list"] {
        for (o, p) in objects(data, key, at)? {
            let lang = text(o, "lang", &p)?;
            for tk in ["description", "abstract", "content"] {
                if let Some(t) = text(o, tk, &p)? {
                    d.descriptions.push(LangText::new(t, lang.as_deref()));
                    break;
                }
            }
        }
    }

    for (o, p) in objects(data, "creator_list", at)? {
        if let Some(c) = creator(o, &p)? {
            d.creators.push(c);
        }
    }

    // The publisher as written: the first name given.
    d.publisher = objects(data, "publisher_list", at)?
        .into_iter()
        .map(|(o, p)| text(o, "publisher_name", &p))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .next();

    if let Some(Value::Object(pd)) = data.get("publication_date") {
        let pat = child(at, "publication_date");
        let year = text(pd, "publication_year", &pat)?;
        if let Some(y) = year.as_deref().and_then(|y| y.parse::<i32>().ok()) {
            d.publication_year = Some(y);
            let mut value = format!("{y:04}");
            let part = |k: &str| -> Result<Option<u32>, ParseError> {
                Ok(text(pd, k, &pat)?
                    .and_then(|m| m.parse::<u32>().ok())
                    .filter(|n| (1..=31).contains(n)))
            };
            if let Some(m) = part("publication_month")?.filter(|m| *m <= 12) {
                value.push_str(&format!("-{m:02}"));
                if let Some(day) = part("publication_day")? {
                    value.push_str(&format!("-{day:02}"));
                }
            }
            d.dates.push(DepositDate {
                kind: "Issued".into(),
                value,
            });
        }
    } else if data.get("publication_date").is_some_and(|v| !v.is_null()) {
        return Err(ParseError::shape(
            child(at, "publication_date"),
            "an object",
        ));
    }
    if let Some(u) = text(data, "updated_date", at)? {
        d.dates.push(DepositDate {
            kind: "Updated".into(),
            value: u,
        });
    }

    for (o, p) in objects(data, "relation_list", at)? {
        let Some(content) = text(o, "content", &p)? else {
            continue;
        };
        let scheme = match text(o, "type", &p)?.as_deref() {
            Some(t) if t.eq_ignore_ascii_case("doi") => "DOI".to_string(),
            Some(t) if t.eq_ignore_ascii_case("uri") || t.eq_ignore_ascii_case("url") => {
                "URL".to_string()
            }
            Some(t) => t.to_string(),
            None if dmpgraph_model::identity::normalize_doi(&content).is_some() => "DOI".into(),
            None => "URL".into(),
        };
        let relation = text(o, "relation", &p)?
            .map(|r| datacite_relation(&r))
            .unwrap_or_else(|| "References".into());
        d.related.push(Related {
            identifier: content,
            scheme,
            relation,
        });
    }

    for key in ["keyword_list", "keywords", "subject_list"] {
        for (v, p) in list(data, key, at)? {
            match v {
                Value::String(s) if !s.trim().is_empty() => d
                    .subjects
                    .push(LangText::new(s.trim(), super::guess_lang(s))),
                Value::Object(o) => {
                    let lang = text(o, "lang", &p)?;
                    for tk in ["keyword", "subject", "content", "value"] {
                        if let Some(t) = text(o, tk, &p)? {
                            d.subjects.push(LangText::new(t, lang.as_deref()));
                            break;
                        }
                    }
                }
                _ => {}
            }
        }
    }

    for key in ["funding_list", "funding_reference_list", "fund_list"] {
        for (o, p) in objects(data, key, at)? {
            let f = funding(o, &p)?;
            if f != Funding::default() {
                d.funding.push(f);
            }
        }
    }
    Ok(d)
}

/// JaLC writes DataCite's relation types in lower camel case
/// (`isSupplementTo`); DataCite's terms start upper case.
fn datacite_relation(r: &str) -> String {
    let r = r.trim();
    let mut chars = r.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "References".into(),
    }
}

/// One creator: its first name as `name`, the names in other languages as
/// `other_names`.
fn creator(o: &Map<String, Value>, at: &str) -> Result<Option<Creator>, ParseError> {
    let mut c = Creator {
        organisation: text(o, "type", at)?
            .is_some_and(|t| t.to_ascii_lowercase().starts_with("org")),
        ..Creator::default()
    };
    let mut first = true;
    for (n, p) in objects(o, "names", at)? {
        let lang = text(n, "lang", &p)?;
        let family = text(n, "last_name", &p)?;
        let given = text(n, "first_name", &p)?;
        let full = match (&family, &given) {
            (Some(f), Some(g)) if lang.as_deref() == Some("ja") => format!("{f} {g}"),
            (Some(f), Some(g)) => format!("{f}, {g}"),
            (Some(x), None) | (None, Some(x)) => x.clone(),
            (None, None) => match text(n, "name", &p)? {
                Some(x) => x,
                None => continue,
            },
        };
        if first {
            c.name = full;
            c.family_name = family;
            c.given_name = given;
            first = false;
        } else if full != c.name {
            c.other_names.push(LangText::new(full, lang.as_deref()));
        }
    }
    if c.name.is_empty() {
        return Ok(None);
    }
    for (a, p) in objects(o, "affiliation_list", at)? {
        let names = lang_texts(a, "affiliation_name", "affiliation_name", &p)?;
        let Some(name) = names.into_iter().next() else {
            continue;
        };
        let mut ror = None;
        for key in ["affiliation_identifier", "affiliation_identifier_list"] {
            for (v, q) in list(a, key, &p)? {
                let id = match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Object(io) => {
                        text(io, "affiliation_identifier", &q)?.or(text(io, "identifier", &q)?)
                    }
                    _ => None,
                };
                if let Some(r) = id
                    .filter(|i| i.contains("ror.org"))
                    .and_then(|i| normalize_ror(&i))
                {
                    ror.get_or_insert(r);
                }
            }
        }
        c.affiliations.push(Affiliation {
            name: name.text,
            ror,
        });
    }
    if let Some(orcid) = text(o, "orcid", at)?.and_then(|s| normalize_orcid(&s)) {
        c.orcid = Some(orcid);
    }
    for (r, p) in objects(o, "researcher_id_list", at)? {
        let kind = text(r, "type", &p)?.unwrap_or_default();
        let id = text(r, "id_code", &p)?.or(text(r, "researcher_id", &p)?);
        if let Some(id) = id {
            if kind.to_ascii_lowercase().contains("orcid") || id.contains("orcid.org") {
                if let Some(orcid) = normalize_orcid(&id) {
                    c.orcid.get_or_insert(orcid);
                }
            }
        }
    }
    Ok(Some(c))
}

/// A text that may be written plainly, as `[{lang, <key>}]` or as `{<key>}`:
/// the first given.
fn first_text(o: &Map<String, Value>, key: &str, at: &str) -> Result<Option<String>, ParseError> {
    match o.get(key) {
        Some(Value::Array(_)) | Some(Value::Object(_)) => Ok(lang_texts(o, key, key, at)?
            .into_iter()
            .next()
            .map(|t| t.text)),
        _ => text(o, key, at),
    }
}

/// One funding entry (all fields optional).
fn funding(o: &Map<String, Value>, at: &str) -> Result<Funding, ParseError> {
    let award_number = first_text(o, "award_number", at)?;
    let award_title = first_text(o, "award_title", at)?;
    let funder_name = first_text(o, "funder_name", at)?;
    let mut funder_id = None;
    let mut funder_id_type = text(o, "funder_identifier_type", at)?;
    match o.get("funder_identifier") {
        Some(Value::Array(_)) | Some(Value::Object(_)) => {
            if let Some((io, p)) = objects(o, "funder_identifier", at)?.into_iter().next() {
                funder_id = text(io, "funder_identifier", &p)?;
                if funder_id_type.is_none() {
                    funder_id_type = text(io, "funder_identifier_type", &p)?;
                }
            }
        }
        _ => funder_id = text(o, "funder_identifier", at)?,
    }
    let award_normalised = award_number.as_deref().and_then(|n| {
        award::normalise(n).or_else(|| {
            award::find_all(n)
                .into_iter()
                .next()
                .map(|(a, _)| a.acknowledgement())
        })
    });
    Ok(Funding {
        funder_name,
        funder_id,
        funder_id_type,
        award_normalised,
        award_title,
        award_uri: first_text(o, "award_uri", at)?,
        award_number,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Option<Vec<u8>> {
        let dir = dmpgraph_dev::testing::fixtures_dir()?;
        Some(std::fs::read(dir.join("external/jalc/doi.json")).expect("fixture"))
    }

    #[test]
    fn the_fixture_maps() {
        let Some(body) = fixture() else { return };
        let item = parse_doi(&body).unwrap();
        let d = &item.deposit;
        assert_eq!(d.source, Source::Jalc);
        assert_eq!(d.id.to_string(), "doi:10.99999/example.jalc.3");
        assert_eq!(d.entry_type, "RD");
        assert_eq!(d.resource_type.as_deref(), Some("RD"));
        assert_eq!(d.resource_type_general.as_deref(), Some("Dataset"));
        assert_eq!(
            d.url.as_deref(),
            Some("https://repository.example.ac.jp/records/3")
        );
        assert_eq!(d.title("ja"), Some("臨床画像コホートデータ"));
        assert_eq!(d.title("en"), Some("Clinical imaging cohort data"));
        assert_eq!(d.creators.len(), 1);
        let c = &d.creators[0];
        assert_eq!(c.name, "山田 花子");
        assert_eq!(c.family_name.as_deref(), Some("山田"));
        assert_eq!(c.given_name.as_deref(), Some("花子"));
        assert_eq!(
            c.other_names,
            vec![LangText::new("Yamada, Hanako", Some("en"))]
        );
        assert!(!c.organisation);
        assert_eq!(
            c.affiliations,
            vec![Affiliation {
                name: "例示医科大学".into(),
                ror: None
            }]
        );
        assert_eq!(d.publisher.as_deref(), Some("例示大学機関リポジトリ"));
        assert_eq!(d.publication_year, Some(2025));
        assert!(d.dates.contains(&DepositDate {
            kind: "Issued".into(),
            value: "2025-03-31".into()
        }));
        assert!(d.dates.contains(&DepositDate {
            kind: "Updated".into(),
            value: "2025-04-01".into()
        }));
        assert_eq!(
            d.related,
            vec![Related {
                identifier: "10.99999/example.article.7".into(),
                scheme: "DOI".into(),
                relation: "IsSupplementTo".into()
            }]
        );
        assert_eq!(d.funding.len(), 1);
        let f = &d.funding[0];
        assert_eq!(f.funder_name.as_deref(), Some("日本医療研究開発機構"));
        assert_eq!(f.award_number.as_deref(), Some("JP24ek0109555"));
        assert_eq!(f.award_normalised.as_deref(), Some("JP24ek0109555"));
        let amed = dmpgraph_model::CatalogConfig::builtin().funder.clone();
        assert!(super::super::names_funder(f, &amed));
        // raw is `data`, not the envelope.
        let raw: Value = serde_json::from_str(&item.raw).unwrap();
        assert_eq!(raw["doi"], "10.99999/example.jalc.3");
        assert!(raw.get("status").is_none());
    }

    #[test]
    fn sparse_records_and_other_forms() {
        let body = r#"{"status":"OK","data":{"doi":"10.11501/ABC","content_type":"JA",
            "title_list":{"lang":"en","title":"One"},
            "creator_list":[{"type":"organization","names":[{"lang":"en","last_name":"Example Consortium"}]},
                            {"names":[{"lang":"en","last_name":"Sato","first_name":"Ken"},{"lang":"ja","last_name":"佐藤","first_name":"健"}],
                             "researcher_id_list":[{"type":"ORCID","id_code":"0000-0002-1825-0097"}],
                             "affiliation_list":[{"affiliation_name":[{"lang":"en","affiliation_name":"Univ"}],
                                                  "affiliation_identifier":[{"affiliation_identifier":"https://ror.org/04ksd4g47","identifier_scheme":"ROR"}]}]},
                            {"names":[]}],
            "publication_date":{"publication_year":2021,"publication_month":"4"},
            "keyword_list":[{"keyword":"ゲノム","lang":"ja"},"cohort"],
            "funding_list":[{"funder_name":"AMED","award_number":[{"award_number":"２１ｅｋ０１０９５５５ｈ０００１"}],"award_title":"研究"},{}]
        }}"#;
        let d = parse_doi(body.as_bytes()).unwrap().deposit;
        assert_eq!(d.id.to_string(), "doi:10.11501/abc");
        assert_eq!(d.resource_type_general.as_deref(), Some("JournalArticle"));
        assert_eq!(d.titles, vec![LangText::new("One", Some("en"))]);
        assert_eq!(d.creators.len(), 2);
        assert!(d.creators[0].organisation);
        assert_eq!(d.creators[0].name, "Example Consortium");
        assert_eq!(d.creators[1].name, "Sato, Ken");
        assert_eq!(
            d.creators[1].other_names,
            vec![LangText::new("佐藤 健", Some("ja"))]
        );
        assert_eq!(
            d.creators[1].orcid.as_deref(),
            Some("https://orcid.org/0000-0002-1825-0097")
        );
        assert_eq!(
            d.creators[1].affiliations[0].ror.as_deref(),
            Some("https://ror.org/04ksd4g47")
        );
        assert_eq!(d.publication_year, Some(2021));
        assert_eq!(
            d.dates,
            vec![DepositDate {
                kind: "Issued".into(),
                value: "2021-04".into()
            }]
        );
        assert_eq!(d.subjects.len(), 2);
        assert_eq!(d.funding.len(), 1);
        assert_eq!(
            d.funding[0].award_normalised.as_deref(),
            Some("JP21ek0109555")
        );
        assert_eq!(d.funding[0].award_title.as_deref(), Some("研究"));
        for (ct, general) in [("BK", "Book"), ("GD", "Text")] {
            let body =
                format!(r#"{{"status":"OK","data":{{"doi":"10.1234/x","content_type":"{ct}"}}}}"#);
            let d = parse_doi(body.as_bytes()).unwrap().deposit;
            assert_eq!(d.resource_type_general.as_deref(), Some(general));
        }
    }

    #[test]
    fn errors() {
        match parse_doi(
            br#"{"status":"NG","message":{"errors":[{"code":"E404","message":"doi not found"}]}}"#,
        ) {
            Err(ParseError::Reported { pointer, message }) => {
                assert_eq!(pointer, "/message");
                assert_eq!(message, "doi not found (E404)");
            }
            other => panic!("{other:?}"),
        }
        match parse_doi(br#"{"status":"NG","message":"bad request"}"#) {
            Err(ParseError::Reported { message, .. }) => assert_eq!(message, "bad request"),
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(parse_doi(br#"{"errors":[{"message":"x"}]}"#), Err(ParseError::Reported { pointer, .. }) if pointer == "/errors")
        );
        assert!(matches!(
            parse_doi(br#"{"status":"OK","data":{"doi"#),
            Err(ParseError::Json(_))
        ));
        let shape = |body: &[u8]| match parse_doi(body) {
            Err(ParseError::Shape { pointer, .. }) => pointer,
            other => panic!("{other:?}"),
        };
        assert_eq!(shape(b"[]"), "");
        assert_eq!(shape(br#"{"status":"OK"}"#), "/data");
        assert_eq!(
            shape(br#"{"status":"OK","data":{"title_list":[]}}"#),
            "/data/doi"
        );
        assert_eq!(
            shape(br#"{"status":"OK","data":{"doi":"10.1234/x","title_list":[{"title":{}}]}}"#),
            "/data/title_list/0/title"
        );
        assert_eq!(
            shape(br#"{"status":"OK","data":{"doi":"10.1234/x","creator_list":"x"}}"#),
            "/data/creator_list"
        );
        assert_eq!(
            shape(br#"{"status":"OK","data":{"doi":"10.1234/x","publication_date":"2020"}}"#),
            "/data/publication_date"
        );
    }

    #[test]
    fn no_input_panics() {
        let Some(body) = fixture() else { return };
        for cut in 0..body.len() {
            let _ = parse_doi(&body[..cut]);
        }
        for body in [
            r#"{"status":"OK","data":{"doi":"x","publication_date":{"publication_year":"２０２０","publication_month":99}}}"#,
            r#"{"status":"OK","data":{"doi":"x","creator_list":[{"names":[{"lang":"ja"}]},null]}}"#,
            r#"{"status":7}"#,
            r#"{"status":"NG","message":{"errors":[[[{}]]]}}"#,
        ] {
            let _ = parse_doi(body.as_bytes());
        }
    }

    #[test]
    fn urls() {
        assert_eq!(
            doi_url("https://api.japanlinkcenter.org/", "10.11501/3140078"),
            "https://api.japanlinkcenter.org/dois/10.11501/3140078"
        );
        assert_eq!(
            doi_url("http://127.0.0.1:1", "10.1234/a b?c"),
            "http://127.0.0.1:1/dois/10.1234/a%20b%3Fc"
        );
    }
}
