//! AMED DMP → maDMP: a [`dmpgraph_model::Dmp`] (the AMED form, 様式 別紙1) as
//! a [`MadmpDocument`], ready for [`crate::export()`] / [`crate::to_json`] in
//! any version (1.3 by default, 1.2 on request: the `data_access` crosswalk
//! between them is the export's).
//!
//! Where each field goes is the `madmp` pointer of `mappings/rdf.toml`
//! (checked by this crate's tests); the AMED-only facts go to namespaced
//! extension keys `dmpg:<localName>`, named after the field's RDF property,
//! on the object the entity maps to. Keys the standard requires but the form
//! lacks are derived (see the README's *maDMP JSON* section):
//!
//! | key | value |
//! |---|---|
//! | `dmp.dmp_id` | the record IRI, type `url` |
//! | `dmp.title` | the project title (研究開発課題名) |
//! | `dmp.created`, `dmp.modified` | DMP作成年月日 at 00:00 JST (else 研究開始日, else 1970-01-01) |
//! | `dmp.language` | `jpn` |
//! | `dmp.ethical_issues_exist` | `yes` when a dataset is about ヒト個人, else `unknown` |
//! | `dmp.contact` | public: the catalog's published contact; private: the PI |
//! | `dataset.dataset_id` | the DOI (type `doi`), else `{record IRI}#dataset-{No.}` (type `url`) |
//! | `dataset.personal_data`, `sensitive_data` | `yes` for ヒト個人, else `unknown` |
//! | `dataset.type` | the data class's English label (`Target data`, `Derived data`) |
//! | `distribution.title` | the dataset's title |
//! | `distribution.data_access` | from the sharing method, per `ontologies/dmpgraph.ttl` |
//! | `contributor.contributor_id` | the person's RDF IRI (`#pi`, `#dataset-N-manager`, `#staff-n`), type `other` |
//! | `affiliation.affiliation_id` | the institution's name, type `other` (the form has no ROR) |
//! | `funding` | funder = the catalog's funder ROR (type `ror`), grant = 課題管理番号 (type `other`), status `granted` |

use crate::codes::{DataAccess, LanguageCode, YesNoUnknown};
use crate::model::*;
use dmpgraph_model::{CatalogConfig, DataSubject, Person, SharingMethod};
use serde_json::{json, Map, Value};

/// The namespace of dmpgraph's vocabulary; extension keys are `dmpg:` compact IRIs in it.
pub const DMPG_NAMESPACE: &str = "https://w3id.org/dmpgraph/ns#";

/// What an AMED → maDMP export needs besides the plan.
#[derive(Debug, Clone, Copy)]
pub struct AmedExportOptions<'a> {
    /// The record's IRI, e.g. `http://localhost:8080/record/23ck0106789h0001`:
    /// the DMP's identifier; dataset and person identifiers are its fragments.
    pub record_iri: &'a str,
    /// The catalog's public contact and funder.
    pub catalog: &'a CatalogConfig,
    /// Whether private values (e-mails, and staff whose 公表の可否 is 否) are
    /// exported: only for trusted exports run from the command line.
    pub include_private: bool,
}

impl<'a> AmedExportOptions<'a> {
    /// Options for a public export.
    pub fn public(record_iri: &'a str, catalog: &'a CatalogConfig) -> Self {
        AmedExportOptions {
            record_iri,
            catalog,
            include_private: false,
        }
    }
}

/// The concept IRI of an AMED sharing method, e.g.
/// `https://w3id.org/dmpgraph/ns/sharing-method/restricted-publication`.
pub fn sharing_method_iri(method: SharingMethod) -> String {
    format!(
        "https://w3id.org/dmpgraph/ns/sharing-method/{}",
        method.code()
    )
}

/// maDMP `data_access` (1.3 terms) of an AMED sharing method, per the SKOS
/// matches of `ontologies/dmpgraph.ttl`: 非制限公開 → `open`; 制限公開 and
/// both 制限共有 → `restricted` (`shared` in 1.0–1.2, written by the export);
/// 非公開 and その他 → `closed`. No sharing method is treated as その他.
pub fn data_access(method: Option<SharingMethod>) -> DataAccess {
    match method {
        Some(SharingMethod::UnrestrictedPublication) => DataAccess::Open,
        Some(
            SharingMethod::RestrictedPublication
            | SharingMethod::RestrictedSharingExternal
            | SharingMethod::RestrictedSharingInternal,
        ) => DataAccess::Restricted,
        Some(SharingMethod::NotPublished | SharingMethod::Other) | None => DataAccess::Closed,
    }
}

/// A deposit of a planned dataset, as a maDMP export shows it (from the
/// links a curator or the linker accepted).
#[derive(Debug, Clone, PartialEq)]
pub struct Deposited {
    /// Its identifier: a DOI as `https://doi.org/10.…`, else its landing
    /// page or accession number.
    pub identifier: String,
    /// The identifier's type (`doi`, `url`, `other`).
    pub id_type: &'static str,
    /// Whether it is the planned dataset itself (not a part or a version).
    pub direct: bool,
    /// Its title.
    pub title: Option<String>,
    /// Its landing page.
    pub landing: Option<String>,
    /// Its access, as maDMP says it.
    pub data_access: DataAccess,
    /// When it was published.
    pub issued: Option<chrono::NaiveDate>,
    /// The repository's name and home page.
    pub host: (String, String),
}

/// Puts a dataset's deposits into an export: the dataset whose number
/// (`dmpg:datasetNumber`; in a document whose datasets carry none, the
/// `number`-th) takes the first direct deposit's
/// identifier as its `dataset_id` (the identifier it had, the catalog's,
/// moves to `alternate_identifier`), and each deposit becomes a
/// distribution whose `host` is its repository, in place of the planned
/// distribution (kept when no deposit is direct).
pub fn put_deposits(doc: &mut MadmpDocument, number: u32, deposits: &[Deposited]) {
    if deposits.is_empty() {
        return;
    }
    let key = dmpg("datasetNumber");
    let numbered = doc.dmp.dataset.iter().any(|d| d.extra.contains_key(&key));
    let found = if numbered {
        doc.dmp
            .dataset
            .iter_mut()
            .find(|d| d.extra.get(&key).and_then(Value::as_u64) == Some(u64::from(number)))
    } else {
        // A document from elsewhere numbers its datasets by position.
        let index = usize::try_from(number).ok().and_then(|n| n.checked_sub(1));
        index.and_then(|i| doc.dmp.dataset.get_mut(i))
    };
    let Some(ds) = found else {
        return;
    };
    if let Some(first) = deposits.iter().find(|d| d.direct) {
        if ds.dataset_id.identifier != first.identifier {
            let old = std::mem::replace(
                &mut ds.dataset_id,
                DatasetId {
                    identifier: first.identifier.clone(),
                    r#type: first.id_type.to_owned(),
                    extra: Map::new(),
                },
            );
            ds.alternate_identifier
                .get_or_insert_with(Vec::new)
                .push(AlternateIdentifier {
                    identifier: old.identifier,
                    r#type: old.r#type,
                    extra: Map::new(),
                });
        }
    }
    let planned = ds.distribution.take().unwrap_or_default();
    let mut distributions: Vec<Distribution> = deposits
        .iter()
        .map(|d| Distribution {
            access_url: d.landing.clone(),
            available_until: None,
            byte_size: None,
            data_access: d.data_access,
            description: None,
            download_url: None,
            format: None,
            host: Some(Host::named(d.host.0.clone(), Some(d.host.1.clone()))),
            issued: d.issued.map(date),
            license: None,
            title: d.title.clone().unwrap_or_else(|| ds.title.clone()),
            extra: Map::new(),
        })
        .collect();
    if !deposits.iter().any(|d| d.direct) {
        distributions.splice(0..0, planned);
    }
    ds.distribution = Some(distributions);
}

/// The AMED plan as a maDMP document (see the module documentation for
/// where each value goes and how missing required keys are derived).
///
/// A public export (`include_private == false`) holds no private value of
/// the plan: no e-mail, phone, address, postal code or extension, and
/// nothing of a staff row whose 公表の可否 is 否.
///
/// ```
/// use dmpgraph_madmp::{amed_to_madmp, to_json, AmedExportOptions, Version};
/// use dmpgraph_model::{CatalogConfig, Dataset, Dmp, SharingMethod};
///
/// let mut dmp = Dmp::new("23ck0106789h0001", "希少疾患ゲノム研究");
/// dmp.pi.contact.email = Some("pi@example.jp".into());
/// dmp.datasets.push(Dataset {
///     number: 1,
///     name: Some("全ゲノム配列".into()),
///     sharing: Some(SharingMethod::RestrictedSharingExternal),
///     ..Dataset::default()
/// });
/// let record = "http://localhost:8080/record/23ck0106789h0001";
/// let options = AmedExportOptions::public(record, CatalogConfig::builtin());
/// let doc = amed_to_madmp(&dmp, &options);
///
/// let v13 = to_json(&doc, Version::V1_3);
/// let dataset = &v13["dmp"]["dataset"][0];
/// assert_eq!(dataset["distribution"][0]["data_access"], "restricted");
/// assert_eq!(
///     dataset["dmpg:sharingMethod"],
///     "https://w3id.org/dmpgraph/ns/sharing-method/restricted-sharing-external"
/// );
/// assert_eq!(dataset["dataset_id"]["identifier"], format!("{record}#dataset-1"));
/// // The PI's e-mail is private: a public export names the catalog's contact.
/// assert_eq!(v13["dmp"]["contact"]["mbox"], CatalogConfig::builtin().contact.mbox);
/// assert!(!v13.to_string().contains("pi@example.jp"));
///
/// let v12 = to_json(&doc, Version::V1_2);
/// assert_eq!(v12["dmp"]["dataset"][0]["distribution"][0]["data_access"], "shared");
/// ```
pub fn amed_to_madmp(dmp: &dmpgraph_model::Dmp, options: &AmedExportOptions<'_>) -> MadmpDocument {
    let record = options.record_iri;
    let project = &dmp.project;
    let timestamp = dmp
        .created
        .or(project.start)
        .map(|d| format!("{d}T00:00:00+09:00"))
        .unwrap_or_else(|| "1970-01-01T00:00:00+09:00".to_owned());

    let people = People::collect(dmp, options);
    let human = |s: Option<DataSubject>| s == Some(DataSubject::HumanIndividual);

    let datasets = dmp
        .datasets
        .iter()
        .map(|ds| dataset(ds, record, people.manager_id(ds.number)))
        .collect();

    let contact = match (&dmp.pi, options.include_private) {
        (
            Person {
                name: Some(name),
                contact:
                    dmpgraph_model::Contact {
                        email: Some(mbox), ..
                    },
                ..
            },
            true,
        ) if mbox.contains('@') => Contact {
            affiliation: dmp.pi.institution.as_deref().map(affiliation),
            contact_id: OneOrMany::One(ContactId {
                identifier: format!("{record}#pi"),
                r#type: "other".to_owned(),
                extra: Map::new(),
            }),
            mbox: mbox.clone(),
            name: name.clone(),
            extra: Map::new(),
        },
        _ => {
            let public = &options.catalog.contact;
            Contact {
                affiliation: None,
                contact_id: OneOrMany::One(ContactId {
                    identifier: public.url.clone(),
                    r#type: "other".to_owned(),
                    extra: Map::new(),
                }),
                mbox: public.mbox.clone(),
                name: public.name.clone(),
                extra: Map::new(),
            }
        }
    };

    let mut project_extra = Map::new();
    for (key, value) in [
        ("programmeOwnNumber", &project.program_own_number),
        ("projectName", &project.project_name),
        ("fundingProgramme", &project.business_name),
        ("programme", &project.program_name),
    ] {
        put_text(&mut project_extra, key, value);
    }
    let grant = project.grant_number.trim();
    let funding = Funding {
        funder_id: FunderId {
            identifier: options.catalog.funder.ror.clone(),
            r#type: "ror".to_owned(),
            extra: Map::new(),
        },
        funding_status: Some(crate::codes::FundingStatus::Granted),
        grant_id: (!grant.is_empty()).then(|| GrantId {
            identifier: grant.to_owned(),
            r#type: "other".to_owned(),
            extra: Map::new(),
        }),
        extra: Map::new(),
    };

    MadmpDocument {
        dmp: Dmp {
            alternate_identifier: None,
            contact,
            contributor: Some(people.contributors).filter(|c| !c.is_empty()),
            cost: None,
            created: DateTime(timestamp.clone()),
            dataset: datasets,
            description: None,
            dmp_id: DmpId {
                identifier: record.to_owned(),
                r#type: "url".to_owned(),
                extra: Map::new(),
            },
            ethical_issues_description: None,
            ethical_issues_exist: if dmp.datasets.iter().any(|d| human(d.subject)) {
                YesNoUnknown::Yes
            } else {
                YesNoUnknown::Unknown
            },
            ethical_issues_report: None,
            language: LanguageCode::Jpn,
            modified: DateTime(timestamp),
            project: Some(vec![Project {
                description: None,
                end: project.end.map(date),
                funding: Some(vec![funding]),
                project_id: None,
                start: project.start.map(date),
                title: project.title.clone(),
                extra: project_extra,
            }]),
            related_identifier: None,
            title: project.title.clone(),
            extra: Map::new(),
        },
        extra: Map::new(),
    }
}

fn date(d: chrono::NaiveDate) -> Date {
    Date(d.format("%Y-%m-%d").to_string())
}

fn dmpg(local: &str) -> String {
    format!("dmpg:{local}")
}

fn put(map: &mut Map<String, Value>, local: &str, value: Value) {
    map.insert(dmpg(local), value);
}

fn put_text(map: &mut Map<String, Value>, local: &str, value: &Option<String>) {
    if let Some(text) = value {
        put(map, local, Value::String(text.clone()));
    }
}

fn affiliation(institution: &str) -> Vec<Affiliation> {
    vec![Affiliation {
        affiliation_id: AffiliationId {
            identifier: institution.to_owned(),
            r#type: "other".to_owned(),
            extra: Map::new(),
        },
        name: institution.to_owned(),
        extra: Map::new(),
    }]
}

fn dataset(ds: &dmpgraph_model::Dataset, record: &str, manager_id: Option<&str>) -> Dataset {
    let human = ds.subject == Some(DataSubject::HumanIndividual);
    let yes_or_unknown = if human {
        YesNoUnknown::Yes
    } else {
        YesNoUnknown::Unknown
    };
    let title = ds
        .name
        .clone()
        .unwrap_or_else(|| format!("データ {}", ds.number));
    let dataset_id = match &ds.doi {
        Some(doi) => DatasetId {
            identifier: doi.clone(),
            r#type: "doi".to_owned(),
            extra: Map::new(),
        },
        None => DatasetId {
            identifier: format!("{record}#dataset-{}", ds.number),
            r#type: "url".to_owned(),
            extra: Map::new(),
        },
    };

    let url_is_iri = |u: &String| oxiri::Iri::parse(u.as_str()).is_ok();
    let host = (ds.repository_name.is_some() || ds.repository_url.is_some()).then(|| {
        Host::named(
            ds.repository_name
                .clone()
                .or_else(|| ds.repository_url.clone())
                .unwrap_or_default(),
            ds.repository_url.clone().filter(url_is_iri),
        )
    });
    let distribution = (ds.sharing.is_some() || host.is_some()).then(|| {
        vec![Distribution {
            access_url: ds.repository_url.clone(),
            available_until: None,
            byte_size: None,
            data_access: data_access(ds.sharing),
            description: None,
            download_url: None,
            format: None,
            host,
            issued: None,
            license: None,
            title: title.clone(),
            extra: Map::new(),
        }]
    });

    let mut extra = Map::new();
    put(&mut extra, "datasetNumber", json!(ds.number));
    if let Some(subject) = ds.subject {
        put(
            &mut extra,
            "dataSubject",
            json!(format!(
                "https://w3id.org/dmpgraph/ns/data-subject/{}",
                subject.code()
            )),
        );
    }
    if let Some(class) = ds.class {
        put(
            &mut extra,
            "dataClass",
            json!(format!(
                "https://w3id.org/dmpgraph/ns/data-class/{}",
                class.code()
            )),
        );
    }
    put_text(&mut extra, "recordCount", &ds.count);
    put_text(&mut extra, "sizePerFile", &ds.size_per_file);
    if let Some(method) = ds.sharing {
        put(
            &mut extra,
            "sharingMethod",
            json!(sharing_method_iri(method)),
        );
    }
    put_text(&mut extra, "externalParties", &ds.external_parties);
    put_text(&mut extra, "restrictionReason", &ds.restriction_reason);
    if let Some(consent) = ds.consent {
        put(&mut extra, "consentObtained", json!(consent));
    }
    put_text(&mut extra, "consentDocuments", &ds.consent_documents);
    put_text(&mut extra, "repositoryKind", &ds.repository_info);
    if let Some(id) = manager_id {
        put(&mut extra, "dataManager", json!(id));
    }

    Dataset {
        alternate_identifier: None,
        creator: None,
        data_quality_assurance: None,
        dataset_id,
        description: ds.description.clone(),
        distribution,
        is_reused: None,
        issued: ds.publication_date.map(date),
        keyword: None,
        language: None,
        metadata: None,
        personal_data: yes_or_unknown,
        preservation_statement: None,
        related_identifier: None,
        rights: None,
        security_and_privacy: None,
        sensitive_data: yes_or_unknown,
        technical_resource: None,
        title,
        r#type: ds.class.map(|c| c.label_en().to_owned()),
        extra,
    }
}

/// The contributors: the PI, each dataset's data manager and each staff
/// member that may be exported, one contributor per person (the same name,
/// institution, affiliation and position, and no two different e-mail
/// addresses), with the union of their roles. Whether two are one person is
/// told from their e-mail addresses whether or not the export includes them,
/// so that a public export and a private one list the same contributors.
struct People {
    contributors: Vec<Contributor>,
    /// The e-mail address of each contributor, exported or not.
    emails: Vec<Option<String>>,
    /// Dataset No. → the `contributor_id` of its data manager.
    managers: Vec<(u32, String)>,
}

/// DataCite contributor types, as the 1.3 schema recommends.
const ROLE_PI: &str = "ProjectLeader";
const ROLE_MANAGER: &str = "DataManager";
const ROLE_STAFF: &str = "DataCurator";

impl People {
    fn collect(dmp: &dmpgraph_model::Dmp, options: &AmedExportOptions<'_>) -> People {
        let record = options.record_iri;
        let mut people = People {
            contributors: Vec::new(),
            emails: Vec::new(),
            managers: Vec::new(),
        };
        people.add(
            &dmp.pi,
            format!("{record}#pi"),
            ROLE_PI,
            Map::new(),
            options,
        );
        for ds in &dmp.datasets {
            let id = people.add(
                &ds.manager,
                format!("{record}#dataset-{}-manager", ds.number),
                ROLE_MANAGER,
                Map::new(),
                options,
            );
            if let Some(id) = id {
                people.managers.push((ds.number, id));
            }
        }
        for (i, member) in dmp.staff.iter().enumerate() {
            if member.publishable == Some(false) && !options.include_private {
                continue;
            }
            let mut extra = Map::new();
            if let Some(number) = member.number {
                put(&mut extra, "staffNumber", json!(number));
            }
            if let Some(publishable) = member.publishable {
                put(&mut extra, "mayBePublished", json!(publishable));
            }
            let person = Person {
                institution: member.institution.clone(),
                affiliation: member.affiliation.clone(),
                position: member.position.clone(),
                name: member.name.clone(),
                contact: dmpgraph_model::Contact::default(),
            };
            people.add(
                &person,
                format!("{record}#staff-{}", i + 1),
                ROLE_STAFF,
                extra,
                options,
            );
        }
        people
    }

    fn manager_id(&self, number: u32) -> Option<&str> {
        self.managers
            .iter()
            .find(|(n, _)| *n == number)
            .map(|(_, id)| id.as_str())
    }

    /// Adds a person (or merges them into the same person already added);
    /// returns their `contributor_id`, or `None` for a person with neither
    /// name nor institution.
    fn add(
        &mut self,
        person: &Person,
        id: String,
        role: &str,
        mut extra: Map<String, Value>,
        options: &AmedExportOptions<'_>,
    ) -> Option<String> {
        // A contributor needs a name; an organisation's will do.
        let name = person.name.clone().or_else(|| person.institution.clone())?;
        let email = person.contact.email.clone().filter(|m| m.contains('@'));
        let mbox = email.clone().filter(|_| options.include_private);
        put_text(&mut extra, "affiliation", &person.affiliation);
        put_text(&mut extra, "position", &person.position);
        let affiliation = person.institution.as_deref().map(affiliation);

        // A staff row that may not be published stays a contributor of its
        // own: merged into a published person (the PI, a data manager), its
        // mark would withhold that person too (`crate::privacy`).
        let unpublished =
            |extra: &Map<String, Value>| extra.get("dmpg:mayBePublished") == Some(&json!(false));
        let same = self
            .contributors
            .iter_mut()
            .zip(&mut self.emails)
            .find(|(c, known)| {
                c.name == name
                    && c.affiliation == affiliation
                    && !matches!((known.as_ref(), email.as_ref()), (Some(a), Some(b)) if a != b)
                    && c.extra.get("dmpg:affiliation") == extra.get("dmpg:affiliation")
                    && c.extra.get("dmpg:position") == extra.get("dmpg:position")
                    && unpublished(&c.extra) == unpublished(&extra)
            });
        if let Some((same, known)) = same {
            if known.is_none() {
                *known = email;
                same.mbox = mbox;
            }
            if !same.role.iter().any(|r| r == role) {
                same.role.push(role.to_owned());
            }
            for (key, value) in extra {
                same.extra.entry(key).or_insert(value);
            }
            return same
                .contributor_id
                .first()
                .map(|first| first.identifier.clone());
        }
        self.contributors.push(Contributor {
            affiliation,
            contributor_id: OneOrMany::One(ContributorId {
                identifier: id.clone(),
                r#type: "other".to_owned(),
                extra: Map::new(),
            }),
            mbox,
            name,
            role: vec![role.to_owned()],
            extra,
        });
        self.emails.push(email);
        Some(id)
    }
}
