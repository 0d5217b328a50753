//! Simple Dublin Core (`oai_dc`), the format the protocol requires.

use crate::meta::{Access, IdType, ItemMeta, Text};
use crate::xml::Xml;

fn texts(x: &mut Xml, name: &str, texts: &[Text]) {
    for t in texts {
        match &t.lang {
            Some(l) => x.text_element(name, &[("xml:lang", l)], &t.value),
            None => x.text_element(name, &[], &t.value),
        }
    }
}

/// An item as `oai_dc:dc`.
pub(crate) fn oai_dc(item: &ItemMeta, x: &mut Xml) {
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
    texts(x, "dc:title", &item.titles);
    for p in &item.creators {
        texts(x, "dc:creator", std::slice::from_ref(&p.name));
    }
    texts(x, "dc:subject", &item.subjects);
    texts(x, "dc:description", &item.descriptions);
    texts(x, "dc:publisher", &item.publisher);
    for (p, _) in &item.contributors {
        texts(x, "dc:contributor", std::slice::from_ref(&p.name));
    }
    for (_, d) in &item.dates {
        x.text_element("dc:date", &[], &d.to_string());
    }
    let (coar, label) = crate::jpcoar::resource_type(item.kind);
    x.text_element("dc:type", &[], label);
    x.text_element("dc:type", &[], coar);
    x.text_element("dc:identifier", &[], &item.landing);
    if let Some(doi) = &item.doi {
        x.text_element("dc:identifier", &[], &format!("https://doi.org/{doi}"));
    }
    if let Some(size) = &item.size {
        x.text_element("dc:format", &[], size);
    }
    for r in &item.relations {
        let id = match r.id_type {
            IdType::Doi if !r.identifier.starts_with("https://") => {
                format!("https://doi.org/{}", r.identifier)
            }
            _ => r.identifier.clone(),
        };
        x.text_element("dc:relation", &[], &id);
    }
    x.text_element("dc:rights", &[], item.access.coar_uri());
    x.text_element("dc:rights", &[], item.access.coar_label());
    if let Access::Embargoed { until } = item.access {
        x.text_element(
            "dc:date",
            &[],
            &format!("info:eu-repo/date/embargoEnd/{until}"),
        );
    }
    x.close("oai_dc:dc");
}
