//! JPCOAR schema 2.0 (`jpcoar_2.0`): what IRDB harvests.
//!
//! [`jpcoar`] writes one item as a `<jpcoar:jpcoar>` element, in the order
//! `jpcoar_scm.xsd` requires, and so that IRDB accepts it:
//!
//! - every title, name, description, publisher, funder name and award
//!   title carries `xml:lang` (the item's language when it is a valid
//!   language tag, otherwise guessed from the text: [`guess_lang`]);
//! - no element has two values in one language under the same parent: the
//!   first title of each language is the `dc:title`, later ones become
//!   `dcterms:alternative`; descriptions of one language are joined into
//!   one; for publishers and funder names the first of each language is kept;
//! - `dc:type` and `dcterms:accessRights` carry their COAR URIs and exactly
//!   the COAR labels; a `datacite:date dateType="Available"` (the embargo's
//!   end) is written if and only if the item is embargoed;
//! - a DOI is written `https://doi.org/10.…`; an award number is typed
//!   `JGN` only when it is one (and starts with `JP`);
//! - dates are calendar dates `YYYY-MM-DD`;
//! - an element whose value is missing or empty (also once the characters
//!   XML 1.0 forbids are dropped) is left out, never written empty.
//!
//! The helpers that both this format and DataCite's need (languages,
//! identifiers, dates, titles) are here too, `pub(crate)`, so that the two
//! formats make the same choices.

// lib.rs serves this format next; until then only the tests call it.

use crate::meta::{Access, DateType, IdType, ItemKind, ItemMeta, Person, PersonId, Role, Text};
use crate::xml::{clean, Xml};
use chrono::{Datelike, NaiveDate};

/// The JPCOAR 2.0 namespace (`metadataNamespace` of `jpcoar_2.0`).
pub(crate) const JPCOAR_NS: &str = "https://github.com/JPCOAR/schema/blob/master/2.0/";
/// The JPCOAR 2.0 schema (`schema` of `jpcoar_2.0`).
pub(crate) const JPCOAR_SCHEMA: &str =
    "https://github.com/JPCOAR/schema/blob/master/2.0/jpcoar_scm.xsd";

/// Namespaces of the elements JPCOAR 2.0 borrows, as its schema imports them.
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
const DCTERMS_NS: &str = "http://purl.org/dc/terms/";
/// JPCOAR's own copy of DataCite's elements: not DataCite's kernel-4
/// namespace (`http://datacite.org/schema/kernel-4`).
const DATACITE_NS: &str = "https://schema.datacite.org/meta/kernel-4/";
const OAIRE_NS: &str = "http://namespace.openaire.eu/schema/oaire/";
const RDF_NS: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const DCNDL_NS: &str = "http://ndl.go.jp/dcndl/terms/";

/// `xsi:schemaLocation` of the element, as JPCOAR's samples write it.
const SCHEMA_LOCATION: &str = "https://github.com/JPCOAR/schema/blob/master/2.0/ jpcoar_scm.xsd";

/// Writes `item` as one `<jpcoar:jpcoar>` element (JPCOAR schema 2.0).
///
/// The element declares every namespace it uses except `xsi`, which the
/// enclosing OAI-PMH document declares.
pub(crate) fn jpcoar(item: &ItemMeta, x: &mut Xml) {
    x.open(
        "jpcoar:jpcoar",
        &[
            ("xmlns:jpcoar", JPCOAR_NS),
            ("xmlns:dc", DC_NS),
            ("xmlns:dcterms", DCTERMS_NS),
            ("xmlns:datacite", DATACITE_NS),
            ("xmlns:oaire", OAIRE_NS),
            ("xmlns:rdf", RDF_NS),
            ("xmlns:dcndl", DCNDL_NS),
            ("xsi:schemaLocation", SCHEMA_LOCATION),
        ],
    );

    // dc:title (one per language), then dcterms:alternative.
    let (titles, alternatives) = titles(item);
    for t in &titles {
        x.text_element("dc:title", &[("xml:lang", &t.lang)], &t.value);
    }
    for t in &alternatives {
        x.text_element("dcterms:alternative", &[("xml:lang", &t.lang)], &t.value);
    }

    for person in &item.creators {
        write_person(x, person, "jpcoar:creator", &[], "jpcoar:creatorName");
    }
    for (person, role) in &item.contributors {
        write_person(
            x,
            person,
            "jpcoar:contributor",
            &[("contributorType", role_name(*role))],
            "jpcoar:contributorName",
        );
    }

    x.text_element(
        "dcterms:accessRights",
        &[("rdf:resource", item.access.coar_uri())],
        item.access.coar_label(),
    );

    for s in distinct(&item.subjects) {
        x.text_element(
            "jpcoar:subject",
            &[("xml:lang", &s.lang), ("subjectScheme", "Other")],
            &s.value,
        );
    }
    for d in merged_per_lang(&item.descriptions) {
        x.text_element(
            "datacite:description",
            &[("descriptionType", "Abstract"), ("xml:lang", &d.lang)],
            &d.value,
        );
    }
    for p in first_per_lang(&item.publisher).0 {
        x.text_element("dc:publisher", &[("xml:lang", &p.lang)], &p.value);
    }
    for (date_type, date) in dates(item) {
        x.text_element("datacite:date", &[("dateType", date_type)], &date);
    }
    x.text_element("dc:language", &[], "jpn");

    let (type_uri, type_label) = resource_type(item.kind);
    x.text_element("dc:type", &[("rdf:resource", type_uri)], type_label);

    if let Some(version) = item.version.as_deref().and_then(present) {
        x.text_element("datacite:version", &[], &version);
    }

    // At least one identifier is required: the DOI, and the landing page.
    let doi = item.doi.as_deref().and_then(doi_name);
    if let Some(doi) = &doi {
        x.text_element(
            "jpcoar:identifier",
            &[("identifierType", "DOI")],
            &doi_url(doi),
        );
    }
    let landing = present(&item.landing);
    if landing.is_some() || doi.is_none() {
        // With neither (never so for a stored item), an empty URI: the
        // schema requires the element and accepts an empty xs:anyURI.
        x.text_element(
            "jpcoar:identifier",
            &[("identifierType", "URI")],
            landing.as_deref().unwrap_or(""),
        );
    }

    for related in &item.relations {
        let id = related_id(related.id_type, &related.identifier);
        let title = related.title.as_ref().and_then(lang_text);
        if id.is_none() && title.is_none() {
            continue;
        }
        x.open(
            "jpcoar:relation",
            &[("relationType", related.relation.as_str())],
        );
        match &id {
            Some((IdType::Doi, name)) => x.text_element(
                "jpcoar:relatedIdentifier",
                &[("identifierType", "DOI")],
                &doi_url(name),
            ),
            Some((IdType::Uri, uri)) => x.text_element(
                "jpcoar:relatedIdentifier",
                &[("identifierType", "URI")],
                uri,
            ),
            None => {}
        }
        if let Some(t) = &title {
            x.text_element("jpcoar:relatedTitle", &[("xml:lang", &t.lang)], &t.value);
        }
        x.close("jpcoar:relation");
    }

    if let Some(funding) = &item.funding {
        write_funding(x, funding);
    }

    if let Some(size) = item.size.as_deref().and_then(present) {
        x.text_element("dcterms:extent", &[], &size);
    }

    x.close("jpcoar:jpcoar");
}

/// `jpcoar:creator` or `jpcoar:contributor`; a person without a name is
/// left out (IRDB needs the name, and an identifier alone says too little).
fn write_person(x: &mut Xml, p: &Person, element: &str, attrs: &[(&str, &str)], name: &str) {
    let Some(person_name) = lang_text(&p.name) else {
        return;
    };
    x.open(element, attrs);
    for id in person_ids(&p.ids) {
        match id {
            Id::Orcid(bare) => x.text_element(
                "jpcoar:nameIdentifier",
                &[
                    ("nameIdentifierScheme", "ORCID"),
                    ("nameIdentifierURI", &format!("https://orcid.org/{bare}")),
                ],
                &bare,
            ),
            Id::ERad(number) => x.text_element(
                "jpcoar:nameIdentifier",
                &[("nameIdentifierScheme", "e-Rad_Researcher")],
                &number,
            ),
        }
    }
    x.text_element(name, &[("xml:lang", &person_name.lang)], &person_name.value);
    let affiliation = p.affiliation.as_ref().and_then(lang_text);
    let ror = p.affiliation_ror.as_deref().and_then(ror_url);
    if affiliation.is_some() || ror.is_some() {
        x.open("jpcoar:affiliation", &[]);
        if let Some(ror) = &ror {
            x.text_element(
                "jpcoar:nameIdentifier",
                &[("nameIdentifierScheme", "ROR"), ("nameIdentifierURI", ror)],
                ror,
            );
        }
        if let Some(a) = &affiliation {
            x.text_element("jpcoar:affiliationName", &[("xml:lang", &a.lang)], &a.value);
        }
        x.close("jpcoar:affiliation");
    }
    x.close(element);
}

/// `jpcoar:fundingReference`; left out when no funder name is known (the
/// schema requires one).
fn write_funding(x: &mut Xml, f: &crate::meta::Funding) {
    let names = first_per_lang(&f.funder_names).0;
    if names.is_empty() {
        return;
    }
    x.open("jpcoar:fundingReference", &[]);
    match funder_id(f) {
        Some(FunderId::Ror(ror)) => x.text_element(
            "jpcoar:funderIdentifier",
            &[("funderIdentifierType", "ROR")],
            &ror,
        ),
        Some(FunderId::Crossref(url)) => x.text_element(
            "jpcoar:funderIdentifier",
            &[("funderIdentifierType", "Crossref Funder")],
            &url,
        ),
        None => {}
    }
    for n in &names {
        x.text_element("jpcoar:funderName", &[("xml:lang", &n.lang)], &n.value);
    }
    if let Some(s) = f.stream.as_ref().and_then(lang_text) {
        x.text_element("jpcoar:fundingStream", &[("xml:lang", &s.lang)], &s.value);
    }
    if let Some(number) = f.award_number.as_deref().and_then(present) {
        // IRDB: a JGN-typed award number starts with "JP"; one that does
        // not, though marked JGN, is written untyped rather than rejected.
        if f.award_is_jgn && number.starts_with("JP") {
            x.text_element("jpcoar:awardNumber", &[("awardNumberType", "JGN")], &number);
        } else {
            x.text_element("jpcoar:awardNumber", &[], &number);
        }
    }
    if let Some(t) = f.award_title.as_ref().and_then(lang_text) {
        x.text_element("jpcoar:awardTitle", &[("xml:lang", &t.lang)], &t.value);
    }
    x.close("jpcoar:fundingReference");
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::DataManager => "DataManager",
        Role::ProjectMember => "ProjectMember",
    }
}

/// The COAR resource type (URI, label) of an item.
pub(crate) fn resource_type(kind: ItemKind) -> (&'static str, &'static str) {
    match kind {
        ItemKind::Plan => (
            "http://purl.org/coar/resource_type/c_ab20",
            "data management plan",
        ),
        ItemKind::Dataset => ("http://purl.org/coar/resource_type/c_ddb1", "dataset"),
    }
}

// ---------------------------------------------------------------------------
// Shared with DataCite: texts and languages.

/// A text ready to write: its value (trimmed, without the characters XML
/// 1.0 forbids, never empty) and its language tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LangText {
    pub(crate) value: String,
    pub(crate) lang: String,
}

/// `s` as it will be written (XML 1.0-forbidden characters dropped,
/// trimmed), or `None` when nothing is left.
pub(crate) fn present(s: &str) -> Option<String> {
    let cleaned = clean(s);
    let trimmed = cleaned.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// Whether `tag` is a language tag `xml:lang` accepts (`xs:language`:
/// `[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*`).
pub(crate) fn valid_lang(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The language of a text without one: `ja` when it has Han, Hiragana or
/// Katakana characters, `en` otherwise.
pub(crate) fn guess_lang(value: &str) -> &'static str {
    let japanese = value.chars().any(|c| {
        matches!(c,
            '\u{3005}'..='\u{3007}'   // 々 〆 〇
            | '\u{3040}'..='\u{309F}' // Hiragana
            | '\u{30A0}'..='\u{30FF}' // Katakana
            | '\u{31F0}'..='\u{31FF}' // Katakana phonetic extensions
            | '\u{3400}'..='\u{4DBF}' // CJK extension A
            | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
            | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
            | '\u{FF66}'..='\u{FF9F}' // half-width Katakana
            | '\u{20000}'..='\u{3134F}' // CJK extensions B–G
        )
    });
    if japanese {
        "ja"
    } else {
        "en"
    }
}

/// `t` ready to write: its language when that is a valid tag, otherwise
/// the guess from its value; `None` when its value is empty.
pub(crate) fn lang_text(t: &Text) -> Option<LangText> {
    let value = present(&t.value)?;
    let lang = match t.lang.as_deref().map(str::trim) {
        Some(l) if valid_lang(l) => l.to_owned(),
        _ => guess_lang(&value).to_owned(),
    };
    Some(LangText { value, lang })
}

/// Language tags compare case-insensitively (BCP 47).
fn same_lang(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The first text of each language, and the others (in their order).
pub(crate) fn first_per_lang(texts: &[Text]) -> (Vec<LangText>, Vec<LangText>) {
    let mut first: Vec<LangText> = Vec::new();
    let mut rest: Vec<LangText> = Vec::new();
    for t in texts.iter().filter_map(lang_text) {
        if first.iter().any(|f| same_lang(&f.lang, &t.lang)) {
            if !first.contains(&t) && !rest.contains(&t) {
                rest.push(t);
            }
        } else {
            first.push(t);
        }
    }
    (first, rest)
}

/// One text per language: the distinct texts of each language joined by a
/// blank line (for descriptions, where no text may be lost).
pub(crate) fn merged_per_lang(texts: &[Text]) -> Vec<LangText> {
    let mut out: Vec<(LangText, Vec<String>)> = Vec::new();
    for t in texts.iter().filter_map(lang_text) {
        match out.iter_mut().find(|(o, _)| same_lang(&o.lang, &t.lang)) {
            Some((o, seen)) => {
                if !seen.contains(&t.value) {
                    o.value.push_str("\n\n");
                    o.value.push_str(&t.value);
                    seen.push(t.value);
                }
            }
            None => {
                let seen = vec![t.value.clone()];
                out.push((t, seen));
            }
        }
    }
    out.into_iter().map(|(t, _)| t).collect()
}

/// The texts without repeats (same value, same language).
pub(crate) fn distinct(texts: &[Text]) -> Vec<LangText> {
    let mut out: Vec<LangText> = Vec::new();
    for t in texts.iter().filter_map(lang_text) {
        if !out
            .iter()
            .any(|o| o.value == t.value && same_lang(&o.lang, &t.lang))
        {
            out.push(t);
        }
    }
    out
}

/// The item's titles, one per language, and the further ones (alternative
/// titles). Both formats require a title: an item without one is titled
/// by its project's title (the award title, as `oai_dc` does), else by its
/// landing page, so that the record is still identifiable.
pub(crate) fn titles(item: &ItemMeta) -> (Vec<LangText>, Vec<LangText>) {
    let (first, rest) = first_per_lang(&item.titles);
    if !first.is_empty() {
        return (first, rest);
    }
    let fallback = item
        .funding
        .as_ref()
        .and_then(|f| f.award_title.as_ref())
        .and_then(lang_text)
        .or_else(|| lang_text(&Text::new(item.landing.clone(), Some("en"))))
        .unwrap_or_else(|| LangText {
            value: "(untitled)".into(),
            lang: "en".into(),
        });
    (vec![fallback], Vec::new())
}

// ---------------------------------------------------------------------------
// Shared with DataCite: dates.

/// `d` as `YYYY-MM-DD`, for the years both schemas' four-digit patterns
/// can write (1–9999); `None` for others.
pub(crate) fn iso_date(d: NaiveDate) -> Option<String> {
    (1..=9999)
        .contains(&d.year())
        .then(|| d.format("%Y-%m-%d").to_string())
}

/// The item's dates to write, as (dateType, `YYYY-MM-DD`), without repeats.
/// `Available` comes from the access rights alone: the embargo's end while
/// embargoed, and never otherwise (an `Available` date in `dates` is not
/// written: IRDB reads one as an embargo).
pub(crate) fn dates(item: &ItemMeta) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    for (date_type, date) in &item.dates {
        if *date_type == DateType::Available {
            continue;
        }
        if let Some(d) = iso_date(*date) {
            let entry = (date_type.as_str(), d);
            if !out.contains(&entry) {
                out.push(entry);
            }
        }
    }
    if let Access::Embargoed { until } = item.access {
        if let Some(d) = iso_date(until) {
            out.push((DateType::Available.as_str(), d));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Shared with DataCite: identifiers.

/// A person's identifier, checked and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Id {
    /// The bare ORCID iD, `0000-0002-1825-0097`.
    Orcid(String),
    /// The e-Rad researcher number, 8 digits.
    ERad(String),
}

/// The person's identifiers that are well formed, without repeats; a
/// malformed one is left out rather than written.
pub(crate) fn person_ids(ids: &[PersonId]) -> Vec<Id> {
    let mut out: Vec<Id> = Vec::new();
    for id in ids {
        let id = match id {
            PersonId::Orcid(s) => orcid(s).map(Id::Orcid),
            PersonId::ERad(s) => erad(s).map(Id::ERad),
        };
        if let Some(id) = id {
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

/// The bare ORCID iD of `s` (`https://orcid.org/…`, `http://…` or bare),
/// when it has ORCID's form: four groups of four digits, the last
/// character a digit or `X`.
pub(crate) fn orcid(s: &str) -> Option<String> {
    let s = s.trim();
    let bare = ["https://orcid.org/", "http://orcid.org/"]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .unwrap_or(s);
    let b = bare.as_bytes();
    let ok = b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 9 | 14 => *c == b'-',
            18 => c.is_ascii_digit() || *c == b'X',
            _ => c.is_ascii_digit(),
        });
    ok.then(|| bare.to_owned())
}

/// The e-Rad researcher number of `s`, when it is 8 digits.
pub(crate) fn erad(s: &str) -> Option<String> {
    let s = s.trim();
    (s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.to_owned())
}

/// `s` as a ROR URL `https://ror.org/0xxxxxxxx` (from that, `http://…`,
/// `ror.org/…` or the bare id), when it has ROR's form (`0` and eight
/// lower-case letters or digits).
pub(crate) fn ror_url(s: &str) -> Option<String> {
    let s = s.trim();
    let bare = ["https://ror.org/", "http://ror.org/", "ror.org/"]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .unwrap_or(s);
    let bare = bare.trim_end_matches('/');
    let ok = bare.len() == 9
        && bare.starts_with('0')
        && bare
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase());
    ok.then(|| format!("https://ror.org/{bare}"))
}

/// The DOI name `10.…/…` of `s` (a DOI name, `doi:…`, or a `doi.org`
/// URL), when it is one: `10.`, a registrant code, `/`, a non-empty
/// suffix, no white space.
pub(crate) fn doi_name(s: &str) -> Option<String> {
    let s = s.trim();
    let name = [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ]
    .iter()
    .find_map(|p| s.strip_prefix(p))
    .unwrap_or(s);
    let (prefix, suffix) = name.split_once('/')?;
    let registrant = prefix.strip_prefix("10.")?;
    let ok = !registrant.is_empty()
        && registrant.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && !suffix.is_empty()
        && !name.chars().any(|c| c.is_whitespace() || c.is_control())
        && present(name).as_deref() == Some(name);
    ok.then(|| name.to_owned())
}

/// The `https://doi.org/` URL of a DOI name, its suffix percent-encoded
/// where a URI does not allow the character (as the DOI Handbook says).
pub(crate) fn doi_url(name: &str) -> String {
    let mut url = String::from("https://doi.org/");
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/".contains(c) {
            url.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                url.push_str(&format!("%{b:02X}"));
            }
        }
    }
    url
}

/// A related resource's identifier to write, as (kind, value): a DOI as
/// its name `10.…` (each format writes it its way); an identifier marked
/// DOI that is not one is taken as a URI when it looks like one (has
/// `://`); `None` when empty.
pub(crate) fn related_id(kind: IdType, identifier: &str) -> Option<(IdType, String)> {
    match kind {
        IdType::Doi => match doi_name(identifier) {
            Some(name) => Some((IdType::Doi, name)),
            None => present(identifier)
                .filter(|v| v.contains("://"))
                .map(|v| (IdType::Uri, v)),
        },
        IdType::Uri => present(identifier).map(|v| (IdType::Uri, v)),
    }
}

/// A funder's identifier, checked and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FunderId {
    /// `https://ror.org/…`.
    Ror(String),
    /// `https://doi.org/10.13039/…`.
    Crossref(String),
}

/// The funder's identifier: its ROR id, else its Crossref Funder ID (both
/// schemas take one identifier per funding reference).
pub(crate) fn funder_id(f: &crate::meta::Funding) -> Option<FunderId> {
    if let Some(ror) = f.funder_ror.as_deref().and_then(ror_url) {
        return Some(FunderId::Ror(ror));
    }
    f.funder_crossref
        .as_deref()
        .and_then(doi_name)
        .filter(|n| n.starts_with("10.13039/"))
        .map(|n| FunderId::Crossref(doi_url(&n)))
}

#[cfg(test)]
#[path = "../../cli/tests/common/irdb.rs"]
mod irdb;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::meta::{Funding, Related, RelationType};

    pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
    }

    fn ja(s: &str) -> Text {
        Text::new(s, Some("ja"))
    }

    fn en(s: &str) -> Text {
        Text::new(s, Some("en"))
    }

    pub(crate) fn tanaka() -> Person {
        Person {
            name: ja("田中 浩一"),
            ids: vec![
                PersonId::Orcid("https://orcid.org/0000-0002-1825-0097".into()),
                PersonId::ERad("12345678".into()),
            ],
            affiliation: Some(ja("東京大学")),
            affiliation_ror: Some("https://ror.org/057zh3y96".into()),
        }
    }

    pub(crate) fn amed(award_is_jgn: bool) -> Funding {
        Funding {
            funder_names: vec![
                ja("国立研究開発法人日本医療研究開発機構"),
                en("Japan Agency for Medical Research and Development"),
            ],
            funder_ror: Some("https://ror.org/01b9y6c26".into()),
            funder_crossref: Some("https://doi.org/10.13039/100009619".into()),
            stream: Some(ja("次世代がん医療加速化研究事業")),
            award_number: Some("JP23ck0106789".into()),
            award_is_jgn,
            award_title: Some(ja("膵臓がんの全ゲノム解析による新規治療標的の探索")),
        }
    }

    /// A plan, as the AMED form gives it.
    pub(crate) fn plan() -> ItemMeta {
        ItemMeta {
            kind: ItemKind::Plan,
            landing: "https://dmp.example.org/dmp/23ck0106789h0001".into(),
            titles: vec![ja(
                "膵臓がんの全ゲノム解析による新規治療標的の探索 データマネジメント計画",
            )],
            descriptions: vec![ja(
                "本計画は、膵臓がん患者の全ゲノムシークエンスデータの管理について定める。",
            )],
            creators: vec![tanaka()],
            contributors: vec![(
                Person {
                    name: ja("佐藤 美咲"),
                    ids: vec![PersonId::ERad("87654321".into())],
                    affiliation: Some(ja("東京大学")),
                    affiliation_ror: Some("057zh3y96".into()),
                },
                Role::DataManager,
            )],
            subjects: vec![ja("次世代がん医療加速化研究事業"), ja("ゲノム")],
            publisher: vec![
                ja("国立研究開発法人日本医療研究開発機構"),
                en("Japan Agency for Medical Research and Development"),
            ],
            funding: Some(amed(true)),
            dates: vec![
                (DateType::Created, date(2023, 4, 1)),
                (DateType::Updated, date(2024, 5, 20)),
            ],
            access: Access::MetadataOnly,
            doi: None,
            relations: vec![Related {
                relation: RelationType::HasPart,
                identifier: "https://dmp.example.org/dmp/23ck0106789h0001#dataset-1".into(),
                id_type: IdType::Uri,
                title: Some(ja("膵臓がん患者の全ゲノムシークエンスデータ")),
            }],
            size: None,
            version: Some("2023年4月1日".into()),
        }
    }

    /// A dataset of the plan, deposited with a DOI, with `access`.
    pub(crate) fn dataset(access: Access) -> ItemMeta {
        ItemMeta {
            kind: ItemKind::Dataset,
            landing: "https://dmp.example.org/dmp/23ck0106789h0001#dataset-1".into(),
            titles: vec![
                ja("膵臓がん患者の全ゲノムシークエンスデータ"),
                en("Whole-genome sequencing data of pancreatic cancer patients"),
            ],
            descriptions: vec![
                ja("膵臓がん患者100例の腫瘍組織と正常組織の全ゲノムシークエンスデータ。"),
                en("Whole-genome sequences of tumour and normal tissue of 100 patients."),
            ],
            creators: vec![tanaka()],
            contributors: vec![
                (
                    Person {
                        name: ja("佐藤 美咲"),
                        ids: vec![],
                        affiliation: Some(ja("東京大学")),
                        affiliation_ror: None,
                    },
                    Role::DataManager,
                ),
                (
                    Person {
                        name: en("John Smith"),
                        ids: vec![PersonId::Orcid("0000-0001-5109-3700".into())],
                        affiliation: Some(en("The University of Tokyo")),
                        affiliation_ror: Some("https://ror.org/057zh3y96".into()),
                    },
                    Role::ProjectMember,
                ),
            ],
            subjects: vec![ja("ゲノム"), ja("ヒト"), en("genome")],
            publisher: vec![ja("東京大学"), en("The University of Tokyo")],
            funding: Some(amed(true)),
            dates: vec![(DateType::Issued, date(2025, 3, 31))],
            access,
            doi: Some("10.18908/lsdba.nbdc04560-001".into()),
            relations: vec![
                Related {
                    relation: RelationType::IsPartOf,
                    identifier: "https://dmp.example.org/dmp/23ck0106789h0001".into(),
                    id_type: IdType::Uri,
                    title: Some(ja(
                        "膵臓がんの全ゲノム解析による新規治療標的の探索 データマネジメント計画",
                    )),
                },
                Related {
                    relation: RelationType::IsIdenticalTo,
                    identifier: "10.18908/lsdba.nbdc04560-001".into(),
                    id_type: IdType::Doi,
                    title: None,
                },
            ],
            size: Some("約100GB".into()),
            version: Some("1.0".into()),
        }
    }

    /// Only a title.
    pub(crate) fn minimal() -> ItemMeta {
        ItemMeta {
            kind: ItemKind::Dataset,
            landing: "https://dmp.example.org/dmp/x#dataset-1".into(),
            titles: vec![Text::new("臨床情報", None)],
            descriptions: vec![],
            creators: vec![],
            contributors: vec![],
            subjects: vec![],
            publisher: vec![],
            funding: None,
            dates: vec![],
            access: Access::Restricted,
            doi: None,
            relations: vec![],
            size: None,
            version: None,
        }
    }

    /// Everything that could go wrong at once: forbidden characters,
    /// missing and invalid languages, repeats within a language, empty
    /// values, malformed identifiers, an `Available` date while open, a
    /// JGN flag on a number that is not one, a year no schema can write.
    pub(crate) fn nasty() -> ItemMeta {
        ItemMeta {
            kind: ItemKind::Dataset,
            landing: "https://dmp.example.org/dmp/y#dataset-\u{3}1".into(),
            titles: vec![
                Text::new("制御\u{3}文字\u{FFFE}を含む<題名>&", None),
                Text::new("Second title", None),
                Text::new("Third title", Some("日本語")),
                Text::new("\u{3}\u{FFFE}", Some("en")),
                Text::new("   ", Some("ja")),
            ],
            descriptions: vec![
                Text::new("first \u{1}part", Some("en")),
                Text::new("second part", Some("EN")),
                Text::new("", Some("ja")),
            ],
            creators: vec![
                Person {
                    name: Text::new("\u{3}", None),
                    ids: vec![PersonId::Orcid(
                        "https://orcid.org/0000-0002-1825-0097".into(),
                    )],
                    affiliation: None,
                    affiliation_ror: None,
                },
                Person {
                    name: Text::new("山田\u{FFFE}太郎", Some("ja_JP")),
                    ids: vec![
                        PersonId::Orcid("not an orcid".into()),
                        PersonId::ERad("123".into()),
                        PersonId::Orcid("0000-0002-1825-0097".into()),
                        PersonId::Orcid("http://orcid.org/0000-0002-1825-0097".into()),
                    ],
                    affiliation: Some(Text::new("", Some("ja"))),
                    affiliation_ror: Some("https://ror.org/NOT-A-ROR".into()),
                },
                Person {
                    name: en("Jane Doe"),
                    ids: vec![],
                    affiliation: None,
                    affiliation_ror: Some("https://ror.org/057zh3y96".into()),
                },
            ],
            contributors: vec![],
            subjects: vec![ja("ゲノム"), ja("ゲノム"), Text::new("genome", None)],
            publisher: vec![ja("東京大学"), ja("東大"), Text::new("\u{3}", None)],
            funding: Some(Funding {
                funder_names: vec![
                    Text::new("日本医療研究開発機構", None),
                    ja("AMED（略称）"),
                    Text::new("AMED", None),
                ],
                funder_ror: Some("bad".into()),
                funder_crossref: Some("10.13039/100009619".into()),
                stream: Some(Text::new("  ", None)),
                award_number: Some("23ck0106789".into()),
                award_is_jgn: true,
                award_title: None,
            }),
            dates: vec![
                (DateType::Available, date(2020, 1, 1)),
                (DateType::Created, date(12345, 1, 1)),
                (DateType::Created, date(2023, 4, 1)),
                (DateType::Created, date(2023, 4, 1)),
            ],
            access: Access::Open,
            doi: Some("doi:10.1234/abc def".into()),
            relations: vec![
                Related {
                    relation: RelationType::IsPartOf,
                    identifier: "".into(),
                    id_type: IdType::Uri,
                    title: None,
                },
                Related {
                    relation: RelationType::HasPart,
                    identifier: "10.1002/(SICI)1097-4636<35:4>%".into(),
                    id_type: IdType::Doi,
                    title: Some(Text::new("", None)),
                },
                Related {
                    relation: RelationType::IsIdenticalTo,
                    identifier: "not a doi".into(),
                    id_type: IdType::Doi,
                    title: Some(Text::new("An accession", None)),
                },
            ],
            size: Some("\u{3}".into()),
            version: Some(" ".into()),
        }
    }

    /// Every sample, named.
    pub(crate) fn samples() -> Vec<(String, ItemMeta)> {
        let mut out = vec![
            ("plan".to_owned(), plan()),
            ("minimal".to_owned(), minimal()),
            ("nasty".to_owned(), nasty()),
        ];
        for access in [
            Access::Open,
            Access::Embargoed {
                until: date(2027, 3, 31),
            },
            Access::Restricted,
            Access::MetadataOnly,
        ] {
            out.push((
                format!("dataset ({})", access.coar_label()),
                dataset(access),
            ));
        }
        let mut not_jgn = dataset(Access::Open);
        not_jgn.funding = Some(amed(false));
        not_jgn.doi = None;
        out.push(("dataset, award not JGN, no DOI".to_owned(), not_jgn));
        out
    }

    /// `item` as a standalone JPCOAR document (declaring `xsi` itself).
    fn document(item: &ItemMeta) -> String {
        let mut x = Xml::new();
        x.declaration();
        jpcoar(item, &mut x);
        let xml = String::from_utf8(x.into_bytes()).expect("UTF-8");
        xml.replacen(
            "<jpcoar:jpcoar ",
            "<jpcoar:jpcoar xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ",
            1,
        )
    }

    #[test]
    fn every_sample_validates_against_jpcoar_2_0() {
        let Some(standards) = dmpgraph_dev::testing::standards_dir() else {
            return;
        };
        if !dmpgraph_dev::testing::tool_ready("xmllint") {
            return;
        }
        for (name, item) in samples() {
            let xml = document(&item);
            if let Err(e) =
                dmpgraph_dev::testing::xmllint(&standards, "jpcoar/2.0/jpcoar_scm.xsd", &xml)
            {
                panic!("{name}: not valid JPCOAR 2.0:\n{e}\n{xml}");
            }
        }
    }

    #[test]
    fn every_sample_passes_irdb_checks() {
        for (name, item) in samples() {
            let xml = document(&item);
            let problems = irdb::irdb_problems(&xml);
            assert!(problems.is_empty(), "{name}: {problems:#?}\n{xml}");
        }
    }

    #[test]
    fn access_rights_are_coar_with_exact_labels_and_available_iff_embargoed() {
        for (name, item) in samples() {
            let xml = document(&item);
            let access = format!(
                "<dcterms:accessRights rdf:resource=\"{}\">{}</dcterms:accessRights>",
                item.access.coar_uri(),
                item.access.coar_label()
            );
            assert!(xml.contains(&access), "{name}: {xml}");
            let available = xml.contains("dateType=\"Available\"");
            match item.access {
                Access::Embargoed { until } => {
                    assert!(available, "{name}");
                    assert!(xml.contains(&format!(
                        "<datacite:date dateType=\"Available\">{}</datacite:date>",
                        until.format("%Y-%m-%d")
                    )));
                }
                _ => assert!(!available, "{name}: {xml}"),
            }
        }
    }

    #[test]
    fn a_dataset_says_what_irdb_reads() {
        let xml = document(&dataset(Access::Open));
        for expected in [
            "<dc:title xml:lang=\"ja\">膵臓がん患者の全ゲノムシークエンスデータ</dc:title>",
            "<dc:title xml:lang=\"en\">Whole-genome sequencing data of pancreatic cancer patients</dc:title>",
            "<dc:type rdf:resource=\"http://purl.org/coar/resource_type/c_ddb1\">dataset</dc:type>",
            "<jpcoar:identifier identifierType=\"DOI\">https://doi.org/10.18908/lsdba.nbdc04560-001</jpcoar:identifier>",
            "<jpcoar:identifier identifierType=\"URI\">https://dmp.example.org/dmp/23ck0106789h0001#dataset-1</jpcoar:identifier>",
            "<jpcoar:nameIdentifier nameIdentifierScheme=\"ORCID\" nameIdentifierURI=\"https://orcid.org/0000-0002-1825-0097\">0000-0002-1825-0097</jpcoar:nameIdentifier>",
            "<jpcoar:nameIdentifier nameIdentifierScheme=\"e-Rad_Researcher\">12345678</jpcoar:nameIdentifier>",
            "<jpcoar:creatorName xml:lang=\"ja\">田中 浩一</jpcoar:creatorName>",
            "<jpcoar:nameIdentifier nameIdentifierScheme=\"ROR\" nameIdentifierURI=\"https://ror.org/057zh3y96\">https://ror.org/057zh3y96</jpcoar:nameIdentifier>",
            "<jpcoar:affiliationName xml:lang=\"ja\">東京大学</jpcoar:affiliationName>",
            "<jpcoar:contributor contributorType=\"DataManager\">",
            "<jpcoar:contributor contributorType=\"ProjectMember\">",
            "<jpcoar:funderIdentifier funderIdentifierType=\"ROR\">https://ror.org/01b9y6c26</jpcoar:funderIdentifier>",
            "<jpcoar:funderName xml:lang=\"ja\">国立研究開発法人日本医療研究開発機構</jpcoar:funderName>",
            "<jpcoar:funderName xml:lang=\"en\">Japan Agency for Medical Research and Development</jpcoar:funderName>",
            "<jpcoar:awardNumber awardNumberType=\"JGN\">JP23ck0106789</jpcoar:awardNumber>",
            "<jpcoar:relation relationType=\"isPartOf\"><jpcoar:relatedIdentifier identifierType=\"URI\">https://dmp.example.org/dmp/23ck0106789h0001</jpcoar:relatedIdentifier><jpcoar:relatedTitle xml:lang=\"ja\">",
            "<jpcoar:relation relationType=\"isIdenticalTo\"><jpcoar:relatedIdentifier identifierType=\"DOI\">https://doi.org/10.18908/lsdba.nbdc04560-001</jpcoar:relatedIdentifier></jpcoar:relation>",
            "<jpcoar:subject xml:lang=\"ja\" subjectScheme=\"Other\">ゲノム</jpcoar:subject>",
            "<datacite:date dateType=\"Issued\">2025-03-31</datacite:date>",
            "<dc:language>jpn</dc:language>",
            "<datacite:version>1.0</datacite:version>",
            "<dcterms:extent>約100GB</dcterms:extent>",
        ] {
            assert!(xml.contains(expected), "missing {expected}\n{xml}");
        }
    }

    #[test]
    fn a_plan_is_a_data_management_plan() {
        let xml = document(&plan());
        assert!(xml.contains(
            "<dc:type rdf:resource=\"http://purl.org/coar/resource_type/c_ab20\">data management plan</dc:type>"
        ));
        assert!(xml.contains("<jpcoar:relation relationType=\"hasPart\">"));
        assert!(xml.contains("<datacite:date dateType=\"Created\">2023-04-01</datacite:date>"));
        // No DOI: the landing page is the identifier.
        assert!(!xml.contains("identifierType=\"DOI\""));
        assert!(xml.contains("<jpcoar:identifier identifierType=\"URI\">https://dmp.example.org/dmp/23ck0106789h0001</jpcoar:identifier>"));
        // A bare ROR id becomes its URL.
        assert!(xml.contains("nameIdentifierURI=\"https://ror.org/057zh3y96\""));
    }

    #[test]
    fn an_award_number_is_jgn_only_when_it_is_one() {
        let mut item = dataset(Access::Open);
        item.funding = Some(amed(false));
        let xml = document(&item);
        assert!(xml.contains("<jpcoar:awardNumber>JP23ck0106789</jpcoar:awardNumber>"));
        assert!(!xml.contains("JGN"));
        // Marked JGN without the JP: written untyped.
        let xml = document(&nasty());
        assert!(xml.contains("<jpcoar:awardNumber>23ck0106789</jpcoar:awardNumber>"));
        assert!(!xml.contains("JGN"));
    }

    #[test]
    fn a_minimal_item_guesses_its_language_and_omits_the_rest() {
        let xml = document(&minimal());
        assert!(xml.contains("<dc:title xml:lang=\"ja\">臨床情報</dc:title>"));
        for absent in [
            "jpcoar:creator",
            "jpcoar:contributor",
            "jpcoar:subject",
            "datacite:description",
            "dc:publisher",
            "datacite:date",
            "datacite:version",
            "jpcoar:relation",
            "jpcoar:fundingReference",
            "dcterms:extent",
            "identifierType=\"DOI\"",
        ] {
            assert!(!xml.contains(absent), "{absent}\n{xml}");
        }
    }

    #[test]
    fn nasty_values_are_cleaned_deduplicated_or_left_out() {
        let xml = document(&nasty());
        assert!(!xml.contains('\u{3}') && !xml.contains('\u{FFFE}') && !xml.contains('\u{1}'));
        // Titles: one per language, the others alternative; an invalid
        // language tag is replaced by the guess; empty titles left out.
        assert!(
            xml.contains("<dc:title xml:lang=\"ja\">制御文字を含む&lt;題名&gt;&amp;</dc:title>")
        );
        assert!(xml.contains("<dc:title xml:lang=\"en\">Second title</dc:title>"));
        assert!(
            xml.contains("<dcterms:alternative xml:lang=\"en\">Third title</dcterms:alternative>")
        );
        assert_eq!(xml.matches("<dc:title ").count(), 2, "{xml}");
        // Descriptions of one language (en, EN) joined.
        assert!(xml.contains(
            "<datacite:description descriptionType=\"Abstract\" xml:lang=\"en\">first part\n\nsecond part</datacite:description>"
        ));
        assert_eq!(xml.matches("<datacite:description ").count(), 1);
        // The nameless creator is left out; the ORCID written once; bad
        // identifiers and empty affiliation names left out.
        assert_eq!(xml.matches("<jpcoar:creator>").count(), 2, "{xml}");
        assert_eq!(xml.matches("nameIdentifierScheme=\"ORCID\"").count(), 1);
        assert!(!xml.contains("e-Rad_Researcher"));
        assert!(!xml.contains("NOT-A-ROR"));
        assert!(xml.contains("<jpcoar:creatorName xml:lang=\"ja\">山田太郎</jpcoar:creatorName>"));
        assert!(!xml.contains("<jpcoar:affiliationName"));
        // The affiliation known by its ROR id alone.
        assert!(
            xml.contains("<jpcoar:affiliation><jpcoar:nameIdentifier nameIdentifierScheme=\"ROR\"")
        );
        // Subjects without repeats; publishers one per language.
        assert_eq!(xml.matches(">ゲノム</jpcoar:subject>").count(), 1);
        assert!(xml.contains(
            "<jpcoar:subject xml:lang=\"en\" subjectScheme=\"Other\">genome</jpcoar:subject>"
        ));
        assert_eq!(xml.matches("<dc:publisher ").count(), 1);
        // Funder: Crossref since the ROR id is malformed; names one per language.
        assert!(xml.contains(
            "<jpcoar:funderIdentifier funderIdentifierType=\"Crossref Funder\">https://doi.org/10.13039/100009619</jpcoar:funderIdentifier>"
        ));
        assert_eq!(xml.matches("<jpcoar:funderName ").count(), 2);
        assert!(!xml.contains("<jpcoar:fundingStream"));
        // Dates: no Available while open, no year 12345, no repeats.
        assert!(!xml.contains("Available"));
        assert_eq!(xml.matches("<datacite:date ").count(), 1);
        // The malformed DOI is not written; the DOI with odd characters is
        // percent-encoded; the non-DOI becomes a URI only if it is one.
        assert!(!xml.contains("abc def"));
        assert!(xml.contains("https://doi.org/10.1002/(SICI)1097-4636%3C35:4%3E%25"));
        assert!(!xml.contains("not a doi"));
        assert!(xml.contains("<jpcoar:relation relationType=\"isIdenticalTo\"><jpcoar:relatedTitle xml:lang=\"en\">An accession</jpcoar:relatedTitle></jpcoar:relation>"));
        assert!(!xml.contains("relationType=\"isPartOf\""));
        for absent in ["dcterms:extent", "datacite:version"] {
            assert!(!xml.contains(absent), "{absent}");
        }
        assert!(xml.contains("<jpcoar:identifier identifierType=\"URI\">https://dmp.example.org/dmp/y#dataset-1</jpcoar:identifier>"));
    }

    #[test]
    fn an_item_without_titles_is_still_titled() {
        let mut item = plan();
        item.titles.clear();
        let xml = document(&item);
        assert!(xml.contains(
            "<dc:title xml:lang=\"ja\">膵臓がんの全ゲノム解析による新規治療標的の探索</dc:title>"
        ));
        let mut item = minimal();
        item.titles = vec![Text::new("\u{3}", None)];
        let xml = document(&item);
        assert!(xml.contains(
            "<dc:title xml:lang=\"en\">https://dmp.example.org/dmp/x#dataset-1</dc:title>"
        ));
    }

    #[test]
    fn the_advertised_namespace_is_the_schemas() {
        assert_eq!(JPCOAR_SCHEMA, format!("{JPCOAR_NS}jpcoar_scm.xsd"));
        assert!(SCHEMA_LOCATION.starts_with(&format!("{JPCOAR_NS} ")));
        let Some(standards) = dmpgraph_dev::testing::standards_dir() else {
            return;
        };
        let xsd = std::fs::read_to_string(standards.join("jpcoar/2.0/jpcoar_scm.xsd"))
            .expect("jpcoar_scm.xsd");
        assert!(xsd.contains(&format!("targetNamespace=\"{JPCOAR_NS}\"")));
        let datacite = std::fs::read_to_string(standards.join("jpcoar/2.0/datacite.xsd"))
            .expect("datacite.xsd");
        assert!(datacite.contains(&format!("targetNamespace=\"{DATACITE_NS}\"")));
    }

    #[test]
    fn languages_are_guessed_from_the_script() {
        assert_eq!(guess_lang("膵臓がん"), "ja");
        assert_eq!(guess_lang("ひらがな"), "ja");
        assert_eq!(guess_lang("カタカナ"), "ja");
        assert_eq!(guess_lang("ｶﾀｶﾅ"), "ja");
        assert_eq!(guess_lang("Pancreatic cancer (膵)"), "ja");
        assert_eq!(guess_lang("Pancreatic cancer"), "en");
        assert_eq!(guess_lang("１２３"), "en");
        assert!(valid_lang("ja") && valid_lang("ja-Kana") && valid_lang("en-GB"));
        assert!(!valid_lang("") && !valid_lang("ja_JP") && !valid_lang("日本語"));
        assert!(!valid_lang("ja-") && !valid_lang("toolongtag"));
    }

    #[test]
    fn identifiers_are_checked_and_normalised() {
        assert_eq!(
            orcid("https://orcid.org/0000-0002-1825-009X").as_deref(),
            Some("0000-0002-1825-009X")
        );
        assert_eq!(
            orcid("0000-0002-1825-0097").as_deref(),
            Some("0000-0002-1825-0097")
        );
        assert_eq!(orcid("0000-0002-1825-00977"), None);
        assert_eq!(orcid("https://orcid.org/"), None);
        assert_eq!(erad("12345678").as_deref(), Some("12345678"));
        assert_eq!(erad("1234567a"), None);
        assert_eq!(
            ror_url("01b9y6c26").as_deref(),
            Some("https://ror.org/01b9y6c26")
        );
        assert_eq!(
            ror_url("http://ror.org/01b9y6c26/").as_deref(),
            Some("https://ror.org/01b9y6c26")
        );
        assert_eq!(ror_url("https://ror.org/"), None);
        assert_eq!(
            doi_name("https://doi.org/10.18908/lsdba.nbdc04560-001").as_deref(),
            Some("10.18908/lsdba.nbdc04560-001")
        );
        assert_eq!(doi_name("doi:10.1000/x").as_deref(), Some("10.1000/x"));
        assert_eq!(doi_name("10.1000/"), None);
        assert_eq!(doi_name("11.1000/x"), None);
        assert_eq!(doi_name("10./x"), None);
        assert_eq!(
            doi_url("10.1000/a b#ü"),
            "https://doi.org/10.1000/a%20b%23%C3%BC"
        );
        assert_eq!(iso_date(date(2024, 2, 29)).as_deref(), Some("2024-02-29"));
        assert_eq!(iso_date(date(10000, 1, 1)), None);
        assert_eq!(iso_date(date(0, 1, 1)), None);
    }

    #[test]
    fn the_irdb_checker_finds_each_violation() {
        let bad = r#"<jpcoar:jpcoar xmlns:jpcoar="https://github.com/JPCOAR/schema/blob/master/2.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:datacite="https://schema.datacite.org/meta/kernel-4/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <dc:title>No language</dc:title>
  <dc:title xml:lang="ja">一</dc:title>
  <dc:title xml:lang="JA">二</dc:title>
  <jpcoar:creator><jpcoar:creatorName>名無し</jpcoar:creatorName>
    <jpcoar:affiliation><jpcoar:affiliationName xml:lang="">大学</jpcoar:affiliationName></jpcoar:affiliation></jpcoar:creator>
  <dcterms:accessRights rdf:resource="http://purl.org/coar/access_right/c_abf2">Open Access</dcterms:accessRights>
  <jpcoar:subject xml:lang="ja" subjectScheme="Other">一</jpcoar:subject>
  <jpcoar:subject xml:lang="ja" subjectScheme="Other">二</jpcoar:subject>
  <datacite:description descriptionType="Abstract">x</datacite:description>
  <dc:publisher xml:lang="en"></dc:publisher>
  <datacite:date dateType="Available">2024-02-30</datacite:date>
  <dcterms:date>2024年</dcterms:date>
  <dc:type rdf:resource="http://example.org/type">dataset</dc:type>
  <jpcoar:identifier identifierType="DOI">10.1234/x</jpcoar:identifier>
  <jpcoar:relation relationType="isPartOf"><jpcoar:relatedIdentifier identifierType="DOI">http://dx.doi.org/10.1/y</jpcoar:relatedIdentifier></jpcoar:relation>
  <jpcoar:fundingReference><jpcoar:funderName>AMED</jpcoar:funderName>
    <jpcoar:awardNumber awardNumberType="JGN">23ck0106789</jpcoar:awardNumber>
    <jpcoar:awardTitle>課題</jpcoar:awardTitle></jpcoar:fundingReference>
</jpcoar:jpcoar>"#;
        let problems = irdb::irdb_problems(bad);
        let all = problems.join("\n");
        for expected in [
            "dc:title \"No language\"",
            "two dc:title in xml:lang \"ja\"",
            "jpcoar:creatorName \"名無し\"",
            "jpcoar:affiliationName \"大学\"",
            "\"Open Access\"",
            "datacite:description \"x\"",
            "dc:publisher is empty",
            "Available",
            "2024-02-30",
            "2024年",
            "http://example.org/type",
            "10.1234/x",
            "http://dx.doi.org/10.1/y",
            "jpcoar:funderName \"AMED\"",
            "23ck0106789",
            "jpcoar:awardTitle \"課題\"",
        ] {
            assert!(
                all.contains(expected),
                "no problem mentions {expected}:\n{all}"
            );
        }
        assert!(
            !all.contains("jpcoar:subject"),
            "subjects may repeat a language:\n{all}"
        );

        // Embargoed without an Available date; no dc:type; not JPCOAR.
        let embargoed = r#"<jpcoar:jpcoar xmlns:jpcoar="https://github.com/JPCOAR/schema/blob/master/2.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><dc:title xml:lang="en">T</dc:title><dcterms:accessRights rdf:resource="http://purl.org/coar/access_right/c_f1cf">embargoed access</dcterms:accessRights></jpcoar:jpcoar>"#;
        let all = irdb::irdb_problems(embargoed).join("\n");
        assert!(
            all.contains("Available") && all.contains("dc:type"),
            "{all}"
        );
        assert!(!irdb::irdb_problems("<a/>").is_empty());
        assert!(!irdb::irdb_problems("<jpcoar:jpcoar").is_empty());
        assert!(!irdb::irdb_problems("").is_empty());
        // Deep nesting is a problem, not a stack overflow.
        let deep = format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
        assert!(!irdb::irdb_problems(&deep).is_empty());
    }
}
