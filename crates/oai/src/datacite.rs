//! DataCite Metadata Schema 4 (`oai_datacite`).
//!
//! [`datacite`] writes one item as a kernel-4 `<resource>` that validates
//! against `metadata.xsd` (4.7), making the same choices as JPCOAR
//! ([`crate::jpcoar`]: languages, titles, dates, identifiers) where the two
//! schemas overlap. Where kernel-4 requires a value that an item may lack,
//! it says what it writes instead:
//!
//! - **identifier** (required, non-empty): the DOI (`identifierType="DOI"`,
//!   written `10.…`) when the item has one, and then the landing page as an
//!   `alternateIdentifier` of type `URL`. An item without a DOI is
//!   identified by its landing page, `identifierType="URL"`: an empty
//!   DOI fails the schema (`minLength 1`), and any other DOI would be
//!   false, while the schema leaves `identifierType` free. A harvester that
//!   only takes DOIs can tell these records by the type.
//! - **creators** (at least one, named): the item's creators; without any,
//!   the publisher as an organisational creator (`nameType=
//!   "Organizational"`); without a publisher either, DataCite's standard
//!   value for a missing value, `(:unav)`.
//! - **publisher** (one, non-empty): the English name when there is one
//!   (DataCite is read internationally), else the first; else `(:unav)`.
//! - **publicationYear** (required, four digits): see
//!   [`publication_year`].
//! - **titles**: the first of each language, the others with
//!   `titleType="AlternativeTitle"`; an item without a title is titled as
//!   in JPCOAR ([`crate::jpcoar::titles`]).
//! - **fundingReference** takes one `funderName`, without a language: the
//!   English name when there is one, else the first; the funding stream
//!   has no place in kernel-4 and is not written.
//!
//! `affiliation`, `funderName` and `awardTitle` have no `xml:lang` in
//! kernel-4; every other text carries one.

// lib.rs serves this format next; until then only the tests call it.

use crate::jpcoar::{
    dates, distinct, doi_name, first_per_lang, funder_id, iso_date, lang_text, merged_per_lang,
    person_ids, present, related_id, resource_type, ror_url, titles, FunderId, Id, LangText,
};
use crate::meta::{Access, DateType, IdType, ItemKind, ItemMeta, Person, Role};
use crate::xml::Xml;
use chrono::{Datelike, Utc};

/// The DataCite kernel-4 namespace (`metadataNamespace` of `oai_datacite`).
pub(crate) const DATACITE_NS: &str = "http://datacite.org/schema/kernel-4";
/// The DataCite kernel-4 schema (`schema` of `oai_datacite`).
pub(crate) const DATACITE_SCHEMA: &str = "http://schema.datacite.org/meta/kernel-4/metadata.xsd";

const SCHEMA_LOCATION: &str =
    "http://datacite.org/schema/kernel-4 http://schema.datacite.org/meta/kernel-4/metadata.xsd";

/// DataCite's standard value for a value that is not available.
const UNAVAILABLE: &str = "(:unav)";

/// Writes `item` as one DataCite kernel-4 `<resource>` element.
///
/// It declares its default namespace; the `xsi` prefix of its
/// `xsi:schemaLocation` is declared by the enclosing OAI-PMH document.
pub(crate) fn datacite(item: &ItemMeta, x: &mut Xml) {
    x.open(
        "resource",
        &[
            ("xmlns", DATACITE_NS),
            ("xsi:schemaLocation", SCHEMA_LOCATION),
        ],
    );

    let doi = item.doi.as_deref().and_then(doi_name);
    let landing = present(&item.landing);
    match (&doi, &landing) {
        (Some(doi), _) => x.text_element("identifier", &[("identifierType", "DOI")], doi),
        (None, Some(url)) => x.text_element("identifier", &[("identifierType", "URL")], url),
        (None, None) => x.text_element("identifier", &[("identifierType", "URL")], UNAVAILABLE),
    }

    let publisher = publisher(item);
    x.open("creators", &[]);
    let mut named = 0;
    for person in &item.creators {
        if write_person(x, person, "creator", &[], "creatorName") {
            named += 1;
        }
    }
    if named == 0 {
        x.open("creator", &[]);
        match &publisher {
            Some(p) => x.text_element(
                "creatorName",
                &[("nameType", "Organizational"), ("xml:lang", &p.lang)],
                &p.value,
            ),
            None => x.text_element(
                "creatorName",
                &[("nameType", "Organizational")],
                UNAVAILABLE,
            ),
        }
        x.close("creator");
    }
    x.close("creators");

    let (titles, alternatives) = titles(item);
    x.open("titles", &[]);
    for t in &titles {
        x.text_element("title", &[("xml:lang", &t.lang)], &t.value);
    }
    for t in &alternatives {
        x.text_element(
            "title",
            &[("xml:lang", &t.lang), ("titleType", "AlternativeTitle")],
            &t.value,
        );
    }
    x.close("titles");

    match &publisher {
        Some(p) => x.text_element("publisher", &[("xml:lang", &p.lang)], &p.value),
        None => x.text_element("publisher", &[], UNAVAILABLE),
    }
    x.text_element(
        "publicationYear",
        &[],
        &format!("{:04}", publication_year(item)),
    );
    let general = match item.kind {
        ItemKind::Plan => "OutputManagementPlan",
        ItemKind::Dataset => "Dataset",
    };
    x.text_element(
        "resourceType",
        &[("resourceTypeGeneral", general)],
        resource_type(item.kind).1,
    );

    let subjects = distinct(&item.subjects);
    if !subjects.is_empty() {
        x.open("subjects", &[]);
        for s in &subjects {
            x.text_element("subject", &[("xml:lang", &s.lang)], &s.value);
        }
        x.close("subjects");
    }

    // Contributors without a name are left out: contributorName is required.
    if item
        .contributors
        .iter()
        .any(|(p, _)| lang_text(&p.name).is_some())
    {
        x.open("contributors", &[]);
        for (person, role) in &item.contributors {
            let role = match role {
                Role::DataManager => "DataManager",
                Role::ProjectMember => "ProjectMember",
            };
            write_person(
                x,
                person,
                "contributor",
                &[("contributorType", role)],
                "contributorName",
            );
        }
        x.close("contributors");
    }

    let dates = dates(item);
    if !dates.is_empty() {
        x.open("dates", &[]);
        for (date_type, date) in &dates {
            x.text_element("date", &[("dateType", date_type)], date);
        }
        x.close("dates");
    }

    x.text_element("language", &[], "ja");

    if let (Some(_), Some(url)) = (&doi, &landing) {
        x.open("alternateIdentifiers", &[]);
        x.text_element(
            "alternateIdentifier",
            &[("alternateIdentifierType", "URL")],
            url,
        );
        x.close("alternateIdentifiers");
    }

    let related: Vec<(&str, (IdType, String))> = item
        .relations
        .iter()
        .filter_map(|r| Some((r.relation.datacite(), related_id(r.id_type, &r.identifier)?)))
        .collect();
    if !related.is_empty() {
        x.open("relatedIdentifiers", &[]);
        for (relation, (kind, value)) in &related {
            let kind = match kind {
                IdType::Doi => "DOI",
                IdType::Uri => "URL",
            };
            x.text_element(
                "relatedIdentifier",
                &[("relatedIdentifierType", kind), ("relationType", relation)],
                value,
            );
        }
        x.close("relatedIdentifiers");
    }

    if let Some(size) = item.size.as_deref().and_then(present) {
        x.open("sizes", &[]);
        x.text_element("size", &[], &size);
        x.close("sizes");
    }
    if let Some(version) = item.version.as_deref().and_then(present) {
        x.text_element("version", &[], &version);
    }

    x.open("rightsList", &[]);
    x.text_element(
        "rights",
        &[("xml:lang", "en"), ("rightsURI", item.access.coar_uri())],
        item.access.coar_label(),
    );
    x.close("rightsList");

    let descriptions = merged_per_lang(&item.descriptions);
    if !descriptions.is_empty() {
        x.open("descriptions", &[]);
        for d in &descriptions {
            x.text_element(
                "description",
                &[("descriptionType", "Abstract"), ("xml:lang", &d.lang)],
                &d.value,
            );
        }
        x.close("descriptions");
    }

    if let Some(f) = &item.funding {
        if let Some(name) = english_or_first(first_per_lang(&f.funder_names).0) {
            x.open("fundingReferences", &[]);
            x.open("fundingReference", &[]);
            x.text_element("funderName", &[], &name.value);
            match funder_id(f) {
                Some(FunderId::Ror(ror)) => x.text_element(
                    "funderIdentifier",
                    &[
                        ("funderIdentifierType", "ROR"),
                        ("schemeURI", "https://ror.org"),
                    ],
                    &ror,
                ),
                Some(FunderId::Crossref(url)) => x.text_element(
                    "funderIdentifier",
                    &[("funderIdentifierType", "Crossref Funder ID")],
                    &url,
                ),
                None => {}
            }
            if let Some(number) = f.award_number.as_deref().and_then(present) {
                x.text_element("awardNumber", &[], &number);
            }
            if let Some(title) = f.award_title.as_ref().and_then(lang_text) {
                x.text_element("awardTitle", &[], &title.value);
            }
            x.close("fundingReference");
            x.close("fundingReferences");
        }
    }

    x.close("resource");
}

/// A `creator` or `contributor`; whether it was written (a person without
/// a name is not: the name is required).
fn write_person(
    x: &mut Xml,
    p: &Person,
    element: &str,
    attrs: &[(&str, &str)],
    name_element: &str,
) -> bool {
    let Some(name) = lang_text(&p.name) else {
        return false;
    };
    x.open(element, attrs);
    x.text_element(
        name_element,
        &[("nameType", "Personal"), ("xml:lang", &name.lang)],
        &name.value,
    );
    for id in person_ids(&p.ids) {
        match id {
            Id::Orcid(bare) => x.text_element(
                "nameIdentifier",
                &[
                    ("nameIdentifierScheme", "ORCID"),
                    ("schemeURI", "https://orcid.org"),
                ],
                &format!("https://orcid.org/{bare}"),
            ),
            Id::ERad(number) => x.text_element(
                "nameIdentifier",
                &[("nameIdentifierScheme", "e-Rad_Researcher")],
                &number,
            ),
        }
    }
    let affiliation = p.affiliation.as_ref().and_then(lang_text);
    let ror = p.affiliation_ror.as_deref().and_then(ror_url);
    match (&affiliation, &ror) {
        (Some(a), Some(ror)) => x.text_element(
            "affiliation",
            &[
                ("affiliationIdentifier", ror),
                ("affiliationIdentifierScheme", "ROR"),
                ("schemeURI", "https://ror.org"),
            ],
            &a.value,
        ),
        (Some(a), None) => x.text_element("affiliation", &[], &a.value),
        // Known by its ROR id alone: the id is the content (kernel-4
        // requires one), as DataCite's own example does.
        (None, Some(ror)) => x.text_element(
            "affiliation",
            &[
                ("affiliationIdentifier", ror),
                ("affiliationIdentifierScheme", "ROR"),
                ("schemeURI", "https://ror.org"),
            ],
            ror,
        ),
        (None, None) => {}
    }
    x.close(element);
    true
}

/// The English text when there is one, else the first.
fn english_or_first(texts: Vec<LangText>) -> Option<LangText> {
    let english = texts.iter().position(|t| {
        t.lang.eq_ignore_ascii_case("en") || t.lang.to_ascii_lowercase().starts_with("en-")
    });
    let index = english.unwrap_or(0);
    texts.into_iter().nth(index)
}

/// The publisher to write (kernel-4 takes one).
fn publisher(item: &ItemMeta) -> Option<LangText> {
    english_or_first(first_per_lang(&item.publisher).0)
}

/// The year kernel-4's `publicationYear` (required) gives: the year the
/// item is, or will be, publicly available. In order:
///
/// 1. the earliest `Issued` date (a dataset's publication);
/// 2. while embargoed, the embargo's end (DataCite: "if an embargo period
///    has been in effect, use the date when the embargo period ends");
/// 3. the earliest `Created` date (a plan's 作成年月日);
/// 4. the earliest `Updated` date;
/// 5. without any date, the current year: the year this record is made
///    available through this provider. This is the only value that changes
///    without the item changing (once, at the new year); every stored plan
///    has a date, so it is for items read without one.
///
/// Only years four digits can write (1–9999) count.
pub(crate) fn publication_year(item: &ItemMeta) -> i32 {
    let earliest = |wanted: DateType| {
        item.dates
            .iter()
            .filter(|(t, d)| *t == wanted && iso_date(*d).is_some())
            .map(|(_, d)| d.year())
            .min()
    };
    let embargo_end = match item.access {
        Access::Embargoed { until } if iso_date(until).is_some() => Some(until.year()),
        _ => None,
    };
    earliest(DateType::Issued)
        .or(embargo_end)
        .or_else(|| earliest(DateType::Created))
        .or_else(|| earliest(DateType::Updated))
        .unwrap_or_else(|| Utc::now().year().clamp(1, 9999))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jpcoar::tests::{dataset, date, minimal, nasty, plan, samples};
    use crate::meta::Text;
    use dmpgraph_dev::testing::xmllint;
    use quick_xml::events::Event;

    fn document(item: &ItemMeta) -> String {
        let mut x = Xml::new();
        x.declaration();
        datacite(item, &mut x);
        let xml = String::from_utf8(x.into_bytes()).expect("UTF-8");
        xml.replacen(
            "<resource ",
            "<resource xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ",
            1,
        )
    }

    /// An element of a rendered document.
    struct El {
        name: String,
        attrs: Vec<(String, String)>,
        text: String,
        children: usize,
    }

    impl El {
        fn attr(&self, name: &str) -> Option<&str> {
            self.attrs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        }
    }

    fn el(e: &quick_xml::events::BytesStart<'_>) -> El {
        let attrs = e
            .attributes()
            .map(|a| {
                let a = a.expect("attribute");
                let value = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .expect("value")
                    .into_owned();
                (a.key.as_ref().to_owned(), value)
            })
            .collect();
        El {
            name: e.name().as_ref().to_owned(),
            attrs,
            text: String::new(),
            children: 0,
        }
    }

    /// Every element of `xml`, in the order they end.
    fn elements(xml: &str) -> Vec<El> {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut stack: Vec<El> = Vec::new();
        let mut out = Vec::new();
        loop {
            match reader.read_event().expect("well-formed") {
                Event::Start(e) => {
                    if let Some(parent) = stack.last_mut() {
                        parent.children += 1;
                    }
                    stack.push(el(&e));
                }
                Event::Empty(e) => {
                    if let Some(parent) = stack.last_mut() {
                        parent.children += 1;
                    }
                    out.push(el(&e));
                }
                Event::Text(t) => {
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&t.xml10_content());
                    }
                }
                Event::GeneralRef(r) => {
                    if let Some(top) = stack.last_mut() {
                        let text = quick_xml::escape::resolve_predefined_entity(&r).unwrap_or("?");
                        top.text.push_str(text);
                    }
                }
                Event::End(_) => out.extend(stack.pop()),
                Event::Eof => break,
                _ => {}
            }
        }
        out
    }

    #[test]
    fn the_advertised_namespace_is_the_schemas() {
        assert_eq!(SCHEMA_LOCATION, format!("{DATACITE_NS} {DATACITE_SCHEMA}"));
        let Some(standards) = dmpgraph_dev::testing::standards_dir() else {
            return;
        };
        let xsd = std::fs::read_to_string(standards.join("datacite/kernel-4/metadata.xsd"))
            .expect("metadata.xsd");
        assert!(xsd.contains(&format!("targetNamespace=\"{DATACITE_NS}\"")));
    }

    #[test]
    fn every_sample_validates_against_kernel_4() {
        let Some(standards) = dmpgraph_dev::testing::standards_dir() else {
            return;
        };
        if !dmpgraph_dev::testing::tool_ready("xmllint") {
            return;
        }
        for (name, item) in samples() {
            let xml = document(&item);
            if let Err(e) = xmllint(&standards, "datacite/kernel-4/metadata.xsd", &xml) {
                panic!("{name}: not valid DataCite kernel-4:\n{e}\n{xml}");
            }
        }
    }

    #[test]
    fn every_text_has_a_language_and_no_language_repeats() {
        for (name, item) in samples() {
            let xml = document(&item);
            let all = elements(&xml);
            for e in &all {
                let unavailable = e.text == UNAVAILABLE;
                let needs_lang = matches!(
                    e.name.as_str(),
                    "title" | "subject" | "description" | "contributorName" | "rights"
                ) || (matches!(e.name.as_str(), "creatorName" | "publisher")
                    && !unavailable);
                if needs_lang {
                    assert!(
                        e.attr("xml:lang").is_some_and(|l| !l.is_empty()),
                        "{name}: {} {:?} has no xml:lang\n{xml}",
                        e.name,
                        e.text
                    );
                }
                assert!(
                    e.children > 0 || !e.text.trim().is_empty(),
                    "{name}: empty {}\n{xml}",
                    e.name
                );
            }
            for element in ["title", "description"] {
                let mut langs: Vec<String> = all
                    .iter()
                    .filter(|e| e.name == element && e.attr("titleType").is_none())
                    .filter_map(|e| e.attr("xml:lang").map(str::to_ascii_lowercase))
                    .collect();
                let before = langs.len();
                langs.sort();
                langs.dedup();
                assert_eq!(
                    langs.len(),
                    before,
                    "{name}: two {element}s in one language\n{xml}"
                );
            }
        }
    }

    #[test]
    fn a_dataset_with_a_doi() {
        let item = dataset(Access::Embargoed {
            until: date(2027, 3, 31),
        });
        let xml = document(&item);
        for expected in [
            "<identifier identifierType=\"DOI\">10.18908/lsdba.nbdc04560-001</identifier>",
            "<alternateIdentifier alternateIdentifierType=\"URL\">https://dmp.example.org/dmp/23ck0106789h0001#dataset-1</alternateIdentifier>",
            "<creatorName nameType=\"Personal\" xml:lang=\"ja\">田中 浩一</creatorName>",
            "<nameIdentifier nameIdentifierScheme=\"ORCID\" schemeURI=\"https://orcid.org\">https://orcid.org/0000-0002-1825-0097</nameIdentifier>",
            "<nameIdentifier nameIdentifierScheme=\"e-Rad_Researcher\">12345678</nameIdentifier>",
            "<affiliation affiliationIdentifier=\"https://ror.org/057zh3y96\" affiliationIdentifierScheme=\"ROR\" schemeURI=\"https://ror.org\">東京大学</affiliation>",
            "<title xml:lang=\"ja\">膵臓がん患者の全ゲノムシークエンスデータ</title>",
            "<title xml:lang=\"en\">Whole-genome sequencing data of pancreatic cancer patients</title>",
            "<publisher xml:lang=\"en\">The University of Tokyo</publisher>",
            "<publicationYear>2025</publicationYear>",
            "<resourceType resourceTypeGeneral=\"Dataset\">dataset</resourceType>",
            "<subject xml:lang=\"ja\">ゲノム</subject>",
            "<contributor contributorType=\"DataManager\"><contributorName nameType=\"Personal\" xml:lang=\"ja\">佐藤 美咲</contributorName>",
            "<contributor contributorType=\"ProjectMember\">",
            "<date dateType=\"Issued\">2025-03-31</date>",
            "<date dateType=\"Available\">2027-03-31</date>",
            "<language>ja</language>",
            "<relatedIdentifier relatedIdentifierType=\"URL\" relationType=\"IsPartOf\">https://dmp.example.org/dmp/23ck0106789h0001</relatedIdentifier>",
            "<relatedIdentifier relatedIdentifierType=\"DOI\" relationType=\"IsIdenticalTo\">10.18908/lsdba.nbdc04560-001</relatedIdentifier>",
            "<sizes><size>約100GB</size></sizes>",
            "<version>1.0</version>",
            "<rights xml:lang=\"en\" rightsURI=\"http://purl.org/coar/access_right/c_f1cf\">embargoed access</rights>",
            "<description descriptionType=\"Abstract\" xml:lang=\"en\">",
            "<funderName>Japan Agency for Medical Research and Development</funderName>",
            "<funderIdentifier funderIdentifierType=\"ROR\" schemeURI=\"https://ror.org\">https://ror.org/01b9y6c26</funderIdentifier>",
            "<awardNumber>JP23ck0106789</awardNumber>",
            "<awardTitle>膵臓がんの全ゲノム解析による新規治療標的の探索</awardTitle>",
        ] {
            assert!(xml.contains(expected), "missing {expected}\n{xml}");
        }
    }

    #[test]
    fn rights_are_coar_and_available_only_while_embargoed() {
        for (name, item) in samples() {
            let xml = document(&item);
            assert!(
                xml.contains(&format!(
                    "<rights xml:lang=\"en\" rightsURI=\"{}\">{}</rights>",
                    item.access.coar_uri(),
                    item.access.coar_label()
                )),
                "{name}: {xml}"
            );
            assert_eq!(
                xml.contains("dateType=\"Available\""),
                matches!(item.access, Access::Embargoed { .. }),
                "{name}: {xml}"
            );
        }
    }

    #[test]
    fn a_plan_without_a_doi_is_identified_by_its_landing_page() {
        let xml = document(&plan());
        assert!(xml.contains(
            "<identifier identifierType=\"URL\">https://dmp.example.org/dmp/23ck0106789h0001</identifier>"
        ));
        assert!(!xml.contains("alternateIdentifier"));
        assert!(xml.contains(
            "<resourceType resourceTypeGeneral=\"OutputManagementPlan\">data management plan</resourceType>"
        ));
        // Created 2023-04-01: no Issued date, not embargoed.
        assert!(xml.contains("<publicationYear>2023</publicationYear>"));
        assert!(xml.contains("relationType=\"HasPart\""));
    }

    #[test]
    fn a_minimal_item_has_every_required_property() {
        let xml = document(&minimal());
        for expected in [
            "<identifier identifierType=\"URL\">https://dmp.example.org/dmp/x#dataset-1</identifier>",
            "<creators><creator><creatorName nameType=\"Organizational\">(:unav)</creatorName></creator></creators>",
            "<titles><title xml:lang=\"ja\">臨床情報</title></titles>",
            "<publisher>(:unav)</publisher>",
            "<resourceType resourceTypeGeneral=\"Dataset\">dataset</resourceType>",
        ] {
            assert!(xml.contains(expected), "missing {expected}\n{xml}");
        }
        let year = format!("<publicationYear>{}</publicationYear>", Utc::now().year());
        assert!(xml.contains(&year), "{xml}");
        for absent in [
            "<subjects",
            "<contributors",
            "<dates",
            "<relatedIdentifiers",
            "<sizes",
            "<version",
            "<descriptions",
            "<fundingReferences",
        ] {
            assert!(!xml.contains(absent), "{absent}\n{xml}");
        }
    }

    #[test]
    fn without_creators_the_publisher_creates() {
        let mut item = minimal();
        item.publisher = vec![
            Text::new("国立研究開発法人日本医療研究開発機構", None),
            Text::new("Japan Agency for Medical Research and Development", None),
        ];
        let xml = document(&item);
        assert!(xml.contains(
            "<creatorName nameType=\"Organizational\" xml:lang=\"en\">Japan Agency for Medical Research and Development</creatorName>"
        ));
        assert!(xml.contains(
            "<publisher xml:lang=\"en\">Japan Agency for Medical Research and Development</publisher>"
        ));
    }

    #[test]
    fn the_publication_year_follows_issued_embargo_created_updated() {
        let mut item = minimal();
        item.dates = vec![
            (DateType::Updated, date(2026, 1, 1)),
            (DateType::Updated, date(2024, 6, 1)),
        ];
        assert_eq!(publication_year(&item), 2024);
        item.dates.push((DateType::Created, date(2025, 1, 1)));
        assert_eq!(publication_year(&item), 2025);
        item.access = Access::Embargoed {
            until: date(2028, 3, 31),
        };
        assert_eq!(publication_year(&item), 2028);
        item.dates.push((DateType::Issued, date(2027, 5, 1)));
        assert_eq!(publication_year(&item), 2027);
        // A year four digits cannot write does not count.
        item.dates = vec![
            (DateType::Issued, date(12345, 1, 1)),
            (DateType::Created, date(2022, 1, 1)),
        ];
        item.access = Access::Open;
        assert_eq!(publication_year(&item), 2022);
    }

    #[test]
    fn nasty_values_stay_valid() {
        let xml = document(&nasty());
        assert!(!xml.contains('\u{3}') && !xml.contains('\u{FFFE}'));
        assert!(xml.contains("<identifier identifierType=\"URL\">https://dmp.example.org/dmp/y#dataset-1</identifier>"));
        assert!(xml
            .contains("<title xml:lang=\"en\" titleType=\"AlternativeTitle\">Third title</title>"));
        // An odd but real DOI is written as it is (kernel-4 does not check DOIs).
        assert!(xml.contains("relatedIdentifierType=\"DOI\" relationType=\"HasPart\">10.1002/(SICI)1097-4636&lt;35:4&gt;%</relatedIdentifier>"));
        assert!(!xml.contains("not a doi"));
        assert!(xml.contains(
            "<funderIdentifier funderIdentifierType=\"Crossref Funder ID\">https://doi.org/10.13039/100009619</funderIdentifier>"
        ));
        assert!(xml.contains("<funderName>AMED</funderName>"));
        assert!(xml.contains("<affiliation affiliationIdentifier=\"https://ror.org/057zh3y96\" affiliationIdentifierScheme=\"ROR\" schemeURI=\"https://ror.org\">https://ror.org/057zh3y96</affiliation>"));
        assert!(!xml.contains("Available"));
    }
}
