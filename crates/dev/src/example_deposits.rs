//! What the example plans' datasets became: fictitious but realistic
//! deposits, in the response shapes of DataCite's REST API and the DDBJ
//! Search API (those of the shared fixtures' `external/` examples), for the
//! fixture server to serve ([`example_deposits`], `dmpgraph-dev fixtures
//! serve --example-deposits`).
//!
//! With `dmpgraph ingest examples`, `dmpgraph harvest referenced`,
//! `dmpgraph harvest funder` and `dmpgraph link run` against them, the
//! store holds what a librarian's would: the examples' answers in
//! `examples/queries/` are those of that store. What they hold, by plan
//! (課題管理番号, entry No.):
//!
//! | plan | entry | deposit | what it shows (and what `link run` makes of it) |
//! |---|---|---|---|
//! | 23ck0106789h0001 | 1 | JGA `JGAD000123` (2026-08-20) | explicit (repository URL), as planned |
//! | 23ck0106789h0001 | 7 | JGA `JGAD000124` (2026-10-15) | explicit, as planned (before its date) |
//! | 23ck0106789h0001 | 1 | JGA study `JGAS000123`, holding both datasets | found by `harvest funder` (DDBJ's grant title); the container of two entries' deposits, so linked to neither |
//! | 23ck0106789h0001 | 6 | Zenodo `10.5281/zenodo.15432101`, award `JP24ck0106789` (ROR) | found by `harvest funder`; names no identifier of the plan: inferred |
//! | 23ck0106789h0001 | 3 | (its DOI `10.18908/lsdba.nbdc04560-001` was never registered) | overdue since 2026-06-30 |
//! | 22ek0109612h0003 | 2 | JGA `JGAD000456` (2026-07-15) | published late (planned 2026-03-31) |
//! | 22ek0109612h0003 | 3 | J-STAGE Data `10.50893/data.rinshoshinkei.21345678`, restricted | other access than planned (非制限公開) |
//! | 22ek0109612h0003 | (3) | Zenodo `10.5281/zenodo.13800012`, the registry's data dictionary, award `JP24ek0109612` | found by `harvest funder`; no entry fits well: proposed, for a curator |
//! | 24im0210734h0001 | 1 | figshare `10.6084/m9.figshare.27345678`, award `JP25im0210734` | the plan's only entry: funding; the plan's own DOI `10.14989/289123` was never registered |
//! | 18km0105001h0001 | 1 | NBDC `10.18908/lsdba.nbdc07890-001` (2019-12-10) | explicit (DOI), as planned |
//! | 18km0105001h0001 | 2 | JGA `JGAD000789` (2021-09-01) | explicit, as planned |
//! | 18km0105001h0001 | 3 | nothing | overdue since 2022-03-31 |
//! | 23bm1123045h0001 | 1 | `10.24767/jmu.12345` (2026-09-25) | explicit (DOI), as planned |
//! | 25fk0108701h0001 | 1 | DRA study `DRP012345` (2026-05-20) | explicit, as planned (before its date) |
//! | 25fk0108701h0001 | 1 | BioProject `PRJDB17345` (`IsIdenticalTo` the study), found by `harvest funder` | follows the study onto entry 1 (hierarchy) |
//! | 25fk0108701h0001 | 1, 3 | (DOIs `10.18908/dra.drp012345`, `10.2210/pdb9xyz/pdb` never registered) | |
//! | JP22dk0307100 | 2 | J-STAGE Data `10.50893/data.seishin.24567890` (2026-02-16) | published late (planned 2025-09-30) |
//! | KAKENHI 24H01234 (maDMP) | 1, 2 | JGA `JGAD000901`, Zenodo `10.5281/zenodo.1234567` (JSPS) | harvested as referenced; explicit (`dataset_id`); another funder's plan: not in AMED's report |
//! | JST CREST (maDMP) | 1 | DRA submission `DRA015678` | harvested as referenced; explicit (`dataset_id`); another funder's plan |
//!
//! and two AMED-funded DataCite datasets of projects that are not in the
//! examples (`JP24ck0106798`, one digit off plan 23ck0106789h0001's, and
//! `JP23gm1010007`): harvested by `harvest funder`, linked to nothing.
//! `harvest referenced` fails on the four DOIs that were never registered
//! (exit status 1, the rest stored). Every person, date and number here is
//! fictitious (the people are those of the example plans); the DOI prefixes
//! are the repositories' own, their suffixes and the accessions made up
//! (some may name other, real data); the funders' and universities' ROR IDs
//! and Crossref Funder IDs are the real ones.

use crate::fixture_server::{Service, World};
use serde_json::{json, Value};

/// AMED's Crossref Funder ID and ROR ID (as in `mappings/catalog.toml`).
const AMED_FUNDER_ID: &str = "https://doi.org/10.13039/100009619";
const AMED_ROR: &str = "https://ror.org/01b9y6c26";
const AMED_NAME: &str = "Japan Agency for Medical Research and Development";
/// JSPS's Crossref Funder ID.
const JSPS_FUNDER_ID: &str = "https://doi.org/10.13039/501100001691";

/// The example plans' deposits, as the fixture server serves them.
pub fn example_deposits() -> World {
    let mut world = World::new();
    for record in datacite_records() {
        world
            .put(Service::Datacite, record)
            .expect("a DataCite record with its DOI");
    }
    for entry in ddbj_entries() {
        world
            .put(Service::Ddbj, entry)
            .expect("a DDBJ entry with its type and accession");
    }
    world
}

// ---------------------------------------------------------------------------
// DataCite

/// A creator: family name, given name, affiliation (name and ROR, if any).
struct Person(
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

fn creator(p: &Person) -> Value {
    let Person(family, given, affiliation, ror) = *p;
    let affiliation = match ror {
        Some(ror) => json!({
            "name": affiliation,
            "affiliationIdentifier": ror,
            "affiliationIdentifierScheme": "ROR",
            "schemeUri": "https://ror.org"
        }),
        None => json!({"name": affiliation}),
    };
    json!({
        "name": format!("{family}, {given}"),
        "nameType": "Personal",
        "givenName": given,
        "familyName": family,
        "nameIdentifiers": [],
        "affiliation": [affiliation]
    })
}

/// AMED's funding reference, identified by its Crossref Funder ID (as
/// DataCite's Fabrica and J-STAGE Data write it) or its ROR ID (as Zenodo
/// and figshare now do).
fn amed(award: &str, title: &str, by_ror: bool) -> Value {
    let (id, kind) = if by_ror {
        (AMED_ROR, "ROR")
    } else {
        (AMED_FUNDER_ID, "Crossref Funder ID")
    };
    json!({
        "funderName": AMED_NAME,
        "funderIdentifier": id,
        "funderIdentifierType": kind,
        "awardNumber": award,
        "awardTitle": title
    })
}

fn open_access() -> Value {
    json!({"rights": "Open Access", "rightsUri": "info:eu-repo/semantics/openAccess"})
}

fn cc_by() -> Value {
    json!({
        "rights": "Creative Commons Attribution 4.0 International",
        "rightsUri": "https://creativecommons.org/licenses/by/4.0/legalcode",
        "schemeUri": "https://spdx.org/licenses/",
        "rightsIdentifier": "cc-by-4.0",
        "rightsIdentifierScheme": "SPDX"
    })
}

/// What differs between the DataCite records.
struct Dc {
    doi: &'static str,
    client: &'static str,
    publisher: &'static str,
    url: &'static str,
    creators: Vec<Person>,
    /// English title, Japanese title (if any).
    titles: (&'static str, Option<&'static str>),
    description: &'static str,
    resource_type: &'static str,
    subjects: &'static [&'static str],
    /// The `Issued` date (`YYYY-MM-DD`).
    issued: &'static str,
    rights: Vec<Value>,
    funding: Vec<Value>,
    /// (identifier, type, relation).
    related: Vec<(&'static str, &'static str, &'static str)>,
    formats: &'static [&'static str],
    sizes: &'static [&'static str],
    /// When the DOI was created and last updated (RFC 3339).
    created: &'static str,
    updated: &'static str,
}

impl Dc {
    /// The record as `GET /dois/{doi}` answers it (`{"data": {…}}`).
    fn record(&self) -> Value {
        let (prefix, suffix) = self.doi.split_once('/').unwrap_or((self.doi, ""));
        let mut titles = vec![json!({"title": self.titles.0, "lang": "en"})];
        if let Some(ja) = self.titles.1 {
            titles.push(json!({"title": ja, "lang": "ja"}));
        }
        let year: u32 = self.issued[..4].parse().unwrap_or(2026);
        let mut attributes = json!({
            "doi": self.doi,
            "identifiers": [],
            "prefix": prefix,
            "suffix": suffix,
            "creators": self.creators.iter().map(creator).collect::<Vec<_>>(),
            "titles": titles,
            "publisher": {"name": self.publisher},
            "container": {},
            "publicationYear": year,
            "subjects": self
                .subjects
                .iter()
                .map(|s| json!({"subject": s, "lang": "en"}))
                .collect::<Vec<_>>(),
            "contributors": [],
            "dates": [{"date": self.issued, "dateType": "Issued"}],
            "language": "en",
            "types": {
                "ris": "DATA",
                "bibtex": "misc",
                "citeproc": "dataset",
                "schemaOrg": "Dataset",
                "resourceType": self.resource_type,
                "resourceTypeGeneral": "Dataset"
            },
            "relatedIdentifiers": self
                .related
                .iter()
                .map(|(id, kind, relation)| {
                    json!({
                        "relatedIdentifier": id,
                        "relatedIdentifierType": kind,
                        "relationType": relation
                    })
                })
                .collect::<Vec<_>>(),
            "relatedItems": [],
            "sizes": self.sizes,
            "formats": self.formats,
            "version": "1",
            "rightsList": self.rights,
            "descriptions": [{
                "description": self.description,
                "descriptionType": "Abstract",
                "lang": "en"
            }],
            "geoLocations": [],
            "fundingReferences": self.funding,
            "url": self.url
        });
        let rest = json!({
            "contentUrl": null,
            "metadataVersion": 2,
            "schemaVersion": "http://datacite.org/schema/kernel-4",
            "source": "api",
            "isActive": true,
            "state": "findable",
            "reason": null,
            "viewCount": 0,
            "downloadCount": 0,
            "referenceCount": 0,
            "citationCount": 0,
            "partCount": 0,
            "partOfCount": 0,
            "versionCount": 0,
            "versionOfCount": 0,
            "created": self.created,
            "registered": self.created,
            "published": &self.issued[..4],
            "updated": self.updated
        });
        if let (Some(a), Value::Object(rest)) = (attributes.as_object_mut(), rest) {
            a.extend(rest);
        }
        json!({"data": {
            "id": self.doi,
            "type": "dois",
            "attributes": attributes,
            "relationships": {
                "client": {"data": {"id": self.client, "type": "clients"}}
            }
        }})
    }
}

const UTOKYO: (&str, Option<&str>) = ("The University of Tokyo", Some("https://ror.org/057zh3y96"));
const OSAKA: (&str, Option<&str>) = ("Osaka University", Some("https://ror.org/035t8zc32"));
const KYOTO: (&str, Option<&str>) = ("Kyoto University", Some("https://ror.org/02kpeqv85"));
const TOHOKU: (&str, Option<&str>) = ("Tohoku University", Some("https://ror.org/01dq60k83"));

fn person(
    family: &'static str,
    given: &'static str,
    at: (&'static str, Option<&'static str>),
) -> Person {
    Person(family, given, at.0, at.1)
}

fn datacite_records() -> Vec<Value> {
    let ncnp = ("National Center of Neurology and Psychiatry", None);
    let jichi = ("Jichi Medical University", None);
    let kyushu = ("Kyushu University", None);
    let records = [
        // 22ek0109612h0003 #3 (非制限公開): deposited, but on request only.
        Dc {
            doi: "10.50893/data.rinshoshinkei.21345678",
            client: "jst.jstagedata",
            publisher: "Societas Neurologica Japonica",
            url: "https://jstagedata.jst.go.jp/articles/dataset/21345678",
            creators: vec![
                person("Yamamoto", "Naoki", OSAKA),
                person("Matsumoto", "Megumi", OSAKA),
                person("Suzuki", "Ichiro", OSAKA),
            ],
            titles: (
                "Natural history of functional scores in rare neurological diseases: aggregated registry statistics",
                Some("希少神経疾患の機能評価スコアの自然歴：レジストリ集計データ"),
            ),
            description: "Functional assessment scores by disease type over time, aggregated from about 850 patients of the intractable disease registry (no individual can be identified). Available on request to the registry's data access committee.",
            resource_type: "Aggregated statistics",
            subjects: &["rare neurological diseases", "natural history", "patient registry"],
            issued: "2025-06-20",
            rights: vec![json!({
                "rights": "Restricted Access",
                "rightsUri": "info:eu-repo/semantics/restrictedAccess"
            })],
            funding: vec![amed(
                "JP24ek0109612",
                "Natural history of rare neurological diseases from the designated intractable disease registry",
                false,
            )],
            related: vec![("10.5692/clinicalneurol.cn-002017", "DOI", "IsSupplementTo")],
            formats: &["text/csv"],
            sizes: &["1 MB"],
            created: "2025-06-18T04:12:09.000Z",
            updated: "2025-06-20T01:00:41.000Z",
        },
        // JP22dk0307100 #2 (非制限公開, 2025-09-30): published late.
        Dc {
            doi: "10.50893/data.seishin.24567890",
            client: "jst.jstagedata",
            publisher: "The Japanese Society of Psychiatry and Neurology",
            url: "https://jstagedata.jst.go.jp/articles/dataset/24567890",
            creators: vec![
                person("Morita", "Keisuke", ncnp),
                person("Otsuka", "Mariko", ncnp),
            ],
            titles: (
                "Aggregated questionnaire scores (PHQ-9, HAM-D) of patients with depression and healthy controls",
                Some("うつ病患者および健常者の質問票スコア集計データ"),
            ),
            description: "Group-wise summary statistics of PHQ-9 and HAM-D scores of 400 participants of a brain MRI study of depression.",
            resource_type: "Summary statistics",
            subjects: &["depression", "questionnaire"],
            issued: "2026-02-16",
            rights: vec![cc_by(), open_access()],
            funding: vec![amed(
                "JP24dk0307100",
                "Stratification of depression and prediction of treatment response by brain MRI and questionnaires",
                false,
            )],
            related: vec![],
            formats: &["text/csv"],
            sizes: &["480 KB"],
            created: "2026-02-13T07:45:12.000Z",
            updated: "2026-02-16T00:30:05.000Z",
        },
        // 18km0105001h0001 #1 (非制限公開, 2019-12-20): as planned.
        Dc {
            doi: "10.18908/lsdba.nbdc07890-001",
            client: "jst.nbdc",
            publisher: "National Bioscience Database Center (NBDC), Japan Science and Technology Agency",
            url: "https://humandbs.dbcls.jp/hum0789-v1",
            creators: vec![
                person("Sasaki", "Takashi", TOHOKU),
                person("Abe", "Satomi", TOHOKU),
                person("Chiba", "Yui", TOHOKU),
            ],
            titles: (
                "Japanese whole-genome reference panel: allele frequencies of 8,000 cohort participants",
                Some("日本人全ゲノムリファレンスパネル（アレル頻度）"),
            ),
            description: "Allele frequencies of the variants called from whole-genome sequences of 8000 participants of population cohorts.",
            resource_type: "Allele frequency panel",
            subjects: &["human genome", "allele frequency", "population cohort"],
            issued: "2019-12-10",
            rights: vec![open_access()],
            funding: vec![amed(
                "JP19km0105001",
                "Construction of a Japanese whole-genome reference panel from population cohort samples",
                false,
            )],
            related: vec![],
            formats: &["VCF"],
            sizes: &["40 GB"],
            created: "2019-12-09T09:00:00.000Z",
            updated: "2023-04-01T02:11:37.000Z",
        },
        // 23bm1123045h0001 #1 (非制限公開, 2026-09-30): as planned.
        Dc {
            doi: "10.24767/jmu.12345",
            client: "nii.jichi",
            publisher: "Jichi Medical University",
            url: "https://jichi.repo.nii.ac.jp/records/12345",
            creators: vec![
                person("Aoki", "Takashi", jichi),
                person("Yokoyama", "Masaki", jichi),
            ],
            titles: (
                "Biodistribution of AAV vectors in mice: vector genome copies and transgene expression by organ",
                Some("AAVベクター体内動態データ（マウス）"),
            ),
            description: "Vector genome copy numbers and transgene expression in each organ of 180 AAV-treated mice over time.",
            resource_type: "Dataset",
            subjects: &["gene therapy", "AAV vector", "biodistribution"],
            issued: "2026-09-25",
            rights: vec![cc_by(), open_access()],
            funding: vec![amed(
                "JP25bm1123045",
                "Long-term safety of AAV vector gene therapy for haemophilia B",
                false,
            )],
            related: vec![],
            formats: &["text/csv"],
            sizes: &["8 MB"],
            created: "2026-09-24T05:20:00.000Z",
            updated: "2026-09-25T00:00:12.000Z",
        },
        // The KAKENHI maDMP's screening data (another funder's).
        Dc {
            doi: "10.5281/zenodo.1234567",
            client: "cern.zenodo",
            publisher: "Zenodo",
            url: "https://zenodo.org/records/1234567",
            creators: vec![person("Tanaka", "Koichi", UTOKYO)],
            titles: (
                "Drug sensitivity (IC50) of 40 patient-derived pancreatic cancer organoids to 120 compounds",
                Some("膵臓がんオルガノイド薬剤感受性スクリーニングデータ"),
            ),
            description: "IC50 values of 40 organoid lines against 120 compounds.",
            resource_type: "Dataset",
            subjects: &["pancreatic cancer", "organoid", "drug screening"],
            issued: "2026-03-20",
            rights: vec![cc_by(), open_access()],
            funding: vec![json!({
                "funderName": "Japan Society for the Promotion of Science",
                "funderIdentifier": JSPS_FUNDER_ID,
                "funderIdentifierType": "Crossref Funder ID",
                "awardNumber": "24H01234",
                "awardTitle": "Prediction of drug sensitivity using pancreatic cancer organoids"
            })],
            related: vec![("10.5281/zenodo.1234566", "DOI", "IsVersionOf")],
            formats: &["text/csv"],
            sizes: &["310 KB"],
            created: "2026-03-19T11:02:44.000Z",
            updated: "2026-03-20T08:15:00.000Z",
        },
        // 23ck0106789h0001 #6 (その他): names AMED and a later year's
        // number, no identifier of the plan; `harvest funder` finds it.
        Dc {
            doi: "10.5281/zenodo.15432101",
            client: "cern.zenodo",
            publisher: "Zenodo",
            url: "https://zenodo.org/records/15432101",
            creators: vec![
                person("Sato", "Misaki", UTOKYO),
                person("Nakamura", "Daisuke", UTOKYO),
                person("Tanaka", "Koichi", UTOKYO),
            ],
            titles: (
                "Drug response prediction model trained on genomic variant profiles of pancreatic cancer",
                Some("膵臓がんのゲノム変異プロファイルに基づく薬剤応答予測モデル（学習済みモデルと学習用特徴量）"),
            ),
            description: "Three trained machine-learning models that predict drug response from somatic variant profiles, with the features they were trained on.",
            resource_type: "Trained model and features",
            subjects: &["pancreatic cancer", "drug response", "machine learning"],
            issued: "2026-07-10",
            rights: vec![cc_by(), open_access()],
            funding: vec![amed(
                "JP24ck0106789",
                "Identification of new therapeutic targets by whole-genome analysis of pancreatic cancer",
                true,
            )],
            related: vec![("10.5281/zenodo.15432100", "DOI", "IsVersionOf")],
            formats: &["application/zip"],
            sizes: &["1.1 GB"],
            created: "2026-07-09T13:40:21.000Z",
            updated: "2026-07-10T06:02:17.000Z",
        },
        // 24im0210734h0001 #1 (the plan's only entry), deposited at
        // figshare instead of the institutional repository the plan names.
        Dc {
            doi: "10.6084/m9.figshare.27345678",
            client: "figshare.ars",
            publisher: "figshare",
            url: "https://figshare.com/articles/dataset/Fibrotic_area_of_zebrafish_liver_fibrosis_models/27345678",
            creators: vec![
                person("Nakajima", "Ren", KYOTO),
                person("Watanabe", "Shinichi", KYOTO),
            ],
            titles: (
                "Fibrotic area of zebrafish liver fibrosis models treated with natural-product compounds",
                None,
            ),
            description: "Fibrotic areas quantified from fluorescence images of about 1,200 compound-treated zebrafish liver fibrosis models, with the analysis scripts.",
            resource_type: "Dataset",
            subjects: &["zebrafish", "liver fibrosis", "image analysis"],
            issued: "2026-10-05",
            rights: vec![cc_by(), open_access()],
            funding: vec![amed(
                "JP25im0210734",
                "Discovery of anti-fibrotic natural products",
                true,
            )],
            related: vec![],
            formats: &["text/csv", "text/x-python"],
            sizes: &["12 MB"],
            created: "2026-10-03T02:30:00.000Z",
            updated: "2026-10-05T04:44:10.000Z",
        },
        // 22ek0109612h0003: the registry's data dictionary, funded by the
        // grant; which entry (if any) it documents is for a curator.
        Dc {
            doi: "10.5281/zenodo.13800012",
            client: "cern.zenodo",
            publisher: "Zenodo",
            url: "https://zenodo.org/records/13800012",
            creators: vec![
                person("Inoue", "Ken", OSAKA),
                person("Yamamoto", "Naoki", OSAKA),
            ],
            titles: (
                "Case report forms and data dictionary of a registry of patients with rare neurological diseases",
                None,
            ),
            description: "The case report forms, variable definitions and coding lists of a multicentre registry of patients with designated intractable neurological diseases.",
            resource_type: "Data dictionary",
            subjects: &["rare neurological diseases", "patient registry", "data dictionary"],
            issued: "2024-10-01",
            rights: vec![cc_by(), open_access()],
            funding: vec![amed(
                "JP24ek0109612",
                "Natural history of rare neurological diseases from the designated intractable disease registry",
                true,
            )],
            related: vec![],
            formats: &["application/pdf", "text/csv"],
            sizes: &["3 MB"],
            created: "2024-09-30T06:10:00.000Z",
            updated: "2024-10-01T00:20:00.000Z",
        },
        // AMED-funded, but of a neighbouring project (one digit off).
        Dc {
            doi: "10.5281/zenodo.15570002",
            client: "cern.zenodo",
            publisher: "Zenodo",
            url: "https://zenodo.org/records/15570002",
            creators: vec![person("Kato", "Ryo", ("National Cancer Center Japan", None))],
            titles: (
                "Circulating tumour DNA of patients with biliary tract cancer",
                None,
            ),
            description: "Variant calls from plasma cell-free DNA of 96 patients with biliary tract cancer.",
            resource_type: "Dataset",
            subjects: &["biliary tract cancer", "liquid biopsy"],
            issued: "2026-05-28",
            rights: vec![cc_by(), open_access()],
            funding: vec![amed(
                "JP24ck0106798",
                "Liquid biopsy for biliary tract cancer",
                true,
            )],
            related: vec![],
            formats: &["VCF"],
            sizes: &["2 GB"],
            created: "2026-05-27T10:00:00.000Z",
            updated: "2026-05-28T01:12:00.000Z",
        },
        // AMED-funded, of a project without a plan in the examples.
        Dc {
            doi: "10.5281/zenodo.14200007",
            client: "cern.zenodo",
            publisher: "Zenodo",
            url: "https://zenodo.org/records/14200007",
            creators: vec![person("Maeda", "Yu", kyushu)],
            titles: (
                "Gut microbiome profiles of patients with inflammatory bowel disease",
                None,
            ),
            description: "16S rRNA amplicon sequence variants of stool samples of 210 patients.",
            resource_type: "Dataset",
            subjects: &["inflammatory bowel disease", "microbiome"],
            issued: "2024-11-20",
            rights: vec![cc_by(), open_access()],
            funding: vec![amed(
                "JP23gm1010007",
                "Microbiome-based stratification of inflammatory bowel disease",
                false,
            )],
            related: vec![],
            formats: &["text/tab-separated-values"],
            sizes: &["150 MB"],
            created: "2024-11-19T08:00:00.000Z",
            updated: "2024-11-20T00:05:00.000Z",
        },
    ];
    records.iter().map(Dc::record).collect()
}

// ---------------------------------------------------------------------------
// DDBJ Search

/// AMED as a DDBJ grant's agency.
fn amed_agency() -> Value {
    json!({
        "name": AMED_NAME,
        "abbreviation": "AMED",
        "role": null,
        "organizationType": null,
        "department": null,
        "url": null
    })
}

fn organization(name: &str, department: &str) -> Value {
    json!({
        "name": name,
        "abbreviation": null,
        "role": "submitter",
        "organizationType": "institute",
        "department": department,
        "url": null
    })
}

fn xref(kind: &str, id: &str) -> Value {
    json!({
        "identifier": id,
        "type": kind,
        "url": format!("https://ddbj.nig.ac.jp/search/entry/{kind}/{id}")
    })
}

/// What differs between the DDBJ entries.
struct Entry {
    kind: &'static str,
    id: &'static str,
    name: &'static str,
    title: Option<&'static str>,
    description: Option<&'static str>,
    /// Homo sapiens (9606), a virus, or none.
    organism: Option<(&'static str, &'static str)>,
    organization: Vec<Value>,
    /// (acknowledgement number, grant title).
    grant: Option<(&'static str, &'static str)>,
    xrefs: Vec<(&'static str, &'static str)>,
    /// `YYYY-MM-DD` (published at 10:00 JST).
    published: &'static str,
    created: &'static str,
    /// Type-specific fields (`datasetType`, `libraryStrategy`, …).
    extra: Value,
}

impl Entry {
    /// The entry as `GET /entries/{type}/{id}.json` answers it.
    fn entry(&self) -> Value {
        let part_of = match self.kind {
            k if k.starts_with("jga-") => "jga",
            k if k.starts_with("sra-") => "sra",
            _ => "bioproject",
        };
        let url = format!(
            "https://ddbj.nig.ac.jp/search/entry/{}/{}",
            self.kind, self.id
        );
        let mut counts = serde_json::Map::new();
        for (kind, _) in &self.xrefs {
            let n = counts.get(*kind).and_then(Value::as_u64).unwrap_or(0);
            counts.insert((*kind).to_string(), json!(n + 1));
        }
        let mut v = json!({
            "identifier": self.id,
            "properties": {"accession": self.id},
            "distribution": [
                {"type": "DataDownload", "encodingFormat": "JSON", "contentUrl": format!("{url}.json")},
                {"type": "DataDownload", "encodingFormat": "JSON-LD", "contentUrl": format!("{url}.jsonld")}
            ],
            "isPartOf": part_of,
            "type": self.kind,
            "name": self.name,
            "url": url,
            "organism": self.organism.map(|(id, name)| json!({"identifier": id, "name": name})),
            "title": self.title,
            "description": self.description,
            "organization": self.organization,
            "publication": [],
            "grant": self.grant.map(|(id, title)| vec![json!({
                "id": id,
                "title": title,
                "agency": [amed_agency()]
            })]).unwrap_or_default(),
            "externalLink": [],
            "dbXrefs": self.xrefs.iter().map(|(k, id)| xref(k, id)).collect::<Vec<_>>(),
            "sameAs": [],
            "status": "public",
            "accessibility": if part_of == "jga" { "controlled-access" } else { "public-access" },
            "dateCreated": format!("{}T09:00:00+09:00", self.created),
            "dateModified": format!("{}T10:00:00+09:00", self.published),
            "datePublished": format!("{}T10:00:00+09:00", self.published),
            "dbXrefsCount": counts
        });
        if let (Some(o), Some(extra)) = (v.as_object_mut(), self.extra.as_object()) {
            for (k, x) in extra {
                o.insert(k.clone(), x.clone());
            }
        }
        v
    }
}

const HUMAN: Option<(&str, &str)> = Some(("9606", "Homo sapiens"));
const SFTSV: Option<(&str, &str)> = Some(("1003835", "SFTS phlebovirus"));

fn jga_dataset(kind: &str) -> Value {
    json!({"studyType": [], "datasetType": [kind], "vendor": []})
}

fn sra() -> Value {
    json!({
        "libraryStrategy": [],
        "librarySource": [],
        "librarySelection": [],
        "libraryLayout": null,
        "platform": null,
        "instrumentModel": [],
        "analysisType": null,
        "derivedFrom": []
    })
}

/// 研究開発課題名 of plan 23ck0106789h0001 (DDBJ's grant search matches it).
const CANCER_TITLE: &str = "膵臓がん患者の全ゲノム解析に基づく新規治療標的の同定と層別化医療の開発";
/// 研究開発課題名 of plan 25fk0108701h0001.
const SFTS_TITLE: &str = "重症熱性血小板減少症候群ウイルスに対する中和抗体医薬の開発";

fn ddbj_entries() -> Vec<Value> {
    let ims = || {
        vec![organization(
            "The University of Tokyo",
            "Human Genome Center, The Institute of Medical Science",
        )]
    };
    let entries = [
        // 23ck0106789h0001: the study of entries 1 and 7, found by its grant.
        Entry {
            kind: "jga-study",
            id: "JGAS000123",
            name: "JSUB000512_Study_0001",
            title: Some("Whole-genome and single-cell analyses of pancreatic cancer"),
            description: Some("Whole-genome sequencing of tumour and matched normal tissue of 300 patients with pancreatic cancer, and single-cell RNA-seq of 40 surgical specimens, to identify new therapeutic targets and stratify patients."),
            organism: HUMAN,
            organization: ims(),
            grant: Some(("JP23ck0106789", CANCER_TITLE)),
            xrefs: vec![
                ("jga-dataset", "JGAD000123"),
                ("jga-dataset", "JGAD000124"),
                ("jga-policy", "JGAP000123"),
                ("jga-dac", "JGAC000002"),
            ],
            published: "2026-08-20",
            created: "2026-05-11",
            extra: json!({"studyType": ["Whole Genome Sequencing", "Transcriptome Analysis"], "datasetType": [], "vendor": []}),
        },
        Entry {
            kind: "jga-dataset",
            id: "JGAD000123",
            name: "JSUB000512_Dataset_0001",
            title: Some("Whole-genome sequencing of pancreatic cancer and matched normal tissue"),
            description: Some("FASTQ, BAM and VCF files of tumour and normal DNA of 300 patients with pancreatic cancer."),
            organism: HUMAN,
            organization: ims(),
            grant: None,
            xrefs: vec![
                ("jga-study", "JGAS000123"),
                ("jga-policy", "JGAP000123"),
                ("jga-dac", "JGAC000002"),
            ],
            published: "2026-08-20",
            created: "2026-05-11",
            extra: jga_dataset("Whole genome sequencing"),
        },
        Entry {
            kind: "jga-dataset",
            id: "JGAD000124",
            name: "JSUB000512_Dataset_0002",
            title: Some("Single-cell RNA-seq of pancreatic cancer surgical specimens"),
            description: Some("FASTQ files and count matrices of single-cell suspensions of 40 tumour specimens."),
            organism: HUMAN,
            organization: ims(),
            grant: None,
            xrefs: vec![
                ("jga-study", "JGAS000123"),
                ("jga-policy", "JGAP000123"),
                ("jga-dac", "JGAC000002"),
            ],
            published: "2026-10-15",
            created: "2026-08-30",
            extra: jga_dataset("Transcriptome profiling"),
        },
        // 22ek0109612h0003 #2 (制限公開, 2026-03-31): published late.
        Entry {
            kind: "jga-dataset",
            id: "JGAD000456",
            name: "JSUB000377_Dataset_0001",
            title: Some("Targeted sequencing of about 300 genes related to neurological diseases"),
            description: Some("Gene panel sequencing data of 620 patients with rare neurological diseases."),
            organism: HUMAN,
            organization: vec![organization(
                "Osaka University",
                "Department of Neurology, Graduate School of Medicine",
            )],
            grant: None,
            xrefs: vec![("jga-study", "JGAS000456"), ("jga-dac", "JGAC000001")],
            published: "2026-07-15",
            created: "2025-12-02",
            extra: jga_dataset("Targeted sequencing"),
        },
        // 18km0105001h0001 #2 (制限公開, 2021-09-30): as planned.
        Entry {
            kind: "jga-dataset",
            id: "JGAD000789",
            name: "JSUB000201_Dataset_0001",
            title: Some("Whole-genome sequences and basic health check-up data of population cohort participants"),
            description: Some("CRAM files and basic attributes of 8000 participants."),
            organism: HUMAN,
            organization: vec![organization(
                "Tohoku University",
                "Tohoku Medical Megabank Organization",
            )],
            grant: None,
            xrefs: vec![("jga-study", "JGAS000789"), ("jga-dac", "JGAC000001")],
            published: "2021-09-01",
            created: "2021-03-15",
            extra: jga_dataset("Whole genome sequencing"),
        },
        // The KAKENHI maDMP's exome data.
        Entry {
            kind: "jga-dataset",
            id: "JGAD000901",
            name: "JSUB000655_Dataset_0001",
            title: Some("Whole-exome sequencing of patient-derived pancreatic cancer organoids"),
            description: Some("Exome sequences of 40 organoid lines."),
            organism: HUMAN,
            organization: ims(),
            grant: None,
            xrefs: vec![("jga-study", "JGAS000901"), ("jga-dac", "JGAC000002")],
            published: "2026-09-30",
            created: "2026-06-01",
            extra: jga_dataset("Exome sequencing"),
        },
        // The JST CREST maDMP's submission.
        Entry {
            kind: "sra-submission",
            id: "DRA015678",
            name: "kawaguchi-0012",
            title: None,
            description: None,
            organism: None,
            organization: vec![organization(
                "Nagasaki University",
                "Institute of Tropical Medicine",
            )],
            grant: None,
            xrefs: vec![
                ("sra-study", "DRP010987"),
                ("bioproject", "PRJDB15012"),
                ("sra-experiment", "DRX450001"),
                ("sra-run", "DRR460001"),
            ],
            published: "2025-04-15",
            created: "2025-03-24",
            extra: sra(),
        },
        // 25fk0108701h0001 #1 (非制限公開, 2028-06-30): before its date.
        Entry {
            kind: "sra-study",
            id: "DRP012345",
            name: "DRA017890_Study_0001",
            title: Some("Whole-genome sequencing of severe fever with thrombocytopenia syndrome virus clinical isolates from Japan"),
            description: Some("Genome sequences of 150 SFTS virus strains isolated from patients in Japan."),
            organism: SFTSV,
            organization: vec![organization(
                "Nagasaki University",
                "Institute of Tropical Medicine",
            )],
            grant: None,
            xrefs: vec![
                ("bioproject", "PRJDB17345"),
                ("sra-submission", "DRA017890"),
                ("sra-experiment", "DRX512001"),
                ("sra-experiment", "DRX512002"),
            ],
            published: "2026-05-20",
            created: "2026-04-10",
            extra: sra(),
        },
        // 25fk0108701h0001: its BioProject, found by its grant.
        Entry {
            kind: "bioproject",
            id: "PRJDB17345",
            name: "",
            title: Some("Severe fever with thrombocytopenia syndrome virus clinical isolates"),
            description: Some("Genome sequencing of SFTS virus isolated from patients, for the development of neutralising antibody therapeutics."),
            organism: SFTSV,
            organization: vec![organization(
                "Nagasaki University",
                "Institute of Tropical Medicine",
            )],
            grant: Some(("JP25fk0108701", SFTS_TITLE)),
            xrefs: vec![("sra-study", "DRP012345")],
            published: "2026-05-20",
            created: "2026-04-08",
            extra: json!({"objectType": "BioProject", "parentBioProjects": [], "childBioProjects": []}),
        },
    ];
    entries.iter().map(Entry::entry).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_record_is_served_under_its_identifier() {
        let world = example_deposits();
        assert_eq!(world.len(Service::Datacite), 10);
        assert_eq!(world.len(Service::Ddbj), 9);
        let dc = world
            .get(Service::Datacite, "10.5281/zenodo.15432101")
            .unwrap();
        assert_eq!(
            dc["attributes"]["fundingReferences"][0]["awardNumber"],
            "JP24ck0106789"
        );
        let study = world.get(Service::Ddbj, "jga-study/JGAS000123").unwrap();
        assert_eq!(study["grant"][0]["title"], CANCER_TITLE);
        assert_eq!(study["dbXrefsCount"]["jga-dataset"], 2);
        assert_eq!(
            world
                .get(Service::DoiRa, "10.50893/data.seishin.24567890")
                .unwrap()["RA"],
            "DataCite"
        );
    }
}
