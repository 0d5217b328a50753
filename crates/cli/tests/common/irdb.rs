//! IRDB's checks on a JPCOAR 2.0 record, for tests: [`irdb_problems`]
//! lists each way a `<jpcoar:jpcoar>` element breaks the rules IRDB (the
//! Japanese institutional repositories database) applies when it harvests
//! `jpcoar_2.0`, beyond what `jpcoar_scm.xsd` checks:
//!
//! - `dc:type` has a COAR resource-type `rdf:resource` (and the COAR label
//!   of the two types dmpgraph serves);
//! - `dcterms:accessRights` has one of the four COAR access-rights URIs
//!   and exactly its label;
//! - a `datacite:date dateType="Available"` is present if and only if the
//!   access is embargoed;
//! - an `awardNumber` typed `JGN` starts with `JP`;
//! - a DOI (`identifier` / `relatedIdentifier` typed `DOI`) is written
//!   `https://doi.org/10.…`;
//! - every `datacite:date` and `dcterms:date` is a real calendar date
//!   (`YYYY-MM-DD`, or `YYYY-MM`, or `YYYY`);
//! - every title, creator, contributor, affiliation and funder name, award
//!   title, description and publisher has a (non-empty) `xml:lang` and a
//!   non-empty value;
//! - no element has two values in one language under the same parent
//!   (keyword-like elements excepted, see [`MAY_REPEAT_LANGUAGE`]).
//!
//! Names are matched by namespace, whatever the prefixes. It uses
//! quick-xml (the workspace's), and never panics: a document that cannot
//! be read is one problem.

#![allow(dead_code)]

use chrono::NaiveDate;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, XmlVersion};

/// The namespaces of JPCOAR 2.0 and the prefixes the checks name them by.
const NAMESPACES: &[(&str, &str)] = &[
    (
        "jpcoar",
        "https://github.com/JPCOAR/schema/blob/master/2.0/",
    ),
    ("dc", "http://purl.org/dc/elements/1.1/"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("datacite", "https://schema.datacite.org/meta/kernel-4/"),
    ("oaire", "http://namespace.openaire.eu/schema/oaire/"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("dcndl", "http://ndl.go.jp/dcndl/terms/"),
    ("xml", "http://www.w3.org/XML/1998/namespace"),
    ("xsi", "http://www.w3.org/2001/XMLSchema-instance"),
];

/// The elements that must carry `xml:lang`.
const NEEDS_LANGUAGE: &[&str] = &[
    "dc:title",
    "jpcoar:creatorName",
    "jpcoar:contributorName",
    "jpcoar:affiliationName",
    "jpcoar:funderName",
    "jpcoar:awardTitle",
    "datacite:description",
    "dc:publisher",
];

/// Elements that may repeat a language under one parent: keyword lists
/// and alternative names (JPCOAR's own samples give several English
/// subjects; alternative titles and names are extra by definition).
pub const MAY_REPEAT_LANGUAGE: &[&str] = &[
    "jpcoar:subject",
    "dcterms:alternative",
    "jpcoar:creatorAlternative",
    "jpcoar:contributorAlternative",
    "dc:rights",
];

/// The COAR access rights: (URI, label).
const ACCESS_RIGHTS: &[(&str, &str)] = &[
    ("http://purl.org/coar/access_right/c_abf2", "open access"),
    (
        "http://purl.org/coar/access_right/c_f1cf",
        "embargoed access",
    ),
    (
        "http://purl.org/coar/access_right/c_16ec",
        "restricted access",
    ),
    (
        "http://purl.org/coar/access_right/c_14cb",
        "metadata only access",
    ),
];
const EMBARGOED: &str = "http://purl.org/coar/access_right/c_f1cf";

/// COAR resource types dmpgraph serves: (URI, label).
const RESOURCE_TYPES: &[(&str, &str)] = &[
    (
        "http://purl.org/coar/resource_type/c_ab20",
        "data management plan",
    ),
    ("http://purl.org/coar/resource_type/c_ddb1", "dataset"),
];
const RESOURCE_TYPE_PREFIX: &str = "http://purl.org/coar/resource_type/";

/// Deeper than this is not a JPCOAR record (its deepest path has 4 levels);
/// the limit keeps the checks' recursion bounded on any input.
const MAX_DEPTH: usize = 32;

/// Every violation of IRDB's rules by the one `jpcoar:jpcoar` element in
/// `jpcoar_xml` (a standalone document, or any XML holding exactly one such
/// element, such as a GetRecord response), as readable messages; empty
/// when IRDB accepts it.
pub fn irdb_problems(jpcoar_xml: &str) -> Vec<String> {
    let root = match parse(jpcoar_xml) {
        Ok(root) => root,
        Err(e) => return vec![format!("not readable as XML: {e}")],
    };
    let mut found = Vec::new();
    root.find_all("jpcoar:jpcoar", &mut found);
    match found.as_slice() {
        [record] => check(record),
        [] => vec!["no jpcoar:jpcoar element".to_owned()],
        many => vec![format!(
            "{} jpcoar:jpcoar elements: expected one",
            many.len()
        )],
    }
}

/// An element as the checks see it.
#[derive(Debug, Default)]
struct Element {
    /// `prefix:local` with the prefix of [`NAMESPACES`]; `{uri}local` in
    /// another namespace; `local` in none (or an undeclared prefix's
    /// `prefix:local`, as written).
    name: String,
    /// Attributes, named likewise (`xml:lang`, `rdf:resource`, `dateType`).
    attrs: Vec<(String, String)>,
    /// The element's own text (not its children's).
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Its language, when it has a non-empty `xml:lang`.
    fn lang(&self) -> Option<&str> {
        self.attr("xml:lang")
            .map(str::trim)
            .filter(|l| !l.is_empty())
    }

    fn value(&self) -> &str {
        self.text.trim()
    }

    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Every element named `name` in this one's subtree (itself included).
    fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        if self.name == name {
            out.push(self);
        }
        for c in &self.children {
            c.find_all(name, out);
        }
    }

    /// Every element in the subtree with its path from this one, e.g.
    /// `jpcoar:creator[2]/jpcoar:creatorName[1]`.
    fn walk<'a>(&'a self, path: &str, out: &mut Vec<(String, &'a Element)>) {
        out.push((path.to_owned(), self));
        let mut seen: Vec<(&str, usize)> = Vec::new();
        for c in &self.children {
            let n = match seen.iter_mut().find(|(name, _)| *name == c.name) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    seen.push((&c.name, 1));
                    1
                }
            };
            c.walk(&format!("{path}/{}[{n}]", c.name), out);
        }
    }
}

/// `uri` + `local` as the checks name it.
fn qualified(resolved: &ResolveResult<'_>, raw: &str, local: &str) -> String {
    match resolved {
        ResolveResult::Bound(ns) => match NAMESPACES.iter().find(|(_, uri)| *uri == ns.0) {
            Some((prefix, _)) => format!("{prefix}:{local}"),
            None => format!("{{{}}}{local}", ns.0),
        },
        ResolveResult::Unbound => local.to_owned(),
        // An undeclared prefix (a record cut out of its OAI-PMH envelope
        // loses the xsi declaration): the name as written.
        ResolveResult::Unknown(_) => raw.to_owned(),
    }
}

fn element_of(reader: &NsReader<&[u8]>, start: &BytesStart<'_>) -> Result<Element, String> {
    let raw = start.name().as_ref().to_owned();
    let (resolved, local) = reader.resolver().resolve_element(start.name());
    let local = local.as_ref().to_owned();
    let name = qualified(&resolved, &raw, &local);
    let mut attrs = Vec::new();
    for a in start.attributes() {
        let a = a.map_err(|e| format!("in <{raw}>: {e}"))?;
        let key = a.key.as_ref().to_owned();
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let (resolved, local) = reader.resolver().resolve_attribute(a.key);
        let local = local.as_ref().to_owned();
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| format!("in <{raw}> {key}: {e}"))?
            .into_owned();
        attrs.push((qualified(&resolved, &key, &local), value));
    }
    Ok(Element {
        name,
        attrs,
        ..Element::default()
    })
}

/// The document as a tree under an unnamed root.
fn parse(xml: &str) -> Result<Element, String> {
    let mut reader = NsReader::from_str(xml);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(start) => {
                if stack.len() > MAX_DEPTH {
                    return Err(format!("elements nested deeper than {MAX_DEPTH}"));
                }
                let element = element_of(&reader, &start)?;
                stack.push(element);
            }
            Event::Empty(start) => {
                let element = element_of(&reader, &start)?;
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(element);
                }
            }
            Event::End(_) => {
                if stack.len() < 2 {
                    return Err("an end tag without its start".to_owned());
                }
                if let Some(done) = stack.pop() {
                    if let Some(parent) = stack.last_mut() {
                        parent.children.push(done);
                    }
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let text = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match quick_xml::escape::resolve_predefined_entity(&r) {
                        Some(s) => s.to_owned(),
                        None => return Err(format!("unknown entity &{};", &*r)),
                    },
                    Err(e) => return Err(format!("bad character reference &{};: {e}", &*r)),
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err("the document ends inside an element".to_owned());
    }
    let root = stack.pop().unwrap_or_default();
    if root.children.is_empty() {
        return Err("no element".to_owned());
    }
    Ok(root)
}

/// Whether `s` is `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, and a real date.
fn calendar_date(s: &str) -> bool {
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = s.split('-').collect();
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => {
            digits(y, 4) && digits(m, 2) && m.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
        }
        [y, m, d] => {
            digits(y, 4)
                && digits(m, 2)
                && digits(d, 2)
                && NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
        }
        _ => false,
    }
}

fn check(record: &Element) -> Vec<String> {
    let mut problems = Vec::new();

    // dc:type: one, a COAR resource type.
    let types: Vec<&Element> = record.children_named("dc:type").collect();
    match types.as_slice() {
        [] => problems.push("no dc:type".to_owned()),
        [t] => match t.attr("rdf:resource").map(str::trim) {
            None => problems.push(format!("dc:type {:?} has no rdf:resource", t.value())),
            Some(uri) => {
                let code = uri.strip_prefix(RESOURCE_TYPE_PREFIX).unwrap_or("");
                if code.is_empty() {
                    problems.push(format!(
                        "dc:type rdf:resource {uri:?} is not a COAR resource type ({RESOURCE_TYPE_PREFIX}…)"
                    ));
                } else if let Some((_, label)) = RESOURCE_TYPES.iter().find(|(u, _)| *u == uri) {
                    if t.value() != *label {
                        problems.push(format!(
                            "dc:type {uri} is labelled {:?}, not {label:?}",
                            t.value()
                        ));
                    }
                }
            }
        },
        many => problems.push(format!("{} dc:type elements: expected one", many.len())),
    }

    // dcterms:accessRights: one, a COAR access right with its exact label.
    let rights: Vec<&Element> = record.children_named("dcterms:accessRights").collect();
    let mut embargoed = false;
    match rights.as_slice() {
        [] => problems.push("no dcterms:accessRights".to_owned()),
        [r] => match r.attr("rdf:resource").map(str::trim) {
            None => problems.push(format!(
                "dcterms:accessRights {:?} has no rdf:resource",
                r.value()
            )),
            Some(uri) => match ACCESS_RIGHTS.iter().find(|(u, _)| *u == uri) {
                None => problems.push(format!(
                    "dcterms:accessRights rdf:resource {uri:?} is not a COAR access right"
                )),
                Some((_, label)) => {
                    embargoed = uri == EMBARGOED;
                    // Exactly the label: no trimming.
                    if r.text != *label {
                        problems.push(format!(
                            "dcterms:accessRights {uri} is labelled {:?}, not {label:?}",
                            r.text
                        ));
                    }
                }
            },
        },
        many => problems.push(format!(
            "{} dcterms:accessRights elements: expected one",
            many.len()
        )),
    }

    // An Available date if and only if embargoed.
    let available = record
        .children_named("datacite:date")
        .filter(|d| d.attr("dateType") == Some("Available"))
        .count();
    if embargoed && available == 0 {
        problems.push(
            "embargoed access without a datacite:date dateType=\"Available\" (the embargo's end)"
                .to_owned(),
        );
    }
    if !embargoed && available > 0 {
        problems.push(
            "a datacite:date dateType=\"Available\" while the access is not embargoed".to_owned(),
        );
    }
    if available > 1 {
        problems.push(format!(
            "{available} datacite:date dateType=\"Available\": expected one"
        ));
    }

    let mut all = Vec::new();
    record.walk("jpcoar:jpcoar", &mut all);
    for (path, e) in &all {
        let (name, value) = (e.name.as_str(), e.value());
        if name == "jpcoar:awardNumber"
            && e.attr("awardNumberType") == Some("JGN")
            && !value.starts_with("JP")
        {
            problems.push(format!(
                "{path}: JGN award number {value:?} does not start with \"JP\""
            ));
        }
        if matches!(name, "jpcoar:identifier" | "jpcoar:relatedIdentifier")
            && e.attr("identifierType") == Some("DOI")
            && !value.starts_with("https://doi.org/10.")
        {
            problems.push(format!(
                "{path}: DOI {value:?} is not written https://doi.org/10.…"
            ));
        }
        if matches!(name, "datacite:date" | "dcterms:date") && !calendar_date(value) {
            problems.push(format!(
                "{path}: {name} {value:?} is not a calendar date (YYYY-MM-DD, YYYY-MM or YYYY)"
            ));
        }
        if NEEDS_LANGUAGE.contains(&e.name.as_str()) {
            if e.value().is_empty() {
                problems.push(format!("{path}: {} is empty", e.name));
            }
            if e.lang().is_none() {
                problems.push(format!(
                    "{path}: {} {:?} has no xml:lang",
                    e.name,
                    e.value()
                ));
            }
        }

        // No two values of one element in one language under one parent.
        let mut seen: Vec<(&str, String, &str)> = Vec::new();
        for c in &e.children {
            if MAY_REPEAT_LANGUAGE.contains(&c.name.as_str()) {
                continue;
            }
            let Some(lang) = c.lang() else { continue };
            let lang = lang.to_ascii_lowercase();
            match seen.iter().find(|(n, l, _)| *n == c.name && *l == lang) {
                Some((_, _, first)) => problems.push(format!(
                    "{path}: two {} in xml:lang {lang:?}: {first:?} and {:?}",
                    c.name,
                    c.value()
                )),
                None => seen.push((&c.name, lang, c.value())),
            }
        }
    }
    problems
}
