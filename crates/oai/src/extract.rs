//! Reading an item ([`ItemMeta`]) from its plan's public graph, for both
//! shapes of plan graph the mapping makes: an AMED plan's (`#dmp`,
//! `#project`, `#project-funding…`, `#pi`, `#staff-{n}`, `#dataset-{No.}`,
//! `#dataset-{No.}-manager`) and a maDMP plan's (`#dmp/contact`,
//! `#dmp/contributor/{i}`, `#dmp/project/0/funding/0…`, `#dmp/dataset/{i}`).

use crate::meta::*;
use chrono::NaiveDate;
use dmpgraph_store::items::{dataset_number, Item};
use oxigraph::model::{NamedOrBlankNode, Quad, Term};
use std::collections::HashMap;

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const DCT: &str = "http://purl.org/dc/terms/";
const DCSO: &str = "https://w3id.org/dcso/ns/core#";
const DMPG: &str = "https://w3id.org/dmpgraph/ns#";
const FOAF_NAME: &str = "http://xmlns.com/foaf/0.1/name";
const VCARD_ORG: &str = "http://www.w3.org/2006/vcard/ns#organization-name";
const DCAT_KEYWORD: &str = "http://www.w3.org/ns/dcat#keyword";
const ACCESS: &str = "http://publications.europa.eu/resource/authority/access-right/";
const SUBJECT: &str = "https://w3id.org/dmpgraph/ns/data-subject/";
/// AMED's ROR id.
pub(crate) const AMED_ROR: &str = "https://ror.org/01b9y6c26";
/// JSPS's Crossref Funder ID (KAKENHI numbers are acknowledged as `JP…`).
const JSPS_FUNDREF: &str = "https://doi.org/10.13039/501100001691";

/// A plan's public graph, indexed by subject.
pub(crate) struct PlanGraph<'a> {
    graph: &'a str,
    by_subject: HashMap<&'a str, Vec<&'a Quad>>,
}

/// A value of a node: a literal's text and language, or an IRI.
fn text_of(t: &Term) -> Option<Text> {
    match t {
        Term::Literal(l) => Some(Text::new(l.value(), l.language())),
        Term::NamedNode(n) => Some(Text::new(n.as_str(), None)),
        _ => None,
    }
}

impl<'a> PlanGraph<'a> {
    pub(crate) fn new(graph: &'a str, quads: &'a [Quad]) -> PlanGraph<'a> {
        let mut by_subject: HashMap<&str, Vec<&Quad>> = HashMap::new();
        for q in quads {
            if let NamedOrBlankNode::NamedNode(n) = &q.subject {
                by_subject.entry(n.as_str()).or_default().push(q);
            }
        }
        PlanGraph { graph, by_subject }
    }

    fn iri(&self, fragment: &str) -> String {
        format!("{}#{fragment}", self.graph)
    }

    fn objects(&self, node: &str, predicate: &str) -> Vec<&'a Term> {
        let mut out: Vec<&Term> = self
            .by_subject
            .get(node)
            .map(|qs| {
                qs.iter()
                    .filter(|q| q.predicate.as_str() == predicate)
                    .map(|q| &q.object)
                    .collect()
            })
            .unwrap_or_default();
        out.sort_by_key(|t| t.to_string());
        out
    }

    fn texts(&self, node: &str, predicate: &str) -> Vec<Text> {
        self.objects(node, predicate)
            .into_iter()
            .filter_map(text_of)
            .collect()
    }

    fn first(&self, node: &str, predicate: &str) -> Option<String> {
        self.texts(node, predicate)
            .into_iter()
            .next()
            .map(|t| t.value)
    }

    fn links(&self, node: &str, predicate: &str) -> Vec<String> {
        self.objects(node, predicate)
            .into_iter()
            .filter_map(|t| match t {
                Term::NamedNode(n) => Some(n.as_str().to_string()),
                _ => None,
            })
            .collect()
    }

    fn has(&self, node: &str) -> bool {
        self.by_subject.contains_key(node)
    }

    /// The dataset nodes (IRIs) of the plan, by item number.
    pub(crate) fn datasets(&self) -> Vec<(u32, String)> {
        let prefix = format!("{}#", self.graph);
        let mut out: Vec<(u32, String)> = self
            .by_subject
            .iter()
            .filter(|(_, qs)| {
                qs.iter().any(|q| {
                    q.predicate.as_str() == RDF_TYPE
                        && matches!(&q.object, Term::NamedNode(n) if n.as_str() == format!("{DCSO}Dataset"))
                })
            })
            .filter_map(|(s, _)| {
                let n = dataset_number(s.strip_prefix(prefix.as_str())?)?;
                Some((n, s.to_string()))
            })
            .collect();
        out.sort();
        out
    }

    fn plan_titles(&self) -> Vec<Text> {
        let dmp = self.iri("dmp");
        let mut titles = self.texts(&dmp, &format!("{DCT}title"));
        if titles.is_empty() {
            titles = self.texts(&self.iri("project"), &format!("{DCT}title"));
        }
        titles
    }

    fn project(&self) -> String {
        let amed = self.iri("project");
        if self.has(&amed) {
            amed
        } else {
            self.iri("dmp/project/0")
        }
    }

    /// The principal investigator (AMED) or the contact (maDMP).
    fn lead(&self) -> Option<Person> {
        let pi = self.iri("pi");
        if self.has(&pi) {
            return self.person(&pi);
        }
        self.person(&self.iri("dmp/contact"))
    }

    fn person(&self, node: &str) -> Option<Person> {
        let name = self.texts(node, FOAF_NAME).into_iter().next()?;
        let mut ids = Vec::new();
        for id_node in self
            .links(node, &format!("{DCSO}hasContactId"))
            .into_iter()
            .chain(self.links(node, &format!("{DCSO}hasContributorId")))
        {
            if let Some(id) = self.first(&id_node, &format!("{DCSO}identifier")) {
                let kind = self.first(&id_node, &format!("{DCSO}identifierType"));
                if kind.as_deref() == Some("orcid") || id.contains("orcid.org/") {
                    let bare = id.rsplit('/').next().unwrap_or(&id).to_string();
                    ids.push(PersonId::Orcid(format!("https://orcid.org/{bare}")));
                } else if id.len() == 8 && id.chars().all(|c| c.is_ascii_digit()) {
                    ids.push(PersonId::ERad(id));
                }
            }
        }
        let mut affiliation = self.texts(node, VCARD_ORG).into_iter().next();
        let mut affiliation_ror = None;
        for aff in self.links(node, &format!("{DMPG}hasAffiliation")) {
            if affiliation.is_none() {
                affiliation = self.texts(&aff, FOAF_NAME).into_iter().next();
            }
            for id_node in self.links(&aff, &format!("{DMPG}hasAffiliationId")) {
                if let Some(id) = self.first(&id_node, &format!("{DCSO}identifier")) {
                    if id.starts_with("https://ror.org/") {
                        affiliation_ror = Some(id);
                    }
                }
            }
        }
        Some(Person {
            name,
            ids,
            affiliation,
            affiliation_ror,
        })
    }

    fn staff(&self) -> Vec<(Person, Role)> {
        let mut nodes: Vec<&&str> = self
            .by_subject
            .keys()
            .filter(|s| {
                s.strip_prefix(self.graph)
                    .and_then(|f| f.strip_prefix('#'))
                    .is_some_and(|f| {
                        (f.starts_with("staff-") && !f[6..].contains('-'))
                            || (f.starts_with("dmp/contributor/") && !f[16..].contains('/'))
                    })
            })
            .collect();
        nodes.sort();
        nodes
            .into_iter()
            .filter_map(|n| {
                let role = match self.first(n, &format!("{DCSO}role")).as_deref() {
                    Some("DataManager" | "DataCurator" | "DataSteward") => Role::DataManager,
                    _ => Role::ProjectMember,
                };
                self.person(n).map(|p| (p, role))
            })
            .collect()
    }

    fn funding(&self) -> Option<Funding> {
        let project = self.project();
        let funding_nodes = self.links(&project, &format!("{DCSO}hasFunding"));
        let funding = funding_nodes.first()?;
        let mut funder_ids: Vec<String> = self
            .links(funding, &format!("{DCSO}hasFunderId"))
            .iter()
            .filter_map(|n| self.first(n, &format!("{DCSO}identifier")))
            .collect();
        funder_ids.extend(self.links(&project, "http://xmlns.com/foaf/0.1/fundedBy"));
        let funder_ror = funder_ids
            .iter()
            .find(|i| i.starts_with("https://ror.org/"))
            .cloned();
        let funder_crossref = funder_ids
            .iter()
            .find(|i| i.starts_with("https://doi.org/10.13039/"))
            .cloned();
        let grant = self
            .links(funding, &format!("{DCSO}hasGrantId"))
            .iter()
            .find_map(|n| self.first(n, &format!("{DCSO}identifier")));
        let amed = funder_ror.as_deref() == Some(AMED_ROR);
        let jsps = funder_crossref.as_deref() == Some(JSPS_FUNDREF);
        let (award_number, award_is_jgn) = match grant {
            // AMED's acknowledgement number: JP and the first 11 characters
            // of the grant number (課題管理番号).
            Some(g) if amed => {
                let bare = g.trim().trim_start_matches("JP");
                let head: String = bare.chars().take(11).collect();
                (Some(format!("JP{head}")), true)
            }
            Some(g) if jsps => {
                let bare = g.trim().trim_start_matches("JP");
                (Some(format!("JP{bare}")), true)
            }
            Some(g) => (Some(g.trim().to_string()), false),
            None => (None, false),
        };
        let funder_names = if amed {
            vec![
                Text::new("国立研究開発法人日本医療研究開発機構", Some("ja")),
                Text::new(
                    "Japan Agency for Medical Research and Development",
                    Some("en"),
                ),
            ]
        } else if jsps {
            vec![
                Text::new("独立行政法人日本学術振興会", Some("ja")),
                Text::new("Japan Society for the Promotion of Science", Some("en")),
            ]
        } else if let Some(id) = funder_ror.as_ref().or(funder_crossref.as_ref()) {
            vec![Text::new(id.clone(), None)]
        } else {
            return None;
        };
        Some(Funding {
            funder_names,
            funder_ror,
            funder_crossref,
            stream: self
                .texts(&project, &format!("{DMPG}fundingProgramme"))
                .into_iter()
                .next(),
            award_number,
            award_is_jgn,
            award_title: self
                .texts(&project, &format!("{DCT}title"))
                .into_iter()
                .next(),
        })
    }

    fn programmes(&self) -> Vec<Text> {
        self.texts(&self.project(), &format!("{DMPG}fundingProgramme"))
    }

    /// The plan itself as an item.
    pub(crate) fn plan(&self, publisher: &[Text], version: Option<&str>) -> ItemMeta {
        let dmp = self.iri("dmp");
        let mut dates = Vec::new();
        let created = self
            .first(&dmp, &format!("{DCT}created"))
            .and_then(|d| day(&d));
        let modified = self
            .first(&dmp, &format!("{DCT}modified"))
            .and_then(|d| day(&d));
        match (created, modified) {
            (Some(c), Some(m)) => {
                dates.push((DateType::Created, c));
                if m != c {
                    dates.push((DateType::Updated, m));
                }
            }
            // An AMED plan's 作成年月日 is its only date.
            (None, Some(d)) | (Some(d), None) => dates.push((DateType::Created, d)),
            (None, None) => {}
        }
        let doi = self
            .links(&dmp, &format!("{DCSO}hasDMPId"))
            .iter()
            .find_map(|n| {
                let kind = self.first(n, &format!("{DCSO}identifierType"));
                let id = self.first(n, &format!("{DCSO}identifier"))?;
                doi_of(&id).filter(|_| kind.as_deref() == Some("doi") || id.contains("doi.org/"))
            });
        let relations = self
            .datasets()
            .into_iter()
            .map(|(_, node)| Related {
                relation: RelationType::HasPart,
                title: self.texts(&node, &format!("{DCT}title")).into_iter().next(),
                identifier: node,
                id_type: IdType::Uri,
            })
            .collect();
        ItemMeta {
            kind: ItemKind::Plan,
            landing: self.graph.to_string(),
            titles: one_per_language(self.plan_titles()),
            descriptions: self.texts(&dmp, &format!("{DCT}description")),
            creators: self.lead().into_iter().collect(),
            contributors: self.staff(),
            subjects: self.programmes(),
            publisher: publisher.to_vec(),
            funding: self.funding(),
            dates,
            access: Access::Open,
            doi,
            relations,
            size: None,
            version: version.map(str::to_owned),
        }
    }

    /// Dataset `n` of the plan as an item, `item` its registry state (its
    /// embargo, its datestamp). What is written depends on the item's
    /// state alone, never on the day it is asked for (so a record can be
    /// kept rendered): its planned publication date is its `Issued` date
    /// once that day had come when the item last changed.
    pub(crate) fn dataset(&self, n: u32, item: &Item, publisher: &[Text]) -> Option<ItemMeta> {
        let today = item
            .datestamp
            .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600)?)
            .date_naive();
        let node = self
            .datasets()
            .into_iter()
            .find(|(m, _)| *m == n)
            .map(|(_, node)| node)?;
        let access_right = self
            .links(&node, &format!("{DCT}accessRights"))
            .into_iter()
            .find_map(|a| a.strip_prefix(ACCESS).map(str::to_owned));
        let access = match (access_right.as_deref(), item.embargoed_until) {
            (Some("PUBLIC"), Some(until)) => Access::Embargoed { until },
            (Some("PUBLIC"), None) => Access::Open,
            (Some("RESTRICTED"), _) => Access::Restricted,
            _ => Access::MetadataOnly,
        };
        let issued = self
            .first(&node, &format!("{DCT}issued"))
            .and_then(|d| day(&d));
        let mut dates = Vec::new();
        match (access, issued) {
            (Access::Embargoed { until }, _) => dates.push((DateType::Available, until)),
            (_, Some(d)) if d <= today => dates.push((DateType::Issued, d)),
            _ => {}
        }
        let mut doi = None;
        let mut relations = vec![Related {
            relation: RelationType::IsPartOf,
            identifier: self.graph.to_string(),
            id_type: IdType::Uri,
            title: self.plan_titles().into_iter().next(),
        }];
        let mut ids: Vec<String> = self
            .links(&node, &format!("{DCSO}hasDatasetId"))
            .iter()
            .filter_map(|n| self.first(n, &format!("{DCSO}identifier")))
            .collect();
        ids.extend(
            self.texts(&node, &format!("{DCT}identifier"))
                .into_iter()
                .map(|t| t.value),
        );
        ids.sort();
        ids.dedup();
        for id in ids {
            if let Some(d) = doi_of(&id) {
                if doi.is_none() {
                    doi = Some(d);
                }
            } else if id.starts_with("https://") || id.starts_with("http://") {
                // An accession's page: the dataset as deposited.
                relations.push(Related {
                    relation: RelationType::IsIdenticalTo,
                    identifier: id,
                    id_type: IdType::Uri,
                    title: None,
                });
            }
        }
        let mut subjects = self.programmes();
        for s in self.links(&node, &format!("{DMPG}dataSubject")) {
            if let Some(label) = s.strip_prefix(SUBJECT).and_then(subject_label) {
                subjects.push(Text::new(label, Some("ja")));
            }
        }
        subjects.extend(self.texts(&node, DCAT_KEYWORD));
        let mut contributors: Vec<(Person, Role)> = Vec::new();
        for m in self.links(&node, &format!("{DMPG}dataManager")) {
            if let Some(p) = self.person(&m) {
                contributors.push((p, Role::DataManager));
            }
        }
        Some(ItemMeta {
            kind: ItemKind::Dataset,
            landing: node.clone(),
            titles: one_per_language(self.texts(&node, &format!("{DCT}title"))),
            descriptions: self.texts(&node, &format!("{DCT}description")),
            creators: self.lead().into_iter().collect(),
            contributors,
            subjects,
            publisher: publisher.to_vec(),
            funding: self.funding(),
            dates,
            access,
            doi,
            relations,
            size: self.first(&node, &format!("{DMPG}sizePerFile")),
            version: None,
        })
    }
}

/// The catalog's publisher's names, from the catalog graph.
pub(crate) fn publisher(catalog: &[Quad]) -> Vec<Text> {
    let publishers: Vec<String> = catalog
        .iter()
        .filter(|q| q.predicate.as_str() == format!("{DCT}publisher"))
        .filter_map(|q| match &q.object {
            Term::NamedNode(n) => Some(n.as_str().to_string()),
            _ => None,
        })
        .collect();
    let mut out: Vec<Text> = catalog
        .iter()
        .filter(|q| {
            q.predicate.as_str() == FOAF_NAME
                && matches!(&q.subject, NamedOrBlankNode::NamedNode(n) if publishers.iter().any(|p| p == n.as_str()))
        })
        .filter_map(|q| text_of(&q.object))
        .collect();
    out.sort_by(|a, b| a.lang.cmp(&b.lang).then(a.value.cmp(&b.value)));
    one_per_language(out)
}

/// The day a date or date-time literal names, if it is a real calendar day.
fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

/// A DOI (`10.…`) written any of the usual ways.
pub(crate) fn doi_of(id: &str) -> Option<String> {
    crate::jpcoar::doi_name(id)
}

fn subject_label(code: &str) -> Option<&'static str> {
    Some(match code {
        "human-individual" => "ヒト個人",
        "non-human-organism" => "ヒト以外の生物由来",
        "other" => "その他",
        _ => return None,
    })
}

/// At most one text per language (the first), every text tagged.
pub(crate) fn one_per_language(texts: Vec<Text>) -> Vec<Text> {
    crate::jpcoar::first_per_lang(&texts)
        .0
        .into_iter()
        .map(|t| Text {
            value: t.value,
            lang: Some(t.lang),
        })
        .collect()
}

/// The deposits linked to a dataset, as its records relate them: its
/// entry's facts in its plan's deposit facts record (the linker's, read by
/// `dmpgraph_rdf::link::status_facts`). The deposit that is the dataset
/// (and a dataset a paper cites as its supplement) `isIdenticalTo`; a part
/// under it `hasPart`, a version `hasVersion`. A DOI as its resolvable URL,
/// any other deposit as its page.
pub(crate) fn deposits_of(facts: &dmpgraph_rdf::link::EntryFacts) -> Vec<Related> {
    facts
        .deposits
        .iter()
        .filter_map(|d| {
            let relation = match d.relation.as_str() {
                "IsPartOf" => RelationType::HasPart,
                "IsVersionOf" => RelationType::HasVersion,
                _ => RelationType::IsIdenticalTo,
            };
            let (identifier, id_type) = if d.is_doi() {
                (d.resolvable.clone()?, IdType::Doi)
            } else {
                (
                    d.resolvable.clone().or_else(|| d.landing.clone())?,
                    IdType::Uri,
                )
            };
            Some(Related {
                relation,
                identifier,
                id_type,
                title: d
                    .title
                    .as_ref()
                    .map(|(t, lang)| Text::new(t, lang.as_deref())),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dois_and_languages() {
        assert_eq!(doi_of("https://doi.org/10.1/x").as_deref(), Some("10.1/x"));
        assert_eq!(doi_of("doi:10.1/x").as_deref(), Some("10.1/x"));
        assert_eq!(doi_of("https://ddbj.nig.ac.jp/x"), None);
        let texts = one_per_language(vec![
            Text::new("計画", None),
            Text::new("別の計画", Some("ja")),
            Text::new("Plan", None),
        ]);
        assert_eq!(texts.len(), 2);
        assert_eq!(texts[0].lang.as_deref(), Some("ja"));
        assert_eq!(texts[1].lang.as_deref(), Some("en"));
        assert_eq!(
            day("2024-04-10T10:00:00+09:00"),
            NaiveDate::from_ymd_opt(2024, 4, 10)
        );
        assert_eq!(day("2023-02-30"), None);
    }
}
